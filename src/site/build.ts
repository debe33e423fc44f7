/**
 * `kvlab site`: the course as a static site, built from the same sources as the notebooks (content/) and
 * the practice banks (quizzes/). Gather the data, render pages (pages.ts, pure), write files.
 *
 * Practice banks carry their keys into the page (the page grades in the browser), so a bank that belongs
 * to an assignment (a folder holding an assignment.yaml, or below one) is refused.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentDir, lessonIds, lessonSections } from '../course/lessons.js';
import { bankFiles, checkBankSource, type Bank } from '../quiz/index.js';
import { ASSIGNMENT_FILE, isAssignmentDir } from '../assignment/manifest.js';
import { calculatorHtml, escapeHtml, jsonForScript, layout, type CalculatorStart, type SiteNav } from './pages.js';
import { markdownToHtml, siteMarkdown } from './markdown.js';

/** A site that cannot be built, and why (one line). */
export class SiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SiteError';
  }
}

export interface SiteOptions {
  outDir: string;
  /** Lessons (NN-name.md); default: the course's content/. */
  contentDir?: string;
  /** Practice banks; default: the course's quizzes/. */
  bankDir?: string;
}

export interface BuiltSite {
  pages: string[];
  /** Bytes of each page with everything it loads (HTML, CSS, scripts). */
  pageWeights: Record<string, number>;
}

/**
 * The most a page may weigh with everything it loads (HTML, stylesheet, scripts), uncompressed. The quiz
 * pages are the heaviest: they carry kvlab's own loader and grader (with its YAML parser and schema
 * checker) and KaTeX, so feedback math is typeset in the page too. A test holds every page to it.
 */
export const PAGE_WEIGHT_BUDGET = 1024 * 1024;

/** The browser bundles and stylesheet, built by scripts/build-site-assets.ts into dist/site/assets. */
export function assetDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'site', 'assets');
}

/** Lessons that show the live calculator after their text, and where it starts. */
const LESSON_CALCULATORS: Readonly<Record<string, CalculatorStart>> = {
  '01-kv-cache': { model: 'llama-2-7b', tokens: 4096, caption: 'A full cache grows with every token: move m and watch both figures.' },
  '02-sliding-window': { model: 'mistral-7b', tokens: 32768, window: 4096, caption: 'Past the window, the window cache stays flat whatever m is.' },
  '05-real-models': { model: 'llama-3-8b', tokens: 8192, window: 4096, caption: 'Change the KV heads (GQA, MQA) and the element type, and see the bill change.' },
};

export function buildSite(options: SiteOptions): BuiltSite {
  const lessonsDir = options.contentDir ?? contentDir();
  const banksDir = options.bankDir ?? resolve(lessonsDir, '..', 'quizzes');
  const assets = assetDir();
  if (!existsSync(join(assets, 'quiz.js'))) throw new SiteError(`the site's scripts are not built (${assets}); run npm run build`);
  const privateRoot = assignmentRoot(banksDir);
  if (privateRoot) {
    throw new SiteError(`${banksDir} belongs to the assignment in ${privateRoot} (it has an ${ASSIGNMENT_FILE}); a site carries its banks' keys, so build it from practice banks only`);
  }

  const marked = siteMarkdown();
  const lessons = lessonIds(lessonsDir).map((id) => ({ id, sections: lessonSections(id, lessonsDir) }));
  const banks = bankFiles(banksDir).map((file) => {
    const source = readFileSync(file, 'utf8');
    const { bank, problems } = checkBankSource(source, file);
    if (!bank) throw new SiteError(`${problems[0]} (kvlab lint lists every problem)`);
    return { bank, source, file: parse(file).base };
  });
  const nav: SiteNav = {
    lessons: lessons.map((l) => ({ href: `lesson-${l.id}.html`, title: l.sections[0]?.title ?? l.id })),
    quizzes: banks.map(({ bank }) => ({ href: `quiz-${bank.id}.html`, title: bank.title })),
  };

  mkdirSync(join(options.outDir, 'assets'), { recursive: true });
  for (const file of readdirSync(assets)) copyFileSync(join(assets, file), join(options.outDir, 'assets', file));
  const pages = new Map<string, string>();
  pages.set('index.html', indexPage(nav));
  for (const lesson of lessons) {
    const href = `lesson-${lesson.id}.html`;
    const calculator = LESSON_CALCULATORS[lesson.id];
    const body = `<article class="lesson">${markdownToHtml(marked, lesson.sections.map((s) => s.markdown).join('\n\n'))}</article>${
      calculator ? calculatorHtml('calc', calculator) : ''
    }`;
    pages.set(href, layout({ title: lesson.sections[0]?.title ?? lesson.id, nav, body, current: href, scripts: calculator ? ['calculator.js'] : [] }));
  }
  for (const { bank, source, file } of banks) {
    const href = `quiz-${bank.id}.html`;
    pages.set(href, layout({ title: bank.title, nav, body: quizBody(bank, source, file), current: href, scripts: ['quiz.js'] }));
  }
  pages.set(
    'calculator.html',
    layout({
      title: 'Memory calculator',
      nav,
      current: 'calculator.html',
      scripts: ['calculator.js'],
      body: `<h1>Memory calculator</h1>${calculatorHtml('calc', { model: 'mistral-7b', tokens: 32768, window: 4096, caption: 'Every figure here comes from kvlab’s memory module, the same code the notebooks and the command line call.' })}`,
    }),
  );
  for (const [name, html] of pages) writeFileSync(join(options.outDir, name), html);
  return { pages: [...pages.keys()], pageWeights: pageWeights(options.outDir, [...pages.keys()]) };
}

