/**
 * The documentation holds together and the repository stands alone:
 *
 * - every relative link in README.md, CONTRIBUTING.md and docs/*.md resolves to a file inside the repository,
 *   and a link's #anchor names a heading of the file it points to;
 * - no tracked text file mentions the sibling folder the project was built from (a user's clone does not
 *   have it; what the project needs from it is restated in docs/);
 * - the README gives both quick-start commands.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Written in two pieces so this file does not mention the path it looks for. */
const OUTSIDE = ['..', 'shared'].join('/');

/** The Markdown pages whose links are checked. */
function documentationFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', 'CONTRIBUTING.md', ...docs.sort()];
}

/** The text a reader sees as Markdown: fenced code blocks and inline code spans blanked out. */
function withoutCode(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/`[^`\n]*`/g, (span) => ' '.repeat(span.length));
}

interface Link {
  line: number;
  target: string;
}

/** Inline links and images `[text](target)` / `![alt](target "title")`, outside code. */
function linksIn(markdown: string): Link[] {
  const links: Link[] = [];
  withoutCode(markdown)
    .split('\n')
    .forEach((text, index) => {
      for (const match of text.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        links.push({ line: index + 1, target: match[1]! });
      }
    });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings (outside code), with GitHub's -1, -2 … for repeats. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCode(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]!);
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

/** Why a link from `file` (relative to the repository) does not resolve, or undefined when it does. */
function brokenLink(file: string, target: string, repo: string = root): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: … are not files
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  const from = resolve(repo, file);
  const to = pathPart === '' ? from : resolve(dirname(from), decodeURIComponent(pathPart));
  const inside = relative(repo, to);
  if (inside.startsWith('..') || inside.startsWith(sep) || resolve(repo, inside) !== to) {
    return `points outside the repository (${target})`;
  }
  if (!existsSync(to)) return `no such file: ${inside}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(to).isDirectory() || !to.endsWith('.md')) return `#${anchor} on a file that is not Markdown`;
  if (!anchorsOf(readFileSync(to, 'utf8')).has(anchor)) return `${inside} has no heading #${anchor}`;
  return undefined;
}

/** Tracked files (git), or every file but build output when the tree is not a git checkout. */
function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch {
    const skip = new Set(['.git', 'node_modules', 'dist', 'build', '.jupyter-local']);
    const walk = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
        if (skip.has(entry.name)) return [];
        const path = dir === '' ? entry.name : join(dir, entry.name);
        return entry.isDirectory() ? walk(path) : entry.isFile() ? [path] : [];
      });
    return walk('');
  }
}

describe('the link checker itself', () => {
  it('finds links outside code, and ignores code spans and fences', () => {
    const md = 'See [cli](docs/cli.md) and ![x](a.png "t").\n`[no](x.md)`\n```\n[no](y.md)\n```\n[api](docs/api.md#the-api)';
    expect(linksIn(md).map((l) => l.target)).toEqual(['docs/cli.md', 'a.png', 'docs/api.md#the-api']);
  });

  it("makes GitHub's anchors", () => {
    expect(slug('`kvlab memory`')).toBe('kvlab-memory');
    expect(slug('Params (per-student variants)')).toBe('params-per-student-variants');
    expect(slug('Extensions to format 1')).toBe('extensions-to-format-1');
    expect([...anchorsOf('# A\n## Setup\n## Setup\n```\n## Not a heading\n```')]).toEqual(['a', 'setup', 'setup-1']);
  });

  it('reports a missing file, a missing heading and a path outside the repository', () => {
    expect(brokenLink('README.md', 'docs/cli.md')).toBeUndefined();
    expect(brokenLink('README.md', 'https://example.org/x')).toBeUndefined();
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toMatch(/no such file/);
    expect(brokenLink('README.md', 'docs/cli.md#no-such-heading')).toMatch(/no heading/);
    expect(brokenLink('docs/cli.md', `../${OUTSIDE}/x.md`)).toMatch(/outside the repository/);
  });
});

describe('the documentation', () => {
  it('has the pages the README links to', () => {
    for (const page of ['quiz-format', 'cli', 'memory', 'engine', 'authoring', 'api']) {
      expect(existsSync(join(root, 'docs', `${page}.md`)), `docs/${page}.md`).toBe(true);
    }
  });

  it.each(documentationFiles())('%s: every relative link resolves inside the repository', (file) => {
    const problems = linksIn(readFileSync(join(root, file), 'utf8')).flatMap(({ line, target }) => {
      const why = brokenLink(file, target);
      return why === undefined ? [] : [`${file}:${line}: ${why}`];
    });
    expect(problems).toEqual([]);
  });

  it('README gives both quick-start commands', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});

describe('the repository stands alone', () => {
  it('no tracked text file mentions the sibling folder outside the repository', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(50);
    const mentions = files.flatMap((file) => {
      const path = join(root, file);
      if (!existsSync(path) || !statSync(path).isFile()) return [];
      const bytes = readFileSync(path);
      if (bytes.includes(0)) return []; // binary
      return bytes
        .toString('utf8')
        .split('\n')
        .flatMap((text, i) => (text.includes(OUTSIDE) ? [`${file}:${i + 1}`] : []));
    });
    expect(mentions).toEqual([]);
  });
});
