/**
 * XHTML from Markdown, fitted to the XHTML profile of QTI 2.1 on its way into an item. Markdown (GFM, raw
 * HTML included) can produce what the QTI schema forbids: elements it lacks (del, u, input, details…),
 * attributes it lacks (title, start, lang…), blocks inside inline content, a header-only table without a
 * tbody. Here elements the profile lacks are unwrapped to their content (script, style and form controls
 * dropped, a task list's checkbox written as ☐ or ☑, details and summary made a div and a p), attributes it lacks are left out, and each element gets only the children its content model
 * allows: a block inside inline content is unwrapped, stray content in a list, table row or blockquote is
 * wrapped in the element that may hold it. The result validates against imsqti_v2p1.xsd
 * (test/quiz/qti-schema.test.ts checks it on random Markdown).
 */
import { fragment } from 'xmlbuilder2';
import type { XmlNode } from '../question-types/module.js';
import { plainText } from './xml-text.js';

/** What an element may contain. */
type Content = 'inline' | 'flow' | 'blocks' | 'list' | 'dl' | 'rows' | 'cells' | 'cols' | 'empty';

const INLINE = new Set(['a', 'abbr', 'acronym', 'b', 'big', 'br', 'cite', 'code', 'dfn', 'em', 'i', 'img', 'kbd', 'q', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'tt', 'var']);
const BLOCK = new Set(['address', 'blockquote', 'div', 'dl', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'ol', 'p', 'pre', 'table', 'ul']);
/** Dropped with their content: code, styling and form controls have no place in an item's text. */
const DROP = new Set(['script', 'style', 'input', 'textarea', 'select', 'button', 'iframe', 'object', 'embed', 'template']);

/** Elements QTI lacks that have a near equivalent: a details block shows open, its summary as a paragraph. */
const RENAME: Record<string, string> = { details: 'div', summary: 'p' };

const CONTENT: Record<string, Content> = {
  div: 'flow', li: 'flow', td: 'flow', th: 'flow', dd: 'flow',
  blockquote: 'blocks', ul: 'list', ol: 'list', dl: 'dl',
  thead: 'rows', tbody: 'rows', tfoot: 'rows', tr: 'cells', colgroup: 'cols',
  br: 'empty', hr: 'empty', img: 'empty', col: 'empty',
};
const contentOf = (name: string): Content => CONTENT[name] ?? 'inline';

const ADMITS: Record<Content, (name: string) => boolean> = {
  inline: (n) => INLINE.has(n),
  flow: (n) => INLINE.has(n) || BLOCK.has(n),
  blocks: (n) => BLOCK.has(n),
  list: (n) => n === 'li',
  dl: (n) => n === 'dt' || n === 'dd',
  rows: (n) => n === 'tr',
  cells: (n) => n === 'td' || n === 'th',
  cols: (n) => n === 'col',
  empty: () => false,
};
/** Where content a model does not admit goes: wrapped in these (outermost first), or else unwrapped. */
const WRAP: Partial<Record<Content, string[]>> = { blocks: ['div'], list: ['li'], dl: ['dd'], rows: ['tr', 'td'], cells: ['td'] };
const TEXT = new Set<Content>(['inline', 'flow']);

const LENGTH = /^[0-9]+%?$/;
const INT = /^[+-]?[0-9]+$/;
const ALIGN = new Set(['left', 'center', 'right', 'justify', 'char']);
const VALIGN = new Set(['bottom', 'middle', 'top', 'baseline']);
const SCOPE = new Set(['col', 'colgroup', 'row', 'rowgroup']);

/** The attributes QTI allows on this element, from the source's; undefined when it cannot be written (an img without src). */
function attributesFor(name: string, source: (attr: string) => string | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const keep = (attr: string, ok: (v: string) => boolean = () => true) => {
    const v = source(attr);
    if (v !== undefined && ok(v)) out[attr] = plainText(v);
  };
  keep('class', (v) => v.trim() !== '');
  if (name === 'a') {
    if (source('href') === undefined) return undefined;
    keep('href');
  } else if (name === 'img') {
    if (source('src') === undefined) return undefined;
    keep('src');
    out.alt = source('alt') ?? '';
    keep('width', (v) => LENGTH.test(v));
    keep('height', (v) => LENGTH.test(v));
  } else if (name === 'td' || name === 'th') {
    keep('align', (v) => ALIGN.has(v));
    keep('valign', (v) => VALIGN.has(v));
    keep('scope', (v) => SCOPE.has(v));
    keep('colspan', (v) => INT.test(v));
    keep('rowspan', (v) => INT.test(v));
    keep('abbr');
    keep('axis');
  } else if (name === 'blockquote' || name === 'q') {
    keep('cite');
  } else if (name === 'col' || name === 'colgroup') {
    keep('span', (v) => INT.test(v));
  } else if (name === 'table') {
    keep('summary');
  }
  return out;
}

/** The parts of xmlbuilder2's DOM nodes read here. */
interface SourceNode {
  nodeType: number;
  nodeName: string;
  data?: string;
  childNodes: ArrayLike<SourceNode>;
  getAttribute?(name: string): string | null;
}

const nameOf = (node: SourceNode) => node.nodeName.toLowerCase();
const children = (node: SourceNode) => Array.from(node.childNodes);
const isBlank = (node: SourceNode) => (node.nodeType === 3 || node.nodeType === 4) && (node.data ?? '').trim() === '';

