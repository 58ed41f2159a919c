/**
 * Errors that reach the user. Only src/cli/main.ts catches and prints them;
 * everything else throws. Exit codes are documented in README.md.
 */

export const ExitCode = {
  /** Done. */
  ok: 0,
  /** Failed: unreadable input, bad database, invalid rule pack… (for `compare`: something new calls the API). */
  failed: 1,
  /** Usage error: unknown option, bad value. */
  usage: 2,
  /** Stopped by SIGINT (128 + 2): what was read is committed. */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15): what was read is committed. */
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem the user can act on: the message says what happened and what to do. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failed,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserError';
  }
}

export const usageError = (message: string): UserError => new UserError(message, ExitCode.usage);
