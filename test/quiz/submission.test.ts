/**
 * Submissions: JSON or YAML files graded by the bank; a file that is not JSON/YAML, names another bank, has
 * no valid student (or a bad seed, or a second file for the same student) is rejected with a reason while
 * the others are graded; missing answers score 0 as unanswered.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSubmission, gradeFiles, gradeSubmission, MAX_SUBMISSION_BYTES } from '../../src/quiz/submission.js';
import { allTypes, tempFiles } from './helpers.js';

const bank = allTypes();

describe('gradeSubmission', () => {
  it('grades every question, totals to 4 decimals, and lists answers for unknown questions', () => {
    const result = gradeSubmission(bank, { student: 's001', bank: 'all-types', answers: { tf: false, multi: ['window'], nope: 1 } });
    expect(result.seed).toBe(0);
    expect(result.score).toBe(1.3333);
    expect(result.max).toBe(17);
    expect(Object.keys(result.questions)).toEqual(bank.questions.map((q) => q.id));
    expect(result.questions.single!.status).toBe('unanswered');
    expect(result.unknown).toEqual(['nope']);
  });

  it('answers keyed __proto__ or constructor are data, not prototype lookups', () => {
    const answers = JSON.parse('{"__proto__": true, "constructor": 1, "tf": false}') as Record<string, unknown>;
    const result = gradeSubmission(bank, { student: 's1', bank: 'all-types', answers });
    expect(result.score).toBe(1);
    expect(result.unknown.sort()).toEqual(['__proto__', 'constructor']);
  });

  it.each([
    [{ bank: 'all-types' }, 'student is missing; it must be 1-64 of A-Z a-z 0-9 . _ - and not start with a dot'],
    [{ student: '.hidden', bank: 'all-types' }, "student is '.hidden'; it must be 1-64 of A-Z a-z 0-9 . _ - and not start with a dot"],
    [{ student: '../etc/passwd', bank: 'all-types' }, "student is '../etc/passwd'; it must be 1-64 of A-Z a-z 0-9 . _ - and not start with a dot"],
    [{ student: 'a'.repeat(65), bank: 'all-types' }, /^student is 'a{65}'/],
    [{ student: 42, bank: 'all-types' }, 'student is not text; it must be 1-64 of A-Z a-z 0-9 . _ - and not start with a dot'],
    [{ student: 's1', bank: 'other' }, "it is for bank 'other', not 'all-types'"],
    [{ student: 's1' }, "it is for bank (none given), not 'all-types'"],
    [{ student: 's1', bank: 'all-types', seed: -1 }, 'seed must be a whole number ≥ 0, got -1'],
    [{ student: 's1', bank: 'all-types', seed: '3' }, "seed must be a whole number ≥ 0, got the text '3'"],
    [{ student: 's1', bank: 'all-types', answers: [1] }, 'answers must be a map {questionId: answer}'],
    [[1, 2], 'a submission must be a map with student, bank and answers'],
  ])('rejects %j', (submission, reason) => {
    expect(() => checkSubmission(submission, 'all-types')).toThrow(reason);
  });

  it('accepts the longest and the oddest valid student ids', () => {
    expect(checkSubmission({ student: 'A'.repeat(64), bank: 'all-types' }, 'all-types').student).toHaveLength(64);
    expect(checkSubmission({ student: 'a.b_c-9', bank: 'all-types' }, 'all-types').answers).toEqual({});
  });
});

describe('gradeFiles', () => {
  it('grades the good files and rejects the bad ones, each with its reason', () => {
    const dir = tempFiles({
      'good.json': JSON.stringify({ student: 's1', bank: 'all-types', seed: 7, answers: { case: { cause: 'a', budget: 2048, grows: false } } }),
      'good.yaml': 'student: s2\nbank: all-types\nanswers:\n  tf: false\n  single: b\n',
      'broken.json': '{"student": "s3",',
      'broken.yaml': 'student: [s4\n',
      'other.json': JSON.stringify({ student: 's5', bank: 'sliding-window-basics', answers: {} }),
      'again.json': JSON.stringify({ student: 's1', bank: 'all-types', answers: {} }),
    });
    const names = ['good.json', 'good.yaml', 'broken.json', 'broken.yaml', 'other.json', 'again.json'];
    const book = gradeFiles(bank, names.map((n) => ({ path: join(dir, n), display: n })));
    expect(book.results.map((r) => [r.student, r.file, r.score, r.max])).toEqual([
      ['s1', 'good.json', 4, 17],
      ['s2', 'good.yaml', 3, 17],
    ]);
    expect(book.rejected.map((r) => r.file)).toEqual(['broken.json', 'broken.yaml', 'other.json', 'again.json']);
    expect(book.rejected[0]!.reason).toMatch(/^not valid JSON: /);
    expect(book.rejected[1]!.reason).toMatch(/^not valid YAML: /);
    expect(book.rejected[2]!.reason).toBe("it is for bank 'sliding-window-basics', not 'all-types'");
    expect(book.rejected[3]!.reason).toBe("student 's1' was already graded from good.json");
  });

  it('rejects an oversized file without parsing it, and a missing file', () => {
    const dir = tempFiles({});
    writeFileSync(join(dir, 'big.json'), ' '.repeat(MAX_SUBMISSION_BYTES + 1));
    const book = gradeFiles(bank, [
      { path: join(dir, 'big.json'), display: 'big.json' },
      { path: join(dir, 'gone.json'), display: 'gone.json' },
    ]);
    expect(book.rejected).toEqual([
      { file: 'big.json', reason: `the file is ${MAX_SUBMISSION_BYTES + 1} bytes; a submission may be at most ${MAX_SUBMISSION_BYTES}` },
      { file: 'gone.json', reason: 'no such file' },
    ]);
  });

  it('a YAML bomb of aliases is rejected, not expanded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++) bomb.push(`${'b'.repeat(i + 1)}: &${'b'.repeat(i + 1)} [${Array(9).fill(i === 0 ? '*a' : `*${'b'.repeat(i)}`).join(',')}]`);
    const dir = tempFiles({ 'bomb.yaml': `student: s1\nbank: all-types\nanswers:\n  ${bomb.join('\n  ')}\n` });
    const book = gradeFiles(bank, [{ path: join(dir, 'bomb.yaml'), display: 'bomb.yaml' }]);
    expect(book.rejected[0]?.reason).toMatch(/^not valid YAML: .*alias/i);
  });
});
