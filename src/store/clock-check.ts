/**
 * Two layers on different clocks: lines of calls of interest that did not join (src/store/link.ts
 * joins method, normalised path and status within the join window) but would at a whole-hour
 * distance. A log written in UTC and read in Europe/Berlin (or the reverse) shifts every one of
 * its lines by the same hours, so its calls count twice; the report names the option that fixes it.
 *
 * Runs at report time over stored lines, bounded: at most MAX_LINES unjoined lines, in stored
 * order, sorted per route, status and layer; per route, status and pair of layers, one merge pass
 * per candidate offset (29 passes over those lines).
 */
import type { Db } from './db.js';
import type { Window } from './queries.js';

const HOUR = 3_600_000;
/** Zones are at most 14 hours from UTC (Pacific/Kiritimati). */
export const MAX_SHIFT_HOURS = 14;
/** Unjoined lines read at most (a wrong clock shows in every route: a sample is enough). */
const MAX_LINES = 100_000;
/** The layers whose offset-less times ingest reads in a zone (audit events state their offset). */
const LAYERS = ['lb', 'web', 'nova'] as const;
type ClockLayer = (typeof LAYERS)[number];

export interface ClockSkew {
  /** `second`'s lines are read `hours` hours after `first`'s lines of the same request (negative: before). */
  first: ClockLayer;
  second: ClockLayer;
  hours: number;
  /** Lines of `first` with a line of `second` at that distance (within the join window). */
  pairs: number;
  /** The same at distance zero, joined calls included. */
  atZero: number;
  /** A time of one such pair (UTC ms, as read), to name zone offsets as they were then. */
  sampleTime: number;
}

/**
 * For two sorted time lists, how many of `a` have a `b` at `a + h hours` (± windowMs), for
 * h = -MAX_SHIFT_HOURS … MAX_SHIFT_HOURS (index h + MAX_SHIFT_HOURS), and one such `a` per h.
 */
export function shiftMatches(
  a: readonly number[],
  b: readonly number[],
  windowMs: number,
): { counts: number[]; samples: number[] } {
  const counts: number[] = [];
  const samples: number[] = [];
  for (let h = -MAX_SHIFT_HOURS; h <= MAX_SHIFT_HOURS; h++) {
    let n = 0;
    let sample = NaN;
    let j = 0;
    for (const t of a) {
      const target = t + h * HOUR;
      while (j < b.length && b[j]! < target - windowMs) j++;
      if (j < b.length && b[j]! <= target + windowMs) {
        n++;
        if (Number.isNaN(sample)) sample = t;
      }
    }
    counts.push(n);
    samples.push(sample);
  }
  return { counts, samples };
}

/**
 * A skew worth a warning: one whole-hour distance stands out, against zero (joined calls count
 * there) and against distances not next to it (a DST change splits a shift over two adjacent
 * hours), and pairs up a fair share of the lines (periodic callers match at every hour alike).
 */
export function standsOut(counts: readonly number[], atZeroJoined: number, fewerSide: number): number | null {
  let best = -1;
  for (let i = 0; i < counts.length; i++) {
    if (i === MAX_SHIFT_HOURS) continue;
    if (best < 0 || counts[i]! > counts[best]!) best = i;
  }
  const n = counts[best]!;
  if (n === 0) return null;
  const zero = counts[MAX_SHIFT_HOURS]! + atZeroJoined;
  let rival = 0;
  for (let i = 0; i < counts.length; i++)
    if (i !== MAX_SHIFT_HOURS && Math.abs(i - best) >= 2) rival = Math.max(rival, counts[i]!);
  if (n <= 2 * zero || n < 2 * rival || n * 4 < fewerSide) return null;
  return best - MAX_SHIFT_HOURS;
}

