/**
 * Each lesson's quiz asks only what that lesson or an earlier one taught. content/lesson-map.yaml gives the
 * lesson of every bank, of every course card and of every topic (with the words that name it); a question's
 * lesson is the latest of its `card:` tags and of the topics its text names. It must not be later than its
 * bank's lesson, and a notebook NN quizzes only questions of lesson <= NN.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadBanks, type Bank, type Question } from '../src/quiz/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface LessonMap {
  banks: Record<string, number>;
  cards: Record<string, number>;
  topics: { topic: string; lesson: number; words: string[] }[];
}

const map = parse(readFileSync(join(root, 'content', 'lesson-map.yaml'), 'utf8')) as LessonMap;
const topics = map.topics.map((t) => ({ ...t, patterns: t.words.map((w) => new RegExp(w, 'i')) }));
const banks = loadBanks(join(root, 'quizzes'));

/** Every text of a question a student may read or a key holds, whatever its type (ids, types and tags aside). */
function texts(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return ['id', 'type', 'tags', 'file'].includes(key) ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((v) => texts(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (['id', 'type', 'tags'].includes(k) ? [] : texts(v, k)));
  }
  return [];
}

function allTags(question: Question): string[] {
  return question.type === 'scenario' ? [...question.tags, ...question.parts.flatMap((p) => p.tags)] : question.tags;
}

/** The question's lesson and why: each card and topic that sets it. */
function lessonOf(question: Question): { lesson: number; reasons: string[] } {
  const reasons: string[] = [];
  let lesson = 1;
  for (const tag of allTags(question)) {
    if (!tag.startsWith('card:')) continue;
    const cardLesson = map.cards[tag.slice('card:'.length)] ?? Infinity;
    reasons.push(`${tag} (lesson ${cardLesson})`);
    lesson = Math.max(lesson, cardLesson);
  }
  const text = texts(question).join('\n');
  for (const topic of topics) {
    const hit = topic.patterns.map((p) => text.match(p)?.[0]).find((m) => m !== undefined);
    if (hit === undefined) continue;
    reasons.push(`"${hit}": ${topic.topic} (lesson ${topic.lesson})`);
    lesson = Math.max(lesson, topic.lesson);
  }
  return { lesson, reasons };
}

function question(bank: Bank, id: string): Question {
  const q = bank.questions.find((x) => x.id === id);
  if (!q) throw new Error(`bank '${bank.id}' has no question '${id}'`);
  return q;
}

describe('the lesson map', () => {
  it('gives every bank a lesson from 1 to 8, and names no bank that does not exist', () => {
    expect(Object.keys(map.banks).sort()).toEqual(banks.map((b) => b.id).sort());
    for (const lesson of Object.values(map.banks)) expect([1, 2, 3, 4, 5, 6, 7, 8]).toContain(lesson);
  });

  it('gives every card a question names a lesson', () => {
    const cards = new Set(banks.flatMap((b) => b.questions.flatMap(allTags)).filter((t) => t.startsWith('card:')).map((t) => t.slice(5)));
    expect([...cards].filter((c) => !(c in map.cards))).toEqual([]);
  });

  it('finds the topics it names: a question about GQA in a lesson-2 bank would be caught', () => {
    const gqa: Question = {
      id: 'x', type: 'true-false', points: 1, tags: ['card:space-complexity-swa'], params: {}, answer: true,
      prompt: 'A model with 32 query heads shares 8 KV heads (grouped-query attention).',
    };
    expect(lessonOf(gqa)).toEqual({
      lesson: 5,
      reasons: ['card:space-complexity-swa (lesson 2)', '"grouped-query": shared KV heads (MQA, GQA) (lesson 5)'],
    });
    expect(lessonOf({ ...gqa, prompt: 'Each of the 32 heads caches a key and a value.', tags: [] }).lesson).toBe(1);
  });
});

describe.each(banks.map((b) => [b.id, b] as const))('bank %s', (bankId, bank) => {
  const bankLesson = map.banks[bankId] ?? 0;
  it.each(bank.questions.map((q) => [q.id, q] as const))(`question %s asks only what lessons 1–${bankLesson} taught`, (_id, q) => {
    const { lesson, reasons } = lessonOf(q);
    expect(lesson, `${bankId}:${q.id} runs ahead of its bank's lesson ${bankLesson}: ${reasons.join('; ')}`).toBeLessThanOrEqual(bankLesson);
  });
});

/** The questions a notebook quizzes by literal bank and question ids. */
function quizzedBy(notebook: string): { bank: string; id: string }[] {
  const cells = (JSON.parse(readFileSync(notebook, 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] }).cells;
  const code = cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
  const out: { bank: string; id: string }[] = [];
  const call = /\b(quizMarkdown|gradeQuiz|selfCheck|questionParams)\(\s*'([a-z0-9-]+)'\s*,\s*('[a-z0-9-]+'|\[[^\]]*\]|\{[^}]*\})/g;
  for (const [, fn, bank, arg] of code.matchAll(call)) {
    const ids =
      arg!.startsWith('{') && fn === 'gradeQuiz'
        ? [...arg!.matchAll(/(?:'([a-z0-9-]+)'|\b([a-z][a-zA-Z0-9]*))\s*:/g)].map((m) => m[1] ?? m[2]!)
        : [...arg!.matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1]!);
    for (const id of ids) out.push({ bank: bank!, id });
  }
  return out;
}

const notebooks = readdirSync(join(root, 'notebooks')).filter((f) => /^\d\d-.*\.ipynb$/.test(f));

describe.each(notebooks)('notebook %s', (file) => {
  const notebookLesson = Number(file.slice(0, 2));
  const quizzed = quizzedBy(join(root, 'notebooks', file));

  it('quizzes questions (the check reads its calls)', () => {
    expect(quizzed.length).toBeGreaterThan(0);
  });

  it(`quizzes only questions of lessons 1–${notebookLesson}`, () => {
    const ahead = quizzed.flatMap(({ bank: bankId, id }) => {
      const bank = banks.find((b) => b.id === bankId);
      if (!bank) return [`${bankId}: no such bank`];
      const { lesson, reasons } = lessonOf(question(bank, id));
      return lesson > notebookLesson ? [`${bankId}:${id} is lesson ${lesson}: ${reasons.join('; ')}`] : [];
    });
    expect(ahead).toEqual([]);
  });
});
