/**
 * Envelopes: what syslog, journald and grep put in front of the line a
 * program wrote. Stripping them leaves the payload a LineParser reads.
 *
 *   rfc3164        `Mar 22 15:16:23 ctl1 nova-api[1234]: …`   (rsyslog files, `journalctl -o short`)
 *                  `Mar 28 12:20:43.570064 host unit[pid]: …` (`journalctl -o short-precise`)
 *                  `Mar 22 15:16:23 haproxy[25]: …`           (HAProxy ≥ 2.4 `local`: no host)
 *                  `<134>Mar 22 15:16:23 …`                   (with a priority)
 *   iso            `2024-03-22T15:16:23.412345+00:00 lb1 haproxy[1234]: …` (RSYSLOG_FileFormat, `-o short-iso`)
 *   rfc5424        `<134>1 2024-06-12T10:09:11.823400+02:00 - normal 224482 - - …`
 *   tag            `haproxy[674]: …`                           (syslog tag without date or host, as
 *                                                              haproxy's configuration.txt §8.2 examples print it)
 *   grep           `/var/log/nova/nova-api.log:…`, `nova-api.log:12:…` (`grep -H [-n]`),
 *                  `nova-api.log.1.2017-05-16_13:53:08 2017-…`  (loghub's file-name prefix)
 *   journal-json   `{"__CURSOR":"s=…","__REALTIME_TIMESTAMP":"1714641301337000","_HOSTNAME":"ctl1",
 *                   "MESSAGE":"INFO nova.api.openstack.requestlog […] …",…}`  (`journalctl -o json`, and
 *                  `-o export` decoded by journal-export.ts): the payload is MESSAGE, decoded, so it is
 *                  given as `payload` rather than a position; a MESSAGE that is not valid UTF-8 comes as
 *                  an array of bytes.
 *
 * Sources: lb-logs.md §1.3 and nova-logs.md §1b (journal output); central-logging.md §7 (journal JSON).
 */
import { parseIso, parseSyslogDate } from './time.js';

export interface Envelope {
  /** Index in the line where the payload starts. */
  start: number;
  wallMs: number | null;
  offsetMin: number | null;
  /** Host named by the envelope ('-' and empty become null). */
  host: string | null;
  /** Syslog tag / journald unit, e.g. 'haproxy', 'nova-api', 'devstack@n-api.service'. */
  program: string | null;
  /** The envelope has a date (left unread, wallMs null, when the caller asked for no time). */
  hasTime: boolean;
  /** The payload, when it is not a slice of the line (a journal entry's MESSAGE, decoded from JSON). */
  payload?: string;
}

/** The payload an envelope wraps: what a LineParser reads. */
export const payloadOf = (line: string, env: Envelope): string =>
  env.payload ?? (env.start === 0 ? line : line.slice(env.start));

const NONE: Envelope = Object.freeze({
  start: 0,
  wallMs: null,
  offsetMin: null,
  host: null,
  program: null,
  hasTime: false,
});

// Month day time [.frac] [host] tag[pid]:   — the host is optional (HAProxy `local`).
const RFC3164 =
  /^(?:<\d{1,3}>)?([A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)?) (?:(\S+) )??([^\s[\]:]+)(?:\[(\d+)\])?: /;
const ISO_SYSLOG =
  /^(?:<\d{1,3}>)?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) (\S+) ([^\s[\]:]+)(?:\[(\d+)\])?: /;
// <PRI>VERSION TIMESTAMP HOST APP PROCID MSGID SD — SD is '-' or one or more [..] elements.
const RFC5424 = /^<\d{1,3}>1 (\S+) (\S+) (\S+) (\S+) (\S+) (?:-|(?:\[(?:[^\]\\]|\\.)*\])+) ?/;
// A bare syslog tag `name[pid]: ` with neither date nor host. The pid is
// required so that an ordinary message (`Proxy x started.`) is never taken for one.
const BARE_TAG = /^([A-Za-z][\w.@-]*)\[(\d+)\]: /;
// A path-like first token, then ':' [line ':'], as `grep -H [-n]` prints it.
const GREP = /^[^\s:]*(?:\/|\.log|\.txt|\.gz)[^\s:]*:(?:\d+:)?(?=\S)/;
// loghub's datasets: `nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 …`
const FILE_SPACE = /^[^\s]*\.log[^\s]* (?=\d{4}-\d\d-\d\d \d\d:)/;

const hostOrNull = (h: string | undefined): string | null => (h === undefined || h === '-' || h === '' ? null : h);

export function rfc3164(line: string, year: number, withTime = true): Envelope | null {
  const c = line.charCodeAt(0);
  // Cheap first-character test before the regex: an upper-case month or '<'.
  if (!((c >= 65 && c <= 90) || c === 60)) return null;
  const m = RFC3164.exec(line);
  if (!m) return null;
  return {
    start: m[0].length,
    wallMs: withTime ? parseSyslogDate(m[1]!, year) : null,
    offsetMin: null,
    host: hostOrNull(m[2]),
    program: m[3]!,
    hasTime: true,
  };
}

