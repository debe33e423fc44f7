/**
 * The built site in a real browser (Debian's Chromium driven by playwright-core), opened from disk as a
 * student would: the calculator answers its controls, a quiz grades right, wrong and malformed answers
 * with the notebooks' retry rule, progress survives a reload, nothing is fetched from another origin, no
 * console error, and axe-core finds no accessibility violation.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../src/site/build.js';
import { findChromium } from '../scripts/chromium.js';
import { answerKey, findBank } from '../src/quiz/index.js';
import { studentSeed } from '../src/quiz/student-seed.js';
import { formatBytes, kvCacheMemory, findModel } from '../src/memory/index.js';
import { tempDir } from './quiz/helpers.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let site: string;
let browser: Browser;
let context: BrowserContext;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  site = tempDir('kvlab-site-browser-');
  buildSite({ outDir: site });
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error('no Chromium: npm test installs it (scripts/setup.ts); or set KVLAB_CHROMIUM');
  browser = await chromium.launch({
    executablePath,
    // The flags that work on a machine without a network (see docs/authoring.md, checking the site).
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext();
  context.on('request', (r) => void requests.push(r.url()));
  context.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(`${m.location().url}: ${m.text()}`)));
  context.on('weberror', (e) => void consoleErrors.push(e.error().message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function open(page: string): Promise<Page> {
  const tab = await context.newPage();
  await tab.goto(pathToFileURL(join(site, page)).href);
  return tab;
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as { axe: { run(o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run({
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      // No CSSOM preload: axe would fetch the stylesheet by XHR, which file:// refuses (a console error
      // of the checker's, not of the site's). Colour contrast is computed from the rendered styles anyway.
      preload: false,
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

describe('the site in Chromium', () => {
  it('the calculator answers its controls, from the keyboard, with the memory module’s figures', async () => {
    const page = await open('calculator.html');
    const mistral = findModel('mistral-7b')!;
    const figure = (name: string) => page.locator(`[data-figure="${name}"]`).textContent();
    const bytes = (tokens: number, kvHeads = mistral.kvHeads, window?: number) =>
      formatBytes(kvCacheMemory({ ...mistral, layerPattern: undefined, window, kvHeads, tokens }).bytes);
    expect(await figure('full')).toBe(bytes(32768)); // 4 GiB
    expect(await figure('window')).toBe(bytes(32768, 8, 4096)); // 512 MiB

    // Keyboard only: focus the tokens slider and step it up once (m doubles).
    await page.focus('#calc-tokens');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#calc-tokens-out').textContent()).toBe('65536');
    expect(await figure('full')).toBe(bytes(65536)); // 8 GiB
    expect(await figure('window')).toBe(bytes(65536, 8, 4096)); // still 512 MiB

    // MQA: one KV head shares every query head; the window cache shrinks 8×.
    await page.selectOption('#calc-kv', '1');
    expect(await figure('window')).toBe(bytes(65536, 1, 4096));
    expect(await page.locator('#calc-figures').getAttribute('aria-live')).toBe('polite');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('a quiz grades a wrong, a malformed and a right answer with the same rules as the notebooks, and keeps progress across a reload', async () => {
    const bank = findBank('sliding-window-basics');
    const student = 's01234567';
    const seed = studentSeed(student);
    const key = answerKey(bank, 'window-growth-tf', seed);
    if (key.type !== 'true-false') throw new Error('window-growth-tf is a true-false question');
    const page = await open('quiz-sliding-window-basics.html');
    await page.fill('#student-id', student);
    await page.press('#student-id', 'Enter');
    await expect.poll(() => page.locator('#seed-note').textContent()).toBe(`Questions for student id “${student}” (seed ${seed}).`);

    const question = page.locator('#q-window-growth-tf');
    const feedback = question.locator('.feedback');
    const choose = (value: boolean) => question.locator(`input[value="${value}"]`);

    await choose(!key.answer).check();
    await question.locator('button').click();
    expect(await feedback.locator('.status').textContent()).toMatch(/^✗ Incorrect · 1 attempt\. The worked solution opens after a correct answer or 3 attempts\.$/);
    // Before the solution opens, the explanation (which states the answer) is not shown.
    expect(await feedback.textContent()).not.toContain('every new pair evicts the oldest');

    // A malformed numeric answer is explained and costs no attempt.
    const numeric = page.locator('#q-apply-attended-keys');
    await numeric.locator('input[type="text"]').fill('about a thousand');
    await numeric.locator('button').click();
    expect(await numeric.locator('.feedback .status').textContent()).toMatch(/^! Not graded · 0 attempts\. This one did not count\./);

    // The right answer, from the keyboard: focus the radio, Space to pick it, Tab to Check, Enter.
    await choose(key.answer).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await feedback.locator('.status').textContent()).toBe('✓ Correct · 2 attempts.');
    expect(await feedback.textContent()).toContain('every new pair evicts the oldest');
    const total = await page.locator('#score').textContent();
    expect(total).toMatch(/^Score: 1 of \d+$/);
    expect(await axeViolations(page)).toEqual([]);

    await page.reload();
    await expect.poll(() => page.locator('#student-id').inputValue()).toBe(student);
    expect(await page.locator('#score').textContent()).toBe(total);
    expect(await page.locator('#q-window-growth-tf .feedback').textContent()).toBe('Best score so far 1/1 · 2 attempts.');
    await page.close();
  });

  it('the index and a lesson pass the accessibility check, with math as MathML a screen reader reads', async () => {
    for (const name of ['index.html', 'lesson-02-sliding-window.html']) {
      const page = await open(name);
      expect(await axeViolations(page), name).toEqual([]);
      if (name.startsWith('lesson')) expect(await page.locator('math').count()).toBeGreaterThan(10);
      await page.close();
    }
  });

  it('fetched nothing from any other origin and logged no console error on any page', () => {
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
