/**
 * Loading a bank: YAML (keeping source positions) → structure checked with zod (structure.ts) → rules
 * across fields and compilation (validate.ts). Every problem of a file is collected with its
 * file:line:col and the bank is returned only when there are none: a bank with errors is never
 * half-loaded.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter } from 'yaml';
import { attachCompiled, type CompiledQuestion } from './compiled.js';
import { bankHeader, BANK_KEYS } from './schema.js';
import { Problems } from './problems.js';
import { addIssues, checkQuestion, isRecord } from './structure.js';
import { compileQuestion } from './validate.js';
import { InputFileError, readInputText } from './input-file.js';
import { quoteInput } from './quote.js';
import { readYaml } from './yaml-input.js';
import { forbiddenCharProblems } from './xml-chars.js';
import type { Bank, Question } from './types.js';

/** A bank (or several) that cannot be loaded; `problems` lists every "file:line:col: message". */
export class BankError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n${problems.join('\n')}`);
    this.name = 'BankError';
    this.problems = problems;
  }
}

/** Loads one bank file; throws BankError listing every problem. `display` is how the file is named in them. */
export function loadBank(path: string, display: string = path): Bank {
  const { bank, problems } = checkBankFile(path, display);
  if (!bank) throw new BankError(problems);
  return bank;
}

/**
 * The bank files of a folder: *.yaml and *.yml, sorted by name. Sub-folders, FIFOs and devices are
 * skipped; a link that leads nowhere is kept, so checking it reports why.
 */
export function bankFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f))
    .filter((f) => {
      try {
        return statSync(f).isFile();
      } catch {
        return true;
      }
    });
}

/** The folder the course's banks ship in (quizzes/ beside dist/ or src/). */
export function defaultBankDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'quizzes');
}

/**
 * Loads every bank of a folder (default: the course's quizzes/). Bank ids must be unique across it.
 * Throws one BankError with the problems of all files.
 */
export function loadBanks(dir: string = defaultBankDir()): Bank[] {
  const { banks, problems } = checkBanks(bankFiles(dir).map((file) => ({ file, display: file })));
  if (problems.length > 0) throw new BankError(problems);
  return banks;
}

/** Checks many files at once: each file's problems, then ids used by two banks. */
export function checkBanks(files: readonly { file: string; display: string }[]): { banks: Bank[]; problems: string[] } {
  const banks: Bank[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { file, display } of files) {
    const checked = checkBankFileSafely(file, display);
    // One by one: a bank may have more problems than a call can take arguments.
    for (const problem of checked.problems) problems.push(problem);
    if (!checked.bank) continue;
    const other = seen.get(checked.bank.id);
    if (other !== undefined) {
      problems.push(`${checked.bankIdAt}: bank id '${checked.bank.id}' is also used by ${other}; bank ids must be unique`);
      continue;
    }
    seen.set(checked.bank.id, display);
    banks.push(checked.bank);
  }
  return { banks, problems };
}

/** Finds a bank by id in a folder (default quizzes/), or loads it when idOrPath names a file. */
export function findBank(idOrPath: string, dir: string = defaultBankDir()): Bank {
  if (/\.ya?ml$/.test(idOrPath) || idOrPath.includes('/') || idOrPath.includes('\\')) {
    return loadBank(idOrPath);
  }
  const banks = loadBanks(dir);
  const bank = banks.find((b) => b.id === idOrPath);
  if (!bank) {
    throw new BankError([`${dir}: no bank '${idOrPath}' (banks there: ${banks.map((b) => b.id).join(', ') || 'none'})`]);
  }
  return bank;
}

const foundOnce = new Map<string, Bank>();

/**
 * findBank, remembered for the life of the process: a notebook checks answers cell after cell. A course bank
 * id is tried as quizzes/<id>.yaml first, so a notebook does not depend on every other bank loading.
 */
export function findBankOnce(idOrPath: string): Bank {
  let bank = foundOnce.get(idOrPath);
  if (bank === undefined) {
    const file = join(defaultBankDir(), `${idOrPath}.yaml`);
    const direct = /^[a-z0-9-]+$/.test(idOrPath) && existsSync(file) ? loadBank(file) : undefined;
    bank = direct?.id === idOrPath ? direct : findBank(idOrPath);
    foundOnce.set(idOrPath, bank);
  }
  return bank;
}

interface Checked {
  bank?: Bank;
  problems: string[];
  /** file:line:col of the `bank:` value, for cross-file problems. */
  bankIdAt: string;
}

/** Every problem of one bank file, and the bank when there are none. */
export function checkBankFile(path: string, display: string): Checked {
  let source: string;
  try {
    source = readInputText(path, 'a bank');
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    const at = `${display}:${error.at?.line ?? 1}:${error.at?.col ?? 1}`;
    const why = error.message.startsWith('is not a regular file') ? `${error.message}; give a bank file` : error.message;
    return { problems: [`${at}: ${why}`], bankIdAt: at };
  }
  return checkBankSource(source, display);
}

/**
 * checkBankFile, where a failure of the checker itself (a bug) is that bank's own problem: the other
 * banks of a folder are still checked, linted and usable.
 */
function checkBankFileSafely(path: string, display: string): Checked {
  try {
    return checkBankFile(path, display);
  } catch (error) {
    const why = firstLine(error instanceof Error ? error.message : String(error));
    return { problems: [`${display}:1:1: could not be checked (internal error: ${quoteInput(why, 120)}); please report it with this file`], bankIdAt: `${display}:1:1` };
  }
}

/** As checkBankFile, from the text of the file. */
export function checkBankSource(source: string, display: string): Checked {
  const read = readYaml(source);
  const lines: LineCounter = read.lines;
  const doc = read.doc;
  const problems = new Problems(display, doc, lines);
  if (read.problems.length > 0 || !doc) {
    for (const problem of read.problems) problems.addAtOffset(problem.offset, problem.message);
    return { problems: problems.sorted(), bankIdAt: problems.where(0) };
  }
  for (const problem of forbiddenCharProblems(doc, source)) problems.addAtOffset(problem.offset, problem.message);
  const data: unknown = read.value;
  const bankIdAt = problems.where(0);
  if (!isRecord(data)) {
    problems.addAtOffset(0, 'a bank must be a YAML map with bank, title and questions');
    return { problems: problems.sorted(), bankIdAt };
  }
  const header = bankHeader.safeParse(data);
  const fields = data;
  if (!header.success) {
    const missing = header.error.issues.filter((i) => i.path.length === 1 && !Object.hasOwn(fields, i.path[0] as string));
    for (const issue of missing) problems.add([], `bank: ${String(issue.path[0])} is missing`);
    addIssues(problems, [], 'bank', header.error.issues.filter((i) => !missing.includes(i)));
  }
  for (const key of Object.keys(data)) {
    if (!(BANK_KEYS as readonly string[]).includes(key)) {
      problems.add([], `unknown field ${quoteInput(key)} (a bank has: ${BANK_KEYS.join(', ')})`, key);
    }
  }
  const bankId = typeof data.bank === 'string' ? data.bank : '';
  const questions: Question[] = [];
  const compiled = new Map<string, CompiledQuestion>();
  const firstSeen = new Map<string, number>();
  const rawQuestions = Array.isArray(data.questions) ? data.questions : [];
  rawQuestions.forEach((raw, index) => {
    const path = ['questions', index];
    const question = checkQuestion(problems, path, raw, index);
    if (!question) return;
    const earlier = firstSeen.get(question.id);
    if (earlier !== undefined) {
      problems.add([...path, 'id'], `question '${question.id}': id is used twice (first on line ${problems.lineOf(['questions', earlier])})`);
    } else {
      firstSeen.set(question.id, index);
    }
    // Compiled even when its id is taken, so its own problems are reported too.
    const cq = compileQuestion(problems, path, question, bankId, question.id, `question '${question.id}'`, new Set());
    if (cq && earlier === undefined) {
      questions.push(question);
      compiled.set(question.id, cq);
    }
  });
  const result = problems.sorted();
  const idNode = doc.get('bank', true) as { range?: [number, number, number] } | undefined;
  const idAt = idNode?.range ? problems.where(idNode.range[0]) : bankIdAt;
  if (result.length > 0 || !header.success) return { problems: result, bankIdAt: idAt };
  const bank: Bank = { id: header.data.bank, title: header.data.title, file: display, questions };
  if (header.data.source !== undefined) bank.source = header.data.source;
  attachCompiled(bank, { byId: compiled });
  return { bank, problems: [], bankIdAt: idAt };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
