/**
 * The course, executed: every notebook runs top to bottom on the tslab kernel (as `npm run course` runs it),
 * with no error output and nothing on stderr (tslab reports type errors and exceptions there); each shows
 * its lesson and at least one PNG chart; and every memory figure a notebook prints is recomputed here from
 * the memory module, from the figure's name alone. The committed notebooks carry no outputs.
 *
 * Also the checker itself: a notebook with an error, a stderr line or a skipped cell is reported with the
 * cell's index and first line.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cellTimings,
  courseNotebooks,
  notebookProblems,
  runCourse,
  runNotebookFile,
  sourceText,
  type NotebookRun,
  type CourseRun,
  type Notebook,
  type NotebookOutput,
} from '../scripts/course.js';
import { ROOT } from '../scripts/jupyter.js';
import { parseFigures } from '../src/course/figures.js';
import { lessonIds, lessonSections } from '../src/course/lessons.js';
import {
  bytesPerToken,
  kvCacheMemory,
  MODEL_PRESETS,
  pagedBytes,
  policyBytes,
  type CachePolicy,
  type Dtype,
} from '../src/memory/index.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function outputsOf(notebook: Notebook): NotebookOutput[] {
  return notebook.cells.flatMap((cell) => cell.outputs ?? []);
}

function streamText(notebook: Notebook): string {
  return outputsOf(notebook)
    .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
    .map((o) => sourceText(o.text ?? ''))
    .join('');
}

function markdownOutputs(notebook: Notebook): string[] {
  return outputsOf(notebook).flatMap((o) => {
    const md = o.data?.['text/markdown'];
    return md === undefined ? [] : [sourceText(md as string | string[])];
  });
}

/** The engine's small test shapes, as the notebooks build them. */
const SHAPES = {
  tiny: { layers: 2, heads: 4, headDim: 16 }, // notebook 1's decoder
  small: { layers: 2, heads: 2, headDim: 16 }, // notebooks 2 and 4: 2 layers, 2 KV heads, d_h 16
  timed: { layers: 2, heads: 4, headDim: 32 }, // notebook 3's timed decoders
  wide: { layers: 2, heads: 4, headDim: 64 }, // notebook 7: 4 KiB a token, timed up to 128 MiB
} as const;

/** 'window-512', 'sinks-4-64', 'compressive-64-16-4-16', … → the cache policy it names. */
function policyFromTag(tag: string): CachePolicy {
  const n = (s: string | undefined) => Number(s);
  let m: RegExpExecArray | null;
  if (tag === 'full') return { kind: 'full' };
  if (tag === 'cumulative') return { kind: 'cumulative' };
  if ((m = /^window-(\d+)$/.exec(tag))) return { kind: 'window', window: n(m[1]) };
  if ((m = /^sinks-(\d+)-(\d+)$/.exec(tag))) return { kind: 'sinks', sinks: n(m[1]), window: n(m[2]) };
  if ((m = /^moving-average-(\d+)$/.exec(tag))) return { kind: 'moving-average', window: n(m[1]) };
  if ((m = /^compressive-(\d+)-(\d+)-(\d+)-(\d+)$/.exec(tag))) {
    return { kind: 'compressive', window: n(m[1]), segment: n(m[2]), compression: n(m[3]), compressedSlots: n(m[4]) };
  }
  throw new Error(`unknown cache tag '${tag}'`);
}

/**
 * Recomputes a figure from its name with the memory module. The grammar (what the notebooks print):
 *   tiny|small|timed-<cache tag>-fp32-at-M   an engine cache of that shape, measured in float32
 *   <model>-per-token                         bytes per token of a preset (fp16)
 *   <model>-at-M[-fp32|-fp8][-batch-B]        a preset as configured
 *   <model>-window-W-at-M                     a preset with its window replaced by W
 *   <model>-full-at-M, <model>-all-global-at-M  a preset with no window at all
 *   <model>-sinks-S-at-M, <model>-w-plus-one-at-M
 *   <model>-shape-kv-G-per-token              the preset's shape with G KV heads
 *   <model>-shape-kv-G-at-M, <model>-share-S-at-M, <model>-latent-R-P-at-M, <model>-int4-gG-at-M
 *                                             one technique per factor: G KV heads, layers shared by S,
 *                                             an MLA latent (R + P), int8/int4/fp8 with an fp16 scale per G
 *   tiny|small|timed|wide-paged-<cache>-block-B-fp32-at-M   a paged engine cache's allocated bytes
 */
