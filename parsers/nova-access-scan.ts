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
  type AnchorRun,
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

/** The little-endian 32-bit word of `s`'s four characters from `k`: what DataView.getInt32(i, true) reads there. */
const word = (s: string, k: number): number =>
  s.charCodeAt(k) | (s.charCodeAt(k + 1) << 8) | (s.charCodeAt(k + 2) << 16) | (s.charCodeAt(k + 3) << 24);

// The hot path's literals as words (see scan).
const RL_0 = word(REQUESTLOG_LOGGER, 0);
const RL_4 = word(REQUESTLOG_LOGGER, 4);
const RL_8 = word(REQUESTLOG_LOGGER, 8);
const RL_12 = word(REQUESTLOG_LOGGER, 12);
const RL_16 = word(REQUESTLOG_LOGGER, 16);
const RL_20 = word(REQUESTLOG_LOGGER, 20);
const RL_24 = word(REQUESTLOG_LOGGER, 24);
const RL_28 = REQUESTLOG_LOGGER.charCodeAt(28);
const EV_0 = word(EVENTLET_LOGGER, 0);
const EV_4 = word(EVENTLET_LOGGER, 4);
const EV_8 = word(EVENTLET_LOGGER, 8);
const EV_12 = word(EVENTLET_LOGGER, 12);
const EV_16 = word(EVENTLET_LOGGER, 16);
const EV_20 = word(EVENTLET_LOGGER, 20);
const EV_24 = EVENTLET_LOGGER.charCodeAt(24) | (EVENTLET_LOGGER.charCodeAt(25) << 8);
const EV_26 = word(EVENTLET_LOGGER, 26);
const INFO_W = word('INFO', 0);
const REQ_W = word('req-', 0);
const NONE_W = word('None', 0);
const HTTP_W = word('HTTP', 0);
const STATUS_0 = word('" status: ', 0);
const STATUS_4 = word('" status: ', 4);
const LEN_0 = word(' len: ', 0);
const MV_0 = word(' microversion: ', 0);
const MV_4 = word(' microversion: ', 4);
const MV_8 = word(' microversion: ', 8);
const TIME_0 = word(' time: ', 0);

const EVENTLET = literal(EVENTLET_LOGGER);
const REQUESTLOG = literal(REQUESTLOG_LOGGER);

/** What a scanner keeps from line to line. */
class ScanState {
  /** A view of the current block for the word compares, made once per block. */
  dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  block: Uint8Array | null = null;
  /** The last date read (lines come in long runs of one day): its ten bytes as two 32-bit words and a 16-bit one. */
  dateLo = 0;
  dateMid = 0;
  dateHi = -1;
  /** Its UTC midnight. */
  dayMs = 0;
}

/**
 * Read the `YYYY-MM-DD` at `i` as the current day (the header regex's shape, and the dates
 * osloWallMs accepts); false when it is not one.
 */
function readDay(st: ScanState, b: Uint8Array, i: number): boolean {
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
  if (!shape) return false;
  const y = two(b, i) * 100 + two(b, i + 2);
  const mo = two(b, i + 5);
  const d = two(b, i + 8);
  if (!isCalendarDay(y, mo, d)) return false;
  st.dateLo = st.dv.getInt32(i, true);
  st.dateMid = st.dv.getInt32(i + 4, true);
  st.dateHi = st.dv.getUint16(i + 8, true);
  st.dayMs = Date.UTC(y, mo - 1, d);
  return true;
}

/**
 * The end of the access logger at `ls` followed by a space: `ls + 29` for request_log's,
 * `ls + 30` for eventlet's, -1 for another logger.
 */
