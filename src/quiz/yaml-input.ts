/**
 * Parsing untrusted YAML (banks and submissions) within limits, so every input under the size cap is
 * read in well under a second and nothing but plain data comes out:
 *
 * - at most MAX_YAML_NODES values and MAX_YAML_DEPTH levels of nesting. The values are counted on the
 *   lexer's tokens before the document is built (building 1 MiB of tiny nodes costs seconds and
 *   hundreds of MB); flow nesting (`[[[[…`) is counted there too, block nesting on the built document.
 * - the YAML 1.2 core schema, with none of the YAML 1.1 tags (`!!timestamp`, `!!set`, `!!omap`, `!!binary`,
 *   `!!pairs`) and no custom tags: a tag the core schema does not resolve is an error, never a Date, a Set
 *   or a Map read as an empty map.
 * - map keys unique, checked here with one Set per map (linear); the yaml package's own `uniqueKeys`
 *   compares every pair of keys, which took minutes on an 80,000-key file.
 * - keys are plain values (no list or map as a key), and never `__proto__`.
 */
import { quoteInput } from './quote.js';
import { CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** About 5× the largest course bank (~1,000 values; ~100 questions); a submission holds a few hundred. Parsing costs ~20-60 µs a value, so this keeps a file well under a second. */
export const MAX_YAML_NODES = 5_000;
/** A bank nests about 6 levels (questions → parts → choices → a choice); a submission about 4. */
export const MAX_YAML_DEPTH = 64;
/** Aliases may be expanded at most this many nodes' worth (the yaml package's guard against billion laughs). */
const MAX_ALIAS_COUNT = 100;

/** A problem in the YAML text, at a character offset. */
export interface YamlProblem {
  offset: number;
  message: string;
}

export interface YamlRead {
  /** The document, when the text parsed (even with problems), for positions of later checks. */
  doc?: Document.Parsed;
  lines: LineCounter;
  /** Syntax and limit problems ("YAML syntax: …", "YAML: …"); `value` is set only when there are none. */
  problems: YamlProblem[];
  value?: unknown;
}

/** Parses YAML text within the limits above; every problem is returned with its offset. */
export function readYaml(text: string): YamlRead {
  const lines = new LineCounter();
  const early = scanTokens(text);
  if (early) {
    // The document is never built, so the line starts up to the problem are counted here.
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1 && i < early.offset; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    return { lines, problems: [early] };
  }
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    schema: 'core',
    resolveKnownTags: false,
    uniqueKeys: false,
    merge: false,
  });
  const problems: YamlProblem[] = [];
  for (const error of doc.errors) problems.push({ offset: error.pos[0], message: `YAML syntax: ${firstLine(error.message)}` });
  for (const warning of doc.warnings) {
    const tag = /^Unresolved tag: (\S+)/.exec(warning.message);
    const message = tag ? `YAML: the tag ${tag[1]} is not allowed; write plain maps, lists and values` : `YAML: ${firstLine(warning.message)}`;
    problems.push({ offset: warning.pos[0], message });
  }
  if (problems.length > 0) return { doc, lines, problems };
  for (const problem of checkTree(doc.contents, lines)) problems.push(problem);
  if (problems.length > 0) return { doc, lines, problems };
  try {
    return { doc, lines, problems, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    problems.push({ offset: 0, message: `YAML: ${firstLine(error instanceof Error ? error.message : String(error))}` });
    return { doc, lines, problems };
  }
}

/** Token kinds that start a value: scalars, flow collections, block list items, aliases. */
const VALUE_STARTS: ReadonlySet<string> = new Set(['scalar', 'single-quoted-scalar', 'double-quoted-scalar', 'block-scalar-header', 'flow-map-start', 'flow-seq-start', 'seq-item-ind', 'alias']);

/**
 * Counts values and flow nesting on the lexer's tokens, stopping at the first limit passed. The lexer
 * emits a zero-width marker before each plain scalar (counted as its value) and before documents.
 */
function scanTokens(text: string): YamlProblem | undefined {
  let offset = 0;
  let values = 0;
  let flowDepth = 0;
  for (const token of new Lexer().lex(text)) {
    const kind = CST.tokenType(token);
    if (kind && VALUE_STARTS.has(kind)) {
      values += 1;
      if (values > MAX_YAML_NODES) return { offset, message: tooMany() };
    }
    if (kind === 'flow-map-start' || kind === 'flow-seq-start') {
      flowDepth += 1;
      if (flowDepth > MAX_YAML_DEPTH) return { offset, message: tooDeep() };
    } else if (kind === 'flow-map-end' || kind === 'flow-seq-end') {
      flowDepth = Math.max(0, flowDepth - 1);
    }
    if (!isMarker(token)) offset += token.length;
  }
  return undefined;
}

/** The lexer's zero-width control tokens: document start, flow error end, plain scalar marker. */
function isMarker(token: string): boolean {
  return token === CST.DOCUMENT || token === CST.FLOW_END || token === CST.SCALAR;
}

/** Depth (on the built tree), plain keys, unique keys, no `__proto__`: one pass, an explicit stack. */
function checkTree(root: Node | null, lines: LineCounter): YamlProblem[] {
  const problems: YamlProblem[] = [];
  if (!root) return problems;
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    nodes += 1;
    if (nodes > MAX_YAML_NODES) return [{ offset: start(node), message: tooMany() }];
    if (depth > MAX_YAML_DEPTH) return [{ offset: start(node), message: tooDeep() }];
    if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], depth: depth + 1 });
    } else if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        if (!isScalar(key)) {
          problems.push({ offset: start(key ?? pair.value), message: 'YAML: a map key must be a plain value, not a list, a map or an alias' });
          continue;
        }
        const name = String(key.value);
        const at = start(key);
        if (name === '__proto__') {
          problems.push({ offset: at, message: "YAML: '__proto__' is not allowed as a key" });
        }
        const earlier = seen.get(name);
        if (earlier !== undefined) {
          problems.push({ offset: at, message: `YAML syntax: Map keys must be unique: ${quoteInput(name)} is also on line ${lines.linePos(earlier).line}` });
        } else {
          seen.set(name, at);
        }
        if (pair.value) stack.push({ node: pair.value, depth: depth + 1 });
      }
    } else if (!isScalar(node) && !isAlias(node) && node !== null && node !== undefined) {
      problems.push({ offset: start(node), message: 'YAML: an unexpected kind of node' });
    }
  }
  return problems;
}

function start(node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : 0;
}

function tooMany(): string {
  return `YAML: more than ${MAX_YAML_NODES} values (YAML nodes); a file may hold at most ${MAX_YAML_NODES}`;
}

function tooDeep(): string {
  return `YAML: nested more than ${MAX_YAML_DEPTH} levels deep; a file may nest at most ${MAX_YAML_DEPTH}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
