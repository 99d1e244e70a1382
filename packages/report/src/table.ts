/** Plain-text tables for the terminal: columns padded to the widest cell, long cells cut with `…`. */
export interface Column {
  readonly title: string;
  readonly align?: 'left' | 'right';
  /** cut cells longer than this (the last column is usually the long one) */
  readonly max?: number;
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => columns.map((c, i) => (c.max ? truncate(row[i] ?? '', c.max) : (row[i] ?? ''))));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...cells.map(line)].join('\n') + '\n';
}

export function percent(part: number, whole: number, digits = 1): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(digits)}%`;
}
