/**
 * A question without its key: what a student's copy of an assignment may hold. It keeps the prompt, the
 * params and what the student chooses among, and drops every field that states or implies an answer
 * (`answer`, `accept`, `correct`, `tolerance`, choice and numeric `feedback`, `explanation`), so the
 * student's kernel can show each student their own variant and check an answer's shape, never its truth.
 *
 * Matching rights and ordering items are written by the author in key order (each right beside its left,
 * the items in the right order); the keyless form lists them in an order that depends only on their text
 * (sorted by a hash), so the order a release shows says nothing about the answer.
 *
 * Which fields are keys is knowledge of each question type: KEYLESS below is one entry per type. When the
 * question-type registry (src/quiz/question-types/) lands, each entry moves into its type's module.
 */
import { fnv1a32, drawFor, shuffled, type Draw } from '../quiz/random.js';
import { compileParamDef, drawParam } from '../quiz/params.js';
import { compileTemplate, fillTemplate } from '../quiz/template.js';
import { normalizeText } from '../quiz/text.js';
import { readFactors, symbolTable } from '../quiz/question-types/complexity.js';
import type { ParamDef, Question, QuestionType, QuestionVariant } from '../quiz/types.js';

export interface KeylessQuestion {
  id: string;
  type: QuestionType;
  points: number;
  prompt: string;
  params: Record<string, ParamDef>;
  tags: string[];
  /** single-choice, multiple-choice: ids and texts, no `correct`, no feedback. */
  choices?: { id: string; text: string }[];
  /** numeric */
  unit?: string;
  /** matching: the lefts as written; the distinct rights in hash order. */
  left?: string[];
  right?: string[];
  /** ordering: the items in hash order. */
  items?: string[];
  /** complexity: how its symbols may be spelt (not the answer), so a formula is read as the grader reads it. */
  aliases?: Record<string, string[]>;
  gqa?: boolean;
  /** scenario */
  context?: string;
  parts?: KeylessQuestion[];
}

/** Text in an order that depends on the text only (never on the author's key order). */
function hashOrder(texts: readonly string[]): string[] {
  const order = [...texts].sort((a, b) => fnv1a32(normalizeText(a)) - fnv1a32(normalizeText(b)) || (a < b ? -1 : a > b ? 1 : 0));
  return order;
}

type Strip = (q: Question, out: KeylessQuestion) => void;

/**
 * What each type keeps beyond the common fields; everything else (its key) is left out. A type without an
 * entry keeps only the common fields: a new type can show too little, never its key.
 */
const KEYLESS: Partial<Record<QuestionType, Strip>> = {
  'true-false': () => {},
  'single-choice': (q, out) => {
    if (q.type === 'single-choice') out.choices = q.choices.map((c) => ({ id: c.id, text: c.text }));
  },
  'multiple-choice': (q, out) => {
    if (q.type === 'multiple-choice') out.choices = q.choices.map((c) => ({ id: c.id, text: c.text }));
  },
  numeric: (q, out) => {
    if (q.type === 'numeric' && q.unit !== undefined) out.unit = q.unit;
  },
  text: () => {},
  matching: (q, out) => {
    if (q.type !== 'matching') return;
    out.left = q.pairs.map((p) => p.left);
    const rights = new Map<string, string>();
    for (const p of q.pairs) if (!rights.has(normalizeText(p.right))) rights.set(normalizeText(p.right), p.right);
    out.right = hashOrder([...rights.values()]);
  },
  ordering: (q, out) => {
    if (q.type === 'ordering') out.items = hashOrder(q.items);
  },
  complexity: (q, out) => {
    if (q.type !== 'complexity') return;
    out.aliases = q.aliases;
    out.gqa = q.gqa;
  },
  scenario: (q, out) => {
    if (q.type !== 'scenario') return;
    out.context = q.context;
    out.parts = q.parts.map(keylessQuestion);
  },
};

/** The question without its key (see the module comment for what is kept). */
export function keylessQuestion(q: Question): KeylessQuestion {
  const out: KeylessQuestion = { id: q.id, type: q.type, points: q.points, prompt: q.prompt, params: { ...q.params }, tags: [...q.tags] };
  KEYLESS[q.type]?.(q, out);
  return out;
}

/** Draws one value of a param as the bank's loader does (docs/quiz-format.md, "Drawing"): with its own rule. */
export function drawParamDef(def: ParamDef, draw: Draw): number {
  return drawParam(compileParamDef('', def), draw);
}

function fill(text: string, values: Record<string, number>): string {
  return fillTemplate(compileTemplate(text), values);
}

/**
 * What one student sees of a keyless question: the same params as the bank's own variant for this seed
 * (same stream, same order of draws), so the grader, which re-derives them from the private bank, agrees.
 */
