/**
 * Octavia amphora tenant flow log: HAProxy inside an amphora with Octavia's
 * default `user_log_format` (openstack/octavia octavia/common/config.py:377-380,
 * lb-logs.md §2.5):
 *
 *   {{ project_id }} {{ lb_id }} %f %ci %cp %t %{+Q}r %ST %B %U %[ssl_c_verify] %{+Q}[ssl_c_s_dn] %b %s %Tt %tsc
 *
 * The date has no brackets, client IP and port are separate fields, `%Tt`
 * (total session time, ms) is the only timer. project_id is the project that
 * owns the load balancer, not the caller, so it is not put in projectId.
 *
 * Decision: for non-HTTP listeners Octavia replaces `%{+Q}r` and `%ST` with
 * `-` (jinja_cfg.py `_format_log_string`); those lines come back as
 * OpaqueRecords (listener → frontend, pool → backend), like `option tcplog`.
 */
import { clfWallAt } from './time.js';
import { assignRequestLine, intOrNull, opaqueRecord, unescapeQuoted } from './http-fields.js';
import { emptyRequest, type LineParser, type ParseResult } from './types.js';

const OCTAVIA_DOC = 'https://github.com/openstack/octavia/blob/0e6ea11c/doc/source/admin/log-offloading.rst';

// Groups: 1 listener, 2 client ip, 3 date, 4 request (undefined for `-`),
//         5 status, 6 bytes read, 7 pool, 8 member, 9 Tt.
const AMPHORA = new RegExp(
  String.raw`^\S+ \S+ (\S+) (\S+) \d+ (\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?) (?:"([^"\\]*` +
    String.raw`(?:\\.[^"\\]*)*)"|-) (-?\d+|-) \+?(\d+) \+?\d+ \S+ "[^"\\]*(?:\\.[^"\\]*)*" (\S+) (\S+) \+?` +
    String.raw`(-?\d+) \S+(?: .*)?$`,
);

function parseAmphoraLine(p: string): ParseResult {
  const m = AMPHORA.exec(p);
  if (m === null) return { kind: 'malformed', reason: 'Octavia amphora log line that does not parse' };
  const wallMs = clfWallAt(m[3]!, 0);
  if (m[4] === undefined) {
    // TCP/UDP listener: no request, no status.
    return opaqueRecord('octavia', 'lb', wallMs, null, m[1]!, m[7]!);
  }
  const r = emptyRequest('octavia', 'lb');
  if (!assignRequestLine(r, unescapeQuoted(m[4]))) return null; // <BADREQ>, ""
  r.wallMs = wallMs;
  r.offsetMin = null; // %t: local time of the amphora, no zone
  r.client = m[2]!;
  r.status = intOrNull(m[5]);
  r.bytes = Number(m[6]);
  r.frontend = m[1]!;
  r.backend = m[7]!;
  r.server = m[8] === '<NOSRV>' ? null : m[8]!;
  r.durationMs = intOrNull(m[9]);
  return r;
}

/** 32-hex project id then a uuid: a space at 32 and the uuid's first dash at 41. */
function looksLikeAmphoraLine(p: string): boolean {
  return p.length > 120 && p.charCodeAt(32) === 32 && p.charCodeAt(41) === 45 && p.charCodeAt(69) === 32;
}

