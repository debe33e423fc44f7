/** How the command line shows paths to the user. */
import { isAbsolute, relative } from 'node:path';
import type { CliIO } from './io.js';

/** A path as the user reads it: relative to where they ran kvlab when it is below it, else absolute. */
export function displayPath(io: CliIO, absolute: string): string {
  const rel = relative(io.cwd, absolute);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
}
