/**
 * Arithmetic expressions in banks ("2 * layers * heads * 128 * window * 2 / 2^20"): parsed by jsep into an
 * AST, checked against a whitelist once when the bank loads, then compiled into closures. Nothing is ever
 * handed to eval or Function; an expression can only name numbers, its symbols and six functions.
 */
import jsep from 'jsep';

// jsep ships '^' as bitwise XOR (precedence 4). We want powers: above * and /, right-associative.
jsep.addBinaryOp('^', 11, true);

// jsep's own unary minus binds tighter than every binary operator, which would read "-2^2" as (-2)^2 = 4.
// In arithmetic it is −(2^2) = −4, so minus is parsed here instead: its operand is a whole power chain.
// "(-2)^2" still reads as 4 (the group is one token), and "2^-1" as 2^(−1).
const MINUS = 45; // '-'
const CARET = 94; // '^'
interface TokenParser {
  index: number;
  readonly code: number;
  gobbleSpaces(): void;
  gobbleToken(): jsep.Expression;
}

/** A token, or a token raised to a power chain: base ^ (base ^ …), right-associative. */
function gobblePower(parser: TokenParser): jsep.Expression {
  const base = parser.gobbleToken();
  parser.gobbleSpaces();
  if (parser.code !== CARET) return base;
  parser.index += 1;
  const exponent = gobblePower(parser);
  return { type: 'BinaryExpression', operator: '^', left: base, right: exponent };
}

jsep.removeUnaryOp('-');
jsep.hooks.add('gobble-token', function negation(this: unknown, env: { node?: jsep.Expression }) {
  const parser = this as TokenParser;
  if (parser.code !== MINUS) return;
  parser.index += 1;
  env.node = { type: 'UnaryExpression', operator: '-', argument: gobblePower(parser), prefix: true };
});

/** A compiled expression: evaluate against the values of its symbols. */
export interface Expression {
  readonly source: string;
  /** Symbols it names, in order of first use. */
  readonly symbols: readonly string[];
  evaluate(scope: Readonly<Record<string, number>>): number;
}

/** Why an expression was refused, in words ("unknown symbol 'heads'"). */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Evaluator = (scope: Readonly<Record<string, number>>) => number;

/** Smallest and largest by a loop: spreading the arguments into Math.min(...) overflows the stack past ~100k. */
function minOf(values: readonly number[]): number {
  let out = Infinity;
  for (const v of values) out = v < out || Number.isNaN(v) ? v : out;
  return out;
}
function maxOf(values: readonly number[]): number {
  let out = -Infinity;
  for (const v of values) out = v > out || Number.isNaN(v) ? v : out;
  return out;
}

const FUNCTIONS: Readonly<Record<string, { arity: [number, number]; apply: (args: number[]) => number }>> = {
  min: { arity: [1, Infinity], apply: minOf },
  max: { arity: [1, Infinity], apply: maxOf },
  floor: { arity: [1, 1], apply: (a) => Math.floor(a[0]!) },
  ceil: { arity: [1, 1], apply: (a) => Math.ceil(a[0]!) },
  round: { arity: [1, 1], apply: (a) => Math.round(a[0]!) },
  log2: { arity: [1, 1], apply: (a) => Math.log2(a[0]!) },
};

/** The functions an expression may call. */
export const EXPRESSION_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS);

/**
 * Far above any formula a question needs (the course's longest is under 100 characters), and low enough
 * that parsing and compiling, which recurse, stay far from the stack limit.
 */
export const MAX_EXPRESSION_LENGTH = 500;
export const MAX_EXPRESSION_DEPTH = 64;
/** Operators and commas: a chain of n operators nests n levels, and each costs parsing; counted on the text. */
export const MAX_EXPRESSION_OPERATORS = 64;

/**
 * Parses and checks an expression. `symbols` are the names it may use (the params, and `answer` in
 * feedback); anything else is an ExpressionError.
 */
export function compileExpression(source: string, symbols: ReadonlySet<string>): Expression {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`is ${source.length} characters long; an expression may have at most ${MAX_EXPRESSION_LENGTH}`);
  }
  // Parentheses and operators are counted before jsep sees them: it parses a group by recursion, and
  // both make the tree deeper.
  let open = 0;
  let operators = 0;
  for (const c of source) {
    if (c === '(') open += 1;
    else if (c === ')') open -= 1;
    else if (c === '+' || c === '-' || c === '*' || c === '/' || c === '^' || c === ',') operators += 1;
    if (open > MAX_EXPRESSION_DEPTH) throw new ExpressionError(tooDeep());
  }
  if (operators > MAX_EXPRESSION_OPERATORS) {
    throw new ExpressionError(`has ${operators} operators and commas; an expression may have at most ${MAX_EXPRESSION_OPERATORS}`);
  }
  let ast: jsep.Expression;
  try {
    ast = jsep(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ExpressionError(`does not parse: ${message.replace(/ at character \d+$/, '')}${atCharacter(error)}`);
  }
  if (ast.type === 'Compound' && (ast.body as jsep.Expression[]).length === 0) {
    throw new ExpressionError('is empty');
  }
  if (depthOf(ast) > MAX_EXPRESSION_DEPTH) throw new ExpressionError(tooDeep());
  const used: string[] = [];
  const evaluate = compileNode(ast, symbols, used);
  return { source, symbols: used, evaluate };
}

