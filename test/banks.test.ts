/**
 * The course's question banks (quizzes/*.yaml) are checked like code:
 *
 * - every bank loads through the quiz engine with no problems, and bank ids are unique;
 * - the syllabus (content/syllabus.yaml: every card of the course material, its id, kind and title) is
 *   well-formed, every card is covered by at least one question tagged `card:<id>`, and no question names a
 *   card that is not in it;
 * - every numeric question about memory (tag `memory-formula`) is recomputed through the memory module
 *   (src/memory) for seeds 0..199 by a checker below; a memory question without a checker fails;
 * - no numeric feedback entry can fire on the correct answer, and each one grades as wrong;
 * - scenarios have ≥ 3 parts of ≥ 2 types with a parameterized numeric part, and every wrong choice in any
 *   bank has feedback;
 * - a submission built from the answer key scores full marks, an empty one scores 0.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  type AttentionShape,
  type CachePolicy,
  type LayerKind,
  bytesPerToken,
  decodeTimeFloor,
  findModel,
  heldPairs,
  kvCacheMemory,
  pagedBlocks,
  policyBytes,
  weightBytes,
} from '../src/memory/index.js';
import {
  type AnswerKey,
  type Bank,
  type NumericQuestion,
  type Question,
  answerKey,
  bankFiles,
  compileExpression,
  gradeAnswer,
  gradeSubmission,
  loadBank,
  loadBanks,
  questionVariant,
  withinTolerance,
} from '../src/quiz/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quizDir = join(root, 'quizzes');
const syllabusFile = join(root, 'content', 'syllabus.yaml');

/** The kinds of card the course material has (content/syllabus.yaml explains each). */
const CARD_KINDS = ['concept', 'exercise', 'question', 'true-false', 'design-prompt', 'case-study'] as const;
const CARD_SECTIONS = ['card', 'related', 'learn-after'] as const;

interface Card {
  id: string;
  kind: (typeof CARD_KINDS)[number];
  section: (typeof CARD_SECTIONS)[number];
  title: string;
}

/** The syllabus file as YAML: its shape is checked by the tests below, not trusted here. */
const syllabus: unknown = parseYaml(readFileSync(syllabusFile, 'utf8'));
const rawCards: unknown[] =
  typeof syllabus === 'object' && syllabus !== null && Array.isArray((syllabus as { cards?: unknown }).cards)
    ? (syllabus as { cards: unknown[] }).cards
    : [];
const CARDS = rawCards as readonly Card[];

/** Case studies and design prompts: each must be a scenario of its own. */
const SCENARIO_CARDS = CARDS.filter((c) => c.kind === 'case-study' || c.kind === 'design-prompt').map((c) => c.id);

const MEMORY_TAG = 'memory-formula';
const SEEDS = Array.from({ length: 200 }, (_, i) => i);
const KiB = 2 ** 10;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

type Params = Readonly<Record<string, number>>;

/** A param the checker needs; a missing one is a bank/checker mismatch, not NaN arithmetic. */
function p(params: Params, name: string): number {
  const value = params[name];
  if (value === undefined) throw new Error(`param '${name}' is not drawn (params: ${Object.keys(params).join(', ')})`);
  return value;
}

const shape = (layers: number, heads: number, kvHeads: number, headDim: number): AttentionShape => ({ layers, heads, kvHeads, headDim });
const full: CachePolicy = { kind: 'full' };
const window = (w: number): CachePolicy => ({ kind: 'window', window: w });
const sinks = (w: number, s: number): CachePolicy => ({ kind: 'sinks', window: w, sinks: s });

/** Bytes of a real model's cache from its preset; `asFullAttention` drops its window and layer pattern. */
function presetBytes(name: string, tokens: number, asFullAttention = false): number {
  const preset = findModel(name);
  if (!preset) throw new Error(`no preset '${name}'`);
  const query = { layers: preset.layers, heads: preset.heads, kvHeads: preset.kvHeads, headDim: preset.headDim, tokens };
  if (asFullAttention || preset.window === undefined) return kvCacheMemory(query).bytes;
  return kvCacheMemory({ ...query, window: preset.window, layerPattern: preset.layerPattern }).bytes;
}

