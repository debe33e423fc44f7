/**
 * The shapes every question type shares: a question's common fields, what every variant shows, and the
 * verdict of one answer. A leaf module: the type modules (question-types/) build on it, and types.ts
 * derives the unions of all types from the registry, so neither needs the other's file.
 */

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

/**
 * What every question keeps in an assignment's student copy (its keyless form): the common fields but the
 * explanation, with the params as written (each student's kernel draws its own). A type's keyless form
 * adds what the student chooses among, never a field that states or implies an answer.
 */
export interface KeylessBase {
  id: string;
  type: string;
  points: number;
  prompt: string;
  params: Record<string, ParamDef>;
  tags: string[];
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
