/**
 * The QTI 2.1 export checked by software we did not write: every file `kvlab export --format qti`
 * writes (each assessmentItem, the assessmentTest, imsmanifest.xml) is validated by Debian's xmllint
 * against the official IMS schemas vendored in test/fixtures/qti-schemas/ (README.md there says which
 * files, from where, and what the two stand-ins are). Offline: a catalog maps every imported schema to a
 * local file and xmllint runs with -nonet.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBank, loadBanks } from '../../src/quiz/load.js';
import { toQtiPackage } from '../../src/quiz/export/qti.js';
import type { Bank } from '../../src/quiz/types.js';
import { CP_SCHEMA, QTI_SCHEMA, SCHEMA_DIR, validate, xmllintProblem, type Validation } from './xmllint.js';

const SEEDS = [0, 1, 2, 3];
const FIXTURE = join(dirname(new URL(import.meta.url).pathname), 'fixtures', 'all-types.yaml');

let workDir: string;
/** Every course bank and the all-types fixture, each exported at every seed of SEEDS (built once). */
let coursePackages: { name: string; zip: Uint8Array }[];
beforeAll(() => {
  const problem = xmllintProblem();
  if (problem !== undefined) throw new Error(problem);
  workDir = mkdtempSync(join(tmpdir(), 'kvlab-qti-schema-'));
  const banks: Bank[] = [...loadBanks(), loadBank(FIXTURE)];
  coursePackages = banks.flatMap((bank) => SEEDS.map((seed) => ({ name: `${bank.id}-seed${seed}`, zip: toQtiPackage(bank, seed) })));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface Written {
  /** Files to validate against imsqti_v2p1.xsd (items and the assessmentTest). */
  qti: string[];
  /** imsmanifest.xml files, validated against imscp_v1p1.xsd. */
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

function invalid(results: readonly Validation[]): string[] {
  return results.filter((r) => !r.valid).map((r) => [relative(workDir, r.file), ...r.errors].join('\n  '));
}

describe('QTI 2.1 export against the IMS schemas (xmllint)', () => {
  it('every item, assessmentTest and manifest of every course bank (seeds 0–3) and of the all-types fixture validates', () => {
    const packages = coursePackages;
    const { qti, manifests } = writePackages(packages);
    const results = [...validate(QTI_SCHEMA, qti), ...validate(CP_SCHEMA, manifests)];
    expect(invalid(results)).toEqual([]);
    // One manifest and one assessmentTest per package, and every item of every bank, were checked.
    expect(manifests).toHaveLength(packages.length);
    expect(qti.filter((f) => f.endsWith('assessmentTest.xml'))).toHaveLength(packages.length);
    expect(qti.length).toBeGreaterThan(packages.length * 5);
    expect(results.every((r) => r.valid)).toBe(true);
  });

  it('no export uses MathML or XInclude, the two namespaces whose schemas are stand-ins here', () => {
    for (const { name, zip } of coursePackages) {
      for (const [path, bytes] of Object.entries(unzipSync(zip))) {
        const xml = strFromU8(bytes);
        expect(xml, `${name} ${path}`).not.toContain('http://www.w3.org/1998/Math/MathML');
        expect(xml, `${name} ${path}`).not.toContain('http://www.w3.org/2001/XInclude');
        expect(xml, `${name} ${path}`).not.toMatch(/<(\w+:)?(math|include)[\s/>]/);
      }
    }
  });

  it('rejects what the schemas forbid: a deliberately broken item, test and manifest each fail', () => {
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

    const noResources = join(dir, 'imsmanifest.xml');
    writeFileSync(noResources, manifest.replace(/<resources>[\s\S]*<\/resources>/, ''));
    const [cp] = validate(CP_SCHEMA, [noResources]);
    expect(cp!.valid).toBe(false);
    expect(cp!.errors.join('\n')).toContain('Missing child element(s). Expected is');
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
