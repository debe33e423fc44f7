/**
 * Questions whose right answer must come from the student's own numbers, checked over seeds 0..199:
 *
 * - the ramp: every `min(A, B)` in a numeric answer (a cache holding min(m, n_c) pairs, min(m, 2048), …) draws
 *   variants on both sides, some with A < B and some with A > B, so that always answering the cap (n_c) or always
 *   the length (m) fails. `min(1, …)`, the indicator idiom of decision answers, is not a window and is skipped, and
 *   so is a min of two constants;
 * - every case study has a decision part (tag `decision`) whose key takes more than one value over the seeds and
 *   equals the decision recomputed here through the memory module, and a justification part (tag
 *   `justification`) where the student chooses, matches or orders the reasons.
 */
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type AttentionShape,
  type CachePolicy,
  type KvMemoryQuery,
  decodeTimeFloor,
  findModel,
  heldPairs,
  kvCacheMemory,
  policyBytes,
  weightBytes,
} from '../src/memory/index.js';
import { answerKey, compileExpression, loadBanks, questionVariant, type Bank, type PartQuestion, type Question } from '../src/quiz/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const banks = loadBanks(join(root, 'quizzes'));
const SEEDS = Array.from({ length: 200 }, (_, i) => i);
const GiB = 2 ** 30;

type Params = Readonly<Record<string, number>>;

/** A numeric question or part, with a way to draw its params (a part sees its scenario's) and its key. */
interface Numeric {
  key: string;
  answer: string;
  symbols: string[];
  params(seed: number): Params;
  value(seed: number): number;
}

function numerics(bank: Bank): Numeric[] {
  const out: Numeric[] = [];
  const add = (q: PartQuestion, scenario: Question | undefined) => {
    if (q.type !== 'numeric' || typeof q.answer !== 'string') return;
    const id = scenario ? scenario.id : q.id;
    out.push({
      key: `${bank.id}:${scenario ? `${scenario.id}/${q.id}` : q.id}`,
      answer: q.answer,
      symbols: [...Object.keys(scenario?.params ?? {}), ...Object.keys(q.params)],
      params: (seed) => {
        const v = questionVariant(bank, id, seed);
        return v.type === 'scenario' ? { ...v.params, ...(v.parts.find((p) => p.id === q.id)?.params ?? {}) } : v.params;
      },
      value: (seed) => {
        const k = answerKey(bank, id, seed);
        const part = k.type === 'scenario' ? k.answer[q.id] : k;
        if (part?.type !== 'numeric') throw new Error('not numeric');
        return part.answer;
      },
    });
  };
  for (const q of bank.questions) {
    if (q.type === 'scenario') for (const p of q.parts) add(p, q);
    else add(q, undefined);
  }
  return out;
}

/** The two arguments of every `min(…)` call in an expression, found by matching parentheses. */
function minCalls(expression: string): [string, string][] {
  const calls: [string, string][] = [];
  for (let start = expression.indexOf('min('); start >= 0; start = expression.indexOf('min(', start + 1)) {
    if (/[A-Za-z_]/.test(expression[start - 1] ?? '')) continue;
    let depth = 0;
    let comma = -1;
    for (let i = start + 3; i < expression.length; i++) {
      const c = expression[i];
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        if (comma > 0) calls.push([expression.slice(start + 4, comma).trim(), expression.slice(comma + 1, i).trim()]);
        break;
      } else if (c === ',' && depth === 1) comma = i;
    }
  }
  return calls;
}

const all = banks.flatMap(numerics);
const windowed = all.flatMap((n) =>
  minCalls(n.answer)
    // min(1, …) is the indicator idiom, and a min of two constants is a constant.
    .filter(([a, b]) => a !== '1' && [a, b].some((side) => n.symbols.some((name) => new RegExp(`\\b${name}\\b`).test(side))))
    .map(([a, b]) => ({ ...n, a, b })),
);

