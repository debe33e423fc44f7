/**
 * An assignment's source folder: `assignment.yaml`, its notebooks and its private banks. Loading checks
 * everything at once and lists every problem (one line each, `file: what is wrong`), the way a bank
 * loads: an assignment with any problem is never half-loaded.
 *
 *     assignment: kv-memory-hw            # id, [a-z0-9-]+
 *     title: KV-cache memory
 *     notebooks: [kv-memory.ipynb]
 *     banks: banks                        # folder of the private banks (default banks)
 *     solutions: hidden                   # or released: feedback pages show the worked solutions
 *     questions:
 *       - {id: kv-bytes, bank: kv-memory-hw, points: 2}
 *     exercises:
 *       - id: window-bytes
 *         function: windowBytes
 *         args: {layers: [2, 4], window: {min: 64, max: 512, step: 64}, …}   # drawn like bank params
 *         expected: "2 * layers * … * min(window, tokens) * bytesPerElement"
 *         tolerance: {absolute: 0}
 *         cases: 8
 *         points: 3
 *         examples: [{layers: 2, window: 64, …}]   # public checks: the student sees these results
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { bankFiles, checkBanks } from '../quiz/load.js';
import { compileExpression, EXPRESSION_FUNCTIONS, type Expression } from '../quiz/expression.js';
import type { Bank, ParamDef } from '../quiz/types.js';
import { withinTolerance } from '../quiz/grade.js';
import { cellSource, hasSolution, isLocked, parseNotebook, solutionProblems, NotebookError, type Notebook } from './notebook.js';
import { exerciseCases } from './exercise.js';

export const ASSIGNMENT_FILE = 'assignment.yaml';
const ID = /^[a-z0-9-]+$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_CASES = 100;

const finite = () => z.number({ error: 'must be a number' }).refine(Number.isFinite, { error: 'must be a finite number' });
const positive = () => z.number({ error: 'must be a number > 0' }).gt(0, { error: 'must be a number > 0' });
const id = () => z.string({ error: 'must be text' }).regex(ID, { error: 'must use only a-z, 0-9 and - (e.g. kv-bytes)' });
const paramDef = z.union(
  [finite(), z.array(finite()).min(1), z.strictObject({ min: finite(), max: finite(), step: positive().optional() })],
  { error: 'must be a number, a list of numbers, or {min, max, step}' },
);

const schema = z.strictObject({
  assignment: id(),
  title: z.string({ error: 'must be text' }).min(1, { error: 'must not be empty' }),
  notebooks: z.array(z.string().regex(/^[^/\\]+\.ipynb$/, { error: 'must be a notebook file name in the folder (*.ipynb)' })).min(1, { error: 'must list at least one notebook' }),
  banks: z.string({ error: 'must be a folder name' }).optional(),
  solutions: z.enum(['hidden', 'released'], { error: "must be 'hidden' or 'released'" }).optional(),
  questions: z
    .array(z.strictObject({ id: id(), bank: id(), points: positive().optional() }), { error: 'must be a list of {id, bank, points}' })
    .optional(),
  exercises: z
    .array(
      z.strictObject({
        id: id(),
        function: z.string({ error: 'must be text' }).regex(IDENTIFIER, { error: 'must be a function name (an identifier)' }),
        args: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'argument names must be identifiers' }), paramDef),
        expected: z.union([finite(), z.string().min(1)], { error: 'must be a number or an expression over the args' }),
        tolerance: z.strictObject({ relative: positive().optional(), absolute: z.number().min(0).optional() }).optional(),
        cases: z.number().int().min(1).max(MAX_CASES, { error: `must be at most ${MAX_CASES}` }).optional(),
        points: positive().optional(),
        examples: z.array(z.record(z.string(), finite())).optional(),
      }),
      { error: 'must be a list of exercises' },
    )
    .optional(),
});

export interface SourceQuestion {
  id: string;
  bank: Bank;
  /** Points in this assignment (the bank's own points unless the manifest gives others). */
  points: number;
}

export interface SourceExercise {
  id: string;
  function: string;
  args: Record<string, ParamDef>;
  expected: Expression;
  tolerance: { relative?: number; absolute?: number };
  cases: number;
  points: number;
  /** Public checks, as argument lists in call order. */
  examples: number[][];
}

