import { plainTable } from '../table.js';
import type { RegisterCommand } from '../command.js';
import { printJson } from '../io.js';
import { DEVICE_PRESETS, MODEL_PRESETS, bytesPerToken } from '../../memory/index.js';

export const registerModels: RegisterCommand = (program, { io }) => {
  program
    .command('models')
    .description('list the real-model presets (and with --devices the bandwidth presets) and where their figures come from')
    .option('--devices', 'list the devices of `kvlab memory --time --device` instead')
    .option('--json', 'print one JSON document')
    .action((options: { json?: boolean; devices?: boolean }) => {
      if (options.devices) {
        const devices = DEVICE_PRESETS.map((d) => ({ name: d.name, label: d.label, bytesPerSecond: d.bytesPerSecond, source: d.source }));
        if (options.json) return printJson(io, { devices });
        const table = plainTable(['device', 'name', 'peak bandwidth']);
        for (const d of devices) table.push([d.name, d.label, `${d.bytesPerSecond / 1e9} GB/s`]);
        io.stdout(`${table.toString()}\n`);
        io.stdout('Sources:\n');
        for (const d of devices) io.stdout(`  ${d.name}: ${d.source}\n`);
        return;
      }
      const rows = MODEL_PRESETS.map((p) => ({
        name: p.name,
        layers: p.layers,
        heads: p.heads,
        kvHeads: p.kvHeads,
        headDim: p.headDim,
        latent: p.latent ?? null,
        window: p.window ?? null,
        layerPattern: p.patternDescription,
        maxTokens: p.maxTokens,
        bytesPerToken: bytesPerToken(p),
        params: p.params,
        activeParams: p.activeParams ?? null,
        source: p.source,
        paramsSource: p.paramsSource,
      }));
      if (options.json) return printJson(io, { models: rows });
      const table = plainTable(['model', 'layers', 'heads', 'kv heads', 'head dim', 'window', 'layer pattern', 'KV bytes/token (16-bit)', 'params']);
      for (const r of rows) {
        const params = r.activeParams === null ? r.params : `${r.params} (${r.activeParams} active)`;
        table.push([r.name, r.layers, r.heads, r.kvHeads, r.headDim, r.window ?? '—', r.layerPattern, r.bytesPerToken, params]);
      }
      io.stdout(`${table.toString()}\n`);
      io.stdout('Sources:\n');
      for (const r of rows) io.stdout(`  ${r.name}: ${r.source}; params: ${r.paramsSource}\n`);
    });
};
