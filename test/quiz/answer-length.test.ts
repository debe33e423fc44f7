/**
 * The answer-length lint check (src/quiz/lint/answer-length.ts): it measures, per choice question, whether
 * the key is the longest option and how long it is against the distractors; it warns on a biased fixture and
 * stays quiet on the shipped banks; `kvlab lint` prints its warnings and still exits 0.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBank, loadBanks } from '../../src/quiz/index.js';
import { ANSWER_LENGTH_LIMITS, answerLengthReport, answerLengthWarnings, readLength } from '../../src/quiz/lint/answer-length.js';
import { fixtures, kvlab, root } from './helpers.js';

const biasedFile = join(fixtures, 'lint', 'answer-length-biased.yaml');

describe('answer-length bias', () => {
  it('reads lengths as a student reads them: TeX commands one character, markup none', () => {
    expect(readLength('$O(L \\cdot \\tau)$')).toBe('O(L · ·)'.length);
    expect(readLength('  a   **b**  ')).toBe(3);
    expect(readLength('{{window}} tokens')).toBe('0000 tokens'.length);
  });

  it('counts the questions whose key is the longest option, and its ratio to the distractors', () => {
    const report = answerLengthReport(loadBank(biasedFile));
    expect(report.questions.map((q) => [q.question, q.keyLongest])).toEqual([
      ['one', true],
      ['two', true],
      ['three', true],
      ['four', true],
      ['five', false],
    ]);
    expect(report.keyLongest).toBe(4);
    expect(report.share).toBeCloseTo(0.8);
    const one = report.questions[0]!;
    expect(one.ratio).toBeCloseTo(one.keyLength / one.meanDistractorLength);
    expect(one.ratio).toBeGreaterThan(5);
  });

  it('warns on the biased fixture: the bank share with its figure, and each question with a long key', () => {
    const warnings = answerLengthWarnings([loadBank(biasedFile)]);
    expect(warnings[0]).toMatch(/^.*answer-length-biased\.yaml: warning: answer-length bias: the key is the longest option in 4 of 5 choice questions \(80%; limit 40%\)/);
    expect(warnings.filter((w) => /question '(one|two|three|four)'/.test(w))).toHaveLength(4);
    expect(warnings.some((w) => w.includes("question 'five'"))).toBe(false);
  });

  it('judges a bank share only past the minimum number of choice questions, and limits are parameters', () => {
    const bank = loadBank(biasedFile);
    expect(answerLengthReport(bank, { ...ANSWER_LENGTH_LIMITS, minQuestions: 6 }).warnings.some((w) => w.includes('of 5 choice questions'))).toBe(false);
    expect(answerLengthReport(bank, { maxLongestShare: 0.8, minQuestions: 4, maxRatio: 100 }).warnings).toEqual([]);
  });

  it('passes every shipped bank, one by one and all together', () => {
    const banks = loadBanks(join(root, 'quizzes'));
    expect(answerLengthWarnings(banks)).toEqual([]);
  });

  it('kvlab lint prints the warnings on stderr and exits 0', async () => {
    const result = await kvlab(['lint', 'test/quiz/fixtures/lint/answer-length-biased.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/kvlab lint: 1 bank valid, 5 warnings$/m);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(5);
    const json = await kvlab(['lint', '--json', 'test/quiz/fixtures/lint/answer-length-biased.yaml']);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { warnings: string[] }).warnings).toHaveLength(5);
  });
});
