/**
 * Where a command writes. Commands never touch process.stdout directly, so the tests can run them in
 * process and read what they printed.
 */
import type { Readable } from 'node:stream';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  stdin: Readable;
  /** Is stdout a terminal? Progress bars and colour only there. */
  isTTY: boolean;
  /** Folder relative paths resolve against (the user's working directory). */
  cwd: string;
}

export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
  };
}

/** Prints one JSON document and a newline: the whole of stdout under --json. */
export function printJson(io: CliIO, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
