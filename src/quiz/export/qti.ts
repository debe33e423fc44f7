/**
 * IMS QTI 2.1: one assessmentItem per question (scenario parts separately) in a content package (a zip
 * with imsmanifest.xml), built with xmlbuilder2 and zipped with fflate. Scores are in points: SCORE is
 * the question's points × the fraction the spec's rules give. Per-answer feedback is modalFeedback
 * selected through a FEEDBACK outcome; the explanation is shown after any response.
 */
import { create, fragment } from 'xmlbuilder2';
import { strToU8, zipSync } from 'fflate';
import type { Bank } from '../types.js';
import { exportItems, type ExportItem } from './resolve.js';
import { inlineHtml, markdownToHtml } from './html.js';

type XMLBuilder = ReturnType<typeof create>;

const QTI_NS = 'http://www.imsglobal.org/xsd/imsqti_v2p1';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const QTI_XSD = 'http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd';

function num(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/** XHTML from Markdown into an element; falls back to escaped text if the HTML is not well-formed XML. */
function appendHtml(parent: XMLBuilder, html: string, fallback: string): void {
  try {
    parent.import(fragment(html));
  } catch {
    parent.ele('p').txt(fallback);
  }
}

function setOutcome(parent: XMLBuilder, id: string, build: (p: XMLBuilder) => void): void {
  build(parent.ele('setOutcomeValue', { identifier: id }));
}

function baseValue(parent: XMLBuilder, type: string, value: string): void {
  parent.ele('baseValue', { baseType: type }).txt(value);
}

/** One item as a QTI 2.1 assessmentItem document. */
export function qtiItem(item: ExportItem): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(QTI_NS, 'assessmentItem', {
    'xmlns:xsi': XSI,
    'xsi:schemaLocation': QTI_XSD,
    identifier: item.id,
    title: item.title,
    adaptive: 'false',
    timeDependent: 'false',
  });
  const choiceId = (i: number) => `C${i}`;
  // Response declaration
  const cardinality = item.type === 'multiple-choice' || item.type === 'matching' ? 'multiple' : item.type === 'ordering' ? 'ordered' : 'single';
  const baseType = item.type === 'numeric' ? 'float' : item.type === 'text' ? 'string' : item.type === 'matching' ? 'directedPair' : 'identifier';
  const rd = root.ele('responseDeclaration', { identifier: 'RESPONSE', cardinality, baseType });
  const correct = rd.ele('correctResponse');
  const value = (v: string) => correct.ele('value').txt(v);
  switch (item.type) {
    case 'true-false':
      value(item.answer ? 'true' : 'false');
      break;
    case 'single-choice':
    case 'multiple-choice':
      item.choices!.forEach((c, i) => c.correct && value(choiceId(i)));
      break;
    case 'numeric':
      value(num(item.numeric!.answer));
      break;
    case 'text':
      value(item.accept![0]!);
      break;
    case 'matching':
      item.pairs!.forEach((p, i) => value(`L${i} R${rightIndex(item, p.right)}`));
      break;
    case 'ordering':
      item.items!.forEach((_, i) => value(`I${i}`));
      break;
  }
  // Mappings give partial credit (map_response) in points.
  if (item.type === 'single-choice' || item.type === 'multiple-choice' || item.type === 'text' || item.type === 'matching' || item.type === 'true-false') {
    const mapping = rd.ele('mapping', { lowerBound: '0', upperBound: num(item.points), defaultValue: '0', ...(item.type === 'text' ? { caseSensitive: String(Boolean(item.caseSensitive)) } : {}) });
    const entry = (key: string, v: number) => mapping.ele('mapEntry', { mapKey: key, mappedValue: num(v), ...(item.type === 'text' ? { caseSensitive: String(Boolean(item.caseSensitive)) } : {}) });
    if (item.type === 'true-false') entry(item.answer ? 'true' : 'false', item.points);
    if (item.type === 'single-choice' || item.type === 'multiple-choice') item.choices!.forEach((c, i) => entry(choiceId(i), (c.percent / 100) * item.points));
    if (item.type === 'text') item.accept!.forEach((a) => entry(a, item.points));
    if (item.type === 'matching') item.pairs!.forEach((p, i) => entry(`L${i} R${rightIndex(item, p.right)}`, item.points / item.pairs!.length));
  }
  root.ele('outcomeDeclaration', { identifier: 'SCORE', cardinality: 'single', baseType: 'float' }).ele('defaultValue').ele('value').txt('0');
  root.ele('outcomeDeclaration', { identifier: 'MAXSCORE', cardinality: 'single', baseType: 'float' }).ele('defaultValue').ele('value').txt(num(item.points));
  root.ele('outcomeDeclaration', { identifier: 'FEEDBACK', cardinality: item.type === 'multiple-choice' ? 'multiple' : 'single', baseType: 'identifier' });
  root.ele('outcomeDeclaration', { identifier: 'EXPLAIN', cardinality: 'single', baseType: 'identifier' });

  // Item body
  const body = root.ele('itemBody');
  appendHtml(body.ele('div'), markdownToHtml(item.prompt), item.prompt);
  const inline = (parent: XMLBuilder, md: string) => appendHtml(parent, `<span>${inlineHtml(md)}</span>`, md);
  switch (item.type) {
    case 'true-false': {
      const ci = body.ele('choiceInteraction', { responseIdentifier: 'RESPONSE', shuffle: 'false', maxChoices: '1' });
      ci.ele('simpleChoice', { identifier: 'true' }).txt('true');
      ci.ele('simpleChoice', { identifier: 'false' }).txt('false');
      break;
    }
    case 'single-choice':
    case 'multiple-choice': {
      const ci = body.ele('choiceInteraction', { responseIdentifier: 'RESPONSE', shuffle: 'false', maxChoices: item.type === 'single-choice' ? '1' : '0' });
      item.choices!.forEach((c, i) => inline(ci.ele('simpleChoice', { identifier: choiceId(i) }), c.text));
      break;
    }
    case 'numeric':
    case 'text': {
      const p = body.ele('p');
      p.ele('textEntryInteraction', { responseIdentifier: 'RESPONSE', expectedLength: '20' });
      if (item.numeric?.unit) p.txt(` ${item.numeric.unit}`);
      break;
    }
    case 'matching': {
      const mi = body.ele('matchInteraction', { responseIdentifier: 'RESPONSE', shuffle: 'true', maxAssociations: String(item.pairs!.length) });
      const lefts = mi.ele('simpleMatchSet');
      item.pairs!.forEach((p, i) => inline(lefts.ele('simpleAssociableChoice', { identifier: `L${i}`, matchMax: '1' }), p.left));
      const rights = mi.ele('simpleMatchSet');
      uniqueRights(item).forEach((r, i) => inline(rights.ele('simpleAssociableChoice', { identifier: `R${i}`, matchMax: String(item.pairs!.length) }), r));
      break;
    }
    case 'ordering': {
      const oi = body.ele('orderInteraction', { responseIdentifier: 'RESPONSE', shuffle: 'true' });
      item.items!.forEach((it, i) => inline(oi.ele('simpleChoice', { identifier: `I${i}` }), it));
      break;
    }
  }

  // Response processing: SCORE by the spec's rule, FEEDBACK for modal feedback, EXPLAIN always.
  const rp = root.ele('responseProcessing');
  if (item.type === 'numeric') {
    const n = item.numeric!;
    const cond = rp.ele('responseCondition').ele('responseIf');
    cond.ele('equal', { toleranceMode: 'absolute', tolerance: `${num(n.error)} ${num(n.error)}` }).ele('variable', { identifier: 'RESPONSE' }).up().ele('correct', { identifier: 'RESPONSE' });
    setOutcome(cond, 'SCORE', (s) => baseValue(s, 'float', num(item.points)));
    if (n.feedback.length > 0) {
      const fb = rp.ele('responseCondition');
      n.feedback.forEach((f, i) => {
        const branch = fb.ele(i === 0 ? 'responseIf' : 'responseElseIf');
        if ('value' in f) {
          const eq = branch.ele('equal', { toleranceMode: 'absolute', tolerance: `${num(f.error)} ${num(f.error)}` });
          eq.ele('variable', { identifier: 'RESPONSE' });
          baseValue(eq, 'float', num(f.value));
        } else {
          const and = branch.ele('and');
          const gte = and.ele('gte');
          gte.ele('variable', { identifier: 'RESPONSE' });
          baseValue(gte, 'float', num(f.low));
          const lte = and.ele('lte');
          lte.ele('variable', { identifier: 'RESPONSE' });
          baseValue(lte, 'float', num(f.high));
        }
        setOutcome(branch, 'FEEDBACK', (s) => baseValue(s, 'identifier', `FB${i}`));
      });
    }
  } else if (item.type === 'ordering') {
    const share = item.points / item.items!.length;
    item.items!.forEach((_, i) => {
      const cond = rp.ele('responseCondition').ele('responseIf');
      const match = cond.ele('match');
      match.ele('index', { n: String(i + 1) }).ele('variable', { identifier: 'RESPONSE' });
      baseValue(match, 'identifier', `I${i}`);
      setOutcome(cond, 'SCORE', (s) => {
        const sum = s.ele('sum');
        sum.ele('variable', { identifier: 'SCORE' });
        baseValue(sum, 'float', num(share));
      });
    });
  } else {
    const cond = rp.ele('responseCondition').ele('responseIf');
    cond.ele('not').ele('isNull').ele('variable', { identifier: 'RESPONSE' });
    setOutcome(cond, 'SCORE', (s) => s.ele('mapResponse', { identifier: 'RESPONSE' }));
    if (item.type === 'single-choice' || item.type === 'multiple-choice') {
      setOutcome(cond, 'FEEDBACK', (s) => s.ele('variable', { identifier: 'RESPONSE' }));
    }
  }
  const explain = rp.ele('responseCondition').ele('responseIf');
  explain.ele('not').ele('isNull').ele('variable', { identifier: 'RESPONSE' });
  setOutcome(explain, 'EXPLAIN', (s) => baseValue(s, 'identifier', 'SHOWN'));

  // Modal feedback
  const modal = (outcome: string, id: string, md: string) => {
    const m = root.ele('modalFeedback', { outcomeIdentifier: outcome, identifier: id, showHide: 'show' });
    appendHtml(m.ele('div'), markdownToHtml(md), md);
  };
  item.choices?.forEach((c, i) => c.feedback && modal('FEEDBACK', choiceId(i), c.feedback));
  item.numeric?.feedback.forEach((f, i) => modal('FEEDBACK', `FB${i}`, f.message));
  if (item.explanation) modal('EXPLAIN', 'SHOWN', item.explanation);
  return doc.end({ prettyPrint: false });
}

