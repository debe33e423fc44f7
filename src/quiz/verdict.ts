/**
 * Renderers of a Verdict. The grader decides (grade.ts); these only write: the plain Markdown of
 * `kvlab grade --json` and the terminal quiz (verdictText), and the notebook Markdown with a status mark
 * (verdictMarkdown). Marks are plain Unicode symbols that every text font has (no emoji font needed).
 */
import { formatNumber } from './template.js';
import type { Verdict, VerdictStatus } from './types.js';

/** The mark shown beside a question's feedback, by how it was graded. */
export const STATUS_MARK: Readonly<Record<VerdictStatus, string>> = {
  correct: '✓',
  partial: '◐',
  incorrect: '✗',
  'not-graded': '?',
  unanswered: '○',
};

/** Whether the worked solution (the explanation) of a question, or of one scenario part, may be shown. */
export type SolutionGate = (partId?: string) => boolean;
const ALWAYS: SolutionGate = () => true;

function verdictLine(v: Verdict): string {
  const words: Record<VerdictStatus, string> = {
    correct: 'Correct.',
    partial: 'Partly correct.',
    incorrect: 'Incorrect.',
    unanswered: 'Not answered.',
    'not-graded': `Not graded: ${v.reason ?? ''}.`,
  };
  return `${words[v.status]} Score ${formatNumber(v.score)}/${formatNumber(v.max)}.`;
}

function unknownPartsLine(unknown: readonly string[], ids: readonly string[]): string {
  return `Not a part of this scenario: ${unknown.map((id) => `'${id.slice(0, 40)}'`).join(', ')} (its parts: ${ids.join(', ')}); check the spelling.`;
}

/** The blocks after the verdict line: matched feedback, what is wrong, unknown parts, each part, the explanation. */
function blocks(v: Verdict, gate: SolutionGate, partId: string | undefined, note: (partId?: string) => string | undefined): string[] {
  const out = [...v.messages];
  if (v.wrong && !v.parts) out.push(`Not right yet: ${v.wrong.join(', ')}.`);
  if (v.unknownParts) {
    const ids = Object.keys(v.parts ?? {});
    out.push(unknownPartsLine(v.unknownParts, ids));
  }
  for (const [id, part] of Object.entries(v.parts ?? {})) {
    out.push(`**${id}**: ${[verdictLine(part), ...blocks(part, gate, id, note)].join('\n')}`);
  }
  if (v.explanation !== undefined) {
    if (gate(partId)) out.push(v.explanation);
    else {
      const hint = note(partId);
      if (hint) out.push(hint);
    }
  }
  return out;
}

/** The verdict as plain Markdown: the verdict line and score, the matched feedback, then the explanation. */
export function verdictText(v: Verdict, gate: SolutionGate = ALWAYS, note: (partId?: string) => string | undefined = () => undefined): string {
  return [verdictLine(v), ...blocks(v, gate, undefined, note)].join('\n\n');
}

export interface NotebookOptions {
  /** May the worked solution be shown (per part for a scenario)? Default: yes. */
  gate?: SolutionGate;
  /** What to say instead of a withheld solution. */
  note?: (partId?: string) => string | undefined;
  /** Said after "not answered yet". */
  unansweredHint?: string;
}

/**
 * One question's verdict for a notebook: "✓ **id**: Correct. Score 4/4." then the feedback; a scenario's
 * parts as a list, each with its mark. An unanswered question (or part) says only that: its explanation
 * states the answer.
 */
export function verdictMarkdown(id: string, v: Verdict, options: NotebookOptions = {}, depth = 0): string {
  const gate = options.gate ?? ALWAYS;
  const note = options.note ?? (() => undefined);
  const indent = '  '.repeat(depth);
  const head = `${indent}${depth > 0 ? '- ' : ''}${STATUS_MARK[v.status]} **${id}**`;
  if (v.status === 'unanswered') return `${head}: not answered yet${options.unansweredHint ?? '.'}`;
  if (v.parts) {
    const unknown = v.unknownParts ? `\n${indent}  ${unknownPartsLine(v.unknownParts, Object.keys(v.parts))}` : '';
    const parts = Object.entries(v.parts).map(([partId, part]) =>
      verdictMarkdown(partId, part, { ...options, gate: () => gate(partId), note: () => note(partId), unansweredHint: '.' }, depth + 1),
    );
    const tail = v.explanation !== undefined && Object.keys(v.parts).every((p) => gate(p)) ? [`${indent}  ${v.explanation.replace(/\n/g, `\n${indent}  `)}`] : [];
    return [`${head}: ${verdictLine(v)}${unknown}`, ...parts, ...tail].join('\n');
  }
  const free = v.status === 'not-graded' ? ['*Not graded, so it costs no attempt: fix the answer and run the cell again.*'] : [];
  const body = [verdictLine(v), ...blocks(v, () => gate(), undefined, () => note()), ...free].join('\n\n');
  // A part is a list item: its feedback's further lines are indented to stay inside the item.
  return `${head}: ${depth === 0 ? body : body.replace(/\n/g, `\n${indent}    `)}`;
}
