/**
 * kvlab lint, quiz, grade and export run in process with a fake CliIO: exit codes, outputs, the JSON
 * report of the spec, the gradebook CSV written atomically and never over an input, and export files that
 * parse (strict XML) and hold the answers.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { answerKey, type AnswerKey } from '../../src/quiz/index.js';
import { allTypes, expectRejected, fixtures, kvlab, root, tempDir, tempFiles } from './helpers.js';
import { allText, findAll, parseXml } from './xml.js';

const bankFile = join(fixtures, 'all-types.yaml');

describe('kvlab lint', () => {
  it('passes the course banks (default quizzes/) with a summary, exit 0', async () => {
    const result = await kvlab(['lint']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kvlab lint: \d+ banks valid$/m);
    expect(result.stdout).toMatch(/^quizzes\/sliding-window-basics\.yaml: sliding-window-basics: \d+ questions/m);
  });

  it('lists every problem of every file, one line each, and exits 2', async () => {
    const result = await kvlab(['lint', 'test/quiz/fixtures/bad/rules.yaml', 'test/quiz/fixtures/bad/expressions.yaml', 'test/quiz/fixtures/all-types.yaml']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(8 + 13 + 1);
    expect(lines[0]).toBe("test/quiz/fixtures/bad/rules.yaml:8:7: question 'one': a single-choice question needs exactly one choice with correct: true (it has 2)");
    expect(lines.slice(0, -1).every((l) => /^test\/quiz\/fixtures\/bad\/(rules|expressions)\.yaml:\d+:\d+: /.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('kvlab lint: 21 problems in 2 of 3 files');
  });

  it('--json gives the banks and the problems', async () => {
    const result = await kvlab(['lint', '--json', 'test/quiz/fixtures/all-types.yaml', 'test/quiz/fixtures/bad/syntax.yaml']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { banks: { bank: string; questions: number; points: number }[]; problems: string[] };
    expect(report.banks).toMatchObject([{ bank: 'all-types', questions: 10, points: 17 }]);
    expect(report.problems).toHaveLength(1);
  });

  it('a missing path is bad usage: one line, exit 2', async () => {
    const result = await kvlab(['lint', 'no/such/folder']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: "kvlab: no such file or folder 'no/such/folder'; give bank files or folders of them\n" });
  });
});

/** The stdin lines that answer the all-types bank (seed 0), with one malformed line to be asked again. */
function quizInput(): string {
  const bank = allTypes();
  const budget = answerKey(bank, 'case', 0) as Extract<AnswerKey, { type: 'scenario' }>;
  return [
    'false', // tf: 1
    'z', // single: not a choice → asked again
    'b', // single: 2
    'window sinks', // multi: 0.6667
    '24', // kv-bytes at seed 0: 4
    '', // abs-tol: skipped
    'O(L*tau*d_h*n_c)', // text-norm: 1
    'fp16', // text-exact: 1
    '3 2 4 1', // match (rights shown at seed 0: window, heads, layers, head dimension): 1
    '1 3 2 4', // order (shown: project, evict, append, attend): 1
    'a', // case/cause: 1
    String(budget.answer.budget!.answer), // case/budget: 2
    'no', // case/grows: 1
  ].join('\n');
}

