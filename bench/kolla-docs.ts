/**
 * kolla-ansible's central logging, constructed (central-logging.md §1): the lines nova-api,
 * uWSGI, Apache and HAProxy write, and the OpenSearch / Elasticsearch documents kolla's Fluentd
 * makes of them, by the regexes of each release, applied here in JavaScript (named groups read
 * the same; a group that does not take part is left out of the record, as Fluentd's parsers do).
 *
 *   ≤ 2022.2 (Elasticsearch), 2023.1-2024.2 (OpenSearch): the old oslo regex (no global request
 *     id, no space before Payload, `[-]` taken away); nova-api under Apache (nova-api-access);
 *   2025.1-2025.2: the new oslo regex (global id, Payload keeps its leading space, `[-]` stays in
 *     Payload); nova-api under uWSGI by default (nova-api-uwsgi), Apache still possible;
 *   2026.1+: as 2025.1, uWSGI only.
 * HAProxy (every release): syslog to Fluentd, the message after `<PRI>` in Payload, Hostname the
 * sender, @timestamp the time Fluentd received it; kolla's file output writes the same record as
 * a JSON line to haproxy_latest.log. Index per UTC day: `flog-YYYY.MM.DD`.
 */
import type { FakeDoc } from './fake-search-server.js';

export type KollaRelease = '2022.2' | '2024.1' | '2025.1' | '2025.1-apache' | '2026.1';

export const KOLLA_RELEASES: readonly KollaRelease[] = ['2022.2', '2024.1', '2025.1', '2025.1-apache', '2026.1'];

/** Which program nova-api's web server logs as in a release. */
export const webOf = (r: KollaRelease): 'nova-api-access' | 'nova-api-uwsgi' =>
  r === '2022.2' || r === '2024.1' || r === '2025.1-apache' ? 'nova-api-access' : 'nova-api-uwsgi';

const OSLO_NEW = new RegExp(
  String.raw`^(?<Timestamp>\S+ \S+) (?<Pid>\d+) (?<log_level>\S+) (?<python_module>\S+) ` +
    String.raw`((?:\[)(?:None|req-)(?<global_request_id>\S+)? (?:None|req-)(?<request_id>\S+) ` +
    String.raw`(?<user_id>\S+) (?<tenant_id>\S+) (?<domain_id>\S+) (?<system_scope>\S+) ` +
    String.raw`(?<user_domain>\S+) (?<project_domain>\S+)(?:\]))?(?<Payload>.*)?$`,
);
const OSLO_OLD = new RegExp(
  String.raw`^(?<Timestamp>\S+ \S+) (?<Pid>\d+) (?<log_level>\S+) (?<python_module>\S+) ` +
    String.raw`\[(\S+ req-)?((?<request_id>\S+) (?<user_id>\S+) (?<tenant_id>\S+) ` +
    String.raw`(?<domain_id>\S+) (?<system_scope>\S+) (?<user_domain>\S+) (?<project_domain>\S+)|-)\] (?<Payload>.*)?$`,
);
const UWSGI = new RegExp(
  String.raw`^(?:\[pid: (?<Pid>\d+)\|app: (?<App>\d+)\|req: (?<Req>\d+\/\d+)\] ` +
    String.raw`(?<Address>\S+) \((?<User>\w*)\) \{(?<Vars>\d+) vars +in (?<Bytes>\d+) bytes\} ` +
    String.raw`\[(?<Timestamp>\w+ \w+\s+\d+ \d+:\d+:\d+ \d+)\] )?(?<Payload>.*)$`,
);

/** The named groups that took part (Fluentd: `if value = m[name]`). */
function groups(m: RegExpExecArray): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/** `dt.iso8601(9)` of fluent-plugin-opensearch, in UTC. */
export const iso9 = (ms: number): string => `${new Date(ms).toISOString().slice(0, 23)}000000+00:00`;

export const indexOf = (ms: number): string => `flog-${new Date(ms).toISOString().slice(0, 10).replace(/-/g, '.')}`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** oslo's `%F %T.%L` (the host zone is UTC here). */
const osloMs = (t: string): number => Date.parse(`${t.replace(' ', 'T')}Z`);

