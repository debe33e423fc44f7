/**
 * Ordering questions in GIFT use Moodle's ordering question type (qtype_ordering, standard since Moodle
 * 4.4). Checked against Moodle's own import code, ported below from its source: every ordering question
 * of the course banks and the fixtures imports as an ordering question graded by absolute position, with
 * kvlab's items in kvlab's order; for any items, the export uses that syntax exactly when Moodle would read
 * the items back unchanged, and matches items to positions otherwise.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBankSource, loadBank, loadBanks, normalizeText, type Bank } from '../../src/quiz/index.js';
import { compiledOf } from '../../src/quiz/compiled.js';
import { typeModule } from '../../src/quiz/question-types/registry.js';
import { toGift } from '../../src/quiz/export/gift.js';
import { fixtures } from './helpers.js';

// ---- Moodle's GIFT import, as far as an ordering question goes -------------------------------------------

/** PHP's trim(): these six characters only. */
const phpTrim = (s: string) => s.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');
/** PHP's empty() on a string: '' and '0'. */
const phpEmpty = (s: string) => s === '' || s === '0';

/** qformat_default::readquestions (moodle/moodle, question/format.php): a question is a run of non-blank lines, each trimmed. */
function readQuestions(file: string): string[][] {
  const questions: string[][] = [];
  let current: string[] = [];
  for (const raw of file.split(/\r\n|\n|\r/)) {
    const line = phpTrim(raw);
    if (phpEmpty(line)) {
      if (current.length > 0) questions.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) questions.push(current);
  return questions;
}

/** qformat_gift::escapedchar_pre (question/format/gift/format.php): escaped control characters become placeholders, \\ a backslash. */
function escapedcharPre(text: string): string {
  const escapes: [string, string][] = [['\\:', '&&058;'], ['\\#', '&&035;'], ['\\=', '&&061;'], ['\\{', '&&123;'], ['\\}', '&&125;'], ['\\~', '&&126;'], ['\\n', '&&010']];
  let out = text.replaceAll('\\\\', '&&092;');
  for (const [escaped, placeholder] of escapes) out = out.replaceAll(escaped, placeholder);
  return out.replaceAll('&&092;', '\\');
}

/**
 * qformat_gift::readquestion up to the point where plugins get the answer text ($extra): comment lines
 * blanked, lines imploded with "\n", escapes replaced, ::name:: taken off, the answer text between the first
 * '{' and the first '}', trimmed, with the general feedback after the last '####' taken off.
 */
function giftAnswerText(lines: string[]): { name: string | undefined; answerText: string } | undefined {
  const text0 = phpTrim(lines.map((line) => (phpTrim(line).startsWith('//') ? ' ' : line)).join('\n'));
  let text = escapedcharPre(text0);
  if (/^\$CATEGORY:/.test(text)) return undefined;
  let name: string | undefined;
  if (text.startsWith('::')) {
    text = text.slice(2);
    const end = text.indexOf('::');
    if (end >= 0) {
      name = text.slice(0, end);
      text = phpTrim(text.slice(end + 2));
    }
  }
  const start = text.indexOf('{');
  const finish = text.indexOf('}');
  if (start < 0 || finish < 0) return { name, answerText: '' };
  let answerText = phpTrim(text.slice(start + 1, finish));
  const feedback = answerText.lastIndexOf('####');
  if (feedback >= 0) answerText = phpTrim(answerText.slice(0, feedback));
  return { name, answerText };
}

/**
 * qtype_ordering::import_from_gift (moodle/moodle, question/type/ordering/questiontype.php, Moodle 4.4+):
 * its regular expression, alternatives and all (including 'RELATIVE|REL' . 'LONGEST_ORDERED_SUBSET|', which
 * glues two names together), then the items: the rest split on line breaks, trimmed, PHP-empty ones dropped.
 */
function importOrdering(extra: string) {
  const selectcount = '\\d+';
  const selecttype = '(?:ALL|EXACT|' + 'RANDOM|REL|' + 'CONTIGUOUS|CONTIG)?';
  const layouttype = '(?:HORIZONTAL|HORI|H|1|' + 'VERTICAL|VERT|V|0)?';
  const gradingtype =
    '(?:ALL_OR_NOTHING|' +
    'ABSOLUTE_POSITION|' +
    'ABSOLUTE|ABS|' +
    'RELATIVE_NEXT_EXCLUDE_LAST|' +
    'RELATIVE_NEXT_INCLUDE_LAST|' +
    'RELATIVE_ONE_PREVIOUS_AND_NEXT|' +
    'RELATIVE_ALL_PREVIOUS_AND_NEXT|' +
    'RELATIVE_TO_CORRECT|' +
    'RELATIVE|REL' +
    'LONGEST_ORDERED_SUBSET|' +
    'LONGEST_CONTIGUOUS_SUBSET)?';
  const showgrading = '(?:SHOW|TRUE|YES|1|HIDE|FALSE|NO|0)?';
  const numberingstyle = '(?:none|123|abc|ABCD|iii|IIII)?';
  const search = new RegExp(
    '^\\s*>\\s*(' + selectcount + ')\\s*' + '(' + selecttype + ')\\s*' + '(' + layouttype + ')\\s*' + '(' + gradingtype + ')\\s*' + '(' + showgrading + ')\\s*' + '(' + numberingstyle + ')\\s*' + '(.*?)\\s*$',
    's',
  );
  if (extra === '') return undefined;
  const m = search.exec(extra);
  if (!m) return undefined;
  const items = m[7]!.split(/[\r\n]+/).filter((a) => !phpEmpty(a)).map(phpTrim).filter((a) => !phpEmpty(a));
  return { selectcount: m[1], selecttype: m[2], layouttype: m[3], gradingtype: m[4], showgrading: m[5], numberingstyle: m[6], items };
}

/** Each question of a GIFT file as Moodle reads it: its name and, if the ordering type takes it, the ordering. */
function moodleImport(gift: string) {
  return readQuestions(gift).flatMap((lines) => {
    const read = giftAnswerText(lines);
    return read ? [{ name: read.name, answerText: read.answerText, ordering: importOrdering(read.answerText) }] : [];
  });
}

// ---- The banks ----------------------------------------------------------------------------------------------

/** Every ordering question (scenario parts included): its GIFT title and its items in the right order. */
function orderingQuestions(bank: Bank): { title: string; items: string[] }[] {
  const out: { title: string; items: string[] }[] = [];
  for (const cq of compiledOf(bank).byId.values()) {
    const parts = typeModule(cq.def.type).compiledParts?.(cq);
    for (const q of parts ? parts.map((p) => ({ title: `${cq.def.id} / ${p.def.id}`, def: p.def })) : [{ title: cq.def.id, def: cq.def }]) {
      if (q.def.type === 'ordering') out.push({ title: q.title, items: (q.def as unknown as { items: string[] }).items });
    }
  }
  return out;
}

const banks = [...loadBanks(), loadBank(join(fixtures, 'all-types.yaml'))];

describe('ordering questions in GIFT, as Moodle imports them', () => {
  it("every course ordering imports as Moodle's ordering type: all items, kvlab's order, graded by absolute position", () => {
    let checked = 0;
    for (const bank of banks) {
      const imported = moodleImport(toGift(bank, 0));
      for (const q of orderingQuestions(bank)) {
        const found = imported.find((i) => i.name === q.title);
        expect(found, q.title).toBeDefined();
        expect(found!.ordering, `${q.title}: ${found!.answerText}`).toEqual({
          selectcount: String(q.items.length),
          selecttype: 'ALL',
          layouttype: 'VERTICAL',
          gradingtype: 'ABSOLUTE_POSITION',
          showgrading: 'SHOW',
          numberingstyle: 'none',
          items: q.items,
        });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });

  it('no other question of the course is taken by the ordering import', () => {
    for (const bank of banks) {
      const orderings = new Set(orderingQuestions(bank).map((q) => q.title));
      for (const q of moodleImport(toGift(bank, 0))) if (!orderings.has(q.name ?? '')) expect(q.ordering, q.name).toBeUndefined();
    }
  });

  /** An item as a student would see it: words, GIFT's special characters, TeX, things the numbering token would eat. */
  const itemText = fc.oneof(
    fc.stringMatching(/^[a-z0-9 =~#:{}\\$_.,()/-]{1,16}$/),
    fc.constantFrom('abc first', '123 tokens', 'iii', 'none of them', '\\neq', '\\n_c', 'a } b', '// comment', 'x #### y', '0', 'SHOW', 'V', '1'),
  );

  it('for any items: the ordering syntax exactly when Moodle reads them back unchanged (with or without a general feedback), else matching to positions (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(itemText, { minLength: 2, maxLength: 6, selector: (s) => normalizeText(s) }), (items) => {
        fc.pre(items.every((i) => normalizeText(i).length > 0));
        const source = `bank: p\ntitle: P\nquestions:\n  - id: q\n    type: ordering\n    prompt: Order them.\n    items: ${JSON.stringify(items)}\n    explanation: Because.\n`;
        const checked = checkBankSource(source, 'p.yaml');
        expect(checked.problems).toEqual([]);
        const gift = toGift(checked.bank!, 0);
        const [question] = moodleImport(gift).filter((q) => q.name === 'q');
        // What the ordering syntax would give, written here independently of the exporter.
        // With and without a general feedback (####), which changes where Moodle cuts the answer text.
        const readsBack = ['', ' ####<p>Because.</p>'].every((general) => {
          const written = `::q::[html]<p>Order them.</p> {>${items.length} ALL VERTICAL ABSOLUTE_POSITION SHOW none\n${items.map((i) => `${i.replaceAll('\\', '\\\\')}\n`).join('')}${general}}`;
          const read = moodleImport(written);
          return read.length === 1 && JSON.stringify(read[0]!.ordering?.items) === JSON.stringify(items);
        });
        if (readsBack) {
          expect(question!.ordering?.items).toEqual(items);
        } else {
          expect(question!.ordering).toBeUndefined();
          expect(gift).toContain('Give each item its position');
          expect(question!.answerText).toMatch(/^=.* -> 1 =.* -> 2/s);
        }
      }),
      { numRuns: 400 },
    );
  });
});
