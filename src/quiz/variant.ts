/**
 * Generate: a question's variant for one seed. The student-facing part (questionVariant) and the answer
 * key (answerKey) are built by separate functions, so the key never rides along inside a variant. What a
 * variant and a key hold beyond the common fields is each type module's business.
 */
import { compiledQuestion, type CompiledQuestion } from './compiled.js';
import { drawParams } from './params.js';
import { fillTemplate } from './template.js';
import { typeModule } from './question-types/registry.js';
import type { AnswerKey, Bank, QuestionVariant, VariantBase } from './types.js';

/** A seed must be a whole number ≥ 0 below 2^53, so its text (part of the stream key) is unambiguous. */
export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a whole number ≥ 0, got ${JSON.stringify(seed) ?? String(seed)}`);
  }
  return seed;
}

/** The question as one student sees it for this seed: params filled in, options shuffled, no answer. */
export function questionVariant(bank: Bank, questionId: string, seed = 0): QuestionVariant {
  return variantOf(compiledQuestion(bank, questionId), bank.id, checkSeed(seed));
}

/** The correct answer of the same variant, in the shape a submission gives it. */
export function answerKey(bank: Bank, questionId: string, seed = 0): AnswerKey {
  return keyOf(compiledQuestion(bank, questionId), bank.id, checkSeed(seed));
}

export function variantOf(cq: CompiledQuestion, bankId: string, seed: number, outer: Record<string, number> = {}): QuestionVariant {
  const { values, draw } = drawParams(cq, bankId, seed, outer);
  const q = cq.def;
  const own: Record<string, number> = {};
  for (const p of cq.params) own[p.name] = values[p.name]!;
  const base: VariantBase = { bank: bankId, id: q.id, seed, type: q.type, points: q.points, prompt: fillTemplate(cq.prompt, values), params: own, tags: [...q.tags] };
  const variantOfPart = (part: CompiledQuestion, partValues: Record<string, number>) => variantOf(part, bankId, seed, partValues);
  return typeModule(q.type).variant(cq, base, { bankId, seed, values, draw, variantOfPart }) as QuestionVariant;
}

export function keyOf(cq: CompiledQuestion, bankId: string, seed: number, outer: Record<string, number> = {}): AnswerKey {
  // A question without params needs no random stream for its key.
  const values = cq.params.length === 0 ? outer : drawParams(cq, bankId, seed, outer).values;
  const keyOfPart = (part: CompiledQuestion, partValues: Record<string, number>) => keyOf(part, bankId, seed, partValues);
  return typeModule(cq.def.type).key(cq, { bankId, seed, values, keyOfPart }) as AnswerKey;
}

/** A key in words, for renderers allowed to show the answer. */
export function describeKey(key: AnswerKey): string {
  return typeModule(key.type).describeKey(key, (part) => describeKey(part as AnswerKey));
}
