/**
 * Text on its way into the XML exports (QTI, Moodle XML): named HTML entities a bank writes by hand
 * (`&times;`, `&nbsp;`) are decoded to characters, every file stays well-formed (checked by saxes, a strict
 * parser we did not write), and a character XML cannot carry is refused by the loader, so no export meets
 * one. (qti-schema.test.ts, full tier, validates such banks with xmllint too.)
 */
import fc from 'fast-check';
import { strFromU8, unzipSync } from 'fflate';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkBankSource, type Bank } from '../../src/quiz/index.js';
import { toQtiPackage } from '../../src/quiz/export/qti.js';
import { toMoodleXml } from '../../src/quiz/export/moodle-xml.js';
import { xmlReferencesOnly } from '../../src/quiz/export/xml-text.js';
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
        expect(findAll(qti['items/b.xml']!, 'mapEntry')[0]!.attributes.mapKey).toBe(accept.trim().replace(/\s+/g, ' '));
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
