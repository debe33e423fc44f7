/**
 * What a student's notebook recorded (an answer, an error message) is shown in feedback pages and in the
 * notebook's self-check through Markdown, and the pages are HTML: these keep it text.
 */

/** Text as one Markdown code span, whatever backticks it holds (a code span is never read as HTML). */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || longest > 0 ? ' ' : '';
  return `${fence}${pad}${text.replace(/\s+/g, ' ')}${pad}${fence}`;
}

/** A string shown in a page: never read as HTML (a student's text goes through Markdown into HTML). */
export function escapeMarkdownHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

