/**
 * `npm run course`: executes every notebook headless, as a student's "Run All" would, into build/course/
 * (executed .ipynb and .html), and fails naming the notebook and the cell on any error.
 *
 * tslab reports a TypeScript type error or an exception as text on the stderr stream, not as an `error`
 * output, and then skips the remaining cells. So a notebook passes only when no cell has an `error`
 * output, no cell wrote to stderr, and every code cell ran.
 *
 * Run one or more notebooks: `npm run course -- 02 03` (name prefixes). `--jobs 2` runs two at a time.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureSetup, jupyterEnv, ROOT, SetupError, type JupyterInstall } from './jupyter.js';

export const NOTEBOOKS_DIR = join(ROOT, 'notebooks');
export const COURSE_OUT_DIR = join(ROOT, 'build', 'course');
/** nbclient's per-cell limit: a cell this slow is a bug in the notebook, not a slow machine. */
const CELL_TIMEOUT_SECONDS = 120;

export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: NotebookOutput[];
  metadata?: { execution?: Record<string, string> };
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
}

export interface CellTiming {
  /** Position in the notebook's cell list (0-based, Markdown cells counted). */
  index: number;
  firstLine: string;
  seconds: number;
}

export interface CellProblem {
  index: number;
  firstLine: string;
  kind: 'error output' | 'stderr output' | 'not executed';
  text: string;
}

export interface NotebookRun {
  name: string;
  source: string;
  /** The executed notebook and its HTML export (undefined when nbconvert itself failed). */
  executedPath: string;
  htmlPath?: string;
  executed?: Notebook;
  /** Wall time of nbconvert for this notebook: Python, kernel start-up and every cell. */
  seconds: number;
  cells: CellTiming[];
  slowest?: CellTiming;
  problems: CellProblem[];
  /** nbconvert's own failure (a kernel that died, a timeout), when it did not write a notebook. */
  failure?: string;
}

export interface CourseRun {
  notebooks: NotebookRun[];
  seconds: number;
  ok: boolean;
}

export interface CourseOptions {
  /** Name prefixes to run (e.g. "02"); all notebooks when empty. */
  only?: readonly string[];
  outDir?: string;
  /** Notebooks executed at once (each is one kernel). */
  jobs?: number;
  html?: boolean;
  log?: (line: string) => void;
}

export function sourceText(source: string | string[]): string {
  return Array.isArray(source) ? source.join('') : source;
}

/** The first non-blank line of a cell, shortened, to name the cell in a report. */
export function firstLine(cell: NotebookCell): string {
  const line = sourceText(cell.source).split('\n').find((l) => l.trim() !== '') ?? '';
  const trimmed = line.trim();
  return trimmed.length > 80 ? `${trimmed.slice(0, 77)}...` : trimmed;
}

/** The notebooks of the course, in lesson order. */
export function courseNotebooks(only: readonly string[] = []): string[] {
  return readdirSync(NOTEBOOKS_DIR)
    .filter((f) => f.endsWith('.ipynb') && /^\d\d-/.test(f))
    .sort()
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .map((f) => join(NOTEBOOKS_DIR, f));
}

/** What is wrong with an executed notebook: error outputs, stderr text, code cells that never ran. */
export function notebookProblems(notebook: Notebook): CellProblem[] {
  const problems: CellProblem[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const where = { index, firstLine: firstLine(cell) };
    for (const output of cell.outputs ?? []) {
      if (output.output_type === 'error') {
        problems.push({ ...where, kind: 'error output', text: `${output.ename ?? ''}: ${output.evalue ?? ''}` });
      } else if (output.output_type === 'stream' && output.name === 'stderr') {
        problems.push({ ...where, kind: 'stderr output', text: sourceText(output.text ?? '').trim() });
      }
    }
    // tslab leaves execution_count empty; nbclient's timing metadata shows whether the cell ran.
    if (sourceText(cell.source).trim() !== '' && cell.metadata?.execution?.['iopub.status.busy'] === undefined) {
      problems.push({ ...where, kind: 'not executed', text: 'the cell never ran (an earlier cell failed?)' });
    }
  });
  return problems;
}

/** Per-cell wall time from the timestamps nbclient records in each cell's metadata. */
export function cellTimings(notebook: Notebook): CellTiming[] {
  const timings: CellTiming[] = [];
  notebook.cells.forEach((cell, index) => {
    const busy = cell.metadata?.execution?.['iopub.status.busy'];
    const idle = cell.metadata?.execution?.['iopub.status.idle'];
    if (cell.cell_type !== 'code' || busy === undefined || idle === undefined) return;
    timings.push({ index, firstLine: firstLine(cell), seconds: (Date.parse(idle) - Date.parse(busy)) / 1000 });
  });
  return timings;
}

interface ProcessResult {
  code: number | null;
  stderr: string;
}

function runProcess(command: string, args: readonly string[], cwd: string): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: jupyterEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stderr }));
  });
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

