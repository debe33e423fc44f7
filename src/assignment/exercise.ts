/**
 * Code exercises: a function the student writes, checked on inputs drawn from the student's seed. The
 * inputs are drawn the same way in the student's kernel (to call the function) and in the grader (to
 * check the recorded inputs are this student's), like a bank's params; the expected value is a quiz
 * expression over the arguments, evaluated only by the grader, so it never reaches the student's copy.
 */
import { drawFor } from '../quiz/random.js';
import type { ParamDef } from '../quiz/types.js';
import { drawParamDef } from './keyless.js';

/** What the student's copy knows of an exercise: no expected values except the public examples'. */
export interface PublicExercise {
  id: string;
  /** The name of the function the student writes. */
  function: string;
  /** The arguments in call order, each drawn like a bank param. */
  args: Record<string, ParamDef>;
  /** How many seeded cases are recorded and graded. */
  cases: number;
  points: number;
  /** How close a value must be to the expected one (as a numeric question's tolerance). */
  tolerance: { relative?: number; absolute?: number };
  /** Public checks: fixed arguments and their expected value, shown to the student with the result. */
  examples: { args: number[]; expected: number }[];
}

/** The stream a case's arguments are drawn from: the assignment, the exercise and the case number. */
function caseStream(assignmentId: string, exerciseId: string, index: number, seed: number) {
  return drawFor(`assignment:${assignmentId}`, `${exerciseId}#${index}`, seed);
}

/** The arguments of every seeded case, in call order. */
export function exerciseCases(assignmentId: string, exercise: Pick<PublicExercise, 'id' | 'args' | 'cases'>, seed: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < exercise.cases; i++) {
    const draw = caseStream(assignmentId, exercise.id, i, seed);
    out.push(Object.values(exercise.args).map((def) => drawParamDef(def, draw)));
  }
  return out;
}

/** A recorded call: the arguments and either the value returned or the one-line error thrown. */
export interface RecordedCase {
  args: unknown[];
  value?: unknown;
  error?: string;
}
