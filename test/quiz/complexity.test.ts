/**
 * The complexity type: a big-O product compared as a multiset of factors. For all orderings and every
 * sign and spelling a student types, the key is accepted; dropping, adding or replacing a factor is
 * rejected with feedback naming it; malformed input is not graded and says why in one line. Banks with a
 * bad complexity answer fail to load with the position; the LMS exports list the generated forms.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerKey, checkBankSource, gradeAnswer, loadBank } from '../../src/quiz/index.js';
import { COURSE_SYMBOLS, lmsForms, readFactors, symbolTable } from '../../src/quiz/question-types/complexity.js';
import { toGift } from '../../src/quiz/export/gift.js';
import { toMoodleXml } from '../../src/quiz/export/moodle-xml.js';
import { fixtures } from './helpers.js';

const bank = loadBank(join(fixtures, 'complexity.yaml'));
const KEY = ['L', 'τ', 'd_h', 'n_c'];
const spellingsOf = (name: string) => {
  const symbol = COURSE_SYMBOLS.find((s) => s.name === name)!;
  return [symbol.name, ...symbol.spellings, ...(name === 'd_h' ? ['dₕ', 'd_{h}'] : name === 'n_c' ? ['n_{c}'] : [])];
};
const SEPARATORS = ['*', '·', '⋅', '∙', '×', ' \\cdot ', ' \\times ', ' ', ' * ', ' · ', ' × ', ' x '];
const WRAPPERS = ['O(%)', '%', 'o(%)', '\\mathcal{O}(%)', '$O(%)$', 'O( % )', '$\\mathcal{O}\\left(%\\right)$'];
const caseOf = (text: string, upper: boolean) => (upper && !text.startsWith('\\') ? text.toUpperCase() : text);

/** A spelling of a product: each factor spelt its own way, each gap its own sign, in a wrapper. */
const spelt = (factors: readonly string[]) =>
  fc
    .tuple(
      fc.tuple(...factors.map((f) => fc.tuple(fc.constantFrom(...spellingsOf(f)), fc.boolean()))),
      fc.array(fc.constantFrom(...SEPARATORS), { minLength: factors.length, maxLength: factors.length }),
      fc.constantFrom(...WRAPPERS),
    )
    .map(([names, seps, wrap]) => wrap.replace('%', names.map(([n, up], i) => (i === 0 ? '' : seps[i]!) + caseOf(n, up)).join('')));

const permutation = (items: readonly string[]) => fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

