/**
 * The student's copy holds no key. For the example assignment and for an assignment made of every question
 * of every bank that ships with kvlab, the release (assignment.json and the notebooks) is searched, for
 * many seeds (200 for the example, 50 for the course banks), for every accepted form, explanation, choice and numeric feedback text, and every numeric
 * key that is not also a number the student is shown; none is found. And the keyless form still gives each
 * student the variant the private bank gives them (same params, same choices), so grading agrees.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerKey, findBank, gradeAnswer, loadBanks, questionVariant, type AnswerKey, type Bank, type Question } from '../../src/quiz/index.js';
import { formatNumber } from '../../src/quiz/template.js';
import { loadAssignment, type AssignmentSource } from '../../src/assignment/manifest.js';
import { buildRelease, writeRelease } from '../../src/assignment/release.js';
import { answerShapeProblem, keylessQuestion, keylessVariant } from '../../src/assignment/keyless.js';
import { root, tempDir } from '../quiz/helpers.js';
import { exampleDir } from './helpers.js';

/** Seeds searched: every one for the example; every course question for the first quarter of them (a unit-tier budget). */
const SEEDS = 200;
const COURSE_SEEDS = 50;
const courseBanks = loadBanks(join(root, 'quizzes'));

/** An assignment holding every question of every course bank (no notebooks needed for the search). */
function everyQuestion(): AssignmentSource {
  return {
    dir: exampleDir,
    id: 'all-banks',
    title: 'every course question',
    notebooks: [],
    solutions: 'hidden',
    questions: courseBanks.flatMap((bank) => bank.questions.map((q) => ({ id: q.id, bank, points: q.points }))),
    exercises: [],
  };
}

/** The graded-side texts that state or imply an answer, for one seed: explanations and feedback filled in. */
function secretTexts(bank: Bank, q: Question, seed: number): string[] {
  const out: string[] = [];
  // What the grader says after the verdict line: matched feedback and the explanation, for right and wrong answers.
  const key = answerKey(bank, q.id, seed);
  const blocks = (answer: unknown) => gradeAnswer(bank, q.id, answer, seed).feedback.split('\n\n').slice(1);
  out.push(...blocks(undefined), ...blocks(key.answer));
  const add = (k: AnswerKey) => {
    if (k.type === 'text') out.push(...k.accept);
  };
  add(key);
  if (key.type === 'scenario') Object.values(key.answer).forEach(add);
  const choices = (question: Question) => {
    if (question.type === 'single-choice' || question.type === 'multiple-choice') {
      for (const c of question.choices) if (c.feedback) out.push(c.feedback);
    }
    if (question.type === 'numeric') for (const f of question.feedback) out.push(f.message);
    if (question.type === 'scenario') question.parts.forEach(choices);
  };
  choices(q);
  return out.map((t) => t.trim()).filter((t) => t.length >= 6);
}

function numericKeys(key: AnswerKey): number[] {
  if (key.type === 'numeric') return [key.answer];
  if (key.type === 'scenario') return Object.values(key.answer).flatMap(numericKeys);
  return [];
}

function releaseText(source: AssignmentSource): string {
  const release = buildRelease(source);
  return [JSON.stringify(release.manifest), ...release.notebooks.map((n) => JSON.stringify(n.notebook))].join('\n');
}

/**
 * Searches `text` (the whole release) for the keys of every question. With `perQuestion`, a question's texts
 * are searched in its own released entry only: across the course banks one question's answer is sometimes
 * another question's printed option (a complexity written as a matching option), which is not a key.
 */
