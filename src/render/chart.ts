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
import { drawPoint } from 'chart.js/helpers';

/** A point of a line chart; `low`/`high` draw an error bar (the spread of repeated measurements). */
export interface LinePoint {
  x: number;
  y: number;
  low?: number;
  high?: number;
}

/** Marker shapes, in the order series take them (chart.js point styles). */
export const MARKER_SHAPES = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot', 'cross', 'rectRounded'] as const;
export type MarkerShape = (typeof MARKER_SHAPES)[number];

/** One series of a line chart. */
export interface LineSeries {
  label: string;
  points: readonly LinePoint[];
  /** `line` joins the points; `points` draws markers only (measurements on top of a formula line). */
  style?: 'line' | 'dashed' | 'points';
  /** A CSS colour; by default the next colour of the palette. */
  color?: string;
  /**
   * Markers on a line: a shape, or 'none'. By default a line gets markers (spaced along it, each series its own
   * shape) only when it coincides with another series, so neither hides the other.
   */
  marker?: MarkerShape | 'none';
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

const FONT_FAMILY = "'Helvetica Neue', 'Helvetica', 'Arial', sans-serif";
const TEXT_COLOR = '#444444';

// ---------------------------------------------------------------------------------------------------------------
// Log axes: ticks a reader can read. chart.js labels 1, 2, 3, … 9 of every decade and lets them collide; we place
// the ticks ourselves at round values (powers of ten for counts, powers of two for bytes) and name them short.
// ---------------------------------------------------------------------------------------------------------------

/** 1000 → "1k", 2500000 → "2.5M", 20 → "20": a count as a tick label. */
export function compactNumber(value: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  }
  return `${Number(value.toPrecision(3))}`;
}

/** 512 → "512 B", 2^20 → "1 MiB", 1.5·2^30 → "1.5 GiB": bytes as a tick label. */
export function compactBytes(bytes: number): string {
  const { divisor, unit } = byteUnit(Math.abs(bytes));
  return `${Number((bytes / divisor).toPrecision(3))} ${unit === 'bytes' ? 'B' : unit}`;
}

/** At most `most` tick values, round for the kind of axis, covering [min, max] (both > 0). */
export function logTicks(min: number, max: number, bytes: boolean, most = 8): number[] {
  if (bytes) {
    const from = Math.ceil(Math.log2(min) - 1e-9);
    const to = Math.floor(Math.log2(max) + 1e-9);
    // Powers of two every `step` octaves; steps divide 10 so every KiB/MiB/GiB boundary is a tick.
    const step = [1, 2, 5, 10, 20, 30].find((s) => Math.floor(to / s) - Math.ceil(from / s) + 1 <= most) ?? 30;
    const ticks: number[] = [];
    for (let e = Math.ceil(from / step) * step; e <= to; e += step) ticks.push(2 ** e);
    return ticks;
  }
  const from = Math.floor(Math.log10(min) + 1e-9);
  const to = Math.ceil(Math.log10(max) - 1e-9);
  const inRange = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  for (const mantissas of [[1, 2, 5], [1, 3], [1]]) {
    const ticks: number[] = [];
    for (let e = from; e <= to; e++) for (const m of mantissas) if (inRange(m * 10 ** e)) ticks.push(m * 10 ** e);
    if (ticks.length <= most) return ticks;
  }
  const ticks: number[] = [];
  const first = Math.ceil(Math.log10(min) - 1e-9);
  const every = Math.ceil((to - first + 1) / most);
  for (let e = first; e <= to; e += every) if (inRange(10 ** e)) ticks.push(10 ** e);
  return ticks;
}

/**
 * A log axis' bounds: round values around the data. With `belowSmallest`, the lower bound sits well below the
 * smallest value, so that a bar of that value (bars grow from the axis minimum) is visible.
 */
export function logBounds(values: readonly number[], bytes: boolean, belowSmallest: boolean): { min: number; max: number } {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return { min: 1, max: 10 };
  const smallest = Math.min(...positive);
  const largest = Math.max(...positive);
  if (bytes) {
    // Below the smallest value: a line there stays off the axis, a bar there (bars grow from the axis
    // minimum) is two octaves tall.
    const low = Math.floor(Math.log2(smallest) - 1e-9) - (belowSmallest ? 2 : 1);
    return { min: 2 ** low, max: 2 ** Math.max(low + 1, Math.ceil(Math.log2(largest) - 1e-9)) };
  }
  let low = Math.floor(Math.log10(smallest) + 1e-9);
  if (10 ** low > smallest / (belowSmallest ? 3 : 1.5)) low -= 1;
  return { min: 10 ** low, max: 10 ** Math.max(low + 1, Math.ceil(Math.log10(largest) - 1e-9)) };
}

