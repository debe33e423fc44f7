/**
 * Markdown and TeX math made readable in a terminal. Math ($…$, $$…$$) is turned into Unicode first
 * (τ, dₕ, ·, ×, 2²⁰, a/b), then the Markdown is rendered by marked-terminal. No maintained npm package
 * converts TeX to Unicode text (unicode2latex goes the other way; the converters found are Python), so
 * the small subset course prompts use is handled here.
 */
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

const SYMBOLS: Readonly<Record<string, string>> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η',
  theta: 'θ', iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ',
  sigma: 'σ', tau: 'τ', upsilon: 'υ', phi: 'φ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω',
  Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  cdot: '·', times: '×', div: '÷', pm: '±', le: '≤', leq: '≤', ge: '≥', geq: '≥', ne: '≠', neq: '≠',
  approx: '≈', sim: '~', propto: '∝', equiv: '≡', to: '→', rightarrow: '→', leftarrow: '←', Rightarrow: '⇒',
  infty: '∞', sum: '∑', prod: '∏', in: '∈', notin: '∉', ldots: '…', dots: '…', cdots: '⋯', mid: '|',
  lceil: '⌈', rceil: '⌉', lfloor: '⌊', rfloor: '⌋', langle: '⟨', rangle: '⟩', sqrt: '√', partial: '∂',
  log: 'log', ln: 'ln', exp: 'exp', min: 'min', max: 'max', softmax: 'softmax', top: 'ᵀ',
  quad: '  ', qquad: '    ', ',': ' ', ';': ' ', ':': ' ', '!': '', ' ': ' ',
  '{': '{', '}': '}', '%': '%', '_': '_', '&': '&', '#': '#', $: '$', '\\': '\n',
  left: '', right: '', big: '', Big: '', displaystyle: '',
};

/** Commands whose one argument is shown as it is. */
const TEXT_COMMANDS = new Set(['text', 'textrm', 'textit', 'textbf', 'mathrm', 'mathit', 'mathbf', 'mathsf', 'mathtt', 'operatorname', 'mathcal', 'boldsymbol', 'mbox']);

const SUPERSCRIPT: Readonly<Record<string, string>> = Object.fromEntries(
  [...'0123456789+-=()ni'].map((c, i) => [c, '⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ'[i]!]).concat([['T', 'ᵀ'], ['−', '⁻'], ['k', 'ᵏ'], ['m', 'ᵐ'], ['x', 'ˣ']]),
);
const SUBSCRIPT: Readonly<Record<string, string>> = Object.fromEntries(
  [...'0123456789+-=()aehijklmnoprstuvx'].map((c, i) => [c, '₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ'[i]!]),
);

/** TeX math (without the $) as readable Unicode text: "\tau \cdot d_h" → "τ · dₕ". */
export function texToUnicode(tex: string): string {
  return new TexReader(tex).readAll().replace(/[ \t]+/g, ' ').trim();
}

class TexReader {
  private i = 0;
  constructor(private readonly s: string) {}

  readAll(): string {
    let out = '';
    while (this.i < this.s.length) out += this.readAtom();
    return out;
  }

  /** One unit: a command, a {group}, a sub/superscript, or a character. */
  private readAtom(): string {
    const c = this.s[this.i]!;
    if (c === '\\') return this.readCommand();
    if (c === '{') return this.readGroup();
    if (c === '}') {
      this.i += 1;
      return '';
    }
    if (c === '^' || c === '_') {
      this.i += 1;
      return script(this.readArgument(), c === '^' ? SUPERSCRIPT : SUBSCRIPT, c);
    }
    if (c === '~') {
      this.i += 1;
      return ' ';
    }
    this.i += 1;
    return c;
  }

  private readGroup(): string {
    this.i += 1; // {
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== '}') out += this.readAtom();
    this.i += 1; // }
    return out;
  }

  /** The argument of ^, _ or a command: a group, a command, or one character. */
  private readArgument(): string {
    while (this.s[this.i] === ' ') this.i += 1;
    if (this.i >= this.s.length) return '';
    return this.readAtom();
  }

  private readCommand(): string {
    this.i += 1; // backslash
    const letters = /^[A-Za-z]+/.exec(this.s.slice(this.i));
    const name = letters ? letters[0] : (this.s[this.i] ?? '');
    this.i += name.length;
    if (name === 'frac' || name === 'dfrac' || name === 'tfrac') {
      const top = this.readArgument();
      const bottom = this.readArgument();
      return `${wrap(top)}/${wrap(bottom)}`;
    }
    if (name === 'sqrt') return `√${wrap(this.readArgument())}`;
    if (TEXT_COMMANDS.has(name)) return this.readArgument();
    const symbol = SYMBOLS[name];
    // An unknown command: its name reads better than nothing.
    return symbol ?? name;
  }
}

function wrap(text: string): string {
  const t = text.trim();
  return /^√?[\p{L}\p{N}.ₐ-ₜ⁰-⁹₀-₉ᵢ-ᵥ²³¹]+$/u.test(t) || /^\(.*\)$/.test(t) ? t : `(${t})`;
}

/** x^{20} → x²⁰ when every character has a Unicode form, else x^(20)/x_(model) as a plain fallback. */
function script(text: string, table: Readonly<Record<string, string>>, mark: string): string {
  const chars = [...text.trim()];
  if (chars.length > 0 && chars.every((ch) => table[ch] !== undefined)) return chars.map((ch) => table[ch]).join('');
  return chars.length === 1 || /^[\p{L}\p{N}]+$/u.test(text.trim()) ? `${mark}${text.trim()}` : `${mark}(${text.trim()})`;
}

/** Replaces $$…$$ and $…$ (not inside `code`) with their Unicode reading, escaped for Markdown. */
export function mathToUnicode(markdown: string): string {
  return markdown.replace(/(`+)[\s\S]*?\1|\$\$([\s\S]+?)\$\$|\$((?:\\\$|[^$\n])+?)\$/g, (whole, _code: string | undefined, display: string | undefined, inline: string | undefined) => {
    if (display !== undefined) return `\n\n${escapeMarkdown(texToUnicode(display))}\n\n`;
    if (inline !== undefined) return escapeMarkdown(texToUnicode(inline));
    return whole;
  });
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_`[\]<>|])/g, '\\$1');
}

export interface TerminalOptions {
  /** Colour and bold with ANSI codes (only on a terminal). */
  color?: boolean;
  /** Wrap paragraphs at this many columns. */
  width?: number;
}

const IDENTITY = (text: string): string => text;
const STYLE_KEYS = ['code', 'blockquote', 'html', 'heading', 'firstHeading', 'hr', 'listitem', 'table', 'paragraph', 'strong', 'em', 'codespan', 'del', 'link', 'href', 'text'];

/** Markdown with TeX math, rendered for a terminal (plain text when color is false). */
export function renderTerminal(markdown: string, options: TerminalOptions = {}): string {
  const plain = options.color ? {} : Object.fromEntries(STYLE_KEYS.map((k) => [k, IDENTITY]));
  const marked = new Marked(
    markedTerminal({ ...plain, reflowText: true, width: options.width ?? 80, showSectionPrefix: false, tab: 2, emoji: false } as Parameters<typeof markedTerminal>[0]) as Parameters<Marked['use']>[0],
  );
  // marked-terminal 7 renders a tight list item's text token verbatim, dropping its inline markup
  // (**a** stays literal with marked ≥ 13); render those inline tokens ourselves.
  marked.use({
    renderer: {
      text(token) {
        return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
      },
    },
  });
  const rendered = marked.parse(mathToUnicode(markdown), { async: false });
  return rendered.replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
