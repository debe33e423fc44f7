/**
 * Submissions: one JSON or YAML file per student (spec). A file is either graded or rejected with a
 * reason (not JSON/YAML, another bank, no valid student, a bad seed); one bad file never stops the others.
 */
import { compiledOf } from './compiled.js';
import { InputFileError, MAX_INPUT_BYTES, readInputText } from './input-file.js';
import { quoteInput } from './quote.js';
import { readYaml } from './yaml-input.js';
import { gradeCompiled } from './grade.js';
import { isPlainMap, round4 } from './question-types/common.js';
import type { Bank, QuestionResult, SubmissionResult } from './types.js';

const STUDENT = /^(?!\.)[A-Za-z0-9._-]{1,64}$/;
/** Far above any honest submission; keeps a stray binary or log file from being parsed at length. */
export const MAX_SUBMISSION_BYTES = MAX_INPUT_BYTES;

/** A submission that cannot be graded, and why. */
export class SubmissionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmissionError';
  }
}

export interface Submission {
  student: string;
  bank: string;
  seed: number;
  answers: Record<string, unknown>;
}

/** Checks the envelope of a parsed submission; throws SubmissionError with the reason. */
export function checkSubmission(data: unknown, bankId: string): Submission {
  if (!isPlainMap(data)) throw new SubmissionError('a submission must be a map with student, bank and answers');
  const { student, bank, seed = 0, answers = {} } = data;
  if (typeof student !== 'string' || !STUDENT.test(student)) {
    const shown = typeof student === 'string' ? quoteInput(student) : student === undefined ? 'missing' : `not text`;
    throw new SubmissionError(`student is ${shown}; it must be 1-64 of A-Z a-z 0-9 . _ - and not start with a dot`);
  }
  if (bank !== bankId) {
    throw new SubmissionError(`it is for bank ${typeof bank === 'string' ? quoteInput(bank) : '(none given)'}, not '${bankId}'`);
  }
  const seedWrong = seedProblem(seed);
  if (seedWrong !== undefined) throw new SubmissionError(seedWrong);
  if (!isPlainMap(answers)) throw new SubmissionError('answers must be a map {questionId: answer}');
  return { student, bank, seed: seed as number, answers };
}

/** What is wrong with a seed, in words, or undefined when it is a whole number ≥ 0 (at most 2^53 − 1). */
export function seedProblem(seed: unknown): string | undefined {
  const rule = 'seed must be a whole number ≥ 0';
  if (typeof seed !== 'number') {
    if (typeof seed === 'string') return `${rule}, got the text ${quoteInput(seed)}`;
    if (seed === null) return `${rule}, got null`;
    if (Array.isArray(seed)) return `${rule}, got a list`;
    return typeof seed === 'object' ? `${rule}, got a map` : `${rule}, got ${String(seed)}`;
  }
  if (Number.isNaN(seed)) return `${rule}; it is not a number (NaN)`;
  if (!Number.isFinite(seed)) return `${rule}; it is infinite`;
  if (Number.isInteger(seed) && seed > Number.MAX_SAFE_INTEGER) {
    return `${rule} and at most 2^53 − 1 (${Number.MAX_SAFE_INTEGER}), got ${seed}`;
  }
  if (!Number.isInteger(seed) || seed < 0) return `${rule}, got ${seed}`;
  return undefined;
}

/** Grades a parsed submission (checked with checkSubmission first). */
export function gradeSubmission(bank: Bank, submission: unknown): SubmissionResult {
  const { student, seed, answers } = checkSubmission(submission, bank.id);
  const compiled = compiledOf(bank);
  const questions: Record<string, QuestionResult> = {};
  let score = 0;
  let max = 0;
  for (const question of bank.questions) {
    const answer = Object.prototype.hasOwnProperty.call(answers, question.id) ? answers[question.id] : undefined;
    const graded = gradeCompiled(compiled.byId.get(question.id)!, bank.id, answer, seed);
    questions[question.id] = graded;
    score += graded.score;
    max += graded.max;
  }
  const unknown = Object.keys(answers).filter((id) => !compiled.byId.has(id));
  return { student, bank: bank.id, seed, score: round4(score), max: round4(max), questions, unknown };
}

/**
 * Reads a submission file: JSON for .json, YAML otherwise (YAML also reads JSON). Only a regular file of
 * at most MAX_SUBMISSION_BYTES of UTF-8 (a byte-order mark is dropped, for JSON as for YAML).
 */
export function readSubmission(path: string): unknown {
  let text: string;
  try {
    text = readInputText(path, 'a submission', MAX_SUBMISSION_BYTES);
  } catch (error) {
    if (error instanceof InputFileError) throw new SubmissionError(error.message);
    throw error;
  }
  return parseSubmissionText(text, path.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
}

export function parseSubmissionText(text: string, format: 'json' | 'yaml'): unknown {
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new SubmissionError(`not valid JSON: ${message.length > 120 ? `${message.slice(0, 120)}…` : message}`);
    }
    // JSON is YAML 1.2: the same reader holds it to the same rules (unique keys, no __proto__, the node and
    // depth limits), where JSON.parse would let the last of two answers to a question win in silence. Pure
    // YAML syntax quirks of valid JSON (a flow key over 1024 characters) are not the student's problem.
    const rule = readYaml(text).problems.filter((p) => !p.message.startsWith('YAML syntax: ') || p.message.includes('Map keys must be unique'));
    const first = rule.sort((a, b) => a.offset - b.offset)[0];
    if (first) throw new SubmissionError(`not valid JSON: ${first.message.replace(/^YAML( syntax)?: /, '')} (at character ${first.offset + 1})`);
    return value;
  }
  const read = readYaml(text);
  const first = [...read.problems].sort((a, b) => a.offset - b.offset)[0];
  if (first) {
    const { line, col } = read.lines.linePos(first.offset);
    throw new SubmissionError(`not valid YAML: line ${line}, column ${col}: ${first.message.replace(/^YAML( syntax)?: /, '')}`);
  }
  return read.value;
}

export interface GradedFile extends SubmissionResult {
  file: string;
}

export interface Gradebook {
  bank: string;
  results: GradedFile[];
  rejected: { file: string; reason: string }[];
}

/**
 * Grades files in the order given; `display` names each file in the report. A second file for the same
 * student is rejected (the gradebook has one row a student).
 */
export function gradeFiles(bank: Bank, files: readonly { path: string; display: string }[], onProgress?: (done: number) => void): Gradebook {
  const book: Gradebook = { bank: bank.id, results: [], rejected: [] };
  const byStudent = new Map<string, string>();
  files.forEach(({ path, display }, i) => {
    try {
      const graded = gradeSubmission(bank, readSubmission(path));
      const earlier = byStudent.get(graded.student);
      if (earlier !== undefined) throw new SubmissionError(`student '${graded.student}' was already graded from ${earlier}`);
      byStudent.set(graded.student, display);
      book.results.push({ ...graded, file: display });
    } catch (error) {
      if (error instanceof SubmissionError) book.rejected.push({ file: display, reason: error.message });
      else if (isFsError(error)) book.rejected.push({ file: display, reason: `cannot be read (${error.code})` });
      else {
        // A bug of ours on one file is that file's rejection; the class is still graded.
        const message = error instanceof Error ? error.message : String(error);
        book.rejected.push({ file: display, reason: `could not be graded (internal error: ${quoteInput(message, 120)}); please report it with this file` });
      }
    }
    onProgress?.(i + 1);
  });
  return book;
}

function isFsError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
