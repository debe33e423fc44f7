/**
 * Grading speed. Writes a 30-question bank (every type, most with params) and 1,000 submission files to a
 * temp folder, then times: loading the bank, and grading the whole class end to end from the files (read,
 * parse, check, grade). Then, with the bank loaded, question-gradings per second on submissions already in
 * memory. Targets: ≥ 100,000 question-gradings/s after load; the whole class in < 2 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { answerKey, gradeFiles, gradeSubmission, loadBank, type AnswerKey, type Bank } from '../src/quiz/index.js';

const QUESTIONS = 30;
const STUDENTS = 1000;
const TARGET_RATE = 100_000; // question-gradings per second after load
const TARGET_CLASS_MS = 2000;

/** Question i of the bench bank: the types in turn, numeric ones with params and targeted feedback. */
function benchQuestion(i: number): Record<string, unknown> {
  const id = `q${i}`;
  switch (i % 8) {
    case 0:
      return { id, type: 'true-false', prompt: `Statement ${i} about $n_c$.`, answer: i % 2 === 0, explanation: 'Because.' };
    case 1:
      return { id, type: 'single-choice', prompt: 'Pick one.', choices: [{ text: 'a', correct: true, feedback: 'yes' }, { text: 'b', feedback: 'no' }, { text: 'c' }, { text: 'd' }] };
    case 2:
      return { id, type: 'multiple-choice', prompt: 'Pick all.', choices: [{ text: 'a', correct: true }, { text: 'b' }, { text: 'c', correct: true }, { text: 'd' }] };
    case 3:
      return {
        id,
        type: 'numeric',
        params: { layers: [12, 24, 32], heads: [8, 16, 32], window: { min: 256, max: 4096, step: 256 } },
        prompt: '{{layers}} layers, {{heads}} heads of 128, window {{window}}, fp16: MiB?',
        answer: '2 * layers * heads * 128 * window * 2 / 2^20',
        feedback: [
          { value: 'answer / 2', message: 'You left out the factor 2 for K and V.' },
          { value: 'answer * 1.048576', message: 'MB, not MiB.' },
          { range: ['answer * 10', 'answer * 100000'], message: 'Far too large.' },
        ],
        explanation: '{{answer}} MiB.',
      };
    case 4:
      return { id, type: 'text', prompt: 'Complexity?', accept: ['O(L · τ · d_h · n_c)', 'O(L*tau*d_h*n_c)'] };
    case 5:
      return { id, type: 'matching', prompt: 'Match.', pairs: [{ left: 'L', right: 'layers' }, { left: 'τ', right: 'heads' }, { left: 'd_h', right: 'head dim' }, { left: 'n_c', right: 'window' }] };
    case 6:
      return { id, type: 'ordering', prompt: 'Order.', items: ['project', 'append', 'evict', 'attend'] };
    default:
      return {
        id,
        type: 'scenario',
        params: { window: [512, 1024, 2048] },
        context: 'A service with a window of {{window}} tokens.',
        parts: [
          { id: 'cause', type: 'single-choice', prompt: 'Why?', choices: [{ text: 'window', correct: true }, { text: 'luck' }] },
          { id: 'budget', type: 'numeric', points: 2, params: { layers: [8, 16] }, prompt: 'KiB?', answer: '2 * layers * 64 * window * 4 / 1024' },
        ],
      };
  }
}

/** A student's answer: right from the key two times in three, otherwise something plausible but off. */
function studentAnswer(key: AnswerKey, r: number): unknown {
  const right = r % 3 !== 0;
  switch (key.type) {
    case 'true-false':
      return right ? key.answer : !key.answer;
    case 'single-choice':
      return right ? key.answer : 'b';
    case 'multiple-choice':
      return right ? key.answer : ['a', 'b'];
    case 'numeric':
      return right ? key.answer : key.answer / 2;
    case 'text':
      return right ? 'o(L*τ*d_h*n_c)' : 'O(m)';
    case 'matching':
      return right ? key.answer : { L: 'heads', τ: 'layers' };
    case 'ordering':
      return right ? key.answer : [...key.answer].reverse();
    case 'scenario':
      return Object.fromEntries(Object.entries(key.answer).map(([k, v]) => [k, studentAnswer(v, r + 1)]));
  }
}

function ms(t0: number): number {
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-grading-bench-'));
  try {
    const bankPath = join(dir, 'bench.yaml');
    writeFileSync(bankPath, stringify({ bank: 'bench', title: 'Grading benchmark', questions: Array.from({ length: QUESTIONS }, (_, i) => benchQuestion(i)) }));

    const keyBank: Bank = loadBank(bankPath);
    const subDir = join(dir, 'submissions');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(subDir);
    const submissions: unknown[] = [];
    for (let s = 0; s < STUDENTS; s++) {
      const seed = s * 7919;
      const answers: Record<string, unknown> = {};
      keyBank.questions.forEach((q, i) => {
        if ((s + i) % 11 !== 0) answers[q.id] = studentAnswer(answerKey(keyBank, q.id, seed), s + i);
      });
      const submission = { student: `s${String(s).padStart(4, '0')}`, bank: 'bench', seed, answers };
      submissions.push(submission);
      const name = `${submission.student}.${s % 4 === 0 ? 'yaml' : 'json'}`;
      writeFileSync(join(subDir, name), s % 4 === 0 ? stringify(submission) : JSON.stringify(submission));
    }
    const files = submissions.map((sub, s) => {
      const name = `${(sub as { student: string }).student}.${s % 4 === 0 ? 'yaml' : 'json'}`;
      return { path: join(subDir, name), display: name };
    });

    // End to end: load the bank from its file, then read, parse and grade every submission file.
    const t0 = performance.now();
    const bank = loadBank(bankPath);
    const loadMs = ms(t0);
    const book = gradeFiles(bank, files);
    const classMs = ms(t0);
    if (book.rejected.length > 0 || book.results.length !== STUDENTS) throw new Error(`bench: ${book.rejected.length} rejected`);

    // After load: question-gradings per second on submissions already parsed. Warm up, then time ≥ 1 s.
    for (const sub of submissions.slice(0, 100)) gradeSubmission(bank, sub);
    let gradings = 0;
    const t1 = performance.now();
    while (performance.now() - t1 < 1000) {
      for (const sub of submissions) gradeSubmission(bank, sub);
      gradings += STUDENTS * QUESTIONS;
    }
    const rate = gradings / (ms(t1) / 1000);

    const mean = book.results.reduce((s, r) => s + r.score, 0) / book.results.length;
    console.log(`bank: ${QUESTIONS} questions (${bank.questions.map((q) => q.type).filter((t, i, a) => a.indexOf(t) === i).join(', ')}), ${STUDENTS} submission files (3/4 JSON, 1/4 YAML), mean score ${mean.toFixed(2)} / ${book.results[0]!.max}`);
    console.log(`load bank:                 ${loadMs.toFixed(1)} ms`);
    console.log(`whole class from files:    ${classMs.toFixed(0)} ms (load + read + parse + grade ${STUDENTS} files)   target < ${TARGET_CLASS_MS} ms   ${classMs < TARGET_CLASS_MS ? 'PASS' : 'MISS'}`);
    console.log(`question-gradings/s (after load): ${Math.round(rate).toLocaleString('en-US')}   target ≥ ${TARGET_RATE.toLocaleString('en-US')}   ${rate >= TARGET_RATE ? 'PASS' : 'MISS'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
