/**
 * The retry rule every place a student answers (notebooks, the web page, the terminal) follows,
 * after PrairieLearn: an answer that cannot be graded (wrong shape) costs no attempt, and the worked
 * solution opens after a correct answer or after SOLUTION_AFTER_ATTEMPTS graded attempts.
 */
import type { QuestionResult } from './types.js';

export const SOLUTION_AFTER_ATTEMPTS = 3;

export interface AttemptState {
  /** Graded attempts so far (malformed and empty answers are not counted). */
  attempts: number;
  /** A correct answer was given at some point. */
  solved: boolean;
  /** The best score reached. */
  best: number;
}

export const NO_ATTEMPT: AttemptState = Object.freeze({ attempts: 0, solved: false, best: 0 });

/** The state after one more answer graded with this status and score. */
export function nextAttempt(state: AttemptState, status: QuestionResult['status'], score: number): AttemptState {
  if (status === 'invalid' || status === 'unanswered') return state;
  return { attempts: state.attempts + 1, solved: state.solved || status === 'correct', best: Math.max(state.best, score) };
}

/** Whether the worked solution may be shown in this state. */
export function solutionUnlocked(state: AttemptState): boolean {
  return state.solved || state.attempts >= SOLUTION_AFTER_ATTEMPTS;
}
