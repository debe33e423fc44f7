/**
 * The question types' own lint warnings (src/quiz/lint/type-warnings.ts). Numeric: a feedback range whose
 * low bound is above its high bound for some variant matches no response there (for a negative answer,
 * ["answer*10", "answer*10000"] is reversed), so lint says so, naming the variant; kvlab lint still exits 0.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradeAnswer, loadBank, loadBanks } from '../../src/quiz/index.js';
import { questionTypeWarnings } from '../../src/quiz/lint/type-warnings.js';
import { allTypes, fixtures, kvlab, root, tempFiles } from './helpers.js';

const reversedFile = join(fixtures, 'lint', 'reversed-range.yaml');

function rangeBank(low: number, high: number): string {
  return [
    'bank: one-range',
    'title: One range',
    'questions:',
    '  - id: q',
    '    type: numeric',
    '    prompt: How many?',
    '    answer: 1000',
    '    feedback:',
    `      - range: [${low}, ${high}]`,
    '        message: In the range.',
    '',
  ].join('\n');
}

describe('reversed numeric feedback ranges', () => {
  it('warns on each range reversed for some variant (a scenario part with its scenario params), naming the variant', () => {
    const warnings = questionTypeWarnings([loadBank(reversedFile)]);
    expect(warnings).toEqual([
      `${reversedFile}: warning: reversed feedback range: question 'neg': feedback[0] range [answer*10, answer*10000] has low -240 > high -240000 for answer=-24, so it can never match there; order the bounds (e.g. [min(a, b), max(a, b)])`,
      `${reversedFile}: warning: reversed feedback range: question 'sometimes': feedback[0] range [0, answer] has low 0 > high -2 for x=3, answer=-2, so it can never match there; order the bounds (e.g. [min(a, b), max(a, b)])`,
      `${reversedFile}: warning: reversed feedback range: question 'case' part 'p': feedback[0] range [0, answer] has low 0 > high -1 for y=-1, answer=-1, so it can never match there; order the bounds (e.g. [min(a, b), max(a, b)])`,
    ]);
    // What it warns of is so: the reversed range's message is never given, even for a response between its bounds.
    const bank = loadBank(reversedFile);
    expect(gradeAnswer(bank, 'neg', -2400).feedback).not.toContain('Far too large.');
  });

  it('for any constant bounds: a warning exactly when low > high, and otherwise a response inside gets the message', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (low, high) => {
        const dir = tempFiles({ 'b.yaml': rangeBank(low, high) });
        const bank = loadBank(join(dir, 'b.yaml'));
        expect(questionTypeWarnings([bank])).toHaveLength(low > high ? 1 : 0);
        if (low <= high && (low > 1000 * 1.01 || high < 1000 * 0.99)) {
          expect(gradeAnswer(bank, 'q', Math.floor((low + high) / 2)).feedback).toContain('In the range.');
        }
      }),
      { numRuns: 60 },
    );
  });

  it('stays quiet on the shipped banks and the all-types fixture', () => {
    expect(questionTypeWarnings([...loadBanks(join(root, 'quizzes')), allTypes()])).toEqual([]);
  });

  it('kvlab lint prints the warnings on stderr and exits 0', async () => {
    const result = await kvlab(['lint', 'test/quiz/fixtures/lint/reversed-range.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/kvlab lint: 1 bank valid, 3 warnings$/m);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(3);
    expect(result.stderr).toMatch(/^test\/quiz\/fixtures\/lint\/reversed-range\.yaml: warning: reversed feedback range: question 'neg'/);
  });
});
