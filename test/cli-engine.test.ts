/**
 * The engine's commands (simulate, attend) and the memory calculator through the CLI, in process with a
 * fake CliIO: correct output, and every bad input of the CLI spec rejected with one clear line and exit 2.
 * Spawns of the built bin/kvlab.js (a real process prints no stack trace) are in test/cli-spawned.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { expectRejected, kvlab } from './quiz/helpers.js';
import { attendReference, attendedPairs, decodeStepFlops, pagedBytes, policyBytes, type CachePolicy } from '../src/index.js';

const SHAPE = ['--layers', '2', '--heads', '4', '--kv-heads', '2', '--head-dim', '8'];
const BAD_COUNTS: [string, RegExp][] = [
  ['0', /must be a whole number > 0, got '0'/],
  ['-3', /must be a whole number > 0, got '-3'/],
  ['2.5', /must be a whole number > 0, got '2.5'/],
  ['many', /must be a whole number > 0, got 'many'/],
];

/** Replaces (or adds) one flag's value in an argument list. */
function withFlag(argv: string[], flag: string, value: string): string[] {
  const i = argv.indexOf(flag);
  return i >= 0 ? [...argv.slice(0, i + 1), value, ...argv.slice(i + 2)] : [...argv, flag, value];
}

describe('kvlab memory rejects every bad input of the spec', () => {
  const base = ['memory', ...SHAPE, '--tokens', '100', '--window', '16', '--sinks', '4', '--batch', '1'];
  it('runs when nothing is wrong', async () => {
    const ok = await kvlab([...base, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).bytes).toBe(2 * 2 * 2 * 8 * 20 * 2);
  });
  for (const flag of ['--layers', '--heads', '--kv-heads', '--head-dim', '--tokens', '--window', '--sinks', '--batch']) {
    for (const [value, message] of BAD_COUNTS) {
      it(`${flag} ${value}`, () => expectRejected(withFlag(base, flag, value), new RegExp(`${flag} ${message.source}`)));
    }
  }
  it('kv heads that do not divide heads', () => expectRejected(withFlag(base, '--kv-heads', '3'), /--kv-heads 3 must divide --heads 4/));
  it('an unknown model, listing the known ones', () =>
    expectRejected(['memory', '--model', 'gpt-5', '--tokens', '10'], /--model 'gpt-5' is not known; use one of: gpt2, llama-2-7b, .*gemma-3-4b/));
  it('an unknown dtype, listing the known ones', () =>
    expectRejected([...base, '--dtype', 'fp4'], /--dtype 'fp4' is not known; use one of: fp32, fp16, bf16, fp8, int8/));
  it('a byte count over 2^53', () =>
    expectRejected(['memory', '--layers', '100000', '--heads', '100000', '--head-dim', '100000', '--tokens', '100000'], /exceeds 2\^53/));
});

