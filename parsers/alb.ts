/**
 * AWS Application Load Balancer access log (lb-logs.md §4;
 * docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html):
 *
 *   type time elb client:port target:port request_processing_time target_processing_time
 *   response_processing_time elb_status_code target_status_code received_bytes sent_bytes
 *   "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" …
 *
 * `time` is the response time (ISO-8601 UTC), so timeIsEnd is true. The status
 * is elb_status_code (what the client got); durations are the sum of the three
 * processing times in seconds, null when any is -1 (not dispatched / closed).
 * AWS appends fields over time: anything after trace_id is ignored.
 * The trace id (`Root=1-…`, X-Amzn-Trace-Id) is the LB's own per-request id;
 * it goes to requestId since the record has no other per-request id field.
 */
import { parseIso } from './time.js';
import { assignRequestLine, intOrNull, unescapeQuoted } from './http-fields.js';
import { emptyRequest, type LineParser, type ParseResult } from './types.js';

const ALB_DOC = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html';

// Groups: 1 time, 2 elb, 3 client:port, 4 target:port, 5-7 processing times,
//         8 elb status, 9 sent bytes, 10 request, 11 user agent, 12 target group, 13 trace id.
// The fields after user_agent are optional: older lines stop early.
const ALB_LINE = new RegExp(
  String.raw`^(?:https?|h2|grpcs|wss?) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (\S+) (\S+) (\S+) ` +
    String.raw`(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (\d+|-) (?:\d+|-) (?:\d+|-) (\d+|-) "([^"\\]*(?:\\.[^"\\]*)*)" ` +
    String.raw`"([^"\\]*(?:\\.[^"\\]*)*)"(?: \S+ \S+ (\S+) "([^"]*)")?(?: .*)?$`,
);

/** `192.168.131.39:2817` → the address; IPv6 may come bracketed. `-` → null. */
function addressOf(hostPort: string): string | null {
  if (hostPort === '-') return null;
  const colon = hostPort.lastIndexOf(':');
  const host = colon > 0 ? hostPort.slice(0, colon) : hostPort;
  return host.charCodeAt(0) === 91 ? host.slice(1, -1) : host;
}

/** Sum of three processing times in seconds → ms, rounded to µs; null if any is -1. */
function totalMs(a: string, b: string, c: string): number | null {
  const x = Number(a);
  const y = Number(b);
  const z = Number(c);
  if (x < 0 || y < 0 || z < 0) return null;
  return Math.round((x + y + z) * 1e6) / 1e3;
}

function parseAlbLine(p: string): ParseResult {
  const m = ALB_LINE.exec(p);
  if (m === null) return { kind: 'malformed', reason: 'AWS ALB access-log line that does not parse' };
  const r = emptyRequest('aws-alb', 'lb');
  // A request ALB could not parse is logged as "- - - ": no request.
  if (!assignRequestLine(r, unescapeQuoted(m[10]!))) return null;
  const t = parseIso(m[1]!);
  r.wallMs = t === null ? null : t.wallMs;
  r.offsetMin = 0; // always UTC (`Z`)
  r.timeIsEnd = true;
  r.frontend = m[2]!;
  r.client = addressOf(m[3]!);
  r.server = addressOf(m[4]!);
  r.durationMs = totalMs(m[5]!, m[6]!, m[7]!);
  r.status = intOrNull(m[8]);
  r.bytes = intOrNull(m[9]);
  const ua = m[11]!;
  r.userAgent = ua === '-' || ua === '' ? null : unescapeQuoted(ua);
  if (m[12] !== undefined && m[12] !== '-') r.backend = m[12];
  if (m[13] !== undefined && m[13] !== '-' && m[13] !== '') r.requestId = m[13];
  return r;
}

/** `http|https|h2|grpcs|ws|wss` then a space and the year's first digit. */
function looksLikeAlbLine(p: string): boolean {
  const sp = p.indexOf(' ');
  if (sp < 2 || sp > 5) return false;
  const c = p.charCodeAt(sp + 1);
  return c >= 48 && c <= 57 && (p.charCodeAt(0) === 104 || p.charCodeAt(0) === 119 || p.charCodeAt(0) === 103);
}

