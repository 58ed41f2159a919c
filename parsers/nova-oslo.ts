/**
 * oslo.log text lines as nova-api writes them: the header in front of every
 * message and the request-context bracket after the logger name. Shared by
 * the nova-eventlet, nova-requestlog and nova-message line parsers.
 *
 * Shapes (/work/shared/reference/nova-logs.md §2):
 *   2024-05-02 09:15:01.337 2211 INFO nova.api.openstack.requestlog [None req-… …] message
 *   2013-09-27 18:22:40.016 INFO nova.osapi_compute.wsgi.server [req-… ceilometer service] message
 *     (Havana devstack: no pid)
 *   INFO nova.api.openstack.requestlog [None req-… admin admin] message
 *     (devstack journal: no time, no pid)
 *   2014-04-16 21:01:48.760 8459 TRACE nova.api.openstack Traceback …
 *     (exception prefix: no bracket)
 *
 * Hot path: the readers are called on every line a nova parser claims, so they
 * run one anchored regex, read the timestamp digits in place, and fill a
 * caller-owned scratch object instead of returning a new one.
 */
import type { RequestRecord } from './types.js';

/** Level words: AUDIT is old nova's LOG.audit (Icehouse log, Juno hosts controller); TRACE prefixes exception lines. */
export const OSLO_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'AUDIT', 'WARNING', 'ERROR', 'CRITICAL'] as const;

/**
 * `logging_context_format_string` / `logging_default_format_string`:
 * `%(asctime)s.%(msecs)03d %(process)d %(levelname)s %(name)s [...] %(instance)s%(message)s`.
 * Time and pid are optional (Havana devstack set a format without %(process)d;
 * devstack's journal format has neither); the bracket is absent on TRACE lines.
 * Group 1: timestamp present; 2: fraction; 3: level; 4: logger; 5: bracket content.
 */
const OSLO_HEADER = new RegExp(
  String.raw`^(?:(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:[.,](\d{1,9}))? )?(?:\d+ )?(TRACE|DEBUG|INFO|AUDIT` +
    String.raw`|WARNING|ERROR|CRITICAL) (\S+)(?: \[([^\]]*)\])? ?`,
);

/** ANSI SGR sequences: devstack's journal format colours level, ids and message. */
// eslint-disable-next-line no-control-regex -- ESC is what the pattern is for
const ANSI_SGR = /\x1b\[[0-9;]*m/g;

/** What the header says. `text` is the string the indices refer to. */
export interface OsloHeader {
  /** The payload, or the payload with ANSI colours removed when it had them. */
  text: string;
  /** The timestamp read as if UTC (oslo prints local time without an offset); null when the line has none. */
  wallMs: number | null;
  level: string;
  logger: string;
  /** Text between `[` and `]` after the logger, or null when there is no bracket. */
  context: string | null;
  /** Index in `text` where the message (after the bracket and one space) starts. */
  messageStart: number;
}

export const newOsloHeader = (): OsloHeader => ({
  text: '',
  wallMs: null,
  level: '',
  logger: '',
  context: null,
  messageStart: 0,
});

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;
const two = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1);

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether day `d` of month `mo` (1–12) of year `y` exists: what osloWallMs accepts. */
export const isCalendarDay = (y: number, mo: number, d: number): boolean =>
  mo >= 1 && mo <= 12 && d >= 1 && d <= (mo === 2 && isLeap(y) ? 29 : MONTH_DAYS[mo - 1]!);

/**
 * `YYYY-MM-DD HH:MM:SS` at the start of `s` (already shape-checked by the
 * regex) plus its fraction, as wall-clock ms; null for an impossible date.
 */
