/**
 * A kolla document is read as the line its file held: the documents of central-logging.md §1.4,
 * as written there, give the records the file lines give (host aside: a file line has none, a
 * document has Hostname). And the server's version decides how its pages are read.
 */
import { describe, expect, it } from 'vitest';
import { FLAVORS, matches, rootAnswer, tokens } from '../bench/fake-search-server.js';
import { compileParsers } from '../parsers/compile.js';
import type { ParseContext, ParseResult } from '../parsers/types.js';
import { resolveFormat } from '../src/ingest/process.js';
import { loadPacks } from '../src/rules.js';
import { lineOfHit, timestampMs } from '../src/sources/opensearch/mapping.js';
import { clusterInfoOf, compareVersions } from '../src/sources/opensearch/probe.js';
import { candidateQuery, kindsOf } from '../src/sources/opensearch/query.js';

const ctx: ParseContext = {
  defaultYear: 2024,
  messageLoggers: new Set(['nova.api.openstack.compute.hosts']),
};

const parse = (format: string, line: string): ParseResult => compileParsers(resolveFormat(format).parsers, ctx)(line);

/**
 * The record of a document's line, and of the file line, with the host a document adds to a
 * line with a request id set aside (a file line names none; the request id keys such a line).
 */
function both(doc: Record<string, unknown>, format: string, fileLine: string): [ParseResult, ParseResult] {
  const mapped = lineOfHit(doc)!;
  expect(mapped.format).toBe(format);
  const fromDoc = parse(format, mapped.line);
  const fromFile = parse(format, fileLine);
  const keyed = fromDoc !== null && 'requestId' in fromDoc && fromDoc.requestId !== null;
  if (keyed && fromFile && 'host' in fromDoc && 'host' in fromFile && fromFile.host === null) fromDoc.host = null;
  return [fromDoc, fromFile];
}

// central-logging.md §1.4 (a), KA-2025.1+: Payload with its leading space.
const A = {
  Timestamp: '2024-05-02 09:15:01.337',
  Pid: '23',
  log_level: 'INFO',
  python_module: 'nova.api.openstack.requestlog',
  request_id: '5b0e6f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
  user_id: '5d7c0a1b2c3d4e5f6a7b8c9d0e1f2a3b',
  tenant_id: '9a1e2b3c4d5e6f7a8b9c0d1e2f3a4b5c',
  domain_id: '-',
  system_scope: '-',
  user_domain: 'default',
  project_domain: 'default',
  Payload: ' 10.0.0.5 "GET /v2.1/os-hosts" status: 200 len: 532 microversion: 2.1 time: 0.045678',
  Hostname: 'ctl-1',
  Logger: 'openstack.nova',
  programname: 'nova-api',
  '@timestamp': '2024-05-02T09:15:01.337000000+00:00',
};
const A_LINE =
  '2024-05-02 09:15:01.337 23 INFO nova.api.openstack.requestlog ' +
  '[None req-5b0e6f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b 5d7c0a1b2c3d4e5f6a7b8c9d0e1f2a3b 9a1e2b3c4d5e6f7a8b9c0d1e2f3a4b5c ' +
  '- - default default] 10.0.0.5 "GET /v2.1/os-hosts" status: 200 len: 532 microversion: 2.1 time: 0.045678';