/** A compressive memory at the moment both FIFOs are full and no pooling group is in progress. */
function compressiveFullBytes(s: AttentionShape, w: number, compression: number, slots: number): number {
  const policy: CachePolicy = { kind: 'compressive', window: w, segment: compression * 64, compression, compressedSlots: slots };
  return policyBytes(s, policy, w + compression * slots);
}

/** The 48-layer code-assistant model of the design review: A windowed everywhere, B 40 local + 8 global. */
const reviewShape = shape(48, 32, 8, 128);
const reviewPattern: LayerKind[] = Array.from({ length: 48 }, (_, i) => ((i + 1) % 6 === 0 ? 'global' : 'local'));
const designA = (windowA: number, tokens: number) => kvCacheMemory({ ...reviewShape, tokens, window: windowA }).bytes;
const designB = (tokens: number) => kvCacheMemory({ ...reviewShape, tokens, window: 1024, layerPattern: reviewPattern }).bytes;

/** The smallest m > 1024 at which design B holds at least as much as design A, by bisection on the module. */
function crossover(windowA: number): number {
  let lo = 1025;
  let hi = 1 << 22;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (designB(mid) >= designA(windowA, mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A preset by name, or a failed test. */
function preset(name: string) {
  const model = findModel(name);
  if (!model) throw new Error(`no preset '${name}'`);
  return model;
}

/**
 * The decode-time floor of a preset's step, in ms: its weights in bf16 once, plus `batch` caches of
 * `tokens` tokens (the preset's own window, if any), over `gbPerSecond` decimal GB/s.
 */
function floorMs(name: string, tokens: number, batch: number, gbPerSecond: number): number {
  const model = preset(name);
  const cacheBytes = kvCacheMemory({ ...model, tokens, batch }).bytes;
  return decodeTimeFloor({ weightBytes: weightBytes(model.params, 'bf16'), cacheBytes, bandwidth: gbPerSecond * 1e9, batch }).msPerToken;
}

/**
 * Expected answers of the memory questions, recomputed through src/memory from the drawn params. Keys are
 * "bank:question" or "bank:scenario/part".
 */
const CHECKERS: Readonly<Record<string, (params: Params) => number>> = {
  // sliding-window-basics
  'sliding-window-basics:apply-attended-keys': (x) => heldPairs(window(p(x, 'window')), p(x, 'tokens')),
  'sliding-window-basics:tradeoff-cost-ratio': (x) =>
    policyBytes(shape(1, 1, 1, 1), full, p(x, 'tokens')) / policyBytes(shape(1, 1, 1, 1), window(100), p(x, 'tokens')),
  'sliding-window-basics:cache-2048-ratio': (x) =>
    policyBytes(shape(1, 1, 1, 1), window(2048), p(x, 'later')) / policyBytes(shape(1, 1, 1, 1), window(2048), 5000),

  // kv-memory-formula
  'kv-memory-formula:bytes-per-token': (x) => bytesPerToken(shape(p(x, 'layers'), p(x, 'heads'), p(x, 'heads'), p(x, 'head_dim'))) / KiB,
  'kv-memory-formula:full-cache-mib': (x) =>
    policyBytes(shape(p(x, 'layers'), p(x, 'heads'), p(x, 'heads'), p(x, 'head_dim')), full, p(x, 'tokens')) / MiB,
  'sliding-window-basics:window-cache-mib': (x) =>
    policyBytes(shape(p(x, 'layers'), p(x, 'heads'), p(x, 'heads'), p(x, 'head_dim')), window(p(x, 'window')), p(x, 'tokens')) / MiB,
  'sliding-window-basics:window-savings-ratio': (x) =>
    policyBytes(shape(1, 1, 1, 1), full, p(x, 'tokens')) / policyBytes(shape(1, 1, 1, 1), window(p(x, 'window')), p(x, 'tokens')),
  'real-models:gqa-cache-mib': (x) =>
    policyBytes(shape(p(x, 'layers'), p(x, 'heads'), p(x, 'kv_heads'), p(x, 'head_dim')), full, p(x, 'tokens')) / MiB,
  'real-models:mqa-cache-mib': (x) =>
    policyBytes(shape(p(x, 'layers'), p(x, 'heads'), 1, p(x, 'head_dim')), full, p(x, 'tokens')) / MiB,
  'real-models:int8-window-cache-mib': (x) =>
    policyBytes(shape(p(x, 'layers'), p(x, 'kv_heads'), p(x, 'kv_heads'), p(x, 'head_dim')), window(p(x, 'window')), p(x, 'tokens'), 'int8') / MiB,
  'kv-memory-formula:fp32-full-cache-gib': (x) =>
    policyBytes(shape(p(x, 'layers'), p(x, 'heads'), p(x, 'heads'), p(x, 'head_dim')), full, p(x, 'tokens'), 'fp32') / GiB,
  'real-models:batch-window-cache-gib': (x) =>
    policyBytes(shape(p(x, 'layers'), 32, p(x, 'kv_heads'), p(x, 'head_dim')), window(p(x, 'window')), p(x, 'tokens'), 'fp16', p(x, 'batch')) / GiB,
  'kv-memory-formula:tokens-fit-budget': (x) =>
    Math.floor((p(x, 'budget_gib') * GiB) / bytesPerToken(shape(p(x, 'layers'), p(x, 'heads'), p(x, 'heads'), p(x, 'head_dim')))),
  'real-models:sequences-fit-window': (x) =>
    Math.floor(
      (p(x, 'budget_gib') * GiB) /
        policyBytes(shape(p(x, 'layers'), 32, p(x, 'kv_heads'), p(x, 'head_dim')), window(p(x, 'window')), 10 * p(x, 'window')),
    ),

  // fixed-size-memories
  'fixed-size-memories:sinks-cache-kib': (x) =>
    policyBytes(shape(p(x, 'layers'), 32, p(x, 'kv_heads'), p(x, 'head_dim')), sinks(p(x, 'window'), p(x, 'sinks')), p(x, 'tokens')) / KiB,
  'fixed-size-memories:cumulative-memory-kib': (x) =>
    policyBytes(shape(p(x, 'layers'), 48, p(x, 'kv_heads'), p(x, 'head_dim')), { kind: 'cumulative' }, p(x, 'tokens')) / KiB,
  'fixed-size-memories:moving-average-held-kib': (x) =>
    policyBytes(shape(p(x, 'layers'), 16, p(x, 'kv_heads'), p(x, 'head_dim')), { kind: 'moving-average', window: p(x, 'window') }, p(x, 'tokens')) / KiB,
  'fixed-size-memories:compressive-held-mib': (x) =>
    compressiveFullBytes(shape(p(x, 'layers'), 16, p(x, 'kv_heads'), p(x, 'head_dim')), p(x, 'window'), p(x, 'compression'), p(x, 'compressed_slots')) / MiB,

  // real-models
  'real-models:gpt2-full-cache-mib': (x) => presetBytes('gpt2', p(x, 'tokens')) / MiB,
  'real-models:llama2-7b-cache-gib': (x) => presetBytes('llama-2-7b', p(x, 'tokens')) / GiB,
  'real-models:llama3-8b-cache-gib': (x) => presetBytes('llama-3-8b', p(x, 'tokens')) / GiB,
  'real-models:mistral-window-mib': (x) => presetBytes('mistral-7b', p(x, 'tokens')) / MiB,
  'real-models:mistral-full-at-32k-ratio': (x) => presetBytes('mistral-7b', p(x, 'tokens'), true) / presetBytes('mistral-7b', p(x, 'tokens')),
  'real-models:gemma2-9b-hybrid-mib': (x) => presetBytes('gemma-2-9b', p(x, 'tokens')) / MiB,
  'real-models:gemma2-9b-growth-per-token': (x) => (presetBytes('gemma-2-9b', p(x, 'tokens') + 1) - presetBytes('gemma-2-9b', p(x, 'tokens'))) / KiB,
  'real-models:gemma3-4b-hybrid-mib': (x) => presetBytes('gemma-3-4b', p(x, 'tokens')) / MiB,

  // decode-time (lesson 7): the floor through decodeTimeFloor, from the presets' parameter counts
  'decode-time:llama3-decode-floor-ms': (x) => floorMs('llama-3-8b', p(x, 'tokens'), p(x, 'batch'), p(x, 'bandwidth')),
  'decode-time:mistral-window-floor-ms': (x) => floorMs('mistral-7b', p(x, 'tokens'), p(x, 'batch'), p(x, 'bandwidth')),
  'decode-time:cache-equals-weights-tokens': (x) =>
    weightBytes(preset('llama-3-8b').params, 'bf16') / kvCacheMemory({ ...preset('llama-3-8b'), tokens: 1, batch: p(x, 'batch') }).bytes,
  'decode-time:batch-tokens-per-second': (x) => {
    const model = preset('llama-3-8b');
    const cacheBytes = kvCacheMemory({ ...model, tokens: p(x, 'tokens'), batch: p(x, 'batch') }).bytes;
    return decodeTimeFloor({ weightBytes: weightBytes(model.params, 'bf16'), cacheBytes, bandwidth: 3350e9, batch: p(x, 'batch') }).tokensPerSecond;
  },

  // shrinking-the-cache (lesson 8): one technique per factor, each an option of the memory module
  'shrinking-the-cache:int4-scales-mib': (x) =>
    kvCacheMemory({ ...preset('llama-3-8b'), tokens: p(x, 'tokens'), quantization: { format: 'int4', groupSize: p(x, 'group'), scaleDtype: 'fp16' } }).bytes / MiB,
  'shrinking-the-cache:mla-cache-mib': (x) => kvCacheMemory({ ...preset('deepseek-v2-lite'), tokens: p(x, 'tokens'), dtype: 'bf16' }).bytes / MiB,
  'shrinking-the-cache:shared-layers-gib': (x) =>
    kvCacheMemory({ ...preset('llama-3-8b'), tokens: p(x, 'tokens'), crossLayerSharing: p(x, 'share') }).bytes / GiB,
  'shrinking-the-cache:paged-slots': (x) => p(x, 'block') * pagedBlocks(window(4096), p(x, 'tokens'), p(x, 'block')),

  // case studies
  'case-support-chat:support-chat-postmortem/full-cache-gib': (x) => policyBytes(shape(32, 32, 8, 128), full, p(x, 'long_tokens')) / GiB,
  'case-support-chat:support-chat-postmortem/hotfix-cache-mib': (x) =>
    policyBytes(shape(32, 32, 8, 128), sinks(p(x, 'window'), 4), p(x, 'long_tokens')) / MiB,
  'case-segment-dual-memory:dual-memory-diagnosis/memory-mib': (x) =>
    compressiveFullBytes(shape(24, 16, 16, 64), p(x, 'window'), p(x, 'compression'), p(x, 'compressed_slots')) / MiB,
  'case-enterprise-summarization:summarization-architecture/full-mib': (x) => presetBytes('gemma-3-4b', p(x, 'doc_tokens'), true) / MiB,
  'case-enterprise-summarization:summarization-architecture/hybrid-mib': (x) => presetBytes('gemma-3-4b', p(x, 'doc_tokens')) / MiB,
  'case-long-document-qa:long-document-qa-postmortem/extra-memory-mib': (x) => {
    const s = shape(32, 32, 8, 128);
    const w = p(x, 'window');
    const slots = p(x, 'compressed_slots');
    return (compressiveFullBytes(s, w, 4, slots) - policyBytes(s, window(w), w + 4 * slots)) / MiB;
  },
  'case-regulated-audit:audit-memory-design/node-kv-gib': (x) =>
    policyBytes(shape(32, 32, 8, 128), sinks(p(x, 'window'), 4), 200_000, 'fp16', p(x, 'sessions')) / GiB,
  'case-agent-incident-triage:agent-triage/windowed-cache-mib': (x) =>
    policyBytes(shape(32, 32, 8, 128), window(p(x, 'window')), p(x, 'ticket_tokens') + p(x, 'calls') * p(x, 'tool_tokens')) / MiB,

  'case-choosing-a-technique:choosing-a-technique/full-cache-gib': (x) =>
    kvCacheMemory({ ...preset('llama-3-8b'), tokens: p(x, 'tokens'), batch: p(x, 'sessions') }).bytes / GiB,
  'case-choosing-a-technique:choosing-a-technique/full-cache-floor-ms': (x) => floorMs('llama-3-8b', p(x, 'tokens'), p(x, 'sessions'), 3350),
  'case-choosing-a-technique:choosing-a-technique/int4-session-mib': (x) =>
    kvCacheMemory({ ...preset('llama-3-8b'), tokens: p(x, 'tokens'), quantization: { format: 'int4', groupSize: 64, scaleDtype: 'fp16' } }).bytes / MiB,

  // design prompts
  'case-documenting-memory-subsystem:memory-subsystem-doc/batch-gib': (x) =>
    policyBytes(shape(p(x, 'layers'), 32, p(x, 'kv_heads'), 128), window(p(x, 'window')), 10 * p(x, 'window'), 'fp16', p(x, 'batch')) / GiB,
  'case-reviewing-two-designs:two-designs-review/design-a-mib': (x) => designA(p(x, 'window_a'), p(x, 'tokens')) / MiB,
  'case-reviewing-two-designs:two-designs-review/design-b-mib': (x) => designB(p(x, 'tokens')) / MiB,
  'case-reviewing-two-designs:two-designs-review/crossover-tokens': (x) => {
    const m = crossover(p(x, 'window_a'));
    // The bank asks for the length where the two are *equal*; the module must agree that they are.
    if (designA(p(x, 'window_a'), m) !== designB(m)) throw new Error(`no exact crossover at ${m}`);
    return m;
  },
  'case-deploying-internal-assistant:internal-assistant-capacity/sessions-full': (x) =>
    Math.floor((p(x, 'budget_gib') * GiB) / presetBytes('mistral-7b', 32768, true)),
  'case-deploying-internal-assistant:internal-assistant-capacity/sessions-window': (x) =>
    Math.floor((p(x, 'budget_gib') * GiB) / policyBytes(shape(32, 32, 8, 128), window(p(x, 'window')), 32768)),
  'case-monitoring-feature:stream-monitor-design/full-gib': (x) =>
    policyBytes(shape(24, 16, 4, 128), full, p(x, 'rate') * p(x, 'hours')) / GiB,
  'case-monitoring-feature:stream-monitor-design/window-sinks-mib': (x) =>
    policyBytes(shape(24, 16, 4, 128), sinks(p(x, 'window'), 4), p(x, 'rate') * p(x, 'hours')) / MiB,
};

/** One gradable unit: a question, or a part of a scenario, with its drawn params for a seed. */
interface Item {
  bank: Bank;
  key: string;
  question: Question;
  /** The enclosing scenario, for a part. */
  scenario?: Question;
  /** Params in scope (a part sees its scenario's) and the correct answer, for a seed. */
  variant(seed: number): { params: Params; answer: AnswerKey };
}

function itemsOf(bank: Bank): Item[] {
  const items: Item[] = [];
  for (const question of bank.questions) {
    items.push({
      bank,
      key: `${bank.id}:${question.id}`,
      question,
      variant: (seed) => ({ params: questionVariant(bank, question.id, seed).params, answer: answerKey(bank, question.id, seed) }),
    });
    if (question.type !== 'scenario') continue;
    for (const part of question.parts) {
      items.push({
        bank,
        key: `${bank.id}:${question.id}/${part.id}`,
        question: part,
        scenario: question,
        variant: (seed) => {
          const outer = questionVariant(bank, question.id, seed);
          const own = outer.type === 'scenario' ? outer.parts.find((v) => v.id === part.id) : undefined;
          const key = answerKey(bank, question.id, seed);
          const partKey = key.type === 'scenario' ? key.answer[part.id] : undefined;
          if (!own || !partKey) throw new Error(`${bank.id}:${question.id}: no variant or key for part '${part.id}'`);
          return { params: { ...outer.params, ...own.params }, answer: partKey };
        },
      });
    }
  }
  return items;
}

/** The answer a submission gives for a key (a scenario's is a map of its parts'). */
function submitted(key: AnswerKey): unknown {
  if (key.type === 'scenario') return Object.fromEntries(Object.entries(key.answer).map(([id, k]) => [id, submitted(k)]));
  return key.answer;
}

function numericAnswer(key: AnswerKey): number {
  if (key.type !== 'numeric') throw new Error(`expected a numeric key, got ${key.type}`);
  return key.answer;
}

const banks = loadBanks(quizDir);
const items = banks.flatMap(itemsOf);
const numericItems = items.filter((i): i is Item & { question: NumericQuestion } => i.question.type === 'numeric');
const memoryItems = numericItems.filter((i) => i.question.tags.includes(MEMORY_TAG));

describe('question banks load', () => {
  it.each(bankFiles(quizDir).map((f) => [f.slice(root.length + 1), f]))('%s loads with no problems', (_name, file) => {
    expect(() => loadBank(file)).not.toThrow();
  });

  it('loads as one set with unique bank ids, and every file is a bank', () => {
    expect(banks.length).toBe(bankFiles(quizDir).length);
    expect(new Set(banks.map((b) => b.id)).size).toBe(banks.length);
  });
});

describe('the syllabus (content/syllabus.yaml)', () => {
  it('is a list of cards, each with exactly an id, a kind, a section and a title', () => {
    expect(rawCards.length, `${syllabusFile} must hold \`cards:\`, a list`).toBe(23);
    for (const [i, card] of rawCards.entries()) {
      expect(typeof card === 'object' && card !== null && !Array.isArray(card), `cards[${i}] is not a mapping`).toBe(true);
      expect(Object.keys(card as object).sort(), `cards[${i}]`).toEqual(['id', 'kind', 'section', 'title']);
    }
  });

  it('ids are lowercase words joined by hyphens, and unique', () => {
    const ids = CARDS.map((c) => c.id);
    expect(ids.filter((id) => typeof id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('kinds and sections are known, and exactly one card is the card itself', () => {
    expect(CARDS.filter((c) => !(CARD_KINDS as readonly string[]).includes(c.kind)).map((c) => `${c.id}: ${c.kind}`)).toEqual([]);
    expect(CARDS.filter((c) => !(CARD_SECTIONS as readonly string[]).includes(c.section)).map((c) => `${c.id}: ${c.section}`)).toEqual([]);
    expect(CARDS.filter((c) => c.section === 'card').map((c) => c.id)).toEqual(['space-complexity-swa']);
  });

  it('titles are single-line text, unique; a question ends with "?", a design prompt is cut with "..."', () => {
    const titles = CARDS.map((c) => c.title);
    expect(titles.filter((t) => typeof t !== 'string' || t.trim() !== t || t === '' || t.includes('\n'))).toEqual([]);
    expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);
    expect(CARDS.filter((c) => c.kind === 'question' && !c.title.endsWith('?')).map((c) => c.id)).toEqual([]);
    expect(CARDS.filter((c) => c.kind === 'true-false' && !c.title.endsWith('.')).map((c) => c.id)).toEqual([]);
    expect(CARDS.filter((c) => c.kind === 'design-prompt' && !c.title.endsWith('...')).map((c) => c.id)).toEqual([]);
  });

  it('has the material\'s mix: 4 concepts, 5 exercises, 3 questions, 1 statement, 4 design prompts, 6 cases', () => {
    const count = (kind: Card['kind']) => CARDS.filter((c) => c.kind === kind).length;
    expect(CARD_KINDS.map((k) => [k, count(k)])).toEqual([
      ['concept', 4],
      ['exercise', 5],
      ['question', 3],
      ['true-false', 1],
      ['design-prompt', 4],
      ['case-study', 6],
    ]);
  });
});

describe('course cards', () => {
  it.each(CARDS.map((c) => [c.id]))('card %s is covered by at least one question', (id) => {
    const tag = `card:${id}`;
    const covering = items.filter((i) => i.question.tags.includes(tag)).map((i) => i.key);
    expect(covering, `no question is tagged ${tag}`).not.toEqual([]);
  });

  it('every card tag names a card of the syllabus', () => {
    const known = new Set(CARDS.map((c) => `card:${c.id}`));
    const unknown = items.flatMap((i) => i.question.tags.filter((t) => t.startsWith('card:') && !known.has(t)).map((t) => `${i.key}: ${t}`));
    expect(unknown, `add these cards to ${syllabusFile} or fix the tags`).toEqual([]);
  });

  it.each(SCENARIO_CARDS.map((s) => [s]))('case %s has a scenario of its own', (id) => {
    const scenarios = items.filter((i) => i.question.type === 'scenario' && !i.scenario && i.question.tags.includes(`card:${id}`));
    expect(scenarios.map((i) => i.key)).toHaveLength(1);
  });
});

describe('memory questions agree with the memory module', () => {
  it('there are memory questions, and every one has a checker (and every checker a question)', () => {
    expect(memoryItems.length).toBeGreaterThanOrEqual(30);
    const keys = new Set(memoryItems.map((i) => i.key));
    expect(memoryItems.map((i) => i.key).filter((k) => !(k in CHECKERS))).toEqual([]);
    expect(Object.keys(CHECKERS).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('only numeric questions carry the memory tag', () => {
    const misplaced = items.filter((i) => i.question.tags.includes(MEMORY_TAG) && i.question.type !== 'numeric').map((i) => i.key);
    expect(misplaced).toEqual([]);
  });

  it.each(memoryItems.map((i) => [i.key, i]))('%s equals the module for seeds 0..199', (_key, item) => {
    const check = CHECKERS[item.key]!;
    for (const seed of SEEDS) {
      const { params, answer } = item.variant(seed);
      const expected = check(params);
      const actual = numericAnswer(answer);
      expect(Number.isFinite(expected), `${item.key} seed ${seed}: checker gave ${expected}`).toBe(true);
      expect(Math.abs(actual - expected), `${item.key} seed ${seed} ${JSON.stringify(params)}: bank ${actual}, module ${expected}`).toBeLessThanOrEqual(
        1e-9 * Math.abs(expected),
      );
    }
  });

  it.each(memoryItems.filter((i) => i.question.unit !== undefined).map((i) => [i.key, i]))(
    '%s names its unit in the prompt and has feedback for the classic slips',
    (_key, item) => {
      const q = item.question;
      const unit = q.unit!;
      expect(q.prompt, 'the prompt must say which unit is expected').toContain(unit);
      const values = q.feedback.map((f) => String(f.value ?? '').replace(/\s+/g, ''));
      expect(values, 'feedback for the missing factor 2 (K and V)').toContain('answer/2');
      const decimal: Record<string, string> = { KiB: 'answer*1.024', MiB: 'answer*1.048576', GiB: 'answer*1.073741824' };
      if (unit in decimal) expect(values, `feedback for decimal units instead of ${unit}`).toContain(decimal[unit]);
    },
  );
});

describe('numeric feedback', () => {
  it.each(numericItems.filter((i) => i.question.feedback.length > 0).map((i) => [i.key, i]))(
    '%s: no feedback value can fire on the correct answer, and each is graded wrong',
    (_key, item) => {
      const q = item.question;
      const scenarioParams = item.scenario ? Object.keys(item.scenario.params) : [];
      const symbols = new Set([...scenarioParams, ...Object.keys(q.params), 'answer']);
      const feedback = q.feedback.map((f) => {
        if (f.value === undefined) return undefined;
        const source = f.value;
        return typeof source === 'number' ? () => source : (scope: Params) => compileExpression(source, symbols).evaluate(scope);
      });
      for (const seed of SEEDS.slice(0, 50)) {
        const { params, answer } = item.variant(seed);
        const correct = numericAnswer(answer);
        const tolerance = answer.type === 'numeric' ? answer.tolerance : {};
        for (const [i, value] of feedback.entries()) {
          if (!value) continue;
          const wrong = value({ ...params, answer: correct });
          expect(
            withinTolerance(wrong, correct, tolerance) || withinTolerance(correct, wrong, tolerance),
            `${item.key} seed ${seed}: feedback[${i}] (${String(q.feedback[i]!.value)}) = ${wrong} is within tolerance of the answer ${correct}`,
          ).toBe(false);
          const graded = item.scenario
            ? gradeAnswer(item.bank, item.scenario.id, { [q.id]: wrong }, seed).parts![q.id]!
            : gradeAnswer(item.bank, q.id, wrong, seed);
          expect(graded.score, `${item.key} seed ${seed}: feedback[${i}] value ${wrong} scored`).toBe(0);
          // The first entry that matches the value speaks (an earlier one may cover it too).
          const speaks = feedback.findIndex((v) => v !== undefined && withinTolerance(v({ ...params, answer: correct }), wrong, tolerance));
          const message = q.feedback[speaks]?.message ?? '';
          if (!message.includes('{{')) expect(graded.feedback, `${item.key} seed ${seed}: feedback[${speaks}]`).toContain(message.trim());
        }
      }
    },
  );
});

describe('scenarios and choices', () => {
  const scenarios = items.filter((i) => i.question.type === 'scenario');

  it('there are at least ten scenarios', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
  });

  it.each(scenarios.map((i) => [i.key, i]))('%s: ≥ 3 parts, ≥ 2 types, a parameterized memory part', (_key, item) => {
    const q = item.question;
    if (q.type !== 'scenario') throw new Error('not a scenario');
    expect(q.parts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(q.parts.map((p) => p.type)).size).toBeGreaterThanOrEqual(2);
    const memoryParts = q.parts.filter((p) => p.type === 'numeric' && p.tags.includes(MEMORY_TAG));
    expect(memoryParts.length).toBeGreaterThanOrEqual(1);
    // Per-student: each memory part's answer takes more than one value over the seeds.
    for (const part of memoryParts) {
      const partItem = items.find((i) => i.key === `${item.key}/${part.id}`)!;
      const answers = new Set(SEEDS.map((s) => numericAnswer(partItem.variant(s).answer)));
      expect(answers.size, `${partItem.key} gives the same answer to every student`).toBeGreaterThan(1);
    }
  });

  it.each(items.filter((i) => i.question.type === 'single-choice' || i.question.type === 'multiple-choice').map((i) => [i.key, i]))(
    '%s: every wrong choice has feedback',
    (_key, item) => {
      const q = item.question;
      if (q.type !== 'single-choice' && q.type !== 'multiple-choice') throw new Error('not a choice question');
      const bare = q.choices.filter((c) => !c.correct && (c.feedback ?? '').trim() === '').map((c) => c.id);
      expect(bare).toEqual([]);
    },
  );
});

describe('the window formula as a complexity answer', () => {
  const formulaItems = items.filter((i) => i.question.type === 'complexity' && i.question.answer === 'L·τ·d_h·n_c');

  /** Grades one answer to a question or to one part of a scenario. */
  function grade(item: Item, answer: string) {
    if (!item.scenario) return gradeAnswer(item.bank, item.question.id, answer);
    return gradeAnswer(item.bank, item.scenario.id, { [item.question.id]: answer }).parts![item.question.id]!;
  }

  it('every big-O answer in the banks is a complexity question, never text listing its orderings', () => {
    const bigOText = items.filter((i) => i.question.type === 'text' && i.question.accept.some((a) => /^\s*O\s*\(/i.test(a)));
    expect(bigOText.map((i) => i.key)).toEqual([]);
  });

  it('is asked in the basics bank and in the scenarios that document a design', () => {
    expect(formulaItems.map((i) => i.key).sort()).toEqual([
      'case-documenting-memory-subsystem:memory-subsystem-doc/complexity',
      'case-regulated-audit:audit-memory-design/complexity',
      'sliding-window-basics:swa-complexity-formula',
    ]);
  });

  const accepted = [
    'O(L·τ·d_h·n_c)', 'O(L*tau*d_h*n_c)', 'O(L·τ·d_h·m_w)', 'o(l × τ × d_h × n_c)', 'O(L τ d_h n_c)', 'O( L * TAU * D_h * N_c )',
    'O(n_c·d_h·τ·L)', 'O(L \\cdot \\tau \\cdot d_h \\cdot n_c)', 'O(L·n_g·d_h·n_c)', 'L·τ·dₕ·W', 'O(Lτd_hn_c)',
  ];
  const rejected = ['O(L·τ·d_h·m)', 'O(L·d_h·n_c)', 'O(n_c)', 'O(L·τ·d_h·n_c·m)'];
  it.each(formulaItems.map((i) => [i.key, i]))('%s accepts the usual spellings and rejects other formulas', (_key, item) => {
    for (const answer of accepted) expect(grade(item, answer).correct, answer).toBe(true);
    for (const answer of rejected) expect(grade(item, answer).correct, answer).toBe(false);
  });
});

describe('grading the answer key', () => {
  it.each(banks.map((b) => [b.id, b]))('%s: the key scores full marks and an empty submission 0', (_id, bank) => {
    for (const seed of SEEDS.slice(0, 20)) {
      const answers = Object.fromEntries(bank.questions.map((q) => [q.id, submitted(answerKey(bank, q.id, seed))]));
      const perfect = gradeSubmission(bank, { student: 's001', bank: bank.id, seed, answers });
      expect(perfect.max).toBe(bank.questions.reduce((sum, q) => sum + (q.type === 'scenario' ? q.parts.reduce((s, part) => s + part.points, 0) : q.points), 0));
      expect(perfect.score, `seed ${seed}: ${JSON.stringify(Object.entries(perfect.questions).filter(([, r]) => !r.correct).map(([id]) => id))}`).toBe(
        perfect.max,
      );
      const empty = gradeSubmission(bank, { student: 's002', bank: bank.id, seed, answers: {} });
      expect(empty.score).toBe(0);
      expect(empty.max).toBe(perfect.max);
    }
  });
});
