/**
 * A question without its key: what a student's copy of an assignment may hold, the variant each student's
 * kernel draws from it, and the self-check of an answer's shape (never its truth). Which fields are keys,
 * what a student sees and what shape an answer has are each question type's knowledge: this file only
 * dispatches to the type's module (its `keyless`, `keylessVariant` and `answerShape` hooks, module.ts).
 */
import { drawFor, type Draw } from '../quiz/random.js';
import { compileParamDef, drawParam } from '../quiz/params.js';
import { compileTemplate, fillTemplate } from '../quiz/template.js';
import { findTypeModule, typeModule, type QUESTION_TYPE_MODULES } from '../quiz/question-types/registry.js';
import type { KeylessOf } from '../quiz/question-types/module.js';
import type { KeylessBase, ParamDef, Question, QuestionVariant, VariantBase } from '../quiz/types.js';

/** A question without its key, discriminated by `type`: each type's keyless form (its module says what it keeps). */
export type KeylessQuestion = KeylessOf<(typeof QUESTION_TYPE_MODULES)[number]>;

/** The question without its key: the common fields but the explanation, and what its type adds. */
export function keylessQuestion(q: Question): KeylessQuestion {
  const base: KeylessBase = { id: q.id, type: q.type, points: q.points, prompt: q.prompt, params: { ...q.params }, tags: [...q.tags] };
  return typeModule(q.type).keyless(q, base, { keylessOfPart: (part) => keylessQuestion(part as Question) }) as KeylessQuestion;
}

/** Draws one value of a param as the bank's loader does (docs/quiz-format.md, "Drawing"): with its own rule. */
export function drawParamDef(def: ParamDef, draw: Draw): number {
  return drawParam(compileParamDef('', def), draw);
}

/**
 * What one student sees of a keyless question: the same params as the bank's own variant for this seed
 * (same stream, same order of draws), so the grader, which re-derives them from the private bank, agrees.
 * A type this kvlab does not know (a release made by a newer one) shows its common fields.
 */
export function keylessVariant(q: KeylessQuestion, bankId: string, seed: number, outer: Record<string, number> = {}, streamId = q.id): QuestionVariant {
  const draw = drawFor(bankId, streamId, seed);
  const values: Record<string, number> = { ...outer };
  const own: Record<string, number> = {};
  for (const [name, def] of Object.entries(q.params)) {
    values[name] = drawParamDef(def, draw);
    own[name] = values[name]!;
  }
  const fill = (text: string) => fillTemplate(compileTemplate(text), values);
  const base: VariantBase = { bank: bankId, id: q.id, seed, type: q.type, points: q.points, prompt: fill(q.prompt), params: own, tags: [...q.tags] };
  const module = findTypeModule(q.type);
  if (!module) return base as QuestionVariant;
  const variantOfPart = (part: KeylessBase, partValues: Record<string, number>) => keylessVariant(part as KeylessQuestion, bankId, seed, partValues, `${q.id}/${part.id}`);
  return module.keylessVariant(q, base, { values, draw, fill, variantOfPart }) as QuestionVariant;
}

/**
 * Why an answer does not have the shape its question asks for, or undefined when it does. This says
 * nothing about whether it is right: the self-check of an assignment shows only this. An answer to a type
 * this kvlab does not know passes (the grader, which knows the type, checks it).
 */
export function answerShapeProblem(q: KeylessQuestion, answer: unknown): string | undefined {
  const shapeOfPart = (part: KeylessBase, partAnswer: unknown) => answerShapeProblem(part as KeylessQuestion, partAnswer);
  return findTypeModule(q.type)?.answerShape(answer, q, { shapeOfPart });
}
