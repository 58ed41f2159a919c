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

/**
 * The one clock: every source whose lines state no UTC offset (oslo.log text, HAProxy `[%tr]`,
 * uWSGI ctime, syslog dates) is read in the machine's zone, because oslo.log and HAProxy both
 * write local time unless configured otherwise, and kolla starts every container with the
 * host's TZ (central-logging.md §1.2, kolla_container_worker.py). nova's lines used to default
 * to UTC: on a machine in Europe/Berlin one call logged by HAProxy and nova counted twice.
 */
export const CLOCK_RULE =
  'Timestamps without a UTC offset are read in the zone of the machine that ran the ingest, ' +
  "for every source; --timezone (front ends) and --nova-timezone (nova's lines) override it.";

/**
 * The zones an ingest reads offset-less times in, and the meta rows that record them with the
 * machine's zone (a zone other than the machine's was set by an option; the report says which).
 */
export function sourceZones(opts: { timezone?: string | undefined; novaTimezone?: string | undefined }): {
  timezone: string;
  novaTimezone: string;
  meta: [string, string][];
} {
  const machine = machineZone();
  const timezone = validateZone(opts.timezone ?? machine);
  const novaTimezone = validateZone(opts.novaTimezone ?? machine);
  return {
    timezone,
    novaTimezone,
    meta: [
      ['timezone', timezone],
      ['nova_timezone', novaTimezone],
      ['machine_zone', machine],
    ],
  };
}

/** Offset of `zone` at UTC instant `utcMs`, minutes east of UTC. */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  if (zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT') return 0;
  return offsetAt(formatIn(validateZone(zone)), utcMs);
}

/** An IANA zone for a whole-hour offset: UTC, or Etc/GMT∓N (POSIX signs: Etc/GMT-2 is UTC+2). */
export function zoneForOffset(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const h = Math.abs(minutes / 60);
  return `Etc/GMT${minutes > 0 ? '-' : '+'}${h}`;
}

export function validateZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw usageError(`Unknown time zone "${zone}". Use an IANA name such as UTC, Europe/Berlin or America/New_York.`);
  }
}

const formatIn = (zone: string): Intl.DateTimeFormat =>
  new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });

/** A converter from wall time to UTC for one zone; lines that state an offset use it instead. */
export function wallToUtc(zone: string): WallToUtc {
  if (zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT') {
    return (wallMs, offsetMin) => (offsetMin === null ? wallMs : wallMs - offsetMin * 60_000);
  }
  const fmt = formatIn(validateZone(zone));
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
