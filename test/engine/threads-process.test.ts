/**
 * The helper thread seen from a whole process (each test spawns Node on the sources, so this file is in
 * the full tier): a process whose decoders are dropped gets their memory back, and a process that has
 * used a two-thread decoder exits by itself.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { wasmThreadsSupported } from '../../src/engine/wasm-kernel.js';

describe.runIf(wasmThreadsSupported)('two threads, in a process', () => {
  it('let go of the memories of decoders that are dropped (the helper holds none of them on)', () => {
    // Each decoder holds ~16 MB (9 MiB of weights, and a full window of 1,024 pairs for 12 heads of 64) in
    // memories both threads share; 20 of them, one after another, would hold 320 MB if the helper kept them.
    const script = `
      import { createDecoder } from './src/engine/index.js';
      const rss = () => process.memoryUsage().rss / 2 ** 20;
      const settle = async () => { for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 30)); } };
      const use = async () => {
        const d = createDecoder({ layers: 1, heads: 12, headDim: 64, vocab: 64 }, { kind: 'window', window: 1024 }, { threads: 2 });
        await d.kernel.helperReady();
        for (let t = 0; t < 3; t++) d.step(t);
      };
      for (let i = 0; i < 3; i++) await use();
      await settle();
      const before = rss();
      for (let i = 0; i < 20; i++) { await use(); if (i % 4 === 3) await settle(); }
      await settle();
      console.log(Math.round(rss() - before));`;
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(Number(run.stdout.trim())).toBeLessThan(120);
  });

  it('do not keep the process alive once decoding is done', () => {
    const script = `
      import { createDecoder } from './src/engine/index.js';
      const d = createDecoder({ layers: 1, heads: 8, headDim: 64, vocab: 64 }, { kind: 'window', window: 16 }, { threads: 2 });
      const ready = await d.kernel.helperReady();
      for (let t = 0; t < 50; t++) d.step(t % 64);
      console.log('stepped', d.kernel.threads, ready, d.kernel.helperCommands.sent > 0);`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toBe('stepped 2 true true');
    expect(run.status).toBe(0);
  });
});