function tooDeep(): string {
  return `nests more than ${MAX_EXPRESSION_DEPTH} levels (operators, calls and parentheses); split it or simplify it`;
}

/** Depth of a parsed tree, walked with an explicit stack (compileNode recurses, so it runs only below the limit). */
function depthOf(root: jsep.Expression): number {
  let deepest = 0;
  const stack: [jsep.Expression, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_EXPRESSION_DEPTH) return deepest;
    for (const value of Object.values(node)) {
      const children = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (child !== null && typeof child === 'object' && typeof (child as { type?: unknown }).type === 'string') stack.push([child as jsep.Expression, depth + 1]);
      }
    }
  }
  return deepest;
}

function atCharacter(error: unknown): string {
  const index = (error as { index?: unknown }).index;
  return typeof index === 'number' ? ` (at character ${index + 1})` : '';
}

function compileNode(node: jsep.Expression, symbols: ReadonlySet<string>, used: string[]): Evaluator {
  switch (node.type) {
    case 'Literal': {
      const value = (node as jsep.Literal).value;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ExpressionError(`may only contain numbers, not ${JSON.stringify((node as jsep.Literal).raw)}`);
      }
      return () => value;
    }
    case 'Identifier': {
      const name = (node as jsep.Identifier).name;
      if (!symbols.has(name)) {
        if (Object.prototype.hasOwnProperty.call(FUNCTIONS, name)) throw new ExpressionError(`uses the function '${name}' without calling it`);
        const known = [...symbols];
        throw new ExpressionError(
          `names an unknown symbol '${name}' (known: ${known.length > 0 ? known.join(', ') : 'no params'})`,
        );
      }
      if (!used.includes(name)) used.push(name);
      return (scope) => scope[name]!;
    }
    case 'UnaryExpression': {
      const { operator, argument } = node as jsep.UnaryExpression;
      const inner = compileNode(argument, symbols, used);
      if (operator === '-') return (scope) => -inner(scope);
      if (operator === '+') return inner;
      throw new ExpressionError(`uses the operator '${operator}'; only + - * / ^ are allowed`);
    }
    case 'BinaryExpression': {
      const { operator, left, right } = node as jsep.BinaryExpression;
      const a = compileNode(left, symbols, used);
      const b = compileNode(right, symbols, used);
      switch (operator) {
        case '+':
          return (s) => a(s) + b(s);
        case '-':
          return (s) => a(s) - b(s);
        case '*':
          return (s) => a(s) * b(s);
        case '/':
          return (s) => a(s) / b(s);
        case '^':
          return (s) => Math.pow(a(s), b(s));
        default:
          throw new ExpressionError(`uses the operator '${operator}'; only + - * / ^ are allowed`);
      }
    }
    case 'CallExpression': {
      const { callee, arguments: args } = node as jsep.CallExpression;
      const name = callee.type === 'Identifier' ? (callee as jsep.Identifier).name : undefined;
      const fn = name !== undefined && Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
      if (fn === undefined || name === undefined) {
        throw new ExpressionError(
          `calls ${name !== undefined ? `'${name}'` : 'a member (a.b())'}; only ${EXPRESSION_FUNCTIONS.join(', ')} may be called`,
        );
      }
      const [lo, hi] = fn.arity;
      if (args.length < lo || args.length > hi) {
        throw new ExpressionError(`calls ${name}() with ${args.length} argument(s); it takes ${lo === hi ? lo : `${lo} or more`}`);
      }
      const parts = args.map((arg) => compileNode(arg, symbols, used));
      return (s) => fn.apply(parts.map((p) => p(s)));
    }
    case 'MemberExpression':
      throw new ExpressionError('may not access members (a.b or a[b]); use the param names directly');
    default:
      throw new ExpressionError(`may not contain ${describeNode(node.type)}; only numbers, params, + - * / ^, parentheses and ${EXPRESSION_FUNCTIONS.join(', ')}()`);
  }
}

function describeNode(type: string): string {
  const names: Record<string, string> = {
    Compound: 'several expressions',
    SequenceExpression: 'a comma list',
    ConditionalExpression: 'a conditional (?:)',
    ArrayExpression: 'an array',
    ThisExpression: "'this'",
  };
  return names[type] ?? `a ${type}`;
}
