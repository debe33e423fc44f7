/**
 * complexity: a big-O answer that is a product of factors, graded by comparing the MULTISET of factors, so
 * every ordering and every way a student writes a product is right, and a wrong answer is told which
 * factor is missing or extra.
 *
 * Bank fields:
 *   answer: "L·τ·d_h·n_c"          the factors (an O(…) around them is optional)
 *   gqa: true                       n_g (KV heads, also g) counts as τ, for questions that allow GQA
 *   aliases: {n_cm: [ncm]}          extra spellings of a symbol, or a symbol the course table lacks
 *   feedback: [{answer, message}]   authored feedback for one wrong product (matched as a multiset)
 *
 * What a student may type: any order; `*`, `·`, `⋅`, `∙`, `×`, `\cdot`, `\times` or spaces between
 * factors (or nothing, when the symbols still read unambiguously: `Lτd_hn_c`); `O(…)`, `\mathcal{O}(…)`
 * or no wrapper; TeX math (`$…$`, `\tau`, `d_{h}`); the course's spellings (τ/tau, d_h/dₕ/dh, n_c/nc/m_w/W,
 * n_g/g, in any case); exponents `n_c^2`, `n_c^{2}`, `n_c²` (= n_c·n_c); positive constants, which a big-O
 * drops (`2·L·…`). A sum, a quotient, an unknown symbol or unbalanced parentheses is "not graded" with a
 * one-line reason, and costs nothing.
 *
 * LMS exports (GIFT, Moodle XML, QTI) can only list accepted strings: kvlab writes a short-answer item with
 * the generated forms (every ordering × the common separators × with and without O(…) × the τ/tau
 * spellings, a repeated factor also as a power, at most MAX_LMS_FORMS, literal `*` escaped for Moodle's wildcard). An LMS still cannot accept
 * the other spellings (dh, nc, m_w, W, TeX, mixed separators, a constant factor), cannot tell a
 * student which factor is missing, and marks malformed input wrong instead of not graded.
 */
import { z } from 'zod';
import { describe, fields, textSchema } from './common.js';
import type { CompiledBase, Parsed, QuestionTypeModule } from './module.js';
import type { KeylessBase, QuestionBase, VariantBase } from '../base-types.js';
import { MAX_LMS_FORMS, shortAnswer, type ShortAnswerItem } from './text.js';

export interface ComplexityQuestion extends QuestionBase {
  type: 'complexity';
  answer: string;
  gqa: boolean;
  aliases: Record<string, string[]>;
  feedback: { answer: string; message: string }[];
}
export interface ComplexityVariant extends VariantBase {
  type: 'complexity';
}
/**
 * The keyless form (an assignment's student copy): how the symbols may be spelt, so the self-check reads
 * a formula as the grader does; never the answer or the feedback.
 */
export interface ComplexityKeyless extends KeylessBase {
  type: 'complexity';
  aliases: Record<string, string[]>;
  gqa: boolean;
}
export interface ComplexityKey {
  type: 'complexity';
  /** The key written the course's way: O(L·τ·d_h·n_c). */
  answer: string;
}

/** A symbol: its name as the course writes it, what it counts, and how students spell it. */
interface SymbolDef {
  name: string;
  meaning: string;
  spellings: readonly string[];
}

/** The symbols the course teaches (spellings are matched case-insensitively). */
export const COURSE_SYMBOLS: readonly SymbolDef[] = [
  { name: 'L', meaning: 'the number of layers', spellings: ['L'] },
  { name: 'τ', meaning: 'the number of attention heads', spellings: ['τ', 'tau', '\\tau'] },
  { name: 'd_h', meaning: 'the head dimension', spellings: ['d_h', 'dh', 'd_head'] },
  { name: 'n_c', meaning: 'the window size', spellings: ['n_c', 'nc', 'm_w', 'mw', 'W'] },
  { name: 'm', meaning: 'the sequence length', spellings: ['m'] },
  { name: 'n_g', meaning: 'the number of KV heads (GQA)', spellings: ['n_g', 'ng', 'g'] },
];

