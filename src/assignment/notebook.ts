/**
 * Notebooks as data (nbformat 4): read, stub solutions, clear outputs, checksum locked cells. Nothing here
 * runs a cell; a submitted notebook is only ever parsed as JSON.
 *
 * Solution regions are whole lines between `// BEGIN SOLUTION` and `// END SOLUTION`. On release the region
 * becomes one stub line at the marker's indentation: the text written after `BEGIN SOLUTION` when there is
 * any (`// BEGIN SOLUTION hw.answer('kv-bytes', undefined);`), else a `throw` that tells the student what
 * to do. A cell is locked when its metadata says `"kvlab": {"locked": true}` (as nbgrader's `locked`);
 * the release stamps each locked cell with an id (`kvlab.cell`) so the grader finds it however the
 * student moved cells around, and records the sha256 of its source.
 */
import { createHash } from 'node:crypto';

export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface NotebookCell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  outputs?: NotebookOutput[];
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** A locked cell of a release: where it sits and the sha256 (hex) of its source. */
export interface LockedCell {
  cell: string;
  sha256: string;
}

const BEGIN = /^(\s*)\/\/\s*BEGIN SOLUTION\b(.*)$/;
const END = /^\s*\/\/\s*END SOLUTION\b/;
export const DEFAULT_STUB = "throw new Error('not written yet: replace this line with your code');";

export class NotebookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookError';
  }
}

/** Parses notebook JSON; throws NotebookError saying what is wrong. */
export function parseNotebook(text: string, where: string): Notebook {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new NotebookError(`${where}: not a notebook: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof data !== 'object' || data === null || !Array.isArray((data as Notebook).cells)) {
    throw new NotebookError(`${where}: not a notebook: no list of cells`);
  }
  const nb = data as Notebook;
  nb.cells.forEach((cell, i) => {
    if (typeof cell !== 'object' || cell === null || typeof cell.cell_type !== 'string') throw new NotebookError(`${where}: cell ${i + 1} is not a notebook cell`);
    if (typeof cell.source !== 'string' && !(Array.isArray(cell.source) && cell.source.every((s) => typeof s === 'string'))) {
      throw new NotebookError(`${where}: cell ${i + 1} has a source that is not text`);
    }
  });
  if (typeof nb.metadata !== 'object' || nb.metadata === null) nb.metadata = {};
  return nb;
}

export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** nbformat's on-disk form of a source: lines, each keeping its newline. */
function sourceLines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line !== '');
}

export function isLocked(cell: NotebookCell): boolean {
  const kvlab = cell.metadata?.kvlab as { locked?: unknown } | undefined;
  return kvlab?.locked === true;
}

export function lockedId(cell: NotebookCell): string | undefined {
  const kvlab = cell.metadata?.kvlab as { cell?: unknown } | undefined;
  return typeof kvlab?.cell === 'string' ? kvlab.cell : undefined;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Problems with the solution markers of one source ('' when none), for lint and release. */
export function solutionProblems(source: string): string[] {
  const problems: string[] = [];
  let open: number | undefined;
  source.split('\n').forEach((line, i) => {
    if (BEGIN.test(line)) {
      if (open !== undefined) problems.push(`line ${i + 1}: BEGIN SOLUTION inside the region opened on line ${open}; close it first`);
      open = i + 1;
    } else if (END.test(line)) {
      if (open === undefined) problems.push(`line ${i + 1}: END SOLUTION without a BEGIN SOLUTION`);
      open = undefined;
    }
  });
  if (open !== undefined) problems.push(`line ${open}: BEGIN SOLUTION is never closed by an END SOLUTION`);
  return problems;
}

export function hasSolution(source: string): boolean {
  return source.split('\n').some((line) => BEGIN.test(line));
}

/** The source with every solution region replaced by its stub line (markers must be balanced). */
export function stubSolutions(source: string): string {
  const out: string[] = [];
  let inside = false;
  for (const line of source.split('\n')) {
    const begin = BEGIN.exec(line);
    if (begin) {
      inside = true;
      const stub = begin[2]!.trim();
      out.push(`${begin[1]}${stub === '' ? DEFAULT_STUB : stub}`);
    } else if (END.test(line)) {
      inside = false;
    } else if (!inside) {
      out.push(line);
    }
  }
  return out.join('\n');
}

/**
 * The student's copy of a notebook: solutions stubbed, outputs and execution counts cleared, locked cells
 * stamped with an id. Returns the notebook and its locked cells' checksums.
 */
export function releaseNotebook(source: Notebook, name: string): { notebook: Notebook; locked: LockedCell[] } {
  const locked: LockedCell[] = [];
  const cells = source.cells.map((cell, i): NotebookCell => {
    const text = cell.cell_type === 'code' ? stubSolutions(cellSource(cell)) : cellSource(cell);
    const metadata = structuredClone(cell.metadata ?? {});
    delete metadata.execution;
    const out: NotebookCell = { cell_type: cell.cell_type, metadata, source: sourceLines(text) };
    if (cell.id !== undefined) out.id = cell.id;
    if (isLocked(cell)) {
      const id = `${name.replace(/\.ipynb$/i, '')}/${i + 1}`;
      (metadata.kvlab as Record<string, unknown>).cell = id;
      // Jupyter's own flags, so the front end refuses edits too (a courtesy; the checksum is the check).
      metadata.editable = false;
      metadata.deletable = false;
      locked.push({ cell: id, sha256: sha256(text) });
    }
    if (cell.cell_type === 'code') {
      out.execution_count = null;
      out.outputs = [];
    }
    return out;
  });
  return { notebook: { ...source, cells }, locked };
}

export function writeNotebook(nb: Notebook): string {
  return `${JSON.stringify(nb, null, 1)}\n`;
}
