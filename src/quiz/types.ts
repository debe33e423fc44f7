/**
 * A bank as it is after loading and validation (format: docs/quiz-format.md). These are plain data: the
 * compiled expressions and templates live beside them (compiled.ts), never inside, so a Bank prints and
 * serialises as what the author wrote.
 *
 * Each question type's own shapes (its bank fields, its variant, its key) are declared in its module under
 * question-types/; the unions below are derived from the registry, so adding a type adds it here too.
 */
import type { QUESTION_TYPE_MODULES } from './question-types/registry.js';
import type { DefOf, KeyOf, VariantOf } from './question-types/module.js';

export type { TrueFalseQuestion, TrueFalseVariant } from './question-types/true-false.js';
export type { Choice, SingleChoiceQuestion, MultipleChoiceQuestion, ChoiceVariant } from './question-types/choices.js';
export type { NumericQuestion, NumericFeedback, NumericVariant } from './question-types/numeric.js';
export type { TextQuestion, TextVariant } from './question-types/text.js';
export type { MatchingQuestion, MatchingVariant } from './question-types/matching.js';
export type { OrderingQuestion, OrderingVariant } from './question-types/ordering.js';
export type { ComplexityQuestion, ComplexityVariant } from './question-types/complexity.js';
export type { ScenarioQuestion, ScenarioVariant } from './question-types/scenario.js';

export type { ParamDef, NumberOrExpression, QuestionBase, VariantBase, KeylessBase, VerdictStatus, Verdict } from './base-types.js';
import type { QuestionBase } from './base-types.js';
import type { Verdict } from './base-types.js';

type Registered = (typeof QUESTION_TYPE_MODULES)[number];

/** A question of any registered type, discriminated by `type`. */
export type Question = DefOf<Registered>;
export type QuestionType = Question['type'];
/** A question that may be a scenario's part. */
export type { PartQuestion } from './question-types/part-registry.js';
/** What one student sees of a question, discriminated by `type`: params filled in, never the answer. */
export type QuestionVariant = VariantOf<Registered>;
/** The correct answer of one variant, in the shape a submission gives it. Kept apart from the variant. */
export type AnswerKey = KeyOf<Registered>;

export interface Bank {
  id: string;
  title: string;
  source?: string;
  /** The file it was loaded from, as given to loadBank. */
  file: string;
  questions: Question[];
}

export type QuestionResult = Verdict;

export interface SubmissionResult {
  student: string;
  bank: string;
  seed: number;
  score: number;
  max: number;
  questions: Record<string, QuestionResult>;
  /** Answers naming no question of the bank (ignored). */
  unknown: string[];
}