/** Classic slips named by what was written in place of what (said when exactly that swap happened). */
const SWAPS: readonly { wrote: string; instead: string; message: string }[] = [
  { wrote: 'm', instead: 'n_c', message: 'You wrote $m$, the sequence length, where the window size $n_c$ belongs: a window keeps at most $n_c$ tokens, so the cache does not grow with $m$.' },
  { wrote: 'n_c', instead: 'm', message: 'You wrote the window size $n_c$ where the sequence length $m$ belongs: this cache keeps every token.' },
  { wrote: 'n_g', instead: 'τ', message: 'You wrote $n_g$ (KV heads under GQA) where this question counts all $\\tau$ heads.' },
];

export type Factors = ReadonlyMap<string, number>;

interface SymbolTable {
  /** Lower-cased spelling → symbol name, longest spellings first for greedy reading. */
  spellings: readonly [string, string][];
  meaning: ReadonlyMap<string, string>;
  /** n_g → τ when the question allows GQA. */
  same: ReadonlyMap<string, string>;
}

export interface Compiled extends CompiledBase<ComplexityQuestion> {
  table: SymbolTable;
  key: Factors;
  feedback: readonly { factors: Factors; message: string }[];
}

export function symbolTable(aliases: Record<string, readonly string[]> = {}, gqa = false): SymbolTable {
  const meaning = new Map<string, string>();
  const spellings = new Map<string, string>();
  for (const s of COURSE_SYMBOLS) {
    meaning.set(s.name, s.meaning);
    for (const spelling of [s.name, ...s.spellings]) spellings.set(spelling.toLowerCase(), s.name);
  }
  for (const [name, extra] of Object.entries(aliases)) {
    const known = spellings.get(name.toLowerCase()) ?? name;
    if (!meaning.has(known)) meaning.set(known, `the symbol ${known}`);
    for (const spelling of [known, ...extra]) spellings.set(spelling.toLowerCase(), known);
  }
  const same = new Map<string, string>(gqa ? [['n_g', 'τ']] : []);
  return { spellings: [...spellings].sort((a, b) => b[0].length - a[0].length), meaning, same };
}

const SUPERSCRIPTS: Readonly<Record<string, string>> = { '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9' };
const SUBSCRIPTS: Readonly<Record<string, string>> = { 'ₕ': 'h', 'ₐ': 'a', 'ₑ': 'e', 'ₒ': 'o', 'ₓ': 'x', 'ₖ': 'k', 'ₗ': 'l', 'ₘ': 'm', 'ₙ': 'n', 'ₚ': 'p', 'ₛ': 's', 'ₜ': 't', 'ᵥ': 'v', 'ᵢ': 'i', 'ⱼ': 'j', 'ᵣ': 'r', 'ᵤ': 'u' };
const MULTIPLY = /\\(?:cdot|times|ast)(?![A-Za-z])|[*·⋅∙×]/gu;
/** TeX spacing and sizing that mean nothing here. */
const TEX_NOISE = /\\(?:left|right|big|Big|bigg|Bigg|displaystyle)(?![A-Za-z])|\\[,;:! ]|\$/gu;

/** The text with Unicode scripts, TeX groups and spacing made plain, before tokens are read. */
function plain(text: string): string {
  let out = text.replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]+/gu, (digits) => `^${[...digits].map((d) => SUPERSCRIPTS[d]).join('')}`);
  out = out.replace(/[ₕₐₑₒₓₖₗₘₙₚₛₜᵥᵢⱼᵣᵤ]+/gu, (letters) => `_${[...letters].map((l) => SUBSCRIPTS[l]).join('')}`);
  out = out.normalize('NFKC').replace(TEX_NOISE, ' ');
  out = out.replace(/\\(?:mathcal|mathrm|operatorname|mathit|text)\s*\{\s*O\s*\}/gu, 'O').replace(/\\mathcal\s*O/gu, 'O');
  // d_{h} → d_h, n^{2} → n^2 (a TeX group around a subscript or exponent).
  out = out.replace(/([_^])\s*\{\s*([^{}]*?)\s*\}/gu, (_, mark: string, inner: string) => `${mark}${inner.replace(/\s+/g, '')}`);
  return out.replace(MULTIPLY, '*').trim();
}

/** Strips one O(…) around the whole answer, if there is one. */
function unwrap(text: string): string {
  const m = /^[Oo]\s*\(/u.exec(text);
  if (!m || !text.endsWith(')')) return text;
  // The wrapper's parenthesis must close at the very end: O(a)·O(b) is not one wrapper.
  let depth = 0;
  for (let i = m[0].length - 1; i < text.length; i++) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') {
      depth -= 1;
      if (depth === 0) return i === text.length - 1 ? text.slice(m[0].length, -1) : text;
    }
  }
  return text;
}

