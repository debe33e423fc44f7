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

/**
 * Points: > 0, at most 1000, in hundredths (0.25, 1.5, 2). Scores are fractions of them reported to 4
 * decimals, so a right answer always scores exactly its points and totals add up exactly.
 */
export const MAX_POINTS = 1000;
function pointsProblem(p: number): string | undefined {
  if (!(p > 0)) return 'must be a number > 0';
  if (!(p <= MAX_POINTS)) return `must be at most ${MAX_POINTS}`;
  if (Math.abs(p * 100 - Math.round(p * 100)) > 1e-6) return 'must be a multiple of 0.01 (points are counted in hundredths)';
  return undefined;
}
const points = () =>
  z
    .number({ error: (issue) => (issue.input === Infinity ? `must be at most ${MAX_POINTS}` : 'must be a number > 0') })
    .refine((p) => pointsProblem(p) === undefined, { error: (issue) => pointsProblem(issue.input as number) ?? 'is not valid' });

/** The fields of every question (a type's module may override one, as a scenario does points and prompt). */
export const COMMON_FIELDS: Readonly<Record<string, z.ZodType>> = {
  id: idSchema(),
  type: z.string(),
  points: points().optional(),
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