async function executeNotebook(install: JupyterInstall, source: string, outDir: string): Promise<NotebookRun> {
  const name = basename(source, '.ipynb');
  const executedPath = join(outDir, `${name}.ipynb`);
  const started = performance.now();
  // --allow-errors: always get the executed notebook back, so the report can point at the failing cell.
  const result = await runProcess(
    install.jupyter,
    [
      'nbconvert',
      '--to',
      'notebook',
      '--execute',
      '--allow-errors',
      `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_SECONDS}`,
      '--output-dir',
      outDir,
      '--output',
      `${name}.ipynb`,
      source,
    ],
    NOTEBOOKS_DIR,
  );
  const seconds = (performance.now() - started) / 1000;
  const run: NotebookRun = { name, source, executedPath, seconds, cells: [], problems: [] };
  if (result.code !== 0) {
    run.failure = `jupyter nbconvert failed (exit ${result.code}):\n${lastLines(result.stderr, 8)}`;
    return run;
  }
  const executed = JSON.parse(readFileSync(executedPath, 'utf8')) as Notebook;
  run.executed = executed;
  run.problems = notebookProblems(executed);
  run.cells = cellTimings(executed);
  run.slowest = run.cells.reduce<CellTiming | undefined>((a, c) => (a === undefined || c.seconds > a.seconds ? c : a), undefined);
  return run;
}

async function exportHtml(install: JupyterInstall, runs: NotebookRun[], outDir: string): Promise<string | undefined> {
  const executed = runs.filter((r) => r.executed !== undefined);
  if (executed.length === 0) return undefined;
  const result = await runProcess(
    install.jupyter,
    ['nbconvert', '--to', 'html', '--output-dir', outDir, ...executed.map((r) => r.executedPath)],
    outDir,
  );
  if (result.code !== 0) return `jupyter nbconvert --to html failed (exit ${result.code}):\n${lastLines(result.stderr, 8)}`;
  for (const r of executed) r.htmlPath = join(outDir, `${r.name}.html`);
  return undefined;
}

/**
 * Executes one notebook file (anywhere in the project, e.g. a modified copy under build/) headless into outDir,
 * checked like a course notebook. Throws SetupError without Jupyter.
 */
export async function runNotebookFile(source: string, outDir: string, log: (line: string) => void = () => {}): Promise<NotebookRun> {
  const install = ensureSetup(log);
  mkdirSync(outDir, { recursive: true });
  return executeNotebook(install, source, outDir);
}

/** Executes the course headless; the caller decides how to report. Throws SetupError without Jupyter. */
export async function runCourse(options: CourseOptions = {}): Promise<CourseRun> {
  const log = options.log ?? (() => {});
  const outDir = options.outDir ?? COURSE_OUT_DIR;
  const jobs = Math.max(1, options.jobs ?? 1);
  const install = ensureSetup(log);
  mkdirSync(outDir, { recursive: true });
  const sources = courseNotebooks(options.only);
  if (sources.length === 0) throw new SetupError(`no notebooks match ${options.only?.join(', ') ?? ''} in ${NOTEBOOKS_DIR}`);

  const started = performance.now();
  const runs: NotebookRun[] = new Array<NotebookRun>(sources.length);
  let next = 0;
  const worker = async () => {
    while (next < sources.length) {
      const i = next++;
      const source = sources[i]!;
      const run = await executeNotebook(install, source, outDir);
      runs[i] = run;
      log(describeRun(run));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, sources.length) }, worker));
  const htmlFailure = options.html === false ? undefined : await exportHtml(install, runs, outDir);
  if (htmlFailure !== undefined) log(htmlFailure);
  const seconds = (performance.now() - started) / 1000;
  const ok = htmlFailure === undefined && runs.every((r) => r.failure === undefined && r.problems.length === 0);
  return { notebooks: runs, seconds, ok };
}

/** One line per notebook: time and slowest cell; then one line per problem. */
export function describeRun(run: NotebookRun): string {
  const where = relative(ROOT, run.source);
  if (run.failure !== undefined) return `FAIL ${where} (${run.seconds.toFixed(1)} s): ${run.failure}`;
  const slow =
    run.slowest === undefined
      ? ''
      : `; slowest cell #${run.slowest.index} ${run.slowest.seconds.toFixed(2)} s: ${run.slowest.firstLine}`;
  const head = `${run.problems.length === 0 ? 'ok  ' : 'FAIL'} ${where} ${run.seconds.toFixed(1)} s${slow}`;
  const problems = run.problems.map(
    (p) => `     ${where} cell #${p.index} (${p.firstLine}): ${p.kind}: ${lastLines(p.text, 6).replace(/\n/g, '\n       ')}`,
  );
  return [head, ...problems].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const only: string[] = [];
  let jobs = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--jobs') {
      jobs = Number(argv[++i]);
      if (!Number.isInteger(jobs) || jobs < 1) {
        console.error(`kvlab course: --jobs needs a whole number ≥ 1 (got ${argv[i]})`);
        return 2;
      }
    } else if (arg.startsWith('-')) {
      console.error(`kvlab course: unknown option ${arg}; usage: npm run course -- [--jobs N] [NOTEBOOK-PREFIX…]`);
      return 2;
    } else {
      only.push(arg);
    }
  }
  try {
    const course = await runCourse({ only, jobs, log: (line) => console.log(line) });
    const slowest = course.notebooks
      .flatMap((n) => (n.slowest === undefined ? [] : [{ notebook: n.name, cell: n.slowest }]))
      .reduce<{ notebook: string; cell: CellTiming } | undefined>(
        (a, c) => (a === undefined || c.cell.seconds > a.cell.seconds ? c : a),
        undefined,
      );
    console.log(
      `${course.ok ? 'course ok' : 'course FAILED'}: ${course.notebooks.length} notebooks in ${course.seconds.toFixed(1)} s` +
        (slowest === undefined ? '' : `; slowest cell: ${slowest.notebook} #${slowest.cell.index} ${slowest.cell.seconds.toFixed(2)} s`) +
        `; output in ${relative(ROOT, COURSE_OUT_DIR)}/`,
    );
    return course.ok ? 0 : 1;
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    console.error(`kvlab course: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
