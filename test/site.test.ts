/**
 * kvlab site, outside a browser: what it builds, what it refuses, and the rules its pages share with the
 * notebooks (student seeds, retries). The page behaviour itself is tested in Chromium (site-browser).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSite, PAGE_WEIGHT_BUDGET, type BuiltSite } from '../src/site/build.js';
import { jsonForScript } from '../src/site/pages.js';
import { studentSeed } from '../src/quiz/student-seed.js';
import { fnv1a32 } from '../src/quiz/random.js';
import { nextAttempt, NO_ATTEMPT, SOLUTION_AFTER_ATTEMPTS, solutionUnlocked } from '../src/quiz/attempts.js';
import { lessonIds } from '../src/course/lessons.js';
import { loadBanks } from '../src/quiz/index.js';
import { kvlab, root, tempDir } from './quiz/helpers.js';

let out: string;
let built: BuiltSite;
beforeAll(() => {
  out = tempDir('kvlab-site-');
  built = buildSite({ outDir: out });
});

const read = (page: string) => readFileSync(join(out, page), 'utf8');

describe('kvlab site: what it builds', () => {
  it('writes an index, a page per lesson, a page per practice bank and the calculator', () => {
    const expected = ['index.html', 'calculator.html', ...lessonIds().map((id) => `lesson-${id}.html`), ...loadBanks().map((b) => `quiz-${b.id}.html`)];
    expect(built.pages.sort()).toEqual(expected.sort());
    for (const page of expected) expect(existsSync(join(out, page)), page).toBe(true);
  });

  it('typesets lesson math at build time as MathML, leaving no TeX for a script to find', () => {
    for (const id of lessonIds()) {
      const html = read(`lesson-${id}.html`);
      expect(html, id).toContain('<math');
      // Text outside <math> and <code> holds no $…$ left over.
      const text = html.replace(/<math[\s\S]*?<\/math>/g, '').replace(/<code>[\s\S]*?<\/code>/g, '').replace(/<pre>[\s\S]*?<\/pre>/g, '');
      expect(text, id).not.toMatch(/\$[^$\s][^$]*\$/);
    }
  });

  it('links and loads only files inside the site, and every local link resolves', () => {
    for (const page of built.pages) {
      const html = read(page);
      for (const [, url] of html.matchAll(/<(?:script|img|link|iframe|source)\b[^>]*?\b(?:src|href)="([^"]*)"/g)) {
        expect(url, `${page} loads ${url}`).not.toMatch(/^[a-z]+:|^\/\//i);
        expect(existsSync(join(out, url!)), `${page} loads ${url}`).toBe(true);
      }
      for (const [, url] of html.matchAll(/<a\b[^>]*?\bhref="([^"#]+)(#[^"]*)?"/g)) {
        if (/^[a-z]+:/i.test(url!)) continue; // a reference to a paper is a link, not a request
        expect(existsSync(join(out, url!)), `${page} links ${url}`).toBe(true);
      }
    }
    // The scripts themselves name no other origin to fetch from.
    for (const file of readdirSync(join(out, 'assets'))) {
      const text = readFileSync(join(out, 'assets', file), 'utf8');
      // Calls of the global network APIs only: KaTeX's lexer has a method named fetch (`fetch(){…}`,
      // `parser.fetch()`), which is neither.
      expect(text, file).not.toMatch(/(?<![.\w$])(fetch|XMLHttpRequest|importScripts|WebSocket|EventSource)\s*\((?!\)\s*\{)|sendBeacon/);
    }
  });

  it(`keeps every page within the page-weight budget (${PAGE_WEIGHT_BUDGET / 1024} KiB with its scripts)`, () => {
    for (const [page, bytes] of Object.entries(built.pageWeights)) expect(bytes, page).toBeLessThanOrEqual(PAGE_WEIGHT_BUDGET);
    // The lessons without a calculator need no script at all.
    expect(read('lesson-03-trade-off.html')).not.toContain('<script src');
  });

  it('says on every quiz page that it is a practice quiz holding its answers', () => {
    for (const page of built.pages.filter((p) => p.startsWith('quiz-'))) expect(read(page), page).toContain('this page holds the answers');
  });

  it('embeds a bank so that no text in it can end the script element', () => {
    const hostile = { source: 'prompt: "</script><script>alert(1)</script>"', file: 'x.yaml' };
    const embedded = jsonForScript(hostile);
    expect(embedded).not.toContain('</script');
    expect(JSON.parse(embedded)).toEqual(hostile);
  });
});

describe('kvlab site: what it refuses', () => {
  it('refuses banks that belong to an assignment (its folder holds assignment.yaml)', () => {
    const course = tempDir('kvlab-assignment-');
    mkdirSync(join(course, 'banks'));
    writeFileSync(join(course, 'assignment.yaml'), 'title: hw1\n');
    copyFileSync(join(root, 'quizzes', 'real-models.yaml'), join(course, 'banks', 'real-models.yaml'));
    expect(() => buildSite({ outDir: tempDir(), bankDir: join(course, 'banks') })).toThrow(/belongs to the assignment .* practice banks only/);
  });

  it('refuses, with one line and exit 2, a missing --out, a folder holding other files, and a file', async () => {
    const noOut = await kvlab(['site']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toBe('kvlab: --out is required: the folder to write the site into, e.g. --out site\n');

    const busy = tempDir();
    writeFileSync(join(busy, 'thesis.tex'), 'mine');
    const refused = await kvlab(['site', '--out', busy]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/holds other files; give an empty or new folder/);
    expect(readFileSync(join(busy, 'thesis.tex'), 'utf8')).toBe('mine');

    const file = join(busy, 'thesis.tex');
    expect((await kvlab(['site', '--out', file])).stderr).toMatch(/is a file; give a folder name/);
  });

  it('builds again over a site it built, and names the heaviest page against the budget', async () => {
    const dir = join(tempDir(), 'site');
    const first = await kvlab(['site', '--out', dir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^site written to .*: \d+ pages; open .*index\.html\nheaviest page quiz-[a-z0-9-]+\.html: \d+ KiB with its scripts and stylesheet \(budget 1024 KiB\)\n$/);
    expect((await kvlab(['site', '--out', dir])).code).toBe(0);
  });
});

describe('student ids and retries: the rules every front end shares', () => {
  it('maps a whole number, or its canonical text, to itself, and hashes every other id', () => {
    expect(studentSeed(7)).toBe(7);
    expect(studentSeed('7')).toBe(7);
    expect(studentSeed(' 42 ')).toBe(42);
    // Pinned: the same on every machine.
    expect(studentSeed('01234567')).toBe(fnv1a32('01234567'));
    expect(studentSeed('s01234567')).toBe(1800609850); // FNV-1a of its UTF-8 bytes, computed in Python
    expect(studentSeed(-3)).toBe(fnv1a32('-3'));
    expect(studentSeed(2.5)).toBe(fnv1a32('2.5'));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer()), (id) => {
        const seed = studentSeed(id);
        return Number.isSafeInteger(seed) && seed >= 0;
      }),
    );
  });

  it('never counts a malformed or empty answer as an attempt, and opens the solution after a correct answer or three graded ones', () => {
    const status = fc.constantFrom('correct', 'partial', 'incorrect', 'not-graded', 'unanswered') as fc.Arbitrary<'correct' | 'partial' | 'incorrect' | 'not-graded' | 'unanswered'>;
    fc.assert(
      fc.property(fc.array(fc.tuple(status, fc.double({ min: 0, max: 5, noNaN: true }))), (answers) => {
        let state = NO_ATTEMPT;
        for (const [s, score] of answers) state = nextAttempt(state, s, score);
        const graded = answers.filter(([s]) => s !== 'not-graded' && s !== 'unanswered');
        expect(state.attempts).toBe(graded.length);
        expect(solutionUnlocked(state)).toBe(graded.some(([s]) => s === 'correct') || graded.length >= SOLUTION_AFTER_ATTEMPTS);
        expect(state.best).toBe(Math.max(0, ...graded.map(([, score]) => score)));
      }),
    );
  });
});
