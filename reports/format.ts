/** Small text helpers shared by the renderers. */

export const num = (n: number): string => n.toLocaleString('en-US');

/** Wrap text to a width, with an indent on every line. */
export function wrap(text: string, width: number, indent = ''): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && (indent + line + ' ' + w).length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export function truncate(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}

export interface Column<T> {
  title: string;
  width: number;
  align?: 'left' | 'right';
  value: (row: T) => string;
}

/**
 * A fixed-width table: titles, then one line per row. Cells longer than their
 * column end in '…', except the last column, which wraps onto continuation
 * lines so nothing is lost.
 */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], indent = '  '): string {
  const cell = (c: Column<T>, v: string): string => {
    const t = truncate(v, c.width);
    return c.align === 'right' ? t.padStart(c.width) : t.padEnd(c.width);
  };
  const last = columns[columns.length - 1]!;
  const lead = columns.slice(0, -1);
  const leadWidth = lead.reduce((n, c) => n + c.width + 1, 0);
  const lines = [
    columns
      .map((c) => cell(c, c.title))
      .join(' ')
      .trimEnd(),
  ];
  for (const r of rows) {
    const wrapped = wrap(last.value(r), last.width).split('\n');
    lines.push((lead.map((c) => cell(c, c.value(r))).join(' ') + ' ' + (wrapped[0] ?? '')).trimEnd());
    for (const more of wrapped.slice(1)) lines.push(' '.repeat(leadWidth) + more);
  }
  return lines.map((l) => indent + l).join('\n');
}

export const shortTime = (iso: string | null): string => (iso === null ? '-' : `${iso.slice(0, 16).replace('T', ' ')}`);

export function statuses(s: Record<string, number>): string {
  return Object.entries(s)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
}

export function actionCounts(a: Record<string, number>): string {
  return Object.entries(a)
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
