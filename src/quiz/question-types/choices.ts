/**
 * single-choice and multiple-choice: `choices: [{id?, text, correct?, feedback?}]`, answered with a choice
 * id or a list of them. Single is all or nothing; multiple is net-correct ((right − wrong picks) / right
 * choices, floored at 0). Choices without an id get the letter of their position.
 */
import { z } from 'zod';
import { describe, fields, idSchema, quote, textOrNumber } from './common.js';
import { fillTemplate, type Template } from '../template.js';
import type { CompileContext, CompiledBase, KeylessVariantContext, Parsed, QuestionTypeModule } from './module.js';
import type { KeylessBase, QuestionBase, VariantBase } from '../base-types.js';

export interface Choice {
  /** As written, or the letter of its position (a, b, c, …). */
  id: string;
  text: string;
  correct: boolean;
  feedback?: string;
}
export interface SingleChoiceQuestion extends QuestionBase {
  type: 'single-choice';
  choices: Choice[];
}
export interface MultipleChoiceQuestion extends QuestionBase {
  type: 'multiple-choice';
  choices: Choice[];
}
export interface ChoiceVariant extends VariantBase {
  type: 'single-choice' | 'multiple-choice';
  /** In the order written. */
  choices: { id: string; text: string }[];
}
export interface SingleChoiceVariant extends ChoiceVariant {
  type: 'single-choice';
}
export interface MultipleChoiceVariant extends ChoiceVariant {
  type: 'multiple-choice';
}
/** The keyless form (an assignment's student copy): each choice's id and text, no `correct`, no feedback. */
export interface ChoiceKeyless extends KeylessBase {
  type: 'single-choice' | 'multiple-choice';
  choices: { id: string; text: string }[];
}
export interface SingleChoiceKeyless extends ChoiceKeyless {
  type: 'single-choice';
}
export interface MultipleChoiceKeyless extends ChoiceKeyless {
  type: 'multiple-choice';
}
export type SingleChoiceKey = { type: 'single-choice'; answer: string };
export type MultipleChoiceKey = { type: 'multiple-choice'; answer: string[] };

export interface CompiledChoice {
  id: string;
  text: Template;
  correct: boolean;
  feedback?: Template;
}
export interface Compiled<D extends SingleChoiceQuestion | MultipleChoiceQuestion> extends CompiledBase<D> {
  choices: readonly CompiledChoice[];
}
export interface ExportChoice {
  text: string;
  correct: boolean;
  /** Moodle-style credit in percent: 100 for a right single choice; ±100/k for k right choices. */
  percent: number;
  feedback?: string;
}
export interface Item {
  choices: ExportChoice[];
}

const choice = z.strictObject(
  {
    id: idSchema().optional(),
    text: textOrNumber(),
    correct: z.boolean({ error: 'must be true or false' }).optional(),
    feedback: z.string({ error: 'must be text' }).optional(),
  },
  { error: 'must be a map with text (and optionally id, correct, feedback)' },
);
const choiceFields = fields({ choices: z.array(choice, { error: 'must be a list of choices' }).min(2, { error: 'must list at least two choices' }) });

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

function normalize(q: Record<string, unknown>): void {
  q.choices = (q.choices as Partial<Choice>[]).map((c, i) => {
    const out: Choice = { id: c.id ?? choiceLetter(i), text: c.text ?? '', correct: c.correct ?? false };
    if (c.feedback !== undefined) out.feedback = c.feedback;
    return out;
  });
}

