/**
 * Short answers in the LMS exports are graded by the LMS's rule, not kvlab's. For every text and complexity
 * question of the course banks and the fixtures, the responses students commonly type that kvlab accepts
 * (built here from the normalisation rules, then kept only if kvlab's grader accepts them) must each match
 * an exported form under Moodle's short-answer rule and QTI's mapEntry rule; wrong answers must match none.
 * The importers' rules are ported from their source (./moodle-import.ts, QTI's below), not re-derived from kvlab's code.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBankSource, loadBank, loadBanks, normalizeText, type Bank } from '../../src/quiz/index.js';
import { compiledOf, type CompiledQuestion } from '../../src/quiz/compiled.js';
import { typeModule } from '../../src/quiz/question-types/registry.js';
import { lmsTextForms, MAX_LMS_FORMS } from '../../src/quiz/question-types/text.js';
import { toMoodleXml } from '../../src/quiz/export/moodle-xml.js';
import { qtiItem } from '../../src/quiz/export/qti.js';
import { exportItems } from '../../src/quiz/export/resolve.js';
import { findAll, parseXml, type XmlElement } from './xml.js';
import { fixtures } from './helpers.js';
import { giftAnswerText, giftBuiltinType, giftShortAnswers, moodleMatches, moodlePattern, readQuestions } from './moodle-import.js';
import { toGift } from '../../src/quiz/export/gift.js';

// ---- The importers' rules ------------------------------------------------------------------------------

/** QTI 2.1 mapResponse on a string: a mapEntry applies when its mapKey equals the response, ignoring case if caseSensitive="false". */
function qtiMatches(response: string, entry: XmlElement): boolean {
  const key = entry.attributes.mapKey!;
  return entry.attributes.caseSensitive === 'false' ? key.toLowerCase() === response.toLowerCase() : key === response;
}

// ---- What students type ----------------------------------------------------------------------------------

const TIMES = /\s*(?:\\cdot|\\times|[·×*⋅])\s*/u;
const TYPED_SIGNS = ['*', '·', '×', '⋅', '\\cdot', '\\times'];
const caseChanges = (s: string) => [s, s.toLowerCase(), s.toUpperCase()];
const wrappers = (s: string) => [s, `$${s}$`, `\`${s}\``, `"${s}"`, `'${s}'`];

/** The common ways to type one accepted text answer: signs, spacing, case, a wrapper, a final full stop. */
function typedText(answer: string): string[] {
  const factors = answer.split(TIMES);
  // As written, and with no space next to a symbol (O(L·τ), n_c=512).
  const bodies = [answer, answer.replace(/\s*([^\p{L}\p{N}_\s])\s*/gu, '$1')];
  if (factors.length > 1) for (const sign of TYPED_SIGNS) bodies.push(factors.join(sign), factors.join(` ${sign} `));
  return bodies.flatMap(caseChanges).flatMap(wrappers).flatMap((s) => [s, `${s}.`]);
}

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1 ? [[...items]] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

/** The common ways to type a big-O product: any order, *, ·, ×, ⋅ or x with or without spaces, O(…) or not, τ or tau, any case. */
function typedComplexity(key: string): string[] {
  const factors = key.replace(/^O\(|\)$/g, '').split('·');
  const out: string[] = [];
  for (const order of permutations(factors)) {
    for (const sign of ['*', '·', '×', '⋅', ' * ', ' · ', ' × ', ' x ']) {
      for (const tau of ['τ', 'tau']) {
        const body = order.map((f) => (f === 'τ' ? tau : f)).join(sign);
        out.push(...[`O(${body})`, body].flatMap(caseChanges));
      }
    }
  }
  return out;
}

// ---- The questions and their exports ----------------------------------------------------------------------

interface ShortAnswerCase {
  bank: Bank;
  id: string;
  /** Its name in GIFT. */
  title: string;
  cq: CompiledQuestion;
}

/** Every text and complexity question (scenario parts included) with its id in the exports. */
function shortAnswerCases(banks: readonly Bank[]): ShortAnswerCase[] {
  const out: ShortAnswerCase[] = [];
  for (const bank of banks) {
    for (const cq of compiledOf(bank).byId.values()) {
      const parts = typeModule(cq.def.type).compiledParts?.(cq);
      const all = parts
        ? parts.map((part) => ({ id: `${cq.def.id}-${part.def.id}`, title: `${cq.def.id} / ${part.def.id}`, cq: part as CompiledQuestion }))
        : [{ id: cq.def.id, title: cq.def.id, cq }];
      for (const one of all) if (one.cq.def.type === 'text' || one.cq.def.type === 'complexity') out.push({ bank, ...one });
    }
  }
  return out;
}