describe('kvlab quiz', () => {
  it('asks each question, re-asks a malformed answer, gives feedback and the score (stdin not a TTY)', async () => {
    const result = await kvlab(['quiz', 'test/quiz/fixtures/all-types.yaml'], { stdin: quizInput() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("'z' is not a choice (a, b, c); try again (an empty line skips)");
    expect(result.stdout).toContain('With a window of n_c tokens, the cache grows with m.'); // math as text
    expect(result.stdout).toContain('Correct. Score 2/2.');
    expect(result.stdout).toContain('Partly correct. Score 0.6667/1.');
    expect(result.stdout).toContain('Not answered. Score 0/1.');
    expect(result.stdout).toMatch(/Answer: 2\n/); // the abs-tol key, shown after a skipped question
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('Score: 15.6667 / 17 (92%)');
  });

  it('reads answers that arrive one by one, as from a person typing', async () => {
    const lines = quizInput().split('\n');
    const stdin = new Readable({ read() {} });
    const pending = kvlab(['quiz', bankFile], { stdin });
    for (const line of lines) {
      await new Promise((r) => setTimeout(r, 1));
      stdin.push(`${line}\n`);
    }
    stdin.push(null);
    const result = await pending;
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('Score: 15.6667 / 17 (92%)');
  });

  it('without BANK lists the banks and lets the user choose; input ending early scores what was answered', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'quizzes'));
    copyFileSync(bankFile, join(cwd, 'quizzes', 'all-types.yaml'));
    const result = await kvlab(['quiz'], { cwd, stdin: '7\nall-types\nfalse\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  1. all-types: Every question type, for the quiz engine\'s tests (10 questions)');
    expect(result.stdout).toContain("'7' is not one of the banks listed.");
    expect(result.stdout).toContain('Input ended: 9 questions not answered.');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('Score: 1 / 17 (6%)');
  });

  it('a complexity answer: an unreadable formula is explained and asked again; a wrong one names the factor', async () => {
    const result = await kvlab(['quiz', 'test/quiz/fixtures/complexity.yaml'], { stdin: 'O(L·τ·q·n_c)\nO(L*tau*dh*m)\nO(n_g d_h n_c L)\n' });
    expect(result.stdout).toContain("'q' is not a symbol of this course (use L, τ, d_h, n_c, m, n_g); try again (an empty line skips)");
    expect(result.stdout).toContain('You wrote m, the sequence length, where the window size n_c belongs');
    expect(result.stdout).toContain('Answer: O(L·τ·d_h·n_c)');
    expect(result.stdout).toMatch(/window-gqa \(1 point\)[\s\S]*Correct\. Score 1\/1\./);
  });

  it('export names the items an LMS grades less well than kvlab', async () => {
    const out = join(tempDir(), 'c.xml');
    const result = await kvlab(['export', '--format', 'moodle-xml', 'test/quiz/fixtures/complexity.yaml', '--out', out]);
    expect(result.stdout).toContain('note: window (complexity) is a short answer listing 864 forms; an LMS rejects other spellings (dh, m_w, TeX)');
    expect(result.stdout).toContain('note: squared (complexity) is a short answer listing 126 forms'); // (3 + 2 + 2 orders of L·n_c·n_c, L·n_c^2, L·n_c²) × 9 signs × O(…) or not
  });

  it('a different seed is a different variant', async () => {
    const result = await kvlab(['quiz', bankFile, '--seed', '1'], { stdin: 'false\nb\nwindow\n896\n' });
    expect(result.stdout).toContain('32 layers, 16 heads of size 128, a window of 3584 tokens');
    expect(result.stdout).toContain('Correct. Score 4/4.');
  });

  it('finds the banks that ship with kvlab when the working folder has no quizzes/', async () => {
    const elsewhere = tempDir();
    const result = await kvlab(['quiz', 'sliding-window-basics'], { cwd: elsewhere });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Sliding window attention');
    const unknown = await kvlab(['quiz', 'no-such-bank'], { cwd: elsewhere });
    expect(unknown.stderr).toMatch(/no bank 'no-such-bank' in .*quizzes; use one of: .*sliding-window-basics/);
  });

  it('bad usage: unknown bank, bad seed', async () => {
    const unknown = await kvlab(['quiz', 'no-such-bank']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^kvlab: no bank 'no-such-bank' in quizzes; use one of: .*sliding-window-basics/);
    const seed = await kvlab(['quiz', bankFile, '--seed', '-3']);
    expect(seed.code).toBe(2);
  });
});

