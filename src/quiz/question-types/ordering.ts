/**
 * ordering: `items` in the right order; answered with the list of items; the fraction of positions
 * holding the right item, compared normalized. Shown shuffled (never already in order); a partly right
 * answer is told which positions hold the wrong item.
 */
import { z } from 'zod';
import { shuffled } from '../random.js';
import { normalizeText } from '../text.js';
import { describe, fields, hashOrder, numbersIn, quote, textOrNumber } from './common.js';
import type { CompiledBase, Parsed, QuestionTypeModule } from './module.js';
import type { KeylessBase, QuestionBase, VariantBase } from '../base-types.js';

export interface OrderingQuestion extends QuestionBase {
  type: 'ordering';
  items: string[];
}
export interface OrderingVariant extends VariantBase {
  type: 'ordering';
  /** Shuffled (never in the right order when there are two or more). */
  items: string[];
}
/** The keyless form (an assignment's student copy): the items in hash order, never the order written. */
export interface OrderingKeyless extends KeylessBase {
  type: 'ordering';
  items: string[];
}
export interface OrderingKey {
  type: 'ordering';
  answer: string[];
}
export interface Compiled extends CompiledBase<OrderingQuestion> {
  /** normalized item → as written. */
  canonical: ReadonlyMap<string, string>;
}
export interface Item {
  items: string[];
}

/**
 * GIFT for Moodle's ordering question type (qtype_ordering, standard since Moodle 4.4): `{>N ALL VERTICAL
 * ABSOLUTE_POSITION SHOW none`, then one item a line, in the right order. N items, all shown; graded by
 * absolute position as kvlab grades; the grading shown; no numbering. The numbering style is written out
 * because the importer's optional numbering token would otherwise eat a first item starting with `abc`,
 * `123`, `iii`…. That importer (import_from_gift) takes each line as it is, without GIFT's unescaping, so
 * an item is written raw, with only `\` doubled (GIFT reads `\\` as one backslash, and a lone one as the
 * start of an escape such as `\n`).
 */
const GIFT_ORDERING_HEAD = 'ALL VERTICAL ABSOLUTE_POSITION SHOW none';

/**
 * An item Moodle's ordering import would not read back as written: a `}` ends GIFT's answer block early,
 * `####` starts the general feedback, a line break splits it, a line starting with `//` is a comment, and
 * the importer trims items and drops empty ones (PHP's empty(), for which '0' is empty too).
 */
function giftOrderingBreak(item: string): string | undefined {
  if (item.includes('}')) return "holds a '}'";
  if (item.includes('####')) return "holds '####'";
  if (/[\n\r]/.test(item)) return 'holds a line break';
  if (item.startsWith('//')) return "starts with '//'";
  if (item.trim() !== item) return 'starts or ends with white space';
  if (item === '' || item === '0') return "is empty to PHP (as '0' is)";
  return undefined;
}
/** Why Moodle's GIFT ordering syntax cannot carry these items (the first item that breaks it), if it cannot. */
const giftOrderingBroken = (item: Item) => {
  for (const it of item.items) {
    const reason = giftOrderingBreak(it);
    if (reason !== undefined) return `item ${JSON.stringify(it)} ${reason}`;
  }
  return undefined;
};
const giftOrdering = (item: Item) => giftOrderingBroken(item) === undefined;

/** The items as written, in the student's order. */
function parse(cq: Compiled, answer: unknown): Parsed<string[]> {
  const n = cq.canonical.size;
  if (!Array.isArray(answer)) return { ok: false, reason: `expected a list of the ${n} items, got ${describe(answer)}` };
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of answer) {
    if (typeof item !== 'string') return { ok: false, reason: `expected a list of the ${n} items as text, found ${describe(item)}` };
    const canonical = cq.canonical.get(normalizeText(item));
    if (canonical === undefined) return { ok: false, reason: `${quote(item)} is not one of the items` };
    if (seen.has(canonical)) return { ok: false, reason: `${quote(item)} is listed twice` };
    seen.add(canonical);
    out.push(canonical);
  }
  if (out.length !== n) return { ok: false, reason: `expected all ${n} items in order, got ${out.length}` };
  return { ok: true, value: out };
}

