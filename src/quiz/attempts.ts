/**
 * The retry rule every place a student answers (notebooks, the web page, the terminal) follows, after
 * PrairieLearn: an answer that cannot be graded (wrong shape) costs no attempt, nor does an unanswered one,
 * and the worked solution (the explanation, which states the answer) opens after a correct answer or after
 * SOLUTION_AFTER_ATTEMPTS graded attempts. The state is pure (nextAttempt); notebooks keep theirs for the
 * kernel session in this module, per bank, question (and scenario part) and seed (recordAttempt).
 */
import type { Verdict, VerdictStatus } from './types.js';

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
export function nextAttempt(state: AttemptState, status: VerdictStatus, score: number): AttemptState {
  if (status === 'not-graded' || status === 'unanswered') return state;
  return { attempts: state.attempts + 1, solved: state.solved || status === 'correct', best: Math.max(state.best, score) };
}

/** Whether the worked solution may be shown in this state. */
export function solutionUnlocked(state: AttemptState): boolean {
  return state.solved || state.attempts >= SOLUTION_AFTER_ATTEMPTS;
}

/** One kernel session's attempts, keyed by bank, question (and part) and seed. */
const session = new Map<string, AttemptState>();

function sessionKey(bankId: string, questionId: string, partId: string | undefined, seed: number): string {
  return `${bankId}\u0000${questionId}${partId === undefined ? '' : `/${partId}`}\u0000${seed}`;
}

/**
 * Counts one answer in the session (for a scenario, each part on its own) and returns what its renderer
 * needs: may the worked solution show (per part), and what to say instead while it may not.
 */
export function recordAttempt(bankId: string, questionId: string, seed: number, verdict: Verdict): { gate: (partId?: string) => boolean; note: (partId?: string) => string | undefined } {
  const states = new Map<string | undefined, AttemptState>();
  const count = (partId: string | undefined, v: Verdict) => {
    const key = sessionKey(bankId, questionId, partId, seed);
    const state = nextAttempt(session.get(key) ?? NO_ATTEMPT, v.status, v.score);
    session.set(key, state);
    states.set(partId, state);
  };
  if (verdict.parts) for (const [partId, part] of Object.entries(verdict.parts)) count(partId, part);
  else count(undefined, verdict);
  return {
    gate: (partId) => {
      const state = states.get(partId);
      return state !== undefined && solutionUnlocked(state);
    },
    note(partId) {
      const state = states.get(partId);
      if (state === undefined || solutionUnlocked(state) || state.attempts === 0) return undefined;
      return `*The worked solution appears after a right answer or after ${SOLUTION_AFTER_ATTEMPTS} attempts (${SOLUTION_AFTER_ATTEMPTS - state.attempts} to go).*`;
    },
  };
}

/** Forgets every attempt of the session (for tests; a notebook restarts its kernel instead). */
export function resetAttempts(): void {
  session.clear();
}