/**
 * The ticks of a log axis over [min, max], and a top bound that is itself a tick: with ticks every few
 * octaves, a top between two ticks leaves the tallest bar or point under an unlabelled top, where a
 * student cannot read its value.
 */
export function logAxis(min: number, max: number, bytes: boolean): { ticks: number[]; max: number } {
  const ticks = logTicks(min, max, bytes);
  if (ticks.length < 2) return { ticks, max };
  const ratio = ticks[ticks.length - 1]! / ticks[ticks.length - 2]!;
  while (ticks[ticks.length - 1]! < max * (1 - 1e-9)) ticks.push(ticks[ticks.length - 1]! * ratio);
  return { ticks, max: ticks[ticks.length - 1]! };
}

interface AxisOptions {
  type: 'linear' | 'logarithmic';
  min?: number;
  max?: number;
  title: { display: boolean; text: string };
  ticks: Record<string, unknown>;
  afterBuildTicks?: (axis: { ticks: { value: number }[] }) => void;
  beginAtZero?: boolean;
}

/** The options of a value axis (or a numeric x axis) of the given kind. */
function valueAxis(args: {
  scale: AxisScale | undefined;
  title: string;
  values: readonly number[];
  bytes: boolean;
  /** Linear byte axes plot values divided by this (one unit for the axis). */
  divisor: number;
  format: ((value: number) => string) | undefined;
  bars: boolean;
  /** The axis ends where the data does (an x axis), instead of at round values around it. */
  exact?: boolean;
}): AxisOptions {
  if (args.scale === 'log') {
    const positive = args.values.filter((v) => v > 0);
    const { min, max } =
      args.exact === true && positive.length > 0
        ? { min: Math.min(...positive), max: Math.max(...positive) }
        : logBounds(args.values, args.bytes, args.bars);
    const { ticks, max: top } = args.exact === true ? { ticks: logTicks(min, max, args.bytes), max } : logAxis(min, max, args.bytes);
    const label = args.format ?? (args.bytes ? compactBytes : compactNumber);
    return {
      type: 'logarithmic',
      min,
      max: top,
      title: { display: true, text: `${args.title} (log scale)` },
      ticks: { autoSkip: false, maxRotation: 0, callback: (value: number | string) => label(Number(value)) },
      afterBuildTicks: (axis) => {
        axis.ticks = ticks.map((value) => ({ value }));
      },
    };
  }
  return {
    type: 'linear',
    beginAtZero: true,
    title: { display: true, text: args.title },
    ticks: withCallback({ maxRotation: 0 }, args.format),
  };
}

/** Tick options with a label callback only when one is given (an explicit `undefined` hides chart.js' own). */
function withCallback(ticks: Record<string, unknown>, format: ((value: number) => string) | undefined): Record<string, unknown> {
  return format === undefined ? ticks : { ...ticks, callback: tickCallback(format) };
}

