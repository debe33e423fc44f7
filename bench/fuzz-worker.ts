/**
 * One fuzzing worker of bench/fuzz.bench.ts: runs cases `from, from + step, …` below `to` of one kind and
 * reports counts. Before each case it writes the case number and its start time into shared memory, so
 * the main thread sees a case that runs past the hang limit (and terminates this worker) even when the
 * case never returns.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { loadBank } from '../src/quiz/index.js';
import { bankCase, seedBanks, submissionCase, type CaseResult } from '../test/quiz/fuzz-cases.js';

interface Job {
  kind: 'banks' | 'submissions';
  from: number;
  to: number;
  step: number;
  /** [case number, start time in ms since the worker's time origin + its offset to the main thread's] */
  heartbeat: SharedArrayBuffer;
  fixture: string;
}

const job = workerData as Job;
const beat = new Float64Array(job.heartbeat);
const seeds = job.kind === 'banks' ? seedBanks() : [];
const bank = job.kind === 'submissions' ? loadBank(job.fixture) : undefined;
const counts: Record<string, number> = { ok: 0, crash: 0, 'accepted-malformed': 0, inconsistent: 0, malformed: 0 };
const failures: (CaseResult & { n: number })[] = [];
let slowest = { n: -1, ms: 0, mutation: '' };
const origin = performance.timeOrigin;

for (let n = job.from; n < job.to; n += job.step) {
  const start = performance.now();
  beat[0] = n;
  beat[1] = origin + start;
  const result = job.kind === 'banks' ? bankCase(n, seeds) : submissionCase(n, bank!);
  // The slowest input is timed on reading and checking only; the hang watch covers building the case too.
  const ms = result.ms ?? performance.now() - start;
  if (ms > slowest.ms) slowest = { n, ms, mutation: result.mutation };
  counts[result.verdict] = (counts[result.verdict] ?? 0) + 1;
  if (result.mutation.includes(': malformed: ')) counts.malformed! += 1;
  if (result.verdict !== 'ok' && failures.length < 20) failures.push({ ...result, n });
  if ((n - job.from) % (job.step * 500) === 0) parentPort!.postMessage({ type: 'progress', n });
}
beat[0] = -1;
parentPort!.postMessage({ type: 'done', counts, failures, slowest });
