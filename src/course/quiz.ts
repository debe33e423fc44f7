/**
 * A short quiz inside a notebook: the questions of a bank as Markdown (each student's own variant, by
 * seed), then the student's answers graded by the quiz engine with its feedback. The grading is the
 * grader's own (gradeAnswer), so what a notebook says is what `kvlab grade` would say.
 */
import { findBankOnce, gradeAnswer, questionVariant, renderQuestionMarkdown } from '../quiz/index.js';
import { unknownQuestion } from '../quiz/compiled.js';
import { recordAttempt } from '../quiz/attempts.js';
import { STATUS_MARK, verdictMarkdown } from '../quiz/verdict.js';
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
    // A misspelt question id is one line naming the ids the bank has, and the other answers are still graded.
    const missing = unknownQuestion(bank, id);
    if (missing !== undefined) {
      blocks.push(`${STATUS_MARK['not-graded']} ${missing}; check the question id.`);
      continue;
    }
    const result = gradeAnswer(bank, id, isBlank(answer) ? undefined : answer, n);
    score += result.score;
    max += result.max;
    if (result.status === 'unanswered') unanswered.push(id);
    // The grading rules (attempts, when the worked solution shows) are the quiz engine's: attempts.ts.
    blocks.push(verdictMarkdown(id, result, recordAttempt(bank.id, id, n, result)));
  }
  const rounded = Math.round(score * 1e4) / 1e4;
  const total =
    `**Score: ${rounded} / ${max}**` +
    (unanswered.length > 0 ? ` (${unanswered.length} not answered yet: replace \`undefined\` with your answer and run the cell again)` : '');
  return { score: rounded, max, unanswered, markdown: [...blocks, total].join('\n\n') };
}
