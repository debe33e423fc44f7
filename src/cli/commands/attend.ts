/**
 * `kvlab attend`: the float64 reference on a worked example read from stdin, so a learner can check a
 * hand calculation: {"q": [[…]], "k": [[…]], "v": [[…]]} in, {"output": [[…]]} out.
 */
import type { Readable } from 'node:stream';
import { optionalCount, parseChoice } from '../args.js';
import { UsageError } from '../errors.js';
import { decodeUtf8 } from '../../quiz/input-file.js';
import { printJson } from '../io.js';
import type { RegisterCommand } from '../command.js';
import type { WindowConvention } from '../../memory/index.js';
import { attendReference, checkAttendShapes } from '../../engine/index.js';

type Matrix = number[][];

/** Far above a worked example; keeps a stray stream from being buffered without end. */
export const MAX_ATTEND_BYTES = 32 << 20;
/**
 * Without a window every row attends to all rows before it: T²/2 dot products. 10,000 rows is 5·10^7 of
 * them, about a second; past that a window is needed (its cost is T·W).
 */
export const MAX_ROWS_WITHOUT_WINDOW = 10_000;

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += bytes.length;
    if (length > MAX_ATTEND_BYTES) throw new UsageError(`stdin is over ${MAX_ATTEND_BYTES} bytes; kvlab attend reads at most ${MAX_ATTEND_BYTES >> 20} MiB`);
    chunks.push(bytes);
  }
  try {
    return decodeUtf8(Buffer.concat(chunks));
  } catch (error) {
    throw new UsageError(`stdin is ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Parses and checks the input document; every problem is one UsageError line naming the place. */
export function parseAttendInput(text: string): { q: Matrix; k: Matrix; v: Matrix } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`stdin is not valid JSON (${reason}); give {"q": [[…]], "k": [[…]], "v": [[…]]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UsageError('stdin must be a JSON object {"q": [[…]], "k": [[…]], "v": [[…]]}');
  }
  const record = doc as Record<string, unknown>;
  const matrix = (name: string): Matrix => {
    const m = record[name];
    if (m === undefined) throw new UsageError(`input has no "${name}"; give "q", "k" and "v", each a list of rows of numbers`);
    if (!Array.isArray(m)) throw new UsageError(`input "${name}" must be a list of rows, e.g. [[1, 0], [0, 1]]`);
    m.forEach((row: unknown, i) => {
      if (!Array.isArray(row)) throw new UsageError(`input ${name}[${i}] must be a row of numbers, e.g. [1, 0]`);
      row.forEach((x: unknown, e) => {
        if (typeof x !== 'number') throw new UsageError(`input ${name}[${i}][${e}] is ${shortJson(x)}, not a number`);
      });
    });
    return m as Matrix;
  };
  const [q, k, v] = [matrix('q'), matrix('k'), matrix('v')];
  try {
    checkAttendShapes(q, k, v);
  } catch (error) {
    throw new UsageError(`input: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { q, k, v };
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** The first row of the output that is not finite: float64 overflowed in its scores or its weighted sum. */
export function checkFinite(output: readonly (readonly number[])[]): void {
  const row = output.findIndex((r) => r.some((x) => !Number.isFinite(x)));
  if (row !== -1) {
    throw new UsageError(`row ${row} overflows float64 (a score q·k/√d or a weighted sum is beyond ±1.8e308); scale the inputs down`);
  }
}

export const registerAttend: RegisterCommand = (program, { io }) => {
  program
    .command('attend')
    .description('causal scaled dot-product attention of one head, in float64, on {"q","k","v"} JSON from stdin')
    .option('--window <W>', 'window: row i attends to keys j with i − W < j ≤ i (all j ≤ i without it)')
    .option('--convention <c>', 'window convention: w-keys (default) or w-plus-one (i − W ≤ j ≤ i)')
    .option('--json', 'print {"output": [[…]]}')
    .action(async (flags: { window?: string; convention?: string; json?: boolean }) => {
      const window = optionalCount('--window', flags.window);
      if (flags.convention !== undefined && window === undefined) throw new UsageError('--convention needs --window W');
      const convention = parseChoice<WindowConvention>('--convention', flags.convention ?? 'w-keys', ['w-keys', 'w-plus-one']);
      if ((io.stdin as Readable & { isTTY?: boolean }).isTTY) {
        throw new UsageError('kvlab attend reads {"q": [[…]], "k": [[…]], "v": [[…]]} from stdin: kvlab attend --json < input.json');
      }
      const { q, k, v } = parseAttendInput(await readAll(io.stdin));
      if (window === undefined && q.length > MAX_ROWS_WITHOUT_WINDOW) {
        throw new UsageError(`input has ${q.length} rows; without --window at most ${MAX_ROWS_WITHOUT_WINDOW} (every row attends to all rows before it); add --window W`);
      }
      const output = attendReference(q, k, v, window, convention);
      checkFinite(output);
      if (flags.json) return printJson(io, { output });
      output.forEach((row, i) => io.stdout(`row ${i}: ${row.map((x) => x.toPrecision(6)).join('  ')}\n`));
    });
};
