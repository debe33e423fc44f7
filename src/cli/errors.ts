/**
 * Errors the command line turns into exit codes. A UsageError is bad usage or bad input: one line on
 * stderr (what, where, what to do) and exit 2, never a stack trace.
 */
import { count } from './count.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * An input's problems (a bank's, an assignment's) as the one line bad input gets: the first problem
 * (file:line:col, what is wrong) and, when there are more, how many and which command lists them all.
 */
export class InputProblems extends UsageError {
  constructor(readonly problems: readonly string[], lister = 'kvlab lint') {
    const more = problems.length - 1;
    super(more === 0 ? problems[0]! : `${problems[0]!} (and ${count(more, 'more problem')}; ${lister} lists them all)`);
  }
}

/** Exit statuses of docs/spec cli.md. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;
