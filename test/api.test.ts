/**
 * The public API as a user gets it, from the built entry points of package.json `exports` (dist/ is built
 * once by test/global-setup.ts):
 *
 * - each entry's exported names (values and types, read from its declarations) equal the names docs/api.md
 *   documents for it, and `kvlab` exports exactly the union of the four subpaths;
 * - the declarations type-check under tslab's TypeScript 5.0 with the ES2022 library (what a notebook cell
 *   compiles against), and every runtime export is declared;
 * - `kvlab/memory`, imported by package name, loads neither the chart renderer nor the quiz engine.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadedModules, loadedPackages } from './loaded-modules.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// tslab's bundled compiler (5.0), not the project's TypeScript.
const ts = require('@tslab/typescript-for-tslab') as typeof import('typescript');

interface PackageJson {
  name: string;
  exports: Record<string, { types: string; default: string }>;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
/** 'kvlab', 'kvlab/memory', … → its built files. */
const ENTRIES = Object.entries(pkg.exports).map(([subpath, files]) => ({
  name: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
  types: join(root, files.types),
  js: join(root, files.default),
}));
const SUBPATHS = ['kvlab/memory', 'kvlab/engine', 'kvlab/quiz', 'kvlab/course'];

const DOC = join(root, 'docs', 'api.md');

/** docs/api.md: each `## \`entry\`` heading and the names in the first column of the table under it. */
function documentedNames(): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const heading = /^## `([^`]+)`\s*$/.exec(line);
    if (heading) {
      current = [];
      sections.set(heading[1]!, current);
      continue;
    }
    if (/^## /.test(line)) current = undefined;
    const row = /^\| `([A-Za-z_$][\w$]*)` \|/.exec(line);
    if (row && current) current.push(row[1]!);
  }
  return sections;
}

/** A program of tslab's TypeScript over every entry's declarations, with tslab's own @types. */
const program = ts.createProgram(
  ENTRIES.map((e) => e.types),
  {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    esModuleInterop: true,
    noEmit: true,
    typeRoots: [join(root, 'node_modules', 'tslab', 'node_modules', '@types')],
  },
);
const checker = program.getTypeChecker();

/** Every name a built entry exports, with whether it is a value (a run-time export) or only a type. */
function declaredExports(typesFile: string): { name: string; value: boolean }[] {
  const source = program.getSourceFile(typesFile);
  if (!source) throw new Error(`${typesFile} is not built; run npm run build`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${typesFile} is not a module`);
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => {
    // `export { type Decoder }` of a class exports only its type: any type-only hop makes it one.
    let typeOnly = false;
    let target = symbol;
    while (target.flags & ts.SymbolFlags.Alias) {
      typeOnly ||= (target.declarations ?? []).some(
        (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
      );
      const next = checker.getImmediateAliasedSymbol(target);
      if (!next) break;
      target = next;
    }
    return { name: symbol.name, value: !typeOnly && (target.flags & ts.SymbolFlags.Value) !== 0 };
  });
}

/** "missing …; extra …" for two name lists, or '' when they are equal. */
function difference(entry: string, exported: readonly string[], documented: readonly string[]): string {
  const missing = exported.filter((n) => !documented.includes(n)).sort();
  const extra = documented.filter((n) => !exported.includes(n)).sort();
  const parts: string[] = [];
  if (missing.length > 0) {
    parts.push(`${missing.join(', ')} exported by ${entry} but not documented: add a row "| \`name\` | one line |" to the table under "## \`${entry}\`" in docs/api.md`);
  }
  if (extra.length > 0) {
    parts.push(`${extra.join(', ')} documented under "## \`${entry}\`" in docs/api.md but not exported by ${entry}: export it from its src/api/ entry (and src/index.ts), or remove the row`);
  }
  return parts.join('; ');
}

describe('package.json exports', () => {
  it('declares kvlab and its four subpaths, each with built JavaScript and declarations', () => {
    expect(ENTRIES.map((e) => e.name)).toEqual(['kvlab', ...SUBPATHS]);
  });
});

describe('docs/api.md documents every exported name, and only those', () => {
  const documented = documentedNames();

  it('has one section per entry point', () => {
    expect([...documented.keys()]).toEqual(ENTRIES.map((e) => e.name));
  });

  it.each(ENTRIES.filter((e) => e.name !== 'kvlab').map((e) => [e.name, e]))('%s', (name, entry) => {
    const exported = declaredExports(entry.types).map((e) => e.name);
    const listed = documented.get(name) ?? [];
    expect(difference(name, exported, listed)).toBe('');
    expect(listed.filter((n, i) => listed.indexOf(n) !== i), `names documented twice under ${name}`).toEqual([]);
  });

  it('kvlab exports exactly the names of the four subpaths', () => {
    const exported = declaredExports(ENTRIES[0]!.types).map((e) => e.name);
    const union = [...new Set(ENTRIES.slice(1).flatMap((e) => declaredExports(e.types).map((x) => x.name)))];
    const missing = union.filter((n) => !exported.includes(n)).sort();
    const extra = exported.filter((n) => !union.includes(n)).sort();
    expect({ missing, extra }, 'src/index.ts re-exports every name of src/api/*.ts and no other').toEqual({ missing: [], extra: [] });
    expect(documented.get('kvlab'), 'the kvlab section lists no names of its own').toEqual([]);
  });
});

describe('the declarations', () => {
  it('type-check under tslab TypeScript 5.0 with the ES2022 library', () => {
    const messages = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.slice(root.length + 1)}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    expect(messages).toEqual([]);
  });

  it.each(ENTRIES.map((e) => [e.name, e]))('%s: its run-time exports are exactly its declared values', async (_name, entry) => {
    const runtime = Object.keys(await import(pathToFileURL(entry.js).href)).sort();
    const values = declaredExports(entry.types)
      .filter((e) => e.value)
      .map((e) => e.name)
      .sort();
    expect(runtime).toEqual(values);
  });
});

describe('a notebook that needs only the formula', () => {
  it('imports kvlab/memory by package name and loads no package at all: no chart.js, canvas, YAML', () => {
    const script = "const m = await import('kvlab/memory'); console.log(m.formatBytes(m.kvCacheMemory({ ...m.findModel('mistral-7b'), tokens: 32768 }).bytes));";
    const run = loadedModules(['--input-type=module', '-e', script], root);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('512 MiB');
    expect(loadedPackages(run.modules)).toEqual([]);
    const own = run.modules.filter((u) => u.startsWith(pathToFileURL(root).href) && !u.includes('/node_modules/'));
    expect(own.filter((u) => !/\/dist\/(api\/memory|memory\/[a-z-]+)\.js$/.test(u))).toEqual([]);
  });

  it('while kvlab/course loads the chart renderer (so the check above can fail)', () => {
    const run = loadedModules(['--input-type=module', '-e', "await import('kvlab/course')"], root);
    expect(run.status, run.stderr).toBe(0);
    expect(loadedPackages(run.modules)).toEqual(expect.arrayContaining(['chart.js', '@napi-rs/canvas']));
  });
});
