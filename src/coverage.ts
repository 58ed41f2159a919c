/** Hours of log coverage as an export states them: runs of whole UTC hours, and back. */
import type { ExportCoverage, HourRange } from '../reports/export-model.js';

const HOUR = 3_600_000;

/** Hours (ms of each hour's start, any order, repeats allowed) → runs of consecutive hours. */
export function coverageOf(hours: Iterable<number>): ExportCoverage {
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const ranges: HourRange[] = [];
  let start: number | null = null;
  let end = 0;
  const close = (): void => {
    if (start !== null) ranges.push({ from: new Date(start).toISOString(), to: new Date(end).toISOString() });
  };
  for (const h of sorted) {
    if (start !== null && h === end) {
      end += HOUR;
      continue;
    }
    close();
    start = h;
    end = h + HOUR;
  }
  close();
  return { hours: sorted.length, ranges };
}

/** The hours (ms of each hour's start) a coverage holds. */
export function hoursOf(c: ExportCoverage): number[] {
  const out: number[] = [];
  for (const r of c.ranges) {
    const to = Date.parse(r.to);
    for (let h = Math.floor(Date.parse(r.from) / HOUR) * HOUR; h < to; h += HOUR) out.push(h);
  }
  return out;
}
