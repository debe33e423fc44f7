/**
 * The lessons in content/*.md, split into sections so a notebook can interleave text and code.
 *
 * A lesson is Markdown with TeX math ($…$, $$…$$), which Jupyter renders. It opens with a `# ` title and
 * a short introduction, then `## ` sections in teaching order. Section 0 is the title and introduction;
 * sections 1… are the `## ` sections. Headings inside fenced code blocks are not section breaks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LessonSection {
  /** The heading without its `#` marks: the lesson's title for section 0. */
  title: string;
  /** The section's Markdown, its heading included. */
  markdown: string;
}

/** A lesson or section that does not exist, naming what does. */
export class LessonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonError';
  }
}

/** content/ of this package: two folders up from src/course or dist/course. */
export function contentDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'content');
}

/** The lesson ids in course order, e.g. ["01-kv-cache", "02-sliding-window", …]. */
export function lessonIds(dir: string = contentDir()): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d\d-.*\.md$/.test(f))
    .sort()
    .map((f) => f.slice(0, -'.md'.length));
}

/** Splits lesson Markdown at its `## ` headings (not inside ``` or ~~~ fences). */
export function splitSections(markdown: string): LessonSection[] {
  const sections: LessonSection[] = [];
  let title = '';
  let lines: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    const text = lines.join('\n').trim();
    if (text !== '' || sections.length > 0) sections.push({ title, markdown: text });
  };
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    const fenceMark = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fenceMark !== undefined) {
      if (fence === undefined) fence = fenceMark;
      else if (fence === fenceMark) fence = undefined;
    }
    if (fence === undefined && line.startsWith('## ')) {
      flush();
      title = line.slice(3).trim();
      lines = [line];
      continue;
    }
    if (fence === undefined && sections.length === 0 && title === '' && line.startsWith('# ')) {
      title = line.slice(2).trim();
    }
    lines.push(line);
  }
  flush();
  return sections;
}

/** All sections of a lesson: [title and introduction, then each `## ` section]. */
export function lessonSections(lessonId: string, dir: string = contentDir()): LessonSection[] {
  const file = join(dir, `${lessonId}.md`);
  if (!/^[a-z0-9-]+$/.test(lessonId) || !existsSync(file)) {
    throw new LessonError(`no lesson '${lessonId}' in ${dir}; lessons: ${lessonIds(dir).join(', ')}`);
  }
  return splitSections(readFileSync(file, 'utf8'));
}

/**
 * The Markdown of one or more sections, to pass to tslab.display.markdown. A section is named by its
 * index (0 is the introduction) or by the start of its title, case-insensitive ("Counting" finds
 * "Counting the bytes"); a range `[from, to]` of indices is inclusive.
 */
export function lessonMarkdown(lessonId: string, which: number | string | readonly [number, number], dir?: string): string {
  const sections = lessonSections(lessonId, dir);
  const available = () => sections.map((s, i) => `${i}: ${s.title}`).join('; ');
  if (Array.isArray(which)) {
    const [from, to] = which as readonly [number, number];
    if (!(from >= 0 && to < sections.length && from <= to)) {
      throw new LessonError(`lesson '${lessonId}' has sections 0..${sections.length - 1}, not ${from}..${to}`);
    }
    return sections
      .slice(from, to + 1)
      .map((s) => s.markdown)
      .join('\n\n');
  }
  if (typeof which === 'number') {
    const section = sections[which];
    if (section === undefined) throw new LessonError(`lesson '${lessonId}' has no section ${which}; sections: ${available()}`);
    return section.markdown;
  }
  const wanted = (which as string).toLowerCase();
  const matches = sections.filter((s) => s.title.toLowerCase().startsWith(wanted));
  if (matches.length !== 1) {
    throw new LessonError(
      `lesson '${lessonId}': ${matches.length === 0 ? 'no' : 'more than one'} section titled '${which}…'; sections: ${available()}`,
    );
  }
  return matches[0]!.markdown;
}