/** Writes `nodes` into `target`, whose content model is `content`; returns how many elements it wrote there. */
function writeChildren(nodes: readonly SourceNode[], target: XmlNode, content: Content): number {
  let written = 0;
  let wrapper: XmlNode | undefined;
  const wrap = WRAP[content];
  const intoWrapper = (): XmlNode => {
    if (!wrapper) {
      wrapper = target;
      for (const name of wrap!) wrapper = wrapper.ele(name);
      written += 1;
    }
    return wrapper;
  };
  for (const node of nodes) {
    if (node.nodeType === 3 || node.nodeType === 4) {
      // The parser has decoded the text (`&amp;bogus;` is `&bogus;` now); written back, each `&` is a character.
      if (TEXT.has(content)) target.txt(plainText(node.data ?? ''));
      else if (wrap && !isBlank(node)) intoWrapper().txt(plainText(node.data ?? ''));
      continue;
    }
    if (node.nodeType !== 1) continue; // comments, processing instructions
    const name = RENAME[nameOf(node)] ?? nameOf(node);
    if (name === 'input' && node.getAttribute?.('type') === 'checkbox' && TEXT.has(content)) {
      target.txt(node.getAttribute('checked') === null ? '☐' : '☑'); // a GFM task list's box, as a character
      continue;
    }
    if (DROP.has(name)) continue;
    if (ADMITS[content](name)) {
      const attrs = attributesFor(name, (a) => node.getAttribute?.(a) ?? undefined);
      if (attrs !== undefined) {
        wrapper = undefined;
        written += name === 'table' ? writeTable(node, target, attrs) : writeElement(node, target.ele(name, attrs), name);
        continue;
      }
    }
    if (wrap) writeChildren([node], intoWrapper(), contentOf(wrap[wrap.length - 1]!));
    else if (content !== 'empty') written += writeChildren(children(node), target, content); // unwrapped: its content takes its place
  }
  return written;
}

function writeElement(node: SourceNode, element: XmlNode, name: string): number {
  const count = writeChildren(children(node), element, contentOf(name));
  // A table row needs a cell, a table part a row.
  if (count === 0 && name === 'tr') element.ele('td');
  if (count === 0 && (name === 'thead' || name === 'tbody' || name === 'tfoot')) element.ele('tr').ele('td');
  return 1;
}

/** A table in the schema's order: caption?, col*, colgroup*, thead?, tfoot?, tbody+ (bare rows form a tbody). */
function writeTable(node: SourceNode, target: XmlNode, attrs: Record<string, string>): number {
  const kids = children(node).filter((n) => n.nodeType === 1);
  const named = (...names: string[]) => kids.filter((n) => names.includes(nameOf(n)));
  const caption = named('caption')[0];
  const cols = named('col');
  const colgroups = named('colgroup');
  const head = named('thead')[0];
  const foot = named('tfoot')[0];
  const bodies = named('tbody');
  const bareRows = named('tr');
  const hasRows = (part: SourceNode | undefined) => part !== undefined && children(part).some((n) => nameOf(n) === 'tr');
  const bodyParts = bodies.filter(hasRows);
  // A header-only table (Markdown makes one from a single row) keeps its row as the body.
  const headAsBody = bodyParts.length === 0 && bareRows.length === 0 && hasRows(head);
  if (bodyParts.length === 0 && bareRows.length === 0 && !headAsBody) return writeChildren(kids, target, 'flow');
  const table = target.ele('table', attrs);
  if (caption) writeElement(caption, table.ele('caption'), 'caption');
  for (const col of cols) table.ele('col', attributesFor('col', (a) => col.getAttribute?.(a) ?? undefined));
  for (const group of colgroups) writeElement(group, table.ele('colgroup', attributesFor('colgroup', (a) => group.getAttribute?.(a) ?? undefined)), 'colgroup');
  if (hasRows(head) && !headAsBody) writeElement(head!, table.ele('thead'), 'thead');
  if (hasRows(foot)) writeElement(foot!, table.ele('tfoot'), 'tfoot');
  if (headAsBody) writeElement(head!, table.ele('tbody'), 'tbody');
  for (const body of bodyParts) writeElement(body, table.ele('tbody'), 'tbody');
  if (bareRows.length > 0) writeChildren(bareRows, table.ele('tbody'), 'rows');
  return 1;
}

/**
 * Appends `html` to `parent` as QTI XHTML, as content of a `flow` element (a div: blocks and inline) or an
 * `inline` one (a span). Throws if `html` is not well-formed XML; the caller falls back to plain text.
 */
export function appendQtiHtml(parent: XmlNode, html: string, content: 'flow' | 'inline'): void {
  // Whitespace between inline elements is content ("**a** *b*" has a space between the two). Wrapped in one
  // element, because xmlbuilder2 reads a fragment that starts with text ("× one") as an element name.
  const parsed = fragment({ skipWhitespaceOnlyText: false }, `<kvlab-html>${html}</kvlab-html>`) as unknown as { node: SourceNode };
  const [wrapper] = children(parsed.node);
  if (children(parsed.node).length !== 1 || !wrapper || nameOf(wrapper) !== 'kvlab-html') throw new Error('not one well-formed fragment');
  writeChildren(children(wrapper), parent, content);
}
