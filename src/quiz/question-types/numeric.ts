/**
 * numeric: `answer` (a number or an expression over the params), `tolerance: {relative}` and/or
 * `{absolute}` (default relative 0.01; either one accepts), `unit?`, and targeted `feedback` for common
 * slips: `{value | range, message}` where value and range are expressions that may use `answer`.
 *
 * Feedback rule: every `value` entry the answer matches (within the tolerance) is said, in the bank's
 * order, because two slips can give the same number (leaving out the 2 bytes of fp16 and leaving out the
 * factor 2 for K and V both halve the answer); when no value matches, the first matching range is said.
 */
import { z } from 'zod';
import { compileExpression, ExpressionError, type Expression } from '../expression.js';
import { drawParams, paramCount, paramValueAt } from '../params.js';
import { fillTemplate, type Template } from '../template.js';
import { describe, fields, numberOrExpression, positive, textSchema } from './common.js';
import type { AnyCompiled, CompiledBase, QuestionTypeModule } from './module.js';
import type { CompiledParam } from '../compiled-param.js';
import type { KeylessBase, NumberOrExpression, QuestionBase, VariantBase } from '../base-types.js';

export interface NumericFeedback {
  value?: NumberOrExpression;
  /** Inclusive bounds [low, high]. */
  range?: [NumberOrExpression, NumberOrExpression];
  message: string;
}
export interface NumericQuestion extends QuestionBase {
  type: 'numeric';
  answer: NumberOrExpression;
  /** Default {relative: 0.01}. With both, either bound accepts. */
  tolerance: { relative?: number; absolute?: number };
  unit?: string;
  feedback: NumericFeedback[];
}
export interface NumericVariant extends VariantBase {
  type: 'numeric';
  unit?: string;
}
/** The keyless form (an assignment's student copy): the unit, never the answer, tolerance or feedback. */
export interface NumericKeyless extends KeylessBase {
  type: 'numeric';
  unit?: string;
}
export interface NumericKey {
  type: 'numeric';
  answer: number;
  unit?: string;
  tolerance: { relative?: number; absolute?: number };
}
export interface CompiledFeedback {
  value?: Expression;
  range?: [Expression, Expression];
  message: Template;
}
export interface Compiled extends CompiledBase<NumericQuestion> {
  answer: Expression;
  feedback: readonly CompiledFeedback[];
}
export type ExportFeedback = { value: number; error: number; message: string } | { low: number; high: number; message: string };
export interface Item {
  answer: number;
  error: number;
  unit?: string;
  feedback: ExportFeedback[];
}

/** |x − y| ≤ absolute, or ≤ relative·|y|; a hair of slack so 0.1 + 0.2 style rounding never decides. */
export function withinTolerance(x: number, y: number, tolerance: { relative?: number; absolute?: number }): boolean {
  const diff = Math.abs(x - y);
  const slack = 4 * Number.EPSILON * Math.max(Math.abs(x), Math.abs(y));
  if (tolerance.absolute !== undefined && diff <= tolerance.absolute + slack) return true;
  if (tolerance.relative !== undefined && diff <= tolerance.relative * Math.abs(y) + slack) return true;
  return false;
}

const feedbackEntry = z.strictObject(
  {
    value: numberOrExpression().optional(),
    range: z
      .union([z.tuple([numberOrExpression(), numberOrExpression()]), z.strictObject({ min: numberOrExpression(), max: numberOrExpression() })], {
        error: 'must be [low, high] or {min, max}',
      })
      .optional(),
    message: textSchema(),
  },
  { error: 'must be a map with value or range, and message' },
);

const MAX_COMBINATIONS = 4096;
const SAMPLED_SEEDS = 256;

