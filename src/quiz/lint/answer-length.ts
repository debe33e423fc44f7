/**
 * Answer-length bias: a lint check that warns when a bank's keys give themselves away by their length.
 *
 * Test-wise students learn that the longest option is usually right, because an author writes the key with
 * every qualification it needs and the distractors in a hurry. Across a bank that is a strategy that scores
 * without understanding. For every single-choice and multiple-choice question (scenario parts included):
 *
 * - the *key* is the correct choice (for multiple choice, the correct choices);
 * - the key is *the longest option* when the longest option of the question is a correct one and strictly
 *   longer than every distractor;
 * - the key's *ratio* is its length (for multiple choice, the mean length of the correct choices) over the mean
 *   length of the distractors.
 *
 * Two warnings, never errors (`kvlab lint` still exits 0 and prints them):
 *
 * - a bank where the key is the longest option in more than `maxLongestShare` (40%) of its choice questions,
 *   checked once the bank has at least `minQuestions` (4) choice questions; with four options a key placed
 *   without regard to length is the longest about one time in four;
 * - a question whose key ratio is at least `maxRatio` (1.5): the key is half again as long as a typical
 *   distractor, long enough to stand out on its own.
 *
 * Lengths are the text a student reads: TeX commands count as one character, `$`, braces, `*` and backticks
 * not at all, runs of white space as one, and a `{{param}}` as the four digits it usually becomes.
 */
import type { Bank, Choice, Question } from '../types.js';

export interface AnswerLengthLimits {
  /** Warn when the key is the longest option in more than this share of a bank's choice questions. */
  maxLongestShare: number;
  /** The share is judged only for banks with at least this many choice questions. */
  minQuestions: number;
  /** Warn when a question's key is at least this many times the mean distractor length. */
  maxRatio: number;
}

export const ANSWER_LENGTH_LIMITS: AnswerLengthLimits = { maxLongestShare: 0.4, minQuestions: 4, maxRatio: 1.5 };

/** One choice question's figures. */
export interface ChoiceLengths {
  /** The question id, or "scenario/part" for a scenario's part. */
  question: string;
  type: 'single-choice' | 'multiple-choice';
  /** Length of the key (mean of the correct choices for multiple choice), in characters read. */
  keyLength: number;
  meanDistractorLength: number;
  /** The longest option is correct and strictly longer than every distractor. */
  keyLongest: boolean;
  /** keyLength / meanDistractorLength. */
  ratio: number;
}

export interface AnswerLengthReport {
  bank: string;
  questions: ChoiceLengths[];
  /** Choice questions whose key is the longest option. */
  keyLongest: number;
  /** keyLongest / questions.length (0 for a bank without choice questions). */
  share: number;
  /** One line each, without the file name. */
  warnings: string[];
}

/** The length of a text as a student reads it (see the module comment). */
export function readLength(text: string): number {
  return text
    .replace(/\{\{\s*\w+\s*\}\}/g, '0000')
    .replace(/\\[A-Za-z]+/g, '·')
    .replace(/[$`*{}\\]/g, '')
    .replace(/\s+/g, ' ')
    .trim().length;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function choiceLengths(question: string, type: ChoiceLengths['type'], choices: readonly Choice[]): ChoiceLengths | undefined {
  const keys = choices.filter((c) => c.correct).map((c) => readLength(c.text));
  const distractors = choices.filter((c) => !c.correct).map((c) => readLength(c.text));
  if (keys.length === 0 || distractors.length === 0) return undefined;
  const keyLength = mean(keys);
  const meanDistractorLength = mean(distractors);
  return {
    question,
    type,
    keyLength,
    meanDistractorLength,
    keyLongest: Math.max(...keys) > Math.max(...distractors),
    ratio: meanDistractorLength === 0 ? Infinity : keyLength / meanDistractorLength,
  };
}

function choiceQuestions(question: Question, prefix = ''): ChoiceLengths[] {
  const id = prefix + question.id;
  if (question.type === 'scenario') return question.parts.flatMap((part) => choiceQuestions(part, `${id}/`));
  if (question.type !== 'single-choice' && question.type !== 'multiple-choice') return [];
  const lengths = choiceLengths(id, question.type, question.choices);
  return lengths ? [lengths] : [];
}

const percent = (x: number) => `${Math.round(x * 100)}%`;

/** The figures and warnings of one bank. */
export function answerLengthReport(bank: Bank, limits: AnswerLengthLimits = ANSWER_LENGTH_LIMITS): AnswerLengthReport {
  const questions = bank.questions.flatMap((q) => choiceQuestions(q));
  const keyLongest = questions.filter((q) => q.keyLongest).length;
  const share = questions.length === 0 ? 0 : keyLongest / questions.length;
  const warnings: string[] = [];
  if (questions.length >= limits.minQuestions && share > limits.maxLongestShare) {
    warnings.push(
      `answer-length bias: the key is the longest option in ${keyLongest} of ${questions.length} choice questions ` +
        `(${percent(share)}; limit ${percent(limits.maxLongestShare)}): picking the longest option scores there without reading; ` +
        `make distractors as specific as the keys, or the keys shorter`,
    );
  }
  for (const q of questions) {
    if (q.ratio >= limits.maxRatio) {
      warnings.push(
        `answer-length bias: question '${q.question}': the key is ${q.ratio.toFixed(1)}× the mean distractor length ` +
          `(${Math.round(q.keyLength)} against ${Math.round(q.meanDistractorLength)} characters; limit ${limits.maxRatio}×)`,
      );
    }
  }
  return { bank: bank.id, questions, keyLongest, share, warnings };
}

/**
 * Warnings for many banks, each line led by the bank's file as the user named it; with several banks, the
 * share is also judged across all of them together (small banks, such as one case study each, are judged
 * there), on a line led by "all N banks".
 */
export function answerLengthWarnings(banks: readonly Bank[], limits: AnswerLengthLimits = ANSWER_LENGTH_LIMITS): string[] {
  const reports = banks.map((bank) => answerLengthReport(bank, limits));
  const lines = reports.flatMap((r, i) => r.warnings.map((w) => `${banks[i]!.file}: warning: ${w}`));
  const total = reports.reduce((n, r) => n + r.questions.length, 0);
  const longest = reports.reduce((n, r) => n + r.keyLongest, 0);
  if (banks.length > 1 && total >= limits.minQuestions && longest / total > limits.maxLongestShare) {
    lines.push(
      `all ${banks.length} banks: warning: answer-length bias: the key is the longest option in ${longest} of ${total} ` +
        `choice questions (${percent(longest / total)}; limit ${percent(limits.maxLongestShare)})`,
    );
  }
  return lines;
}
