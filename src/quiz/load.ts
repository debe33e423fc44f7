/**
 * Loading a bank: YAML (keeping source positions) → structure checked with zod → cross-field rules →
 * expressions and templates compiled. Every problem of a file is collected with its file:line:col and
 * the bank is returned only when there are none: a bank with errors is never half-loaded.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { compileExpression, EXPRESSION_FUNCTIONS, ExpressionError, type Expression } from './expression.js';
import { compileTemplate, templateNames, type Template } from './template.js';
import { attachCompiled, type CompiledChoice, type CompiledFeedback, type CompiledParam, type CompiledQuestion } from './compiled.js';
import { BANK_KEYS, bankHeader, PART_SCHEMAS, QUESTION_SCHEMAS } from './schema.js';
import { normalizeText } from './text.js';
import { drawParams } from './params.js';
import {
  QUESTION_TYPES,
  type Bank,
  type Choice,
  type NumberOrExpression,
  type ParamDef,
  type PartQuestion,
  type Question,
  type QuestionType,
} from './types.js';

/** A bank (or several) that cannot be loaded; `problems` lists every "file:line:col: message". */
export class BankError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n${problems.join('\n')}`);
    this.name = 'BankError';
    this.problems = problems;
  }
}

type Path = readonly (string | number)[];
const MAX_RANGE_VALUES = 1_000_000;
const RESERVED = new Set(['answer', ...EXPRESSION_FUNCTIONS]);

/** Where problems are collected for one file, each pinned to the YAML node at a path. */
class Problems {
  readonly list: { offset: number; text: string }[] = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
  ) {}

  /** Adds a problem at the node at `path` (or the nearest existing parent); `key` points at a map key. */
  add(path: Path, message: string, key?: string): void {
    const offset = this.offsetOf(path, key);
    this.list.push({ offset, text: `${this.where(offset)}: ${message}` });
  }

  addAtOffset(offset: number, message: string): void {
    this.list.push({ offset, text: `${this.where(offset)}: ${message}` });
  }

  where(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  lineOf(path: Path): number {
    return this.lines.linePos(this.offsetOf(path)).line;
  }

  private offsetOf(path: Path, key?: string): number {
    if (!this.doc) return 0;
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (n === path.length && key !== undefined && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
        const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
        if (keyNode?.range) return keyNode.range[0];
      }
      if (node && typeof node === 'object' && node.range) return node.range[0];
    }
    return 0;
  }

  sorted(): string[] {
    return [...this.list].sort((a, b) => a.offset - b.offset).map((p) => p.text);
  }
}

/** Loads one bank file; throws BankError listing every problem. `display` is how the file is named in them. */
export function loadBank(path: string, display: string = path): Bank {
  const { bank, problems } = checkBankFile(path, display);
  if (!bank) throw new BankError(problems);
  return bank;
}

/** The bank files of a folder: *.yaml and *.yml, sorted by name. */
export function bankFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** The folder the course's banks ship in (quizzes/ beside dist/ or src/). */
export function defaultBankDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'quizzes');
}

/**
 * Loads every bank of a folder (default: the course's quizzes/). Bank ids must be unique across it.
 * Throws one BankError with the problems of all files.
 */
export function loadBanks(dir: string = defaultBankDir()): Bank[] {
  const { banks, problems } = checkBanks(bankFiles(dir).map((file) => ({ file, display: file })));
  if (problems.length > 0) throw new BankError(problems);
  return banks;
}

/** Checks many files at once: each file's problems, then ids used by two banks. */
export function checkBanks(files: readonly { file: string; display: string }[]): { banks: Bank[]; problems: string[] } {
  const banks: Bank[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { file, display } of files) {
    const checked = checkBankFile(file, display);
    problems.push(...checked.problems);
    if (!checked.bank) continue;
    const other = seen.get(checked.bank.id);
    if (other !== undefined) {
      problems.push(`${checked.bankIdAt}: bank id '${checked.bank.id}' is also used by ${other}; bank ids must be unique`);
      continue;
    }
    seen.set(checked.bank.id, display);
    banks.push(checked.bank);
  }
  return { banks, problems };
}

/** Finds a bank by id in a folder (default quizzes/), or loads it when idOrPath names a file. */
export function findBank(idOrPath: string, dir: string = defaultBankDir()): Bank {
  if (/\.ya?ml$/.test(idOrPath) || idOrPath.includes('/') || idOrPath.includes('\\')) {
    return loadBank(idOrPath);
  }
  const banks = loadBanks(dir);
  const bank = banks.find((b) => b.id === idOrPath);
  if (!bank) {
    throw new BankError([`${dir}: no bank '${idOrPath}' (banks there: ${banks.map((b) => b.id).join(', ') || 'none'})`]);
  }
  return bank;
}

interface Checked {
  bank?: Bank;
  problems: string[];
  /** file:line:col of the `bank:` value, for cross-file problems. */
  bankIdAt: string;
}

/** Every problem of one bank file, and the bank when there are none. */
export function checkBankFile(path: string, display: string): Checked {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a bank file' : `cannot be read (${code ?? String(error)})`;
    return { problems: [`${display}:1:1: ${why}`], bankIdAt: `${display}:1:1` };
  }
  return checkBankSource(source, display);
}

/** As checkBankFile, from the text of the file. */
export function checkBankSource(source: string, display: string): Checked {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems = new Problems(display, doc, lines);
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      problems.addAtOffset(error.pos[0], `YAML syntax: ${firstLine(error.message)}`);
    }
    return { problems: problems.sorted(), bankIdAt: problems.where(0) };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problems.addAtOffset(0, `YAML: ${firstLine(error instanceof Error ? error.message : String(error))}`);
    return { problems: problems.sorted(), bankIdAt: problems.where(0) };
  }
  const bankIdAt = problems.where(0);
  if (!isRecord(data)) {
    problems.addAtOffset(0, 'a bank must be a YAML map with bank, title and questions');
    return { problems: problems.sorted(), bankIdAt };
  }
  const header = bankHeader.safeParse(data);
  const fields = data;
  if (!header.success) {
    const missing = header.error.issues.filter((i) => i.path.length === 1 && fields[i.path[0] as string] === undefined);
    for (const issue of missing) problems.add([], `bank: ${String(issue.path[0])} is missing`);
    addIssues(problems, [], 'bank', header.error.issues.filter((i) => !missing.includes(i)));
  }
  for (const key of Object.keys(data)) {
    if (!(BANK_KEYS as readonly string[]).includes(key)) {
      problems.add([], `unknown field '${key}' (a bank has: ${BANK_KEYS.join(', ')})`, key);
    }
  }
  const bankId = typeof data.bank === 'string' ? data.bank : '';
  const questions: Question[] = [];
  const compiled = new Map<string, CompiledQuestion>();
  const firstSeen = new Map<string, number>();
  const rawQuestions = Array.isArray(data.questions) ? data.questions : [];
  rawQuestions.forEach((raw, index) => {
    const path = ['questions', index];
    const question = checkQuestion(problems, path, raw, index, QUESTION_SCHEMAS);
    if (!question) return;
    const earlier = firstSeen.get(question.id);
    if (earlier !== undefined) {
      problems.add([...path, 'id'], `question '${question.id}': id is used twice (first on line ${problems.lineOf(['questions', earlier])})`);
    } else {
      firstSeen.set(question.id, index);
    }
    // Compiled even when its id is taken, so its own problems are reported too.
    const cq = compileQuestion(problems, path, question, bankId, question.id, `question '${question.id}'`, new Set());
    if (cq && earlier === undefined) {
      questions.push(question);
      compiled.set(question.id, cq);
    }
  });
  const result = problems.sorted();
  const idNode = doc.get('bank', true) as { range?: [number, number, number] } | undefined;
  const idAt = idNode?.range ? problems.where(idNode.range[0]) : bankIdAt;
  if (result.length > 0 || !header.success) return { problems: result, bankIdAt: idAt };
  const bank: Bank = { id: header.data.bank, title: header.data.title, file: display, questions };
  if (header.data.source !== undefined) bank.source = header.data.source;
  attachCompiled(bank, { byId: compiled });
  return { bank, problems: [], bankIdAt: idAt };
}

type Schemas = Readonly<Record<string, z.ZodType>>;

/** Structure of one question (or part): a map, a known type, then its type's schema. */
function checkQuestion(problems: Problems, path: Path, raw: unknown, index: number, schemas: Schemas, parent?: string): Question | undefined {
  const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
  const label = `${parent ? `${parent} part` : 'question'} ${id !== undefined ? `'${id}'` : `#${index + 1}`}`;
  if (!isRecord(raw)) {
    problems.add(path, `${label} must be a map with id, type and prompt`);
    return undefined;
  }
  const allowed = Object.keys(schemas);
  if (raw.type === undefined) {
    problems.add(path, `${label}: type is missing; use one of: ${allowed.join(', ')}`);
    return undefined;
  }
  const schema = typeof raw.type === 'string' ? schemas[raw.type] : undefined;
  if (!schema) {
    const why = raw.type === 'scenario' ? 'a scenario part cannot be a scenario' : `type '${String(raw.type)}' is not known`;
    problems.add([...path, 'type'], `${label}: ${why}; use one of: ${allowed.join(', ')}`);
    return undefined;
  }
  // Each field is checked on its own, so one bad field does not hide the problems of the others.
  const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
  const data: Record<string, unknown> = {};
  const bad = new Set<string>();
  for (const [key, fieldSchema] of Object.entries(shape)) {
    const value = raw[key];
    const parsed = fieldSchema.safeParse(value);
    if (parsed.success) {
      if (parsed.data !== undefined) data[key] = parsed.data;
      continue;
    }
    bad.add(key);
    if (value === undefined) problems.add(path, `${label}: ${key} is missing`);
    else addIssues(problems, [...path, key], label, parsed.error.issues, undefined, [key]);
  }
  for (const key of Object.keys(raw)) {
    if (!(key in shape)) {
      problems.add(path, `${label}: unknown field '${key}' (a ${String(raw.type)} question has: ${Object.keys(shape).join(', ')})`, key);
    }
  }
  if (bad.size === 0) return normalizeQuestion(data);
  // Fields whose defaults are harmless are defaulted so the cross-field checks still run; a bad field
  // that other checks depend on (params, answer, choices…) stops them, to avoid follow-on noise.
  const harmless = new Set(['points', 'tolerance', 'tags', 'explanation', 'unit', 'match', 'prompt', 'id', 'feedback']);
  if ([...bad].some((key) => !harmless.has(key))) return undefined;
  if (bad.has('prompt')) data.prompt = '';
  if (bad.has('id')) data.id = id ?? `#${index + 1}`;
  if (bad.has('feedback')) data.feedback = [];
  const question = normalizeQuestion(data);
  return question;
}

