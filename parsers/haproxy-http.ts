/**
 * HAProxy HTTP access lines: `option httplog` (1.5/1.6 and 1.7+ timer
 * layouts, optional `{…}` header captures, anything after the quoted request:
 * `option httpslog`, `${HAPROXY_HTTP_LOG_FMT} extras`) and `option httplog clf`.
 *
 * Facts from ../shared/reference/lb-logs.md §1.1–1.7 (haproxy/haproxy
 * doc/configuration.txt §8.2.3, src/log.c:330-332).
 *
 * Decisions:
 *  - `"<BADREQ>"` (invalid or aborted request) and `""` (client sent nothing)
 *    return null: HAProxy saw a connection but no method or path, so nothing
 *    reached nova and there is nothing to count. They are not OpaqueRecords,
 *    which mean "traffic the log cannot describe" (tcplog): these are known
 *    not to be API calls.
 *  - A line with the httplog head and a `"` that still does not parse (syslog
 *    truncates at 1024 bytes by default and drops the closing quote, §1.1
 *    field 16) is malformed.
 *  - `<NOSRV>` (answered by HAProxy itself: deny, redirect, error; §1.1 field 5)
 *    → server null; the backend is kept.
 */
import { clfWallAt, parseOffset } from './time.js';
import {
  assignCapturedHeaders,
  assignCapturedValue,
  assignRequestLine,
  findRequestId,
  intOrNull,
} from './http-fields.js';
import { emptyRequest, type LineParser, type ParseResult, type RequestRecord } from './types.js';

const HAPROXY_DOC =
  'https://github.com/haproxy/haproxy/blob/50872daa6a857e82afc40b1c5161924aef4172d7/doc/configuration.txt';

// `%ci:%cp [%tr] %ft %b/%s TR/Tw/Tc/Tr/Ta %ST %B %CC %CS %tsc ac/fc/bc/sc/rc sq/bq [{%hr}] [{%hs}] "%r"…`
//  - client: greedy \S+ then `:port`, so IPv6 splits on the LAST colon (§1.1 field 2);
//  - date: dd/Mon/yyyy:HH:MM:SS, `.mmm` except in 2003-era examples (§1.2);
//  - timers: each may be -1; the 5th (Ta, Tt in 1.5/1.6) may be `+N` (logasap, §1.1 field 6);
//  - status may be -1; bytes and retries may be `+N` (§1.1 fields 7, 8, 12);
//  - captures: absent, or `{…}` holding anything but `}` (spaces too; §1.1 fields 14-15);
//  - request: quoted, `\"` tolerated (syslog-ng escapes, §1.1); anything may follow (httpslog, §1.2).
// Groups: 1 client, 2 port, 3 date, 4 frontend, 5 backend, 6 server, 7 Ta/Tt,
//         8 status, 9 bytes, 10 first capture, 11 second capture, 12 request, 13 rest.
const HTTPLOG = new RegExp(
  String.raw`^(\S+):(\d+) \[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?)\] (\S+) ([^\s/]+)\/(\S+) ` +
    String.raw`-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?(-?\d+) (-?\d+) \+?(\d+) \S+ \S+ \S+ \d+\/\d+\/\d+\/\d+\/\+?\d+ ` +
    String.raw`\d+\/\d+ (?:\{([^}]*)\} )?(?:\{([^}]*)\} )?"([^"\\]*(?:\\.[^"\\]*)*)"(.*)$`,
);

/** `prod_http_in~` → `prod_http_in`: `%ft` marks SSL frontends with `~` (§1.1 field 4). */
export function frontendName(ft: string): string {
  return ft.charCodeAt(ft.length - 1) === 126 ? ft.slice(0, -1) : ft;
}

/** The second token opens with `[`: `client:port [date] …`, shared by httplog, tcplog and error lines. */
export function hasBracketAfterFirstToken(p: string): boolean {
  const sp = p.indexOf(' ');
  return sp > 0 && p.charCodeAt(sp + 1) === 91;
}

