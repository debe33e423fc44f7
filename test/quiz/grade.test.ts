/**
 * Grading by the spec's rules, type by type: all-or-nothing types, numeric tolerances (relative, absolute,
 * default), net-correct multiple choice floored at 0, matching and ordering fractions, scenario sums;
 * feedback in its order (verdict and score, the matching feedback, the explanation); wrong shapes score 0
 * with a reason; hostile answers are only data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerKey, checkBankSource, gradeAnswer, normalizeText, withinTolerance } from '../../src/quiz/index.js';
import { allTypes } from './helpers.js';

const bank = allTypes();
const grade = (id: string, answer: unknown, seed = 0) => gradeAnswer(bank, id, answer, seed);

describe('true-false, single-choice, text: all or nothing', () => {
  it('true-false', () => {
    expect(grade('tf', false)).toMatchObject({ score: 1, max: 1, correct: true, status: 'correct' });
    expect(grade('tf', true)).toMatchObject({ score: 0, max: 1, correct: false, status: 'incorrect' });
    expect(grade('tf', false).feedback).toBe('Correct. Score 1/1.\n\nIt holds $n_c$ pairs per head and layer.');
  });

  it('single-choice: points, the chosen choice’s feedback, then the explanation', () => {
    expect(grade('single', 'b')).toMatchObject({ score: 2, max: 2, correct: true });
    expect(grade('single', 'b').feedback).toBe('Correct. Score 2/2.\n\nRight, n_c.\n\nThe window bounds it.');
    expect(grade('single', 'a').feedback).toBe('Incorrect. Score 0/2.\n\nm is what the window removes.\n\nThe window bounds it.');
    expect(grade('single', ' B ')).toMatchObject({ score: 2 }); // ids are read trimmed, case-insensitively
  });

  it('text: normalized (NFKC, case, white space, · × * as one sign) or exact', () => {
    expect(grade('text-norm', 'o(L*τ*d_h*n_c)').score).toBe(1);
    expect(grade('text-norm', 'O( L × τ × d_h × n_c )').score).toBe(1);
    expect(grade('text-norm', 'O(L ⋅ TAU ⋅ D_H ⋅ N_C)').score).toBe(1);
    expect(grade('text-norm', 'O(L·τ·d_h·m)').score).toBe(0);
    expect(grade('text-exact', 'fp16').score).toBe(1);
    expect(grade('text-exact', 'FP16').score).toBe(0);
    expect(normalizeText('Ｏ(L · τ)')).toBe('o(l*τ)'); // NFKC folds the full-width O
  });
});

describe('numeric', () => {
  // seed 0: layers 12, window 256 → 24 MiB
  it('relative tolerance: |x − y| ≤ r·|y|, at the edge and just past it', () => {
    expect(answerKey(bank, 'kv-bytes', 0).answer).toBe(24);
    expect(grade('kv-bytes', 24)).toMatchObject({ score: 4, correct: true });
    expect(grade('kv-bytes', 24.24).score).toBe(4);
    expect(grade('kv-bytes', 23.76).score).toBe(4);
    expect(grade('kv-bytes', 24.25).score).toBe(0);
    expect(grade('kv-bytes', 23.75).score).toBe(0);
  });

  it('absolute tolerance: |x − y| ≤ a (with no float surprise at the edge)', () => {
    expect(grade('abs-tol', 2.1).score).toBe(1);
    expect(grade('abs-tol', 1.9).score).toBe(1);
    expect(grade('abs-tol', 2.11).score).toBe(0);
    expect(withinTolerance(0.4, 0.3, { absolute: 0.1 })).toBe(true); // 0.4 − 0.3 = 0.10000000000000003
  });

  it('the default tolerance is relative 0.01', () => {
    const { bank: b } = checkBankSource('bank: b\ntitle: t\nquestions:\n  - {id: q, type: numeric, prompt: p, answer: 100}\n', 'b.yaml');
    expect(gradeAnswer(b!, 'q', 101).score).toBe(1);
    expect(gradeAnswer(b!, 'q', 101.01).score).toBe(0);
  });

  it('targeted feedback from expressions over answer, first match wins, with {{answer}} filled in', () => {
    expect(grade('kv-bytes', 12).feedback).toBe(
      'Incorrect. Score 0/4.\n\nYou left out the factor 2 for K and V (24 expected).\n\n2 (K and V) × 12 × 16 × 128 × 256 × 2 bytes = 24 MiB.',
    );
    expect(grade('kv-bytes', 24 * 1.048576).feedback).toContain('That is MB, not MiB.');
    expect(grade('kv-bytes', 24 * 1000).feedback).toContain('Far too large');
    expect(grade('kv-bytes', 24 * 1.048576).score).toBe(0);
    expect(grade('kv-bytes', 30).feedback).toBe('Incorrect. Score 0/4.\n\n2 (K and V) × 12 × 16 × 128 × 256 × 2 bytes = 24 MiB.');
  });

  it('the answer is re-derived from the seed: a right answer for another seed is wrong here', () => {
    expect(answerKey(bank, 'kv-bytes', 1).answer).toBe(896);
    expect(grade('kv-bytes', 896, 1).score).toBe(4);
    expect(grade('kv-bytes', 896, 0).score).toBe(0);
  });
});

describe('multiple-choice: net-correct, floored at 0', () => {
  // correct: window, sinks, compressive (3); wrong: full
  it.each([
    [['window', 'sinks', 'compressive'], 1],
    [['window', 'sinks'], 0.6667],
    [['window'], 0.3333],
    [['window', 'sinks', 'compressive', 'full'], 0.6667],
    [['window', 'full'], 0],
    [['full'], 0],
    [[], 0],
    [['window', 'window', 'window'], 0.3333], // a repeated pick counts once
  ])('%j scores %d', (answer, score) => {
    expect(grade('multi', answer).score).toBe(score);
  });

  it('lists the feedback of each chosen choice', () => {
    expect(grade('multi', ['window', 'full']).feedback).toBe('Incorrect. Score 0/1.\n\nfull: The full cache grows.');
    expect(grade('multi', ['window', 'sinks']).feedback).toMatch(/^Partly correct\. Score 0\.6667\/1\./);
  });
});

describe('matching and ordering: fractions', () => {
  const right = { L: 'layers', τ: 'heads', d_h: 'head dimension', n_c: 'window' };
  it('matching: the fraction of pairs matched right; missing lefts count as wrong', () => {
    expect(grade('match', right).score).toBe(1);
    expect(grade('match', { ...right, L: 'heads', τ: 'layers' }).score).toBe(0.5);
    expect(grade('match', { L: 'layers' }).score).toBe(0.25);
    expect(grade('match', { l: 'LAYERS' }).score).toBe(0.25); // compared normalized
    expect(grade('match', {}).score).toBe(0);
  });

  it('ordering: the fraction of positions holding the right item', () => {
    const items = ['project the token', 'append K and V', 'evict the oldest pair', 'attend'];
    expect(grade('order', items).score).toBe(1);
    expect(grade('order', [items[1], items[0], items[2], items[3]]).score).toBe(0.5);
    expect(grade('order', [...items].reverse()).score).toBe(0);
    expect(grade('order', [items[3], items[0], items[1], items[2]]).score).toBe(0);
  });
});

describe('scenario: the sum of its parts', () => {
  // seed 7: window 512, layers 8 → budget 2048 KiB
  it('sums part scores and reports each part', () => {
    const all = grade('case', { cause: 'a', budget: 2048, grows: false }, 7);
    expect(all).toMatchObject({ score: 4, max: 4, correct: true });
    const some = grade('case', { cause: 'a', budget: 1, grows: 'no' }, 7);
    expect(some).toMatchObject({ score: 1, max: 4, correct: false, status: 'partial' });
    expect(some.parts!.budget).toMatchObject({ score: 0, max: 2, status: 'incorrect' });
    expect(some.parts!.grows).toMatchObject({ score: 0, status: 'not-graded', reason: 'expected true or false, got the text "no"' });
    expect(some.feedback).toMatch(/^Partly correct\. Score 1\/4\.\n\n\*\*cause\*\*: Correct\. Score 1\/1\.\n\n\*\*budget\*\*: Incorrect\. Score 0\/2\./);
  });

  it('an answer that is not a map is a shape error for the whole scenario', () => {
    expect(grade('case', ['a'], 7)).toMatchObject({ score: 0, status: 'not-graded', reason: 'expected a map {partId: answer}, got a list' });
  });
});

describe('wrong shapes score 0 with the reason; unanswered is reported', () => {
  it.each([
    ['tf', 'false', 'expected true or false, got the text "false"'],
    ['single', 'z', '"z" is not a choice (choices: a, b, c)'],
    ['single', 2, 'expected a choice id (a, b, c), got the number 2'],
    ['multi', 'window', 'expected a list of choice ids (window, full, sinks, compressive), got the text "window"'],
    ['multi', ['window', 'nope'], '"nope" is not a choice (choices: window, full, sinks, compressive)'],
    ['kv-bytes', '24', 'expected a number (in MiB), got the text "24"'],
    ['kv-bytes', Number.NaN, 'expected a number (in MiB), got NaN'],
    ['kv-bytes', Number.POSITIVE_INFINITY, 'expected a number (in MiB), got Infinity'],
    ['kv-bytes', null, 'expected a number (in MiB), got null'],
    ['text-norm', ['x'], 'expected text, got a list'],
    ['match', 'L', 'expected a map {left: right}, got the text "L"'],
    ['match', { Q: 'layers' }, '"Q" is not one of the items to match'],
    ['match', { L: 'bananas' }, '"bananas" is not one of the options to match with'],
    ['match', { L: 3 }, 'the match for "L" must be text, got the number 3'],
    ['order', ['attend'], 'expected all 4 items in order, got 1'],
    ['order', ['attend', 'attend', 'attend', 'attend'], '"attend" is listed twice'],
    ['order', ['x', 'y', 'z', 'w'], '"x" is not one of the items'],
  ])('%s ← %j', (id, answer, reason) => {
    const result = grade(id, answer);
    expect(result).toMatchObject({ score: 0, correct: false, status: 'not-graded', reason });
    expect(result.feedback.startsWith(`Not graded: ${reason}. Score 0/`)).toBe(true);
  });

  it('undefined is unanswered: 0 with the explanation', () => {
    expect(grade('single', undefined)).toMatchObject({ score: 0, max: 2, status: 'unanswered', feedback: 'Not answered. Score 0/2.\n\nThe window bounds it.' });
  });
});

describe('hostile answers are data', () => {
  const hostile: unknown[] = [
    '__proto__',
    'constructor',
    'process.exit(1)',
    'require("child_process").execSync("touch /tmp/pwned")',
    '${process.exit(1)}',
    'x'.repeat(1_000_000),
    JSON.parse('{"__proto__": {"polluted": true}}'),
    { constructor: { prototype: { polluted: true } } },
    { toString: 'x', valueOf: 'y' },
    [[[[[['deep']]]]]],
    Object.create(null),
  ];
  it('score 0 (or grade as text) without side effects, for every question', () => {
    for (const question of bank.questions) {
      for (const answer of hostile) {
        const result = grade(question.id, answer);
        expect(result.score).toBe(0);
        expect(typeof result.feedback).toBe('string');
        expect(result.feedback.length).toBeLessThan(2000); // a huge answer is never echoed back
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('arbitrary JSON values never throw, and scores stay within [0, max] (property)', () => {
    const ids = bank.questions.map((q) => q.id);
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.jsonValue(), fc.nat(1000), (id, answer, seed) => {
        const result = grade(id, answer, seed);
        expect(result.score).toBeGreaterThanOrEqual(0);
        expect(result.score).toBeLessThanOrEqual(result.max);
        expect(result.correct).toBe(result.score === result.max);
      }),
      { numRuns: 2000 },
    );
  });
});
