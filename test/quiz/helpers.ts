/**
 * Shared by the tests that run kvlab: fixture paths, temp folders, kvlab run in process with a fake CliIO,
 * and the check every bad input must pass (one line, exit 2).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run, type CliIO } from '../../src/cli/main.js';
import { loadBank, type Bank } from '../../src/quiz/index.js';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
export const fixtures = join(here, 'fixtures');

export function allTypes(): Bank {
  return loadBank(join(fixtures, 'all-types.yaml'));
}

export function tempDir(prefix = 'kvlab-quiz-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files {name: content} into a fresh temp folder and returns it. */
export function tempFiles(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export async function kvlab(argv: string[], options: { stdin?: string | Readable; isTTY?: boolean; cwd?: string } = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const stdin = options.stdin instanceof Readable ? options.stdin : Readable.from(options.stdin === undefined ? [] : [options.stdin]);
  const io: CliIO = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin,
    isTTY: options.isTTY ?? false,
    cwd: options.cwd ?? root,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** Exit 2, nothing on stdout, exactly one line on stderr matching `message`, and no stack trace. */
export async function expectRejected(argv: string[], message: RegExp, stdin?: string): Promise<void> {
  const result = await kvlab(argv, { stdin });
  expect(result.code, `${argv.join(' ')} → ${result.stderr}`).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/internal error/);
}

