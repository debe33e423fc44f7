/**
 * Bundles the site's browser scripts with esbuild into dist/site/assets (and copies its stylesheet), so
 * `kvlab site` only copies files. Runs in `npm run build`.
 *
 * The bundles are classic scripts (IIFE), not modules: browsers refuse module scripts from file://, and
 * the site must open from disk. The quiz bundle reuses kvlab's loader, whose file-reading functions are
 * never called in a page: node: built-ins resolve to an empty module there.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'site', 'assets');
mkdirSync(out, { recursive: true });

const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, (args) => ({
      contents: `const fail = () => { throw new Error('${args.path} is not available in a web page'); };
export const readFileSync = fail, readdirSync = fail, statSync = fail, existsSync = fail, lstatSync = fail, openSync = fail, closeSync = fail, readSync = fail, fstatSync = fail;
export const resolve = fail, join = fail, dirname = fail, relative = fail, isAbsolute = fail, basename = fail, extname = fail;
export const fileURLToPath = fail;
export default {};`,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: { calculator: join(root, 'src/site/browser/calculator.ts'), quiz: join(root, 'src/site/browser/quiz.ts') },
  outdir: out,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome109', 'firefox115', 'safari16'],
  minify: true,
  legalComments: 'eof',
  plugins: [noNodeBuiltins],
  logLevel: 'warning',
  // import.meta.url only locates the shipped banks folder on disk, which a page never asks for.
  logOverride: { 'empty-import-meta': 'silent' },
});
copyFileSync(join(root, 'src/site/assets/site.css'), join(out, 'site.css'));
