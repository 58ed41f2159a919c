/**
 * The hot path of an HAProxy log, read in place: the commonest line of a busy load balancer is
 * an `option httplog` line in a syslog envelope,
 *
 *   Mar 18 00:00:00 lb1 haproxy[2291]: 10.0.0.14:49778 [17/Mar/2024:23:59:59.603] nova_api_front
 *     nova_api_back/ctl2 2/0/0/393/397 200 13537 - - ---- 12/2/0/0/0 0/0 {…|req-…} "GET /v2.1/servers HTTP/1.1"
 *
 * (one line in the log). For those, the scanner gives what every request needs (time, names,
 * request line, status, the request's key) as positions and numbers: no string, regex or record
 * per line. Whatever it is not sure of (another envelope, a byte outside printable ASCII where
 * the regexes' \S or `.` could stop, a backslash in the request, trailing fields, a `%` in the
 * target…) it answers UNSURE and the line parsers (envelopes.ts rfc3164, haproxy-http.ts
 * HTTPLOG, http-fields.ts) decide: they stay the definition. test/haproxy-access-scan.test.ts
 * holds it against them on every sample, every real HAProxy line, a generated log and edges.
 *
 * bench/: the 1.1 GB generated HAProxy log cost ~9.6 CPU-s to parse through the regexes (and
 * ~4 CPU-s of garbage collection in the parse worker).
 */
import { FNV_PRIME, HASH52_A, HASH52_B, hash52Fold } from './hash52.js';
import type { AnchorRun } from './types.js';

/** Not a line the scanner reads: let the line parsers decide. */
export const HTTPLOG_UNSURE = 0;
/** An httplog request read in full: `out` holds its fields. */
export const HTTPLOG_REQUEST = 1;

/** Where the fields of a scanned httplog line are (end exclusive) and its numbers. */
export interface ScannedHttplog {
  /** `%tr` read as if UTC, ms (the parser's wallMs). */
  wallMs: number;
  /** The syslog host, or -1 when the envelope names none (or `-`). */
  hostStart: number;
  hostEnd: number;
  clientStart: number;
  clientEnd: number;
  /** The frontend without the `~` of SSL frontends. */
  frontendStart: number;
  frontendEnd: number;
  backendStart: number;
  backendEnd: number;
  /** -1 for `<NOSRV>`. */
  serverStart: number;
  serverEnd: number;
  methodStart: number;
  methodEnd: number;
  uriStart: number;
  uriEnd: number;
  /** Numbers as http-fields.ts intOrNull reads them; NaN for null. */
  status: number;
  bytes: number;
  durationMs: number;
  /** A request id from the header captures, or -1. */
  requestIdStart: number;
  requestIdEnd: number;
  /** The request's key as src/ingest/request-key.ts makes it: hash52 of the id form, else the fields (hash52Values). */
  key: number;
  /** A segment of the target is an anchor of the compute packs / of another service's packs. */
  computeAnchor: boolean;
  otherAnchor: boolean;
  /** The target holds a `%` (mayMatch is true for any service with packs). */
  percent: boolean;
}

export const newScannedHttplog = (): ScannedHttplog => ({
  wallMs: 0,
  hostStart: -1,
  hostEnd: -1,
  clientStart: 0,
  clientEnd: 0,
  frontendStart: 0,
  frontendEnd: 0,
  backendStart: 0,
  backendEnd: 0,
  serverStart: -1,
  serverEnd: -1,
  methodStart: 0,
  methodEnd: 0,
  uriStart: 0,
  uriEnd: 0,
  status: NaN,
  bytes: NaN,
  durationMs: NaN,
  requestIdStart: -1,
  requestIdEnd: -1,
  key: 0,
  computeAnchor: false,
  otherAnchor: false,
  percent: false,
});

export type HttplogScanner = (b: Uint8Array, start: number, end: number, out: ScannedHttplog) => 0 | 1;

const SP = 32;
const QUOTE = 34;
const SLASH = 47;
const COLON = 58;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** A byte the regexes' \S matches and the scanner reads as a character: printable ASCII. */
const isToken = (c: number): boolean => c > SP && c < 127;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The month of three letters at `i` (0-11), -1 when not one (parsers/time.ts monthAt). */
function monthAt(b: Uint8Array, i: number): number {
  for (let m = 0; m < 12; m++) {
    const name = MONTHS[m]!;
    if (b[i] === name.charCodeAt(0) && b[i + 1] === name.charCodeAt(1) && b[i + 2] === name.charCodeAt(2)) return m;
  }
  return -1;
}

