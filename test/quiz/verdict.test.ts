/**
 * The grader's Verdict and its renderers: which items are wrong, every numeric slip that gives the same
 * number, scenario part ids that do not exist; the notebook rules (worked solution after a right answer or
 * 3 graded attempts, a not-graded answer costs none, a misspelt id is one line); marks without emoji; a
 * question type named like an Object.prototype member is unknown, with its position.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkBankSource, gradeAnswer, resetAttempts, selfCheck, SOLUTION_AFTER_ATTEMPTS, STATUS_MARK, QUESTION_TYPES } from '../../src/quiz/index.js';
import { gradeQuiz } from '../../src/course/quiz.js';
import { allTypes, fixtures } from './helpers.js';

const bank = allTypes();
const bankPath = join(fixtures, 'all-types.yaml');

describe('the verdict says what is wrong', () => {
  it('matching: the lefts matched wrong (and missing)', () => {
    const v = gradeAnswer(bank, 'match', { L: 'heads', τ: 'layers', d_h: 'head dimension' });
    expect(v).toMatchObject({ status: 'partial', score: 0.25, wrong: ['L', 'τ', 'n_c'] });
    expect(v.feedback).toContain('Not right yet: L, τ, n_c.');
    expect(gradeAnswer(bank, 'match', { L: 'layers', τ: 'heads', d_h: 'head dimension', n_c: 'window' }).wrong).toBeUndefined();
  });

  it('ordering: the positions holding the wrong item', () => {
    const v = gradeAnswer(bank, 'order', ['append K and V', 'project the token', 'evict the oldest pair', 'attend']);
    expect(v).toMatchObject({ status: 'partial', score: 0.5, wrong: ['position 1 (append K and V)', 'position 2 (project the token)'] });
  });

  it('numeric: every slip that gives the same number is said, then no range; else the first range', () => {
    const source = `bank: b
title: t
questions:
  - id: q
    type: numeric
    prompt: p
    answer: 64
    feedback:
      - {value: "answer / 2", message: "You left out the factor 2 for K and V."}
      - {value: "answer / 4", message: "Quarter."}
      - {value: "answer / 2", message: "You left out the 2 bytes of an fp16 number."}
      - {range: [1, 40], message: "Far too small."}
      - {range: [1, 1000], message: "Not this one."}
`;
    const { bank: b } = checkBankSource(source, 'b.yaml');
    expect(gradeAnswer(b!, 'q', 32).messages).toEqual(['You left out the factor 2 for K and V.', 'You left out the 2 bytes of an fp16 number.']);
    expect(gradeAnswer(b!, 'q', 16).messages).toEqual(['Quarter.']);
    expect(gradeAnswer(b!, 'q', 20).messages).toEqual(['Far too small.']);
  });

  it('a scenario answered with a part id it does not have says so, naming the ids it has', () => {
    const v = gradeAnswer(bank, 'case', { cause: 'a', budgte: 2048 }, 7);
    expect(v.unknownParts).toEqual(['budgte']);
    expect(v.parts!.budget!.status).toBe('unanswered');
    expect(v.feedback).toContain("Not a part of this scenario: 'budgte' (its parts: cause, budget, grows); check the spelling.");
  });

  it('every verdict carries the answer in words for renderers allowed to show it', () => {
    expect(gradeAnswer(bank, 'kv-bytes', 1).answer).toBe('24 MiB');
    expect(gradeAnswer(bank, 'order', undefined).answer).toBe('project the token → append K and V → evict the oldest pair → attend');
  });
});

describe('notebook rules: the worked solution waits, a not-graded answer is free, ids are checked', () => {
  beforeEach(() => resetAttempts());
  const solution = '2 (K and V) × 12 × 16 × 128 × 256 × 2 bytes = 24 MiB.';

  it(`shows the explanation only after a right answer or ${SOLUTION_AFTER_ATTEMPTS} graded attempts`, () => {
    const first = selfCheck(bankPath, 'kv-bytes', 12);
    expect(first).toContain('You left out the factor 2'); // targeted feedback is always shown
    expect(first).not.toContain(solution);
    expect(first).toContain('after 3 attempts (2 to go)');
    expect(selfCheck(bankPath, 'kv-bytes', 'twenty-four')).not.toContain(solution); // not graded: free
    expect(selfCheck(bankPath, 'kv-bytes', 'twenty-four')).toMatch(/^\? \*\*kv-bytes\*\*: Not graded: expected a number[^\n]*\n\n[\s\S]*costs no attempt/);
    expect(selfCheck(bankPath, 'kv-bytes', 13)).toContain('(1 to go)');
    expect(selfCheck(bankPath, 'kv-bytes', 14)).toContain(solution); // third graded attempt
    resetAttempts();
    expect(selfCheck(bankPath, 'kv-bytes', 24)).toContain(solution); // right at once
  });

  it('counts per seed: another variant starts again', () => {
    for (const wrong of [1, 2, 3]) selfCheck(bankPath, 'kv-bytes', wrong, 0);
    expect(selfCheck(bankPath, 'kv-bytes', 1, 1)).not.toContain('bytes = 896 MiB');
  });

  it('gradeQuiz applies the same rule per scenario part, and names a misspelt question or part id', () => {
    const quiz = gradeQuiz(bankPath, { 'kv-bytez': 24, 'kv-bytes': 12, case: { cause: 'a', budgte: 1 } }, 7);
    expect(quiz.markdown).toContain("? bank 'all-types' has no question 'kv-bytez' (it has: tf, single, multi, kv-bytes, abs-tol, text-norm, text-exact, match, order, case); check the question id.");
    expect(quiz.markdown).toContain("Not a part of this scenario: 'budgte' (its parts: cause, budget, grows); check the spelling.");
    expect(quiz.markdown).not.toContain('bytes = ');
    expect(quiz.max).toBe(8); // the misspelt id is not counted
  });
});

describe('marks and types', () => {
  it('status marks are plain symbols, not emoji', () => {
    for (const mark of Object.values(STATUS_MARK)) expect(mark).not.toMatch(/\p{Extended_Pictographic}/u);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('type: %s is not known, with its position', (type) => {
    const { bank: b, problems } = checkBankSource(`bank: b\ntitle: t\nquestions:\n  - {id: q, type: ${type}, prompt: p}\n`, 'b.yaml');
    expect(b).toBeUndefined();
    expect(problems).toEqual([`b.yaml:4:19: question 'q': type '${type}' is not known; use one of: ${QUESTION_TYPES.join(', ')}`]);
  });

  it('a scenario part named like a prototype member is not known either', () => {
    const { problems } = checkBankSource('bank: b\ntitle: t\nquestions:\n  - id: s\n    type: scenario\n    context: c\n    parts:\n      - {id: p, type: constructor, prompt: p}\n', 'b.yaml');
    expect(problems[0]).toMatch(/^b\.yaml:8:23: question 's' part 'p': type 'constructor' is not known/);
  });
});

describe('what a student reasonably types is read as meant', () => {
  it('text (normalized): TeX signs and $…$, code backticks, quotes and a final full stop do not matter', async () => {
    const { normalizeText } = await import('../../src/quiz/index.js');
    for (const typed of ['O(L \\cdot τ \\cdot d_h \\cdot n_c)', '$O(L \\times τ \\times d_h \\times n_c)$', '`O(L*τ*d_h*n_c)`', '"O(L·τ·d_h·n_c)"', 'O(L·τ·d_h·n_c).']) {
      expect(normalizeText(typed), typed).toBe('o(l*τ*d_h*n_c)');
    }
    expect(gradeAnswer(bank, 'text-exact', 'fp16').correct).toBe(true);
    expect(gradeAnswer(bank, 'text-norm', '`O(L*tau*d_h*n_c)`.').correct).toBe(true);
    expect(normalizeText('\\cdotx')).toBe('\\cdotx'); // a longer command is not a times sign
  });

  it('a choice id written as a list label: (b), b), b.', () => {
    for (const typed of ['b', ' B ', '(b)', 'b)', 'b.', '(B)']) expect(gradeAnswer(bank, 'single', typed).correct, typed).toBe(true);
    expect(gradeAnswer(bank, 'single', '(z)').status).toBe('not-graded');
  });
});

describe('the registry and the format document agree', () => {
  it('docs/quiz-format.md lists every registered question type in its table', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(join(fixtures, '..', '..', '..', 'docs', 'quiz-format.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    for (const type of QUESTION_TYPES) expect(rows, type).toContain(type);
  });
});
