/**
 * Generate: a question's variant for one seed. The student-facing part (questionVariant) and the answer
 * key (answerKey) are built by separate functions, so the key never rides along inside a variant.
 */
import { compiledQuestion, type CompiledQuestion } from './compiled.js';
import { drawParams } from './params.js';
import { shuffled } from './random.js';
import { fillTemplate } from './template.js';
import type { AnswerKey, Bank, QuestionVariant } from './types.js';

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
  const variant: QuestionVariant = {
    bank: bankId,
    id: q.id,
    seed,
    type: q.type,
    points: q.points,
    prompt: fillTemplate(cq.prompt, values),
    params: own,
    tags: [...q.tags],
  };
  switch (q.type) {
    case 'single-choice':
    case 'multiple-choice':
      variant.choices = cq.choices!.map((c) => ({ id: c.id, text: fillTemplate(c.text, values) }));
      break;
    case 'numeric':
      if (q.unit !== undefined) variant.unit = q.unit;
      break;
    case 'matching':
      variant.left = q.pairs.map((p) => p.left);
      variant.right = shuffled(cq.rights!, draw);
      break;
    case 'ordering': {
      let items = shuffled(q.items, draw);
      // A shuffle that happens to give the answer would be a free point: rotate it by one.
      if (items.every((item, i) => item === q.items[i])) items = [...items.slice(1), items[0]!];
      variant.items = items;
      break;
    }
    case 'scenario':
      variant.context = fillTemplate(cq.context!, values);
      variant.parts = cq.parts!.map((part) => variantOf(part, bankId, seed, values));
      break;
    default:
      break;
  }
  return variant;
}

export function keyOf(cq: CompiledQuestion, bankId: string, seed: number, outer: Record<string, number> = {}): AnswerKey {
  const q = cq.def;
  switch (q.type) {
    case 'true-false':
      return { type: q.type, answer: q.answer };
    case 'single-choice':
      return { type: q.type, answer: q.choices.find((c) => c.correct)!.id };
    case 'multiple-choice':
      return { type: q.type, answer: q.choices.filter((c) => c.correct).map((c) => c.id) };
    case 'numeric': {
      const { values } = drawParams(cq, bankId, seed, outer);
      const key: AnswerKey = { type: q.type, answer: cq.answer!.evaluate(values), tolerance: { ...q.tolerance } };
      if (q.unit !== undefined) key.unit = q.unit;
      return key;
    }
    case 'text':
      return { type: q.type, answer: q.accept[0]!, accept: [...q.accept] };
    case 'matching':
      return { type: q.type, answer: Object.fromEntries(q.pairs.map((p) => [p.left, p.right])) };
    case 'ordering':
      return { type: q.type, answer: [...q.items] };
    case 'scenario': {
      const { values } = drawParams(cq, bankId, seed, outer);
      return { type: q.type, answer: Object.fromEntries(cq.parts!.map((p) => [p.def.id, keyOf(p, bankId, seed, values)])) };
    }
  }
}
