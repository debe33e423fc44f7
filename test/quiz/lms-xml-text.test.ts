/**
 * Text on its way into the XML exports (QTI, Moodle XML): named HTML entities a bank writes by hand
 * (`&times;`, `&nbsp;`) are decoded to characters, every file stays well-formed (checked by saxes, a strict
 * parser we did not write), and a character XML cannot carry is refused by the loader, so no export meets
 * one. Also: the shares of a multiple-answer question add up to full marks in QTI, and its fractions are
 * ones Moodle's importer accepts. (qti-schema.test.ts, full tier, validates such banks with xmllint too.)
 */
import fc from 'fast-check';
import { strFromU8, unzipSync } from 'fflate';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkBankSource, type Bank } from '../../src/quiz/index.js';
import { mappedValues, toQtiPackage } from '../../src/quiz/export/qti.js';
import { toMoodleXml } from '../../src/quiz/export/moodle-xml.js';
import { xmlReferencesOnly } from '../../src/quiz/export/xml-text.js';
import { questionTypeWarnings } from '../../src/quiz/lint/type-warnings.js';
import { allText, findAll, parseXml, type XmlElement } from './xml.js';

function bankOf(raw: unknown, file = 'x.yaml'): Bank {
  const { bank, problems } = checkBankSource(stringify(raw), file);
  if (!bank) throw new Error(problems.join('\n'));
  return bank;
}

/** Every file of the QTI package and the Moodle XML, parsed strictly (throws if one is not well-formed). */
function exportsOf(bank: Bank): { qti: Record<string, XmlElement>; moodle: XmlElement } {
  const qti: Record<string, XmlElement> = {};
  for (const [name, bytes] of Object.entries(unzipSync(toQtiPackage(bank, 0)))) qti[name] = parseXml(strFromU8(bytes));
  return { qti, moodle: parseXml(toMoodleXml(bank, 0)) };
}

const ENTITY_BANK = {
  bank: 'ent',
  title: 'Entities &times; -- the title &amp; more',
  questions: [
    { id: 'ent', type: 'true-false', prompt: '2 &times; 3 &nbsp;bytes, &#x41; &amp; &lt; &bogus; a & b <b>x &mdash; y</b>', answer: true, explanation: '&hellip; done' },
    { id: 'mc', type: 'single-choice', prompt: 'pick', choices: [{ text: '&times; one', correct: true, feedback: 'yes &check;' }, { text: 'two &nbsp;' }] },
    { id: 'txt', type: 'text', prompt: 'say', accept: ['a &times; b'] },
    { id: 'num', type: 'numeric', prompt: 'n', answer: 3, unit: '&micro;s' },
    { id: 'm', type: 'matching', prompt: 'm', pairs: [{ left: '&alpha;', right: '&beta;' }, { left: 'c', right: 'd & e' }] },
  ],
};

