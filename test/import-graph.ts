/**
 * The import graph of kvlab's own modules, read with the TypeScript parser (no module is run): static
 * `import`/`export … from` declarations, `import type` included (a type-only cycle is still two files that
 * cannot be understood apart), and dynamic `import()` calls marked as such. Works on the TypeScript sources
 * (`./x.js` resolves to `./x.ts`) and on the built JavaScript in dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface ModuleImport {
  /** What the file wrote: './bytes.js', 'commander', 'node:fs'. */
  specifier: string;
  /** `import type …` / `export type … from`, or every name imported as a type. */
  typeOnly: boolean;
  /** An `import()` call, which loads the module only when it runs. */
  dynamic: boolean;
}

/** The imports a file declares, in source order. */
export function moduleImports(file: string): ModuleImport[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: ModuleImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: allTypes, dynamic: false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const allTypes =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((e) => e.isTypeOnly));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: allTypes, dynamic: false });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push({ specifier: node.arguments[0].text, typeOnly: false, dynamic: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The file a relative specifier names: `./x.js` is `./x.ts` among the sources, `./x.js` in dist/. */
export function resolveRelative(fromFile: string, specifier: string): string {
  const target = resolve(dirname(fromFile), specifier);
  if (fromFile.endsWith('.ts') && !fromFile.endsWith('.d.ts')) {
    const asTs = target.replace(/\.js$/, '.ts');
    if (existsSync(asTs)) return asTs;
  }
  return target;
}

/** 'chart.js/auto' → 'chart.js', '@napi-rs/canvas' → '@napi-rs/canvas'; node: builtins → undefined. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export interface Reach {
  /** Our own files loaded, absolute paths. */
  files: Set<string>;
  /** npm packages loaded (node: builtins left out). */
  packages: Set<string>;
}

/**
 * Everything loading `entry` loads before any of its code runs a dynamic import: static, value-carrying
 * imports followed through our own files (a type-only import loads nothing at run time).
 */
export function staticReach(entry: string): Reach {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const imp of moduleImports(file)) {
      if (imp.dynamic || imp.typeOnly) continue;
      if (imp.specifier.startsWith('.')) queue.push(resolveRelative(file, imp.specifier));
      else {
        const name = packageName(imp.specifier);
        if (name !== undefined) packages.add(name);
      }
    }
  }
  return { files, packages };
}

/**
 * Import cycles among these files (static imports, type-only included), each as the chain of files
 * relative to `root` that leads back to its start, e.g. ['src/a.ts', 'src/b.ts', 'src/a.ts'].
 * Tarjan's strongly connected components; one representative cycle per component.
 */
export function importCycles(files: readonly string[], root: string): string[][] {
  const inSet = new Set(files);
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets = moduleImports(file)
      .filter((i) => !i.dynamic && i.specifier.startsWith('.'))
      .map((i) => resolveRelative(file, i.specifier))
      .filter((t) => inSet.has(t));
    edges.set(file, [...new Set(targets)]);
  }

  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (edges.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const file of [...files].sort()) if (!index.has(file)) connect(file);

  // A readable cycle inside each component: breadth-first from its first file back to itself.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    let end: string | undefined;
    while (queue.length > 0 && end === undefined) {
      const v = queue.shift()!;
      for (const w of edges.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          end = v;
          break;
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    const chain = [start];
    for (let v = end!; v !== start; v = previous.get(v)!) chain.splice(1, 0, v);
    chain.push(start);
    return chain.map((f) => relative(root, f));
  });
}
