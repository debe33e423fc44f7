/**
 * A seeded mutator of the shipped banks and of valid submissions, shared by the fuzz property in the
 * test suite (a few hundred cases) and `npm run bench -- fuzz` (100,000 of each). Every case is built
 * from its number alone, so a failure is reproduced by its number.
 *
 * Mutations come in two kinds. A *malformed* one injects something the format forbids (an unknown field,
 * a type named like a prototype member, points that are not hundredths, a YAML 1.1 tag, a `__proto__`
 * key, an expression past the limits, invalid UTF-8, a duplicate key, too many or too deep nodes, a bad
 * seed or student): the input must be refused. A *noisy* one (bytes flipped, lines dropped, doubled or
 * swapped, values replaced by junk) may or may not leave a valid input: either way nothing may crash,
 * and an input that loads must grade consistently (its own answer key full marks, every score within
 * [0, max]).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { parse, stringify } from 'yaml';
import { answerKey, checkBankSource, gradeSubmission, parseSubmissionText, SubmissionError, type AnswerKey, type Bank } from '../../src/quiz/index.js';
import { decodeUtf8, InputFileError } from '../../src/quiz/input-file.js';
import { MAX_YAML_NODES } from '../../src/quiz/yaml-input.js';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..', '..');

export interface Rand {
  int(from: number, to: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function rand(seed: number): Rand {
  const rng = xoroshiro128plus(seed | 0);
  const int = (from: number, to: number) => uniformInt(rng, from, to);
  return { int, pick: (items) => items[int(0, items.length - 1)]!, chance: (p) => int(0, 9999) < p * 10000 };
}

/** A bank to mutate: its name, its text and its parsed form (cloned before each mutation). */
export interface SeedBank {
  name: string;
  text: string;
  data: Record<string, unknown>;
}

/**
 * The seeds: every question of the shipped banks and of the test fixture, each as a bank of its own (a
 * one-question bank loads in a few ms, a whole one in tens), plus the fixture whole, for the checks
 * across questions (ids used twice, one bank id).
 */
export function seedBanks(): SeedBank[] {
  const dir = join(root, 'quizzes');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }));
  const fixture = { name: 'all-types.yaml', text: readFileSync(join(here, 'fixtures', 'all-types.yaml'), 'utf8') };
  const seeds: SeedBank[] = [{ ...fixture, data: parse(fixture.text) as Raw }];
  for (const file of [...files, fixture]) {
    const bank = parse(file.text) as Raw;
    (bank.questions as Raw[]).forEach((question, i) => {
      const data = { ...bank, questions: [question] };
      seeds.push({ name: `${file.name}#${i + 1}`, text: stringify(data, { lineWidth: 0 }), data });
    });
  }
  return seeds;
}

export type Verdict = 'ok' | 'crash' | 'accepted-malformed' | 'inconsistent';

export interface CaseResult {
  verdict: Verdict;
  /** The mutation, for the report ("malformed: points 0.333"). */
  mutation: string;
  /** What went wrong, when verdict is not ok. */
  detail?: string;
  /** Time spent reading and checking the input (building the case not counted), in ms. */
  ms?: number;
}

const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];
const BAD_POINTS = ['0.333', '0.33333', '0.000001', '1e308', '-1', '0', '.nan', '.inf', '1000.5', '"two"', '[1]'];
const BAD_TAGS = ['!!timestamp 2001-12-14', '!!set {relative: null}', '!!omap [relative: 0.5]', '!!binary aGVsbG8=', '!!pairs [relative: 0.5]', '!custom {relative: 0.5}'];
const JUNK: readonly unknown[] = [null, true, -1, 0.5, 1e308, '', 'x'.repeat(3000), [], [[[]]], {}, { a: { b: { c: 1 } } }, 'a\nb', '__proto__', '{{n}}', Array.from({ length: 500 }, (_, i) => i)];

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A random question map of a parsed bank (scenario parts included). */
function someQuestion(bank: Raw, r: Rand): Raw | undefined {
  const questions = (bank.questions as unknown[]).filter(isMap);
  if (questions.length === 0) return undefined;
  const q = r.pick(questions);
  const parts = Array.isArray(q.parts) ? q.parts.filter(isMap) : [];
  return parts.length > 0 && r.chance(0.5) ? r.pick(parts) : q;
}

function someNumeric(bank: Raw): Raw | undefined {
  for (const q of bank.questions as unknown[]) {
    if (!isMap(q)) continue;
    if (q.type === 'numeric') return q;
    for (const p of Array.isArray(q.parts) ? q.parts : []) if (isMap(p) && p.type === 'numeric') return p;
  }
  return undefined;
}

