/**
 * `npm run bench`: every bench/*.bench.ts in turn, each printing its own figures. Ratios are measured in
 * the same run, never compared against absolute numbers from another machine.
 * Run one section: `npm run bench -- engine`.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const sections = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)));

for (const file of sections) {
  console.log(`\n=== ${file.replace('.bench.ts', '')} ===`);
  const section = (await import(pathToFileURL(join(here, file)).href)) as { run(): Promise<void> };
  await section.run();
}
