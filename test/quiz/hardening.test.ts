/**
 * Hostile input (issue 12): every class of crash, hang, wrong acceptance and unreadable message found by
 * fuzzing the loader, the grader and the command line, each pinned by a case. Inputs that used to block
 * the process (a FIFO, /dev/zero) run kvlab in a child process with a timeout, so a regression fails the
 * test instead of hanging the suite.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { checkBankSource, gradeAnswer, gradeFiles, loadBank, type Bank } from '../../src/quiz/index.js';
import { checkBankFile } from '../../src/quiz/load.js';
import { allTypes, fixtures, kvlab, root, tempDir, tempFiles } from './helpers.js';

const bankFile = join(fixtures, 'all-types.yaml');

/** A one-question bank around a question's own YAML lines (indented under `questions:`). */
function bankWith(question: string, extra = ''): string {
  return `bank: b\ntitle: T\n${extra}questions:\n${question
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}
const numeric = (fields: string, answer = '1') => bankWith(`- id: q\n  type: numeric\n  prompt: p\n  answer: ${answer}\n${fields}`);
const check = (source: string) => checkBankSource(source, 'b.yaml');

/** kvlab run from the sources in a child process, killed after `timeout` ms. */
function spawnKvlab(args: string[], options: { cwd?: string; input?: string; timeout?: number } = {}) {
  const script = `const m = await import(${JSON.stringify(join(root, 'src', 'cli', 'main.ts'))}); process.exitCode = await m.run(${JSON.stringify(args)});`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    cwd: options.cwd ?? root,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeout ?? 20_000,
  });
}

describe('crashes: a bad bank is reported, never an internal error', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('type: %s is an unknown type with its position', (type) => {
    const { bank, problems } = check(bankWith(`- id: q\n  type: ${type}\n  prompt: p`));
    expect(bank).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^b\\.yaml:5:11: question 'q': type '${type}' is not known; use one of: true-false, single-choice, `));
  });

  it('a scenario part typed like a prototype member is reported too', () => {
    const { problems } = check(bankWith(`- id: s\n  type: scenario\n  context: c\n  parts:\n    - {id: p, type: valueOf, prompt: x}`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^b\.yaml:8:\d+: question 's' part 'p': type 'valueOf' is not known/);
  });

  it('an answer of 3,500 (or 30,000) terms and max() of 130,000 arguments are refused as too long, not a stack overflow', () => {
    const long = check(numeric('', `"${Array(3500).fill('1').join('+')}"`));
    expect(long.problems).toHaveLength(1);
    expect(long.problems[0]).toMatch(/^b\.yaml:\d+:\d+: question 'q': answer '1\+1\+1.{0,80}' is \d+ characters long; an expression may have at most 500/);
    expect(check(numeric('', `"${Array(30_000).fill('1').join('+')}"`)).problems[0]).toMatch(/is 59999 characters long/);
    const wide = check(numeric('', `"max(${Array(130_000).fill('1').join(',')})"`));
    expect(wide.problems.length).toBeGreaterThan(0);
    expect(wide.problems.join('\n')).toMatch(/at most 500/);
  });

  it('deeply nested parentheses and power chains are refused by depth', () => {
    const parens = check(numeric(`  feedback: [{value: "${'('.repeat(200)}1${')'.repeat(200)}", message: m}]`));
    expect(parens.problems.join('\n')).toMatch(/nests more than 64 levels/);
    const powers = check(numeric(`  feedback: [{value: "${Array(150).fill('2').join('^')}", message: m}]`));
    expect(powers.problems.join('\n')).toMatch(/has 149 operators and commas; an expression may have at most 64/);
    const unary = check(numeric(`  feedback: [{value: "${'floor('.repeat(63)}1${')'.repeat(63)} + ${'-'.repeat(10)}1", message: m}]`));
    expect(unary.problems.join('\n')).toMatch(/nests more than 64 levels/);
  });

  it('one bank that cannot load does not stop kvlab lint of a folder', async () => {
    const dir = tempFiles({
      'a-bad.yaml': numeric(`  feedback: [{value: "${Array(30_000).fill('1').join('+')}", message: m}]`),
      'b-good.yaml': readFileSync(bankFile, 'utf8'),
    });
    const result = await kvlab(['lint', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stderr).toMatch(/a-bad\.yaml:\d+:\d+: question 'q': feedback\[0\]\.value/);
    expect(result.stderr).toMatch(/1 problem in 1 of 2 files/);
  });

  it('a broken bank in ./quizzes does not stop kvlab grade of another bank', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'quizzes'));
    writeFileSync(join(cwd, 'quizzes', 'a-bad.yaml'), numeric('', `"${Array(30_000).fill('1').join('+')}"`).replace('bank: b', 'bank: bad'));
    writeFileSync(join(cwd, 'quizzes', 'all-types.yaml'), readFileSync(bankFile, 'utf8'));
    writeFileSync(join(cwd, 's1.json'), JSON.stringify({ student: 's1', bank: 'all-types', answers: { tf: false } }));
    const result = await kvlab(['grade', '--bank', 'all-types', 's1.json', '--json'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).results[0].score).toBe(1);
  });

  it('kvlab memory --layers 125000 works (no spread of the layers into Math.max)', async () => {
    const result = await kvlab(['memory', '--layers', '125000', '--heads', '1', '--head-dim', '1', '--tokens', '3', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ bytes: 2 * 125000 * 3 * 2, cachedTokens: 3 });
  });

  it('kvlab attend with 125,000 rows: a clear refusal without --window, an answer with one', async () => {
    const rows = JSON.stringify(Array.from({ length: 125_000 }, (_, i) => [i % 3, 1]));
    const input = `{"q": ${rows}, "k": ${rows}, "v": ${rows}}`;
    const whole = await kvlab(['attend', '--json'], { stdin: input });
    expect(whole.code).toBe(2);
    expect(whole.stderr).toBe('kvlab: input has 125000 rows; without --window at most 10000 (every row attends to all rows before it); add --window W\n');
    const windowed = await kvlab(['attend', '--json', '--window', '4'], { stdin: input });
    expect(windowed.stderr).toBe('');
    expect(windowed.code).toBe(0);
    expect(JSON.parse(windowed.stdout).output).toHaveLength(125_000);
  });

  it('a dangling symlink and a symlink loop in a submission folder are rejected with their reason; the rest is graded', async () => {
    const dir = tempFiles({ 's1.json': JSON.stringify({ student: 's1', bank: 'all-types', answers: { tf: false } }) });
    symlinkSync(join(dir, 'nowhere.json'), join(dir, 'dangling.json'));
    symlinkSync(join(dir, 'loop.yaml'), join(dir, 'loop.yaml'));
    const result = await kvlab(['grade', '--bank', bankFile, dir, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { results: { student: string }[]; rejected: { file: string; reason: string }[] };
    expect(report.results.map((r) => r.student)).toEqual(['s1']);
    expect(report.rejected).toEqual([
      { file: expect.stringMatching(/dangling\.json$/), reason: 'a symbolic link to a file that does not exist' },
      { file: expect.stringMatching(/loop\.yaml$/), reason: 'a symbolic link that leads to itself (a loop)' },
    ]);
  });

  it('a missing --out folder is refused before grading, in one line', async () => {
    const dir = tempFiles({ 's1.json': JSON.stringify({ student: 's1', bank: 'all-types', answers: {} }) });
    const out = join(dir, 'no', 'such', 'book.csv');
    const result = await kvlab(['grade', '--bank', bankFile, dir, '--out', out]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `kvlab: --out '${out}': the folder '${join(dir, 'no', 'such')}' does not exist; create it first\n` });
  });
});

