import { visibleLength } from './color.js';

/** A column of a text table. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
  /** Right-align (numbers). */
  readonly right?: boolean;
}

/**
 * Renders rows as an aligned text table: upper-case headers, two spaces between columns, no
 * trailing spaces. ANSI colours in cells do not disturb the alignment.
 */
export function formatTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => visibleLength(r[i]!))));
  const render = (values: readonly string[]) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(widths[i]! - visibleLength(v));
        if (columns[i]!.right) return pad + v;
        return i === values.length - 1 ? v : v + pad;
      })
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.header.toUpperCase())), ...cells.map(render)].join('\n') + '\n';
}