function osloWallMs(s: string, fraction: string | undefined): number | null {
  const y = two(s, 0) * 100 + two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  const sec = two(s, 17);
  if (!isCalendarDay(y, mo, d) || h > 23 || mi > 59 || sec > 60) return null;
  let ms = 0;
  if (fraction !== undefined) {
    // First three digits are milliseconds ('3' → 300, '337123' → 337).
    ms = digit(fraction, 0) * 100;
    if (fraction.length > 1) ms += digit(fraction, 1) * 10;
    if (fraction.length > 2) ms += digit(fraction, 2);
  }
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

/**
 * Read the oslo.log header of `line` into `out`. Returns false when the line
 * does not start with one (continuation lines, shell traces, other programs).
 */
export function readOsloHeader(line: string, out: OsloHeader): boolean {
  let text = line;
  let m = OSLO_HEADER.exec(text);
  if (m === null) {
    // devstack's journal format starts with %(color)s: retry without colours.
    if (line.charCodeAt(0) !== 27) return false;
    text = line.replace(ANSI_SGR, '');
    m = OSLO_HEADER.exec(text);
    if (m === null) return false;
  }
  out.text = text;
  out.wallMs = m[1] === undefined ? null : osloWallMs(text, m[2]);
  out.level = m[3]!;
  out.logger = m[4]!;
  out.context = m[5] ?? null;
  out.messageStart = m[0].length;
  return true;
}

/**
 * Cheap test (a few character reads, no regex) for "this payload starts like
 * an oslo.log line": `YYYY-MM-DD HH:MM:SS`, a bare level word (devstack
 * journal), or an ANSI colour escape. Rejects access-log lines of front ends.
 */
export function looksLikeOsloLine(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    return (
      line.charCodeAt(4) === 45 &&
      line.charCodeAt(7) === 45 &&
      line.charCodeAt(10) === 32 &&
      line.charCodeAt(13) === 58 &&
      line.charCodeAt(16) === 58
    );
  }
  if (c === 27) return true;
  if (c < 65 || c > 90) return false;
  for (const level of OSLO_LEVELS) {
    if (line.startsWith(level) && line.charCodeAt(level.length) === 32) return true;
  }
  return false;
}

/** The identity fields a context bracket (or a JSON `context`) can give. */
export type ContextFields = Pick<
  RequestRecord,
  'requestId' | 'globalRequestId' | 'userId' | 'projectId' | 'userName' | 'projectName'
>;

/** A context with nothing known yet: the scratch object a parser fills per line. */
export function emptyContext(): ContextFields {
  return { requestId: null, globalRequestId: null, userId: null, projectId: null, userName: null, projectName: null };
}

/**
 * A keystone id: 32 hex (uuid4().hex, the usual), a dashed uuid, or 64 hex
 * (keystone's sha256 public ids for mapped LDAP/federated users).
 */
