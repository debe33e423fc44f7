/**
 * GIFT with hostile texts, checked against Moodle's GIFT import as ported from its source
 * (./moodle-import.ts, from question/format/gift/format.php): `->` (a matching pair's separator, and with
 * `=` what makes an answer block a matching question), a leading `%N%` (an answer's weight), a leading
 * `[html]` (a text's format), GIFT's special characters, and a bank title over several lines. Every item
 * must import as its own question type with its own answers, weights and pairs; where GIFT cannot carry
 * a short answer's form, the form is left out and `giftLimits` says so (never imported wrongly in silence).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBankSource, normalizeText, type Bank } from '../../src/quiz/index.js';
import { giftLimits, toGift } from '../../src/quiz/export/gift.js';
import { inlineHtml } from '../../src/quiz/export/html.js';
import { lmsTextForms } from '../../src/quiz/question-types/text.js';
import { moodleGiftQuestions, phpTrim } from './moodle-import.js';
import { allText, parseXml } from './xml.js';

/**
 * The text a reader sees in an HTML fragment (character references decoded, tags dropped), read by a
 * strict XML parser: the export's HTML is XHTML-compatible, and these texts hold no named HTML entities.
 */
const textContent = (html: string) => allText(parseXml(`<r>${html}</r>`));
/** What Moodle shows for a choice, pair or item written from Markdown: the text of its inline HTML. */
const shown = (markdown: string) => textContent(inlineHtml(markdown));

function bankOf(questions: unknown[], title = 'Hostile'): Bank {
  const { bank, problems } = checkBankSource(JSON.stringify({ bank: 'hostile', title, questions }), 'hostile.yaml');
  expect(problems).toEqual([]);
  return bank!;
}

/** The one question named `id` of the GIFT export, as Moodle imports it. */
function imported(bank: Bank, id: string) {
  const questions = moodleGiftQuestions(toGift(bank, 0)).filter((q) => q.kind === 'question' && q.name === id);
  expect(questions, id).toHaveLength(1);
  return questions[0]! as Extract<ReturnType<typeof moodleGiftQuestions>[number], { kind: 'question' }>;
}

/** A text question's forms, as Moodle must import them (trimmed, a literal `*` written `\*`). */
const asMoodleAnswer = (form: string) => phpTrim(form).replace(/\*/g, '\\*');

/**
 * A text question in GIFT: a short answer; every imported answer is one of kvlab's forms at 100 %; the
 * first form is among them; and the forms left out are exactly those holding `->`, or all but the first
 * when the first holds it, with a note saying how many.
 */
function checkText(accept: string[], match: 'exact' | 'normalized') {
  const bank = bankOf([{ id: 'q', type: 'text', prompt: 'Say it.', accept, match }]);
  const forms = lmsTextForms(accept, match);
  const q = imported(bank, 'q');
  expect(q.type, JSON.stringify(accept)).toBe('shortanswer');
  const answers = q.shortAnswers!;
  for (const a of answers) expect(a.weight, a.answer).toBe(1);
  const wanted = forms.map(asMoodleAnswer);
  const got = answers.map((a) => a.answer);
  for (const answer of got) expect(wanted, answer).toContain(answer);
  expect(got).toContain(wanted[0]);
  const missing = forms.filter((form) => !got.includes(asMoodleAnswer(form)));
  const expectedMissing = forms.some((form) => form.includes('->')) ? (forms[0]!.includes('->') ? forms.slice(1) : forms.filter((form) => form.includes('->'))) : [];
  expect(missing).toEqual(expectedMissing);
  const note = giftLimits(bank, 0).find((l) => l.item.title === 'q')?.limit;
  if (missing.length > 0) {
    expect(note).toMatch(/'->'/);
    expect(note).toContain(String(missing.length));
    expect(note).toContain('--format moodle-xml');
  } else if (match === 'normalized') {
    expect(note).toBeUndefined();
  }
}

