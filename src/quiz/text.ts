/**
 * Text answers compared "normalized": Unicode NFKC, case folded, all white space removed, and ·, ×, * read
 * as one multiplication sign. We also fold ⋅ (U+22C5, dot operator) and ∙ (U+2219), which look the same on
 * screen and which TeX-to-Unicode converters produce, the TeX signs \cdot, \times and \ast, and drop what a
 * student pastes around an answer: TeX's $…$, `code` backticks, quotes, and a full stop at the end.
 */
const MULTIPLY = /[·×*⋅∙]/gu;
const TEX_MULTIPLY = /\\(?:cdot|times|ast)(?![A-Za-z])/gu;
const SPACE = /\s+/gu;
const WRAPPED = /^(?:\$+(.*?)\$+|`+(.*?)`+|"(.*)"|'(.*)'|“(.*)”|‘(.*)’)$/su;

const OPENERS = new Set(['$', '`', '"', "'", '“', '‘']);

export function normalizeText(text: string): string {
  let out = text.normalize('NFKC').trim();
  // Cheap test first: matching and ordering answers go through here item by item.
  for (;;) {
    if (out.length > 1 && out.endsWith('.')) out = out.slice(0, -1).trimEnd();
    const unwrapped = OPENERS.has(out.charAt(0)) ? WRAPPED.exec(out) : null;
    if (!unwrapped) break;
    out = (unwrapped.slice(1).find((group) => group !== undefined) ?? '').trim();
  }
  if (out.includes('\\')) out = out.replace(TEX_MULTIPLY, '*');
  return out.toLowerCase().replace(SPACE, '').replace(MULTIPLY, '*');
}
