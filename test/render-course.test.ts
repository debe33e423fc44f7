/**
 * The notebook helpers of the public API: lessons split into sections, figure lines that parse back
 * exactly, Markdown tables, and quiz feedback that never shows the answer of an unanswered question.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { figureLine, parseFigures } from '../src/course/figures.js';
import { markdownTable } from '../src/course/display.js';
import { lessonIds, lessonMarkdown, lessonSections, LessonError, splitSections } from '../src/course/lessons.js';
import { gradeQuiz, questionParams, quizMarkdown } from '../src/course/quiz.js';
import { studentSeed } from '../src/course/seed.js';
import { median, summarizeRuns, timeDecodeSteps } from '../src/course/timing.js';
import { callStudent, checkFunction } from '../src/course/student.js';
import { answerKey, findBank, loadBanks, questionVariant, renderQuestionMarkdown } from '../src/quiz/index.js';

describe('lessons', () => {
  const sample = [
    '# Title',
    '',
    'Intro text.',
    '',
    '## First',
    '',
    'Body with $x^2$.',
    '',
    '```md',
    '## not a section (inside a fence)',
    '```',
    '',
    '## Second: more',
    'End.',
  ].join('\n');

  it('splits at ## headings outside fences, the introduction first', () => {
    const sections = splitSections(sample);
    expect(sections.map((s) => s.title)).toEqual(['Title', 'First', 'Second: more']);
    expect(sections[1]!.markdown).toContain('## not a section (inside a fence)');
    expect(sections[0]!.markdown).toBe('# Title\n\nIntro text.');
    // Nothing is lost or duplicated: the sections put back together are the lesson.
    expect(sections.map((s) => s.markdown).join('\n\n')).toBe(sample.trim());
  });

  it('finds sections by index, title prefix or range, and names the sections when one is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvlab-lessons-'));
    writeFileSync(join(dir, '01-sample.md'), sample);
    expect(lessonIds(dir)).toEqual(['01-sample']);
    expect(lessonMarkdown('01-sample', 'first', dir)).toContain('Body with $x^2$.');
    expect(lessonMarkdown('01-sample', 2, dir)).toBe('## Second: more\nEnd.');
    expect(lessonMarkdown('01-sample', [1, 2], dir)).toContain('End.');
    expect(() => lessonMarkdown('01-sample', 'nope', dir)).toThrow(/no section titled 'nope…'; sections: 0: Title; 1: First; 2: Second: more/);
    expect(() => lessonMarkdown('01-sample', 7, dir)).toThrow(LessonError);
    expect(() => lessonSections('../etc/passwd', dir)).toThrow(/no lesson/);
  });

  it('loads the course lessons, each with a title and sections', () => {
    const ids = lessonIds();
    // The six lessons of the notebooks come first, in order (later lessons may follow them).
    expect(ids.slice(0, 6)).toEqual(['01-kv-cache', '02-sliding-window', '03-trade-off', '04-fixed-size-memories', '05-real-models', '06-choosing-a-design']);
    for (const id of ids) {
      const sections = lessonSections(id);
      expect(sections[0]!.markdown.startsWith('# '), id).toBe(true);
      expect(sections.length, id).toBeGreaterThan(3);
    }
  });
});

describe('figure lines', () => {
  it('read as a sentence and parse back to the same name and exact byte count, for any figure', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,30}$/);
    const what = fc.string({ minLength: 1, maxLength: 60 }).filter((w) => w.replace(/\s+/g, ' ').trim() !== '');
    fc.assert(
      fc.property(name, fc.nat({ max: Number.MAX_SAFE_INTEGER }), what, (n, bytes, w) => {
        const text = `noise\n${figureLine(n, bytes, w)}\nmore noise: 12 bytes (12 bytes)`;
        expect(parseFigures(text)).toEqual([{ name: n, bytes, what: w.replace(/\s+/g, ' ').trim() }]);
      }),
    );
    expect(figureLine('llama-2-7b-window-2048-at-5000', 2 ** 30, 'Llama-2-7B, window 2,048, at token 5,000')).toBe(
      'Llama-2-7B, window 2,048, at token 5,000: 1,073,741,824 bytes (1 GiB) [llama-2-7b-window-2048-at-5000]',
    );
  });

  it('refuse names, counts and descriptions that would not parse back', () => {
    expect(() => figureLine('Has Space', 1, 'x')).toThrow(/lower-case/);
    expect(() => figureLine('ok', 1.5, 'x')).toThrow(/whole number/);
    expect(() => figureLine('ok', -1, 'x')).toThrow(/whole number/);
    expect(() => figureLine('ok', 1, ' ')).toThrow(/description/);
  });
});

describe('markdownTable', () => {
  it('right-aligns numeric columns, escapes pipes and checks row widths', () => {
    expect(markdownTable(['a', 'n'], [['x|y', 1234567]])).toBe('| a | n |\n|:---|---:|\n| x\\|y | 1,234,567 |');
    expect(() => markdownTable(['a', 'b'], [['only one']])).toThrow(/1 cells but there are 2 headers/);
  });
});

describe('notebook quizzes', () => {
  it('say the unit of a numeric answer once, not twice', () => {
    let checked = 0;
    for (const bank of loadBanks()) {
      for (const question of bank.questions) {
        const variant = questionVariant(bank, question.id, 0);
        for (const v of [variant, ...(variant.type === 'scenario' ? variant.parts : [])]) {
          if (v.type !== 'numeric' || v.unit === undefined) continue;
          const md = renderQuestionMarkdown(v);
          const mentions = md.match(new RegExp(`\\bin\\s+(?:\\*\\*)?${v.unit}\\b`, 'gi')) ?? [];
          expect(mentions.length, `${bank.id}/${v.id}`).toBeGreaterThanOrEqual(1);
          expect(md.match(/Answer in/g)?.length ?? 0, `${bank.id}/${v.id}`).toBeLessThanOrEqual(1);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('render the seeded variant and grade with the quiz engine', () => {
    const md = quizMarkdown('kv-memory-formula', ['full-cache-mib'], 3);
    const params = questionParams('kv-memory-formula', 'full-cache-mib', 3);
    expect(md).toContain(`m = ${params.tokens}`);
    const key = answerKey(findBank('kv-memory-formula'), 'full-cache-mib', 3);
    if (key.type !== 'numeric') throw new Error('expected a numeric question');
    const right = gradeQuiz('kv-memory-formula', { 'full-cache-mib': key.answer }, 3);
    expect(right.score).toBe(right.max);
    const wrong = gradeQuiz('kv-memory-formula', { 'full-cache-mib': key.answer / 2 }, 3);
    expect(wrong.score).toBe(0);
    expect(wrong.markdown).toContain('factor 2 for K and V');
  });

  it('never show the explanation (which states the answer) of an unanswered question or scenario part', () => {
    const key = answerKey(findBank('kv-memory-formula'), 'full-cache-mib', 0);
    if (key.type !== 'numeric') throw new Error('expected a numeric question');
    const blank = gradeQuiz('kv-memory-formula', { 'full-cache-mib': undefined }, 0);
    expect(blank.unanswered).toEqual(['full-cache-mib']);
    expect(blank.markdown).not.toContain(String(key.answer));
    expect(blank.markdown).toContain('not answered yet');

    const scenario = gradeQuiz('case-support-chat', { 'support-chat-postmortem': { 'full-cache-gib': undefined, 'root-cause': undefined } }, 0);
    expect(scenario.unanswered).toEqual(['support-chat-postmortem']);
    const partly = gradeQuiz('case-support-chat', { 'support-chat-postmortem': { 'root-cause': 'a' } }, 0);
    expect(partly.unanswered).toEqual([]);
    expect(partly.markdown).toMatch(/- ○ \*\*full-cache-gib\*\*: not answered yet\./);
    expect(partly.markdown).not.toMatch(/GiB,\s*for one chat/); // the unanswered part's explanation
  });
});

describe('studentSeed', () => {
  it('maps every kind of id a student has to a whole number ≥ 0, the same on every machine', () => {
    // Pinned: FNV-1a (32-bit) of the UTF-8 text, computed independently (Python) for these ids.
    expect(studentSeed('s01234567')).toBe(1800609850);
    expect(studentSeed('s1234567')).toBe(245830126);
    expect(studentSeed(-5)).toBe(416092279);
    expect(studentSeed(1.5)).toBe(3896645433);
    expect(studentSeed('é')).toBe(513665217);
    // Whole numbers, and their plain decimal text, are the seed itself (so `kvlab quiz --seed N` agrees); a
    // leading zero is part of an id, so '01234567' is hashed like any other text.
    expect(studentSeed(1234567)).toBe(1234567);
    expect(studentSeed('1234567')).toBe(1234567);
    expect(studentSeed(' 01234567 ')).toBe(3649004701);
    expect(studentSeed(0)).toBe(0);
  });

  it('never throws and always gives a seed the quiz engine accepts', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer()), (id) => {
        const seed = studentSeed(id);
        expect(Number.isSafeInteger(seed) && seed >= 0).toBe(true);
        expect(studentSeed(id)).toBe(seed);
        expect(() => questionParams('kv-memory-formula', 'full-cache-mib', id)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('is what the notebook helpers use for a string id', () => {
    expect(questionParams('kv-memory-formula', 'full-cache-mib', 's01234567')).toEqual(
      questionParams('kv-memory-formula', 'full-cache-mib', 1800609850),
    );
    expect(quizMarkdown('kv-memory-formula', ['full-cache-mib'], 's01234567')).toContain('seed 1800609850 (from the id "s01234567")');
  });
});

describe("a student's function in a self-check", () => {
  // As tslab runs a cell: its compiled JavaScript in a vm script (line 1 is the function's first line).
  const cell = [
    'function fullCacheMiB(layers, heads, headDim, tokens) {',
    '  const dims = [layers, heads, headDim];',
    '  return (2 * dims[3].valueOf() * tokens * 2) / 2 ** 20; // a bug: no index 3',
    '}',
    'fullCacheMiB;',
  ].join('\n');
  const fullCacheMiB = runInThisContext(cell, { filename: 'evalmachine.<anonymous>' }) as (
    layers: number,
    heads: number,
    headDim: number,
    tokens: number,
  ) => number;

  it('that throws is told in one line: the function, the error, the line and its code', () => {
    const call = callStudent(fullCacheMiB, [32, 32, 128, 4096]);
    expect(call.ok).toBe(false);
    if (call.ok) return;
    expect(call.message).not.toContain('\n');
    expect(call.message).toMatch(/^fullCacheMiB threw TypeError: Cannot read properties of undefined/);
    expect(call.message).toMatch(/at line 3 of fullCacheMiB: `return .*dims\[3\]/);
    // Not an Error, or an anonymous function: still one line.
    expect(callStudent(() => { throw 'nope'; }, [], 'f')).toEqual({ ok: false, value: undefined, message: 'f threw nope' });
  });

  it('is graded when it returns, and not graded (no attempt used) when it throws', () => {
    const key = answerKey(findBank('kv-memory-formula'), 'full-cache-mib', 5);
    if (key.type !== 'numeric') throw new Error('expected a numeric question');
    const p = questionParams('kv-memory-formula', 'full-cache-mib', 5);
    const right = (l: number, h: number, d: number, m: number) => (2 * l * h * d * m * 2) / 2 ** 20;
    expect(checkFunction('kv-memory-formula', 'full-cache-mib', right, [p.layers!, p.heads!, p.head_dim!, p.tokens!], 5)).toMatch(
      /\*\*Score: 1 \/ 1\*\*/,
    );
    const thrown = checkFunction('kv-memory-formula', 'full-cache-mib', fullCacheMiB, [p.layers!, p.heads!, p.head_dim!, p.tokens!], 5);
    expect(thrown).toMatch(/^\*\*full-cache-mib: not graded\.\*\* fullCacheMiB threw TypeError/);
    expect(thrown).not.toContain(String(key.answer));
    expect(thrown.split('\n')).toHaveLength(1);
  });
});

