/**
 * What loading adds to a bank: its expressions parsed, its templates split, its params laid out for
 * drawing. Kept beside the plain data in WeakMaps, so a Bank stays what the author wrote. Each type's
 * compiled form is declared in its module (question-types/); this file only stores and finds them.
 */
import type { AnyCompiled } from './question-types/module.js';
import type { Bank } from './types.js';

export type { CompiledParam } from './compiled-param.js';

export type CompiledQuestion = AnyCompiled;

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

/** "bank 'b' has no question 'x' (it has: a, b)", or undefined when it has it. */
export function unknownQuestion(bank: Bank, questionId: string): string | undefined {
  const byId = compiledOf(bank).byId;
  if (typeof questionId === 'string' && byId.has(questionId)) return undefined;
  return `bank '${bank.id}' has no question '${String(questionId).slice(0, 60)}' (it has: ${[...byId.keys()].join(', ')})`;
}

export function compiledQuestion(bank: Bank, questionId: string): CompiledQuestion {
  const missing = unknownQuestion(bank, questionId);
  if (missing !== undefined) throw new RangeError(missing);
  return compiledOf(bank).byId.get(questionId)!;
}
