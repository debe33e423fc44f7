/**
 * The chart renderer draws real PNGs: the signature, an IHDR of the requested size, and pixels that
 * differ from a blank canvas where the data is. Bad specs fail with a message naming the problem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barChartPng, byteUnit, ChartSpecError, lineChartPng, type LineChartSpec } from '../src/render/chart.js';
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