const KEYSTONE_ID = /^(?:[0-9a-f]{32}|[0-9a-f]{64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Length first: names such as `admin` or `ceilometer` never reach the regex. */
export function looksLikeKeystoneId(s: string): boolean {
  const n = s.length;
  return (n === 32 || n === 36 || n === 64) && KEYSTONE_ID.test(s);
}

/** oslo prints `-` for falsy values (_ReplaceFalseValue); `None` is a raw Python None. */
export const nullIfPlaceholder = (s: string | undefined): string | null =>
  s === undefined || s === '' || s === '-' || s === 'None' ? null : s;

/** Put a value whose position says "user" into userId or userName by its shape. */
function assignUser(into: ContextFields, v: string | null): void {
  if (v === null) return;
  if (looksLikeKeystoneId(v)) into.userId = v;
  else into.userName = v;
}

function assignProject(into: ContextFields, v: string | null): void {
  if (v === null) return;
  if (looksLikeKeystoneId(v)) into.projectId = v;
  else into.projectName = v;
}

/** Token boundaries of the bracket being read: no split() array per line. */
const MAX_TOKENS = 16;
const tokenStart = new Int32Array(MAX_TOKENS);
const tokenEnd = new Int32Array(MAX_TOKENS);

/** Record the space-separated tokens of `s` (at most MAX_TOKENS); returns how many. */
function tokenize(s: string): number {
  let n = 0;
  let i = 0;
  const len = s.length;
  while (i < len && n < MAX_TOKENS) {
    const sp = s.indexOf(' ', i);
    const end = sp === -1 ? len : sp;
    if (end > i) {
      tokenStart[n] = i;
      tokenEnd[n] = end;
      n++;
    }
    i = end + 1;
  }
  return n;
}

/** Token k of the last tokenize() as a value, `-`/`None` → null. */
const token = (s: string, k: number): string | null => nullIfPlaceholder(s.slice(tokenStart[k]!, tokenEnd[k]!));

const tokenStartsWithReq = (s: string, k: number): boolean => s.startsWith('req-', tokenStart[k]!);

/**
 * Read a context bracket's content into `into` (every field is reset first).
 * Forms, nova-logs.md §2:
 *   `-`                                                     no context
 *   `req-U user tenant`                                     ≤ Juno (Icehouse: ids; Havana devstack: names)
 *   `req-U user project domain user_domain project_domain`  Kilo–Yoga (`- - - - -` for services)
 *   `G req-U user project domain system_scope ud pd`        Zed+ (G = `None` or `req-…`; 6 dashes for services)
 *   `G req-U project_name user_name`                        devstack: names, PROJECT FIRST
 * In the 5- and 6-token identity forms the values are ids by definition
 * (oslo.context `user`, `project`), whatever their shape (an LDAP user id can
 * be `jdoe`). In the 2-token forms the deployer chose names or ids, so a value
 * that is not a keystone id is taken as a name.
 * A bracket whose request-id position holds no `req-…` (e.g. `[instance: …]`
 * on a TRACE line) gives nothing.
 */
export function readContext(bracket: string | null, into: ContextFields): void {
  into.requestId = null;
  into.globalRequestId = null;
  into.userId = null;
  into.projectId = null;
  into.userName = null;
  into.projectName = null;
  if (bracket === null || bracket.length < 5) return; // `-`, or too short for `req-…`
  const n = tokenize(bracket);
  // Zed+ and devstack put the global request id (or `None`) first.
  const hasGlobal =
    n > 1 && (bracket.startsWith('None ') || (tokenStartsWithReq(bracket, 0) && tokenStartsWithReq(bracket, 1)));
  const i = hasGlobal ? 1 : 0;
  if (i >= n || !tokenStartsWithReq(bracket, i)) return;
  into.requestId = token(bracket, i);
  if (hasGlobal) into.globalRequestId = token(bracket, 0);
  const identityTokens = n - i - 1;
  if (identityTokens === 2) {
    if (hasGlobal) {
      // devstack: `%(project_name)s %(user_name)s`.
      assignProject(into, token(bracket, i + 1));
      assignUser(into, token(bracket, i + 2));
    } else {
      // oslo-incubator ≤ Juno: `%(user)s %(tenant)s` (devstack Havana: user_name tenant_name).
      assignUser(into, token(bracket, i + 1));
      assignProject(into, token(bracket, i + 2));
    }
  } else if (identityTokens >= 3) {
    into.userId = token(bracket, i + 1);
    into.projectId = token(bracket, i + 2);
  } else if (identityTokens === 1) {
    assignUser(into, token(bracket, i + 1));
  }
}

/**
 * Seconds as nova prints them (`%(wall_seconds).7f`, `%(time).6f`) to ms,
 * rounded to 0.1 µs so that 0.2477829 s reads back as 247.7829 ms.
 */
export function secondsTextToMs(text: string): number {
  return Math.round(Number(text) * 1e7) / 1e4;
}

/**
 * Split an access line's client field: `ip`, or eventlet's `xff,peer` /
 * http_proxy_to_wsgi's XFF list (`a, b,c`). Sets client to the first hop and
 * clientChain to the whole field when it is a chain.
 */
export function assignClient(into: { client: string | null; clientChain: string | null }, field: string): void {
  const comma = field.indexOf(',');
  if (comma === -1) {
    into.client = nullIfPlaceholder(field);
    into.clientChain = null;
    return;
  }
  into.client = nullIfPlaceholder(field.slice(0, comma).trim());
  into.clientChain = field;
}
