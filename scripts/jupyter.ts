/**
 * Finding Jupyter and registering the tslab kernel, shared by setup, start and course.
 *
 * Nothing global is touched: the kernelspec lives in the project's .jupyter-local/ folder and every
 * Jupyter process we start gets JUPYTER_PATH pointing there (JUPYTER_PATH is searched before the user's
 * and the system's kernel folders). On Debian/Ubuntu as root a missing Jupyter is installed from
 * Debian's own packages; anywhere else we stop and say what to install.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LOCAL_DIR = join(ROOT, '.jupyter-local');
export const KERNELS_DIR = join(LOCAL_DIR, 'share', 'jupyter', 'kernels');
export const KERNEL_NAME = 'tslab';
const TSLAB_BIN = join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab');

/** Debian's packages that provide the notebook server, nbconvert and the headless executor. */
export const DEBIAN_PACKAGES = ['jupyter-notebook', 'jupyter-nbconvert', 'python3-nbclient'] as const;

/** A problem setup cannot fix by itself: one line for the user, then exit 1. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

export interface JupyterInstall {
  /** The `jupyter` command found on PATH (absolute). */
  jupyter: string;
  /** The Python interpreter that runs it (from the script's #! line), used to register the kernel. */
  python: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable of that name on PATH, or undefined. */
export function which(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (existsSync(candidate) && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The Python behind a console script: its #! line (`#!/usr/bin/python3`, or `#!/usr/bin/env python3`
 * resolved on PATH). It may differ from the `python3` first on PATH (pyenv, venvs), and only the one that
 * owns Jupyter can register a kernel with it.
 */
export function pythonOf(script: string): string | undefined {
  let firstLine: string;
  try {
    firstLine = readFileSync(realpathSync(script), 'utf8').split('\n', 1)[0] ?? '';
  } catch {
    return undefined;
  }
  if (!firstLine.startsWith('#!')) return undefined;
  const words = firstLine.slice(2).trim().split(/\s+/);
  const program = words[0] ?? '';
  if (program.endsWith('/env')) {
    const name = words.find((w, i) => i > 0 && !w.startsWith('-'));
    return name === undefined ? undefined : which(name);
  }
  return program.includes('python') && isExecutable(program) ? program : undefined;
}

/** Jupyter as found on PATH, with the two subcommands the course needs, or undefined. */
export function findJupyter(): JupyterInstall | undefined {
  const jupyter = which('jupyter');
  if (jupyter === undefined) return undefined;
  // `jupyter X` runs `jupyter-X` from PATH or from beside `jupyter`; both subcommands must exist.
  const besides = dirname(jupyter);
  const hasSub = (sub: string) => which(`jupyter-${sub}`) !== undefined || isExecutable(join(besides, `jupyter-${sub}`));
  if (!hasSub('notebook') || !hasSub('nbconvert')) return undefined;
  const python = pythonOf(jupyter) ?? which('python3');
  if (python === undefined) return undefined;
  return { jupyter, python };
}

export function isDebianLike(): boolean {
  return existsSync('/etc/debian_version') && which('apt-get') !== undefined;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error !== undefined) throw new SetupError(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new SetupError(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
  }
}

/** Jupyter, installing it from Debian's packages when we may; otherwise a SetupError saying what to install. */
export function ensureJupyter(log: (line: string) => void = console.log): JupyterInstall {
  const found = findJupyter();
  if (found !== undefined) return found;
  if (!isDebianLike() || !isRoot()) {
    const hint = isDebianLike()
      ? `sudo apt-get install ${DEBIAN_PACKAGES.join(' ')}`
      : 'pip install notebook nbconvert nbclient (or your system’s Jupyter Notebook and nbconvert packages)';
    throw new SetupError(`kvlab needs Jupyter Notebook and nbconvert on PATH; install them with: ${hint}, then run this again`);
  }
  log(`kvlab: Jupyter not found; installing Debian's ${DEBIAN_PACKAGES.join(', ')} (apt-get)`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], aptEnv);
  run('apt-get', ['install', '-y', ...DEBIAN_PACKAGES], aptEnv);
  const installed = findJupyter();
  if (installed === undefined) {
    throw new SetupError(`installed ${DEBIAN_PACKAGES.join(' ')} but still no jupyter with notebook and nbconvert on PATH`);
  }
  return installed;
}

interface KernelJson {
  argv?: unknown;
}

/** Is the project-local tslab kernelspec present and pointing at this checkout's tslab? */
export function kernelRegistered(): boolean {
  const file = join(KERNELS_DIR, KERNEL_NAME, 'kernel.json');
  if (!existsSync(file)) return false;
  try {
    const spec = JSON.parse(readFileSync(file, 'utf8')) as KernelJson;
    // A checkout that moved leaves a kernelspec naming the old path: register again.
    return Array.isArray(spec.argv) && spec.argv[0] === TSLAB_BIN;
  } catch {
    return false;
  }
}

/** Registers tslab in .jupyter-local/ with the Python that owns Jupyter (idempotent). */
export function ensureKernel(install: JupyterInstall, log: (line: string) => void = console.log): void {
  if (kernelRegistered()) return;
  if (!existsSync(TSLAB_BIN)) throw new SetupError(`tslab is not installed (${TSLAB_BIN} missing); run npm ci first`);
  log(`kvlab: registering the tslab kernel in ${LOCAL_DIR} (python: ${install.python})`);
  run(process.execPath, [TSLAB_BIN, 'install', '--python', install.python, '--binary', TSLAB_BIN, '--prefix', LOCAL_DIR]);
  if (!kernelRegistered()) throw new SetupError(`tslab install ran but ${join(KERNELS_DIR, KERNEL_NAME)} is missing`);
}

/** The environment for every Jupyter process we start: our kernel folder first, runtime files local. */
export function jupyterEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const shareDir = join(LOCAL_DIR, 'share', 'jupyter');
  const existing = base.JUPYTER_PATH;
  return {
    ...base,
    JUPYTER_PATH: existing === undefined || existing === '' ? shareDir : `${shareDir}${delimiter}${existing}`,
    JUPYTER_RUNTIME_DIR: join(LOCAL_DIR, 'runtime'),
    // Debian's Python 3.11 ipykernel warns about frozen modules and the debugger whenever the server
    // probes the Python kernelspec; it is noise in a course that never debugs Python.
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
    // The kernel is `#!/usr/bin/env node`: make sure it finds the node running us.
    PATH: `${dirname(process.execPath)}${delimiter}${base.PATH ?? ''}`,
  };
}

/** Everything the course needs short of building the library: Jupyter, then the kernel. */
export function ensureSetup(log: (line: string) => void = console.log): JupyterInstall {
  const install = ensureJupyter(log);
  ensureKernel(install, log);
  return install;
}