export function isoSyslog(line: string, withTime = true): Envelope | null {
  const c = line.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 60)) return null;
  const m = ISO_SYSLOG.exec(line);
  if (!m) return null;
  const t = withTime ? parseIso(m[1]!) : null;
  return {
    start: m[0].length,
    wallMs: t?.wallMs ?? null,
    offsetMin: t?.offsetMin ?? null,
    host: hostOrNull(m[2]),
    program: m[3]!,
    hasTime: true,
  };
}

export function rfc5424(line: string, withTime = true): Envelope | null {
  if (line.charCodeAt(0) !== 60) return null;
  const m = RFC5424.exec(line);
  if (!m) return null;
  const t = m[1] === '-' || !withTime ? null : parseIso(m[1]!);
  return {
    start: m[0].length,
    wallMs: t?.wallMs ?? null,
    offsetMin: t?.offsetMin ?? null,
    host: hostOrNull(m[2]),
    program: hostOrNull(m[3]),
    hasTime: m[1] !== '-',
  };
}

/** `haproxy[674]: …`: a syslog tag alone (no date, no host); null when the line has none. */
export function bareTag(line: string): Envelope | null {
  const c = line.charCodeAt(0);
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return null;
  const m = BARE_TAG.exec(line);
  if (!m) return null;
  return { start: m[0].length, wallMs: null, offsetMin: null, host: null, program: m[1]!, hasTime: false };
}

interface JournalEntry {
  MESSAGE?: unknown;
  __REALTIME_TIMESTAMP?: unknown;
  _HOSTNAME?: unknown;
  SYSLOG_IDENTIFIER?: unknown;
  _SYSTEMD_UNIT?: unknown;
}

/**
 * A journal field's value: a string, or (not valid UTF-8) an array of bytes, read as UTF-8; a
 * field an entry holds more than once is an array of those: its first value.
 */
function journalText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v) || v.length === 0) return null;
  if (v.every((b) => typeof b === 'number')) return Buffer.from(v as number[]).toString('utf8');
  return journalText(v[0]);
}

/**
 * A `journalctl -o json` entry: MESSAGE is the payload (its first line: a multi-line message
 * goes on with a traceback, never a request), `__REALTIME_TIMESTAMP` (µs since the epoch, UTC)
 * the time, `_HOSTNAME` the host, SYSLOG_IDENTIFIER (else the unit) the program. null for any
 * other line, JSON logs included (they have no `__REALTIME_TIMESTAMP` and `MESSAGE` at the top).
 */
export function journalJson(line: string, withTime = true): Envelope | null {
  if (line.charCodeAt(0) !== 123 || line.indexOf('"__REALTIME_TIMESTAMP"') < 0 || line.indexOf('"MESSAGE"') < 0)
    return null;
  let e: JournalEntry;
  try {
    e = JSON.parse(line) as JournalEntry;
  } catch {
    return null;
  }
  if (e === null || typeof e !== 'object') return null;
  const message = journalText(e.MESSAGE);
  const us = typeof e.__REALTIME_TIMESTAMP === 'string' ? e.__REALTIME_TIMESTAMP : null;
  if (message === null || us === null || !/^\d{1,19}$/.test(us)) return null;
  const nl = message.indexOf('\n');
  const host = journalText(e._HOSTNAME);
  return {
    start: line.length,
    payload: nl < 0 ? message : message.slice(0, nl),
    wallMs: withTime ? Math.floor(Number(us) / 1000) : null,
    offsetMin: withTime ? 0 : null,
    host: hostOrNull(host ?? undefined),
    program: journalText(e.SYSLOG_IDENTIFIER) ?? journalText(e._SYSTEMD_UNIT),
    hasTime: true,
  };
}

/** Length of a `grep -H` / loghub file-name prefix, 0 when there is none. */
export function grepPrefixLength(line: string): number {
  // loghub's form first: its name holds a time (`…_13:53:08 `) that GREP would cut at `13:53:`.
  const m = FILE_SPACE.exec(line) ?? GREP.exec(line);
  return m ? m[0].length : 0;
}

/**
 * Strip whatever envelope the line carries: a grep prefix first (it wraps
 * everything), then one syslog/journald header. Returns NONE when there is none.
 * Each test starts with a first-character check, so a bare payload costs a few
 * comparisons. `withTime` false leaves the date unread (most payloads carry
 * their own; bench/: reading syslog dates cost ~8 % of HAProxy ingest).
 */
export function stripEnvelope(line: string, year: number, withTime = true): Envelope {
  if (line.charCodeAt(0) === 123) {
    const j = journalJson(line, withTime);
    if (j) return j;
  }
  let offset = 0;
  let rest = line;
  const g = grepPrefixLength(line);
  if (g > 0) {
    offset = g;
    rest = line.slice(g);
  }
  const e = rfc5424(rest, withTime) ?? isoSyslog(rest, withTime) ?? rfc3164(rest, year, withTime) ?? bareTag(rest);
  if (e) {
    e.start += offset;
    return e;
  }
  return offset === 0
    ? NONE
    : { start: offset, wallMs: null, offsetMin: null, host: null, program: null, hasTime: false };
}

export const NO_ENVELOPE = NONE;
