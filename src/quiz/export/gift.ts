/**
 * Moodle GIFT. Text is exported as [html] (Markdown rendered, math as \( \)); GIFT's special characters
 * ~ = # { } : are escaped. Numeric answers carry their tolerance as an absolute error ({#value:error}),
 * wrong-answer feedback as 0% answers (=%0%value:error#… or =%0%low..high#…), multiple-choice credit as
 * percentages (net-correct: +100/k per right choice, −100/k per wrong one). GIFT has no ordering type:
 * an ordering question is exported as matching each item to its position, which grades the same way.
 */
import type { Bank } from '../types.js';
import { exportItems, type ExportItem } from './resolve.js';
import { inlineHtml, markdownToHtml } from './html.js';

function escape(text: string): string {
  return text.replace(/([~=#{}:\\])/g, '\\$1').replace(/\n+/g, ' ');
}

/** Moodle's html text, escaped for GIFT; math delimiters \( \) keep their backslash unescaped. */
function html(markdown: string, inline = false): string {
  const rendered = inline ? inlineHtml(markdown) : markdownToHtml(markdown);
  return escape(rendered).replace(/\\\\([()[\]])/g, '\\$1');
}

function num(x: number): string {
  return String(Number(x.toPrecision(12)));
}

function percent(p: number): string {
  return String(Number(p.toFixed(5)));
}

function feedback(text: string | undefined): string {
  return text ? `#${html(text, true)}` : '';
}

export function toGift(bank: Bank, seed: number): string {
  const out: string[] = [`// ${bank.title} (kvlab bank ${bank.id}, seed ${seed})`, `$CATEGORY: $course$/kvlab/${bank.id}`, ''];
  for (const item of exportItems(bank, seed)) out.push(giftItem(item), '');
  return out.join('\n');
}

function giftItem(item: ExportItem): string {
  const general = item.explanation ? ` ####${html(item.explanation)}` : '';
  const head = `::${escape(item.title)}::[html]${html(item.prompt + (item.type === 'ordering' ? '\n\n*Give each item its position: 1 is first.*' : ''))}`;
  let body: string;
  switch (item.type) {
    case 'true-false':
      body = item.answer ? 'TRUE' : 'FALSE';
      break;
    case 'single-choice':
      body = item.choices!.map((c) => `${c.correct ? '=' : '~'}${html(c.text, true)}${feedback(c.feedback)}`).join(' ');
      break;
    case 'multiple-choice':
      body = item.choices!.map((c) => `~%${percent(c.percent)}%${html(c.text, true)}${feedback(c.feedback)}`).join(' ');
      break;
    case 'numeric': {
      const n = item.numeric!;
      const wrong = n.feedback.map((f) => ('value' in f ? `=%0%${num(f.value)}:${num(f.error)}#${html(f.message, true)}` : `=%0%${num(f.low)}..${num(f.high)}#${html(f.message, true)}`));
      body = `#=${num(n.answer)}:${num(n.error)} ${wrong.join(' ')}`.trimEnd();
      break;
    }
    case 'text':
      body = item.accept!.map((a) => `=${escape(a)}`).join(' ');
      break;
    case 'matching':
      body = item.pairs!.map((p) => `=${escape(p.left)} -> ${escape(p.right)}`).join(' ');
      break;
    case 'ordering':
      body = item.items!.map((it, i) => `=${escape(it)} -> ${i + 1}`).join(' ');
      break;
  }
  return `${head} {${body}${general}}`;
}
