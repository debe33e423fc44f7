/**
 * For all inputs: random banks (well-formed, half-formed and garbage) never crash the loader: it returns a
 * bank or a list of positioned problems. Every bank that loads grades random submissions without
 * throwing, with scores in [0, max], and its own answer key scores full marks for any seed.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { answerKey, checkBankSource, gradeAnswer, gradeSubmission, questionVariant, type AnswerKey, type Bank } from '../../src/quiz/index.js';

const id = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
/** Usually absent, sometimes present. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: arb, weight: 1 });
/** Usually right, now and then wrong. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ arbitrary: good, weight: 8 }, { arbitrary: bad, weight: 1 });
const text = fc.oneof({ arbitrary: fc.string({ minLength: 1, maxLength: 12 }), weight: 8 }, { arbitrary: fc.constantFrom('{{n}}', 'x {{m}} y', '$\\tau$', ''), weight: 1 });
const expression = fc.oneof(
  { arbitrary: fc.constantFrom('n * 2', 'n / m', '2 ^ n', 'max(n, m) - 1', 'log2(n)', 'n * 8'), weight: 1 },
  { arbitrary: fc.constantFrom('n +', 'k', 'a.b', 'sqrt(n)'), weight: 1 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), weight: 4 },
);
const params = fc.dictionary(
  fc.oneof({ arbitrary: fc.constantFrom('n', 'm'), weight: 6 }, { arbitrary: fc.constantFrom('answer', 'max', 'x_1'), weight: 1 }),
  fc.oneof(fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }), fc.record({ min: fc.integer({ min: 0, max: 5 }), max: fc.integer({ min: 0, max: 20 }), step: fc.constantFrom(1, 2, 0.5) })),
  { maxKeys: 3 },
);
const choice = fc.record({ id: sometimes(id), text, correct: sometimes(fc.boolean()), feedback: sometimes(text) }, { requiredKeys: ['text'] });

/** Fields each type may have; a question sometimes gets a field of another type (a likely author error). */
const FIELDS: Record<string, string[]> = {
  'true-false': ['truth'],
  'single-choice': ['choices'],
  'multiple-choice': ['choices'],
  numeric: ['answer', 'tolerance', 'feedback', 'unit'],
  text: ['accept', 'match'],
  matching: ['pairs'],
  ordering: ['items'],
  scenario: ['context', 'parts'],
  complexity: ['formula', 'gqa'],
  essay: ['answer'],
};

function question(depth: number): fc.Arbitrary<Record<string, unknown>> {
  const types = Object.keys(FIELDS).filter((t) => depth === 0 || t !== 'scenario');
  const fields: Record<string, fc.Arbitrary<unknown>> = {
    answer: expression,
    formula: mostly(fc.constantFrom('L·τ·d_h·n_c', 'O(n_c^2)', 'O(L m)', 'tau d_h', '2·L'), fc.constantFrom('L+m', 'O(', 'q', '', 3)),
    gqa: fc.boolean(),
    truth: mostly(fc.boolean(), expression),
    tolerance: fc.oneof(fc.record({ relative: fc.double({ min: -0.1, max: 0.5, noNaN: true }) }), fc.record({ absolute: fc.constantFrom(0, 0.1, 1) })),
    feedback: fc.array(fc.record({ value: expression, message: text }), { maxLength: 3 }),
    unit: fc.constantFrom('MiB', 'tokens'),
    choices: fc.array(choice, { minLength: 1, maxLength: 5 }),
    accept: fc.array(text, { maxLength: 3 }),
    match: fc.constantFrom('exact', 'normalized', 'fuzzy'),
    pairs: fc.array(fc.record({ left: text, right: text }), { minLength: 1, maxLength: 4 }),
    items: fc.array(text, { minLength: 1, maxLength: 4 }),
    context: text,
    parts: depth === 0 ? fc.array(question(1), { minLength: 1, maxLength: 3 }) : fc.constant([]),
  };
  const type = fc.oneof({ arbitrary: fc.constantFrom(...types.filter((t) => t !== 'essay')), weight: 12 }, { arbitrary: fc.constant('essay'), weight: 1 });
  return type.chain((type) => {
    const own = FIELDS[type]!;
    const record: Record<string, fc.Arbitrary<unknown>> = {
      id,
      type: fc.constant(type),
      prompt: text,
      points: type === 'scenario' ? fc.oneof({ arbitrary: fc.constant(undefined), weight: 10 }, { arbitrary: fc.constant(2), weight: 1 }) : sometimes(mostly(fc.integer({ min: 1, max: 5 }), fc.constantFrom(0, -1, 'x'))),
      params: sometimes(params),
      explanation: sometimes(text),
      stray: fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: fc.constantFrom(...Object.keys(fields)), weight: 1 }),
    };
    for (const f of own) record[f === 'truth' || f === 'formula' ? 'answer' : f] = f === 'truth' || f === 'formula' || f === 'answer' || f === 'choices' || f === 'context' || f === 'parts' || f === 'pairs' || f === 'items' || f === 'accept' ? fields[f]! : sometimes(fields[f]!);
    return fc.record(record).chain((q) => {
      const { stray, ...rest } = q as Record<string, unknown> & { stray?: string };
      const out = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      return stray === undefined || stray === 'truth' || stray === 'formula' || stray in out ? fc.constant(out) : fields[stray]!.map((v) => ({ ...out, [stray]: v }));
    });
  });
}

