/** Echoing untrusted input (a student name, a field, an expression) in a one-line message. */

/**
 * Echoes input in a message: in single quotes, on one line (newlines and other control characters
 * escaped as in JSON), and at most `max` characters of it shown, then "…".
 */
export function quoteInput(text: string, max = 80): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return `'${JSON.stringify(shown).slice(1, -1).replace(/\\"/g, '"')}'`;
}
