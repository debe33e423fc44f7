/**
 * Cold start of the command line: `kvlab memory --model mistral-7b --tokens 32768` spawned as a user runs
 * it (a new Node process each time, the built dist/), against a bare `node -e 0` spawned in the same run,
 * interleaved so that both see the same machine load. Medians of N runs each. Target: kvlab memory ≤ 4 ×
 * node -e 0 (each command loads only its own modules; src/cli/commands/index.ts). `kvlab --help`, which
 * loads every command, and `kvlab lint` of one bank, which loads the quiz engine, are shown for comparison.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 21;
const TARGET_RATIO = 4;

interface Subject {
  label: string;
  args: string[];
}

const BASELINE: Subject = { label: 'node -e 0', args: ['-e', '0'] };
const MEMORY: Subject = { label: 'kvlab memory --model mistral-7b --tokens 32768', args: [join(ROOT, 'bin', 'kvlab.js'), 'memory', '--model', 'mistral-7b', '--tokens', '32768'] };
const OTHERS: Subject[] = [
  { label: 'kvlab --help (every command loaded)', args: [join(ROOT, 'bin', 'kvlab.js'), '--help'] },
  { label: 'kvlab lint quizzes/real-models.yaml', args: [join(ROOT, 'bin', 'kvlab.js'), 'lint', join(ROOT, 'quizzes', 'real-models.yaml')] },
];

/** Wall time of one spawn, in ms; a failed command ends the benchmark, since its time would mean nothing. */
function spawnMs(subject: Subject): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, subject.args, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${subject.label} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function run(): Promise<void> {
  const subjects = [BASELINE, MEMORY, ...OTHERS];
  const times = new Map<Subject, number[]>(subjects.map((s) => [s, []]));
  for (const s of subjects) spawnMs(s); // warm the file cache once; not counted
  for (let i = 0; i < RUNS; i++) for (const s of subjects) times.get(s)!.push(spawnMs(s));

  const base = median(times.get(BASELINE)!);
  console.log(`cold start, median of ${RUNS} spawns each, interleaved (Node ${process.version}):`);
  for (const s of subjects) {
    const m = median(times.get(s)!);
    console.log(`  ${s.label.padEnd(48)} ${m.toFixed(1).padStart(7)} ms   ${(m / base).toFixed(2)} × node -e 0`);
  }
  const ratio = median(times.get(MEMORY)!) / base;
  console.log(`kvlab memory / node -e 0: ${ratio.toFixed(2)} ×   target ≤ ${TARGET_RATIO} ×   ${ratio <= TARGET_RATIO ? 'PASS' : 'MISS'}`);
}
