/**
 * Writing an output file the command line owns (a gradebook, an LMS export) safely:
 *
 * - checked before the work starts: the folder exists and is a folder, the target is not a folder;
 * - locked while the command runs: `<file>.lock`, created with O_EXCL and holding the writer's pid, so
 *   two graders writing the same file at once is refused instead of the last one silently winning. A
 *   lock whose process is gone (kill -9) is taken over, with a note;
 * - written atomically: a temporary `.<file>.kvlab-<pid>.tmp` beside it, fsync'd, renamed over it, the
 *   folder fsync'd. A temporary file left by a killed run (its pid is gone) is removed, with a note;
 * - a failure (a full disk, no permission) is one line naming the file and the reason.
 */
import fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.js';

export interface OutputLock {
  /** Writes the data atomically to the locked file. */
  write(data: string | Uint8Array): void;
  /** Removes the lock (always call it, in a finally). */
  release(): void;
}

/**
 * Checks that `target` can be written (its folder exists) and locks it; `flag` names it in messages
 * ("--out 'book.csv'"). `note` receives the notes (a stale lock taken over, a stray removed); `command`
 * names the writer in them.
 */
export function lockOutput(target: string, flag: string, note: (text: string) => void, command = 'kvlab grade'): OutputLock {
  const folder = dirname(target);
  let folderStats: fs.Stats;
  try {
    folderStats = fs.statSync(folder);
  } catch {
    throw new UsageError(`${flag}: the folder '${folder}' does not exist; create it first`);
  }
  if (!folderStats.isDirectory()) throw new UsageError(`${flag}: '${folder}' is not a folder`);
  const existing = statOrUndefined(target);
  if (existing && !existing.isFile()) throw new UsageError(`${flag} is not a regular file; give a file name such as gradebook.csv`);

  const lockPath = `${target}.lock`;
  acquire(lockPath, flag, note, command);
  let released = false;
  try {
    removeStrays(target, note, command);
  } catch (error) {
    fs.rmSync(lockPath, { force: true });
    throw error;
  }
  return {
    write: (data) => writeAtomically(target, data, flag),
    release: () => {
      if (released) return;
      released = true;
      fs.rmSync(lockPath, { force: true });
    },
  };
}

function acquire(lockPath: string, flag: string, note: (text: string) => void, command: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new UsageError(`${flag}: cannot create the lock ${lockPath} (${describeWriteError(error)})`);
    }
    const holder = readPid(lockPath);
    if (holder !== undefined && isRunning(holder)) {
      throw new UsageError(`${flag} is being written by another ${command} (pid ${holder}); wait for it, or delete ${lockPath} if that process is gone`);
    }
    if (holder === undefined) {
      throw new UsageError(`${flag} is locked by ${lockPath}, which names no process; delete it if no other kvlab is writing`);
    }
    note(`took over the lock ${lockPath} left by pid ${holder}, which is no longer running`);
    fs.rmSync(lockPath, { force: true });
  }
  throw new UsageError(`${flag}: another kvlab took the lock ${lockPath} first; try again`);
}

function readPid(path: string): number | undefined {
  try {
    const text = fs.readFileSync(path, 'utf8').trim();
    return /^[0-9]{1,10}$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Is a process with this pid alive? (signal 0 checks without sending anything; EPERM means it exists.) */
export function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The temporary file a writer with this pid uses for `target`. */
export function tempName(target: string, pid: number = process.pid): string {
  return join(dirname(target), `.${basename(target)}.kvlab-${pid}.tmp`);
}

/** Removes temporary files of `target` left by writers that are gone (a kill -9 between write and rename). */
function removeStrays(target: string, note: (text: string) => void, command: string): void {
  const prefix = `.${basename(target)}.kvlab-`;
  for (const name of fs.readdirSync(dirname(target))) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length, -'.tmp'.length));
    if (!Number.isSafeInteger(pid) || isRunning(pid)) continue;
    fs.rmSync(join(dirname(target), name), { force: true });
    note(`removed ${name}, left by an interrupted ${command}`);
  }
}

function writeAtomically(target: string, data: string | Uint8Array, flag: string): void {
  const temp = tempName(target);
  try {
    const fd = fs.openSync(temp, 'w', 0o644);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new UsageError(`${flag} could not be written (${describeWriteError(error)}); nothing was changed`);
  }
  // The rename is durable once the folder's entry is on disk; a folder that cannot be fsync'd is no error.
  try {
    const dir = fs.openSync(dirname(target), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  } catch {
    // some file systems refuse to fsync a folder
  }
}

function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is exceeded';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

function statOrUndefined(path: string): fs.Stats | undefined {
  try {
    return fs.statSync(path);
  } catch {
    return undefined;
  }
}
