/** The bench's one table, as plain aligned text (it is pasted into issues and READMEs). */
import type { RowResult } from './run.js';

const fixed = (n: number | null, digits: number): string => (n === null ? '—' : n.toFixed(digits));

export function formatTable(rows: readonly RowResult[]): string {
  const header = ['command', 'input', 'MB', 'seconds', 'CPU s', 'MB/s', '× baseline', 'peak RSS MB', 'check'];
  const right = [false, false, true, true, true, true, true, true, false];
  const body = rows.map((r) => [
    r.label,
    r.input,
    fixed(r.contentMb, 0),
    fixed(r.seconds, 2),
    fixed(r.cpuSeconds, 1),
    fixed(r.mbPerSecond, 0),
    r.baseline
      ? r.seconds === null
        ? '—'
        : '1.0 (base)'
      : r.ratioToBaseline === null
        ? '—'
        : `${r.ratioToBaseline.toFixed(1)}`,
    fixed(r.peakRssMb, 0),
    r.check.text,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w)))];
  let group: string | null = null;
  rows.forEach((r, i) => {
    if (group !== null && r.group !== group) out.push('');
    group = r.group;
    out.push(line(body[i]!));
  });
  return out.join('\n');
}
