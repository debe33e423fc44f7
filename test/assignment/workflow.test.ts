/**
 * The example assignment end to end, as issue 10's "done when" reads: release → a solved, a wrong and a
 * tampered submission (plus the other ways a hand-in goes wrong) → grade → feedback pages → Gradescope
 * results, and the Gradescope autograder archive run against a stand-in of Gradescope's /autograder.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { kvlab, root, tempDir } from '../quiz/helpers.js';
import { kvCacheMemory } from '../../src/memory/index.js';
import { studentSeed } from '../../src/quiz/student-seed.js';
import { cellSource, type Notebook } from '../../src/assignment/notebook.js';
import { exerciseCases } from '../../src/assignment/exercise.js';
import { exampleDir, readNotebook, studentNotebook, type StudentWork } from './helpers.js';

const NB = 'kv-memory.ipynb';

const solvedWork: StudentWork = {
  student: 's1001',
  answers: (params) => {
    const q1 = params('full-cache-mib');
    const q3 = params('cached-tokens');
    return {
      'full-cache-mib': kvCacheMemory({ layers: q1.layers!, heads: q1.kv_heads!, headDim: 128, tokens: q1.tokens!, dtype: 'fp16' }).bytes / 2 ** 20,
      'window-growth': 'b',
      'cached-tokens': Math.min(q3.window!, q3.tokens!),
    };
  },
  windowBytes: (layers, kvHeads, headDim, window, tokens, bytes) => 2 * layers! * kvHeads! * headDim! * Math.min(window!, tokens!) * bytes!,
};

/** Half the full cache (forgot K and V), the wrong choice, and a function that is right but throws past 8 layers. */
const wrongWork: StudentWork = {
  student: 's1002',
  answers: (params) => ({ ...solvedWork.answers(params), 'full-cache-mib': (solvedWork.answers(params)['full-cache-mib'] as number) / 2, 'window-growth': 'a' }),
  windowBytes: (...args) => {
    if (args[0]! > 8) throw new RangeError('too many <layers> for my function');
    return solvedWork.windowBytes(...args);
  },
};

