/**
 * `npm run pretest` / the first half of `npm start`: Jupyter present (installed from Debian's packages
 * when we may), the tslab kernel registered in .jupyter-local/, Chromium for the site's browser tests
 * and xmllint for the QTI schema test. Idempotent; when everything is in place it only reads a few files
 * and returns.
 */
import { ensureSetup, SetupError } from './jupyter.js';
import { ensureChromium } from './chromium.js';
import { ensureXmllint } from './xmllint.js';

try {
  const install = ensureSetup();
  console.log(`kvlab: Jupyter ready (${install.jupyter}), tslab kernel registered in .jupyter-local/`);
  console.log(`kvlab: Chromium ready for the site's browser tests (${ensureChromium()})`);
  console.log(`kvlab: xmllint ready for the QTI schema test (${ensureXmllint()})`);
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`kvlab setup: ${error.message}`);
  process.exitCode = 1;
}