export const ordering: QuestionTypeModule<OrderingQuestion, Compiled, OrderingVariant, OrderingKey, Item, OrderingKeyless> = {
  type: 'ordering',
  fields: fields({ items: z.array(textOrNumber(), { error: 'must be a list of items' }).min(2, { error: 'must list at least two items' }) }),
  part: true,
  compile(ctx, q, base) {
    const canonical = new Map<string, string>();
    q.items.forEach((item, i) => {
      const key = normalizeText(item);
      if (canonical.has(key)) ctx.problems.add([...ctx.path, 'items', i], `${ctx.label}: items[${i}] '${item}' is listed twice; each item must be unique`);
      canonical.set(key, item);
    });
    return { ...base, canonical };
  },
  variant(cq, base, ctx) {
    const written = cq.def.items;
    let items = shuffled(written, ctx.draw);
    // A shuffle that happens to give the answer would be a free point: rotate it by one.
    if (items.every((item, i) => item === written[i])) items = [...items.slice(1), items[0]!];
    return { ...base, type: 'ordering', items };
  },
  key: (cq) => ({ type: 'ordering', answer: [...cq.def.items] }),
  describeKey: (key) => key.answer.join(' → '),
  grade(cq, answer) {
    const parsed = parse(cq, answer);
    if (!parsed.ok) return { kind: 'not-graded', reason: parsed.reason };
    const wrong = parsed.value.flatMap((item, i) => (item === cq.def.items[i] ? [] : [`position ${i + 1} (${item})`]));
    return { kind: 'graded', fraction: (cq.def.items.length - wrong.length) / cq.def.items.length, messages: [], wrong };
  },
  // The author writes the items in the right order: the keyless form lists them in hash order.
  keyless: (q, base) => ({ ...base, type: 'ordering', items: hashOrder(q.items) }),
  keylessVariant: (s, base, ctx) => ({ ...base, type: 'ordering', items: shuffled(s.items, ctx.draw) }),
  answerShape(answer, s) {
    const items = s.items.map(normalizeText);
    if (!Array.isArray(answer) || answer.length !== items.length) return `expected a list of all ${items.length} items`;
    const given = answer.map((a) => (typeof a === 'string' ? normalizeText(a) : ''));
    return items.every((item) => given.includes(item)) ? undefined : 'expected each item exactly once';
  },
  markdown: (v) => [`Put in order:\n\n${v.items.map((i) => `- ${i}`).join('\n')}`],
  howToAnswer: 'Answer with the list of items in the right order.',
  terminal: {
    show: (v) => [`Items:\n\n${v.items.map((item, i) => `${i + 1}. ${item}`).join('\n')}`],
    hint: (v) => `the item numbers in the right order, e.g. "${v.items.map((_, i) => i + 1).reverse().join(' ')}" `,
    parse(v, line) {
      const order = numbersIn(line.trim(), v.items.length);
      if (!order || order.length !== v.items.length || new Set(order).size !== order.length) return { ok: false, reason: `give each item number 1-${v.items.length} once` };
      return { ok: true, value: order.map((n) => v.items[n - 1]!) };
    },
  },
  lms: {
    resolve: (cq) => ({ items: [...cq.def.items] }),
    // Moodle's ordering type when every item can be written in its GIFT syntax; otherwise each item is
    // matched to its position, which grades the same way (and then the prompt says how to answer).
    giftNote: (item) => (giftOrdering(item) ? undefined : '*Give each item its position: 1 is first.*'),
    giftNeeds: (item) => (giftOrdering(item) ? "Moodle's ordering question type (standard since Moodle 4.4; the qtype_ordering plugin before)" : undefined),
    gift: (item, kit) =>
      giftOrdering(item)
        ? `>${item.items.length} ${GIFT_ORDERING_HEAD}\n${item.items.map((it) => `${it.replace(/\\/g, '\\\\')}\n`).join('')}`
        : item.items.map((it, i) => `=${kit.html(it, true)} -> ${i + 1}`).join(' '),
    giftLimits(item) {
      const broken = giftOrderingBroken(item);
      return broken === undefined
        ? undefined
        : `matched to positions in GIFT: ${broken}, which Moodle's GIFT ordering syntax cannot carry (--format moodle-xml keeps it an ordering question)`;
    },
    moodle: {
      type: 'ordering',
      write(q, item, kit) {
        q.ele('layouttype').txt('VERTICAL');
        q.ele('selecttype').txt('ALL');
        q.ele('selectcount').txt('0');
        q.ele('gradingtype').txt('ABSOLUTE_POSITION');
        q.ele('showgrading').txt('SHOW');
        item.items.forEach((it, i) => kit.answer(q, i + 1, kit.inlineHtml(it)));
      },
    },
    qti: (item) => ({
      cardinality: 'ordered',
      baseType: 'identifier',
      correct: item.items.map((_, i) => `I${i}`),
      interaction(body, kit) {
        const oi = body.ele('orderInteraction', { responseIdentifier: 'RESPONSE', shuffle: 'true' });
        item.items.forEach((it, i) => kit.inline(oi.ele('simpleChoice', { identifier: `I${i}` }), it));
      },
      process(rp, k) {
        const share = k.points / item.items.length;
        item.items.forEach((_, i) => {
          const cond = rp.ele('responseCondition').ele('responseIf');
          const match = cond.ele('match');
          match.ele('index', { n: String(i + 1) }).ele('variable', { identifier: 'RESPONSE' });
          k.baseValue(match, 'identifier', `I${i}`);
          k.setOutcome(cond, 'SCORE', (s) => {
            const sum = s.ele('sum');
            sum.ele('variable', { identifier: 'SCORE' });
            k.baseValue(sum, 'float', k.num(share));
          });
        });
      },
      feedback: [],
    }),
  },
};
