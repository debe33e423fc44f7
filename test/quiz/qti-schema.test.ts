/**
 * The QTI 2.1 export checked by software we did not write: every file `kvlab export --format qti`
 * writes (each assessmentItem, the assessmentTest, imsmanifest.xml) is validated by Debian's xmllint
 * against the official IMS schemas vendored in test/fixtures/qti-schemas/: QTI 2.1 for items and the
 * test, CP 1.1.4 and the QTI 2.1 profile of CP 1.2 for the manifest (README.md there says which files,
 * from where, and what the four stand-ins are). Offline: a catalog maps every imported schema to a local
 * file and xmllint runs with -nonet.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import fc from 'fast-check';
import { strFromU8, unzipSync } from 'fflate';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBankSource, loadBank, loadBanks } from '../../src/quiz/load.js';
import { toQtiPackage } from '../../src/quiz/export/qti.js';
import type { Bank } from '../../src/quiz/types.js';
import { kvlab } from './helpers.js';
import { CP_QTI_PROFILE, CP_SCHEMA, QTI_SCHEMA, SCHEMA_DIR, validate, xmllintProblem, type Validation } from './xmllint.js';

const SEEDS = [0, 1, 2, 3];
const FIXTURES = join(dirname(new URL(import.meta.url).pathname), 'fixtures');
const FIXTURE = join(FIXTURES, 'all-types.yaml');

let workDir: string;
/** Every course bank and the all-types fixture, each exported at every seed of SEEDS (built once). */
let coursePackages: { name: string; zip: Uint8Array }[];
beforeAll(() => {
  const problem = xmllintProblem();
  if (problem !== undefined) throw new Error(problem);
  workDir = mkdtempSync(join(tmpdir(), 'kvlab-qti-schema-'));
  const banks: Bank[] = [...loadBanks(), loadBank(FIXTURE), loadBank(join(FIXTURES, 'complexity.yaml'))];
  coursePackages = banks.flatMap((bank) => SEEDS.map((seed) => ({ name: `${bank.id}-seed${seed}`, zip: toQtiPackage(bank, seed) })));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface Written {
  /** Files to validate against imsqti_v2p1.xsd (items and the assessmentTest). */
  qti: string[];
  /** imsmanifest.xml files, validated against imscp_v1p1.xsd and the QTI 2.1 profile of CP 1.2. */
  manifests: string[];
}

/** Unzips each package into its own folder under the work dir, as an LMS would see it. */
function writePackages(packages: readonly { name: string; zip: Uint8Array }[]): Written {
  const written: Written = { qti: [], manifests: [] };
  for (const { name, zip } of packages) {
    for (const [path, bytes] of Object.entries(unzipSync(zip))) {
      const file = join(workDir, name, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      (path === 'imsmanifest.xml' ? written.manifests : written.qti).push(file);
    }
  }
  return written;
}

// Random banks for the property test: every type, ids the loader allows (a digit or a hyphen may lead),
// and text mixing what Markdown turns into HTML (GFM tables, task lists, strikethrough, raw HTML), TeX
// math and characters XML must escape.
const INLINE = ['plain words', 'a < b & c > d', '"quoted" \'single\'', 'ünïcödé τ · ×', '**bold**', '*em*', '`code <x>`', '$n_c < m$',
  '$$\\sum_i x_i$$', '~~struck~~', '[a link](https://example.org/a?b=1&c=2)', '![an image](fig.png)', '<b>raw</b>', '<br>', '<u>under</u>', 'x_1^2',
  '2 &times; 3 &nbsp;bytes', '&#x41; &bogus; &mdash; &#7;'];
const BLOCKS = ['- one\n- two', '1. first\n2. second', '> quoted', '# Heading', '---', '```\ncode & <x>\n```', '| a | b |\n|---|---|\n| 1 | 2 |',
  '| only | header |\n|---|---|', '- [ ] todo\n- [x] done', '<details><summary>s</summary>hidden</details>', '<div>raw block</div>', 'line  \nbreak'];
const inline = fc.array(fc.constantFrom(...INLINE), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(' '));
const markdown = fc.array(fc.oneof(inline, fc.constantFrom(...BLOCKS)), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('\n\n'));
const distinct = (n: number) => fc.array(inline, { minLength: n, maxLength: n }).map((texts) => texts.map((t, i) => `${t} ${i}`));
const partOf = (type: string): fc.Arbitrary<Record<string, unknown>> => {
  switch (type) {
    case 'true-false':
      return fc.record({ answer: fc.boolean() });
    case 'single-choice':
    case 'multiple-choice':
      return fc.integer({ min: 2, max: 4 }).chain((k) =>
        fc.tuple(distinct(k), fc.array(fc.option(inline, { nil: undefined }), { minLength: k, maxLength: k })).map(([texts, feedback]) => ({
          choices: texts.map((text, i) => ({ text, ...(i === 0 || (type === 'multiple-choice' && i === 2) ? { correct: true } : {}), ...(feedback[i] ? { feedback: feedback[i] } : {}) })),
        })),
      );
    case 'numeric':
      return fc.record({ answer: fc.integer({ min: 1, max: 10_000 }), tolerance: fc.constant({ absolute: 0.5 }), feedback: fc.array(fc.record({ value: fc.integer({ min: 10_001, max: 20_000 }), message: inline }), { maxLength: 2 }) });
    case 'text':
      return fc.record({ accept: fc.array(fc.constantFrom('fp16', 'O(n_c)', 'a < b & c', 'Key/Value', 'τ', 'a &times; b'), { minLength: 1, maxLength: 3 }), match: fc.constantFrom('exact', 'normalized') });
    case 'matching':
      return fc.integer({ min: 2, max: 4 }).chain((k) => fc.tuple(distinct(k), distinct(k)).map(([lefts, rights]) => ({ pairs: lefts.map((left, i) => ({ left, right: rights[i] })) })));
    case 'ordering':
      return fc.integer({ min: 2, max: 4 }).chain((k) => distinct(k).map((items) => ({ items })));
    default:
      return fc.constant({ answer: 'L·τ·d_h·n_c' }); // complexity
  }
};
const LEAF_TYPES = ['true-false', 'single-choice', 'multiple-choice', 'numeric', 'text', 'matching', 'ordering', 'complexity'];
const question = (id: string, type: string): fc.Arbitrary<Record<string, unknown>> =>
  type === 'scenario'
    ? fc.record({ context: markdown, cause: fc.tuple(markdown, partOf('single-choice')), size: fc.tuple(markdown, partOf('numeric')) }).map(({ context, cause, size }) => ({
        id, type, context, parts: [{ id: 'cause', type: 'single-choice', prompt: cause[0], ...cause[1] }, { id: '1-size', type: 'numeric', prompt: size[0], ...size[1] }],
      }))
    : fc.record({ prompt: markdown, explanation: fc.option(markdown, { nil: undefined }), body: partOf(type) }).map(({ prompt, explanation, body }) => ({
        id, type, prompt, ...(explanation === undefined ? {} : { explanation }), ...body,
      }));
const bankArb = fc
  .uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,10}$/), { minLength: 1, maxLength: 9 })
  .chain((ids) => fc.tuple(...ids.map((id, i) => question(id, [...LEAF_TYPES, 'scenario'][i % 9]!))))
  .chain((questions) => fc.record({ bank: fc.stringMatching(/^[a-z0-9-]{1,10}$/), title: inline }).map((head) => ({ ...head, questions })));

