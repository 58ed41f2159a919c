/**
 * The contract between a log line and the rest of apicensus.
 *
 * A parser turns one line (already stripped of any syslog / journald / grep -H
 * envelope, see envelopes.ts) into one of:
 *   - a RequestRecord: an HTTP request some layer served or forwarded;
 *   - a MessageRecord: another log message a rule pack may care about
 *     (nova's "Enabling host X." INFO line, say), only for loggers asked for;
 *   - null: an ordinary line that is not a request (blank, DEBUG, start-up...);
 *   - a Malformed: a line that looks like a request line but cannot be read.
 *
 * Records are plain objects with every field present (null when the line does
 * not say): one hidden class for V8, and one shape for the store.
 */
import type { HttplogScanner } from './haproxy-access-scan.js';

/** Where a line was written, from the client's side inwards. */
export type Layer =
  /** HAProxy, Octavia amphora, AWS ALB: the edge in front of every API. */
  | 'lb'
  /** Apache, nginx or uWSGI in front of nova-api on the API node. */
  | 'web'
  /** nova-api's own access line (eventlet wsgi.server or request_log). */
  | 'nova'
  /** keystonemiddleware audit (CADF) events. */
  | 'audit';

export const LAYERS: readonly Layer[] = ['lb', 'web', 'nova', 'audit'];

export interface RequestRecord {
  kind: 'request';
  /** Name of the parser (variant) that read the line, e.g. 'nova-eventlet'. */
  parser: string;
  layer: Layer;
  /**
   * The timestamp as written, read as if it were UTC, in ms since the epoch.
   * The ingest step turns it into real UTC with offsetMin or the --timezone.
   */
  wallMs: number | null;
  /** UTC offset the line itself states, minutes east of UTC; null when it states none. */
  offsetMin: number | null;
  /** True when the timestamp marks the end of the request (nova's log time, ALB), false for its start. */
  timeIsEnd: boolean;
  method: string;
  /** The request target exactly as logged: may be absolute, carry a prefix and a query. */
  uri: string;
  protocol: string | null;
  status: number | null;
  bytes: number | null;
  durationMs: number | null;
  /** The best-known client address: the first X-Forwarded-For hop when there is a chain. */
  client: string | null;
  /** The whole client field when it was a chain ("203.0.113.7,10.0.0.1"). */
  clientChain: string | null;
  /** nova's local request id, `req-<uuid>`. */
  requestId: string | null;
  globalRequestId: string | null;
  userId: string | null;
  projectId: string | null;
  /** devstack's context bracket and JSON logs give names instead of (or as well as) ids. */
  userName: string | null;
  projectName: string | null;
  microversion: string | null;
  userAgent: string | null;
  /** HAProxy frontend, Apache vhost, Octavia listener. */
  frontend: string | null;
  backend: string | null;
  server: string | null;
  /** nova's logger name, e.g. 'nova.osapi_compute.wsgi.server'. */
  logger: string | null;
  /** The machine that wrote the line (syslog host, JSON hostname), when the line says. */
  host: string | null;
  /**
   * CADF audit events only (parsers/cadf.ts): the event's `action` as
   * keystonemiddleware wrote it (`read/list`, `update`, `update/addFixedIp`,
   * `start/reboot`, `enable`…); null for every other layer. It carries what the
   * method cannot: the server-action body key and the audit map's custom actions.
   */
  auditAction: string | null;
  /**
   * The OpenStack service the line itself names, when it names one: CADF audit
   * events give it in `target.typeURI` (`service/compute/…` → `compute`,
   * `service/storage/block` → `block-storage`). null when the line does not say
   * (every access-log parser); the ingest step attributes those.
   */
  service: string | null;
}

export interface MessageRecord {
  kind: 'message';
  parser: string;
  layer: Layer;
  wallMs: number | null;
  offsetMin: number | null;
  logger: string;
  level: string;
  requestId: string | null;
  /** The message text after the context bracket. */
  message: string;
  host: string | null;
}

/**
 * A connection a front end logged without any HTTP detail (HAProxy `option
 * tcplog`, a `mode tcp` frontend): proof of traffic, but no method or path.
 * Counted so the report can say when the logs cannot answer the question.
 */
export interface OpaqueRecord {
  kind: 'opaque';
  parser: string;
  layer: Layer;
  wallMs: number | null;
  offsetMin: number | null;
  frontend: string | null;
  backend: string | null;
}

export interface Malformed {
  kind: 'malformed';
  reason: string;
}

export type ParseResult = RequestRecord | MessageRecord | OpaqueRecord | Malformed | null;

/** Per-file facts a parser may need; decided once before the first line. */
export interface ParseContext {
  /** Year for timestamps that carry none (RFC 3164 syslog, journalctl -o short). */
  defaultYear: number;
  /** Loggers whose other messages should come back as MessageRecords. */
  messageLoggers: ReadonlySet<string>;
}

export const defaultContext = (): ParseContext => ({
  defaultYear: new Date().getUTCFullYear(),
  messageLoggers: new Set(),
});

