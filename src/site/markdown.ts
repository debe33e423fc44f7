/**
 * Markdown → HTML for the site, with TeX math ($…$, $$…$$) typeset by KaTeX as MathML. MathML because
 * browsers draw it natively (no script, no fonts to ship) and screen readers read it as math; KaTeX's
 * HTML output would need its CSS and fonts on every page.
 */
import { Marked } from 'marked';
import markedKatex from 'marked-katex-extension';

/** One configured parser; marked's extensions are per instance, so the terminal renderer is untouched. */
export function siteMarkdown(): Marked {
  const marked = new Marked({ gfm: true, async: false });
  // nonStandard: $x$ may touch letters or digits ("$n_c$-token"), as the lessons write it.
  marked.use(markedKatex({ output: 'mathml', throwOnError: false, nonStandard: true }));
  return marked;
}

/** A Markdown text as HTML (a block: paragraphs, lists, tables, headings). */
export function markdownToHtml(marked: Marked, markdown: string): string {
  return marked.parse(markdown) as string;
}

/** A short Markdown text (a choice, an item) as inline HTML, without the wrapping paragraph. */
export function inlineMarkdownToHtml(marked: Marked, markdown: string): string {
  return marked.parseInline(markdown) as string;
}