function checkChoices(texts: string[], single: boolean) {
  const choices = texts.map((text, i) => ({ text, correct: single ? i === 1 : i !== 0 }));
  const bank = bankOf([{ id: 'q', type: single ? 'single-choice' : 'multiple-choice', prompt: 'Pick.', choices }]);
  const q = imported(bank, 'q');
  expect(q.type, JSON.stringify(texts)).toBe('multichoice');
  expect(q.multichoice!.single).toBe(single);
  expect(q.multichoice!.answers.map((a) => textContent(a.text))).toEqual(texts.map(shown));
  const right = choices.filter((c) => c.correct).length;
  const weights = choices.map((c) => (single ? (c.correct ? 1 : 0) : (c.correct ? 1 : -1) / right));
  q.multichoice!.answers.forEach((a, i) => expect(a.weight, texts[i]).toBeCloseTo(weights[i]!, 5));
}

function checkMatching(pairs: { left: string; right: string }[]) {
  const bank = bankOf([{ id: 'q', type: 'matching', prompt: 'Match.', pairs }]);
  const q = imported(bank, 'q');
  expect(q.type, JSON.stringify(pairs)).toBe('match');
  expect(q.match!.map((p) => ({ left: textContent(p.left), right: p.right }))).toEqual(pairs.map((p) => ({ left: shown(p.left), right: phpTrim(p.right) })));
}

/** An ordering: Moodle's ordering type with the items as written, or (with a note) each item matched to its position. */
function checkOrdering(items: string[]) {
  const bank = bankOf([{ id: 'q', type: 'ordering', prompt: 'Order.', items }]);
  const q = imported(bank, 'q');
  const note = giftLimits(bank, 0).find((l) => l.item.title === 'q')?.limit;
  if (q.type === 'ordering') {
    expect(q.ordering!.items).toEqual(items);
    expect(note).toBeUndefined();
  } else {
    expect(q.type, JSON.stringify(items)).toBe('match');
    expect(q.match!.map((p) => ({ left: textContent(p.left), right: p.right }))).toEqual(items.map((item, i) => ({ left: shown(item), right: String(i + 1) })));
    expect(note).toMatch(/^matched to positions in GIFT: item ".*" (holds|starts|is)/s);
  }
}

const HOSTILE = [
  'K -> V',
  'a -> b',
  'x -> y -> z',
  '->',
  '%50% of it',
  '%5%',
  '%100%',
  '%-25%x',
  ' %5% ',
  '50%',
  '[html]x',
  '[plain] y',
  '[markdown]',
  '[a] b',
  '= a',
  '~ b',
  '# c',
  '{d}',
  'e:f',
  'back\\slash',
  '\\n',
  'T',
  'FALSE',
  '>2 ALL',
  '// c',
  'g ####h',
  'a*b',
];