function recompute(name: string): number {
  let m: RegExpExecArray | null;
  if ((m = /^(tiny|small|timed|wide)-paged-(.+)-block-(\d+)-fp32-at-(\d+)$/.exec(name))) {
    const s = SHAPES[m[1] as keyof typeof SHAPES];
    return pagedBytes({ ...s, kvHeads: s.heads }, policyFromTag(m[2]!), Number(m[4]), Number(m[3]), 'fp32').allocatedBytes;
  }
  if ((m = /^(tiny|small|timed|wide)-(.+)-fp32-at-(\d+)$/.exec(name))) {
    return policyBytes(SHAPES[m[1] as keyof typeof SHAPES], policyFromTag(m[2]!), Number(m[3]), 'fp32');
  }
  const model = [...MODEL_PRESETS].sort((a, b) => b.name.length - a.name.length).find((p) => name.startsWith(`${p.name}-`));
  if (model === undefined) throw new Error(`figure '${name}' names no preset`);
  const rest = name.slice(model.name.length + 1);
  const global = { ...model, window: undefined, layerPattern: undefined };
  if (rest === 'per-token') return bytesPerToken(model);
  if ((m = /^shape-kv-(\d+)-per-token$/.exec(rest))) return bytesPerToken({ ...model, kvHeads: Number(m[1]) });
  if ((m = /^at-(\d+)(?:-(fp32|fp8|bf16|int8))?(?:-batch-(\d+))?$/.exec(rest))) {
    const dtype = (m[2] ?? 'fp16') as Dtype;
    return kvCacheMemory({ ...model, tokens: Number(m[1]), dtype, batch: m[3] === undefined ? 1 : Number(m[3]) }).bytes;
  }
  if ((m = /^share-(\d+)-at-(\d+)$/.exec(rest))) return kvCacheMemory({ ...model, crossLayerSharing: Number(m[1]), tokens: Number(m[2]) }).bytes;
  if ((m = /^shape-kv-(\d+)-at-(\d+)$/.exec(rest))) return kvCacheMemory({ ...model, kvHeads: Number(m[1]), tokens: Number(m[2]) }).bytes;
  if ((m = /^latent-(\d+)-(\d+)-at-(\d+)$/.exec(rest))) {
    return kvCacheMemory({ ...model, latent: { kvLoraRank: Number(m[1]), ropeHeadDim: Number(m[2]) }, tokens: Number(m[3]) }).bytes;
  }
  if ((m = /^(int8|int4|fp8)-g(\d+)-at-(\d+)$/.exec(rest))) {
    return kvCacheMemory({ ...model, quantization: { format: m[1] as 'int8' | 'int4' | 'fp8', groupSize: Number(m[2]), scaleDtype: 'fp16' }, tokens: Number(m[3]) }).bytes;
  }
  if ((m = /^window-(\d+)-at-(\d+)$/.exec(rest))) return kvCacheMemory({ ...global, window: Number(m[1]), tokens: Number(m[2]) }).bytes;
  if ((m = /^(?:full|all-global)-at-(\d+)$/.exec(rest))) return kvCacheMemory({ ...global, tokens: Number(m[1]) }).bytes;
  if ((m = /^sinks-(\d+)-at-(\d+)$/.exec(rest))) return kvCacheMemory({ ...model, sinks: Number(m[1]), tokens: Number(m[2]) }).bytes;
  if ((m = /^w-plus-one-at-(\d+)$/.exec(rest))) return kvCacheMemory({ ...model, convention: 'w-plus-one', tokens: Number(m[1]) }).bytes;
  throw new Error(`figure '${name}' does not follow the naming grammar`);
}

