/**
 * A bank as it is after loading and validation (format and extensions: docs/quiz-format.md). These are plain data: the compiled expressions and templates live beside
 * them (compiled.ts), never inside, so a Bank prints and serialises as what the author wrote.
 */

export const QUESTION_TYPES = [
  'true-false',
  'single-choice',
  'multiple-choice',
  'numeric',
  'text',
  'matching',
  'ordering',
  'scenario',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** A param: a list (choose one), a range (a multiple of step from min), or a constant. */
export type ParamDef = number[] | { min: number; max: number; step: number } | number;

interface QuestionBase {
  id: string;
  points: number;
  prompt: string;
  explanation?: string;
  /** Extension: labels such as "card:window-size", for filtering and reports. */
  tags: string[];
  /** Params in the order written; drawn in that order. */
  params: Record<string, ParamDef>;
}

export interface TrueFalseQuestion extends QuestionBase {
  type: 'true-false';
  answer: boolean;
}

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

/** A number, or an expression over the params (and `answer` in feedback). */
export type NumberOrExpression = number | string;

export interface NumericFeedback {
  value?: NumberOrExpression;
  /** Inclusive bounds [low, high]. */
  range?: [NumberOrExpression, NumberOrExpression];
  message: string;
}

export interface NumericQuestion extends QuestionBase {
  type: 'numeric';
  answer: NumberOrExpression;
  /** Default {relative: 0.01}. With both, either bound accepts. */
  tolerance: { relative?: number; absolute?: number };
  unit?: string;
  feedback: NumericFeedback[];
}

export interface TextQuestion extends QuestionBase {
  type: 'text';
  accept: string[];
  match: 'exact' | 'normalized';
}

export interface MatchingQuestion extends QuestionBase {
  type: 'matching';
  pairs: { left: string; right: string }[];
}

export interface OrderingQuestion extends QuestionBase {
  type: 'ordering';
  items: string[];
}

export type PartQuestion =
  | TrueFalseQuestion
  | SingleChoiceQuestion
  | MultipleChoiceQuestion
  | NumericQuestion
  | TextQuestion
  | MatchingQuestion
  | OrderingQuestion;

export interface ScenarioQuestion extends QuestionBase {
  type: 'scenario';
  /** Markdown case narrative; {{params}} of the scenario are filled in. */
  context: string;
  parts: PartQuestion[];
}

export type Question = PartQuestion | ScenarioQuestion;

export interface Bank {
  id: string;
  title: string;
  source?: string;
  /** The file it was loaded from, as given to loadBank. */
  file: string;
  questions: Question[];
}

/** What a student sees of one question: params filled in, choices listed, never the answer. */
export interface QuestionVariant {
  bank: string;
  id: string;
  seed: number;
  type: QuestionType;
  points: number;
  prompt: string;
  params: Record<string, number>;
  tags: string[];
  /** single-choice and multiple-choice, in the order written. */
  choices?: { id: string; text: string }[];
  /** numeric */
  unit?: string;
  /** matching: the lefts in order written, the rights shuffled. */
  left?: string[];
  right?: string[];
  /** ordering: the items shuffled (never in the right order when there are two or more). */
  items?: string[];
  /** scenario */
  context?: string;
  parts?: QuestionVariant[];
}

/** The correct answer of one variant, in the shape a submission gives it. Kept apart from the variant. */
export type AnswerKey =
  | { type: 'true-false'; answer: boolean }
  | { type: 'single-choice'; answer: string }
  | { type: 'multiple-choice'; answer: string[] }
  | { type: 'numeric'; answer: number; unit?: string; tolerance: { relative?: number; absolute?: number } }
  | { type: 'text'; answer: string; accept: string[] }
  | { type: 'matching'; answer: Record<string, string> }
  | { type: 'ordering'; answer: string[] }
  | { type: 'scenario'; answer: Record<string, AnswerKey> };

/** The grade of one answer. */
export interface QuestionResult {
  score: number;
  max: number;
  /** Full marks. */
  correct: boolean;
  /** Markdown: correct or not, the score, the matching feedback, then the explanation. */
  feedback: string;
  status: 'correct' | 'partial' | 'incorrect' | 'unanswered' | 'invalid';
  /** Why an answer could not be graded (wrong shape), when status is 'invalid'. */
  reason?: string;
  /** scenario: each part's result. */
  parts?: Record<string, QuestionResult>;
}

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
