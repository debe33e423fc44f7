/**
 * Feedback pages: one per student, in Markdown and in HTML (the same text through the course's Markdown
 * renderer), with each question's and exercise's score and feedback, and the solutions only when the
 * instructor releases them (`solutions: released` in assignment.yaml, or `--solutions` on the command).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { markdownToHtml, escapeXml } from '../quiz/export/html.js';
import { formatNumber } from '../quiz/template.js';
import type { AssignmentGradebook, AssignmentResult } from './grade.js';

export function feedbackMarkdown(title: string, result: AssignmentResult, withSolutions: boolean): string {
  const percent = result.max > 0 ? ((100 * result.score) / result.max).toFixed(1) : '0.0';
  const blocks = [`# ${title}: feedback for ${result.student}`, `**Score: ${formatNumber(result.score)} / ${formatNumber(result.max)}** (${percent}%), graded from \`${result.file}\`.`];
  for (const item of result.items) {
    blocks.push(`## ${item.id} (${item.kind === 'exercise' ? 'code exercise' : 'question'}): ${formatNumber(item.score)} / ${formatNumber(item.max)}`);
    blocks.push(item.feedback);
    if (withSolutions && item.solution) blocks.push(`### Solution\n\n${item.solution}`);
  }
  if (!withSolutions) blocks.push('*Solutions are not released yet.*');
  return `${blocks.join('\n\n')}\n`;
}

export function feedbackHtml(title: string, result: AssignmentResult, withSolutions: boolean): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeXml(`${title}: ${result.student}`)}</title>`,
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}</style>',
    '</head><body>',
    markdownToHtml(feedbackMarkdown(title, result, withSolutions)),
    '</body></html>',
    '',
  ].join('\n');
}

/** Writes `<student>.md` and `<student>.html` for every graded student; returns the files written. */
export function writeFeedback(book: AssignmentGradebook, dir: string, withSolutions: boolean): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const result of book.results) {
    // Student ids are checked names (no slash, no leading dot), so they are safe file names.
    const md = join(dir, `${result.student}.md`);
    const html = join(dir, `${result.student}.html`);
    writeFileAtomic.sync(md, feedbackMarkdown(book.title, result, withSolutions));
    writeFileAtomic.sync(html, feedbackHtml(book.title, result, withSolutions));
    files.push(md, html);
  }
  return files;
}