export const awsAlb: LineParser = {
  name: 'aws-alb',
  title: 'AWS Application Load Balancer access log',
  url: ALB_DOC,
  layer: 'lb',
  claims: looksLikeAlbLine,
  parse: parseAlbLine,
  samples: [
    {
      line:
        'http 2016-08-10T22:08:42.945958Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 ' +
        '0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - ' +
        'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 ' +
        '"Root=1-58337262-36d228ad5d99923122bbe354" - -',
      note: 'real: lb/aws-alb-samples.log',
      expect: {
        kind: 'request',
        parser: 'aws-alb',
        layer: 'lb',
        wallMs: Date.UTC(2016, 7, 10, 22, 8, 42, 945),
        offsetMin: 0,
        timeIsEnd: true,
        method: 'GET',
        uri: 'http://www.example.com:80/',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 366,
        durationMs: 1,
        client: '192.168.131.39',
        clientChain: null,
        requestId: 'Root=1-58337262-36d228ad5d99923122bbe354',
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'curl/7.46.0',
        frontend: 'app/my-loadbalancer/50dc6c495c0c9188',
        backend: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067',
        server: '10.0.0.1',
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'https 2016-08-10T23:39:43.065466Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 ' +
        '0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ' +
        'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ' +
        'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 ' +
        '"Root=1-58337281-1d84f3d73c47ec4e58577259" www.example.com ' +
        'arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012',
      note: 'real: lb/aws-alb-samples.log (durations summed: 86+48+37 ms)',
      expect: {
        kind: 'request',
        parser: 'aws-alb',
        layer: 'lb',
        wallMs: Date.UTC(2016, 7, 10, 23, 39, 43, 65),
        offsetMin: 0,
        timeIsEnd: true,
        method: 'GET',
        uri: 'https://www.example.com:443/',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 57,
        durationMs: 171,
        client: '192.168.131.39',
        clientChain: null,
        requestId: 'Root=1-58337281-1d84f3d73c47ec4e58577259',
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'curl/7.46.0',
        frontend: 'app/my-loadbalancer/50dc6c495c0c9188',
        backend: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067',
        server: '10.0.0.1',
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'ws 2016-08-10T00:32:08.923954Z app/my-loadbalancer/50dc6c495c0c9188 10.0.0.140:40914 10.0.1.192:8010 0.001 ' +
        '0.003 0.000 101 101 218 587 "GET http://10.0.0.30:80/ HTTP/1.1" "-" - - ' +
        'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 ' +
        '"Root=1-58337364-23a8c76965a2ef7629b185e3" - -',
      note: 'real: lb/aws-alb-samples.log (WebSocket, UA `-`)',
      expect: {
        kind: 'request',
        parser: 'aws-alb',
        layer: 'lb',
        wallMs: Date.UTC(2016, 7, 10, 0, 32, 8, 923),
        offsetMin: 0,
        timeIsEnd: true,
        method: 'GET',
        uri: 'http://10.0.0.30:80/',
        protocol: 'HTTP/1.1',
        status: 101,
        bytes: 587,
        durationMs: 4,
        client: '10.0.0.140',
        clientChain: null,
        requestId: 'Root=1-58337364-23a8c76965a2ef7629b185e3',
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: 'app/my-loadbalancer/50dc6c495c0c9188',
        backend: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067',
        server: '10.0.1.192',
        logger: null,
        host: null,
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'https 2024-03-22T15:16:23.412345Z app/nova-api/50dc6c495c0c9188 203.0.113.7:40112 - -1 -1 -1 503 - 312 0 ' +
        '"GET https://compute.example.com:443/v2.1/os-hosts HTTP/1.1" "python-novaclient" ' +
        'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 - "Root=1-65fda1b7-0a1b2c3d4e5f60718293a4b5" "compute.example.com" ' +
        '"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 0 ' +
        '2024-03-22T15:16:23.410000Z "forward" "-" "-" "-" "-" "-" "-" "-" "TID_0123456789abcdef"',
      note: 'constructed: lb-logs.md §4 field list (no target: `-`, processing times -1, newer trailing fields)',
      expect: {
        kind: 'request',
        parser: 'aws-alb',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23, 412),
        offsetMin: 0,
        timeIsEnd: true,
        method: 'GET',
        uri: 'https://compute.example.com:443/v2.1/os-hosts',
        protocol: 'HTTP/1.1',
        status: 503,
        bytes: 0,
        durationMs: null,
        client: '203.0.113.7',
        clientChain: null,
        requestId: 'Root=1-65fda1b7-0a1b2c3d4e5f60718293a4b5',
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: 'python-novaclient',
        frontend: 'app/nova-api/50dc6c495c0c9188',
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
