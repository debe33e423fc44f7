/**
 * `npm run bench -- fuzz`: 100,000 mutated banks and 100,000 mutated submissions (test/quiz/fuzz-cases.ts)
 * through the loader and the grader, on worker threads (one a core, at most 2). Reports crashes, hangs
 * (a case still running after 2 s: its worker is terminated and restarted after it), malformed inputs
 * accepted and inconsistent grades; the target is 0 of each. KVLAB_FUZZ_CASES=N runs N of each instead.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const CASES = Number(process.env.KVLAB_FUZZ_CASES ?? 100_000);
const HANG_MS = 2000;
const here = fileURLToPath(new URL('.', import.meta.url));

interface Totals {
  counts: Record<string, number>;
  hangs: { n: number; ms: number }[];
  failures: { n: number; verdict: string; mutation: string; detail?: string }[];
  slowest: { n: number; ms: number; mutation: string };
}

/** Runs cases [from, to) stepping by `step` on one worker, restarting it past a hung case. */
function runLane(kind: 'banks' | 'submissions', from: number, to: number, step: number, totals: Totals, onProgress: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = (first: number) => {
      if (first >= to) return resolve();
      const heartbeat = new SharedArrayBuffer(16);
      const beat = new Float64Array(heartbeat);
      beat[0] = -1;
      // A worker does not inherit the TypeScript loader the bench runs under: it registers tsx first.
      const entry = pathToFileURL(join(here, 'fuzz-worker.ts')).href;
      const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, {
        eval: true,
        workerData: { kind, from: first, to, step, heartbeat, fixture: join(here, '..', 'test', 'quiz', 'fixtures', 'all-types.yaml') },
      });
      let finished = false;
      const watch = setInterval(() => {
        const n = beat[0]!;
        const ms = performance.timeOrigin + performance.now() - beat[1]!;
        if (n >= 0 && ms > HANG_MS && !finished) {
          finished = true;
          clearInterval(watch);
          totals.hangs.push({ n, ms });
          void worker.terminate().then(() => start(n + step));
        }
      }, 100);
      worker.on('message', (message: { type: string; counts?: Record<string, number>; failures?: Totals['failures']; slowest?: Totals['slowest'] }) => {
        if (message.type === 'progress') return onProgress();
        finished = true;
        clearInterval(watch);
        for (const [k, v] of Object.entries(message.counts!)) totals.counts[k] = (totals.counts[k] ?? 0) + v;
        totals.failures.push(...message.failures!.slice(0, 20 - totals.failures.length));
        if (message.slowest!.ms > totals.slowest.ms) totals.slowest = message.slowest!;
        resolve();
      });
      worker.on('error', (error) => {
        if (finished) return;
        finished = true;
        clearInterval(watch);
        reject(error);
      });
    };
    start(from);
  });
}

async function fuzz(kind: 'banks' | 'submissions'): Promise<Totals> {
  const lanes = Math.max(1, Math.min(2, availableParallelism()));
  const totals: Totals = { counts: {}, hangs: [], failures: [], slowest: { n: -1, ms: 0, mutation: '' } };
  const started = performance.now();
  let ticks = 0;
  const progress = () => {
    ticks += 1;
    if (ticks % (20 * lanes) === 0) process.stdout.write(`  ${kind}: ~${ticks * 500} cases, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  };
  await Promise.all(Array.from({ length: lanes }, (_, lane) => runLane(kind, lane, CASES, lanes, totals, progress)));
  const seconds = (performance.now() - started) / 1000;
  const c = totals.counts;
  const ran = (c.ok ?? 0) + (c.crash ?? 0) + (c['accepted-malformed'] ?? 0) + (c.inconsistent ?? 0);
  console.log(
    `${kind}: ${ran} cases (${c.malformed ?? 0} malformed, ${ran - (c.malformed ?? 0)} noisy) in ${seconds.toFixed(0)} s on ${lanes} worker(s), ${(ran / seconds).toFixed(0)}/s; ` +
      `crashes ${c.crash ?? 0}, hangs over ${HANG_MS / 1000} s ${totals.hangs.length}, malformed accepted ${c['accepted-malformed'] ?? 0}, inconsistent grades ${c.inconsistent ?? 0}; ` +
      `slowest input to read and check ${totals.slowest.ms.toFixed(0)} ms (#${totals.slowest.n}: ${totals.slowest.mutation.slice(0, 80)})`,
  );
  for (const h of totals.hangs) console.log(`  HANG case #${h.n} (${kind}) still running after ${h.ms.toFixed(0)} ms`);
  for (const f of totals.failures) console.log(`  ${f.verdict.toUpperCase()} case #${f.n}: ${f.mutation.slice(0, 120)}${f.detail ? ` — ${f.detail.split('\n')[0]}` : ''}`);
  return totals;
}

export async function run(): Promise<void> {
  const banks = await fuzz('banks');
  const submissions = await fuzz('submissions');
  const bad = [banks, submissions].reduce((n, t) => n + (t.counts.crash ?? 0) + (t.counts['accepted-malformed'] ?? 0) + (t.counts.inconsistent ?? 0) + t.hangs.length, 0);
  console.log(`target: 0 crashes, 0 hangs, 0 malformed accepted: ${bad === 0 ? 'met' : `NOT met (${bad})`}`);
  if (bad > 0) process.exitCode = 1;
}
