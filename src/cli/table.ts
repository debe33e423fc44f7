import Table from 'cli-table3';

/** A table without ANSI colours, so piped output and test snapshots stay plain text. */
export function plainTable(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] } });
}