describe('HTML entities in the XML exports', () => {
  it('named entities in Markdown become characters in QTI and Moodle XML, and every file is well-formed', () => {
    const { qti, moodle } = exportsOf(bankOf(ENTITY_BANK));
    const prompt = allText(findAll(qti['items/ent.xml']!, 'itemBody')[0]!);
    expect(prompt).toContain('2 × 3 \u00a0bytes, A & < &bogus; a & b x — y'); // &bogus; is no entity: kept as its text
    expect(allText(findAll(qti['items/mc.xml']!, 'simpleChoice')[0]!)).toBe('× one');
    expect(allText(findAll(qti['items/m.xml']!, 'simpleAssociableChoice')[0]!)).toBe('α');
    // Plain-text fields are text as written: the accepted answer is the string a student types.
    expect(findAll(qti['items/txt.xml']!, 'mapEntry')[0]!.attributes.mapKey).toBe('a &times; b');
    expect(qti['items/ent.xml']!.attributes.title).toBe('ent');
    expect(qti['assessmentTest.xml']!.attributes.title).toBe('Entities &times; -- the title &amp; more');
    // Moodle XML carries HTML as text: decoded by the XML parser, it is HTML holding the characters.
    const texts = findAll(moodle, 'questiontext').map((q) => allText(q).trim());
    expect(texts[0]).toBe('<p>2 × 3 \u00a0bytes, A &amp; &lt; &amp;bogus; a &amp; b <b>x — y</b></p>');
    expect(findAll(moodle, 'answer').map((a) => allText(findAll(a, 'text')[0]!))).toContain('a &times; b');
  });

  it('property: any mix of entities, references, bare & and markup in any text exports well-formed QTI and Moodle XML', () => {
    const piece = fc.constantFrom('&times;', '&nbsp;', '&#x41;', '&#65;', '&#7;', '&#0;', '&#x1F600;', '&#xD800;', '&bogus;', '&', '&amp;', '&lt;', '&AMP;', '&#60;', '&#x26;',
      '&NotNestedLessLess;', '&times', '<b>', '</b>', '<span title="&times; &#7;">s</span>', 'text', ' ', '--', '-', '$a < b$', '`&times;`');
    const text = fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')).filter((s) => s.trim() !== '');
    fc.assert(
      fc.property(fc.tuple(text, text, text, text, text, text), ([title, prompt, choice, accept, unit, right]) => {
        const bank = bankOf({
          bank: 'p', title,
          questions: [
            { id: 'a', type: 'single-choice', prompt, explanation: prompt, choices: [{ text: `${choice} 1`, correct: true, feedback: choice }, { text: `${choice} 2` }] },
            { id: 'b', type: 'text', prompt, accept: [accept] },
            { id: 'c', type: 'numeric', prompt, answer: 2, unit },
            { id: 'd', type: 'matching', prompt, pairs: [{ left: `${choice} 1`, right: `${right} 1` }, { left: `${choice} 2`, right: `${right} 2` }] },
          ],
        });
        const { qti } = exportsOf(bank); // throws if any file is not well-formed
        // A text's own characters survive: the accepted answer is exactly what was written.
        expect(findAll(qti['items/b.xml']!, 'mapEntry')[0]!.attributes.mapKey).toBe(accept.trim());
      }),
      { numRuns: 30 },
    );
  });

  it('xmlReferencesOnly leaves only XML\'s own references and never a character XML forbids', () => {
    const piece = fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('&times;', '&#7;', '&#xFFFE;', '&', '&amp;', '&lt;', '<b>', '</b>', '&#39;'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (parts) => {
        const out = xmlReferencesOnly(parts.join(''));
        expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u);
        for (const [reference] of out.matchAll(/&[^;]*;?/g)) expect(reference).toMatch(/^&(amp|lt|gt|quot|apos|#39);$/);
      }),
      { numRuns: 200 },
    );
  });
});

describe('characters XML cannot carry', () => {
  const prompt = (text: string) => ({ bank: 'c', title: 'c', questions: [{ id: 'q', type: 'true-false', prompt: text, answer: true }] });

  it('are refused by the loader with one line naming file:line:col and the character', () => {
    const escaped = checkBankSource('bank: c\ntitle: c\nquestions:\n  - id: q\n    type: true-false\n    prompt: "bell \\u0007 here"\n    answer: true\n', 'c.yaml');
    expect(escaped.bank).toBeUndefined();
    expect(escaped.problems).toEqual(['c.yaml:6:13: holds the character U+0007 (BEL), which XML cannot carry (no LMS export could hold it); remove it']);
    // Written as itself, the position is the character's own.
    const raw = checkBankSource('bank: c\ntitle: c\nquestions:\n  - id: q\n    type: true-false\n    prompt: raw\u0001here\n    answer: true\n', 'c.yaml');
    expect(raw.problems).toEqual(['c.yaml:6:16: holds the character U+0001 (SOH), which XML cannot carry (no LMS export could hold it); remove it']);
    // In a key, a title, a choice: anywhere.
    expect(checkBankSource('bank: c\ntitle: "t\\uFFFE"\nquestions: []\n', 'c.yaml').problems[0]).toMatch(/^c\.yaml:2:8: holds the character U\+FFFE,/);
  });

  it('property: every C0 control but tab, line feed and carriage return, U+FFFE and U+FFFF is refused; those three are not', () => {
    const forbidden = [...Array(32).keys()].filter((c) => c !== 9 && c !== 10 && c !== 13).concat([0xfffe, 0xffff]);
    fc.assert(
      fc.property(fc.constantFrom(...forbidden), fc.string({ maxLength: 5 }), (code, around) => {
        const checked = checkBankSource(stringify(prompt(`${around.replace(/[\u0000-\u001F\uFFFE\uFFFF]/gu, '')}x${String.fromCharCode(code)}`)), 'c.yaml');
        expect(checked.bank).toBeUndefined();
        expect(checked.problems.some((p) => p.includes(`holds the character U+${code.toString(16).toUpperCase().padStart(4, '0')}`))).toBe(true);
      }),
      { numRuns: 100 },
    );
    for (const ok of ['\t', '\n', '\r']) expect(checkBankSource(stringify(prompt(`a${ok}b`)), 'c.yaml').bank).toBeDefined();
  });
});