/** Two digits at `i` as a number, -1 when either is not a digit. */
function two(b: Uint8Array, i: number): number {
  const x = b[i]! - 48;
  const y = b[i + 1]! - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}

/**
 * A request id as http-fields.ts REQUEST_ID reads one: `req-` and a dashed uuid of lower-case hex,
 * exactly `[from, to)`.
 */
function isRequestId(b: Uint8Array, from: number, to: number): boolean {
  if (to - from !== 40 || b[from] !== 114 || b[from + 1] !== 101 || b[from + 2] !== 113 || b[from + 3] !== 45)
    return false;
  for (let k = 4; k < 40; k++) {
    const c = b[from + k]!;
    if (k === 12 || k === 17 || k === 22 || k === 27) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** hash52's two lanes (parsers/hash52.ts), mixed as the scanner goes: module state, one line at a time. */
let ha = 0;
let hb = 0;

function mixBytes(b: Uint8Array, from: number, to: number): void {
  let a = ha;
  let c2 = hb;
  for (let k = from; k < to; k++) {
    const c = b[k]!;
    a = Math.imul(a ^ c, FNV_PRIME);
    c2 = Math.imul(c2 ^ c, FNV_PRIME) ^ (c2 >>> 15);
  }
  ha = a;
  hb = c2;
}

function mixChar(c: number): void {
  ha = Math.imul(ha ^ c, FNV_PRIME);
  hb = Math.imul(hb ^ c, FNV_PRIME) ^ (hb >>> 15);
}

/** The decimal text of `n` (an integer, or NaN as `null`), as a template literal writes it. */
function mixNumberText(n: number): void {
  if (n !== n) {
    mixChar(110); // null
    mixChar(117);
    mixChar(108);
    mixChar(108);
    return;
  }
  if (n < 0) {
    mixChar(45);
    n = -n;
  }
  let div = 1;
  while (div * 10 <= n) div *= 10;
  for (; div >= 1; div /= 10) {
    const d = Math.floor(n / div) % 10;
    mixChar(48 + d);
  }
}

/** A value of hash52Values: a string's characters, a number as numbers, null as nothing; then the separator. */
function mixValueBytes(b: Uint8Array, from: number, to: number): void {
  if (from < 0) {
    mixChar(0x1e);
    return;
  }
  mixBytes(b, from, to);
  mixChar(0x1f);
}

function mixValueNumber(x: number): void {
  if (x !== x) {
    mixChar(0x1e);
    return;
  }
  const lo = x | 0;
  const hi = Math.floor(x / 4294967296) | 0;
  const frac = Math.round((x - Math.floor(x)) * 1e6);
  ha = Math.imul(ha ^ lo ^ (frac << 7), FNV_PRIME);
  hb = Math.imul(hb ^ hi ^ frac, FNV_PRIME) ^ (hb >>> 15);
  mixChar(0x1f);
}

/**
 * `-?\d+` at `i` read as intOrNull reads it (`-1` is null, NaN here); the index after it in
 * `intEnd`, -1 when there are no digits.
 */
let intEnd = 0;
function readInt(b: Uint8Array, i: number, end: number): number {
  let negative = false;
  if (b[i] === 45) {
    negative = true;
    i++;
  }
  const from = i;
  let n = 0;
  while (i < end && isDigit(b[i]!)) {
    n = n * 10 + (b[i]! - 48);
    i++;
  }
  if (i === from) {
    intEnd = -1;
    return NaN;
  }
  intEnd = i;
  if (negative) return n === 1 ? NaN : -n;
  return n;
}

/** The end of the token at `i` (printable ASCII up to a space); -1 when it is empty or holds anything else. */
function tokenEnd(b: Uint8Array, i: number, end: number): number {
  const from = i;
  while (i < end && isToken(b[i]!)) i++;
  if (i === from || i >= end || b[i] !== SP) return -1;
  return i;
}

/** `\d+` then `sep`: the index after `sep`, -1 when not so. */
function digitsThen(b: Uint8Array, i: number, end: number, sep: number): number {
  const from = i;
  while (i < end && isDigit(b[i]!)) i++;
  if (i === from || b[i] !== sep) return -1;
  return i + 1;
}

/**
 * The envelope rfc3164 reads (envelopes.ts RFC3164, no priority): `Mon D HH:MM:SS[.f] [host ]tag[[pid]]: `.
 * The payload's start, -1 when the line does not start so; the host's bounds in `out`.
 */
function envelope(b: Uint8Array, start: number, end: number, out: ScannedHttplog): number {
  let i = start;
  const m0 = b[i]!;
  if (m0 < 65 || m0 > 90 || b[i + 1]! < 97 || b[i + 1]! > 122 || b[i + 2]! < 97 || b[i + 2]! > 122) return -1;
  if (b[i + 3] !== SP) return -1;
  i += 4;
  if (b[i] === SP) i++;
  if (!isDigit(b[i]!)) return -1;
  i++;
  if (isDigit(b[i]!)) i++;
  if (b[i] !== SP) return -1;
  i++;
  if (
    two(b, i) < 0 ||
    b[i + 2] !== COLON ||
    two(b, i + 3) < 0 ||
    b[i + 5] !== COLON ||
    two(b, i + 6) < 0 ||
    i + 8 >= end
  )
    return -1;
  i += 8;
  if (b[i] === 46) {
    const j = i + 1;
    i = j;
    while (i < end && isDigit(b[i]!)) i++;
    if (i === j) return -1;
  }
  if (b[i] !== SP) return -1;
  i++;
  // The host is tried last (`(?:(\S+) )??`): the first token alone as the tag first.
  const tagged = tagEnd(b, i, end);
  if (tagged >= 0) {
    out.hostStart = -1;
    out.hostEnd = -1;
    return tagged;
  }
  const hostEnd = tokenEnd(b, i, end);
  if (hostEnd < 0) return -1;
  const after = tagEnd(b, hostEnd + 1, end);
  if (after < 0) return -1;
  // hostOrNull: `-` is no host.
  if (hostEnd - i === 1 && b[i] === 45) {
    out.hostStart = -1;
    out.hostEnd = -1;
  } else {
    out.hostStart = i;
    out.hostEnd = hostEnd;
  }
  return after;
}

/** `[^\s[\]:]+(?:\[\d+\])?: ` at `i`: the index after it, -1 when not so. */
function tagEnd(b: Uint8Array, i: number, end: number): number {
  const from = i;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 91 || c === 93 || c === COLON || !isToken(c)) break;
  }
  if (i === from) return -1;
  if (b[i] === 91) {
    const close = digitsThen(b, i + 1, end, 93);
    if (close < 0) return -1;
    i = close;
  }
  if (b[i] !== COLON || b[i + 1] !== SP) return -1;
  return i + 2;
}

