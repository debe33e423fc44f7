/**
 * Parse and grade. parseAnswer turns whatever a submission holds into a typed answer or a reason it has
 * the wrong shape (which scores 0 and never rejects the submission); scoreAnswer applies the spec's
 * scoring rules. Answers are only ever compared as data: nothing in a submission is run or looked up
 * outside the bank's own lists.
 */
import { compiledQuestion, type CompiledQuestion } from './compiled.js';
import { drawParams } from './params.js';
import { fillTemplate, formatNumber } from './template.js';
import { normalizeText } from './text.js';
import { checkSeed } from './variant.js';
import type { Bank, QuestionResult } from './types.js';

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Rounds to the 4 decimal places scores are reported in. */
export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Grades one answer to one question of a bank for a seed (default 0). `undefined` means unanswered. */
export function gradeAnswer(bank: Bank, questionId: string, answer: unknown, seed = 0): QuestionResult {
  return gradeCompiled(compiledQuestion(bank, questionId), bank.id, answer, checkSeed(seed));
}

export function gradeCompiled(cq: CompiledQuestion, bankId: string, answer: unknown, seed: number, outer: Record<string, number> = {}): QuestionResult {
  const q = cq.def;
  // A question without params needs no random stream to be graded.
  const values = cq.params.length === 0 ? outer : drawParams(cq, bankId, seed, outer).values;
  if (q.type === 'scenario') return gradeScenario(cq, bankId, answer, seed, values);
  const max = q.points;
  // Only numeric questions know `answer`; its value fills {{answer}} in their explanation and feedback.
  let scope = values;
  let expected = NaN;
  if (q.type === 'numeric') {
    expected = cq.answer!.evaluate(values);
    scope = { ...values, answer: expected };
  }
  const explanation = cq.explanation ? fillTemplate(cq.explanation, scope) : undefined;
  if (answer === undefined) return result('unanswered', 0, max, [], explanation);

  let fraction = 0;
  const notes: string[] = [];
  switch (q.type) {
    case 'true-false': {
      if (typeof answer !== 'boolean') return invalid(`expected true or false, got ${describe(answer)}`, max, explanation);
      fraction = answer === q.answer ? 1 : 0;
      break;
    }
    case 'single-choice': {
      const parsed = parseChoiceId(cq, answer);
      if (!parsed.ok) return invalid(parsed.reason, max, explanation);
      const choice = cq.choices!.find((c) => c.id === parsed.value)!;
      fraction = choice.correct ? 1 : 0;
      if (choice.feedback) notes.push(fillTemplate(choice.feedback, values));
      break;
    }
    case 'multiple-choice': {
      const parsed = parseChoiceList(cq, answer);
      if (!parsed.ok) return invalid(parsed.reason, max, explanation);
      const chosen = parsed.value;
      const correct = cq.choices!.filter((c) => c.correct).length;
      let right = 0;
      let wrong = 0;
      for (const choice of cq.choices!) {
        if (!chosen.has(choice.id)) continue;
        if (choice.correct) right += 1;
        else wrong += 1;
        if (choice.feedback) notes.push(`${choice.id}: ${fillTemplate(choice.feedback, values)}`);
      }
      fraction = Math.max(0, (right - wrong) / correct);
      break;
    }
    case 'numeric': {
      if (typeof answer !== 'number' || !Number.isFinite(answer)) {
        return invalid(`expected a number${q.unit ? ` (in ${q.unit})` : ''}, got ${describe(answer)}`, max, explanation);
      }
      fraction = withinTolerance(answer, expected, q.tolerance) ? 1 : 0;
      for (const entry of cq.feedback!) {
        const hit = entry.value
          ? withinTolerance(answer, entry.value.evaluate(scope), q.tolerance)
          : answer >= entry.range![0].evaluate(scope) && answer <= entry.range![1].evaluate(scope);
        if (hit) {
          notes.push(fillTemplate(entry.message, scope));
          break;
        }
      }
      break;
    }
    case 'text': {
      if (typeof answer !== 'string' && !(typeof answer === 'number' && Number.isFinite(answer))) {
        return invalid(`expected text, got ${describe(answer)}`, max, explanation);
      }
      const given = String(answer);
      fraction = cq.accept!.has(q.match === 'normalized' ? normalizeText(given) : given) ? 1 : 0;
      break;
    }
    case 'matching': {
      const parsed = parseMatching(cq, answer);
      if (!parsed.ok) return invalid(parsed.reason, max, explanation);
      let right = 0;
      for (const pair of q.pairs) if (parsed.value.get(pair.left) === normalizeText(pair.right)) right += 1;
      fraction = right / q.pairs.length;
      break;
    }
    case 'ordering': {
      const parsed = parseOrdering(cq, answer);
      if (!parsed.ok) return invalid(parsed.reason, max, explanation);
      let right = 0;
      q.items.forEach((item, i) => {
        if (parsed.value[i] === item) right += 1;
      });
      fraction = right / q.items.length;
      break;
    }
  }
  const score = round4(fraction * max);
  const status = score >= max ? 'correct' : score > 0 ? 'partial' : 'incorrect';
  return result(status, score, max, notes, explanation);
}

