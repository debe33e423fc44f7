/**
 * Problems found while loading a bank, each pinned to the YAML node it is about: "file:line:col: message".
 * Positions come from the yaml package's node ranges and LineCounter; a path that names a missing node
 * falls back to its nearest existing parent.
 */
import { isMap, isScalar, type Document, type LineCounter } from 'yaml';

/** A path into the YAML document: map keys and sequence indices. */
export type Path = readonly (string | number)[];

/** Where problems are collected for one file, each pinned to the YAML node at a path. */
export class Problems {
  readonly list: { offset: number; text: string }[] = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
  ) {}

  /** Adds a problem at the node at `path` (or the nearest existing parent); `key` points at a map key. */
  add(path: Path, message: string, key?: string): void {
    const offset = this.offsetOf(path, key);
    this.list.push({ offset, text: `${this.where(offset)}: ${message}` });
  }

  addAtOffset(offset: number, message: string): void {
    this.list.push({ offset, text: `${this.where(offset)}: ${message}` });
  }

  where(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  lineOf(path: Path): number {
    return this.lines.linePos(this.offsetOf(path)).line;
  }

  private offsetOf(path: Path, key?: string): number {
    if (!this.doc) return 0;
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (n === path.length && key !== undefined && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
        const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
        if (keyNode?.range) return keyNode.range[0];
      }
      if (node && typeof node === 'object' && node.range) return node.range[0];
    }
    return 0;
  }

  sorted(): string[] {
    return [...this.list].sort((a, b) => a.offset - b.offset).map((p) => p.text);
  }
}

/** "tolerance.relative", "choices[2].text". */
export function fieldName(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
