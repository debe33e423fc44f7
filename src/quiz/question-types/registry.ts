/**
 * The question types kvlab knows: one module each, one line each. Everything that depends on a question's
 * type (the bank schema, compiling, variants, keys, grading, Markdown, the terminal quiz, the LMS exports,
 * an assignment's keyless form and self-check) finds its module here. Look-ups go through a Map, so a `type` named like an Object.prototype member
 * (`constructor`, `__proto__`, `toString`) is simply not a type.
 *
 * A type that may be a scenario's part is listed in part-registry.ts (add a new leaf type there); this
 * list adds the composites. docs/authoring.md walks through adding a type.
 */
import { PART_TYPE_MODULES } from './part-registry.js';
import { scenario } from './scenario.js';
import type { AnyModule } from './module.js';

export const QUESTION_TYPE_MODULES = [...PART_TYPE_MODULES, scenario] as const;

const BY_TYPE: ReadonlyMap<string, AnyModule> = new Map(QUESTION_TYPE_MODULES.map((m): [string, AnyModule] => [m.type, m]));

/** Every type name, in the order listed. */
export const QUESTION_TYPES: readonly string[] = QUESTION_TYPE_MODULES.map((m) => m.type);

/** The module of a type, or undefined for a name that is not a type (whatever the name). */
export function findTypeModule(type: unknown): AnyModule | undefined {
  return typeof type === 'string' ? BY_TYPE.get(type) : undefined;
}

/** The module of a type the engine has already checked; a missing one is a bug, not bad input. */
export function typeModule(type: string): AnyModule {
  const module = BY_TYPE.get(type);
  if (!module) throw new TypeError(`no question type '${type}' is registered`);
  return module;
}
