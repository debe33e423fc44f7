/**
 * Real model configurations, from their public config.json files (docs/memory.md lists them with their
 * worked totals); `source` names the file a reader can check.
 */
import type { AttentionShape, LayerKind } from './bytes.js';

export interface ModelPreset extends Required<AttentionShape> {
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
  },
];

export const MODEL_NAMES = MODEL_PRESETS.map((p) => p.name);

/** The preset of that name (case-insensitive), or undefined. */
export function findModel(name: string): ModelPreset | undefined {
  const wanted = name.toLowerCase();
  return MODEL_PRESETS.find((p) => p.name === wanted);
}