describe('kolla documents are read as the lines their files held (central-logging.md §1.4)', () => {
  it('(a) a request_log line, 2025.1+: the same request, and Hostname as its host', () => {
    const [doc, file] = both(A, 'nova', A_LINE);
    expect(doc).toEqual(file);
    expect(doc).toMatchObject({
      kind: 'request',
      requestId: 'req-5b0e6f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
      uri: '/v2.1/os-hosts',
    });
    expect(parse('nova', lineOfHit(A)!.line)).toMatchObject({ host: 'ctl-1' });
  });

  it('(a) on KA-2024.1 (no space before Payload) and with a global request id', () => {
    expect(both({ ...A, Payload: A.Payload.trimStart() }, 'nova', A_LINE)).toSatisfy(
      ([d, f]) => JSON.stringify(d) === JSON.stringify(f),
    );
    const g = '0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d';
    const [doc, file] = both({ ...A, global_request_id: g }, 'nova', A_LINE.replace('[None req-', `[req-${g} req-`));
    expect(doc).toEqual(file);
    expect(doc).toMatchObject({ globalRequestId: `req-${g}` });
  });

  it('(a) with an @timestamp in another zone: the line is written in UTC', () => {
    const local = { ...A, Timestamp: '2024-05-02 11:15:01.337', '@timestamp': '2024-05-02T11:15:01.337000000+02:00' };
    const [doc, file] = both(local, 'nova', A_LINE);
    expect(doc).toEqual(file);
    expect(timestampMs(local['@timestamp'])).toBe(Date.UTC(2024, 4, 2, 9, 15, 1, 337));
  });

  it("(b) the hosts controller's message", () => {
    const b = {
      ...A,
      python_module: 'nova.api.openstack.compute.hosts',
      request_id: '77aa0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d',
      Payload: ' Disabling host cmp-01.',
      Timestamp: '2024-05-02 09:15:09.001',
      '@timestamp': '2024-05-02T09:15:09.001000000+00:00',
    };
    const line =
      '2024-05-02 09:15:09.001 23 INFO nova.api.openstack.compute.hosts ' +
      '[None req-77aa0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d 5d7c0a1b2c3d4e5f6a7b8c9d0e1f2a3b ' +
      '9a1e2b3c4d5e6f7a8b9c0d1e2f3a4b5c - - default default] Disabling host cmp-01.';
    const [doc, file] = both(b, 'nova', line);
    expect(doc).toEqual(file);
    expect(doc).toMatchObject({ kind: 'message', message: 'Disabling host cmp-01.' });
  });

  it('(c) HAProxy: the JSON line of haproxy_latest.log, Hostname a name or an address', () => {
    const c = {
      Payload:
        'May  2 09:15:01 haproxy[25]: 10.0.0.15:51044 [02/May/2024:09:15:01.290] nova_api_front ' +
        'nova_api_back/ctl-1 0/0/1/44/45 200 532 - - ---- 12/3/0/0/0 0/0 "GET /v2.1/os-hosts HTTP/1.1"',
      log_level: 'info',
      Hostname: '10.0.0.11',
      programname: 'haproxy',
      '@timestamp': '2024-05-02T09:15:01.402118000+00:00',
    };
    const file = JSON.stringify({
      Payload: c.Payload,
      log_level: 'info',
      Hostname: '10.0.0.11',
      programname: 'haproxy',
    });
    const [doc, fromFile] = both(c, 'haproxy-json', file);
    expect(doc).toEqual(fromFile);
    expect(doc).toMatchObject({
      frontend: 'nova_api_front',
      host: '10.0.0.11',
      wallMs: Date.UTC(2024, 4, 2, 9, 15, 1, 290),
    });
    expect(parse('haproxy-json', lineOfHit({ ...c, Hostname: 'lb-1.example.org' })!.line)).toMatchObject({
      host: 'lb-1.example.org',
    });
  });

  it('(d) a uWSGI request line, its time from @timestamp', () => {
    const d = {
      Pid: '14',
      App: '0',
      Req: '77/156',
      Address: '10.0.0.11',
      User: '',
      Vars: '38',
      Bytes: '696',
      Timestamp: 'Thu May  2 09:15:01 2024',
      Payload:
        'GET /v2.1/os-hosts => generated 532 bytes in 45 msecs ' +
        '(HTTP/1.1 200) 9 headers in 378 bytes (1 switches on core 0)',
      Hostname: 'ctl-1',
      Logger: 'openstack.nova',
      programname: 'nova-api-uwsgi',
      '@timestamp': '2024-05-02T09:15:01.000000000+00:00',
    };
    const line =
      '[pid: 14|app: 0|req: 77/156] 10.0.0.11 () {38 vars in 696 bytes} [Thu May  2 09:15:01 2024] GET ' +
      '/v2.1/os-hosts => generated 532 bytes in 45 msecs (HTTP/1.1 200) 9 headers in 378 bytes (1 switches on core 0)';
    const [doc, file] = both(d, 'uwsgi', line);
    expect(doc).toEqual(file);
    expect(lineOfHit(d)!.timezone).toBe('UTC');
  });

  it('(e) an Apache access line kept whole in Payload', () => {
    const e = {
      Payload:
        '10.0.0.15 - - [02/May/2024:09:15:01 +0000] ' +
        '"GET /v2.1/os-hosts HTTP/1.1" 200 532 45123 "-" "python-novaclient"',
      Hostname: 'ctl-1',
      Logger: 'openstack.nova',
      programname: 'nova-api-access',
      '@timestamp': '2024-05-02T09:15:01.912000000+00:00',
    };
    const [doc, file] = both(e, 'apache', e.Payload);
    expect(doc).toEqual(file);
    expect(doc).toMatchObject({ kind: 'request', userAgent: 'python-novaclient', durationMs: 45.123 });
  });

  it('a line without context (`[-]`) on 2025.1+ and KA-2024.1, and a multi-line Payload read by its first line', () => {
    const dash = {
      ...A,
      Payload: '[-] 10.0.0.5 "GET /v2.1/os-hosts" status: 200 len: 532 microversion: 2.1 time: 0.045678',
    };
    for (const k of [
      'request_id',
      'user_id',
      'tenant_id',
      'domain_id',
      'system_scope',
      'user_domain',
      'project_domain',
    ])
      delete (dash as Record<string, unknown>)[k];
    const line =
      '2024-05-02 09:15:01.337 23 INFO nova.api.openstack.requestlog [-] 10.0.0.5 ' +
      '"GET /v2.1/os-hosts" status: 200 len: 532 microversion: 2.1 time: 0.045678';
    expect(both(dash, 'nova', line)[0]).toEqual(both(dash, 'nova', line)[1]);
    const old = { ...dash, Payload: dash.Payload.slice(4) };
    const [d, f] = both(old, 'nova', line);
    expect(d).toEqual(f);
    expect(d).toMatchObject({ kind: 'request', requestId: null });
    const traceback = { ...A, Payload: `${A.Payload}\nTraceback (most recent call last):\n  File "x.py", line 1` };
    expect(both(traceback, 'nova', A_LINE)[0]).toEqual(parse('nova', A_LINE));
  });

  it('a document of another shape is not taken for a line', () => {
    expect(lineOfHit({ message: 'x', '@timestamp': '2024-05-02T09:15:01Z' })).toBeNull();
  });
});

