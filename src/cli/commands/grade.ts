/**
 * kvlab grade --bank BANK SUBMISSION… [--out gradebook.csv] [--json]: grades submission files (JSON or
 * YAML) against a bank. Rejected files are reported and give exit 1; the gradebook CSV is written
 * atomically and never over a submission, an input or the bank.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { RegisterCommand } from '../command.js';
import type { CliIO } from '../io.js';
import { printJson } from '../io.js';
import { startProgress } from '../progress.js';
import { lockOutput } from '../output-file.js';
import { EXIT, UsageError } from '../errors.js';
import { plainTable } from '../table.js';
import { gradeFiles, type Bank, type Gradebook } from '../../quiz/index.js';
import { quoteInput } from '../../quiz/quote.js';
import { resolveBank } from './bank-arg.js';
import { displayPath } from '../paths.js';
import { gradeAssignment, type AssignmentGradeOptions } from './grade-assignment.js';

const SUBMISSION_FILE = /\.(json|ya?ml)$/i;
/** With --assignment a submission may also be a saved notebook. */
const ASSIGNMENT_SUBMISSION_FILE = /\.(json|ya?ml|ipynb)$/i;

interface GradeOptions extends AssignmentGradeOptions {
  bank?: string;
  out?: string;
  json?: boolean;
}

/**
 * Submission files named by the user: files as given, folders' *.json / *.yaml / *.yml (and *.ipynb with
 * --assignment) sorted by name. A folder's sub-folders, FIFOs and devices are skipped; a link that leads
 * nowhere (dangling, a loop) is kept, so grading rejects it with its reason instead of the whole run stopping.
 */
