/**
 * Small helpers the type modules share: the fields every question has (as schemas), how a value is named
 * in a shape error, and the order a keyless form lists texts in.
 */
import { z } from 'zod';
import { fnv1a32 } from '../random.js';
import { normalizeText } from '../text.js';
import type { FieldSchema } from './module.js';

const ID = /^[a-z0-9-]+$/;

export const idSchema = () => z.string({ error: 'must be text' }).regex(ID, { error: 'must use only a-z, 0-9 and - (e.g. kv-bytes)' });
export const textSchema = () => z.string({ error: 'must be text' }).min(1, { error: 'must not be empty' });
/** Text a YAML author may write unquoted as a number (a choice "512", an item 4096): read as text. */
export const textOrNumber = () => z.union([z.string(), z.number()], { error: 'must be text' }).transform(String);
export const finite = () => z.number({ error: 'must be a number' }).refine(Number.isFinite, { error: 'must be a finite number' });
export const positive = () =>
  z.number({ error: 'must be a number > 0' }).gt(0, { error: 'must be a number > 0' }).refine(Number.isFinite, { error: 'must be a finite number > 0' });
export const numberOrExpression = () =>
  z.union([finite(), z.string().min(1)], { error: 'must be a number or an expression over the params' });

/** zod schemas satisfy FieldSchema; this keeps the module declarations free of zod's types. */
export function fields(shape: Record<string, z.ZodType>): Readonly<Record<string, FieldSchema>> {
  return shape as unknown as Readonly<Record<string, FieldSchema>>;
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value is, in words, for a shape error (never echoing more than a short quote of it). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${quote(value)}`;
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : `${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'a map';
    default:
      return `a ${typeof value}`;
  }
}

export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

/** Rounds to the 4 decimal places scores are reported in. */
export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Whole numbers 1..max typed as "3 1 2" or "3,1,2"; undefined when any is not. */
export function numbersIn(text: string, max: number): number[] | undefined {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const out = parts.map(Number);
  return out.every((n) => Number.isInteger(n) && n >= 1 && n <= max) ? out : undefined;
}

/**
 * Texts in an order that depends on the texts only (their normalized hash, then the text), never on the
 * order written. An author writes matching rights and ordering items in key order, so a keyless form
 * (an assignment's student copy) lists them this way: the order it shows says nothing about the answer.
 */
export function hashOrder(texts: readonly string[]): string[] {
  return [...texts].sort((a, b) => fnv1a32(normalizeText(a)) - fnv1a32(normalizeText(b)) || (a < b ? -1 : a > b ? 1 : 0));
}
