/**
 * Timestamp readers for the shapes logs print. Each returns the wall-clock
 * time read as if it were UTC (ms since the epoch), or null when the text is
 * not a valid timestamp; UTC offsets are returned separately by the callers.
 * Date.UTC over captured fields: no Date.parse, whose accepted forms vary.
 */

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
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

// Month from three letters without a substring: first letter, then the others.
function monthAt(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  switch (a) {
    case 74: // J
      return b === 97 ? (c === 110 ? 0 : -1) : b === 117 ? (c === 110 ? 5 : c === 108 ? 6 : -1) : -1; // Jan Jun Jul
    case 70:
      return b === 101 && c === 98 ? 1 : -1; // Feb
    case 77:
      return b === 97 ? (c === 114 ? 2 : c === 121 ? 4 : -1) : -1; // Mar May
    case 65:
      return b === 112 && c === 114 ? 3 : b === 117 && c === 103 ? 7 : -1; // Apr Aug
    case 83:
      return b === 101 && c === 112 ? 8 : -1; // Sep
    case 79:
      return b === 99 && c === 116 ? 9 : -1; // Oct
    case 78:
      return b === 111 && c === 118 ? 10 : -1; // Nov
    case 68:
      return b === 101 && c === 99 ? 11 : -1; // Dec
    default:
      return -1;
  }
}

/** Two ASCII digits at i as a number, -1 when either is not a digit. */
function twoDigitsAt(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `dd/Mon/yyyy:HH:MM:SS[.fff…]` at index `i` of `s` (HAProxy `%tr`/`%t`,
 * Apache `%t` without its zone), read by character codes: no regex, no
 * substring, no Date object. The wall time as if UTC, or null when the text is
 * not such a date. The same result as parseClf(text).wallMs, for the per-line
 * hot path of access-log parsers whose own regex already located the date.
 */
export function clfWallAt(s: string, i: number): number | null {
  const d = twoDigitsAt(s, i);
  const mo = monthAt(s, i + 3);
  const century = twoDigitsAt(s, i + 7);
  const yy = twoDigitsAt(s, i + 9);
  const h = twoDigitsAt(s, i + 12);
  const mi = twoDigitsAt(s, i + 15);
  const sec = twoDigitsAt(s, i + 18);
  if (s.charCodeAt(i + 2) !== 47 || s.charCodeAt(i + 6) !== 47 || s.charCodeAt(i + 11) !== 58) return null;
  if (century < 0 || yy < 0) return null;
  const y = century * 100 + yy;
  if (d < 1 || mo < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return null;
  const leap = mo === 1 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo]! + (leap ? 1 : 0)) return null;
  let ms = 0;
  if (s.charCodeAt(i + 20) === 46) {
    // Up to three fraction digits, truncated like fractionToMs.
    for (let k = i + 21, scale = 100; scale >= 1; k++, scale /= 10) {
      const c = s.charCodeAt(k) - 48;
      if (!(c >= 0 && c <= 9)) break;
      ms += c * scale;
    }
  }
  return Date.UTC(y, mo, d, h, mi, sec, ms);
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