describe('hangs: anything that is not a regular file is refused at once', () => {
  it('kvlab lint /dev/zero and a FIFO: one line each, exit 2', () => {
    const dir = tempDir();
    const fifo = join(dir, 'bank.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const zero = spawnKvlab(['lint', '/dev/zero']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toMatch(/^\/dev\/zero:1:1: is not a regular file \(a character device\); give a bank file\n/);
    const pipe = spawnKvlab(['lint', fifo]);
    expect(pipe.status).toBe(2);
    expect(pipe.stderr).toMatch(/bank\.yaml:1:1: is not a regular file \(a FIFO\); give a bank file\n/);
  });

  it('kvlab grade given a FIFO or a device rejects that entry and grades the rest', () => {
    const dir = tempFiles({ 's1.json': JSON.stringify({ student: 's1', bank: 'all-types', answers: {} }) });
    const fifo = join(dir, 'pipe.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const result = spawnKvlab(['grade', '--bank', bankFile, join(dir, 's1.json'), fifo, '/dev/zero', '--json']);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as { results: unknown[]; rejected: { reason: string }[] };
    expect(report.results).toHaveLength(1);
    expect(report.rejected.map((r) => r.reason)).toEqual(['is not a regular file (a FIFO)', 'is not a regular file (a character device)']);
  });

  it('a submission of 30,000 keys is refused by the node limit instead of a quadratic key check', () => {
    const answers = Array.from({ length: 30_000 }, (_, i) => `  q${i}: 1`).join('\n');
    const dir = tempFiles({ 'many.yaml': `student: s1\nbank: all-types\nanswers:\n${answers}\n` });
    const book = gradeFiles(allTypes(), [{ path: join(dir, 'many.yaml'), display: 'many.yaml' }]);
    expect(book.rejected).toEqual([{ file: 'many.yaml', reason: expect.stringMatching(/^not valid YAML: line \d+, column \d+: more than 5000 values \(YAML nodes\); a file may hold at most 5000/) }]);
  });

  it('duplicate keys are still found, by a linear check, with both lines', () => {
    const { problems } = check('bank: b\ntitle: T\nbank: c\nquestions: []\n');
    expect(problems).toEqual(["b.yaml:3:1: YAML syntax: Map keys must be unique: 'bank' is also on line 1"]);
  });

  it('1 MiB of tiny nodes, and deep nesting, are refused with a clear limit', () => {
    const list = check(`bank: b\ntitle: T\nquestions:\n${'- 1\n'.repeat(250_000)}`);
    expect(list.problems).toHaveLength(1);
    expect(list.problems[0]).toMatch(/^b\.yaml:\d+:\d+: YAML: more than 5000 values \(YAML nodes\); a file may hold at most 5000/);
    const flow = check(`bank: b\ntitle: T\nquestions: ${'['.repeat(500_000)}${']'.repeat(500_000)}\n`);
    expect(flow.problems).toEqual(['b.yaml:3:76: YAML: nested more than 64 levels deep; a file may nest at most 64']);
    const block = check(`bank: b\ntitle: T\nquestions:\n${'- '.repeat(100)}1\n`);
    expect(block.problems).toHaveLength(1);
    expect(block.problems[0]).toMatch(/^b\.yaml:4:\d+: YAML: nested more than 64 levels deep; a file may nest at most 64$/);
  });
});

describe('accepted although wrong: now rejected with their position', () => {
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'])('an unknown field named %s', (field) => {
    const { problems } = check(bankWith(`- id: q\n  type: true-false\n  prompt: p\n  answer: true\n  ${field}: 1`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^b\\.yaml:8:5: question 'q': unknown field '${field}'`));
  });

  it('__proto__ is never a key, anywhere in a bank (it would replace the prototype, or vanish)', () => {
    const { problems } = check(bankWith(`- id: q\n  type: true-false\n  prompt: p\n  answer: true\n  __proto__: 1`));
    expect(problems).toEqual(["b.yaml:8:5: YAML: '__proto__' is not allowed as a key"]);
  });

  it('unknown bank fields named like prototype members too', () => {
    const { problems } = check(`bank: b\ntitle: T\ntoString: x\nquestions:\n  - {id: q, type: true-false, prompt: p, answer: true}\n`);
    expect(problems).toEqual(["b.yaml:3:1: unknown field 'toString' (a bank has: bank, title, source, questions)"]);
  });

  it('a param named __proto__ (even a range of 10^15 values) or constructor is refused, not dropped', () => {
    const proto = check(numeric(`  params:\n    __proto__: {min: 0, max: 1000000000000000}\n    n: [1, 2]`));
    expect(proto.problems).toHaveLength(1);
    expect(proto.problems).toEqual(["b.yaml:9:7: YAML: '__proto__' is not allowed as a key"]);
    const ctor = check(numeric(`  params:\n    constructor: [1, 2]`));
    expect(ctor.problems[0]).toMatch(/param 'constructor' uses a reserved name/);
  });

  it.each([
    ['!!timestamp 2001-12-14', 'tag:yaml.org,2002:timestamp'],
    ['!!set {relative: null}', 'tag:yaml.org,2002:set'],
    ['!!omap [relative: 0.5]', 'tag:yaml.org,2002:omap'],
    ['!thing {relative: 0.5}', '!thing'],
  ])('tolerance: %s is refused with its position', (value, tag) => {
    const { problems, bank } = check(numeric(`  tolerance: ${value}`));
    expect(bank).toBeUndefined();
    expect(problems).toEqual([`b.yaml:8:16: YAML: the tag ${tag} is not allowed; write plain maps, lists and values`]);
  });

  it.each([
    ['0.33333', 'must be a multiple of 0.01'],
    ['0.000001', 'must be a multiple of 0.01'],
    ['1e308', 'must be at most 1000'],
    ['0', 'must be a number > 0'],
    ['-1', 'must be a number > 0'],
  ])('points: %s is refused (%s)', (points, why) => {
    const { problems } = check(bankWith(`- id: q\n  type: true-false\n  prompt: p\n  answer: true\n  points: ${points}`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`question 'q': points ${why}`);
  });

  it('"correct" means full marks: 0.07 points and a scenario of 0.1 + 0.2 points', () => {
    const dir = tempFiles({
      'p.yaml': bankWith(
        [
          '- {id: q, type: true-false, prompt: p, answer: true, points: 0.07}',
          '- id: s',
          '  type: scenario',
          '  context: c',
          '  parts:',
          '    - {id: a, type: true-false, prompt: p, answer: true, points: 0.1}',
          '    - {id: b, type: true-false, prompt: p, answer: true, points: 0.2}',
        ].join('\n'),
      ),
    });
    const bank: Bank = loadBank(join(dir, 'p.yaml'));
    expect(gradeAnswer(bank, 'q', true)).toMatchObject({ score: 0.07, max: 0.07, correct: true });
    const s = gradeAnswer(bank, 's', { a: true, b: true });
    expect(s).toMatchObject({ score: 0.3, max: 0.3, correct: true });
    expect(s.feedback).toMatch(/^Correct\. Score 0\.3\/0\.3\./);
  });

  it('kvlab attend: values near 1e200 overflow float64, an error naming the row', async () => {
    const result = await kvlab(['attend', '--json'], { stdin: '{"q": [[1, 0], [1e200, 1e200]], "k": [[1, 0], [1e200, 1e200]], "v": [[1, 2], [3, 4]]}' });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'kvlab: row 1 overflows float64 (a score q·k/√d or a weighted sum is beyond ±1.8e308); scale the inputs down\n',
    });
  });
});

describe('messages: echoed input is quoted, one line and short', () => {
  it('a student name with a newline or 2 MB of text is echoed escaped and truncated', () => {
    const dir = tempFiles({
      'nl.json': JSON.stringify({ student: 'bob\nrejected x.json: fake', bank: 'all-types', answers: {} }),
      'long.json': JSON.stringify({ student: 'x'.repeat(900_000), bank: 'all-types', answers: {} }),
      'bank.json': JSON.stringify({ student: 's', bank: `b\n${'y'.repeat(900_000)}`, answers: {} }),
    });
    const book = gradeFiles(allTypes(), ['nl.json', 'long.json', 'bank.json'].map((n) => ({ path: join(dir, n), display: n })));
    const reasons = book.rejected.map((r) => r.reason);
    expect(reasons[0]).toBe("student is 'bob\\nrejected x.json: fake'; it must be 1-64 of A-Z a-z 0-9 . _ - and not start with a dot");
    for (const reason of reasons) {
      expect(reason).not.toContain('\n');
      expect(reason.length).toBeLessThan(200);
    }
  });

  it('a bank echoes a long unknown field or expression in one short line', () => {
    const key = `k${'z'.repeat(5000)}`;
    const { problems } = check(bankWith(`- id: q\n  type: true-false\n  prompt: p\n  answer: true\n  ${key}: 1`));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.length).toBeLessThan(300);
    const expression = check(numeric(`  feedback: [{value: "nope\\n${'z'.repeat(900)}", message: m}]`));
    expect(expression.problems[0]).not.toContain('\n');
    expect(expression.problems[0]!.length).toBeLessThan(300);
  });

  it('a JSON submission with a byte-order mark is read like a YAML one', () => {
    const body = JSON.stringify({ student: 's1', bank: 'all-types', answers: { tf: false } });
    const dir = tempFiles({ 'a.json': `\uFEFF${body}`, 'b.yaml': `\uFEFF${body.replace('s1', 's2')}` });
    const book = gradeFiles(allTypes(), ['a.json', 'b.yaml'].map((n) => ({ path: join(dir, n), display: n })));
    expect(book.rejected).toEqual([]);
    expect(book.results.map((r) => r.score)).toEqual([1, 1]);
  });

  it('invalid UTF-8 is refused with its byte offset (submission and bank)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 's.yaml'), Buffer.concat([Buffer.from('student: s1\nbank: all-types\nanswers: {tf: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
    const book = gradeFiles(allTypes(), [{ path: join(dir, 's.yaml'), display: 's.yaml' }]);
    expect(book.rejected).toEqual([{ file: 's.yaml', reason: 'not valid UTF-8 text: byte 43 (0xc3) does not start a valid character' }]);
    writeFileSync(join(dir, 'b.yaml'), Buffer.concat([Buffer.from('bank: b\ntitle: '), Buffer.from([0xff]), Buffer.from('\n')]));
    expect(checkBankFile(join(dir, 'b.yaml'), 'b.yaml').problems).toEqual(['b.yaml:2:8: not valid UTF-8 text: byte 15 (0xff) does not start a valid character']);
  });

  it.each([
    ['.nan', 'seed must be a whole number ≥ 0; it is not a number (NaN)'],
    ['.inf', 'seed must be a whole number ≥ 0; it is infinite'],
    ['1.5', 'seed must be a whole number ≥ 0, got 1.5'],
    ['-3', 'seed must be a whole number ≥ 0, got -3'],
    ['9007199254740993', 'seed must be a whole number ≥ 0 and at most 2^53 − 1 (9007199254740991), got 9007199254740992'],
    ['"7"', 'seed must be a whole number ≥ 0, got the text \'7\''],
  ])('a seed of %s says what is wrong', (seed, reason) => {
    const dir = tempFiles({ 's.yaml': `student: s1\nbank: all-types\nseed: ${seed}\nanswers: {}\n` });
    expect(gradeFiles(allTypes(), [{ path: join(dir, 's.yaml'), display: 's.yaml' }]).rejected).toEqual([{ file: 's.yaml', reason }]);
  });

  it('--tokens past 2^53 − 1, or written as a power, says so', async () => {
    const base = ['memory', '--layers', '1', '--heads', '1', '--head-dim', '1', '--tokens'];
    expect((await kvlab([...base, '9007199254740992'])).stderr).toBe("kvlab: --tokens is too large: at most 2^53 − 1 (9007199254740991), got '9007199254740992'\n");
    expect((await kvlab([...base, '2^53'])).stderr).toBe("kvlab: --tokens must be a whole number written in digits (kvlab does not compute '2^53'), e.g. 4096\n");
    expect((await kvlab([...base, '0'])).stderr).toBe("kvlab: --tokens must be a whole number > 0, got '0'\n");
  });
});

describe('the gradebook: locked while written, strays of a killed run cleaned', () => {
  const submission = () => tempFiles({ 's1.json': JSON.stringify({ student: 's1', bank: 'all-types', answers: { tf: false } }) });

  it('a second grader writing the same --out is refused while the first holds the lock', async () => {
    const dir = submission();
    const out = join(tempDir(), 'book.csv');
    writeFileSync(`${out}.lock`, `${process.pid}\n`); // this process is alive: the lock is live
    const result = await kvlab(['grade', '--bank', bankFile, dir, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`kvlab: --out '${out}' is being written by another kvlab grade (pid ${process.pid}); wait for it, or delete ${out}.lock if that process is gone\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('a stale lock (its process is gone) and a stray temporary file are taken over and cleaned, with a note', async () => {
    const dir = submission();
    const folder = tempDir();
    const out = join(folder, 'book.csv');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    writeFileSync(`${out}.lock`, `${deadPid}\n`);
    writeFileSync(join(folder, `.book.csv.kvlab-${deadPid}.tmp`), 'half a gradebook');
    const result = await kvlab(['grade', '--bank', bankFile, dir, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `kvlab: note: took over the lock ${out}.lock left by pid ${deadPid}, which is no longer running\n` +
        `kvlab: note: removed .book.csv.kvlab-${deadPid}.tmp, left by an interrupted kvlab grade\n`,
    );
    expect(readdirSync(folder)).toEqual(['book.csv']);
    expect(readFileSync(out, 'utf8')).toMatch(/^student,/);
  });

  it('a full disk while writing is one clear line, and leaves neither a temporary file nor the lock', async () => {
    const dir = submission();
    const folder = tempDir();
    const out = join(folder, 'book.csv');
    writeFileSync(out, 'the previous gradebook\n');
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const spy = vi.spyOn(fs, 'writeFileSync').mockImplementation(() => {
      throw full;
    });
    try {
      const result = await kvlab(['grade', '--bank', bankFile, dir, '--out', out]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`kvlab: --out '${out}' could not be written (the disk is full); nothing was changed\n`);
    } finally {
      spy.mockRestore();
    }
    expect(readdirSync(folder)).toEqual(['book.csv']);
    expect(readFileSync(out, 'utf8')).toBe('the previous gradebook\n');
  });
});

describe('JSON submissions follow the same rules as YAML ones', () => {
  it.each([
    ['{"student":"s1","bank":"all-types","answers":{"tf":true,"tf":false}}', /^not valid JSON: Map keys must be unique: 'tf' is also on line 1 \(at character \d+\)$/],
    ['{"student":"s1","bank":"all-types","answers":{"__proto__":{"tf":true}}}', /^not valid JSON: '__proto__' is not allowed as a key/],
    [`{"student":"s1","bank":"all-types","answers":{"tf":${'['.repeat(100)}${']'.repeat(100)}}}`, /^not valid JSON: nested more than 64 levels deep/],
  ])('%s is rejected', (body, reason) => {
    const dir = tempFiles({ 's.json': body });
    const book = gradeFiles(allTypes(), [{ path: join(dir, 's.json'), display: 's.json' }]);
    expect(book.results).toEqual([]);
    expect(book.rejected[0]!.reason).toMatch(reason);
  });
});
