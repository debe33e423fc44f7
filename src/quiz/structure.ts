/**
 * The structure of a question: each field checked on its own against its type's zod schema (so one bad
 * field does not hide the others), unknown fields reported, and defaults filled in.
 */
import type { z } from 'zod';
import { fieldName, type Path, type Problems } from './problems.js';
import type { Choice, NumberOrExpression, ParamDef, Question, QuestionType } from './types.js';

export type Schemas = Readonly<Record<string, z.ZodType>>;

/** Structure of one question (or part): a map, a known type, then its type's schema. */
export function checkQuestion(problems: Problems, path: Path, raw: unknown, index: number, schemas: Schemas, parent?: string): Question | undefined {
  const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
  const label = `${parent ? `${parent} part` : 'question'} ${id !== undefined ? `'${id}'` : `#${index + 1}`}`;
  if (!isRecord(raw)) {
    problems.add(path, `${label} must be a map with id, type and prompt`);
    return undefined;
  }
  const allowed = Object.keys(schemas);
  if (raw.type === undefined) {
    problems.add(path, `${label}: type is missing; use one of: ${allowed.join(', ')}`);
    return undefined;
  }
  const schema = typeof raw.type === 'string' ? schemas[raw.type] : undefined;
  if (!schema) {
    const why = raw.type === 'scenario' ? 'a scenario part cannot be a scenario' : `type '${String(raw.type)}' is not known`;
    problems.add([...path, 'type'], `${label}: ${why}; use one of: ${allowed.join(', ')}`);
    return undefined;
  }
  // Each field is checked on its own, so one bad field does not hide the problems of the others.
  const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
  const data: Record<string, unknown> = {};
  const bad = new Set<string>();
  for (const [key, fieldSchema] of Object.entries(shape)) {
    const value = raw[key];
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
    if (!(key in shape)) {
      problems.add(path, `${label}: unknown field '${key}' (a ${String(raw.type)} question has: ${Object.keys(shape).join(', ')})`, key);
    }
  }
  if (bad.size === 0) return normalizeQuestion(data);
  // Fields whose defaults are harmless are defaulted so the cross-field checks still run; a bad field
  // that other checks depend on (params, answer, choices…) stops them, to avoid follow-on noise.
  const harmless = new Set(['points', 'tolerance', 'tags', 'explanation', 'unit', 'match', 'prompt', 'id', 'feedback']);
  if ([...bad].some((key) => !harmless.has(key))) return undefined;
  if (bad.has('prompt')) data.prompt = '';
  if (bad.has('id')) data.id = id ?? `#${index + 1}`;
  if (bad.has('feedback')) data.feedback = [];
  const question = normalizeQuestion(data);
  return question;
}

export function addIssues(problems: Problems, base: Path, label: string, issues: readonly z.core.$ZodIssue[], schema?: z.ZodType, prefix: readonly (string | number)[] = []): void {
  for (const issue of issues) {
    const path = [...base, ...(issue.path as (string | number)[])];
    const field = fieldName([...prefix, ...(issue.path as (string | number)[])]);
    if (issue.code === 'unrecognized_keys') {
      const allowedKeys = allowedFields(schema, issue.path as (string | number)[]);
      for (const key of issue.keys) {
        const where = field ? `${field}: ` : '';
        problems.add(path, `${label}: ${where}unknown field '${key}'${allowedKeys ? ` (allowed: ${allowedKeys})` : ''}`, key);
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


/** Fills in defaults so later stages never ask "was it given?". */
function normalizeQuestion(q: Record<string, unknown>): Question {
  const question = { ...q, prompt: (q.prompt as string | undefined) ?? '', points: (q.points as number | undefined) ?? 1, tags: (q.tags as string[] | undefined) ?? [], params: (q.params as Record<string, ParamDef> | undefined) ?? {} } as Record<string, unknown>;
  if (q.explanation === undefined) delete question.explanation;
  switch (q.type as QuestionType) {
    case 'single-choice':
    case 'multiple-choice':
      question.choices = (q.choices as Partial<Choice>[]).map((c, i) => {
        const choice: Choice = { id: c.id ?? choiceLetter(i), text: c.text ?? '', correct: c.correct ?? false };
        if (c.feedback !== undefined) choice.feedback = c.feedback;
        return choice;
      });
      break;
    case 'numeric': {
      question.tolerance = (q.tolerance as object | undefined) ?? { relative: 0.01 };
      if (Object.keys(question.tolerance as object).length === 0) question.tolerance = { relative: 0.01 };
      question.feedback = ((q.feedback as Record<string, unknown>[] | undefined) ?? []).map((f) => {
        const range = f.range;
        if (range && !Array.isArray(range)) {
          const r = range as { min: NumberOrExpression; max: NumberOrExpression };
          return { ...f, range: [r.min, r.max] };
        }
        return f;
      });
      break;
    }
    case 'text':
      question.match = q.match ?? 'normalized';
      break;
    default:
      break;
  }
  return question as unknown as Question;
}

/** a, b, …, z, aa, ab, … (a bank with more than 26 choices still gets ids). */
export function choiceLetter(index: number): string {
  let n = index;
  let out = '';
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