export const numeric: QuestionTypeModule<NumericQuestion, Compiled, NumericVariant, NumericKey, Item, NumericKeyless> = {
  type: 'numeric',
  fields: fields({
    answer: numberOrExpression(),
    tolerance: z
      .strictObject({ relative: positive().optional(), absolute: positive().optional() }, { error: 'must be {relative: r} or {absolute: a}' })
      .optional(),
    unit: z.string({ error: 'must be text' }).optional(),
    feedback: z.array(feedbackEntry, { error: 'must be a list of {value|range, message}' }).optional(),
  }),
  harmless: ['tolerance', 'unit', 'feedback'],
  part: true,
  explanationSymbols: ['answer'],
  normalize(q) {
    const tolerance = q.tolerance as object | undefined;
    q.tolerance = tolerance === undefined || Object.keys(tolerance).length === 0 ? { relative: 0.01 } : tolerance;
    q.feedback = ((q.feedback as Record<string, unknown>[] | undefined) ?? []).map((f) => {
      const range = f.range;
      if (range && !Array.isArray(range)) {
        const r = range as { min: NumberOrExpression; max: NumberOrExpression };
        return { ...f, range: [r.min, r.max] };
      }
      return f;
    });
  },
  compile(ctx, q, base) {
    const answer = ctx.expression(['answer'], q.answer, ctx.scope);
    const withAnswer = new Set([...ctx.scope, 'answer']);
    const feedback = q.feedback.flatMap((f, i): CompiledFeedback[] => {
      if ((f.value === undefined) === (f.range === undefined)) {
        ctx.problems.add([...ctx.path, 'feedback', i], `${ctx.label}: feedback[${i}] needs exactly one of value or range`);
        return [];
      }
      const message = ctx.template(['feedback', i, 'message'], f.message, new Set(['answer']));
      if (f.value !== undefined) {
        const value = ctx.expression(['feedback', i, 'value'], f.value, withAnswer);
        return value ? [{ value, message }] : [];
      }
      const [low, high] = f.range!;
      const lo = ctx.expression(['feedback', i, 'range', 0], low, withAnswer);
      const hi = ctx.expression(['feedback', i, 'range', 1], high, withAnswer);
      return lo && hi ? [{ range: [lo, hi], message }] : [];
    });
    // A failed answer expression has added its problem; the placeholder is never used.
    return { ...base, answer: answer ?? { source: '', symbols: [], evaluate: () => NaN }, feedback };
  },
  check(ctx, cq, outer) {
    // The answer must be a finite number for every variant: evaluated for every combination of param values
    // (or, past MAX_COMBINATIONS, for a sample of seeds), so a division by zero is a load error.
    for (const scope of variantValues(cq, ctx.bankId, outer)) {
      const value = cq.answer.evaluate(scope);
      if (!Number.isFinite(value)) {
        const shown = Object.entries(scope).map(([k, v]) => `${k}=${v}`).join(', ');
        ctx.problems.add([...ctx.path, 'answer'], `${cq.label}: answer evaluates to ${value}${shown ? ` for ${shown}` : ''}; it must be a finite number for every variant`);
        return;
      }
    }
  },
  warnings(cq, bankId, outer) {
    // A range [low, high] with low > high matches no response: for a negative answer, ["answer*10",
    // "answer*100"] is reversed. Checked over the same variants as the answer, once per range.
    const lines: string[] = [];
    cq.feedback.forEach((entry, i) => {
      if (!entry.range) return;
      for (const values of variantValues(cq, bankId, outer)) {
        const scope = { ...values, answer: cq.answer.evaluate(values) };
        const [low, high] = entry.range.map((bound) => bound.evaluate(scope)) as [number, number];
        if (low <= high) continue;
        const shown = Object.entries(scope).map(([k, v]) => `${k}=${Number(v.toPrecision(6))}`).join(', ');
        const bounds = `[${entry.range[0].source}, ${entry.range[1].source}]`;
        const why = Number.isNaN(low) || Number.isNaN(high) ? `is not a number (${low}, ${high})` : `has low ${Number(low.toPrecision(6))} > high ${Number(high.toPrecision(6))}`;
        lines.push(`reversed feedback range: ${cq.label}: feedback[${i}] range ${bounds} ${why} for ${shown}, so it can never match there; order the bounds (e.g. [min(a, b), max(a, b)])`);
        return;
      }
    });
    return lines;
  },
  scope: (cq, values) => ({ ...values, answer: cq.answer.evaluate(values) }),
  variant(cq, base) {
    const v: NumericVariant = { ...base, type: 'numeric' };
    if (cq.def.unit !== undefined) v.unit = cq.def.unit;
    return v;
  },
  key(cq, ctx) {
    const key: NumericKey = { type: 'numeric', answer: cq.answer.evaluate(ctx.values), tolerance: { ...cq.def.tolerance } };
    if (cq.def.unit !== undefined) key.unit = cq.def.unit;
    return key;
  },
  describeKey: (key) => `${Number(key.answer.toPrecision(6))}${key.unit ? ` ${key.unit}` : ''}`,
  grade(cq, answer, _ctx, scope) {
    const q = cq.def;
    if (typeof answer !== 'number' || !Number.isFinite(answer)) {
      return { kind: 'not-graded', reason: `expected a number${q.unit ? ` (in ${q.unit})` : ''}, got ${describe(answer)}` };
    }
    const fraction = withinTolerance(answer, scope.answer!, q.tolerance) ? 1 : 0;
    const byValue: string[] = [];
    let byRange: string | undefined;
    for (const entry of cq.feedback) {
      if (entry.value) {
        if (withinTolerance(answer, entry.value.evaluate(scope), q.tolerance)) byValue.push(fillTemplate(entry.message, scope));
      } else if (byRange === undefined && answer >= entry.range![0].evaluate(scope) && answer <= entry.range![1].evaluate(scope)) {
        byRange = fillTemplate(entry.message, scope);
      }
    }
    const messages = byValue.length > 0 ? byValue : byRange !== undefined ? [byRange] : [];
    return { kind: 'graded', fraction, messages };
  },
  keyless(q, base) {
    const s: NumericKeyless = { ...base, type: 'numeric' };
    if (q.unit !== undefined) s.unit = q.unit;
    return s;
  },
  keylessVariant(s, base) {
    const v: NumericVariant = { ...base, type: 'numeric' };
    if (s.unit !== undefined) v.unit = s.unit;
    return v;
  },
  answerShape: (answer, s) => (typeof answer === 'number' && Number.isFinite(answer) ? undefined : `expected a number${s.unit ? ` in ${s.unit}` : ''}`),
  // Say the unit once: many prompts already end "Answer in **MiB**".
  markdown: (v) => (v.unit && !promptNamesUnit(v.prompt, v.unit) ? [`Answer in ${v.unit}.`] : []),
  howToAnswer: 'Answer with a number.',
  terminal: {
    show: () => [],
    hint: (v) => `a number${v.unit ? ` in ${v.unit}` : ''} `,
    parse(_v, line) {
      const text = line.trim();
      // A typed arithmetic expression is fine ("2*32*128"); it goes through the same whitelist as banks.
      try {
        const value = compileExpression(text.replace(/[_,](?=\d{3})/g, ''), new Set()).evaluate({});
        return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: `'${text}' is not a finite number` };
      } catch (error) {
        if (error instanceof ExpressionError) return { ok: false, reason: `'${text}' is not a number` };
        throw error;
      }
    },
  },
  lms: {
    resolve(cq, _ctx, scope) {
      const q = cq.def;
      const errorFor = (y: number) => Math.max(q.tolerance.absolute ?? 0, (q.tolerance.relative ?? 0) * Math.abs(y));
      const answer = scope.answer!;
      const item: Item = {
        answer,
        error: errorFor(answer),
        feedback: cq.feedback.map((f): ExportFeedback => {
          const message = fillTemplate(f.message, scope);
          if (f.value) {
            const value = f.value.evaluate(scope);
            return { value, error: errorFor(value), message };
          }
          return { low: f.range![0].evaluate(scope), high: f.range![1].evaluate(scope), message };
        }),
      };
      if (q.unit !== undefined) item.unit = q.unit;
      return item;
    },
    gift(item, kit) {
      const wrong = item.feedback.map((f) =>
        'value' in f ? `=%0%${kit.num(f.value)}:${kit.num(f.error)}#${kit.html(f.message, true)}` : `=%0%${kit.num(f.low)}..${kit.num(f.high)}#${kit.html(f.message, true)}`,
      );
      return `#=${kit.num(item.answer)}:${kit.num(item.error)} ${wrong.join(' ')}`.trimEnd();
    },
    moodle: {
      type: 'numerical',
      write(q, item, kit) {
        kit.answer(q, 100, kit.num(item.answer), undefined, 'moodle_auto_format').ele('tolerance').txt(kit.num(item.error));
        for (const f of item.feedback) {
          const [value, error] = 'value' in f ? [f.value, f.error] : [(f.low + f.high) / 2, (f.high - f.low) / 2];
          kit.answer(q, 0, kit.num(value), f.message, 'moodle_auto_format').ele('tolerance').txt(kit.num(error));
        }
        if (item.unit) {
          const unit = q.ele('units').ele('unit');
          unit.ele('multiplier').txt('1');
          kit.plainText(unit.ele('unit_name'), item.unit);
          q.ele('showunits').txt('3'); // the unit is in the prompt; the answer is a bare number
          q.ele('unitgradingtype').txt('0');
        }
      },
    },
    qti: (item, kit) => ({
      cardinality: 'single',
      baseType: 'float',
      correct: [kit.num(item.answer)],
      interaction(body, k) {
        const p = body.ele('p');
        p.ele('textEntryInteraction', { responseIdentifier: 'RESPONSE', expectedLength: '20' });
        if (item.unit) k.plainText(p, ` ${item.unit}`);
      },
      process(rp, k) {
        const cond = rp.ele('responseCondition').ele('responseIf');
        cond.ele('equal', { toleranceMode: 'absolute', tolerance: `${k.num(item.error)} ${k.num(item.error)}` }).ele('variable', { identifier: 'RESPONSE' }).up().ele('correct', { identifier: 'RESPONSE' });
        k.setOutcome(cond, 'SCORE', (s) => k.baseValue(s, 'float', k.num(k.points)));
        if (item.feedback.length === 0) return;
        const fb = rp.ele('responseCondition');
        item.feedback.forEach((f, i) => {
          const branch = fb.ele(i === 0 ? 'responseIf' : 'responseElseIf');
          if ('value' in f) {
            const eq = branch.ele('equal', { toleranceMode: 'absolute', tolerance: `${k.num(f.error)} ${k.num(f.error)}` });
            eq.ele('variable', { identifier: 'RESPONSE' });
            k.baseValue(eq, 'float', k.num(f.value));
          } else {
            const and = branch.ele('and');
            const gte = and.ele('gte');
            gte.ele('variable', { identifier: 'RESPONSE' });
            k.baseValue(gte, 'float', k.num(f.low));
            const lte = and.ele('lte');
            lte.ele('variable', { identifier: 'RESPONSE' });
            k.baseValue(lte, 'float', k.num(f.high));
          }
          k.setOutcome(branch, 'FEEDBACK', (s) => k.baseValue(s, 'identifier', `FB${i}`));
        });
      },
      feedback: item.feedback.map((f, i) => ({ id: `FB${i}`, markdown: f.message })),
    }),
  },
};

