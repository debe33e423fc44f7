/**
 * text: `accept: [forms]`, `match: exact|normalized` (default normalized, see ../text.ts); answered with
 * a string; all or nothing. For formulas inside O(…) use the `complexity` type, which compares factors.
 *
 * LMS exports list accepted strings, compared exactly (Moodle's short answer: whole string, after trimming,
 * case-insensitive unless `usecase`, `*` a wildcard; QTI's mapEntry: whole string, caseSensitive per entry).
 * A normalized answer is therefore exported with the forms a student commonly types that kvlab accepts
 * and an exact match would not: each multiplication sign (·, *, ×, ⋅, \cdot, \times, with or without
 * spaces), spaces around symbols taken out or put in, wrapped in $…$, backticks or quotes, a final full
 * stop; case is left to the LMS's case-insensitive match. Every form normalizes to the accepted answer, so
 * the LMS accepts nothing kvlab rejects; at most MAX_LMS_FORMS, the most common first.
 */
import { z } from 'zod';
import { normalizeText } from '../text.js';
import { describe, fields, textOrNumber } from './common.js';
import type { CompiledBase, GiftKit, MoodleKit, QtiKit, QtiSpec, QuestionTypeModule, XmlNode } from './module.js';
import type { QuestionBase, VariantBase } from '../base-types.js';

export interface TextQuestion extends QuestionBase {
  type: 'text';
  accept: string[];
  match: 'exact' | 'normalized';
}
export interface TextVariant extends VariantBase {
  type: 'text';
}
export interface TextKey {
  type: 'text';
  answer: string;
  accept: string[];
}
export interface Compiled extends CompiledBase<TextQuestion> {
  /** Accepted forms, normalized when match is normalized. */
  accept: ReadonlySet<string>;
}
/** A short-answer item for an LMS: the forms it accepts, compared with or without case. */
export interface ShortAnswerItem {
  accept: string[];
  caseSensitive: boolean;
}

/** At most this many accepted strings in one short-answer item, so an LMS imports and grades it quickly. */
export const MAX_LMS_FORMS = 1000;

/** Moodle's short answer reads `*` as a wildcard: a literal one is written `\*`. */
const literalStar = (form: string) => form.replace(/\*/g, '\\*');

/** A multiplication sign as normalizeText reads one, with the spaces around it. */
const SIGN = /\s*(?:[·×*⋅∙]|\\(?:cdot|times|ast)(?![A-Za-z]))\s*/u;
/** The signs students type for a product, most common first; each with and without spaces. */
const SIGNS = ['·', '*', '×', '⋅', '\\cdot', '\\times'].flatMap((sign) => [sign, ` ${sign} `]);
/** Spaces around a symbol (anything but a letter, digit or _), which normalized matching ignores. */
const AROUND_SYMBOL = /\s*([^\p{L}\p{N}\s_])\s*/gu;
/** Relations and sums, which students often write with a space on each side. */
const AROUND_RELATION = /\s*([=+<>≤≥≈])\s*/gu;
const SPACINGS: readonly ((text: string) => string)[] = [
  (text) => text,
  (text) => text.replace(AROUND_SYMBOL, '$1'),
  (text) => text.replace(AROUND_RELATION, ' $1 '),
];
/** What students paste around an answer: nothing, TeX math, code, quotes. */
const WRAPS: readonly (readonly [string, string])[] = [['', ''], ['$', '$'], ['`', '`'], ['"', '"'], ["'", "'"]];

/**
 * The ways of writing one accepted answer that normalize to it, fewest changes first: the answer as
 * written, then one change (a sign, the spacing, a wrapper, a full stop), then two, and so on.
 */
