/**
 * `npm start`: sets up Jupyter and the tslab kernel (see jupyter.ts), then serves the course: Jupyter
 * Notebook on 127.0.0.1 in notebooks/, with a fresh token, printing the URL once the server answers.
 * Ctrl-C stops it. The library is built by the npm script before this runs.
 *
 *   npm start                     # opens a browser if there is one
 *   npm start -- --no-browser     # just print the URL
 *   npm start -- --port 8890
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ensureSetup, jupyterEnv, ROOT, SetupError, type JupyterInstall } from './jupyter.js';

const HOST = '127.0.0.1';

/** A port nothing listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls the server's API until it answers (or the process exits / time runs out). */
async function waitUntilServing(url: string, token: string, isAlive: () => boolean, seconds = 60): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline && isAlive()) {
    try {
      const response = await fetch(url, { headers: { Authorization: `token ${token}` } });
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Asks the server to shut down every running kernel, waiting for each (errors ignored: we stop anyway). */
async function shutDownKernels(base: string, token: string): Promise<void> {
  const headers = { Authorization: `token ${token}` };
  try {
    const response = await fetch(`${base}/api/kernels`, { headers });
    const kernels = (await response.json()) as { id: string }[];
    await Promise.all(kernels.map((k) => fetch(`${base}/api/kernels/${k.id}`, { method: 'DELETE', headers })));
  } catch {
    // The server is already gone or not answering; SIGTERM follows.
  }
}

interface StartOptions {
  port?: number;
  browser: boolean;
}

function parseArgs(argv: string[]): StartOptions {
  const options: StartOptions = { browser: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-browser') options.browser = false;
    else if (arg === '--port') {
      const port = Number(argv[++i]);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SetupError(`--port needs a port number 1..65535 (got ${argv[i]})`);
      options.port = port;
    } else throw new SetupError(`unknown option ${arg}; usage: npm start -- [--no-browser] [--port N]`);
  }
  return options;
}

async function main(): Promise<number> {
  let options: StartOptions;
  let install: JupyterInstall;
  try {
    options = parseArgs(process.argv.slice(2));
    install = ensureSetup();
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    console.error(`kvlab start: ${error.message}`);
    return 1;
  }
  const port = options.port ?? (await freePort());
  const token = randomBytes(24).toString('hex');
  const args = [
    'notebook',
    `--ip=${HOST}`,
    `--port=${port}`,
    '--NotebookApp.port_retries=0',
    `--NotebookApp.token=${token}`,
    `--notebook-dir=${join(ROOT, 'notebooks')}`,
    '--NotebookApp.log_level=WARN',
    ...(options.browser ? [] : ['--no-browser']),
    // Containers and CI run as root; Jupyter refuses that unless told.
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ];
  // Its own process group: Ctrl-C reaches only us, and we stop Jupyter in an order it survives (below).
  const child = spawn(install.jupyter, args, { env: jupyterEnv(), stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  let alive = true;
  const exited = new Promise<number>((resolveExit) => {
    child.on('exit', (code, signal) => {
      alive = false;
      resolveExit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
  child.on('error', (error) => {
    alive = false;
    console.error(`kvlab start: could not run ${install.jupyter}: ${error.message}`);
  });
  const base = `http://${HOST}:${port}`;
  // Debian's Notebook 6.4 prints a traceback ("Event loop stopped before Future completed") when it is
  // stopped with kernels still running, so shut the kernels down through its API first, then SIGTERM it.
  // npm and tsx pass Ctrl-C on as SIGINT and SIGTERM both: stop once, whatever arrives while stopping.
  let stopping = false;
  const stop = async () => {
    if (stopping || !alive) return;
    stopping = true;
    await shutDownKernels(base, token);
    child.kill('SIGTERM');
    setTimeout(() => alive && child.kill('SIGKILL'), 10_000).unref();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void stop());
  }
  process.on('exit', () => {
    if (alive) child.kill('SIGTERM');
  });

  if (await waitUntilServing(`${base}/api/status`, token, () => alive)) {
    console.log(`\nkvlab: the course is at ${base}/tree?token=${token}`);
    console.log('kvlab: open 01-kv-cache.ipynb to begin; Ctrl-C stops the server.\n');
  } else if (alive) {
    console.error(`kvlab start: Jupyter did not answer on ${base} within 60 s; stopping it`);
    await stop();
  }
  return exited;
}

process.exitCode = await main();