// ---------------------------------------------------------------------------------------------------------------
// Series that coincide (a window and the same window with 4 sinks, a moving average over the same window) must
// all stay visible: each gets markers of its own shape, spaced along the line and shifted against the others,
// and the lines are stacked widest at the bottom, so every colour shows on either side of the one above it.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Whether two series lie on each other (within 1% of the y axis) over at least 30% of the x range they share,
 * measured along x (on the axis' own scale), so a dense stretch of samples does not count more than its length.
 */
function coincide(a: readonly LinePoint[], b: readonly LinePoint[], yLog: boolean, yRange: number, xLog: boolean): boolean {
  const byX = new Map(b.map((p) => [p.x, p.y] as const));
  const ax = (x: number) => (xLog ? Math.log10(Math.max(x, 1e-300)) : x);
  const ay = (y: number) => (yLog ? Math.log10(Math.max(y, 1e-300)) : y);
  const common = a
    .filter((p) => byX.has(p.x))
    .map((p) => ({ x: ax(p.x), together: Math.abs(ay(p.y) - ay(byX.get(p.x)!)) <= 0.01 * yRange }))
    .sort((p, q) => p.x - q.x);
  if (common.length < 2) return false;
  let span = 0;
  let together = 0;
  for (let k = 1; k < common.length; k++) {
    const width = common[k]!.x - common[k - 1]!.x;
    span += width;
    if (common[k]!.together && common[k - 1]!.together) together += width;
  }
  return span > 0 && together >= 0.3 * span;
}

interface ResolvedSeries {
  label: string;
  color: string;
  dash: number[];
  width: number;
  showLine: boolean;
  marker: MarkerShape | undefined;
  /** Markers on every `every`-th point starting at `phase` (all points for a points-only series). */
  every: number;
  phase: number;
}

function resolveSeries(spec: LineChartSpec): ResolvedSeries[] {
  const log = spec.yScale === 'log';
  const ys = spec.series.flatMap((s) => s.points.map((p) => p.y)).filter((y) => !log || y > 0);
  const yRange = ys.length === 0 ? 1 : log ? Math.log10(Math.max(...ys) / Math.min(...ys)) || 1 : Math.max(...ys) - Math.min(...ys) || 1;
  const lines = spec.series.map((s) => (s.style ?? 'line') !== 'points');
  const overlaps = spec.series.map((s, i) =>
    spec.series.flatMap((t, j) => (j !== i && lines[i] && lines[j] && coincide(s.points, t.points, log, yRange, spec.xScale === 'log') ? [j] : [])),
  );
  return spec.series.map((s, i) => {
    const style = s.style ?? 'line';
    const color = colorAt(i, s.color);
    if (style === 'points') {
      const marker = s.marker === 'none' ? 'circle' : (s.marker ?? MARKER_SHAPES[i % MARKER_SHAPES.length]!);
      return { label: s.label, color, dash: [], width: 2, showLine: false, marker, every: 1, phase: 0 };
    }
    const group = overlaps[i]!;
    const wanted = s.marker ?? (group.length > 0 ? MARKER_SHAPES[i % MARKER_SHAPES.length]! : 'none');
    const marker = wanted === 'none' ? undefined : wanted;
    // chart.js draws the first dataset on top: the earlier a coinciding series, the thinner its line, so each
    // line below shows on both sides of the ones above it.
    const above = group.filter((j) => j < i).length;
    const every = Math.max(1, Math.round(s.points.length / 8));
    const rank = [i, ...group].sort((a, b) => a - b).indexOf(i);
    const phase = Math.floor((every * rank) / (group.length + 1));
    return { label: s.label, color, dash: style === 'dashed' ? [7, 4] : [], width: Math.min(2 + 2.5 * above, 9.5), showLine: true, marker, every, phase };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The legend of a line chart, drawn by us: chart.js' legend shows either a box, a line or a marker, never a dashed
// line with its marker. Each entry here is a sample of the series as drawn: its dash, width and marker.
// ---------------------------------------------------------------------------------------------------------------

const LEGEND_FONT = `12px ${FONT_FAMILY}`;
const LEGEND_SAMPLE = 40;
const LEGEND_ROW = 20;

interface LegendLayout {
  rows: { series: ResolvedSeries; x: number }[][];
  height: number;
}

function layoutLegend(series: readonly ResolvedSeries[], width: number): LegendLayout {
  const measure = createCanvas(8, 8).getContext('2d');
  measure.font = LEGEND_FONT;
  const rows: { series: ResolvedSeries; x: number }[][] = [[]];
  const usable = width - 20;
  let x = 0;
  for (const s of series) {
    const entry = LEGEND_SAMPLE + 6 + measure.measureText(s.label).width + 18;
    if (x > 0 && x + entry > usable) {
      rows.push([]);
      x = 0;
    }
    rows[rows.length - 1]!.push({ series: s, x });
    x += entry;
  }
  // Centre each row.
  const centred = rows.map((row) => {
    const last = row[row.length - 1];
    const rowWidth = last === undefined ? 0 : last.x + LEGEND_SAMPLE + 6 + measure.measureText(last.series.label).width;
    const offset = (width - rowWidth) / 2;
    return row.map((e) => ({ ...e, x: e.x + offset }));
  });
  return { rows: centred, height: rows.length * LEGEND_ROW + 8 };
}

function legendPlugin(layout: LegendLayout): Plugin {
  return {
    id: 'kvlab-line-legend',
    afterDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = LEGEND_FONT;
      ctx.textBaseline = 'middle';
      layout.rows.forEach((row, r) => {
        const y = chart.height - layout.height + 4 + r * LEGEND_ROW + LEGEND_ROW / 2;
        for (const { series, x } of row) {
          ctx.strokeStyle = series.color;
          ctx.fillStyle = series.color;
          if (series.showLine) {
            ctx.lineWidth = Math.min(series.width, 4);
            ctx.setLineDash(series.dash);
            ctx.beginPath();
            ctx.moveTo(x, y);
            ctx.lineTo(x + LEGEND_SAMPLE, y);
            ctx.stroke();
            ctx.setLineDash([]);
          }
          if (series.marker !== undefined) {
            ctx.lineWidth = 1.5;
            drawPoint(ctx as unknown as Parameters<typeof drawPoint>[0], { pointStyle: series.marker, radius: 4.5, rotation: 0, borderWidth: 1.5 }, x + LEGEND_SAMPLE / 2, y);
          }
          ctx.fillStyle = TEXT_COLOR;
          ctx.fillText(series.label, x + LEGEND_SAMPLE + 6, y);
        }
      });
      ctx.restore();
    },
  };
}

/** Error bars: a vertical whisker with caps from `low` to `high` at each point that has them. */
function errorBarPlugin(spreads: readonly (readonly LinePoint[])[], colors: readonly string[], divisor: number): Plugin {
  return {
    id: 'kvlab-error-bars',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const yScale = chart.scales.y!;
      ctx.save();
      spreads.forEach((points, d) => {
        const meta = chart.getDatasetMeta(d);
        ctx.strokeStyle = colors[d]!;
        ctx.lineWidth = 1.5;
        points.forEach((p, i) => {
          if (p.low === undefined || p.high === undefined) return;
          const element = meta.data[i];
          if (element === undefined) return;
          const top = yScale.getPixelForValue(p.high / divisor);
          const bottom = yScale.getPixelForValue(p.low / divisor);
          ctx.beginPath();
          ctx.moveTo(element.x, top);
          ctx.lineTo(element.x, bottom);
          ctx.moveTo(element.x - 5, top);
          ctx.lineTo(element.x + 5, top);
          ctx.moveTo(element.x - 5, bottom);
          ctx.lineTo(element.x + 5, bottom);
          ctx.stroke();
        });
      });
      ctx.restore();
    },
  };
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
    color: TEXT_COLOR,
    font: { family: FONT_FAMILY },
  };
}

/** A line chart over a numeric x axis, as PNG bytes. */
export function lineChartPng(spec: LineChartSpec): Uint8Array {
  if (spec.series.length === 0) throw new ChartSpecError('a line chart needs at least one series');
  for (const s of spec.series) {
    for (const p of s.points) {
      if (![p.x, p.y, p.low ?? 0, p.high ?? 0].every(Number.isFinite)) {
        throw new ChartSpecError(`series '${s.label}' has a point that is not a finite number (${p.x}, ${p.y})`);
      }
    }
  }
  const width = spec.width ?? DEFAULT_WIDTH;
  const height = spec.height ?? DEFAULT_HEIGHT;
  const allPoints = spec.series.flatMap((s) => s.points);
  const yValues = allPoints.flatMap((p) => [p.y, ...(p.low === undefined ? [] : [p.low]), ...(p.high === undefined ? [] : [p.high])]);
  const bytes = spec.yBytes === true;
  // A linear byte axis plots one unit (the one the largest value reads in); a log byte axis labels each tick.
  const { divisor, unit } = bytes && spec.yScale !== 'log' ? byteUnit(Math.max(0, ...yValues.map(Math.abs))) : { divisor: 1, unit: '' };
  const resolved = resolveSeries(spec);
  // Points-only series with error bars stand side by side at a shared x (a few pixels apart), so equal
  // measurements, the point of some charts, do not hide each other.
  const dodged = spec.series.map((s) => (s.style ?? 'line') === 'points' && s.points.some((p) => p.low !== undefined));
  const dodgeCount = dodged.filter(Boolean).length;
  const rawXs = allPoints.map((p) => p.x);
  const xSpan = rawXs.length > 0 ? Math.max(...rawXs) - Math.min(...rawXs) : 0;
  const dodgeStep = spec.xScale === 'log' || dodgeCount < 2 ? 0 : (xSpan * 10) / width; // about 10 pixels
  let dodgeIndex = 0;
  const shift = spec.series.map((_, i) => (dodged[i] ? (dodgeIndex++ - (dodgeCount - 1) / 2) * dodgeStep : 0));
  const xs = spec.series.flatMap((s, i) => s.points.map((p) => p.x + shift[i]!));
  const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = spec.series.map((s, i) => {
    const r = resolved[i]!;
    return {
      label: s.label,
      data: s.points.map((p) => ({ x: p.x + shift[i]!, y: p.y / divisor })),
      borderColor: r.color,
      backgroundColor: r.color,
      showLine: r.showLine,
      borderDash: r.dash,
      borderWidth: r.width,
      pointStyle: r.marker ?? 'circle',
      pointRadius: (context: { dataIndex: number }) =>
        r.marker === undefined ? 0 : r.every === 1 || context.dataIndex % r.every === r.phase ? 4.5 : 0,
      pointBorderWidth: 1.5,
      pointBackgroundColor: r.marker === 'circle' || r.marker === 'rect' || r.marker === 'triangle' || r.marker === 'rectRot' ? r.color : '#ffffff',
      tension: 0,
    };
  });
  const legend = layoutLegend(resolved, width);
  const xAxis =
    spec.xScale === 'log'
      ? valueAxis({ scale: 'log', title: spec.xLabel, values: xs, bytes: false, divisor: 1, format: spec.xTicks, bars: false, exact: true })
      : {
          type: 'linear' as const,
          // The axis ends where the data does, not at the next round tick.
          min: allPoints.length > 0 ? Math.min(...xs) - dodgeStep : undefined,
          max: allPoints.length > 0 ? Math.max(...xs) + dodgeStep : undefined,
          title: { display: true, text: spec.xLabel },
          // Bounds widened for side-by-side points are not round numbers: no ticks there.
          ticks: withCallback({ maxRotation: 0, includeBounds: dodgeStep === 0 }, spec.xTicks),
        };
  const yAxis = valueAxis({
    scale: spec.yScale,
    title: bytes && spec.yScale !== 'log' ? `${spec.yLabel} (${unit})` : spec.yLabel,
    values: yValues,
    bytes,
    divisor,
    format: bytes ? undefined : spec.yTicks,
    bars: false,
  });
  const config: ChartConfiguration<'line', { x: number; y: number }[]> = {
    type: 'line',
    data: { datasets },
    options: {
      ...staticOptions(),
      parsing: false,
      layout: { padding: { bottom: legend.height, right: 12 } },
      plugins: {
        title: { display: true, text: spec.title, color: '#222222', font: { size: 14 } },
        legend: { display: false },
      },
      scales: { x: xAxis, y: yAxis } as never,
    },
    plugins: [
      legendPlugin(legend),
      errorBarPlugin(
        spec.series.map((s) => s.points),
        resolved.map((r) => r.color),
        divisor,
      ),
    ],
  };
  return renderPng(config as ChartConfiguration, width, height);
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
  const values = spec.series.flatMap((s) => s.values);
  const bytes = spec.yBytes === true;
  const { divisor, unit } = bytes && spec.yScale !== 'log' ? byteUnit(Math.max(0, ...values.map(Math.abs))) : { divisor: 1, unit: '' };
  const valueAxisId = spec.horizontal === true ? 'x' : 'y';
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
        title: { display: true, text: spec.title, color: '#222222', font: { size: 14 } },
        legend: { display: spec.series.length > 1, position: 'bottom', labels: { boxWidth: 14, boxHeight: 14 } },
      },
      scales: {
        [categoryAxis]: { title: { display: spec.xLabel !== undefined, text: spec.xLabel ?? '' } },
        [valueAxisId]: valueAxis({
          scale: spec.yScale,
          title: bytes && spec.yScale !== 'log' ? `${spec.yLabel} (${unit})` : spec.yLabel,
          values,
          bytes,
          divisor,
          format: bytes ? undefined : spec.yTicks,
          bars: true,
        }),
      } as never,
    },
  };
  return renderPng(config as ChartConfiguration, spec.width ?? DEFAULT_WIDTH, spec.height ?? DEFAULT_HEIGHT);
}