/** What a scanner keeps from line to line. */
class ScanState {
  /** A view of the current block for word compares, made once per block. */
  dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  block: Uint8Array | null = null;
  /** The last `dd/Mon/yyyy` read (lines come in long runs of one day): three words over its 11 bytes. */
  dayW0 = 0;
  dayW1 = 0;
  dayW2 = 0;
  /** Its UTC midnight. */
  dayMs = 0;
}

/** Read the valid `dd/Mon/yyyy` at `i` (clfWallAt's checks) as the current day; false when it is not one. */
function readDay(st: ScanState, b: Uint8Array, i: number): boolean {
  const d = two(b, i);
  const mo = monthAt(b, i + 3);
  const century = two(b, i + 7);
  const yy = two(b, i + 9);
  if (b[i + 2] !== SLASH || b[i + 6] !== SLASH) return false;
  if (d < 1 || mo < 0 || century < 0 || yy < 0) return false;
  const y = century * 100 + yy;
  const leap = mo === 1 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo]! + (leap ? 1 : 0)) return false;
  st.dayW0 = st.dv.getInt32(i, true);
  st.dayW1 = st.dv.getInt32(i + 4, true);
  st.dayW2 = st.dv.getInt32(i + 7, true);
  st.dayMs = Date.UTC(y, mo, d);
  return true;
}

/**
 * `^(\S+):(\d+) \[` at the payload's start `p`: the client is what precedes the first token's last
 * colon (the token ends with `:digits`). The index of the `[`, -1 when not so.
 */
