/** simulate(): what `kvlab simulate` prints, measured from the engine's own buffers. */
import { describe, expect, it } from 'vitest';
import { policyBytes, type CachePolicy } from '../../src/memory/index.js';
import { simulate } from '../../src/engine/index.js';

const shape = { layers: 2, heads: 4, kvHeads: 2, headDim: 8 };

describe('simulate', () => {
  it('reports measured bytes equal to the formula at every point, for every cache type', () => {
    const policies: CachePolicy[] = [
      { kind: 'full' },
      { kind: 'window', window: 16 },
      { kind: 'sinks', window: 16, sinks: 4 },
      { kind: 'moving-average', window: 16 },
      { kind: 'cumulative' },
      { kind: 'compressive', window: 16, segment: 8, compression: 4, compressedSlots: 3 },
    ];
    for (const policy of policies) {
      const result = simulate({ ...shape, tokens: 100, policy, every: 7 });
      expect(result.points.map((p) => p.tokens)).toEqual([7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 98, 100]);
      for (const p of result.points) {
        expect(p.measuredBytes).toBe(p.formulaBytes);
        expect(p.formulaBytes).toBe(policyBytes(shape, policy, p.tokens, 'fp32'));
      }
      expect(result.tokensPerSecond).toBeGreaterThan(0);
      expect(result.gflops).toBeGreaterThan(0);
    }
  });

  it('a window flattens: the same bytes from m = W on, while the full cache keeps growing', () => {
    const window = simulate({ ...shape, tokens: 64, policy: { kind: 'window', window: 16 }, every: 16 });
    expect(new Set(window.points.map((p) => p.measuredBytes)).size).toBe(1);
    const full = simulate({ ...shape, tokens: 64, policy: { kind: 'full' }, every: 16 });
    expect(full.points.map((p) => p.measuredBytes)).toEqual([1, 2, 3, 4].map((i) => i * 16 * 2 * 2 * 2 * 8 * 4));
  });

  it('defaults to about 20 points and reports progress at each point and every 1%', () => {
    const seen: number[] = [];
    const result = simulate({ ...shape, tokens: 450, policy: { kind: 'cumulative' }, onProgress: (done) => seen.push(done) });
    expect(result.points.length).toBe(Math.ceil(450 / 23));
    expect(seen).toEqual(expect.arrayContaining(result.points.map((p) => p.tokens)));
    expect(seen.filter((m) => m % 4 === 0).length).toBe(450 / 4 - 0.5);
    expect(seen.at(-1)).toBe(450);
  });

  it('rejects a bad token count', () => {
    expect(() => simulate({ ...shape, tokens: 0, policy: { kind: 'full' } })).toThrow(/tokens/);
  });
});
