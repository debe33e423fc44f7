/**
 * Moodle XML (built with xmlbuilder2). Each question keeps its points (defaultgrade), its explanation
 * (generalfeedback) and per-answer feedback; each type's question type and elements are written by its
 * module (question-types/): numeric answers carry their tolerance as an absolute error, multiple-choice
 * credit is net-correct (±100/k %), ordering uses Moodle's ordering type, graded by absolute position.
 */
import { create } from 'xmlbuilder2';
import type { Bank } from '../types.js';
import type { MoodleKit, XmlNode } from '../question-types/module.js';
import { exportItems } from './resolve.js';
import { inlineHtml, markdownToHtml } from './html.js';
import { commentText, plainText } from './xml-text.js';

type XMLBuilder = ReturnType<typeof create>;

function num(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/**
 * HTML as the text of an XML element. xmlbuilder2 leaves an existing entity alone, so HTML's own `&lt;`
 * (a `<` inside math, \\(m < n_c\\)) would reach Moodle as a bare `<`: its `&` is escaped here first.
 */
function htmlText(node: XmlNode, html: string): XmlNode {
  return node.txt(html.replace(/&/g, '&amp;'));
}

function textElement(parent: XmlNode, name: string, html: string, format = 'html'): void {
  htmlText(parent.ele(name, { format }).ele('text'), html);
}

const kit: MoodleKit = {
  num,
  inlineHtml,
  htmlText,
  plainText: (node, text) => node.txt(plainText(text)),
  answer(q, fraction, text, feedback, format = 'html') {
    const a = q.ele('answer', { fraction: num(fraction), format });
    if (format === 'html') htmlText(a.ele('text'), text);
    else a.ele('text').txt(plainText(text));
    if (feedback) textElement(a, 'feedback', inlineHtml(feedback));
    return a;
  },
};

export function toMoodleXml(bank: Bank, seed: number): string {
  const root: XMLBuilder = create({ version: '1.0', encoding: 'UTF-8' }).ele('quiz');
  root.com(commentText(` ${bank.title} (kvlab bank ${bank.id}, seed ${seed}) `));
  root.ele('question', { type: 'category' }).ele('category').ele('text').txt(`$course$/kvlab/${bank.id}`);
  for (const item of exportItems(bank, seed)) {
    const q = root.ele('question', { type: item.lms.moodle.type }) as unknown as XmlNode;
    q.ele('name').ele('text').txt(plainText(item.title));
    textElement(q, 'questiontext', markdownToHtml(item.prompt));
    textElement(q, 'generalfeedback', item.explanation ? markdownToHtml(item.explanation) : '');
    q.ele('defaultgrade').txt(num(item.points));
    q.ele('penalty').txt('0');
    q.ele('hidden').txt('0');
    q.ele('idnumber').txt(item.id);
    item.lms.moodle.write(q, item.data, kit);
  }
  return root.end({ prettyPrint: true });
}
