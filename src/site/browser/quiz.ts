/**
 * A practice quiz in the page. The bank's YAML is embedded in the page and loaded by kvlab's own loader;
 * variants and grades come from the same code as the notebooks and `kvlab quiz`, so a student id gives
 * the same numbers everywhere. Retries follow the notebooks' rules (see attempts.ts).
 */
import { Marked } from 'marked';
import markedKatex from 'marked-katex-extension';
import { checkBankSource } from '../../quiz/load.js';
import { gradeAnswer } from '../../quiz/grade.js';
import { questionVariant } from '../../quiz/variant.js';
import { studentSeed } from '../../quiz/student-seed.js';
import type { Bank, QuestionResult, QuestionVariant } from '../../quiz/types.js';
import { nextAttempt, SOLUTION_AFTER_ATTEMPTS, type AttemptState } from '../../quiz/attempts.js';
import { verdictText } from '../../quiz/verdict.js';

const marked = new Marked({ gfm: true, async: false });
marked.use(markedKatex({ output: 'mathml', throwOnError: false, nonStandard: true }));
const md = (text: string): string => marked.parse(text) as string;
const mdInline = (text: string): string => marked.parseInline(text) as string;

interface PageData {
  source: string;
  file: string;
}

const STATUS_WORD: Record<QuestionResult['status'], string> = {
  correct: '✓ Correct',
  partial: '◐ Partly correct',
  incorrect: '✗ Incorrect',
  'not-graded': '! Not graded',
  unanswered: '… Not answered',
};

function storageKey(bank: string, seed: number, question: string): string {
  return `kvlab:${bank}:${seed}:${question}`;
}

function loadState(key: string): AttemptState {
  try {
    const raw = localStorage.getItem(key);
    if (raw) return JSON.parse(raw) as AttemptState;
  } catch {
    // Storage may be off (private mode, file:// in some browsers): the quiz still works, unsaved.
  }
  return { attempts: 0, solved: false, best: 0 };
}