export function keylessVariant(q: KeylessQuestion, bankId: string, seed: number, outer: Record<string, number> = {}, streamId = q.id): QuestionVariant {
  const draw = drawFor(bankId, streamId, seed);
  const values: Record<string, number> = { ...outer };
  const own: Record<string, number> = {};
  for (const [name, def] of Object.entries(q.params)) {
    values[name] = drawParamDef(def, draw);
    own[name] = values[name]!;
  }
  // Built field by field as plain data: which fields a variant has is the type's (the same names the
  // bank's own variant uses), and this one object serves every type.
  const variant: Record<string, unknown> = { bank: bankId, id: q.id, seed, type: q.type, points: q.points, prompt: fill(q.prompt, values), params: own, tags: [...q.tags] };
  if (q.choices) variant.choices = q.choices.map((c) => ({ id: c.id, text: fill(c.text, values) }));
  if (q.unit !== undefined) variant.unit = q.unit;
  if (q.left && q.right) {
    variant.left = [...q.left];
    variant.right = shuffled(q.right, draw);
  }
  if (q.items) variant.items = shuffled(q.items, draw);
  if (q.context !== undefined) variant.context = fill(q.context, values);
  if (q.parts) {
    variant.points = q.parts.reduce((sum, p) => sum + p.points, 0);
    variant.parts = q.parts.map((p) => keylessVariant(p, bankId, seed, values, `${q.id}/${p.id}`));
  }
  return variant as unknown as QuestionVariant;
}

/**
 * Why an answer does not have the shape its question asks for, or undefined when it does. This says
 * nothing about whether it is right: the self-check of an assignment shows only this.
 */
export function answerShapeProblem(q: KeylessQuestion, answer: unknown): string | undefined {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const choiceIds = () => (q.choices ?? []).map((c) => c.id);
  const isChoice = (v: unknown) => typeof v === 'string' && choiceIds().includes(v.trim().toLowerCase());
  // Compared as text: the registry may know types this table does not yet (their answers pass as well-formed).
  switch (q.type as string) {
    case 'true-false':
      return typeof answer === 'boolean' ? undefined : 'expected true or false';
    case 'single-choice':
      return isChoice(answer) ? undefined : `expected one choice id (${choiceIds().join(', ')})`;
    case 'multiple-choice':
      return Array.isArray(answer) && answer.every(isChoice) ? undefined : `expected a list of choice ids (${choiceIds().join(', ')})`;
    case 'numeric':
      return typeof answer === 'number' && Number.isFinite(answer) ? undefined : `expected a number${q.unit ? ` in ${q.unit}` : ''}`;
    case 'text':
      return typeof answer === 'string' || (typeof answer === 'number' && Number.isFinite(answer)) ? undefined : 'expected text';
    case 'complexity': {
      if (typeof answer !== 'string') return 'expected a formula as text, e.g. "O(a·b·c)"';
      // The grader's own reader: a formula it cannot read (empty, unbalanced, an unknown symbol) is not well-formed.
      const read = readFactors(answer, symbolTable(q.aliases, q.gqa));
      return read.ok ? undefined : read.reason;
    }
    case 'matching': {
      if (!isMap(answer)) return 'expected a map {left: right}';
      const lefts = new Set((q.left ?? []).map(normalizeText));
      const rights = new Set((q.right ?? []).map(normalizeText));
      for (const [left, right] of Object.entries(answer)) {
        if (!lefts.has(normalizeText(left))) return `${JSON.stringify(left.slice(0, 40))} is not one of the items to match`;
        if (typeof right !== 'string' || !rights.has(normalizeText(right))) return `the match for ${JSON.stringify(left.slice(0, 40))} is not one of the options`;
      }
      return undefined;
    }
    case 'ordering': {
      const items = (q.items ?? []).map(normalizeText);
      if (!Array.isArray(answer) || answer.length !== items.length) return `expected a list of all ${items.length} items`;
      const given = answer.map((a) => (typeof a === 'string' ? normalizeText(a) : ''));
      return items.every((item) => given.includes(item)) ? undefined : 'expected each item exactly once';
    }
    case 'scenario': {
      if (!isMap(answer)) return 'expected a map {partId: answer}';
      for (const part of q.parts ?? []) {
        if (answer[part.id] === undefined) continue;
        const problem = answerShapeProblem(part, answer[part.id]);
        if (problem !== undefined) return `part ${part.id}: ${problem}`;
      }
      const unknown = Object.keys(answer).filter((id) => !(q.parts ?? []).some((p) => p.id === id));
      return unknown.length > 0 ? `${JSON.stringify(unknown[0]!.slice(0, 40))} is not a part of this question` : undefined;
    }
    default:
      return undefined;
  }
}
