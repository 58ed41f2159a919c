/**
 * uWSGI's default request log (`uwsgi_logit_simple`, unbit/uwsgi core/logging.c;
 * lb-logs.md §3.3), what kolla ≥ 2025.1 writes to nova-api-uwsgi.log and
 * devstack to the `devstack@n-api.service` journal (the journald prefix is
 * stripped by envelopes.ts):
 *
 *   [pid: %d|app: %d|req: %d/%llu] ADDR (USER) {%d vars in %d bytes} [ctime] METHOD URI
 *     => generated %llu bytes in %llu msecs|micros[ via sendfile()|route()|offload()] (PROTO STATUS)
 *     %d headers in %llu bytes (%d switches on core %d)
 *
 * The ctime is the request start, local time, no zone. ADDR is the whole
 * X-Forwarded-For value with `log-x-forwarded-for`, so it may be a `, ` list.
 * Text before `[pid: ` is a `--vhost` host, a memory report
 * `{address space usage: …} {rss usage: …}` or a `--logdate` date.
 *
 * Decision: the fallback line uWSGI writes when the full line would exceed its
 * 4096-byte buffer (`0.0.0.0 () … [date] - - => … (- 200)`) comes back as an
 * OpaqueRecord: a request was served, but its method and path are lost, so it
 * is traffic the log cannot describe (an over-long URI could be anything).
 */
import { parseCtime } from './time.js';
import { assignClientField, opaqueRecord } from './http-fields.js';
import { emptyRequest, type LineParser, type ParseResult } from './types.js';

const UWSGI_SOURCE = 'https://github.com/unbit/uwsgi/blob/master/core/logging.c';

// Sticky: matched from the index of `[pid: `. ADDR and USER are lazy up to
// ` (` and `) {` (the fluentd/kolla reading, lb-logs.md §3.3).
// Groups: 1 addr, 2 ctime, 3 method, 4 uri, 5 bytes, 6 time, 7 unit, 8 protocol, 9 status.
const REQUEST_LOG = new RegExp(
  String.raw`\[pid: \d+\|app: -?\d+\|req: -?\d+\/\d+\] (.*?) \(.*?\) \{\d+ vars in \d+ bytes\} \[` +
    String.raw`([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})\] (\S+) (.*?) => generated (\d+) ` +
    String.raw`bytes in (\d+) (msecs|micros) (?:via \w+\(\) )?\((\S*) (-?\d+)\) \d+ headers in \d+ bytes \(\d+ ` +
    String.raw`switches on core \d+\)\s*$`,
  'y',
);

