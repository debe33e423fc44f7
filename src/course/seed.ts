/**
 * A student id in a notebook: whatever id a student has (`'s01234567'`, `'01234567'`, `1234567`, even `-5` or
 * `1.5` by mistake) becomes their quiz seed by the one rule every front end uses (src/quiz/student-seed.ts):
 * a whole number ≥ 0, or its plain decimal text, is its own seed; anything else is the 32-bit FNV-1a hash of
 * the id's UTF-8 text. The notebook helpers accept an id wherever they take a seed.
 */
export { studentSeed } from '../quiz/student-seed.js';

/** What a notebook accepts as a student id (or a seed). */
export type StudentId = string | number;
