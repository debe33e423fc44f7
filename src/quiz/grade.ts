/**
 * Grade: one answer to one question → a Verdict (score, status, what was wrong, the matched feedback, the
 * explanation, the answer in words). Reading the answer's shape and scoring it are the type module's; the
 * verdict's common frame (unanswered, not graded, score to 4 decimals, status) is here. A wrong shape scores
 * 0 with the reason and never rejects a submission. Answers are only ever compared as data: nothing in a
 * submission is run or looked up outside the bank's own lists.
 */
import { compiledQuestion, type CompiledQuestion } from './compiled.js';
import { drawParams } from './params.js';
import { fillTemplate } from './template.js';
import { checkSeed, describeKey, keyOf } from './variant.js';
import { round4 } from './question-types/common.js';
import { typeModule } from './question-types/registry.js';
import { verdictText } from './verdict.js';
import type { Bank, Verdict, VerdictStatus } from './types.js';
import type { GradeContext } from './question-types/module.js';

export { withinTolerance } from './question-types/numeric.js';

/** Grades one answer to one question of a bank for a seed (default 0). `undefined` means unanswered. */
export function gradeAnswer(bank: Bank, questionId: string, answer: unknown, seed = 0): Verdict {
  return gradeCompiled(compiledQuestion(bank, questionId), bank.id, answer, checkSeed(seed));
}

export function gradeCompiled(cq: CompiledQuestion, bankId: string, answer: unknown, seed: number, outer: Record<string, number> = {}): Verdict {
  const module = typeModule(cq.def.type);
  // A question without params needs no random stream to be graded.
  const values = cq.params.length === 0 ? outer : drawParams(cq, bankId, seed, outer).values;
  const gradePart = (part: CompiledQuestion, partAnswer: unknown, partValues: Record<string, number>) => gradeCompiled(part, bankId, partAnswer, seed, partValues);
  const ctx = { bankId, seed, values, gradePart };
  const scope = module.scope ? module.scope(cq, values) : values;
  const verdict = new GradedVerdict(cq, ctx, cq.def.points);
  if (cq.explanation) {
    const explanation = fillTemplate(cq.explanation, scope).trim();
    if (explanation !== '') verdict.explanation = explanation;
  }
  if (answer === undefined) return verdict.finish();
  const graded = module.grade(cq, answer, ctx, scope);
  if (graded.kind === 'not-graded') {
    verdict.status = 'not-graded';
    verdict.reason = graded.reason;
    return verdict.finish();
  }
  const max = verdict.max;
  // "Correct" is full marks, exactly the points, whatever the rounding (a fraction of 1, or a scenario whose
  // parts are all correct); any other score is rounded to 4 decimals and never above the points.
  const full = graded.parts ? Object.values(graded.parts).every((part) => part.correct) : graded.fraction >= 1;
  let score = round4(graded.fraction * max);
  if (graded.parts) score = round4(Object.values(graded.parts).reduce((sum, part) => sum + part.score, 0));
  score = full ? max : Math.min(max, score);
  verdict.score = score;
  verdict.status = full ? 'correct' : score > 0 ? 'partial' : 'incorrect';
  verdict.correct = verdict.status === 'correct';
  verdict.messages = graded.messages;
  if (graded.wrong && graded.wrong.length > 0 && !verdict.correct) verdict.wrong = graded.wrong;
  if (graded.parts) verdict.parts = graded.parts;
  if (graded.unknownParts && graded.unknownParts.length > 0) verdict.unknownParts = graded.unknownParts;
  return verdict.finish();
}

/**
 * A Verdict as the grader makes it: plain fields, and `answer` (the key in words) computed only when a
 * renderer reads it, since most gradings (a class through kvlab grade) never show it.
 */
class GradedVerdict implements Verdict {
  score = 0;
  correct = false;
  status: VerdictStatus = 'unanswered';
  messages: string[] = [];
  feedback = '';
  reason?: string;
  wrong?: string[];
  explanation?: string;
  parts?: Record<string, Verdict>;
  unknownParts?: string[];
  readonly #question: CompiledQuestion;
  readonly #ctx: GradeContext;

  constructor(question: CompiledQuestion, ctx: GradeContext, readonly max: number) {
    this.#question = question;
    this.#ctx = ctx;
  }

  get answer(): string {
    const { bankId, seed, values } = this.#ctx;
    return describeKey(keyOf(this.#question, bankId, seed, values));
  }

  finish(): Verdict {
    this.feedback = verdictText(this);
    return this;
  }
}