/** `client:port [date] frontend backend/server … "request"…` → request, null (BADREQ, ""), or malformed. */
function parseHttplog(p: string): ParseResult {
  const m = HTTPLOG.exec(p);
  if (m === null) return { kind: 'malformed', reason: 'HAProxy httplog line that does not parse (truncated?)' };
  const r = emptyRequest('haproxy-http', 'lb');
  if (!assignRequestLine(r, m[12]!)) return null;
  r.wallMs = clfWallAt(m[3]!, 0);
  r.offsetMin = null; // %tr / %t: local time, no zone (§1.1 field 3)
  r.client = m[1]!;
  r.frontend = frontendName(m[4]!);
  r.backend = m[5]!;
  r.server = m[6] === '<NOSRV>' ? null : m[6]!;
  r.durationMs = intOrNull(m[7]);
  r.status = intOrNull(m[8]);
  r.bytes = intOrNull(m[9]);
  // Which block holds request and which response headers cannot be told when
  // only one is configured (§1.1 field 15): read both the same way.
  if (m[10] !== undefined) assignCapturedHeaders(r, m[10]);
  if (m[11] !== undefined) assignCapturedHeaders(r, m[11]);
  // `${HAPROXY_HTTP_LOG_FMT} %[res.hdr(x-openstack-request-id)]` style extras.
  if (r.requestId === null && m[13]!.length > 0) r.requestId = findRequestId(m[13]!);
  return r;
}

// `option httplog clf` (src/log.c:332, §1.4):
// `%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc
//  %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl`
// %trg is UTC with a zone. Whether `-` items get quotes was not verified on a
// live HAProxy (§1.4), so quotes around names are optional here.
// Groups: 1 client, 2 date, 3 request, 4 status, 5 bytes, 6 frontend, 7 backend, 8 server, 9 Ta, 10 rest.
const CLF = new RegExp(
  String.raw`^(\S+) - - \[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "([^"\\]*(?:\\.[^"\\]*)*)" ` +
    String.raw`(-?\d+) \+?(\d+) "[^"]*" "[^"]*" \d+ \d+ "?([^"\s]*)"? "?([^"\s]*)"? "?([^"\s]*)"? -?\d+ -?\d+ ` +
    String.raw`-?\d+ -?\d+ \+?(-?\d+)(.*)$`,
);
const QUOTED = /"([^"]*)"/g;

function parseHttplogClf(p: string): ParseResult {
  const m = CLF.exec(p);
  if (m === null) return { kind: 'malformed', reason: 'HAProxy httplog clf line that does not parse' };
  const r = emptyRequest('haproxy-clf', 'lb');
  if (!assignRequestLine(r, m[3]!)) return null;
  // %trg: `dd/Mon/yyyy:HH:MM:SS +zzzz`, UTC with its zone.
  r.wallMs = clfWallAt(m[2]!, 0);
  r.offsetMin = parseOffset(m[2]!.slice(-5));
  r.client = m[1]!;
  r.status = intOrNull(m[4]);
  r.bytes = Number(m[5]);
  r.frontend = frontendName(m[6]!);
  r.backend = m[7]!;
  r.server = m[8] === '<NOSRV>' ? null : m[8]!;
  r.durationMs = intOrNull(m[9]);
  // The rest: "tsc" ac fc bc sc rc sq bq "CC" "CS" then one quoted field per captured header.
  assignQuotedValues(r, m[10]!);
  return r;
}

function assignQuotedValues(r: RequestRecord, rest: string): void {
  if (rest.indexOf('"') === -1) return;
  QUOTED.lastIndex = 0;
  for (let q = QUOTED.exec(rest); q !== null; q = QUOTED.exec(rest)) {
    if (q[1]!.length > 0) assignCapturedValue(r, q[1]!);
  }
}

const REQ_ID = 'req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71';