describe('figure names', () => {
  it('recompute the reference totals of the course material', () => {
    // memory.md's worked totals, as the notebooks name them.
    expect(recompute('mistral-7b-at-32768')).toBe(512 * 2 ** 20);
    expect(recompute('mistral-7b-full-at-32768')).toBe(4 * 2 ** 30);
    expect(recompute('llama-2-7b-at-4096')).toBe(2 * 2 ** 30);
    expect(recompute('gemma-2-9b-at-8192')).toBe(2016 * 2 ** 20);
    expect(recompute('gemma-3-4b-all-global-at-32768')).toBe(4352 * 2 ** 20);
    expect(recompute('llama-2-7b-window-2048-at-5000')).toBe(2 ** 30);
    expect(recompute('small-window-512-fp32-at-100000')).toBe(2 * 2 * 2 * 16 * 512 * 4);
  });

  it('reject names outside the grammar', () => {
    expect(() => recompute('mistral-7b-at-lots')).toThrow(/grammar/);
    expect(() => recompute('gpt5-at-10')).toThrow(/no preset/);
    expect(() => recompute('small-window-fp32-at-10')).toThrow(/unknown cache tag/);
  });
});

describe('the notebook checker', () => {
  const timed = { execution: { 'iopub.status.busy': '2026-01-01T00:00:00.000Z', 'iopub.status.idle': '2026-01-01T00:00:01.500Z' } };
  const notebook: Notebook = {
    metadata: {},
    cells: [
      { cell_type: 'markdown', source: '# title' },
      { cell_type: 'code', source: 'const ok = 1;\n', outputs: [], metadata: timed },
      { cell_type: 'code', source: ['\n', "const x: number = 'a';\n"], outputs: [{ output_type: 'stream', name: 'stderr', text: "1:7 - Type 'string' is not assignable to type 'number'.\n" }], metadata: timed },
      { cell_type: 'code', source: 'boom()', outputs: [{ output_type: 'error', ename: 'ReferenceError', evalue: 'boom is not defined' }], metadata: timed },
      { cell_type: 'code', source: 'never()', outputs: [] },
    ],
  };

  it('reports stderr text, error outputs and cells that never ran, by index and first line', () => {
    const problems = notebookProblems(notebook);
    expect(problems.map((p) => [p.index, p.kind, p.firstLine])).toEqual([
      [2, 'stderr output', "const x: number = 'a';"],
      [3, 'error output', 'boom()'],
      [4, 'not executed', 'never()'],
    ]);
    expect(problems[0]!.text).toContain('not assignable');
  });

  it('passes a clean notebook and times its cells from nbclient metadata', () => {
    const clean: Notebook = { metadata: {}, cells: notebook.cells.slice(0, 2) };
    expect(notebookProblems(clean)).toEqual([]);
    expect(cellTimings(clean)).toEqual([{ index: 1, firstLine: 'const ok = 1;', seconds: 1.5 }]);
  });
});

