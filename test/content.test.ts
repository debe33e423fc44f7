/**
 * The lessons are checked like code. Each one has a title, a learning goal, sections the notebooks can split
 * on and a closing "Check yourself"; its TeX delimiters pair up; and every cache size it states is
 * recomputed through the memory module.
 *
 * A figure is stated as "<integer> bytes" (or KiB/MiB/GiB) immediately followed by a tag naming the
 * `kvlab memory` flags that produce it:
 *
 *   536,870,912 bytes<!-- check: memory --model mistral-7b --tokens 32768 = 536870912 -->
 *   512 MiB<!-- check: memory --model mistral-7b --tokens 32768 = 512 MiB -->
 *
 * The tag is read by the `kvlab` command's own option parser and query builder, so the prose figure, the
 * tag's value and what the command line computes from the memory module must all agree, and a byte figure in
 * the prose without a tag fails (only element sizes of 1 to 8 bytes are exempt).
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import {
  CACHE_KINDS,
  attendedPairs,
  heldPairs,
  kvCacheMemory,
  type CachePolicy,
  type KvMemoryQuery,
} from '../src/memory/index.js';
import { assembleProgram, loadCommands } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/io.js';
import { parseChoice, parseCount } from '../src/cli/args.js';
import { memoryQuery } from '../src/cli/commands/memory.js';
import { cachePolicy, type SimulateFlags } from '../src/cli/commands/simulate.js';

const contentDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'content');

// Fixed names: the notebooks render these files section by section.
const LESSONS = [
  '01-kv-cache.md',
  '02-sliding-window.md',
  '03-trade-off.md',
  '04-fixed-size-memories.md',
  '05-real-models.md',
  '06-choosing-a-design.md',
  '07-decode-time.md',
  '08-positions-and-techniques.md',
];

const UNIT_BYTES = { bytes: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 } as const;
type Unit = keyof typeof UNIT_BYTES;

/** "36,864" or "36864" with a unit → bytes. */
function toBytes(digits: string, unit: string): number {
  return Number(digits.replace(/,/g, '')) * UNIT_BYTES[unit as Unit];
}

const quiet: CliIO = { stdout: () => {}, stderr: () => {}, stdin: Readable.from([]), isTTY: false, cwd: process.cwd() };
/** The two commands whose flags the tags use, loaded once; each check parses with a fresh program. */
const tagCommands = await loadCommands(['memory', 'simulate']);

/**
 * A tag's flags as `kvlab <command>` reads them: the real command's option parser, with its defaults
 * (fp16, batch 1, w-keys), so a tag checks what the command line would compute.
 */
function commandOptions(name: 'memory' | 'simulate', flagText: string): Record<string, string | undefined> {
  const command = assembleProgram({ io: quiet, setExitCode: () => {} }, tagCommands).commands.find((c) => c.name() === name)!;
  const { operands, unknown } = command.parseOptions(flagText.trim().split(/\s+/));
  const stray = [...operands, ...unknown];
  if (stray.length > 0) throw new Error(`unknown flags ${stray.join(' ')} in '${flagText}'`);
  return command.opts();
}

/** `kvlab memory` flags → the query the command builds. */
function queryFromFlags(flagText: string): KvMemoryQuery {
  return memoryQuery(commandOptions('memory', flagText) as unknown as Parameters<typeof memoryQuery>[0]);
}

/** `kvlab simulate`'s cache flags → the cache policy the command builds, and a token count. */
function policyFromFlags(flagText: string): { policy: CachePolicy; tokens: number } {
  const options = commandOptions('simulate', flagText) as unknown as SimulateFlags;
  const kind = parseChoice('--cache', options.cache ?? '', CACHE_KINDS);
  return { policy: cachePolicy(kind, options), tokens: parseCount('--tokens', options.tokens) };
}

/** The prose a reader sees: no fenced code, no inline code. Tags (HTML comments) are kept. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

interface Check {
  line: number;
  text: string; // the figure as written, e.g. "512 MiB"
  stated: number; // in bytes, or pairs
  tagged: number;
  /** The memory module's answer for the tag. */
  recompute: () => number;
  command: string;
}

