/**
 * The command output README.md and docs/cli.md show is what the commands print today. Each `$ npx kvlab …`
 * line in a fenced block whose command runs from a clone as it stands (the course banks, the example
 * assignment, the test fixtures, the model table; not the `demo.yaml` or `subs/` a reader makes) is run in
 * process (not with --json, which the docs show compacted), and every line shown after it must be a line of
 * the real output, in order. A line `…` stands for lines left out; a line holding `…` is matched up to it;
 * without any `…` the last line shown is the output's last. An `--out FILE` is written into a temp folder and
 * its name shown as in the docs.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';
import { root, tempDir } from './quiz/helpers.js';

const PAGES = ['README.md', 'docs/cli.md'];

/** Commands whose inputs every clone has (and that need no terminal input beyond an empty stdin). */
const RUNNABLE = [
  /^lint( (quizzes|example-assignment|test\/quiz\/fixtures\/\S+)(\/\S+\.yaml)?)*$/,
  /^quiz [a-z-]+ --seed \d+$/,
  /^export --format \S+ [a-z-]+ --out \S+( --seed \d+)?$/,
  /^(memory|models)( --(?!json)[a-z-]+( [\w.-]+)?)*$/,
];

interface Transcript {
  page: string;
  line: number;
  args: string;
  shown: string[];
}

export function transcripts(page: string, markdown: string): Transcript[] {
  const out: Transcript[] = [];
  let inFence = false;
  let current: Transcript | undefined;
  markdown.split('\n').forEach((text, i) => {
    if (/^(```|~~~)/.test(text)) {
      inFence = !inFence;
      current = undefined;
      return;
    }
    if (!inFence) return;
    const command = /^\$ npx kvlab (.*)$/.exec(text);
    if (command) {
      current = { page, line: i + 1, args: command[1]!.trim(), shown: [] };
      out.push(current);
    } else if (text.startsWith('$ ')) {
      current = undefined;
    } else if (current) {
      current.shown.push(text);
    }
  });
  return out;
}

/** stdout and stderr as a terminal shows them: one stream, in the order written. */
async function terminalOutput(args: string[]): Promise<string> {
  let text = '';
  const write = (chunk: string) => void (text += chunk);
  await run(args, { stdout: write, stderr: write, stdin: Readable.from([]), isTTY: false, cwd: root });
  return text;
}

/** Whether `shown` are lines of `actual`, in order (`…` skips; a line holding `…` matches up to it). */
export function missingLine(shown: readonly string[], actual: readonly string[]): string | undefined {
  let at = 0;
  for (const line of shown) {
    if (line.trim() === '…' || line.trim() === '') continue;
    const prefix = line.includes('…') ? line.slice(0, line.indexOf('…')) : undefined;
    const found = actual.findIndex((a, k) => k >= at && (prefix !== undefined ? a.startsWith(prefix) : a === line));
    if (found < 0) return line;
    at = found + 1;
  }
  return undefined;
}

const runnable = PAGES.flatMap((page) => transcripts(page, readFileSync(join(root, page), 'utf8'))).filter((t) => RUNNABLE.some((r) => r.test(t.args)));

describe('the transcript reader', () => {
  it('finds the commands and their shown lines, and matches in order with … as a gap', () => {
    const found = transcripts('x.md', ['```', '$ npx kvlab lint', '…', 'kvlab lint: 2 banks valid', '$ echo', 'no', '```', '$ npx kvlab outside'].join('\n'));
    expect(found).toEqual([{ page: 'x.md', line: 2, args: 'lint', shown: ['…', 'kvlab lint: 2 banks valid'] }]);
    expect(missingLine(['a', '…', 'c'], ['a', 'b', 'c'])).toBeUndefined();
    expect(missingLine(['c', 'a'], ['a', 'b', 'c'])).toBe('a');
    expect(missingLine(['x (1 text, …)'], ['x (1 complexity, 2 text)'])).toBe('x (1 text, …)');
  });
});

describe('the output the docs show', () => {
  it('covers the lint, quiz and export examples', () => {
    expect(runnable.map((t) => t.args)).toEqual(expect.arrayContaining(['lint', 'lint quizzes example-assignment', 'quiz sliding-window-basics --seed 7', 'export --format qti sliding-window-basics --out swa-qti.zip']));
  });

  it.each(runnable.map((t) => [`${t.page}:${t.line} kvlab ${t.args}`, t] as const))('%s', async (_name, t) => {
    let args = t.args.split(' ');
    const outAt = args.indexOf('--out');
    const shownOut = outAt >= 0 ? args[outAt + 1]! : undefined;
    const realOut = shownOut === undefined ? undefined : join(tempDir('kvlab-docs-'), basename(shownOut));
    if (realOut !== undefined) args = args.map((a, k) => (k === outAt + 1 ? realOut : a));
    const text = await terminalOutput(args);
    const actual = (realOut === undefined ? text : text.replaceAll(realOut, shownOut!)).split('\n');
    expect(missingLine(t.shown, actual), `real output:\n${actual.join('\n')}`).toBeUndefined();
    // Without a … the docs show the output up to its end: a line printed last (a note) is not left out.
    if (!t.shown.some((line) => line.includes('…'))) expect(t.shown.filter((l) => l !== '').at(-1)).toBe(actual.filter((l) => l !== '').at(-1));
  });
});