export const haproxyHttp: LineParser = {
  name: 'haproxy-http',
  title: 'HAProxy option httplog (1.5+), with captures, httpslog and extra fields',
  url: HAPROXY_DOC,
  layer: 'lb',
  // Lines `client:port [date] …` with a quote: only httplog has a quoted field;
  // tcplog and the SSL error lines have none (§1.2).
  claims: (p) => hasBracketAfterFirstToken(p) && p.indexOf('"') !== -1,
  parse: parseHttplog,
  samples: [
    {
      line:
        '{"__CURSOR":"s=1e2d3c4b;i=9f;b=7a6b5c4d;m=2b3c4d;t=6144130a1c2d3;x=5e6f",' +
        '"__REALTIME_TIMESTAMP":"1711120585102311","_HOSTNAME":"infra1","SYSLOG_IDENTIFIER":"haproxy",' +
        '"_SYSTEMD_UNIT":"haproxy.service","MESSAGE":"10.0.0.15:51044 [22/Mar/2024:15:16:25.100] nova_api_front ' +
        'nova_api_back/ctl2 0/0/1/57/58 200 1207 - - ---- 12/3/0/0/0 0/0 \\"GET /v2.1/os-hosts HTTP/1.1\\""}',
      note:
        'constructed: central-logging.md §7 (OpenStack-Ansible: HAProxy logs to the journal; ' +
        '`journalctl -o json` entry)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 25, 100),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
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
        frontend: 'nova_api_front',
        backend: 'nova_api_back',
        server: 'ctl2',
        logger: null,
        host: 'infra1',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Nov 28 16:37:50 dvd-ctrl1 haproxy[403100]: fe80::9379:c29e:6701:cef8:52438 [28/Nov/2019:16:37:50.293] ' +
        'keystone_admin keystone_admin/dvd-ctrl1.ctlplane.int.dvd.dev 0/0/0/175/175 200 624 - - ---- 5/1/0/0/0 0/0 ' +
        '"GET /v3/auth/tokens?nocatalog HTTP/1.1"',
      note: 'real: lb-logs.md §1.7 (lbdata/haproxy_tripleo_keystone_ipv6.log), IPv6 client',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2019, 10, 28, 16, 37, 50, 293),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v3/auth/tokens?nocatalog',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 624,
        durationMs: 175,
        client: 'fe80::9379:c29e:6701:cef8',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: 'keystone_admin',
        backend: 'keystone_admin',
        server: 'dvd-ctrl1.ctlplane.int.dvd.dev',
        logger: null,
        host: 'dvd-ctrl1',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Mar 22 15:16:23 haproxy[25]: 10.0.0.15:51044 [22/Mar/2024:15:16:23.412] nova_api_front nova_api_back/ctl2 ' +
        '0/0/1/57/58 200 1207 - - ---- 12/3/0/0/0 0/0 "GET /v2.1/os-hosts HTTP/1.1"',
      note: 'constructed: lb-logs.md §1.7 example 2 (kolla names, HAProxy `local` syslog format without host)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23, 412),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
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
        frontend: 'nova_api_front',
        backend: 'nova_api_back',
        server: 'ctl2',
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Mar 22 15:16:24 lb1 haproxy[2291]: 203.0.113.7:40112 [22/Mar/2024:15:16:24.018] ' +
        'nova_api_os_compute-front-1~ nova_api_os_compute-back/infra2 0/0/0/41/41 200 1188 - - ---- 9/2/0/0/0 0/0 ' +
        '{python-novaclient} {req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71} "GET /v2.1/os-hosts/compute-3 HTTP/1.1"',
      note: 'constructed: lb-logs.md §1.7 example 3 (OSA names, SSL `~`, captured User-Agent and request id)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 24, 18),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts/compute-3',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1188,
        durationMs: 41,
        client: '203.0.113.7',
        clientChain: null,
        requestId: REQ_ID,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-novaclient',
        frontend: 'nova_api_os_compute-front-1',
        backend: 'nova_api_os_compute-back',
        server: 'infra2',
        logger: null,
        host: 'lb1',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Nov 28 16:40:02 ctl0 haproxy[7]: 172.16.2.41:38212 [28/Nov/2019:16:40:02.101] nova_osapi ' +
        'nova_osapi/ctl0.internalapi.localdomain 0/0/0/88/88 200 905 - - ---- 3/1/0/0/0 0/0 "PUT ' +
        '/v2.1/os-hosts/compute-0.localdomain HTTP/1.1"',
      note: 'constructed: lb-logs.md §2.3 (TripleO `nova_osapi` listen section, same shape as §1.7 example 1)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2019, 10, 28, 16, 40, 2, 101),
        offsetMin: null,
        timeIsEnd: false,
        method: 'PUT',
        uri: '/v2.1/os-hosts/compute-0.localdomain',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 905,
        durationMs: 88,
        client: '172.16.2.41',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: 'nova_osapi',
        backend: 'nova_osapi',
        server: 'ctl0.internalapi.localdomain',
        logger: null,
        host: 'ctl0',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Feb 25 16:19:49 192.168.4.2 haproxy[7]: 141.35.244.171:53332 [25/Feb/2019:16:19:48.143] prod_http_in~ ' +
        'bk_admin/nginx_sonst 0/0/7/1457/1487 200 11394 - - ---- 2/1/0/0/0 0/0 {Mozilla/5.0 (Windows NT 6.1; Win64; ' +
        'x64; rv:65.0) Gecko/20100101 Firefox/65.0} {} "GET ' +
        '/admin/colt/administration?survey=130&input_stats=1&ajax=1&&ajax=1&refresh=1&ihandle=1 HTTP/1.1"',
      note: 'real: lb/haproxy-httplog.log (capture with spaces, empty capture)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2019, 1, 25, 16, 19, 48, 143),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/admin/colt/administration?survey=130&input_stats=1&ajax=1&&ajax=1&refresh=1&ihandle=1',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 11394,
        durationMs: 1487,
        client: '141.35.244.171',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:65.0) Gecko/20100101 Firefox/65.0',
        frontend: 'prod_http_in',
        backend: 'bk_admin',
        server: 'nginx_sonst',
        logger: null,
        host: '192.168.4.2',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] https-in static/srv1 ' +
        '10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1" 0/0/0/0/0 ' +
        '1wt.eu/TLSv1.3/TLS_AES_256_GCM_SHA384',
      note: 'real: lb/haproxy-doc-examples.log (httpslog suffix; a Host capture is not a User-Agent)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2009, 1, 6, 12, 14, 14, 655),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/index.html',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 2750,
        durationMs: 109,
        client: '10.0.1.2',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: 'https-in',
        backend: 'static',
        server: 'srv1',
        logger: null,
        host: 'localhost',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Aug  9 20:30:46 localhost haproxy[2022]: 127.0.0.1:34028 [09/Aug/2004:20:30:46] proxy-out proxy-out/cache1 ' +
        '0/0/2/126/+128 301 +223 - - ---- 0/0/0/0/0 0/0 {www.sytadin.equipement.gouv.fr||http://trafic.1wt.eu/} ' +
        '{Apache|230|||http://www.sytadin.} "GET http://www.sytadin.equipement.gouv.fr/ HTTP/1.1"',
      note: 'real: lb/haproxy-doc-examples.log (date without ms, logasap `+`, `|` captures, absolute URI)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2004, 7, 9, 20, 30, 46, 0),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: 'http://www.sytadin.equipement.gouv.fr/',
        protocol: 'HTTP/1.1',
        status: 301,
        bytes: 223,
        durationMs: 128,
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
        frontend: 'proxy-out',
        backend: 'proxy-out',
        server: 'cache1',
        logger: null,
        host: 'localhost',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'haproxy[18113]: 10.0.0.1:34552 [15/Oct/2003:15:26:31.462] px-http px-http/srv1 3183/-1/-1/-1/11215 503 0 - ' +
        '- SC-- 205/202/202/115/3 0/0 "HEAD / HTTP/1.0"',
      note: 'real: lb/haproxy-doc-examples.log (`-1` timers, bare `tag[pid]:` prefix without date)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2003, 9, 15, 15, 26, 31, 462),
        offsetMin: null,
        timeIsEnd: false,
        method: 'HEAD',
        uri: '/',
        protocol: 'HTTP/1.0',
        status: 503,
        bytes: 0,
        durationMs: 11215,
        client: '10.0.0.1',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: 'px-http',
        backend: 'px-http',
        server: 'srv1',
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Mar 22 15:17:02 lb1 haproxy[2291]: 203.0.113.9:40200 [22/Mar/2024:15:17:02.500] nova_api_front ' +
        'nova_api_back/ctl1 0/0/-1/-1/-1 -1 0 - - CC-- 9/2/0/0/+1 0/0 "GET /v2.1/os-hosts HTTP/1.1"',
      note: 'constructed: lb-logs.md §1.1 (client abort: -1 status and Ta → null; `+` retries)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 17, 2, 500),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: null,
        bytes: 0,
        durationMs: null,
        client: '203.0.113.9',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: 'nova_api_front',
        backend: 'nova_api_back',
        server: 'ctl1',
        logger: null,
        host: 'lb1',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        '<134>1 2024-06-12T10:09:11.823400+02:00 - normal 224482 - - 127.0.0.1:53594 [12/Jun/2024:10:09:11.814] ' +
        'myproxy myproxy/<NOSRV> 0/-1/-1/-1/0 200 49 - - LR-- 1/1/0/0/0 0/0 "GET / HTTP/1.1"',
      note: 'real: lb/haproxy-doc-examples.log (RFC 5424 envelope, <NOSRV>)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2024, 5, 12, 10, 9, 11, 814),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 49,
        durationMs: 0,
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
        frontend: 'myproxy',
        backend: 'myproxy',
        server: null,
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        '<134>1 2024-06-12T10:09:44.810929+02:00 - normal 224482 - - 127.0.0.1:59258 [12/Jun/2024:10:09:44.426] ' +
        'myproxy myproxy/<NOSRV> -1/-1/-1/-1/384 400 0 - - CR-- 1/1/0/0/0 0/0 "<BADREQ>"',
      note: 'real: lb/haproxy-doc-examples.log (<BADREQ>: no request, null by decision)',
      expect: null,
    },
    {
      line:
        'haproxy[18113]: 127.0.0.1:34549 [15/Oct/2003:15:19:06.103] px-http px-http/<NOSRV> -1/-1/-1/-1/50001 408 0 ' +
        '- - cR-- 2/2/2/0/0 0/0 ""',
      note: 'real: lb/haproxy-doc-examples.log (empty request: client sent nothing)',
      expect: null,
    },
    {
      line:
        'Mar 22 15:16:25.412345 infra1 haproxy[2291]: 2001:db8:10::15:51044 [22/Mar/2024:15:16:25.100] ' +
        'nova_api_os_compute-front-1 nova_api_os_compute-back/infra1 0/0/0/30/31 200 1188 - - ---- 4/2/0/0/0 0/0 ' +
        '{openstacksdk/1.0.1 keystoneauth1/5.1.2 python-requests/2.31.0 CPython/3.10.12} "GET ' +
        '/compute/v2.1/os-hosts HTTP/1.1"',
      note: 'constructed: lb-logs.md §1.3 (journalctl -o short-precise envelope) + §1.6 (one capture block)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 25, 100),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/compute/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1188,
        durationMs: 31,
        client: '2001:db8:10::15',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'openstacksdk/1.0.1 keystoneauth1/5.1.2 python-requests/2.31.0 CPython/3.10.12',
        frontend: 'nova_api_os_compute-front-1',
        backend: 'nova_api_os_compute-back',
        server: 'infra1',
        logger: null,
        host: 'infra1',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        '2024-03-22T15:16:26.001234+00:00 lb1 haproxy[1234]: 10.0.0.15:51050 [22/Mar/2024:15:16:26.000] ' +
        'nova_api_external_front nova_api_external_back/ctl3 0/0/1/20/21 404 310 - - ---- 2/1/0/0/0 0/0 "GET ' +
        'https://api.example.com:8774/v2.1/os-hosts HTTP/2.0" hdrs:"x-openstack-request-id: ' +
        'req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71"',
      note:
        'constructed: lb-logs.md §1.2-1.3 (RSYSLOG_FileFormat envelope, HTTP/2 absolute URI, ' +
        '${HAPROXY_HTTP_LOG_FMT} extra field)',
      expect: {
        kind: 'request',
        parser: 'haproxy-http',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 26),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: 'https://api.example.com:8774/v2.1/os-hosts',
        protocol: 'HTTP/2.0',
        status: 404,
        bytes: 310,
        durationMs: 21,
        client: '10.0.0.15',
        clientChain: null,
        requestId: REQ_ID,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: 'nova_api_external_front',
        backend: 'nova_api_external_back',
        server: 'ctl3',
        logger: null,
        host: 'lb1',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Mar 22 15:16:27 lb1 haproxy[2291]: 10.0.0.15:51060 [22/Mar/2024:15:16:27.000] nova_api_front ' +
        'nova_api_back/ctl2 0/0/1/57/58 200 1207 - - ---- 12/3/0/0/0 0/0 {python-novaclient} "GET ' +
        '/v2.1/os-hosts?zone=nova&filler=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      note: 'constructed: lb-logs.md §1.1 field 16 (line cut by the syslog length limit: no closing quote)',
      expect: { kind: 'malformed', reason: 'HAProxy httplog line that does not parse (truncated?)' },
    },
  ],
};

