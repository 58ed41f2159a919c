/**
 * Which UTC days to read, and which of them cannot be read. kolla writes one index per UTC day
 * (`flog-2024.05.02`) and closes indices after 30 days; a wildcard search skips closed indices
 * without a word, so a closed day would look empty (central-logging.md §1.3). The index list
 * (`_cat/indices`, closed ones included) says, for daily-named indices, which days are closed or
 * have no index at all; such days are reported, not searched.
 */
import type { SearchClient } from './http.js';
import { SearchHttpError } from './http.js';

export const DAY_MS = 86_400_000;

export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** The UTC days overlapping [from, to). */
export function daysBetween(from: number, to: number): string[] {
  const days: string[] = [];
  for (let t = dayStart(dayOf(from)); t < to; t += DAY_MS) days.push(dayOf(t));
  return days;
}

export interface IndexDays {
  /** The open daily-named indices of each day. */
  open: Map<string, string[]>;
  closed: Map<string, string[]>;
  /** Whether the pattern's indices are named by day (only then can a day be known missing). */
  daily: boolean;
  /** Closed indices whose name gives no day. */
  closedOther: string[];
  /** Why the list could not be read (no permission), or null. */
  unknown: string | null;
  /**
   * Whether a day index holds exactly that UTC day's documents (Fluentd's utc_index, Logstash's
   * default): then a window searches its day's indices alone, and a shard failing elsewhere
   * fails only its own day. Checked on the newest day index; otherwise every window searches the
   * whole pattern (a day index named in another zone holds hours of the next or previous day).
   */
  utcNamed: boolean;
}

/** `flog-2024.05.02`, `logstash-2024-05-02`, `x-20240502`. */
const DAY_SUFFIX = /(\d{4})[.-]?(\d\d)[.-]?(\d\d)$/;

export async function indexDays(client: SearchClient, pattern: string): Promise<IndexDays> {
  const out: IndexDays = {
    open: new Map(),
    closed: new Map(),
    daily: false,
    closedOther: [],
    unknown: null,
    utcNamed: false,
  };
  let rows: { index: string; status?: string }[];
  try {
    rows = await client.call('GET', `/_cat/indices/${encodeURIComponent(pattern)}`, undefined, {
      query: { format: 'json', h: 'index,status', expand_wildcards: 'all' },
      idempotent: true,
    });
  } catch (e) {
    if (e instanceof SearchHttpError && (e.status === 401 || e.status === 403)) {
      out.unknown = `the index list is not readable with these credentials (${e.message})`;
      return out;
    }
    if (e instanceof SearchHttpError && e.status === 404) return out;
    throw e;
  }
  for (const r of rows) {
    const m = DAY_SUFFIX.exec(r.index);
    const closed = r.status === 'close';
    if (!m) {
      if (closed) out.closedOther.push(r.index);
      continue;
    }
    out.daily = true;
    const day = `${m[1]}-${m[2]}-${m[3]}`;
    const into = closed ? out.closed : out.open;
    into.set(day, [...(into.get(day) ?? []), r.index]);
  }
  if (out.open.size > 0) out.utcNamed = await utcNamed(client, out);
  return out;
}

/** Whether the newest day index's documents all lie within its UTC day. */
async function utcNamed(client: SearchClient, days: IndexDays): Promise<boolean> {
  const day = [...days.open.keys()].sort().pop()!;
  const index = days.open.get(day)!.join(',');
  try {
    const a = await client.call<{
      aggregations?: { first?: { value: number | null }; last?: { value: number | null } };
    }>(
      'POST',
      `/${encodeURIComponent(index)}/_search`,
      { size: 0, aggs: { first: { min: { field: '@timestamp' } }, last: { max: { field: '@timestamp' } } } },
      { query: { ignore_unavailable: true }, idempotent: true },
    );
    const first = a.aggregations?.first?.value;
    const last = a.aggregations?.last?.value;
    if (typeof first !== 'number' || typeof last !== 'number') return false;
    return first >= dayStart(day) && last < dayStart(day) + DAY_MS;
  } catch {
    return false;
  }
}

/** What a window searches: its day's indices when they are named by UTC day, else the whole pattern. */
export function searchTarget(days: IndexDays, pattern: string, day: string): string {
  const own = days.open.get(day);
  return days.utcNamed && own ? own.join(',') : pattern;
}

/** Why a day cannot be read, or null when it can. */
export function unreadable(days: IndexDays, day: string): { status: 'closed' | 'missing'; reason: string } | null {
  const closed = days.closed.get(day);
  if (closed)
    return { status: 'closed', reason: `index ${closed.join(', ')} is closed (kolla closes indices after 30 days)` };
  if (days.daily && !days.open.has(day))
    return { status: 'missing', reason: 'no index holds this day (deleted, or never written)' };
  return null;
}
