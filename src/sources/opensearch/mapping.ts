/**
 * A kolla document → the line its file held, and the format that reads it (central-logging.md §1.4),
 * so the file parsers stay the one definition of every format:
 *
 *   (a)(b) oslo: `Timestamp Pid log_level python_module [context] Payload`, the context bracket
 *          rebuilt from request_id (stored without `req-`), global_request_id (absent when the line
 *          said None; KA-2024.1 never kept it), user_id, tenant_id, domain_id, system_scope,
 *          user_domain, project_domain; without them, `[-]` (2025.1+ leaves it in Payload). The
 *          time is @timestamp written in UTC (it is the oslo time read in the host's zone), so
 *          the nova zone of these lines is UTC whatever --nova-timezone says.
 *   (c)    HAProxy: the JSON line kolla's Fluentd writes to haproxy_latest.log (format haproxy-json),
 *          whose Payload keeps HAProxy's syslog header; its time is the one HAProxy wrote (--timezone).
 *   (d)    uWSGI: `[pid: P|app: A|req: R] Address (User) {V vars in B bytes} [ctime] Payload`,
 *          the time from @timestamp in UTC.
 *   (e)    Apache (nova-api-access): Payload is the whole line.
 * An oslo line with a request id goes behind an ISO syslog header naming `Hostname`, which the
 * parsers' envelope stripping turns into the record's host (its own time wins). Other lines keep
 * no host, as their files do: a request without a request id is keyed by its fields, host
 * included, and must get the key its file line gets, or reading both would count it twice.
 * A multi-line Payload (a traceback) keeps its first line: the rest is never a request.
 */
import type { SinkLine } from '../line-sink.js';
import { APACHE_PROGRAM, HAPROXY_PROGRAM, UWSGI_PROGRAM } from './query.js';

type Source = Record<string, unknown>;

const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : Array.isArray(v) ? str(v[0]) : null;

const firstLine = (s: string): string => {
  const nl = s.indexOf('\n');
  return nl < 0 ? s : s.slice(0, nl);
};

/** @timestamp (`2024-05-02T09:15:01.337000000+00:00`, any offset, any digits) → ms, UTC. */
export function timestampMs(v: unknown): number | null {
  const s = str(v);
  if (s === null) return null;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(s);
  if (!m) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }
  const ms = m[2] ? Number(m[2].slice(0, 3).padEnd(3, '0')) : 0;
  const zone = m[3] === undefined || m[3] === 'Z' ? 'Z' : m[3].replace(/^([+-]\d\d)(\d\d)$/, '$1:$2');
  return Date.parse(`${m[1]}${zone}`) + ms;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `2024-05-02 09:15:01.337` (oslo's asctime with msecs), UTC. */
const osloTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Thu May  2 09:15:01 2024` (C locale %c, uWSGI's log date), UTC. */
function ctime(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const hms = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${hms} ${d.getUTCFullYear()}`;
}

/** `2024-05-02T09:15:01.337000+00:00 ctl-1 nova-api: ` (RSYSLOG_FileFormat): the host, for the parsers' envelope. */
function envelope(ms: number | null, host: string | null, program: string): string {
  if (ms === null || host === null || !/^[^\s[\]:]+$/.test(host)) return '';
  const tag = /^[^\s[\]:]+$/.test(program) ? program : 'kolla';
  return `${new Date(ms).toISOString().slice(0, 23)}000+00:00 ${host} ${tag}: `;
}

const withReq = (id: string): string => (id.startsWith('req-') ? id : `req-${id}`);

/** The oslo context bracket kolla's regex took apart (KA-2025.1+ and KA-2024.1 alike). */
function contextBracket(s: Source): string | null {
  const rid = str(s.request_id);
  if (rid === null) return null;
  const g = str(s.global_request_id);
  const rest = ['user_id', 'tenant_id', 'domain_id', 'system_scope', 'user_domain', 'project_domain']
    .map((k) => str(s[k]))
    .filter((x): x is string => x !== null);
  return `[${g === null ? 'None' : withReq(g)} ${withReq(rid)}${rest.length ? ` ${rest.join(' ')}` : ''}]`;
}

function osloLine(s: Source, ms: number): string {
  const payload = firstLine(str(s.Payload) ?? '').trimStart();
  const ctx = contextBracket(s);
  const head = [osloTime(ms), str(s.Pid), str(s.log_level) ?? 'INFO', str(s.python_module)].filter((x) => x !== null);
  // Without context fields, 2025.1+ left the `[-]` bracket in Payload; KA-2024.1 took it away.
  const rest = ctx !== null ? `${ctx} ${payload}` : payload.startsWith('[') ? payload : `[-] ${payload}`;
  return `${head.join(' ')} ${rest}`;
}

function uwsgiLine(s: Source, ms: number | null): string {
  const payload = firstLine(str(s.Payload) ?? '');
  const [pid, app, req, address, vars, bytes] = ['Pid', 'App', 'Req', 'Address', 'Vars', 'Bytes'].map((k) => str(s[k]));
  if (ms === null || pid === null || req === null || address === null) return payload;
  return (
    `[pid: ${pid}|app: ${app ?? '0'}|req: ${req}] ${address} (${str(s.User) ?? ''}) {${vars ?? '0'} vars in ` +
    `${bytes ?? '0'} bytes} [${ctime(ms)}] ${payload}`
  );
}

/** The line a hit stands for, with its format; null for a document of no shape kolla writes for nova or HAProxy. */
export function lineOfHit(s: Source): SinkLine | null {
  const program = str(s.programname) ?? '';
  const ms = timestampMs(s['@timestamp']);
  const host = str(s.Hostname);
  const payload = str(s.Payload);
  if (program === HAPROXY_PROGRAM) {
    if (payload === null) return null;
    const doc: Source = { Payload: firstLine(payload) };
    for (const k of ['log_level', 'Hostname', 'programname']) if (str(s[k]) !== null) doc[k] = str(s[k]);
    return { format: 'haproxy-json', origin: program, line: JSON.stringify(doc) };
  }
  const logger = str(s.python_module);
  if (logger !== null && ms !== null) {
    const format = logger.startsWith('keystonemiddleware') ? 'cadf-oslo' : 'nova';
    const head = str(s.request_id) !== null ? envelope(ms, host, program || 'nova') : '';
    return { format, origin: program || null, line: head + osloLine(s, ms) };
  }
  if (payload === null) return null;
  if (program === UWSGI_PROGRAM || str(s.Req) !== null)
    return { format: 'uwsgi', origin: program, line: uwsgiLine(s, ms), timezone: 'UTC' };
  if (program === APACHE_PROGRAM || program.endsWith('-access'))
    return { format: 'apache', origin: program, line: firstLine(payload) };
  return null;
}