describe('GIFT with hostile texts, as Moodle imports it', () => {
  it.each(HOSTILE)('text %j: a short answer with kvlab forms only, at 100 %; any form left out is in a note', (s) => {
    checkText([s], 'normalized');
    checkText([s], 'exact');
    checkText([s, 'plain'], 'exact');
    checkText(['plain', s], 'exact');
  });

  it.each(HOSTILE)('choice %j: the choice texts and weights as written, single and multiple', (s) => {
    checkChoices([s, 'other', 'third'], true);
    checkChoices(['other', s, 'third'], true);
    checkChoices([s, 'other', 'third'], false);
    checkChoices(['other', s, 'third'], false);
  });

  it.each(HOSTILE)('matching %j: each pair as written, split where kvlab split it', (s) => {
    checkMatching([{ left: s, right: `${s}!` }, { left: 'other', right: 'x -> y' }]);
    checkMatching([{ left: 'one', right: s }, { left: `${s}?`, right: 'two' }]);
  });

  it.each(HOSTILE)('ordering %j: the ordering type, or positions with a note', (s) => {
    checkOrdering([s, 'b', 'c']);
    checkOrdering(['b', s, '0']);
  });

  it("the reviewed cases: 'K -> V' stays a short answer, '%50% of it' a 0 % choice with its text, 'a -> b' a left side", () => {
    const arrow = imported(bankOf([{ id: 'q', type: 'text', prompt: 'p', accept: ['K -> V'] }]), 'q');
    expect(arrow.type).toBe('shortanswer');
    expect(arrow.shortAnswers).toEqual([{ answer: 'K -> V', weight: 1 }]);
    const percent = imported(bankOf([{ id: 'q', type: 'text', prompt: 'p', accept: ['%5%'], match: 'exact' }]), 'q');
    expect(percent.shortAnswers).toEqual([{ answer: '%5%', weight: 1 }]);
    const choice = imported(bankOf([{ id: 'q', type: 'single-choice', prompt: 'p', choices: [{ text: '%50% of it' }, { text: 'all', correct: true }] }]), 'q');
    expect(choice.multichoice!.answers.map((a) => [textContent(a.text), a.weight])).toEqual([['%50% of it', 0], ['all', 1]]);
    const pairs = imported(bankOf([{ id: 'q', type: 'matching', prompt: 'p', pairs: [{ left: 'a -> b', right: 'c -> d' }, { left: 'e', right: 'f' }] }]), 'q');
    expect(pairs.match!.map((p) => [textContent(p.left), p.right])).toEqual([['a -> b', 'c -> d'], ['e', 'f']]);
  });

  it("the ordering note gives each item's own reason ('0', white space, '}')", () => {
    const note = (items: string[]) => giftLimits(bankOf([{ id: 'q', type: 'ordering', prompt: 'p', items }]), 0)[0]?.limit;
    expect(note(['0', 'a'])).toBe(`matched to positions in GIFT: item "0" is empty to PHP (as '0' is), which Moodle's GIFT ordering syntax cannot carry (--format moodle-xml keeps it an ordering question)`);
    expect(note(['a', ' b'])).toContain('item " b" starts or ends with white space');
    expect(note(['a', 'b}'])).toContain(`item "b}" holds a '}'`);
    expect(note(['a', 'b'])).toBeUndefined();
  });

  it('a bank title over several lines stays in the header comment: the category is read, and no question is added', () => {
    for (const title of ['A long title folded\nover two lines\n', 'x\n\n::evil::Injected {TRUE}\n\ny', 'a\r\nb\rc']) {
      const bank = bankOf([{ id: 'q', type: 'true-false', prompt: 'p', answer: true }], title);
      const questions = moodleGiftQuestions(toGift(bank, 0));
      expect(questions.map((q) => (q.kind === 'category' ? `category ${q.category}` : q.name))).toEqual(['category $course$/kvlab/hostile', 'q']);
    }
  });

  /** Texts built from what GIFT and Moodle's import read specially. */
  const hostileText = fc
    .array(fc.constantFrom('->', '-', '>', '%', '50', '%5%', '[', ']', 'html', 'plain', '=', '~', '#', '{', '}', ':', '\\', ' ', 'a', 'b', 'T', '*', '//', '####'), { minLength: 1, maxLength: 6 })
    .map((parts) => parts.join(''))
    .filter((s) => normalizeText(s).length > 0);

  it('for any hostile texts, every type imports as itself with its answers, weights and pairs (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(hostileText, { minLength: 3, maxLength: 3, selector: normalizeText }), ([a, b, c]) => {
        checkText([a!, b!], 'normalized');
        checkText([a!, b!], 'exact');
        checkChoices([a!, b!, c!], true);
        checkChoices([a!, b!, c!], false);
        fc.pre(normalizeText(`${a}!`) !== normalizeText(b!) && normalizeText(`${a}!`) !== normalizeText(c!));
        checkMatching([{ left: a!, right: c! }, { left: b!, right: `${a}!` }]);
        checkOrdering([a!, b!, c!]);
      }),
      { numRuns: 60 },
    );
  });
});
