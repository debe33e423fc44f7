/**
 * The student's copy of an assignment: notebooks with solutions stubbed and outputs cleared, and
 * `assignment.json`, which holds the questions without keys, the exercises without expected values
 * (except the public examples'), and the checksum of every locked cell. Built in memory from the source
 * (the grader rebuilds it the same way to know the checksums), then written.
 */
import { existsSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { keylessQuestion, type KeylessQuestion } from './keyless.js';
import { expectedValue, type AssignmentSource } from './manifest.js';
import { releaseNotebook, writeNotebook, type LockedCell, type Notebook } from './notebook.js';
import type { PublicExercise } from './exercise.js';

export const RELEASE_FILE = 'assignment.json';
export const RELEASE_FORMAT = 'kvlab-assignment-release/1';

export interface ReleaseQuestion {
  id: string;
  /** The bank's id: names the random stream of the variant, so the grader's variant is the student's. */
  bank: string;
  points: number;
  question: KeylessQuestion;
}

export interface ReleaseManifest {
  format: typeof RELEASE_FORMAT;
  assignment: string;
  title: string;
  notebooks: { file: string; locked: LockedCell[] }[];
  questions: ReleaseQuestion[];
  exercises: PublicExercise[];
}

export interface Release {
  manifest: ReleaseManifest;
  notebooks: { file: string; notebook: Notebook }[];
}

export function buildRelease(source: AssignmentSource): Release {
  const notebooks = source.notebooks.map(({ file, notebook }) => ({ file, ...releaseNotebook(notebook, file) }));
  const manifest: ReleaseManifest = {
    format: RELEASE_FORMAT,
    assignment: source.id,
    title: source.title,
    notebooks: notebooks.map(({ file, locked }) => ({ file, locked })),
    questions: source.questions.map((q) => ({
      id: q.id,
      bank: q.bank.id,
      points: q.points,
      question: keylessQuestion(q.bank.questions.find((bq) => bq.id === q.id)!),
    })),
    exercises: source.exercises.map((e) => ({
      id: e.id,
      function: e.function,
      args: e.args,
      cases: e.cases,
      points: e.points,
      tolerance: { ...e.tolerance },
      examples: e.examples.map((args) => ({ args, expected: expectedValue(e, args) })),
    })),
  };
  return { manifest, notebooks: notebooks.map(({ file, notebook }) => ({ file, notebook })) };
}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Writes the release into `outDir`. Refuses a folder inside the source (or holding it), and a folder
 * that has other files and no earlier release, so it never mixes keys into a copy or overwrites work.
 */
export function writeRelease(source: AssignmentSource, outDir: string, display = outDir): { files: string[]; release: Release } {
  const out = resolve(outDir);
  const real = existsSync(out) ? realpathSync(out) : out;
  const src = realpathSync(source.dir);
  if (inside(src, real) || inside(real, src)) {
    throw new Error(`--out '${display}' is inside the assignment's source folder (or holds it); the student's copy must be written elsewhere`);
  }
  if (existsSync(out)) {
    const present = readdirSync(out);
    if (present.length > 0 && !present.includes(RELEASE_FILE)) {
      throw new Error(`--out '${display}' is a folder with other files in it and no earlier release; give a new or empty folder`);
    }
  }
  const release = buildRelease(source);
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  for (const { file, notebook } of release.notebooks) {
    writeFileAtomic.sync(join(out, file), writeNotebook(notebook));
    files.push(file);
  }
  writeFileAtomic.sync(join(out, RELEASE_FILE), `${JSON.stringify(release.manifest, null, 2)}\n`);
  files.push(RELEASE_FILE);
  return { files, release };
}
