/**
 * The built command, spawned as a user runs it (`node bin/kvlab.js …`, after `npm run build`): a real
 * process prints one line and no stack trace on bad input, runs end to end, and `kvlab memory` loads only
 * its own modules (not the quiz engine, YAML, marked, the engine's WebAssembly or the chart renderer), the
 * point of the command list's lazy loading (src/cli/commands/index.ts). Full tier: needs dist/.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands/index.js';
import { loadedModules, loadedPackages } from './loaded-modules.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// dist/ is built once for every suite by test/global-setup.ts; rebuilding here would race the others.
describe('the built command, spawned', () => {
  const spawnKvlab = (args: string[], input?: string) =>
    spawnSync(process.execPath, [join(root, 'bin', 'kvlab.js'), ...args], { cwd: root, input: input ?? '', encoding: 'utf8' });

  it('exits 2 with one line and no stack trace on bad input', () => {
    for (const [args, input, message] of [
      [['simulate', '--layers', '0', '--heads', '2', '--head-dim', '4', '--tokens', '5', '--cache', 'full'], undefined, /--layers must be a whole number > 0/],
      [['simulate', '--layers', '1', '--heads', '2', '--head-dim', '4', '--tokens', '5', '--cache', 'ring'], undefined, /--cache 'ring' is not known/],
      [['attend', '--json'], '{"q": [[1]], "k": [[1, 2]], "v": [[1]]}', /k\[0\] has 2 numbers/],
      [['memory', '--model', 'nope', '--tokens', '1'], undefined, /--model 'nope' is not known/],
    ] as const) {
      const result = spawnKvlab([...args], input);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('runs attend and simulate end to end', () => {
    const attend = spawnKvlab(['attend', '--json'], '{"q": [[1, 0], [0, 1]], "k": [[1, 0], [0, 1]], "v": [[1, 2], [3, 4]]}');
    expect(attend.status).toBe(0);
    expect(JSON.parse(attend.stdout).output[0]).toEqual([1, 2]);
    const sim = spawnKvlab(['simulate', '--layers', '1', '--heads', '2', '--head-dim', '4', '--tokens', '40', '--cache', 'sinks', '--window', '8', '--json']);
    expect(sim.status).toBe(0);
    expect(sim.stderr).toBe('');
    const points = JSON.parse(sim.stdout).points as { measuredBytes: number; formulaBytes: number }[];
    expect(points.length).toBe(20);
    for (const p of points) expect(p.measuredBytes).toBe(p.formulaBytes);
  });
});

describe('each command loads only what it needs', () => {
  const ownFiles = (modules: readonly string[]) =>
    modules.filter((url) => url.startsWith('file:') && !url.includes('/node_modules/')).map((url) => fileURLToPath(url).slice(root.length + 1)).sort();

  it('kvlab memory loads the memory module, commander and cli-table3, and nothing else', () => {
    const run = loadedModules(['bin/kvlab.js', 'memory', '--model', 'mistral-7b', '--tokens', '32768'], root);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('KV cache: 512 MiB (536870912 bytes)');
    expect(loadedPackages(run.modules)).toEqual(['cli-table3', 'commander']);
    const own = ownFiles(run.modules);
    expect(own.filter((f) => !/^(bin\/kvlab\.js|dist\/cli\/(main|errors|io|args|table|count|commands\/index|commands\/memory)\.js|dist\/memory\/[a-z-]+\.js)$/.test(f))).toEqual([]);
  });

  it('kvlab --help lists every command, each loaded for it; kvlab models loads no other command', () => {
    const help = loadedModules(['bin/kvlab.js', '--help'], root);
    expect(help.status).toBe(0);
    for (const name of COMMANDS.map((c) => c.name)) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      expect(ownFiles(help.modules)).toContain(`dist/cli/commands/${name}.js`);
    }
    const models = loadedModules(['bin/kvlab.js', 'models', '--json'], root);
    expect(models.status).toBe(0);
    expect(ownFiles(models.modules).filter((f) => f.startsWith('dist/cli/commands/'))).toEqual(['dist/cli/commands/index.js', 'dist/cli/commands/models.js']);
  });

  it('an unknown command still gets the suggestion, from the whole list', () => {
    const result = spawnSync(process.execPath, [join(root, 'bin', 'kvlab.js'), 'memroy'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'memroy'\n(Did you mean memory?)");
  });
});
