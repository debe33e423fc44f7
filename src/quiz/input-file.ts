/**
 * Reading an input file (a bank, a submission) as text, safely: only a regular file (a FIFO or a device
 * would block or never end), at most a size cap, and strict UTF-8 (a bad byte is refused with its
 * offset, never turned into "�"). A byte-order mark is dropped, so JSON and YAML read alike.
 */
// The default import, not named ones: the site's browser bundle stubs node:fs, and a page never reads files.
import fs, { type Stats } from 'node:fs';

/** Far above any honest bank or submission; keeps a stray binary or log file from being parsed at length. */
export const MAX_INPUT_BYTES = 1 << 20;

/** Why a file cannot be read as input, in words ("is not a regular file (a FIFO)"). */
export class InputFileError extends Error {
  /** Line and column (1-based) the problem is at, when it is inside the file. */
  readonly at: { line: number; col: number } | undefined;
  constructor(message: string, at?: { line: number; col: number }) {
    super(message);
    this.name = 'InputFileError';
    this.at = at;
  }
}

/** What a non-regular file is, in words. */
export function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/** Why a path cannot be opened, in words: a dangling link, a loop, a missing file… */
export function describeOpenError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    try {
      if (fs.lstatSync(path).isSymbolicLink()) return 'a symbolic link to a file that does not exist';
    } catch {
      // the path itself is gone: fall through
    }
    return 'no such file';
  }
  if (code === 'ELOOP') return 'a symbolic link that leads to itself (a loop)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'EISDIR') return 'is not a regular file (a folder)';
  return `cannot be read (${code ?? String(error)})`;
}

/**
 * The text of a regular file of at most `maxBytes`, strictly decoded as UTF-8. Throws InputFileError.
 * `what` names the file's kind in the size message ("a submission").
 */
export function readInputText(path: string, what: string, maxBytes: number = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. The kind is checked on
    // the open descriptor (fstat), so a file swapped after a stat cannot slip through.
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw new InputFileError(describeOpenError(path, error));
  }
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) throw new InputFileError(`is not a regular file (${fileKind(stats)})`);
    if (stats.size > maxBytes) throw new InputFileError(`the file is ${stats.size} bytes; ${what} may be at most ${maxBytes}`);
    // Read one byte past the cap, so a file that grew after the stat is still refused.
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    if (length > maxBytes) throw new InputFileError(`the file is over ${maxBytes} bytes; ${what} may be at most ${maxBytes}`);
    return decodeUtf8(buffer.subarray(0, length));
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(describeOpenError(path, error));
  } finally {
    fs.closeSync(fd);
  }
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 (a leading byte-order mark dropped); a bad byte is an InputFileError with its offset. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    throw new InputFileError(`not valid UTF-8 text: byte ${offset} (0x${bytes[offset]!.toString(16).padStart(2, '0')}) does not start a valid character`, lineCol(bytes, offset));
  }
}

/** Line and column (in characters, as the YAML positions count them) of a byte offset of valid text. */
function lineCol(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line += 1;
      start = i + 1;
    }
  }
  return { line, col: new TextDecoder().decode(bytes.subarray(start, offset)).length + 1 };
}

/**
 * Offset of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF); bytes.length when all are well formed. Only run after the
 * decoder has refused the text, to say where.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) {
      i += 1;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // no overlong forms
      if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f; // nothing past U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
