/**
 * matching: `pairs: [{left, right}]`; answered with `{left: right, …}`; the fraction of lefts matched
 * right (a missing left counts as wrong), compared normalized. The rights are shown shuffled; a partly
 * right answer is told which lefts are matched wrong.
 */
import { z } from 'zod';
import { shuffled } from '../random.js';
import { normalizeText } from '../text.js';
import { describe, fields, hashOrder, isPlainMap, numbersIn, quote, textOrNumber } from './common.js';
import type { CompiledBase, Parsed, QuestionTypeModule } from './module.js';
import type { KeylessBase, QuestionBase, VariantBase } from '../base-types.js';

export interface MatchingQuestion extends QuestionBase {
  type: 'matching';
  pairs: { left: string; right: string }[];
}
export interface MatchingVariant extends VariantBase {
  type: 'matching';
  /** In the order written. */
  left: string[];
  /** Shuffled. */
  right: string[];
}
/** The keyless form (an assignment's student copy): the lefts as written, the distinct rights in hash order. */
export interface MatchingKeyless extends KeylessBase {
  type: 'matching';
  left: string[];
  /** Each right once, in an order that depends on the text only (the author writes them in key order). */
  right: string[];
}
export interface MatchingKey {
  type: 'matching';
  answer: Record<string, string>;
}
export interface Compiled extends CompiledBase<MatchingQuestion> {
  /** normalized left → as written. */
  lefts: ReadonlyMap<string, string>;
  /** normalized right → as written (each right once). */
  rights: ReadonlyMap<string, string>;
  /** Each pair's right, normalized (in the order of pairs). */
  answers: readonly string[];
}
export interface Item {
  pairs: { left: string; right: string }[];
}

/** left as written → the normalized right the student paired with it. */
function parse(cq: Compiled, answer: unknown): Parsed<Map<string, string>> {
  if (!isPlainMap(answer)) return { ok: false, reason: `expected a map {left: right}, got ${describe(answer)}` };
  const out = new Map<string, string>();
  for (const [left, right] of Object.entries(answer)) {
    const canonicalLeft = cq.lefts.get(normalizeText(left));
    if (canonicalLeft === undefined) return { ok: false, reason: `${quote(left)} is not one of the items to match` };
    if (typeof right !== 'string') return { ok: false, reason: `the match for ${quote(left)} must be text, got ${describe(right)}` };
    const key = normalizeText(right);
    if (!cq.rights.has(key)) return { ok: false, reason: `${quote(right)} is not one of the options to match with` };
    out.set(canonicalLeft, key);
  }
  return { ok: true, value: out };
}

const uniqueRights = (item: Item) => [...new Set(item.pairs.map((p) => p.right))];

