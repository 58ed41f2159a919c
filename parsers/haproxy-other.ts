/**
 * HAProxy lines that are not HTTP requests:
 *  - `haproxy-tcp`: `option tcplog` connections (kolla/OSA TCP frontends,
 *    Juju charm-helpers' `mode tcp` defaults, lb-logs.md §1.2, §2.4). No method
 *    or path, so they come back as OpaqueRecords: proof of traffic the log
 *    cannot describe, which the report uses to say the question is unanswerable.
 *  - `haproxy-event`: start/stop, health-check, `Connect from` (the format
 *    without any `option *log`), `[WARNING]`/`[ALERT]`/`[NOTICE]` and the
 *    connection error log `client:port [date] frontend/bind: message`
 *    (§1.2, configuration.txt §8.2.1, §8.2.5). Claimed so they are known, then null.
 */
import { clfWallAt } from './time.js';
import { opaqueRecord } from './http-fields.js';
import { frontendName, hasBracketAfterFirstToken } from './haproxy-http.js';
import type { LineParser, ParseResult } from './types.js';

const HAPROXY_DOC =
  'https://github.com/haproxy/haproxy/blob/50872daa6a857e82afc40b1c5161924aef4172d7/doc/configuration.txt';

// `%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq` (§1.2, HAPROXY_TCP_LOG_FMT);
// `+` on Tt, bytes and retries under logasap/redispatch; extra fields tolerated.
// Groups: 1 date, 2 frontend, 3 backend.
const TCPLOG = new RegExp(
  String.raw`^\S+:\d+ \[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?)\] (\S+) ([^\s/]+)\/\S+ ` +
    String.raw`-?\d+\/-?\d+\/\+?-?\d+ \+?\d+ \S+ \d+\/\d+\/\d+\/\d+\/\+?\d+ \d+\/\d+(?: .*)?$`,
);

function parseTcplog(p: string): ParseResult {
  const m = TCPLOG.exec(p);
  if (m === null) return { kind: 'malformed', reason: 'HAProxy tcplog line that does not parse' };
  // %t is local time without a zone.
  return opaqueRecord('haproxy-tcp', 'lb', clfWallAt(m[1]!, 0), null, frontendName(m[2]!), m[3]!);
}

/**
 * The connection error log (§8.2.5): `client:port [date] frontend/bind: message`.
 * In httplog/tcplog lines the token after `] ` is a bare frontend name; here it
 * is `frontend/bind:` (a slash, and a colon at its end).
 */
function isConnectionErrorLine(p: string): boolean {
  const close = p.indexOf('] ');
  if (close === -1) return false;
  const end = p.indexOf(' ', close + 2);
  if (end === -1 || p.charCodeAt(end - 1) !== 58) return false;
  const slash = p.indexOf('/', close + 2);
  return slash !== -1 && slash < end;
}

// Administrative messages HAProxy sends to the same log: proxies starting and
// stopping, servers going DOWN/UP, health checks, `Connect from` (no option
// *log, §8.2.1), and start-up diagnostics printed with a level tag.
const EVENT_PREFIX = new RegExp(
  String.raw`^(?:Proxy \S+ (?:started|stopped|paused|resumed)|Stopping (?:frontend|backend|proxy) |Pausing ` +
    String.raw`|Resuming |Connect from \S+ to |\[(?:WARNING|ALERT|NOTICE)\]|(?:Backup )?Server \S+\/\S+ ` +
    String.raw`|backend \S+ has no server available!|Health check |Health agent |Loading success\.|haproxy ` +
    String.raw`version is )`,
);

function isHaproxyEvent(p: string): boolean {
  if (hasBracketAfterFirstToken(p)) return isConnectionErrorLine(p);
  const c = p.charCodeAt(0);
  // First-character gate before the alternation: P S R C [ B b H L h.
  if (
    c !== 80 &&
    c !== 83 &&
    c !== 82 &&
    c !== 67 &&
    c !== 91 &&
    c !== 66 &&
    c !== 98 &&
    c !== 72 &&
    c !== 76 &&
    c !== 104
  ) {
    return false;
  }
  return EVENT_PREFIX.test(p);
}

export const haproxyTcp: LineParser = {
  name: 'haproxy-tcp',
  title: 'HAProxy option tcplog (no HTTP detail: opaque)',
  url: HAPROXY_DOC,
  layer: 'lb',
  // `client:port [date] …` without a quote (httplog always has the quoted request).
  claims: (p) => hasBracketAfterFirstToken(p) && p.indexOf('"') === -1,
  parse: parseTcplog,
  samples: [
    {
      line: 'haproxy[18989]: 127.0.0.1:34550 [15/Oct/2003:15:24:28.312] px-tcp px-tcp/srv1 0/0/5007 0 cD 0/0/0/0/0 0/0',
      note: 'real: lb/haproxy-doc-examples.log (configuration.txt §8.2.2)',
      expect: {
        kind: 'opaque',
        parser: 'haproxy-tcp',
        layer: 'lb',
        wallMs: Date.UTC(2003, 9, 15, 15, 24, 28, 312),
        offsetMin: null,
        frontend: 'px-tcp',
        backend: 'px-tcp',
      },
    },
    {
      line:
        'Feb 26 23:16:16 192.168.8.2 haproxy[7]: 178.203.144.192:50210 [26/Feb/2019:23:16:15.321] prod_ssh_in ' +
        'prod_ssh_out/ssh1 1/1/861 1485 -- 2/1/0/0/0 0/0',
      note: 'real: lb/haproxy-mixed-samples.log',
      expect: {
        kind: 'opaque',
        parser: 'haproxy-tcp',
        layer: 'lb',
        wallMs: Date.UTC(2019, 1, 26, 23, 16, 15, 321),
        offsetMin: null,
        frontend: 'prod_ssh_in',
        backend: 'prod_ssh_out',
      },
    },
    {
      line:
        'Mar 22 15:16:23 juju-ctl-0 haproxy[1234]: 10.5.0.10:53712 [22/Mar/2024:15:16:23.102] ' +
        'tcp-in_nova-api-os-compute nova-api-os-compute_10.5.0.5/nova-cloud-controller-0 1/0/48 1234 -- 3/1/0/0/0 ' +
        '0/0',
      note: 'constructed: lb-logs.md §2.4 (Juju charm-helpers mode tcp)',
      expect: {
        kind: 'opaque',
        parser: 'haproxy-tcp',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 23, 102),
        offsetMin: null,
        frontend: 'tcp-in_nova-api-os-compute',
        backend: 'nova-api-os-compute_10.5.0.5',
      },
    },
    {
      line:
        'Mar 22 15:16:23 ctl1 haproxy[25]: 10.0.0.15:51044 [22/Mar/2024:15:16:23.412] mariadb_front ' +
        'mariadb_back/ctl2 1/0/48',
      note: 'constructed: lb-logs.md §1.2 (a tcplog line cut short)',
      expect: { kind: 'malformed', reason: 'HAProxy tcplog line that does not parse' },
    },
  ],
};

