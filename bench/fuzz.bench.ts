/**
 * `npm run bench -- fuzz`: first the worst inputs under the 1 MiB cap, each timed from its file (target:
 * well under a second each: under 1 s); then 100,000 mutated banks and 100,000 mutated submissions (test/quiz/fuzz-cases.ts)
 * through the loader and the grader, on worker threads (one a core, at most 2). Reports crashes, hangs
 * (a case still running after 2 s: its worker is terminated and restarted after it), malformed inputs
 * accepted and inconsistent grades; the target is 0 of each. KVLAB_FUZZ_CASES=N runs N of each instead.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkBankFile, gradeFiles, loadBank } from '../src/quiz/index.js';
import { MAX_INPUT_BYTES } from '../src/quiz/input-file.js';

const WORST_TARGET_MS = 1000;

/** Hostile inputs just under the size cap, as files, each read and checked (banks) or graded (submissions). */
function worstInputs(): { name: string; kind: 'bank' | 'submission'; file: string; body: string }[] {
  const head = 'student: s1\nbank: all-types\nanswers:\n';
  const keys = (n: number) => head + Array.from({ length: n }, (_, i) => `  k${i}: 1`).join('\n');
  const fit = (text: string) => text.slice(0, MAX_INPUT_BYTES - 1);
  const bankHead = 'bank: big\ntitle: T\nquestions:\n';
  return [
    { name: '80,000-key YAML submission', kind: 'submission', file: 'keys80k.yaml', body: keys(80_000) },
    { name: '100,000-key YAML submission', kind: 'submission', file: 'keys100k.yaml', body: fit(keys(100_000)) },
    { name: '2,400-key YAML submission (under the node limit)', kind: 'submission', file: 'keys2k.yaml', body: keys(2_400) },
    { name: '1 MiB list of tiny YAML nodes', kind: 'submission', file: 'list.yaml', body: fit(`${head}  x:\n${'  - 1\n'.repeat(200_000)}`) },
    { name: '1 MiB of YAML flow nesting', kind: 'submission', file: 'nest.yaml', body: fit(`${head}  x: ${'['.repeat(500_000)}${']'.repeat(500_000)}`) },
    { name: '1 MiB of JSON nesting', kind: 'submission', file: 'nest.json', body: `{"student":"s1","bank":"all-types","answers":{"tf":${'['.repeat(520_000)}${']'.repeat(520_000)}}}` },
    { name: '1 MiB JSON list of numbers', kind: 'submission', file: 'list.json', body: `{"student":"s1","bank":"all-types","answers":{"tf":[${'1,'.repeat(250_000)}1]}}` },
    { name: '1 MiB single string answer', kind: 'submission', file: 'string.yaml', body: `${head}  text: "${'x'.repeat(MAX_INPUT_BYTES - 100)}"` },
    { name: '1 MiB bank of tiny nodes', kind: 'bank', file: 'tiny.yaml', body: fit(`${bankHead}${'- 1\n'.repeat(300_000)}`) },
    { name: 'bank of 250 questions (just under 5,000 values)', kind: 'bank', file: 'many.yaml', body: bankHead + Array.from({ length: 250 }, (_, i) => `  - {id: q${i}, type: true-false, prompt: p, answer: true, tags: [a, b, c, d, e, f]}`).join('\n') },
    { name: 'bank of 450 numeric questions with 500-character answers', kind: 'bank', file: 'exprs.yaml', body: bankHead + Array.from({ length: 450 }, (_, i) => `  - {id: q${i}, type: numeric, prompt: p, answer: "${Array(250).fill('1').join('+')}"}`).join('\n') },
    { name: 'bank of 450 numeric questions with max() of 55 arguments', kind: 'bank', file: 'flat.yaml', body: bankHead + Array.from({ length: 450 }, (_, i) => `  - {id: q${i}, type: numeric, prompt: p, answer: "max(${Array(55).fill('1000000').join(',')})"}`).join('\n') },
  ];
}