/** Whether a prompt already tells the unit of the answer ("in MiB", "in **GiB**"). */
function promptNamesUnit(prompt: string, unit: string): boolean {
  const escaped = unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\bin\\s+(?:\\*\\*)?${escaped}\\b`, 'i').test(prompt);
}

/**
 * The param values of every variant (an enclosing scenario's with them): every combination, or past
 * MAX_COMBINATIONS a sample of seeds.
 */
function variantValues(cq: Compiled, bankId: string, outer?: AnyCompiled): Iterable<Record<string, number>> {
  const params = [...(outer?.params ?? []), ...cq.params];
  const total = params.reduce((n, p) => n * paramCount(p), 1);
  return total <= MAX_COMBINATIONS ? everyCombination(params) : sampledVariants(cq, bankId, outer);
}

function* everyCombination(params: readonly CompiledParam[]): Generator<Record<string, number>> {
  const index = params.map(() => 0);
  for (;;) {
    yield Object.fromEntries(params.map((p, k) => [p.name, paramValueAt(p, index[k]!)]));
    let k = params.length - 1;
    while (k >= 0 && index[k]! + 1 >= paramCount(params[k]!)) index[k--] = 0;
    if (k < 0) return;
    index[k]! += 1;
  }
}

function* sampledVariants(cq: AnyCompiled, bankId: string, outer?: AnyCompiled): Generator<Record<string, number>> {
  for (let seed = 0; seed < SAMPLED_SEEDS; seed++) {
    const values = outer ? drawParams(outer, bankId, seed).values : {};
    yield drawParams(cq, bankId, seed, values).values;
  }
}

