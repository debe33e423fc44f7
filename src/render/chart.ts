/**
 * Charts for the notebooks: chart.js drawn on an @napi-rs/canvas in the kernel and encoded as PNG, so a
 * figure survives an untrusted notebook, a static viewer and the HTML export (none of them run scripts).
 *
 * Two chart kinds cover the course: lines over a numeric x axis (bytes vs tokens, measured points on
 * formula lines) and grouped bars (bytes per memory design or per model). Everything is static: animation
 * and responsiveness are off, the pixel ratio is 1, so one spec always gives the same image size.
 *
 * The public types below are kvlab's own; chart.js and canvas types stay out of the declarations so the
 * notebooks' TypeScript (tslab's 5.0) never has to read them.
 */
import { createCanvas } from '@napi-rs/canvas';
import { Chart, type ChartConfiguration, type ChartDataset, type ChartItem, type Plugin } from 'chart.js/auto';

/** One series of a line chart. */
export interface LineSeries {
  label: string;
  points: readonly { x: number; y: number }[];
  /** `line` joins the points; `points` draws markers only (measurements on top of a formula line). */
  style?: 'line' | 'dashed' | 'points';
  /** A CSS colour; by default the next colour of the palette. */
  color?: string;
}

export type AxisScale = 'linear' | 'log';

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  xScale?: AxisScale;
  yScale?: AxisScale;
  /**
   * The y values are bytes: plot them in the binary unit (KiB, MiB, GiB, …) that fits the largest, so
   * the ticks are round numbers of that unit, and name the unit on the axis.
   */
  yBytes?: boolean;
  /** Formats tick labels of the y axis (ignored with yBytes). */
  yTicks?: (value: number) => string;
  xTicks?: (value: number) => string;
  /** Pixels; defaults 720 × 400. */
  width?: number;
  height?: number;
}

export interface BarSeries {
  label: string;
  /** One value per category, in the order of `categories`. */
  values: readonly number[];
  color?: string;
}

export interface BarChartSpec {
  title: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  yLabel: string;
  xLabel?: string;
  yScale?: AxisScale;
  /** The values are bytes: plot them in one binary unit, as for line charts. */
  yBytes?: boolean;
  yTicks?: (value: number) => string;
  /** Bars run left to right instead of bottom to top (long category names read better). */
  horizontal?: boolean;
  width?: number;
  height?: number;
}

/** A colour-blind-safe palette (Okabe–Ito), in the order series take it. */
export const CHART_COLORS: readonly string[] = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
  '#F0E442',
];

const DEFAULT_WIDTH = 720;
const DEFAULT_HEIGHT = 400;

/** A chart spec the renderer cannot draw, named by its field. */
export class ChartSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartSpecError';
  }
}

function colorAt(index: number, chosen?: string): string {
  return chosen ?? CHART_COLORS[index % CHART_COLORS.length] ?? '#000000';
}

function checkSize(width: number, height: number): void {
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 16 || value > 8192) {
      throw new ChartSpecError(`chart ${name} must be a whole number of pixels in 16..8192 (got ${value})`);
    }
  }
}

const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** The binary unit the largest value reads best in: its divisor and name. */
export function byteUnit(maxBytes: number): { divisor: number; unit: string } {
  let power = 0;
  while (power < BYTE_UNITS.length - 1 && maxBytes >= 1024 ** (power + 1)) power += 1;
  return { divisor: 1024 ** power, unit: BYTE_UNITS[power]! };
}

function scaleType(scale: AxisScale | undefined): 'linear' | 'logarithmic' {
  return scale === 'log' ? 'logarithmic' : 'linear';
}

function tickCallback(format: ((value: number) => string) | undefined) {
  return format === undefined ? undefined : (value: number | string) => format(Number(value));
}

/**
 * chart.js clears the canvas before drawing, leaving it transparent; a notebook in a dark theme would show
 * black text on black. Paint white under everything drawn.
 */
