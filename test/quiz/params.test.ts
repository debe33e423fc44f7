/**
 * Seeded variants: the same (bank, question, seed) always gives the same params and the same variant, on
 * every machine (the hash and the generator are pinned here); ranges give multiples of their step; the key
 * is never part of the student-facing variant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerKey, checkBankSource, fnv1a32, questionVariant, type MatchingVariant, type OrderingVariant, type ScenarioVariant } from '../../src/quiz/index.js';
import { allTypes } from './helpers.js';

describe('the seed hash', () => {
  it('is 32-bit FNV-1a over UTF-8 (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fnv1a32('τ')).toBe(fnv1a32('\u03c4'));
  });
});

describe('params', () => {
  const bank = allTypes();

  it('pinned draws: a change of hash, generator or draw order is caught', () => {
    expect(questionVariant(bank, 'kv-bytes', 0).params).toEqual({ layers: 12, window: 256, heads: 16 });
    expect(questionVariant(bank, 'kv-bytes', 1).params).toEqual({ layers: 32, window: 3584, heads: 16 });
    expect(questionVariant(bank, 'kv-bytes', 42).params).toEqual({ layers: 24, window: 2560, heads: 16 });
    expect(answerKey(bank, 'kv-bytes', 42)).toEqual({ type: 'numeric', answer: 480, tolerance: { relative: 0.01 }, unit: 'MiB' });
    expect((questionVariant(bank, 'order', 0) as OrderingVariant).items).toEqual(['project the token', 'evict the oldest pair', 'append K and V', 'attend']);
  });

  it('same (bank, question, seed) → same variant; draws stay inside their lists and ranges (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const a = questionVariant(bank, 'kv-bytes', seed);
        expect(questionVariant(bank, 'kv-bytes', seed)).toEqual(a);
        expect([12, 24, 32]).toContain(a.params.layers);
        expect(a.params.window! % 256).toBe(0);
        expect(a.params.window).toBeGreaterThanOrEqual(256);
        expect(a.params.window).toBeLessThanOrEqual(4096);
        expect(a.prompt).toBe(`${a.params.layers} layers, 16 heads of size 128, a window of ${a.params.window} tokens, fp16. MiB?`);
        const key = answerKey(bank, 'kv-bytes', seed);
        expect(key.answer).toBe((2 * a.params.layers! * 16 * 128 * a.params.window! * 2) / 2 ** 20);
      }),
      { numRuns: 200 },
    );
  });

  it('different seeds give different variants (all 3 × 16 combinations appear)', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 2000; seed++) seen.add(JSON.stringify(questionVariant(bank, 'kv-bytes', seed).params));
    expect(seen.size).toBe(48);
  });

  it('a decimal step gives clean multiples (no 0.30000000000000004)', () => {
    const { bank: b } = checkBankSource('bank: b\ntitle: t\nquestions:\n  - {id: q, type: numeric, prompt: "{{x}}", params: {x: {min: 0.1, max: 0.9, step: 0.1}}, answer: x}\n', 'b.yaml');
    for (let seed = 0; seed < 100; seed++) {
      const x = questionVariant(b!, 'q', seed).params.x!;
      expect([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]).toContain(x);
    }
  });

  it('scenario params reach the context and every part; parts draw their own too', () => {
    const v = questionVariant(bank, 'case', 7) as ScenarioVariant;
    expect(v.params).toEqual({ window: 512 });
    expect(v.context).toBe('A chat service uses a window of 512 tokens.');
    expect(v.parts!.map((p) => p.id)).toEqual(['cause', 'budget', 'grows']);
    expect(v.parts![1]!.prompt).toBe('8 layers, 1 head of size 64, fp32, window 512: KiB?');
    expect(v.parts![2]!.prompt).toBe('Does it grow past 512 tokens?');
    const key = answerKey(bank, 'case', 7);
    expect(key.type === 'scenario' && key.answer.budget).toEqual({ type: 'numeric', answer: 2048, tolerance: { relative: 0.01 } });
  });

  it('a seed must be a whole number ≥ 0', () => {
    expect(() => questionVariant(bank, 'tf', -1)).toThrow(/seed must be a whole number/);
    expect(() => questionVariant(bank, 'tf', 1.5)).toThrow(/seed must be a whole number/);
    expect(() => questionVariant(bank, 'nope', 0)).toThrow(/has no question 'nope'/);
  });
});

describe('the variant never carries the answer', () => {
  const bank = allTypes();
  it.each(bank.questions.map((q) => q.id))('%s', (id) => {
    const text = JSON.stringify(questionVariant(bank, id, 3));
    expect(text).not.toMatch(/"correct"|"answer"|"accept"|"explanation"|"feedback"|"pairs"/);
    if (id === 'single') expect(text).not.toContain('Right, n_c');
    if (id === 'kv-bytes') expect(text).not.toContain(String(answerKey(bank, id, 3).answer) + ' MiB');
    if (id === 'match') {
      const v = questionVariant(bank, id, 3) as MatchingVariant;
      expect(v.left).toEqual(['L', 'τ', 'd_h', 'n_c']);
      expect([...v.right!].sort()).toEqual(['head dimension', 'heads', 'layers', 'window']);
    }
  });

  it('an ordering variant is never shown in the right order', () => {
    for (let seed = 0; seed < 300; seed++) {
      expect((questionVariant(bank, 'order', seed) as OrderingVariant).items).not.toEqual(['project the token', 'append K and V', 'evict the oldest pair', 'attend']);
    }
  });
});