describe('kvlab simulate', () => {
  const base = ['simulate', ...SHAPE, '--tokens', '60', '--cache', 'window', '--window', '16'];

  it('prints {points, tokensPerSecond, gflops} with measured bytes equal to the formula (fp32)', async () => {
    const result = await kvlab([...base, '--every', '20', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const doc = JSON.parse(result.stdout);
    expect(Object.keys(doc).sort()).toEqual(['gflops', 'points', 'tokensPerSecond']);
    expect(doc.points.map((p: { tokens: number }) => p.tokens)).toEqual([20, 40, 60]);
    const shape = { layers: 2, heads: 4, kvHeads: 2, headDim: 8 };
    for (const p of doc.points) {
      expect(Object.keys(p).sort()).toEqual(['formulaBytes', 'measuredBytes', 'processBytes', 'tokens']);
      expect(p.measuredBytes).toBe(p.formulaBytes);
      expect(p.formulaBytes).toBe(policyBytes(shape, { kind: 'window', window: 16 }, p.tokens, 'fp32'));
    }
    // Both rates divide by the same measured time, so their ratio is the mean work of a token: the FLOPs of
    // decoding token m over its min(m, 16) attended pairs, averaged over the 60 tokens (the CLI's vocab 256).
    const config = { ...shape, vocab: 256, seed: 0 };
    const window16: CachePolicy = { kind: 'window', window: 16 };
    const meanFlops = Array.from({ length: 60 }, (_, i) => decodeStepFlops(config, attendedPairs(window16, i + 1))).reduce((a, b) => a + b) / 60;
    expect(Number.isFinite(doc.tokensPerSecond) && doc.tokensPerSecond > 0, `tokensPerSecond ${doc.tokensPerSecond}`).toBe(true);
    expect((doc.gflops * 1e9) / doc.tokensPerSecond / meanFlops).toBeCloseTo(1, 9);
  });

  it('--kernel js and --kernel wasm measure the same bytes and say which kernel ran', async () => {
    const runs = await Promise.all(['js', 'wasm'].map((k) => kvlab([...base, '--every', '20', '--kernel', k])));
    for (const [i, k] of ['js', 'wasm'].entries()) {
      expect(runs[i]!.code).toBe(0);
      expect(runs[i]!.stdout).toContain(`${k} kernel`);
    }
    const bytes = (out: string) => [...out.matchAll(/│ (\d+) \(/g)].map((m) => m[1]);
    expect(bytes(runs[0]!.stdout)).toEqual(bytes(runs[1]!.stdout));
    expect(bytes(runs[0]!.stdout)).toHaveLength(3);
  });

  it('--block-size pages the cache: allocated bytes, whole blocks, equal the paged formula at every point', async () => {
    const result = await kvlab(['simulate', ...SHAPE, '--tokens', '50', '--cache', 'window', '--window', '10', '--block-size', '4', '--every', '10', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const shape = { layers: 2, heads: 4, kvHeads: 2, headDim: 8 };
    for (const p of JSON.parse(result.stdout).points) {
      expect(p.measuredBytes).toBe(p.formulaBytes);
      expect(p.allocatedBytes).toBe(p.formulaAllocatedBytes);
      expect(p.formulaAllocatedBytes).toBe(pagedBytes(shape, { kind: 'window', window: 10, convention: 'w-keys' }, p.tokens, 4, 'fp32').allocatedBytes);
      expect(p.allocatedBytes).toBeGreaterThan(p.measuredBytes);
    }
    const table = await kvlab(['simulate', ...SHAPE, '--tokens', '20', '--cache', 'full', '--block-size', '8']);
    expect(table.stdout).toMatch(/allocated bytes/);
  });

  it('--block-size only for caches of single tokens', () =>
    expectRejected([...base.slice(0, -4), '--cache', 'cumulative', '--block-size', '4'], /--block-size \(a paged cache\) applies to --cache full, window or sinks, not cumulative/));

  it('an unknown kernel, listing the known ones', () =>
    expectRejected([...base, '--kernel', 'gpu'], /--kernel 'gpu' is not known; use one of: js, wasm/));

  it('runs every cache kind from its flags', async () => {
    const kinds: string[][] = [
      ['--cache', 'full'],
      ['--cache', 'sinks', '--window', '8', '--sinks', '2', '--convention', 'w-plus-one'],
      ['--cache', 'moving-average', '--window', '8'],
      ['--cache', 'cumulative'],
      ['--cache', 'compressive', '--window', '8', '--segment', '4', '--compression', '2', '--compressed-slots', '3'],
    ];
    for (const flags of kinds) {
      const result = await kvlab(['simulate', ...SHAPE, '--tokens', '30', ...flags, '--json']);
      expect(result.code, result.stderr).toBe(0);
      for (const p of JSON.parse(result.stdout).points) expect(p.measuredBytes).toBe(p.formulaBytes);
    }
  });

  it('shows a progress bar on a terminal only, never with --json, and a table without it', async () => {
    const tty = await kvlab(base, { isTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/simulating \[.*\] \d+\/60 tokens/);
    expect(tty.stdout).toMatch(/measured bytes/);
    expect(tty.stdout).toMatch(/tokens\/s/);
    const ttyJson = await kvlab([...base, '--json'], { isTTY: true });
    expect(ttyJson.stderr).toBe('');
    const piped = await kvlab(base);
    expect(piped.stderr).toBe('');
  });

  const all = [...SHAPE, '--tokens', '60', '--every', '10', '--seed', '1'];
  for (const flag of ['--layers', '--heads', '--kv-heads', '--head-dim', '--tokens', '--every']) {
    for (const [value, message] of BAD_COUNTS) {
      it(`${flag} ${value}`, () =>
        expectRejected(['simulate', ...withFlag(all, flag, value), '--cache', 'window', '--window', '4'], new RegExp(`${flag} ${message.source}`)));
    }
  }
  for (const [flag, cacheFlags] of [
    ['--window', ['--cache', 'window']],
    ['--sinks', ['--cache', 'sinks', '--window', '4']],
    ['--segment', ['--cache', 'compressive', '--window', '4', '--compression', '2', '--compressed-slots', '2']],
    ['--compression', ['--cache', 'compressive', '--window', '4', '--compressed-slots', '2']],
    ['--compressed-slots', ['--cache', 'compressive', '--window', '4', '--compression', '2']],
  ] as const) {
    for (const [value, message] of BAD_COUNTS) {
      it(`${flag} ${value}`, () => expectRejected(['simulate', ...all, ...cacheFlags, flag, value], new RegExp(`${flag} ${message.source}`)));
    }
  }
  it('--seed must be a whole number ≥ 0', () => expectRejected(['simulate', ...withFlag(all, '--seed', '-1'), '--cache', 'full'], /--seed must be a whole number ≥ 0/));
  it('kv heads that do not divide heads', () =>
    expectRejected(['simulate', ...withFlag(all, '--kv-heads', '3'), '--cache', 'full'], /--kv-heads 3 must divide --heads 4/));
  it('an unknown cache, listing the known ones', () =>
    expectRejected(['simulate', ...all, '--cache', 'paged'], /--cache 'paged' is not known; use one of: full, window, sinks, moving-average, cumulative, compressive/));
  it('a missing cache', () => expectRejected(['simulate', ...all], /--cache is required; use one of: full, window/));
  it('a missing shape flag', () => expectRejected(['simulate', '--layers', '2', '--heads', '4', '--tokens', '5', '--cache', 'full'], /--head-dim is required/));
  it('a window cache without --window', () => expectRejected(['simulate', ...all, '--cache', 'window'], /--cache window needs --window W/));
  it('a flag the cache does not take', () => expectRejected(['simulate', ...all, '--cache', 'full', '--window', '8'], /--window does not apply to --cache full/));
  it('an unknown window convention', () =>
    expectRejected(['simulate', ...all, '--cache', 'window', '--window', '4', '--convention', 'both'], /--convention 'both' is not known; use one of: w-keys, w-plus-one/));
  it('a segment that is not a multiple of the compression', () =>
    expectRejected(['simulate', ...all, '--cache', 'compressive', '--window', '4', '--segment', '3', '--compression', '2', '--compressed-slots', '2'], /segment \(3\) must be a multiple of compression \(2\)/));
  it('a byte count over 2^53', () =>
    expectRejected(['simulate', '--layers', '100000', '--heads', '100000', '--head-dim', '100000', '--tokens', '100000', '--cache', 'full'], /exceeds 2\^53/));
  it('a cache too large to hold in memory', () =>
    expectRejected(['simulate', '--layers', '32', '--heads', '32', '--head-dim', '128', '--tokens', '100000', '--cache', 'full'], /the cache would hold .* stay under 2 GiB/));
  it('weights too large to hold in memory', () =>
    expectRejected(['simulate', '--layers', '32', '--heads', '64', '--head-dim', '128', '--tokens', '10', '--cache', 'cumulative'], /weights would take .* keep them under 1 GiB/));
});

describe('kvlab attend', () => {
  const input = { q: [[1, 0], [0, 1], [1, 1]], k: [[1, 0], [0, 1], [1, -1]], v: [[1, 2], [3, 4], [5, 6]] };

  it('prints {"output": …}: the float64 reference, windowed or not', async () => {
    for (const args of [[], ['--window', '2'], ['--window', '1', '--convention', 'w-plus-one']]) {
      const result = await kvlab(['attend', ...args, '--json'], { stdin: JSON.stringify(input) });
      expect(result.code, result.stderr).toBe(0);
      const window = args[1] === undefined ? undefined : Number(args[1]);
      const convention = args[3] === 'w-plus-one' ? 'w-plus-one' : 'w-keys';
      expect(JSON.parse(result.stdout)).toEqual({ output: attendReference(input.q, input.k, input.v, window, convention) });
    }
  });

  it('works the hand example: row 1 weighs v0 and v1 by softmax(0, 1/√2)', async () => {
    const result = await kvlab(['attend', '--json'], { stdin: '{"q": [[1, 0], [0, 1]], "k": [[1, 0], [0, 1]], "v": [[1, 2], [3, 4]]}' });
    const w = Math.exp(Math.SQRT1_2) / (1 + Math.exp(Math.SQRT1_2));
    const { output } = JSON.parse(result.stdout);
    expect(output[0]).toEqual([1, 2]);
    expect(output[1][0]).toBeCloseTo(1 + 2 * w, 14);
    expect(output[1][1]).toBeCloseTo(2 + 2 * w, 14);
  });

  it('with --window 1 every row is its own value', async () => {
    const result = await kvlab(['attend', '--window', '1', '--json'], { stdin: JSON.stringify(input) });
    expect(JSON.parse(result.stdout).output).toEqual(input.v);
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{"q": [[1]', /stdin is not valid JSON/],
    ['not an object', '[[1]]', /stdin must be a JSON object/],
    ['a missing matrix', '{"q": [[1]], "k": [[1]]}', /input has no "v"/],
    ['a matrix that is not a list', '{"q": 1, "k": [[1]], "v": [[1]]}', /input "q" must be a list of rows/],
    ['a row that is not a list', '{"q": [1], "k": [[1]], "v": [[1]]}', /input q\[0\] must be a row of numbers/],
    ['a value that is not a number', '{"q": [["1"]], "k": [[1]], "v": [[1]]}', /input q\[0\]\[0\] is "1", not a number/],
    ['row counts that differ', '{"q": [[1], [2]], "k": [[1]], "v": [[1], [2]]}', /k has 1 rows but q has 2/],
    ['a ragged matrix', '{"q": [[1, 2], [3]], "k": [[1, 2], [3, 4]], "v": [[1], [2]]}', /q\[1\] has 1 numbers but q\[0\] have 2/],
    ['keys narrower than queries', '{"q": [[1, 2]], "k": [[1]], "v": [[1]]}', /k\[0\] has 1 numbers but q rows have 2/],
    ['no rows', '{"q": [], "k": [], "v": []}', /q has no rows/],
    ['empty rows', '{"q": [[]], "k": [[]], "v": [[]]}', /q\[0\] is empty/],
  ];
  for (const [what, stdin, message] of bad) {
    it(`rejects ${what}`, () => expectRejected(['attend', '--json'], message, stdin));
  }
  for (const [value, message] of BAD_COUNTS) {
    it(`--window ${value}`, () => expectRejected(['attend', '--window', value, '--json'], new RegExp(`--window ${message.source}`), JSON.stringify(input)));
  }
  it('an unknown convention', () =>
    expectRejected(['attend', '--window', '2', '--convention', 'x', '--json'], /--convention 'x' is not known/, JSON.stringify(input)));
});