const accepts = (cq: CompiledQuestion, response: string) => {
  const graded = typeModule(cq.def.type).grade(cq, response, undefined as never, {});
  return graded.kind === 'graded' && graded.fraction === 1;
};

/** What kvlab accepts among the common typings of a question's answers. */
function acceptedResponses(cq: CompiledQuestion): string[] {
  const def = cq.def as unknown as { accept?: string[]; answer?: string };
  const typed = cq.def.type === 'text' ? def.accept!.flatMap(typedText) : typedComplexity(typeModule('complexity').key(cq as never, undefined as never).answer as string);
  return [...new Set(typed)].filter((response) => accepts(cq, response));
}

/** Wrong answers an exact match must not let through: a changed ending, a missing or extra factor, a wildcard's bait. */
function wrongResponses(cq: CompiledQuestion): string[] {
  const def = cq.def as unknown as { accept?: string[] };
  const answers = cq.def.type === 'text' ? def.accept! : [String(typeModule('complexity').key(cq as never, undefined as never).answer)];
  const wrong = answers.flatMap((a) => {
    const factors = a.replace(/\)$/, '').split(TIMES);
    return [
      a.replace(/[\p{L}\p{N}](?=[^\p{L}\p{N}]*$)/u, (c) => (c === 'x' ? 'y' : 'x')),
      `${a} and more`,
      factors.length > 1 ? `${factors.slice(0, -1).join('·')})` : `not ${a}`,
      factors.length > 1 ? `${factors.join('+')})` : `${a}${a}`,
      factors.length > 1 ? `${a.replace(/\)$/, '')}·m)` : `${a}*`,
    ];
  });
  return wrong.filter((response) => !accepts(cq, response));
}

interface ExportedForms {
  moodle: Map<string, { written: string[]; forms: RegExp[]; ignoreCase: boolean }>;
  /** GIFT, as Moodle imports it: the question type and the answers, by question name (the item's title). */
  gift: Map<string, { type: string; answers: string[] }>;
  qti: Map<string, XmlElement[]>;
}

/** The forms as the LMS reads them: Moodle XML's <answer> texts and usecase, QTI's mapEntry elements. */
function exported(bank: Bank): ExportedForms {
  const moodle = new Map<string, { written: string[]; forms: RegExp[]; ignoreCase: boolean }>();
  for (const q of findAll(parseXml(toMoodleXml(bank, 0)), 'question')) {
    if (q.attributes.type !== 'shortanswer') continue;
    const id = findAll(q, 'idnumber')[0]!.text;
    const ignoreCase = findAll(q, 'usecase')[0]!.text === '0';
    const written = q.children.filter((c) => c.name === 'answer').map((a) => findAll(a, 'text')[0]!.text);
    moodle.set(id, { written, forms: written.map((form) => moodlePattern(form, ignoreCase)), ignoreCase });
  }
  const qti = new Map<string, XmlElement[]>();
  for (const item of exportItems(bank, 0)) qti.set(item.id, findAll(parseXml(qtiItem(item)), 'mapEntry'));
  const gift = new Map<string, { type: string; answers: string[] }>();
  for (const lines of readQuestions(toGift(bank, 0))) {
    const read = giftAnswerText(lines);
    if (!read?.name) continue;
    const type = giftBuiltinType(read.answerText);
    gift.set(read.name, { type, answers: type === 'shortanswer' ? giftShortAnswers(read.answerText).map((a) => a.answer) : [] });
  }
  return { moodle, qti, gift };
}

const banks = [...loadBanks(), loadBank(join(fixtures, 'all-types.yaml')), loadBank(join(fixtures, 'complexity.yaml'))];
const cases = shortAnswerCases(banks);
const exports = new Map(banks.map((bank) => [bank, exported(bank)]));