function save(dir: string, name: string, nb: Notebook): string {
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(nb, null, 1)}\n`);
  return path;
}

describe('an assignment from release to Gradescope', () => {
  const work = tempDir('kvlab-assignment-');
  const release = join(work, 'release');
  const subs = join(work, 'subs');

  beforeAll(async () => {
    const released = await kvlab(['assignment', 'release', 'example-assignment', '--out', release]);
    expect(released.stderr).toBe('');
    expect(released.code).toBe(0);
    mkdirSync(subs);
    save(subs, 'a-solved.ipynb', studentNotebook(release, NB, solvedWork));
    save(subs, 'b-wrong.ipynb', studentNotebook(release, NB, wrongWork));
    // Tampered: the student edited a locked cell (the check now passes a function of their choosing).
    const tampered = studentNotebook(release, NB, { ...solvedWork, student: 's1003' });
    const check = tampered.cells.find((c) => cellSource(c).includes('hw.check('))!;
    check.source = ["// 🔒\n", "hw.check('window-bytes', (...args: number[]) => 0);"];
    save(subs, 'c-tampered.ipynb', tampered);
    // Saved without outputs: the released notebook with only the id written.
    const blank = readNotebook(join(release, NB));
    blank.cells.find((c) => cellSource(c).includes('const STUDENT'))!.source = ["const STUDENT = 's1004';\n"];
    save(subs, 'd-no-outputs.ipynb', blank);
    // The same student twice.
    save(subs, 'e-again.ipynb', studentNotebook(release, NB, solvedWork));
  });

  it('release: the student copy has stubs, no outputs, keyless questions and locked-cell checksums', () => {
    expect(readdirSync(release).sort()).toEqual(['assignment.json', NB]);
    const nb = readNotebook(join(release, NB));
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    expect(code.every((c) => (c.outputs ?? []).length === 0 && c.execution_count === null)).toBe(true);
    const text = code.map(cellSource).join('\n');
    expect(text).not.toMatch(/SOLUTION|Math\.min|kvCacheMemory|'b'\)/);
    expect(text).toContain("throw new Error('not written yet");
    expect(text).toContain("hw.answer('full-cache-mib', undefined);");
    const manifest = JSON.parse(readFileSync(join(release, 'assignment.json'), 'utf8')) as { notebooks: { locked: { cell: string; sha256: string }[] }[] };
    const locked = nb.cells.filter((c) => (c.metadata?.kvlab as { locked?: boolean } | undefined)?.locked);
    expect(manifest.notebooks[0]!.locked).toHaveLength(locked.length);
    expect(manifest.notebooks[0]!.locked.every((l) => /^[0-9a-f]{64}$/.test(l.sha256))).toBe(true);
  });

  it('grade: the solved one gets full marks, the wrong one partial credit; tampered, output-less and second files are rejected', async () => {
    const result = await kvlab(['grade', '--assignment', 'example-assignment', subs, '--out', join(work, 'grades.csv'), '--feedback', join(work, 'feedback')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const rows = Object.fromEntries(
      result.stdout
        .split('\n')
        .filter((l) => /^│ s\d+/.test(l))
        .map((l) => l.split('│').map((c) => c.trim()).filter(Boolean))
        .map((cells) => [cells[0]!, cells]),
    );
    expect(rows.s1001!.slice(1, 4)).toEqual(['7', '7', '100.0']);
    expect(wrongExerciseScore()).toBeGreaterThan(0);
    expect(wrongExerciseScore()).toBeLessThan(3);
    expect(rows.s1002!.slice(1, 3)).toEqual([String(1 + wrongExerciseScore()), '7']);
    expect(result.stdout).toMatch(/rejected .*c-tampered\.ipynb: locked cell \d+ \(kv-memory\/\d+\) was changed/);
    expect(result.stdout).toMatch(/rejected .*d-no-outputs\.ipynb: the notebook was saved without outputs/);
    expect(result.stdout).toMatch(/rejected .*e-again\.ipynb: student 's1001' was already graded from .*a-solved\.ipynb/);
    expect(result.stdout).toContain('graded 2, rejected 3');
    const csv = readFileSync(join(work, 'grades.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('student,full-cache-mib,window-growth,cached-tokens,window-bytes,total');
    expect(csv[1]).toBe('s1001,2,1,1,3,7');
  });

  it('a check recorded by a cell of the student\'s own does not count', async () => {
    const nb = studentNotebook(release, NB, { ...solvedWork, student: 's1006' });
    const locked = nb.cells.findIndex((c) => cellSource(c).includes('hw.check('));
    // The student ran their own check cell (any function of theirs) and cleared the locked one's output.
    nb.cells.splice(locked + 1, 0, { cell_type: 'code', metadata: {}, source: "hw.check('window-bytes', () => 0);", outputs: nb.cells[locked]!.outputs, execution_count: 99 });
    nb.cells[locked]!.outputs = [];
    const own = join(work, 'own-check');
    mkdirSync(own);
    save(own, 's1006.ipynb', nb);
    const result = await kvlab(['grade', '--assignment', 'example-assignment', '--json', own]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { results: { score: number; items: Record<string, { status: string; feedback: string }> }[] };
    expect(report.results[0]!.score).toBe(4);
    expect(report.results[0]!.items['window-bytes']!.status).toBe('unanswered');
    expect(report.results[0]!.items['window-bytes']!.feedback).toContain('recorded by a cell of your own, not by the locked check cell');
  });

  it('feedback: one page a student, Markdown and HTML, scores and feedback, no solutions until released', async () => {
    const fb = join(work, 'feedback');
    expect(readdirSync(fb).sort()).toEqual(['s1001.html', 's1001.md', 's1002.html', 's1002.md']);
    const wrong = readFileSync(join(fb, 's1002.md'), 'utf8');
    expect(wrong).toContain('## full-cache-mib (question): 0 / 2');
    expect(wrong).toContain('Half of it; both the keys and the values are cached'); // the matched feedback
    expect(wrong).toContain('## window-growth (question): 0 / 1');
    expect(wrong).toContain('Only a full cache does'); // the chosen choice's feedback
    expect(wrong).toMatch(/gave `+ error: windowBytes threw RangeError: too many <layers> for my function/);
    expect(wrong).not.toContain('### Solution');
    expect(wrong).not.toContain('every KV head, every token so far'); // the explanation
    expect(wrong).toContain('*Solutions are not released yet.*');
    const html = readFileSync(join(fb, 's1002.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h2>full-cache-mib (question): 0 / 2</h2>');
    // What the student's function threw is text on the page, never markup.
    expect(html).not.toContain('<layers>');
    expect(html).toContain('too many &lt;layers&gt; for my function');

    const released = await kvlab(['grade', '--assignment', 'example-assignment', join(subs, 'b-wrong.ipynb'), '--feedback', join(work, 'feedback-solutions'), '--solutions']);
    expect(released.code).toBe(0);
    const withSolutions = readFileSync(join(work, 'feedback-solutions', 's1002.md'), 'utf8');
    expect(withSolutions).toContain('### Solution');
    expect(withSolutions).toContain('every KV head, every token so far');
    expect(withSolutions).toContain('**Answer:** `"b"`');
  });

  it('gradescope: results.json with the score and one test per item, hidden until the due date', async () => {
    const out = join(work, 'results.json');
    const result = await kvlab(['grade', '--assignment', 'example-assignment', '--format', 'gradescope', '--out', out, join(subs, 'b-wrong.ipynb')]);
    expect(result.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { score: number; tests: { name: string; score: number; max_score: number; visibility: string; output: string }[] };
    expect(json.score).toBe(1 + wrongExerciseScore());
    expect(json.tests.map((t) => t.name)).toEqual(['Notebook received', 'full-cache-mib (question)', 'window-growth (question)', 'cached-tokens (question)', 'window-bytes (exercise)']);
    expect(json.tests.slice(1).every((t) => t.visibility === 'after_due_date')).toBe(true);
    expect(json.tests.slice(1).map((t) => t.max_score)).toEqual([2, 1, 1, 3]);
    expect(json.tests[0]!.visibility).toBe('visible');

    const rejected = await kvlab(['grade', '--assignment', 'example-assignment', '--format', 'gradescope', join(subs, 'c-tampered.ipynb')]);
    expect(rejected.code).toBe(1);
    const failed = JSON.parse(rejected.stdout) as { score: number; output: string; tests: unknown[] };
    expect(failed.score).toBe(0);
    expect(failed.output).toMatch(/could not be graded:[\s\S]*was changed/);

    // Two students' notebooks: refused, not the first graded and the second dropped.
    const several = await kvlab(['grade', '--assignment', 'example-assignment', '--format', 'gradescope', join(subs, 'a-solved.ipynb'), join(subs, 'b-wrong.ipynb')]);
    expect(several).toMatchObject({ code: 2, stdout: '' });
    expect(several.stderr).toMatch(/^kvlab: --format gradescope grades one student's upload, but 2 submission files were given \('.*a-solved\.ipynb', '.*b-wrong\.ipynb'\); give one file[^\n]*\n$/);
  });

  it('autograder: the archive grades a submission in a stand-in /autograder', async () => {
    const zip = join(work, 'autograder.zip');
    const built = await kvlab(['assignment', 'autograder', 'example-assignment', '--out', zip]);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    const entries = unzipSync(readFileSync(zip));
    expect(Object.keys(entries).sort()).toEqual(['assignment/assignment.yaml', 'assignment/banks/kv-memory-hw.yaml', `assignment/${NB}`, 'run_autograder', 'setup.sh']);
    expect(strFromU8(entries['setup.sh']!)).toContain('apt-get install -y nodejs npm');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(strFromU8(entries['setup.sh']!)).toContain(`npm install -g kvlab@${pkg.version}\n`);

    // Gradescope's layout: the archive in source/, the student's upload in submission/, results/ written.
    const ag = join(work, 'autograder');
    for (const [name, bytes] of Object.entries(entries)) {
      mkdirSync(dirname(join(ag, 'source', name)), { recursive: true });
      writeFileSync(join(ag, 'source', name), bytes);
    }
    chmodSync(join(ag, 'source', 'run_autograder'), 0o755);
    execFileSync('bash', ['-n', join(ag, 'source', 'setup.sh')]);
    mkdirSync(join(ag, 'submission'));
    writeFileSync(join(ag, 'submission', 'homework.ipynb'), readFileSync(join(subs, 'a-solved.ipynb')));
    // kvlab from this checkout's sources (Gradescope's image has it installed by setup.sh).
    const launcher = join(work, 'kvlab-dev.mjs');
    writeFileSync(launcher, `import { run } from ${JSON.stringify(join(root, 'src', 'cli', 'main.ts'))};\nprocess.exitCode = await run(process.argv.slice(2));\n`);
    const env = { ...process.env, KVLAB_AUTOGRADER_ROOT: ag, KVLAB_BIN: `${process.execPath} --import tsx ${launcher}` };
    execFileSync(join(ag, 'source', 'run_autograder'), { env, stdio: 'pipe', cwd: root });
    const results = JSON.parse(readFileSync(join(ag, 'results', 'results.json'), 'utf8')) as { score: number; tests: unknown[] };
    expect(results.score).toBe(7);
    expect(results.tests).toHaveLength(5);

    // One upload holding two notebooks (a name with a quote in it too): the student is told to upload
    // exactly one, and neither is scored.
    writeFileSync(join(ag, 'submission', 'my "other" try.ipynb'), readFileSync(join(subs, 'b-wrong.ipynb')));
    execFileSync(join(ag, 'source', 'run_autograder'), { env, stdio: 'pipe', cwd: root });
    const two = JSON.parse(readFileSync(join(ag, 'results', 'results.json'), 'utf8')) as { score: number; output: string; visibility: string; tests: unknown[] };
    expect(two).toMatchObject({ score: 0, visibility: 'visible', tests: [] });
    expect(two.output).toBe('Your upload holds 2 notebooks (homework.ipynb, my "other" try.ipynb); the autograder grades one. Upload exactly one notebook (.ipynb) and submit again.');
    execFileSync('rm', [join(ag, 'submission', 'my "other" try.ipynb')]);

    // A zipped folder, unpacked by Gradescope: the notebook one level down is found and graded, and the
    // Jupyter checkpoint copy beside it and macOS's __MACOSX/._ copies do not count as more notebooks.
    rmSync(join(ag, 'submission'), { recursive: true });
    mkdirSync(join(ag, 'submission', 'hw1', '.ipynb_checkpoints'), { recursive: true });
    mkdirSync(join(ag, 'submission', '__MACOSX', 'hw1'), { recursive: true });
    writeFileSync(join(ag, 'submission', 'hw1', 's1001.ipynb'), readFileSync(join(subs, 'a-solved.ipynb')));
    writeFileSync(join(ag, 'submission', 'hw1', '.ipynb_checkpoints', 's1001-checkpoint.ipynb'), readFileSync(join(subs, 'b-wrong.ipynb')));
    writeFileSync(join(ag, 'submission', '__MACOSX', 'hw1', '._s1001.ipynb'), 'resource fork, not JSON');
    writeFileSync(join(ag, 'submission', 'hw1', '._s1001.ipynb'), 'resource fork, not JSON');
    execFileSync(join(ag, 'source', 'run_autograder'), { env, stdio: 'pipe', cwd: root });
    const nested = JSON.parse(readFileSync(join(ag, 'results', 'results.json'), 'utf8')) as { score: number; tests: { name: string; output: string }[] };
    expect(nested.score).toBe(7);
    expect(nested.tests[0]!.output).toContain('hw1/s1001.ipynb');

    // A second notebook elsewhere in the folder does count: both are named by their path in the upload.
    mkdirSync(join(ag, 'submission', 'hw1', 'old'));
    writeFileSync(join(ag, 'submission', 'hw1', 'old', 'draft.ipynb'), readFileSync(join(subs, 'b-wrong.ipynb')));
    execFileSync(join(ag, 'source', 'run_autograder'), { env, stdio: 'pipe', cwd: root });
    const twoNested = JSON.parse(readFileSync(join(ag, 'results', 'results.json'), 'utf8')) as { score: number; output: string };
    expect(twoNested).toMatchObject({ score: 0 });
    expect(twoNested.output).toMatch(/^Your upload holds 2 notebooks \(hw1\/old\/draft\.ipynb, hw1\/s1001\.ipynb\);/);

    // Nothing handed in (only the hidden copies left): a result that says so, never a missing file.
    rmSync(join(ag, 'submission', 'hw1', 's1001.ipynb'));
    rmSync(join(ag, 'submission', 'hw1', 'old'), { recursive: true });
    execFileSync(join(ag, 'source', 'run_autograder'), { env, stdio: 'pipe', cwd: root });
    const none = JSON.parse(readFileSync(join(ag, 'results', 'results.json'), 'utf8')) as { score: number; output: string };
    expect(none).toMatchObject({ score: 0 });
    expect(none.output).toMatch(/No notebook/);
    expect(existsSync(join(root, 'example-assignment', 'results'))).toBe(false);
  });
});

