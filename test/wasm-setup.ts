/**
 * Before the unit tier: reassemble the engine's WebAssembly from src/engine/wasm/*.wat. The unit tests import
 * src/ directly, and the assembled module is a generated file (src/engine/wasm/*.wasm.ts), so after a change
 * to a .wat file they would otherwise run yesterday's kernel. The script rewrites a module only when it
 * changed, so this costs a fraction of a second.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function assembleWasm(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-wasm.ts'], { cwd: root, stdio: 'inherit' });
}
