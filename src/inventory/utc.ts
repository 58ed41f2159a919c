/** Times in inventories: ISO text that nova and OpenStackClient write in UTC without saying so. */
import { parseIso } from '../../parsers/time.js';

/** ISO time as ms UTC; text without an offset (OSC's `Updated At`, nova's DB columns) is UTC. Null when not a time. */
export function isoToUtcMs(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const t = parseIso(v);
  return t === null ? null : t.wallMs - (t.offsetMin ?? 0) * 60_000;
}
