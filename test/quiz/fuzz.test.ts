/**
 * The fuzz property (issue 12): mutated course banks and submissions never crash the loader or the
 * grader, a malformed one is never accepted, and whatever loads grades consistently. The mutator is
 * test/quiz/fuzz-cases.ts; fast-check picks the case numbers (and shrinks a failure to the smallest),
 * a few hundred here; `npm run bench -- fuzz` runs 100,000 of each and watches for hangs. The command
 * line gets the same treatment for the inputs that broke it: huge and odd flag values, attention
 * inputs of every size and magnitude, and submission folders of every kind of entry.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankCase, seedBanks, submissionCase } from './fuzz-cases.js';
import { allTypes, fixtures, kvlab, tempDir } from './helpers.js';

const seeds = seedBanks();

describe('fuzz: mutated banks and submissions', () => {
  it('no mutated bank crashes the loader, none malformed is accepted, what loads grades its own key full marks', () => {
    fc.assert(
      fc.property(fc.nat(), (n) => {
        const result = bankCase(n, seeds);
        expect(result, `case ${n}: ${result.mutation}`).toMatchObject({ verdict: 'ok' });
      }),
      { numRuns: 150 },
    );
  });

  it('no mutated submission crashes the grader, none malformed is accepted, scores stay within [0, max]', () => {
    const bank = allTypes();
    fc.assert(
      fc.property(fc.nat(), (n) => {
        const result = submissionCase(n, bank);
        expect(result, `case ${n}: ${result.mutation}`).toMatchObject({ verdict: 'ok' });
      }),
      { numRuns: 200 },
    );
  });
});

describe('fuzz: the command line', () => {
  const big = fc.oneof(fc.integer({ min: 0, max: 300_000 }).map(String), fc.constantFrom('2^53', '9007199254740992', '1e3', '-1', '.nan', '', ' ', 'x'.repeat(200), '4096\n1'));

  it('kvlab memory: any flag values give a result or one clear line, never an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(big, big, big, big, async (layers, heads, headDim, tokens) => {
        const result = await kvlab(['memory', '--layers', layers, '--heads', heads, '--head-dim', headDim, '--tokens', tokens, '--json']);
        expect(result.stderr).not.toMatch(/internal error/);
        if (result.code === 0) expect(JSON.parse(result.stdout).bytes).toBeGreaterThan(0);
        else expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      }),
      { numRuns: 40 },
    );
  });

  it('kvlab attend: any sizes and magnitudes give finite numbers or one clear line', async () => {
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e10, max: 1e10 }), fc.constantFrom(1e200, -1e200, 1e308, 5e-324, 0));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 }), fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 8 })), value, async (d, rows, window, x) => {
        const m = JSON.stringify(Array.from({ length: rows }, (_, i) => Array.from({ length: d }, (_, e) => (i + e) % 3 === 0 ? x : 1)));
        const args = ['attend', '--json', ...(window === undefined ? [] : ['--window', String(window)])];
        const result = await kvlab(args, { stdin: `{"q": ${m}, "k": ${m}, "v": ${m}}` });
        expect(result.stderr).not.toMatch(/internal error/);
        if (result.code === 0) expect((JSON.parse(result.stdout).output as number[][]).flat().every(Number.isFinite)).toBe(true);
        else expect(result.stderr).toMatch(/^kvlab: row \d+ overflows float64/);
      }),
      { numRuns: 60 },
    );
  });

  it('kvlab grade: a folder of every kind of entry grades the readable ones and rejects the rest, each with a reason', async () => {
    const kinds = ['valid', 'dangling', 'loop', 'fifo', 'folder', 'empty', 'bom', 'badutf8'] as const;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 6 }), async (entries) => {
        const dir = tempDir();
        entries.forEach((kind, i) => {
          const file = join(dir, `e${i}.${i % 2 === 0 ? 'json' : 'yaml'}`);
          const body = JSON.stringify({ student: `s${i}`, bank: 'all-types', answers: { tf: false } });
          if (kind === 'valid') writeFileSync(file, body);
          else if (kind === 'bom') writeFileSync(file, `\uFEFF${body}`);
          else if (kind === 'badutf8') writeFileSync(file, Buffer.concat([Buffer.from(body.slice(0, 5)), Buffer.from([0xff]), Buffer.from(body.slice(5))]));
          else if (kind === 'empty') writeFileSync(file, '');
          else if (kind === 'dangling') symlinkSync(join(dir, 'nowhere'), file);
          else if (kind === 'loop') symlinkSync(file, file);
          else if (kind === 'folder') mkdirSync(file);
          else spawnSync('mkfifo', [file]);
        });
        const result = await kvlab(['grade', '--bank', join(fixtures, 'all-types.yaml'), dir, '--json']);
        expect(result.stderr).toBe('');
        const report = JSON.parse(result.stdout) as { results: unknown[]; rejected: { reason: string }[] };
        const gradable = entries.filter((k) => k === 'valid' || k === 'bom').length;
        const skipped = entries.filter((k) => k === 'fifo' || k === 'folder').length;
        expect(report.results).toHaveLength(gradable);
        expect(report.rejected).toHaveLength(entries.length - gradable - skipped);
        expect(result.code).toBe(report.rejected.length > 0 ? 1 : 0);
      }),
      { numRuns: 15 },
    );
  });
});