describe('the ramp is asked with numbers', () => {
  it('finds min(A, B) calls, and the windowed questions that use them', () => {
    expect(minCalls('2 * min(tokens, window) + min(1, floor(x / min(a, b)))')).toEqual([
      ['tokens', 'window'],
      ['1', 'floor(x / min(a, b))'],
      ['a', 'b'],
    ]);
    expect(windowed.length).toBeGreaterThanOrEqual(10);
  });

  it.each(windowed.map((w) => [`${w.key}: min(${w.a}, ${w.b})`, w] as const))('%s draws both sides over seeds 0..199', (_name, w) => {
    const a = compileExpression(w.a, new Set(w.symbols));
    const b = compileExpression(w.b, new Set(w.symbols));
    let below = 0;
    let above = 0;
    for (const seed of SEEDS) {
      const params = w.params(seed);
      const [x, y] = [a.evaluate(params), b.evaluate(params)];
      if (x < y) below++;
      if (x > y) above++;
    }
    expect(below, `no variant with ${w.a} < ${w.b} (the ramp)`).toBeGreaterThanOrEqual(10);
    expect(above, `no variant with ${w.a} > ${w.b} (the plateau)`).toBeGreaterThanOrEqual(10);
  });
});

const shape = (layers: number, heads: number, kvHeads: number, headDim: number): AttentionShape => ({ layers, heads, kvHeads, headDim });
const gqa7b = shape(32, 32, 8, 128);
const sinks = (w: number): CachePolicy => ({ kind: 'sinks', window: w, sinks: 4 });
const window = (w: number): CachePolicy => ({ kind: 'window', window: w });
const p = (x: Params, name: string) => {
  const v = x[name];
  if (v === undefined) throw new Error(`param ${name} not drawn`);
  return v;
};
/** The largest of the offered windows whose `sessions` caches (4 sinks + window, past it) fit in `budget` bytes. */
const largestSinksWindow = (offered: number[], sessions: number, budget: number) =>
  Math.max(0, ...offered.filter((w) => policyBytes(gqa7b, sinks(w), 10 * w, 'fp16', sessions) <= budget));
function preset(name: string) {
  const m = findModel(name);
  if (!m) throw new Error(name);
  return m;
}

