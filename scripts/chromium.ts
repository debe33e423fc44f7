/**
 * The browser the site's tests drive: Debian's Chromium (a test tool's own browser download cannot work
 * offline, and the distribution's build is the one a course machine has). Installed from Debian's
 * packages as root on Debian/Ubuntu, like Jupyter; anywhere else setup says what to install, or
 * KVLAB_CHROMIUM names a Chromium or Chrome binary to use instead.
 */
import { existsSync } from 'node:fs';
import { isDebianLike, isRoot, run, SetupError, which } from './jupyter.js';

export const CHROMIUM_PACKAGE = 'chromium';

export function findChromium(): string | undefined {
  const chosen = process.env.KVLAB_CHROMIUM;
  if (chosen !== undefined && chosen !== '') return existsSync(chosen) ? chosen : undefined;
  return which('chromium') ?? which('chromium-browser') ?? which('google-chrome');
}

export function ensureChromium(log: (line: string) => void = console.log): string {
  const found = findChromium();
  if (found !== undefined) return found;
  if (process.env.KVLAB_CHROMIUM) throw new SetupError(`KVLAB_CHROMIUM is '${process.env.KVLAB_CHROMIUM}', which does not exist`);
  if (!isDebianLike() || !isRoot()) {
    const hint = isDebianLike() ? `sudo apt-get install ${CHROMIUM_PACKAGE}` : 'your system’s Chromium package (or set KVLAB_CHROMIUM to a Chrome binary)';
    throw new SetupError(`the site's browser tests need Chromium; install it with: ${hint}, then run this again`);
  }
  log(`kvlab: Chromium not found; installing Debian's ${CHROMIUM_PACKAGE} (apt-get)`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], aptEnv);
  run('apt-get', ['install', '-y', '--no-install-recommends', CHROMIUM_PACKAGE], aptEnv);
  const installed = findChromium();
  if (installed === undefined) throw new SetupError(`installed ${CHROMIUM_PACKAGE} but found no chromium on PATH`);
  return installed;
}
