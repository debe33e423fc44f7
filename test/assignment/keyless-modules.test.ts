/**
 * The keyless hooks every question type implements (module.ts: keyless, keylessVariant, answerShape),
 * checked over every question of the course banks and of two test fixtures, which between them use every
 * registered type: the keyless form holds no key field and no order that follows the key, it survives the
 * JSON of a release, the variant drawn from it is the bank's own variant, and the self-check accepts the
 * key and never an answer the grader cannot read.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerKey, gradeAnswer, loadBank, loadBanks, questionVariant, type Question } from '../../src/quiz/index.js';
import { QUESTION_TYPE_MODULES, QUESTION_TYPES } from '../../src/quiz/question-types/registry.js';
import { answerShapeProblem, keylessQuestion, keylessVariant, type KeylessQuestion } from '../../src/assignment/keyless.js';
import { allTypes, fixtures, root } from '../quiz/helpers.js';

const banks = [...loadBanks(join(root, 'quizzes')), allTypes(), loadBank(join(fixtures, 'complexity.yaml'))];
const all = banks.flatMap((bank) => bank.questions.map((q) => ({ bank, q })));

/** Bank fields that state or imply an answer (docs/quiz-format.md): none may appear in a keyless form. */
const KEY_FIELDS = ['answer', 'accept', 'correct', 'tolerance', 'feedback', 'explanation', 'pairs'];

/** Every field name in a keyless form, at any depth; params and aliases are maps keyed by the author's names. */
function fieldNames(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => fieldNames(v, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [name, v] of Object.entries(value)) {
      out.add(name);
      if (name !== 'params' && name !== 'aliases') fieldNames(v, out);
    }
  }
  return out;
}

/** A variant as plain data, with the shuffled lists sorted (the two sides shuffle different starting orders). */
function comparable(variant: unknown): unknown {
  const v = { ...(variant as Record<string, unknown>) };
  for (const list of ['right', 'items']) if (Array.isArray(v[list])) v[list] = [...(v[list] as string[])].sort();
  if (Array.isArray(v.parts)) v.parts = v.parts.map(comparable);
  return v;
}

describe('every registered question type', () => {
  it('implements the keyless hooks, and a question of it is checked below', () => {
    for (const module of QUESTION_TYPE_MODULES) {
      expect([typeof module.keyless, typeof module.keylessVariant, typeof module.answerShape], module.type).toEqual(['function', 'function', 'function']);
    }
    const checked = new Set(all.flatMap(({ q }) => [q.type, ...(q.type === 'scenario' ? q.parts.map((p) => p.type) : [])]));
    expect([...checked].sort()).toEqual([...QUESTION_TYPES].sort());
  });
});

describe('the keyless form of every question', () => {
  it('has no key field at any depth, and reads back from JSON unchanged', () => {
    for (const { bank, q } of all) {
      const keyless = keylessQuestion(q);
      const names = fieldNames(keyless);
      expect(KEY_FIELDS.filter((f) => names.has(f)), `${bank.id}/${q.id}`).toEqual([]);
      expect(JSON.parse(JSON.stringify(keyless)), `${bank.id}/${q.id}`).toEqual(keyless);
      expect(keyless.type).toBe(q.type);
    }
  });

  it('lists matching options and ordering items in an order that does not follow the order written', () => {
    const reordered = (q: Question, order: number[]): Question => {
      const pick = <T>(list: T[]) => order.map((i) => list[i]!);
      if (q.type === 'matching') return { ...q, pairs: pick(q.pairs) };
      if (q.type === 'ordering') return { ...q, items: pick(q.items) };
      if (q.type === 'scenario') return { ...q, parts: q.parts.map((p) => reordered(p, order.filter((i) => i < lengthOf(p)))) as typeof q.parts };
      return q;
    };
    const lengthOf = (q: Question): number => (q.type === 'matching' ? q.pairs.length : q.type === 'ordering' ? q.items.length : q.type === 'scenario' ? Math.max(0, ...q.parts.map(lengthOf)) : 0);
    const keyed = all.filter(({ q }) => lengthOf(q) > 0);
    expect(keyed.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: keyed.length - 1 }).chain((i) => {
          const n = lengthOf(keyed[i]!.q);
          const indices = Array.from({ length: n }, (_, k) => k);
          return fc.tuple(fc.constant(i), fc.shuffledSubarray(indices, { minLength: n, maxLength: n }));
        }),
        ([i, order]) => {
          const { q } = keyed[i]!;
          // Only the option lists: a matching's lefts are shown as written (they say nothing of the rights).
          const lists = (k: KeylessQuestion): unknown => (k.type === 'matching' ? k.right : k.type === 'ordering' ? k.items : k.type === 'scenario' ? k.parts.map(lists) : null);
          expect(lists(keylessQuestion(reordered(q, order)))).toEqual(lists(keylessQuestion(q)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('what a student sees of a keyless question', () => {
  it('is the bank variant, field for field (shuffled lists as sets), for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length - 1 }), fc.nat(), (i, seed) => {
        const { bank, q } = all[i]!;
        expect(comparable(keylessVariant(keylessQuestion(q), bank.id, seed))).toEqual(comparable(questionVariant(bank, q.id, seed)));
      }),
      { numRuns: 400 },
    );
  });

  it('a release of a type this kvlab does not know shows its common fields and passes any answer to the grader', () => {
    const future = { id: 'q', type: 'cloze', points: 1, prompt: 'Fill {{n}} in', params: { n: [3] }, tags: [], blanks: ['x'] } as unknown as KeylessQuestion;
    expect(keylessVariant(future, 'b', 0)).toEqual({ bank: 'b', id: 'q', seed: 0, type: 'cloze', points: 1, prompt: 'Fill 3 in', params: { n: 3 }, tags: [] });
    expect(answerShapeProblem(future, { anything: 1 })).toBeUndefined();
  });
});

describe('the self-check of every type', () => {
  it('calls the key well-formed, and an answer it calls well-formed is never "invalid" or "not graded" to the grader', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length - 1 }), fc.nat(), fc.anything(), (i, seed, junk) => {
        const { bank, q } = all[i]!;
        const keyless = keylessQuestion(q);
        const key = answerKey(bank, q.id, seed);
        const keyAnswer = key.type === 'scenario' ? Object.fromEntries(Object.entries(key.answer).map(([id, k]) => [id, k.answer])) : key.answer;
        expect(answerShapeProblem(keyless, keyAnswer)).toBeUndefined();
        if (junk !== undefined && answerShapeProblem(keyless, junk) === undefined) expect(['invalid', 'not-graded']).not.toContain(gradeAnswer(bank, q.id, junk, seed).status);
      }),
      { numRuns: 500 },
    );
  });

  it('names what is wrong with a malformed answer of each type in one line', () => {
    const malformed: Record<string, unknown> = {
      'true-false': 'yes',
      'single-choice': 'zz',
      'multiple-choice': 'a',
      numeric: '12',
      text: ['x'],
      matching: ['x'],
      ordering: 'x',
      complexity: 'O(',
      scenario: [],
    };
    for (const type of QUESTION_TYPES) {
      const { q } = all.find((x) => x.q.type === type) ?? all.find((x) => x.q.type === 'scenario' && x.q.parts.some((p) => p.type === type))!;
      const question = q.type === type ? q : (q as Extract<Question, { type: 'scenario' }>).parts.find((p) => p.type === type)!;
      const problem = answerShapeProblem(keylessQuestion(question as Question), malformed[type]);
      expect(problem, type).toMatch(/^[^\n]+$/);
    }
  });
});
