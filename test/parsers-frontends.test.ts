/**
 * Front-end parsers (HAProxy, Octavia, ALB, Apache/nginx, uWSGI) beyond their
 * samples: the real logs in ../shared/real-logs/lb/ (when present), format
 * signatures, header-capture reading, the Apache variant memo, envelopes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileParsers, parseWith } from '../parsers/compile.js';
import { payloadOf, stripEnvelope } from '../parsers/envelopes.js';
import { clfWallAt, parseClf } from '../parsers/time.js';
import { FRONTEND_FORMATS } from '../parsers/frontend-formats.js';
import { haproxyHttp } from '../parsers/haproxy-http.js';
import { intOrNull, looksLikeUserAgent } from '../parsers/http-fields.js';
import { octaviaAmphora } from '../parsers/octavia.js';
import type { FileFormat, ParseContext, ParseResult, RequestRecord } from '../parsers/types.js';

const ctx: ParseContext = { defaultYear: 2024, messageLoggers: new Set() };

function format(name: string): FileFormat {
  const f = FRONTEND_FORMATS.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no format ${name}`);
  return f;
}

/** Parse lines through a format's compiled parser list, as ingest does. */
function parseAll(formatName: string, lines: string[]): ParseResult[] {
  const fn = compileParsers(format(formatName).parsers, ctx);
  return lines.map(fn);
}

function request(formatName: string, line: string): RequestRecord {
  const r = parseAll(formatName, [line])[0];
  if (r === undefined || r === null || r.kind !== 'request') throw new Error(`not a request: ${JSON.stringify(r)}`);
  return r;
}

function tally(results: ParseResult[]): { request: number; opaque: number; null: number; malformed: number } {
  const t = { request: 0, opaque: 0, null: 0, malformed: 0 };
  for (const r of results) {
    if (r === null) t.null++;
    else if (r.kind === 'request') t.request++;
    else if (r.kind === 'opaque') t.opaque++;
    else if (r.kind === 'malformed') t.malformed++;
  }
  return t;
}

const REAL_LB = new URL('../../shared/real-logs/lb/', import.meta.url);
const haveRealLogs = existsSync(fileURLToPath(REAL_LB));

// Counted by reading the files (see ../shared/real-logs/SOURCES.md for what each holds).
const REAL_FILES: Record<string, { format: string; request: number; opaque: number; null: number }> = {
  'apache-combined.log': { format: 'apache', request: 3, opaque: 0, null: 0 },
  'aws-alb-samples.log': { format: 'alb', request: 5, opaque: 0, null: 0 },
  // 7 httplog requests + the Octavia line; tcplog → opaque; `""` ×2, <BADREQ>, SSL error, Connect from → null.
  'haproxy-doc-examples.log': { format: 'haproxy', request: 8, opaque: 1, null: 5 },
  // 3 `Proxy … started.` and one SSL handshake failure → null.
  'haproxy-httplog.log': { format: 'haproxy', request: 13, opaque: 0, null: 4 },
  // start/stop ×3 and an SSL error → null; one tcplog → opaque; one httplog request.
  'haproxy-mixed-samples.log': { format: 'haproxy', request: 1, opaque: 1, null: 4 },
  'uwsgi-default.log': { format: 'uwsgi', request: 19, opaque: 0, null: 0 },
};

