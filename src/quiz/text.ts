/**
 * Text answers compared "normalized" (spec): Unicode NFKC, case folded, all white space removed, and
 * ·, ×, * read as one multiplication sign. We also fold ⋅ (U+22C5, dot operator) and ∙ (U+2219), which
 * look the same on screen and which TeX-to-Unicode converters produce.
 */
const MULTIPLY = /[·×*⋅∙]/gu;
const SPACE = /\s+/gu;

export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(SPACE, '').replace(MULTIPLY, '*');
}
