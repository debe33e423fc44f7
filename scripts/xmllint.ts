/**
 * xmllint (Debian's libxml2-utils) for the test that validates the QTI export against the IMS schemas.
 * Installed from Debian's packages as root on Debian/Ubuntu, like Jupyter and Chromium; anywhere else
 * setup says what to install.
 */
import { isDebianLike, isRoot, run, SetupError, which } from './jupyter.js';

export const XMLLINT_PACKAGE = 'libxml2-utils';

export function ensureXmllint(log: (line: string) => void = console.log): string {
  const found = which('xmllint');
  if (found !== undefined) return found;
  if (!isDebianLike() || !isRoot()) {
    const hint = isDebianLike() ? `sudo apt-get install ${XMLLINT_PACKAGE}` : 'your system’s libxml2 tools (the package that provides xmllint)';
    throw new SetupError(`the QTI export test needs xmllint; install it with: ${hint}, then run this again`);
  }
  log(`kvlab: xmllint not found; installing Debian's ${XMLLINT_PACKAGE} (apt-get)`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], aptEnv);
  run('apt-get', ['install', '-y', '--no-install-recommends', XMLLINT_PACKAGE], aptEnv);
  const installed = which('xmllint');
  if (installed === undefined) throw new SetupError(`installed ${XMLLINT_PACKAGE} but found no xmllint on PATH`);
  return installed;
}
