/** Small counting helpers the report builder shares: counts, ranks and ISO times. */
import type { DimensionRow } from '../../reports/model.js';

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const inc = <K>(m: Map<K, number>, k: K, n = 1): void => {
  m.set(k, (m.get(k) ?? 0) + n);
};

/** A count map as an object with sorted keys: the same report whatever order rows came in. */
export const obj = (m: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));

/** Calls, actions, first and last time of one value of a dimension (a project, a host…). */
export class Tally {
  calls = 0;
  readonly actions = new Map<string, number>();
  first = Infinity;
  last = -Infinity;
  /** A name shown beside an id (projects, users): the smallest seen, so row order cannot change it. */
  name: string | null = null;
  add(action: string, time: number | null): void {
    this.calls++;
    inc(this.actions, action);
    if (time !== null) {
      if (time < this.first) this.first = time;
      if (time > this.last) this.last = time;
    }
  }
  nameIt(name: string | null): void {
    if (name !== null && (this.name === null || name < this.name)) this.name = name;
  }
  summary(): DimensionRow {
    return {
      calls: this.calls,
      actions: obj(this.actions),
      firstSeen: this.first === Infinity ? null : iso(this.first),
      lastSeen: this.last === -Infinity ? null : iso(this.last),
    };
  }
}

/** The tally of `key` in `m`, made on first use. */
export function tallyOf(m: Map<string, Tally>, key: string): Tally {
  let t = m.get(key);
  if (!t) m.set(key, (t = new Tally()));
  return t;
}

/** Most calls first, then by name (what every dimension table shows). */
export function ranked<T>(m: Map<string, T>, calls: (t: T) => number): [string, T][] {
  return [...m].sort((a, b) => calls(b[1]) - calls(a[1]) || a[0].localeCompare(b[0]));
}

/** The most frequent values, at most `n`. */
export function top(m: Map<string, number>, n = 5): string[] {
  return [...m]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([v]) => v);
}

export function compareMicroversion(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return (am ?? 0) - (bm ?? 0) || (an ?? 0) - (bn ?? 0);
}

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
