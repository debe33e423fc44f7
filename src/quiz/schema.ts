/**
 * The fields every question has, and the bank header, as zod schemas. Each type's own fields are in its
 * module (question-types/); the rules that look across fields are in each type's compile. Every message
 * reads after the field's name: "tolerance.relative must be a number > 0".
 */
import { z } from 'zod';
import { finite, idSchema, positive, textSchema } from './question-types/common.js';

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const paramDef = z.union(
  [
    finite(),
    z.array(finite(), { error: 'must be a list of numbers' }).min(1, { error: 'must list at least one value' }),
    z.strictObject({ min: finite(), max: finite(), step: positive().optional() }),
  ],
  { error: 'must be a number, a list of numbers, or {min, max, step}' },
);

const params = z
  .record(z.string().regex(PARAM_NAME, { error: 'param names must be identifiers (letters, digits, _)' }), paramDef, {
    error: 'must be a map of param names to values',
  })
  .optional();

/** The fields of every question (a type's module may override one, as a scenario does points and prompt). */
export const COMMON_FIELDS: Readonly<Record<string, z.ZodType>> = {
  id: idSchema(),
  type: z.string(),
  points: positive().optional(),
  prompt: textSchema(),
  explanation: z.string({ error: 'must be text' }).optional(),
  tags: z.array(z.string({ error: 'must be text' }).min(1, { error: 'must not be empty' }), { error: 'must be a list of text labels' }).optional(),
  params,
};

/** Common fields whose bad value does not stop the cross-field checks. */
export const HARMLESS_COMMON = ['points', 'tags', 'explanation', 'prompt', 'id'] as const;

export const bankHeader = z.object({
  bank: idSchema(),
  title: textSchema(),
  source: z.string({ error: 'must be text' }).optional(),
  questions: z.array(z.unknown(), { error: 'must be a list of questions' }).min(1, { error: 'must list at least one question' }),
});

export const BANK_KEYS = ['bank', 'title', 'source', 'questions'] as const;