function readLines(name: string): string[] {
  return readFileSync(new URL(name, REAL_LB), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

describe('real load-balancer and web-server logs', () => {
  it.skipIf(!haveRealLogs)('knows every file in the folder', () => {
    const files = readdirSync(fileURLToPath(REAL_LB)).filter((f) => f.endsWith('.log'));
    expect(files.sort()).toEqual(Object.keys(REAL_FILES).sort());
  });

  for (const [file, want] of Object.entries(REAL_FILES)) {
    it.skipIf(!haveRealLogs)(`${file}: ${want.request} requests, nothing malformed`, () => {
      const lines = readLines(file);
      const results = parseAll(want.format, lines);
      const bad = results.flatMap((r, i) => (r !== null && r.kind === 'malformed' ? [lines[i]] : []));
      expect(bad).toEqual([]);
      expect(tally(results)).toEqual({ request: want.request, opaque: want.opaque, null: want.null, malformed: 0 });
    });

    it.skipIf(!haveRealLogs)(`${file}: detected as ${want.format} by signature`, () => {
      // The first payload line that any front-end signature matches decides, and
      // no other front-end signature matches any line of the file (Octavia
      // amphora lines may share an HAProxy syslog file: the haproxy format reads them).
      const allowed = new Set([want.format]);
      if (format(want.format).parsers.includes(octaviaAmphora)) allowed.add('octavia');
      const payloads = readLines(file).map((l) => payloadOf(l, stripEnvelope(l, 2024)));
      const first = payloads.find((p) => FRONTEND_FORMATS.some((f) => f.signature.test(p)));
      expect(first).toBeDefined();
      expect(FRONTEND_FORMATS.filter((f) => f.signature.test(first!)).map((f) => f.name)).toEqual([want.format]);
      for (const p of payloads) {
        const others = FRONTEND_FORMATS.filter((f) => !allowed.has(f.name) && f.signature.test(p));
        expect(
          others.map((f) => f.name),
          p,
        ).toEqual([]);
      }
    });
  }

  it.skipIf(!haveRealLogs)('keeps the details of the real captured-header lines', () => {
    const lines = readLines('haproxy-httplog.log');
    const reqs = parseAll('haproxy', lines).filter((r): r is RequestRecord => r !== null && r.kind === 'request');
    expect(reqs.every((r) => r.userAgent !== null && r.userAgent.startsWith('Mozilla/5.0 ('))).toBe(true);
    expect(new Set(reqs.map((r) => r.frontend))).toEqual(new Set(['prod_http_in']));
    expect(reqs.every((r) => r.host === '192.168.4.2')).toBe(true);
  });
});

describe('format signatures', () => {
  const NOVA_LINES = [
    '2024-05-02 09:15:01.337 2211 INFO nova.osapi_compute.wsgi.server [req-b17b096c-6547-4fcc-8b99-09b9e70d9401 ' +
      'admin admin] 10.0.0.1 "GET /v2.1/os-hosts HTTP/1.1" status: 200 len: 1207 time: 0.0578',
    '2019-07-25 08:48:57.448 22 INFO nova.api.openstack.requestlog [req-9d369ea4-1812-4aee-b334-fdb0aa9ddd27 ' +
      '7a59ab2d44ff4d5ba9be756d6e1fe199 902e2a271f844f189dc61719ab44bc22 - default default] 192.168.24.1 "OPTIONS ' +
      '/" status: 200 len: 405 microversion: - time: 0.001091',
    '2024-05-02 09:15:01.337 2211 DEBUG nova.api.openstack.wsgi [None req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71 ' +
      "admin admin] Calling method '<bound method HostController.index>' _process_stack",
    '{"message": "10.0.0.1 \\"GET /v2.1/os-hosts\\" status: 200", "asctime": "2024-05-02 09:15:01,337", "name": ' +
      '"nova.api.openstack.requestlog"}',
  ];

  it('match no nova oslo line', () => {
    for (const line of NOVA_LINES) {
      expect(
        FRONTEND_FORMATS.filter((f) => f.signature.test(line)).map((f) => f.name),
        line,
      ).toEqual([]);
    }
  });

  it('match every request/opaque sample of their own parsers and no other format', () => {
    for (const f of FRONTEND_FORMATS) {
      for (const p of f.parsers) {
        for (const s of p.samples) {
          if (s.expect === null || s.expect.kind === 'malformed') continue;
          const payload = payloadOf(s.line, stripEnvelope(s.line, 2024));
          const matching = FRONTEND_FORMATS.filter((g) => g.signature.test(payload));
          expect(matching.length, `${p.name}: ${s.line}`).toBe(1);
          expect(matching[0]!.parsers, `${p.name}: ${s.line}`).toContain(p);
        }
      }
    }
  });
});

describe('HAProxy httplog', () => {
  const head =
    'Mar 22 15:16:23 lb1 haproxy[2291]: 10.0.0.15:51044 [22/Mar/2024:15:16:23.412] nova_api_front ' +
    'nova_api_back/ctl2 0/0/1/57/58 200 1207 - - ---- 12/3/0/0/0 0/0';

  it('reads captures in either block and either order', () => {
    const a = request(
      'haproxy',
      `${head} {req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71} {python-novaclient} "GET /v2.1/os-hosts HTTP/1.1"`,
    );
    expect([a.userAgent, a.requestId]).toEqual(['python-novaclient', 'req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71']);
    const b = request(
      'haproxy',
      `${head} {api.example.com|curl/8.5.0||req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71} "GET /v2.1/os-hosts HTTP/1.1"`,
    );
    expect([b.userAgent, b.requestId]).toEqual(['curl/8.5.0', 'req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71']);
    const c = request('haproxy', `${head} {1wt.eu} {application/json} "GET /v2.1/os-hosts HTTP/1.1"`);
    expect([c.userAgent, c.requestId]).toEqual([null, null]);
    const d = request('haproxy', `${head} {} {} "GET /v2.1/os-hosts HTTP/1.1"`);
    expect([d.userAgent, d.method, d.uri]).toEqual([null, 'GET', '/v2.1/os-hosts']);
  });

  it('tells User-Agents from other captured values', () => {
    const yes = [
      'python-novaclient',
      'python-openstackclient',
      'openstacksdk/1.0.1',
      'keystoneauth1/5.1.2 python-requests/2.31.0 CPython/3.10.12',
      'osc-lib/2.8.0',
      'curl/7.46.0',
      'Mozilla/5.0 (X11; Linux x86_64)',
      'Go-http-client/1.1',
      'Java/17.0.2',
      'python-requests/2.31.0',
      'gophercloud/v2.0.0',
      'osa-haproxy-healthcheck',
      'python-novaclient keystoneauth1/3.4.0',
    ];
    const no = [
      '1wt.eu',
      'www.sytadin.equipement.gouv.fr',
      'http://trafic.1wt.eu/',
      'Apache',
      '230',
      'application/json',
      'text/html; charset=utf-8',
      'req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71',
      '10.0.0.15',
      '-',
    ];
    // gophercloud's version starts with `v`: known by name.
    for (const v of yes) expect(looksLikeUserAgent(v), v).toBe(true);
    for (const v of no) expect(looksLikeUserAgent(v), v).toBe(false);
  });

  it('reads the 1.5/1.6 layout (Tq/Tw/Tc/Tr/Tt, accept date) the same way: duration = Tt', () => {
    const r = request(
      'haproxy',
      'haproxy[674]: 127.0.0.1:33320 [15/Oct/2003:08:32:17.654] px-http px-http/srv1 9/0/7/14/+30 200 +243 - - ' +
        '---- 3/3/3/1/0 0/0 "GET /image.iso HTTP/1.0"',
    );
    expect([r.durationMs, r.bytes, r.wallMs, r.host]).toEqual([30, 243, Date.UTC(2003, 9, 15, 8, 32, 17, 654), null]);
  });

  it('keeps an unquoted-escape request and tolerates fields after it', () => {
    const r = request(
      'haproxy',
      `${head} "GET /v2.1/os-hosts?x=\\"y\\" HTTP/1.1" ` +
        '0/0/0/0/0 api.example.com/TLSv1.3/TLS_AES_256_GCM_SHA384 extra "quoted extra"',
    );
    expect([r.uri, r.protocol]).toEqual(['/v2.1/os-hosts?x=\\"y\\"', 'HTTP/1.1']);
  });

  it('makes truncated lines malformed, with or without the opening quote', () => {
    const [withQuote, withoutQuote] = parseAll('haproxy', [
      `${head} {python-novaclient} "GET /v2.1/os-hosts?very=long`,
      `${head} {Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:65.0) Gecko/201`,
    ]);
    expect(withQuote?.kind).toBe('malformed');
    expect(withoutQuote?.kind).toBe('malformed');
  });

  it('returns null, not malformed, for <BADREQ> and empty requests through the whole format', () => {
    const results = parseAll('haproxy', [
      'haproxy[1]: 10.0.0.9:40000 [22/Mar/2024:15:16:23.412] nova_api_front nova_api_front/<NOSRV> ' +
        '-1/-1/-1/-1/384 400 0 - - CR-- 1/1/0/0/0 0/0 "<BADREQ>"',
      'haproxy[1]: 10.0.0.9:40001 [22/Mar/2024:15:16:23.412] nova_api_front nova_api_front/<NOSRV> ' +
        '-1/-1/-1/-1/5001 408 0 - - cR-- 1/1/0/0/0 0/0 ""',
    ]);
    expect(results).toEqual([null, null]);
  });

  it('parses an httplog line on its own with parseWith (raw `log stdout` format, no envelope)', () => {
    const r = parseWith(
      haproxyHttp,
      '10.0.0.15:51044 [22/Mar/2024:15:16:23.412] nova_api_front nova_api_back/ctl2 0/0/1/57/58 200 1207 - - ---- ' +
        '12/3/0/0/0 0/0 "GET /v2.1/os-hosts HTTP/1.1"',
      ctx,
    );
    expect(r).toMatchObject({ kind: 'request', host: null, wallMs: Date.UTC(2024, 2, 22, 15, 16, 23, 412) });
  });
});

describe('kolla Fluentd JSON wrapper', () => {
  it('prefers the Payload syslog host over Hostname, and falls back to Hostname', () => {
    const withHost = request(
      'haproxy-json',
      '{"Payload":"Mar 22 15:16:23 lb7 haproxy[25]: 10.0.0.15:51044 [22/Mar/2024:15:16:23.412] nova_api_front ' +
        'nova_api_back/ctl2 0/0/1/57/58 200 1207 - - ---- 12/3/0/0/0 0/0 \\"GET /v2.1/os-hosts ' +
        'HTTP/1.1\\"","Hostname":"10.0.0.11"}',
    );
    expect(withHost.host).toBe('lb7');
    const noHost = request(
      'haproxy-json',
      '{"log_level":"info","Payload":"Mar 22 15:16:23 haproxy[25]: 10.0.0.15:51044 [22/Mar/2024:15:16:23.412] ' +
        'nova_api_front nova_api_back/ctl2 0/0/1/57/58 200 1207 - - ---- 12/3/0/0/0 0/0 \\"GET /v2.1/os-hosts ' +
        'HTTP/1.1\\"","Hostname":"10.0.0.11","programname":"haproxy"}',
    );
    expect(noHost.host).toBe('10.0.0.11');
  });

  it('makes a JSON line without a string Payload malformed, and a payload nobody claims null', () => {
    const [noPayload, keepalived] = parseAll('haproxy-json', [
      '{"Payload":42,"Hostname":"10.0.0.11"}',
      '{"Payload":"Mar 22 15:16:23 Keepalived_vrrp[12]: VRRP_Instance(kolla_internal_vip_51) Entering MASTER ' +
        'STATE","Hostname":"10.0.0.11"}',
    ]);
    expect(noPayload?.kind).toBe('malformed');
    expect(keepalived).toBeNull();
  });
});

describe('Apache / nginx variants', () => {
  it('names each line by its own variant when variants alternate (shared match memo)', () => {
    const lines = [
      'nova-api:8774 10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 "-" ' +
        '"python-novaclient"',
      '10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 53712 "-" "python-novaclient"',
      '10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 "-" "python-novaclient"',
      '10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207',
      'nova-api:8774 10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 "-" ' +
        '"python-novaclient"',
    ];
    const names = parseAll('apache', [...lines, ...lines]).map((r) =>
      r !== null && r.kind === 'request' ? r.parser : r?.kind,
    );
    const once = ['apache-vhost', 'apache-kolla', 'apache-combined', 'apache-common', 'apache-vhost'];
    expect(names).toEqual([...once, ...once]);
  });

  it('ignores lines that are not access lines and flags access-looking ones that do not parse', () => {
    const results = parseAll('apache', [
      '',
      "AH00558: apache2: Could not reliably determine the server's fully qualified domain name",
      '10.0.0.15 - - [22/Mar/2024:15:16:23 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200',
    ]);
    expect(results[0]).toBeNull();
    expect(results[1]).toBeNull();
    expect(results[2]?.kind).toBe('malformed');
  });
});

describe('uWSGI', () => {
  it('reads a request behind the devstack journal and keeps the journal host', () => {
    const r = request(
      'uwsgi',
      'Mar 22 15:16:23.412345 devstack devstack@n-api.service[87040]: [pid: 87040|app: 0|req: 12/40] 10.0.0.15 () ' +
        '{64 vars in 1291 bytes} [Fri Mar 22 15:16:23 2024] GET /compute/v2.1/os-hosts?zone=nova => generated 1207 ' +
        'bytes in 58 msecs (HTTP/1.1 200) 9 headers in 380 bytes (1 switches on core 0)',
    );
    expect([r.host, r.uri, r.wallMs]).toEqual([
      'devstack',
      '/compute/v2.1/os-hosts?zone=nova',
      Date.UTC(2024, 2, 22, 15, 16, 23),
    ]);
  });

  it('leaves nova lines interleaved in the same journal alone', () => {
    const [r] = parseAll('uwsgi', [
      'Mar 22 15:16:23.412345 devstack devstack@n-api.service[87040]: DEBUG nova.api.openstack.wsgi [None ' +
        'req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71 admin admin] Calling method index',
    ]);
    expect(r).toBeNull();
  });
});

describe('envelope: bare syslog tag', () => {
  it('strips `name[pid]: ` and nothing that merely starts with a word', () => {
    expect(stripEnvelope('haproxy[674]: 127.0.0.1:33320 [15/Oct/2003:08:32:17.654] x', 2024)).toMatchObject({
      start: 14,
      program: 'haproxy',
      host: null,
      wallMs: null,
    });
    expect(stripEnvelope('Proxy prod_http_in started.', 2024).start).toBe(0);
    expect(
      stripEnvelope(
        '2024-05-02 09:15:01.337 2211 INFO nova.api.openstack.requestlog [req-x] 10.0.0.1 "GET /" status: 200',
        2024,
      ).start,
    ).toBe(0);
    expect(
      stripEnvelope('http 2016-08-10T22:08:42.945958Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817', 2024)
        .start,
    ).toBe(0);
  });
});

describe('hot-path readers', () => {
  it('clfWallAt agrees with parseClf, valid or not', () => {
    const dates = [
      '22/Mar/2024:15:16:23.412',
      '06/Feb/2009:12:14:14.655',
      '09/Aug/2004:20:30:46',
      '12/Jun/2019:00:44:13.030',
      '01/Jan/2024:00:00:00.4',
      '31/Dec/2023:23:59:59.999999',
      '29/Feb/2024:12:00:00',
      '29/Feb/2000:12:00:00',
      '29/Feb/2023:12:00:00',
      '29/Feb/1900:12:00:00',
      '31/Apr/2024:00:00:00',
      '32/Jan/2024:00:00:00',
      '00/Jan/2024:00:00:00',
      '22/Foo/2024:15:16:23',
      '22/mar/2024:15:16:23',
      '22/Mar/2024:24:00:00',
      '22/Mar/2024:15:60:00',
      '2x/Mar/2024:15:16:23',
      '22/Mar/20x4:15:16:23',
      '22-Mar-2024:15:16:23',
      '20/Jul/2009:22:59:26 +0000',
      '22/Mar/2024:11:16:23 -0400',
      ...['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map(
        (m) => `15/${m}/2024:08:09:10.123`,
      ),
    ];
    for (const d of dates) expect(clfWallAt(d, 0), d).toBe(parseClf(d)?.wallMs ?? null);
    expect(clfWallAt('x [22/Mar/2024:15:16:23.412] y', 3)).toBe(Date.UTC(2024, 2, 22, 15, 16, 23, 412));
  });

  it('intOrNull reads integers and the unknown markers', () => {
    expect(['0', '58', '1207', '-1', '-', '', '-7', '12a', undefined].map(intOrNull)).toEqual([
      0,
      58,
      1207,
      null,
      null,
      null,
      -7,
      null,
      null,
    ]);
  });
});
