/**
 * kvlab grade --bank BANK SUBMISSION… [--out gradebook.csv] [--json]: grades submission files (JSON or
 * YAML) against a bank. Rejected files are reported and give exit 1; the gradebook CSV is written
 * atomically and never over a submission, an input or the bank.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import writeFileAtomic from 'write-file-atomic';
import type { RegisterCommand } from '../command.js';
import type { CliIO } from '../io.js';
import { printJson } from '../io.js';
import { startProgress } from '../progress.js';
import { EXIT, UsageError } from '../errors.js';
import { plainTable } from '../table.js';
import { gradeFiles, type Bank, type Gradebook } from '../../quiz/index.js';
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

/** Submission files named by the user: files as given, folders' *.json / *.yaml / *.yml (and *.ipynb with --assignment) sorted by name. */
export function submissionFiles(io: CliIO, paths: readonly string[], pattern: RegExp = SUBMISSION_FILE): { path: string; display: string }[] {
  const out: { path: string; display: string }[] = [];
  for (const path of paths) {
    const absolute = resolve(io.cwd, path);
    if (!existsSync(absolute)) throw new UsageError(`no such submission file or folder '${path}'`);
    if (statSync(absolute).isDirectory()) {
      const files = readdirSync(absolute).filter((f) => pattern.test(f)).sort();
      for (const f of files) {
        const file = join(absolute, f);
        if (statSync(file).isFile()) out.push({ path: file, display: displayPath(io, file) });
      }
    } else {
      out.push({ path: absolute, display: displayPath(io, absolute) });
    }
  }
  // A file named twice (on its own and inside a folder given too) is graded once.
  const seen = new Set<string>();
  return out.filter((f) => {
    const real = realpathSync(f.path);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

/** Refuses an --out that would replace an input (a submission, a folder given, the bank file). */
function checkOut(io: CliIO, out: string, inputs: readonly string[], folders: readonly string[], bank: Bank): string {
  const target = resolve(io.cwd, out);
  const real = existsSync(target) ? realpathSync(target) : target;
  if (existsSync(target) && statSync(target).isDirectory()) throw new UsageError(`--out '${out}' is a folder; give a file name such as gradebook.csv`);
  const taken = [...inputs, ...folders, resolve(io.cwd, bank.file)].map((p) => (existsSync(p) ? realpathSync(p) : p));
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
      const folders = paths.map((p) => resolve(io.cwd, p)).filter((p) => statSync(p).isDirectory());
      const out = options.out === undefined ? undefined : checkOut(io, options.out, files.map((f) => f.path), folders, bank);

      // One file needs no bar.
      const bar = files.length > 1 ? startProgress(io, files.length, 'grading [{bar}] {value}/{total}', options.json) : undefined;
      const book = gradeFiles(bank, files, (done) => bar?.update(done));
      bar?.stop();

      if (out !== undefined) writeFileAtomic.sync(out, gradebookCsv(bank, book));
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
