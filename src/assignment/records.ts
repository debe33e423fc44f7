/**
 * What a student's notebook records: each call of the assignment API leaves one display output with the
 * kvlab MIME type, whose data is one of the records below. The submission is the saved notebook; the
 * grader reads these outputs as JSON and runs nothing.
 */
import type { RecordedCase } from './exercise.js';
import { cellSource, lockedId, type Notebook } from './notebook.js';

export const RECORD_MIME = 'application/vnd.kvlab.answer+json';

export type AssignmentRecord =
  | { kind: 'student'; assignment: string; student: string }
  | { kind: 'answer'; assignment: string; student: string; question: string; value: unknown }
  | { kind: 'check'; assignment: string; student: string; exercise: string; cases: RecordedCase[] };

/** Everything the grader takes from one notebook. */
export interface NotebookRecords {
  /** Student ids the records name (a sound notebook names exactly one). */
  students: Set<string>;
  /** Records for another assignment (a notebook from another course, or a copy). */
  otherAssignments: Set<string>;
  /** The last answer recorded for each question (a re-run cell replaces its output; a later cell wins). */
  answers: Map<string, unknown>;
  /** Function results, taken only from the outputs of locked cells (where the release calls hw.check). */
  checks: Map<string, RecordedCase[]>;
  /** Exercises whose results were recorded by a cell that is not locked (not counted). */
  unlockedChecks: Set<string>;
  /** Code cells that have any output at all (0: the notebook was saved without outputs). */
  cellsWithOutputs: number;
  /** Locked cells found, by their release id → the source as saved. */
  locked: Map<string, string[]>;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One output's record, or undefined when the data is not a record (ignored, like any other output). */
function readRecord(data: unknown): AssignmentRecord | undefined {
  let value = data;
  // Jupyter stores +json data as JSON; a front end may keep the string the kernel sent.
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isMap(value) || typeof value.assignment !== 'string' || typeof value.student !== 'string') return undefined;
  if (value.kind === 'student') return { kind: 'student', assignment: value.assignment, student: value.student };
  if (value.kind === 'answer' && typeof value.question === 'string' && 'value' in value) {
    return { kind: 'answer', assignment: value.assignment, student: value.student, question: value.question, value: value.value };
  }
  if (value.kind === 'check' && typeof value.exercise === 'string' && Array.isArray(value.cases)) {
    const cases = value.cases.filter(isMap).map((c): RecordedCase => {
      const out: RecordedCase = { args: Array.isArray(c.args) ? c.args : [] };
      if ('value' in c) out.value = c.value;
      if (typeof c.error === 'string') out.error = c.error;
      return out;
    });
    return { kind: 'check', assignment: value.assignment, student: value.student, exercise: value.exercise, cases };
  }
  return undefined;
}

/** Reads the records of a parsed notebook, in cell order. */
export function notebookRecords(nb: Notebook, assignmentId: string): NotebookRecords {
  const out: NotebookRecords = {
    students: new Set(),
    otherAssignments: new Set(),
    answers: new Map(),
    checks: new Map(),
    unlockedChecks: new Set(),
    cellsWithOutputs: 0,
    locked: new Map(),
  };
  for (const cell of nb.cells) {
    const id = lockedId(cell);
    if (id !== undefined) out.locked.set(id, [...(out.locked.get(id) ?? []), cellSource(cell)]);
    if (cell.cell_type !== 'code' || !Array.isArray(cell.outputs)) continue;
    if (cell.outputs.length > 0) out.cellsWithOutputs += 1;
    for (const output of cell.outputs) {
      if (!isMap(output) || !isMap(output.data) || !(RECORD_MIME in output.data)) continue;
      const record = readRecord(output.data[RECORD_MIME]);
      if (!record) continue;
      if (record.assignment !== assignmentId) {
        out.otherAssignments.add(record.assignment);
        continue;
      }
      out.students.add(record.student);
      if (record.kind === 'answer') out.answers.set(record.question, record.value);
      // A check counts only from a locked cell: there the function passed to hw.check is the release's,
      // not one a student wrote in to pass.
      if (record.kind === 'check' && id !== undefined) out.checks.set(record.exercise, record.cases);
      else if (record.kind === 'check') out.unlockedChecks.add(record.exercise);
    }
  }
  return out;
}
