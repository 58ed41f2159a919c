/**
 * nova-api parsers beyond their samples: the context-bracket table, the
 * header reader, the format signatures, the JSON array entry point, and the
 * exact counts on the real logs in ../shared/real-logs (skipped when absent).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compileParsers } from '../parsers/compile.js';
import { NOVA_FORMATS } from '../parsers/nova-formats.js';
import { novaJsonObjectToResult } from '../parsers/nova-json.js';
import {
  looksLikeOsloLine,
  newOsloHeader,
  readContext,
  readOsloHeader,
  type ContextFields,
} from '../parsers/nova-oslo.js';
import type { FileFormat, ParseContext, ParseResult, RequestRecord } from '../parsers/types.js';

const HOSTS_LOGGERS = [
  'nova.api.openstack.compute.hosts',
  'nova.api.openstack.compute.contrib.hosts',
  'nova.api.openstack.compute.legacy_v2.contrib.hosts',
];
const ctx: ParseContext = { defaultYear: 2024, messageLoggers: new Set(HOSTS_LOGGERS) };

const format = (name: string): FileFormat => {
  const f = NOVA_FORMATS.find((x) => x.name === name);
  if (!f) throw new Error(`no format ${name}`);
  return f;
};

const U = '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f';
const P = '9a1e2b3c4d5e4f60718293a4b5c6d7e8';
const R = 'req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c';
const G = 'req-0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d';

const none: ContextFields = {
  requestId: null,
  globalRequestId: null,
  userId: null,
  projectId: null,
  userName: null,
  projectName: null,
};

describe('readContext: every bracket form of nova-logs.md §2', () => {
  const table: Array<[string, string | null, Partial<ContextFields>]> = [
    ['no bracket (TRACE line)', null, {}],
    ['no context', '-', {}],
    ['Icehouse 3-token ids', `${R} ${U} ${P}`, { requestId: R, userId: U, projectId: P }],
    [
      'Havana devstack 3-token names (user tenant)',
      `${R} ceilometer service`,
      { requestId: R, userName: 'ceilometer', projectName: 'service' },
    ],
    [
      '3-token, tempest names',
      `${R} QuotasAdminTestJSON1097677995-user QuotasAdminTestJSON1677964753-tenant`,
      {
        requestId: R,
        userName: 'QuotasAdminTestJSON1097677995-user',
        projectName: 'QuotasAdminTestJSON1677964753-tenant',
      },
    ],
    [
      '3-token with dashed uuids',
      `${R} 0e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b 6b5a4f3e-2d1c-4b0a-9988-776655443322`,
      {
        requestId: R,
        userId: '0e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b',
        projectId: '6b5a4f3e-2d1c-4b0a-9988-776655443322',
      },
    ],
    ['3-token with None (old oslo-incubator)', `${R} None None`, { requestId: R }],
    ['Liberty–Yoga 6-token', `${R} ${U} ${P} - default default`, { requestId: R, userId: U, projectId: P }],
    ['Liberty–Yoga v2 token `- - -`', `${R} ${U} ${P} - - -`, { requestId: R, userId: U, projectId: P }],
    [
      'Liberty–Yoga 6-token, LDAP user id kept as id',
      `${R} jdoe ${P} - default default`,
      { requestId: R, userId: 'jdoe', projectId: P, userName: null },
    ],
    ['Liberty–Yoga service (5 dashes)', `${R} - - - - -`, { requestId: R }],
    [
      'Zed+ 8-token, no global id',
      `None ${R} ${U} ${P} - - default default`,
      { requestId: R, globalRequestId: null, userId: U, projectId: P },
    ],
    [
      'Zed+ 8-token with global id',
      `${G} ${R} ${U} ${P} - - default default`,
      { requestId: R, globalRequestId: G, userId: U, projectId: P },
    ],
    ['Zed+ system scope', `None ${R} ${U} - - all default -`, { requestId: R, userId: U, projectId: null }],
    ['Zed+ service (6 dashes)', `None ${R} - - - - - -`, { requestId: R }],
    ['devstack names, project first', `None ${R} demo alice`, { requestId: R, projectName: 'demo', userName: 'alice' }],
    [
      'devstack with a global id',
      `${G} ${R} admin admin`,
      { requestId: R, globalRequestId: G, projectName: 'admin', userName: 'admin' },
    ],
    ['not a context (instance prefix)', 'instance: 8e0c1f7a-3b2d-4c5e-9f60-718293a4b5c6', {}],
  ];
  for (const [label, bracket, want] of table) {
    it(label, () => {
      const into: ContextFields = { ...none, requestId: 'stale', userName: 'stale' };
      readContext(bracket, into);
      expect(into).toEqual({ ...none, ...want });
    });
  }
});

describe('readOsloHeader', () => {
  const h = newOsloHeader();
  it('reads time, level, logger, bracket and message start with a pid', () => {
    const line =
      `2024-05-02 09:15:01.337 2211 INFO nova.api.openstack.requestlog [None ${R} ${U} ${P} - - default default] ` +
      '10.0.0.5 "GET /"';
    expect(readOsloHeader(line, h)).toBe(true);
    expect(h.wallMs).toBe(Date.UTC(2024, 4, 2, 9, 15, 1, 337));
    expect(h.level).toBe('INFO');
    expect(h.logger).toBe('nova.api.openstack.requestlog');
    expect(h.context).toBe(`None ${R} ${U} ${P} - - default default`);
    expect(line.slice(h.messageStart)).toBe('10.0.0.5 "GET /"');
  });
  it('reads the Havana form without pid', () => {
    expect(readOsloHeader('2013-09-27 18:22:40.016 INFO nova.osapi_compute.wsgi.server [req-x a b] m', h)).toBe(true);
    expect(h.wallMs).toBe(Date.UTC(2013, 8, 27, 18, 22, 40, 16));
    expect(h.logger).toBe('nova.osapi_compute.wsgi.server');
  });
  it('reads the devstack journal form without time or pid', () => {
    expect(readOsloHeader(`INFO nova.api.openstack.requestlog [None ${R} admin admin] m`, h)).toBe(true);
    expect(h.wallMs).toBeNull();
    expect(h.context).toBe(`None ${R} admin admin`);
  });
  it('reads a TRACE line without a bracket, and a message-less line', () => {
    expect(
      readOsloHeader('2014-04-16 21:01:48.760 8459 TRACE nova.api.openstack Traceback (most recent call last):', h),
    ).toBe(true);
    expect(h.level).toBe('TRACE');
    expect(h.context).toBeNull();
    expect(h.text.slice(h.messageStart)).toBe('Traceback (most recent call last):');
    expect(readOsloHeader('2013-09-27 18:22:39.805 2792 DEBUG neutronclient.client [-]', h)).toBe(true);
    expect(h.context).toBe('-');
    expect(h.text.slice(h.messageStart)).toBe('');
  });
  it('reads every level, including AUDIT', () => {
    for (const level of ['TRACE', 'DEBUG', 'INFO', 'AUDIT', 'WARNING', 'ERROR', 'CRITICAL']) {
      expect(readOsloHeader(`2014-04-16 21:01:48.760 8459 ${level} nova.x [-] m`, h), level).toBe(true);
      expect(h.level).toBe(level);
    }
  });
  it('gives a null time for an impossible date but still reads the line', () => {
    expect(readOsloHeader('2023-02-29 00:00:00.000 1 INFO nova.x [-] m', h)).toBe(true);
    expect(h.wallMs).toBeNull();
  });
  it('rejects lines that are not oslo lines', () => {
    for (const line of [
      '',
      '+ exec /bin/bash -c cd /opt/stack/new/nova',
      'x-image-meta-status: active',
      'Traceback (most recent call last):',
      '10.0.0.1 - - [22/Mar/2024:15:16:23 +0000] "GET / HTTP/1.1" 200 5',
    ]) {
      expect(readOsloHeader(line, h), line).toBe(false);
      expect(looksLikeOsloLine(line), line).toBe(false);
    }
  });
});

describe('format signatures', () => {
  const nova = format('nova').signature;
  const novaJson = format('nova-json').signature;
  it('nova matches oslo lines with a nova logger, with or without pid and time', () => {
    expect(nova.test(`2024-05-02 09:15:01.337 2211 INFO nova.api.openstack.requestlog [-] x`)).toBe(true);
    expect(nova.test('2013-09-27 18:22:40.016 INFO nova.osapi_compute.wsgi.server [req-x a b] x')).toBe(true);
    expect(nova.test(`INFO nova.api.openstack.requestlog [None ${R} admin admin] x`)).toBe(true);
    expect(nova.test(`\x1b[00;36mINFO nova.api.openstack.requestlog [\x1b[01;36mNone ${R} x`)).toBe(true);
    expect(
      nova.test('2014-04-16 21:01:48.760 8459 AUDIT nova.api.openstack.extensions [-] Loaded extension: os-hosts'),
    ).toBe(true);
  });
  it('nova-json matches a JSONFormatter line of a nova logger', () => {
    expect(
      novaJson.test(
        '{"message": "x", "asctime": "2024-05-02 09:15:01", "name": "nova.api.openstack.requestlog", "msg": "x"}',
      ),
    ).toBe(true);
    expect(nova.test('{"message": "x", "name": "nova.api.openstack.requestlog"}')).toBe(false);
  });
  it("neither matches front-end or other programs' lines", () => {
    const others = [
      '10.0.0.1:51234 [22/Mar/2024:15:16:23.412] nova_api nova_api_back/ctl1 0/0/1/45/46 200 532 - - ---- ' +
        '1/1/0/0/0 0/0 "GET /v2.1/os-hosts HTTP/1.1"',
      '10.0.0.1 - - [22/Mar/2024:15:16:23 +0000] "GET /compute/v2.1/os-hosts HTTP/1.1" 200 532 "-" "python-novaclient"',
      '[pid: 15083|app: 0|req: 77/156] 85.10.193.66 () {60 vars in 1171 bytes} [Tue Sep  5 09:02:05 2017] GET ' +
        '/compute/v2.1/ => generated 389 bytes in 17 msecs (HTTP/1.1 200) 9 headers in 357 bytes (2 switches on ' +
        'core 0)',
      'http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 ' +
        '0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - ' +
        'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 ' +
        '"Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-"',
      '2024-05-02 09:15:01.337 2211 INFO keystonemiddleware.auth_token [-] Starting keystone auth_token middleware',
      '2024-05-02 09:15:01.337 2211 INFO cinder.api.openstack.wsgi [-] os-hosts',
    ];
    for (const line of others) {
      expect(nova.test(line), line).toBe(false);
      expect(novaJson.test(line), line).toBe(false);
    }
  });
});

describe('novaJsonObjectToResult (stream-json array elements)', () => {
  it('reads a request_log record and ignores other loggers and non-objects', () => {
    const record = {
      name: 'nova.api.openstack.requestlog',
      message: '10.0.0.5 "GET /v2.1/os-hosts" status: 200 len: 532 microversion: 2.1 time: 0.045678',
      args: {
        REMOTE_ADDR: '10.0.0.5',
        REQUEST_METHOD: 'GET',
        REQUEST_URI: '/v2.1/os-hosts',
        status: '200',
        len: 532,
        time: 0.045678,
        microversion: '2.1',
      },
      levelname: 'INFO',
      created: 1714641301.337,
      context: {
        user_id: U,
        project_id: P,
        request_id: R,
        global_request_id: null,
        user_name: 'admin',
        project_name: 'demo',
      },
    };
    expect(novaJsonObjectToResult(record, ctx)).toMatchObject({
      kind: 'request',
      parser: 'nova-json',
      wallMs: 1714641301337,
      offsetMin: 0,
      method: 'GET',
      uri: '/v2.1/os-hosts',
      status: 200,
      bytes: 532,
      microversion: '2.1',
      durationMs: 45.678,
      requestId: R,
      userId: U,
      projectId: P,
      userName: 'admin',
      projectName: 'demo',
    });
    expect(novaJsonObjectToResult({ ...record, name: 'nova.api.openstack.wsgi' }, ctx)).toBeNull();
    expect(novaJsonObjectToResult([record], ctx)).toBeNull();
    expect(novaJsonObjectToResult('x', ctx)).toBeNull();
  });
  it('falls back to the message text when args are missing, and flags unreadable request_log records', () => {
    const base = { name: 'nova.api.openstack.requestlog', created: 1714641301.337, context: {} };
    expect(
      novaJsonObjectToResult(
        {
          ...base,
          message: '10.0.0.5 "PUT /v2.1/os-hosts/cmp-01" status: 501 len: None microversion: 2.1 time: 0.130201',
          args: [],
        },
        ctx,
      ),
    ).toMatchObject({
      method: 'PUT',
      uri: '/v2.1/os-hosts/cmp-01',
      status: 501,
      bytes: null,
      durationMs: 130.201,
    });
    expect(novaJsonObjectToResult({ ...base, message: 'garbage' }, ctx)).toMatchObject({ kind: 'malformed' });
  });
  it('uses asctime (no offset) when created is missing', () => {
    const r = novaJsonObjectToResult(
      {
        name: 'nova.api.openstack.compute.hosts',
        asctime: '2024-05-02 09:15:09',
        levelname: 'INFO',
        message: 'Enabling host cmp-01.',
        context: { request_id: R },
      },
      ctx,
    );
    expect(r).toMatchObject({
      kind: 'message',
      wallMs: Date.UTC(2024, 4, 2, 9, 15, 9),
      offsetMin: null,
      requestId: R,
      message: 'Enabling host cmp-01.',
    });
  });
  it('does not claim or parse other JSON lines', () => {
    const [jsonParser] = format('nova-json').parsers;
    const line = '{"message": "Loaded extension", "name": "nova.api.openstack.extensions", "created": 1}';
    expect(jsonParser!.parse(line, ctx)).toBeNull();
  });
});

// ---- real logs (not in the repository; see ../shared/real-logs/SOURCES.md) ----

const realLog = (name: string): string =>
  fileURLToPath(new URL(`../../shared/real-logs/nova/${name}`, import.meta.url));

function readLines(path: string): string[] {
  const buf = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
  return text.split('\n');
}

interface Tally {
  requests: RequestRecord[];
  messages: number;
  malformed: string[];
  lines: number;
}

function runNova(path: string): Tally {
  const parse = compileParsers(format('nova').parsers, ctx);
  const t: Tally = { requests: [], messages: 0, malformed: [], lines: 0 };
  for (const line of readLines(path)) {
    t.lines++;
    const r: ParseResult = parse(line);
    if (r === null) continue;
    if (r.kind === 'request') t.requests.push(r);
    else if (r.kind === 'message') t.messages++;
    else if (r.kind === 'malformed') t.malformed.push(line);
  }
  return t;
}

const ICEHOUSE = realLog('icehouse-lab-nova-api.log');
const HAVANA = realLog('devstack-havana-screen-n-api.txt.gz');
const HAVANA_2 = realLog('devstack-havana-screen-n-api-2.txt.gz');

const isOsHosts = (r: RequestRecord): boolean => /\/os-hosts(?:[/?.]|$)/.test(r.uri);

describe('real nova-api logs', () => {
  it.skipIf(!existsSync(ICEHOUSE))('icehouse lab log: 4,812 requests, one os-hosts call, nothing malformed', () => {
    const t = runNova(ICEHOUSE);
    expect(t.malformed).toEqual([]);
    expect(t.requests).toHaveLength(4812);
    for (const r of t.requests) {
      expect(r.logger).toBe('nova.osapi_compute.wsgi.server');
      expect(r.parser).toBe('nova-eventlet');
      expect(r.wallMs).not.toBeNull();
      expect(r.status).not.toBeNull();
      expect(r.durationMs).not.toBeNull();
    }
    const osHosts = t.requests.filter(isOsHosts);
    expect(osHosts).toHaveLength(1);
    expect(osHosts[0]).toMatchObject({
      method: 'GET',
      uri: '/v2/e7dcfe9fe2f143d29e518e41a20553cf/os-hosts/littlebigguy',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 640,
      durationMs: 128.6221,
      client: '192.168.0.11',
      requestId: 'req-3c5ac27f-b776-45dd-81f9-6eba323f0021',
      userId: 'e75374ede9834b41919d07e6a311401c',
      projectId: 'e7dcfe9fe2f143d29e518e41a20553cf',
      userName: null,
      projectName: null,
      wallMs: Date.UTC(2014, 3, 22, 10, 8, 26, 305),
      timeIsEnd: true,
    });
  });

  for (const [label, path] of [
    ['devstack havana screen-n-api', HAVANA],
    ['devstack havana screen-n-api-2 (same run, other bytes)', HAVANA_2],
  ] as const) {
    it.skipIf(!existsSync(path))(`${label}: 396 compute-API requests, nothing malformed`, () => {
      const t = runNova(path);
      expect(t.malformed).toEqual([]);
      expect(t.requests).toHaveLength(396);
      for (const r of t.requests) {
        // Not nova.metadata / nova.ec2 wsgi.server, not urllib3's outbound lines.
        expect(r.logger).toBe('nova.osapi_compute.wsgi.server');
        expect(r.wallMs).not.toBeNull();
        // Havana devstack context holds names, never ids.
        expect(r.userId).toBeNull();
        expect(r.projectId).toBeNull();
      }
      expect(t.requests.filter((r) => r.requestId !== null).every((r) => r.userName !== null)).toBe(true);
      expect(t.requests.filter(isOsHosts)).toHaveLength(0);
    });
  }

  it.skipIf(!existsSync(HAVANA) || !existsSync(HAVANA_2))('the two Havana copies give the same requests', () => {
    const key = (r: RequestRecord): string => `${r.wallMs} ${r.requestId} ${r.method} ${r.uri} ${r.status}`;
    const a = runNova(HAVANA).requests.map(key);
    const b = runNova(HAVANA_2).requests.map(key);
    expect(b).toEqual(a);
  });
});