/** A malformed bank: [description, bytes]. Placeholders let raw YAML (tags, keys) into the text. */
function malformedBank(seed: SeedBank, r: Rand): [string, Uint8Array] {
  const bank = structuredClone(seed.data);
  const q = someQuestion(bank, r)!;
  let raw: [string, string] | undefined;
  let what: string;
  switch (r.int(0, 11)) {
    case 0: {
      const name = r.pick([...PROTO_NAMES.filter((n) => n !== '__proto__'), 'explaination', 'colour', 'answers']);
      q[name] = 1;
      what = `unknown field ${name}`;
      break;
    }
    case 1: {
      q.type = r.pick([...PROTO_NAMES, 'essay', 'Numeric', '']);
      what = `type ${String(q.type)}`;
      break;
    }
    case 2: {
      const points = r.pick(BAD_POINTS);
      if (q.type === 'scenario') q.points = 1; // a scenario may have no points at all
      else q.points = '@@POINTS@@';
      raw = ['"@@POINTS@@"', points];
      what = `points ${points}`;
      break;
    }
    case 3: {
      const n = someNumeric(bank);
      if (!n) return malformedBank(seed, r);
      const tag = r.pick(BAD_TAGS);
      n.tolerance = '@@TAG@@';
      raw = ['"@@TAG@@"', tag];
      what = `tolerance ${tag}`;
      break;
    }
    case 4: {
      const name = r.pick(PROTO_NAMES);
      q.params = { ...(isMap(q.params) ? q.params : {}), '@@PARAM@@': r.pick(['[1, 2]', '{min: 0, max: 1000000000000000}', '3']) };
      raw = ['"@@PARAM@@"', name];
      what = `param ${name}`;
      break;
    }
    case 5: {
      const n = someNumeric(bank);
      if (!n) return malformedBank(seed, r);
      const k = r.int(0, 3);
      n.answer = [
        Array(r.chance(0.05) ? r.int(600, 40_000) : r.int(251, 400)).fill('1').join('+'),
        `max(${Array(r.chance(0.05) ? r.int(600, 130_000) : r.int(251, 400)).fill('1').join(',')})`,
        `${'('.repeat(r.int(65, 5000))}1${')'.repeat(5000)}`.slice(0, 10_000),
        Array(r.int(70, 490)).fill('2').join('^'),
      ][k];
      what = `answer of ${String(n.answer).length} characters (${['terms', 'max args', 'parentheses', 'powers'][k]})`;
      break;
    }
    case 6: {
      q['@@DUP@@'] = 1;
      raw = ['"@@DUP@@"', 'id'];
      what = 'duplicate key id';
      break;
    }
    case 7: {
      const key = r.pick([...PROTO_NAMES.filter((k) => k !== '__proto__'), 'index']);
      bank[key] = 'x';
      what = `bank field ${key}`;
      break;
    }
    case 8: {
      q['@@PROTO@@'] = { x: 1 };
      raw = ['"@@PROTO@@"', '__proto__'];
      what = '__proto__ key';
      break;
    }
    case 9: {
      const n = r.int(65, 3000);
      q.prompt = '@@DEEP@@';
      raw = ['"@@DEEP@@"', `${'['.repeat(n)}${']'.repeat(n)}`];
      what = `nesting ${n}`;
      break;
    }
    case 10: {
      if (!r.chance(0.1)) return malformedBank(seed, r); // large, so rare
      q.tags = Array.from({ length: r.int(MAX_YAML_NODES + 1, MAX_YAML_NODES + 1000) }, (_, i) => `t${i}`);
      what = `${(q.tags as unknown[]).length} tags`;
      break;
    }
    default: {
      const bytes = Buffer.from(stringify(bank));
      const at = r.int(0, bytes.length - 1);
      const bad = r.pick([[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf]]);
      return [`invalid UTF-8 at ${at}`, Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)])];
    }
  }
  let text = stringify(bank, { lineWidth: 0 });
  if (raw) text = text.replace(raw[0], raw[1]);
  return [what, Buffer.from(text)];
}