/**
 * A sample line that doubles as a test (lnav's formats): the parser must
 * return exactly `expect`, the whole record (test/parsers-samples.test.ts
 * compares with toStrictEqual). The type is ParseResult itself, so an
 * expectation that leaves out a field does not compile: null for a line that
 * is not a request, `{ kind: 'malformed', reason }` with the exact reason.
 */
export interface Sample {
  line: string;
  expect: ParseResult;
  /** Where the line comes from: 'real: <source>' or 'constructed: <format string source>'. */
  note?: string;
}

/** One log line shape. */
export interface LineParser {
  name: string;
  title: string;
  /** Reference for the format (file and commit, or doc URL). */
  url: string;
  layer: Layer;
  /**
   * Cheap test on the payload: does this line belong to this parser at all?
   * A line that passes `claims` but that `parse` cannot read is malformed.
   */
  claims(payload: string): boolean;
  parse(payload: string, ctx: ParseContext): ParseResult;
  /**
   * Substrings without which this parser returns null for a line, whatever else
   * it holds. When every parser of a format declares them, ingest skips the
   * lines that hold none without reading them (bench/: most of a nova-api log).
   */
  needles?: (ctx: ParseContext) => readonly string[];
  samples: Sample[];
}

/** A file-level format: what auto-detection decides for a whole file. */
export interface FileFormat {
  name: string;
  title: string;
  /** Line parsers tried in order on each payload line. */
  parsers: LineParser[];
  /**
   * Signature on a payload line that says "this file is of this format",
   * used by detection on the first lines; should not match other formats' lines.
   */
  signature: RegExp;
  /** Whether lines are JSON documents (one per line, or a JSON array). */
  json?: boolean;
  /**
   * A reader of the format's commonest lines in place (parsers/nova-access-scan.ts):
   * it answers "not a request", "a request at these positions" or "not sure", and
   * the lines it is not sure of go to `parsers`, which stay the definition.
   */
  scanner?: (ctx: ScannerContext) => LineScanner;
  /**
   * A reader of HAProxy's httplog lines in place (parsers/haproxy-access-scan.ts), given the
   * compute packs' and the other services' anchor tests: it reads a line or is not sure, and
   * the lines it is not sure of go to `parsers`.
   */
  httplogScanner?: (computeRun: AnchorRun | null, otherRun: AnchorRun | null) => HttplogScanner;
}

/** Whether the ASCII run `bytes[from, to)` is an anchor segment of a rule pack (src/rules.ts Classifier.anchorRun). */
export type AnchorRun = (bytes: Uint8Array, from: number, to: number) => boolean;

/** What a scanner is compiled with: the parse context and the compute packs' anchor test (Classifier.anchorRun). */
export interface ScannerContext extends ParseContext {
  anchorRun: ((bytes: Uint8Array, from: number, to: number) => boolean) | null;
  /** Read sample lines first so the scanner is optimised for every branch (not worth it for a small input). */
  warm: boolean;
}

/**
 * What a LineScanner found in the line `bytes[start, end)` (UTF-8, no newline):
 * NOT_REQUEST, REQUEST (fields in `out`, every byte of them ASCII) or UNSURE.
 */
export type LineScanner = (bytes: Uint8Array, start: number, end: number, out: ScannedAccess) => 0 | 1 | 2;

/**
 * Where the fields of a scanned access line are in the bytes (end exclusive), and its
 * time: what keys every request, and what makes the whole record of a call of interest.
 */
export interface ScannedAccess {
  /** The timestamp read as if UTC, ms (as the parsers' wallMs). */
  wallMs: number;
  /** Which access line: the eventlet one (else request_log's). */
  eventlet: boolean;
  reqStart: number;
  reqEnd: number;
  /** The context bracket's content (between `[` and `]`). */
  contextStart: number;
  contextEnd: number;
  clientStart: number;
  clientEnd: number;
  methodStart: number;
  methodEnd: number;
  uriStart: number;
  uriEnd: number;
  /** `HTTP/x.y` of an eventlet line; -1 when it has none. */
  protocolStart: number;
  protocolEnd: number;
  /** Start of the three status digits. */
  statusStart: number;
  lenStart: number;
  lenEnd: number;
  /** request_log's microversion field; -1 on eventlet lines. */
  microversionStart: number;
  microversionEnd: number;
  secondsStart: number;
  secondsEnd: number;
  /** The request's key: hash52 of `${requestId} ${method} ${target} ${status}` (hash52.ts). */
  key: number;
  /** The target may name a call of interest: Classifier.mayMatch(compute, target), read in place. */
  mayMatch: boolean;
}

export const emptyRequest = (parser: string, layer: Layer): RequestRecord => ({
  kind: 'request',
  parser,
  layer,
  wallMs: null,
  offsetMin: null,
  timeIsEnd: false,
  method: '',
  uri: '',
  protocol: null,
  status: null,
  bytes: null,
  durationMs: null,
  client: null,
  clientChain: null,
  requestId: null,
  globalRequestId: null,
  userId: null,
  projectId: null,
  userName: null,
  projectName: null,
  microversion: null,
  userAgent: null,
  frontend: null,
  backend: null,
  server: null,
  logger: null,
  host: null,
  auditAction: null,
  service: null,
});