/** Whole-hour skews between layers among the stored lines of calls of interest in the window. */
export function clockSkews(db: Db, w: Window, windowMs: number): ClockSkew[] {
  const shapes = new Map<number, { layer: string; status: number | null }>();
  for (const [id, layer, status] of db.prepare('SELECT id, layer, status FROM observation_shapes').raw().all() as [
    number,
    string,
    number | null,
  ][])
    shapes.set(id, { layer, status });
  const params: number[] = [];
  let where = 'call_id IS NULL AND start_time IS NOT NULL';
  if (w.from !== null) {
    where += ' AND start_time >= ?';
    params.push(w.from);
  }
  if (w.to !== null) {
    where += ' AND start_time < ?';
    params.push(w.to);
  }
  // In stored order, sorted per bucket below: reading the (group, start time) index instead costs
  // a table lookup per line for shape and call (a million stored unjoined lines, 2-core machine
  // under a load of 12-15: 250,000 lines read 0.8 s by the index, 0.55 s in stored order; with
  // 100,000 in stored order the whole check took 0.5-0.7 s).
  const rows = db
    .prepare(`SELECT group_id, shape_id, start_time FROM observation_lines WHERE ${where} LIMIT ${MAX_LINES}`)
    .raw()
    .all(...params) as [number, number, number][];

  // Lines by route, status and layer ("group\tstatus" → layer index → times).
  const buckets = new Map<string, number[][]>();
  for (const [g, shapeId, time] of rows) {
    const s = shapes.get(shapeId);
    const layer = s ? (LAYERS as readonly string[]).indexOf(s.layer) : -1;
    if (layer < 0) continue;
    const k = `${g}\t${s!.status ?? ''}`;
    let b = buckets.get(k);
    if (!b) buckets.set(k, (b = LAYERS.map(() => [])));
    b[layer]!.push(time);
  }
  const totals = new Map<string, { counts: number[]; samples: number[]; fewer: number }>();
  for (const byLayer of buckets.values()) {
    const sorted = byLayer.map((times) => (times.length > 1 ? times.sort((x, y) => x - y) : times));
    for (let i = 0; i < LAYERS.length; i++)
      for (let j = i + 1; j < LAYERS.length; j++) {
        const a = sorted[i]!;
        const b = sorted[j]!;
        if (a.length === 0 || b.length === 0) continue;
        const m = shiftMatches(a, b, windowMs);
        const k = `${LAYERS[i]}\t${LAYERS[j]}`;
        let t = totals.get(k);
        if (!t) totals.set(k, (t = { counts: m.counts.map(() => 0), samples: m.samples.map(() => NaN), fewer: 0 }));
        for (let x = 0; x < m.counts.length; x++) {
          t.counts[x]! += m.counts[x]!;
          if (Number.isNaN(t.samples[x]!)) t.samples[x] = m.samples[x]!;
        }
        t.fewer += Math.min(a.length, b.length);
      }
  }

  const joined = joinedCalls(db, w);
  const out: ClockSkew[] = [];
  for (const [k, t] of totals) {
    const [first, second] = k.split('\t') as [ClockLayer, ClockLayer];
    const atZeroJoined = joined(first, second);
    const h = standsOut(t.counts, atZeroJoined, t.fewer);
    if (h === null) continue;
    out.push({
      first,
      second,
      hours: h,
      pairs: t.counts[h + MAX_SHIFT_HOURS]!,
      atZero: t.counts[MAX_SHIFT_HOURS]! + atZeroJoined,
      sampleTime: t.samples[h + MAX_SHIFT_HOURS]!,
    });
  }
  return out;
}

/** Calls in the window that joined lines of both layers (their layers string holds both). */
function joinedCalls(db: Db, w: Window): (a: string, b: string) => number {
  const params: number[] = [];
  let where = '1 = 1';
  if (w.from !== null) {
    where += ' AND time >= ?';
    params.push(w.from);
  }
  if (w.to !== null) {
    where += ' AND time < ?';
    params.push(w.to);
  }
  const byLayers = db
    .prepare(`SELECT layers, count(*) AS n FROM calls WHERE ${where} GROUP BY layers`)
    .all(...params) as {
    layers: string;
    n: number;
  }[];
  return (a, b) =>
    byLayers.reduce((n, r) => {
      const l = r.layers.split('+');
      return l.includes(a) && l.includes(b) ? n + r.n : n;
    }, 0);
}