function accessLoggerEnd(dv: DataView<ArrayBufferLike>, b: Uint8Array, ls: number, end: number): number {
  if (
    ls + 31 <= end &&
    dv.getInt32(ls + 24, true) === RL_24 &&
    b[ls + 28] === RL_28 &&
    b[ls + 29] === SP &&
    dv.getInt32(ls, true) === RL_0 &&
    dv.getInt32(ls + 4, true) === RL_4 &&
    dv.getInt32(ls + 8, true) === RL_8 &&
    dv.getInt32(ls + 12, true) === RL_12 &&
    dv.getInt32(ls + 16, true) === RL_16 &&
    dv.getInt32(ls + 20, true) === RL_20
  )
    return ls + 29;
  if (
    ls + 32 <= end &&
    dv.getInt32(ls + 26, true) === EV_26 &&
    b[ls + 30] === SP &&
    dv.getInt32(ls, true) === EV_0 &&
    dv.getInt32(ls + 4, true) === EV_4 &&
    dv.getInt32(ls + 8, true) === EV_8 &&
    dv.getInt32(ls + 12, true) === EV_12 &&
    dv.getInt32(ls + 16, true) === EV_16 &&
    dv.getInt32(ls + 20, true) === EV_20 &&
    dv.getUint16(ls + 24, true) === EV_24
  )
    return ls + 30;
  return -1;
}

/** A line whose logger is neither access logger: not a request, unless the parsers may read it otherwise. */
function otherLogger(
  dv: DataView<ArrayBufferLike>,
  b: Uint8Array,
  ls: number,
  end: number,
  messageNames: readonly Literal[],
): 0 | 2 {
  if (ls >= end || b[ls] === SP) return SCAN_UNSURE;
  // A token that starts with one of ours may be ours with a tab or a Unicode space after it
  // (the header regex's \S+ stops there), or longer: the parsers decide.
  if (at(dv, b, ls, end, REQUESTLOG) || at(dv, b, ls, end, EVENTLET)) return SCAN_UNSURE;
  for (const m of messageNames) if (at(dv, b, ls, end, m)) return SCAN_UNSURE;
  // Another logger: every parser reads the header first and gives null for it (or for a
  // header the regex does not read at all, such as an unknown level word).
  return SCAN_NOT_REQUEST;
}

/** Whether the eventlet logger's needle (` ${EVENTLET_LOGGER} `) starts at the space at `p`. */
function eventletNeedleAt(dv: DataView<ArrayBufferLike>, b: Uint8Array, p: number, end: number): boolean {
  return (
    p + 32 <= end &&
    b[p] === SP &&
    b[p + 31] === SP &&
    dv.getInt32(p + 1, true) === EV_0 &&
    dv.getInt32(p + 5, true) === EV_4 &&
    dv.getInt32(p + 9, true) === EV_8 &&
    dv.getInt32(p + 13, true) === EV_12 &&
    dv.getInt32(p + 17, true) === EV_16 &&
    dv.getInt32(p + 21, true) === EV_20 &&
    dv.getUint16(p + 25, true) === EV_24 &&
    dv.getInt32(p + 27, true) === EV_26
  );
}

/**
 * The end of the context bracket's token at `i` (a space or `]`), -1 when the line ends first or
 * it holds a non-ASCII byte (keys hash characters).
 */
function contextTokenEnd(b: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === SP || c === RBRACKET) return i;
    if (c > 126) return -1;
  }
  return -1;
}

/**
 * The context bracket after the logger (which ends at `loggerEnd`), then the client: the request id
 * where readContext finds it (nova-oslo.ts), the first token, or the second after a global request
 * id or `None`; the client, whatever precedes the first quote (the regexes' lazy `(.+?) "`); into
 * `out`. The rest of the bracket (identity, which only calls of interest need) is left to the
 * parsers. The index of the quote, -1 when not sure.
 */
