/**
 * The shape of the code, read from the sources without running them (test/import-graph.ts):
 *
 * - src/ has no import cycles (type-only imports included);
 * - the command line's start-up loads no command's dependencies: main.ts reaches no quiz engine, engine or
 *   renderer, `kvlab memory` reaches only the memory module, and every command of the one list
 *   (src/cli/commands/index.ts) registers exactly the command it is listed as;
 * - the public entry points export names one by one (no `export *`), and `kvlab/memory` reaches nothing
 *   but src/memory, so a notebook that needs the formula does not load the chart renderer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands/index.js';
import { commandsFor, loadCommands } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/io.js';
import { importCycles, moduleImports, staticReach } from './import-graph.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const sourceFiles = (readdirSync(src, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => join(src, f))
  .sort();

/** Packages the command line's start-up and the formula must never load. */
const HEAVY = ['yaml', 'marked', 'marked-terminal', 'chart.js', '@napi-rs/canvas', 'zod', 'jsep', 'xmlbuilder2', 'fflate', '@inquirer/prompts', 'cli-progress', 'csv-stringify', 'write-file-atomic'];

const rel = (files: Iterable<string>) => [...files].map((f) => relative(root, f)).sort();

describe('imports', () => {
  /**
   * The engine's two cycles (decoder ⇄ prefill; the cache factory inside the interface file), which the
   * engine's restructuring removes (issue 7). Delete this list once they are gone; nothing may join it.
   */
  it('src/ has no import cycles', () => {
    const cycles = importCycles(sourceFiles, root);
    expect(cycles.map((c) => c.join(' → ')), 'break each cycle: move what both files need into a third').toEqual([]);
  });

  it('finds a cycle, type-only imports included, and names its files in order', () => {
    expect(importCycles([join(root, 'test', 'fixtures', 'cycle', 'a.ts'), join(root, 'test', 'fixtures', 'cycle', 'b.ts')], root)).toEqual([
      ['test/fixtures/cycle/a.ts', 'test/fixtures/cycle/b.ts', 'test/fixtures/cycle/a.ts'],
    ]);
  });

  it('every relative import names a file that exists', () => {
    const missing = sourceFiles.flatMap((file) =>
      moduleImports(file)
        .filter((i) => i.specifier.startsWith('.'))
        .filter((i) => !sourceFiles.includes(resolve(dirname(file), i.specifier).replace(/\.js$/, '.ts')))
        .map((i) => `${relative(root, file)}: ${i.specifier}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('the command line loads a command only when it runs', () => {
  it('main.ts reaches the command list but no command and none of their dependencies', () => {
    const reach = staticReach(join(src, 'cli', 'main.ts'));
    expect(rel(reach.files)).toEqual([
      'src/cli/commands/index.ts',
      'src/cli/count.ts', // errors.ts counts the problems it does not show
      'src/cli/errors.ts',
      'src/cli/io.ts',
      'src/cli/main.ts',
      ...rel(staticReach(join(src, 'memory', 'index.ts')).files),
    ].sort());
    expect([...reach.packages].sort()).toEqual(['commander']);
  });

  it('the memory command reaches the memory module and the table, nothing heavy', () => {
    const reach = staticReach(join(src, 'cli', 'commands', 'memory.ts'));
    const outside = rel(reach.files).filter((f) => !f.startsWith('src/memory/') && !f.startsWith('src/cli/'));
    expect(outside).toEqual([]);
    expect(rel(reach.files).filter((f) => f.startsWith('src/cli/commands/'))).toEqual(['src/cli/commands/memory.ts']);
    expect([...reach.packages].filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('no command module imports main.ts (their types live in command.ts, shared helpers beside it)', () => {
    const commandFiles = sourceFiles.filter((f) => f.startsWith(join(src, 'cli', 'commands') + '/'));
    const offending = commandFiles.flatMap((file) =>
      moduleImports(file)
        .filter((i) => i.specifier.startsWith('.') && resolve(dirname(file), i.specifier) === join(src, 'cli', 'main.js'))
        .map((i) => `${relative(root, file)}: ${i.specifier}`),
    );
    expect(COMMANDS.map((c) => join(src, 'cli', 'commands', `${c.name}.ts`)).filter((f) => !commandFiles.includes(f))).toEqual([]);
    expect(offending).toEqual([]);
  });

  it('the command list imports every command module dynamically, and only so', () => {
    const imports = moduleImports(join(src, 'cli', 'commands', 'index.ts'));
    expect(imports.filter((i) => !i.dynamic && !i.typeOnly)).toEqual([]);
    expect(imports.filter((i) => i.dynamic).map((i) => i.specifier)).toEqual(COMMANDS.map((c) => `./${c.name}.js`));
  });

  it('every command of the list registers exactly one command, of its listed name', async () => {
    const quiet: CliIO = { stdout: () => {}, stderr: () => {}, stdin: Readable.from([]), isTTY: false, cwd: root };
    for (const entry of COMMANDS) {
      const program = new Command('kvlab');
      (await entry.load())(program, { io: quiet, setExitCode: () => {} });
      expect(program.commands.map((c) => c.name()), entry.name).toEqual([entry.name]);
    }
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });

  it('an argument list loads only the command it names; help, options and unknown names load the list', async () => {
    expect(commandsFor(['memory', '--model', 'mistral-7b', '--tokens', '1'])).toEqual(['memory']);
    expect(commandsFor(['help', 'grade'])).toEqual(['grade']);
    const all = COMMANDS.map((c) => c.name);
    for (const argv of [[], ['--help'], ['help'], ['memroy'], ['-h', 'memory'], ['help', 'nope']]) expect(commandsFor(argv), argv.join(' ')).toEqual(all);
    await expect(loadCommands(['memory', 'nope'])).rejects.toThrow('no command nope in commands/index.ts');
  });
});

describe('public entry points', () => {
  const entries = ['index.ts', 'api/memory.ts', 'api/engine.ts', 'api/quiz.ts', 'api/course.ts'].map((f) => join(src, f));

  it.each(entries.map((f) => [relative(root, f), f]))('%s exports names one by one (no export *)', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/export\s+\*/);
  });

  it('src/index.ts re-exports the four subpath entries and nothing else', () => {
    expect(moduleImports(join(src, 'index.ts')).map((i) => i.specifier)).toEqual(['./api/memory.js', './api/engine.js', './api/quiz.js', './api/course.js']);
  });

  it('kvlab/memory reaches only src/memory and no package at all', () => {
    const reach = staticReach(join(src, 'api', 'memory.ts'));
    expect(rel(reach.files).filter((f) => !f.startsWith('src/memory/') && f !== 'src/api/memory.ts')).toEqual([]);
    expect([...reach.packages]).toEqual([]);
  });

  it('kvlab/engine and kvlab/quiz do not reach the chart renderer', () => {
    for (const entry of ['engine', 'quiz']) {
      const reach = staticReach(join(src, 'api', `${entry}.ts`));
      expect(rel(reach.files).filter((f) => f.startsWith('src/render/') || f.startsWith('src/course/')), entry).toEqual([]);
      expect([...reach.packages].filter((p) => p === 'chart.js' || p === '@napi-rs/canvas'), entry).toEqual([]);
    }
  });
});
