/**
 * What loading adds to a bank: its expressions parsed, its templates split, its params laid out for
 * drawing. Kept beside the plain data in WeakMaps, so a Bank stays what the author wrote.
 */
import type { Expression } from './expression.js';
import type { Template } from './template.js';
import type { Bank, Question } from './types.js';

export type CompiledParam =
  | { name: string; kind: 'constant'; value: number }
  | { name: string; kind: 'list'; values: readonly number[] }
  /** value = min + i·step for i in [0, count); decimals fixes float noise (0.1·3 = 0.30000000000000004). */
  | { name: string; kind: 'range'; min: number; step: number; count: number; decimals: number };

export interface CompiledChoice {
  id: string;
  text: Template;
  correct: boolean;
  feedback?: Template;
}

export interface CompiledFeedback {
  value?: Expression;
  range?: [Expression, Expression];
  message: Template;
}

export interface CompiledQuestion {
  def: Question;
  /** Names this question's random stream: its id, or "scenarioId/partId" for a part. */
  streamId: string;
  label: string;
  params: readonly CompiledParam[];
  prompt: Template;
  explanation?: Template;
  choices?: readonly CompiledChoice[];
  answer?: Expression;
  feedback?: readonly CompiledFeedback[];
  /** text: accepted forms, normalized when match is normalized. */
  accept?: ReadonlySet<string>;
  /** matching: normalized right → as written; lefts as written. */
  rights?: readonly string[];
  /** ordering/matching: normalized item → as written. */
  canonical?: ReadonlyMap<string, string>;
  leftCanonical?: ReadonlyMap<string, string>;
  context?: Template;
  parts?: readonly CompiledQuestion[];
}

export interface CompiledBank {
  byId: ReadonlyMap<string, CompiledQuestion>;
}

const compiledBanks = new WeakMap<Bank, CompiledBank>();

export function attachCompiled(bank: Bank, compiled: CompiledBank): void {
  compiledBanks.set(bank, compiled);
}

export function compiledOf(bank: Bank): CompiledBank {
  const compiled = compiledBanks.get(bank);
  if (!compiled) {
    throw new TypeError(`bank '${String(bank?.id)}' was not made by loadBank; load it with loadBank(path) or findBank(id)`);
  }
  return compiled;
}

export function compiledQuestion(bank: Bank, questionId: string): CompiledQuestion {
  const question = compiledOf(bank).byId.get(questionId);
  if (!question) {
    const ids = [...compiledOf(bank).byId.keys()];
    throw new RangeError(`bank '${bank.id}' has no question '${questionId}' (it has: ${ids.join(', ')})`);
  }
  return question;
}
