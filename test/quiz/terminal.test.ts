/**
 * Markdown and TeX made readable in a terminal: the math the course writes turns into Unicode, Markdown
 * markup into plain text (no colour when not a terminal), and code spans are left alone.
 */
import { describe, expect, it } from 'vitest';
import { mathToUnicode, renderTerminal, texToUnicode } from '../../src/render/terminal.js';

describe('texToUnicode', () => {
  it.each([
    ['O(L \\cdot \\tau \\cdot d_h \\cdot n_c)', 'O(L · τ · dₕ · n_c)'],
    ['2 \\times L \\times n_{kv}', '2 × L × nₖᵥ'],
    ['2^{20}', '2²⁰'],
    ['x^2 + y^{-1}', 'x² + y⁻¹'],
    ['\\frac{a+b}{2}', '(a+b)/2'],
    ['\\frac{1}{\\sqrt{d_k}}', '1/√dₖ'],
    ['d_{\\text{model}}', 'd_model'],
    ['\\log_2 n', 'log₂ n'],
    ['m \\ge n_c', 'm ≥ n_c'],
    ['\\alpha, \\beta, \\Omega', 'α, β, Ω'],
    ['\\mathcal{O}(m)', 'O(m)'],
    ['a\\,b', 'a b'],
    ['\\unknowncommand x', 'unknowncommand x'],
  ])('%s → %s', (tex, unicode) => {
    expect(texToUnicode(tex)).toBe(unicode);
  });

  it('never throws on unbalanced input', () => {
    for (const tex of ['{', '}', '^', '_', '\\', '\\frac{a', 'x^{', '{{{']) expect(typeof texToUnicode(tex)).toBe('string');
  });
});

describe('mathToUnicode and renderTerminal', () => {
  it('replaces $…$ and $$…$$ but not $ inside code', () => {
    expect(mathToUnicode('a $\\tau$ b `$x$` c')).toBe('a τ b `$x$` c');
    expect(mathToUnicode('cost $$2 \\cdot L$$ end')).toBe('cost \n\n2 · L\n\n end');
  });

  it('renders Markdown as plain text without colour codes', () => {
    const out = renderTerminal('### kv-bytes (4 points)\n\nThe window of $n_c$ tokens keeps **constant** memory.\n\n- **a**: $O(m)$\n- **b**: $O(n_c)$');
    expect(out).toBe('kv-bytes (4 points)\n\nThe window of n_c tokens keeps constant memory.\n\n  * a: O(m)\n  * b: O(n_c)\n');
    expect(out).not.toMatch(/\u001b\[/);
  });

  it('wraps long paragraphs at the width', () => {
    const out = renderTerminal('word '.repeat(40), { width: 30 });
    for (const line of out.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(30);
  });
});
