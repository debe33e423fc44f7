/**
 * The question types' own lint warnings: each type module may say, of a loaded question, what loads and
 * grades but is most likely a mistake (its `warnings` hook; numeric: a feedback range that is reversed for
 * some variant, so it never matches). Never errors: `kvlab lint` still exits 0 and prints them, one line
 * each led by the bank's file, as the answer-length warnings.
 */
import { compiledOf } from '../compiled.js';
import { typeModule } from '../question-types/registry.js';
import type { Bank } from '../types.js';

/** Every warning of the banks' questions and scenario parts, in bank and question order. */
export function questionTypeWarnings(banks: readonly Bank[]): string[] {
  return banks.flatMap((bank) =>
    [...compiledOf(bank).byId.values()].flatMap((cq) => {
      const module = typeModule(cq.def.type);
      const own = module.warnings?.(cq, bank.id) ?? [];
      const parts = (module.compiledParts?.(cq) ?? []).flatMap((part) => typeModule(part.def.type).warnings?.(part, bank.id, cq) ?? []);
      return [...own, ...parts].map((warning) => `${bank.file}: warning: ${warning}`);
    }),
  );
}