const bankArb = fc.record({ bank: id, title: fc.string({ minLength: 1, maxLength: 10 }), questions: fc.array(question(0), { minLength: 1, maxLength: 3 }) });
const POSITIONED = /^b\.yaml:\d+:\d+: .+/;

/** An answer in submission shape from a key (what a student who is right would send). */
function fromKey(key: AnswerKey): unknown {
  return key.type === 'scenario' ? Object.fromEntries(Object.entries(key.answer).map(([k, v]) => [k, fromKey(v)])) : key.answer;
}

describe('random banks (property)', () => {
  it('load into a bank or into positioned problems; loaded banks grade anything and their keys score full marks', () => {
    let loaded = 0;
    fc.assert(
      fc.property(bankArb, fc.array(fc.jsonValue(), { minLength: 1, maxLength: 5 }), fc.nat(10_000), (raw, answers, seed) => {
        const { bank, problems } = checkBankSource(stringify(raw), 'b.yaml');
        if (!bank) {
          expect(problems.length).toBeGreaterThan(0);
          for (const p of problems) expect(p).toMatch(POSITIONED);
          return;
        }
        loaded += 1;
        expect(problems).toEqual([]);
        checkLoaded(bank, answers, seed);
      }),
      { numRuns: 400 },
    );
    // The generator must reach the grader often enough for the property to mean something.
    expect(loaded).toBeGreaterThan(20);
  });

  it('garbage YAML and non-bank documents give problems, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => stringify(v))), (source) => {
        const { bank, problems } = checkBankSource(source, 'b.yaml');
        if (!bank) for (const p of problems) expect(p).toMatch(POSITIONED);
      }),
      { numRuns: 500 },
    );
  });
});

function checkLoaded(bank: Bank, answers: unknown[], seed: number): void {
  const submission: Record<string, unknown> = {};
  bank.questions.forEach((q, i) => {
    questionVariant(bank, q.id, seed);
    const answer = answers[i % answers.length];
    const result = gradeAnswer(bank, q.id, answer, seed);
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(result.max);
    const key = answerKey(bank, q.id, seed);
    expect(gradeAnswer(bank, q.id, fromKey(key), seed)).toMatchObject({ score: q.points, correct: true });
    submission[q.id] = answer;
  });
  const graded = gradeSubmission(bank, { student: 's', bank: bank.id, seed, answers: submission });
  expect(graded.max).toBeCloseTo(bank.questions.reduce((s, q) => s + q.points, 0), 4);
}
