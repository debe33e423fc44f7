import { plainTable } from '../table.js';
import type { RegisterCommand } from '../command.js';
import { printJson } from '../io.js';
import { MODEL_PRESETS } from '../../memory/index.js';

export const registerModels: RegisterCommand = (program, { io }) => {
  program
    .command('models')
    .description('list the real-model presets and where their figures come from')
    .option('--json', 'print one JSON document')
    .action((options: { json?: boolean }) => {
      const rows = MODEL_PRESETS.map((p) => ({
        name: p.name,
        layers: p.layers,
        heads: p.heads,
        kvHeads: p.kvHeads,
        headDim: p.headDim,
        window: p.window ?? null,
        layerPattern: p.patternDescription,
        maxTokens: p.maxTokens,
        source: p.source,
      }));
      if (options.json) return printJson(io, { models: rows });
      const table = plainTable(['model', 'layers', 'heads', 'kv heads', 'head dim', 'window', 'layer pattern']);
      for (const r of rows) {
        table.push([r.name, r.layers, r.heads, r.kvHeads, r.headDim, r.window ?? '—', r.layerPattern]);
      }
      io.stdout(`${table.toString()}\n`);
      io.stdout('Sources:\n');
      for (const r of rows) io.stdout(`  ${r.name}: ${r.source}\n`);
    });
};
