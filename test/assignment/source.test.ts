/**
 * The source side: solution regions and their stubs, locked-cell checksums, what `kvlab lint` says of an
 * assignment folder, and the command's refusals (writing into the source, a non-empty folder).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STUB, releaseNotebook, sha256, solutionProblems, stubSolutions, type Notebook } from '../../src/assignment/notebook.js';
import { gradescopeResults } from '../../src/assignment/gradescope.js';
import { kvlab, tempDir } from '../quiz/helpers.js';
import { exampleDir } from './helpers.js';

describe('solution regions', () => {
  it('a region becomes its stub line at the marker indentation; the default stub throws', () => {
    const source = ['function f(): number {', '  // BEGIN SOLUTION', '  return 42;', '  // END SOLUTION', '}', '// BEGIN SOLUTION hw.answer("q", undefined);', 'hw.answer("q", 7);', '// END SOLUTION'].join('\n');
    expect(stubSolutions(source)).toBe(['function f(): number {', `  ${DEFAULT_STUB}`, '}', 'hw.answer("q", undefined);'].join('\n'));
  });

  it('unbalanced and nested markers are problems with their line', () => {
    expect(solutionProblems('// BEGIN SOLUTION\nx')).toEqual(['line 1: BEGIN SOLUTION is never closed by an END SOLUTION']);
    expect(solutionProblems('x\n// END SOLUTION')).toEqual(['line 2: END SOLUTION without a BEGIN SOLUTION']);
    expect(solutionProblems('// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION')[0]).toMatch(/^line 2: BEGIN SOLUTION inside the region opened on line 1/);
    expect(solutionProblems('// BEGIN SOLUTION\n1\n// END SOLUTION')).toEqual([]);
  });

  it('locked cells get an id and the sha256 of their source; outputs are cleared', () => {
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 4,
      metadata: {},
      cells: [
        { cell_type: 'code', source: ['hw.check("x", f);'], metadata: { kvlab: { locked: true } }, outputs: [{ output_type: 'stream', text: 'hi' }], execution_count: 3 },
        { cell_type: 'code', source: '// BEGIN SOLUTION\nsecret();\n// END SOLUTION', metadata: {}, outputs: [], execution_count: 1 },
      ],
    };
    const { notebook, locked } = releaseNotebook(nb, 'hw.ipynb');
    expect(locked).toEqual([{ cell: 'hw/1', sha256: sha256('hw.check("x", f);') }]);
    expect(notebook.cells[0]!.metadata).toMatchObject({ kvlab: { locked: true, cell: 'hw/1' }, editable: false, deletable: false });
    expect(notebook.cells.every((c) => c.outputs!.length === 0 && c.execution_count === null)).toBe(true);
    expect(notebook.cells[1]!.source).toEqual([DEFAULT_STUB]);
  });
});

describe('kvlab lint on an assignment folder', () => {
  it('the example is valid', async () => {
    const result = await kvlab(['lint', 'example-assignment']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('example-assignment: assignment kv-memory-hw: 3 questions, 1 code exercise, 1 notebook\nkvlab lint: 1 assignment valid\n');
  });

  it('lists every problem: unknown field, missing question, bad expression, unbalanced markers, a solution in a locked cell', async () => {
    const dir = join(tempDir('kvlab-lint-'), 'hw');
    cpSync(exampleDir, dir, { recursive: true });
    const manifest = readFileSync(join(dir, 'assignment.yaml'), 'utf8')
      .replace('solutions: hidden', 'solutions: hidden\ndeadline: tomorrow')
      .replace('{id: cached-tokens, bank: kv-memory-hw', '{id: cached-tokenz, bank: kv-memory-hw');
    writeFileSync(join(dir, 'assignment.yaml'), manifest);
    let result = await kvlab(['lint', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('assignment.yaml: the manifest: unknown field deadline');
    writeFileSync(join(dir, 'assignment.yaml'), manifest.replace('\ndeadline: tomorrow', '').replace('min(window, tokens)', 'min(window, tokenz)'));
    const nb = JSON.parse(readFileSync(join(dir, 'kv-memory.ipynb'), 'utf8')) as Notebook;
    nb.cells[2]!.source = ['// BEGIN SOLUTION\n', 'const hw = 1;\n'];
    writeFileSync(join(dir, 'kv-memory.ipynb'), JSON.stringify(nb));
    result = await kvlab(['lint', dir]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines.some((l) => l.endsWith("questions[2]: bank 'kv-memory-hw' has no question 'cached-tokenz' (it has: full-cache-mib, window-growth, cached-tokens)"))).toBe(true);
    expect(lines.some((l) => /exercises\[0\]: expected: .*tokenz/.test(l))).toBe(true);
    expect(lines.some((l) => l.endsWith('kv-memory.ipynb: cell 3: line 1: BEGIN SOLUTION is never closed by an END SOLUTION'))).toBe(true);
    expect(lines.some((l) => l.endsWith('kv-memory.ipynb: cell 3: a locked cell holds a solution region; a student could never write it'))).toBe(true);
    expect(lines.at(-1)).toBe('kvlab lint: 4 problems in 1 of 1 files and assignments');

    // The check cell unlocked: its results could come from any function.
    const fixed = JSON.parse(readFileSync(join(exampleDir, 'kv-memory.ipynb'), 'utf8')) as Notebook;
    const check = fixed.cells.find((c) => (Array.isArray(c.source) ? c.source.join('') : c.source).includes('hw.check('))!;
    check.metadata = {};
    writeFileSync(join(dir, 'kv-memory.ipynb'), JSON.stringify(fixed));
    writeFileSync(join(dir, 'assignment.yaml'), manifest.replace('\ndeadline: tomorrow', '').replace('cached-tokenz', 'cached-tokens'));
    result = await kvlab(['lint', dir]);
    expect(result.stderr.trim().split('\n')[0]).toMatch(/assignment\.yaml: exercise 'window-bytes': no locked cell calls hw\.check\('window-bytes', windowBytes\); lock that cell/);
  });
});

describe('kvlab assignment release refuses to mix keys into other folders', () => {
  it('never writes inside the source, nor into a folder with other files', async () => {
    let result = await kvlab(['assignment', 'release', 'example-assignment', '--out', 'example-assignment/student']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^kvlab: --out 'example-assignment\/student' is inside the assignment's source folder/);
    const busy = tempDir('kvlab-busy-');
    mkdirSync(join(busy, 'x'));
    result = await kvlab(['assignment', 'release', 'example-assignment', '--out', busy]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a folder with other files in it and no earlier release/);
    result = await kvlab(['assignment', 'release', 'no-such-folder', '--out', busy]);
    expect(result).toMatchObject({ code: 2, stderr: "kvlab: no assignment folder 'no-such-folder'; give the folder that holds assignment.yaml\n" });
  });
});

describe('kvlab grade --assignment with an answers file', () => {
  it('grades a JSON submission of answers; its exercises are unanswered; another assignment is rejected', async () => {
    const dir = tempDir('kvlab-answers-');
    writeFileSync(join(dir, 's1.json'), JSON.stringify({ student: 's1', assignment: 'kv-memory-hw', answers: { 'window-growth': 'b', 'cached-tokens': 'many' } }));
    writeFileSync(join(dir, 's2.yaml'), 'student: s2\nassignment: another-hw\nanswers: {}\n');
    const result = await kvlab(['grade', '--assignment', 'example-assignment', '--json', dir]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { results: { student: string; score: number; items: Record<string, { status: string; feedback: string }> }[]; rejected: { reason: string }[] };
    expect(report.results).toHaveLength(1);
    expect(report.results[0]!.score).toBe(1);
    expect(report.results[0]!.items['cached-tokens']!.status).toBe('not-graded');
    expect(report.results[0]!.items['window-bytes']!.status).toBe('unanswered');
    expect(report.rejected[0]!.reason).toBe("it is for assignment 'another-hw', not 'kv-memory-hw'");
  });

  it('--feedback counts its pages in the singular for one student (it said "1 pages")', async () => {
    const dir = tempDir('kvlab-answers-');
    writeFileSync(join(dir, 's1.json'), JSON.stringify({ student: 's1', assignment: 'kv-memory-hw', answers: { 'window-growth': 'b' } }));
    const one = await kvlab(['grade', '--assignment', 'example-assignment', join(dir, 's1.json'), '--feedback', join(dir, 'fb1')]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`feedback: 1 page (Markdown and HTML) in ${join(dir, 'fb1')}, solutions not shown\n`);
    writeFileSync(join(dir, 's2.json'), JSON.stringify({ student: 's2', assignment: 'kv-memory-hw', answers: {} }));
    const two = await kvlab(['grade', '--assignment', 'example-assignment', join(dir, 's1.json'), join(dir, 's2.json'), '--feedback', join(dir, 'fb2')]);
    expect(two.stdout).toContain('feedback: 2 pages (Markdown and HTML)');
  });

  it('--out goes through the same checked, locked, atomic writer as kvlab grade --bank', async () => {
    const dir = tempDir('kvlab-answers-');
    writeFileSync(join(dir, 's1.json'), JSON.stringify({ student: 's1', assignment: 'kv-memory-hw', answers: { 'window-growth': 'b' } }));
    // A missing folder is refused before grading, in one line (it was an internal error after grading).
    const missing = join(dir, 'no', 'such', 'grades.csv');
    expect(await kvlab(['grade', '--assignment', 'example-assignment', join(dir, 's1.json'), '--out', missing])).toEqual({
      code: 2,
      stdout: '',
      stderr: `kvlab: --out '${missing}': the folder '${join(dir, 'no', 'such')}' does not exist; create it first\n`,
    });
    // A second grader writing the same file (its lock held by this live process) is refused.
    const out = join(dir, 'grades.csv');
    writeFileSync(`${out}.lock`, String(process.pid));
    const locked = await kvlab(['grade', '--assignment', 'example-assignment', join(dir, 's1.json'), '--out', out]);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/^kvlab: --out '.*grades\.csv' is being written by another kvlab grade \(pid \d+\)/);
    // Once free, the gradebook is written and nothing is left beside it.
    rmSync(`${out}.lock`);
    expect((await kvlab(['grade', '--assignment', 'example-assignment', join(dir, 's1.json'), '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^student,/);
    expect(readdirSync(dir).sort()).toEqual(['grades.csv', 's1.json']);
  });

  it('--format gradescope refuses several submissions (one line, exit 2, nothing written) instead of grading the first', async () => {
    const dir = tempDir('kvlab-gs-');
    for (const name of ['s1.json', 's2.json', 's3.json', 's4.json']) writeFileSync(join(dir, name), '{}');
    const out = join(dir, 'results.json');
    const two = await kvlab(['grade', '--assignment', 'example-assignment', '--format', 'gradescope', '--out', out, join(dir, 's1.json'), join(dir, 's2.json')]);
    expect(two).toEqual({
      code: 2,
      stdout: '',
      stderr: `kvlab: --format gradescope grades one student's upload, but 2 submission files were given ('${join(dir, 's1.json')}', '${join(dir, 's2.json')}'); give one file, or leave out --format gradescope to grade the class\n`,
    });
    // A folder counts its files; past three only the first three are named.
    const folder = await kvlab(['grade', '--assignment', 'example-assignment', '--format', 'gradescope', dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/^kvlab: [^\n]*4 submission files were given \('[^']*s1\.json', '[^']*s2\.json', '[^']*s3\.json', …\)[^\n]*\n$/);
    expect(readdirSync(dir).sort()).toEqual(['s1.json', 's2.json', 's3.json', 's4.json']);
  });

  it('gradescopeResults refuses a gradebook of several submissions', () => {
    const book = { assignment: 'a', title: 'A', results: [], rejected: [{ file: 'x.ipynb', reason: 'r' }, { file: 'y.ipynb', reason: 'r' }] };
    expect(() => gradescopeResults(book, false)).toThrow(/one submission at a time, but the gradebook holds 2/);
    expect(gradescopeResults({ ...book, rejected: book.rejected.slice(0, 1) }, false).output).toMatch(/could not be graded:\n\n- x\.ipynb: r/);
  });

  it('--feedback, --solutions and --format need --assignment', async () => {
    const result = await kvlab(['grade', '--bank', 'sliding-window-basics', '--format', 'gradescope', 'example-assignment']);
    expect(result).toMatchObject({ code: 2, stderr: 'kvlab: --format needs --assignment (an assignment folder)\n' });
  });
});

describe('kvlab assignment autograder', () => {
  it('puts a tarball given with --kvlab in the archive and installs it from there', async () => {
    const { unzipSync, strFromU8 } = await import('fflate');
    const dir = tempDir('kvlab-ag-');
    writeFileSync(join(dir, 'kvlab-9.9.9.tgz'), 'not really a tarball');
    const result = await kvlab(['assignment', 'autograder', 'example-assignment', '--out', join(dir, 'ag.zip'), '--kvlab', join(dir, 'kvlab-9.9.9.tgz')]);
    expect(result.code).toBe(0);
    const entries = unzipSync(readFileSync(join(dir, 'ag.zip')));
    expect(strFromU8(entries['kvlab-9.9.9.tgz']!)).toBe('not really a tarball');
    expect(strFromU8(entries['setup.sh']!)).toContain('npm install -g ./kvlab-9.9.9.tgz');
    const missing = await kvlab(['assignment', 'autograder', 'example-assignment', '--out', join(dir, 'ag2.zip'), '--kvlab', 'nope.tgz']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^kvlab: --kvlab 'nope.tgz' is not a file/);
  });
});
