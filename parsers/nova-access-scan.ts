/**
 * The hot path of a nova-api text log, read in place. Most lines of a busy
 * nova-api log are either another logger's line or an access line in one
 * common form:
 *
 *   2024-05-02 09:15:01.337 2211 INFO nova.api.openstack.requestlog [None req-… u p - - default default]
 *     10.0.0.5 "GET /v2.1/servers/detail" status: 200 len: 532 microversion: 2.90 time: 0.045678
 *   2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-… u p - - -]
 *     10.11.10.1 "GET /v2/…/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829
 *
 * (each one line in the log).
 *
 * For those, the scanner gives what every request needs (time, request id,
 * method, target, status) as positions in the block's bytes: no string, regex
 * or record per line, and nothing decoded. Whatever it is not sure of (an envelope, a line without
 * a request id, a client that is not an address, a target with spaces or
 * quotes, a message logger a rule pack asked for...) it answers UNSURE, and
 * the line parsers (nova-eventlet.ts, nova-requestlog.ts, nova-message.ts)
 * decide as before: they stay the definition of the format.
 * test/nova-access-scan.test.ts checks that both agree on every sample, every
 * real log line and a generated log.
 *
 * bench/: the regex parse of every access line, its record and its key string
 * were most of the ~9 CPU-s a 1.1 GB nova-api log cost before.
 */
import { EVENTLET_LOGGER, novaEventletParser } from './nova-eventlet.js';
import { novaMessageParser } from './nova-message.js';
import { assignClient, isCalendarDay, readContext, secondsTextToMs } from './nova-oslo.js';
import { novaRequestlogParser, REQUESTLOG_LOGGER } from './nova-requestlog.js';
import {
  emptyRequest,
  type LineScanner,
  type RequestRecord,
  type ScannedAccess,
  type ScannerContext,
} from './types.js';
import { FNV_PRIME, HASH52_A, HASH52_B, hash52Fold } from './hash52.js';

/** Another logger's line (or a header no parser reads): the parsers would give null. */
export const SCAN_NOT_REQUEST = 0;
/** An access line read in full: `out` holds its fields. */
export const SCAN_REQUEST = 1;
/** Not sure: let the line parsers decide. */
export const SCAN_UNSURE = 2;

export const newScannedAccess = (): ScannedAccess => ({
  wallMs: 0,
  eventlet: false,
  reqStart: 0,
  reqEnd: 0,
  contextStart: 0,
  contextEnd: 0,
  clientStart: 0,
  clientEnd: 0,
  methodStart: 0,
  methodEnd: 0,
  uriStart: 0,
  uriEnd: 0,
  protocolStart: -1,
  protocolEnd: -1,
  statusStart: 0,
  lenStart: 0,
  lenEnd: 0,
  microversionStart: -1,
  microversionEnd: -1,
  secondsStart: 0,
  secondsEnd: 0,
  key: 0,
  mayMatch: false,
});

/**
 * The record the line parsers give for a line the scanner read (SCAN_REQUEST): the same
 * fields by the same rules (readContext, assignClient, secondsTextToMs), from the positions
 * in `out`, without the regexes. For calls of interest, whose every field is stored.
 */
export function scannedRecord(b: Buffer, out: ScannedAccess): RequestRecord {
  // UTF-8 like the line the parsers read: the client and context may hold any bytes, and a
  // range that starts and ends at ASCII delimiters decodes as its part of the whole line.
  const text = (from: number, to: number): string => b.toString('utf8', from, to);
  const r = emptyRequest(out.eventlet ? 'nova-eventlet' : 'nova-requestlog', 'nova');
  r.timeIsEnd = true; // nova logs the line when the response is written
  r.wallMs = out.wallMs;
  assignClient(r, text(out.clientStart, out.clientEnd));
  r.method = text(out.methodStart, out.methodEnd);
  r.uri = text(out.uriStart, out.uriEnd);
  r.protocol = out.protocolStart < 0 ? null : text(out.protocolStart, out.protocolEnd);
  r.status = Number(text(out.statusStart, out.statusStart + 3));
  const len = text(out.lenStart, out.lenEnd);
  r.bytes = len === 'None' || len === '-' ? null : Number(len);
  if (out.microversionStart >= 0) {
    const mv = text(out.microversionStart, out.microversionEnd);
    r.microversion = mv === '-' ? null : mv;
  }
  r.durationMs = secondsTextToMs(text(out.secondsStart, out.secondsEnd));
  r.logger = out.eventlet ? EVENTLET_LOGGER : REQUESTLOG_LOGGER;
  readContext(text(out.contextStart, out.contextEnd), r);
  return r;
}