const NUMBER = String.raw`(\d[\d,]*)`;
const BYTES = String.raw`${NUMBER}\s*(bytes|KiB|MiB|GiB)`;
const MEMORY_TAG = String.raw`<!--\s*check:\s*memory\s+(.*?)\s*=\s*${NUMBER}\s*(bytes|KiB|MiB|GiB)?\s*-->`;
const PAIRS = String.raw`${NUMBER}\s*pairs?`;
const PAIRS_TAG = String.raw`<!--\s*check:\s*pairs\s+(held|attended)\s+(.*?)\s*=\s*${NUMBER}\s*-->`;

/** Every tagged figure, every byte figure left without a tag, and every tag not attached to a figure. */
function figures(markdown: string): { checks: Check[]; untagged: string[]; badTags: string[] } {
  const checks: Check[] = [];
  const untagged: string[] = [];
  const badTags: string[] = [];
  // "\d[\d,]*" can start inside a longer word such as "fp16 bytes"; only whole numbers count.
  const wholeNumberAt = (text: string, index: number) => !/[\w.]/.test(text[index - 1] ?? ' ');
  prose(markdown)
    .split('\n')
    .forEach((text, index) => {
      const line = index + 1;
      let attached = 0;
      for (const m of text.matchAll(new RegExp(`${BYTES}(\\s*${MEMORY_TAG})?`, 'g'))) {
        if (!wholeNumberAt(text, m.index ?? 0)) continue;
        const [whole, digits, unit, tag, flags, tagDigits, tagUnit] = m;
        const stated = toBytes(digits!, unit!);
        if (tag === undefined) {
          if (!(unit === 'bytes' && stated <= 8)) untagged.push(`line ${line}: '${whole.trim()}'`);
          continue;
        }
        attached += 1;
        checks.push({
          line,
          text: `${digits} ${unit}`,
          stated,
          tagged: toBytes(tagDigits!, tagUnit ?? 'bytes'),
          recompute: () => kvCacheMemory(queryFromFlags(flags!)).bytes,
          command: `memory ${flags}`,
        });
      }
      for (const m of text.matchAll(new RegExp(`${PAIRS}\\s*${PAIRS_TAG}`, 'g'))) {
        if (!wholeNumberAt(text, m.index ?? 0)) continue;
        const [, digits, which, flags, tagDigits] = m;
        attached += 1;
        checks.push({
          line,
          text: `${digits} pairs`,
          stated: Number(digits!.replace(/,/g, '')),
          tagged: Number(tagDigits!.replace(/,/g, '')),
          recompute: () => {
            const { policy, tokens } = policyFromFlags(flags!);
            return which === 'held' ? heldPairs(policy, tokens) : attendedPairs(policy, tokens);
          },
          command: `pairs ${which} ${flags}`,
        });
      }
      // A tag must sit right after the figure it checks.
      if ([...text.matchAll(/<!--\s*check:/g)].length !== attached) {
        badTags.push(`line ${line}: a check tag not right after the figure it checks, or malformed`);
      }
    });
  return { checks, untagged, badTags };
}

/** `$$` blocks pair up; within each paragraph, single `$` pair up too. */
function mathProblems(markdown: string): string[] {
  const problems: string[] = [];
  const text = prose(markdown).replace(/\\\$/g, '');
  if ((text.match(/\$\$/g) ?? []).length % 2 !== 0) problems.push('an unclosed $$');
  const withoutDisplay = text.replace(/\$\$[\s\S]*?\$\$/g, '');
  withoutDisplay.split(/\n\s*\n/).forEach((paragraph) => {
    if ((paragraph.match(/\$/g) ?? []).length % 2 !== 0) {
      problems.push(`an unclosed $ in: ${paragraph.trim().slice(0, 60)}…`);
    }
  });
  return problems;
}

