/**
 * kvlab export --format gift|moodle-xml|qti BANK --out FILE [--seed N]: one variant of a bank (seed 0 by
 * default) in a format an LMS imports. QTI is a content package (.zip). Written as `kvlab grade` writes its
 * gradebook (output-file.ts: the folder checked first, locked, atomic); never over the bank itself.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RegisterCommand } from '../command.js';
import { parseChoice, parseCount } from '../args.js';
import { UsageError } from '../errors.js';
import { count } from '../count.js';
import { lockOutput } from '../output-file.js';
import { giftLimits, giftLostPoints, giftNeeds, toGift } from '../../quiz/export/gift.js';
import { exportItems } from '../../quiz/export/resolve.js';
import { toMoodleXml } from '../../quiz/export/moodle-xml.js';
import { toQtiPackage } from '../../quiz/export/qti.js';
import { resolveBank } from './bank-arg.js';
import { displayPath } from '../paths.js';

const FORMATS = ['gift', 'moodle-xml', 'qti'] as const;
/** What each format's file is usually named, for messages. */
const EXTENSION: Record<(typeof FORMATS)[number], string> = { gift: 'a .gift or .txt file', 'moodle-xml': 'an .xml file', qti: 'a .zip package' };

export const registerExport: RegisterCommand = (program, ctx) => {
  program
    .command('export')
    .description('write a bank for an LMS: Moodle GIFT, Moodle XML, or an IMS QTI 2.1 package (.zip)')
    .argument('<bank>', 'a bank id under quizzes/ or a path to a bank file')
    .option('--format <format>', `one of ${FORMATS.join(', ')}`)
    .option('--out <file>', 'where to write it')
    .option('--seed <N>', 'which variant of parameterized questions', '0')
    .action((bankArg: string, options: { format?: string; out?: string; seed: string }) => {
      const { io } = ctx;
      if (options.format === undefined) throw new UsageError(`--format is required: one of ${FORMATS.join(', ')}`);
      const format = parseChoice('--format', options.format, FORMATS);
      if (options.out === undefined) throw new UsageError('--out is required: the file to write');
      const seed = parseCount('--seed', options.seed, true);
      const bank = resolveBank(io, bankArg);
      const out = resolve(io.cwd, options.out);
      if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out '${options.out}' is a folder; give a file name`);
      if (existsSync(out) && realpathSync(out) === realpathSync(resolve(io.cwd, bank.file))) {
        throw new UsageError(`--out '${options.out}' is the bank file itself; choose another name`);
      }
      if (format === 'qti' && !/\.zip$/i.test(out)) throw new UsageError(`--format qti writes a content package: name --out with .zip (got '${options.out}')`);
      // A bank or submission file is never an export's name: writing one would replace someone's source.
      if (/\.(ya?ml|json|ipynb)$/i.test(out)) {
        throw new UsageError(`--out '${options.out}' names a bank or submission file (.yaml/.json/.ipynb); an export is ${EXTENSION[format]}: choose such a name`);
      }
      if (options.out === '-') throw new UsageError("--out '-': export writes a file, not standard output; give a file name");
      const lock = lockOutput(out, `--out '${options.out}'`, (text) => io.stderr(`kvlab: note: ${text}\n`), 'kvlab export');
      try {
        lock.write(format === 'gift' ? toGift(bank, seed) : format === 'moodle-xml' ? toMoodleXml(bank, seed) : toQtiPackage(bank, seed));
      } finally {
        lock.release();
      }
      io.stdout(`wrote ${displayPath(io, out)}: bank ${bank.id}, seed ${seed}, ${format}\n`);
      for (const item of exportItems(bank, seed)) {
        const limit = item.lms.limits?.(item.data);
        if (limit !== undefined) io.stdout(`note: ${item.title} (${item.type}) is ${limit}\n`);
        // GIFT and Moodle XML are both read by Moodle's importer; QTI goes elsewhere.
        const moodleLimit = format === 'qti' ? undefined : item.lms.moodleLimits?.(item.data);
        if (moodleLimit !== undefined) io.stdout(`note: ${item.title} (${item.type}) is ${moodleLimit}\n`);
      }
      if (format === 'gift') {
        for (const { item, limit } of giftLimits(bank, seed)) io.stdout(`note: ${item.title} (${item.type}) is ${limit}\n`);
        for (const [need, items] of giftNeeds(bank, seed)) {
          const shown = items.slice(0, 5).map((item) => item.title).join(', ');
          io.stdout(`note: ${count(items.length, 'item')} need${items.length === 1 ? 's' : ''} ${need} to import: ${shown}${items.length > 5 ? ', …' : ''}\n`);
        }
        // GIFT has no syntax for points: every item imports worth 1 point in Moodle.
        const lost = giftLostPoints(bank, seed);
        if (lost.length > 0) {
          const shown = lost.slice(0, 5).map((item) => `${item.title} (${item.points})`).join(', ');
          io.stdout(`note: GIFT cannot carry points; ${lost.length} item${lost.length === 1 ? '' : 's'} worth other than 1 point will import as 1 point: ${shown}${lost.length > 5 ? ', …' : ''}. Use --format moodle-xml to keep them.\n`);
        }
      }
    });
};
