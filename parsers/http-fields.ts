/**
 * Field readers shared by the front-end parsers (HAProxy, Octavia, AWS ALB,
 * Apache/nginx, uWSGI): the request line, X-Forwarded-For chains, captured
 * header values, backslash escapes. Everything here runs once per line, so
 * regexes are compiled at module level and the common case avoids them.
 *
 * Source for the facts: ../shared/reference/lb-logs.md (cited per function).
 */
import type { Layer, OpaqueRecord, RequestRecord } from './types.js';

/** An OpaqueRecord, always built with the same field order (one V8 shape). */
export const opaqueRecord = (
  parser: string,
  layer: Layer,
  wallMs: number | null,
  offsetMin: number | null,
  frontend: string | null,
  backend: string | null,
): OpaqueRecord => ({ kind: 'opaque', parser, layer, wallMs, offsetMin, frontend, backend });

/**
 * An HTTP method is a token (RFC 9110 §9.1); real ones are upper-case letters,
 * WebDAV adds '-' (VERSION-CONTROL). Anything else in the method slot (TLS
 * bytes sent to a plain port, `<BADREQ>`, `-`) is no request at all.
 * A character loop: this runs on every request line.
 */
function isMethodToken(line: string, end: number): boolean {
  const first = line.charCodeAt(0);
  if (first < 65 || first > 90) return false;
  for (let i = 1; i < end; i++) {
    const c = line.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45)) return false;
  }
  return true;
}

/**
 * Fill method, uri and protocol from a logged request line
 * `METHOD SP URI [SP HTTP/x.y]` (HAProxy `%r`, Apache `%r`, ALB `request`).
 * The URI is kept exactly as logged (absolute URIs too, lb-logs.md §1.1 HTTP/2).
 * Returns false when the text is not a request line: empty (`""`, HAProxy's
 * "client sent nothing"), `<BADREQ>`, Apache's `-`, or garbage.
 */
export function assignRequestLine(r: RequestRecord, line: string): boolean {
  const a = line.indexOf(' ');
  if (a <= 0 || !isMethodToken(line, a)) return false;
  const method = line.slice(0, a);
  const b = line.lastIndexOf(' ');
  if (b > a && line.startsWith('HTTP/', b + 1)) {
    r.uri = line.slice(a + 1, b);
    r.protocol = line.slice(b + 1);
  } else {
    // HTTP/0.9 `GET /`, or a version cut off by a length limit.
    r.uri = line.slice(a + 1);
    r.protocol = null;
  }
  if (r.uri.length === 0) return false;
  r.method = method;
  return true;
}

/**
 * Set client (first hop) and clientChain (the whole field, only when it is a
 * chain) from an address field that may hold an X-Forwarded-For list
 * `203.0.113.7, 10.0.0.5` (kolla's `%{X-Forwarded-For}i`, uWSGI
 * `log-x-forwarded-for`; lb-logs.md §3.1, §3.3). `-` and empty mean unknown.
 */
export function assignClientField(r: RequestRecord, field: string): void {
  if (field.length === 0 || field === '-') return;
  const comma = field.indexOf(',');
  if (comma === -1) {
    r.client = field;
    return;
  }
  r.client = field.slice(0, comma).trim() || null;
  r.clientChain = field;
}

/** Apache/nginx escape `"` and `\` with a backslash inside `%r` and `%{…}i` (lb-logs.md §3.1). */
export function unescapeQuoted(text: string): string {
  return text.indexOf('\\') === -1 ? text : text.replace(BACKSLASH_ESCAPE, '$1');
}
const BACKSLASH_ESCAPE = /\\(["\\])/g;

/** nova's request ids, `req-<uuid>` (oslo.middleware request_id, nova compute_req_id; lb-logs.md §1.6). */
export const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REQUEST_ID_IN_TEXT = /\breq-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/;

/** The first `req-<uuid>` anywhere in free text (extra trailing log fields), or null. */
export function findRequestId(text: string): string | null {
  if (text.indexOf('req-') === -1) return null;
  const m = REQUEST_ID_IN_TEXT.exec(text);
  return m ? m[0] : null;
}

// `product/version` with a digit after the slash: curl/7.46.0, Mozilla/5.0,
// openstacksdk/1.0.0, keystoneauth1/5.1.0, Go-http-client/1.1, Java/17,
// python-requests/2.31. The digit rules out content types (application/json)
// and URLs (http://…) that a capture may also hold.
const USER_AGENT_PRODUCT = /^[A-Za-z][\w.+-]*\/\d/;
// OpenStack clients that send a bare product name: older python-novaclient
// sends exactly `python-novaclient`; OSA's health check sends
// `osa-haproxy-healthcheck` (lb-logs.md §2.2).
const USER_AGENT_KNOWN =
  /^(?:python-\w+client|openstacksdk|keystoneauth1|osc-lib|osa-haproxy-healthcheck|gophercloud)(?:[ /]|$)/;

/**
 * Does a captured header value look like a User-Agent? HAProxy's `{…}`
 * captures do not name the header (lb-logs.md §1.6), so a Host capture
 * (`1wt.eu`), a Server header (`Apache`) or a Referer must not be taken for one.
 */
export function looksLikeUserAgent(value: string): boolean {
  return USER_AGENT_PRODUCT.test(value) || USER_AGENT_KNOWN.test(value);
}

/**
 * Read HAProxy header captures `{a|b|…}` (the text between the braces):
 * the first `req-<uuid>` becomes requestId, the first User-Agent-looking
 * value userAgent. Values are `|`-separated and may hold spaces (§1.1 field 14).
 */
export function assignCapturedHeaders(r: RequestRecord, captures: string): void {
  if (captures.length === 0) return;
  let start = 0;
  while (start <= captures.length) {
    let end = captures.indexOf('|', start);
    if (end === -1) end = captures.length;
    if (end > start) assignCapturedValue(r, captures.slice(start, end));
    start = end + 1;
  }
}

/** One captured (or quoted extra) value: a request id or a User-Agent, else ignored. */
export function assignCapturedValue(r: RequestRecord, value: string): void {
  if (r.requestId === null && value.startsWith('req-') && REQUEST_ID.test(value)) {
    r.requestId = value;
  } else if (r.userAgent === null && looksLikeUserAgent(value)) {
    r.userAgent = value;
  }
}

/**
 * `-1` (HAProxy: phase not reached) and `-` mean "unknown"; anything else is a
 * decimal integer, read by a character loop (cheaper than Number() on the
 * regex-group substrings of every line). Null when the text is not an integer.
 */
export function intOrNull(text: string | undefined): number | null {
  if (text === undefined || text.length === 0) return null;
  let i = 0;
  let negative = false;
  if (text.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
    if (text.length === 1) return null; // `-`
  }
  let n = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  if (negative) return n === 1 ? null : -n;
  return n;
}
