/**
 * Grading an assignment class from saved notebooks. Releases the example assignment, writes 500 students'
 * notebooks (the released notebook with their answers and recorded outputs, as Jupyter saves it), then
 * times grading them end to end (read, JSON-parse, checksum the locked cells, collect the records, grade
 * the questions against the private bank and the exercise's seeded cases), and the same answers written as
 * 500 plain JSON answer files, in the same run: the ratio is what reading notebooks costs over answer
 * files. Target: the class of 500 notebooks in under 2 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadAssignment } from '../src/assignment/manifest.js';
import { writeRelease } from '../src/assignment/release.js';
import { gradeAssignmentFiles } from '../src/assignment/grade.js';
import { kvCacheMemory } from '../src/memory/index.js';
import { exampleDir, studentNotebook } from '../test/assignment/helpers.js';

const STUDENTS = 500;
const TARGET_CLASS_MS = 2000;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-bench-assignment-'));
  try {
    const source = loadAssignment(exampleDir);
    const release = join(dir, 'release');
    writeRelease(source, release);
    const notebooks: { path: string; display: string }[] = [];
    const answerFiles: { path: string; display: string }[] = [];
    for (let i = 0; i < STUDENTS; i++) {
      const student = `s${10000 + i}`;
      let answers: Record<string, unknown> = {};
      const nb = studentNotebook(release, 'kv-memory.ipynb', {
        student,
        answers: (params) => {
          const q1 = params('full-cache-mib');
          const q3 = params('cached-tokens');
          const full = kvCacheMemory({ layers: q1.layers!, heads: q1.kv_heads!, headDim: 128, tokens: q1.tokens!, dtype: 'fp16' }).bytes / 2 ** 20;
          answers = { 'full-cache-mib': i % 3 === 0 ? full / 2 : full, 'window-growth': i % 4 === 0 ? 'a' : 'b', 'cached-tokens': Math.min(q3.window!, q3.tokens!) };
          return answers;
        },
        windowBytes: (layers, kvHeads, headDim, window, tokens, bytes) => 2 * layers! * kvHeads! * headDim! * Math.min(window!, tokens!) * bytes!,
      });
      const path = join(dir, `${student}.ipynb`);
      writeFileSync(path, JSON.stringify(nb, null, 1));
      notebooks.push({ path, display: `${student}.ipynb` });
      const json = join(dir, `${student}.json`);
      writeFileSync(json, JSON.stringify({ student, assignment: source.id, answers }));
      answerFiles.push({ path: json, display: `${student}.json` });
    }

    gradeAssignmentFiles(source, notebooks.slice(0, 20)); // warm up
    let started = performance.now();
    const book = gradeAssignmentFiles(source, notebooks);
    const notebookMs = performance.now() - started;
    started = performance.now();
    gradeAssignmentFiles(source, answerFiles);
    const answersMs = performance.now() - started;

    const mean = book.results.reduce((s, r) => s + r.score, 0) / book.results.length;
    console.log(`assignment ${source.id}: ${STUDENTS} saved notebooks, ${book.rejected.length} rejected, mean score ${mean.toFixed(2)} / ${book.results[0]!.max}`);
    console.log(`class of notebooks:       ${notebookMs.toFixed(0)} ms   target < ${TARGET_CLASS_MS} ms   ${notebookMs < TARGET_CLASS_MS ? 'PASS' : 'MISS'}`);
    console.log(`same answers as JSON:     ${answersMs.toFixed(0)} ms (questions only; no exercise, no checksums)`);
    console.log(`notebooks / answer files: ${(notebookMs / answersMs).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
