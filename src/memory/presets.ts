/**
 * Real model configurations, from their public config.json files (docs/memory.md lists them with their
 * worked totals); `source` names the file a reader can check.
 *
 * `params` are counted from the same config.json, matrix by matrix (embeddings, attention and MLP
 * projections, norms; an untied output head counted again), and equal the figures the model cards round
 * (6.74B for Llama-2-7B, 8.03B for Llama-3-8B, 15.7B for DeepSeek-V2-Lite). test/memory.test.ts redoes
 * each count from the config's sizes. They are what `kvlab memory --time` reads per decoded token.
 */
import type { CheckedShape, LayerKind } from './bytes.js';

export interface ModelPreset extends CheckedShape {
  name: string;
  /** Sliding window W on local layers, or undefined when every layer attends to all tokens. */
  window?: number;
  /** Per-layer kinds; undefined with a window means every layer is local. */
  layerPattern?: readonly LayerKind[];
  /** The layer pattern in words, for tables. */
  patternDescription: string;
  /** Context length the model was trained for. */
  maxTokens: number;
  source: string;
  /** Weights, counted from config.json (see above). */
  params: number;
  /**
   * Weights one decoded token reads, when fewer than `params`: a mixture of experts reads only the experts
   * its router picks. Counted with the same convention as `params` (the whole embedding table included).
   */
  activeParams?: number;
  /** How `params` (and `activeParams`) were counted. */
  paramsSource: string;
}

/** Layers 0..n−1 where layer i is global iff isGlobal(i). */
function pattern(layers: number, isGlobal: (layer: number) => boolean): LayerKind[] {
  return Array.from({ length: layers }, (_, i) => (isGlobal(i) ? 'global' : 'local'));
}

export const MODEL_PRESETS: readonly ModelPreset[] = [
  {
    name: 'gpt2',
    layers: 12,
    heads: 12,
    kvHeads: 12,
    headDim: 64,
    patternDescription: 'all global',
    maxTokens: 1024,
    source: 'openai-community/gpt2 config.json (n_layer 12, n_head 12, n_embd 768)',
    params: 124_439_808,
    paramsSource: 'vocab 50257 and 1024 positions × 768 (tied output head) + 12 × 7,087,872 per block + final norm',
  },
  {
    name: 'llama-2-7b',
    layers: 32,
    heads: 32,
    kvHeads: 32,
    headDim: 128,
    patternDescription: 'all global',
    maxTokens: 4096,
    source: 'meta-llama/Llama-2-7b-hf config.json (hidden 4096, 32 heads, 32 KV heads)',
    params: 6_738_415_616,
    paramsSource: 'vocab 32000 × 4096 twice (untied head) + 32 × (4 · 4096² attention + 3 · 4096 · 11008 MLP + 2 norms) + norm',
  },
  {
    name: 'llama-3-8b',
    layers: 32,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    patternDescription: 'all global',
    maxTokens: 8192,
    source: 'meta-llama/Meta-Llama-3-8B config.json (hidden 4096, 32 heads, 8 KV heads)',
    params: 8_030_261_248,
    paramsSource: 'vocab 128256 × 4096 twice (untied head) + 32 × (attention 41,943,040 + 3 · 4096 · 14336 MLP + 2 norms) + norm',
  },
  {
    name: 'mistral-7b',
    layers: 32,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    window: 4096,
    patternDescription: 'all local (W = 4096)',
    maxTokens: 32768,
    source: 'mistralai/Mistral-7B-v0.1 config.json (sliding_window 4096, max_position_embeddings 32768)',
    params: 7_241_732_096,
    paramsSource: 'vocab 32000 × 4096 twice (untied head) + 32 × (attention 41,943,040 + 3 · 4096 · 14336 MLP + 2 norms) + norm',
  },
  {
    name: 'gemma-2-9b',
    layers: 42,
    heads: 16,
    kvHeads: 8,
    headDim: 256,
    window: 4096,
    // HF Gemma2: layer i slides iff i is even, so 21 local and 21 global.
    layerPattern: pattern(42, (i) => i % 2 === 1),
    patternDescription: 'alternating local/global, 21 + 21',
    maxTokens: 8192,
    source: 'google/gemma-2-9b config.json (sliding_window 4096, head_dim 256)',
    params: 9_241_705_984,
    paramsSource: 'vocab 256000 × 3584 (tied head) + 42 × (attention 44,040,192 + 3 · 3584 · 14336 MLP + 4 norms) + norm',
  },
  {
    name: 'gemma-3-4b',
    layers: 34,
    heads: 8,
    kvHeads: 4,
    headDim: 256,
    window: 1024,
    // sliding_window_pattern 6: every sixth layer is global, so 29 local and 5 global.
    layerPattern: pattern(34, (i) => (i + 1) % 6 === 0),
    patternDescription: '5 local : 1 global, 29 + 5',
    maxTokens: 131072,
    source: 'google/gemma-3-4b-pt config.json (sliding_window 1024, sliding_window_pattern 6, head_dim 256)',
    params: 3_880_263_168,
    paramsSource:
      'language model only (the SigLIP vision tower is not read to decode text): vocab 262208 × 2560 (tied head) + 34 × (attention 15,728,640 + 3 · 2560 · 10240 MLP + 4 norms + q/k norms) + norm',
  },
  {
    name: 'deepseek-v2-lite',
    // MLA: the cache holds the latent and the RoPE key, so heads, kvHeads and headDim (d_h = 128, the
    // per-head query/key/value size of the paper) do not enter its bytes; they say what MHA would cache.
    layers: 27,
    heads: 16,
    kvHeads: 16,
    headDim: 128,
    latent: { kvLoraRank: 512, ropeHeadDim: 64 },
    patternDescription: 'all global, MLA (latent 512 + RoPE key 64)',
    maxTokens: 163840,
    source:
      'deepseek-ai/DeepSeek-V2-Lite config.json (num_hidden_layers 27, kv_lora_rank 512, qk_rope_head_dim 64, bfloat16); DeepSeek-V2 paper, arXiv 2405.04434',
    params: 15_706_484_224,
    activeParams: 2_661_150_208,
    paramsSource:
      'config.json: vocab 102400 × 2048 twice (untied head), 27 MLA attention blocks of 13,763,072, one dense MLP (3 · 2048 · 10944), 26 MoE layers of 64 routed + 2 shared experts (3 · 2048 · 1408 each) and a router; active: 6 routed experts a layer. The model card says 15.7B total and 2.4B active (the latter leaves out the 209,715,200-weight input embedding table)',
  },
];

export const MODEL_NAMES = MODEL_PRESETS.map((p) => p.name);

/** The preset of that name (case-insensitive), or undefined. */
export function findModel(name: string): ModelPreset | undefined {
  const wanted = name.toLowerCase();
  return MODEL_PRESETS.find((p) => p.name === wanted);
}
