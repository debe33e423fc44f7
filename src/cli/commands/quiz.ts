/**
 * kvlab quiz [BANK] [--seed N]: self-assessment in the terminal. One question at a time, the prompt as
 * terminal Markdown with math in Unicode, the answer read as a line (so it works on a pipe as well as a
 * terminal), feedback after each, a score at the end. A malformed answer is explained and asked again; an
 * empty line skips the question.
 */
import { createInterface } from 'node:readline';
import type { RegisterCommand } from '../command.js';
import type { CliIO } from '../io.js';
import { parseCount } from '../args.js';
import { UsageError } from '../errors.js';
import { renderTerminal } from '../../render/terminal.js';
import {
  answerKey,
  compileExpression,
  ExpressionError,
  gradeAnswer,
  questionVariant,
  type AnswerKey,
  type Bank,
  type QuestionVariant,
} from '../../quiz/index.js';
import { courseBanks, resolveBank } from './bank-arg.js';

/** Reads one line at a time; undefined at the end of input. */
type ReadLine = (prompt: string) => Promise<string | undefined>;

function lineReader(io: CliIO): { read: ReadLine; close(): void } {
  const rl = createInterface({ input: io.stdin, terminal: false, crlfDelay: Infinity });
  // The iterator buffers lines that arrive before we ask (a pipe delivers them all at once).
  const lines = rl[Symbol.asyncIterator]();
  return {
    read: async (prompt) => {
      io.stdout(prompt);
      const next = await lines.next();
      if (next.done) {
        io.stdout('\n');
        return undefined;
      }
      return next.value;
    },
    close: () => rl.close(),
  };
}

/** Thrown when the input ends: the quiz stops and scores what was answered. */
class EndOfInput extends Error {}

export const registerQuiz: RegisterCommand = (program, ctx) => {
  program
    .command('quiz')
    .description('self-assessment in the terminal: one question at a time, feedback, a score')
    .argument('[bank]', 'a bank id under quizzes/ or a path to a bank file (default: choose from a list)')
    .option('--seed <N>', 'which variant of parameterized questions (a whole number)', '0')
    .action(async (bankArg: string | undefined, options: { seed: string }) => {
      const { io } = ctx;
      const seed = parseCount('--seed', options.seed, true);
      const reader = lineReader(io);
      try {
        const bank = bankArg !== undefined ? resolveBank(io, bankArg) : await chooseBank(io, reader.read);
        if (bank) await runQuiz(io, bank, seed, reader.read);
      } finally {
        reader.close();
      }
    });
};

async function chooseBank(io: CliIO, read: ReadLine): Promise<Bank | undefined> {
  const { banks } = courseBanks(io);
  if (banks.length === 0) throw new UsageError('no valid banks under quizzes/; run kvlab lint to see why');
  io.stdout('Question banks:\n');
  banks.forEach((b, i) => io.stdout(`  ${i + 1}. ${b.id}: ${b.title} (${b.questions.length} questions)\n`));
  for (;;) {
    const line = await read(`Choose a bank (1-${banks.length} or its id): `);
    if (line === undefined) return undefined;
    const text = line.trim();
    const byNumber = /^\d+$/.test(text) ? banks[Number(text) - 1] : undefined;
    const bank = byNumber ?? banks.find((b) => b.id === text);
    if (bank) return bank;
    io.stdout(`'${text}' is not one of the banks listed.\n`);
  }
}