/**
 * The wrong function's score: 3 points × the share of the student's cases it gets right, i.e. those with at
 * most 8 layers (counted on the inputs drawn for the student's id, apart from the grader).
 */
function wrongExerciseScore(): number {
  const layers = [...Array(8).keys()].map((i) => {
    // Case i's first argument, drawn from the same stream the student's kernel and the grader use.
    return exerciseCases('kv-memory-hw', { id: 'window-bytes', cases: 8, args: { layers: [2, 4, 12, 32] } }, studentSeed('s1002'))[i]![0]!;
  });
  return Math.round(((3 * layers.filter((l) => l <= 8).length) / 8) * 1e4) / 1e4;
}

describe('every student id', () => {
  it('solved work recorded through the released copy grades to full marks (the student sees the variant the grader grades)', async () => {
    const { default: fc } = await import('fast-check');
    const { loadAssignment } = await import('../../src/assignment/manifest.js');
    const { buildRelease } = await import('../../src/assignment/release.js');
    const { readAssignmentSubmission, gradeRecorded } = await import('../../src/assignment/grade.js');
    const source = loadAssignment(exampleDir);
    const manifest = buildRelease(source).manifest;
    const dir = tempDir('kvlab-ids-');
    const release = join(dir, 'release');
    await kvlab(['assignment', 'release', 'example-assignment', '--out', release]);
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,20}$/)), (id) => {
        const student = String(id);
        const path = save(dir, 'nb.ipynb', studentNotebook(release, NB, { ...solvedWork, student }));
        const read = readAssignmentSubmission(source, manifest, path);
        expect(read.student).toBe(student);
        const graded = gradeRecorded(source, read.student, read.answers, read.checks, 'nb.ipynb');
        expect(graded.seed).toBe(studentSeed(student));
        expect(graded.score).toBe(7);
      }),
      { numRuns: 40 },
    );
  });
});
