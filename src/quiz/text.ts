/**
 * Text answers compared "normalized": Unicode NFKC, case folded, all white space removed, and ·, ×, * read
 * as one multiplication sign. We also fold ⋅ (U+22C5, dot operator) and ∙ (U+2219), which look the same on
 * screen and which TeX-to-Unicode converters produce, the TeX signs \cdot, \times and \ast, and drop what a
 * student pastes around an answer: TeX's $…$, `code` backticks, quotes, and a full stop at the end.
 */
const MULTIPLY = /[·×*⋅∙]|\\(?:cdot|times|ast)(?![A-Za-z])/gu;
const SPACE = /\s+/gu;
const WRAPPED = /^(?:\$+(.*?)\$+|`+(.*?)`+|"(.*)"|'(.*)'|“(.*)”|‘(.*)’)$/su;

export function normalizeText(text: string): string {
  let out = text.normalize('NFKC').trim();
  for (let unwrapped = WRAPPED.exec(out); unwrapped; unwrapped = WRAPPED.exec(out)) {
    out = (unwrapped.slice(1).find((group) => group !== undefined) ?? '').trim();
  }
  if (out.length > 1) out = out.replace(/\.$/u, '');
  return out.toLowerCase().replace(MULTIPLY, '*').replace(SPACE, '');
}
