/**
 * Moodle XML (built with xmlbuilder2). Each question keeps its points (defaultgrade), its explanation
 * (generalfeedback) and per-answer feedback; numeric answers carry their tolerance as an absolute error,
 * a feedback range becomes a 0% answer at its middle with half its width as tolerance; multiple-choice
 * credit is net-correct (±100/k %); ordering uses Moodle's ordering type, graded by absolute position.
 */
import { create } from 'xmlbuilder2';
type XMLBuilder = ReturnType<typeof create>;
import type { Bank } from '../types.js';
import { exportItems, type ExportItem } from './resolve.js';
import { inlineHtml, markdownToHtml } from './html.js';

const TYPES: Record<ExportItem['type'], string> = {
  'true-false': 'truefalse',
  'single-choice': 'multichoice',
  'multiple-choice': 'multichoice',
  numeric: 'numerical',
  text: 'shortanswer',
  matching: 'matching',
  ordering: 'ordering',
};

function num(x: number): string {
  return String(Number(x.toPrecision(12)));
}

function textElement(parent: XMLBuilder, name: string, html: string, format = 'html'): void {
  parent.ele(name, { format }).ele('text').txt(html);
}

function answer(q: XMLBuilder, fraction: number, text: string, feedback?: string, format = 'html'): XMLBuilder {
  const a = q.ele('answer', { fraction: num(fraction), format });
  a.ele('text').txt(text);
  if (feedback) textElement(a, 'feedback', inlineHtml(feedback));
  return a;
}

export function toMoodleXml(bank: Bank, seed: number): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('quiz');
  root.com(` ${bank.title} (kvlab bank ${bank.id}, seed ${seed}) `);
  root.ele('question', { type: 'category' }).ele('category').ele('text').txt(`$course$/kvlab/${bank.id}`);
  for (const item of exportItems(bank, seed)) {
    const q = root.ele('question', { type: TYPES[item.type] });
    q.ele('name').ele('text').txt(item.title);
    textElement(q, 'questiontext', markdownToHtml(item.prompt));
    textElement(q, 'generalfeedback', item.explanation ? markdownToHtml(item.explanation) : '');
    q.ele('defaultgrade').txt(num(item.points));
    q.ele('penalty').txt('0');
    q.ele('hidden').txt('0');
    q.ele('idnumber').txt(item.id);
    switch (item.type) {
      case 'true-false':
        answer(q, item.answer ? 100 : 0, 'true', undefined, 'moodle_auto_format');
        answer(q, item.answer ? 0 : 100, 'false', undefined, 'moodle_auto_format');
        break;
      case 'single-choice':
      case 'multiple-choice':
        q.ele('single').txt(item.type === 'single-choice' ? 'true' : 'false');
        q.ele('shuffleanswers').txt('false');
        q.ele('answernumbering').txt('abc');
        for (const c of item.choices!) answer(q, c.percent, inlineHtml(c.text), c.feedback);
        break;
      case 'numeric': {
        const n = item.numeric!;
        answer(q, 100, num(n.answer), undefined, 'moodle_auto_format').ele('tolerance').txt(num(n.error));
        for (const f of n.feedback) {
          const [value, error] = 'value' in f ? [f.value, f.error] : [(f.low + f.high) / 2, (f.high - f.low) / 2];
          answer(q, 0, num(value), f.message, 'moodle_auto_format').ele('tolerance').txt(num(error));
        }
        if (n.unit) {
          const unit = q.ele('units').ele('unit');
          unit.ele('multiplier').txt('1');
          unit.ele('unit_name').txt(n.unit);
          q.ele('showunits').txt('3'); // the unit is in the prompt; the answer is a bare number
          q.ele('unitgradingtype').txt('0');
        }
        break;
      }
      case 'text':
        q.ele('usecase').txt(item.caseSensitive ? '1' : '0');
        for (const a of item.accept!) answer(q, 100, a, undefined, 'moodle_auto_format');
        break;
      case 'matching':
        q.ele('shuffleanswers').txt('true');
        for (const p of item.pairs!) {
          const sub = q.ele('subquestion', { format: 'html' });
          sub.ele('text').txt(inlineHtml(p.left));
          sub.ele('answer').ele('text').txt(p.right);
        }
        break;
      case 'ordering':
        q.ele('layouttype').txt('VERTICAL');
        q.ele('selecttype').txt('ALL');
        q.ele('selectcount').txt('0');
        q.ele('gradingtype').txt('ABSOLUTE_POSITION');
        q.ele('showgrading').txt('SHOW');
        item.items!.forEach((it, i) => answer(q, i + 1, inlineHtml(it)));
        break;
    }
  }
  return root.end({ prettyPrint: true });
}
