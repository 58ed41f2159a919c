/**
 * nova-api under uwsgi / mod_wsgi (Pike 16.0.0 →): the access line of the
 * request_log middleware, logger `nova.api.openstack.requestlog`.
 *
 *   <REMOTE_ADDR> "<METHOD> <REQUEST_URI>" status: <code> len: <n|None> microversion: <x.y|-> time: <s.6f>
 *
 * Format: nova/api/openstack/requestlog.py `_log_format`, unchanged 16.0.0 → HEAD;
 * see /work/shared/reference/nova-logs.md §1b. No HTTP version; REQUEST_URI is
 * SCRIPT_NAME + PATH_INFO [+ ?QUERY], so a `/compute` prefix is kept.
 */
import { looksLikeBrokenAccess } from './nova-eventlet.js';
import { assignClient, newOsloHeader, readContext, readOsloHeader, secondsTextToMs } from './nova-oslo.js';
import { emptyRequest, type LineParser, type Malformed, type RequestRecord, type Sample } from './types.js';

export const REQUESTLOG_LOGGER = 'nova.api.openstack.requestlog';

const LOGGER_NEEDLE = ` ${REQUESTLOG_LOGGER} `;

/**
 * The message after the context bracket (sticky: run at messageStart).
 * REMOTE_ADDR may be an X-Forwarded-For list when http_proxy_to_wsgi set it
 * (nova-logs.md §1b), hence everything up to the first ` "`.
 * `len` is res.content_length (None for a 302 without body); `microversion` is
 * `-` when no version was set (401 from authtoken, no route).
 * Groups: 1 client, 2 method, 3 uri, 4 status, 5 len, 6 microversion, 7 seconds.
 */
const REQUESTLOG_ACCESS =
  /(.+?) "(\S+) (.*)" status: (\d+) len: (\d+|None) microversion: (\S+) time: (\d+(?:\.\d+)?)\s*$/y;

const header = newOsloHeader();

/**
 * Read a request_log message of `text` starting at `start` into a new record
 * (context and time are the caller's). Null when it is not one. Shared with
 * the JSON parser for records whose `args` are missing.
 */
export function readRequestlogAccess(text: string, start: number, parser: string): RequestRecord | null {
  REQUESTLOG_ACCESS.lastIndex = start;
  const m = REQUESTLOG_ACCESS.exec(text);
  if (m === null) return null;
  const r = emptyRequest(parser, 'nova');
  r.timeIsEnd = true; // logged after the app returned: the line time is the end.
  assignClient(r, m[1]!);
  r.method = m[2]!;
  r.uri = m[3]!;
  r.status = Number(m[4]);
  const len = m[5]!;
  r.bytes = len === 'None' ? null : Number(len);
  const mv = m[6]!;
  r.microversion = mv === '-' ? null : mv;
  r.durationMs = secondsTextToMs(m[7]!);
  r.logger = REQUESTLOG_LOGGER;
  return r;
}

const malformed = (reason: string): Malformed => ({ kind: 'malformed', reason });

const T = Date.UTC;

