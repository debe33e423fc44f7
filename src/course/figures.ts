/**
 * Memory figures a notebook prints as one readable sentence that the course's test can still read back and
 * recompute from the memory module:
 *
 *   Llama-2-7B, window 2,048, at token 5,000: 1,073,741,824 bytes (1 GiB) [llama-2-7b-window-2048-at-5000]
 *
 * The sentence says what was measured; the byte count is exact; the tag in brackets at the end names the
 * figure in a fixed grammar (see test/notebooks.test.ts), so the test knows what to recompute.
 */
import { formatBytes } from '../memory/format.js';

const TAG = /^[a-z0-9][a-z0-9.-]*$/;
const FIGURE_PATTERN = /^(.+): (\d{1,3}(?:,\d{3})*) bytes \([^()]*\) \[([a-z0-9][a-z0-9.-]*)\]$/;

/** 1234567 → "1,234,567", the same on every machine (no locale data). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The printed form of a figure: `what` is the sentence's subject (e.g. "Full cache of the tiny decoder after 256
 * tokens"), `name` the tag, lower-case words joined by hyphens (e.g. "tiny-full-fp32-at-256").
 */
export function figureLine(name: string, bytes: number, what: string): string {
  if (!TAG.test(name)) {
    throw new Error(`figure name '${name}' must be lower-case letters, digits, '.' and '-'`);
  }
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new Error(`figure '${name}' must be a whole number of bytes ≥ 0 (got ${bytes})`);
  }
  const subject = what.replace(/\s+/g, ' ').trim();
  if (subject === '') throw new Error(`figure '${name}' needs a description of what was measured`);
  return `${subject}: ${grouped(bytes)} bytes (${formatBytes(bytes)}) [${name}]`;
}

/** Every figure line in a text (one per line), in order. */
export function parseFigures(text: string): { name: string; bytes: number; what: string }[] {
  return text.split('\n').flatMap((line) => {
    const match = FIGURE_PATTERN.exec(line.trim());
    return match === null ? [] : [{ what: match[1]!, bytes: Number(match[2]!.replace(/,/g, '')), name: match[3]! }];
  });
}
