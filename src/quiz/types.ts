/**
 * A bank as it is after loading and validation (format: docs/quiz-format.md). These are plain data: the
 * compiled expressions and templates live beside them (compiled.ts), never inside, so a Bank prints and
 * serialises as what the author wrote.
 *
 * Each question type's own shapes (its bank fields, its variant, its key) are declared in its module under
 * question-types/; the unions below are derived from the registry, so adding a type adds it here too.
 */
import type { QUESTION_TYPE_MODULES } from './question-types/registry.js';
import type { QuestionTypeModule } from './question-types/module.js';

export type { TrueFalseQuestion, TrueFalseVariant } from './question-types/true-false.js';
export type { Choice, SingleChoiceQuestion, MultipleChoiceQuestion, ChoiceVariant } from './question-types/choices.js';
export type { NumericQuestion, NumericFeedback, NumericVariant } from './question-types/numeric.js';
export type { TextQuestion, TextVariant } from './question-types/text.js';
export type { MatchingQuestion, MatchingVariant } from './question-types/matching.js';
export type { OrderingQuestion, OrderingVariant } from './question-types/ordering.js';
export type { ComplexityQuestion, ComplexityVariant } from './question-types/complexity.js';
export type { ScenarioQuestion, ScenarioVariant } from './question-types/scenario.js';

/** A param: a list (choose one), a range (a multiple of step from min), or a constant. */
export type ParamDef = number[] | { min: number; max: number; step: number } | number;

/** A number, or an expression over the params (and `answer` in numeric feedback). */
export type NumberOrExpression = number | string;

/** The fields every question has. */
export interface QuestionBase {
  id: string;
  type: string;
  points: number;
  prompt: string;
  explanation?: string;
  /** Extension: labels such as "card:window-size", for filtering and reports. */
  tags: string[];
  /** Params in the order written; drawn in that order. */
  params: Record<string, ParamDef>;
}

/** What a student sees of every question: params filled in, never the answer. */
export interface VariantBase {
  bank: string;
  id: string;
  seed: number;
  type: string;
  points: number;
  prompt: string;
  params: Record<string, number>;
  tags: string[];
}

type Registered = (typeof QUESTION_TYPE_MODULES)[number];
/* eslint-disable @typescript-eslint/no-explicit-any */
type DefOf<M> = M extends QuestionTypeModule<infer D, any, any, any, any> ? D : never;
type VariantOf<M> = M extends QuestionTypeModule<any, any, infer V, any, any> ? V : never;
type KeyOf<M> = M extends QuestionTypeModule<any, any, any, infer K, any> ? K : never;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A question of any registered type, discriminated by `type`. */
export type Question = DefOf<Registered>;
export type QuestionType = Question['type'];
/** A question that may be a scenario's part. */
export type PartQuestion = Exclude<Question, { type: 'scenario' }>;
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

/** How one answer was graded. */
export type VerdictStatus = 'correct' | 'partial' | 'incorrect' | 'not-graded' | 'unanswered';

/**
 * The grade of one answer, as structured data; every renderer (notebook Markdown, terminal, the plain
 * `feedback` text of `kvlab grade --json`) writes it from these fields.
 */
export interface Verdict {
  score: number;
  max: number;
  /** Full marks. */
  correct: boolean;
  status: VerdictStatus;
  /** Why an answer could not be graded (wrong shape, unreadable formula), when status is 'not-graded'. */
  reason?: string;
  /** The items, pairs, positions, factors or parts that are wrong, named as the student sees them. */
  wrong?: string[];
  /** Feedback that matched the answer (Markdown), in the bank's order. */
  messages: string[];
  /** The worked solution (Markdown; it usually states the answer). */
  explanation?: string;
  /** The right answer in words, for renderers allowed to show it. */
  answer?: string;
  /** A scenario: each part's verdict. */
  parts?: Record<string, Verdict>;
  /** A scenario answered with part ids it does not have. */
  unknownParts?: string[];
  /** The verdict as plain Markdown: the verdict line and score, the matched feedback, the explanation. */
  feedback: string;
}

/** The grade of one answer (the name the API has always used for a Verdict). */
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