function gradeScenario(cq: CompiledQuestion, bankId: string, answer: unknown, seed: number, values: Record<string, number>): QuestionResult {
  const max = cq.def.points;
  const explanation = cq.explanation ? fillTemplate(cq.explanation, values) : undefined;
  if (answer === undefined) return result('unanswered', 0, max, [], explanation);
  if (!isPlainMap(answer)) return invalid(`expected a map {partId: answer}, got ${describe(answer)}`, max, explanation);
  const parts: Record<string, QuestionResult> = {};
  let score = 0;
  const notes: string[] = [];
  for (const part of cq.parts!) {
    const partAnswer = Object.prototype.hasOwnProperty.call(answer, part.def.id) ? answer[part.def.id] : undefined;
    const partResult = gradeCompiled(part, bankId, partAnswer, seed, values);
    parts[part.def.id] = partResult;
    score += partResult.score;
    notes.push(`**${part.def.id}**: ${partResult.feedback.replace(/\n\n/g, '\n')}`);
  }
  score = round4(score);
  const status = score >= max ? 'correct' : score > 0 ? 'partial' : 'incorrect';
  const graded = result(status, score, max, notes, explanation);
  graded.parts = parts;
  return graded;
}

/** |x − y| ≤ absolute, or ≤ relative·|y|; a hair of slack so 0.1 + 0.2 style rounding never decides. */
export function withinTolerance(x: number, y: number, tolerance: { relative?: number; absolute?: number }): boolean {
  const diff = Math.abs(x - y);
  const slack = 4 * Number.EPSILON * Math.max(Math.abs(x), Math.abs(y));
  if (tolerance.absolute !== undefined && diff <= tolerance.absolute + slack) return true;
  if (tolerance.relative !== undefined && diff <= tolerance.relative * Math.abs(y) + slack) return true;
  return false;
}

function parseChoiceId(cq: CompiledQuestion, answer: unknown): Parsed<string> {
  if (typeof answer !== 'string') return { ok: false, reason: `expected a choice id (${ids(cq)}), got ${describe(answer)}` };
  const id = answer.trim().toLowerCase();
  if (!cq.choices!.some((c) => c.id === id)) return { ok: false, reason: `${quote(answer)} is not a choice (choices: ${ids(cq)})` };
  return { ok: true, value: id };
}

function parseChoiceList(cq: CompiledQuestion, answer: unknown): Parsed<Set<string>> {
  if (!Array.isArray(answer)) return { ok: false, reason: `expected a list of choice ids (${ids(cq)}), got ${describe(answer)}` };
  const chosen = new Set<string>();
  for (const item of answer) {
    const parsed = parseChoiceId(cq, item);
    if (!parsed.ok) return parsed;
    chosen.add(parsed.value);
  }
  return { ok: true, value: chosen };
}

/** left as written → the normalized right the student paired with it. */
function parseMatching(cq: CompiledQuestion, answer: unknown): Parsed<Map<string, string>> {
  if (!isPlainMap(answer)) return { ok: false, reason: `expected a map {left: right}, got ${describe(answer)}` };
  const out = new Map<string, string>();
  for (const [left, right] of Object.entries(answer)) {
    const canonicalLeft = cq.leftCanonical!.get(normalizeText(left));
    if (canonicalLeft === undefined) return { ok: false, reason: `${quote(left)} is not one of the items to match` };
    if (typeof right !== 'string') return { ok: false, reason: `the match for ${quote(left)} must be text, got ${describe(right)}` };
    const key = normalizeText(right);
    if (!cq.canonical!.has(key)) return { ok: false, reason: `${quote(right)} is not one of the options to match with` };
    out.set(canonicalLeft, key);
  }
  return { ok: true, value: out };
}

/** The items as written, in the student's order. */
function parseOrdering(cq: CompiledQuestion, answer: unknown): Parsed<string[]> {
  const n = cq.canonical!.size;
  if (!Array.isArray(answer)) return { ok: false, reason: `expected a list of the ${n} items, got ${describe(answer)}` };
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of answer) {
    if (typeof item !== 'string') return { ok: false, reason: `expected a list of the ${n} items as text, found ${describe(item)}` };
    const canonical = cq.canonical!.get(normalizeText(item));
    if (canonical === undefined) return { ok: false, reason: `${quote(item)} is not one of the items` };
    if (seen.has(canonical)) return { ok: false, reason: `${quote(item)} is listed twice` };
    seen.add(canonical);
    out.push(canonical);
  }
  if (out.length !== n) return { ok: false, reason: `expected all ${n} items in order, got ${out.length}` };
  return { ok: true, value: out };
}

function result(status: QuestionResult['status'], score: number, max: number, notes: string[], explanation: string | undefined, reason?: string): QuestionResult {
  const verdict = {
    correct: 'Correct.',
    partial: 'Partly correct.',
    incorrect: 'Incorrect.',
    unanswered: 'Not answered.',
    invalid: `Not graded: ${reason ?? ''}.`,
  }[status];
  const blocks = [`${verdict} Score ${formatNumber(score)}/${formatNumber(max)}.`, ...notes];
  if (explanation !== undefined && explanation.trim() !== '') blocks.push(explanation.trim());
  const out: QuestionResult = { score, max, correct: status === 'correct', feedback: blocks.join('\n\n'), status };
  if (reason !== undefined) out.reason = reason;
  return out;
}

function invalid(reason: string, max: number, explanation: string | undefined): QuestionResult {
  return result('invalid', 0, max, [], explanation, reason);
}

function ids(cq: CompiledQuestion): string {
  return cq.choices!.map((c) => c.id).join(', ');
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value is, in words, for a shape error (never echoing more than a short quote of it). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${quote(value)}`;
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : `${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'a map';
    default:
      return `a ${typeof value}`;
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}
