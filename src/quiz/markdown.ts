/**
 * Questions and feedback as Markdown, for notebooks (tslab.display.markdown) and the terminal renderer.
 * Math stays TeX ($…$): Jupyter renders it; the terminal renderer turns it into Unicode. What a type shows
 * (choices, options, a unit) is its module's; the frame (heading, prompt, how to answer, parts) is here.
 */
import { findBankOnce } from './load.js';
import { gradeAnswer } from './grade.js';
import { unknownQuestion } from './compiled.js';
import { recordAttempt } from './attempts.js';
import { STATUS_MARK, verdictMarkdown } from './verdict.js';
import { typeModule } from './question-types/registry.js';
import type { QuestionVariant, VariantBase } from './types.js';

export { STATUS_MARK } from './verdict.js';

/** The heading, the case of a scenario, the prompt and what the type shows, as Markdown blocks. */
export function questionBlocks(variant: VariantBase, depth = 0): string[] {
  const module = typeModule(variant.type);
  const heading = depth === 0 ? '###' : '####';
  const points = `${variant.points} point${variant.points === 1 ? '' : 's'}`;
  const out = [`${heading} ${variant.id} (${points})`, ...(module.markdownLead?.(variant) ?? [])];
  if (variant.prompt.trim() !== '') out.push(variant.prompt.trim());
  return out;
}

/** One question variant as Markdown: prompt, options, and how to answer. */
export function renderQuestionMarkdown(variant: QuestionVariant | VariantBase, depth = 0): string {
  const module = typeModule(variant.type);
  const blocks = [...questionBlocks(variant, depth), ...module.markdown(variant)];
  if (module.howToAnswer) blocks.push(`*${module.howToAnswer}*`);
  for (const part of module.variantParts?.(variant) ?? []) blocks.push(renderQuestionMarkdown(part, depth + 1));
  return blocks.join('\n\n');
}

/**
 * For exercises inside a notebook: grades `answer` to a question of a course bank (found by id under the
 * course's quizzes/, or a path to a bank file) and returns the feedback as Markdown, ready for
 * tslab.display.markdown. Banks are loaded once per kernel. The worked solution appears only after a right
 * answer or after several attempts (attempts.ts); a question id the bank does not have is one line naming
 * the ids it has.
 */
export function selfCheck(bankId: string, questionId: string, answer: unknown, seed = 0): string {
  const bank = findBankOnce(bankId);
  const missing = unknownQuestion(bank, questionId);
  if (missing !== undefined) return `${STATUS_MARK['not-graded']} ${missing}; check the question id.`;
  // Before an attempt, say so and nothing more: the explanation states the answer.
  if (answer === undefined || answer === null) {
    return `${STATUS_MARK.unanswered} **${questionId}**: not answered yet; set your answer and run the cell again.`;
  }
  const verdict = gradeAnswer(bank, questionId, answer, seed);
  return verdictMarkdown(questionId, verdict, recordAttempt(bank.id, questionId, seed, verdict));
}