const samples: Sample[] = [
  {
    note:
      'constructed: central-logging.md §7 (`journalctl -o json` entry of devstack@n-api: no time in MESSAGE, ' +
      'time from __REALTIME_TIMESTAMP, host from _HOSTNAME)',
    line:
      '{"__REALTIME_TIMESTAMP":"1711120583412345","_HOSTNAME":"devstack","SYSLOG_IDENTIFIER":"devstack@n-api",' +
      '"MESSAGE":"INFO nova.api.openstack.requestlog [None req-c31147e0-7eb4-425e-a36b-cdac99b034b0 admin admin] ' +
      '10.0.0.15 \\"GET /compute/v2.1/os-hosts\\" status: 200 len: 1207 microversion: 2.1 time: 0.058000",' +
      '"_SYSTEMD_UNIT":"devstack@n-api.service",' +
      '"__CURSOR":"s=5f1c0e2a;i=1a2b;b=0d9c8b7a;m=1c9c380;t=614412d0d7b39;x=3e5f","_PID":"87040"}',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: T(2024, 2, 22, 15, 16, 23, 412),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/compute/v2.1/os-hosts',
      protocol: null,
      status: 200,
      bytes: 1207,
      durationMs: 58,
      client: '10.0.0.15',
      clientChain: null,
      requestId: 'req-c31147e0-7eb4-425e-a36b-cdac99b034b0',
      globalRequestId: null,
      userId: null,
      projectId: null,
      userName: 'admin',
      projectName: 'admin',
      microversion: '2.1',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: 'devstack',
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: nova-logs.md §1b os-hosts example (Zed+ default format, 8-token context), ids filled in',
    line:
      '2024-05-02 09:15:01.337 2211 INFO nova.api.openstack.requestlog [None ' +
      'req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - ' +
      '- default default] 10.0.0.5 "GET /v2.1/os-hosts" status: 200 len: 532 microversion: 2.1 time: 0.045678',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: T(2024, 4, 2, 9, 15, 1, 337),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts',
      protocol: null,
      status: 200,
      bytes: 532,
      durationMs: 45.678,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: '2.1',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: nova-logs.md §1b — os-hosts refused at microversion ≥ 2.43 (404), Zed+ context with a global ' +
      'request id',
    line:
      '2024-05-02 09:15:12.410 2211 INFO nova.api.openstack.requestlog [req-0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d ' +
      'req-81cc2f3e-4d5c-4b6a-9788-a1b2c3d4e5f6 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - ' +
      '- default default] 10.0.0.5 "GET /v2.1/os-hosts" status: 404 len: 112 microversion: 2.79 time: 0.004410',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: Date.UTC(2024, 4, 2, 9, 15, 12, 410),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts',
      protocol: null,
      status: 404,
      bytes: 112,
      durationMs: 4.41,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-81cc2f3e-4d5c-4b6a-9788-a1b2c3d4e5f6',
      globalRequestId: 'req-0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d',
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: '2.79',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: Zed+ system-scoped token context `… <user_id> - - all default -` (nova-logs.md §2)',
    line:
      '2024-05-02 09:16:00.000 2211 INFO nova.api.openstack.requestlog [None ' +
      'req-3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f - - all default -] 10.0.0.5 "PUT ' +
      '/v2.1/os-hosts/cmp-01" status: 501 len: 114 microversion: 2.1 time: 0.130201',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: Date.UTC(2024, 4, 2, 9, 16, 0),
      offsetMin: null,
      timeIsEnd: true,
      method: 'PUT',
      uri: '/v2.1/os-hosts/cmp-01',
      protocol: null,
      status: 501,
      bytes: 114,
      durationMs: 130.201,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: null,
      userName: null,
      projectName: null,
      microversion: '2.1',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: Zed+ service context `[None req-… - - - - - -]` (6 dashes, nova-logs.md §2)',
    line:
      '2024-05-02 09:15:00.100 2211 INFO nova.api.openstack.requestlog [None ' +
      'req-9e8d7c6b-5a49-4382-8716-05f4e3d2c1b0 - - - - - -] 10.0.0.7 "GET /v2.1/os-hypervisors/detail" status: 200 ' +
      'len: 1789 microversion: 2.88 time: 0.061000',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: Date.UTC(2024, 4, 2, 9, 15, 0, 100),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hypervisors/detail',
      protocol: null,
      status: 200,
      bytes: 1789,
      durationMs: 61,
      client: '10.0.0.7',
      clientChain: null,
      requestId: 'req-9e8d7c6b-5a49-4382-8716-05f4e3d2c1b0',
      globalRequestId: null,
      userId: null,
      projectId: null,
      userName: null,
      projectName: null,
      microversion: '2.88',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: Pike–Yoga 6-token context, `/compute` uwsgi prefix, query string',
    line:
      '2019-11-02 12:00:00.500 77 INFO nova.api.openstack.requestlog [req-11112222-3333-4444-8555-666677778888 ' +
      '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - default default] 10.0.0.9 "GET ' +
      '/compute/v2.1/os-hosts?zone=nova" status: 200 len: 211 microversion: 2.1 time: 0.021000',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: Date.UTC(2019, 10, 2, 12, 0, 0, 500),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/compute/v2.1/os-hosts?zone=nova',
      protocol: null,
      status: 200,
      bytes: 211,
      durationMs: 21,
      client: '10.0.0.9',
      clientChain: null,
      requestId: 'req-11112222-3333-4444-8555-666677778888',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: '2.1',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'real: lxc/lxc issue #1786 devstack journal output (nova-logs.md §1b) — no time, no pid, `[None req-… project ' +
      'user]` names',
    line:
      'INFO nova.api.openstack.requestlog [None req-7e465212-6160-4dab-9d38-6c06e8cafbcc admin admin] 85.10.193.66 ' +
      '"GET /compute/v2.1/" status: 200 len: 389 microversion: 2.1 time: 0.016996',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: null,
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/compute/v2.1/',
      protocol: null,
      status: 200,
      bytes: 389,
      durationMs: 16.996,
      client: '85.10.193.66',
      clientChain: null,
      requestId: 'req-7e465212-6160-4dab-9d38-6c06e8cafbcc',
      globalRequestId: null,
      userId: null,
      projectId: null,
      userName: 'admin',
      projectName: 'admin',
      microversion: '2.1',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: after lxc/lxc#1786 — devstack journal form under `journalctl -o short` (time from the ' +
      'envelope), project name before user name, `len: None`, `microversion: -`',
    line:
      'Sep 05 09:02:05 devstack devstack@n-api.service[15083]: INFO nova.api.openstack.requestlog [None ' +
      'req-b3d96f17-2a4c-4e5d-8f60-718293a4b5c6 demo alice] 85.10.193.66 "GET /compute/v2.1" status: 302 len: None ' +
      'microversion: - time: 0.016000',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: T(2024, 8, 5, 9, 2, 5),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/compute/v2.1',
      protocol: null,
      status: 302,
      bytes: null,
      durationMs: 16,
      client: '85.10.193.66',
      clientChain: null,
      requestId: 'req-b3d96f17-2a4c-4e5d-8f60-718293a4b5c6',
      globalRequestId: null,
      userId: null,
      projectId: null,
      userName: 'alice',
      projectName: 'demo',
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: 'devstack',
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: devstack journal form with ANSI colours (devstack functions setup_systemd_logging: %(color)s, ' +
      '[01;36m … [00m)',
    line:
      '\x1b[00;36mINFO nova.api.openstack.requestlog [\x1b[01;36mNone req-c0ffee00-1234-4abc-8def-0123456789ab ' +
      '\x1b[00;36mdemo alice\x1b[00;36m] \x1b[01;35m\x1b[00;36m85.10.193.66 "GET /compute/v2.1/os-hosts" status: ' +
      '200 len: 532 microversion: 2.1 time: 0.045678\x1b[00m',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: null,
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/compute/v2.1/os-hosts',
      protocol: null,
      status: 200,
      bytes: 532,
      durationMs: 45.678,
      client: '85.10.193.66',
      clientChain: null,
      requestId: 'req-c0ffee00-1234-4abc-8def-0123456789ab',
      globalRequestId: null,
      userId: null,
      projectId: null,
      userName: 'alice',
      projectName: 'demo',
      microversion: '2.1',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: request_log with an X-Forwarded-For list in REMOTE_ADDR (http_proxy_to_wsgi, nova-logs.md §1b), ' +
      '401 before keystonecontext: `[-]`',
    line:
      '2024-05-02 09:17:00.001 2211 INFO nova.api.openstack.requestlog [-] 203.0.113.7, 10.0.0.2 "GET ' +
      '/v2.1/os-hosts" status: 401 len: 114 microversion: - time: 0.001234',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: Date.UTC(2024, 4, 2, 9, 17, 0, 1),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts',
      protocol: null,
      status: 401,
      bytes: 114,
      durationMs: 1.234,
      client: '203.0.113.7',
      clientChain: '203.0.113.7, 10.0.0.2',
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
      logger: 'nova.api.openstack.requestlog',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: `journalctl -o short-iso` envelope (offset in the envelope, oslo time in the payload wins)',
    line:
      '2024-05-02T09:15:01+0200 ctl1 nova-api-wsgi[2211]: 2024-05-02 09:15:01.337 2211 INFO ' +
      'nova.api.openstack.requestlog [None req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c ' +
      '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - - default default] 10.0.0.5 "GET ' +
      '/v2.1/os-hosts/cmp-01" status: 200 len: 480 microversion: 2.1 time: 0.050000',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: T(2024, 4, 2, 9, 15, 1, 337),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts/cmp-01',
      protocol: null,
      status: 200,
      bytes: 480,
      durationMs: 50,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: '2.1',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: 'ctl1',
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: `grep -Hn` prefix around a request_log line',
    line:
      '/var/log/nova/nova-api.log:1042:2024-05-02 09:15:09.002 2211 INFO nova.api.openstack.requestlog [None ' +
      'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - ' +
      '- default default] 10.0.0.5 "PUT /v2.1/os-hosts/cmp-01" status: 501 len: 114 microversion: 2.1 time: ' +
      '0.130201',
    expect: {
      kind: 'request',
      parser: 'nova-requestlog',
      layer: 'nova',
      wallMs: T(2024, 4, 2, 9, 15, 9, 2),
      offsetMin: null,
      timeIsEnd: true,
      method: 'PUT',
      uri: '/v2.1/os-hosts/cmp-01',
      protocol: null,
      status: 501,
      bytes: 114,
      durationMs: 130.201,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: '2.1',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: another nova logger (wsgi) line under the same file — not an access line',
    line:
      '2024-05-02 09:15:09.001 2211 INFO nova.api.openstack.wsgi [None req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c ' +
      '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - - default default] HTTP exception ' +
      'thrown: The requested functionality is not supported.',
    expect: null,
  },
  {
    note: 'constructed: a request_log line cut off after `len:`',
    line:
      '2024-05-02 09:15:01.337 2211 INFO nova.api.openstack.requestlog [None ' +
      'req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - ' +
      '- default default] 10.0.0.5 "GET /v2.1/os-hosts" status: 200 len: 53',
    expect: { kind: 'malformed', reason: 'nova.api.openstack.requestlog line does not match request_log _log_format' },
  },
];

export const novaRequestlogParser: LineParser = {
  name: 'nova-requestlog',
  title: 'nova-api request_log middleware access line (nova.api.openstack.requestlog)',
  url: 'https://opendev.org/openstack/nova/src/tag/16.0.0/nova/api/openstack/requestlog.py',
  layer: 'nova',
  claims: (payload) => payload.indexOf(LOGGER_NEEDLE) !== -1,
  needles: () => [LOGGER_NEEDLE],
  parse(payload) {
    if (!readOsloHeader(payload, header) || header.logger !== REQUESTLOG_LOGGER) return null;
    const text = header.text;
    const r = readRequestlogAccess(text, header.messageStart, 'nova-requestlog');
    if (r === null) {
      return looksLikeBrokenAccess(text, header.messageStart)
        ? malformed(`${REQUESTLOG_LOGGER} line does not match request_log _log_format`)
        : null;
    }
    r.wallMs = header.wallMs;
    readContext(header.context, r);
    return r;
  },
  samples,
};
