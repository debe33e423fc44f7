/**
 * Markdown with TeX math → HTML for an LMS. Math is set aside before marked runs (so its backslashes and
 * underscores survive) and put back as \( … \) and \[ … \], the delimiters Moodle's MathJax filter and
 * most QTI players read. Output is XHTML-compatible (void elements closed, no character reference but XML's
 * own: `&times;` from raw HTML is written as ×) so it can sit inside XML.
 */
import { Marked } from 'marked';
import { xmlReferencesOnly } from './xml-text.js';

const MATH = /(`+)[\s\S]*?\1|\$\$([\s\S]+?)\$\$|\$((?:\\\$|[^$\n])+?)\$/g;
const marked = new Marked({ async: false, gfm: true });

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function withMath(markdown: string, render: (md: string) => string): string {
  const math: string[] = [];
  const guarded = markdown.replace(MATH, (whole, _code: string | undefined, display: string | undefined, inline: string | undefined) => {
    if (display === undefined && inline === undefined) return whole;
    math.push(display !== undefined ? `\\[${display.trim()}\\]` : `\\(${inline!.trim()}\\)`);
    return `KVLABMATH${math.length - 1}Q`;
  });
  const html = render(guarded).replace(/KVLABMATH(\d+)Q/g, (_, i: string) => escapeXml(math[Number(i)]!));
  return xmlReferencesOnly(html.replace(/<(br|hr|img|input)([^>]*?)\s*\/?>/g, '<$1$2/>').trim());
}

/** Block Markdown (paragraphs, lists) → HTML. */
export function markdownToHtml(markdown: string): string {
  return withMath(markdown, (md) => marked.parse(md) as string);
}

/** One line of Markdown (a choice, a feedback) → inline HTML. */
export function inlineHtml(markdown: string): string {
  return withMath(markdown, (md) => marked.parseInline(md) as string);
}
