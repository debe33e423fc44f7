/**
 * Grading an assignment: each submission (a saved notebook, or a JSON/YAML file of answers) is read as
 * data, checked (locked cells unchanged, outputs present, one student id, not a second file for a
 * student), and its recorded answers and function results graded against the private banks and the
 * exercises' expected values. Nothing from a submission is ever run.
 */
import { answerKey } from '../quiz/variant.js';
import { gradeAnswer } from '../quiz/grade.js';
import { parseSubmissionText, SubmissionError } from '../quiz/submission.js';
import { isPlainMap, round4 } from '../quiz/question-types/common.js';
import { studentSeed } from '../quiz/student-seed.js';
import { formatNumber } from '../quiz/template.js';
import type { AnswerKey, QuestionResult } from '../quiz/types.js';
import { exerciseCases, type RecordedCase } from './exercise.js';
import { expectedValue, isExpected, type AssignmentSource, type SourceExercise, type SourceQuestion } from './manifest.js';
import { notebookRecords } from './records.js';
import { buildRelease, type ReleaseManifest } from './release.js';
import { parseNotebook, sha256, NotebookError } from './notebook.js';
import { codeSpan, escapeMarkdownHtml } from './markdown.js';
import { InputFileError, readInputText } from '../quiz/input-file.js';

/** A notebook may carry charts; far above any honest one, and it keeps a stray file from being parsed at length. */
export const MAX_NOTEBOOK_BYTES = 16 << 20;
const STUDENT_ID = /^(?!\.)[A-Za-z0-9._-]{1,64}$/;

/** How an item was graded; 'not-graded' is an answer of the wrong shape (the reason is given). */
export type ItemStatus = 'correct' | 'partial' | 'incorrect' | 'unanswered' | 'not-graded';

/** The quiz grader's status as an item status (it calls a wrong-shape answer 'invalid' or 'not-graded'). */
function itemStatus(status: string): ItemStatus {
  return status === 'correct' || status === 'partial' || status === 'incorrect' || status === 'unanswered' ? status : 'not-graded';
}

export interface CaseResult {
  args: number[];
  /** What the student's function gave (a value, or the error it threw). */
  got: string;
  ok: boolean;
  /** Only shown when solutions are released. */
  expected: number;
}

export interface ItemResult {
  id: string;
  kind: 'question' | 'exercise';
  score: number;
  max: number;
  status: ItemStatus;
  /** Markdown a student may see once grades are out: the verdict, the score and any matched feedback. */
  feedback: string;
  /** Markdown: the worked solution and the key; shown only when the instructor releases solutions. */
  solution?: string;
  /** Exercises: each seeded case. */
  cases?: CaseResult[];
}

export interface AssignmentResult {
  student: string;
  seed: number;
  file: string;
  score: number;
  max: number;
  items: ItemResult[];
}

export interface AssignmentGradebook {
  assignment: string;
  title: string;
  results: AssignmentResult[];
  rejected: { file: string; reason: string }[];
}

const VERDICT: Record<ItemStatus, string> = {
  correct: 'Correct.',
  partial: 'Partly correct.',
  incorrect: 'Incorrect.',
  unanswered: 'Not answered.',
  'not-graded': 'Not graded',
};

function verdictLine(status: ItemStatus, score: number, max: number, reason?: string): string {
  const head = status === 'not-graded' ? `Not graded: ${escapeMarkdownHtml(reason ?? '')}.` : VERDICT[status];
  return `${head} Score ${formatNumber(score)}/${formatNumber(max)}.`;
}

/** The key of a variant as one line of Markdown. */
function keyText(key: AnswerKey): string {
  switch (key.type) {
    case 'numeric':
      return `${formatNumber(key.answer)}${key.unit ? ` ${key.unit}` : ''}`;
    case 'text':
      return key.accept.map((a) => `\`${a}\``).join(' or ');
    case 'scenario':
      return Object.entries(key.answer)
        .map(([part, k]) => `${part}: ${keyText(k)}`)
        .join('; ');
    default:
      return `\`${JSON.stringify(key.answer)}\``;
  }
}

/**
 * The grader's feedback is `verdict`, then matched feedback, then the explanation. The explanation alone
 * is what an unanswered grade says after its verdict, so it can be split off and kept for the solutions.
 * (The question-type verdict, once on main, holds these apart and replaces this.)
 */
function splitFeedback(q: SourceQuestion, result: QuestionResult, seed: number): { notes: string[]; explanation: string } {
  const rest = (feedback: string) => feedback.split('\n\n').slice(1).join('\n\n');
  const explanation = rest(gradeAnswer(q.bank, q.id, undefined, seed).feedback);
  if (result.parts !== undefined) {
    const notes = Object.entries(result.parts).map(([id, part]) => `- **${id}**: ${verdictLine(itemStatus(part.status), part.score, part.max, part.reason)}`);
    return { notes: [notes.join('\n')], explanation };
  }
  let body = rest(result.feedback);
  if (explanation !== '' && body.endsWith(explanation)) body = body.slice(0, body.length - explanation.length).trim();
  return { notes: body === '' ? [] : [body], explanation };
}

