/**
 * Drawing a variant's params. Params are drawn in the order the bank writes them (YAML map order), one
 * draw per list or range, none for a constant; a scenario's part sees the scenario's params and then
 * draws its own from its own stream ("scenarioId/partId"). Shuffles for display continue the same stream
 * after the params, so grading (which needs only the params) and display agree.
 */
import type { CompiledParam } from './compiled-param.js';
import type { ParamDef } from './base-types.js';
import { drawFor, type Draw } from './random.js';

/** What drawing needs of a compiled question: its stream and its params (any type's compiled form has them). */
export interface ParamSource {
  streamId: string;
  params: readonly CompiledParam[];
}

export function drawParams(
  cq: ParamSource,
  bankId: string,
  seed: number,
  outer: Readonly<Record<string, number>> = {},
): { values: Record<string, number>; draw: Draw } {
  const draw = drawFor(bankId, cq.streamId, seed);
  const values: Record<string, number> = { ...outer };
  for (const param of cq.params) values[param.name] = drawParam(param, draw);
  return { values, draw };
}

/** One draw of a param: a value of a list or range, none for a constant. */
export function drawParam(param: CompiledParam, draw: Draw): number {
  return param.kind === 'constant' ? param.value : paramValueAt(param, draw.int(0, paramCount(param) - 1));
}

/** How many values a param can take. */
export function paramCount(param: CompiledParam): number {
  return param.kind === 'constant' ? 1 : param.kind === 'list' ? param.values.length : param.count;
}

/** The i-th value a param can take (a range's i-th multiple of step from min). */
export function paramValueAt(param: CompiledParam, i: number): number {
  switch (param.kind) {
    case 'constant':
      return param.value;
    case 'list':
      return param.values[i]!;
    case 'range':
      return Number((param.min + i * param.step).toFixed(param.decimals));
  }
}

/**
 * A param as written, laid out for drawing: the loader's one rule, also used by what draws the same values
 * without a loaded bank (an assignment's keyless questions and code exercises). A range's values are
 * rounded to the decimals of its min and step, so 0.1·3 reads 0.3. The loader checks the bounds first.
 */
export function compileParamDef(name: string, def: ParamDef): CompiledParam {
  if (typeof def === 'number') return { name, kind: 'constant', value: def };
  if (Array.isArray(def)) return { name, kind: 'list', values: def };
  const step = def.step ?? 1;
  const count = Math.floor((def.max - def.min) / step + 1e-9) + 1;
  return { name, kind: 'range', min: def.min, step, count, decimals: Math.min(15, Math.max(decimalsOf(def.min), decimalsOf(step))) };
}

function decimalsOf(value: number): number {
  const text = String(value);
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Number(exp[1]) + (text.split('e')[0]!.split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}
