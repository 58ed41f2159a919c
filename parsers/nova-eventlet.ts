/**
 * nova-api under eventlet: the access line eventlet.wsgi writes through the
 * logger `nova.osapi_compute.wsgi.server` (nova/wsgi.py: `"nova.%s.wsgi.server" % name`).
 *
 *   <client> "<METHOD> <uri> HTTP/x.y" status: <code> len: <bytes> time: <s.7f>
 *
 * Format: nova/conf/wsgi.py `wsgi_log_format` default, Grizzly → 2025.1
 * (removed in 32.0.0); see /work/shared/reference/nova-logs.md §1a.
 * `nova.metadata.wsgi.server` and `nova.ec2.wsgi.server` write the same line
 * shape but are not the compute API: they are never claimed.
 */
import { assignClient, newOsloHeader, readContext, readOsloHeader, secondsTextToMs } from './nova-oslo.js';
import { emptyRequest, type LineParser, type Malformed, type RequestRecord, type Sample } from './types.js';

export const EVENTLET_LOGGER = 'nova.osapi_compute.wsgi.server';

/** Space on both sides: the logger as a header field, not a word inside some message. */
const LOGGER_NEEDLE = ` ${EVENTLET_LOGGER} `;

/**
 * The message after the context bracket (sticky: run at messageStart).
 * client_ip is `ip` or eventlet's `log_x_forwarded_for` form `<XFF>,<peer>`
 * (the XFF header may itself be `a, b`), so everything up to the first ` "`.
 * request_line is the raw line, query string and protocol included.
 * Groups: 1 client, 2 method, 3 uri, 4 protocol, 5 status, 6 len, 7 seconds.
 */
const EVENTLET_ACCESS =
  /(.+?) "(\S+) (.*?)(?: (HTTP\/\d+(?:\.\d+)?))?" status: (\d+) len: (\d+|None|-) time: (\d+(?:\.\d+)?)\s*$/y;

/** A message that starts like an access line (`client "…`): unreadable ones are malformed, not skipped. */
const STARTS_LIKE_ACCESS = /[^\s"]+(?:, ?[^\s"]+)* "[A-Z]/y;

const header = newOsloHeader();

/**
 * Read the eventlet access message of `text` starting at `start` into a new
 * record (context and time are the caller's). Returns null when the message
 * is not an access line. Shared with the JSON parser (JSONFormatter `message`).
 */
export function readEventletAccess(text: string, start: number, parser: string): RequestRecord | null {
  EVENTLET_ACCESS.lastIndex = start;
  const m = EVENTLET_ACCESS.exec(text);
  if (m === null) return null;
  const r = emptyRequest(parser, 'nova');
  r.timeIsEnd = true; // eventlet logs after the response is written: the line time is the end.
  assignClient(r, m[1]!);
  r.method = m[2]!;
  r.uri = m[3]!;
  r.protocol = m[4] ?? null;
  r.status = Number(m[5]);
  const len = m[6]!;
  r.bytes = len === 'None' || len === '-' ? null : Number(len);
  r.durationMs = secondsTextToMs(m[7]!);
  r.logger = EVENTLET_LOGGER;
  return r;
}

/**
 * Whether an unreadable message of this logger was meant to be an access line:
 * it quotes something and says `status:`, or it opens with `client "METHOD`.
 * `(pid) accepted (…)`, `(pid) wsgi starting up on …`, `wsgi exited` are not.
 */
export function looksLikeBrokenAccess(text: string, start: number): boolean {
  if (text.indexOf('"', start) === -1) return false;
  if (text.indexOf('status:', start) !== -1) return true;
  STARTS_LIKE_ACCESS.lastIndex = start;
  return STARTS_LIKE_ACCESS.test(text);
}

const malformed = (reason: string): Malformed => ({ kind: 'malformed', reason });

// Sample timestamps, written as UTC fields so they read like the line.
const T = Date.UTC;