function compile<D extends SingleChoiceQuestion | MultipleChoiceQuestion>(ctx: CompileContext, q: D, base: CompiledBase<D>): Compiled<D> {
  const ids = new Map<string, number>();
  q.choices.forEach((c, i) => {
    const earlier = ids.get(c.id);
    if (earlier !== undefined) {
      ctx.problems.add([...ctx.path, 'choices', i], `${ctx.label}: choices[${i}] has the id '${c.id}', already used by choices[${earlier}]; ids must be unique (a choice without an id gets the letter of its position)`);
    }
    ids.set(c.id, i);
  });
  const correct = q.choices.filter((c) => c.correct).length;
  if (q.type === 'single-choice' && correct !== 1) {
    ctx.problems.add([...ctx.path, 'choices'], `${ctx.label}: a single-choice question needs exactly one choice with correct: true (it has ${correct})`);
  }
  if (q.type === 'multiple-choice' && correct < 1) {
    ctx.problems.add([...ctx.path, 'choices'], `${ctx.label}: a multiple-choice question needs at least one choice with correct: true`);
  }
  const choices = q.choices.map((c, i): CompiledChoice => {
    const out: CompiledChoice = { id: c.id, text: ctx.template(['choices', i, 'text'], c.text), correct: c.correct };
    if (c.feedback !== undefined) out.feedback = ctx.template(['choices', i, 'feedback'], c.feedback);
    return out;
  });
  return { ...base, choices };
}

function ids(cq: { choices: readonly { id: string }[] }): string {
  return cq.choices.map((c) => c.id).join(', ');
}

function parseChoiceId(cq: { choices: readonly { id: string }[] }, answer: unknown): Parsed<string> {
  if (typeof answer !== 'string') return { ok: false, reason: `expected a choice id (${ids(cq)}), got ${describe(answer)}` };
  // "b", " B ", "(b)", "b)" and "b." all name choice b: the ways a list label is typed.
  const id = answer.trim().toLowerCase().replace(/^\((.*)\)$|^(.*?)[).]$/su, '$1$2').trim();
  if (!cq.choices.some((c) => c.id === id)) return { ok: false, reason: `${quote(answer)} is not a choice (choices: ${ids(cq)})` };
  return { ok: true, value: id };
}

function resolve(cq: Compiled<SingleChoiceQuestion | MultipleChoiceQuestion>, values: Record<string, number>): Item {
  const right = cq.choices.filter((c) => c.correct).length;
  return {
    choices: cq.choices.map((c) => {
      const percent = cq.def.type === 'single-choice' ? (c.correct ? 100 : 0) : (c.correct ? 100 : -100) / right;
      const out: ExportChoice = { text: fillTemplate(c.text, values), correct: c.correct, percent };
      if (c.feedback) out.feedback = fillTemplate(c.feedback, values);
      return out;
    }),
  };
}

const choiceId = (i: number) => `C${i}`;

/**
 * The k for which ±1/k is one of Moodle's grade fractions (question_bank::fraction_options_full: p/q for
 * q ≤ 6, p/10, 1/q for q ≤ 10, 1/20). Its importer refuses any other (match_grade_options, within 0.00001).
 */
const MOODLE_SHARES: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20]);

/**
 * Why Moodle refuses the credit of `right` right choices, or undefined when it takes it. One rule for
 * `kvlab lint`'s warning and `kvlab export`'s note (GIFT and Moodle XML), so the two cannot disagree.
 */
function moodleCreditRefusal(right: number): string | undefined {
  if (MOODLE_SHARES.has(right)) return undefined;
  return `${right} right choices are worth 1/${right} of the points each, which is not one of Moodle's grade fractions (1/k for k = 1–10 or 20), so Moodle refuses its GIFT and Moodle XML export`;
}