type Token = { kind: 'symbol'; name: string } | { kind: 'number'; value: number } | { kind: '(' } | { kind: ')' } | { kind: 'pow'; times: number };

function tokenize(text: string, table: SymbolTable): Parsed<Token[]> {
  const tokens: Token[] = [];
  const lower = text.toLowerCase();
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s|\*/u.test(c)) {
      i += 1;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c });
      i += 1;
      continue;
    }
    if (c === '^') {
      const exp = /^\^\s*(\d+)/u.exec(text.slice(i));
      if (!exp || Number(exp[1]) < 1 || Number(exp[1]) > 16) return { ok: false, reason: 'an exponent must be a whole number from 1 to 16 (n_c^2)' };
      tokens.push({ kind: 'pow', times: Number(exp[1]) });
      i += exp[0].length;
      continue;
    }
    const number = /^\d+(?:\.\d+)?/u.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    if (c === '+' || c === '-' || c === '−' || c === '/' || c === '÷') {
      return { ok: false, reason: `'${c}' is not a product: write the factors multiplied, e.g. O(a·b·c)` };
    }
    const hit = table.spellings.find(([spelling]) => lower.startsWith(spelling, i));
    if (!hit && /^[Oo]\s*\(/u.test(text.slice(i))) return { ok: false, reason: 'O(…) may only wrap the whole formula, once' };
    if (!hit) {
      const word = /^\\?[\p{L}_]+|^./u.exec(text.slice(i))![0];
      const known = [...table.meaning.keys()].join(', ');
      return { ok: false, reason: `'${word.slice(0, 20)}' is not a symbol of this course (use ${known})` };
    }
    tokens.push({ kind: 'symbol', name: hit[1] });
    i += hit[0].length;
  }
  return { ok: true, value: tokens };
}

/** product := factor*; factor := (symbol | number | '(' product ')') pow?. Constants are dropped. */
function product(tokens: readonly Token[], table: SymbolTable): Parsed<Map<string, number>> {
  let at = 0;
  const group = (): Parsed<Map<string, number>> => {
    const counts = new Map<string, number>();
    while (at < tokens.length && tokens[at]!.kind !== ')') {
      const token = tokens[at++]!;
      let inner: Map<string, number>;
      if (token.kind === '(') {
        const parsed = group();
        if (!parsed.ok) return parsed;
        if (tokens[at]?.kind !== ')') return { ok: false, reason: 'a parenthesis is not closed' };
        at += 1;
        inner = parsed.value;
      } else if (token.kind === 'symbol') {
        const name = table.same.get(token.name) ?? token.name;
        inner = new Map([[name, 1]]);
      } else if (token.kind === 'number') {
        if (token.value === 0) return { ok: false, reason: 'a factor 0 makes the product 0' };
        inner = new Map();
      } else {
        return { ok: false, reason: 'an exponent (^) must follow a factor' };
      }
      let times = 1;
      while (tokens[at]?.kind === 'pow') times *= (tokens[at++] as { times: number }).times;
      if (times > 16) return { ok: false, reason: 'an exponent must be a whole number from 1 to 16 (n_c^2)' };
      for (const [name, n] of inner) counts.set(name, (counts.get(name) ?? 0) + n * times);
    }
    return { ok: true, value: counts };
  };
  const parsed = group();
  if (!parsed.ok) return parsed;
  if (at < tokens.length) return { ok: false, reason: 'a closing parenthesis has no opening one' };
  if (parsed.value.size === 0) return { ok: false, reason: 'no factors: write the product inside O(…), e.g. O(a·b·c)' };
  return parsed;
}

/** Reads a product of factors; a reason when it cannot be read. */
export function readFactors(text: string, table: SymbolTable): Parsed<Factors> {
  if (text.length > 500) return { ok: false, reason: 'the formula is longer than 500 characters' };
  let body = plain(text);
  const opened = body.split('(').length - 1;
  const closed = body.split(')').length - 1;
  if (opened !== closed) return { ok: false, reason: `the parentheses do not balance (${opened} opened, ${closed} closed)` };
  body = unwrap(body);
  // A lone x between spaces is a times sign as typed on a keyboard (L x τ), unless x is a symbol here.
  if (!table.spellings.some(([spelling]) => spelling === 'x')) body = body.replace(/(?<=\s)[xX](?=\s)/gu, '*');
  if (body.trim() === '') return { ok: false, reason: 'the formula is empty' };
  const tokens = tokenize(body, table);
  return tokens.ok ? product(tokens.value, table) : tokens;
}

