/**
 * text: `accept: [forms]`, `match: exact|normalized` (default normalized, see ../text.ts); answered with
 * a string; all or nothing. For formulas inside O(…) use the `complexity` type, which compares factors.
 */
import { z } from 'zod';
import { normalizeText } from '../text.js';
import { describe, fields, textOrNumber } from './common.js';
import type { CompiledBase, GiftKit, MoodleKit, QtiKit, QtiSpec, QuestionTypeModule, XmlNode } from './module.js';
import type { QuestionBase, VariantBase } from '../base-types.js';

export interface TextQuestion extends QuestionBase {
  type: 'text';
  accept: string[];
  match: 'exact' | 'normalized';
}
export interface TextVariant extends VariantBase {
  type: 'text';
}
export interface TextKey {
  type: 'text';
  answer: string;
  accept: string[];
}
export interface Compiled extends CompiledBase<TextQuestion> {
  /** Accepted forms, normalized when match is normalized. */
  accept: ReadonlySet<string>;
}
/** A short-answer item for an LMS: the forms it accepts, compared with or without case. */
export interface ShortAnswerItem {
  accept: string[];
  caseSensitive: boolean;
}

/** Moodle's short answer reads `*` as a wildcard: a literal one is written `\*`. */
const literalStar = (form: string) => form.replace(/\*/g, '\\*');

/** The short-answer writers, shared with other types an LMS can only grade by listing forms (complexity). */
export const shortAnswer = {
  gift: (item: ShortAnswerItem, kit: GiftKit) => item.accept.map((a) => `=${kit.escape(literalStar(a))}`).join(' '),
  moodle: {
    type: 'shortanswer',
    write(q: XmlNode, item: ShortAnswerItem, kit: MoodleKit) {
      q.ele('usecase').txt(item.caseSensitive ? '1' : '0');
      for (const a of item.accept) kit.answer(q, 100, literalStar(a), undefined, 'moodle_auto_format');
    },
  },
  qti: (item: ShortAnswerItem): QtiSpec => ({
    cardinality: 'single',
    baseType: 'string',
    correct: [item.accept[0]!],
    mapping: { entries: item.accept.map((a) => ({ key: a, value: 1 })), caseSensitive: item.caseSensitive },
    interaction(body: XmlNode, _kit: QtiKit) {
      body.ele('p').ele('textEntryInteraction', { responseIdentifier: 'RESPONSE', expectedLength: '20' });
    },
    feedback: [],
  }),
};

export const text: QuestionTypeModule<TextQuestion, Compiled, TextVariant, TextKey, ShortAnswerItem> = {
  type: 'text',
  fields: fields({
    accept: z.array(textOrNumber(), { error: 'must be a list of accepted answers' }).min(1, { error: 'must list at least one accepted answer' }),
    match: z.enum(['exact', 'normalized'], { error: "must be 'exact' or 'normalized'" }).optional(),
  }),
  harmless: ['match'],
  part: true,
  normalize(q) {
    q.match = q.match ?? 'normalized';
  },
  compile(ctx, q, base) {
    const forms = q.accept.map((a) => (q.match === 'normalized' ? normalizeText(a) : a));
    if (forms.some((f) => f.length === 0)) {
      ctx.problems.add([...ctx.path, 'accept'], `${ctx.label}: accept lists an answer that is empty${q.match === 'normalized' ? ' once white space is removed' : ''}`);
    }
    return { ...base, accept: new Set(forms) };
  },
  variant: (_cq, base) => ({ ...base, type: 'text' }),
  key: (cq) => ({ type: 'text', answer: cq.def.accept[0]!, accept: [...cq.def.accept] }),
  describeKey: (key) => key.answer,
  grade(cq, answer) {
    if (typeof answer !== 'string' && !(typeof answer === 'number' && Number.isFinite(answer))) {
      return { kind: 'not-graded', reason: `expected text, got ${describe(answer)}` };
    }
    const given = String(answer);
    return { kind: 'graded', fraction: cq.accept.has(cq.def.match === 'normalized' ? normalizeText(given) : given) ? 1 : 0, messages: [] };
  },
  // The accepted forms are the key: the keyless form is the common fields only.
  keyless: (_q, base) => ({ ...base, type: 'text' }),
  keylessVariant: (_s, base) => ({ ...base, type: 'text' }),
  answerShape: (answer) => (typeof answer === 'string' || (typeof answer === 'number' && Number.isFinite(answer)) ? undefined : 'expected text'),
  markdown: () => [],
  howToAnswer: 'Answer with text.',
  terminal: {
    show: () => [],
    hint: () => '',
    parse: (_v, line) => ({ ok: true, value: line.trim() }),
  },
  lms: {
    resolve: (cq) => ({ accept: [...cq.def.accept], caseSensitive: cq.def.match === 'exact' }),
    ...shortAnswer,
  },
};