function lms<D extends SingleChoiceQuestion | MultipleChoiceQuestion>(single: boolean): QuestionTypeModule<D, Compiled<D>, ChoiceVariant, SingleChoiceKey | MultipleChoiceKey, Item>['lms'] {
  return {
    resolve: (cq, ctx) => resolve(cq, ctx.values),
    gift: (item, kit) =>
      single
        ? item.choices.map((c) => `${c.correct ? '=' : '~'}${kit.html(c.text, true)}${kit.feedback(c.feedback)}`).join(' ')
        : item.choices.map((c) => `~%${String(Number(c.percent.toFixed(5)))}%${kit.html(c.text, true)}${kit.feedback(c.feedback)}`).join(' '),
    moodle: {
      type: 'multichoice',
      write(q, item, kit) {
        q.ele('single').txt(single ? 'true' : 'false');
        q.ele('shuffleanswers').txt('false');
        q.ele('answernumbering').txt('abc');
        for (const c of item.choices) kit.answer(q, c.percent, kit.inlineHtml(c.text), c.feedback);
      },
    },
    moodleLimits(item) {
      const refusal = moodleCreditRefusal(item.choices.filter((c) => c.correct).length);
      return refusal === undefined ? undefined : `refused by Moodle's importer, and the whole file with it: ${refusal}; mark at most 10 choices right, or use --format qti, which carries it as it is`;
    },
    qti: (item) => ({
      cardinality: single ? 'single' : 'multiple',
      baseType: 'identifier',
      correct: item.choices.flatMap((c, i) => (c.correct ? [choiceId(i)] : [])),
      mapping: { entries: item.choices.map((c, i) => ({ key: choiceId(i), value: c.percent / 100 })) },
      interaction(body, kit) {
        const ci = body.ele('choiceInteraction', { responseIdentifier: 'RESPONSE', shuffle: 'false', maxChoices: single ? '1' : '0' });
        item.choices.forEach((c, i) => kit.inline(ci.ele('simpleChoice', { identifier: choiceId(i) }), c.text));
      },
      feedbackByResponse: true,
      feedbackCardinality: single ? 'single' : 'multiple',
      feedback: item.choices.flatMap((c, i) => (c.feedback ? [{ id: choiceId(i), markdown: c.feedback }] : [])),
    }),
  };
}

const showChoices = (v: ChoiceVariant) => [v.choices.map((c) => `- **${c.id}**: ${c.text}`).join('\n')];
const variant = <T extends 'single-choice' | 'multiple-choice'>(type: T) => (cq: Compiled<SingleChoiceQuestion | MultipleChoiceQuestion>, base: VariantBase, ctx: { values: Record<string, number> }) => ({
  ...base,
  type,
  choices: cq.choices.map((c) => ({ id: c.id, text: fillTemplate(c.text, ctx.values) })),
});

/** The keyless form and the variant drawn from it: the choices in the order written, texts filled in. */
const keyless =
  <T extends 'single-choice' | 'multiple-choice'>(type: T) =>
  (q: SingleChoiceQuestion | MultipleChoiceQuestion, base: KeylessBase) => ({ ...base, type, choices: q.choices.map((c) => ({ id: c.id, text: c.text })) });
const keylessVariant =
  <T extends 'single-choice' | 'multiple-choice'>(type: T) =>
  (s: ChoiceKeyless, base: VariantBase, ctx: KeylessVariantContext) => ({ ...base, type, choices: s.choices.map((c) => ({ id: c.id, text: ctx.fill(c.text) })) });
/** The self-check reads a choice id as written (trimmed, any case). */
const isChoiceId = (s: ChoiceKeyless, answer: unknown) => typeof answer === 'string' && s.choices.some((c) => c.id === answer.trim().toLowerCase());

export const singleChoice: QuestionTypeModule<SingleChoiceQuestion, Compiled<SingleChoiceQuestion>, SingleChoiceVariant, SingleChoiceKey, Item, SingleChoiceKeyless> = {
  type: 'single-choice',
  fields: choiceFields,
  part: true,
  normalize,
  compile,
  variant: variant('single-choice'),
  key: (cq) => ({ type: 'single-choice', answer: cq.def.choices.find((c) => c.correct)!.id }),
  describeKey: (key) => key.answer,
  grade(cq, answer, ctx) {
    const parsed = parseChoiceId(cq, answer);
    if (!parsed.ok) return { kind: 'not-graded', reason: parsed.reason };
    const chosen = cq.choices.find((c) => c.id === parsed.value)!;
    return { kind: 'graded', fraction: chosen.correct ? 1 : 0, messages: chosen.feedback ? [fillTemplate(chosen.feedback, ctx.values)] : [] };
  },
  keyless: keyless('single-choice'),
  keylessVariant: keylessVariant('single-choice'),
  answerShape: (answer, s) => (isChoiceId(s, answer) ? undefined : `expected one choice id (${ids(s)})`),
  markdown: showChoices,
  howToAnswer: 'Answer with one choice id, e.g. `"a"`.',
  terminal: {
    show: showChoices,
    hint: (v) => `one of ${v.choices.map((c) => c.id).join(', ')} `,
    parse(v, line) {
      const text = line.trim();
      const id = text.toLowerCase();
      return v.choices.some((c) => c.id === id) ? { ok: true, value: id } : { ok: false, reason: `'${text}' is not a choice (${ids(v)})` };
    },
  },
  lms: lms<SingleChoiceQuestion>(true) as QuestionTypeModule<SingleChoiceQuestion, Compiled<SingleChoiceQuestion>, SingleChoiceVariant, SingleChoiceKey, Item>['lms'],
};

