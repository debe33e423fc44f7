/**
 * The student's side of an assignment, for the released notebook (tslab):
 *
 *     const hw = kv.openAssignment({ student: STUDENT, display: tslab.display });
 *     hw.show('kv-bytes');                        // the question, with this student's numbers
 *     hw.answer('kv-bytes', 268435456);           // records the answer
 *     hw.check('window-bytes', windowBytes);      // calls the student's function on their cases, records the results
 *
 * Each record is a display output with the kvlab MIME type, so the saved notebook is the submission. The
 * self-check says whether an answer is well-formed and recorded, and the result of the public examples;
 * never whether an answer is right (the copy holds no key to say it with).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderQuestionMarkdown } from '../quiz/markdown.js';
import { studentSeed } from '../quiz/student-seed.js';
import { formatNumber } from '../quiz/template.js';
import type { QuestionVariant } from '../quiz/types.js';
import { answerShapeProblem, keylessVariant } from './keyless.js';
import { exerciseCases, type RecordedCase } from './exercise.js';
import { RECORD_MIME, type AssignmentRecord } from './records.js';
import { RELEASE_FILE, RELEASE_FORMAT, buildRelease, type ReleaseManifest } from './release.js';
import { ASSIGNMENT_FILE, loadAssignment } from './manifest.js';
import { withinTolerance } from '../quiz/grade.js';
import { callStudent } from '../course/student.js';
import { codeSpan } from './markdown.js';

/** What the notebook passes in: tslab.display (or anything with the same two calls). */
export interface AssignmentDisplay {
  raw(contentType: string, data: string): void;
  markdown(text: string): void;
}

export interface OpenAssignmentOptions {
  /** The student's id (a student number, or the id the course gives); it picks the variants. */
  student: string | number;
  display: AssignmentDisplay;
  /** The folder holding assignment.json (default: the notebook's folder, the kernel's working folder). */
  dir?: string;
}

const STUDENT_ID = /^(?!\.)[A-Za-z0-9._-]{1,64}$/;

/** Reads the release manifest; in the instructor's source folder, builds it from assignment.yaml. */
function readManifest(dir: string): ReleaseManifest {
  const file = join(dir, RELEASE_FILE);
  if (existsSync(file)) {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as ReleaseManifest;
    if (manifest.format !== RELEASE_FORMAT) throw new Error(`${file} is not a kvlab assignment (format ${String(manifest.format)})`);
    return manifest;
  }
  if (existsSync(join(dir, ASSIGNMENT_FILE))) return buildRelease(loadAssignment(dir)).manifest;
  throw new Error(`no ${RELEASE_FILE} in ${dir}: open the notebook from the assignment's folder`);
}

