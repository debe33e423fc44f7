/**
 * kvlab site --out DIR: the course as a static site (lessons, practice quizzes, the memory calculator)
 * that opens from disk or any static host. DIR is created; a folder that holds anything but an earlier
 * kvlab site is refused, so no one's files are overwritten.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RegisterCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { bankDir } from './bank-arg.js';
import { displayPath } from '../paths.js';
import { count } from '../count.js';

/** Left in every built site: marks a folder kvlab may build into again. */
export const SITE_MARKER = '.kvlab-site';

export const registerSite: RegisterCommand = (program, ctx) => {
  program
    .command('site')
    .description('build the course as a static site: lessons, practice quizzes graded in the page, a memory calculator')
    .option('--out <dir>', 'the folder to write (created; an earlier kvlab site there is replaced)')
    .option('--banks <dir>', 'practice banks to include (default: ./quizzes, else the banks that ship with kvlab)')
    .action(async (options: { out?: string; banks?: string }) => {
      const { io } = ctx;
      if (options.out === undefined) throw new UsageError('--out is required: the folder to write the site into, e.g. --out site');
      const out = resolve(io.cwd, options.out);
      if (existsSync(out)) {
        if (!statSync(out).isDirectory()) throw new UsageError(`--out '${options.out}' is a file; give a folder name`);
        const entries = readdirSync(out);
        if (entries.length > 0 && !entries.includes(SITE_MARKER)) {
          throw new UsageError(`--out '${options.out}' holds other files; give an empty or new folder (kvlab replaces only a site it built)`);
        }
      }
      const banks = options.banks === undefined ? bankDir(io) : resolve(io.cwd, options.banks);
      if (!existsSync(banks) || !statSync(banks).isDirectory()) throw new UsageError(`--banks '${options.banks}' is not a folder of bank files`);
      const { buildSite, SiteError, PAGE_WEIGHT_BUDGET } = await import('../../site/build.js');
      try {
        const built = buildSite({ outDir: out, bankDir: banks });
        writeFileSync(join(out, SITE_MARKER), 'Built by kvlab site; kvlab site may replace this folder.\n');
        const heaviest = Object.entries(built.pageWeights).sort((a, b) => b[1] - a[1])[0];
        io.stdout(`site written to ${displayPath(io, out)}: ${count(built.pages.length, 'page')}; open ${displayPath(io, join(out, 'index.html'))}\n`);
        if (heaviest) {
          const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
          io.stdout(`heaviest page ${heaviest[0]}: ${kib(heaviest[1])} with its scripts and stylesheet (budget ${kib(PAGE_WEIGHT_BUDGET)})\n`);
        }
      } catch (error) {
        if (error instanceof SiteError) throw new UsageError(error.message);
        throw error;
      }
    });
};
