/**
 * Moodle GIFT. Text is exported as [html] (Markdown rendered, math as \( \)); GIFT's special characters
 * ~ = # { } : are escaped; numbers are plain decimals (a GIFT parser rejects exponent notation). Each
 * type's answer block is written by its module (question-types/). GIFT has no points: every item imports
 * worth one, which toGift reports so the command can say so (Moodle XML keeps them).
 */
import type { Bank } from '../types.js';
import type { GiftKit } from '../question-types/module.js';
import { exportItems, type ExportItem } from './resolve.js';
import { inlineHtml, markdownToHtml } from './html.js';

/** GIFT's special characters escaped; a line break (which would end the item's line) becomes a space. */
function escape(text: string): string {
  return text.replace(/([~=#{}:\\])/g, '\\$1').replace(/[\r\n]+/g, ' ');
}

/**
 * Moodle's html text, escaped for GIFT; math delimiters \( \) keep their backslash unescaped. Three more
 * things Moodle's GIFT import reads in a text, written as entities (the same text in HTML): a leading `%`
 * (`%50%` would be an answer's weight, qformat_gift's $giftanswerweightregex), a leading `[` (`[plain]`
 * would be a format, parse_text_with_format), and `->` anywhere (a matching pair's separator, and with `=`
 * what makes an answer block a matching question). The '#' of `&#37;` is escaped like any other.
 */
function html(markdown: string, inline = false): string {
  const rendered = inline ? inlineHtml(markdown) : markdownToHtml(markdown);
  return escape(rendered)
    .replace(/\\\\([()[\]])/g, '\\$1')
    .replace(/->/g, '-&gt;')
    .replace(/^%/, '&\\#37;')
    .replace(/^\[/, '&\\#91;');
}

const PLAIN = new Intl.NumberFormat('en-US', { useGrouping: false, maximumSignificantDigits: 12 });

/** 12 significant digits, never in exponent notation (2.13598703592e+96 → 2135987035920000…). */
export function plainDecimal(x: number): string {
  return PLAIN.format(x).replace(/^-0$/, '0');
}

const kit: GiftKit = {
  escape,
  html,
  num: plainDecimal,
  feedback: (text) => (text ? `#${html(text, true)}` : ''),
};

export function toGift(bank: Bank, seed: number): string {
  // The title on one line: a line break would end the comment and make the rest a question of its own.
  const title = bank.title.replace(/\s+/g, ' ').trim();
  const out: string[] = [`// ${title} (kvlab bank ${bank.id}, seed ${seed})`, `$CATEGORY: $course$/kvlab/${bank.id}`, ''];
  for (const item of exportItems(bank, seed)) out.push(giftItem(item), '');
  return out.join('\n');
}

/** Items whose GIFT needs something of the Moodle site that imports it, grouped by that need. */
export function giftNeeds(bank: Bank, seed: number): Map<string, ExportItem[]> {
  const needs = new Map<string, ExportItem[]>();
  for (const item of exportItems(bank, seed)) {
    const need = item.lms.giftNeeds?.(item.data);
    if (need !== undefined) needs.set(need, [...(needs.get(need) ?? []), item]);
  }
  return needs;
}

/** Items of which GIFT loses something Moodle XML keeps, each with what it loses. */
export function giftLimits(bank: Bank, seed: number): { item: ExportItem; limit: string }[] {
  return exportItems(bank, seed).flatMap((item) => {
    const limit = item.lms.giftLimits?.(item.data);
    return limit === undefined ? [] : [{ item, limit }];
  });
}

/** Items whose points GIFT cannot carry (anything but 1 point). */
export function giftLostPoints(bank: Bank, seed: number): ExportItem[] {
  return exportItems(bank, seed).filter((item) => item.points !== 1);
}

function giftItem(item: ExportItem): string {
  const general = item.explanation ? ` ####${html(item.explanation)}` : '';
  const giftNote = item.lms.giftNote?.(item.data);
  const note = giftNote ? `\n\n${giftNote}` : '';
  const head = `::${escape(item.title)}::[html]${html(item.prompt + note)}`;
  return `${head} {${item.lms.gift(item.data, kit)}${general}}`;
}
