/**
 * A short quiz inside a notebook: the questions of a bank as Markdown (each student's own variant, by
 * seed), then the student's answers graded by the quiz engine with its feedback. The grading is the
 * grader's own (gradeAnswer), so what a notebook says is what `kvlab grade` would say.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultBankDir,
  findBank,
  gradeAnswer,
  loadBank,
  questionVariant,
  renderQuestionMarkdown,
  type Bank,
} from '../quiz/index.js';

const banks = new Map<string, Bank>();

/** A course bank by id, loaded once per kernel. */
function courseBank(bankId: string): Bank {
  let bank = banks.get(bankId);
  if (bank === undefined) {
    // Banks live in quizzes/<id>.yaml; loading just that file keeps a notebook independent of the others.
    const file = join(defaultBankDir(), `${bankId}.yaml`);
    bank = existsSync(file) ? loadBank(file) : findBank(bankId);
    if (bank.id !== bankId) bank = findBank(bankId);
    banks.set(bankId, bank);
  }
  return bank;
}

/** The questions, numbered, as one Markdown block for tslab.display.markdown. */
export function quizMarkdown(bankId: string, questionIds: readonly string[], seed = 0): string {
  const bank = courseBank(bankId);
  const blocks = questionIds.map((id) => renderQuestionMarkdown(questionVariant(bank, id, seed)));
  return [`*Quiz from the bank \`${bankId}\`, your variant: seed ${seed}.*`, ...blocks].join('\n\n---\n\n');
}

/** The numbers of a question's variant, e.g. {layers: 32, tokens: 4096}, for exercises computed in code. */
export function questionParams(bankId: string, questionId: string, seed = 0): Record<string, number> {
  return questionVariant(courseBank(bankId), questionId, seed).params;
}

export interface QuizScore {
  score: number;
  max: number;
  unanswered: string[];
  /** Markdown: each question's feedback, then the total. */
  markdown: string;
}

/**
 * Grades answers to some questions of a bank ({questionId: answer}; `undefined` is unanswered) and
 * returns the feedback and the total.
 */
export function gradeQuiz(bankId: string, answers: Readonly<Record<string, unknown>>, seed = 0): QuizScore {
  const bank = courseBank(bankId);
  let score = 0;
  let max = 0;
  const unanswered: string[] = [];
  const lines: string[] = [];
  for (const [id, answer] of Object.entries(answers)) {
    const result = gradeAnswer(bank, id, answer, seed);
    score += result.score;
    max += result.max;
    if (result.status === 'unanswered') unanswered.push(id);
    if (result.status === 'unanswered') {
      // The grader's feedback ends with the explanation, which states the answer: not before an attempt.
      lines.push(`⬜ **${id}** (0 / ${result.max}): not answered yet.`);
      continue;
    }
    const mark = result.status === 'correct' ? '✅' : result.status === 'partial' ? '🟡' : '❌';
    lines.push(`${mark} **${id}** (${result.score} / ${result.max}): ${result.feedback}`);
  }
  const rounded = Math.round(score * 1e4) / 1e4;
  const total =
    `**Score: ${rounded} / ${max}**` +
    (unanswered.length > 0 ? ` (${unanswered.length} not answered yet: replace \`undefined\` with your answer and run the cell again)` : '');
  return { score: rounded, max, unanswered, markdown: [...lines, total].join('\n\n') };
}
