/**
 * The shape of a bank file, per question type, as zod schemas. Only structure lives here; the rules that
 * look across fields (one correct choice, unique ids, expressions naming known params) are in validate.ts.
 * Every message reads after the field's name: "tolerance.relative must be a number > 0".
 */
import { z } from 'zod';

const ID = /^[a-z0-9-]+$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const id = () => z.string({ error: 'must be text' }).regex(ID, { error: 'must use only a-z, 0-9 and - (e.g. kv-bytes)' });
const text = () => z.string({ error: 'must be text' }).min(1, { error: 'must not be empty' });
/** Text a YAML author may write unquoted as a number (a choice "512", an item 4096): read as text. */
const textOrNumber = () => z.union([z.string(), z.number()], { error: 'must be text' }).transform(String);
const finite = () => z.number({ error: 'must be a number' }).refine(Number.isFinite, { error: 'must be a finite number' });
const positive = () => z.number({ error: 'must be a number > 0' }).gt(0, { error: 'must be a number > 0' }).refine(Number.isFinite, { error: 'must be a finite number > 0' });
const numberOrExpression = () =>
  z.union([finite(), z.string().min(1)], { error: 'must be a number or an expression over the params' });

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

const common = {
  id: id(),
  points: positive().optional(),
  prompt: text(),
  explanation: z.string({ error: 'must be text' }).optional(),
  tags: z.array(z.string({ error: 'must be text' }).min(1, { error: 'must not be empty' }), { error: 'must be a list of text labels' }).optional(),
  params,
};

const choice = z.strictObject(
  {
    id: id().optional(),
    text: textOrNumber(),
    correct: z.boolean({ error: 'must be true or false' }).optional(),
    feedback: z.string({ error: 'must be text' }).optional(),
  },
  { error: 'must be a map with text (and optionally id, correct, feedback)' },
);

const choices = () =>
  z.array(choice, { error: 'must be a list of choices' }).min(2, { error: 'must list at least two choices' });

const trueFalse = z.strictObject({ ...common, type: z.literal('true-false'), answer: z.boolean({ error: 'must be true or false' }) });

const singleChoice = z.strictObject({ ...common, type: z.literal('single-choice'), choices: choices() });
const multipleChoice = z.strictObject({ ...common, type: z.literal('multiple-choice'), choices: choices() });

const numericFeedback = z.strictObject(
  {
    value: numberOrExpression().optional(),
    range: z
      .union(
        [
          z.tuple([numberOrExpression(), numberOrExpression()]),
          z.strictObject({ min: numberOrExpression(), max: numberOrExpression() }),
        ],
        { error: 'must be [low, high] or {min, max}' },
      )
      .optional(),
    message: text(),
  },
  { error: 'must be a map with value or range, and message' },
);

const numeric = z.strictObject({
  ...common,
  type: z.literal('numeric'),
  answer: numberOrExpression(),
  tolerance: z
    .strictObject(
      { relative: positive().optional(), absolute: positive().optional() },
      { error: 'must be {relative: r} or {absolute: a}' },
    )
    .optional(),
  unit: z.string({ error: 'must be text' }).optional(),
  feedback: z.array(numericFeedback, { error: 'must be a list of {value|range, message}' }).optional(),
});

const textQuestion = z.strictObject({
  ...common,
  type: z.literal('text'),
  accept: z
    .array(textOrNumber(), { error: 'must be a list of accepted answers' })
    .min(1, { error: 'must list at least one accepted answer' }),
  match: z.enum(['exact', 'normalized'], { error: "must be 'exact' or 'normalized'" }).optional(),
});

const matching = z.strictObject({
  ...common,
  type: z.literal('matching'),
  pairs: z
    .array(
      z.strictObject(
        {
          left: textOrNumber(),
          right: textOrNumber(),
        },
        { error: 'must be a map {left, right}' },
      ),
      { error: 'must be a list of {left, right}' },
    )
    .min(2, { error: 'must list at least two pairs' }),
});

const ordering = z.strictObject({
  ...common,
  type: z.literal('ordering'),
  items: z
    .array(textOrNumber(), { error: 'must be a list of items' })
    .min(2, { error: 'must list at least two items' }),
});

/** Part schemas by type; a scenario's parts are checked one by one with these (so errors point inside). */
export const PART_SCHEMAS = {
  'true-false': trueFalse,
  'single-choice': singleChoice,
  'multiple-choice': multipleChoice,
  numeric,
  text: textQuestion,
  matching,
  ordering,
} as const;

const scenario = z.strictObject({
  ...common,
  points: z.never({ error: "is not allowed on a scenario: its points are the sum of its parts' points" }).optional(),
  // The context carries the narrative; a scenario's own prompt is optional.
  prompt: z.string({ error: 'must be text' }).optional(),
  type: z.literal('scenario'),
  context: text(),
  // Parts are validated one at a time against PART_SCHEMAS, so here they only need to be a list.
  parts: z.array(z.unknown(), { error: 'must be a list of questions' }).min(1, { error: 'must list at least one part' }),
});

export const QUESTION_SCHEMAS = { ...PART_SCHEMAS, scenario } as const;

export const bankHeader = z.object({
  bank: id(),
  title: text(),
  source: z.string({ error: 'must be text' }).optional(),
  questions: z.array(z.unknown(), { error: 'must be a list of questions' }).min(1, { error: 'must list at least one question' }),
});

export const BANK_KEYS = ['bank', 'title', 'source', 'questions'] as const;
