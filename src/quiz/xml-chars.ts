/**
 * The characters XML 1.0 cannot carry, even as a character reference: the C0 controls other than tab, line
 * feed and carriage return, U+FFFE and U+FFFF, and a lone UTF-16 surrogate (no character at all). A bank
 * holding one is refused by the loader (load.ts), so no export (QTI, Moodle XML) ever meets one.
 */
import { isScalar, visit, type Document } from 'yaml';

export const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u;

const NAMES: Record<number, string> = {
  0: 'NUL', 1: 'SOH', 2: 'STX', 3: 'ETX', 4: 'EOT', 5: 'ENQ', 6: 'ACK', 7: 'BEL', 8: 'BS', 11: 'VT', 12: 'FF',
  14: 'SO', 15: 'SI', 16: 'DLE', 17: 'DC1', 18: 'DC2', 19: 'DC3', 20: 'DC4', 21: 'NAK', 22: 'SYN', 23: 'ETB',
  24: 'CAN', 25: 'EM', 26: 'SUB', 27: 'ESC', 28: 'FS', 29: 'GS', 30: 'RS', 31: 'US',
};

/** "U+0007 (BEL)", "U+FFFE", "U+D800 (a lone surrogate)". */
export function describeChar(char: string): string {
  const code = char.charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (NAMES[code] !== undefined) return `${hex} (${NAMES[code]})`;
  if (code >= 0xd800 && code <= 0xdfff) return `${hex} (a lone surrogate)`;
  return hex;
}

/**
 * One problem for each string (key or value) of a YAML document that holds a character XML cannot carry, at
 * the character when it is written as itself, else (an escape such as "\u0007") at the start of the string.
 */
export function forbiddenCharProblems(doc: Document.Parsed, source: string): { offset: number; message: string }[] {
  const problems: { offset: number; message: string }[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string') return;
      const found = XML_FORBIDDEN.exec(node.value);
      if (!found) return;
      const [start, end] = node.range ?? [0, 0];
      const literal = source.slice(start, end).indexOf(found[0]);
      problems.push({
        offset: literal === -1 ? start : start + literal,
        message: `holds the character ${describeChar(found[0])}, which XML cannot carry (no LMS export could hold it); remove it`,
      });
    },
  });
  return problems;
}
