/**
 * One fuzzing worker of bench/fuzz.bench.ts: runs cases `from, from + step, …` below `to` of one kind and
 * posts each result. When a case's input is built and its reading and checking start, the worker writes
 * the case number and the start time into shared memory, so the main thread sees a check that runs past
 * the hang limit (and terminates this worker) even when it never returns.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { loadBank } from '../src/quiz/index.js';
import { bankCase, seedBanks, submissionCase } from '../test/quiz/fuzz-cases.js';

interface Job {
  kind: 'banks' | 'submissions';
  from: number;
  to: number;
  step: number;
  /** [case number being checked or -1, its start time in ms since the epoch] */
  heartbeat: SharedArrayBuffer;
  fixture: string;
}

const job = workerData as Job;
const beat = new Float64Array(job.heartbeat);
const seeds = job.kind === 'banks' ? seedBanks() : [];
const bank = job.kind === 'submissions' ? loadBank(job.fixture) : undefined;

for (let n = job.from; n < job.to; n += job.step) {
  const onCheck = () => {
    beat[1] = performance.timeOrigin + performance.now();
    beat[0] = n;
  };
  const result = job.kind === 'banks' ? bankCase(n, seeds, onCheck) : submissionCase(n, bank!, onCheck);
  beat[0] = -1;
  parentPort!.postMessage({ n, verdict: result.verdict, malformed: result.mutation.includes(': malformed: '), ms: result.ms ?? 0, mutation: result.verdict === 'ok' ? undefined : result.mutation, detail: result.detail });
}
parentPort!.postMessage({ done: true });