/** Each case's decision, recomputed from the drawn params through src/memory. */
const DECISIONS: Readonly<Record<string, (x: Params) => number>> = {
  'case-support-chat:support-chat-postmortem/window-for-budget': (x) =>
    largestSinksWindow([2048, 4096, 8192], p(x, 'sessions'), p(x, 'kv_budget_gib') * GiB),
  'case-regulated-audit:audit-memory-design/window-for-node': (x) =>
    largestSinksWindow([4096, 8192, 16384], p(x, 'sessions'), p(x, 'node_kv_gib') * GiB),
  'case-enterprise-summarization:summarization-architecture/recommendation': (x) => {
    const gemma = preset('gemma-3-4b');
    const budget = p(x, 'budget_gib') * GiB;
    const tokens = p(x, 'doc_tokens');
    const full = kvCacheMemory({ ...gemma, window: undefined, layerPattern: undefined, tokens }).bytes;
    const hybrid = kvCacheMemory({ ...gemma, tokens }).bytes;
    return full <= budget ? 1 : hybrid <= budget ? 3 : 0;
  },
  'case-long-document-qa:long-document-qa-postmortem/route': (x) => {
    const k = p(x, 'evidence_back');
    const w = p(x, 'window');
    // A key k positions back is in a window of w when k < w; pooled, B reaches w + c·n_cm tokens back.
    return k < w ? 1 : k <= w + 4 * p(x, 'compressed_slots') ? 2 : 3;
  },
  'case-segment-dual-memory:dual-memory-diagnosis/slots-to-reach': (x) => {
    let slots = 0;
    while (p(x, 'window') + p(x, 'compression') * slots < p(x, 'chapter_back')) slots++;
    return slots;
  },
  'case-agent-incident-triage:agent-triage/window-to-keep-ticket': (x) => {
    const tokens = p(x, 'ticket_tokens') + p(x, 'calls') * p(x, 'tool_tokens');
    return [8192, 16384, 32768, 65536].find((w) => heldPairs(window(w), tokens) === tokens) ?? 0;
  },
  'case-deploying-internal-assistant:internal-assistant-capacity/setting-for-target': (x) => {
    const budget = p(x, 'budget_gib') * GiB;
    const fits = (bytes: number) => Math.floor(budget / bytes) >= p(x, 'required_sessions');
    if (fits(policyBytes(gqa7b, { kind: 'full' }, 32768))) return 1;
    if (fits(policyBytes(gqa7b, window(p(x, 'window')), 32768))) return 2;
    if (fits(policyBytes(gqa7b, window(p(x, 'window')), 32768, 'int8'))) return 3;
    return 0;
  },
  'case-documenting-memory-subsystem:memory-subsystem-doc/max-batch': (x) => {
    const s = shape(p(x, 'layers'), 32, p(x, 'kv_heads'), 128);
    const one = policyBytes(s, { kind: 'window', window: p(x, 'window'), convention: 'w-plus-one' }, 10 * p(x, 'window'));
    return Math.floor((p(x, 'gpu_kv_gib') * GiB) / one);
  },
  'case-monitoring-feature:stream-monitor-design/restart-interval': (x) => {
    let hours = 0;
    while (policyBytes(shape(24, 16, 4, 128), { kind: 'full' }, p(x, 'rate') * (hours + 1)) <= 8 * GiB) hours++;
    return hours;
  },
  'case-choosing-a-technique:choosing-a-technique/setting': (x) => {
    // The first setting whose caches fit the budget and whose decode-time floor meets the target, at full length.
    const llama = preset('llama-3-8b');
    const batch = p(x, 'sessions');
    const base: KvMemoryQuery = { ...llama, tokens: p(x, 'tokens'), batch };
    const settings: [number, KvMemoryQuery][] = [
      [1, base],
      [2, { ...base, quantization: { format: 'int8', groupSize: 64, scaleDtype: 'fp16' } }],
      [3, { ...base, quantization: { format: 'int4', groupSize: 64, scaleDtype: 'fp16' } }],
      [4, { ...base, window: 4096 }],
    ];
    const weights = weightBytes(llama.params, 'bf16');
    const meets = (q: KvMemoryQuery) => {
      const cacheBytes = kvCacheMemory(q).bytes;
      const floor = decodeTimeFloor({ weightBytes: weights, cacheBytes, bandwidth: 3350e9, batch });
      return cacheBytes <= p(x, 'budget_gib') * GiB && floor.msPerToken <= p(x, 'target_ms');
    };
    return settings.find(([, q]) => meets(q))?.[0] ?? 0;
  },
  'case-reviewing-two-designs:two-designs-review/less-memory': (x) => {
    const s = shape(48, 32, 8, 128);
    const tokens = p(x, 'tokens');
    const a = kvCacheMemory({ ...s, tokens, window: p(x, 'window_a') }).bytes;
    const pattern = Array.from({ length: 48 }, (_, i) => ((i + 1) % 6 === 0 ? ('global' as const) : ('local' as const)));
    const b = kvCacheMemory({ ...s, tokens, window: 1024, layerPattern: pattern }).bytes;
    return a < b ? 1 : 2;
  },
};

const scenarios = banks.flatMap((bank) => bank.questions.filter((q) => q.type === 'scenario').map((q) => ({ bank, q })));
const decisions = all.filter((n) => {
  const [bankId, rest] = n.key.split(':');
  const [scenarioId, partId] = rest!.split('/');
  const scenario = banks.find((b) => b.id === bankId)?.questions.find((q) => q.id === scenarioId);
  return scenario?.type === 'scenario' && scenario.parts.find((part) => part.id === partId)?.tags.includes('decision');
});

describe('case studies decide from the student numbers', () => {
  it.each(scenarios.map(({ bank, q }) => [`${bank.id}:${q.id}`, q] as const))('%s has a decision and a justification part', (_key, q) => {
    if (q.type !== 'scenario') throw new Error('not a scenario');
    expect(q.parts.filter((part) => part.tags.includes('decision') && part.type === 'numeric').length).toBeGreaterThanOrEqual(1);
    const justification = q.parts.filter((part) => part.tags.includes('justification'));
    expect(justification.length).toBeGreaterThanOrEqual(1);
    for (const part of justification) expect(['single-choice', 'multiple-choice', 'matching', 'ordering']).toContain(part.type);
  });

  it('every decision has a checker here, and every checker a decision', () => {
    expect(decisions.map((d) => d.key).sort()).toEqual(Object.keys(DECISIONS).sort());
  });

  it.each(decisions.map((d) => [d.key, d] as const))('%s: the key is the module’s decision, and it varies with the student', (key, d) => {
    const check = DECISIONS[key]!;
    const values = new Set<number>();
    for (const seed of SEEDS) {
      const params = d.params(seed);
      const actual = d.value(seed);
      expect(actual, `${key} seed ${seed} ${JSON.stringify(params)}`).toBe(check(params));
      values.add(actual);
    }
    expect(values.size, `${key} gives every student the same decision`).toBeGreaterThan(1);
  });
});

