/**
 * Ordering questions in GIFT use Moodle's ordering question type (qtype_ordering, standard since Moodle
 * 4.4). Checked against Moodle's own import code, ported from its source in ./moodle-import.ts: every ordering question
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
import { moodleImport } from './moodle-import.js';

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
