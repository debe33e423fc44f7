/**
 * The progress bar of long work (simulations, grading a class). Per the CLI spec it shows only on a terminal
 * and never with --json, and it draws through the command's stderr so tests and pipes see all it writes.
 */
import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * A started bar for `total` steps, or undefined when none should show. `format` is cli-progress's, e.g.
 * 'grading [{bar}] {value}/{total}'.
 */
export function startProgress(io: CliIO, total: number, format: string, json = false): Progress | undefined {
  if (!io.isTTY || json) return undefined;
  const stream = {
    isTTY: true,
    columns: 80,
    write(text: string, callback?: () => void) {
      io.stderr(text);
      callback?.();
      return true;
    },
  };
  const bar = new cliProgress.SingleBar(
    // The stream only needs write/isTTY/columns; cli-progress types it as a full WritableStream.
    { stream: stream as unknown as NodeJS.WritableStream, format, hideCursor: false, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}
