/**
 * Errors the command line turns into exit codes. A UsageError is bad usage or bad input: one line on
 * stderr (what, where, what to do) and exit 2, never a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit statuses of docs/spec cli.md. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;