describe('kvlab grade', () => {
  function submissions(): string {
    return tempFiles({
      's1.json': JSON.stringify({ student: 's1', bank: 'all-types', answers: { tf: false, single: 'b', 'kv-bytes': 12 } }),
      's2.yaml': 'student: s2\nbank: all-types\nseed: 1\nanswers:\n  kv-bytes: 896\n  multi: [window, full]\n',
      'bad.json': '{"student": ',
      'notes.txt': 'not a submission',
    });
  }

  it('shows a progress bar through the command\'s stderr on a terminal only, never with --json', async () => {
    const dir = submissions();
    const onTerminal = await kvlab(['grade', '--bank', bankFile, dir], { isTTY: true });
    expect(onTerminal.stderr).toContain('grading [');
    const json = await kvlab(['grade', '--bank', bankFile, dir, '--json'], { isTTY: true });
    expect(json.stderr).not.toContain('grading [');
    const piped = await kvlab(['grade', '--bank', bankFile, dir]);
    expect(piped.stderr).not.toContain('grading [');
  });

  it('--json prints the spec report; a rejected file gives exit 1 and the others are graded', async () => {
    const dir = submissions();
    const result = await kvlab(['grade', '--bank', bankFile, dir, '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['bank', 'results', 'rejected']);
    expect(report.bank).toBe('all-types');
    expect(report.results.map((r: { student: string; score: number; max: number }) => [r.student, r.score, r.max])).toEqual([
      ['s1', 3, 17],
      ['s2', 4, 17],
    ]);
    const s1 = report.results[0];
    expect(Object.keys(s1)).toEqual(['student', 'file', 'score', 'max', 'questions']);
    expect(s1.file).toBe(join(dir, 's1.json'));
    expect(Object.keys(s1.questions)).toEqual(allTypes().questions.map((q) => q.id));
    expect(s1.questions['kv-bytes']).toEqual({
      score: 0,
      max: 4,
      correct: false,
      feedback: 'Incorrect. Score 0/4.\n\nYou left out the factor 2 for K and V (24 expected).\n\n2 (K and V) × 12 × 16 × 128 × 256 × 2 bytes = 24 MiB.',
    });
    expect(report.rejected).toEqual([{ file: join(dir, 'bad.json'), reason: expect.stringMatching(/^not valid JSON/) }]);
  });

  it('prints a readable table without --json; exit 0 when nothing was rejected', async () => {
    const dir = submissions();
    const result = await kvlab(['grade', '--bank', bankFile, join(dir, 's1.json'), join(dir, 's2.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/│ s1 +│ 3 +│ 17 +│ 17\.6 +│ 3\/10 +│/);
    expect(result.stdout).toContain('graded 2, rejected 0');
  });

  it('writes the gradebook CSV (a row a student, a column a question, then total) atomically', async () => {
    const dir = submissions();
    const out = join(tempDir(), 'gradebook.csv');
    const result = await kvlab(['grade', '--bank', bankFile, dir, '--out', out]);
    expect(result.code).toBe(1);
    const ids = allTypes().questions.map((q) => q.id);
    expect(readFileSync(out, 'utf8')).toBe(
      [`student,${ids.join(',')},total`, 's1,1,2,0,0,0,0,0,0,0,0,3', 's2,0,0,0,4,0,0,0,0,0,0,4', ''].join('\n'),
    );
    // write-file-atomic renames a temporary file into place: nothing else is left in the folder.
    expect(readdirSync(join(out, '..'))).toEqual(['gradebook.csv']);
  });

  it('refuses (exit 2) an --out that would replace a submission or an input, leaving it untouched', async () => {
    const dir = submissions();
    const before = readFileSync(join(dir, 's1.json'), 'utf8');
    for (const out of [join(dir, 's1.json'), join(dir, 's2.yaml'), bankFile]) {
      const result = await kvlab(['grade', '--bank', bankFile, dir, '--out', out]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^kvlab: --out '.*' would overwrite an input file; choose another name such as gradebook\.csv\n$/);
    }
    const folder = await kvlab(['grade', '--bank', bankFile, dir, '--out', dir]);
    expect(folder.stderr).toMatch(/is a folder/);
    const json = await kvlab(['grade', '--bank', bankFile, join(dir, 's1.json'), '--out', join(tempDir(), 'book.json')]);
    expect(json.stderr).toMatch(/looks like a submission/);
    expect(readFileSync(join(dir, 's1.json'), 'utf8')).toBe(before);
  });

  it('a file given twice (alone and in its folder) is graded once', async () => {
    const dir = submissions();
    const result = await kvlab(['grade', '--bank', bankFile, join(dir, 's1.json'), dir, '--json']);
    expect(JSON.parse(result.stdout).results.map((r: { student: string }) => r.student)).toEqual(['s1', 's2']);
  });

  it('bad usage: no --bank, missing submission, a bank with problems', async () => {
    expect((await kvlab(['grade', 'x.json'])).stderr).toBe('kvlab: --bank is required: a bank id under quizzes/ or a bank file\n');
    expect((await kvlab(['grade', '--bank', bankFile, 'nope.json'])).stderr).toBe("kvlab: no such submission file or folder 'nope.json'\n");
    const broken = await kvlab(['grade', '--bank', 'test/quiz/fixtures/bad/syntax.yaml', 'x.json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^kvlab: test\/quiz\/fixtures\/bad\/syntax\.yaml:3:1: YAML syntax: [^\n]*\n$/);
  });

  it('finds a course bank by id', async () => {
    const dir = tempFiles({ 'a.json': JSON.stringify({ student: 'a', bank: 'sliding-window-basics', answers: {} }) });
    const result = await kvlab(['grade', '--bank', 'sliding-window-basics', dir, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).results[0].score).toBe(0);
  });
});

describe('kvlab export', () => {
  it('gift: one item a question (scenario parts apart), tolerances, weights and feedback', async () => {
    const out = join(tempDir(), 'bank.gift');
    const result = await kvlab(['export', '--format', 'gift', bankFile, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `wrote ${out}: bank all-types, seed 0, gift\n` +
        'note: text-norm (text) is a short answer listing 280 forms; an LMS rejects other writings kvlab accepts (spaces inside words, rarer signs and quotes)\n' +
        'note: text-exact (text) is an exact short answer; GIFT cannot say so, and Moodle imports it from GIFT ignoring case (Moodle XML and QTI keep case)\n' +
        "note: 1 item needs Moodle's ordering question type (standard since Moodle 4.4; the qtype_ordering plugin before) to import: order\n" +
        `note: GIFT cannot carry points; 3 items worth other than 1 point will import as 1 point: single (2), kv-bytes (4), case / budget (2). Use --format moodle-xml to keep them.\n`,
    );
    const gift = readFileSync(out, 'utf8');
    const items = gift.split('\n\n').filter((b) => b.startsWith('::'));
    expect(items.map((i) => /^::([^:]+)::/.exec(i)![1])).toEqual(['tf', 'single', 'multi', 'kv-bytes', 'abs-tol', 'text-norm', 'text-exact', 'match', 'order', 'case / cause', 'case / budget', 'case / grows']);
    expect(items[0]).toContain('{FALSE ####<p>It holds \\(n_c\\) pairs per head and layer.</p>}'); // math as \( \) for Moodle
    expect(items[1]).toContain('~the sequence length m#m is what the window removes. =the window n_c#Right, n_c. ~the vocabulary size');
    expect(items[2]).toContain('{~%33.33333%a sliding window ~%-33.33333%a full cache#The full cache grows. ~%33.33333%sinks plus a window ~%33.33333%a compressive memory');
    expect(items[3]).toContain('{#=24:0.24 =%0%12:0.12#You left out the factor 2 for K and V (24 expected).');
    expect(items[3]).toContain('=%0%240..240000#Far too large');
    expect(items[4]).toContain('{#=2:0.1');
    expect(items[7]).toContain('{=L -> layers =τ -> heads =d_h -> head dimension =n_c -> window');
    expect(items[8]).toContain('{>4 ALL VERTICAL ABSOLUTE_POSITION SHOW none\nproject the token\nappend K and V\nevict the oldest pair\nattend\n}'); // Moodle's ordering type
    expect(items[9]).toContain('A chat service uses a window of');
    // Every item has exactly one answer block {…} outside escapes.
    for (const item of items) expect(item.replace(/\\[{}]/g, '').match(/[{}]/g)).toEqual(['{', '}']);
  });

  it("moodle-xml and qti print only what every LMS loses, not GIFT's notes", async () => {
    for (const [format, name] of [['moodle-xml', 'bank.xml'], ['qti', 'bank.zip']] as const) {
      const out = join(tempDir(), name);
      const result = await kvlab(['export', '--format', format, bankFile, '--out', out]);
      expect(result.code).toBe(0);
      const notes = result.stdout.split('\n').filter((line) => line.startsWith('note: '));
      expect(notes, format).toContain('note: text-norm (text) is a short answer listing 280 forms; an LMS rejects other writings kvlab accepts (spaces inside words, rarer signs and quotes)');
      expect(notes.filter((line) => /GIFT|text-exact|\(ordering\)/.test(line)), format).toEqual([]);
    }
  });

  it("gift: a short answer holding '->' keeps one form alone and says so; an ordering's note names the item and its reason", async () => {
    const dir = tempFiles({
      'h.yaml': JSON.stringify({
        bank: 'h',
        title: 'H',
        questions: [
          { id: 'arrow', type: 'text', prompt: 'p', accept: ['K -> V', 'KV'], match: 'exact' },
          { id: 'ord0', type: 'ordering', prompt: 'o', items: ['0', '1', '2'] },
        ],
      }),
    });
    const out = join(tempDir(), 'h.gift');
    const result = await kvlab(['export', '--format', 'gift', join(dir, 'h.yaml'), '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `note: arrow (text) is an exact short answer; GIFT cannot say so, and Moodle imports it from GIFT ignoring case (Moodle XML and QTI keep case); and a short answer with '->' in its accepted forms: only its first form, "K -> V", is written to GIFT, without the other 1 form (GIFT reads '->' beside '=' as a matching question and cannot escape it); --format moodle-xml keeps every form\n`,
    );
    expect(result.stdout).toContain(`note: ord0 (ordering) is matched to positions in GIFT: item "0" is empty to PHP (as '0' is), which Moodle's GIFT ordering syntax cannot carry (--format moodle-xml keeps it an ordering question)\n`);
    expect(readFileSync(out, 'utf8')).toContain('{%100%K -> V}');
  });

  it("gift and moodle-xml note a multiple-choice credit Moodle has no fraction for (lint's rule); qti does not", async () => {
    const choices = (right: number) => Array.from({ length: 12 }, (_, i) => ({ text: `c${i}`, correct: i < right }));
    const dir = tempFiles({
      'm.yaml': JSON.stringify({
        bank: 'm',
        title: 'M',
        questions: [
          { id: 'eleven', type: 'multiple-choice', prompt: 'p', choices: choices(11) },
          { id: 'three', type: 'multiple-choice', prompt: 'p', choices: choices(3) },
        ],
      }),
    });
    const reason = "11 right choices are worth 1/11 of the points each, which is not one of Moodle's grade fractions (1/k for k = 1–10 or 20), so Moodle refuses its GIFT and Moodle XML export";
    const lint = await kvlab(['lint', join(dir, 'm.yaml')]);
    expect(lint.code).toBe(0);
    expect(lint.stderr).toContain(`Moodle cannot import its credit: question 'eleven': ${reason};`);
    for (const [format, name] of [['gift', 'm.gift'], ['moodle-xml', 'm.xml'], ['qti', 'm.zip']] as const) {
      const out = join(tempDir(), name);
      const result = await kvlab(['export', '--format', format, join(dir, 'm.yaml'), '--out', out]);
      expect(result.code, format).toBe(0);
      const notes = result.stdout.split('\n').filter((line) => line.startsWith('note: ') && /Moodle's importer/.test(line));
      expect(notes, format).toEqual(
        format === 'qti'
          ? []
          : [`note: eleven (multiple-choice) is refused by Moodle's importer, and the whole file with it: ${reason}; mark at most 10 choices right, or use --format qti, which carries it as it is`],
      );
    }
  });

  it('moodle-xml: well-formed, with grades, answers, fractions, tolerances and feedback', async () => {
    const out = join(tempDir(), 'bank.xml');
    expect((await kvlab(['export', '--format', 'moodle-xml', bankFile, '--out', out])).code).toBe(0);
    const quiz = parseXml(readFileSync(out, 'utf8'));
    const questions = findAll(quiz, 'question').filter((q) => q.attributes.type !== 'category');
    expect(questions.map((q) => q.attributes.type)).toEqual(['truefalse', 'multichoice', 'multichoice', 'numerical', 'numerical', 'shortanswer', 'shortanswer', 'matching', 'ordering', 'multichoice', 'numerical', 'truefalse']);
    const numeric = questions[3]!;
    expect(allText(findAll(numeric, 'defaultgrade')[0]!)).toBe('4');
    const answers = findAll(numeric, 'answer').map((a) => [a.attributes.fraction, allText(findAll(a, 'text')[0]!), allText(findAll(a, 'tolerance')[0]!)]);
    expect(answers[0]).toEqual(['100', '24', '0.24']);
    expect(answers[1]).toEqual(['0', '12', '0.12']);
    const multi = questions[2]!;
    expect(findAll(multi, 'answer').map((a) => a.attributes.fraction)).toEqual(['33.3333333333', '-33.3333333333', '33.3333333333', '33.3333333333']);
    expect(allText(findAll(questions[1]!, 'single')[0]!)).toBe('true');
    expect(allText(questions[0]!)).toContain('\\(n_c\\)'); // math for Moodle's MathJax filter
  });

  it('qti: a zip of well-formed QTI 2.1 items and a manifest, with correct responses, mappings and feedback', async () => {
    const out = join(tempDir(), 'bank.zip');
    expect((await kvlab(['export', '--format', 'qti', bankFile, '--out', out])).code).toBe(0);
    const files = unzipSync(readFileSync(out));
    const names = Object.keys(files).sort();
    expect(names).toContain('imsmanifest.xml');
    expect(names.filter((n) => n.startsWith('items/'))).toHaveLength(12);
    const manifest = parseXml(strFromU8(files['imsmanifest.xml']!));
    const resources = findAll(manifest, 'resource');
    expect(resources.map((r) => r.attributes.type)).toEqual(['imsqti_test_xmlv2p1', ...Array<string>(12).fill('imsqti_item_xmlv2p1')]);
    // The package is deliverable as a test: the assessmentTest refers to every item, in bank order.
    expect(findAll(resources[0]!, 'dependency')).toHaveLength(12);
    const test = parseXml(strFromU8(files['assessmentTest.xml']!));
    const refs = findAll(test, 'assessmentItemRef');
    expect(refs.map((r) => r.attributes.href)).toEqual(resources.slice(1).map((r) => r.attributes.href));
    expect(refs.every((r) => names.includes(r.attributes.href!))).toBe(true);
    for (const name of names) parseXml(strFromU8(files[name]!)); // each one well-formed
    const item = parseXml(strFromU8(files['items/kv-bytes.xml']!));
    expect(item.attributes.xmlns).toBe('http://www.imsglobal.org/xsd/imsqti_v2p1');
    expect(allText(findAll(item, 'correctResponse')[0]!)).toBe('24');
    expect(findAll(item, 'equal')[0]!.attributes.tolerance).toBe('0.24 0.24');
    expect(findAll(item, 'modalFeedback').map((m) => m.attributes.identifier)).toEqual(['FB0', 'FB1', 'FB2', 'SHOWN']);
    const multi = parseXml(strFromU8(files['items/multi.xml']!));
    // Each right choice's third rounded up, so a perfect answer passes upperBound and scores exactly 1.
    expect(findAll(multi, 'mapEntry').map((e) => e.attributes.mappedValue)).toEqual(['0.333333333334', '-0.333333333333', '0.333333333334', '0.333333333334']);
    expect(findAll(multi, 'mapping')[0]!.attributes.upperBound).toBe('1');
    expect(findAll(multi, 'mapping')[0]!.attributes.lowerBound).toBe('0');
    const order = parseXml(strFromU8(files['items/order.xml']!));
    expect(findAll(order, 'index')).toHaveLength(4); // one point share per position
  });

  it('gift writes numbers as plain decimals, never in exponent notation', async () => {
    const out = join(tempDir(), 'swa.gift');
    expect((await kvlab(['export', '--format', 'gift', 'sliding-window-basics', '--out', out])).code).toBe(0);
    const gift = readFileSync(out, 'utf8');
    expect(gift).not.toMatch(/\d[eE][+-]?\d/);
    expect(gift).toContain('=%0%2135987035920000000000'); // apply-receptive-field's 2.13598703592e+96
  });

  it('moodle-xml keeps HTML escaping inside math: \\(i - n_c < j\\) reaches Moodle as &lt;', async () => {
    const out = join(tempDir(), 'swa.xml');
    expect((await kvlab(['export', '--format', 'moodle-xml', 'sliding-window-basics', '--out', out])).code).toBe(0);
    const html = findAll(parseXml(readFileSync(out, 'utf8')), 'text').map(allText).join('\n');
    expect(html).toContain('\\(i - n_c &lt; j \\le i\\)');
    expect(html).not.toMatch(/n_c < j/);
  });

  it('qti text items put caseSensitive on each mapEntry, not on mapping (the QTI 2.1 schema)', async () => {
    const out = join(tempDir(), 'bank.zip');
    expect((await kvlab(['export', '--format', 'qti', bankFile, '--out', out])).code).toBe(0);
    const item = parseXml(strFromU8(unzipSync(readFileSync(out))['items/text-exact.xml']!));
    expect(findAll(item, 'mapping')[0]!.attributes.caseSensitive).toBeUndefined();
    expect(findAll(item, 'mapEntry').map((e) => e.attributes.caseSensitive)).toEqual(['true']);
  });

  it('the same bank and seed export byte-identically', async () => {
    const a = join(tempDir(), 'a.zip');
    const b = join(tempDir(), 'b.zip');
    await kvlab(['export', '--format', 'qti', bankFile, '--out', a]);
    await kvlab(['export', '--format', 'qti', bankFile, '--out', b]);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('bad usage: unknown format, qti without .zip, --out the bank itself', async () => {
    const format = await kvlab(['export', '--format', 'docx', bankFile, '--out', 'x.docx']);
    expect(format).toMatchObject({ code: 2, stderr: "kvlab: --format 'docx' is not known; use one of: gift, moodle-xml, qti\n" });
    expect((await kvlab(['export', '--format', 'qti', bankFile, '--out', join(tempDir(), 'x.xml')])).stderr).toMatch(/name --out with \.zip/);
    const copy = join(tempDir(), 'bank.yaml');
    copyFileSync(bankFile, copy);
    expect((await kvlab(['export', '--format', 'gift', copy, '--out', copy])).stderr).toMatch(/is the bank file itself/);
    expect(existsSync(copy)).toBe(true);
  });

  it('an --out in a folder that does not exist is one line, as for grade, and nothing is written', async () => {
    const missing = join(tempDir(), 'nope');
    for (const [format, name] of [['gift', 'x.gift'], ['moodle-xml', 'x.xml'], ['qti', 'x.zip']] as const) {
      await expectRejected(['export', '--format', format, bankFile, '--out', join(missing, name)], new RegExp(`^kvlab: --out '.*/nope/${name.replace('.', '\\.')}': the folder '.*/nope' does not exist; create it first\n$`));
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('an --out named like a bank or submission, or -, is refused and the file left as it was', async () => {
    const dir = tempDir();
    const other = join(dir, 'other.yaml');
    writeFileSync(other, 'bank: other\n');
    await expectRejected(['export', '--format', 'gift', bankFile, '--out', other], /^kvlab: --out '.*other\.yaml' names a bank or submission file \(\.yaml\/\.json\/\.ipynb\); an export is a \.gift or \.txt file: choose such a name\n$/);
    expect(readFileSync(other, 'utf8')).toBe('bank: other\n');
    await expectRejected(['export', '--format', 'moodle-xml', bankFile, '--out', join(dir, 'hw.ipynb')], /an export is an \.xml file: choose such a name\n$/);
    await expectRejected(['export', '--format', 'gift', bankFile, '--out', '-'], /^kvlab: --out '-': export writes a file, not standard output; give a file name\n$/);
  });

  it('a bank with problems is one line: the first problem, then how many more (kvlab lint lists them)', async () => {
    const out = join(tempDir(), 'x.gift');
    await expectRejected(['export', '--format', 'gift', join(fixtures, 'bad', 'syntax.yaml'), '--out', out], /^kvlab: test\/quiz\/fixtures\/bad\/syntax\.yaml:3:1: YAML syntax: [^\n]*\n$/);
    await expectRejected(['export', '--format', 'gift', join(fixtures, 'bad', 'rules.yaml'), '--out', out], /^kvlab: \S*rules\.yaml:\d+:\d+: question '[^']+': .* \(and \d+ more problems; kvlab lint lists them all\)\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('an assignment with problems is one line too, naming the lint that lists them all', async () => {
    const dir = join(tempDir(), 'hw');
    cpSync(join(root, 'example-assignment'), dir, { recursive: true });
    const yaml = join(dir, 'assignment.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^title: /m, 'titel: ').replace('{id: window-growth,', '{id: nope,'));
    await expectRejected(['assignment', 'release', dir, '--out', join(tempDir(), 'out')], new RegExp(`^kvlab: \\S*assignment\\.yaml\\S*: .* \\(and \\d+ more problems?; kvlab lint ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} lists them all\\)\\n$`));
  });
});