describe('the version a server answers decides how pages are read', () => {
  it('PIT + _shard_doc on Elasticsearch ≥ 7.12 (not OSS) and OpenSearch ≥ 3.3, scroll elsewhere', () => {
    expect(FLAVORS.map((f) => [f, clusterInfoOf(rootAnswer(f)).paging])).toEqual([
      ['opensearch-1.3', 'scroll'],
      ['opensearch-2.11', 'scroll'],
      ['opensearch-3.3', 'pit'],
      ['elasticsearch-7.17', 'pit'],
      ['elasticsearch-8.15', 'pit'],
      ['elasticsearch-7.10-oss', 'scroll'],
    ]);
    expect(clusterInfoOf(rootAnswer('opensearch-2.11'))).toMatchObject({
      product: 'opensearch',
      version: '2.11.1',
      cluster: 'Xq3bRkJ5TtKxv2LwF8mZ4A',
    });
    expect(clusterInfoOf({ version: { number: '3.2.0', distribution: 'opensearch' } }).paging).toBe('scroll');
    expect(compareVersions('2.11.1', '2.4')).toBe(1);
  });

  it('an answer that is not OpenSearch or Elasticsearch is refused', () => {
    expect(() => clusterInfoOf({})).toThrow(/not answer GET \/ like OpenSearch or Elasticsearch/);
  });
});

describe('the candidate query', () => {
  const q = candidateQuery(loadPacks(), []);
  const doc = (source: Record<string, unknown>) => ({ index: 'i', id: '1', ord: 0, ms: 0, source });
  const nova = (path: string, logger = 'nova.api.openstack.requestlog') =>
    doc({
      python_module: logger,
      programname: 'nova-api',
      Payload: ` 10.0.0.5 "GET ${path}" status: 200 len: 1 microversion: 2.1 time: 0.1`,
    });
  const lb = (frontend: string, path: string) =>
    doc({
      programname: 'haproxy',
      Payload:
        `May  2 09:15:01 haproxy[25]: 10.0.0.15:1 [02/May/2024:09:15:01.290] ${frontend} b/s 0/0/1/44/45 200 ` +
        `532 - - ---- 1/1/0/0/0 0/0 "GET ${path} HTTP/1.1"`,
    });

  it('takes os-hosts as a phrase (also os-hosts.json), not `os` or `hosts` alone', () => {
    expect(tokens('/v2.1/os-hosts.json')).toEqual(['v2.1', 'os', 'hosts.json']);
    expect(matches(nova('/v2.1/os-hosts/cmp-01/reboot'), q)).toBe(true);
    expect(matches(nova('/v2.1/os-hosts.json'), q)).toBe(true);
    expect(matches(nova('/v2.1/servers/detail?host=os'), q)).toBe(false);
    expect(matches(nova('/v2.1/os-hosts', 'nova.api.openstack.wsgi'), q)).toBe(false);
  });

  it("takes the hosts controller's messages, and no servers/detail at all", () => {
    expect(
      matches(doc({ python_module: 'nova.api.openstack.compute.hosts', Payload: ' Enabling host cmp-01.' }), q),
    ).toBe(true);
    expect(matches(nova('/v2.1/servers/detail'), q)).toBe(false);
    expect(matches(lb('nova_api_front', '/v2.1/servers/detail'), q)).toBe(false);
    // glance v1's `detail` on a front end that is not compute's
    // is a candidate; glance's v2 images are not nova's proxy.
    expect(matches(lb('glance_api_front', '/v1/images/detail'), q)).toBe(true);
    expect(matches(lb('glance_api_front', '/v2/images?limit=20'), q)).toBe(false);
    expect(matches(lb('nova_api_front', '/v2.1/images'), q)).toBe(true);
    expect(matches(lb('cinder_api_front', '/v3/9a1e2b3c4d5e6f7a8b9c0d1e2f3a4b5c/os-hosts'), q)).toBe(false);
  });

  it('counts HAProxy requests per compute front end, not its events or bad requests', () => {
    const lbKind = kindsOf([]).find((k) => k.frontend === 'nova_api_front')!.query;
    expect(matches(lb('nova_api_front', '/v2.1/servers'), lbKind)).toBe(true);
    expect(
      matches(
        doc({ programname: 'haproxy', Payload: 'May  2 09:15:01 haproxy[25]: Proxy nova_api_front started.' }),
        lbKind,
      ),
    ).toBe(false);
    expect(
      kindsOf(['compute_api'])
        .map((k) => k.frontend)
        .slice(0, 3),
    ).toEqual(['', '', 'compute_api']);
    expect(kindsOf([]).find((k) => k.frontend === 'glance_api_front')).toMatchObject({ layer: 'lb', service: 'image' });
  });
});
