/**
 * Shared by the assignment tests: the example assignment, and a student's saved notebook made the way
 * Jupyter saves one: the released notebook with the student's code in place and, under each cell, the
 * outputs the real student API displayed (its records with the kvlab MIME type, and its Markdown).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../quiz/helpers.js';
import { openAssignment, type AssignmentDisplay } from '../../src/assignment/student.js';
import type { Notebook, NotebookOutput } from '../../src/assignment/notebook.js';
import { cellSource } from '../../src/assignment/notebook.js';

export const exampleDir = join(root, 'example-assignment');

export function readNotebook(path: string): Notebook {
  return JSON.parse(readFileSync(path, 'utf8')) as Notebook;
}

export interface StudentWork {
  student: string;
  /** The student's answers, by question id (computed from their own numbers, see `params`). */
  answers: (params: (id: string) => Record<string, number>) => Record<string, unknown>;
  windowBytes: (...args: number[]) => unknown;
}

/**
 * The released notebook as a student saves it after Run All: the id cell and the answer cells written,
 * and every code cell's outputs as the student API displayed them. The API's calls are made here in cell
 * order, each cell's display going under that cell, as the kernel's would.
 */
export function studentNotebook(releaseDir: string, file: string, work: StudentWork): Notebook {
  const nb = readNotebook(join(releaseDir, file));
  let current: NotebookOutput[] = [];
  const display: AssignmentDisplay = {
    raw: (contentType, data) => void current.push({ output_type: 'display_data', data: { [contentType]: JSON.parse(data) as unknown }, metadata: {} }),
    markdown: (text) => void current.push({ output_type: 'display_data', data: { 'text/markdown': text }, metadata: {} }),
  };
  let hw: ReturnType<typeof openAssignment> | undefined;
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    current = [];
    const source = cellSource(cell);
    if (source.includes('const STUDENT')) cell.source = [`const STUDENT = '${work.student}';\n`];
    if (source.includes('openAssignment')) hw = openAssignment({ student: work.student, display, dir: releaseDir });
    for (const m of source.matchAll(/hw\.show\('([^']+)'\)/g)) hw!.show(m[1]!);
    const asked = [...source.matchAll(/hw\.answer\('([^']+)', undefined\)/g)].map((m) => m[1]!);
    if (asked.length > 0) {
      const answers = work.answers((id) => hw!.params(id));
      for (const id of asked) hw!.answer(id, answers[id]);
      cell.source = asked.map((id) => `hw.answer('${id}', ${JSON.stringify(answers[id])});\n`);
    }
    if (source.includes('function windowBytes')) cell.source = [`const windowBytes = ${String(work.windowBytes)};\n`];
    if (source.includes('hw.check(')) hw!.check('window-bytes', work.windowBytes as (...args: number[]) => number);
    cell.outputs = current;
    cell.execution_count = i + 1;
  });
  return nb;
}