export interface AssignmentSource {
  /** The folder, absolute. */
  dir: string;
  id: string;
  title: string;
  notebooks: { file: string; notebook: Notebook }[];
  solutions: 'hidden' | 'released';
  questions: SourceQuestion[];
  exercises: SourceExercise[];
}

/** An assignment folder that does not load; `problems` has one line per problem. */
export class AssignmentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'AssignmentError';
  }
}

export function isAssignmentDir(dir: string): boolean {
  return existsSync(join(dir, ASSIGNMENT_FILE));
}

/** Loads and checks an assignment folder; throws AssignmentError listing every problem. */
export function loadAssignment(dir: string, display = dir): AssignmentSource {
  const { assignment, problems } = checkAssignment(dir, display);
  if (!assignment) throw new AssignmentError(problems);
  return assignment;
}

/** Every problem of an assignment folder, and the assignment when there are none (for `kvlab lint`). */
export function checkAssignment(dirIn: string, display = dirIn): { assignment?: AssignmentSource; problems: string[]; banks: Bank[] } {
  const dir = resolve(dirIn);
  const manifestName = join(display, ASSIGNMENT_FILE);
  const problems: string[] = [];
  let text: string;
  try {
    text = readFileSync(join(dir, ASSIGNMENT_FILE), 'utf8');
  } catch {
    return { problems: [`${display}: no ${ASSIGNMENT_FILE} here; an assignment folder holds one`], banks: [] };
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) return { problems: doc.errors.map((e) => `${manifestName}: YAML syntax: ${e.message.split('\n')[0]}`), banks: [] };
  const parsed = schema.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => {
        const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
        return `${manifestName}: ${field || 'the manifest'}: ${issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : issue.message}`;
      }),
      banks: [],
    };
  }
  const m = parsed.data;

  // Banks: every bank of the folder must load (a broken private bank is a problem of the assignment).
  const banksDir = join(dir, m.banks ?? 'banks');
  let banks: Bank[] = [];
  if (!existsSync(banksDir) || !statSync(banksDir).isDirectory()) {
    if ((m.questions ?? []).length > 0) problems.push(`${manifestName}: banks: no folder '${m.banks ?? 'banks'}' beside it; put the assignment's private banks there`);
  } else {
    const checked = checkBanks(bankFiles(banksDir).map((file) => ({ file, display: join(display, m.banks ?? 'banks', file.slice(banksDir.length + 1)) })));
    banks = checked.banks;
    problems.push(...checked.problems);
  }

  const questions: SourceQuestion[] = [];
  const ids = new Set<string>();
  for (const [i, q] of (m.questions ?? []).entries()) {
    if (ids.has(q.id)) problems.push(`${manifestName}: questions[${i}]: '${q.id}' is listed twice; each question and exercise id appears once`);
    ids.add(q.id);
    const bank = banks.find((b) => b.id === q.bank);
    if (!bank) {
      problems.push(`${manifestName}: questions[${i}]: no bank '${q.bank}' in ${m.banks ?? 'banks'}/ (banks there: ${banks.map((b) => b.id).join(', ') || 'none'})`);
      continue;
    }
    const question = bank.questions.find((bq) => bq.id === q.id);
    if (!question) {
      problems.push(`${manifestName}: questions[${i}]: bank '${q.bank}' has no question '${q.id}' (it has: ${bank.questions.map((bq) => bq.id).join(', ')})`);
      continue;
    }
    questions.push({ id: q.id, bank, points: q.points ?? question.points });
  }

  const exercises: SourceExercise[] = [];
  for (const [i, e] of (m.exercises ?? []).entries()) {
    const at = `${manifestName}: exercises[${i}]`;
    if (ids.has(e.id)) problems.push(`${at}: '${e.id}' is listed twice; each question and exercise id appears once`);
    ids.add(e.id);
    const names = Object.keys(e.args);
    const reserved = names.filter((n) => EXPRESSION_FUNCTIONS.includes(n));
    if (reserved.length > 0) problems.push(`${at}: args: '${reserved[0]}' is the name of an expression function; rename the argument`);
    let expected: Expression;
    try {
      expected = compileExpression(String(e.expected), new Set(names));
    } catch (error) {
      problems.push(`${at}: expected: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const examples: number[][] = [];
    for (const [j, example] of (e.examples ?? []).entries()) {
      const missing = names.filter((n) => example[n] === undefined);
      const extra = Object.keys(example).filter((n) => !names.includes(n));
      if (missing.length > 0 || extra.length > 0) {
        problems.push(`${at}: examples[${j}]: ${missing.length > 0 ? `no value for ${missing.join(', ')}` : `unknown argument ${extra.join(', ')}`} (the args are ${names.join(', ')})`);
        continue;
      }
      examples.push(names.map((n) => example[n]!));
    }
    const exercise: SourceExercise = {
      id: e.id,
      function: e.function,
      args: e.args as Record<string, ParamDef>,
      expected,
      tolerance: e.tolerance ?? { absolute: 0 },
      cases: e.cases ?? 8,
      points: e.points ?? 1,
      examples,
    };
    // The expected value must be a finite number on every example and on the cases of seeds 0-63.
    const bad = firstNonFinite(m.assignment, exercise);
    if (bad) problems.push(`${at}: expected is not a finite number for ${bad}`);
    for (const [j, args] of examples.entries()) {
      if (!Number.isFinite(expectedValue(exercise, args))) problems.push(`${at}: examples[${j}]: expected is not a finite number there`);
    }
    exercises.push(exercise);
  }
  if (ids.size === 0) problems.push(`${manifestName}: the assignment has no questions and no exercises`);

  const notebooks: AssignmentSource['notebooks'] = [];
  for (const file of m.notebooks) {
    const where = join(display, file);
    let nb: Notebook;
    try {
      nb = parseNotebook(readFileSync(join(dir, file), 'utf8'), where);
    } catch (error) {
      if (error instanceof NotebookError) problems.push(error.message);
      else problems.push(`${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); list notebooks that are in the folder`);
      continue;
    }
    nb.cells.forEach((cell, c) => {
      const source = cellSource(cell);
      for (const problem of solutionProblems(source)) problems.push(`${where}: cell ${c + 1}: ${problem}`);
      if (cell.cell_type === 'code' && isLocked(cell) && hasSolution(source)) {
        problems.push(`${where}: cell ${c + 1}: a locked cell holds a solution region; a student could never write it`);
      }
      if (cell.cell_type !== 'code' && hasSolution(source)) problems.push(`${where}: cell ${c + 1}: solution markers in a ${cell.cell_type} cell are not replaced; use them in code cells`);
    });
    notebooks.push({ file, notebook: nb });
  }
  // A function's results count only when a locked cell records them (records.ts): each exercise needs one.
  for (const e of exercises) {
    const call = new RegExp(`\\.check\\(\\s*['"\`]${e.id}['"\`]`);
    const checked = notebooks.some(({ notebook }) => notebook.cells.some((c) => c.cell_type === 'code' && isLocked(c) && call.test(cellSource(c))));
    if (notebooks.length > 0 && !checked) {
      problems.push(`${manifestName}: exercise '${e.id}': no locked cell calls hw.check('${e.id}', ${e.function}); lock that cell, or its results could come from any function`);
    }
  }

  if (problems.length > 0) return { problems, banks };
  return {
    assignment: { dir, id: m.assignment, title: m.title, notebooks, solutions: m.solutions ?? 'hidden', questions, exercises },
    problems,
    banks,
  };
}

/** The expected value of an exercise for arguments in call order. */
export function expectedValue(exercise: SourceExercise, args: readonly number[]): number {
  const scope: Record<string, number> = {};
  Object.keys(exercise.args).forEach((name, i) => {
    scope[name] = args[i]!;
  });
  return exercise.expected.evaluate(scope);
}

export function isExpected(exercise: SourceExercise, args: readonly number[], value: number): boolean {
  return withinTolerance(value, expectedValue(exercise, args), exercise.tolerance);
}

function firstNonFinite(assignmentId: string, exercise: SourceExercise): string | undefined {
  for (let seed = 0; seed < 64; seed++) {
    for (const args of exerciseCases(assignmentId, exercise, seed)) {
      if (!Number.isFinite(expectedValue(exercise, args))) return `(${args.join(', ')})`;
    }
  }
  return undefined;
}