function count(n: number, noun: string): string {
  return `${formatNumber(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** A value a record can hold as JSON (numbers must be finite; anything else is described). */
function recordable(value: unknown): { value: unknown } | { error: string } {
  if (typeof value === 'number') return Number.isFinite(value) ? { value } : { error: `returned ${value}, not a finite number` };
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return { value };
  return { error: `returned ${value === undefined ? 'undefined' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a number` };
}

export class StudentAssignment {
  readonly student: string;
  readonly seed: number;
  readonly manifest: ReleaseManifest;
  private readonly display: AssignmentDisplay;

  constructor(options: OpenAssignmentOptions) {
    const student = String(options.student).trim();
    if (!STUDENT_ID.test(student)) {
      throw new Error(`set your student id first: '${student.slice(0, 40)}' is not one (1-64 of A-Z a-z 0-9 . _ -)`);
    }
    this.student = student;
    this.seed = studentSeed(student);
    this.display = options.display;
    this.manifest = readManifest(resolve(options.dir ?? process.cwd()));
    this.record({ kind: 'student', assignment: this.manifest.assignment, student });
    const points = this.manifest.questions.reduce((s, q) => s + q.points, 0) + this.manifest.exercises.reduce((s, e) => s + e.points, 0);
    this.display.markdown(
      `**${this.manifest.title}**: student \`${student}\` (your numbers come from this id). ` +
        `${count(this.manifest.questions.length, 'question')} and ${count(this.manifest.exercises.length, 'code exercise')}, ${count(points, 'point')}. ` +
        'Each answer is recorded in this notebook: save it and hand in the .ipynb file.',
    );
  }

  private record(record: AssignmentRecord): void {
    this.display.raw(RECORD_MIME, JSON.stringify(record));
  }

  private question(id: string) {
    const q = this.manifest.questions.find((x) => x.id === id);
    if (!q) throw new Error(`this assignment has no question '${id}' (questions: ${this.manifest.questions.map((x) => x.id).join(', ')})`);
    return q;
  }

  /** The question as this student sees it (their params, the options), without any answer. */
  variant(id: string): QuestionVariant {
    const q = this.question(id);
    return { ...keylessVariant(q.question, q.bank, this.seed), points: q.points };
  }

  /** The numbers of this student's variant of a question, e.g. {layers: 32, window: 4096}. */
  params(id: string): Record<string, number> {
    return this.variant(id).params;
  }

  /** Shows the question as Markdown. */
  show(id: string): void {
    this.display.markdown(renderQuestionMarkdown(this.variant(id)));
  }

  /** Records an answer; says whether it is well-formed (never whether it is right). */
  answer(id: string, value: unknown): void {
    const q = this.question(id);
    if (value === undefined) {
      this.display.markdown(`○ **${id}**: not answered yet; put your answer in place of \`undefined\` and run the cell again.`);
      return;
    }
    const problem = answerShapeProblem(q.question, value);
    if (problem !== undefined) {
      this.display.markdown(`✗ **${id}**: not recorded: ${problem}. Fix the answer and run the cell again.`);
      return;
    }
    this.record({ kind: 'answer', assignment: this.manifest.assignment, student: this.student, question: id, value });
    this.display.markdown(`✓ **${id}**: answer recorded (${JSON.stringify(value).slice(0, 80)}). It is graded after the deadline.`);
  }

  /** The arguments this student's function is checked on, in call order. */
  cases(id: string): number[][] {
    return exerciseCases(this.manifest.assignment, this.exercise(id), this.seed);
  }

  private exercise(id: string) {
    const e = this.manifest.exercises.find((x) => x.id === id);
    if (!e) throw new Error(`this assignment has no code exercise '${id}' (exercises: ${this.manifest.exercises.map((x) => x.id).join(', ')})`);
    return e;
  }

  /**
   * Calls the student's own function on the public examples (shown with their result) and on this
   * student's cases (recorded, graded after the deadline). A throw is recorded as that case's error.
   */
  check(id: string, fn: (...args: number[]) => unknown): void {
    const e = this.exercise(id);
    if (typeof fn !== 'function') {
      this.display.markdown(`✗ **${id}**: not recorded: pass your function itself, e.g. \`hw.check('${id}', ${e.function})\`.`);
      return;
    }
    // The course's own way to call a student's function: a throw becomes one line naming where it was thrown.
    const call = (args: number[]): RecordedCase => {
      const result = callStudent(fn, args, e.function);
      return result.ok ? { args, ...recordable(result.value) } : { args, error: result.message };
    };
    const lines: string[] = [];
    for (const example of e.examples) {
      const got = call(example.args);
      const ok = typeof got.value === 'number' && withinTolerance(got.value, example.expected, e.tolerance);
      const shown = codeSpan(got.error ?? JSON.stringify(got.value) ?? 'nothing');
      lines.push(`- ${ok ? '✓' : '✗'} \`${e.function}(${example.args.join(', ')})\` gave ${shown}; expected ${formatNumber(example.expected)}`);
    }
    const cases = this.cases(id).map(call);
    this.record({ kind: 'check', assignment: this.manifest.assignment, student: this.student, exercise: id, cases });
    const errors = cases.filter((c) => c.error !== undefined);
    const head =
      `✓ **${id}**: your function's results on your ${cases.length} cases are recorded; they are graded after the deadline.` +
      (errors.length > 0 ? ` ${errors.length} of them threw an error; the first: ${codeSpan(errors[0]!.error!)}.` : '');
    this.display.markdown([head, ...(lines.length > 0 ? ['', 'Public checks:', ...lines] : [])].join('\n'));
  }
}

/** Opens the assignment of the notebook's folder for one student. */
export function openAssignment(options: OpenAssignmentOptions): StudentAssignment {
  return new StudentAssignment(options);
}
