/**
 * Apache httpd and nginx access lines in front of (or around) nova-api
 * (lb-logs.md §3.1, §3.2, §2.1, §2.3, §2.6):
 *
 *   apache-combined  `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"` — also
 *                    nginx `combined`, nginx `main` (trailing `"$http_x_forwarded_for"`),
 *                    devstack `keystone_combined` (trailing `%D(us)`), and any trailing
 *                    field holding `req-<uuid>` (`%{x-openstack-request-id}o`).
 *   apache-common    `%h %l %u %t "%r" %>s %b`
 *   apache-vhost     `%v:%p ` before either of the above (Debian `vhost_combined`);
 *                    frontend = `vhost:port`.
 *   apache-kolla     kolla ≤ 2024.2 nova-api-access.log:
 *                    `%{X-Forwarded-For}i %l %u %t "%r" %>s %b %D "%{Referer}i" "%{User-Agent}i"`;
 *                    the first field may be `-` or a `, ` chain; %D is µs.
 *
 * `%t` is the request start with a zone → offsetMin set, timeIsEnd false.
 * `%r` and `%{…}i` escape `"` and `\` with a backslash (mod_log_config).
 *
 * Decisions:
 *  - `%b` prints `-` when the body was empty (mod_log_config: "'-' rather than
 *    a 0 when no bytes are sent"), so `-` is read as 0, which is exact.
 *  - A request field that is not `METHOD URI [PROTO]` (Apache's `"-"` for a
 *    408 without a request line, TLS bytes sent to a plain port) returns null:
 *    nothing reached the application.
 *  - A line that has `[dd/Mon/yyyy:…] "` but does not parse is malformed.
 *
 * How the four parsers share one regex: each variant is told by which optional
 * group matched, so every `claims` asks the same memoised match (one regex run
 * per line, whichever parser ends up reading it); `parse` reuses it.
 */
import { clfWallAt, parseOffset } from './time.js';
import { assignClientField, assignRequestLine, findRequestId, intOrNull, unescapeQuoted } from './http-fields.js';
import { emptyRequest, type LineParser, type ParseResult, type RequestRecord } from './types.js';

const MOD_LOG_CONFIG = 'https://httpd.apache.org/docs/2.4/mod/mod_log_config.html';

// Groups: 1 vhost, 2 port, 3 client field (%h/%a, or an XFF chain), 4 %t,
//         5 %r, 6 status, 7 bytes, 8 kolla %D, 9 referer, 10 user agent, 11 rest.
//  - `%v:%p `: the vhost has no colon, so an IPv6 %h (`fe80::1`) is not taken for one;
//  - the client field may be an X-Forwarded-For list `a, b` (kolla, §3.1);
//  - quoted fields: backslash escapes inside, unrolled loop for speed.
const ACCESS = new RegExp(
  String.raw`^(?:([^\s:]+):(\d+) )?([^\s,]+(?:, ?[^\s,]+)*) \S+ \S+ \[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d` +
    String.raw`(?:\.\d+)?(?: [+-]\d{4})?)\] "([^"\\]*(?:\\.[^"\\]*)*)" (\d+|-) (\d+|-)(?: (\d+))?(?: "([^"\\]*` +
    String.raw`(?:\\.[^"\\]*)*)" "([^"\\]*(?:\\.[^"\\]*)*)")?(.*)$`,
);

/** Anything with an Apache `%t` followed by a quoted field is meant to be an access line. */
const LOOKS_LIKE_ACCESS = /\[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d[^\]]*\] "/;

// Trailing fields after the User-Agent.
const MICROS_SUFFIX = / (\d+)\(us\)/; // devstack keystone_combined `%D(us)` (files/apache-keystone.template)
const TRAILING_XFF = /^ "([0-9A-Fa-f.:]+(?:, ?[0-9A-Fa-f.:]+)*)"$/; // nginx `main` "$http_x_forwarded_for" (§3.2)

const NONE = 0;
const VHOST = 1;
const KOLLA = 2;
const COMBINED = 3;
const COMMON = 4;

let memoLine: string | undefined;
let memoMatch: RegExpExecArray | null = null;
let memoVariant = NONE;