function writings(answer: string): string[] {
  const written = answer.trim();
  const factors = written.split(SIGN);
  const signs: (string | undefined)[] = factors.length > 1 ? [undefined, ...SIGNS] : [undefined];
  const ranked: { form: string; changes: number }[] = [];
  SPACINGS.forEach((spacing, s) => {
    signs.forEach((sign, g) => {
      const body = sign === undefined ? spacing(written) : factors.map(spacing).join(sign);
      WRAPS.forEach(([open, close], w) => {
        const stops = w === 0 ? ['', '.'] : ['', '.', 'in'];
        stops.forEach((stop, p) => {
          const form = stop === 'in' ? `${open}${body}.${close}` : `${open}${body}${close}${stop}`;
          ranked.push({ form, changes: Number(s > 0) + Number(g > 0) + Number(w > 0) + Number(p > 0) });
        });
      });
    });
  });
  const key = normalizeText(written);
  // Stable sort: among forms with as many changes, the order above (common signs and wrappers first).
  return ranked
    .sort((a, b) => a.changes - b.changes)
    .map((r) => r.form)
    .filter((form) => normalizeText(form) === key);
}

/**
 * The accepted strings an LMS gets for a text question: for a normalized one, the common writings of
 * each accepted answer, taken in turn from each so every answer keeps its most common forms under the
 * cap; for an exact one, the answers as written.
 */
export function lmsTextForms(accept: readonly string[], match: 'exact' | 'normalized', limit = MAX_LMS_FORMS): string[] {
  if (match === 'exact') return [...new Set(accept)].slice(0, limit);
  const lists = accept.map(writings);
  const out = new Set<string>();
  for (let i = 0; out.size < limit && lists.some((list) => i < list.length); i++) {
    for (const list of lists) if (i < list.length && out.size < limit) out.add(list[i]!);
  }
  return [...out];
}

/** PHP's trim() (these six characters only), which Moodle's GIFT import applies to each answer. */
const phpTrim = (s: string) => s.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');

/**
 * How GIFT carries a short answer's forms, by the rules of Moodle's GIFT import (qformat_gift::readquestion):
 * an answer block holding both `=` and `->` is a matching question, and GIFT has no escape for `->`. So
 * when a form holds `->`, only one form can be written, alone and without `=`: the first, if it holds `->`;
 * otherwise the forms without `->`. The forms left out are reported by giftLimits.
 */
function giftShortAnswerForms(accept: readonly string[]): { written: string[]; alone: boolean; omitted: string[] } {
  if (!accept.some((form) => form.includes('->'))) return { written: [...accept], alone: false, omitted: [] };
  if (accept[0]!.includes('->')) return { written: [accept[0]!], alone: true, omitted: accept.slice(1) };
  return { written: accept.filter((form) => !form.includes('->')), alone: false, omitted: accept.filter((form) => form.includes('->')) };
}

/**
 * One form as a GIFT answer. Moodle trims it, then reads a leading `%N%` as its weight
 * ($giftanswerweightregex) and then a leading `[moodle]`, `[html]`, `[plain]` or `[markdown]` as its
 * format (parse_text_with_format): a form starting with `%` gets an explicit `%100%` first (as Moodle's own
 * GIFT export writes every answer), one starting with `[` a `[plain]`, so each reads back as written.
 * A form written alone always gets `%100%`, so nothing it starts with (`>2`, Moodle's ordering syntax) is
 * read as another question type.
 */
function giftAnswer(form: string, alone: boolean, kit: GiftKit): string {
  const text = kit.escape(literalStar(phpTrim(form)));
  const format = text.startsWith('[') ? '[plain]' : '';
  const weight = alone || text.startsWith('%') ? '%100%' : '';
  return `${weight}${format}${text}`;
}

/** What GIFT loses of a short answer's forms, if anything (see giftShortAnswerForms). */
function giftArrowLimit(item: ShortAnswerItem): string | undefined {
  const { written, alone, omitted } = giftShortAnswerForms(item.accept);
  if (omitted.length === 0) return undefined;
  const why = "GIFT reads '->' beside '=' as a matching question and cannot escape it";
  const kept = alone
    ? `only its first form, ${JSON.stringify(written[0])}, is written to GIFT, without the other ${omitted.length} form${omitted.length === 1 ? '' : 's'}`
    : `its ${omitted.length} form${omitted.length === 1 ? '' : 's'} holding '->' ${omitted.length === 1 ? 'is' : 'are'} left out of GIFT`;
  return `a short answer with '->' in its accepted forms: ${kept} (${why}); --format moodle-xml keeps every form`;
}

