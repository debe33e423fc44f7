/**
 * Submissions: one JSON or YAML file per student (spec). A file is either graded or rejected with a
 * reason (not JSON/YAML, another bank, no valid student, a bad seed); one bad file never stops the others.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { compiledOf } from './compiled.js';
import { gradeCompiled } from './grade.js';
import { isPlainMap, round4 } from './question-types/common.js';
import type { Bank, QuestionResult, SubmissionResult } from './types.js';

const STUDENT = /^(?!\.)[A-Za-z0-9._-]{1,64}$/;
/** Far above any honest submission; keeps a stray binary or log file from being parsed at length. */
export const MAX_SUBMISSION_BYTES = 1 << 20;

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
    const shown = typeof student === 'string' ? `'${student.slice(0, 70)}'` : student === undefined ? 'missing' : `not text`;
    throw new SubmissionError(`student is ${shown}; it must be 1-64 of A-Z a-z 0-9 . _ - and not start with a dot`);
  }
  if (bank !== bankId) {
    throw new SubmissionError(`it is for bank ${typeof bank === 'string' ? `'${bank.slice(0, 70)}'` : '(none given)'}, not '${bankId}'`);
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new SubmissionError(`seed must be a whole number ≥ 0, got ${JSON.stringify(seed)?.slice(0, 40) ?? typeof seed}`);
  }
  if (!isPlainMap(answers)) throw new SubmissionError('answers must be a map {questionId: answer}');
  return { student, bank, seed, answers };
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

/** Reads a submission file: JSON for .json, YAML otherwise (YAML also reads JSON). */
export function readSubmission(path: string): unknown {
  const size = statSync(path).size;
  if (size > MAX_SUBMISSION_BYTES) throw new SubmissionError(`the file is ${size} bytes; a submission may be at most ${MAX_SUBMISSION_BYTES}`);
  const text = readFileSync(path, 'utf8');
  return parseSubmissionText(text, path.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
}

export function parseSubmissionText(text: string, format: 'json' | 'yaml'): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new SubmissionError(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) throw new SubmissionError(`not valid YAML: ${first.message.split('\n')[0]}`);
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    throw new SubmissionError(`not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
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
      else throw error;
    }
    onProgress?.(i + 1);
  });
  return book;
}

function isFsError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
