/**
 * kvlab lint [PATH…]: validates bank files (default quizzes/) and assignment folders. Every problem of every file is listed,
 * one line each as file:line:col, then exit 2; a clean run prints a summary and exits 0, after any warnings
 * (answer-length bias, src/quiz/lint/answer-length.ts; the question types' own, src/quiz/lint/type-warnings.ts)
 * on stderr.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RegisterCommand } from '../command.js';
import type { CliIO } from '../io.js';
import { printJson } from '../io.js';
import { EXIT, UsageError } from '../errors.js';
import { displayPath } from '../paths.js';
import { bankFiles, checkBanks, type Bank } from '../../quiz/index.js';
import { answerLengthWarnings } from '../../quiz/lint/answer-length.js';
import { questionTypeWarnings } from '../../quiz/lint/type-warnings.js';
import { checkAssignment, isAssignmentDir } from '../../assignment/manifest.js';
import { count } from '../count.js';

/** Bank files named by the user's paths (files, or folders of *.yaml / *.yml). */
export function bankPaths(io: CliIO, paths: readonly string[]): { file: string; display: string }[] {
  const out: { file: string; display: string }[] = [];
  for (const path of paths) {
    const absolute = resolve(io.cwd, path);
    if (!existsSync(absolute)) throw new UsageError(`no such file or folder '${path}'; give bank files or folders of them`);
    const files = statSync(absolute).isDirectory() ? bankFiles(absolute) : [absolute];
    if (files.length === 0) throw new UsageError(`'${path}' holds no bank files (*.yaml, *.yml)`);
    for (const file of files) out.push({ file, display: displayPath(io, file) });
  }
  return out;
}

export const registerLint: RegisterCommand = (program, ctx) => {
  program
    .command('lint')
    .description('validate question banks (default quizzes/) and assignment folders: every problem with file:line:col')
    .argument('[paths...]', 'bank files, folders of them, or assignment folders', ['quizzes'])
    .option('--json', 'print one JSON document: {banks, problems}')
    .action((paths: string[], options: { json?: boolean }) => {
      const { io } = ctx;
      // A folder holding assignment.yaml is an assignment: its manifest, banks and notebooks are checked.
      const assignmentArgs = paths.filter((p) => isAssignmentDir(resolve(io.cwd, p)));
      const bankArgs = paths.filter((p) => !assignmentArgs.includes(p));
      const files = bankArgs.length > 0 ? bankPaths(io, bankArgs) : [];
      const { banks, problems } = checkBanks(files);
      const badBankFiles = new Set(problems.map((p) => p.replace(/:\d+:\d+: .*$/, ''))).size;
      const assignments = assignmentArgs.map((p) => checkAssignment(resolve(io.cwd, p), displayPath(io, resolve(io.cwd, p))));
      for (const a of assignments) problems.push(...a.problems);
      const valid = assignments.flatMap((a) => (a.assignment ? [a.assignment] : []));
      // Warnings (answer-length bias, a reversed numeric feedback range) never fail the run; they are
      // printed once the banks are valid.
      const warnings = problems.length > 0 ? [] : [...answerLengthWarnings(banks), ...questionTypeWarnings(banks)];
      if (options.json) {
        const assignmentSummaries = valid.map((a) => ({ assignment: a.id, questions: a.questions.length, exercises: a.exercises.length, notebooks: a.notebooks.length }));
        printJson(io, { banks: banks.map(summary), ...(assignmentArgs.length > 0 ? { assignments: assignmentSummaries } : {}), problems, warnings });
      } else if (problems.length > 0) {
        for (const problem of problems) io.stderr(`${problem}\n`);
        const bad = badBankFiles + assignments.filter((a) => a.problems.length > 0).length;
        const total = files.length + assignments.length;
        const noun = assignments.length > 0 ? 'files and assignments' : total === 1 ? 'file' : 'files';
        io.stderr(`kvlab lint: ${count(problems.length, 'problem')} in ${bad} of ${total} ${noun}\n`);
      } else {
        for (const bank of banks) {
          const s = summary(bank);
          io.stdout(`${bank.file}: ${bank.id}: ${count(s.questions, 'question')}, ${count(s.points, 'point')} (${Object.entries(s.types).map(([t, n]) => `${n} ${t}`).join(', ')})\n`);
        }
        for (const a of valid) {
          io.stdout(`${displayPath(io, a.dir)}: assignment ${a.id}: ${count(a.questions.length, 'question')}, ${count(a.exercises.length, 'code exercise')}, ${count(a.notebooks.length, 'notebook')}\n`);
        }
        for (const warning of warnings) io.stderr(`${warning}\n`);
        const checked = [...(files.length > 0 || valid.length === 0 ? [count(banks.length, 'bank')] : []), ...(valid.length > 0 ? [count(valid.length, 'assignment')] : [])];
        io.stdout(`kvlab lint: ${checked.join(' and ')} valid${warnings.length > 0 ? `, ${count(warnings.length, 'warning')}` : ''}\n`);
      }
      if (problems.length > 0) ctx.setExitCode(EXIT.usage);
    });
};

function summary(bank: Bank) {
  const types: Record<string, number> = {};
  for (const q of bank.questions) types[q.type] = (types[q.type] ?? 0) + 1;
  return {
    bank: bank.id,
    file: bank.file,
    questions: bank.questions.length,
    points: bank.questions.reduce((sum, q) => sum + q.points, 0),
    types,
  };
}
