/**
 * An exported question: one variant (a seed) with what every LMS item has (id, title, points, prompt,
 * explanation) and the type's own data resolved to plain values by its module (answers, tolerances as
 * absolute errors, feedback, partial-credit fractions). Scenario parts become items of their own, their
 * prompt led by the scenario's context.
 */
import { compiledOf, type CompiledQuestion } from '../compiled.js';
import { drawParams } from '../params.js';
import { fillTemplate } from '../template.js';
import { typeModule } from '../question-types/registry.js';
import type { AnyModule, LmsHooks } from '../question-types/module.js';
import type { Bank } from '../types.js';

export interface ExportItem {
  /** Unique in the export: the question id, or "scenario-part" for a part. */
  id: string;
  title: string;
  type: string;
  points: number;
  /** Markdown with TeX math. */
  prompt: string;
  explanation?: string;
  /** The type's writers and its resolved data. */
  lms: LmsHooks<unknown, unknown>;
  data: unknown;
}

export function exportItems(bank: Bank, seed: number): ExportItem[] {
  const compiled = compiledOf(bank);
  const items: ExportItem[] = [];
  for (const question of bank.questions) {
    const cq = compiled.byId.get(question.id)!;
    const module = typeModule(cq.def.type);
    const parts = module.compiledParts?.(cq);
    if (parts) {
      const { values } = drawParams(cq, bank.id, seed);
      const lead = module.lead?.(cq, values) ?? '';
      for (const part of parts) {
        const item = resolve(part, bank.id, seed, values);
        item.id = `${question.id}-${part.def.id}`;
        item.title = `${question.id} / ${part.def.id}`;
        item.prompt = lead ? `${lead}\n\n${item.prompt}` : item.prompt;
        items.push(item);
      }
    } else {
      items.push(resolve(cq, bank.id, seed, {}));
    }
  }
  // A part's id can equal another question's ("a" with part "b" and a question "a-b"): the later item
  // takes the first free "-2", "-3"… so no item overwrites another's file or shares its identifier.
  const taken = new Set<string>();
  for (const item of items) {
    let id = item.id;
    for (let n = 2; taken.has(id); n += 1) id = `${item.id}-${n}`;
    item.id = id;
    taken.add(id);
  }
  return items;
}

function resolve(cq: CompiledQuestion, bankId: string, seed: number, outer: Record<string, number>): ExportItem {
  const module: AnyModule = typeModule(cq.def.type);
  if (!module.lms) throw new TypeError(`question type '${cq.def.type}' has no LMS export`);
  const { values } = drawParams(cq, bankId, seed, outer);
  const scope = module.scope ? module.scope(cq, values) : values;
  const item: ExportItem = {
    id: cq.def.id,
    title: cq.def.id,
    type: cq.def.type,
    points: cq.def.points,
    prompt: fillTemplate(cq.prompt, values).trim(),
    lms: module.lms,
    data: module.lms.resolve(cq, { bankId, seed, values }, scope),
  };
  if (cq.explanation) item.explanation = fillTemplate(cq.explanation, scope).trim();
  return item;
}