/** uWSGI's `%c`: `Thu May  2 09:15:01 2024`. */
function ctimeMs(t: string): number {
  const m = /^\w+ (\w+)\s+(\d+) (\d+):(\d+):(\d+) (\d+)$/.exec(t)!;
  return Date.UTC(Number(m[6]), MONTHS.indexOf(m[1]!), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

export interface RawLine {
  /** The program (kolla's programname: the file stem). */
  program: 'nova-api' | 'nova-api-uwsgi' | 'nova-api-access' | 'haproxy';
  line: string;
  /** When Fluentd read or received it (lines whose regex gives no time: Apache, HAProxy). */
  receivedMs: number;
  /** The host that wrote it (HAProxy: the sender's address as Fluentd saw it). */
  host: string;
}

/** The document kolla's Fluentd makes of a line (null: a line its regex does not take). */
export function kollaDoc(release: KollaRelease, raw: RawLine): FakeDoc | null {
  if (raw.program === 'haproxy') {
    const source = { Payload: raw.line, log_level: 'info', Hostname: raw.host, programname: 'haproxy' };
    return { _source: { ...source, '@timestamp': iso9(raw.receivedMs) } };
  }
  const base = { Hostname: raw.host, Logger: 'openstack.nova', programname: raw.program };
  if (raw.program === 'nova-api') {
    const old = release === '2022.2' || release === '2024.1';
    const m = (old ? OSLO_OLD : OSLO_NEW).exec(raw.line);
    if (!m) return null;
    const g = groups(m);
    return { _source: { ...g, ...base, '@timestamp': iso9(osloMs(g.Timestamp!)) } };
  }
  if (raw.program === 'nova-api-uwsgi') {
    const g = groups(UWSGI.exec(raw.line)!);
    const ms = g.Timestamp ? ctimeMs(g.Timestamp) : raw.receivedMs;
    return { _source: { ...g, ...base, '@timestamp': iso9(ms) } };
  }
  return { _source: { Payload: raw.line, ...base, '@timestamp': iso9(raw.receivedMs) } };
}

/** The line kolla's file output writes for HAProxy (haproxy_latest.log); other programs' files hold the line itself. */
export function fileLine(raw: RawLine): string {
  if (raw.program !== 'haproxy') return raw.line;
  return JSON.stringify({ Payload: raw.line, log_level: 'info', Hostname: raw.host, programname: 'haproxy' });
}

/** The file each program writes under /var/log/kolla. */
export const FILE_OF: Record<RawLine['program'], string> = {
  'nova-api': 'nova/nova-api.log',
  'nova-api-uwsgi': 'nova/nova-api-uwsgi.log',
  'nova-api-access': 'nova/nova-api-access.log',
  haproxy: 'haproxy/haproxy_latest.log',
};

// ---------------------------------------------------------------- one request through the stack

export interface KollaRequest {
  /** When nova-api finished it (its log time), ms UTC. */
  ms: number;
  method: string;
  path: string;
  status: number;
  bytes: number;
  durationMs: number;
  requestId: string;
  globalRequestId?: string;
  userId: string;
  projectId: string;
  client: string;
  userAgent: string;
  microversion: string;
  /** The controller nova-api ran on, and its address. */
  controller: string;
  controllerIp: string;
  uwsgiReq: number;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const osloTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
const clfTime = (ms: number, frac: boolean): string => {
  const d = new Date(ms);
  const base =
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:` +
    `${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return frac ? `${base}.${pad(d.getUTCMilliseconds(), 3)}` : `${base} +0000`;
};
const syslogTime = (ms: number): string => {
  const d = new Date(ms);
  return (
    `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
};
const ctime = (ms: number): string => {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  return (
    `${day} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`
  );
};

/** The lines one request leaves: HAProxy's (nova_api_front), the web server's, nova's request_log line. */
export function requestLines(release: KollaRelease, r: KollaRequest): RawLine[] {
  const start = r.ms - Math.round(r.durationMs);
  const lbStart = start - 2;
  const ctx =
    `[${r.globalRequestId ? `req-${r.globalRequestId}` : 'None'} req-${r.requestId} ${r.userId} ` +
    `${r.projectId} - - default default]`;
  const nova =
    `${osloTime(r.ms)} 23 INFO nova.api.openstack.requestlog ${ctx} ${r.controllerIp} "${r.method} ` +
    `${r.path}" status: ${r.status} len: ${r.bytes} microversion: ${r.microversion} time: ` +
    `${(r.durationMs / 1000).toFixed(6)}`;
  const total = Math.round(r.durationMs) + 3;
  const haproxy =
    `${syslogTime(lbStart)} haproxy[25]: ${r.client}:${40000 + (r.uwsgiReq % 20000)} ` +
    `[${clfTime(lbStart, true)}] nova_api_front nova_api_back/${r.controller} 0/0/1/${total - 1}/${total} ` +
    `${r.status} ${r.bytes + 200} - - ---- 12/3/0/0/0 0/0 "${r.method} ${r.path} HTTP/1.1"`;
  const lines: RawLine[] = [{ program: 'haproxy', line: haproxy, receivedMs: lbStart + total + 40, host: '10.0.0.11' }];
  if (webOf(release) === 'nova-api-uwsgi')
    lines.push({
      program: 'nova-api-uwsgi',
      line:
        `[pid: 14|app: 0|req: ${r.uwsgiReq}/${r.uwsgiReq * 2}] 10.0.0.11 () {38 vars in 696 bytes} ` +
        `[${ctime(start)}] ${r.method} ${r.path} => generated ${r.bytes} bytes in ${Math.round(r.durationMs)} ` +
        `msecs (HTTP/1.1 ${r.status}) 9 headers in 378 bytes (1 switches on core 0)`,
      receivedMs: r.ms + 300,
      host: r.controller,
    });
  else
    lines.push({
      program: 'nova-api-access',
      line:
        `${r.client} - - [${clfTime(start, false)}] "${r.method} ${r.path} HTTP/1.1" ${r.status} ${r.bytes} ` +
        `${Math.round(r.durationMs * 1000)} "-" "${r.userAgent}"`,
      receivedMs: r.ms + 300,
      host: r.controller,
    });
  lines.push({ program: 'nova-api', line: nova, receivedMs: r.ms + 300, host: r.controller });
  return lines;
}

/** nova-api's other lines: another logger, a context-less `[-]` line, an error, a hosts controller message. */
export function otherNovaLine(
  ms: number,
  kind: 'debug' | 'dash' | 'error' | 'hosts',
  requestId: string,
  host: string,
): RawLine {
  const t = osloTime(ms);
  const ctx =
    `[None req-${requestId} 5d7c0a1b2c3d4e5f6a7b8c9d0e1f2a3b 9a1e2b3c4d5e6f7a8b9c0d1e2f3a4b5c - - ` +
    `default default]`;
  const line =
    kind === 'debug'
      ? `${t} 23 DEBUG nova.api.openstack.wsgi ${ctx} Calling method '<bound method HostController.index>' ` +
        `_process_stack /usr/lib/python3/dist-packages/nova/api/openstack/wsgi.py:513`
      : kind === 'dash'
        ? `${t} 23 INFO nova.wsgi [-] WSGI server has stopped.`
        : kind === 'error'
          ? `${t} 23 ERROR nova.api.openstack.wsgi ${ctx} Unexpected exception in API method: NotImplementedError`
          : `${t} 23 INFO nova.api.openstack.compute.hosts ${ctx} Disabling host cmp-01.`;
  return { program: 'nova-api', line, receivedMs: ms + 300, host };
}

/**
 * HAProxy's other lines: a start-up event, a bad request, another service's request (glance,
 * cinder's own os-hosts).
 */
export function otherHaproxyLine(
  ms: number,
  kind: 'started' | 'badreq' | 'glance' | 'cinder-os-hosts' | 'servers-detail' | 'keystone' | 'neutron' | 'cinder',
): RawLine {
  const head = `${syslogTime(ms)} haproxy[25]: `;
  const at = `[${clfTime(ms, true)}]`;
  const other: Record<string, string> = {
    keystone:
      `keystone_internal_front keystone_internal_back/ctl-1 0/0/1/30/31 201 6120 - - ---- 8/2/0/0/0 0/0 ` +
      `"POST /v3/auth/tokens HTTP/1.1"`,
    neutron:
      `neutron_server_front neutron_server_back/ctl-2 0/0/1/15/16 200 1893 - - ---- 8/2/0/0/0 0/0 ` +
      `"GET /v2.0/ports?device_id=1d7e2a8c-8c3a-4d5e-9f10-2b3c4d5e6f70 HTTP/1.1"`,
    cinder:
      `cinder_api_front cinder_api_back/ctl-1 0/0/1/25/26 200 2210 - - ---- 8/2/0/0/0 0/0 ` +
      `"GET /v3/9a1e2b3c4d5e6f7a8b9c0d1e2f3a4b5c/volumes/detail HTTP/1.1"`,
  };
  if (other[kind])
    return {
      program: 'haproxy',
      line: `${head}10.0.0.15:51103 ${at} ${other[kind]}`,
      receivedMs: ms + 100,
      host: '10.0.0.11',
    };
  const line =
    kind === 'started'
      ? `${head}Proxy nova_api_front started.`
      : kind === 'badreq'
        ? `${head}10.0.0.15:51099 ${at} nova_api_front nova_api_front/<NOSRV> -1/-1/-1/-1/0 400 187 - - CR-- ` +
          `1/1/0/0/0 0/0 "<BADREQ>"`
        : kind === 'glance'
          ? `${head}10.0.0.15:51100 ${at} glance_api_front glance_api_back/ctl-2 0/0/1/9/10 200 4410 - - ---- ` +
            `2/1/0/0/0 0/0 "GET /v2/images?limit=20 HTTP/1.1"`
          : kind === 'cinder-os-hosts'
            ? `${head}10.0.0.15:51101 ${at} cinder_api_front cinder_api_back/ctl-2 0/0/1/11/12 200 310 - - ---- ` +
              `2/1/0/0/0 0/0 "GET /v3/9a1e2b3c4d5e6f7a8b9c0d1e2f3a4b5c/os-hosts HTTP/1.1"`
            : `${head}10.0.0.15:51102 ${at} nova_api_front nova_api_back/ctl-1 0/0/1/80/81 200 2893 - - ---- ` +
              `2/1/0/0/0 0/0 "GET /v2.1/servers/detail HTTP/1.1"`;
  return { program: 'haproxy', line, receivedMs: ms + 100, host: '10.0.0.11' };
}
