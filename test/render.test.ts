/**
 * The chart renderer draws real PNGs: the signature, an IHDR of the requested size, and pixels that
 * differ from a blank canvas where the data is. Bad specs fail with a message naming the problem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  barChartPng,
  byteUnit,
  ChartSpecError,
  compactBytes,
  compactNumber,
  lineChartPng,
  logAxis,
  logBounds,
  logTicks,
  type LineChartSpec,
} from '../src/render/chart.js';
import { createCanvas, loadImage } from '@napi-rs/canvas';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which must come first. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Decodes the PNG and counts the pixels of one colour (within a small tolerance). */
async function countColour(png: Uint8Array, [r, g, b]: [number, number, number]): Promise<number> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i]! - r) < 24 && Math.abs(data[i + 1]! - g) < 24 && Math.abs(data[i + 2]! - b) < 24) count++;
  }
  return count;
}

const line: LineChartSpec = {
  title: 'Full vs window',
  xLabel: 'tokens',
  yLabel: 'bytes',
  series: [
    { label: 'full', color: '#0072B2', points: [0, 1000, 2000, 4000].map((x) => ({ x, y: x * 512 })) },
    { label: 'window', color: '#D55E00', style: 'dashed', points: [0, 1000, 2000, 4000].map((x) => ({ x, y: Math.min(x, 1000) * 512 })) },
  ],
  yBytes: true,
};

describe('lineChartPng', () => {
  it('returns a PNG of the requested size', () => {
    const png = lineChartPng({ ...line, width: 640, height: 360 });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 640, height: 360 });
  });

  it('defaults to 720 × 400 and draws each series in its colour', async () => {
    const png = lineChartPng(line);
    expect(pngSize(png)).toEqual({ width: 720, height: 400 });
    expect(await countColour(png, [0x00, 0x72, 0xb2])).toBeGreaterThan(200);
    expect(await countColour(png, [0xd5, 0x5e, 0x00])).toBeGreaterThan(100);
  });

  it('draws data: a chart with points differs from one without', async () => {
    const withData = lineChartPng(line);
    const colourless = lineChartPng({ ...line, series: line.series.map((s) => ({ ...s, points: [] })) });
    expect(await countColour(colourless, [0x00, 0x72, 0xb2])).toBeLessThan(await countColour(withData, [0x00, 0x72, 0xb2]));
  });

  it('is opaque (white background) so dark notebook themes show it', async () => {
    const png = lineChartPng(line);
    expect(await countColour(png, [255, 255, 255])).toBeGreaterThan(720 * 400 * 0.5);
  });

  it('renders log axes and points-only series', () => {
    const png = lineChartPng({
      ...line,
      xScale: 'log',
      yScale: 'log',
      series: [{ label: 'measured', style: 'points', points: [1000, 10000, 100000].map((x) => ({ x, y: x * 512 })) }],
    });
    expect(pngSize(png)).toEqual({ width: 720, height: 400 });
  });

  it('rejects empty specs, non-finite points and impossible sizes with a named reason', () => {
    expect(() => lineChartPng({ ...line, series: [] })).toThrow(ChartSpecError);
    expect(() => lineChartPng({ ...line, series: [{ label: 'bad', points: [{ x: 1, y: NaN }] }] })).toThrow(/'bad'.*finite/);
    expect(() => lineChartPng({ ...line, width: 0 })).toThrow(/width/);
    expect(() => lineChartPng({ ...line, height: 10.5 })).toThrow(/height/);
  });
});

describe('barChartPng', () => {
  it('returns a PNG of the requested size with the bars drawn', async () => {
    const png = barChartPng({
      title: 'bytes per design',
      categories: ['full', 'window', 'cumulative'],
      series: [{ label: 'bytes', values: [2048000, 32768, 512], color: '#009E73' }],
      yLabel: 'bytes',
      yScale: 'log',
      width: 500,
      height: 300,
    });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 500, height: 300 });
    expect(await countColour(png, [0x00, 0x9e, 0x73])).toBeGreaterThan(500);
  });

  it('rejects a series whose length does not match the categories', () => {
    expect(() => barChartPng({ title: 't', categories: ['a', 'b'], series: [{ label: 's', values: [1] }], yLabel: 'y' })).toThrow(
      /1 values but there are 2 categories/,
    );
  });
});

describe('byteUnit', () => {
  it('picks the binary unit the largest value reads in, for any size', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 2 ** 52, noNaN: true }), (bytes) => {
        const { divisor, unit } = byteUnit(bytes);
        expect(bytes / divisor).toBeGreaterThanOrEqual(1);
        expect(bytes / divisor).toBeLessThan(1024);
        expect(['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']).toContain(unit);
      }),
    );
    expect(byteUnit(536870912)).toEqual({ divisor: 2 ** 20, unit: 'MiB' });
    expect(byteUnit(1023)).toEqual({ divisor: 1, unit: 'bytes' });
  });
});

/** Pixels of a colour inside a rectangle of the image. */
async function countColourIn(png: Uint8Array, rgb: [number, number, number], x0: number, x1: number, y0: number, y1: number): Promise<number> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(x0, y0, x1 - x0, y1 - y0);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i]! - rgb[0]) < 24 && Math.abs(data[i + 1]! - rgb[1]) < 24 && Math.abs(data[i + 2]! - rgb[2]) < 24) count++;
  }
  return count;
}

