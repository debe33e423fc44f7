/**
 * Builds dist/ once before the `full` tier's suites run (vitest.config.ts; the `unit` tier never needs it).
 * Those suites use the built library (the notebooks import it, the CLI is spawned from bin/, the README
 * example and the public API test compile against it); building inside each suite would rewrite dist/
 * while another suite's kernel is loading it.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function buildOnce(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
