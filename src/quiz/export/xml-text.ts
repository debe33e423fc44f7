/**
 * Strings on their way into XML built with xmlbuilder2, which escapes `&` only where it does not start
 * something shaped like an entity reference: `&times;` in a title, or in HTML a bank wrote by hand, would
 * reach the file as an entity XML does not define, and the whole file would not be well-formed.
 */
import { decodeHTMLStrict } from 'entities';
import { XML_FORBIDDEN } from '../xml-chars.js';

const FORBIDDEN = new RegExp(XML_FORBIDDEN.source, 'gu');

/** Plain text (a title, an accepted answer, a unit) for txt() or an attribute: every `&` is a character. */
export function plainText(text: string): string {
  return text.replace(/&/g, '&amp;');
}

/** Text with its HTML entities and numeric references decoded; a character XML cannot carry becomes U+FFFD. */
export function decodedText(text: string): string {
  return decodeHTMLStrict(text).replace(FORBIDDEN, '\uFFFD');
}

/** Text for an XML comment, which may not hold `--` nor end in `-`. */
export function commentText(text: string): string {
  return text.replace(/-(?=-)/g, '- ').replace(/-$/, '- ');
}

const REFERENCE = /&(#[xX][0-9a-fA-F]+;|#[0-9]+;|[A-Za-z][A-Za-z0-9]*;)?/g;
const XML_OWN = new Set(['&amp;', '&lt;', '&gt;', '&quot;', '&apos;']);
const MARKUP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * HTML whose character references are all XML's own: a named HTML entity (`&times;`, `&nbsp;`) or a
 * numeric reference becomes the character (a markup character stays escaped), and a `&` that starts no
 * known reference is escaped. A character XML cannot carry (marked writes `&#7;` as the character) becomes
 * U+FFFD, as HTML shows it. Markup is left as it is.
 */
export function xmlReferencesOnly(html: string): string {
  return html.replace(FORBIDDEN, '\uFFFD').replace(REFERENCE, (whole: string, reference: string | undefined) => {
    if (reference === undefined) return '&amp;';
    if (XML_OWN.has(whole)) return whole;
    const decoded = decodeHTMLStrict(whole);
    if (decoded === whole) return `&amp;${reference}`; // not an HTML entity: its text as written
    return decoded.replace(FORBIDDEN, '\uFFFD').replace(/[&<>"']/g, (c) => MARKUP[c]!);
  });
}
