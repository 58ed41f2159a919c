/**
 * Timestamp readers for the shapes logs print. Each returns the wall-clock
 * time read as if it were UTC (ms since the epoch), or null when the text is
 * not a valid timestamp; UTC offsets are returned separately by the callers.
 * Date.UTC over captured fields: no Date.parse, whose accepted forms vary.
 */

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

export const monthIndex = (name: string): number | undefined => MONTHS[name];

function wall(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | null {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || !(ms >= 0)) return null;
  const t = Date.UTC(y, mo, d, h, mi, s, ms);
  // Date.UTC rolls 31 Feb over into March; a real log never prints that.
  return new Date(t).getUTCDate() === d ? t : null;
}

/** Fractional seconds text ("412", "412345", "4") to whole milliseconds. */
export function fractionToMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Math.floor(Number((frac + '000').slice(0, 3)));
}

const ISO = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(Z|[+-]\d\d:?\d\d)?$/;

/**
 * `2024-05-02 09:15:01.337`, `2024-05-02T09:15:01.337123+02:00`, `…Z`.
 * Returns the wall time and the stated offset (minutes east), if any.
 */
export function parseIso(text: string): { wallMs: number; offsetMin: number | null } | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const wallMs = wall(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, fractionToMs(m[7]));
  if (wallMs === null) return null;
  return { wallMs, offsetMin: m[8] === undefined ? null : parseOffset(m[8]) };
}

/** `Z`, `+0200`, `+02:00`, `-0430` to minutes east of UTC. */
export function parseOffset(text: string): number {
  if (text === 'Z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

const CLF = /^(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?: ([+-]\d{4}))?$/;

/** Apache `%t` / HAProxy `%tr`: `22/Mar/2024:15:16:23 +0000`, `06/Feb/2009:12:14:14.655`. */
export function parseClf(text: string): { wallMs: number; offsetMin: number | null } | null {
  const m = CLF.exec(text);
  if (!m) return null;
  const mo = MONTHS[m[2]!];
  if (mo === undefined) return null;
  const wallMs = wall(+m[3]!, mo, +m[1]!, +m[4]!, +m[5]!, +m[6]!, fractionToMs(m[7]));
  if (wallMs === null) return null;
  return { wallMs, offsetMin: m[8] === undefined ? null : parseOffset(m[8]) };
}

const SYSLOG = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/;

/** RFC 3164 / `journalctl -o short[-precise]`: `Mar  2 15:16:23[.570064]`, no year, no zone. */
export function parseSyslogDate(text: string, year: number): number | null {
  const m = SYSLOG.exec(text);
  if (!m) return null;
  const mo = MONTHS[m[1]!];
  if (mo === undefined) return null;
  return wall(year, mo, +m[2]!, +m[3]!, +m[4]!, +m[5]!, fractionToMs(m[6]));
}

const CTIME = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})$/;

/** C `ctime()` as uWSGI prints it: `Sun Mar 13 22:49:12 2016`, `Sat Jul  4 07:13:09 2026`. */
export function parseCtime(text: string): number | null {
  const m = CTIME.exec(text);
  if (!m) return null;
  const mo = MONTHS[m[1]!];
  if (mo === undefined) return null;
  return wall(+m[6]!, mo, +m[2]!, +m[3]!, +m[4]!, +m[5]!, 0);
}

/** Epoch seconds (possibly fractional), as oslo.log's JSON `created` holds it. */
export function epochSecondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
