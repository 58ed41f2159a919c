/**
 * kolla-ansible's HAProxy log: HAProxy sends syslog to kolla's Fluentd, whose
 * syslog input keeps the message after `<PRI>` as `Payload` and whose file
 * output writes one JSON object per line to /var/log/kolla/haproxy/haproxy_latest.log
 * (lb-logs.md §2.1):
 *
 *   {"Payload":"Mar 22 15:16:23 haproxy[25]: 10.0.0.15:51044 [22/Mar/2024:…] … \"GET /v2.1/os-hosts HTTP/1.1\"",
 *    "log_level":"info","Hostname":"10.0.0.11","programname":"haproxy"}
 *
 * The Payload still carries HAProxy's `local` syslog header (no host), so it
 * goes through the envelope stripper and then the HAProxy line parsers; the
 * record's host falls back to `Hostname` (Fluentd's source_hostname_key).
 */
import { compileParsers, type LineFunction } from './compile.js';
import { haproxyClf, haproxyHttp } from './haproxy-http.js';
import { haproxyEvent, haproxyTcp } from './haproxy-other.js';
import { octaviaAmphora } from './octavia.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';

/** What may appear inside a Payload: the same parsers as a plain HAProxy log. */
export const HAPROXY_PAYLOAD_PARSERS: readonly LineParser[] = [
  haproxyHttp,
  haproxyEvent,
  haproxyTcp,
  haproxyClf,
  octaviaAmphora,
];

// One compiled payload reader per context (a file's ingest uses one context),
// so the per-line cost is a comparison, not a closure.
let compiledFor: ParseContext | undefined;
let readPayload: LineFunction = () => null;

interface FluentdRecord {
  Payload?: unknown;
  Hostname?: unknown;
}

function parseFluentdLine(line: string, ctx: ParseContext): ParseResult {
  let doc: FluentdRecord;
  try {
    doc = JSON.parse(line) as FluentdRecord;
  } catch {
    return { kind: 'malformed', reason: 'kolla Fluentd line is not valid JSON' };
  }
  if (doc === null || typeof doc !== 'object' || typeof doc.Payload !== 'string') {
    return { kind: 'malformed', reason: 'kolla Fluentd line without a string Payload' };
  }
  if (ctx !== compiledFor) {
    compiledFor = ctx;
    readPayload = compileParsers(HAPROXY_PAYLOAD_PARSERS, ctx);
  }
  const r = readPayload(doc.Payload);
  if (r !== null && r.kind === 'request') {
    r.parser = 'haproxy-kolla-json';
    if (r.host === null && typeof doc.Hostname === 'string' && doc.Hostname.length > 0) r.host = doc.Hostname;
  } else if (r !== null && r.kind === 'opaque') {
    r.parser = 'haproxy-kolla-json';
  }
  return r;
}

export const haproxyKollaJson: LineParser = {
  name: 'haproxy-kolla-json',
  title: 'kolla-ansible Fluentd JSON wrapper around HAProxy syslog lines',
  url:
    'https://opendev.org/openstack/kolla-ansible/src/commit/1a681814/' +
    'ansible/roles/fluentd/templates/conf/input/01-syslog.conf.j2',
  layer: 'lb',
  claims: (p) => p.charCodeAt(0) === 123 && p.indexOf('"Payload"') !== -1,
  parse: parseFluentdLine,
  samples: [
    {
      line:
        '{"Payload":"Mar 22 15:16:23 haproxy[25]: 10.0.0.15:51044 [22/Mar/2024:15:16:23.412] nova_api_front ' +
        'nova_api_back/ctl2 0/0/1/57/58 200 1207 - - ---- 12/3/0/0/0 0/0 \\"GET /v2.1/os-hosts ' +
        'HTTP/1.1\\"","log_level":"info","Hostname":"10.0.0.11","programname":"haproxy"}',
      note: 'constructed: lb-logs.md §2.1 (kolla Fluentd syslog input + file output)',
      expect: {
        kind: 'request',
        parser: 'haproxy-kolla-json',
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
        host: '10.0.0.11',
        auditAction: null,
        service: null,
      },
    },
    {
      line:
        '{"Payload":"Mar 22 15:16:30 haproxy[25]: 10.0.0.15:51080 [22/Mar/2024:15:16:30.001] mariadb_front ' +
        'mariadb_back/ctl1 1/0/2210 5120 -- 30/2/1/1/0 ' +
        '0/0","log_level":"info","Hostname":"10.0.0.11","programname":"haproxy"}',
      note: 'constructed: lb-logs.md §2.1 (kolla TCP frontend, `option tcplog`)',
      expect: {
        kind: 'opaque',
        parser: 'haproxy-kolla-json',
        layer: 'lb',
        wallMs: Date.UTC(2024, 2, 22, 15, 16, 30, 1),
        offsetMin: null,
        frontend: 'mariadb_front',
        backend: 'mariadb_back',
      },
    },
    {
      line:
        '{"Payload":"Mar 22 15:16:01 haproxy[25]: Proxy nova_api_front ' +
        'started.","log_level":"notice","Hostname":"10.0.0.11","programname":"haproxy"}',
      note: 'constructed: lb-logs.md §2.1 / §1.2 (event inside the wrapper)',
      expect: null,
    },
    {
      line:
        '{"Payload":"Mar 22 15:16:23 haproxy[25]: 10.0.0.15:51044 [22/Mar/2024:15:16:23.412] nova_api_front ' +
        'nova_api_back/ctl2 0/0/1/57/58 200 1207',
      note: 'constructed: lb-logs.md §2.1 (JSON cut short)',
      expect: { kind: 'malformed', reason: 'kolla Fluentd line is not valid JSON' },
    },
  ],
};