describe('committed notebooks', () => {
  const files = courseNotebooks();

  it('are the eight lessons, in order, on the tslab kernel', () => {
    expect(files.map((f) => f.split('/').pop()!.replace('.ipynb', ''))).toEqual(lessonIds());
    expect(files).toHaveLength(8);
    for (const file of files) {
      const nb = JSON.parse(readFileSync(file, 'utf8')) as Notebook;
      expect((nb.metadata.kernelspec as { name: string }).name, file).toBe('tslab');
    }
  });

  it('have no outputs and no execution counts', () => {
    for (const file of files) {
      const nb = JSON.parse(readFileSync(file, 'utf8')) as Notebook;
      for (const [index, cell] of nb.cells.entries()) {
        if (cell.cell_type !== 'code') continue;
        expect(cell.outputs ?? [], `${file} cell ${index}`).toEqual([]);
        expect(cell.execution_count ?? null, `${file} cell ${index}`).toBeNull();
      }
    }
  });

  it('take the student id as text (any id a student has) and turn it into the seed with studentSeed', () => {
    for (const file of files) {
      const nb = JSON.parse(readFileSync(file, 'utf8')) as Notebook;
      const first = sourceText(nb.cells.find((c) => c.cell_type === 'code')!.source);
      expect(first, file).toMatch(/^const STUDENT_ID = '[^']*'; \/\/ ← your student id, in quotes/m);
      expect(first, file).toContain('const SEED = kv.studentSeed(STUDENT_ID);');
    }
  });

  it("call a student's function only through the self-check helpers, which catch what it throws", () => {
    let exercises = 0;
    for (const file of files) {
      const nb = JSON.parse(readFileSync(file, 'utf8')) as Notebook;
      const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => sourceText(c.source)).join('\n');
      for (const [, name] of code.matchAll(/function (\w+)\([^)]*\)[^{]*\{\n\s*return undefined; \/\/ ← your code/g)) {
        exercises += 1;
        const direct = [...code.matchAll(new RegExp(`(?<!function )\\b${name}\\(`, 'g'))];
        expect(direct.map((m) => code.slice(m.index ?? 0, (m.index ?? 0) + 60)), `${file}: ${name} called directly`).toEqual([]);
        expect(code, file).toMatch(new RegExp(`kv\\.(checkFunction|callStudent)\\([^;]*\\b${name}\\b`));
      }
    }
    expect(exercises).toBeGreaterThanOrEqual(6);
  });

  it('import only the public API and tslab', () => {
    for (const file of files) {
      const nb = JSON.parse(readFileSync(file, 'utf8')) as Notebook;
      const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => sourceText(c.source)).join('\n');
      const imports = [...code.matchAll(/\bfrom\s+'([^']+)'|\brequire\(\s*'([^']+)'\s*\)|\bimport\(\s*'([^']+)'/g)].map((m) => m[1] ?? m[2] ?? m[3]);
      expect(new Set(imports), file).toEqual(new Set(['tslab', '../dist/index.js']));
    }
  });
});

describe('the course, executed headless', () => {
  let course: CourseRun;

  beforeAll(async () => {
    // The notebooks import ../dist/index.js: build it from the sources under test.
    course = await runCourse({ outDir: join(ROOT, 'build', 'course-test'), html: true });
  });

  it('runs every notebook top to bottom with no error output and nothing on stderr', () => {
    expect(course.notebooks).toHaveLength(8);
    for (const run of course.notebooks) {
      expect(run.failure, run.name).toBeUndefined();
      expect(run.problems, run.name).toEqual([]);
      expect(run.htmlPath, run.name).toBeDefined();
    }
    expect(course.ok).toBe(true);
  });

  it('shows each lesson from content/ and at least one PNG chart per notebook', () => {
    for (const run of course.notebooks) {
      const executed = run.executed!;
      const title = lessonSections(run.name)[0]!.title;
      expect(markdownOutputs(executed).some((md) => md.startsWith(`# ${title}`)), `${run.name}: lesson title`).toBe(true);
      const pngs = outputsOf(executed).flatMap((o) => {
        const png = o.data?.['image/png'];
        return png === undefined ? [] : [Buffer.from(sourceText(png as string | string[]), 'base64')];
      });
      expect(pngs.length, `${run.name}: PNG outputs`).toBeGreaterThanOrEqual(1);
      for (const png of pngs) {
        expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
        expect(png.readUInt32BE(16)).toBeGreaterThan(100); // IHDR width
      }
    }
  });

  it('grades in-notebook exercises and quizzes with the quiz engine', () => {
    for (const run of course.notebooks) {
      const feedback = markdownOutputs(run.executed!).filter((md) => /\*\*Score: [\d.]+ \/ \d+\*\*/.test(md));
      expect(feedback.length, `${run.name}: graded cells`).toBeGreaterThanOrEqual(2);
    }
    // Notebook 1 shows the grader's targeted feedback on the keys-only slip, on the lesson's worked example
    // (not on the exercise the student is about to do).
    const first = markdownOutputs(course.notebooks[0]!.executed!).join('\n');
    expect(first).toContain('factor 2 for K and V');
    expect(first).toMatch(/✓|○|not answered yet/);
    const feedbackOnExercise = markdownOutputs(course.notebooks[0]!.executed!).filter((md) => md.includes('**full-cache-mib**'));
    expect(feedbackOnExercise.every((md) => md.includes('not answered yet')), 'exercise 1.1 graded only as unanswered').toBe(true);
  });

  it('times full and window decoders as medians of at least 5 runs that agree where the caches are identical', () => {
    const text = streamText(course.notebooks[2]!.executed!);
    const match = /Up to m = 256, where the caches are identical: full (\d+) µs and window (\d+) µs per token, ratio ([\d.]+) \(medians of (\d+) runs\)/.exec(text);
    expect(match, 'the timing line of notebook 3').not.toBeNull();
    const [, full, window, ratio, runs] = match!.map(Number);
    expect(runs).toBeGreaterThanOrEqual(5);
    expect(ratio).toBeCloseTo(full! / window!, 1);
    // A measurement, not a speed target: the two medians agree within a wide band on any machine, however loaded.
    expect(ratio).toBeGreaterThan(0.67);
    expect(ratio).toBeLessThan(1.5);
  });

  it('prints memory figures that the memory module reproduces exactly', () => {
    const all = course.notebooks.flatMap((run) => parseFigures(streamText(run.executed!)).map((f) => ({ ...f, notebook: run.name })));
    expect(all.length).toBeGreaterThanOrEqual(40);
    for (const figure of all) {
      expect(figure.bytes, `${figure.notebook}: ${figure.name}`).toBe(recompute(figure.name));
    }
    const names = new Set(all.map((f) => f.name));
    // The brief's anchors: the 2,048-token cache at token 5,000; full vs window from 1,000 to 100,000 tokens.
    for (const name of [
      'llama-2-7b-window-2048-at-5000',
      'small-full-fp32-at-1000',
      'small-full-fp32-at-100000',
      'small-window-512-fp32-at-100000',
      'tiny-full-fp32-at-256',
      'small-compressive-64-16-4-16-fp32-at-4000',
      'gemma-3-4b-at-32768',
      'timed-window-256-fp32-at-1024',
    ]) {
      expect(names.has(name), name).toBe(true);
    }
    for (const run of course.notebooks.slice(0, 5)) {
      expect(parseFigures(streamText(run.executed!)).length, `${run.name}: figures`).toBeGreaterThan(0);
    }
  });
});