function timeWorstInputs(): number {
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-fuzz-'));
  const bank = loadBank(join(here, '..', 'test', 'quiz', 'fixtures', 'all-types.yaml'));
  let worst = 0;
  try {
    for (const input of worstInputs()) {
      const path = join(dir, input.file);
      writeFileSync(path, input.body);
      const start = performance.now();
      let outcome: string;
      if (input.kind === 'bank') {
        const checked = checkBankFile(path, input.file);
        outcome = checked.bank ? 'loads' : `refused: ${checked.problems[0]!.slice(0, 90)}`;
      } else {
        const book = gradeFiles(bank, [{ path, display: input.file }]);
        outcome = book.results.length > 0 ? 'graded' : `refused: ${book.rejected[0]!.reason.slice(0, 90)}`;
      }
      const ms = performance.now() - start;
      worst = Math.max(worst, ms);
      console.log(`  ${input.name} (${(Buffer.byteLength(input.body) / 1024).toFixed(0)} KiB): ${ms.toFixed(0)} ms, ${outcome}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`worst input under the size cap: ${worst.toFixed(0)} ms (target < ${WORST_TARGET_MS} ms: ${worst < WORST_TARGET_MS ? 'met' : 'NOT met'})`);
  return worst;
}

const CASES = Number(process.env.KVLAB_FUZZ_CASES ?? 100_000);
const HANG_MS = 2000;
const here = fileURLToPath(new URL('.', import.meta.url));

interface Totals {
  counts: Record<string, number>;
  hangs: { n: number; ms: number }[];
  failures: { n: number; verdict: string; mutation: string; detail?: string }[];
  slowest: { n: number; ms: number; mutation: string };
}

/** Runs cases [from, to) stepping by `step` on one worker, restarting it after a hung case. */
function runLane(kind: 'banks' | 'submissions', from: number, to: number, step: number, totals: Totals, onCase: () => void): Promise<void> {
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
          totals.counts.hang = (totals.counts.hang ?? 0) + 1;
          void worker.terminate().then(() => start(n + step));
        }
      }, 100);
      worker.on('message', (m: { done?: boolean; n: number; verdict: string; malformed: boolean; ms: number; mutation?: string; detail?: string }) => {
        if (m.done) {
          finished = true;
          clearInterval(watch);
          return resolve();
        }
        totals.counts[m.verdict] = (totals.counts[m.verdict] ?? 0) + 1;
        if (m.malformed) totals.counts.malformed = (totals.counts.malformed ?? 0) + 1;
        if (m.ms > totals.slowest.ms) totals.slowest = { n: m.n, ms: m.ms, mutation: '' };
        if (m.verdict !== 'ok' && totals.failures.length < 20) totals.failures.push({ n: m.n, verdict: m.verdict, mutation: m.mutation ?? '', detail: m.detail });
        onCase();
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
  let done = 0;
  const progress = () => {
    done += 1;
    if (done % 20_000 === 0) process.stdout.write(`  ${kind}: ${done} cases, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  };
  await Promise.all(Array.from({ length: lanes }, (_, lane) => runLane(kind, lane, CASES, lanes, totals, progress)));
  const seconds = (performance.now() - started) / 1000;
  const c = totals.counts;
  const ran = (c.ok ?? 0) + (c.crash ?? 0) + (c['accepted-malformed'] ?? 0) + (c.inconsistent ?? 0) + (c.hang ?? 0);
  console.log(
    `${kind}: ${ran} cases (${c.malformed ?? 0} malformed, ${ran - (c.malformed ?? 0)} noisy) in ${seconds.toFixed(0)} s on ${lanes} worker(s), ${(ran / seconds).toFixed(0)}/s; ` +
      `crashes ${c.crash ?? 0}, hangs over ${HANG_MS / 1000} s ${totals.hangs.length}, malformed accepted ${c['accepted-malformed'] ?? 0}, inconsistent grades ${c.inconsistent ?? 0}; ` +
      `slowest input to read and check ${totals.slowest.ms.toFixed(0)} ms (case #${totals.slowest.n})`,
  );
  for (const h of totals.hangs) console.log(`  HANG case #${h.n} (${kind}) still running after ${h.ms.toFixed(0)} ms`);
  for (const f of totals.failures) console.log(`  ${f.verdict.toUpperCase()} case #${f.n}: ${f.mutation.slice(0, 120)}${f.detail ? ` — ${f.detail.split('\n')[0]}` : ''}`);
  return totals;
}

export async function run(): Promise<void> {
  const worst = timeWorstInputs();
  const banks = await fuzz('banks');
  const submissions = await fuzz('submissions');
  const bad = [banks, submissions].reduce((n, t) => n + (t.counts.crash ?? 0) + (t.counts['accepted-malformed'] ?? 0) + (t.counts.inconsistent ?? 0) + t.hangs.length, 0);
  console.log(`target: 0 crashes, 0 hangs, 0 malformed accepted: ${bad === 0 ? 'met' : `NOT met (${bad})`}`);
  if (bad > 0 || worst >= WORST_TARGET_MS) process.exitCode = 1;
}
