/** The commands' counts: the singular for exactly one, the plural otherwise ("1 page", never "1 pages"). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count } from '../src/cli/count.js';

describe('count', () => {
  it('is singular for 1 and plural for every other count', () => {
    expect(count(1, 'page')).toBe('1 page');
    expect(count(0, 'page')).toBe('0 pages');
    expect(count(1, 'index', 'indices')).toBe('1 index');
    fc.assert(
      fc.property(fc.nat(), fc.stringMatching(/^[a-z]{1,12}$/), (n, noun) => {
        expect(count(n, noun)).toBe(n === 1 ? `1 ${noun}` : `${n} ${noun}s`);
        expect(count(n, noun, `${noun}es`)).toBe(n === 1 ? `1 ${noun}` : `${n} ${noun}es`);
      }),
    );
  });
});