/** A noisy bank: bytes or lines disturbed at random. */
function noisyBank(seed: string, r: Rand): [string, Uint8Array] {
  const lines = seed.split('\n');
  const bytes = Buffer.from(seed);
  switch (r.int(0, 5)) {
    case 0: {
      const i = r.int(0, bytes.length - 1);
      bytes[i] = r.int(0, 255);
      return [`byte ${i} set`, bytes];
    }
    case 1: {
      const i = r.int(0, lines.length - 1);
      lines.splice(i, 1);
      return [`line ${i} dropped`, Buffer.from(lines.join('\n'))];
    }
    case 2: {
      const i = r.int(0, lines.length - 1);
      lines.splice(i, 0, lines[i]!);
      return [`line ${i} doubled`, Buffer.from(lines.join('\n'))];
    }
    case 3: {
      const i = r.int(0, lines.length - 1);
      const j = r.int(0, lines.length - 1);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return [`lines ${i} and ${j} swapped`, Buffer.from(lines.join('\n'))];
    }
    case 4: {
      const i = r.int(0, seed.length);
      return [`cut at ${i}`, Buffer.from(seed.slice(0, i))];
    }
    default: {
      const i = r.int(0, seed.length);
      const insert = r.pick([': ', '- ', '{', '[', '&a ', '*a', '!!str ', '"', "'", '\t', '\\', '|', '{{answer}}', '{{', '^', '0x', '1e400']);
      return [`${JSON.stringify(insert)} inserted at ${i}`, Buffer.from(seed.slice(0, i) + insert + seed.slice(i))];
    }
  }
}

/** Loads a bank from bytes as the CLI does (strict UTF-8, then the checker); checks the result. */
/** `onCheck` is called when the input is built and its reading and checking start (the bench's hang clock). */
export function bankCase(n: number, seeds: readonly SeedBank[], onCheck?: () => void): CaseResult {
  const r = rand(n);
  const seed = r.pick(seeds);
  const malformed = r.chance(0.5);
  const [what, bytes] = malformed ? malformedBank(seed, r) : noisyBank(seed.text, r);
  const mutation = `${seed.name}: ${malformed ? 'malformed' : 'noisy'}: ${what}`;
  let bank: Bank | undefined;
  onCheck?.();
  const start = performance.now();
  try {
    let text: string;
    try {
      text = decodeUtf8(bytes);
    } catch (error) {
      if (error instanceof InputFileError) return { verdict: 'ok', mutation, ms: performance.now() - start };
      throw error;
    }
    bank = checkBankSource(text, seed.name).bank;
  } catch (error) {
    return { verdict: 'crash', mutation, detail: String(error instanceof Error ? error.stack : error).slice(0, 400) };
  }
  const ms = performance.now() - start;
  if (bank && malformed) return { verdict: 'accepted-malformed', mutation, ms };
  if (bank) {
    try {
      const problem = gradesConsistently(bank, r.int(0, 1000));
      if (problem) return { verdict: 'inconsistent', mutation, detail: problem, ms };
    } catch (error) {
      return { verdict: 'crash', mutation, detail: String(error instanceof Error ? error.stack : error).slice(0, 400) };
    }
  }
  return { verdict: 'ok', mutation, ms };
}

/** Its own answer key scores full marks; the total is the sum of the points. */
function gradesConsistently(bank: Bank, seed: number): string | undefined {
  const answers = Object.fromEntries(bank.questions.map((q) => [q.id, keyAnswer(answerKey(bank, q.id, seed))]));
  const result = gradeSubmission(bank, { student: 's', bank: bank.id, seed, answers });
  for (const [id, q] of Object.entries(result.questions)) {
    if (!q.correct || q.score !== q.max) return `the answer key of '${id}' scores ${q.score}/${q.max} (${q.status}) at seed ${seed}`;
  }
  if (result.score !== result.max) return `the answer key scores ${result.score}/${result.max} at seed ${seed}`;
  return undefined;
}

function keyAnswer(key: AnswerKey): unknown {
  return key.type === 'scenario' ? Object.fromEntries(Object.entries(key.answer).map(([id, k]) => [id, keyAnswer(k)])) : key.answer;
}

/** Valid submissions to mutate: answer keys and wrong answers of the fixture bank for random seeds. */
function validSubmission(bank: Bank, r: Rand): Raw {
  const seed = r.int(0, 1_000_000);
  const answers: Raw = {};
  for (const q of bank.questions) if (r.chance(0.8)) answers[q.id] = r.chance(0.6) ? keyAnswer(answerKey(bank, q.id, seed)) : r.pick(JUNK);
  return { student: `s${r.int(0, 9999)}`, bank: bank.id, seed, answers };
}

