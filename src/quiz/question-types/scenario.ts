/**
 * scenario: a case (`context`, Markdown with the scenario's {{params}}) and `parts`, each a question of a
 * type that may be a part. Answered with `{partId: answer}`; worth the sum of its parts (no points of its
 * own; its prompt is optional). A part sees the scenario's params and draws its own from the stream
 * "scenarioId/partId". A part id the scenario does not have is reported by name, with the ids it has.
 *
 * Its parts go through the engine's own stages, which the engine hands in with each call (variantOfPart,
 * keyOfPart, gradePart, describePart), so this module imports nothing of the engine.
 */
import { z } from 'zod';
import { fillTemplate, type Template } from '../template.js';
import { describe, fields, isPlainMap, textSchema } from './common.js';
import type { AnyCompiled, QuestionTypeModule, CompiledBase } from './module.js';
import type { KeylessBase, QuestionBase, VariantBase, Verdict } from '../base-types.js';
import type { PartKey, PartKeyless, PartQuestion, PartVariant } from './part-registry.js';

export interface ScenarioQuestion extends QuestionBase {
  type: 'scenario';
  /** Markdown case narrative; {{params}} of the scenario are filled in. */
  context: string;
  parts: PartQuestion[];
}
export interface ScenarioVariant extends VariantBase {
  type: 'scenario';
  context: string;
  parts: PartVariant[];
}
/** The keyless form (an assignment's student copy): the case as written and each part's keyless form. */
export interface ScenarioKeyless extends KeylessBase {
  type: 'scenario';
  context: string;
  parts: PartKeyless[];
}
export interface ScenarioKey {
  type: 'scenario';
  answer: Record<string, PartKey>;
}
export interface Compiled extends CompiledBase<ScenarioQuestion> {
  context: Template;
  parts: readonly AnyCompiled[];
}

export const scenario: QuestionTypeModule<ScenarioQuestion, Compiled, ScenarioVariant, ScenarioKey, unknown, ScenarioKeyless> = {
  type: 'scenario',
  fields: fields({
    points: z.never({ error: "is not allowed on a scenario: its points are the sum of its parts' points" }).optional(),
    // The context carries the narrative; a scenario's own prompt is optional.
    prompt: z.string({ error: 'must be text' }).optional(),
    context: textSchema(),
    // Parts are checked one at a time against their own type's fields, so here they only need to be a list.
    parts: z.array(z.unknown(), { error: 'must be a list of questions' }).min(1, { error: 'must list at least one part' }),
  }),
  part: false,
  compile(ctx, q, base) {
    const context = ctx.template(['context'], q.context);
    const seen = new Map<string, number>();
    const parts: AnyCompiled[] = [];
    q.parts.forEach((raw, i) => {
      const id = isPlainMap(raw) && typeof raw.id === 'string' ? raw.id : undefined;
      const earlier = id === undefined ? undefined : seen.get(id);
      if (earlier !== undefined) {
        ctx.problems.add([...ctx.path, 'parts', i, 'id'], `${ctx.label}: part id '${id}' is used twice (first on line ${ctx.problems.lineOf([...ctx.path, 'parts', earlier])})`);
        return;
      }
      if (id !== undefined) seen.set(id, i);
      const part = ctx.compilePart(raw, i, ctx.scope);
      if (part) parts.push(part);
    });
    q.parts = parts.map((p) => p.def as PartQuestion);
    // Points are hundredths: the sum is rounded to them, so 0.1 + 0.2 is 0.3, not 0.30000000000000004.
    q.points = Math.round(q.parts.reduce((sum, p) => sum + p.points, 0) * 100) / 100;
    return { ...base, context, parts };
  },
  compiledParts: (cq) => cq.parts,
  variant: (cq, base, ctx) => ({
    ...base,
    type: 'scenario',
    context: fillTemplate(cq.context, ctx.values),
    parts: cq.parts.map((part) => ctx.variantOfPart(part, ctx.values) as PartVariant),
  }),
  variantParts: (v) => v.parts,
  key: (cq, ctx) => ({
    type: 'scenario',
    answer: Object.fromEntries(cq.parts.map((p) => [p.def.id, ctx.keyOfPart(p, ctx.values) as PartKey])),
  }),
  describeKey: (key, describePart) => Object.entries(key.answer).map(([id, k]) => `${id}: ${describePart(k)}`).join('; '),
  grade(cq, answer, ctx) {
    if (!isPlainMap(answer)) return { kind: 'not-graded', reason: `expected a map {partId: answer}, got ${describe(answer)}` };
    const parts: Record<string, Verdict> = {};
    const ids = new Set(cq.parts.map((p) => p.def.id));
    for (const part of cq.parts) {
      const partAnswer = Object.hasOwn(answer, part.def.id) ? answer[part.def.id] : undefined;
      parts[part.def.id] = ctx.gradePart(part, partAnswer, ctx.values);
    }
    const unknownParts = Object.keys(answer).filter((id) => !ids.has(id));
    const wrong = Object.entries(parts).flatMap(([id, v]) => (v.status === 'correct' ? [] : [id]));
    return { kind: 'graded', fraction: 0, messages: [], wrong, parts, unknownParts };
  },
  keyless: (q, base, ctx) => ({ ...base, type: 'scenario', context: q.context, parts: q.parts.map((p) => ctx.keylessOfPart(p) as PartKeyless) }),
  // Its points are the sum of its parts', as in the bank (the keyless form keeps the bank's sum).
  keylessVariant: (s, base, ctx) => ({
    ...base,
    type: 'scenario',
    context: ctx.fill(s.context),
    parts: s.parts.map((part) => ctx.variantOfPart(part, ctx.values) as PartVariant),
  }),
  answerShape(answer, s, ctx) {
    if (!isPlainMap(answer)) return 'expected a map {partId: answer}';
    for (const part of s.parts) {
      if (answer[part.id] === undefined) continue;
      const problem = ctx.shapeOfPart(part, answer[part.id]);
      if (problem !== undefined) return `part ${part.id}: ${problem}`;
    }
    const unknown = Object.keys(answer).filter((id) => !s.parts.some((p) => p.id === id));
    return unknown.length > 0 ? `${JSON.stringify(unknown[0]!.slice(0, 40))} is not a part of this question` : undefined;
  },
  markdownLead: (v) => [v.context.trim()],
  markdown: () => [],
  lead: (cq, values) => {
    const context = fillTemplate(cq.context, values).trim();
    return cq.def.prompt.trim() ? `${context}\n\n${fillTemplate(cq.prompt, values).trim()}` : context;
  },
};
