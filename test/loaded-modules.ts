/**
 * Which modules a real Node process loads: runs node with a module-loading hook that names every module
 * loaded through the ES module loader (our files, and each package's entry), and returns them with what
 * the process printed. CommonJS files a package require()s internally are not seen, its entry is.
 */
import { spawnSync } from 'node:child_process';

const HOOKS = `export async function load(url, context, next) {
  process.stderr.write('loaded-module ' + url + '\\n');
  return next(url, context);
}`;
const REGISTER = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));`;

export interface Loaded {
  status: number | null;
  stdout: string;
  stderr: string;
  /** file: URLs of the modules loaded, in order. */
  modules: string[];
}

/** Runs `node <args>` in `cwd` with the hook; `args` as for node, e.g. ['bin/kvlab.js', 'memory', …]. */
export function loadedModules(args: readonly string[], cwd: string): Loaded {
  const result = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, ...args], {
    cwd,
    encoding: 'utf8',
  });
  const lines = result.stderr.split('\n');
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: lines.filter((l) => !l.startsWith('loaded-module ')).join('\n'),
    modules: lines.filter((l) => l.startsWith('loaded-module ')).map((l) => l.slice('loaded-module '.length)),
  };
}

/** The npm packages among loaded module URLs: 'chart.js', '@napi-rs/canvas', … */
export function loadedPackages(modules: readonly string[]): string[] {
  const names = modules.flatMap((url) => {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    return m ? [m[1]!] : [];
  });
  return [...new Set(names)].sort();
}