export const matching: QuestionTypeModule<MatchingQuestion, Compiled, MatchingVariant, MatchingKey, Item, MatchingKeyless> = {
  type: 'matching',
  fields: fields({
    pairs: z
      .array(z.strictObject({ left: textOrNumber(), right: textOrNumber() }, { error: 'must be a map {left, right}' }), { error: 'must be a list of {left, right}' })
      .min(2, { error: 'must list at least two pairs' }),
  }),
  part: true,
  compile(ctx, q, base) {
    const lefts = new Map<string, string>();
    const rights = new Map<string, string>();
    q.pairs.forEach((pair, i) => {
      const key = normalizeText(pair.left);
      if (lefts.has(key)) ctx.problems.add([...ctx.path, 'pairs', i, 'left'], `${ctx.label}: pairs[${i}].left '${pair.left}' is listed twice; each left must be unique`);
      lefts.set(key, pair.left);
      if (!rights.has(normalizeText(pair.right))) rights.set(normalizeText(pair.right), pair.right);
    });
    return { ...base, lefts, rights, answers: q.pairs.map((p) => normalizeText(p.right)) };
  },
  variant: (cq, base, ctx) => ({ ...base, type: 'matching', left: cq.def.pairs.map((p) => p.left), right: shuffled([...cq.rights.values()], ctx.draw) }),
  key: (cq) => ({ type: 'matching', answer: Object.fromEntries(cq.def.pairs.map((p) => [p.left, p.right])) }),
  describeKey: (key) => Object.entries(key.answer).map(([l, r]) => `${l} → ${r}`).join('; '),
  grade(cq, answer) {
    const parsed = parse(cq, answer);
    if (!parsed.ok) return { kind: 'not-graded', reason: parsed.reason };
    const wrong = cq.def.pairs.filter((pair, i) => parsed.value.get(pair.left) !== cq.answers[i]).map((pair) => pair.left);
    return { kind: 'graded', fraction: (cq.def.pairs.length - wrong.length) / cq.def.pairs.length, messages: [], wrong };
  },
  keyless(q, base) {
    const rights = new Map<string, string>();
    for (const p of q.pairs) if (!rights.has(normalizeText(p.right))) rights.set(normalizeText(p.right), p.right);
    return { ...base, type: 'matching', left: q.pairs.map((p) => p.left), right: hashOrder([...rights.values()]) };
  },
  keylessVariant: (s, base, ctx) => ({ ...base, type: 'matching', left: [...s.left], right: shuffled(s.right, ctx.draw) }),
  answerShape(answer, s) {
    if (!isPlainMap(answer)) return 'expected a map {left: right}';
    const lefts = new Set(s.left.map(normalizeText));
    const rights = new Set(s.right.map(normalizeText));
    for (const [left, right] of Object.entries(answer)) {
      if (!lefts.has(normalizeText(left))) return `${JSON.stringify(left.slice(0, 40))} is not one of the items to match`;
      if (typeof right !== 'string' || !rights.has(normalizeText(right))) return `the match for ${JSON.stringify(left.slice(0, 40))} is not one of the options`;
    }
    return undefined;
  },
  markdown: (v) => [`Match each of:\n\n${v.left.map((l) => `- ${l}`).join('\n')}\n\nwith one of:\n\n${v.right.map((r) => `- ${r}`).join('\n')}`],
  howToAnswer: 'Answer with a map from each item on the left to its match, e.g. `{"left": "right"}`.',
  terminal: {
    show: (v) => [`Options:\n\n${v.right.map((r, i) => `${i + 1}. ${r}`).join('\n')}`],
    hint: (v) =>
      `for ${v.left.map((_, i) => i + 1).join(', ')}: the option number of each, in order, e.g. "${v.left.map((_, i) => ((i + 1) % v.right.length) + 1).join(' ')}"\n${v.left.map((l, i) => `  ${i + 1}. ${l}`).join('\n')}\n`,
    parse(v, line) {
      const picks = numbersIn(line.trim(), v.right.length);
      if (!picks || picks.length !== v.left.length) return { ok: false, reason: `give ${v.left.length} option numbers between 1 and ${v.right.length}` };
      return { ok: true, value: Object.fromEntries(v.left.map((left, i) => [left, v.right[picks[i]! - 1]!])) };
    },
  },
  lms: {
    resolve: (cq) => ({ pairs: cq.def.pairs.map((p) => ({ ...p })) }),
    // Moodle reads a left side as the question's format (html here) and splits each pair at its first '->',
    // which kit.html writes as '-&gt;'; the right side is plain text, where a '->' after the first is kept.
    gift: (item, kit) => item.pairs.map((p) => `=${kit.html(p.left, true)} -> ${kit.escape(p.right)}`).join(' '),
    moodle: {
      type: 'matching',
      write(q, item, kit) {
        q.ele('shuffleanswers').txt('true');
        for (const p of item.pairs) {
          const sub = q.ele('subquestion', { format: 'html' });
          kit.htmlText(sub.ele('text'), kit.inlineHtml(p.left));
          kit.plainText(sub.ele('answer').ele('text'), p.right);
        }
      },
    },
    qti(item) {
      const rights = uniqueRights(item);
      const pairKey = (p: { right: string }, i: number) => `L${i} R${rights.indexOf(p.right)}`;
      return {
        cardinality: 'multiple',
        baseType: 'directedPair',
        correct: item.pairs.map(pairKey),
        mapping: { entries: item.pairs.map((p, i) => ({ key: pairKey(p, i), value: 1 / item.pairs.length })) },
        interaction(body, kit) {
          const mi = body.ele('matchInteraction', { responseIdentifier: 'RESPONSE', shuffle: 'true', maxAssociations: String(item.pairs.length) });
          const lefts = mi.ele('simpleMatchSet');
          item.pairs.forEach((p, i) => kit.inline(lefts.ele('simpleAssociableChoice', { identifier: `L${i}`, matchMax: '1' }), p.left));
          const rightSet = mi.ele('simpleMatchSet');
          rights.forEach((r, i) => kit.inline(rightSet.ele('simpleAssociableChoice', { identifier: `R${i}`, matchMax: String(item.pairs.length) }), r));
        },
        feedback: [],
      };
    },
  },
};