describe('short answers as an LMS grades them', () => {
  it('covers the course: every text and complexity question, with common responses kvlab accepts', () => {
    expect(cases.filter((c) => c.cq.def.type === 'complexity').length).toBeGreaterThanOrEqual(3);
    expect(cases.filter((c) => c.cq.def.type === 'text').length).toBeGreaterThanOrEqual(2);
    for (const c of cases) expect(acceptedResponses(c.cq).length, c.id).toBeGreaterThan(c.cq.def.type === 'complexity' ? 50 : (c.cq.def as { match?: string }).match === 'exact' ? 0 : 10);
  });

  it("Moodle's short-answer rule accepts every common response kvlab accepts", () => {
    const rejected: string[] = [];
    let total = 0;
    for (const c of cases) {
      const { forms } = exports.get(c.bank)!.moodle.get(c.id)!;
      for (const response of acceptedResponses(c.cq)) {
        total += 1;
        if (!forms.some((form) => moodleMatches(response, form))) rejected.push(`${c.id}: ${response}`);
      }
    }
    expect(rejected, `${rejected.length} of ${total} responses kvlab accepts are rejected by Moodle`).toEqual([]);
  });

  it("QTI's mapEntry match accepts every common response kvlab accepts", () => {
    const rejected: string[] = [];
    for (const c of cases) {
      const entries = exports.get(c.bank)!.qti.get(c.id)!;
      for (const response of acceptedResponses(c.cq)) if (!entries.some((e) => qtiMatches(response, e))) rejected.push(`${c.id}: ${response}`);
    }
    expect(rejected).toEqual([]);
  });

  it('wrong answers match no exported form, in Moodle (wildcards included) or QTI', () => {
    for (const c of cases) {
      const { forms } = exports.get(c.bank)!.moodle.get(c.id)!;
      const entries = exports.get(c.bank)!.qti.get(c.id)!;
      const wrong = wrongResponses(c.cq);
      expect(wrong.length, c.id).toBeGreaterThanOrEqual(3);
      for (const response of wrong) {
        expect(forms.filter((form) => moodleMatches(response, form)), `${c.id}: ${response}`).toEqual([]);
        expect(entries.filter((e) => qtiMatches(response, e)), `${c.id}: ${response}`).toEqual([]);
      }
    }
  });

  it('GIFT imports as a short answer with the same forms as Moodle XML (escapes and all), worth 100 % each', () => {
    for (const c of cases) {
      const gift = exports.get(c.bank)!.gift.get(c.title);
      expect(gift?.type, c.title).toBe('shortanswer');
      expect(gift!.answers, c.title).toEqual(exports.get(c.bank)!.moodle.get(c.id)!.written);
    }
  });

  it("an exact text answer keeps its case in Moodle XML and QTI: 'FP16' is wrong for both, as for kvlab", () => {
    const bank = banks.find((b) => b.id === 'all-types')!;
    const { forms, ignoreCase } = exports.get(bank)!.moodle.get('text-exact')!;
    expect(ignoreCase).toBe(false);
    expect(forms.some((form) => moodleMatches('FP16', form))).toBe(false);
    expect(exports.get(bank)!.qti.get('text-exact')!.some((e) => qtiMatches('FP16', e))).toBe(false);
  });
});

describe('lmsTextForms', () => {
  const answer = fc.stringMatching(/^[a-zA-Z0-9_ ()=,·*×τ.$`'"-]{1,24}$/).filter((s) => normalizeText(s).length > 0);

  it('lists only forms kvlab accepts, each answer as written first, at most the cap (property)', () => {
    fc.assert(
      fc.property(fc.array(answer, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: MAX_LMS_FORMS }), (accept, limit) => {
        const forms = lmsTextForms(accept, 'normalized', limit);
        const keys = new Set(accept.map(normalizeText));
        expect(forms.length).toBeLessThanOrEqual(limit);
        expect(new Set(forms).size).toBe(forms.length);
        for (const form of forms) expect(keys.has(normalizeText(form)), form).toBe(true);
        const written = [...new Set(accept.map((a) => a.trim()))].slice(0, limit);
        expect(forms.slice(0, written.length)).toEqual(written);
      }),
      { numRuns: 100 },
    );
  });

  /** Accepted answers as authors write them: words, symbols, products, relations. */
  const word = fc.constantFrom('L', 'τ', 'tau', 'd_h', 'n_c', 'fp16', 'window', 'sliding', '512', 'KiB', 'O(m)');
  const between = fc.constantFrom(' · ', '*', ' × ', '⋅', ' ', ' = ', ', ', ' + ', ': ');
  const authored = fc
    .tuple(word, fc.array(fc.tuple(between, word), { maxLength: 4 }), fc.boolean())
    .map(([first, rest, wrapped]) => {
      const body = first + rest.map(([b, w]) => b + w).join('');
      return wrapped ? `O(${body})` : body;
    });

  it('for any authored answers, Moodle accepts every common response kvlab accepts, through the whole export (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(authored, { minLength: 1, maxLength: 2, selector: normalizeText }), (accept) => {
        const source = `bank: p\ntitle: P\nquestions:\n  - id: q\n    type: text\n    prompt: Say it.\n    accept: ${JSON.stringify(accept)}\n`;
        const { bank, problems } = checkBankSource(source, 'p.yaml');
        expect(problems).toEqual([]);
        const [c] = shortAnswerCases([bank!]);
        const { forms } = exported(bank!).moodle.get('q')!;
        for (const response of acceptedResponses(c!.cq)) expect(forms.some((form) => moodleMatches(response, form)), response).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('an exact answer is listed as written, nothing more', () => {
    expect(lmsTextForms(['fp16', 'FP16'], 'exact')).toEqual(['fp16', 'FP16']);
  });
});