describe('log axes', () => {
  it('tick bytes at powers of two on KiB/MiB/GiB boundaries, at most 8, labelled in units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 40 }), (low, span) => {
        const ticks = logTicks(2 ** low, 2 ** (low + span), true);
        expect(ticks.length).toBeGreaterThanOrEqual(1);
        expect(ticks.length).toBeLessThanOrEqual(8);
        for (const t of ticks) {
          const e = Math.log2(t);
          expect(Number.isInteger(e)).toBe(true);
          expect(t).toBeGreaterThanOrEqual(2 ** low);
          expect(t).toBeLessThanOrEqual(2 ** (low + span));
        }
      }),
    );
    expect(logTicks(256, 4 * 2 ** 20, true).map(compactBytes)).toEqual(['256 B', '1 KiB', '4 KiB', '16 KiB', '64 KiB', '256 KiB', '1 MiB', '4 MiB']);
  });

  it('tick counts at 1, 2, 5 × 10^k (fewer on wide ranges), labelled 1k, 10k, 100k', () => {
    expect(logTicks(1000, 100000, false).map(compactNumber)).toEqual(['1k', '2k', '5k', '10k', '20k', '50k', '100k']);
    expect(logTicks(1, 1e8, false).map(compactNumber)).toEqual(['1', '100', '10k', '1M', '100M']);
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e12, noNaN: true }), fc.double({ min: 1.01, max: 1e6, noNaN: true }), (min, ratio) => {
        const ticks = logTicks(min, min * ratio, false);
        expect(ticks.length).toBeLessThanOrEqual(8);
        for (const t of ticks) expect(t >= min * (1 - 1e-9) && t <= min * ratio * (1 + 1e-9)).toBe(true);
      }),
    );
  });

  it('put the lower bound below the smallest value, so a bar of it has height', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2 ** 40 }), { minLength: 1, maxLength: 10 }), fc.boolean(), (values, bytes) => {
        const { min, max } = logBounds(values, bytes, true);
        expect(min).toBeLessThan(Math.min(...values) / 2);
        expect(max).toBeGreaterThanOrEqual(Math.max(...values));
      }),
    );
  });

  it('end on a labelled tick at or above the largest value, so the tallest bar can be read', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2 ** 40 }), { minLength: 1, maxLength: 10 }), fc.boolean(), (values, bytes) => {
        const bounds = logBounds(values, bytes, true);
        const { ticks, max } = logAxis(bounds.min, bounds.max, bytes);
        expect(max).toBe(ticks[ticks.length - 1]);
        expect(max).toBeGreaterThanOrEqual(Math.max(...values));
        expect(ticks.length).toBeLessThanOrEqual(9);
      }),
    );
    // 1.5 MiB with ticks every two octaves from 64 B: the axis ends at 4 MiB, not at an unlabelled 2 MiB.
    expect(logAxis(64, 2 ** 21, true).max).toBe(2 ** 22);
  });

  it('draw a 512-byte bar beside a 2 MiB one', async () => {
    const png = barChartPng({
      title: 'bytes held',
      categories: ['full', 'cumulative'],
      series: [{ label: 'held', values: [2 ** 21, 512], color: '#D55E00' }],
      yLabel: 'bytes',
      yScale: 'log',
      yBytes: true,
    });
    // The right half of the plot holds the 512-byte bar: it must have a visible height (here ≥ 20 px × its width).
    expect(await countColourIn(png, [0xd5, 0x5e, 0x00], 400, 720, 0, 400)).toBeGreaterThan(1000);
  });
});

describe('series a reader can tell apart', () => {
  it('keeps two coinciding lines both visible (the one below is drawn wider, each has its own markers)', async () => {
    const points = Array.from({ length: 40 }, (_, i) => ({ x: i * 100, y: Math.min(i, 10) * 1000 }));
    const png = lineChartPng({
      title: 'window and window + 4 sinks',
      xLabel: 'tokens',
      yLabel: 'bytes',
      series: [
        { label: 'window', color: '#0072B2', points },
        { label: 'window + 4 sinks', color: '#D55E00', style: 'dashed', points },
      ],
    });
    // Above the legend (the bottom 30 px), both colours are in the plot.
    expect(await countColourIn(png, [0x00, 0x72, 0xb2], 60, 720, 30, 340)).toBeGreaterThan(300);
    expect(await countColourIn(png, [0xd5, 0x5e, 0x00], 60, 720, 30, 340)).toBeGreaterThan(300);
  });

  it('shows a dashed line as dashed in the legend', async () => {
    const spec = (style: 'line' | 'dashed'): LineChartSpec => ({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ label: 'only', color: '#009E73', style, points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }],
    });
    // The legend sample is the only green in the bottom strip: a dashed one has gaps, so fewer green pixels.
    const solid = await countColourIn(lineChartPng(spec('line')), [0x00, 0x9e, 0x73], 0, 720, 370, 400);
    const dashed = await countColourIn(lineChartPng(spec('dashed')), [0x00, 0x9e, 0x73], 0, 720, 370, 400);
    expect(solid).toBeGreaterThan(40);
    expect(dashed).toBeGreaterThan(10);
    expect(dashed).toBeLessThan(solid * 0.8);
  });

  it('draws error bars from low to high', async () => {
    const base: LineChartSpec = {
      title: 't',
      xLabel: 'x',
      yLabel: 'µs',
      series: [{ label: 'm', style: 'points', color: '#CC79A7', points: [{ x: 1, y: 10 }, { x: 2, y: 10 }] }],
    };
    const plain = await countColour(lineChartPng(base), [0xcc, 0x79, 0xa7]);
    const withBars = await countColour(
      lineChartPng({ ...base, series: [{ ...base.series[0]!, points: [{ x: 1, y: 10, low: 2, high: 18 }, { x: 2, y: 10, low: 5, high: 15 }] }] }),
      [0xcc, 0x79, 0xa7],
    );
    expect(withBars).toBeGreaterThan(plain + 100);
  });
});