const SP = 32;
const QUOTE = 34;
const DOT = 46;
const RBRACKET = 93;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Two digits at `i` as a number. */
const two = (b: Uint8Array, i: number): number => (b[i]! - 48) * 10 + b[i + 1]! - 48;

/**
 * A literal to compare in place, four bytes at a time (bench/: a byte loop over the
 * ~80 literal bytes of an access line was a third of the scanner's time).
 */
interface Literal {
  length: number;
  /** Little-endian 32-bit words of the first length & ~3 bytes. */
  words: number[];
  /** The bytes after the words. */
  rest: number[];
}

function literal(s: string): Literal {
  const b = Buffer.from(s, 'latin1');
  const words: number[] = [];
  let k = 0;
  for (; k + 4 <= b.length; k += 4) words.push(b.readInt32LE(k));
  return { length: b.length, words, rest: [...b.subarray(k)] };
}

/** `l` at `i`, inside the line (a literal holds no newline, so it cannot run past `end` and match). */
function at(dv: DataView<ArrayBufferLike>, b: Uint8Array, i: number, end: number, l: Literal): boolean {
  if (i + l.length > end) return false;
  const words = l.words;
  for (let k = 0; k < words.length; k++) if (dv.getInt32(i + 4 * k, true) !== words[k]) return false;
  const rest = l.rest;
  const at = i + 4 * words.length;
  for (let k = 0; k < rest.length; k++) if (b[at + k] !== rest[k]) return false;
  return true;
}

/** Index after ASCII digits from `i` (at most `end`). */
function digitsEnd(b: Uint8Array, i: number, end: number): number {
  while (i < end && isDigit(b[i]!)) i++;
  return i;
}

const INFO = literal('INFO');
const LEVELS5 = ['DEBUG', 'ERROR', 'TRACE', 'AUDIT'].map(literal);
const WARNING = literal('WARNING');
const CRITICAL = literal('CRITICAL');

/** The level words of the header regex (nova-oslo.ts OSLO_LEVELS), by length. */
function isLevel(dv: DataView<ArrayBufferLike>, b: Uint8Array, i: number, end: number, len: number): boolean {
  switch (len) {
    case 4:
      return at(dv, b, i, end, INFO);
    case 5:
      for (const l of LEVELS5) if (at(dv, b, i, end, l)) return true;
      return false;
    case 7:
      return at(dv, b, i, end, WARNING);
    case 8:
      return at(dv, b, i, end, CRITICAL);
    default:
      return false;
  }
}

/**
 * End of the context token at `i`: the first space or `]`; -1 when the line
 * ends first, the token is empty or holds a non-ASCII byte (keys hash characters).
 */
function tokenEnd(b: Uint8Array, i: number, end: number): number {
  const from = i;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === SP || c === RBRACKET) return i === from ? -1 : i;
    if (c > 126) return -1;
  }
  return -1;
}

const EVENTLET = literal(EVENTLET_LOGGER);
const REQUESTLOG = literal(REQUESTLOG_LOGGER);
/**
 * The other access logger's needle: a request_log line holding it is the eventlet parser's to
 * decide (it is tried first).
 */
const EVENTLET_NEEDLE = Buffer.from(` ${EVENTLET_LOGGER} `, 'latin1');
const REQ = literal('req-');
const NONE = literal('None');
const HTTP = literal('HTTP/');
const STATUS = literal('" status: ');
const LEN = literal(' len: ');
const MICROVERSION = literal(' microversion: ');
const TIME = literal(' time: ');