function readContextAndClient(
  dv: DataView<ArrayBufferLike>,
  b: Uint8Array,
  loggerEnd: number,
  end: number,
  eventlet: boolean,
  out: ScannedAccess,
): number {
  if (b[loggerEnd + 1] !== 91) return -1;
  const t0 = loggerEnd + 2;
  const t0End = contextTokenEnd(b, t0, end);
  if (t0End < 0 || t0End === t0) return -1;
  const req0 = t0End - t0 >= 4 && dv.getInt32(t0, true) === REQ_W;
  let reqStart = t0;
  let reqEnd = t0End;
  if (b[t0End] === SP) {
    const t1 = t0End + 1;
    if (b[t1] === SP) return -1; // readContext skips empty tokens: the second may be further on
    const req1 = t1 + 4 <= end && dv.getInt32(t1, true) === REQ_W;
    if ((t0End - t0 === 4 && dv.getInt32(t0, true) === NONE_W) || (req0 && req1)) {
      if (!req1) return -1;
      reqStart = t1;
      reqEnd = contextTokenEnd(b, t1, end);
      if (reqEnd < 0) return -1;
    } else if (!req0) return -1;
    // (Below: `[-]` and other brackets without a request id are keyed by fields, in the parsers.)
  } else if (!req0 || t0End - t0 < 5) return -1;
  // The rest of the bracket, and the client. A request_log line holding the eventlet logger's
  // needle (` nova.osapi_compute.wsgi.server `) is the eventlet parser's to decide (it is tried
  // first): between spaces, the needle can only be a token here, a word of the client or the
  // microversion, and is looked for there (bench/: searching each block for it instead was
  // ~20 % of the processor's time on request_log days, where it never is).
  let i = reqEnd;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === RBRACKET) break;
    if (c === SP && !eventlet && eventletNeedleAt(dv, b, i, end)) return -1;
  }
  if (i >= end) return -1;
  out.reqStart = reqStart;
  out.reqEnd = reqEnd;
  out.contextStart = t0;
  out.contextEnd = i;
  i++;
  if (b[i] !== SP) return -1;
  const clientStart = i + 1;
  if (!eventlet && eventletNeedleAt(dv, b, i, end)) return -1;
  for (i = clientStart; i < end; i++) {
    const c = b[i]!;
    if (c === QUOTE) break;
    if (c === SP && !eventlet && eventletNeedleAt(dv, b, i, end)) return -1;
  }
  if (i >= end || i - 1 <= clientStart || b[i - 1] !== SP) return -1;
  out.clientStart = clientStart;
  out.clientEnd = i - 1;
  return i;
}

/** hash52's two lanes (parsers/hash52.ts) of the line's key, between readRequestLine and readStatusAndTail. */
let keyA = 0;
let keyB = 0;

/**
 * `METHOD TARGET[ HTTP/x.y]` after the quote at `quote` (the protocol on eventlet lines), into
 * `out`; the key's `${requestId} ${method} ${target}` mixed on the way (into keyA, keyB). The
 * index after it, -1 when not sure.
 */
function readRequestLine(
  dv: DataView<ArrayBufferLike>,
  b: Uint8Array,
  quote: number,
  end: number,
  eventlet: boolean,
  anchorRun: AnchorRun | null,
  out: ScannedAccess,
): number {
  let ha = HASH52_A;
  let hb = HASH52_B;
  for (let k = out.reqStart; k < out.reqEnd; k++) {
    const c = b[k]!;
    ha = Math.imul(ha ^ c, FNV_PRIME);
    hb = Math.imul(hb ^ c, FNV_PRIME) ^ (hb >>> 15);
  }
  ha = Math.imul(ha ^ SP, FNV_PRIME);
  hb = Math.imul(hb ^ SP, FNV_PRIME) ^ (hb >>> 15);
  const methodStart = quote + 1;
  let i = methodStart;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c < 65 || c > 90) break;
    ha = Math.imul(ha ^ c, FNV_PRIME);
    hb = Math.imul(hb ^ c, FNV_PRIME) ^ (hb >>> 15);
  }
  if (i === methodStart || b[i] !== SP) return -1;
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
    } else if (c > 126) return -1; // keys hash characters: a decoded string's
    ha = Math.imul(ha ^ c, FNV_PRIME);
    hb = Math.imul(hb ^ c, FNV_PRIME) ^ (hb >>> 15);
  }
  if (i === uriStart || i >= end) return -1;
  if (!mayMatch && run >= 0 && anchorRun !== null && anchorRun(b, run, i)) mayMatch = true;
  out.uriStart = uriStart;
  out.uriEnd = i;
  out.mayMatch = mayMatch;
  keyA = ha;
  keyB = hb;
  out.protocolStart = -1;
  out.protocolEnd = -1;
  if (eventlet && b[i] === SP) {
    out.protocolStart = i + 1;
    i = protocolEnd(dv, b, i, end);
    out.protocolEnd = i;
  }
  return i;
}