/** The short-answer writers, shared with other types an LMS can only grade by listing forms (complexity). */
export const shortAnswer = {
  gift(item: ShortAnswerItem, kit: GiftKit) {
    const { written, alone } = giftShortAnswerForms(item.accept);
    return alone ? giftAnswer(written[0]!, true, kit) : written.map((form) => `=${giftAnswer(form, false, kit)}`).join(' ');
  },
  giftLimits: giftArrowLimit,
  moodle: {
    type: 'shortanswer',
    write(q: XmlNode, item: ShortAnswerItem, kit: MoodleKit) {
      q.ele('usecase').txt(item.caseSensitive ? '1' : '0');
      for (const a of item.accept) kit.answer(q, 100, literalStar(a), undefined, 'moodle_auto_format');
    },
  },
  qti: (item: ShortAnswerItem): QtiSpec => ({
    cardinality: 'single',
    baseType: 'string',
    correct: [item.accept[0]!],
    mapping: { entries: item.accept.map((a) => ({ key: a, value: 1 })), caseSensitive: item.caseSensitive },
    interaction(body: XmlNode, _kit: QtiKit) {
      body.ele('p').ele('textEntryInteraction', { responseIdentifier: 'RESPONSE', expectedLength: '20' });
    },
    feedback: [],
  }),
};

export const text: QuestionTypeModule<TextQuestion, Compiled, TextVariant, TextKey, ShortAnswerItem> = {
  type: 'text',
  fields: fields({
    accept: z.array(textOrNumber(), { error: 'must be a list of accepted answers' }).min(1, { error: 'must list at least one accepted answer' }),
    match: z.enum(['exact', 'normalized'], { error: "must be 'exact' or 'normalized'" }).optional(),
  }),
  harmless: ['match'],
  part: true,
  normalize(q) {
    q.match = q.match ?? 'normalized';
  },
  compile(ctx, q, base) {
    const forms = q.accept.map((a) => (q.match === 'normalized' ? normalizeText(a) : a));
    if (forms.some((f) => f.length === 0)) {
      ctx.problems.add([...ctx.path, 'accept'], `${ctx.label}: accept lists an answer that is empty${q.match === 'normalized' ? ' once white space is removed' : ''}`);
    }
    return { ...base, accept: new Set(forms) };
  },
  variant: (_cq, base) => ({ ...base, type: 'text' }),
  key: (cq) => ({ type: 'text', answer: cq.def.accept[0]!, accept: [...cq.def.accept] }),
  describeKey: (key) => key.answer,
  grade(cq, answer) {
    if (typeof answer !== 'string' && !(typeof answer === 'number' && Number.isFinite(answer))) {
      return { kind: 'not-graded', reason: `expected text, got ${describe(answer)}` };
    }
    const given = String(answer);
    return { kind: 'graded', fraction: cq.accept.has(cq.def.match === 'normalized' ? normalizeText(given) : given) ? 1 : 0, messages: [] };
  },
  // The accepted forms are the key: the keyless form is the common fields only.
  keyless: (_q, base) => ({ ...base, type: 'text' }),
  keylessVariant: (_s, base) => ({ ...base, type: 'text' }),
  answerShape: (answer) => (typeof answer === 'string' || (typeof answer === 'number' && Number.isFinite(answer)) ? undefined : 'expected text'),
  markdown: () => [],
  howToAnswer: 'Answer with text.',
  terminal: {
    show: () => [],
    hint: () => '',
    parse: (_v, line) => ({ ok: true, value: line.trim() }),
  },
  lms: {
    resolve: (cq) => ({ accept: lmsTextForms(cq.def.accept, cq.def.match), caseSensitive: cq.def.match === 'exact' }),
    ...shortAnswer,
    limits: (item) =>
      item.caseSensitive ? undefined : `a short answer listing ${item.accept.length} forms; an LMS rejects other writings kvlab accepts (spaces inside words, rarer signs and quotes)`,
    giftLimits: (item) => {
      const caseLimit = item.caseSensitive ? 'an exact short answer; GIFT cannot say so, and Moodle imports it from GIFT ignoring case (Moodle XML and QTI keep case)' : undefined;
      const limits = [caseLimit, giftArrowLimit(item)].filter((limit) => limit !== undefined);
      return limits.length > 0 ? limits.join('; and ') : undefined;
    },
  },
};