/** Moodle's grade fractions (question_bank::fraction_options_full, moodle/moodle question/engine/bank.php). */
const MOODLE_FRACTIONS = [1, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0].flatMap((f) => [f, -f]);
/** Moodle's import (question/format.php importprocess → match_grade_options, matchgrades 'error') accepts a fraction within 0.00001 of one. */
const moodleAccepts = (fraction: number) => MOODLE_FRACTIONS.some((f) => Math.abs(fraction - f) < 0.00001);

describe('multiple-answer credit', () => {
  const multi = (right: number, wrong: number, points: number) =>
    bankOf({ bank: 'm', title: 'm', questions: [{ id: 'q', type: 'multiple-choice', prompt: 'p', points, choices: [
      ...Array.from({ length: right }, (_, i) => ({ text: `right ${i}`, correct: true })),
      ...Array.from({ length: right === 1 ? Math.max(1, wrong) : wrong }, (_, i) => ({ text: `wrong ${i}` })),
    ] }] });

  it('property: a perfect answer reaches exactly MAXSCORE in QTI, summed in any order, and nothing else does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(0.5, 1, 2, 3, 7, 10, 0.25), fc.integer(), (right, wrong, points, seed) => {
        const item = exportsOf(multi(right, wrong, points)).qti['items/q.xml']!;
        const mapping = findAll(item, 'mapping')[0]!;
        const values = findAll(mapping, 'mapEntry').map((e) => Number(e.attributes.mappedValue));
        const upper = Number(mapping.attributes.upperBound);
        const maxScore = Number(allText(findAll(item, 'outcomeDeclaration').find((o) => o.attributes.identifier === 'MAXSCORE')!));
        // QTI's mapResponse: the sum of the picked entries, clamped to [lowerBound, upperBound]; a player may sum in any order.
        const shuffled = values.slice(0, right).sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        const score = (picked: number[]) => Math.min(upper, Math.max(0, picked.reduce((sum, v) => sum + v, 0)));
        expect(score(values.slice(0, right))).toBe(maxScore);
        expect(score(shuffled)).toBe(maxScore);
        expect(score([...values.slice(0, right)].reverse())).toBe(maxScore);
        expect(maxScore).toBe(points);
        // Each share is the exact one to 1e-11 of the points; one right choice fewer is not full marks.
        for (const v of values.slice(0, right)) expect(Math.abs(v - points / right)).toBeLessThan(points * 1e-11);
        if (right > 1) expect(score(values.slice(1, right))).toBeLessThan(maxScore);
      }),
      { numRuns: 60 },
    );
  });

  it('mappedValues keeps shares that already add up (halves, quarters, whole answers) as they are', () => {
    expect(mappedValues([0.5, 0.5, -0.5], 1)).toEqual(['0.5', '0.5', '-0.5']);
    expect(mappedValues([1, 1], 3)).toEqual(['3', '3']);
    expect(mappedValues([1 / 3, 1 / 3, 1 / 3], 1)).toEqual(['0.333333333334', '0.333333333334', '0.333333333334']);
    expect(mappedValues([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], 1)[0]).toBe('0.100000000001'); // 0.1 × 10 is 0.9999999999999999
  });

  it('lint warns of a multiple-choice question exactly when Moodle\'s importer would refuse its fractions (1–25 right choices)', () => {
    for (let right = 1; right <= 25; right++) {
      const bank = multi(right, 1, 1);
      const refused = findAll(exportsOf(bank).moodle, 'answer').some((a) => !moodleAccepts(Number(a.attributes.fraction) / 100));
      const warnings = questionTypeWarnings([bank]);
      expect(warnings.length > 0, `${right} right choices`).toBe(refused);
      if (refused) expect(warnings).toEqual([`x.yaml: warning: Moodle cannot import its credit: question 'q': ${right} right choices are worth 1/${right} of the points each, which is not one of Moodle's grade fractions (1/k for k = 1–10 or 20), so Moodle refuses its GIFT and Moodle XML export; mark at most 10 choices right (QTI carries it as it is)`]);
    }
  });

  it('Moodle XML writes fractions Moodle\'s importer accepts for 1–10 and 20 right choices, with up to 3 wrong ones', () => {
    for (const right of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20]) {
      for (const wrong of [0, 1, 3]) {
        const fractions = findAll(exportsOf(multi(right, wrong, 2)).moodle, 'answer').map((a) => Number(a.attributes.fraction) / 100);
        expect(fractions).toHaveLength(right + (right === 1 ? Math.max(1, wrong) : wrong));
        expect(fractions.filter((f) => !moodleAccepts(f)), `${right} right, ${wrong} wrong`).toEqual([]);
      }
    }
  });
});