export const octaviaAmphora: LineParser = {
  name: 'octavia',
  title: 'Octavia amphora tenant flow log (HAProxy user_log_format)',
  url: OCTAVIA_DOC,
  layer: 'lb',
  claims: looksLikeAmphoraLine,
  parse: parseAmphoraLine,
  samples: [
    {
      line:
        'Jun 12 00:44:13 amphora-3e0239c3-5496-4215-b76c-6abbe18de573 haproxy[1644]: ' +
        '5408b89aa45b48c69a53dca1aaec58db fd8f23df-960b-4b12-ba62-2b1dff661ee7 261ecfc2-9e8e-4bba-9ec2-3c903459a895 ' +
        '172.24.4.1 41152 12/Jun/2019:00:44:13.030 "GET / HTTP/1.1" 200 76 73 - "" ' +
        'e37e0e04-68a3-435b-876c-cffe4f2138a4 6f2720b3-27dc-4496-9039-1aafe2fee105 4 --',
      note: 'real: lb/haproxy-doc-examples.log (octavia doc/source/admin/log-offloading.rst)',
      expect: {
        kind: 'request',
        parser: 'octavia',
        layer: 'lb',
        wallMs: Date.UTC(2019, 5, 12, 0, 44, 13, 30),
        offsetMin: null,
        timeIsEnd: false,
        method: 'GET',
        uri: '/',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 76,
        durationMs: 4,
        client: '172.24.4.1',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: '261ecfc2-9e8e-4bba-9ec2-3c903459a895',
        backend: 'e37e0e04-68a3-435b-876c-cffe4f2138a4',
        server: '6f2720b3-27dc-4496-9039-1aafe2fee105',
        logger: null,
        host: 'amphora-3e0239c3-5496-4215-b76c-6abbe18de573',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Mar 22 15:16:23 amphora-9b1c6a4e-2d7f-4c1e-8f0a-3b5d7e9f1a2c haproxy[1644]: ' +
        '0f3a9c2b7d8e4f10a1b2c3d4e5f60718 5b2e8c1a-7d4f-4e9b-a3c6-1f8e2d7b9c40 0c7e5a3b-1d2f-4a8e-9b6c-7e4d3f2a1b05 ' +
        '2001:db8::7 40112 22/Mar/2024:15:16:23.412 "GET /v2.1/os-hosts HTTP/1.1" 200 1207 0 0 "CN=client" ' +
        '3d9f7a2e-5c1b-4e8d-a6f3-2b7c9e1d4a08 8e1b4c7d-2a9f-4d3e-b5c6-0f7a8e9d1c23 58 ----',
      note: 'constructed: lb-logs.md §2.5 (user_log_format with an IPv6 client and a client certificate DN)',
      expect: {
        kind: 'request',
        parser: 'octavia',
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
        client: '2001:db8::7',
        clientChain: null,
        requestId: null,
        globalRequestId: null,
        userId: null,
        projectId: null,
        userName: null,
        projectName: null,
        microversion: null,
        userAgent: null,
        frontend: '0c7e5a3b-1d2f-4a8e-9b6c-7e4d3f2a1b05',
        backend: '3d9f7a2e-5c1b-4e8d-a6f3-2b7c9e1d4a08',
        server: '8e1b4c7d-2a9f-4d3e-b5c6-0f7a8e9d1c23',
        logger: null,
        host: 'amphora-9b1c6a4e-2d7f-4c1e-8f0a-3b5d7e9f1a2c',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        'Mar 22 15:16:24 amphora-9b1c6a4e-2d7f-4c1e-8f0a-3b5d7e9f1a2c haproxy[1644]: ' +
        '0f3a9c2b7d8e4f10a1b2c3d4e5f60718 5b2e8c1a-7d4f-4e9b-a3c6-1f8e2d7b9c40 7a1e5c3b-1d2f-4a8e-9b6c-7e4d3f2a1b05 ' +
        '203.0.113.7 40113 22/Mar/2024:15:16:24.001 - - 5120 312 - "" 3d9f7a2e-5c1b-4e8d-a6f3-2b7c9e1d4a08 ' +
        '8e1b4c7d-2a9f-4d3e-b5c6-0f7a8e9d1c23 1532 --',
      note: 'constructed: lb-logs.md §2.5 (TCP listener: request and status replaced by `-`; opaque by decision)',
      expect: {
        kind: 'opaque',
        parser: 'octavia',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 24, 1),
        offsetMin: null,
        frontend: '7a1e5c3b-1d2f-4a8e-9b6c-7e4d3f2a1b05',
        backend: '3d9f7a2e-5c1b-4e8d-a6f3-2b7c9e1d4a08',
      },
    },
  ],
};
