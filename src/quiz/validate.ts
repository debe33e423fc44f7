/**
 * The rules that look across fields (one correct choice, unique ids, expressions and {{placeholders}}
 * naming known params, ranges that make sense, answers that evaluate) and, for a question that keeps
 * them, its compiled form: expressions parsed, templates split, params laid out for drawing.
 */
import { compileExpression, EXPRESSION_FUNCTIONS, ExpressionError, type Expression } from './expression.js';
import { compileTemplate, templateNames, type Template } from './template.js';
import type { CompiledChoice, CompiledFeedback, CompiledParam, CompiledQuestion } from './compiled.js';
import { PART_SCHEMAS } from './schema.js';
import { normalizeText } from './text.js';
import { drawParams, paramCount, paramValueAt } from './params.js';
import { fieldName, type Path, type Problems } from './problems.js';
import { checkQuestion } from './structure.js';
import type { NumberOrExpression, PartQuestion, Question } from './types.js';

const MAX_RANGE_VALUES = 1_000_000;
/** Names a param may not take: the feedback symbol and the functions. */
export const RESERVED: ReadonlySet<string> = new Set(['answer', ...EXPRESSION_FUNCTIONS]);

/**
 * The rules across fields, and compilation. `inherited` are the params of an enclosing scenario, which
 * its parts may use. Returns undefined when the question has problems (they are added).
 */
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
  const params = compileParams(problems, path, q, label, inherited);
  // A param with a problem still counts as a name, so its uses are not reported a second time.
  const scope = new Set([...inherited, ...Object.keys(q.params).filter((name) => !RESERVED.has(name))]);
  const template = (field: Path, text: string, extra: ReadonlySet<string> = new Set()): Template => {
    const compiledTemplate = compileTemplate(text);
    for (const name of templateNames(compiledTemplate)) {
      if (!scope.has(name) && !extra.has(name)) {
        const hint = name === 'answer' ? " ({{answer}} may appear only in a numeric question's explanation and feedback)" : ` (params: ${[...scope].join(', ') || 'none'})`;
        problems.add([...path, ...field], `${label}: ${fieldName(field)} uses {{${name}}}, which is not a param${hint}`);
      }
    }
    return compiledTemplate;
  };
  const answerSymbol = new Set(q.type === 'numeric' ? ['answer'] : []);
  const cq: CompiledQuestion = {
    def: q,
    streamId,
    label,
    params,
    prompt: template(['prompt'], q.prompt),
  };
  if (q.explanation !== undefined) cq.explanation = template(['explanation'], q.explanation, answerSymbol);
  const expression = (field: Path, value: NumberOrExpression, symbols: ReadonlySet<string>): Expression | undefined => {
    if (typeof value === 'number') return { source: String(value), symbols: [], evaluate: () => value };
    try {
      return compileExpression(value, symbols);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.add([...path, ...field], `${label}: ${fieldName(field)} '${value}' ${error.message}`);
      return undefined;
    }
  };

  switch (q.type) {
    case 'single-choice':
    case 'multiple-choice': {
      const ids = new Map<string, number>();
      q.choices.forEach((choice, i) => {
        const earlier = ids.get(choice.id);
        if (earlier !== undefined) {
          problems.add([...path, 'choices', i], `${label}: choices[${i}] has the id '${choice.id}', already used by choices[${earlier}]; ids must be unique (a choice without an id gets the letter of its position)`);
        }
        ids.set(choice.id, i);
      });
      const correct = q.choices.filter((c) => c.correct).length;
      if (q.type === 'single-choice' && correct !== 1) {
        problems.add([...path, 'choices'], `${label}: a single-choice question needs exactly one choice with correct: true (it has ${correct})`);
      }
      if (q.type === 'multiple-choice' && correct < 1) {
        problems.add([...path, 'choices'], `${label}: a multiple-choice question needs at least one choice with correct: true`);
      }
      cq.choices = q.choices.map((c, i): CompiledChoice => {
        const choice: CompiledChoice = { id: c.id, text: template(['choices', i, 'text'], c.text), correct: c.correct };
        if (c.feedback !== undefined) choice.feedback = template(['choices', i, 'feedback'], c.feedback);
        return choice;
      });
      break;
    }
    case 'numeric': {
      const answer = expression(['answer'], q.answer, scope);
      if (answer) cq.answer = answer;
      const withAnswer = new Set([...scope, 'answer']);
      cq.feedback = q.feedback.flatMap((f, i): CompiledFeedback[] => {
        if ((f.value === undefined) === (f.range === undefined)) {
          problems.add([...path, 'feedback', i], `${label}: feedback[${i}] needs exactly one of value or range`);
          return [];
        }
        const message = template(['feedback', i, 'message'], f.message, answerSymbol);
        if (f.value !== undefined) {
          const value = expression(['feedback', i, 'value'], f.value, withAnswer);
          return value ? [{ value, message }] : [];
        }
        const [low, high] = f.range!;
        const lo = expression(['feedback', i, 'range', 0], low, withAnswer);
        const hi = expression(['feedback', i, 'range', 1], high, withAnswer);
        return lo && hi ? [{ range: [lo, hi], message }] : [];
      });
      break;
    }
    case 'text': {
      const forms = q.accept.map((a) => (q.match === 'normalized' ? normalizeText(a) : a));
      if (forms.some((f) => f.length === 0)) problems.add([...path, 'accept'], `${label}: accept lists an answer that is empty${q.match === 'normalized' ? ' once white space is removed' : ''}`);
      cq.accept = new Set(forms);
      break;
    }
    case 'matching': {
      const lefts = new Map<string, string>();
      const rights = new Map<string, string>();
      q.pairs.forEach((pair, i) => {
        const key = normalizeText(pair.left);
        if (lefts.has(key)) problems.add([...path, 'pairs', i, 'left'], `${label}: pairs[${i}].left '${pair.left}' is listed twice; each left must be unique`);
        lefts.set(key, pair.left);
        if (!rights.has(normalizeText(pair.right))) rights.set(normalizeText(pair.right), pair.right);
      });
      cq.leftCanonical = lefts;
      cq.canonical = rights;
      cq.rights = [...rights.values()];
      break;
    }
    case 'ordering': {
      const items = new Map<string, string>();
      q.items.forEach((item, i) => {
        const key = normalizeText(item);
        if (items.has(key)) problems.add([...path, 'items', i], `${label}: items[${i}] '${item}' is listed twice; each item must be unique`);
        items.set(key, item);
      });
      cq.canonical = items;
      break;
    }
    case 'scenario': {
      cq.context = template(['context'], q.context);
      const partIds = new Map<string, number>();
      const parts: CompiledQuestion[] = [];
      const defs: PartQuestion[] = [];
      q.parts.forEach((raw, i) => {
        const partPath = [...path, 'parts', i];
        const part = checkQuestion(problems, partPath, raw, i, PART_SCHEMAS, label);
        if (!part) return;
        const earlier = partIds.get(part.id);
        if (earlier !== undefined) {
          problems.add([...partPath, 'id'], `${label}: part id '${part.id}' is used twice (first on line ${problems.lineOf([...path, 'parts', earlier])})`);
          return;
        }
        partIds.set(part.id, i);
        const compiledPart = compileQuestion(problems, partPath, part, bankId, `${streamId}/${part.id}`, `${label} part '${part.id}'`, scope);
        if (compiledPart) {
          parts.push(compiledPart);
          defs.push(part as PartQuestion);
        }
      });
      q.parts = defs;
      q.points = defs.reduce((sum, p) => sum + p.points, 0);
      cq.parts = parts;
      break;
    }
    default:
      break;
  }
  if (problems.list.length > before) return undefined;
  // Evaluate once at seed 0 so an answer that divides by zero is a load error, not a grading surprise.
  if (q.type === 'numeric' && cq.answer && !streamId.includes('/')) checkEvaluates(problems, path, cq, bankId, label);
  if (q.type === 'scenario') {
    for (const part of cq.parts ?? []) {
      if (part.def.type === 'numeric') checkEvaluates(problems, path, part, bankId, part.label, cq);
    }
  }
  return problems.list.length > before ? undefined : cq;
}