function addIssues(problems: Problems, base: Path, label: string, issues: readonly z.core.$ZodIssue[], schema?: z.ZodType, prefix: readonly (string | number)[] = []): void {
  for (const issue of issues) {
    const path = [...base, ...(issue.path as (string | number)[])];
    const field = fieldName([...prefix, ...(issue.path as (string | number)[])]);
    if (issue.code === 'unrecognized_keys') {
      const allowedKeys = allowedFields(schema, issue.path as (string | number)[]);
      for (const key of issue.keys) {
        const where = field ? `${field}: ` : '';
        problems.add(path, `${label}: ${where}unknown field '${key}'${allowedKeys ? ` (allowed: ${allowedKeys})` : ''}`, key);
      }
      continue;
    }
    const message = issue.message.startsWith('Invalid') ? lowerFirst(issue.message) : issue.message;
    problems.add(path, field ? `${label}: ${field} ${message}` : `${label}: ${message}`);
  }
}

/** The fields a map at this path may have, when that is easy to read off the schema. */
function allowedFields(schema: z.ZodType | undefined, path: readonly (string | number)[]): string | undefined {
  if (path.length > 0 || !schema) return undefined;
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape).join(', ') : undefined;
}

/** "tolerance.relative", "choices[2].text". */
function fieldName(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Fills in defaults so later stages never ask "was it given?". */
function normalizeQuestion(q: Record<string, unknown>): Question {
  const question = { ...q, prompt: (q.prompt as string | undefined) ?? '', points: (q.points as number | undefined) ?? 1, tags: (q.tags as string[] | undefined) ?? [], params: (q.params as Record<string, ParamDef> | undefined) ?? {} } as Record<string, unknown>;
  if (q.explanation === undefined) delete question.explanation;
  switch (q.type as QuestionType) {
    case 'single-choice':
    case 'multiple-choice':
      question.choices = (q.choices as Partial<Choice>[]).map((c, i) => {
        const choice: Choice = { id: c.id ?? choiceLetter(i), text: c.text ?? '', correct: c.correct ?? false };
        if (c.feedback !== undefined) choice.feedback = c.feedback;
        return choice;
      });
      break;
    case 'numeric': {
      question.tolerance = (q.tolerance as object | undefined) ?? { relative: 0.01 };
      if (Object.keys(question.tolerance as object).length === 0) question.tolerance = { relative: 0.01 };
      question.feedback = ((q.feedback as Record<string, unknown>[] | undefined) ?? []).map((f) => {
        const range = f.range;
        if (range && !Array.isArray(range)) {
          const r = range as { min: NumberOrExpression; max: NumberOrExpression };
          return { ...f, range: [r.min, r.max] };
        }
        return f;
      });
      break;
    }
    case 'text':
      question.match = q.match ?? 'normalized';
      break;
    default:
      break;
  }
  return question as unknown as Question;
}

/** a, b, …, z, aa, ab, … (a bank with more than 26 choices still gets ids). */
export function choiceLetter(index: number): string {
  let n = index;
  let out = '';
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return out;
}

/**
 * The rules across fields, and compilation. `inherited` are the params of an enclosing scenario, which
 * its parts may use. Returns undefined when the question has problems (they are added).
 */
function compileQuestion(
  problems: Problems,
  path: Path,
  q: Question,
  bankId: string,
  streamId: string,
  label: string,
  inherited: ReadonlySet<string>,
): CompiledQuestion | undefined {
  const before = problems.list.length;
  const params = compileParams(problems, path, q, label, inherited);
  // A param with a problem still counts as a name, so its uses are not reported a second time.
  const scope = new Set([...inherited, ...Object.keys(q.params).filter((name) => !RESERVED.has(name))]);
  const template = (field: Path, text: string, extra: ReadonlySet<string> = new Set()): Template => {
    const compiledTemplate = compileTemplate(text);
    for (const name of templateNames(compiledTemplate)) {
      if (!scope.has(name) && !extra.has(name)) {
        const hint = name === 'answer' ? " ({{answer}} may appear only in a numeric question's explanation and feedback)" : ` (params: ${[...scope].join(', ') || 'none'})`;
        problems.add([...path, ...field], `${label}: ${fieldName(field)} uses {{${name}}}, which is not a param${hint}`);
      }
    }
    return compiledTemplate;
  };
  const answerSymbol = new Set(q.type === 'numeric' ? ['answer'] : []);
  const cq: CompiledQuestion = {
    def: q,
    streamId,
    label,
    params,
    prompt: template(['prompt'], q.prompt),
  };
  if (q.explanation !== undefined) cq.explanation = template(['explanation'], q.explanation, answerSymbol);
  const expression = (field: Path, value: NumberOrExpression, symbols: ReadonlySet<string>): Expression | undefined => {
    if (typeof value === 'number') return { source: String(value), symbols: [], evaluate: () => value };
    try {
      return compileExpression(value, symbols);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.add([...path, ...field], `${label}: ${fieldName(field)} '${value}' ${error.message}`);
      return undefined;
    }
  };

  switch (q.type) {
    case 'single-choice':
    case 'multiple-choice': {
      const ids = new Map<string, number>();
      q.choices.forEach((choice, i) => {
        const earlier = ids.get(choice.id);
        if (earlier !== undefined) {
          problems.add([...path, 'choices', i], `${label}: choices[${i}] has the id '${choice.id}', already used by choices[${earlier}]; ids must be unique (a choice without an id gets the letter of its position)`);
        }
        ids.set(choice.id, i);
      });
      const correct = q.choices.filter((c) => c.correct).length;
      if (q.type === 'single-choice' && correct !== 1) {
        problems.add([...path, 'choices'], `${label}: a single-choice question needs exactly one choice with correct: true (it has ${correct})`);
      }
      if (q.type === 'multiple-choice' && correct < 1) {
        problems.add([...path, 'choices'], `${label}: a multiple-choice question needs at least one choice with correct: true`);
      }
      cq.choices = q.choices.map((c, i): CompiledChoice => {
        const choice: CompiledChoice = { id: c.id, text: template(['choices', i, 'text'], c.text), correct: c.correct };
        if (c.feedback !== undefined) choice.feedback = template(['choices', i, 'feedback'], c.feedback);
        return choice;
      });
      break;
    }
    case 'numeric': {
      const answer = expression(['answer'], q.answer, scope);
      if (answer) cq.answer = answer;
      const withAnswer = new Set([...scope, 'answer']);
      cq.feedback = q.feedback.flatMap((f, i): CompiledFeedback[] => {
        if ((f.value === undefined) === (f.range === undefined)) {
          problems.add([...path, 'feedback', i], `${label}: feedback[${i}] needs exactly one of value or range`);
          return [];
        }
        const message = template(['feedback', i, 'message'], f.message, answerSymbol);
        if (f.value !== undefined) {
          const value = expression(['feedback', i, 'value'], f.value, withAnswer);
          return value ? [{ value, message }] : [];
        }
        const [low, high] = f.range!;
        const lo = expression(['feedback', i, 'range', 0], low, withAnswer);
        const hi = expression(['feedback', i, 'range', 1], high, withAnswer);
        return lo && hi ? [{ range: [lo, hi], message }] : [];
      });
      if (q.unit !== undefined) template(['unit'], q.unit);
      break;
    }
    case 'text': {
      const forms = q.accept.map((a) => (q.match === 'normalized' ? normalizeText(a) : a));
      if (forms.some((f) => f.length === 0)) problems.add([...path, 'accept'], `${label}: accept lists an answer that is empty${q.match === 'normalized' ? ' once white space is removed' : ''}`);
      cq.accept = new Set(forms);
      break;
    }
    case 'matching': {
      const lefts = new Map<string, string>();
      const rights = new Map<string, string>();
      q.pairs.forEach((pair, i) => {
        const key = normalizeText(pair.left);
        if (lefts.has(key)) problems.add([...path, 'pairs', i, 'left'], `${label}: pairs[${i}].left '${pair.left}' is listed twice; each left must be unique`);
        lefts.set(key, pair.left);
        if (!rights.has(normalizeText(pair.right))) rights.set(normalizeText(pair.right), pair.right);
      });
      cq.leftCanonical = lefts;
      cq.canonical = rights;
      cq.rights = [...rights.values()];
      break;
    }
    case 'ordering': {
      const items = new Map<string, string>();
      q.items.forEach((item, i) => {
        const key = normalizeText(item);
        if (items.has(key)) problems.add([...path, 'items', i], `${label}: items[${i}] '${item}' is listed twice; each item must be unique`);
        items.set(key, item);
      });
      cq.canonical = items;
      break;
    }
    case 'scenario': {
      cq.context = template(['context'], q.context);
      const partIds = new Map<string, number>();
      const parts: CompiledQuestion[] = [];
      const defs: PartQuestion[] = [];
      q.parts.forEach((raw, i) => {
        const partPath = [...path, 'parts', i];
        const part = checkQuestion(problems, partPath, raw, i, PART_SCHEMAS, label);
        if (!part) return;
        const earlier = partIds.get(part.id);
        if (earlier !== undefined) {
          problems.add([...partPath, 'id'], `${label}: part id '${part.id}' is used twice (first on line ${problems.lineOf([...path, 'parts', earlier])})`);
          return;
        }
        partIds.set(part.id, i);
        const compiledPart = compileQuestion(problems, partPath, part, bankId, `${streamId}/${part.id}`, `${label} part '${part.id}'`, scope);
        if (compiledPart) {
          parts.push(compiledPart);
          defs.push(part as PartQuestion);
        }
      });
      q.parts = defs;
      q.points = defs.reduce((sum, p) => sum + p.points, 0);
      cq.parts = parts;
      break;
    }
    default:
      break;
  }
  if (problems.list.length > before) return undefined;
  // Evaluate once at seed 0 so an answer that divides by zero is a load error, not a grading surprise.
  if (q.type === 'numeric' && cq.answer && !streamId.includes('/')) checkEvaluates(problems, path, cq, bankId, label);
  if (q.type === 'scenario') {
    for (const part of cq.parts ?? []) {
      if (part.def.type === 'numeric') checkEvaluates(problems, path, part, bankId, part.label, cq);
    }
  }
  return problems.list.length > before ? undefined : cq;
}

function checkEvaluates(problems: Problems, path: Path, cq: CompiledQuestion, bankId: string, label: string, scenario?: CompiledQuestion): void {
  const outer = scenario ? drawParams(scenario, bankId, 0).values : {};
  const { values } = drawParams(cq, bankId, 0, outer);
  const answer = cq.answer!.evaluate(values);
  const shown = Object.entries(values).map(([k, v]) => `${k}=${v}`).join(', ');
  if (!Number.isFinite(answer)) {
    problems.add([...path, 'answer'], `${label}: answer evaluates to ${answer} for seed 0${shown ? ` (${shown})` : ''}; it must be a finite number`);
  }
}

function compileParams(problems: Problems, path: Path, q: Question, label: string, inherited: ReadonlySet<string>): CompiledParam[] {
  const out: CompiledParam[] = [];
  for (const [name, def] of Object.entries(q.params)) {
    const at = [...path, 'params', name];
    if (RESERVED.has(name)) {
      problems.add([...path, 'params'], `${label}: param '${name}' uses a reserved name (answer and the function names ${EXPRESSION_FUNCTIONS.join(', ')})`, name);
      continue;
    }
    if (inherited.has(name)) {
      problems.add([...path, 'params'], `${label}: param '${name}' is already a param of the scenario; give it another name`, name);
      continue;
    }
    if (typeof def === 'number') {
      out.push({ name, kind: 'constant', value: def });
    } else if (Array.isArray(def)) {
      out.push({ name, kind: 'list', values: def });
    } else {
      const step = def.step ?? 1;
      if (def.max < def.min) {
        problems.add(at, `${label}: params.${name} has max ${def.max} below min ${def.min}`);
        continue;
      }
      const count = Math.floor((def.max - def.min) / step + 1e-9) + 1;
      if (count > MAX_RANGE_VALUES) {
        problems.add(at, `${label}: params.${name} has ${count} values; use a larger step (at most ${MAX_RANGE_VALUES})`);
        continue;
      }
      out.push({ name, kind: 'range', min: def.min, step, count, decimals: Math.min(15, Math.max(decimalsOf(def.min), decimalsOf(step))) });
    }
  }
  return out;
}

function decimalsOf(value: number): number {
  const text = String(value);
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Number(exp[1]) + (text.split('e')[0]!.split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export { QUESTION_TYPES };