const samples: Sample[] = [
  {
    note:
      'real: logpai/loghub OpenStack/OpenStack_2k.log (Ocata; quoted in nova-logs.md §1a) — pid, 6-token ' +
      'Liberty–Yoga context with `- - -`',
    line:
      '2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae ' +
      '113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 "GET ' +
      '/v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: T(2017, 4, 16, 0, 0, 0, 8),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 1893,
      durationMs: 247.7829,
      client: '10.11.10.1',
      clientChain: null,
      requestId: 'req-38101a0b-2096-447d-96ea-a692162415ae',
      globalRequestId: null,
      userId: '113d3a99c3da401fbd62cc2caa5b96d2',
      projectId: '54fadb412c4e40cdbaed9335e4c35a9e',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: nova/conf/wsgi.py wsgi_log_format + Icehouse 3-token context `[req-UUID user_id tenant_id]` ' +
      '(nova-logs.md §2), os-hosts show',
    line:
      '2014-04-22 10:08:26.305 1789 INFO nova.osapi_compute.wsgi.server [req-0b1e2c3d-4f50-4a6b-8c7d-9e0f1a2b3c4d ' +
      '0a1b2c3d4e5f40718293a4b5c6d7e8f9 f9e8d7c6b5a4493827161f0e0d0c0b0a] 192.168.0.11 "GET ' +
      '/v2/f9e8d7c6b5a4493827161f0e0d0c0b0a/os-hosts/cmp-01 HTTP/1.1" status: 200 len: 640 time: 0.1286221',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: T(2014, 3, 22, 10, 8, 26, 305),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2/f9e8d7c6b5a4493827161f0e0d0c0b0a/os-hosts/cmp-01',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 640,
      durationMs: 128.6221,
      client: '192.168.0.11',
      clientChain: null,
      requestId: 'req-0b1e2c3d-4f50-4a6b-8c7d-9e0f1a2b3c4d',
      globalRequestId: null,
      userId: '0a1b2c3d4e5f40718293a4b5c6d7e8f9',
      projectId: 'f9e8d7c6b5a4493827161f0e0d0c0b0a',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: shape of the Havana devstack screen-n-api log (no pid, `[req-… user_name tenant_name]` names), ' +
      'query string',
    line:
      '2013-09-27 18:22:40.264 INFO nova.osapi_compute.wsgi.server [req-4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f ' +
      'ceilometer service] 127.0.0.1 "GET ' +
      '/v2/0123456789abcdef0123456789abcdef/servers/detail?host=cmp-07&all_tenants=True HTTP/1.1" status: 200 len: ' +
      '187 time: 2.1970038',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: T(2013, 8, 27, 18, 22, 40, 264),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2/0123456789abcdef0123456789abcdef/servers/detail?host=cmp-07&all_tenants=True',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 187,
      durationMs: 2197.0038,
      client: '127.0.0.1',
      clientChain: null,
      requestId: 'req-4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      globalRequestId: null,
      userId: null,
      projectId: null,
      userName: 'ceilometer',
      projectName: 'service',
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: Havana devstack shape, no-context `[-]` line written with a pid ' +
      '(logging_default_format_string)',
    line:
      '2013-09-27 18:22:10.810 2791 INFO nova.osapi_compute.wsgi.server [-] 127.0.0.1 "GET / HTTP/1.1" status: 200 ' +
      'len: 402 time: 0.0069771',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: Date.UTC(2013, 8, 27, 18, 22, 10, 810),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 402,
      durationMs: 6.9771,
      client: '127.0.0.1',
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
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: after intelsdi-x/snap-plugin-processor-logs-openstack README (nova-logs.md §1a) — XFF chain ' +
      '`xff,peer`, domains in context',
    line:
      '2017-06-01 10:00:05.456 4242 INFO nova.osapi_compute.wsgi.server [req-0c0b761c-3a1e-4d2b-9f47-1b2c3d4e5f60 ' +
      'fa2b29860d1e4f0c8e7b6a5d4c3b2a19 b1ad1df9a8b74c3d9e0f1a2b3c4d5e6f - default default] 10.91.126.38,10.0.0.1 ' +
      '"GET /v2.1/b1ad1df9a8b74c3d9e0f1a2b3c4d5e6f/extensions HTTP/1.1" status: 200 len: 23011 time: 0.4711170',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: T(2017, 5, 1, 10, 0, 5, 456),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/b1ad1df9a8b74c3d9e0f1a2b3c4d5e6f/extensions',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 23011,
      durationMs: 471.117,
      client: '10.91.126.38',
      clientChain: '10.91.126.38,10.0.0.1',
      requestId: 'req-0c0b761c-3a1e-4d2b-9f47-1b2c3d4e5f60',
      globalRequestId: null,
      userId: 'fa2b29860d1e4f0c8e7b6a5d4c3b2a19',
      projectId: 'b1ad1df9a8b74c3d9e0f1a2b3c4d5e6f',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: eventlet log_x_forwarded_for with a multi-hop X-Forwarded-For (`a, b` then `,peer`), os-hosts ' +
      'power action (nova-logs.md §1a)',
    line:
      '2017-06-01 10:00:05.456 4242 INFO nova.osapi_compute.wsgi.server [req-2d3e4f50-6172-4839-8a4b-5c6d7e8f9012 ' +
      '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - default default] 203.0.113.7, ' +
      '198.51.100.2,10.0.0.1 "GET /v2.1/9a1e2b3c4d5e4f60718293a4b5c6d7e8/os-hosts/cmp-01/reboot HTTP/1.1" status: ' +
      '501 len: 289 time: 0.2100010',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: Date.UTC(2017, 5, 1, 10, 0, 5, 456),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/9a1e2b3c4d5e4f60718293a4b5c6d7e8/os-hosts/cmp-01/reboot',
      protocol: 'HTTP/1.1',
      status: 501,
      bytes: 289,
      durationMs: 210.001,
      client: '203.0.113.7',
      clientChain: '203.0.113.7, 198.51.100.2,10.0.0.1',
      requestId: 'req-2d3e4f50-6172-4839-8a4b-5c6d7e8f9012',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: Zed+ 8-token context `[None req-… user project - - default default]` (oslo.log 5.0.0, ' +
      'nova-logs.md §2), PUT',
    line:
      '2023-03-14 08:30:00.125 3131 INFO nova.osapi_compute.wsgi.server [None ' +
      'req-6f1e2d3c-4b5a-4697-8812-a3b4c5d6e7f8 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - ' +
      '- default default] 10.0.0.5 "PUT /v2.1/os-hosts/cmp-01 HTTP/1.1" status: 200 len: 90 time: 0.0830000',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: T(2023, 2, 14, 8, 30, 0, 125),
      offsetMin: null,
      timeIsEnd: true,
      method: 'PUT',
      uri: '/v2.1/os-hosts/cmp-01',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 90,
      durationMs: 83,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-6f1e2d3c-4b5a-4697-8812-a3b4c5d6e7f8',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: Zed+ context with an inbound global request id `[req-G req-L …]` (nova-logs.md §2), HTTP/1.0',
    line:
      '2023-03-14 08:30:01.000 3131 INFO nova.osapi_compute.wsgi.server [req-aaaaaaaa-1111-4222-8333-444444444444 ' +
      'req-bbbbbbbb-5555-4666-8777-888888888888 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 - ' +
      '- default default] 10.0.0.5 "GET /v2.1/os-hosts HTTP/1.0" status: 200 len: 532 time: 0.0456780',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: Date.UTC(2023, 2, 14, 8, 30, 1),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts',
      protocol: 'HTTP/1.0',
      status: 200,
      bytes: 532,
      durationMs: 45.678,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-bbbbbbbb-5555-4666-8777-888888888888',
      globalRequestId: 'req-aaaaaaaa-1111-4222-8333-444444444444',
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: Liberty–Yoga service context `[req-… - - - - -]` (5 dashes, nova-logs.md §2)',
    line:
      '2019-11-02 12:00:00.500 77 INFO nova.osapi_compute.wsgi.server [req-11112222-3333-4444-8555-666677778888 - - ' +
      '- - -] 10.0.0.9 "GET /v2.1/ HTTP/1.1" status: 200 len: 764 time: 0.0020000',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: Date.UTC(2019, 10, 2, 12, 0, 0, 500),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 764,
      durationMs: 2,
      client: '10.0.0.9',
      clientChain: null,
      requestId: 'req-11112222-3333-4444-8555-666677778888',
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
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: `journalctl -o short` envelope (host ctl1) around an oslo line; the payload time wins',
    line:
      'Mar 22 15:16:23 ctl1 nova-api[1234]: 2024-03-22 15:16:23.412 1234 INFO nova.osapi_compute.wsgi.server ' +
      '[req-12345678-90ab-4cde-8f01-234567890abc 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 ' +
      '- default default] 10.0.0.5 "GET /v2.1/os-hosts?zone=nova HTTP/1.1" status: 200 len: 321 time: 0.0512340',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: T(2024, 2, 22, 15, 16, 23, 412),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts?zone=nova',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 321,
      durationMs: 51.234,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-12345678-90ab-4cde-8f01-234567890abc',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: 'ctl1',
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: `journalctl -o short-iso` envelope around an oslo line',
    line:
      '2024-03-22T15:16:23+0000 ctl1 nova-api[1234]: 2024-03-22 15:16:23.412 1234 INFO ' +
      'nova.osapi_compute.wsgi.server [req-12345678-90ab-4cde-8f01-234567890abc 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f ' +
      '9a1e2b3c4d5e4f60718293a4b5c6d7e8 - default default] 10.0.0.5 "GET /v2.1/os-hosts HTTP/1.1" status: 200 len: ' +
      '321 time: 0.0512340',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: T(2024, 2, 22, 15, 16, 23, 412),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 321,
      durationMs: 51.234,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-12345678-90ab-4cde-8f01-234567890abc',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: 'ctl1',
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: `grep -H` prefix (/var/log/nova/nova-api.log:) around an oslo line',
    line:
      '/var/log/nova/nova-api.log:2024-03-22 15:16:23.412 1234 INFO nova.osapi_compute.wsgi.server ' +
      '[req-12345678-90ab-4cde-8f01-234567890abc 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f 9a1e2b3c4d5e4f60718293a4b5c6d7e8 ' +
      '- default default] 10.0.0.5 "DELETE /v2.1/servers/8e0c1f7a-3b2d-4c5e-9f60-718293a4b5c6 HTTP/1.1" status: 204 ' +
      'len: 0 time: 0.2000000',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: T(2024, 2, 22, 15, 16, 23, 412),
      offsetMin: null,
      timeIsEnd: true,
      method: 'DELETE',
      uri: '/v2.1/servers/8e0c1f7a-3b2d-4c5e-9f60-718293a4b5c6',
      protocol: 'HTTP/1.1',
      status: 204,
      bytes: 0,
      durationMs: 200,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-12345678-90ab-4cde-8f01-234567890abc',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note: "constructed: loghub's file-name prefix (`nova-api.log.1.2017-05-16_13:53:08 `) around an Ocata line",
    line:
      'nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:02.150 25746 INFO nova.osapi_compute.wsgi.server ' +
      '[req-9bc36dd9-91c5-4314-898a-47625eb93b09 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e ' +
      '- - -] 10.11.10.1 "GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/os-hosts HTTP/1.1" status: 200 len: 211 time: ' +
      '0.0911190',
    expect: {
      kind: 'request',
      parser: 'nova-eventlet',
      layer: 'nova',
      wallMs: T(2017, 4, 16, 0, 0, 2, 150),
      offsetMin: null,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2/54fadb412c4e40cdbaed9335e4c35a9e/os-hosts',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 211,
      durationMs: 91.119,
      client: '10.11.10.1',
      clientChain: null,
      requestId: 'req-9bc36dd9-91c5-4314-898a-47625eb93b09',
      globalRequestId: null,
      userId: '113d3a99c3da401fbd62cc2caa5b96d2',
      projectId: '54fadb412c4e40cdbaed9335e4c35a9e',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: null,
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'real: logpai/loghub OpenStack_2k.log (nova-logs.md §1a) — nova.metadata.wsgi.server is not the compute API',
    line:
      '2017-05-16 00:00:16.806 25783 INFO nova.metadata.wsgi.server [-] 10.11.21.122,10.11.10.1 "GET ' +
      '/openstack/2013-10-17 HTTP/1.1" status: 200 len: 157 time: 0.0008290',
    expect: null,
  },
  {
    note: 'constructed: Havana devstack shape — nova.ec2.wsgi.server is not the compute API',
    line:
      '2013-09-27 18:23:37.062 INFO nova.ec2.wsgi.server [req-5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b demo demo] ' +
      '127.0.0.1 "POST /services/Cloud/ HTTP/1.1" status: 200 len: 437 time: 0.1117821',
    expect: null,
  },
  {
    note:
      'constructed: Havana devstack shape — an outbound urllib3 request line (keystone token), not a nova access ' +
      'line',
    line:
      '2013-09-27 18:22:38.368 2790 DEBUG requests.packages.urllib3.connectionpool [-] "POST /v2.0/tokens HTTP/1.1" ' +
      '200 11221 _make_request ' +
      '/usr/local/lib/python2.7/dist-packages/requests/packages/urllib3/connectionpool.py:414',
    expect: null,
  },
  {
    note: "constructed: eventlet/wsgi.py `'(%s) accepted %r'` on this logger",
    line:
      '2014-04-16 21:17:10.358 8885 INFO nova.osapi_compute.wsgi.server [-] (8885) accepted ' +
      "('192.168.0.10', 49211)",
    expect: null,
  },
  {
    note: "constructed: eventlet/wsgi.py `'(%s) wsgi starting up on %s'` with a 5-dash context (nova-logs.md §1a)",
    line:
      '2019-11-02 11:59:58.001 20 INFO nova.osapi_compute.wsgi.server [req-0f0e0d0c-0b0a-4909-8807-060504030201 - - ' +
      '- - -] (20) wsgi starting up on http://10.0.0.1:8774',
    expect: null,
  },
  {
    note: 'constructed: a request line cut off mid-field (disk full, rotated mid-write)',
    line:
      '2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae ' +
      '113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 "GET ' +
      '/v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1" status: 200 len: 18',
    expect: { kind: 'malformed', reason: 'nova.osapi_compute.wsgi.server line does not match wsgi_log_format' },
  },
  {
    note: 'constructed: a request line cut off inside the request line (no `status:` yet)',
    line:
      '2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae ' +
      '113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 "GET ' +
      '/v2/54fadb412c4e40cd',
    expect: { kind: 'malformed', reason: 'nova.osapi_compute.wsgi.server line does not match wsgi_log_format' },
  },
];

export const novaEventletParser: LineParser = {
  name: 'nova-eventlet',
  title: 'nova-api eventlet wsgi access line (nova.osapi_compute.wsgi.server)',
  url:
    'https://opendev.org/openstack/nova/src/tag/13.0.0/nova/conf/wsgi.py (wsgi_log_format); nova/wsgi.py ' +
    'Server.__init__',
  layer: 'nova',
  claims: (payload) => payload.indexOf(LOGGER_NEEDLE) !== -1,
  needles: () => [LOGGER_NEEDLE],
  parse(payload) {
    // The needle may sit inside another logger's message (a config dump): only the header decides.
    if (!readOsloHeader(payload, header) || header.logger !== EVENTLET_LOGGER) return null;
    const text = header.text;
    const r = readEventletAccess(text, header.messageStart, 'nova-eventlet');
    if (r === null) {
      return looksLikeBrokenAccess(text, header.messageStart)
        ? malformed(`${EVENTLET_LOGGER} line does not match wsgi_log_format`)
        : null;
    }
    r.wallMs = header.wallMs;
    readContext(header.context, r);
    return r;
  },
  samples,
};
