/**
 * Questions and feedback as Markdown, for notebooks (tslab.display.markdown) and the terminal renderer.
 * Math stays TeX ($…$): Jupyter renders it; the terminal renderer turns it into Unicode.
 */
import { findBankOnce } from './load.js';
import { gradeAnswer } from './grade.js';
import type { QuestionResult, QuestionVariant } from './types.js';

const HOW_TO_ANSWER: Record<QuestionVariant['type'], string> = {
  'true-false': 'Answer `true` or `false`.',
  'single-choice': 'Answer with one choice id, e.g. `"a"`.',
  'multiple-choice': 'Select all that apply: answer with a list of choice ids, e.g. `["a", "c"]`.',
  numeric: 'Answer with a number.',
  text: 'Answer with text.',
  matching: 'Answer with a map from each item on the left to its match, e.g. `{"left": "right"}`.',
  ordering: 'Answer with the list of items in the right order.',
  scenario: 'Answer each part: a map `{partId: answer}`.',
};

/** Whether a prompt already tells the unit of the answer ("in MiB", "in **GiB**"). */
function promptNamesUnit(prompt: string, unit: string): boolean {
  const escaped = unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\bin\\s+(?:\\*\\*)?${escaped}\\b`, 'i').test(prompt);
}

/** One question variant as Markdown: prompt, options, and how to answer. */
export function renderQuestionMarkdown(variant: QuestionVariant, depth = 0): string {
  const heading = depth === 0 ? '###' : '####';
  const points = `${variant.points} point${variant.points === 1 ? '' : 's'}`;
  const blocks: string[] = [`${heading} ${variant.id} (${points})`];
  if (variant.context !== undefined) blocks.push(variant.context.trim());
  blocks.push(variant.prompt.trim());
  if (variant.choices) blocks.push(variant.choices.map((c) => `- **${c.id}**: ${c.text}`).join('\n'));
  if (variant.left && variant.right) {
    blocks.push(`Match each of:\n\n${variant.left.map((l) => `- ${l}`).join('\n')}\n\nwith one of:\n\n${variant.right.map((r) => `- ${r}`).join('\n')}`);
  }
  if (variant.items) blocks.push(`Put in order:\n\n${variant.items.map((i) => `- ${i}`).join('\n')}`);
  // Say the unit once: many prompts already end "Answer in **MiB**".
  if (variant.type === 'numeric' && variant.unit && !promptNamesUnit(variant.prompt, variant.unit)) blocks.push(`Answer in ${variant.unit}.`);
  if (variant.type !== 'scenario') blocks.push(`*${HOW_TO_ANSWER[variant.type]}*`);
  for (const part of variant.parts ?? []) blocks.push(renderQuestionMarkdown(part, depth + 1));
  return blocks.join('\n\n');
}

/** The mark shown beside a question's feedback, by how it was graded. */
export const STATUS_MARK: Readonly<Record<QuestionResult['status'], string>> = {
  correct: '✅',
  partial: '🟡',
  incorrect: '❌',
  invalid: '❌',
  unanswered: '⬜',
};

/**
 * For exercises inside a notebook: grades `answer` to a question of a course bank (found by id under the
 * course's quizzes/, or a path to a bank file) and returns the feedback as Markdown, ready for
 * tslab.display.markdown. Banks are loaded once per kernel.
 */
export function selfCheck(bankId: string, questionId: string, answer: unknown, seed = 0): string {
  const bank = findBankOnce(bankId);
  // Before an attempt, say so and nothing more: the explanation states the answer.
  if (answer === undefined || answer === null) {
    return `${STATUS_MARK.unanswered} **${questionId}**: not answered yet; set your answer and run the cell again.`;
  }
  const result = gradeAnswer(bank, questionId, answer, seed);
  return `${STATUS_MARK[result.status]} **${questionId}**: ${result.feedback}`;
}
