/**
 * The README's public-API example is real code: this test compiles it with the TypeScript that tslab
 * bundles (5.0.4, ES2022 library, tslab's own options) against the built library, the way a notebook cell
 * would, then runs it. A README example that stops compiling or running in a notebook fails here.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// tslab's bundled compiler, not the project's TypeScript 5.9.
const ts = require('@tslab/typescript-for-tslab') as typeof import('typescript');

function publicApiExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## Public API$/m)[1];
  const block = section?.match(/```ts\n([\s\S]*?)```/);
  if (!block?.[1]) throw new Error('README.md has no ```ts block under "## Public API"');
  return block[1];
}

describe('README public API example', () => {
  const workDir = join(root, 'build', 'readme-example');
  const source = join(workDir, 'example.ts');

  beforeAll(() => {
    mkdirSync(workDir, { recursive: true });
    // The README imports as a notebook in notebooks/ does; this file sits one folder deeper.
    writeFileSync(source, publicApiExample().replaceAll("'../dist/index.js'", "'../../dist/index.js'"));
  });

  it('type-checks under tslab TypeScript 5.0 with ES2022 library types', () => {
    const program = ts.createProgram([source], {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.NodeJs,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      // tslab's own @types (Node 18), as its converter sets typeRoots.
      typeRoots: [join(root, 'node_modules', 'tslab', 'node_modules', '@types')],
    });
    const messages = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages).toEqual([]);
  });

  it('runs, as CommonJS the way tslab runs a cell', () => {
    const js = ts.transpileModule(readFileSync(source, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const script = join(workDir, 'example.cjs');
    writeFileSync(script, js);
    const output = execFileSync(process.execPath, [script], { cwd: workDir, encoding: 'utf8' });
    // Every `// → text` comment in the example states what that line prints.
    const promised = [...publicApiExample().matchAll(/\/\/ → (.+)$/gm)].map((m) => m[1]!.trim());
    expect(promised.length).toBeGreaterThan(0);
    for (const text of promised) expect(output).toContain(text);
  });
});