function saveState(key: string, state: AttemptState): void {
  try {
    localStorage.setItem(key, JSON.stringify(state));
  } catch {
    /* see loadState */
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, html?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (html !== undefined) e.innerHTML = html;
  return e;
}

/** An answer form for one variant, and how to read the student's answer back from it. */
interface AnswerForm {
  node: HTMLElement;
  read(): unknown;
}

function answerForm(v: QuestionVariant, idPrefix: string): AnswerForm {
  const name = `${idPrefix}-answer`;
  const fieldset = element('fieldset');
  fieldset.append(element('legend', {}, 'Your answer'));
  const radios = (options: { value: string; html: string }[], type: 'radio' | 'checkbox') => {
    options.forEach((o, i) => {
      const id = `${name}-${i}`;
      const row = element('div', { class: 'option' });
      row.append(element('input', { type, id, name, value: o.value }), element('label', { for: id }, o.html));
      fieldset.append(row);
    });
  };
  const checked = () => [...fieldset.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
  switch (v.type) {
    case 'true-false':
      radios([{ value: 'true', html: 'True' }, { value: 'false', html: 'False' }], 'radio');
      return { node: fieldset, read: () => (checked()[0] === undefined ? undefined : checked()[0] === 'true') };
    case 'single-choice':
      radios((v.choices ?? []).map((c) => ({ value: c.id, html: `<b>${c.id}</b>. ${mdInline(c.text)}` })), 'radio');
      return { node: fieldset, read: () => checked()[0] };
    case 'multiple-choice':
      radios((v.choices ?? []).map((c) => ({ value: c.id, html: `<b>${c.id}</b>. ${mdInline(c.text)}` })), 'checkbox');
      return { node: fieldset, read: () => checked() };
    case 'matching': {
      const selects = (v.left ?? []).map((left, i) => {
        const id = `${name}-${i}`;
        const row = element('div', { class: 'option' });
        const select = element('select', { id });
        select.append(element('option', { value: '' }, '(choose)'));
        for (const right of v.right ?? []) select.append(Object.assign(element('option', { value: right }), { textContent: right }));
        row.append(element('label', { for: id }, mdInline(left)), select);
        fieldset.append(row);
        return { left, select };
      });
      return {
        node: fieldset,
        read: () => (selects.some((s) => s.select.value === '') ? undefined : Object.fromEntries(selects.map((s) => [s.left, s.select.value]))),
      };
    }
    case 'ordering': {
      const items = v.items ?? [];
      const selects = items.map((_, i) => {
        const id = `${name}-${i}`;
        const row = element('div', { class: 'option' });
        const select = element('select', { id });
        select.append(element('option', { value: '' }, '(choose)'));
        for (const item of items) select.append(Object.assign(element('option', { value: item }), { textContent: item }));
        row.append(element('label', { for: id }, `Position ${i + 1}`), select);
        fieldset.append(row);
        return select;
      });
      return { node: fieldset, read: () => (selects.some((s) => s.value === '') ? undefined : selects.map((s) => s.value)) };
    }
    default: {
      // numeric, text and any text-answered type: one line of text, read as a number when it is one.
      const id = `${name}-text`;
      const unit = v.type === 'numeric' && v.unit ? ` (in ${v.unit})` : '';
      const row = element('div', { class: 'option' });
      const input = element('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false' });
      row.append(element('label', { for: id }, `Answer${unit}`), input);
      fieldset.append(row);
      return {
        node: fieldset,
        read: () => {
          const text = input.value.trim();
          if (text === '') return undefined;
          return v.type === 'numeric' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? Number(text) : text;
        },
      };
    }
  }
}

/** The verdict as the page shows it (the quiz engine's renderer): before the solution is unlocked, no explanation. */
function pageVerdict(result: QuestionResult, showSolution: boolean): string {
  return md(verdictText(result, () => showSolution));
}

function renderQuestion(bank: Bank, seed: number, v: QuestionVariant, container: HTMLElement, onScore: () => void): void {
  const section = element('section', { class: 'question', id: `q-${v.id}`, 'aria-labelledby': `q-${v.id}-title` });
  section.append(element('h2', { id: `q-${v.id}-title` }, `${v.id} <span class="points">(${v.points} point${v.points === 1 ? '' : 's'})</span>`));
  if (v.type === 'scenario') section.append(element('div', { class: 'context' }, md(v.context)));
  section.append(element('div', { class: 'prompt' }, md(v.prompt)));
  const forms = v.type === 'scenario' ? (v.parts ?? []).map((p) => ({ part: p, form: answerForm(p, `q-${v.id}-${p.id}`) })) : [];
  const single = v.type === 'scenario' ? undefined : answerForm(v, `q-${v.id}`);
  for (const { part, form } of forms) {
    const box = element('div', { class: 'part' });
    box.append(element('h3', {}, `${part.id} <span class="points">(${part.points} point${part.points === 1 ? '' : 's'})</span>`));
    box.append(element('div', { class: 'prompt' }, md(part.prompt)), form.node);
    section.append(box);
  }
  if (single) section.append(single.node);
  const button = element('button', { type: 'button' }, 'Check');
  const feedback = element('div', { class: 'feedback', role: 'status', 'aria-live': 'polite' });
  section.append(button, feedback);
  container.append(section);

  const key = storageKey(bank.id, seed, v.id);
  const show = (state: AttemptState, result: QuestionResult | undefined) => {
    const tries = `${state.attempts} attempt${state.attempts === 1 ? '' : 's'}`;
    const unlocked = state.solved || state.attempts >= SOLUTION_AFTER_ATTEMPTS;
    const hint = unlocked ? '' : ` The worked solution opens after a correct answer or ${SOLUTION_AFTER_ATTEMPTS} attempts.`;
    feedback.innerHTML = result
      ? `<p class="status status-${result.status}"><strong>${STATUS_WORD[result.status]}</strong> · ${tries}.${result.status === 'not-graded' ? ' This one did not count.' : ''}${hint}</p>${pageVerdict(result, unlocked)}`
      : state.attempts > 0
        ? `<p class="status">Best score so far ${state.best}/${v.points} · ${tries}.${hint}</p>`
        : '';
  };
  show(loadState(key), undefined);
  button.addEventListener('click', () => {
    const answer = single ? single.read() : Object.fromEntries(forms.map(({ part, form }) => [part.id, form.read()]).filter(([, a]) => a !== undefined));
    const result = gradeAnswer(bank, v.id, answer, seed);
    const state = nextAttempt(loadState(key), result.status, result.score);
    saveState(key, state);
    show(state, result);
    onScore();
  });
}

function start(): void {
  const data = JSON.parse(document.getElementById('kvlab-bank')!.textContent ?? '{}') as PageData;
  const { bank, problems } = checkBankSource(data.source, data.file);
  const root = document.getElementById('quiz')!;
  if (!bank) {
    root.textContent = `This bank does not load: ${problems[0] ?? 'unknown problem'}`;
    return;
  }
  const form = document.getElementById('student-form') as HTMLFormElement;
  const input = document.getElementById('student-id') as HTMLInputElement;
  const score = document.getElementById('score')!;
  const questions = document.getElementById('questions')!;
  const showScore = (seed: number) => {
    let got = 0;
    let max = 0;
    for (const q of bank.questions) {
      const state = loadState(storageKey(bank.id, seed, q.id));
      got += state.best;
      max += q.type === 'scenario' ? (q.parts ?? []).reduce((s, p) => s + p.points, 0) : q.points;
    }
    score.textContent = `Score: ${Math.round(got * 1e4) / 1e4} of ${max}`;
  };
  const open = (id: string) => {
    const seed = studentSeed(id);
    questions.replaceChildren();
    for (const q of bank.questions) renderQuestion(bank, seed, questionVariant(bank, q.id, seed), questions, () => showScore(seed));
    document.getElementById('seed-note')!.textContent = `Questions for student id “${id}” (seed ${seed}).`;
    showScore(seed);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = input.value.trim() || '0';
    try {
      localStorage.setItem('kvlab:student', id);
    } catch {
      /* unsaved */
    }
    open(id);
  });
  let saved: string | null = null;
  try {
    saved = localStorage.getItem('kvlab:student');
  } catch {
    /* unsaved */
  }
  input.value = saved ?? '';
  open(saved ?? '0');
}

start();
