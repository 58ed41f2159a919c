/**
 * Calls per UTC day, put in bins that fit a chart: days for up to three
 * months, weeks (from Monday) up to two years, months up to twenty years,
 * years beyond. Each bin also says how many of its days had no logs at all,
 * so a chart can tell "no call" from "no logs".
 */

const DAY = 86_400_000;
/** Up to this many days, one bin per day; up to WEEKS_UP_TO, weeks; up to MONTHS_UP_TO, months. */
export const DAYS_UP_TO = 92;
const WEEKS_UP_TO = 731;
const MONTHS_UP_TO = 7305;

export type BinSize = 'day' | 'week' | 'month' | 'year';

export interface Bin {
  /** First day of the bin (YYYY-MM-DD), or 'undated'. */
  key: string;
  /** Short label: the day, the Monday, YYYY-MM or YYYY. */
  label: string;
  calls: number;
  actions: Record<string, number>;
  /** Days of the bin inside the span the logs cover, and how many of them had no logs. */
  days: number;
  daysWithoutLogs: number;
}

export interface DayCalls {
  day: string;
  calls: number;
  actions: Record<string, number>;
}

/** The days the logs cover and the runs of days without logs (LogSpan's first, last and gaps). */
export interface SpanDays {
  first: string | null;
  last: string | null;
  gaps: readonly { from: string; to: string }[];
}

const dayMs = (day: string): number | null => {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  return Number.isNaN(t) ? null : t;
};
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function startOf(size: BinSize, ms: number): number {
  const d = new Date(ms);
  if (size === 'day') return ms;
  if (size === 'week') return ms - ((d.getUTCDay() + 6) % 7) * DAY;
  if (size === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Date.UTC(d.getUTCFullYear(), 0, 1);
}

function nextOf(size: BinSize, start: number): number {
  const d = new Date(start);
  if (size === 'day') return start + DAY;
  if (size === 'week') return start + 7 * DAY;
  if (size === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
}

const labelOf = (size: BinSize, start: number): string =>
  size === 'month' ? isoDay(start).slice(0, 7) : size === 'year' ? isoDay(start).slice(0, 4) : isoDay(start);

export const binSizeFor = (spanDays: number): BinSize =>
  spanDays <= DAYS_UP_TO ? 'day' : spanDays <= WEEKS_UP_TO ? 'week' : spanDays <= MONTHS_UP_TO ? 'month' : 'year';

/**
 * Every bin from the first to the last day (of the calls and of the logs),
 * in order, with or without calls; undated calls in one bin at the end.
 */
export function binDays(days: readonly DayCalls[], span?: SpanDays): { size: BinSize; bins: Bin[] } {
  const dated = days.map((d) => dayMs(d.day)).filter((t): t is number => t !== null);
  const spanFirst = span?.first ? dayMs(span.first.slice(0, 10)) : null;
  const spanLast = span?.last ? dayMs(span.last.slice(0, 10)) : null;
  const ends = [...dated, ...(spanFirst !== null ? [spanFirst] : []), ...(spanLast !== null ? [spanLast] : [])];
  const bins: Bin[] = [];
  let size: BinSize = 'day';
  if (ends.length > 0) {
    const first = Math.min(...ends);
    const last = Math.max(...ends);
    size = binSizeFor(Math.round((last - first) / DAY) + 1);
    const index = new Map<number, Bin>();
    for (let s = startOf(size, first); s <= last; s = nextOf(size, s)) {
      // Days of the bin that the logs' span covers (no span given: every day of the bin counts as covered).
      const lo = Math.max(s, spanFirst ?? s);
      const hi = Math.min(nextOf(size, s) - DAY, spanLast ?? nextOf(size, s) - DAY);
      const bin = {
        key: isoDay(s),
        label: labelOf(size, s),
        calls: 0,
        actions: {},
        days: hi >= lo ? Math.round((hi - lo) / DAY) + 1 : 0,
        daysWithoutLogs: 0,
      };
      bins.push(bin);
      index.set(s, bin);
    }
    for (const g of span?.gaps ?? []) {
      const from = dayMs(g.from);
      const to = dayMs(g.to);
      if (from === null || to === null) continue;
      for (let t = from; t <= to; t += DAY) {
        const bin = index.get(startOf(size, t));
        if (bin) bin.daysWithoutLogs++;
      }
    }
    for (const d of days) {
      const t = dayMs(d.day);
      if (t !== null) add(index.get(startOf(size, t))!, d);
    }
  }
  const undated = days.filter((d) => dayMs(d.day) === null);
  if (undated.length > 0) {
    const bin: Bin = { key: 'undated', label: 'undated', calls: 0, actions: {}, days: 0, daysWithoutLogs: 0 };
    for (const d of undated) add(bin, d);
    bins.push(bin);
  }
  return { size, bins };
}

function add(bin: Bin, d: DayCalls): void {
  bin.calls += d.calls;
  for (const [a, n] of Object.entries(d.actions)) bin.actions[a] = (bin.actions[a] ?? 0) + n;
}
