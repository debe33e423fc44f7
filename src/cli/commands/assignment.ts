/**
 * kvlab assignment release SRC --out DIR: the student's copy of an assignment (no keys).
 * kvlab assignment autograder SRC --out autograder.zip: the Gradescope autograder archive.
 * Grading is `kvlab grade --assignment SRC` (grade.ts). Format and workflow: docs/assignments.md.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { relative, resolve, isAbsolute } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { RegisterCommand } from '../command.js';
import type { CliIO } from '../io.js';
import { printJson } from '../io.js';
import { InputProblems, UsageError } from '../errors.js';
import { AssignmentError, loadAssignment, type AssignmentSource } from '../../assignment/manifest.js';
import { writeRelease } from '../../assignment/release.js';
import { autograderZip } from '../../assignment/autograder.js';
import { displayPath } from '../paths.js';
import { count } from '../count.js';

/** Loads an assignment folder named on the command line; its problems end the command (exit 2). */
export function resolveAssignment(io: CliIO, path: string): AssignmentSource {
  const dir = resolve(io.cwd, path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`no assignment folder '${path}'; give the folder that holds assignment.yaml`);
  try {
    return loadAssignment(dir, displayPath(io, dir));
  } catch (error) {
    if (error instanceof AssignmentError) throw new InputProblems(error.problems, `kvlab lint ${path}`);
    throw error;
  }
}

/** This kvlab's own npm spec (name@version from its package.json): what the autograder installs by default. */
function ownSpec(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${pkg.name}@${pkg.version}`;
}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export const registerAssignment: RegisterCommand = (program, ctx) => {
  const command = program.command('assignment').description("course assignments: the student's copy without keys, the Gradescope autograder");

  command
    .command('release')
    .description("write the student's copy: solutions stubbed, outputs cleared, questions without keys, locked-cell checksums")
    .argument('<src>', 'the assignment folder (holds assignment.yaml)')
    .requiredOption('--out <dir>', 'the folder to write (new, empty, or an earlier release)')
    .option('--json', 'print one JSON document')
    .action((src: string, options: { out: string; json?: boolean }) => {
      const { io } = ctx;
      const source = resolveAssignment(io, src);
      let written: ReturnType<typeof writeRelease>;
      try {
        written = writeRelease(source, resolve(io.cwd, options.out), options.out);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      const { manifest } = written.release;
      const locked = manifest.notebooks.reduce((n, nb) => n + nb.locked.length, 0);
      if (options.json) {
        printJson(io, { assignment: manifest.assignment, out: options.out, files: written.files, questions: manifest.questions.length, exercises: manifest.exercises.length, lockedCells: locked });
        return;
      }
      io.stdout(`released ${manifest.assignment} (${manifest.title}) to ${options.out}\n`);
      io.stdout(`  ${written.files.join(', ')}\n`);
      io.stdout(`  ${count(manifest.questions.length, 'question')} without keys, ${count(manifest.exercises.length, 'code exercise')}, ${count(locked, 'locked cell')} with checksums\n`);
    });

  command
    .command('autograder')
    .description('write the Gradescope autograder archive (setup.sh, run_autograder, the assignment)')
    .argument('<src>', 'the assignment folder (holds assignment.yaml)')
    .requiredOption('--out <file>', 'the archive to write, e.g. autograder.zip')
    .option('--kvlab <spec>', "what setup.sh installs: an npm spec (default this kvlab's name@version), or a tarball from 'npm pack' (put in the archive)")
    .action((src: string, options: { out: string; kvlab?: string }) => {
      const { io } = ctx;
      const kvlab = options.kvlab ?? ownSpec();
      const source = resolveAssignment(io, src);
      const out = resolve(io.cwd, options.out);
      if (!out.toLowerCase().endsWith('.zip')) throw new UsageError(`--out '${options.out}' must name a .zip file, e.g. autograder.zip`);
      if (inside(realpathSync(source.dir), existsSync(out) ? realpathSync(out) : out)) {
        throw new UsageError(`--out '${options.out}' is inside the assignment folder; write the archive elsewhere`);
      }
      const tarball = resolve(io.cwd, kvlab);
      const isTarball = /\.t(ar\.)?gz$/i.test(kvlab);
      if (isTarball && !existsSync(tarball)) throw new UsageError(`--kvlab '${kvlab}' is not a file; give a tarball made by npm pack, or an npm spec such as ${ownSpec()}`);
      const zip = autograderZip(source, isTarball ? { tarball } : { spec: kvlab });
      writeFileAtomic.sync(out, Buffer.from(zip));
      io.stdout(`wrote ${displayPath(io, out)} (${zip.length} bytes): setup.sh, run_autograder, assignment/ (${source.id}); upload it as the autograder of a Gradescope programming assignment\n`);
    });
};
