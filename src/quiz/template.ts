/**
 * {{name}} placeholders in prompts, choices, explanations and feedback. Templates are split once at load
 * time so a grading only concatenates.
 */

export type TemplatePart = string | { name: string };
export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function compileTemplate(source: string): Template {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const start = match.index ?? 0;
    if (start > last) parts.push(source.slice(last, start));
    parts.push({ name: match[1] ?? '' });
    last = start + match[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  return { source, parts };
}

/** Names a template uses, for the load-time check that each one is a known param. */
export function templateNames(template: Template): string[] {
  return template.parts.filter((p): p is { name: string } => typeof p !== 'string').map((p) => p.name);
}

export function fillTemplate(template: Template, values: Readonly<Record<string, number>>): string {
  if (template.parts.length === 1 && typeof template.parts[0] === 'string') return template.parts[0];
  let out = '';
  for (const part of template.parts) {
    out += typeof part === 'string' ? part : formatNumber(values[part.name] ?? NaN);
  }
  return out;
}

/**
 * How a number reads in a prompt or feedback: integers in full, other values to 6 significant digits
 * without trailing zeros (0.30000000000000004 reads 0.3).
 */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (!Number.isFinite(value)) return String(value);
  const precise = Number(value.toPrecision(6));
  return String(precise);
}
