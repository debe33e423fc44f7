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
import { gradeAnswer, questionVariant, type Bank, type VariantBase } from '../../quiz/index.js';
import { questionBlocks } from '../../quiz/markdown.js';
import { verdictText } from '../../quiz/verdict.js';
import { typeModule } from '../../quiz/question-types/registry.js';
import type { Parsed } from '../../quiz/question-types/module.js';
import { courseBanks, resolveBank } from './bank-arg.js';
import { count } from '../count.js';

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
  banks.forEach((b, i) => io.stdout(`  ${i + 1}. ${b.id}: ${b.title} (${count(b.questions.length, 'question')})\n`));
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
  io.stdout(render(`# ${bank.title}\n\n${count(bank.questions.length, 'question')}, ${count(total, 'point')}${bank.source ? `. Source: ${bank.source}` : ''}. Seed ${seed}. An empty line skips a question.`));
  let score = 0;
  for (const [index, question] of bank.questions.entries()) {
    const variant = questionVariant(bank, question.id, seed);
    io.stdout(`\n— ${index + 1}/${bank.questions.length} —\n`);
    let verdict;
    try {
      let answer = await askVariant(io, variant, read, render);
      verdict = gradeAnswer(bank, question.id, answer, seed);
      // An answer the grader cannot read (an unknown symbol in a formula) costs nothing: say why, ask again.
      while (verdict.status === 'not-graded' && typeModule(variant.type).terminal) {
        io.stdout(`${verdict.reason}; try again (an empty line skips)\n`);
        answer = await askLine(io, variant, read);
        verdict = gradeAnswer(bank, question.id, answer, seed);
      }
    } catch (error) {
      if (!(error instanceof EndOfInput)) throw error;
      const left = bank.questions.length - index;
      io.stdout(`\nInput ended: ${count(left, 'question')} not answered.\n`);
      break;
    }
    score += verdict.score;
    io.stdout(render(verdictText(verdict)));
    // Self-assessment: after a wrong or skipped answer the student sees the right one.
    if (!verdict.correct && verdict.status !== 'not-graded' && verdict.answer !== undefined) io.stdout(render(`Answer: ${verdict.answer}`));
  }
  const percent = total > 0 ? ((100 * score) / total).toFixed(0) : '0';
  io.stdout(`\nScore: ${round4(score)} / ${total} (${percent}%)\n`);
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Shows one question (or a scenario and its parts) and reads an answer in its submission shape. */
async function askVariant(io: CliIO, v: VariantBase, read: ReadLine, render: (md: string) => string): Promise<unknown> {
  const module = typeModule(v.type);
  const parts = module.variantParts?.(v);
  if (parts || !module.terminal) {
    io.stdout(render(questionBlocks(v).join('\n\n')));
    const answers: Record<string, unknown> = {};
    for (const part of parts ?? []) {
      const answer = await askVariant(io, part, read, render);
      if (answer !== undefined) answers[part.id] = answer;
    }
    return answers;
  }
  io.stdout(render([...questionBlocks(v), ...module.terminal.show(v)].join('\n\n')));
  return askLine(io, v, read);
}

/** Reads lines until one parses as an answer of the variant's type (an empty line skips: undefined). */
async function askLine(io: CliIO, v: VariantBase, read: ReadLine): Promise<unknown> {
  const terminal = typeModule(v.type).terminal!;
  for (;;) {
    const line = await read(`${terminal.hint(v)}> `);
    if (line === undefined) throw new EndOfInput();
    if (line.trim() === '') return undefined;
    const parsed = parseLine(v, line);
    if (parsed.ok) return parsed.value;
    io.stdout(`${parsed.reason}; try again (an empty line skips)\n`);
  }
}

/** A typed line → the answer in submission shape (the grader still checks it). */
export function parseLine(v: VariantBase, line: string): Parsed<unknown> {
  const terminal = typeModule(v.type).terminal;
  return terminal ? terminal.parse(v, line) : { ok: false, reason: 'cannot answer this type here' };
}