// `--vhost` writes the Host header and a space before everything else; a
// one-token `--logdate` strftime date (`2024-03-22T15:16:23 `) is not a host.
const VHOST_PREFIX = /^([^\s{]+) (?:\{address space usage:|$)/;
const DATE_TOKEN = /^\d{4}-\d\d-\d\d/;

function parseRequestLog(p: string): ParseResult {
  const at = p.indexOf('[pid: ');
  REQUEST_LOG.lastIndex = at;
  const m = REQUEST_LOG.exec(p);
  if (m === null) return { kind: 'malformed', reason: 'uWSGI request-log line that does not parse' };
  const wallMs = parseCtime(m[2]!);
  if (m[3] === '-' && m[4] === '-') return opaqueRecord('uwsgi', 'web', wallMs, null, null, null);
  const r = emptyRequest('uwsgi', 'web');
  r.wallMs = wallMs;
  r.offsetMin = null; // ctime: local time, no zone
  r.method = m[3]!;
  r.uri = m[4]!;
  r.protocol = m[8]!.length === 0 || m[8] === '-' ? null : m[8]!;
  r.status = Number(m[9]);
  r.bytes = Number(m[5]);
  r.durationMs = m[7] === 'micros' ? Number(m[6]) / 1000 : Number(m[6]);
  assignClientField(r, m[1]!);
  if (at > 0) {
    const v = VHOST_PREFIX.exec(p.slice(0, at));
    if (v !== null && !DATE_TOKEN.test(v[1]!)) r.frontend = v[1]!;
  }
  return r;
}

// Start-up and shutdown chatter uWSGI prints to the same log (`*** Starting
// uWSGI …`, `spawned uWSGI worker …`, `WSGI app 0 … ready …`).
const BANNER = new RegExp(
  String.raw`^(?:\*\*\* |!!! |spawned uWSGI |WSGI app \d|uWSGI |uwsgi socket \d|mapped \d+ bytes|Python ` +
    String.raw`(?:version|main interpreter|threads)|python threads support|your (?:processes|memory page|mercy` +
    String.raw`|server socket)|detected (?:binary path|number of CPU|max file descriptor)|compiled with version` +
    String.raw`|os: |nodename: |machine: |clock source: |pcre jit|thunder lock|current working directory` +
    String.raw`|writing pidfile|lock engine|setgid\(\)|setuid\(\)|chdir\(\)|chmod\(\)|Set PythonHome` +
    String.raw`|\.\.\.brutally killing|\.\.\.gracefully killing|gracefully (?:destroying|killing)|worker \d+ ` +
    String.raw`buried|goodbye to uWSGI|SIGINT\/SIGQUIT received|SIGTERM received|VACUUM: |announcing my loyalty` +
    String.raw`|Respawned uWSGI worker|DAMN ! worker|unable to (?:find|load)|--- no python application found|\*\*\* ` +
    String.raw`Operational MODE|Operational MODE|added \S+ to sys\.path|bind\(\): |probably another instance` +
    String.raw`|cache sweeper|spawned \d+ offload threads|daemonizing uWSGI)`,
);

/** A devstack journal entry whose MESSAGE holds a byte that is not UTF-8 (0xff in the query). */
const JOURNAL_BYTES_SAMPLE = JSON.stringify({
  __REALTIME_TIMESTAMP: '1711120583500000',
  _HOSTNAME: 'devstack',
  SYSLOG_IDENTIFIER: 'devstack@n-api',
  MESSAGE: [
    ...Buffer.concat([
      Buffer.from(
        '[pid: 87040|app: 0|req: 12/40] 10.0.0.15 () {64 vars in 1291 bytes} [Fri Mar 22 15:16:23 2024] GET ' +
          '/compute/v2.1/os-hosts?name=',
      ),
      Buffer.from([0xff]),
      Buffer.from(' => generated 1207 bytes in 58 msecs (HTTP/1.1 200) 9 headers in 380 bytes (1 switches on core 0)'),
    ]),
  ],
  __CURSOR: 's=5f1c0e2a;i=1a2c;b=0d9c8b7a;m=1c9c381;t=614412d0d7b3a;x=3e60',
});

export const uwsgiRequest: LineParser = {
  name: 'uwsgi',
  title: 'uWSGI default request log',
  url: UWSGI_SOURCE,
  layer: 'web',
  claims: (p) => p.indexOf('[pid: ') !== -1,
  parse: parseRequestLog,
  samples: [
    {
      // journald keeps a MESSAGE that is not valid UTF-8 as bytes: `journalctl -o json` prints an array of numbers.
      line: JOURNAL_BYTES_SAMPLE,
      note:
        'constructed: central-logging.md §7 (`journalctl -o json`, MESSAGE with a byte that is not UTF-8: an ' +
        'array of bytes)',
      expect: {
        kind: 'request',
        parser: 'uwsgi',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/compute/v2.1/os-hosts?name=\ufffd',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: 58,
        client: '10.0.0.15',
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
        host: 'devstack',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        '[pid: 88185|app: 0|req: 1/1] 127.0.0.1 () {38 vars in 696 bytes} [Sun Mar 13 22:49:12 2016] POST ' +
        '/update_metrics => generated 47 bytes in 129 msecs (HTTP/1.1 200) 9 headers in 378 bytes (1 switches on ' +
        'core 3)',
      note: 'real: lb/uwsgi-default.log',
      expect: {
        kind: 'request',
        parser: 'uwsgi',
        layer: 'web',
        wallMs: Date.UTC(2016, 2, 13, 22, 49, 12),
        offsetMin: null,
        timeIsEnd: false,
        method: 'POST',
        uri: '/update_metrics',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 47,
        durationMs: 129,
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
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        '[pid: 88185|app: 0|req: 3/3] 127.0.0.1 () {34 vars in 617 bytes} [Sun Mar 13 22:49:15 2016] POST ' +
        '/endpoint2 => generated 215 bytes in 68 micros (HTTP/1.1 200) 9 headers in 373 bytes (1 switches on core ' +
        '8)',
      note: 'real: lb/uwsgi-default.log (log-micros)',
      expect: {
        kind: 'request',
        parser: 'uwsgi',
        layer: 'web',
        wallMs: Date.UTC(2016, 2, 13, 22, 49, 15),
        offsetMin: null,
        timeIsEnd: false,
        method: 'POST',
        uri: '/endpoint2',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 215,
        durationMs: 0.068,
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
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Mar 22 15:16:23.412345 devstack devstack@n-api.service[87040]: [pid: 87040|app: 0|req: 12/40] 10.0.0.15 () ' +
        '{64 vars in 1291 bytes} [Fri Mar 22 15:16:23 2024] GET /compute/v2.1/os-hosts => generated 1207 bytes in ' +
        '58 msecs (HTTP/1.1 200) 9 headers in 380 bytes (1 switches on core 0)',
      note: 'constructed: lb-logs.md §2.6 (devstack journal, journalctl -o short-precise)',
      expect: {
        kind: 'request',
        parser: 'uwsgi',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/compute/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: 58,
        client: '10.0.0.15',
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
        host: 'devstack',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        '[pid: 22|app: 0|req: 1/1] 192.168.113.14 () {36 vars in 461 bytes} [Sat Jul  4 07:13:09 2026] POST ' +
        '/v3/auth/tokens => generated 109 bytes in 38 msecs (HTTP/1.1 401) 6 headers in 262 bytes (1 switches on ' +
        'core 0)',
      note: 'constructed: lb-logs.md §3.3 example 3 (space-padded day)',
      expect: {
        kind: 'request',
        parser: 'uwsgi',
        layer: 'web',
        wallMs: Date.UTC(2026, 6, 4, 7, 13, 9),
        offsetMin: null,
        timeIsEnd: false,
        method: 'POST',
        uri: '/v3/auth/tokens',
        protocol: 'HTTP/1.1',
        status: 401,
        bytes: 109,
        durationMs: 38,
        client: '192.168.113.14',
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
      },
    },
    {
      line:
        '[pid: 31|app: 0|req: 7/19] 203.0.113.7, 10.0.0.5 (admin) {40 vars in 812 bytes} [Fri Mar 22 15:16:24 2024] ' +
        'PUT /v2.1/os-hosts/compute-3 => generated 88 bytes in 12 msecs via route() (HTTP/1.1 200) 5 headers in 190 ' +
        'bytes (1 switches on core 0)',
      note: 'constructed: lb-logs.md §3.3 (log-x-forwarded-for list, REMOTE_USER, `via route()`)',
      expect: {
        kind: 'request',
        parser: 'uwsgi',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 24),
        offsetMin: null,
        timeIsEnd: false,
        method: 'PUT',
        uri: '/v2.1/os-hosts/compute-3',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 88,
        durationMs: 12,
        client: '203.0.113.7',
        clientChain: '203.0.113.7, 10.0.0.5',
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
      },
    },
    {
      line:
        '[pid: 31|app: -1|req: -1/20] 10.0.0.5 () {32 vars in 402 bytes} [Fri Mar 22 15:16:25 2024] GET ' +
        '/favicon.ico => generated 21 bytes in 0 msecs (HTTP/1.1 500) 2 headers in 83 bytes (0 switches on core 0)',
      note: 'constructed: lb-logs.md §3.3 (`app: -1`, no app)',
      expect: {
        kind: 'request',
        parser: 'uwsgi',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 25),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/favicon.ico',
        protocol: 'HTTP/1.1',
        status: 500,
        bytes: 21,
        durationMs: 0,
        client: '10.0.0.5',
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
      },
    },
    {
      line:
        'nova-api.example.com {address space usage: 512000000 bytes/488MB} {rss usage: 120000000 bytes/114MB} [pid: ' +
        '31|app: 0|req: 8/21] 10.0.0.5 () {40 vars in 812 bytes} [Fri Mar 22 15:16:26 2024] GET /v2.1/os-hosts => ' +
        'generated 1207 bytes in 40 msecs (HTTP/1.1 200) 9 headers in 380 bytes (1 switches on core 0)',
      note: 'constructed: unbit/uwsgi core/logging.c uwsgi_logit_simple (--vhost host and memory-report prefixes)',
      expect: {
        kind: 'request',
        parser: 'uwsgi',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 26),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: 40,
        client: '10.0.0.5',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: 'nova-api.example.com',
        backend: null,
        server: null,
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        '[pid: 31|app: 0|req: 9/22] 0.0.0.0 () {40 vars in 9000 bytes} [Fri Mar 22 15:16:27 2024] - - => generated ' +
        '1207 bytes in 40 msecs (- 200) 9 headers in 380 bytes (1 switches on core 0)',
      note:
        'constructed: unbit/uwsgi core/logging.c (fallback line when the full line exceeds 4096 bytes; opaque by ' +
        'decision)',
      expect: {
        kind: 'opaque',
        parser: 'uwsgi',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 27),
        offsetMin: null,
        frontend: null,
        backend: null,
      },
    },
    {
      line:
        '[pid: 31|app: 0|req: 9/22] 10.0.0.5 () {40 vars in 812 bytes} [Fri Mar 22 15:16:27 2024] GET ' +
        '/v2.1/os-hosts => generated 1207 bytes in',
      note: 'constructed: lb-logs.md §3.3 (line cut short)',
      expect: { kind: 'malformed', reason: 'uWSGI request-log line that does not parse' },
    },
  ],
};

export const uwsgiBanner: LineParser = {
  name: 'uwsgi-banner',
  title: 'uWSGI start-up and shutdown messages (not requests)',
  url: UWSGI_SOURCE,
  layer: 'web',
  claims: (p) => BANNER.test(p),
  parse: () => null,
  samples: [
    {
      line: '*** Starting uWSGI 2.0.21 (64bit) on [Fri Mar 22 15:16:01 2024] ***',
      note: 'constructed: lb-logs.md §3.3 / §5 (start-up banner)',
      expect: null,
    },
    {
      line: 'spawned uWSGI worker 1 (pid: 87041, cores: 1)',
      note: 'constructed: lb-logs.md §5',
      expect: null,
    },
    {
      line: "WSGI app 0 (mountpoint='') ready in 3 seconds on interpreter 0x55d0c6a1b2c0 pid: 87040 (default app)",
      note: 'constructed: lb-logs.md §5',
      expect: null,
    },
    {
      line: 'Mar 22 15:16:01.100200 devstack devstack@n-api.service[87040]: spawned uWSGI master process (pid: 87040)',
      note: 'constructed: lb-logs.md §2.6 (banner behind journald)',
      expect: null,
    },
  ],
};
