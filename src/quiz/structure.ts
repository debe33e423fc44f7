/**
 * The structure of a question: its type looked up in the registry, each field checked on its own against
 * the common schemas and its type's (so one bad field does not hide the others), unknown fields reported,
 * and defaults filled in by the type.
 */
import type { z } from 'zod';
import { fieldName, type Path, type Problems } from './problems.js';
import { COMMON_FIELDS, HARMLESS_COMMON } from './schema.js';
import { quoteInput } from './quote.js';
import { findTypeModule, QUESTION_TYPE_MODULES } from './question-types/registry.js';
import type { FieldIssue, FieldSchema } from './question-types/module.js';
import type { ParamDef, Question } from './types.js';

export { isPlainMap as isRecord } from './question-types/common.js';
import { isPlainMap as isRecord } from './question-types/common.js';

/** Structure of one question (or, with `parent`, of a scenario's part). */
export function checkQuestion(problems: Problems, path: Path, raw: unknown, index: number, parent?: string): Question | undefined {
  const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
  const label = `${parent ? `${parent} part` : 'question'} ${id !== undefined ? quoteInput(id) : `#${index + 1}`}`;
  if (!isRecord(raw)) {
    problems.add(path, `${label} must be a map with id, type and prompt`);
    return undefined;
  }
  const allowed = QUESTION_TYPE_MODULES.filter((m) => parent === undefined || m.part).map((m) => m.type);
  if (raw.type === undefined) {
    problems.add(path, `${label}: type is missing; use one of: ${allowed.join(', ')}`);
    return undefined;
  }
  const module = findTypeModule(raw.type);
  if (!module || (parent !== undefined && !module.part)) {
    const why = module ? `a scenario part cannot be a ${module.type}` : `type ${quoteInput(String(raw.type))} is not known`;
    problems.add([...path, 'type'], `${label}: ${why}; use one of: ${allowed.join(', ')}`);
    return undefined;
  }
  // Each field is checked on its own, so one bad field does not hide the problems of the others.
  const shape = new Map<string, FieldSchema>([...Object.entries(COMMON_FIELDS as unknown as Record<string, FieldSchema>), ...Object.entries(module.fields)]);
  const data: Record<string, unknown> = {};
  const bad = new Set<string>();
  for (const [key, fieldSchema] of shape) {
    const value = Object.hasOwn(raw, key) ? raw[key] : undefined;
    const parsed = fieldSchema.safeParse(value);
    if (parsed.success) {
      if (parsed.data !== undefined) data[key] = parsed.data;
      continue;
    }
    bad.add(key);
    if (value === undefined) problems.add(path, `${label}: ${key} is missing`);
    else addIssues(problems, [...path, key], label, parsed.error.issues, undefined, [key]);
  }
  for (const key of Object.keys(raw)) {
    if (!shape.has(key)) {
      problems.add(path, `${label}: unknown field ${quoteInput(key)} (a ${module.type} question has: ${[...shape.keys()].join(', ')})`, key);
    }
  }
  if (bad.size === 0) return normalizeQuestion(data, module.normalize);
  // Fields whose defaults are harmless are defaulted so the cross-field checks still run; a bad field
  // that other checks depend on (params, answer, choices…) stops them, to avoid follow-on noise.
  const harmless = new Set<string>([...HARMLESS_COMMON, ...(module.harmless ?? [])]);
  if ([...bad].some((key) => !harmless.has(key))) return undefined;
  if (bad.has('prompt')) data.prompt = '';
  if (bad.has('id')) data.id = id ?? `#${index + 1}`;
  for (const key of bad) if (key !== 'prompt' && key !== 'id') delete data[key];
  return normalizeQuestion(data, module.normalize);
}

export function addIssues(problems: Problems, base: Path, label: string, issues: readonly (FieldIssue | z.core.$ZodIssue)[], schema?: z.ZodType, prefix: readonly (string | number)[] = []): void {
  for (const issue of issues as readonly FieldIssue[]) {
    const path = [...base, ...(issue.path as (string | number)[])];
    const field = fieldName([...prefix, ...(issue.path as (string | number)[])]);
    if (issue.code === 'unrecognized_keys') {
      const allowedKeys = allowedFields(schema, issue.path as (string | number)[]);
      for (const key of issue.keys ?? []) {
        const where = field ? `${field}: ` : '';
        problems.add(path, `${label}: ${where}unknown field ${quoteInput(key)}${allowedKeys ? ` (allowed: ${allowedKeys})` : ''}`, key);
      }
      continue;
    }
    const message = issue.message.startsWith('Invalid') ? lowerFirst(issue.message) : issue.message;
    problems.add(path, field ? `${label}: ${field} ${message}` : `${label}: ${message}`);
  }
}

/** The fields a map at this path may have, when that is easy to read off the schema. */
function allowedFields(schema: z.ZodType | undefined, path: readonly (string | number)[]): string | undefined {
  if (path.length > 0 || !schema) return undefined;
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape).join(', ') : undefined;
}

/** Fills in the common defaults, then the type's, so later stages never ask "was it given?". */
function normalizeQuestion(q: Record<string, unknown>, byType?: (q: Record<string, unknown>) => void): Question {
  const question: Record<string, unknown> = {
    ...q,
    prompt: (q.prompt as string | undefined) ?? '',
    points: (q.points as number | undefined) ?? 1,
    tags: (q.tags as string[] | undefined) ?? [],
    params: (q.params as Record<string, ParamDef> | undefined) ?? {},
  };
  if (q.explanation === undefined) delete question.explanation;
  byType?.(question);
  return question as unknown as Question;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