describe('timing decode steps', () => {
  it('summarizes runs per block as their median, minimum and maximum', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
    // One slow run (a garbage collection) moves the min–max, not the median.
    expect(summarizeRuns([[10, 20], [11, 21], [9, 19], [1000, 22], [10, 20]], 256)).toEqual([
      { m: 256, median: 10, low: 9, high: 1000, runs: [10, 11, 9, 1000, 10] },
      { m: 512, median: 20, low: 19, high: 22, runs: [20, 21, 19, 22, 20] },
    ]);
  });

  it('times every policy in every run, and plots medians of the runs', () => {
    const timed = timeDecodeSteps({ layers: 1, heads: 1, headDim: 4, vocab: 8 }, [{ kind: 'full' }, { kind: 'window', window: 4 }], {
      tokens: 16,
      block: 8,
      runs: 5,
    });
    expect(timed.map((t) => t.blocks.map((b) => b.m))).toEqual([[8, 16], [8, 16]]);
    for (const t of timed) {
      for (const b of t.blocks) {
        expect(b.runs).toHaveLength(5);
        expect(b.median).toBe(median(b.runs));
        expect(b.low).toBeLessThanOrEqual(b.median);
        expect(b.high).toBeGreaterThanOrEqual(b.median);
      }
    }
    expect(timed[1]!.heldBytes).toBeLessThan(timed[0]!.heldBytes); // the window holds 4 pairs, the full cache 16
    expect(() => timeDecodeSteps({ layers: 1, heads: 1, headDim: 4 }, [{ kind: 'full' }], { tokens: 10, block: 4 })).toThrow(/multiple/);
  });
});
