/**
 * An exported question: one variant (a seed) with everything an LMS needs resolved to plain values:
 * the answer, the tolerance as an absolute error, per-answer feedback and partial-credit fractions.
 * Scenario parts become items of their own, their prompt led by the scenario's context.
 */
import { compiledOf, type CompiledQuestion } from '../compiled.js';
import { drawParams } from '../params.js';
import { fillTemplate } from '../template.js';
import { keyOf, variantOf } from '../variant.js';
import type { Bank } from '../types.js';

export interface ExportChoice {
  id: string;
  text: string;
  correct: boolean;
  /** Moodle-style credit in percent: 100 for a right single choice; ±100/k for k right choices. */
  percent: number;
  feedback?: string;
}

export type ExportNumericFeedback = { value: number; error: number; message: string } | { low: number; high: number; message: string };

export interface ExportItem {
  /** Unique in the export: the question id, or "scenario-part" for a part. */
  id: string;
  title: string;
  type: 'true-false' | 'single-choice' | 'multiple-choice' | 'numeric' | 'text' | 'matching' | 'ordering';
  points: number;
  /** Markdown with TeX math. */
  prompt: string;
  explanation?: string;
  answer?: boolean;
  choices?: ExportChoice[];
  numeric?: { answer: number; error: number; unit?: string; feedback: ExportNumericFeedback[] };
  accept?: string[];
  caseSensitive?: boolean;
  pairs?: { left: string; right: string }[];
  items?: string[];
}

export function exportItems(bank: Bank, seed: number): ExportItem[] {
  const compiled = compiledOf(bank);
  const items: ExportItem[] = [];
  for (const question of bank.questions) {
    const cq = compiled.byId.get(question.id)!;
    if (cq.def.type === 'scenario') {
      const { values } = drawParams(cq, bank.id, seed);
      const context = fillTemplate(cq.context!, values);
      const lead = cq.def.prompt.trim() ? `${context.trim()}\n\n${fillTemplate(cq.prompt, values).trim()}` : context.trim();
      for (const part of cq.parts!) {
        const item = resolve(part, bank.id, seed, values);
        item.id = `${question.id}-${part.def.id}`;
        item.title = `${question.id} / ${part.def.id}`;
        item.prompt = `${lead}\n\n${item.prompt}`;
        items.push(item);
      }
    } else {
      items.push(resolve(cq, bank.id, seed, {}));
    }
  }
  return items;
}

function resolve(cq: CompiledQuestion, bankId: string, seed: number, outer: Record<string, number>): ExportItem {
  const q = cq.def;
  const variant = variantOf(cq, bankId, seed, outer);
  const key = keyOf(cq, bankId, seed, outer);
  const { values } = drawParams(cq, bankId, seed, outer);
  const scope = key.type === 'numeric' ? { ...values, answer: key.answer } : values;
  const item: ExportItem = { id: q.id, title: q.id, type: q.type as ExportItem['type'], points: q.points, prompt: variant.prompt.trim() };
  if (cq.explanation) item.explanation = fillTemplate(cq.explanation, scope).trim();
  switch (q.type) {
    case 'true-false':
      item.answer = q.answer;
      break;
    case 'single-choice':
    case 'multiple-choice': {
      const right = cq.choices!.filter((c) => c.correct).length;
      item.choices = cq.choices!.map((c) => {
        const percent = q.type === 'single-choice' ? (c.correct ? 100 : 0) : (c.correct ? 100 : -100) / right;
        const choice: ExportChoice = { id: c.id, text: fillTemplate(c.text, values), correct: c.correct, percent };
        if (c.feedback) choice.feedback = fillTemplate(c.feedback, values);
        return choice;
      });
      break;
    }
    case 'numeric': {
      if (key.type !== 'numeric') break;
      const errorFor = (y: number) => Math.max(q.tolerance.absolute ?? 0, (q.tolerance.relative ?? 0) * Math.abs(y));
      item.numeric = {
        answer: key.answer,
        error: errorFor(key.answer),
        feedback: cq.feedback!.map((f): ExportNumericFeedback => {
          const message = fillTemplate(f.message, scope);
          if (f.value) {
            const value = f.value.evaluate(scope);
            return { value, error: errorFor(value), message };
          }
          return { low: f.range![0].evaluate(scope), high: f.range![1].evaluate(scope), message };
        }),
      };
      if (q.unit !== undefined) item.numeric.unit = q.unit;
      break;
    }
    case 'text':
      item.accept = [...q.accept];
      item.caseSensitive = q.match === 'exact';
      break;
    case 'matching':
      item.pairs = q.pairs.map((p) => ({ ...p }));
      break;
    case 'ordering':
      item.items = [...q.items];
      break;
    default:
      break;
  }
  return item;
}