/** Run ACCESS once per distinct line; every claims/parse of the four parsers asks here. */
function variantOf(p: string): number {
  if (p !== memoLine) {
    memoLine = p;
    // Cheap gate: no `] "` means no `%t "%r"`.
    memoMatch = p.indexOf('] "') === -1 ? null : ACCESS.exec(p);
    const m = memoMatch;
    memoVariant =
      m === null
        ? NONE
        : m[1] !== undefined
          ? VHOST
          : m[8] !== undefined
            ? KOLLA
            : m[10] !== undefined
              ? COMBINED
              : COMMON;
  }
  return memoVariant;
}

function readAccessLine(name: string, p: string): ParseResult {
  if (variantOf(p) === NONE) return { kind: 'malformed', reason: 'access-log line that does not parse' };
  const m = memoMatch!;
  const r = emptyRequest(name, 'web');
  if (!assignRequestLine(r, unescapeQuoted(m[5]!))) return null;
  const date = m[4]!;
  r.wallMs = clfWallAt(date, 0);
  // `%t` ends with ` +zzzz`; a custom `%{…}t` may have no zone.
  r.offsetMin = date.charCodeAt(date.length - 6) === 32 ? parseOffset(date.slice(-5)) : null;
  r.status = intOrNull(m[6]);
  r.bytes = m[7] === '-' ? 0 : intOrNull(m[7]); // %b: `-` means no body bytes
  if (m[1] !== undefined) r.frontend = m[1] + ':' + m[2]!;
  assignClientField(r, m[3]!);
  if (m[8] !== undefined) r.durationMs = Number(m[8]) / 1000; // %D: µs
  if (m[10] !== undefined) {
    const ua = unescapeQuoted(m[10]);
    r.userAgent = ua === '-' || ua.length === 0 ? null : ua;
  }
  if (m[11]!.length > 0) readTrailingFields(r, m[11]!);
  return r;
}

/** Extra fields after the standard ones: `%D(us)`, nginx's XFF, a request-id header. */
function readTrailingFields(r: RequestRecord, rest: string): void {
  if (r.durationMs === null && rest.indexOf('(us)') !== -1) {
    const us = MICROS_SUFFIX.exec(rest);
    if (us !== null) r.durationMs = Number(us[1]) / 1000;
  }
  const xff = TRAILING_XFF.exec(rest);
  if (xff !== null && r.client !== null) {
    // nginx behind a proxy: $remote_addr is the proxy, XFF holds the client first.
    const via = r.client;
    assignClientField(r, xff[1]!);
    r.clientChain = xff[1]! + ', ' + via;
  }
  if (r.requestId === null) r.requestId = findRequestId(rest);
}

const REQ_ID = 'req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71';

