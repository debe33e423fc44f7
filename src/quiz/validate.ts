/**
 * Compiling a question once it has its structure: the params laid out for drawing, the common templates
 * (prompt, explanation) checked against the params in scope, then the type's own rules and compiled form
 * (its module's compile), then the checks that need the whole question (its module's check). Returns
 * undefined when the question has problems (they are added).
 */
import { compileExpression, EXPRESSION_FUNCTIONS, ExpressionError, type Expression } from './expression.js';
import { compileTemplate, templateNames, type Template } from './template.js';
import type { CompiledParam, CompiledQuestion } from './compiled.js';
import { fieldName, type Path, type Problems } from './problems.js';
import { checkQuestion } from './structure.js';
import { typeModule } from './question-types/registry.js';
import type { CompileContext } from './question-types/module.js';
import type { NumberOrExpression, Question } from './types.js';
import { quoteInput } from './quote.js';
import { compileParamDef } from './params.js';

const MAX_RANGE_VALUES = 1_000_000;
/** Names a param may not take: the feedback symbol and the functions. */
export const RESERVED: ReadonlySet<string> = new Set(['answer', ...EXPRESSION_FUNCTIONS]);

/** `inherited` are the params of an enclosing scenario, which its parts may use. */
export function compileQuestion(
  problems: Problems,
  path: Path,
  q: Question,
  bankId: string,
  streamId: string,
  label: string,
  inherited: ReadonlySet<string>,
): CompiledQuestion | undefined {
  const before = problems.list.length;
  const module = typeModule(q.type);
  const params = compileParams(problems, path, q, label, inherited);
  // A param with a problem still counts as a name, so its uses are not reported a second time.
  const scope = new Set([...inherited, ...Object.keys(q.params).filter((name) => !RESERVED.has(name))]);
  const template = (field: Path, text: string, extra: ReadonlySet<string> = new Set()): Template => {
    const compiled = compileTemplate(text);
    for (const name of templateNames(compiled)) {
      if (!scope.has(name) && !extra.has(name)) {
        const hint = name === 'answer' ? " ({{answer}} may appear only in a numeric question's explanation and feedback)" : ` (params: ${[...scope].join(', ') || 'none'})`;
        problems.add([...path, ...field], `${label}: ${fieldName(field)} uses {{${name}}}, which is not a param${hint}`);
      }
    }
    return compiled;
  };
  const expression = (field: Path, value: NumberOrExpression, symbols: ReadonlySet<string>): Expression | undefined => {
    if (typeof value === 'number') return { source: String(value), symbols: [], evaluate: () => value };
    try {
      return compileExpression(value, symbols);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.add([...path, ...field], `${label}: ${fieldName(field)} ${quoteInput(value)} ${error.message}`);
      return undefined;
    }
  };
  const ctx: CompileContext = {
    problems,
    path,
    label,
    bankId,
    streamId,
    scope,
    template,
    expression,
    compilePart(raw, index, partScope) {
      const partPath = [...path, 'parts', index];
      const part = checkQuestion(problems, partPath, raw, index, label);
      if (!part) return undefined;
      return compileQuestion(problems, partPath, part, bankId, `${streamId}/${part.id}`, `${label} part '${part.id}'`, partScope);
    },
  };
  const base: CompiledQuestion = { def: q, streamId, label, params, prompt: template(['prompt'], q.prompt) };
  if (q.explanation !== undefined) base.explanation = template(['explanation'], q.explanation, new Set(module.explanationSymbols ?? []));
  const cq = module.compile(ctx, q, base) as CompiledQuestion;
  if (problems.list.length > before) return undefined;
  // Checks that evaluate the question run once it is whole; a part's run with its scenario's params.
  if (!streamId.includes('/')) {
    module.check?.(ctx, cq);
    for (const part of module.compiledParts?.(cq) ?? []) typeModule(part.def.type).check?.(ctx, part, cq);
  }
  return problems.list.length > before ? undefined : cq;
}

function compileParams(problems: Problems, path: Path, q: Question, label: string, inherited: ReadonlySet<string>): CompiledParam[] {
  const out: CompiledParam[] = [];
  for (const [name, def] of Object.entries(q.params)) {
    const at = [...path, 'params', name];
    if (RESERVED.has(name)) {
      problems.add([...path, 'params'], `${label}: param '${name}' uses a reserved name (answer and the function names ${EXPRESSION_FUNCTIONS.join(', ')})`, name);
      continue;
    }
    if (Object.hasOwn(Object.prototype, name)) {
      problems.add([...path, 'params'], `${label}: param '${name}' uses a reserved name (every JavaScript object has a member '${name}'); give it another name`, name);
      continue;
    }
    if (inherited.has(name)) {
      problems.add([...path, 'params'], `${label}: param '${name}' is already a param of the scenario; give it another name`, name);
      continue;
    }
    if (typeof def === 'object' && !Array.isArray(def) && def.max < def.min) {
      problems.add(at, `${label}: params.${name} has max ${def.max} below min ${def.min}`);
      continue;
    }
    const param = compileParamDef(name, def);
    if (param.kind === 'range' && param.count > MAX_RANGE_VALUES) {
      problems.add(at, `${label}: params.${name} has ${param.count} values; use a larger step (at most ${MAX_RANGE_VALUES})`);
      continue;
    }
    out.push(param);
  }
  return out;
}