function readClient(b: Uint8Array, p: number, end: number, out: ScannedHttplog): number {
  const t0 = tokenEnd(b, p, end);
  if (t0 < 0) return -1;
  let colon = t0 - 1;
  while (colon > p && isDigit(b[colon]!)) colon--;
  if (colon === t0 - 1 || b[colon] !== COLON || colon === p) return -1;
  out.clientStart = p;
  out.clientEnd = colon;
  return b[t0 + 1] === 91 ? t0 + 1 : -1;
}

/**
 * `[dd/Mon/yyyy:HH:MM:SS(?:\.\d+)?] ` at `i` read as clfWallAt reads it into `out.wallMs`, the day
 * once per day (bench/: Date.UTC per line was ~12 % of the scanner). The index after it, -1 when not so.
 */
function readAcceptDate(st: ScanState, b: Uint8Array, i: number, end: number, out: ScannedHttplog): number {
  if (i + 23 > end) return -1;
  i++;
  const dv = st.dv;
  if (
    dv.getInt32(i, true) !== st.dayW0 ||
    dv.getInt32(i + 4, true) !== st.dayW1 ||
    dv.getInt32(i + 7, true) !== st.dayW2
  ) {
    if (!readDay(st, b, i)) return -1;
  }
  const h = two(b, i + 12);
  const mi = two(b, i + 15);
  const sec = two(b, i + 18);
  if (b[i + 11] !== COLON || b[i + 14] !== COLON || b[i + 17] !== COLON) return -1;
  if (h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 60) return -1;
  i += 20;
  let ms = 0;
  if (b[i] === 46) {
    const j = ++i;
    for (let scale = 100; i < end && isDigit(b[i]!); i++) {
      if (scale >= 1) ms += (b[i]! - 48) * scale;
      scale /= 10;
    }
    if (i === j) return -1;
  }
  if (b[i] !== 93 || b[i + 1] !== SP) return -1;
  // Date.UTC(y, mo, d, h, mi, sec, ms), a second 60 included (it rolls over the same way).
  out.wallMs = st.dayMs + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
  return i + 2;
}

/**
 * `(\S+) ([^\s/]+)\/(\S+) ` at `i`: frontend, then backend up to the first `/` and the server, into
 * `out`. The index after them, -1 when not so.
 */
function readNames(b: Uint8Array, i: number, end: number, out: ScannedHttplog): number {
  const fe = tokenEnd(b, i, end);
  if (fe < 0) return -1;
  out.frontendStart = i;
  out.frontendEnd = b[fe - 1] === 126 ? fe - 1 : fe; // frontendName: SSL frontends end in `~`
  i = fe + 1;
  const be = tokenEnd(b, i, end);
  if (be < 0) return -1;
  let slash = i;
  while (slash < be && b[slash] !== SLASH) slash++;
  if (slash === i || slash >= be - 1) return -1;
  out.backendStart = i;
  out.backendEnd = slash;
  // `<NOSRV>`: answered by HAProxy itself, no server.
  if (
    be - slash - 1 === 7 &&
    b[slash + 1] === 60 &&
    b[slash + 2] === 78 &&
    b[slash + 3] === 79 &&
    b[slash + 4] === 83 &&
    b[slash + 5] === 82 &&
    b[slash + 6] === 86 &&
    b[slash + 7] === 62
  ) {
    out.serverStart = -1;
    out.serverEnd = -1;
  } else {
    out.serverStart = slash + 1;
    out.serverEnd = be;
  }
  return be + 1;
}

/**
 * `-?\d+/-?\d+/-?\d+/-?\d+/\+?(-?\d+) (-?\d+) \+?(\d+) ` at `i`: the timers, the last (Ta) is the
 * duration, then status and bytes, into `out`. The index after them, -1 when not so.
 */
function readTimersStatusBytes(b: Uint8Array, i: number, end: number, out: ScannedHttplog): number {
  for (let k = 0; k < 4; k++) {
    readInt(b, i, end);
    if (intEnd < 0 || b[intEnd] !== SLASH) return -1;
    i = intEnd + 1;
  }
  if (b[i] === 43) i++;
  out.durationMs = readInt(b, i, end);
  if (intEnd < 0 || b[intEnd] !== SP) return -1;
  out.status = readInt(b, intEnd + 1, end);
  if (intEnd < 0 || b[intEnd] !== SP) return -1;
  i = intEnd + 1;
  if (b[i] === 43) i++;
  if (b[i] === 45) return -1;
  out.bytes = readInt(b, i, end);
  if (intEnd < 0 || b[intEnd] !== SP) return -1;
  return intEnd + 1;
}

