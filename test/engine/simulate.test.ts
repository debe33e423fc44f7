/** simulate(): what `kvlab simulate` prints, measured from the engine's own buffers. */
import { describe, expect, it } from 'vitest';
import { attendedPairs, policyBytes, type CachePolicy } from '../../src/memory/index.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeStepFlops, resolveConfig, simulate, type SimulatePoint } from '../../src/engine/index.js';

const shape = { layers: 2, heads: 4, kvHeads: 2, headDim: 8 };

/**
 * simulate() of a small decoder over 2048 tokens with each policy and kernel, in one new Node process
 * (through tsx, on src/), collecting garbage before each run so one run's buffers do not fall in the next.
 */
function simulateInFreshProcess(runs: { policy: CachePolicy; kernel: 'js' | 'wasm' }[]): SimulatePoint[][] {
  const engine = pathToFileURL(join(import.meta.dirname, '../../src/engine/index.ts')).href;
  const options = runs.map(({ policy, kernel }) => ({ layers: 1, heads: 2, headDim: 64, vocab: 64, tokens: 2048, policy, every: 256, kernel }));
  const script = `import { simulate } from '${engine}';
    console.log(JSON.stringify(${JSON.stringify(options)}.map((o) => { gc(); return simulate(o).points; })));`;
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as SimulatePoint[][];
}

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
      // Throughput and FLOP rate come from the same timing: their ratio is the mean FLOPs of a step.
      const config = resolveConfig({ ...shape, vocab: 256 });
      const counted = Array.from({ length: 100 }, (_, i) => decodeStepFlops(config, attendedPairs(policy, i + 1)));
      const meanFlops = counted.reduce((a, b) => a + b, 0) / 100;
      expect((result.gflops * 1e9) / result.tokensPerSecond).toBeCloseTo(meanFlops, 3);
      expect(Number.isFinite(result.tokensPerSecond)).toBe(true);
    }
  });

  it("the process's own bytes: a full cache's grow with m, a window's stay flat on the same tokens", () => {
    // An outside measurement: V8's count of memory outside its heap, where both kernels' buffers live.
    // It is process-wide, and a test worker shares its process with other suites whose garbage a
    // collection may free mid-run, so the runs are measured in a fresh process of their own.
    // Full: 1 layer × 2 KV heads × 64 dims × 2 × 4 bytes = 1 KiB a token, 2 MiB after 2048 tokens.
    const kernels = ['js', 'wasm'] as const;
    const points = simulateInFreshProcess(
      kernels.flatMap((kernel) => [{ policy: { kind: 'full' }, kernel }, { policy: { kind: 'window', window: 64 }, kernel }] as const),
    );
    for (const [i] of kernels.entries()) {
      const [full, window] = [points[2 * i]!, points[2 * i + 1]!];
      const growth = (points: { processBytes: number }[]) => points.at(-1)!.processBytes - points[0]!.processBytes;
      const held = full.at(-1)!.measuredBytes - full[0]!.measuredBytes;
      // The full cache's buffers hold at least what it holds (doubling may reserve up to 2×, and the
      // buffers it outgrew stay until the collector frees them). Lower bound: its 2 MiB buffer at the end,
      // less what it had at the first point (256 KiB, plus at most ~320 KiB of outgrown buffers, wasm
      // memories rounded up to 64 KiB pages, that a collection may free in between): ≥ 0.82 × held.
      expect(growth(full)).toBeGreaterThanOrEqual(0.7 * held);
      expect(growth(full)).toBeLessThan(4 * held);
      expect(Math.abs(growth(window))).toBeLessThan(0.1 * growth(full));
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