describe('complexity: the multiset of factors decides', () => {
  it('every ordering and every sign and spelling of the key is accepted (property)', () => {
    fc.assert(
      fc.property(permutation(KEY).chain(spelt), (answer) => {
        const verdict = gradeAnswer(bank, 'window', answer);
        expect(verdict.status, answer).toBe('correct');
        expect(verdict.score).toBe(2);
      }),
      { numRuns: 3000 },
    );
  });

  it('all 24 orderings of the case bank answer are right, in the bank form and with LaTeX', () => {
    const perms = fc.sample(permutation(KEY), 400).map((p) => p.join('·'));
    expect(new Set(perms).size).toBe(24);
    for (const p of new Set(perms)) {
      expect(gradeAnswer(bank, 'window', `O(${p})`).correct).toBe(true);
      expect(gradeAnswer(bank, 'window', `$O(${p.replaceAll('·', ' \\cdot ').replace('τ', '\\tau')})$`).correct).toBe(true);
    }
  });

  it('dropping a factor is rejected, naming the missing one (property)', () => {
    fc.assert(
      fc.property(permutation(KEY), fc.nat(3), (perm, drop) => {
        const dropped = perm[drop]!;
        const verdict = gradeAnswer(bank, 'window', `O(${perm.filter((_, i) => i !== drop).join('·')})`);
        expect(verdict.status).toBe('incorrect');
        const name = dropped === 'τ' ? '\\tau' : dropped;
        expect(verdict.messages.join(' ')).toContain(`A factor is missing: $${name}$`);
      }),
      { numRuns: 200 },
    );
  });

  it('adding a factor is rejected, naming the extra one (property)', () => {
    fc.assert(
      fc.property(permutation(KEY), fc.constantFrom('m', 'n_g', 'L', 'τ', 'd_h', 'n_c'), fc.nat(4), (perm, extra, at) => {
        const answer = [...perm.slice(0, at), extra, ...perm.slice(at)];
        const verdict = gradeAnswer(bank, 'window', `O(${answer.join('·')})`);
        expect(verdict.status).toBe('incorrect');
        const name = extra === 'τ' ? '\\tau' : extra;
        const said = verdict.messages.join(' ');
        if (KEY.includes(extra)) expect(said).toContain(`$${name}$ appears 2 times; it belongs once.`);
        else expect(said).toContain(`$${name}$ (`);
      }),
      { numRuns: 200 },
    );
  });

  it('replacing a factor is rejected, naming both (property)', () => {
    fc.assert(
      fc.property(permutation(KEY), fc.nat(3), fc.constantFrom('m', 'n_g'), (perm, at, other) => {
        const replaced = perm[at]!;
        const verdict = gradeAnswer(bank, 'window', perm.map((f, i) => (i === at ? other : f)).join(' '));
        expect(verdict.status).toBe('incorrect');
        const said = verdict.messages.join(' ');
        expect(said).toContain(`$${other}$`);
        expect(said).toContain(`$${replaced === 'τ' ? '\\tau' : replaced}$`);
      }),
      { numRuns: 200 },
    );
  });

  it('the classic wrong forms get targeted feedback', () => {
    expect(gradeAnswer(bank, 'window', 'O(L·τ·d_h·m)').messages).toEqual([
      'You wrote $m$, the sequence length, where the window size $n_c$ belongs: a window keeps at most $n_c$ tokens, so the cache does not grow with $m$.',
    ]);
    expect(gradeAnswer(bank, 'window', 'O(L·τ·d_h·n_c²)').messages).toEqual(['$n_c$ appears 2 times; it belongs once.']);
    expect(gradeAnswer(bank, 'window', 'O(L·n_g·d_h·n_c)').messages[0]).toMatch(/You wrote \$n_g\$ \(KV heads under GQA\)/);
    // Authored feedback first, then the generated one.
    expect(gradeAnswer(bank, 'window-gqa', 'O(L·d_h·n_c)').messages).toEqual(['Each head stores its own keys and values.', 'A factor is missing: $\\tau$, the number of attention heads.']);
  });

  it('gqa: true lets n_g (or g) stand for τ; without it n_g is a different factor', () => {
    for (const answer of ['O(L·n_g·d_h·n_c)', 'L g d_h n_c', 'O(L·τ·d_h·n_c)']) expect(gradeAnswer(bank, 'window-gqa', answer).correct, answer).toBe(true);
    expect(gradeAnswer(bank, 'window', 'O(L·n_g·d_h·n_c)').correct).toBe(false);
  });

  it('exponents count a factor that many times: n_c^2 = n_c² = n_c^{2} = n_c·n_c', () => {
    for (const answer of ['O(L·n_c^2)', 'O(L n_c²)', 'O(L·n_c^{2})', 'n_c n_c L', 'O((n_c)^2 L)', 'O(2·L·n_c^2)']) {
      expect(gradeAnswer(bank, 'squared', answer).correct, answer).toBe(true);
    }
    expect(gradeAnswer(bank, 'squared', 'O(L·n_c)').messages).toEqual(['A factor is missing: $n_c$, the window size.']);
    expect(gradeAnswer(bank, 'squared', 'O(L·n_c^3)').messages).toEqual(['$n_c$ appears 3 times; it belongs 2 times.']);
  });

  it('aliases add a symbol and its spellings', () => {
    for (const answer of ['O(L·τ·d_h·n_cm)', 'L tau dh ncm', 'O(L \\cdot \\tau \\cdot d_h \\cdot n_{cm})']) expect(gradeAnswer(bank, 'compressive', answer).correct, answer).toBe(true);
  });

  it.each([
    ['O(L·τ·d_h·(n_c', 'the parentheses do not balance (2 opened, 0 closed)'],
    ['O(L·τ·d_h·n_c))', 'the parentheses do not balance (1 opened, 2 closed)'],
    ['O(L·τ·q·n_c)', "'q' is not a symbol of this course (use L, τ, d_h, n_c, m, n_g)"],
    ['O(L + n_c)', "'+' is not a product: write the factors multiplied, e.g. O(a·b·c)"],
    ['O(L·τ·d_h·n_c/2)', "'/' is not a product: write the factors multiplied, e.g. O(a·b·c)"],
    ['O()', 'the formula is empty'],
    ['O(L)·O(τ)', 'O(…) may only wrap the whole formula, once'],
    [42, 'expected a formula as text, e.g. "O(a·b·c)", got the number 42'],
  ])('%j is not graded: %s', (answer, reason) => {
    const verdict = gradeAnswer(bank, 'window', answer);
    expect(verdict).toMatchObject({ status: 'not-graded', score: 0, reason });
    expect(verdict.feedback.split('\n')[0]).toBe(`Not graded: ${reason}. Score 0/2.`);
  });

  it('the key and the describe agree, and the key scores full marks, in a scenario too', () => {
    expect(answerKey(bank, 'window')).toEqual({ type: 'complexity', answer: 'O(L·τ·d_h·n_c)' });
    const key = answerKey(bank, 'case');
    expect(key.type === 'scenario' && key.answer.formula).toEqual({ type: 'complexity', answer: 'O(L·τ·d_h·n_c)' });
    expect(gradeAnswer(bank, 'case', { formula: 'n_c τ d_h L', grows: false })).toMatchObject({ score: 2, correct: true });
  });

  it('readFactors never throws on any text (property)', () => {
    const table = symbolTable();
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => void readFactors(text, table)), { numRuns: 3000 });
    fc.assert(fc.property(fc.stringMatching(/^[Oo(){}^_\\ ·*×0-9Lτd_hnc m]{0,40}$/), (text) => void readFactors(text, table)), { numRuns: 3000 });
  });
});

