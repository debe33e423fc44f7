/**
 * The site's pages as HTML strings: pure functions of their data, so the builder only gathers data and
 * writes files. Every page is flat in the site's root folder (links work from file:// and any static
 * host), loads only files from the site itself, and needs no script to show its text and math.
 */
import { formatBytes, kvCacheMemory, MODEL_PRESETS, DTYPES, type ModelPreset } from '../memory/index.js';

export interface PageLink {
  href: string;
  title: string;
}

export interface SiteNav {
  lessons: readonly PageLink[];
  quizzes: readonly PageLink[];
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON inside <script type="application/json">: `<` escaped so no text can close the script element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function layout(options: { title: string; nav: SiteNav; body: string; scripts?: readonly string[]; current?: string }): string {
  const link = (l: PageLink) =>
    `<li><a href="${escapeHtml(l.href)}"${l.href === options.current ? ' aria-current="page"' : ''}>${escapeHtml(l.title)}</a></li>`;
  const scripts = (options.scripts ?? []).map((s) => `<script src="assets/${s}" defer></script>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · kvlab</title>
<link rel="stylesheet" href="assets/site.css">
${scripts}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header"><a class="brand" href="index.html">kvlab</a>
<nav aria-label="Course">
<details><summary>Lessons</summary><ul>${options.nav.lessons.map(link).join('')}</ul></details>
<details><summary>Quizzes</summary><ul>${options.nav.quizzes.map(link).join('')}</ul></details>
<a href="calculator.html"${options.current === 'calculator.html' ? ' aria-current="page"' : ''}>Memory calculator</a>
</nav></header>
<main id="main">
${options.body}
</main>
<footer><p>kvlab: open courseware on KV-cache memory. Works offline: nothing on this site is fetched from anywhere else.</p></footer>
</body>
</html>
`;
}

/** Where a calculator starts: a preset and the sliders' positions. */
export interface CalculatorStart {
  model: string;
  tokens: number;
  window?: number;
  caption: string;
}

/**
 * The interactive memory calculator: labelled controls, the figures as text (a live region, so a screen
 * reader hears them change) and a chart. The figures are computed here too, so the page reads right
 * before its script runs and without it.
 */
export function calculatorHtml(id: string, start: CalculatorStart): string {
  const preset = MODEL_PRESETS.find((p) => p.name === start.model) ?? MODEL_PRESETS[0]!;
  const window = start.window ?? preset.window ?? 4096;
  const full = kvCacheMemory({ ...preset, window: undefined, layerPattern: undefined, tokens: start.tokens });
  const windowed = kvCacheMemory({ ...preset, window, layerPattern: undefined, tokens: start.tokens });
  const kvOptions = kvHeadChoices(preset)
    .map((g) => `<option value="${g}"${g === preset.kvHeads ? ' selected' : ''}>${g}</option>`)
    .join('');
  const modelOptions = MODEL_PRESETS.map(
    (p) => `<option value="${escapeHtml(p.name)}"${p.name === preset.name ? ' selected' : ''}>${escapeHtml(p.name)}</option>`,
  ).join('');
  const dtypeOptions = DTYPES.map((d) => `<option value="${d}"${d === 'fp16' ? ' selected' : ''}>${d}</option>`).join('');
  const log2Tokens = Math.round(Math.log2(start.tokens));
  const log2Window = Math.round(Math.log2(window));
  return `<section class="calculator" data-kvlab-calculator aria-labelledby="${id}-title">
<h2 id="${id}-title">Try it: KV-cache memory</h2>
<p>${escapeHtml(start.caption)}</p>
<form class="controls" onsubmit="return false">
<div><label for="${id}-model">Model</label><select id="${id}-model" name="model">${modelOptions}</select></div>
<div><label for="${id}-kv">KV heads (g)</label><select id="${id}-kv" name="kvHeads">${kvOptions}</select></div>
<div><label for="${id}-dtype">Element type</label><select id="${id}-dtype" name="dtype">${dtypeOptions}</select></div>
<div><label for="${id}-tokens">Tokens m: <output id="${id}-tokens-out" for="${id}-tokens">${start.tokens}</output></label>
<input type="range" id="${id}-tokens" name="tokens" min="8" max="20" step="1" value="${log2Tokens}" aria-valuetext="${start.tokens} tokens"></div>
<div><label for="${id}-window">Window n_c: <output id="${id}-window-out" for="${id}-window">${window}</output></label>
<input type="range" id="${id}-window" name="window" min="6" max="17" step="1" value="${log2Window}" aria-valuetext="${window} tokens"></div>
</form>
<p class="figures" id="${id}-figures" aria-live="polite">At m = ${start.tokens} tokens: full cache <strong data-figure="full">${formatBytes(full.bytes)}</strong>,
window of ${window} <strong data-figure="window">${formatBytes(windowed.bytes)}</strong>.</p>
<div class="chart"><canvas id="${id}-chart" width="720" height="360" role="img" aria-label="KV-cache bytes against tokens, full cache and window cache"></canvas></div>
</section>`;
}

/** Divisors of the query heads: the KV head counts a model of this shape could use (MQA … MHA). */
export function kvHeadChoices(preset: ModelPreset): number[] {
  const out: number[] = [];
  for (let g = 1; g <= preset.heads; g++) if (preset.heads % g === 0) out.push(g);
  return out;
}