/**
 * `\S+ \S+ \S+ \d+/\d+/\d+/\d+/\+?\d+ \d+/\d+ ` at `i`: captured cookies, the termination state,
 * connection counts and queues. The index after them, -1 when not so.
 */
function skipStateAndCounts(b: Uint8Array, i: number, end: number): number {
  for (let k = 0; k < 3; k++) {
    const e = tokenEnd(b, i, end);
    if (e < 0) return -1;
    i = e + 1;
  }
  for (let k = 0; k < 4; k++) {
    i = digitsThen(b, i, end, SLASH);
    if (i < 0) return -1;
  }
  if (b[i] === 43) i++;
  i = digitsThen(b, i, end, SP);
  if (i < 0) return -1;
  i = digitsThen(b, i, end, SLASH);
  if (i < 0) return -1;
  return digitsThen(b, i, end, SP);
}

/**
 * `(?:\{([^}]*)\} )?` twice at `i`: header captures, `|`-separated; the first request id value keys
 * the request (`out.requestIdStart`, -1 when none). The index after them, -1 when not so, or when
 * they hold no request id: a captured User-Agent is then part of the key (request-key.ts), and
 * telling one is the parsers' (looksLikeUserAgent).
 */
function readCaptures(b: Uint8Array, start: number, end: number, out: ScannedHttplog): number {
  let i = start;
  out.requestIdStart = -1;
  out.requestIdEnd = -1;
  for (let k = 0; k < 2 && b[i] === 123; k++) {
    let v = i + 1;
    let j = v;
    for (; j < end; j++) {
      const c = b[j]!;
      if (c === 125) break;
      if (c === 124) {
        if (out.requestIdStart < 0 && isRequestId(b, v, j)) {
          out.requestIdStart = v;
          out.requestIdEnd = j;
        }
        v = j + 1;
      }
    }
    if (j >= end || b[j + 1] !== SP) return -1;
    if (out.requestIdStart < 0 && isRequestId(b, v, j)) {
      out.requestIdStart = v;
      out.requestIdEnd = j;
    }
    i = j + 2;
  }
  return b[start] === 123 && out.requestIdStart < 0 ? -1 : i;
}

/**
 * The key (src/ingest/request-key.ts): with a request id, hash52(`${requestId} ${method} ${uri} ${status}`); else
 * hash52Values([wallMs, client, method, uri, status, bytes, durationMs, frontend, server, host, userAgent]).
 * What precedes the target is mixed first (into ha, hb), the target as it is read, the rest after it.
 */
function mixKeyHead(b: Uint8Array, out: ScannedHttplog): void {
  ha = HASH52_A;
  hb = HASH52_B;
  if (out.requestIdStart >= 0) {
    mixBytes(b, out.requestIdStart, out.requestIdEnd);
    mixChar(SP);
    mixBytes(b, out.methodStart, out.methodEnd);
    mixChar(SP);
  } else {
    mixValueNumber(out.wallMs);
    mixValueBytes(b, out.clientStart, out.clientEnd);
    mixValueBytes(b, out.methodStart, out.methodEnd);
  }
}

/** The key's fields after the target (see mixKeyHead), and the key. */
function mixKeyTail(b: Uint8Array, out: ScannedHttplog): void {
  if (out.requestIdStart >= 0) {
    mixChar(SP);
    mixNumberText(out.status);
  } else {
    mixChar(0x1f);
    mixValueNumber(out.status);
    mixValueNumber(out.bytes);
    mixValueNumber(out.durationMs);
    mixValueBytes(b, out.frontendStart, out.frontendEnd);
    mixValueBytes(b, out.serverStart, out.serverEnd);
    mixValueBytes(b, out.hostStart, out.hostEnd);
    // No User-Agent: a line that captured headers without a request id goes to the parsers.
    mixChar(0x1e);
  }
  out.key = hash52Fold(ha, hb);
}

/**
 * `"METHOD URI HTTP/x.y"` at `i` and nothing after: a request line without backslash, spaces in
 * the target or bytes outside ASCII (assignRequestLine's split is then the obvious one), into `out`
 * with the request's key. False when not so.
 */