/** A submission case: malformed (must be rejected) or noisy (any outcome, but consistent), JSON or YAML. */
export function submissionCase(n: number, bank: Bank, onCheck?: () => void): CaseResult {
  const r = rand(n);
  const data = validSubmission(bank, r);
  const format = r.chance(0.5) ? 'json' : 'yaml';
  const malformed = r.chance(0.5);
  let what: string;
  let bytes: Uint8Array;
  let raw: [string, string] | undefined;
  if (malformed) {
    const k = r.int(0, 8);
    switch (k) {
      case 0:
        data.student = r.pick(['', '.hidden', '../x', 'bob\nrejected', 'x'.repeat(65), 'a b', 42, null]);
        what = `student ${JSON.stringify(data.student)?.slice(0, 20)}`;
        break;
      case 1:
        data.bank = r.pick(['other', '', 'x'.repeat(5000), null, 7]);
        what = 'another bank';
        break;
      case 2:
        data.seed = r.pick([-1, 1.5, 2 ** 53, 1e300, '3', null, [], {}]);
        what = `seed ${JSON.stringify(data.seed)}`;
        break;
      case 3:
        data.answers = r.pick([[1], 'x', 3]);
        what = 'answers not a map';
        break;
      case 4:
        if (format === 'yaml') {
          data.seed = '@@SEED@@';
          raw = ['"@@SEED@@"', r.pick(['.nan', '.inf', '-.inf', '!!timestamp 2001-01-01', '!!binary aGk='])];
        } else {
          data.seed = r.pick([NaN, Infinity]);
        }
        what = 'seed not a number';
        break;
      case 5: {
        data['@@DUP@@'] = 'x';
        const key = r.pick(['student', 'bank', '__proto__']);
        raw = ['"@@DUP@@"', format === 'json' ? `"${key}"` : key];
        what = 'duplicate or __proto__ key';
        break;
      }
      case 6: {
        (data.answers as Raw).deep = '@@DEEP@@';
        const depth = r.int(65, 5000);
        raw = ['"@@DEEP@@"', `${'['.repeat(depth)}${']'.repeat(depth)}`];
        what = 'nesting past the limit';
        break;
      }
      case 7:
        if (!r.chance(0.1)) return submissionCase(n + 1_000_000_007, bank, onCheck); // large, so rare
        (data.answers as Raw).many = Array.from({ length: r.int(MAX_YAML_NODES + 1, MAX_YAML_NODES + 1000) }, (_, i) => i);
        what = 'too many nodes';
        break;
      default:
        data.student = '@@UTF8@@';
        what = 'invalid UTF-8';
        break;
    }
  } else {
    what = 'noise';
  }
  let text = format === 'json' ? JSON.stringify(data) : stringify(data, { lineWidth: 0 });
  if (raw) text = text.replace(raw[0], raw[1]);
  if (malformed && what === 'invalid UTF-8') {
    const [before, after] = text.split('@@UTF8@@') as [string, string];
    bytes = Buffer.concat([Buffer.from(before), Buffer.from(r.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80]])), Buffer.from(after)]);
  } else if (!malformed) {
    const [noise, noisy] = noisyBank(text, r);
    what = noise;
    bytes = noisy;
  } else {
    bytes = Buffer.from(r.chance(0.1) ? `\uFEFF${text}` : text);
  }
  const mutation = `submission (${format}): ${malformed ? 'malformed' : 'noisy'}: ${what}`;
  onCheck?.();
  const start = performance.now();
  try {
    let result;
    try {
      result = gradeSubmission(bank, parseSubmissionText(decodeUtf8(bytes), format));
    } catch (error) {
      if (error instanceof SubmissionError || error instanceof InputFileError) return { verdict: 'ok', mutation, ms: performance.now() - start };
      throw error;
    }
    const ms = performance.now() - start;
    if (malformed) return { verdict: 'accepted-malformed', mutation };
    for (const [id, q] of Object.entries(result.questions)) {
      if (!(q.score >= 0 && q.score <= q.max) || q.correct !== (q.score === q.max && q.status === 'correct')) {
        return { verdict: 'inconsistent', mutation, detail: `'${id}' scored ${q.score}/${q.max} (${q.status})` };
      }
      if (q.feedback.length > 20_000) return { verdict: 'inconsistent', mutation, detail: `'${id}' feedback is ${q.feedback.length} characters` };
    }
    if (!(result.score >= 0 && result.score <= result.max)) return { verdict: 'inconsistent', mutation, detail: `total ${result.score}/${result.max}` };
    return { verdict: 'ok', mutation, ms };
  } catch (error) {
    return { verdict: 'crash', mutation, detail: String(error instanceof Error ? error.stack : error).slice(0, 400) };
  }
}