function expectNoKey(source: AssignmentSource, text: string, perQuestion = false, seeds = SEEDS): void {
  const entries = new Map<string, string>(
    !perQuestion ? [] : (JSON.parse(text.split('\n')[0]!) as { questions: { id: string; bank: string }[] }).questions.map((q) => [`${q.bank}/${q.id}`, JSON.stringify(q)]),
  );
  // No field that holds a key at all.
  for (const field of ['"answer"', '"accept"', '"correct"', '"explanation"', '"feedback"', '"tolerance":{"relative"', '"expected":"']) {
    expect(text, field).not.toContain(field);
  }
  const shownNumbers = new Set<string>();
  for (let seed = 0; seed < seeds; seed++) {
    for (const q of source.questions) {
      const question = q.bank.questions.find((x) => x.id === q.id)!;
      const variant = questionVariant(q.bank, q.id, seed);
      // A numeric key that equals a number the student is shown (a param, a choice) says nothing.
      for (const n of JSON.stringify(variant).match(/-?\d+(\.\d+)?/g) ?? []) shownNumbers.add(n);
      const where = perQuestion ? entries.get(`${q.bank.id}/${q.id}`)! : text;
      for (const secret of secretTexts(q.bank, question, seed)) expect(where.includes(secret), `${q.id} seed ${seed}: ${secret}`).toBe(false);
      for (const n of numericKeys(answerKey(q.bank, q.id, seed))) {
        const written = formatNumber(n);
        if (shownNumbers.has(written) || written.replace(/^-/, '').replace('.', '').length < 4) continue;
        const pattern = new RegExp(`(?<![\\d.])${written.replace('.', '\\.')}(?![\\d])`);
        expect(pattern.test(perQuestion ? where : text), `${q.id} seed ${seed}: key ${written}`).toBe(false);
      }
    }
  }
}

describe('the release holds no key', () => {
  it('the example assignment, written to disk, for 200 seeds', () => {
    const source = loadAssignment(exampleDir);
    const out = join(tempDir('kvlab-release-'), 'r');
    const { files } = writeRelease(source, out);
    const text = files.map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    expectNoKey(source, text);
    // The solutions of the notebook are gone too.
    expect(text).not.toContain('Math.min(window, tokens)');
    expect(text).not.toContain("hw.answer('window-growth', 'b')");
  });

  it('every question of every course bank, all eight types, for 50 seeds', () => {
    const source = everyQuestion();
    const types = new Set(source.questions.map((q) => q.bank.questions.find((x) => x.id === q.id)!.type));
    expect(types.size).toBeGreaterThanOrEqual(7);
    expectNoKey(source, releaseText(source), true, COURSE_SEEDS);
  });
});

describe('a keyless question gives the student the bank variant', () => {
  const all = courseBanks.flatMap((bank) => bank.questions.map((q) => ({ bank, q })));

  it('same params, prompt, choices and options (as sets) for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length - 1 }), fc.nat(), (i, seed) => {
        const { bank, q } = all[i]!;
        const mine = keylessVariant(keylessQuestion(q), bank.id, seed);
        const theirs = questionVariant(bank, q.id, seed);
        // Read as plain data: the fields a variant has depend on its type.
        const strip = (variant: typeof mine): unknown => {
          const v = variant as unknown as Record<string, unknown> & { right?: string[]; items?: string[]; parts?: (typeof mine)[] };
          return {
            params: v.params,
            prompt: v.prompt,
            choices: v.choices,
            context: v.context,
            left: v.left,
            right: v.right && [...v.right].sort(),
            items: v.items && [...v.items].sort(),
            parts: v.parts?.map(strip),
          };
        };
        expect(strip(mine)).toEqual(strip(theirs));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the self-check of a complexity answer reads it as the grader does', () => {
  it('calls an empty, unbalanced or unknown-symbol formula malformed, and a right or wrong product well-formed', () => {
    const bank = findBank('sliding-window-basics');
    const question = bank.questions.find((q) => q.id === 'swa-complexity-formula')!;
    const keyless = keylessQuestion(question);
    for (const malformed of ['', '   ', 'O(L·τ·d_h·n_c', 'O(L·τ·zeta)']) {
      expect(answerShapeProblem(keyless, malformed), JSON.stringify(malformed)).toBeDefined();
      expect(gradeAnswer(bank, question.id, malformed, 0).status).toBe('not-graded');
    }
    for (const wellFormed of ['O(L·τ·d_h·n_c)', 'O(n_c * d_h * tau * L)', 'O(L·τ·d_h·m)']) {
      expect(answerShapeProblem(keyless, wellFormed), wellFormed).toBeUndefined();
      expect(gradeAnswer(bank, question.id, wellFormed, 0).status).not.toBe('not-graded');
    }
  });
});