function readRequestLine(
  b: Uint8Array,
  i: number,
  end: number,
  computeRun: AnchorRun | null,
  otherRun: AnchorRun | null,
  out: ScannedHttplog,
): boolean {
  if (b[i] !== QUOTE) return false;
  i++;
  const methodStart = i;
  const m0 = b[i]!;
  if (m0 < 65 || m0 > 90) return false;
  for (i++; i < end; i++) {
    const c = b[i]!;
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45)) break;
  }
  if (b[i] !== SP) return false;
  out.methodStart = methodStart;
  out.methodEnd = i;
  mixKeyHead(b, out);
  let a = ha;
  let h2 = hb;
  i++;
  const uriStart = i;
  // On the way, each segment is held against the packs' anchors (mayMatch's regex: a run after
  // a `/` up to `/`, `?`, `#` or the end; runs restart at every `/`, in the query too).
  let percent = false;
  let run = -1;
  let computeAnchor = false;
  let otherAnchor = false;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c <= 63) {
      if (c === SP || c === QUOTE) break;
      if (c === SLASH || c === 63 || c === 35) {
        if (run >= 0) {
          if (!computeAnchor && computeRun !== null && computeRun(b, run, i)) computeAnchor = true;
          if (!otherAnchor && otherRun !== null && otherRun(b, run, i)) otherAnchor = true;
        }
        run = c === SLASH ? i + 1 : -1;
      } else if (c === 37)
        percent = true; // normalisePath decodes it: mayMatch is then true for a service with packs
      else if (c < SP) return false;
    } else if (c === 92 || c > 126) return false; // a backslash escapes
    a = Math.imul(a ^ c, FNV_PRIME);
    h2 = Math.imul(h2 ^ c, FNV_PRIME) ^ (h2 >>> 15);
  }
  if (i === uriStart || b[i] !== SP) return false;
  if (run >= 0) {
    if (!computeAnchor && computeRun !== null && computeRun(b, run, i)) computeAnchor = true;
    if (!otherAnchor && otherRun !== null && otherRun(b, run, i)) otherAnchor = true;
  }
  out.computeAnchor = computeAnchor;
  out.otherAnchor = otherAnchor;
  out.uriStart = uriStart;
  out.uriEnd = i;
  // ` HTTP/` and a version up to the closing quote, which ends the line.
  if (b[i + 1] !== 72 || b[i + 2] !== 84 || b[i + 3] !== 84 || b[i + 4] !== 80 || b[i + 5] !== SLASH) return false;
  for (i += 6; i < end; i++) {
    const c = b[i]!;
    if (c === QUOTE) break;
    if (c === 92 || !isToken(c)) return false;
  }
  if (i !== end - 1) return false;
  out.percent = percent;
  ha = a;
  hb = h2;
  mixKeyTail(b, out);
  return true;
}

/**
 * A scanner for one file. `computeRun` and `otherRun` are the compute packs' and the other
 * services' anchor tests on a target segment: a target holding an anchor may be a call of
 * interest, which the processor sends to the parsers.
 */
export function compileHttplogScanner(computeRun: AnchorRun | null, otherRun: AnchorRun | null): HttplogScanner {
  const st = new ScanState();
  const scan: HttplogScanner = (b, start, end, out) => {
    let i = envelope(b, start, end, out);
    if (i < 0) return HTTPLOG_UNSURE;
    i = readClient(b, i, end, out);
    if (i < 0) return HTTPLOG_UNSURE;
    if (b !== st.block) {
      st.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      st.block = b;
    }
    i = readAcceptDate(st, b, i, end, out);
    if (i < 0) return HTTPLOG_UNSURE;
    i = readNames(b, i, end, out);
    if (i < 0) return HTTPLOG_UNSURE;
    i = readTimersStatusBytes(b, i, end, out);
    if (i < 0) return HTTPLOG_UNSURE;
    i = skipStateAndCounts(b, i, end);
    if (i < 0) return HTTPLOG_UNSURE;
    i = readCaptures(b, i, end, out);
    if (i < 0) return HTTPLOG_UNSURE;
    return readRequestLine(b, i, end, computeRun, otherRun, out) ? HTTPLOG_REQUEST : HTTPLOG_UNSURE;
  };
  return scan;
}