function uniqueRights(item: ExportItem): string[] {
  return [...new Set(item.pairs!.map((p) => p.right))];
}

function rightIndex(item: ExportItem, right: string): number {
  return uniqueRights(item).indexOf(right);
}

function manifest(bank: Bank, items: readonly ExportItem[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele('http://www.imsglobal.org/xsd/imscp_v1p1', 'manifest', {
    identifier: `kvlab-${bank.id}`,
    'xmlns:xsi': XSI,
    'xsi:schemaLocation': 'http://www.imsglobal.org/xsd/imscp_v1p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd',
  });
  root.ele('metadata').ele('schema').txt('QTIv2.1 Package').up().up();
  root.ele('organizations');
  const resources = root.ele('resources');
  for (const item of items) {
    const href = `items/${item.id}.xml`;
    resources.ele('resource', { identifier: `res-${item.id}`, type: 'imsqti_item_xmlv2p1', href }).ele('file', { href });
  }
  return doc.end({ prettyPrint: true });
}

/** The QTI package as zip bytes: imsmanifest.xml and items/<id>.xml. */
export function toQtiPackage(bank: Bank, seed: number): Uint8Array {
  const items = exportItems(bank, seed);
  const files: Record<string, Uint8Array> = { 'imsmanifest.xml': strToU8(manifest(bank, items)) };
  for (const item of items) files[`items/${item.id}.xml`] = strToU8(qtiItem(item));
  // A fixed date keeps the package byte-identical across runs (fflate stamps the current time otherwise).
  return zipSync(files, { mtime: new Date('2026-01-01T00:00:00Z') });
}