function gradeQuestion(q: SourceQuestion, answer: unknown, seed: number): ItemResult {
  const result = gradeAnswer(q.bank, q.id, answer, seed);
  const score = result.max > 0 ? round4((result.score / result.max) * q.points) : 0;
  const { notes, explanation } = splitFeedback(q, result, seed);
  const solution = [`**Answer:** ${keyText(answerKey(q.bank, q.id, seed))}`, ...(explanation ? [explanation] : [])].join('\n\n');
  return {
    id: q.id,
    kind: 'question',
    score,
    max: q.points,
    status: itemStatus(result.status),
    feedback: [verdictLine(itemStatus(result.status), score, q.points, result.reason), ...notes].join('\n\n'),
    solution,
  };
}

function describeGot(c: RecordedCase | undefined): string {
  if (c === undefined) return 'not recorded';
  if (c.error !== undefined) return `error: ${c.error}`;
  return JSON.stringify(c.value) ?? 'nothing';
}

function gradeExercise(assignmentId: string, e: SourceExercise, recorded: RecordedCase[] | undefined, seed: number, unlocked = false): ItemResult {
  if (recorded === undefined) {
    const why = unlocked
      ? `Its results were recorded by a cell of your own, not by the locked check cell; run the locked cell \`hw.check('${e.id}', ${e.function})\`.`
      : `The check cell \`hw.check('${e.id}', ${e.function})\` was not run.`;
    return { id: e.id, kind: 'exercise', score: 0, max: e.points, status: 'unanswered', feedback: `${verdictLine('unanswered', 0, e.points)} ${why}` };
  }
  const cases = exerciseCases(assignmentId, e, seed).map((args, i): CaseResult => {
    const got = recorded[i];
    const sameArgs = got !== undefined && got.args.length === args.length && got.args.every((a, j) => a === args[j]);
    const ok = sameArgs && got.error === undefined && typeof got.value === 'number' && isExpected(e, args, got.value);
    return { args, got: sameArgs ? describeGot(got) : got === undefined ? 'not recorded' : 'recorded for other inputs', ok, expected: expectedValue(e, args) };
  });
  const passed = cases.filter((c) => c.ok).length;
  const score = round4((passed / cases.length) * e.points);
  const status: ItemStatus = passed === cases.length ? 'correct' : passed > 0 ? 'partial' : 'incorrect';
  const foreign = cases.some((c) => c.got === 'recorded for other inputs');
  const lines = cases.map((c) => `- ${c.ok ? '✓' : '✗'} \`${e.function}(${c.args.join(', ')})\` gave ${codeSpan(c.got)}`);
  const feedback = [
    verdictLine(status, score, e.points),
    `${passed} of ${cases.length} cases right.${foreign ? ' Some results were recorded for inputs that are not yours: run the check cell again with your own student id.' : ''}`,
    lines.join('\n'),
  ].join('\n\n');
  const solution = cases.map((c) => `- \`${e.function}(${c.args.join(', ')})\` = ${formatNumber(c.expected)}`).join('\n');
  return { id: e.id, kind: 'exercise', score, max: e.points, status, feedback, solution: `**Expected values:**\n\n${solution}`, cases };
}

/** Grades one student's answers and function results (already read from their file). */
export function gradeRecorded(
  source: AssignmentSource,
  student: string,
  answers: ReadonlyMap<string, unknown>,
  checks: ReadonlyMap<string, RecordedCase[]>,
  file: string,
  unlockedChecks: ReadonlySet<string> = new Set(),
): AssignmentResult {
  const seed = studentSeed(student);
  const items = [
    ...source.questions.map((q) => gradeQuestion(q, answers.get(q.id), seed)),
    ...source.exercises.map((e) => gradeExercise(source.id, e, checks.get(e.id), seed, unlockedChecks.has(e.id))),
  ];
  return {
    student,
    seed,
    file,
    score: round4(items.reduce((s, i) => s + i.score, 0)),
    max: round4(items.reduce((s, i) => s + i.max, 0)),
    items,
  };
}