describe('complexity in a bank', () => {
  const source = (answer: string, extra = '') => `bank: b\ntitle: t\nquestions:\n  - id: q\n    type: complexity\n    prompt: p\n    answer: "${answer}"\n${extra}`;
  it('an answer that cannot be read is a load error with its position', () => {
    expect(checkBankSource(source('O(L·x·τ)'), 'b.yaml').problems).toEqual([
      "b.yaml:7:13: question 'q': answer 'O(L·x·τ)' cannot be read: 'x' is not a symbol of this course (use L, τ, d_h, n_c, m, n_g)",
    ]);
    expect(checkBankSource(source('L·τ', '    feedback:\n      - {answer: "τ·L", message: m}\n'), 'b.yaml').problems[0]).toMatch(/feedback\[0\]\.answer is the right answer/);
  });
});

describe('complexity in LMS exports', () => {
  it('generates every ordering × the common signs, with and without O(…), τ and tau, bounded', () => {
    const forms = lmsForms(new Map(KEY.map((k) => [k, 1])));
    expect(forms.length).toBe(24 * 9 * 2 * 2);
    expect(new Set(forms).size).toBe(forms.length);
    for (const form of forms) expect(gradeAnswer(bank, 'window', form).correct, form).toBe(true);
    expect(lmsForms(new Map(KEY.map((k) => [k, 1])), 50)).toHaveLength(50);
  });

  it('is a short answer in GIFT and Moodle XML, with * written as a literal for Moodle', () => {
    const gift = toGift(bank, 0);
    expect(gift).toContain('=O(L·τ·d_h·n_c) =O(L·τ·n_c·d_h)');
    expect(gift).toContain('=O(L\\\\*τ\\\\*d_h\\\\*n_c)');
    const xml = toMoodleXml(bank, 0);
    expect(xml).toContain('<question type="shortanswer">');
    expect(xml).toContain('<text>O(L\\*τ\\*d_h\\*n_c)</text>');
  });
});

describe('complexity answers are data', () => {
  it('any JSON value grades without throwing, with a score in [0, max] (property)', () => {
    const ids = bank.questions.map((q) => q.id);
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.oneof(fc.jsonValue(), fc.string({ maxLength: 80 })), (id, answer) => {
        const verdict = gradeAnswer(bank, id, answer);
        expect(verdict.score).toBeGreaterThanOrEqual(0);
        expect(verdict.score).toBeLessThanOrEqual(verdict.max);
        expect(verdict.feedback.length).toBeLessThan(2000);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('LMS forms of a power', () => {
  it('list n_c·n_c, n_c^2 and n_c², each of them right for kvlab too', () => {
    const forms = lmsForms(new Map([['L', 1], ['n_c', 2]]));
    expect(forms).toContain('O(L·n_c·n_c)');
    expect(forms).toContain('O(n_c^2·L)');
    expect(forms).toContain('L n_c²');
    for (const form of forms) expect(gradeAnswer(bank, 'squared', form).correct, form).toBe(true);
  });
});
