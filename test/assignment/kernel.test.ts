/**
 * The released notebook, really executed: a student's copy with their code written in (here, the
 * instructor's solutions in place of the stubs) runs headless on the tslab kernel, exactly as "Run All"
 * and Save; the saved .ipynb is then graded by `kvlab grade --assignment`, which reads its kvlab outputs
 * as data. Full marks, and the self-check outputs say "recorded", never "correct".
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureSetup, jupyterEnv } from '../../scripts/jupyter.js';
import { cellSource, type Notebook } from '../../src/assignment/notebook.js';
import { RECORD_MIME } from '../../src/assignment/records.js';
import { kvlab, root, tempDir } from '../quiz/helpers.js';
import { exampleDir, readNotebook } from './helpers.js';

const NB = 'kv-memory.ipynb';

/** The source's solution code, markers dropped: what a student who solved everything would have written. */
function solutionOf(source: string): string {
  return source
    .split('\n')
    .filter((line) => !/^\s*\/\/\s*(BEGIN|END) SOLUTION/.test(line))
    .join('\n');
}

describe('the released notebook on the tslab kernel', () => {
  const work = tempDir('kvlab-kernel-');
  const release = join(work, 'release');
  let executed: Notebook;

  beforeAll(async () => {
    const released = await kvlab(['assignment', 'release', 'example-assignment', '--out', release]);
    expect(released.code).toBe(0);
    // The student's folder has kvlab installed (npm install kvlab): here, a link to this checkout.
    mkdirSync(join(release, 'node_modules'));
    symlinkSync(root, join(release, 'node_modules', 'kvlab'), 'dir');
    const source = readNotebook(join(exampleDir, NB));
    const student = readNotebook(join(release, NB));
    student.cells.forEach((cell, i) => {
      const original = cellSource(source.cells[i]!);
      if (cellSource(cell) !== original) cell.source = solutionOf(original).replace("const STUDENT = 's000';", "const STUDENT = 's2001';");
    });
    writeFileSync(join(release, NB), JSON.stringify(student, null, 1));
    const install = ensureSetup(() => {});
    execFileSync(install.jupyter, ['nbconvert', '--to', 'notebook', '--execute', '--inplace', '--ExecutePreprocessor.timeout=120', NB], {
      cwd: release,
      env: jupyterEnv(),
      stdio: 'pipe',
    });
    executed = readNotebook(join(release, NB));
  }, 300_000);

  it('runs every cell without an error, and records with the kvlab MIME type', () => {
    const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
    const problems = outputs.filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'));
    expect(problems).toEqual([]);
    const records = outputs.filter((o) => o.data?.[RECORD_MIME] !== undefined);
    // The student record, three answers and one check.
    expect(records).toHaveLength(5);
    const markdown = outputs.map((o) => o.data?.['text/markdown']).filter((m) => m !== undefined).map(String).join('\n');
    expect(markdown).toContain('**full-cache-mib**: answer recorded');
    expect(markdown).toMatch(/✓ `windowBytes\(2, 2, 16, 64, 100, 4\)` gave `32768`; expected 32768/);
    expect(markdown).not.toMatch(/Correct|Incorrect|Score/);
  });

  it('the saved notebook grades to full marks, read as data', async () => {
    const result = await kvlab(['grade', '--assignment', 'example-assignment', '--json', join(release, NB)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { results: { student: string; score: number; max: number }[]; rejected: unknown[] };
    expect(report.rejected).toEqual([]);
    expect(report.results).toMatchObject([{ student: 's2001', score: 7, max: 7 }]);
    // The executed notebook is still the release: every locked cell unchanged.
    expect(readFileSync(join(release, NB), 'utf8')).toContain('"cell": "kv-memory/3"');
  });
});