const opaqueBackground: Plugin = {
  id: 'kvlab-opaque-background',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** Draws a chart.js configuration on a fresh canvas and returns the PNG bytes. */
function renderPng(config: ChartConfiguration, width: number, height: number): Uint8Array {
  checkSize(width, height);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  // chart.js only needs the 2D context API, which @napi-rs/canvas implements; its DOM types differ in name only.
  const chart = new Chart(context as unknown as ChartItem, { ...config, plugins: [...(config.plugins ?? []), opaqueBackground] });
  try {
    return new Uint8Array(canvas.encodeSync('png'));
  } finally {
    chart.destroy();
  }
}

// No animation (the first frame would be blank), no resizing to a DOM parent, no event listeners.
function staticOptions() {
  return {
    animation: false as const,
    responsive: false,
    maintainAspectRatio: false,
    devicePixelRatio: 1,
    events: [] as ('click' | 'mousemove')[],
  };
}

/** A line chart over a numeric x axis, as PNG bytes. */
export function lineChartPng(spec: LineChartSpec): Uint8Array {
  if (spec.series.length === 0) throw new ChartSpecError('a line chart needs at least one series');
  for (const s of spec.series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
        throw new ChartSpecError(`series '${s.label}' has a point that is not a finite number (${p.x}, ${p.y})`);
      }
    }
  }
  const allPoints = spec.series.flatMap((s) => s.points);
  const { divisor, unit } = spec.yBytes === true ? byteUnit(Math.max(...allPoints.map((p) => Math.abs(p.y)))) : { divisor: 1, unit: '' };
  const xs = allPoints.map((p) => p.x);
  const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = spec.series.map((s, i) => {
    const color = colorAt(i, s.color);
    const style = s.style ?? 'line';
    return {
      label: s.label,
      data: s.points.map((p) => ({ x: p.x, y: p.y / divisor })),
      borderColor: color,
      backgroundColor: color,
      showLine: style !== 'points',
      borderDash: style === 'dashed' ? [6, 4] : [],
      borderWidth: 2,
      pointRadius: style === 'points' ? 4 : 0,
      pointStyle: style === 'points' ? 'circle' : 'line',
      tension: 0,
    };
  });
  const config: ChartConfiguration<'line', { x: number; y: number }[]> = {
    type: 'line',
    data: { datasets },
    options: {
      ...staticOptions(),
      parsing: false,
      plugins: {
        title: { display: true, text: spec.title },
        legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 7 } },
      },
      scales: {
        x: {
          type: scaleType(spec.xScale),
          // The axis ends where the data does, not at the next round tick.
          min: allPoints.length > 0 ? Math.min(...xs) : undefined,
          max: allPoints.length > 0 ? Math.max(...xs) : undefined,
          title: { display: true, text: spec.xLabel },
          ticks: { callback: tickCallback(spec.xTicks) },
        },
        y: {
          type: scaleType(spec.yScale),
          beginAtZero: spec.yScale !== 'log',
          title: { display: true, text: spec.yBytes === true ? `${spec.yLabel} (${unit})` : spec.yLabel },
          ticks: { callback: tickCallback(spec.yBytes === true ? undefined : spec.yTicks) },
        },
      },
    },
  };
  return renderPng(config as ChartConfiguration, spec.width ?? DEFAULT_WIDTH, spec.height ?? DEFAULT_HEIGHT);
}

/** A grouped bar chart: one group per category, one bar per series. */
export function barChartPng(spec: BarChartSpec): Uint8Array {
  if (spec.series.length === 0) throw new ChartSpecError('a bar chart needs at least one series');
  for (const s of spec.series) {
    if (s.values.length !== spec.categories.length) {
      throw new ChartSpecError(
        `series '${s.label}' has ${s.values.length} values but there are ${spec.categories.length} categories`,
      );
    }
    if (s.values.some((v) => !Number.isFinite(v))) {
      throw new ChartSpecError(`series '${s.label}' has a value that is not a finite number`);
    }
  }
  const { divisor, unit } =
    spec.yBytes === true ? byteUnit(Math.max(...spec.series.flatMap((s) => s.values.map(Math.abs)))) : { divisor: 1, unit: '' };
  const valueAxis = spec.horizontal === true ? 'x' : 'y';
  const categoryAxis = spec.horizontal === true ? 'y' : 'x';
  const config: ChartConfiguration<'bar', number[], string> = {
    type: 'bar',
    data: {
      labels: [...spec.categories],
      datasets: spec.series.map((s, i) => ({
        label: s.label,
        data: s.values.map((v) => v / divisor),
        backgroundColor: colorAt(i, s.color),
      })),
    },
    options: {
      ...staticOptions(),
      indexAxis: categoryAxis,
      plugins: {
        title: { display: true, text: spec.title },
        legend: { display: spec.series.length > 1, position: 'bottom' },
      },
      scales: {
        [categoryAxis]: { title: { display: spec.xLabel !== undefined, text: spec.xLabel ?? '' } },
        [valueAxis]: {
          type: scaleType(spec.yScale),
          beginAtZero: spec.yScale !== 'log',
          title: { display: true, text: spec.yBytes === true ? `${spec.yLabel} (${unit})` : spec.yLabel },
          ticks: { callback: tickCallback(spec.yBytes === true ? undefined : spec.yTicks) },
        },
      },
    },
  };
  return renderPng(config as ChartConfiguration, spec.width ?? DEFAULT_WIDTH, spec.height ?? DEFAULT_HEIGHT);
}