describe('the figure tags themselves', () => {
  it('recompute a known figure and reject a wrong one', () => {
    const { checks } = figures('It is 536,870,912 bytes<!-- check: memory --model mistral-7b --tokens 32768 = 536870912 -->.');
    expect(checks).toHaveLength(1);
    expect(checks[0]!.recompute()).toBe(checks[0]!.tagged);
    const wrong = figures('It is 4 GiB<!-- check: memory --model mistral-7b --tokens 32768 = 4 GiB -->.').checks[0]!;
    expect(wrong.recompute()).not.toBe(wrong.tagged);
  });

  it('recompute pair counts of the other cache kinds', () => {
    const [held, read] = figures(
      'It holds 513 pairs<!-- check: pairs held --cache moving-average --window 512 --tokens 900 = 513 --> ' +
        'and reads 1 pair<!-- check: pairs attended --cache moving-average --window 512 --tokens 900 = 1 -->.',
    ).checks;
    expect([held!.recompute(), read!.recompute()]).toEqual([513, 1]);
  });

  it('refuse a tag that is not attached to a figure', () => {
    expect(figures('Big.<!-- check: memory --model gpt2 --tokens 1 = 36864 -->').badTags).toHaveLength(1);
  });

  it('flag a byte figure without a tag, but not an element size', () => {
    const { untagged } = figures('fp16 takes 2 bytes an element; the cache takes 36,864 bytes per token.');
    expect(untagged).toEqual(["line 1: '36,864 bytes'"]);
  });

  it('are read by the CLI itself: explicit shapes, dtype, batch, convention and a window override of a preset', () => {
    expect(kvCacheMemory(queryFromFlags('--layers 12 --heads 12 --head-dim 64 --tokens 1 --dtype fp32 --batch 2')).bytes).toBe(
      2 * 2 * 12 * 12 * 64 * 4,
    );
    expect(kvCacheMemory(queryFromFlags('--model mistral-7b --tokens 32768 --convention w-plus-one')).cachedTokens).toBe(4097);
    expect(() => queryFromFlags('--model mistral-7b --tokens 10 --colour red')).toThrow(/unknown flags/);
  });
});

describe.each(LESSONS)('lesson %s', (file) => {
  const path = join(contentDir, file);

  it('exists', () => {
    expect(existsSync(path)).toBe(true);
  });

  const markdown = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const lines = markdown.split('\n');

  it('opens with a "# " title, then a one-line learning goal', () => {
    expect(lines[0]).toMatch(/^# \S/);
    expect(lines.find((l) => l.trim() !== '' && !l.startsWith('# '))).toMatch(/^\*Learning goal: .+\*$/);
  });

  it('has at least three "## " sections and ends with "Check yourself" holding 2–3 questions', () => {
    const sections = markdown.split(/^## /m).slice(1);
    expect(sections.length).toBeGreaterThanOrEqual(3);
    const last = sections[sections.length - 1] ?? '';
    expect(last.split('\n')[0]).toBe('Check yourself');
    const questions = last.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(questions.length).toBeGreaterThanOrEqual(2);
    expect(questions.length).toBeLessThanOrEqual(3);
  });

  it('gives its sections distinct titles, so a notebook can name a section by its title', () => {
    const titles = lines.filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim().toLowerCase());
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('keeps each section to 1–4 paragraphs, so a notebook cell shows one idea', () => {
    for (const section of markdown.split(/^## /m).slice(1)) {
      const body = section.split('\n').slice(1).join('\n');
      // A display equation is part of the sentence around it, not a paragraph of its own.
      const paragraphs = body
        .replace(/\$\$[\s\S]*?\$\$/g, '')
        .split(/\n\s*\n/)
        .filter((p) => p.trim() !== '');
      expect(paragraphs.length, `section "${section.split('\n')[0]}"`).toBeGreaterThanOrEqual(1);
      expect(paragraphs.length, `section "${section.split('\n')[0]}"`).toBeLessThanOrEqual(4);
    }
  });

  it('balances its $ and $$ delimiters', () => {
    expect(mathProblems(markdown)).toEqual([]);
  });

  it('tags every byte figure, right after the figure', () => {
    const { untagged, badTags } = figures(markdown);
    expect(untagged).toEqual([]);
    expect(badTags).toEqual([]);
  });

  it('states only figures the memory module reproduces', () => {
    for (const check of figures(markdown).checks) {
      const where = `${file}:${check.line} '${check.text}' (${check.command})`;
      expect(check.stated, where).toBe(check.tagged);
      expect(check.recompute(), where).toBe(check.tagged);
    }
  });
});
