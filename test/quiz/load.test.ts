/**
 * Loading banks: a valid bank loads with its defaults filled in; every kind of problem is reported with
 * the exact file:line:col of the offending node, all problems of a file together, and a bank with any
 * problem is never returned.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BankError, checkBankSource, checkBanks, findBank, loadBank, loadBanks } from '../../src/quiz/index.js';
import { allTypes, fixtures, tempFiles } from './helpers.js';

function problemsOf(file: string): string[] {
  try {
    loadBank(join(fixtures, 'bad', file), `bad/${file}`);
  } catch (error) {
    expect(error).toBeInstanceOf(BankError);
    return [...(error as BankError).problems];
  }
  throw new Error(`bad/${file} loaded without problems`);
}

describe('a valid bank', () => {
  it('loads every type with defaults filled in', () => {
    const bank = allTypes();
    expect(bank.id).toBe('all-types');
    expect(bank.source).toBe('kvlab test fixture');
    expect(bank.questions.map((q) => q.type)).toEqual([
      'true-false', 'single-choice', 'multiple-choice', 'numeric', 'numeric', 'text', 'text', 'matching', 'ordering', 'scenario',
    ]);
    const tf = bank.questions[0]!;
    expect(tf.points).toBe(1);
    expect(tf.tags).toEqual(['card:window-size']);
    const single = bank.questions[1]!;
    if (single.type !== 'single-choice') throw new Error('type');
    expect(single.choices.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(single.choices.map((c) => c.correct)).toEqual([false, true, false]);
    const abs = bank.questions[4]!;
    if (abs.type !== 'numeric') throw new Error('type');
    expect(abs.tolerance).toEqual({ absolute: 0.1 });
    const text = bank.questions[5]!;
    if (text.type !== 'text') throw new Error('type');
    expect(text.match).toBe('normalized');
    const scenario = bank.questions[9]!;
    expect(scenario.points).toBe(4); // 1 + 2 + 1: the sum of its parts
  });

  it('gives a numeric question the default tolerance relative 0.01', () => {
    const { bank, problems } = checkBankSource('bank: b\ntitle: t\nquestions:\n  - {id: q, type: numeric, prompt: p, answer: 10}\n', 'b.yaml');
    expect(problems).toEqual([]);
    const q = bank!.questions[0]!;
    expect(q.type === 'numeric' && q.tolerance).toEqual({ relative: 0.01 });
  });
});

describe('bank problems, each with its position', () => {
  it('structure: unknown fields, bad values, missing fields, unknown types, non-map questions', () => {
    expect(problemsOf('structure.yaml')).toEqual([
      "bad/structure.yaml:3:1: unknown field 'colour' (a bank has: bank, title, source, questions)",
      "bad/structure.yaml:9:27: question 'kv-bytes': tolerance.relative must be a number > 0",
      "bad/structure.yaml:10:9: question 'Bad_Id': id must use only a-z, 0-9 and - (e.g. kv-bytes)",
      "bad/structure.yaml:13:13: question 'Bad_Id': answer must be true or false",
      "bad/structure.yaml:14:5: question 'no-prompt': prompt is missing",
      "bad/structure.yaml:23:5: question 'typo': unknown field 'explaination' (a text question has: id, type, points, prompt, explanation, tags, params, accept, match)",
      "bad/structure.yaml:25:11: question 'essay': type 'essay' is not known; use one of: true-false, single-choice, multiple-choice, numeric, text, matching, ordering, complexity, scenario",
      'bad/structure.yaml:27:5: question #6 must be a map with id, type and prompt',
    ]);
  });

  it('rules across fields: correct counts, duplicate ids (questions, choices, parts), items, scenario points and nesting', () => {
    expect(problemsOf('rules.yaml')).toEqual([
      "bad/rules.yaml:8:7: question 'one': a single-choice question needs exactly one choice with correct: true (it has 2)",
      "bad/rules.yaml:14:7: question 'none': a multiple-choice question needs at least one choice with correct: true",
      "bad/rules.yaml:21:9: question 'dup-choice': choices[1] has the id 'a', already used by choices[0]; ids must be unique (a choice without an id gets the letter of its position)",
      "bad/rules.yaml:22:9: question 'one': id is used twice (first on line 4)",
      "bad/rules.yaml:29:19: question 'order': items[2] 'x' is listed twice; each item must be unique",
      "bad/rules.yaml:32:13: question 'scn': points is not allowed on a scenario: its points are the sum of its parts' points",
      "bad/rules.yaml:39:13: question 'scn': part id 'p' is used twice (first on line 35)",
      "bad/rules.yaml:44:15: question 'scn' part 'nested': a scenario part cannot be a scenario; use one of: true-false, single-choice, multiple-choice, numeric, text, matching, ordering, complexity",
    ]);
  });

  it('expressions and params: unknown symbols, {{unknown}}, parse errors, members, calls, strings, non-finite, reserved names', () => {
    expect(problemsOf('expressions.yaml')).toEqual([
      "bad/expressions.yaml:8:13: question 'unknown-symbol': prompt uses {{heads}}, which is not a param (params: layers)",
      "bad/expressions.yaml:9:13: question 'unknown-symbol': answer 'layers * heads' names an unknown symbol 'heads' (known: layers)",
      "bad/expressions.yaml:13:13: question 'not-parsing': answer '2 * (3 + ' does not parse: Expected expression after + (at character 10)",
      "bad/expressions.yaml:17:13: question 'member': answer 'process.exit(1)' calls a member (a.b()); only min, max, floor, ceil, round, log2 may be called",
      "bad/expressions.yaml:21:13: question 'call': answer 'sqrt(4)' calls 'sqrt'; only min, max, floor, ceil, round, log2 may be called",
      "bad/expressions.yaml:25:13: question 'text-literal': answer ''abc' + 1' may only contain numbers, not \"'abc'\"",
      "bad/expressions.yaml:31:13: question 'divide-by-zero': answer evaluates to Infinity for n=0; it must be a finite number for every variant",
      "bad/expressions.yaml:35:7: question 'reserved': param 'answer' uses a reserved name (answer and the function names min, max, floor, ceil, round, log2)",
      "bad/expressions.yaml:36:7: question 'reserved': param 'max' uses a reserved name (answer and the function names min, max, floor, ceil, round, log2)",
      "bad/expressions.yaml:44:17: question 'feedback-symbol': feedback[0].value 'answer * k' names an unknown symbol 'k' (known: answer)",
      "bad/expressions.yaml:45:9: question 'feedback-symbol': feedback[1] needs exactly one of value or range",
      "bad/expressions.yaml:49:10: question 'range-backwards': params.w has max 5 below min 10",
      "bad/expressions.yaml:54:13: question 'answer-in-prompt': prompt uses {{answer}}, which is not a param ({{answer}} may appear only in a numeric question's explanation and feedback)",
    ]);
  });

  it('an answer that is not finite for any one variant is found (every param combination is evaluated)', () => {
    const source = 'bank: b\ntitle: t\nquestions:\n  - id: q\n    type: numeric\n    params: {n: [1, 2, 3, 4], m: {min: 0, max: 10, step: 5}}\n    prompt: p\n    answer: "1 / (n - 3) + m"\n';
    expect(checkBankSource(source, 'v.yaml').problems).toEqual([
      "v.yaml:8:13: question 'q': answer evaluates to Infinity for n=3, m=0; it must be a finite number for every variant",
    ]);
  });

  it('YAML syntax errors with their position', () => {
    const problems = problemsOf('syntax.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^bad\/syntax\.yaml:3:1: YAML syntax: /);
  });

  it('duplicate keys are a YAML error at the second key', () => {
    const { problems } = checkBankSource('bank: b\ntitle: t\ntitle: u\nquestions: []\n', 'd.yaml');
    expect(problems[0]).toMatch(/^d\.yaml:3:1: YAML syntax: Map keys must be unique/);
  });

  it('a bank that is not a map, and one without questions', () => {
    expect(checkBankSource('- 1\n- 2\n', 'l.yaml').problems).toEqual(['l.yaml:1:1: a bank must be a YAML map with bank, title and questions']);
    expect(checkBankSource('bank: b\ntitle: t\nquestions: []\n', 'e.yaml').problems).toEqual(['e.yaml:3:12: bank: questions must list at least one question']);
    expect(checkBankSource('bank: b\nquestions: [{id: q, type: true-false, prompt: p, answer: true}]\n', 'n.yaml').problems).toEqual([
      'n.yaml:1:1: bank: title is missing',
    ]);
  });

  it('a missing file is one problem naming it', () => {
    expect(() => loadBank('/no/such/bank.yaml')).toThrow('/no/such/bank.yaml:1:1: no such file');
  });

  it('bank ids unique across a folder: the second file is named with the first', () => {
    const { banks, problems } = checkBanks([
      { file: join(fixtures, 'all-types.yaml'), display: 'all-types.yaml' },
      { file: join(fixtures, 'bad', 'dup-bank.yaml'), display: 'dup-bank.yaml' },
    ]);
    expect(banks.map((b) => b.id)).toEqual(['all-types']);
    expect(problems).toEqual(["dup-bank.yaml:1:7: bank id 'all-types' is also used by all-types.yaml; bank ids must be unique"]);
  });

  it('never half-loads: loadBanks throws with the problems of every file', () => {
    const dir = tempFiles({
      'a.yaml': 'bank: a\ntitle: A\nquestions:\n  - {id: q, type: true-false, prompt: p, answer: true}\n',
      'b.yaml': 'bank: b\ntitle: B\nquestions:\n  - {id: q, type: true-false, prompt: p, answer: maybe}\n',
    });
    expect(() => loadBanks(dir)).toThrow(BankError);
    try {
      loadBanks(dir);
    } catch (error) {
      expect((error as BankError).problems).toEqual([`${join(dir, 'b.yaml')}:4:50: question 'q': answer must be true or false`]);
    }
  });

  it('findBank: by id in a folder, by path, and a clear error for an unknown id', () => {
    const dir = tempFiles({ 'x.yaml': 'bank: x-bank\ntitle: X\nquestions:\n  - {id: q, type: true-false, prompt: p, answer: true}\n' });
    expect(findBank('x-bank', dir).id).toBe('x-bank');
    expect(findBank(join(dir, 'x.yaml')).id).toBe('x-bank');
    expect(() => findBank('nope', dir)).toThrow(/no bank 'nope' \(banks there: x-bank\)/);
  });
});