function indexPage(nav: SiteNav): string {
  const list = (links: SiteNav['lessons']) => `<ul>${links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.title)}</a></li>`).join('')}</ul>`;
  return layout({
    title: 'How much memory does attention need?',
    nav,
    current: 'index.html',
    body: `<h1>How much memory does attention need?</h1>
<p>A full KV cache grows with every token a model reads; a sliding window of n<sub>c</sub> tokens keeps it constant.
These lessons show why, with figures from kvlab’s memory module, and the quizzes let you check yourself.</p>
<h2>Lessons</h2>${list(nav.lessons)}
<h2>Practice quizzes</h2>
<p>Enter your student id on a quiz page to get your own numbers: the same variants as in the notebooks and in
<code>kvlab quiz</code>. These are practice quizzes: the answers are in the pages, which grade you in your browser, and
your progress stays in this browser only.</p>${list(nav.quizzes)}
<h2>Tools</h2><ul><li><a href="calculator.html">Memory calculator</a>: model, window, tokens, element type and KV heads.</li></ul>`,
  });
}

function quizBody(bank: Bank, source: string, file: string): string {
  return `<h1>${escapeHtml(bank.title)}</h1>
<p class="note">A practice quiz: this page holds the answers and grades you in your browser. Your progress is kept in this
browser only. A malformed answer costs no attempt; the worked solution opens after a correct answer or three attempts.</p>
<form id="student-form" class="student">
<label for="student-id">Your student id</label>
<input id="student-id" name="student" autocomplete="off" spellcheck="false">
<button type="submit">Show my questions</button>
</form>
<p id="seed-note"></p>
<p id="score" aria-live="polite"></p>
<div id="quiz"><div id="questions"><p>The questions need JavaScript: it grades your answers in the page.</p></div></div>
<script type="application/json" id="kvlab-bank">${jsonForScript({ source, file })}</script>`;
}

/** The folder holding an assignment manifest at `dir` or above it, if any. */
function assignmentRoot(dir: string): string | undefined {
  let current = resolve(dir);
  for (;;) {
    if (isAssignmentDir(current)) return current;
    const up = dirname(current);
    if (up === current) return undefined;
    current = up;
  }
}

/** What a browser downloads for each page: the HTML, and the stylesheet and scripts it links. */
function pageWeights(outDir: string, pages: readonly string[]): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const page of pages) {
    const html = readFileSync(join(outDir, page), 'utf8');
    const linked = [...html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]!);
    weights[page] = statSync(join(outDir, page)).size + [...new Set(linked)].reduce((sum, f) => sum + statSync(join(outDir, f)).size, 0);
  }
  return weights;
}
