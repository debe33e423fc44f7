/**
 * Bank expressions: the arithmetic the spec allows, with ^ as a right-associative power above * and /,
 * and everything else refused when the expression is compiled (never evaluated as code).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionError } from '../../src/quiz/index.js';

const evaluate = (source: string, scope: Record<string, number> = {}) => compileExpression(source, new Set(Object.keys(scope))).evaluate(scope);

describe('expressions', () => {
  it('evaluates the spec example over params', () => {
    const scope = { layers: 32, heads: 16, window: 4096 };
    expect(evaluate('2 * layers * heads * 128 * window * 2 / 2^20', scope)).toBe(1024);
  });

  it('^ is a power, right-associative, above * and /', () => {
    expect(evaluate('2^3^2')).toBe(512); // 2^(3^2), not (2^3)^2 = 64
    expect(evaluate('2 * 3^2')).toBe(18);
    expect(evaluate('2^10 / 2^8')).toBe(4);
    expect(evaluate('(2 * 3)^2')).toBe(36);
  });

  it('unary minus and plus, parentheses, and the six functions', () => {
    expect(evaluate('-3 + 5')).toBe(2);
    expect(evaluate('-(2^2)')).toBe(-4);
    // Minus takes a whole power chain, as in arithmetic; a parenthesised negative is one token.
    expect(evaluate('-2^2')).toBe(-4);
    expect(evaluate('(-2)^2')).toBe(4);
    expect(evaluate('-2^2^3')).toBe(-256);
    expect(evaluate('2^-1')).toBe(0.5);
    expect(evaluate('3 - -2^2')).toBe(7);
    expect(evaluate('-3 * 2')).toBe(-6);
    expect(evaluate('-min(1, 2)^2')).toBe(-1);
    expect(evaluate('- 2 ^ 2')).toBe(-4);
    expect(evaluate('+4 - -1')).toBe(5);
    expect(evaluate('min(3, 1, 2) + max(4, 9)')).toBe(10);
    expect(evaluate('floor(2.7) + ceil(2.1) + round(2.5)')).toBe(8);
    expect(evaluate('log2(1024)')).toBe(10);
  });

  it('lists the symbols it uses', () => {
    expect(compileExpression('a * b + a', new Set(['a', 'b', 'c'])).symbols).toEqual(['a', 'b']);
  });

  it.each([
    ['process.exit(1)', /calls a member/],
    ['constructor', /unknown symbol 'constructor'/],
    ['__proto__', /unknown symbol '__proto__'/],
    ['a.b', /may not access members/],
    ['a[0]', /may not access members/],
    ['"x" + 1', /may only contain numbers/],
    ['true', /may only contain numbers/],
    ['eval(1)', /calls 'eval'/],
    ['Function("x")', /calls 'Function'/],
    ['min', /uses the function 'min' without calling it/],
    ['floor(1, 2)', /floor\(\) with 2 argument\(s\); it takes 1/],
    ['1 ? 2 : 3', /conditional/],
    ['[1, 2]', /an array/],
    ['1 % 2', /operator '%'/],
    ['!1', /operator '!'/],
    ['1 == 1', /operator '=='/],
    ['this', /'this'/],
    ['2 * (3', /does not parse/],
    ['', /is empty/],
  ])('refuses %j', (source, message) => {
    expect(() => compileExpression(source, new Set(['a']))).toThrow(ExpressionError);
    expect(() => compileExpression(source, new Set(['a']))).toThrow(message);
  });

  it('agrees with ordinary arithmetic for random integer expressions (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 4 }), (a, b, c, e) => {
        const scope = { a, b, c, e };
        expect(evaluate('a + b * c', scope)).toBe(a + b * c);
        expect(evaluate('(a - b) / c', scope)).toBeCloseTo((a - b) / c, 12);
        expect(evaluate('c ^ e * 2', scope)).toBe(c ** e * 2);
        expect(evaluate('-a + max(b, c)', scope)).toBe(-a + Math.max(b, c));
      }),
    );
  });
});