export function sameFactors(a: Factors, b: Factors): boolean {
  if (a.size !== b.size) return false;
  for (const [name, n] of a) if (b.get(name) !== n) return false;
  return true;
}

/** The factors in the key's order of first appearance, each repeated by its count. */
function factorList(f: Factors): string[] {
  return [...f].flatMap(([name, n]) => Array<string>(n).fill(name));
}

function written(f: Factors): string {
  return `O(${[...f].map(([name, n]) => (n === 1 ? name : `${name}^${n}`)).join('·')})`;
}

/** Generated feedback: which factors are missing or extra, and the classic swaps by name. */
export function factorFeedback(given: Factors, key: Factors, table: SymbolTable): string[] {
  const missing: [string, number][] = [];
  const extra: [string, number][] = [];
  for (const name of new Set([...key.keys(), ...given.keys()])) {
    const diff = (given.get(name) ?? 0) - (key.get(name) ?? 0);
    if (diff < 0) missing.push([name, -diff]);
    if (diff > 0) extra.push([name, diff]);
  }
  const math = (name: string) => `$${name === 'τ' ? '\\tau' : name}$`;
  const out: string[] = [];
  const swap = missing.length === 1 && extra.length === 1 ? SWAPS.find((s) => s.wrote === extra[0]![0] && s.instead === missing[0]![0]) : undefined;
  if (swap) return [swap.message];
  for (const [name, n] of extra) {
    const inKey = key.get(name);
    if (inKey !== undefined) out.push(`${math(name)} appears ${inKey + n} times; it belongs ${inKey === 1 ? 'once' : `${inKey} times`}.`);
    else out.push(`${math(name)} (${table.meaning.get(name) ?? name}) does not belong in it.`);
  }
  for (const [name, n] of missing) {
    const times = n === 1 ? '' : ` (${n} more times)`;
    out.push(`A factor is missing: ${math(name)}, ${table.meaning.get(name) ?? name}${times}.`);
  }
  return out;
}