/** Every file of the packages against its schemas: QTI for items and tests, both CP schemas for manifests. */
function validateAll({ qti, manifests }: Written): Validation[] {
  return [...validate(QTI_SCHEMA, qti), ...validate(CP_SCHEMA, manifests), ...validate(CP_QTI_PROFILE, manifests)];
}

function invalid(results: readonly Validation[]): string[] {
  return results.filter((r) => !r.valid).map((r) => [relative(workDir, r.file), ...r.errors].join('\n  '));
}

describe('QTI 2.1 export against the IMS schemas (xmllint)', () => {
  it('every item, assessmentTest and manifest of every course bank (seeds 0–3) and of the all-types and complexity fixtures validates', () => {
    const packages = coursePackages;
    const written = writePackages(packages);
    const { qti, manifests } = written;
    const results = validateAll(written);
    expect(invalid(results)).toEqual([]);
    // One manifest and one assessmentTest per package, and every item of every bank, were checked.
    expect(manifests).toHaveLength(packages.length);
    expect(qti.filter((f) => f.endsWith('assessmentTest.xml'))).toHaveLength(packages.length);
    expect(qti.length).toBeGreaterThan(packages.length * 5);
    expect(results.every((r) => r.valid)).toBe(true);
  });

  it('what is validated is what `kvlab export --format qti` writes, byte for byte', async () => {
    const bank = loadBanks()[0]!;
    const out = join(workDir, 'cli', `${bank.id}.zip`);
    mkdirSync(dirname(out), { recursive: true });
    expect((await kvlab(['export', '--format', 'qti', bank.id, '--out', out, '--seed', '2'])).code).toBe(0);
    expect(Buffer.from(readFileSync(out)).equals(Buffer.from(coursePackages.find((p) => p.name === `${bank.id}-seed2`)!.zip))).toBe(true);
  });

  it('no export uses MathML, XInclude, LOM or QTI metadata, the four namespaces whose schemas are stand-ins here', () => {
    for (const { name, zip } of coursePackages) {
      for (const [path, bytes] of Object.entries(unzipSync(zip))) {
        const xml = strFromU8(bytes);
        for (const ns of ['http://www.w3.org/1998/Math/MathML', 'http://www.w3.org/2001/XInclude', 'http://ltsc.ieee.org/xsd/LOM', 'http://www.imsglobal.org/xsd/imsqti_metadata_v2p1']) {
          expect(xml, `${name} ${path}`).not.toContain(ns);
        }
        expect(xml, `${name} ${path}`).not.toMatch(/<(\w+:)?(math|include|lom|qtiMetadata)[\s/>]/);
      }
    }
  });

  it('rejects what the schemas forbid: deliberately broken items, a test and manifests each fail', () => {
    const zip = unzipSync(toQtiPackage(loadBank(FIXTURE), 0));
    const item = strFromU8(zip['items/text-norm.xml']!);
    const test = strFromU8(zip['assessmentTest.xml']!);
    const manifest = strFromU8(zip['imsmanifest.xml']!);
    const broken = {
      // The bug this test was written for: caseSensitive belongs on mapEntry, not on mapping.
      'case-on-mapping.xml': item.replace('<mapping ', '<mapping caseSensitive="false" '),
      'unknown-element.xml': item.replace('<itemBody>', '<itemBody><blink>x</blink>'),
      'no-time-dependent.xml': item.replace(' timeDependent="false"', ''),
      'ref-not-ncname.xml': test.replace(/<assessmentItemRef identifier="[^"]+"/, '<assessmentItemRef identifier="2-heads"'),
      'math-in-body.xml': item.replace('<itemBody>', '<itemBody><m:math xmlns:m="http://www.w3.org/1998/Math/MathML"/>'),
    };
    const dir = join(workDir, 'broken');
    mkdirSync(dir, { recursive: true });
    const files = Object.entries(broken).map(([name, xml]) => {
      expect(xml, name).not.toBe(name.startsWith('ref') ? test : item); // the edit happened
      writeFileSync(join(dir, name), xml);
      return join(dir, name);
    });
    const results = validate(QTI_SCHEMA, files);
    expect(results.map((r) => r.valid)).toEqual(files.map(() => false));
    expect(results[0]!.errors.join('\n')).toContain("attribute 'caseSensitive': The attribute 'caseSensitive' is not allowed");
    expect(results[2]!.errors.join('\n')).toContain("The attribute 'timeDependent' is required");
    expect(results[3]!.errors.join('\n')).toContain("'2-heads' is not a valid value");

    const brokenManifests = {
      'no-resources.xml': manifest.replace(/<resources>[\s\S]*<\/resources>/, ''),
      // Valid CP 1.1.4, but not the QTI 2.1 profile the manifest names: what this export once wrote.
      'no-schemaversion.xml': manifest.replace(/<schemaversion>[^<]*<\/schemaversion>/, ''),
      'qti-v2p0-resource.xml': manifest.replace('type="imsqti_item_xmlv2p1"', 'type="imsqti_item_xmlv2p0"'),
    };
    const manifestFiles = Object.entries(brokenManifests).map(([name, xml]) => {
      expect(xml, name).not.toBe(manifest);
      writeFileSync(join(dir, name), xml);
      return join(dir, name);
    });
    const [noResources, ...profileOnly] = validate(CP_SCHEMA, manifestFiles);
    expect(noResources!.valid).toBe(false);
    expect(noResources!.errors.join('\n')).toContain('Missing child element(s). Expected is');
    expect(profileOnly.map((r) => r.valid)).toEqual([true, true]);
    const profile = validate(CP_QTI_PROFILE, manifestFiles);
    expect(profile.map((r) => r.valid)).toEqual([false, false, false]);
    expect(profile[1]!.errors.join('\n')).toContain('Expected is ( {http://www.imsglobal.org/xsd/imscp_v1p1}schemaversion )');
    expect(profile[2]!.errors.join('\n')).toContain("'imsqti_item_xmlv2p0' is not an element of the set");
  });

  it('property: any bank the loader accepts, with Markdown, HTML and math in every text and any ids, exports valid QTI', () => {
    let n = 0;
    fc.assert(
      fc.property(bankArb, (raw) => {
        const { bank, problems } = checkBankSource(stringify(raw), 'random.yaml');
        if (!bank) throw new Error(`the generator made a bank the loader rejects:\n${problems.join('\n')}`);
        expect(invalid(validateAll(writePackages([{ name: `random-${(n += 1)}`, zip: toQtiPackage(bank, n) }])))).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  it('Markdown QTI lacks is fitted to its XHTML, keeping the words; ids that are not XML names get a leading _', () => {
    const prompt = '**a** *b* <u>under</u> ~~gone~~ [l](https://example.org "t")\n\n- [ ] todo\n- [x] done\n\n| h1 | h2 |\n|---|---|\n\n<details><summary>S</summary>body</details>';
    const raw = { bank: 'fit', title: 'Fit', questions: [{ id: '1-x', type: 'true-false', prompt, answer: true, explanation: '<div>**not md in html**</div>' }] };
    const { bank } = checkBankSource(stringify(raw), 'fit.yaml');
    const zip = toQtiPackage(bank!, 0);
    const files = unzipSync(zip);
    const item = strFromU8(files['items/1-x.xml']!);
    expect(item).toContain('<strong>a</strong> <em>b</em> under gone <a href="https://example.org">l</a>'); // the space between a and b too
    expect(item).toContain('<li>☐ todo</li><li>☑ done</li>');
    expect(item).toContain('<table><tbody><tr><th>h1</th><th>h2</th></tr></tbody></table>');
    expect(item).toContain('<div><p>S</p>body</div>');
    expect(item).toContain('identifier="_1-x"');
    expect(strFromU8(files['assessmentTest.xml']!)).toContain('<assessmentItemRef identifier="_1-x" href="items/1-x.xml"/>');
    expect(invalid(validateAll(writePackages([{ name: 'fit', zip }])))).toEqual([]);
  });

  it('named HTML entities in a bank (`&times;`, `&nbsp;` in raw HTML) export as characters, and the items validate', () => {
    const raw = { bank: 'ent', title: 'Entities &times; --', questions: [
      { id: 'ent', type: 'true-false', prompt: '2 &times; 3 &nbsp;bytes, &#x41; &amp; &lt; <b>&mdash;</b> &bogus;', answer: true, explanation: '&hellip;' },
      { id: 'pick', type: 'multiple-choice', prompt: 'p', choices: [{ text: '&times; one', correct: true }, { text: '&alpha;', correct: true }, { text: 'no &nbsp;' }] },
    ] };
    const zip = toQtiPackage(checkBankSource(stringify(raw), 'ent.yaml').bank!, 0);
    const item = strFromU8(unzipSync(zip)['items/ent.xml']!);
    expect(item).toContain('<p>2 × 3 \u00a0bytes, A &amp; &lt; <b>—</b> &amp;bogus;</p>');
    expect(invalid(validateAll(writePackages([{ name: 'entities', zip }])))).toEqual([]);
  });

  it('a scenario part whose item id equals another question\'s gets its own file and identifier (the manifest\'s IDs stay unique)', () => {
    const raw = { bank: 'clash', title: 'Clash', questions: [
      { id: 'a-b', type: 'true-false', prompt: 'first', answer: true },
      { id: 'a', type: 'scenario', context: 'case', parts: [{ id: 'b', type: 'true-false', prompt: 'second', answer: false }] },
    ] };
    const zip = toQtiPackage(checkBankSource(stringify(raw), 'clash.yaml').bank!, 0);
    const files = unzipSync(zip);
    expect(Object.keys(files).filter((f) => f.startsWith('items/')).sort()).toEqual(['items/a-b-2.xml', 'items/a-b.xml']);
    expect(strFromU8(files['items/a-b.xml']!)).toContain('first');
    expect(strFromU8(files['items/a-b-2.xml']!)).toContain('second');
    expect(invalid(validateAll(writePackages([{ name: 'clash', zip }])))).toEqual([]);
  });

  it('the vendored schemas are the files README.md names, byte for byte', () => {
    const readme = readFileSync(join(SCHEMA_DIR, 'README.md'), 'utf8');
    const listed = new Map([...readme.matchAll(/^\| `([^`]+\.xsd)` \|.*\| `([0-9a-f]{64})` \|$/gm)].map((m) => [m[1]!, m[2]!]));
    const onDisk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? onDisk(join(dir, e.name)) : e.name.endsWith('.xsd') ? [relative(SCHEMA_DIR, join(dir, e.name))] : []));
    expect([...listed.keys()].sort()).toEqual(onDisk(SCHEMA_DIR).sort());
    for (const [file, sha] of listed) expect(createHash('sha256').update(readFileSync(join(SCHEMA_DIR, file))).digest('hex'), file).toBe(sha);
  });
});
