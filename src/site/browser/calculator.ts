/**
 * The memory calculator in the page: every figure comes from kvlab's memory module, bundled for the
 * browser, so the page and the notebooks can never disagree. Runs on each [data-kvlab-calculator].
 */
import {
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
  Tooltip,
} from 'chart.js';
import { formatBytes, isDtype, kvCacheMemory, MODEL_PRESETS, type Dtype, type ModelPreset } from '../../memory/index.js';

Chart.register(LineController, LineElement, PointElement, LogarithmicScale, CategoryScale, Legend, Title, Tooltip);

/** Okabe–Ito: distinguishable with every common colour-vision deficiency. */
const FULL_COLOUR = '#D55E00';
const WINDOW_COLOUR = '#0072B2';
/** The x axis: m = 2^8 … 2^20 tokens. */
const CHART_TOKENS = Array.from({ length: 13 }, (_, i) => 2 ** (i + 8));

interface Settings {
  preset: ModelPreset;
  kvHeads: number;
  dtype: Dtype;
  tokens: number;
  window: number;
}

function control<T extends HTMLElement>(root: HTMLElement, name: string): T {
  const element = root.querySelector<T>(`[name="${name}"]`);
  if (!element) throw new Error(`calculator: no control named ${name}`);
  return element;
}

function read(root: HTMLElement): Settings {
  const model = control<HTMLSelectElement>(root, 'model').value;
  const preset = MODEL_PRESETS.find((p) => p.name === model) ?? MODEL_PRESETS[0]!;
  const dtypeName = control<HTMLSelectElement>(root, 'dtype').value;
  return {
    preset,
    kvHeads: Number(control<HTMLSelectElement>(root, 'kvHeads').value),
    dtype: isDtype(dtypeName) ? dtypeName : 'fp16',
    tokens: 2 ** Number(control<HTMLInputElement>(root, 'tokens').value),
    window: 2 ** Number(control<HTMLInputElement>(root, 'window').value),
  };
}

/** Bytes of a full cache and of a window cache (every layer windowed) for these settings at m tokens. */
function bytesAt(s: Settings, tokens: number): { full: number; window: number } {
  // An MLA preset (deepseek-v2-lite) caches its latent whatever g is; without `latent` it would read as MHA.
  const shape = { layers: s.preset.layers, heads: s.preset.heads, kvHeads: s.kvHeads, headDim: s.preset.headDim, latent: s.preset.latent };
  return {
    full: kvCacheMemory({ ...shape, tokens, dtype: s.dtype }).bytes,
    window: kvCacheMemory({ ...shape, tokens, dtype: s.dtype, window: s.window }).bytes,
  };
}

/** The model's KV-head choices follow its query heads: divisors of τ, from MQA (1) to MHA (τ). */
function refillKvHeads(root: HTMLElement, preset: ModelPreset): void {
  const select = control<HTMLSelectElement>(root, 'kvHeads');
  select.replaceChildren();
  for (let g = 1; g <= preset.heads; g++) {
    if (preset.heads % g !== 0) continue;
    const option = document.createElement('option');
    option.value = String(g);
    option.textContent = String(g);
    option.selected = g === preset.kvHeads;
    select.append(option);
  }
}

function setUp(root: HTMLElement): void {
  const canvas = root.querySelector('canvas');
  const figures = root.querySelector<HTMLElement>('.figures');
  if (!canvas || !figures) return;
  const chart = new Chart(canvas, {
    type: 'line',
    data: { labels: CHART_TOKENS.map(tokenLabel), datasets: [] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { labels: { usePointStyle: true, color: '#1a1a1a' } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatBytes(item.parsed.y ?? 0)}` } },
      },
      scales: {
        x: { title: { display: true, text: 'tokens m', color: '#1a1a1a' }, ticks: { color: '#1a1a1a' } },
        y: {
          type: 'logarithmic',
          title: { display: true, text: 'KV cache', color: '#1a1a1a' },
          ticks: { color: '#1a1a1a', callback: (value) => formatBytes(Number(value), 0) },
          afterBuildTicks: (axis) => {
            // Ticks at whole binary units (1 MiB, 4 MiB, …, 1 GiB): chart.js's log ticks sit at powers of 10,
            // which read as 95.37 MiB. At most ~8 labels, so they never overlap.
            const low = Math.ceil(Math.log2(Math.max(axis.min, 1)));
            const high = Math.floor(Math.log2(axis.max));
            const stride = Math.max(1, Math.ceil((high - low + 1) / 8));
            axis.ticks = [];
            for (let e = high; e >= low; e -= stride) axis.ticks.unshift({ value: 2 ** e });
          },
        },
      },
    },
  });

  const update = (): void => {
    const s = read(root);
    const now = bytesAt(s, s.tokens);
    const series = CHART_TOKENS.map((m) => bytesAt(s, m));
    chart.data.datasets = [
      {
        label: 'full cache (grows with m)',
        data: series.map((b) => b.full),
        borderColor: FULL_COLOUR,
        backgroundColor: FULL_COLOUR,
        borderDash: [6, 4],
        pointStyle: 'rect',
      },
      {
        label: `window of ${s.window} (flat from m = ${s.window})`,
        data: series.map((b) => b.window),
        borderColor: WINDOW_COLOUR,
        backgroundColor: WINDOW_COLOUR,
        pointStyle: 'circle',
      },
    ];
    chart.update();
    root.querySelector<HTMLOutputElement>('output[for$="-tokens"]')!.value = String(s.tokens);
    root.querySelector<HTMLOutputElement>('output[for$="-window"]')!.value = String(s.window);
    control<HTMLInputElement>(root, 'tokens').setAttribute('aria-valuetext', `${s.tokens} tokens`);
    control<HTMLInputElement>(root, 'window').setAttribute('aria-valuetext', `${s.window} tokens`);
    figures.innerHTML = '';
    figures.append(
      `At m = ${s.tokens} tokens (${s.preset.name}, g = ${s.kvHeads}, ${s.dtype}): full cache `,
      strong(formatBytes(now.full), 'full'),
      `, window of ${s.window} `,
      strong(formatBytes(now.window), 'window'),
      '.',
    );
  };

  control<HTMLSelectElement>(root, 'model').addEventListener('change', () => {
    refillKvHeads(root, read(root).preset);
    update();
  });
  for (const name of ['kvHeads', 'dtype', 'tokens', 'window']) control(root, name).addEventListener('input', update);
  update();
}

function strong(text: string, figure: string): HTMLElement {
  const element = document.createElement('strong');
  element.dataset.figure = figure;
  element.textContent = text;
  return element;
}

function tokenLabel(m: number): string {
  return m >= 1024 ? `${m / 1024}k` : String(m);
}

for (const root of document.querySelectorAll<HTMLElement>('[data-kvlab-calculator]')) setUp(root);
