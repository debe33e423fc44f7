/**
 * IMS QTI 2.1: one assessmentItem per question (scenario parts separately) in a content package (a zip
 * with imsmanifest.xml), built with xmlbuilder2 and zipped with fflate. Scores are in points: SCORE is
 * the question's points × the fraction the spec's rules give. Each type's response declaration,
 * interaction and response processing come from its module (question-types/); per-answer feedback is
 * modalFeedback selected through a FEEDBACK outcome; the explanation is shown after any response.
 */
import { create } from 'xmlbuilder2';
import { strToU8, zipSync } from 'fflate';
import type { Bank } from '../types.js';
import type { QtiKit, XmlNode } from '../question-types/module.js';
import { exportItems, type ExportItem } from './resolve.js';
import { inlineHtml, markdownToHtml } from './html.js';
import { appendQtiHtml } from './qti-html.js';
import { decodedText, plainText } from './xml-text.js';

const QTI_NS = 'http://www.imsglobal.org/xsd/imsqti_v2p1';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const QTI_XSD = 'http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd';

/**
 * A question id as a QTI identifier, which must be an XML name (NCName): kvlab ids may start with a digit
 * or a hyphen, so those get a leading underscore (kvlab ids have no underscores, so none can collide).
 */
function qtiIdentifier(id: string): string {
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`;
}

function num(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/** x > 0 at 12 significant digits, rounded up. */
function numUp(x: number): string {
  const exponent = Math.floor(Math.log10(x)) - 11;
  const up = exponent < 0 ? Math.ceil(x * 10 ** -exponent) / 10 ** -exponent : Math.ceil(x / 10 ** exponent) * 10 ** exponent;
  return String(Number(up.toPrecision(12)));
}

/**
 * Each mapEntry's mappedValue, in points, from its share of them. A full answer's shares must add up to the
 * mapping's upperBound (the points), which clamps the score to exactly MAXSCORE; but shares such as 1/3 written
 * as 0.333333333333 three times add up to 0.999999999999, and even 0.1 ten times is 0.9999999999999999 in
 * double arithmetic. So when the positive shares as written fall short in any order, each share below the
 * whole is written rounded up (a margin of 1e-12 of it, then 12 significant digits): their sum then passes
 * the points, and upperBound brings it back to them exactly.
 */
export function mappedValues(shares: readonly number[], points: number): string[] {
  const plain = shares.map((share) => num(share * points));
  const parts = plain.map(Number).filter((value) => value > 0);
  // Equal parts add up alike in any order; unequal ones might not, so they are always rounded up.
  const equal = parts.every((value) => value === parts[0]);
  if (equal && parts.reduce((sum, value) => sum + value, 0) >= points) return plain;
  return shares.map((share, i) => (share > 0 && share < 1 ? numUp(share * points * (1 + 1e-12)) : plain[i]!));
}

/**
 * XHTML from Markdown into a div (`flow`) or a span (`inline`), fitted to QTI's XHTML (qti-html.ts); falls
 * back to the Markdown as text (its entities decoded) if the HTML is not well-formed XML.
 */
function appendHtml(parent: XmlNode, html: string, fallback: string, content: 'flow' | 'inline'): void {
  try {
    appendQtiHtml(parent, html, content);
  } catch {
    if (content === 'flow') parent.ele('p').txt(plainText(decodedText(fallback)));
    else parent.txt(plainText(decodedText(fallback)));
  }
}

function kitFor(points: number): QtiKit {
  return {
    points,
    num,
    inline: (parent, md) => appendHtml(parent.ele('span'), inlineHtml(md), md, 'inline'),
    plainText: (node, text) => node.txt(plainText(text)),
    setOutcome: (parent, id, build) => build(parent.ele('setOutcomeValue', { identifier: id })),
    baseValue: (parent, type, value) => void parent.ele('baseValue', { baseType: type }).txt(plainText(value)),
  };
}

/** One item as a QTI 2.1 assessmentItem document. */
export function qtiItem(item: ExportItem): string {
  const kit = kitFor(item.points);
  const spec = item.lms.qti(item.data, kit);
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(QTI_NS, 'assessmentItem', {
    'xmlns:xsi': XSI,
    'xsi:schemaLocation': QTI_XSD,
    identifier: qtiIdentifier(item.id),
    title: plainText(item.title),
    adaptive: 'false',
    timeDependent: 'false',
  }) as unknown as XmlNode;
  const rd = root.ele('responseDeclaration', { identifier: 'RESPONSE', cardinality: spec.cardinality, baseType: spec.baseType });
  const correct = rd.ele('correctResponse');
  for (const value of spec.correct) correct.ele('value').txt(plainText(value));
  // Mappings give partial credit (map_response) in points; case sensitivity is a property of each entry.
  if (spec.mapping) {
    const mapping = rd.ele('mapping', { lowerBound: '0', upperBound: num(item.points), defaultValue: '0' });
    const values = mappedValues(spec.mapping.entries.map((entry) => entry.value), item.points);
    for (const [i, entry] of spec.mapping.entries.entries()) {
      const attributes: Record<string, string> = { mapKey: plainText(entry.key), mappedValue: values[i]! };
      if (spec.mapping.caseSensitive !== undefined) attributes.caseSensitive = String(spec.mapping.caseSensitive);
      mapping.ele('mapEntry', attributes);
    }
  }
  root.ele('outcomeDeclaration', { identifier: 'SCORE', cardinality: 'single', baseType: 'float' }).ele('defaultValue').ele('value').txt('0');
  root.ele('outcomeDeclaration', { identifier: 'MAXSCORE', cardinality: 'single', baseType: 'float' }).ele('defaultValue').ele('value').txt(num(item.points));
  root.ele('outcomeDeclaration', { identifier: 'FEEDBACK', cardinality: spec.feedbackCardinality ?? 'single', baseType: 'identifier' });
  root.ele('outcomeDeclaration', { identifier: 'EXPLAIN', cardinality: 'single', baseType: 'identifier' });

  const body = root.ele('itemBody');
  appendHtml(body.ele('div'), markdownToHtml(item.prompt), item.prompt, 'flow');
  spec.interaction(body, kit);

  // Response processing: SCORE by the type's rule (default map_response), FEEDBACK, EXPLAIN always.
  const rp = root.ele('responseProcessing');
  if (spec.process) {
    spec.process(rp, kit);
  } else {
    const cond = rp.ele('responseCondition').ele('responseIf');
    cond.ele('not').ele('isNull').ele('variable', { identifier: 'RESPONSE' });
    kit.setOutcome(cond, 'SCORE', (s) => s.ele('mapResponse', { identifier: 'RESPONSE' }));
    if (spec.feedbackByResponse) kit.setOutcome(cond, 'FEEDBACK', (s) => s.ele('variable', { identifier: 'RESPONSE' }));
  }
  const explain = rp.ele('responseCondition').ele('responseIf');
  explain.ele('not').ele('isNull').ele('variable', { identifier: 'RESPONSE' });
  kit.setOutcome(explain, 'EXPLAIN', (s) => kit.baseValue(s, 'identifier', 'SHOWN'));

  const modal = (outcome: string, id: string, md: string) => {
    const m = root.ele('modalFeedback', { outcomeIdentifier: outcome, identifier: id, showHide: 'show' });
    appendHtml(m.ele('div'), markdownToHtml(md), md, 'flow');
  };
  for (const f of spec.feedback) modal('FEEDBACK', f.id, f.markdown);
  if (item.explanation) modal('EXPLAIN', 'SHOWN', item.explanation);
  return doc.end({ prettyPrint: false });
}

const TEST_FILE = 'assessmentTest.xml';

function manifest(bank: Bank, items: readonly ExportItem[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele('http://www.imsglobal.org/xsd/imscp_v1p1', 'manifest', {
    identifier: `kvlab-${bank.id}`,
    'xmlns:xsi': XSI,
    'xsi:schemaLocation': 'http://www.imsglobal.org/xsd/imscp_v1p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd',
  });
  // The QTI 2.1 profile of CP (the schemaLocation above) requires both, schemaversion exactly 1.0.0.
  const metadata = root.ele('metadata');
  metadata.ele('schema').txt('QTIv2.1 Package');
  metadata.ele('schemaversion').txt('1.0.0');
  root.ele('organizations');
  const resources = root.ele('resources');
  // The test first, naming each item it uses as a dependency, so a player can deliver the package as a test.
  const test = resources.ele('resource', { identifier: `res-test-${bank.id}`, type: 'imsqti_test_xmlv2p1', href: TEST_FILE });
  test.ele('file', { href: TEST_FILE });
  for (const item of items) test.ele('dependency', { identifierref: `res-${item.id}` });
  for (const item of items) {
    const href = `items/${item.id}.xml`;
    resources.ele('resource', { identifier: `res-${item.id}`, type: 'imsqti_item_xmlv2p1', href }).ele('file', { href });
  }
  return doc.end({ prettyPrint: true });
}

/** The assessmentTest: one part, one section with every item in bank order, SCORE the sum of the items'. */
function assessmentTest(bank: Bank, items: readonly ExportItem[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(QTI_NS, 'assessmentTest', { 'xmlns:xsi': XSI, 'xsi:schemaLocation': QTI_XSD, identifier: `kvlab-${bank.id}-test`, title: plainText(bank.title) });
  root.ele('outcomeDeclaration', { identifier: 'SCORE', cardinality: 'single', baseType: 'float' }).ele('defaultValue').ele('value').txt('0');
  const part = root.ele('testPart', { identifier: 'part-1', navigationMode: 'nonlinear', submissionMode: 'individual' });
  const section = part.ele('assessmentSection', { identifier: 'section-1', title: plainText(bank.title), visible: 'true' });
  for (const item of items) section.ele('assessmentItemRef', { identifier: qtiIdentifier(item.id), href: `items/${item.id}.xml` });
  root.ele('outcomeProcessing').ele('setOutcomeValue', { identifier: 'SCORE' }).ele('sum').ele('testVariables', { variableIdentifier: 'SCORE' });
  return doc.end({ prettyPrint: true });
}

/** The QTI package as zip bytes: imsmanifest.xml, assessmentTest.xml and items/<id>.xml. */
export function toQtiPackage(bank: Bank, seed: number): Uint8Array {
  const items = exportItems(bank, seed);
  const files: Record<string, Uint8Array> = {
    'imsmanifest.xml': strToU8(manifest(bank, items)),
    [TEST_FILE]: strToU8(assessmentTest(bank, items)),
  };
  for (const item of items) files[`items/${item.id}.xml`] = strToU8(qtiItem(item));
  // A fixed date keeps the package byte-identical across runs (fflate stamps the current time otherwise).
  return zipSync(files, { mtime: new Date('2026-01-01T00:00:00Z') });
}
