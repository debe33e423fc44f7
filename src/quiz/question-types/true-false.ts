/** true-false: `answer: true|false`; answered with a boolean; all or nothing. */
import { z } from 'zod';
import { describe, fields } from './common.js';
import type { CompiledBase, QuestionTypeModule } from './module.js';
import type { QuestionBase, VariantBase } from '../base-types.js';

export interface TrueFalseQuestion extends QuestionBase {
  type: 'true-false';
  answer: boolean;
}
export interface TrueFalseVariant extends VariantBase {
  type: 'true-false';
}
export interface TrueFalseKey {
  type: 'true-false';
  answer: boolean;
}
export type Compiled = CompiledBase<TrueFalseQuestion>;

export const trueFalse: QuestionTypeModule<TrueFalseQuestion, Compiled, TrueFalseVariant, TrueFalseKey, { answer: boolean }> = {
  type: 'true-false',
  fields: fields({ answer: z.boolean({ error: 'must be true or false' }) }),
  part: true,
  compile: (_ctx, _q, base) => base,
  variant: (_cq, base) => ({ ...base, type: 'true-false' }),
  key: (cq) => ({ type: 'true-false', answer: cq.def.answer }),
  describeKey: (key) => String(key.answer),
  grade(cq, answer) {
    if (typeof answer !== 'boolean') return { kind: 'not-graded', reason: `expected true or false, got ${describe(answer)}` };
    return { kind: 'graded', fraction: answer === cq.def.answer ? 1 : 0, messages: [] };
  },
  keyless: (_q, base) => ({ ...base, type: 'true-false' }),
  keylessVariant: (_s, base) => ({ ...base, type: 'true-false' }),
  answerShape: (answer) => (typeof answer === 'boolean' ? undefined : 'expected true or false'),
  markdown: () => [],
  howToAnswer: 'Answer `true` or `false`.',
  terminal: {
    show: () => [],
    hint: () => 'true or false ',
    parse(_v, line) {
      const t = line.trim().toLowerCase();
      if (['t', 'true', 'y', 'yes'].includes(t)) return { ok: true, value: true };
      if (['f', 'false', 'n', 'no'].includes(t)) return { ok: true, value: false };
      return { ok: false, reason: 'answer true or false' };
    },
  },
  lms: {
    resolve: (cq) => ({ answer: cq.def.answer }),
    gift: (item) => (item.answer ? 'TRUE' : 'FALSE'),
    moodle: {
      type: 'truefalse',
      write(q, item, kit) {
        kit.answer(q, item.answer ? 100 : 0, 'true', undefined, 'moodle_auto_format');
        kit.answer(q, item.answer ? 0 : 100, 'false', undefined, 'moodle_auto_format');
      },
    },
    qti: (item) => ({
      cardinality: 'single',
      baseType: 'identifier',
      correct: [item.answer ? 'true' : 'false'],
      mapping: { entries: [{ key: item.answer ? 'true' : 'false', value: 1 }] },
      interaction(body) {
        const ci = body.ele('choiceInteraction', { responseIdentifier: 'RESPONSE', shuffle: 'false', maxChoices: '1' });
        ci.ele('simpleChoice', { identifier: 'true' }).txt('true');
        ci.ele('simpleChoice', { identifier: 'false' }).txt('false');
      },
      feedback: [],
    }),
  },
};
