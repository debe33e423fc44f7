/**
 * Memory figures a notebook prints in one fixed, parseable line, so the course's test can read them back
 * from the executed notebook and recompute each from the memory module:
 *
 *   figure window-2048-at-5000: 67108864 bytes (64 MiB)
 *
 * The name says what was measured; the integer is exact; the part in parentheses is for the reader.
 */
import { formatBytes } from '../memory/format.js';

const FIGURE_PATTERN = /^figure ([a-z0-9][a-z0-9.-]*): (\d+) bytes\b/;

/** The printed form of a figure. `name` is lower-case words joined by hyphens, e.g. "full-at-4096". */
export function figureLine(name: string, bytes: number): string {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) {
    throw new Error(`figure name '${name}' must be lower-case letters, digits, '.' and '-'`);
  }
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new Error(`figure '${name}' must be a whole number of bytes ≥ 0 (got ${bytes})`);
  }
  return `figure ${name}: ${bytes} bytes (${formatBytes(bytes)})`;
}

/** Every figure line in a text (one per line), in order. */
export function parseFigures(text: string): { name: string; bytes: number }[] {
  return text.split('\n').flatMap((line) => {
    const match = FIGURE_PATTERN.exec(line.trim());
    return match === null ? [] : [{ name: match[1]!, bytes: Number(match[2]) }];
  });
}
