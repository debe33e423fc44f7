/**
 * A short quiz inside a notebook: the questions of a bank as Markdown (each student's own variant, by
 * seed), then the student's answers graded by the quiz engine with its feedback. The grading is the
 * grader's own (gradeAnswer), so what a notebook says is what `kvlab grade` would say.
 */
import {
  findBankOnce,
  gradeAnswer,
  questionVariant,
  renderQuestionMarkdown,
  STATUS_MARK,
  type QuestionResult,
} from '../quiz/index.js';
import { studentSeed, type StudentId } from './seed.js';

/**
 * The questions, numbered, as one Markdown block for tslab.display.markdown. `seed` is a student id or a seed:
 * any string or number, turned into the variant's seed by studentSeed.
 */
export function quizMarkdown(bankId: string, questionIds: readonly string[], seed: StudentId = 0): string {
  const bank = findBankOnce(bankId);
  const n = studentSeed(seed);
  const blocks = questionIds.map((id) => renderQuestionMarkdown(questionVariant(bank, id, n)));
  const from = typeof seed === 'number' && n === seed ? '' : ` (from the id ${JSON.stringify(seed)})`;
  return [`*Quiz from the bank \`${bankId}\`, your variant: seed ${n}${from}.*`, ...blocks].join('\n\n---\n\n');
}

/** The numbers of a question's variant, e.g. {layers: 32, tokens: 4096}, for exercises computed in code. */
export function questionParams(bankId: string, questionId: string, seed: StudentId = 0): Record<string, number> {
  return questionVariant(findBankOnce(bankId), questionId, studentSeed(seed)).params;
}

export interface QuizScore {
  score: number;
  max: number;
  unanswered: string[];
  /** Markdown: each question's feedback, then the total. */
  markdown: string;
}

/** Nothing answered yet: `undefined`, or a scenario's map whose every part is still `undefined`. */
function isBlank(answer: unknown): boolean {
  if (answer === undefined) return true;
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return false;
  return Object.values(answer).every((part) => part === undefined);
}


/**
 * One question's feedback. The grader's feedback ends with the explanation, which states the answer, so an
 * unanswered question (or scenario part) shows only that it is unanswered.
 */
function feedbackMarkdown(id: string, result: QuestionResult, depth: number): string {
  const indent = '  '.repeat(depth);
  const head = `${indent}${depth > 0 ? '- ' : ''}${STATUS_MARK[result.status]} **${id}** (${result.score} / ${result.max})`;
  if (result.status === 'unanswered') return `${head}: not answered yet.`;
  if (result.parts !== undefined) {
    const parts = Object.entries(result.parts).map(([partId, part]) => feedbackMarkdown(partId, part, depth + 1));
    return [`${head}:`, ...parts].join('\n');
  }
  // A part is a list item: its feedback's further lines are indented to stay inside the item.
  const body = depth === 0 ? result.feedback : result.feedback.replace(/\n/g, `\n${indent}    `);
  return `${head}: ${body}`;
}

/**
 * Grades answers to some questions of a bank ({questionId: answer}; `undefined` is unanswered, and a scenario
 * is answered with {partId: answer}) and returns the feedback and the total.
 */
export function gradeQuiz(bankId: string, answers: Readonly<Record<string, unknown>>, seed: StudentId = 0): QuizScore {
  const bank = findBankOnce(bankId);
  const n = studentSeed(seed);
  let score = 0;
  let max = 0;
  const unanswered: string[] = [];
  const blocks: string[] = [];
  for (const [id, answer] of Object.entries(answers)) {
    const result = gradeAnswer(bank, id, isBlank(answer) ? undefined : answer, n);
    score += result.score;
    max += result.max;
    if (result.status === 'unanswered') unanswered.push(id);
    blocks.push(feedbackMarkdown(id, result, 0));
  }
  const rounded = Math.round(score * 1e4) / 1e4;
  const total =
    `**Score: ${rounded} / ${max}**` +
    (unanswered.length > 0 ? ` (${unanswered.length} not answered yet: replace \`undefined\` with your answer and run the cell again)` : '');
  return { score: rounded, max, unanswered, markdown: [...blocks, total].join('\n\n') };
}