export const apacheVhost: LineParser = {
  name: 'apache-vhost',
  title: 'Apache vhost_combined (%v:%p prefix)',
  url: MOD_LOG_CONFIG,
  layer: 'web',
  claims: (p) => variantOf(p) === VHOST,
  parse: (p) => readAccessLine('apache-vhost', p),
  samples: [
    {
      line:
        'nova-api:8774 10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 "-" ' +
        '"python-novaclient"',
      note:
        'constructed: lb-logs.md §3.1 (Debian vhost_combined `%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" ' +
        '"%{User-Agent}i"`)',
      expect: {
        kind: 'request',
        parser: 'apache-vhost',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: null,
        client: '10.0.0.15',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-novaclient',
        frontend: 'nova-api:8774',
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
        'devstack.localdomain:80 2001:db8::15 - - [22/Mar/2024:11:16:23 -0400] "GET ' +
        '/compute/v2.1/os-hosts/compute-3 HTTP/1.1" 200 640 "-" "openstacksdk/1.0.1 keystoneauth1/5.1.2 ' +
        'python-requests/2.31.0 CPython/3.10.12"',
      note: 'constructed: lb-logs.md §2.6 (devstack other_vhosts_access.log, /compute prefix; IPv6 client)',
      expect: {
        kind: 'request',
        parser: 'apache-vhost',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 11, 16, 23),
        offsetMin: -240,
        timeIsEnd: false,
        method: 'GET',
        uri: '/compute/v2.1/os-hosts/compute-3',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 640,
        durationMs: null,
        client: '2001:db8::15',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'openstacksdk/1.0.1 keystoneauth1/5.1.2 python-requests/2.31.0 CPython/3.10.12',
        frontend: 'devstack.localdomain:80',
        backend: null,
        server: null,
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
  ],
};

export const apacheKolla: LineParser = {
  name: 'apache-kolla',
  title: 'kolla nova-api-access.log (X-Forwarded-For first, %D µs after the bytes)',
  url:
    'https://opendev.org/openstack/kolla-ansible/src/commit/1a681814/' +
    'ansible/roles/nova/templates/nova-api-wsgi.conf.j2',
  layer: 'web',
  claims: (p) => variantOf(p) === KOLLA,
  parse: (p) => readAccessLine('apache-kolla', p),
  samples: [
    {
      line:
        '10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 53712 "-" ' +
        '"python-novaclient"',
      note: 'constructed: lb-logs.md §3.1 / §2.1 (kolla template)',
      expect: {
        kind: 'request',
        parser: 'apache-kolla',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: 53.712,
        client: '10.0.0.15',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-novaclient',
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
        '203.0.113.7, 10.0.0.5 - - [22/Mar/2024:15:16:24 +0000] "PUT /v2.1/os-hosts/compute-3 HTTP/1.1" 200 88 ' +
        '41230 "-" "python-openstackclient keystoneauth1/5.1.2"',
      note: 'constructed: lb-logs.md §3.1 (X-Forwarded-For chain: client = first hop)',
      expect: {
        kind: 'request',
        parser: 'apache-kolla',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 24),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'PUT',
        uri: '/v2.1/os-hosts/compute-3',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 88,
        durationMs: 41.23,
        client: '203.0.113.7',
        clientChain: '203.0.113.7, 10.0.0.5',
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-openstackclient keystoneauth1/5.1.2',
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
      line: '- - - [22/Mar/2024:15:16:25 +0000] "GET / HTTP/1.0" 300 425 1402 "-" "-"',
      note: 'constructed: lb-logs.md §3.1 (direct hit, XFF `-`: HAProxy health check `option httpchk GET /`)',
      expect: {
        kind: 'request',
        parser: 'apache-kolla',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 25),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/',
        protocol: 'HTTP/1.0',
        status: 300,
        bytes: 425,
        durationMs: 1.402,
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
      },
    },
  ],
};

export const apacheCombined: LineParser = {
  name: 'apache-combined',
  title: 'Apache / nginx combined (also nginx main, %D(us) and request-id trailers)',
  url: MOD_LOG_CONFIG,
  layer: 'web',
  claims: (p) => variantOf(p) === COMBINED,
  parse: (p) => readAccessLine('apache-combined', p),
  samples: [
    {
      line: '192.168.202.254 - - [20/Jul/2009:22:59:26 +0000] "GET /vmw/cgi/tramp HTTP/1.0" 200 134 "-" "gPXE/0.9.7"',
      note: 'real: lb/apache-combined.log',
      expect: {
        kind: 'request',
        parser: 'apache-combined',
        layer: 'web',
        wallMs: Date.UTC(2009, 6, 20, 22, 59, 26),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/vmw/cgi/tramp',
        protocol: 'HTTP/1.0',
        status: 200,
        bytes: 134,
        durationMs: null,
        client: '192.168.202.254',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'gPXE/0.9.7',
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
        '192.168.202.254 - - [20/Jul/2009:22:59:29 +0000] "GET /vmw/vSphere/default/vmkboot.gz HTTP/1.0" 404 46210 ' +
        '"-" "gPXE/0.9.7"',
      note: 'real: lb/apache-combined.log',
      expect: {
        kind: 'request',
        parser: 'apache-combined',
        layer: 'web',
        wallMs: Date.UTC(2009, 6, 20, 22, 59, 29),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/vmw/vSphere/default/vmkboot.gz',
        protocol: 'HTTP/1.0',
        status: 404,
        bytes: 46210,
        durationMs: null,
        client: '192.168.202.254',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'gPXE/0.9.7',
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
        '172.16.2.41 - - [22/Mar/2024:15:16:23 +0530] "DELETE /v2.1/servers/5f1c HTTP/1.1" 204 - "-" ' +
        '"python-novaclient"',
      note:
        'constructed: lb-logs.md §2.3 (TripleO nova_api_wsgi_access.log, puppetlabs-apache `%a … %b`; `-` bytes ' +
        'read as 0)',
      expect: {
        kind: 'request',
        parser: 'apache-combined',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 330,
        timeIsEnd: false,
        method: 'DELETE',
        uri: '/v2.1/servers/5f1c',
        protocol: 'HTTP/1.1',
        status: 204,
        bytes: 0,
        durationMs: null,
        client: '172.16.2.41',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-novaclient',
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
        '10.0.0.15 - admin [22/Mar/2024:15:16:23 +0000] "GET /identity/v3/auth/tokens HTTP/1.1" 200 5123 "-" ' +
        '"python-keystoneclient" 3126025(us)',
      note: 'constructed: devstack files/apache-keystone.template keystone_combined `… "%{User-agent}i" %D(us)`',
      expect: {
        kind: 'request',
        parser: 'apache-combined',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/identity/v3/auth/tokens',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 5123,
        durationMs: 3126.025,
        client: '10.0.0.15',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-keystoneclient',
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
        '10.0.0.5 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 "-" "python-novaclient" ' +
        '"203.0.113.7, 198.51.100.2"',
      note: 'constructed: lb-logs.md §3.2 (nginx `main`: trailing "$http_x_forwarded_for")',
      expect: {
        kind: 'request',
        parser: 'apache-combined',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: null,
        client: '203.0.113.7',
        clientChain: '203.0.113.7, 198.51.100.2, 10.0.0.5',
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-novaclient',
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
        '10.0.0.5 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 "-" "python-novaclient" ' +
        '"-"',
      note: 'constructed: lb-logs.md §3.2 (nginx `main` with no X-Forwarded-For)',
      expect: {
        kind: 'request',
        parser: 'apache-combined',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: null,
        client: '10.0.0.5',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-novaclient',
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
        '10.0.0.5 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 "-" "python-novaclient" ' +
        '"req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71"',
      note: 'constructed: mod_log_config `%{x-openstack-request-id}o` appended, quoted',
      expect: {
        kind: 'request',
        parser: 'apache-combined',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: null,
        client: '10.0.0.5',
        clientChain: null,
        requestId: REQ_ID,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-novaclient',
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
        '10.0.0.5 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 "-" "python-novaclient" ' +
        '52110 req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71',
      note: 'constructed: mod_log_config `%D %{x-openstack-request-id}o` appended, unquoted',
      expect: {
        kind: 'request',
        parser: 'apache-combined',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: null,
        client: '10.0.0.5',
        clientChain: null,
        requestId: REQ_ID,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-novaclient',
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
        '10.0.0.5 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts?name=\\"x\\" HTTP/1.1" 200 1207 "-" ' +
        '"curl/8.5.0 \\"quoted\\""',
      note: 'constructed: mod_log_config (`"` escaped as `\\"` in %r and %{User-Agent}i)',
      expect: {
        kind: 'request',
        parser: 'apache-combined',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts?name="x"',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: null,
        client: '10.0.0.5',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'curl/8.5.0 "quoted"',
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
      line: '10.0.0.5 - - [22/Mar/2024:15:16:23 +0000] "-" 408 - "-" "-"',
      note: 'constructed: mod_log_config (408 with no request line: `"-"`; null by decision)',
      expect: null,
    },
  ],
};

export const apacheCommon: LineParser = {
  name: 'apache-common',
  title: 'Apache common log format (and the catch-all for unreadable access lines)',
  url: MOD_LOG_CONFIG,
  layer: 'web',
  // Also claims access-looking lines ACCESS cannot read, so they are malformed, not silently null.
  claims: (p) => {
    const v = variantOf(p);
    return v === COMMON || (v === NONE && p.indexOf('] "') !== -1 && LOOKS_LIKE_ACCESS.test(p));
  },
  parse: (p) => readAccessLine('apache-common', p),
  samples: [
    {
      line: '10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207',
      note: 'constructed: lb-logs.md §3.1 (`common`, kolla apache-access.log)',
      expect: {
        kind: 'request',
        parser: 'apache-common',
        layer: 'web',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: null,
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
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line: '10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 2OO 1207',
      note: 'constructed: lb-logs.md §3.1 (status not a number)',
      expect: { kind: 'malformed', reason: 'access-log line that does not parse' },
    },
    {
      line: '10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts?all_tenants=1&name=aaaaaaaaaaaaaaaa',
      note: 'constructed: lb-logs.md §3.1 (line cut inside %r)',
      expect: { kind: 'malformed', reason: 'access-log line that does not parse' },
    },
  ],
};