/**
 * Evaluates the answer for every combination of param values (or, past MAX_COMBINATIONS, for a sample of
 * seeds), so an answer that divides by zero for some variant is a load error, not a grading surprise.
 */
function checkEvaluates(problems: Problems, path: Path, cq: CompiledQuestion, bankId: string, label: string, scenario?: CompiledQuestion): void {
  const params = [...(scenario?.params ?? []), ...cq.params];
  const total = params.reduce((n, p) => n * paramCount(p), 1);
  const scopes: Iterable<Record<string, number>> =
    total <= MAX_COMBINATIONS ? everyCombination(params) : sampledVariants(cq, bankId, scenario);
  for (const scope of scopes) {
    const answer = cq.answer!.evaluate(scope);
    if (!Number.isFinite(answer)) {
      const shown = Object.entries(scope).map(([k, v]) => `${k}=${v}`).join(', ');
      problems.add([...path, 'answer'], `${label}: answer evaluates to ${answer}${shown ? ` for ${shown}` : ''}; it must be a finite number for every variant`);
      return;
    }
  }
}

const MAX_COMBINATIONS = 4096;
const SAMPLED_SEEDS = 256;

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

function* sampledVariants(cq: CompiledQuestion, bankId: string, scenario?: CompiledQuestion): Generator<Record<string, number>> {
  for (let seed = 0; seed < SAMPLED_SEEDS; seed++) {
    const outer = scenario ? drawParams(scenario, bankId, seed).values : {};
    yield drawParams(cq, bankId, seed, outer).values;
  }
}

function compileParams(problems: Problems, path: Path, q: Question, label: string, inherited: ReadonlySet<string>): CompiledParam[] {
  const out: CompiledParam[] = [];
  for (const [name, def] of Object.entries(q.params)) {
    const at = [...path, 'params', name];
    if (RESERVED.has(name)) {
      problems.add([...path, 'params'], `${label}: param '${name}' uses a reserved name (answer and the function names ${EXPRESSION_FUNCTIONS.join(', ')})`, name);
      continue;
    }
    if (inherited.has(name)) {
      problems.add([...path, 'params'], `${label}: param '${name}' is already a param of the scenario; give it another name`, name);
      continue;
    }
    if (typeof def === 'number') {
      out.push({ name, kind: 'constant', value: def });
    } else if (Array.isArray(def)) {
      out.push({ name, kind: 'list', values: def });
    } else {
      const step = def.step ?? 1;
      if (def.max < def.min) {
        problems.add(at, `${label}: params.${name} has max ${def.max} below min ${def.min}`);
        continue;
      }
      const count = Math.floor((def.max - def.min) / step + 1e-9) + 1;
      if (count > MAX_RANGE_VALUES) {
        problems.add(at, `${label}: params.${name} has ${count} values; use a larger step (at most ${MAX_RANGE_VALUES})`);
        continue;
      }
      out.push({ name, kind: 'range', min: def.min, step, count, decimals: Math.min(15, Math.max(decimalsOf(def.min), decimalsOf(step))) });
    }
  }
  return out;
}

function decimalsOf(value: number): number {
  const text = String(value);
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Number(exp[1]) + (text.split('e')[0]!.split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}
