/** Counts in the command's messages: "1 page", "2 pages", never "1 pages". */

/** `n` and the noun, plural unless `n` is 1 (the plural is the noun + "s" unless given). */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
