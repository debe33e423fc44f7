/**
 * Small Markdown builders for notebook output (tslab.display.markdown): a table of figures reads better
 * than console.log of an array, and it survives the HTML export as a real table.
 */

/** A Markdown table; numbers are right-aligned, everything else left-aligned. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const escape = (cell: string | number) => String(cell).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const numeric = headers.map((_, col) => rows.length > 0 && rows.every((row) => typeof row[col] === 'number'));
  const lines = [
    `| ${headers.map(escape).join(' | ')} |`,
    `|${numeric.map((n) => (n ? '---:' : ':---')).join('|')}|`,
    ...rows.map((row) => {
      if (row.length !== headers.length) {
        throw new Error(`a table row has ${row.length} cells but there are ${headers.length} headers`);
      }
      return `| ${row.map((cell) => (typeof cell === 'number' ? cell.toLocaleString('en-US') : escape(cell))).join(' | ')} |`;
    }),
  ];
  return lines.join('\n');
}
