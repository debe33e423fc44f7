/**
 * `npm run pretest` / the first half of `npm start`: Jupyter present (installed from Debian's packages
 * when we may), the tslab kernel registered in .jupyter-local/. Idempotent; when everything is in place
 * it only reads two files and returns.
 */
import { ensureSetup, SetupError } from './jupyter.js';

try {
  const install = ensureSetup();
  console.log(`kvlab: Jupyter ready (${install.jupyter}), tslab kernel registered in .jupyter-local/`);
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`kvlab setup: ${error.message}`);
  process.exitCode = 1;
}
