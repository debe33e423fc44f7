/**
 * kvlab grade --assignment SRC SUBMISSION…: grades saved notebooks (and JSON/YAML answer files) against an
 * assignment: a table or JSON, the gradebook CSV (--out), feedback pages (--feedback DIR), or Gradescope's
 * results.json (--format gradescope). Submissions are read as data; nothing in them is run.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { relative, resolve, isAbsolute } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { CommandContext } from '../command.js';
import { printJson } from '../io.js';
import { startProgress } from '../progress.js';
import { lockOutput } from '../output-file.js';
import { EXIT, UsageError } from '../errors.js';
import { plainTable } from '../table.js';
import { gradeAssignmentFiles, type AssignmentGradebook } from '../../assignment/grade.js';
import { writeFeedback } from '../../assignment/feedback.js';
import { gradescopeResults } from '../../assignment/gradescope.js';
import type { AssignmentSource } from '../../assignment/manifest.js';
import { resolveAssignment } from './assignment.js';
import { displayPath } from '../paths.js';
import { quoteInput } from '../../quiz/quote.js';
import { count } from '../count.js';

export interface AssignmentGradeOptions {
  assignment?: string;
  feedback?: string;
  solutions?: boolean;
  format?: string;
  out?: string;
  json?: boolean;
}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function realOrSelf(path: string): string {
  return existsSync(path) ? realpathSync(path) : path;
}

export function assignmentGradebookCsv(source: AssignmentSource, book: AssignmentGradebook): string {
  const ids = [...source.questions.map((q) => q.id), ...source.exercises.map((e) => e.id)];
  const rows = book.results.map((r) => [r.student, ...ids.map((id) => r.items.find((i) => i.id === id)!.score), r.score]);
  return stringify([['student', ...ids, 'total'], ...rows]);
}

/** `listFiles` is called after the assignment and the flags are checked, so their problems are told first. */
export function gradeAssignment(ctx: CommandContext, paths: readonly string[], options: AssignmentGradeOptions, listFiles: () => { path: string; display: string }[]): void {
  const { io } = ctx;
  const source = resolveAssignment(io, options.assignment!);
  const format = options.format ?? 'table';
  if (format !== 'table' && format !== 'gradescope') throw new UsageError(`--format '${format}' is not known; use table or gradescope`);
  const files = listFiles();
  const inputs = [...files.map((f) => realOrSelf(f.path)), ...paths.map((p) => realOrSelf(resolve(io.cwd, p)))];
  const srcDir = realpathSync(source.dir);

  let out: string | undefined;
  if (options.out !== undefined) {
    out = resolve(io.cwd, options.out);
    if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out '${options.out}' is a folder; give a file name`);
    if (inputs.includes(realOrSelf(out)) || inside(srcDir, realOrSelf(out))) throw new UsageError(`--out '${options.out}' would overwrite an input or write into the assignment folder; choose another name`);
    const wanted = format === 'gradescope' ? /\.json$/i : /\.csv$/i;
    if (!wanted.test(out)) throw new UsageError(`--out '${options.out}': ${format === 'gradescope' ? 'Gradescope reads results.json: use a .json name' : 'the gradebook is CSV: use a .csv name'}`);
  }
  let feedbackDir: string | undefined;
  if (options.feedback !== undefined) {
    feedbackDir = resolve(io.cwd, options.feedback);
    if (inside(srcDir, realOrSelf(feedbackDir))) throw new UsageError(`--feedback '${options.feedback}' is inside the assignment folder; write feedback elsewhere`);
    if (existsSync(feedbackDir) && !statSync(feedbackDir).isDirectory()) throw new UsageError(`--feedback '${options.feedback}' is a file; give a folder`);
  }
  if (files.length === 0 && format !== 'gradescope') throw new UsageError('no submission files (.ipynb, .json, .yaml) in the paths given');
  // Gradescope's results.json is one student's: grading one of several files and dropping the rest unseen
  // would lose work, so several are refused before anything is graded.
  if (format === 'gradescope' && files.length > 1) {
    const shown = files.slice(0, 3).map((f) => quoteInput(f.display)).join(', ') + (files.length > 3 ? ', …' : '');
    throw new UsageError(`--format gradescope grades one student's upload, but ${files.length} submission files were given (${shown}); give one file, or leave out --format gradescope to grade the class`);
  }

  // As kvlab grade --bank: the output is checked and locked before the class is graded (a missing folder
  // or a second grader on the same file is refused up front), written atomically, and a write failure is
  // one line.
  const lock = out === undefined ? undefined : lockOutput(out, `--out '${options.out}'`, (text) => io.stderr(`kvlab: note: ${text}\n`));
  let book: AssignmentGradebook;
  let results: ReturnType<typeof gradescopeResults> | undefined;
  const withSolutions = options.solutions === true || source.solutions === 'released';
  try {
    const bar = files.length > 1 && format === 'table' ? startProgress(io, files.length, 'grading [{bar}] {value}/{total}', options.json) : undefined;
    book = gradeAssignmentFiles(source, files, (done) => bar?.update(done));
    bar?.stop();
    if (format === 'gradescope') results = gradescopeResults(book, withSolutions);
    lock?.write(results !== undefined ? `${JSON.stringify(results, null, 2)}\n` : assignmentGradebookCsv(source, book));
  } finally {
    lock?.release();
  }

  if (results !== undefined) {
    if (out === undefined) printJson(io, results);
    if (out !== undefined && !options.json) io.stdout(`results for Gradescope written to ${displayPath(io, out)} (score ${results.score})\n`);
    if (book.rejected.length > 0) ctx.setExitCode(EXIT.rejected);
    return;
  }

  const pages = feedbackDir === undefined ? [] : writeFeedback(book, feedbackDir, withSolutions);
  if (options.json) {
    printJson(io, {
      assignment: book.assignment,
      results: book.results.map((r) => ({
        student: r.student,
        file: r.file,
        score: r.score,
        max: r.max,
        items: Object.fromEntries(r.items.map((i) => [i.id, { kind: i.kind, score: i.score, max: i.max, status: i.status, feedback: i.feedback }])),
      })),
      rejected: book.rejected,
    });
  } else {
    io.stdout(`assignment ${source.id}: ${source.title}\n`);
    if (book.results.length > 0) {
      const table = plainTable(['student', 'score', 'max', '%', 'answered', 'file']);
      for (const r of book.results) {
        const answered = r.items.filter((i) => i.status !== 'unanswered').length;
        table.push([r.student, r.score, r.max, r.max > 0 ? ((100 * r.score) / r.max).toFixed(1) : '0.0', `${answered}/${r.items.length}`, r.file]);
      }
      io.stdout(`${table.toString()}\n`);
    }
    for (const r of book.rejected) io.stdout(`rejected ${r.file}: ${r.reason}\n`);
    io.stdout(`graded ${book.results.length}, rejected ${book.rejected.length}\n`);
    if (out !== undefined) io.stdout(`gradebook written to ${displayPath(io, out)}\n`);
    if (feedbackDir !== undefined) io.stdout(`feedback: ${count(pages.length / 2, 'page')} (Markdown and HTML) in ${displayPath(io, feedbackDir)}${withSolutions ? ', with solutions' : ', solutions not shown'}\n`);
  }
  if (book.rejected.length > 0) ctx.setExitCode(EXIT.rejected);
}
