/**
 * Wall-clock times without a UTC offset (HAProxy `[%tr]`, uWSGI ctime, syslog
 * dates, oslo.log text) are read in a named IANA zone. Offsets come from Intl
 * (Node ships full ICU) and are cached per wall-clock hour, so a line costs a
 * Map lookup.
 */
import { usageError } from './errors.js';

const HOUR = 3_600_000;

/** Offset of `zone` at UTC instant `utcMs`, minutes east. */
function offsetAt(fmt: Intl.DateTimeFormat, utcMs: number): number {
  const parts = fmt.formatToParts(new Date(utcMs));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

export type WallToUtc = (wallMs: number, offsetMin: number | null) => number;

/** The zone name the machine runs in ('UTC' when unset). */
export const machineZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function validateZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw usageError(`Unknown time zone "${zone}". Use an IANA name such as UTC, Europe/Berlin or America/New_York.`);
  }
}

/** A converter from wall time to UTC for one zone; lines that state an offset use it instead. */
export function wallToUtc(zone: string): WallToUtc {
  if (zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT') {
    return (wallMs, offsetMin) => (offsetMin === null ? wallMs : wallMs - offsetMin * 60_000);
  }
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: validateZone(zone),
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const cache = new Map<number, number>();
  return (wallMs, offsetMin) => {
    if (offsetMin !== null) return wallMs - offsetMin * 60_000;
    const hour = Math.floor(wallMs / HOUR);
    let off = cache.get(hour);
    if (off === undefined) {
      // Two passes settle the offset across a DST change (the wall hour that does not exist maps forward).
      const guess = wallMs - offsetAt(fmt, wallMs) * 60_000;
      off = offsetAt(fmt, guess);
      cache.set(hour, off);
    }
    return wallMs - off * 60_000;
  };
}