describe("a student's run of notebook 1: an id with letters, a function that throws, a wrong answer", () => {
  let run: NotebookRun;

  beforeAll(async () => {
    const source = courseNotebooks(['01'])[0]!;
    const nb = JSON.parse(readFileSync(source, 'utf8')) as Notebook;
    const edit = (find: string, from: string, to: string) => {
      const cell = nb.cells.find((c) => sourceText(c.source).includes(find))!;
      expect(sourceText(cell.source)).toContain(from);
      cell.source = sourceText(cell.source).replace(from, to);
    };
    edit('const STUDENT_ID', "const STUDENT_ID = 'your-id';", "const STUDENT_ID = 's01234567';");
    edit('function fullCacheMiB', 'return undefined; // ← your code', 'const dims = [layers, heads, headDim];\n  return (2 * dims[3]!.valueOf() * tokens * 2) / 2 ** 20;');
    edit("'bytes-per-token': undefined", "'bytes-per-token': undefined", "'bytes-per-token': 4096");
    // At the project root, so that its import of ../dist/index.js resolves as from notebooks/.
    const dir = join(ROOT, 'build');
    mkdirSync(dir, { recursive: true });
    const copy = join(dir, 'student-run-01.ipynb');
    writeFileSync(copy, JSON.stringify(nb));
    run = await runNotebookFile(copy, join(ROOT, 'build', 'course-test'));
  });

  it('runs to the end with no error and nothing on stderr', () => {
    expect(run.failure).toBeUndefined();
    expect(run.problems).toEqual([]);
  });

  it('says in one line which function threw what, and where, and grades the later answers', () => {
    const md = markdownOutputs(run.executed!).join('\n');
    const line = md.split('\n').find((l) => l.includes('not graded'));
    expect(line).toMatch(/fullCacheMiB threw TypeError: Cannot read properties of undefined \(reading 'valueOf'\), at line 3 of fullCacheMiB: `return/);
    expect(md).toContain('your variant: seed 1800609850.'); // studentSeed('s01234567')
    expect(md).toMatch(/✗ \*\*bytes-per-token\*\*: Incorrect\. Score 0\/\d+\./); // the wrong quiz answer, graded
    expect(md).toContain('# Check yourself'.slice(2)); // the last cell ran
  });
});
