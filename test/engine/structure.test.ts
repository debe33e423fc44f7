/**
 * The engine's files import one another without a cycle (type-only imports included): decoder and
 * prefill share model.ts instead of importing each other, the cache interface imports no cache, and the
 * kernels depend on the cache interface, never the other way round.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../src');

/** The relative imports of every .ts file under src/engine and src/memory, as paths from src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of ['engine', 'memory']) {
    for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(root, dir, file), 'utf8');
      const targets = [...text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)].map((m) => {
        const parts = [dir, ...m[1]!.replace(/\.js$/, '.ts').split('/')];
        const out: string[] = [];
        for (const part of parts) {
          if (part === '..') out.pop();
          else if (part !== '.') out.push(part);
        }
        return out.join('/').replace(/\/index\.ts$|(?<=memory)$/, '/index.ts');
      });
      graph.set(`${dir}/${file}`, targets);
    }
  }
  return graph;
}

/** One cycle as a list of files, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the engine has no import cycles', () => {
  it('finds the files and their imports', () => {
    const graph = importGraph();
    expect(graph.get('engine/decoder.ts')).toContain('engine/prefill.ts');
    expect(graph.get('engine/prefill.ts')).toContain('engine/model.ts');
    expect(graph.get('engine/slot-cache.ts')).toContain('memory/index.ts');
  });

  it('none, type-only imports included', () => {
    expect(findCycle(importGraph())).toBeUndefined();
  });

  it('would find one', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
  });
});