export const haproxyEvent: LineParser = {
  name: 'haproxy-event',
  title: 'HAProxy events and connection errors (not requests)',
  url: HAPROXY_DOC,
  layer: 'lb',
  claims: isHaproxyEvent,
  parse: () => null,
  samples: [
    {
      line: 'Feb 25 16:19:38 192.168.4.2 haproxy[1]: Proxy prod_http_in started.',
      note: 'real: lb/haproxy-httplog.log',
      expect: null,
    },
    {
      line: 'Feb 26 10:00:47 192.168.8.2 haproxy[7]: Stopping frontend prod_http_in in 0 ms.',
      note: 'real: lb/haproxy-mixed-samples.log',
      expect: null,
    },
    {
      line: 'Feb 26 10:00:47 192.168.8.2 haproxy[7]: Proxy prod_http_in stopped (FE: 847876 conns, BE: 0 conns).',
      note: 'real: lb/haproxy-mixed-samples.log',
      expect: null,
    },
    {
      line:
        'Feb 25 16:20:15 192.168.4.2 haproxy[7]: 95.216.197.33:56224 [25/Feb/2019:16:20:10.111] ' +
        'prod_http_in/sktst2: SSL handshake failure',
      note: 'real: lb/haproxy-httplog.log',
      expect: null,
    },
    {
      line:
        'Feb 26 23:08:47 192.168.8.2 haproxy[7]: 178.203.144.192:50210 [26/Feb/2019:23:08:47.266] ' +
        'prod_http_in/slsp: Connection closed during SSL handshake',
      note: 'real: lb/haproxy-mixed-samples.log',
      expect: null,
    },
    {
      line:
        'Dec  3 18:27:14 localhost haproxy[6103]: 127.0.0.1:56059 [03/Dec/2012:17:35:10.380] frt/f1: Connection ' +
        'error during SSL handshake',
      note: 'real: lb/haproxy-doc-examples.log',
      expect: null,
    },
    {
      line: 'Feb  6 12:12:09 localhost haproxy[14385]: Connect from 10.0.1.2:33312 to 10.0.3.31:8012 (www/HTTP)',
      note: 'real: lb/haproxy-doc-examples.log',
      expect: null,
    },
    {
      line:
        'Mar 22 15:20:01 ctl1 haproxy[25]: Server nova_api_back/ctl2 is DOWN, reason: Layer4 connection problem, ' +
        'info: "Connection refused", check duration: 0ms. 2 active and 0 backup servers left. 0 sessions active, 0 ' +
        'requeued, 0 remaining in queue.',
      note: 'constructed: lb-logs.md §1.2 (`Server x/y is DOWN`)',
      expect: null,
    },
    {
      line:
        'Mar 22 15:20:31 ctl1 haproxy[25]: Server nova_api_back/ctl2 is UP, reason: Layer7 check passed, code: 200, ' +
        'check duration: 3ms. 3 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
      note: 'constructed: lb-logs.md §1.2',
      expect: null,
    },
    {
      line: 'Mar 22 15:20:02 ctl1 haproxy[25]: backend nova_api_back has no server available!',
      note: 'constructed: lb-logs.md §1.2',
      expect: null,
    },
    {
      line:
        'Mar 22 15:20:03 ctl1 haproxy[25]: Health check for server nova_api_back/ctl3 failed, reason: Layer7 ' +
        'timeout, check duration: 2001ms, status: 0/2 DOWN.',
      note: 'constructed: lb-logs.md §1.2',
      expect: null,
    },
    {
      line: "[WARNING] 081/151623 (25) : config : missing timeouts for frontend 'stats'.",
      note: 'constructed: lb-logs.md §1.2 (`[WARNING] …`)',
      expect: null,
    },
    {
      line: '[ALERT] 081/151623 (25) : Starting frontend nova_api_front: cannot bind socket [10.0.0.10:8774]',
      note: 'constructed: lb-logs.md §1.2 (`[ALERT] …`)',
      expect: null,
    },
    {
      line: '[NOTICE]   (1) : haproxy version is 2.4.22-0ubuntu0.22.04.3',
      note: 'constructed: lb-logs.md §1.2 (`[NOTICE] …`)',
      expect: null,
    },
  ],
};