/** Every ordering of the factors (distinct ones only), at most `limit`. */
function orderings(items: readonly string[], limit: number): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  const walk = (prefix: string[], rest: string[]) => {
    if (out.length >= limit) return;
    if (rest.length === 0) {
      const key = prefix.join('\u0000');
      if (!seen.has(key)) {
        seen.add(key);
        out.push(prefix);
      }
      return;
    }
    rest.forEach((item, i) => walk([...prefix, item], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  walk([], [...items]);
  return out;
}

/** The accepted forms an LMS gets: orderings (powers written out and as ^k, ᵏ) × separators × O(…) or not × τ or tau, bounded. */
export function lmsForms(key: Factors, limit = MAX_LMS_FORMS): string[] {
  // A repeated factor is written out (n_c·n_c) and as a power (n_c^2, n_c²).
  const superscript = (n: number) => [...String(n)].map((d) => Object.keys(SUPERSCRIPTS).find((k) => SUPERSCRIPTS[k] === d)!).join('');
  const lists = [factorList(key)];
  if ([...key.values()].some((n) => n > 1)) {
    lists.push([...key].map(([name, n]) => (n === 1 ? name : `${name}^${n}`)));
    lists.push([...key].map(([name, n]) => (n === 1 ? name : `${name}${superscript(n)}`)));
  }
  const perms = lists.flatMap((factors) => orderings(factors, 720));
  // ' x ' is a keyboard's times sign, ⋅ (U+22C5) what copying rendered math gives.
  const separators = ['·', '*', '×', ' ', ' · ', ' * ', ' × ', ' x ', '⋅'];
  const spellings: ((name: string) => string)[] = [(n) => n, (n) => (n === 'τ' ? 'tau' : n)];
  const out = new Set<string>();
  for (const spell of spellings) {
    for (const wrap of [(s: string) => `O(${s})`, (s: string) => s]) {
      for (const sep of separators) {
        for (const perm of perms) {
          if (out.size >= limit) return [...out];
          out.add(wrap(perm.map(spell).join(sep)));
        }
      }
    }
  }
  return [...out];
}

const wrongShape = (answer: unknown) => `expected a formula as text, e.g. "O(a·b·c)", got ${describe(answer)}`;

export const complexity: QuestionTypeModule<ComplexityQuestion, Compiled, ComplexityVariant, ComplexityKey, ShortAnswerItem, ComplexityKeyless> = {
  type: 'complexity',
  fields: fields({
    answer: textSchema(),
    gqa: z.boolean({ error: 'must be true or false' }).optional(),
    aliases: z.record(z.string().min(1), z.array(textSchema(), { error: 'must be a list of spellings' }), { error: 'must be a map {symbol: [spellings]}' }).optional(),
    feedback: z.array(z.strictObject({ answer: textSchema(), message: textSchema() }, { error: 'must be a map {answer, message}' }), { error: 'must be a list of {answer, message}' }).optional(),
  }),
  harmless: ['feedback'],
  part: true,
  normalize(q) {
    q.gqa = q.gqa ?? false;
    q.aliases = q.aliases ?? {};
    q.feedback = q.feedback ?? [];
  },
  compile(ctx, q, base) {
    const table = symbolTable(q.aliases, q.gqa);
    const read = (field: (string | number)[], text: string): Factors => {
      const parsed = readFactors(text, table);
      if (parsed.ok) return parsed.value;
      ctx.problems.add([...ctx.path, ...field], `${ctx.label}: ${field.join('.').replace(/\.(\d+)\./g, '[$1].')} '${text.slice(0, 60)}' cannot be read: ${parsed.reason}`);
      return new Map();
    };
    const key = read(['answer'], q.answer);
    const feedback = q.feedback.map((f, i) => {
      const factors = read(['feedback', i, 'answer'], f.answer);
      if (factors.size > 0 && sameFactors(factors, key)) {
        ctx.problems.add([...ctx.path, 'feedback', i, 'answer'], `${ctx.label}: feedback[${i}].answer is the right answer; feedback is for a wrong one`);
      }
      return { factors, message: f.message };
    });
    return { ...base, table, key, feedback };
  },
  variant: (_cq, base) => ({ ...base, type: 'complexity' }),
  key: (cq) => ({ type: 'complexity', answer: written(cq.key) }),
  describeKey: (key) => key.answer,
  grade(cq, answer) {
    if (typeof answer !== 'string') return { kind: 'not-graded', reason: wrongShape(answer) };
    const parsed = readFactors(answer, cq.table);
    if (!parsed.ok) return { kind: 'not-graded', reason: parsed.reason };
    if (sameFactors(parsed.value, cq.key)) return { kind: 'graded', fraction: 1, messages: [] };
    const authored = cq.feedback.filter((f) => sameFactors(f.factors, parsed.value)).map((f) => f.message);
    return { kind: 'graded', fraction: 0, messages: [...authored, ...factorFeedback(parsed.value, cq.key, cq.table)] };
  },
  keyless: (q, base) => ({ ...base, type: 'complexity', aliases: q.aliases, gqa: q.gqa }),
  keylessVariant: (_s, base) => ({ ...base, type: 'complexity' }),
  answerShape(answer, s) {
    if (typeof answer !== 'string') return 'expected a formula as text, e.g. "O(a·b·c)"';
    // The grader's own reader: a formula it cannot read (empty, unbalanced, an unknown symbol) is not well-formed.
    const read = readFactors(answer, symbolTable(s.aliases, s.gqa));
    return read.ok ? undefined : read.reason;
  },
  markdown: () => [],
  howToAnswer: 'Answer with the formula as text, e.g. `"O(a·b·c)"`: any order; `*`, `·`, `×` or spaces between factors.',
  terminal: {
    show: () => [],
    hint: () => 'a formula, e.g. O(a*b*c) ',
    parse: (_v, line) => ({ ok: true, value: line.trim() }),
  },
  lms: {
    resolve: (cq) => ({ accept: lmsForms(cq.key), caseSensitive: false }),
    ...shortAnswer,
    limits: (item) =>
      `a short answer listing ${item.accept.length} forms; an LMS rejects other spellings (dh, m_w, TeX) and cannot say which factor is missing`,
  },
};