/**
 * A scanner for one file: `messageLoggers` are the loggers rule packs read
 * messages of (hosts controller INFO lines), whose lines always go to the parsers;
 * `anchorRun` is the compute packs' anchor test on a target's segment (Classifier.anchorRun),
 * which the scanner applies in its own loop over the target (`out.mayMatch`).
 *
 * The request's key (`out.key`, hash52 of `${requestId} ${method} ${target} ${status}`) is
 * mixed as the scanner reads those fields, in the order the line holds them: one pass over
 * the line instead of three (bench/, processor alone on 450,000 request_log lines: 324 → 329 ms,
 * no measurable change; the hash itself is ~0.13 µs of the ~0.7 µs such a line costs).
 */
export function compileNovaScanner(
  messageLoggers: ReadonlySet<string>,
  anchorRun: ScannerContext['anchorRun'],
): LineScanner {
  const messageNames = [...messageLoggers].map(literal);
  // The last date read (lines come in long runs of one day): its ten bytes as two 32-bit words
  // and a 16-bit one, and its UTC midnight.
  let dateLo = 0;
  let dateMid = 0;
  let dateHi = -1;
  let lastDayMs = 0;
  // Where the eventlet needle is next in the current block (searched once, moved forward as lines pass).
  let needleBlock: Uint8Array | null = null;
  // A view of the current block for the literal compares, made once per block.
  let dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  let dvBlock: Uint8Array | null = null;
  let needleFrom = 0;
  let needleAt = -1;

  /**
   * The validated wall time of the `YYYY-MM-DD HH:MM:SS` at `i` (the header regex's shape, and the
   * values osloWallMs accepts), ms; -1 when the shape or the values are not those.
   */
  function wallSeconds(b: Uint8Array, i: number): number {
    if (
      dv.getInt32(i, true) !== dateLo ||
      dv.getInt32(i + 4, true) !== dateMid ||
      dv.getUint16(i + 8, true) !== dateHi
    ) {
      const shape =
        isDigit(b[i]!) &&
        isDigit(b[i + 1]!) &&
        isDigit(b[i + 2]!) &&
        isDigit(b[i + 3]!) &&
        b[i + 4] === 45 &&
        isDigit(b[i + 5]!) &&
        isDigit(b[i + 6]!) &&
        b[i + 7] === 45 &&
        isDigit(b[i + 8]!) &&
        isDigit(b[i + 9]!);
      if (!shape) return -1;
      const y = two(b, i) * 100 + two(b, i + 2);
      const mo = two(b, i + 5);
      const d = two(b, i + 8);
      if (!isCalendarDay(y, mo, d)) return -1;
      dateLo = dv.getInt32(i, true);
      dateMid = dv.getInt32(i + 4, true);
      dateHi = dv.getUint16(i + 8, true);
      lastDayMs = Date.UTC(y, mo - 1, d);
    }
    if (
      b[i + 10] !== SP ||
      !isDigit(b[i + 11]!) ||
      !isDigit(b[i + 12]!) ||
      b[i + 13] !== 58 ||
      !isDigit(b[i + 14]!) ||
      !isDigit(b[i + 15]!) ||
      b[i + 16] !== 58 ||
      !isDigit(b[i + 17]!) ||
      !isDigit(b[i + 18]!)
    ) {
      return -1;
    }
    const h = two(b, i + 11);
    const mi = two(b, i + 14);
    const sec = two(b, i + 17);
    if (h > 23 || mi > 59 || sec > 60) return -1;
    return lastDayMs + h * 3_600_000 + mi * 60_000 + sec * 1000;
  }

  function eventletNeedleWithin(b: Uint8Array, start: number, end: number): boolean {
    // Valid while lines move forward in one block: no needle in [needleFrom, needleAt).
    if (b !== needleBlock || start < needleFrom || (needleAt >= 0 && needleAt < start)) {
      needleBlock = b;
      needleFrom = start;
      needleAt = Buffer.prototype.indexOf.call(b, EVENTLET_NEEDLE, start);
    }
    return needleAt >= 0 && needleAt < end;
  }

  const scan: LineScanner = (b, start, end, out) => {
    // Header: `YYYY-MM-DD HH:MM:SS[.,]F{1,9} [PID ]LEVEL LOGGER [CONTEXT] ` (nova-oslo.ts OSLO_HEADER).
    // A line that starts so has no envelope (each envelope regex needs another character there).
    if (end - start < 40) return SCAN_UNSURE;
    if (b !== dvBlock) {
      dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      dvBlock = b;
    }
    const wall = wallSeconds(b, start);
    if (wall < 0) return SCAN_UNSURE;
    let i = start + 19;
    const sep = b[i];
    if (sep !== DOT && sep !== 44) return SCAN_UNSURE;
    const fracEnd = digitsEnd(b, i + 1, end);
    const fracLen = fracEnd - i - 1;
    if (fracLen < 1 || fracLen > 9 || b[fracEnd] !== SP) return SCAN_UNSURE;
    const frac = i + 1;
    i = fracEnd + 1;
    const pidEnd = digitsEnd(b, i, end);
    if (pidEnd > i) {
      if (b[pidEnd] !== SP) return SCAN_UNSURE;
      i = pidEnd + 1;
    }
    const levelStart = i;
    while (i < end && b[i] !== SP) i++;
    const levelEnd = i;
    const loggerStart = levelEnd + 1;
    const loggerEnd = b.indexOf(SP, loggerStart);
    if (loggerEnd < 0 || loggerEnd >= end || loggerEnd === loggerStart) return SCAN_UNSURE;
    const loggerLen = loggerEnd - loggerStart;
    let eventlet = false;
    if (loggerLen === EVENTLET.length && at(dv, b, loggerStart, end, EVENTLET)) eventlet = true;
    else if (!(loggerLen === REQUESTLOG.length && at(dv, b, loggerStart, end, REQUESTLOG))) {
      // A longer token that starts with one of ours may be ours with a tab or a Unicode space
      // after it (the regex's \S+ stops there): the parsers decide.
      if (
        loggerLen > REQUESTLOG.length &&
        (at(dv, b, loggerStart, end, REQUESTLOG) || at(dv, b, loggerStart, end, EVENTLET))
      )
        return SCAN_UNSURE;
      for (const m of messageNames) if (m.length <= loggerLen && at(dv, b, loggerStart, end, m)) return SCAN_UNSURE;
      // Another logger: every parser reads the header first and gives null for it (or for a
      // header the regex does not read at all, such as an unknown level word).
      return SCAN_NOT_REQUEST;
    }
    if (!isLevel(dv, b, levelStart, end, levelEnd - levelStart)) return SCAN_UNSURE;
    if (!eventlet && eventletNeedleWithin(b, start, end)) return SCAN_UNSURE;

    // Context bracket: the request id where readContext finds it (nova-oslo.ts): the first
    // token, or the second after a global request id or `None`. The rest of the bracket
    // (identity, which only calls of interest need) is left to the parsers.
    if (b[loggerEnd + 1] !== 91) return SCAN_UNSURE;
    const t0 = loggerEnd + 2;
    const t0End = tokenEnd(b, t0, end);
    if (t0End < 0) return SCAN_UNSURE;
    const req0 = t0End - t0 >= 4 && at(dv, b, t0, end, REQ);
    let reqStart: number;
    let reqEnd: number;
    if (b[t0End] === SP) {
      const t1 = t0End + 1;
      if (b[t1] === SP) return SCAN_UNSURE; // readContext skips empty tokens: the second may be further on
      if ((t0End - t0 === 4 && at(dv, b, t0, end, NONE)) || (req0 && at(dv, b, t1, end, REQ))) {
        const t1End = tokenEnd(b, t1, end);
        if (t1End < 0 || !at(dv, b, t1, end, REQ)) return SCAN_UNSURE;
        reqStart = t1;
        reqEnd = t1End;
      } else if (req0) {
        reqStart = t0;
        reqEnd = t0End;
      } else return SCAN_UNSURE;
    } else if (req0 && t0End - t0 >= 5) {
      reqStart = t0;
      reqEnd = t0End;
    } else return SCAN_UNSURE; // `[-]` and other brackets without a request id: keyed by fields (parsers)
    i = b.indexOf(RBRACKET, reqEnd);
    if (i < 0 || i >= end) return SCAN_UNSURE;
    out.reqStart = reqStart;
    out.reqEnd = reqEnd;
    out.contextStart = t0;
    out.contextEnd = i;
    // The key, mixed as hash52 mixes `${requestId} ${method} ${target} ${status}`: the request id
    // now, the rest as it is read.
    let ha = HASH52_A;
    let hb = HASH52_B;
    for (let k = reqStart; k < reqEnd; k++) {
      const c = b[k]!;
      ha = Math.imul(ha ^ c, FNV_PRIME);
      hb = Math.imul(hb ^ c, FNV_PRIME) ^ (hb >>> 15);
    }
    ha = Math.imul(ha ^ SP, FNV_PRIME);
    hb = Math.imul(hb ^ SP, FNV_PRIME) ^ (hb >>> 15);

    // Message: `CLIENT "METHOD TARGET[ HTTP/x.y]" status: NNN len: N[ microversion: V] time: S`.
    // The client is whatever precedes the first quote (the regexes' lazy `(.+?) "`).
    i++;
    if (b[i] !== SP) return SCAN_UNSURE;
    const clientStart = i + 1;
    for (i = clientStart; i < end; i++) if (b[i] === QUOTE) break;
    if (i >= end || i - 1 <= clientStart || b[i - 1] !== SP) return SCAN_UNSURE;
    out.clientStart = clientStart;
    out.clientEnd = i - 1;
    i++;
    const methodStart = i;
    for (; i < end; i++) {
      const c = b[i]!;
      if (c < 65 || c > 90) break;
      ha = Math.imul(ha ^ c, FNV_PRIME);
      hb = Math.imul(hb ^ c, FNV_PRIME) ^ (hb >>> 15);
    }
    if (i === methodStart || b[i] !== SP) return SCAN_UNSURE;
    out.methodStart = methodStart;
    out.methodEnd = i;
    ha = Math.imul(ha ^ SP, FNV_PRIME);
    hb = Math.imul(hb ^ SP, FNV_PRIME) ^ (hb >>> 15);
    i++;
    const uriStart = i;
    // The target runs to the first space or quote: with neither inside, the request_log
    // regex's greedy and the eventlet regex's lazy target end at the same quote. On the way:
    // its bytes go into the key, and each segment is held against the packs' anchors
    // (mayMatch's regex: a run after a `/` up to `/`, `?`, `#` or the end; or any `%`).
    let run = -1; // start of the run after the last '/', -1 after '?' or '#' (and before the first '/')
    let mayMatch = false;
    for (; i < end; i++) {
      const c = b[i]!;
      if (c <= 63) {
        if (c === QUOTE || c === SP) break;
        if (c === 47 || c === 63 || c === 35) {
          if (!mayMatch && run >= 0 && anchorRun !== null && anchorRun(b, run, i)) mayMatch = true;
          run = c === 47 ? i + 1 : -1;
        } else if (c === 37 && anchorRun !== null) {
          mayMatch = true; // '%': normalisePath decodes it, so let classify look
        }
      } else if (c > 126) return SCAN_UNSURE; // keys hash characters: a decoded string's
      ha = Math.imul(ha ^ c, FNV_PRIME);
      hb = Math.imul(hb ^ c, FNV_PRIME) ^ (hb >>> 15);
    }
    if (i === uriStart || i >= end) return SCAN_UNSURE;
    if (!mayMatch && run >= 0 && anchorRun !== null && anchorRun(b, run, i)) mayMatch = true;
    out.uriStart = uriStart;
    out.uriEnd = i;
    out.mayMatch = mayMatch;
    out.eventlet = eventlet;
    out.protocolStart = -1;
    out.protocolEnd = -1;
    if (eventlet && b[i] === SP) {
      out.protocolStart = i + 1;
      // ` HTTP/d[.d]` before the closing quote.
      if (!at(dv, b, i + 1, end, HTTP)) return SCAN_UNSURE;
      i = digitsEnd(b, i + 6, end);
      if (i === out.uriEnd + 6) return SCAN_UNSURE;
      if (b[i] === DOT) {
        const j = digitsEnd(b, i + 1, end);
        if (j === i + 1) return SCAN_UNSURE;
        i = j;
      }
      out.protocolEnd = i;
    }
    if (!at(dv, b, i, end, STATUS)) return SCAN_UNSURE;
    i += STATUS.length;
    // Three digits, no leading zero: the key's `${status}` is then the text itself.
    const st0 = b[i]!;
    if (st0 < 49 || st0 > 57 || !isDigit(b[i + 1]!) || !isDigit(b[i + 2]!)) return SCAN_UNSURE;
    out.statusStart = i;
    ha = Math.imul(ha ^ SP, FNV_PRIME);
    hb = Math.imul(hb ^ SP, FNV_PRIME) ^ (hb >>> 15);
    const statusEnd = i + 3;
    for (; i < statusEnd; i++) {
      const c = b[i]!;
      ha = Math.imul(ha ^ c, FNV_PRIME);
      hb = Math.imul(hb ^ c, FNV_PRIME) ^ (hb >>> 15);
    }
    if (!at(dv, b, i, end, LEN)) return SCAN_UNSURE;
    i += LEN.length;
    out.lenStart = i;
    const lenEnd = digitsEnd(b, i, end);
    if (lenEnd > i) i = lenEnd;
    else if (at(dv, b, i, end, NONE)) i += 4;
    else if (eventlet && b[i] === 45) i += 1;
    else return SCAN_UNSURE;
    out.lenEnd = i;
    out.microversionStart = -1;
    out.microversionEnd = -1;
    if (!eventlet) {
      if (!at(dv, b, i, end, MICROVERSION)) return SCAN_UNSURE;
      i += MICROVERSION.length;
      const mv = i;
      for (; i < end; i++) {
        const c = b[i]!;
        if (c <= SP || c > 126 || c === QUOTE) break;
      }
      if (i === mv) return SCAN_UNSURE;
      out.microversionStart = mv;
      out.microversionEnd = i;
    }
    if (!at(dv, b, i, end, TIME)) return SCAN_UNSURE;
    i += TIME.length;
    out.secondsStart = i;
    const secEnd = digitsEnd(b, i, end);
    if (secEnd === i) return SCAN_UNSURE;
    i = secEnd;
    if (i < end && b[i] === DOT) {
      i = digitsEnd(b, i + 1, end);
      if (i === secEnd + 1) return SCAN_UNSURE;
    }
    if (i !== end) return SCAN_UNSURE; // trailing text or spaces: the parsers
    out.secondsEnd = end;
    // The first three fraction digits are milliseconds, as osloWallMs reads them.
    let ms = (b[frac]! - 48) * 100;
    if (fracLen > 1) ms += (b[frac + 1]! - 48) * 10;
    if (fracLen > 2) ms += b[frac + 2]! - 48;
    out.wallMs = wall + ms;
    out.key = hash52Fold(ha, hb);
    return SCAN_REQUEST;
  };
  warmUp(scan);
  return scan;
}

/** The nova parsers' sample lines, each inside a block as ingest hands lines over. */
const WARM_UP_LINES = [novaEventletParser, novaRequestlogParser, novaMessageParser].flatMap((p) =>
  p.samples.map((s) => s.line),
);
const WARM_UP = Buffer.from(`\n${WARM_UP_LINES.join('\n')}\n`, 'utf8');

/**
 * Scan the nova parsers' sample lines a few times before any file's: V8 optimises the scanner
 * for the branches it has seen taken, and one those lines take that a file's first lines had
 * not (an eventlet line in a request_log day, another logger as long as ours) deoptimised it
 * again and again (bench/: 3,414 deopts on the main thread in one ingest of the 1.1 GB nova log).
 * The scanner's caches hold only what the bytes prove, so these lines leave nothing behind.
 */
function warmUp(scan: LineScanner): void {
  const out = newScannedAccess();
  for (let round = 0; round < 16; round++) {
    for (let start = 1; start < WARM_UP.length;) {
      const end = WARM_UP.indexOf(10, start);
      scan(WARM_UP, start, end, out);
      start = end + 1;
    }
  }
}