/** Why a notebook's locked cells do not match the release, or undefined when they all do. */
function lockedProblem(manifest: ReleaseManifest, saved: ReadonlyMap<string, string[]>): string | undefined {
  // The submission is the released notebook whose locked cells it holds.
  const notebook = manifest.notebooks.find((nb) => nb.locked.some((l) => saved.has(l.cell))) ?? (manifest.notebooks.length === 1 ? manifest.notebooks[0] : undefined);
  if (!notebook) return 'none of the assignment\'s locked cells are in it: hand in the notebook of the assignment, with its cells as given';
  for (const [i, locked] of notebook.locked.entries()) {
    const copies = saved.get(locked.cell) ?? [];
    const where = `locked cell ${i + 1} (${locked.cell})`;
    if (copies.length === 0) return `${where} was deleted; start again from the released notebook`;
    if (copies.length > 1) return `${where} appears ${copies.length} times; keep only the one from the released notebook`;
    if (sha256(copies[0]!) !== locked.sha256) return `${where} was changed (its checksum differs from the release); restore it as released`;
  }
  return undefined;
}

/** Reads one submission file into the student's answers, or throws SubmissionError with the reason. */
export function readAssignmentSubmission(
  source: AssignmentSource,
  manifest: ReleaseManifest,
  path: string,
): { student: string; answers: Map<string, unknown>; checks: Map<string, RecordedCase[]>; unlockedChecks?: Set<string> } {
  const isNotebook = path.toLowerCase().endsWith('.ipynb');
  const limit = isNotebook ? MAX_NOTEBOOK_BYTES : 1 << 20;
  // Only a regular file (a FIFO or a device would block), within the limit, in strict UTF-8.
  let text: string;
  try {
    text = readInputText(path, 'a submission', limit);
  } catch (error) {
    if (error instanceof InputFileError) throw new SubmissionError(error.message);
    throw error;
  }
  if (!isNotebook) {
    const data = parseSubmissionText(text, path.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
    if (!isPlainMap(data)) throw new SubmissionError('a submission must be a map with student, assignment and answers');
    if (data.assignment !== source.id) throw new SubmissionError(`it is for assignment ${typeof data.assignment === 'string' ? `'${data.assignment.slice(0, 70)}'` : '(none given)'}, not '${source.id}'`);
    const student = data.student;
    if (typeof student !== 'string' || !STUDENT_ID.test(student)) throw new SubmissionError('no valid student id: it must be 1-64 of A-Z a-z 0-9 . _ - and not start with a dot');
    const answers = data.answers ?? {};
    if (!isPlainMap(answers)) throw new SubmissionError('answers must be a map {questionId: answer}');
    return { student, answers: new Map(Object.entries(answers)), checks: new Map() };
  }
  let nb;
  try {
    nb = parseNotebook(text, 'the notebook');
  } catch (error) {
    if (error instanceof NotebookError) throw new SubmissionError(error.message.replace(/^the notebook: /, ''));
    throw error;
  }
  const records = notebookRecords(nb, source.id);
  const locked = lockedProblem(manifest, records.locked);
  if (locked !== undefined) throw new SubmissionError(locked);
  if (records.cellsWithOutputs === 0) throw new SubmissionError('the notebook was saved without outputs: run every cell (Run All), save, and hand it in again');
  if (records.students.size === 0) {
    if (records.otherAssignments.size > 0) throw new SubmissionError(`its answers are for assignment '${[...records.otherAssignments][0]!.slice(0, 70)}', not '${source.id}'`);
    throw new SubmissionError('no student id recorded: the cell that opens the assignment with your id did not run; run all cells and save');
  }
  if (records.students.size > 1) throw new SubmissionError(`its answers name several students (${[...records.students].map((s) => `'${s.slice(0, 40)}'`).join(', ')}); one notebook is one student's`);
  const student = [...records.students][0]!;
  if (!STUDENT_ID.test(student)) throw new SubmissionError(`the student id '${student.slice(0, 40)}' is not valid (1-64 of A-Z a-z 0-9 . _ -)`);
  return { student, answers: records.answers, checks: records.checks, unlockedChecks: records.unlockedChecks };
}

function isFsError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** Grades files in the order given; a bad file is rejected with its reason and never stops the others. */
export function gradeAssignmentFiles(
  source: AssignmentSource,
  files: readonly { path: string; display: string }[],
  onProgress?: (done: number) => void,
): AssignmentGradebook {
  const manifest = buildRelease(source).manifest;
  const book: AssignmentGradebook = { assignment: source.id, title: source.title, results: [], rejected: [] };
  const byStudent = new Map<string, string>();
  files.forEach(({ path, display }, i) => {
    try {
      const { student, answers, checks, unlockedChecks } = readAssignmentSubmission(source, manifest, path);
      const earlier = byStudent.get(student);
      if (earlier !== undefined) throw new SubmissionError(`student '${student}' was already graded from ${earlier}`);
      byStudent.set(student, display);
      book.results.push(gradeRecorded(source, student, answers, checks, display, unlockedChecks));
    } catch (error) {
      if (error instanceof SubmissionError) book.rejected.push({ file: display, reason: error.message });
      else if (isFsError(error)) book.rejected.push({ file: display, reason: `cannot be read (${error.code})` });
      else throw error;
    }
    onProgress?.(i + 1);
  });
  return book;
}
