/**
 * The span of time the logs cover, by UTC day: the first and last time, the
 * days with logs and the gaps between them. "Nobody calls" can only speak
 * for days some log covered, so gaps and a short span make the answer partial.
 */
import type { LogSpan } from '../../reports/model.js';
import type { Window } from '../store/report-queries.js';
import { iso } from './tally.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

const dayOf = (ms: number): number => Math.floor(ms / DAY);
const dayName = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/**
 * The first and last time within the first and last hour with logs: the
 * exact first (last) time a source read when one falls in that hour, else the
 * hour's start (end), never outside the window.
 */
function edges(
  hours: readonly number[],
  w: Window,
  sourceTimes: readonly { first: number | null; last: number | null }[],
): { first: number; last: number } {
  const firstHour = hours[0]!;
  const lastHour = hours[hours.length - 1]!;
  const inWindow = (t: number): boolean => (w.from === null || t >= w.from) && (w.to === null || t < w.to);
  const firsts = sourceTimes
    .map((s) => s.first)
    .filter((t): t is number => t !== null && t >= firstHour && t < firstHour + HOUR && inWindow(t));
  const lasts = sourceTimes
    .map((s) => s.last)
    .filter((t): t is number => t !== null && t >= lastHour && t < lastHour + HOUR && inWindow(t));
  return {
    first: firsts.length ? Math.min(...firsts) : Math.max(firstHour, w.from ?? -Infinity),
    last: lasts.length ? Math.max(...lasts) : Math.min(lastHour + HOUR, w.to ?? Infinity),
  };
}

/**
 * @param hours starts (ms) of the hours in the window with logs of the service
 * @param w the window asked for (a bound given extends the span to it, up to `now`)
 */
export function logSpan(
  hours: Iterable<number>,
  w: Window,
  minDays: number,
  now: number,
  sourceTimes: readonly { first: number | null; last: number | null }[] = [],
): LogSpan {
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const withLogs = new Set(sorted.map(dayOf));
  const e = sorted.length ? edges(sorted, w, sourceTimes) : null;
  const startMs = w.from ?? e?.first ?? null;
  const endMs = w.to !== null ? Math.min(w.to, now) - 1 : e ? e.last - 1 : null;
  const gaps: LogSpan['gaps'] = [];
  let days = 0;
  let daysWithLogs = withLogs.size;
  if (startMs !== null && endMs !== null && endMs >= startMs) {
    const start = dayOf(startMs);
    const end = dayOf(endMs);
    days = end - start + 1;
    daysWithLogs = [...withLogs].filter((d) => d >= start && d <= end).length;
    let from: number | null = null;
    for (let d = start; d <= end + 1; d++) {
      const missing = d <= end && !withLogs.has(d);
      if (missing && from === null) from = d;
      else if (!missing && from !== null) {
        gaps.push({ from: dayName(from), to: dayName(d - 1), days: d - from });
        from = null;
      }
    }
  }
  return {
    first: e ? iso(e.first) : null,
    last: e ? iso(e.last) : null,
    days,
    daysWithLogs,
    minDays,
    gaps,
  };
}
