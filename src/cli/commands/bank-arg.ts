/** Resolving a BANK argument (an id under quizzes/ or a path to a bank file) for the quiz commands. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliIO } from '../io.js';
import { InputProblems, UsageError } from '../errors.js';
import { BankError, bankFiles, checkBanks, defaultBankDir, loadBank, type Bank } from '../../quiz/index.js';
import { displayPath } from '../paths.js';

/** A bank's problems end a command with exit 2 and one line (InputProblems). */
export class BankProblems extends InputProblems {}

export function looksLikePath(arg: string): boolean {
  return /\.ya?ml$/i.test(arg) || arg.includes('/') || arg.includes('\\');
}

/**
 * Where bank ids are looked up: ./quizzes when the working folder has one (an instructor's own course),
 * else the banks that ship with kvlab, so `npx kvlab quiz sliding-window-basics` works from anywhere.
 */
export function bankDir(io: CliIO): string {
  const local = resolve(io.cwd, 'quizzes');
  return existsSync(local) ? local : defaultBankDir();
}

/** The valid banks of bankDir(io), and the problems of the others. */
export function courseBanks(io: CliIO): { banks: Bank[]; problems: string[]; dir: string } {
  const dir = bankDir(io);
  const files = bankFiles(dir).map((file) => ({ file, display: displayPath(io, file) }));
  return { ...checkBanks(files), dir };
}

export function resolveBank(io: CliIO, arg: string): Bank {
  const asPath = resolve(io.cwd, arg);
  if (looksLikePath(arg) || (existsSync(asPath) && !arg.match(/^[a-z0-9-]+$/))) {
    if (!existsSync(asPath)) throw new UsageError(`bank file '${arg}' does not exist`);
    try {
      return loadBank(asPath, displayPath(io, asPath));
    } catch (error) {
      if (error instanceof BankError) throw new BankProblems(error.problems);
      throw error;
    }
  }
  // A broken bank elsewhere in quizzes/ does not stop work on a valid one.
  const { banks, problems, dir } = courseBanks(io);
  const bank = banks.find((b) => b.id === arg);
  if (!bank && problems.length > 0) throw new BankProblems(problems);
  if (!bank) {
    throw new UsageError(`no bank '${arg}' in ${displayPath(io, dir)}; use one of: ${banks.map((b) => b.id).join(', ')} (or a path to a bank file)`);
  }
  return bank;
}