export const haproxyClf: LineParser = {
  name: 'haproxy-clf',
  title: 'HAProxy option httplog clf',
  url: HAPROXY_DOC,
  layer: 'lb',
  // `ip - - [` : %{-Q}ci then two literal dashes (src/log.c:332).
  claims: (p) => {
    const sp = p.indexOf(' ');
    return sp > 0 && p.startsWith('- - [', sp + 1);
  },
  parse: parseHttplogClf,
  samples: [
    {
      line:
        '10.0.1.2 - - [06/Feb/2009:12:14:14 +0000] "GET /index.html HTTP/1.1" 200 2750 "" "" 33317 655 "http-in" ' +
        '"static" "srv1" 10 0 30 69 109 "----" 1 1 1 1 0 0 0 "" "" "1wt.eu"',
      note: 'constructed: lb-logs.md §1.4 (example built from the clf log-format string)',
      expect: {
        kind: 'request',
        parser: 'haproxy-clf',
        layer: 'lb',
        wallMs: Date.UTC(2009, 1, 6, 12, 14, 14, 0),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/index.html',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 2750,
        durationMs: 109,
        client: '10.0.1.2',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: 'http-in',
        backend: 'static',
        server: 'srv1',
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Mar 22 15:16:23 lb1 haproxy[2291]: 203.0.113.7 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts ' +
        'HTTP/1.1" 200 1207 "" "" 40112 412 "nova_api_front~" "nova_api_back" "ctl2" 0 0 1 57 58 "----" 12 3 0 0 0 ' +
        '0 0 "" "" "python-openstackclient keystoneauth1/5.1.2" "req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71"',
      note: 'constructed: lb-logs.md §1.4 (clf with two %hrl captures)',
      expect: {
        kind: 'request',
        parser: 'haproxy-clf',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23),
        offsetMin: 0,
        timeIsEnd: false,
        method: 'GET',
        uri: '/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 1207,
        durationMs: 58,
        client: '203.0.113.7',
        clientChain: null,
        requestId: REQ_ID,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-openstackclient keystoneauth1/5.1.2',
        frontend: 'nova_api_front',
        backend: 'nova_api_back',
        server: 'ctl2',
        logger: null,
        host: 'lb1',
        auditAction: null,
        service: null,
      },
    },
  ],
};