const UNIT_BYTES: Readonly<Record<string, number>> = { KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 };

describe('memory questions name the classic slips', () => {
  type Located = { bank: Bank; q: PartQuestion; scenario: Question | undefined };
  const memory = banks
    .flatMap((bank) =>
      bank.questions.flatMap((q): Located[] => (q.type === 'scenario' ? q.parts.map((part) => ({ bank, q: part, scenario: q })) : [{ bank, q, scenario: undefined }])),
    )
    .filter(({ q }) => q.type === 'numeric' && q.tags.includes('memory-formula') && q.unit !== undefined);
  const item = (bank: Bank, q: PartQuestion, scenario: Question | undefined) => numerics(bank).find((n) => n.key === `${bank.id}:${scenario ? `${scenario.id}/${q.id}` : q.id}`)!;

  it.each(memory.map(({ bank, q, scenario }) => [`${bank.id}:${scenario ? `${scenario.id}/` : ''}${q.id}`, bank, q, scenario] as const))(
    '%s: bytes instead of the unit, the wrong element size, one layer only',
    (_key, bank, q, scenario) => {
      if (q.type !== 'numeric') throw new Error('not numeric');
      const n = item(bank, q, scenario);
      const params = n.params(0);
      const answer = n.value(0);
      const values = q.feedback.map((f) =>
        f.value === undefined ? NaN : typeof f.value === 'number' ? f.value : compileExpression(f.value, new Set([...n.symbols, 'answer'])).evaluate({ ...params, answer }),
      );
      const unitBytes = UNIT_BYTES[q.unit!]!;
      expect(values.some((v) => Math.abs(v - answer * unitBytes) <= 1e-9 * answer * unitBytes), 'a feedback for the count in bytes').toBe(true);
      expect(q.feedback.some((f) => /fp32|fp16|bytes per element/.test(f.message)), 'a feedback for the element size').toBe(true);
      // A hybrid's layers do not all hold the same cache, so "one layer" is not one number there.
      const hybrid = /local|global|option C|design B/i.test(q.prompt);
      if (!hybrid) expect(q.feedback.some((f) => /one layer/.test(f.message)), 'a feedback for one layer only').toBe(true);
      if (/compressed_slots/.test(n.answer) && /window/.test(n.answer)) {
        expect(q.feedback.some((f) => /local FIFO|`Mem`/.test(f.message)), 'a feedback for leaving out the local FIFO').toBe(true);
      }
    },
  );
});

describe('two slips that give the same number are both named', () => {
  it('an fp16 byte count halved: the factor 2 for K and V, and the 2 bytes of an element', () => {
    const halved = banks.flatMap((bank) =>
      bank.questions
        .flatMap((q) => (q.type === 'scenario' ? q.parts : [q]))
        .filter((q) => q.type === 'numeric' && q.tags.includes('memory-formula') && q.feedback.some((f) => String(f.value).replace(/\s/g, '') === 'answer/2'))
        .filter((q) => q.type === 'numeric' && q.unit !== undefined && !/fp32|int8/.test(q.prompt))
        .map((q) => ({ key: `${bank.id}:${q.id}`, q })),
    );
    expect(halved.length).toBeGreaterThanOrEqual(20);
    for (const { key, q } of halved) {
      if (q.type !== 'numeric') continue;
      const messages = q.feedback.filter((f) => String(f.value).replace(/\s/g, '') === 'answer/2').map((f) => f.message).join('\n');
      expect(messages, key).toMatch(/K and V|key \*\*and\*\* a value|mean key and a mean value/);
      expect(messages, key).toMatch(/not bytes/);
    }
  });
});
