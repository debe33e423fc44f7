/**
 * What notebooks show: a variant as Markdown (prompt, options, how to answer; never the answer) and
 * selfCheck's feedback for an in-notebook exercise, graded exactly as `kvlab grade` would.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerKey, questionVariant, renderQuestionMarkdown, selfCheck } from '../../src/quiz/index.js';
import { allTypes, fixtures } from './helpers.js';

const bank = allTypes();
const bankPath = join(fixtures, 'all-types.yaml');

describe('renderQuestionMarkdown', () => {
  it('a choice question: heading with points, prompt, choices by id, how to answer', () => {
    expect(renderQuestionMarkdown(questionVariant(bank, 'single', 0))).toBe(
      [
        '### single (2 points)',
        'Which term bounds the windowed cache?',
        '- **a**: the sequence length m\n- **b**: the window n_c\n- **c**: the vocabulary size',
        '*Answer with one choice id, e.g. `"a"`.*',
      ].join('\n\n'),
    );
  });

  it('a numeric variant shows its params and unit, never its answer or feedback', () => {
    const md = renderQuestionMarkdown(questionVariant(bank, 'kv-bytes', 1));
    expect(md).toContain('32 layers, 16 heads of size 128, a window of 3584 tokens');
    expect(md).toContain('Answer in MiB.');
    expect(md).not.toContain(String(answerKey(bank, 'kv-bytes', 1).answer));
    expect(md).not.toContain('factor 2');
  });

  it('a scenario: context, then each part under its own heading', () => {
    const md = renderQuestionMarkdown(questionVariant(bank, 'case', 7));
    expect(md.startsWith('### case (4 points)\n\nA chat service uses a window of 512 tokens.')).toBe(true);
    expect(md).toContain('#### budget (2 points)\n\n8 layers, 1 head of size 64, fp32, window 512: KiB?');
    expect(md).not.toContain('2048');
  });

  it('matching and ordering list their (shuffled) options', () => {
    expect(renderQuestionMarkdown(questionVariant(bank, 'match', 0))).toContain('Match each of:\n\n- L\n- τ\n- d_h\n- n_c\n\nwith one of:\n\n- window\n- heads\n- layers\n- head dimension');
    expect(renderQuestionMarkdown(questionVariant(bank, 'order', 0))).toContain('Put in order:\n\n- project the token\n- evict the oldest pair');
  });
});

describe('selfCheck', () => {
  it('grades like gradeAnswer and returns display-ready Markdown', () => {
    expect(selfCheck(bankPath, 'kv-bytes', 24)).toBe(
      '✓ **kv-bytes**: Correct. Score 4/4.\n\n2 (K and V) × 12 × 16 × 128 × 256 × 2 bytes = 24 MiB.',
    );
    expect(selfCheck(bankPath, 'kv-bytes', 12).startsWith('✗ **kv-bytes**: Incorrect. Score 0/4.\n\nYou left out the factor 2')).toBe(true);
    expect(selfCheck(bankPath, 'multi', ['window']).startsWith('◐ **multi**: Partly correct. Score 0.3333/1.')).toBe(true);
    expect(selfCheck(bankPath, 'kv-bytes', 896, 1).startsWith('✓')).toBe(true);
  });

  it('before an attempt says so and gives nothing away (the explanation states the answer)', () => {
    for (const unanswered of [undefined, null]) {
      const text = selfCheck(bankPath, 'kv-bytes', unanswered);
      expect(text).toMatch(/not answered yet/);
      expect(text).not.toContain('24 MiB');
    }
  });

  it('finds a course bank by id under the course quizzes/', () => {
    const id = 'sliding-window-basics';
    expect(selfCheck(id, 'swa-complexity-formula', 'O(L·τ·d_h·n_c)')).toMatch(/^✓ \*\*swa-complexity-formula\*\*: Correct\./);
    // A misspelt question id is one line naming the ids the bank has, not an exception.
    const misspelt = selfCheck(id, 'no-such-question', 1);
    expect(misspelt).toMatch(/^\? bank 'sliding-window-basics' has no question 'no-such-question' \(it has: swa-complexity-formula, .*\); check the question id\.$/);
    expect(misspelt.split('\n')).toHaveLength(1);
  });
});