/** ` HTTP/d[.d]` at `i` (before the closing quote): the index after it, -1 when not so. */
function protocolEnd(dv: DataView<ArrayBufferLike>, b: Uint8Array, i: number, end: number): number {
  if (!(i + 6 <= end && dv.getInt32(i + 1, true) === HTTP_W && b[i + 5] === 47)) return -1;
  const major = digitsEnd(b, i + 6, end);
  if (major === i + 6) return -1;
  if (b[major] !== DOT) return major;
  const minor = digitsEnd(b, major + 1, end);
  return minor === major + 1 ? -1 : minor;
}

/**
 * The fields after the target at `i`: `" status: ` and three digits, no leading zero (the key's
 * ` ${status}` is then the text itself: the key is finished), ` len: N` (digits, `None`, or `-` on
 * eventlet lines), ` microversion: V` (request_log lines), ` time: S[.F]` to the end of the line,
 * into `out`. False when the line is not so (trailing text or spaces included: the parsers).
 */
function readStatusAndTail(
  dv: DataView<ArrayBufferLike>,
  b: Uint8Array,
  i: number,
  end: number,
  eventlet: boolean,
  out: ScannedAccess,
): boolean {
  if (!(
    i + 13 <= end &&
    dv.getInt32(i, true) === STATUS_0 &&
    dv.getInt32(i + 4, true) === STATUS_4 &&
    b[i + 8] === 58 &&
    b[i + 9] === SP
  ))
    return false;
  i += 10;
  const st0 = b[i]!;
  const st1 = b[i + 1]!;
  const st2 = b[i + 2]!;
  if (st0 < 49 || st0 > 57 || st1 < 48 || st1 > 57 || st2 < 48 || st2 > 57) return false;
  out.statusStart = i;
  let ha = keyA;
  let hb = keyB;
  for (let k = i - 1; k < i + 3; k++) {
    const c = b[k]!; // the space before the status, then its digits
    ha = Math.imul(ha ^ c, FNV_PRIME);
    hb = Math.imul(hb ^ c, FNV_PRIME) ^ (hb >>> 15);
  }
  out.key = hash52Fold(ha, hb);
  i += 3;
  if (!(i + 7 <= end && dv.getInt32(i, true) === LEN_0 && b[i + 4] === 58 && b[i + 5] === SP)) return false;
  i += 6;
  out.lenStart = i;
  const lenEnd = digitsEnd(b, i, end);
  if (lenEnd > i) i = lenEnd;
  else if (i + 4 <= end && dv.getInt32(i, true) === NONE_W) i += 4;
  else if (eventlet && b[i] === 45) i += 1;
  else return false;
  out.lenEnd = i;
  out.microversionStart = -1;
  out.microversionEnd = -1;
  if (!eventlet) {
    if (!(
      i + 16 <= end &&
      dv.getInt32(i, true) === MV_0 &&
      dv.getInt32(i + 4, true) === MV_4 &&
      dv.getInt32(i + 8, true) === MV_8 &&
      b[i + 12] === 110 &&
      b[i + 13] === 58 &&
      b[i + 14] === SP
    ))
      return false;
    i += 15;
    const mv = i;
    for (; i < end; i++) {
      const c = b[i]!;
      if (c <= SP || c > 126 || c === QUOTE) break;
    }
    if (i === mv || eventletNeedleAt(dv, b, mv - 1, end)) return false;
    out.microversionStart = mv;
    out.microversionEnd = i;
  }
  if (!(i + 8 <= end && dv.getInt32(i, true) === TIME_0 && b[i + 4] === 101 && b[i + 5] === 58 && b[i + 6] === SP))
    return false;
  i += 7;
  out.secondsStart = i;
  const secEnd = digitsEnd(b, i, end);
  if (secEnd === i) return false;
  i = secEnd;
  if (i < end && b[i] === DOT) {
    i = digitsEnd(b, i + 1, end);
    if (i === secEnd + 1) return false;
  }
  out.secondsEnd = end;
  return i === end;
}

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
  warm = true,
): LineScanner {
  const messageNames = [...messageLoggers].map(literal);
  const st = new ScanState();
  // Header: `YYYY-MM-DD HH:MM:SS[.,]F{1,9} [PID ]LEVEL LOGGER [CONTEXT] ` (nova-oslo.ts OSLO_HEADER),
  // message: `CLIENT "METHOD TARGET[ HTTP/x.y]" status: NNN len: N[ microversion: V] time: S`.
  // A line that starts so has no envelope (each envelope regex needs another character there).
  // The literals of the hot path are compared as 32-bit words written out in line, not through
  // `at` (bench/: calls to at, tokenEnd, digitsEnd and wallSeconds were ~25 % of the scanner).
  const scan: LineScanner = (b, start, end, out) => {
    if (end - start < 40) return SCAN_UNSURE;
    if (b !== st.block) {
      st.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      st.block = b;
    }
    const dv = st.dv;
    if (
      dv.getInt32(start, true) !== st.dateLo ||
      dv.getInt32(start + 4, true) !== st.dateMid ||
      dv.getUint16(start + 8, true) !== st.dateHi
    ) {
      if (!readDay(st, b, start)) return SCAN_UNSURE;
    }
    if (b[start + 10] !== SP || b[start + 13] !== 58 || b[start + 16] !== 58) return SCAN_UNSURE;
    const h0 = b[start + 11]! - 48;
    const h1 = b[start + 12]! - 48;
    const m0 = b[start + 14]! - 48;
    const m1 = b[start + 15]! - 48;
    const s0 = b[start + 17]! - 48;
    const s1 = b[start + 18]! - 48;
    // Each digit: its value as unsigned is at most 9 (a byte below '0' wraps around).
    if (h0 >>> 0 > 9 || h1 >>> 0 > 9 || m0 >>> 0 > 9 || m1 >>> 0 > 9 || s0 >>> 0 > 9 || s1 >>> 0 > 9)
      return SCAN_UNSURE;
    const h = h0 * 10 + h1;
    const mi = m0 * 10 + m1;
    const sec = s0 * 10 + s1;
    if (h > 23 || mi > 59 || sec > 60) return SCAN_UNSURE;
    const sep = b[start + 19];
    if (sep !== DOT && sep !== 44) return SCAN_UNSURE;
    const frac = start + 20;
    let i = frac;
    while (i < end && b[i]! >= 48 && b[i]! <= 57) i++;
    const fracLen = i - frac;
    if (fracLen < 1 || fracLen > 9 || b[i] !== SP) return SCAN_UNSURE;
    // The first three fraction digits are milliseconds, as osloWallMs reads them.
    let ms = (b[frac]! - 48) * 100;
    if (fracLen > 1) ms += (b[frac + 1]! - 48) * 10;
    if (fracLen > 2) ms += b[frac + 2]! - 48;
    out.wallMs = st.dayMs + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
    const pid = ++i;
    while (i < end && b[i]! >= 48 && b[i]! <= 57) i++;
    if (i > pid) {
      if (b[i] !== SP) return SCAN_UNSURE;
      i++;
    }
    const levelStart = i;
    while (i < end && b[i] !== SP) i++;
    const levelLen = i - levelStart;
    const loggerEnd = accessLoggerEnd(dv, b, i + 1, end);
    if (loggerEnd < 0) return otherLogger(dv, b, i + 1, end, messageNames);
    const eventlet = loggerEnd === i + 31;
    if (!(levelLen === 4 && dv.getInt32(levelStart, true) === INFO_W) && !isLevel(dv, b, levelStart, end, levelLen))
      return SCAN_UNSURE;
    i = readContextAndClient(dv, b, loggerEnd, end, eventlet, out);
    if (i < 0) return SCAN_UNSURE;
    i = readRequestLine(dv, b, i, end, eventlet, anchorRun, out);
    if (i < 0 || !readStatusAndTail(dv, b, i, end, eventlet, out)) return SCAN_UNSURE;
    out.eventlet = eventlet;
    return SCAN_REQUEST;
  };
  if (warm) warmUp(scan);
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
