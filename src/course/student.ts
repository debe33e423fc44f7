/**
 * Calling a student's function from a notebook's self-check. A function that throws must not stop Run All
 * (tslab would print a stack trace and skip every later cell): the call is caught and the error told in one
 * line, naming the function, the error and the line of the function that threw, with the line's code.
 */
import { gradeQuiz } from './quiz.js';
import type { StudentId } from './seed.js';

/**
 * The outcome of one call: `ok` with the value returned, or not `ok` with the one-line account of what was thrown.
 * (One shape with optional parts rather than a union: tslab's compiler options do not narrow unions on `ok`.)
 */
export interface StudentCall<R> {
  ok: boolean;
  /** What the function returned (undefined when it threw). */
  value: R | undefined;
  /** One line: what was thrown and where ('' when the call returned). */
  message: string;
}

interface Frame {
  functionName: string | null;
  fileName: string | undefined;
  line: number | null;
  column: number | null;
  /** Line and column where the function that contains this frame starts (V8 ≥ 9). */
  enclosingLine: number | null;
}

/** V8's structured stack of an error that has not been formatted yet, or undefined. */
function framesOf(error: Error): Frame[] | undefined {
  const previous = Error.prepareStackTrace;
  let frames: Frame[] | undefined;
  try {
    Error.prepareStackTrace = (_error, sites) => {
      frames = sites.map((site) => {
        const s = site as NodeJS.CallSite & { getEnclosingLineNumber?: () => number | null };
        return {
          functionName: s.getFunctionName(),
          fileName: s.getFileName() ?? undefined,
          line: s.getLineNumber(),
          column: s.getColumnNumber(),
          enclosingLine: typeof s.getEnclosingLineNumber === 'function' ? s.getEnclosingLineNumber() : null,
        };
      });
      return '';
    };
    void error.stack; // formats the stack now, through the hook above (V8 formats it once, on first read)
  } catch {
    frames = undefined;
  } finally {
    Error.prepareStackTrace = previous;
  }
  return frames;
}

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Markdown inline code that survives backticks inside the code. */
const inlineCode = (code: string) => (code.includes('`') ? `\`\` ${code} \`\`` : `\`${code}\``);

/**
 * Where in `fn` the error was thrown: "line 3: `return dims[3] * 2;`", counted from the function's first
 * line, or '' when the stack does not say (an error thrown elsewhere, or a stack already formatted).
 */
function whereInFunction(error: Error, fn: (...args: never[]) => unknown): string {
  const frames = framesOf(error);
  if (frames === undefined) return '';
  // The first frame inside the student's function (by name: a notebook cell's functions are named).
  const frame = frames.find((f) => f.functionName === fn.name && f.line !== null);
  if (frame === undefined || frame.line === null) {
    const first = frames.find((f) => f.functionName !== null && f.line !== null);
    return first === undefined ? '' : ` (in ${first.functionName})`;
  }
  if (frame.enclosingLine === null) return '';
  const lineInFunction = frame.line - frame.enclosingLine; // 0 = the line the function starts on
  const code = String(fn).split('\n')[lineInFunction];
  return code === undefined ? '' : `, at line ${lineInFunction + 1} of ${fn.name}: ${inlineCode(oneLine(code, 80))}`;
}

/** The one-line account of a thrown value, e.g. "fullCacheMiB threw TypeError: … at line 3 of fullCacheMiB: `…`". */
export function describeThrow(name: string, thrown: unknown, fn?: (...args: never[]) => unknown): string {
  if (!(thrown instanceof Error)) return `${name} threw ${oneLine(String(thrown), 200)}`;
  const where = fn === undefined ? '' : whereInFunction(thrown, fn);
  return `${name} threw ${thrown.name}: ${oneLine(thrown.message, 200)}${where}`;
}

/** Calls `fn(...args)`; a throw becomes `{ok: false, message}` with the one-line account. */
export function callStudent<A extends unknown[], R>(fn: (...args: A) => R, args: A, name: string = fn.name || 'your function'): StudentCall<R> {
  try {
    return { ok: true, value: fn(...args), message: '' };
  } catch (thrown) {
    return { ok: false, value: undefined, message: describeThrow(name, thrown, fn as unknown as (...a: never[]) => unknown) };
  }
}

/**
 * The self-check of a function exercise: calls the student's `fn` with `args` (their variant's numbers) and
 * grades what it returns as the answer to `questionId` of `bankId`, as the grader would. When `fn` throws,
 * nothing is graded (no attempt is used): the Markdown says in one line what was thrown and where, and the
 * notebook goes on.
 */
export function checkFunction<A extends unknown[], R>(
  bankId: string,
  questionId: string,
  fn: (...args: A) => R,
  args: A,
  seed: StudentId = 0,
): string {
  const call = callStudent(fn, args);
  if (!call.ok) {
    return `**${questionId}: not graded.** ${call.message}. Fix the function and run its cell again; this cost no attempt.`;
  }
  return gradeQuiz(bankId, { [questionId]: call.value }, seed).markdown; // undefined: not answered yet
}