async function runQuiz(io: CliIO, bank: Bank, seed: number, read: ReadLine): Promise<void> {
  const render = (markdown: string) => renderTerminal(markdown, { color: io.isTTY });
  const total = bank.questions.reduce((sum, q) => sum + q.points, 0);
  io.stdout(render(`# ${bank.title}\n\n${bank.questions.length} questions, ${total} points${bank.source ? `. Source: ${bank.source}` : ''}. Seed ${seed}. An empty line skips a question.`));
  let score = 0;
  for (const [index, question] of bank.questions.entries()) {
    const variant = questionVariant(bank, question.id, seed);
    io.stdout(`\n— ${index + 1}/${bank.questions.length} —\n`);
    let answer: unknown;
    try {
      answer = await askVariant(io, variant, read, render);
    } catch (error) {
      if (!(error instanceof EndOfInput)) throw error;
      const left = bank.questions.length - index;
      io.stdout(`\nInput ended: ${left} question${left === 1 ? '' : 's'} not answered.\n`);
      break;
    }
    const result = gradeAnswer(bank, question.id, answer, seed);
    score += result.score;
    io.stdout(render(result.feedback));
    if (!result.correct && result.status !== 'invalid') io.stdout(render(`Answer: ${describeKey(answerKey(bank, question.id, seed), variant)}`));
  }
  const percent = total > 0 ? ((100 * score) / total).toFixed(0) : '0';
  io.stdout(`\nScore: ${round4(score)} / ${total} (${percent}%)\n`);
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Shows one question (or a scenario and its parts) and reads an answer in its submission shape. */
async function askVariant(io: CliIO, v: QuestionVariant, read: ReadLine, render: (md: string) => string): Promise<unknown> {
  if (v.type === 'scenario') {
    io.stdout(render(`### ${v.id} (${v.points} points)\n\n${v.context ?? ''}\n\n${v.prompt}`));
    const answers: Record<string, unknown> = {};
    for (const part of v.parts ?? []) {
      const answer = await askVariant(io, part, read, render);
      if (answer !== undefined) answers[part.id] = answer;
    }
    return answers;
  }
  io.stdout(render(questionText(v)));
  for (;;) {
    const line = await read(`${inputHint(v)}> `);
    if (line === undefined) throw new EndOfInput();
    if (line.trim() === '') return undefined;
    const parsed = parseLine(v, line);
    if (parsed.ok) return parsed.value;
    io.stdout(`${parsed.reason}; try again (an empty line skips)\n`);
  }
}

/** The question as Markdown, with numbered options where the answer is typed as numbers. */
function questionText(v: QuestionVariant): string {
  const blocks = [`### ${v.id} (${v.points} point${v.points === 1 ? '' : 's'})`, v.prompt.trim()];
  if (v.choices) blocks.push(v.choices.map((c) => `- **${c.id}**: ${c.text}`).join('\n'));
  if (v.left && v.right) {
    blocks.push(`Options:\n\n${v.right.map((r, i) => `${i + 1}. ${r}`).join('\n')}`);
  }
  if (v.items) blocks.push(`Items:\n\n${v.items.map((item, i) => `${i + 1}. ${item}`).join('\n')}`);
  return blocks.join('\n\n');
}

function inputHint(v: QuestionVariant): string {
  switch (v.type) {
    case 'true-false':
      return 'true or false ';
    case 'single-choice':
      return `one of ${v.choices!.map((c) => c.id).join(', ')} `;
    case 'multiple-choice':
      return `all that apply, e.g. ${v.choices!.slice(0, 2).map((c) => c.id).join(' ')} `;
    case 'numeric':
      return `a number${v.unit ? ` in ${v.unit}` : ''} `;
    case 'matching':
      return `for ${v.left!.map((_, i) => i + 1).join(', ')}: the option number of each, in order, e.g. "${v.left!.map((_, i) => ((i + 1) % v.right!.length) + 1).join(' ')}"\n${v.left!.map((l, i) => `  ${i + 1}. ${l}`).join('\n')}\n`;
    case 'ordering':
      return `the item numbers in the right order, e.g. "${v.items!.map((_, i) => i + 1).reverse().join(' ')}" `;
    default:
      return '';
  }
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

/** A typed line → the answer in submission shape (the grader still checks it). */
export function parseLine(v: QuestionVariant, line: string): Parsed {
  const text = line.trim();
  switch (v.type) {
    case 'true-false': {
      const t = text.toLowerCase();
      if (['t', 'true', 'y', 'yes'].includes(t)) return { ok: true, value: true };
      if (['f', 'false', 'n', 'no'].includes(t)) return { ok: true, value: false };
      return { ok: false, reason: 'answer true or false' };
    }
    case 'single-choice': {
      const id = text.toLowerCase();
      return v.choices!.some((c) => c.id === id) ? { ok: true, value: id } : { ok: false, reason: `'${text}' is not a choice (${v.choices!.map((c) => c.id).join(', ')})` };
    }
    case 'multiple-choice': {
      const ids = text.toLowerCase().split(/[\s,;]+/).filter(Boolean);
      const unknown = ids.filter((id) => !v.choices!.some((c) => c.id === id));
      return unknown.length === 0 ? { ok: true, value: ids } : { ok: false, reason: `'${unknown.join(' ')}' is not a choice (${v.choices!.map((c) => c.id).join(', ')})` };
    }
    case 'numeric': {
      // A typed arithmetic expression is fine ("2*32*128"); it goes through the same whitelist as banks.
      try {
        const value = compileExpression(text.replace(/[_,](?=\d{3})/g, ''), new Set()).evaluate({});
        return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: `'${text}' is not a finite number` };
      } catch (error) {
        if (error instanceof ExpressionError) return { ok: false, reason: `'${text}' is not a number` };
        throw error;
      }
    }
    case 'text':
      return { ok: true, value: text };
    case 'matching': {
      const picks = numbers(text, v.right!.length);
      if (!picks || picks.length !== v.left!.length) return { ok: false, reason: `give ${v.left!.length} option numbers between 1 and ${v.right!.length}` };
      return { ok: true, value: Object.fromEntries(v.left!.map((left, i) => [left, v.right![picks[i]! - 1]!])) };
    }
    case 'ordering': {
      const order = numbers(text, v.items!.length);
      if (!order || order.length !== v.items!.length || new Set(order).size !== order.length) {
        return { ok: false, reason: `give each item number 1-${v.items!.length} once` };
      }
      return { ok: true, value: order.map((n) => v.items![n - 1]!) };
    }
    default:
      return { ok: false, reason: 'cannot answer this type here' };
  }
}

function numbers(text: string, max: number): number[] | undefined {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const out = parts.map(Number);
  return out.every((n) => Number.isInteger(n) && n >= 1 && n <= max) ? out : undefined;
}

/** The correct answer in words, for after a wrong one (this is self-assessment; the key is the student's). */
function describeKey(key: AnswerKey, v: QuestionVariant): string {
  switch (key.type) {
    case 'numeric':
      return `${Number(key.answer.toPrecision(6))}${key.unit ? ` ${key.unit}` : ''}`;
    case 'multiple-choice':
      return key.answer.join(', ');
    case 'matching':
      return Object.entries(key.answer).map(([l, r]) => `${l} → ${r}`).join('; ');
    case 'ordering':
      return key.answer.join(' → ');
    case 'scenario':
      return Object.entries(key.answer)
        .map(([id, k]) => `${id}: ${describeKey(k, v.parts!.find((p) => p.id === id)!)}`)
        .join('; ');
    default:
      return String(key.answer);
  }
}