export const multipleChoice: QuestionTypeModule<MultipleChoiceQuestion, Compiled<MultipleChoiceQuestion>, MultipleChoiceVariant, MultipleChoiceKey, Item, MultipleChoiceKeyless> = {
  type: 'multiple-choice',
  fields: choiceFields,
  part: true,
  normalize,
  compile,
  variant: variant('multiple-choice'),
  key: (cq) => ({ type: 'multiple-choice', answer: cq.def.choices.filter((c) => c.correct).map((c) => c.id) }),
  describeKey: (key) => key.answer.join(', '),
  warnings(cq) {
    const refusal = moodleCreditRefusal(cq.choices.filter((c) => c.correct).length);
    return refusal === undefined ? [] : [`Moodle cannot import its credit: ${cq.label}: ${refusal}; mark at most 10 choices right (QTI carries it as it is)`];
  },
  grade(cq, answer, ctx) {
    if (!Array.isArray(answer)) return { kind: 'not-graded', reason: `expected a list of choice ids (${ids(cq)}), got ${describe(answer)}` };
    const chosen = new Set<string>();
    for (const item of answer) {
      const parsed = parseChoiceId(cq, item);
      if (!parsed.ok) return { kind: 'not-graded', reason: parsed.reason };
      chosen.add(parsed.value);
    }
    const correct = cq.choices.filter((c) => c.correct).length;
    let right = 0;
    let wrongPicks = 0;
    const messages: string[] = [];
    for (const c of cq.choices) {
      if (!chosen.has(c.id)) continue;
      if (c.correct) right += 1;
      else wrongPicks += 1;
      if (c.feedback) messages.push(`${c.id}: ${fillTemplate(c.feedback, ctx.values)}`);
    }
    return { kind: 'graded', fraction: Math.max(0, (right - wrongPicks) / correct), messages };
  },
  keyless: keyless('multiple-choice'),
  keylessVariant: keylessVariant('multiple-choice'),
  answerShape: (answer, s) => (Array.isArray(answer) && answer.every((a) => isChoiceId(s, a)) ? undefined : `expected a list of choice ids (${ids(s)})`),
  markdown: showChoices,
  howToAnswer: 'Select all that apply: answer with a list of choice ids, e.g. `["a", "c"]`.',
  terminal: {
    show: showChoices,
    hint: (v) => `all that apply, e.g. ${v.choices.slice(0, 2).map((c) => c.id).join(' ')} `,
    parse(v, line) {
      const picked = line.trim().toLowerCase().split(/[\s,;]+/).filter(Boolean);
      const unknown = picked.filter((id) => !v.choices.some((c) => c.id === id));
      return unknown.length === 0 ? { ok: true, value: picked } : { ok: false, reason: `'${unknown.join(' ')}' is not a choice (${ids(v)})` };
    },
  },
  lms: lms<MultipleChoiceQuestion>(false) as QuestionTypeModule<MultipleChoiceQuestion, Compiled<MultipleChoiceQuestion>, MultipleChoiceVariant, MultipleChoiceKey, Item>['lms'],
};