export function submissionFiles(io: CliIO, paths: readonly string[], pattern: RegExp = SUBMISSION_FILE): { path: string; display: string }[] {
  const out: { path: string; display: string }[] = [];
  for (const path of paths) {
    const absolute = resolve(io.cwd, path);
    if (!existsSync(absolute) && !isLink(absolute)) throw new UsageError(`no such submission file or folder ${quoteInput(path)}`);
    if (isFolder(absolute)) {
      const files = readdirSync(absolute).filter((f) => pattern.test(f)).sort();
      for (const f of files) {
        const file = join(absolute, f);
        const stats = statOrUndefined(file);
        if (stats === undefined || stats.isFile()) out.push({ path: file, display: displayPath(io, file) });
      }
    } else {
      out.push({ path: absolute, display: displayPath(io, absolute) });
    }
  }
  // A file named twice (on its own and inside a folder given too) is graded once.
  const seen = new Set<string>();
  return out.filter((f) => {
    const real = realOrSelf(f.path);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function isFolder(path: string): boolean {
  return statOrUndefined(path)?.isDirectory() ?? false;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Refuses an --out that would replace an input (a submission, a folder given, the bank file). */
function checkOut(io: CliIO, out: string, inputs: readonly string[], folders: readonly string[], bank: Bank): string {
  const target = resolve(io.cwd, out);
  const real = realOrSelf(target);
  if (isFolder(target)) throw new UsageError(`--out '${out}' is a folder; give a file name such as gradebook.csv`);
  const taken = [...inputs, ...folders, resolve(io.cwd, bank.file)].map(realOrSelf);
  if (taken.includes(real)) throw new UsageError(`--out '${out}' would overwrite an input file; choose another name such as gradebook.csv`);
  if (SUBMISSION_FILE.test(target)) throw new UsageError(`--out '${out}' looks like a submission (.json/.yaml); the gradebook is CSV: use a .csv name`);
  return target;
}

export function gradebookCsv(bank: Bank, book: Gradebook): string {
  const ids = bank.questions.map((q) => q.id);
  const rows = book.results.map((r) => [r.student, ...ids.map((id) => r.questions[id]!.score), r.score]);
  return stringify([['student', ...ids, 'total'], ...rows]);
}

export const registerGrade: RegisterCommand = (program, ctx) => {
  program
    .command('grade')
    .description('grade submission files (JSON or YAML; saved notebooks with --assignment) against a bank or an assignment; exit 1 when any was rejected')
    .argument('<submissions...>', 'submission files or folders of them')
    .option('--bank <BANK>', 'a bank id under quizzes/ or a path to a bank file')
    .option('--assignment <SRC>', 'an assignment folder (assignment.yaml); submissions may be saved notebooks (.ipynb)')
    .option('--out <file>', 'also write the gradebook CSV (one row a student, one column a question, then total); with --format gradescope, the results.json')
    .option('--feedback <dir>', 'with --assignment: write one feedback page a student (Markdown and HTML) into this folder')
    .option('--solutions', "with --assignment: show the solutions in feedback (as the manifest's solutions: released)")
    .option('--format <format>', 'with --assignment: table (default) or gradescope (results.json for one submission)')
    .option('--json', 'print one JSON document')
    .action((paths: string[], options: GradeOptions) => {
      const { io } = ctx;
      if (options.assignment !== undefined) {
        if (options.bank !== undefined) throw new UsageError('give --bank or --assignment, not both');
        gradeAssignment(ctx, paths, options, () => submissionFiles(io, paths, ASSIGNMENT_SUBMISSION_FILE));
        return;
      }
      for (const flag of ['feedback', 'solutions', 'format'] as const) {
        if (options[flag] !== undefined) throw new UsageError(`--${flag} needs --assignment (an assignment folder)`);
      }
      if (options.bank === undefined) throw new UsageError('--bank is required: a bank id under quizzes/ or a bank file');
      const bank = resolveBank(io, options.bank);
      const files = submissionFiles(io, paths);
      const folders = paths.map((p) => resolve(io.cwd, p)).filter(isFolder);
      const out = options.out === undefined ? undefined : checkOut(io, options.out, files.map((f) => f.path), folders, bank);
      // The output is checked and locked before the class is graded, so a missing folder or a second
      // grader writing the same file is said at once, not after the work.
      const lock = out === undefined ? undefined : lockOutput(out, `--out '${options.out}'`, (text) => io.stderr(`kvlab: note: ${text}\n`));
      let book: Gradebook;
      try {
        // One file needs no bar.
        const bar = files.length > 1 ? startProgress(io, files.length, 'grading [{bar}] {value}/{total}', options.json) : undefined;
        book = gradeFiles(bank, files, (done) => bar?.update(done));
        bar?.stop();
        lock?.write(gradebookCsv(bank, book));
      } finally {
        lock?.release();
      }
      if (options.json) {
        printJson(io, {
          bank: book.bank,
          results: book.results.map((r) => ({
            student: r.student,
            file: r.file,
            score: r.score,
            max: r.max,
            questions: Object.fromEntries(
              Object.entries(r.questions).map(([id, q]) => [id, { score: q.score, max: q.max, correct: q.correct, feedback: q.feedback }]),
            ),
          })),
          rejected: book.rejected,
        });
      } else {
        printTable(io, bank, book, out);
      }
      if (book.rejected.length > 0) ctx.setExitCode(EXIT.rejected);
    });
};

function printTable(io: CliIO, bank: Bank, book: Gradebook, out: string | undefined): void {
  io.stdout(`bank ${bank.id}: ${bank.title}\n`);
  if (book.results.length > 0) {
    const table = plainTable(['student', 'score', 'max', '%', 'answered', 'file']);
    for (const r of book.results) {
      const answered = Object.values(r.questions).filter((q) => q.status !== 'unanswered').length;
      const percent = r.max > 0 ? ((100 * r.score) / r.max).toFixed(1) : '0.0';
      table.push([r.student, r.score, r.max, percent, `${answered}/${bank.questions.length}`, r.file]);
    }
    io.stdout(`${table.toString()}\n`);
  }
  for (const r of book.rejected) io.stdout(`rejected ${r.file}: ${r.reason}\n`);
  io.stdout(`graded ${book.results.length}, rejected ${book.rejected.length}\n`);
  if (out !== undefined) io.stdout(`gradebook written to ${displayPath(io, out)}\n`);
}
