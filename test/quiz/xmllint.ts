/**
 * XML Schema validation with Debian's xmllint (libxml2-utils), against the schemas vendored in
 * test/fixtures/qti-schemas/. The catalog there maps every absolute schema location the vendored files
 * import to a local file, and -nonet forbids the network, so validation is offline and repeatable.
 * One xmllint run per schema and batch: the QTI schema is parsed once, not once per file.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_DIR = resolve(fileURLToPath(import.meta.url), '..', '..', 'fixtures', 'qti-schemas');
export const QTI_SCHEMA = resolve(SCHEMA_DIR, 'imsqti_v2p1.xsd');
export const CP_SCHEMA = resolve(SCHEMA_DIR, 'imscp_v1p1.xsd');
/** The QTI 2.1 profile of IMS CP 1.2, which the manifest names in its xsi:schemaLocation. */
export const CP_QTI_PROFILE = resolve(SCHEMA_DIR, 'qtiv2p1_imscpv1p2_v1p0.xsd');
const CATALOG = resolve(SCHEMA_DIR, 'catalog.xml');

export interface Validation {
  file: string;
  valid: boolean;
  /** xmllint's messages about this file (schema validity errors, parser errors). */
  errors: string[];
}

/** xmllint on PATH, or a one-line reason it is not. */
export function xmllintProblem(): string | undefined {
  const probe = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  if (probe.error === undefined && probe.status === 0) return undefined;
  return 'xmllint is not installed: run `npm run pretest` (installs Debian\'s libxml2-utils as root) or `apt-get install libxml2-utils`';
}

/** Validates every file against one schema; the verdict of each file comes from xmllint's own summary line. */
export function validate(schema: string, files: readonly string[]): Validation[] {
  const run = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, ...files], {
    encoding: 'utf8',
    env: { ...process.env, XML_CATALOG_FILES: CATALOG },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  // Exit 5 is "the schema itself did not compile": no file was checked, so nothing may pass.
  if (run.status === 5) throw new Error(`xmllint could not compile ${schema}:\n${lines.join('\n')}`);
  return files.map((file) => ({
    file,
    valid: lines.includes(`${file} validates`),
    errors: lines.filter((line) => line.startsWith(`${file}:`) || line === `${file} fails to validate`),
  }));
}
