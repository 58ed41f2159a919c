/**
 * Front-end logs joined with nova's: one request, one count, with its real
 * client; any ingest order gives the same report; the logs say when they
 * cannot tell.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../reports/model.js';
import { openDb } from '../src/store/db.js';
import { callsPerApi } from '../src/store/queries.js';
import { ingestInto, reportOf, SAMPLES, stable, tempDir } from './helpers.js';

const FRONT = join(SAMPLES, 'frontends');
const STORY = [
  join(FRONT, 'haproxy.log'),
  join(FRONT, 'kolla', 'nova-api-access.log'),
  join(FRONT, 'kolla', 'nova-api.log'),
  join(FRONT, 'haproxy-charm-tcp.log'),
];

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

const hosts = (r: Report) => r.apis.find((a) => a.api === 'os-hosts')!;

describe('one request, one count', () => {
  it(`the same os-hosts calls in HAProxy (with and without captures), Apache and nova count once each, \
with User-Agent and project`, async () => {
    const db = join(tempDir(), 'a.db');
    await ingestInto(db, STORY);
    const r = reportOf(db);
    const h = hosts(r);
    // list by alice (3 layers), show cmp-02 (3 layers, no captures),
    // reboot cmp-01 (3 layers), two curl lists (HAProxy only)
    expect(h.calls).toBe(5);
    expect(h.actions.map((a) => [a.action, a.calls])).toEqual([
      ['list', 3],
      ['show', 1],
      ['reboot', 1],
    ]);
    expect(h.seenIn).toEqual({ 'lb+web+nova': 3, lb: 2 });
    expect(h.seenWhere).toEqual({ novaOnly: 0, frontEndOnly: 2, both: 3, auditOnly: 0 });
    expect(h.byProject).toEqual([
      expect.objectContaining({ project: '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b', calls: 3 }),
      expect.objectContaining({ project: '(unknown)', calls: 2 }),
    ]);
    expect(h.byClient.map((c) => [c.client, c.version, c.calls])).toEqual([
      ['curl', '7.88.1', 2],
      ['python-novaclient', null, 2],
      ['python-openstackclient', '2.8.0', 1],
    ]);
    expect(h.byClient[0]!.addresses).toEqual(['198.51.100.77']);
    expect(h.byMicroversion).toEqual([
      expect.objectContaining({ microversion: null, calls: 2 }),
      expect.objectContaining({ microversion: '2.1', calls: 3 }),
    ]);
  });

  it("never counts cinder's os-hosts, and reports which front ends it picked", async () => {
    const db = join(tempDir(), 'a.db');
    await ingestInto(db, [join(FRONT, 'haproxy.log')]);
    const r = reportOf(db);
    expect(hosts(r).calls).toBe(5);
    const row = (name: string, service: string, requests: number, decidedBy: string, evidence: string) => ({
      layer: 'lb',
      name,
      service,
      requests,
      decidedBy,
      evidence,
      decisions: [{ decidedBy, evidence, requests }],
    });
    expect(r.frontends).toEqual(
      expect.arrayContaining([
        row('nova_api_front', 'compute', 6, 'path', '/v2.1 path'),
        row('nova_api_external_front', 'compute', 1, 'path', '/v2.1 path'),
        // /v3 is no version of nova's; the name says which service it is.
        row('cinder_api_front', 'block-storage', 1, 'name', 'frontend name cinder_api_front'),
      ]),
    );
    expect(r.setAside).toEqual([]);
  });

  it('--frontend names the compute frontends when their names do not say so', async () => {
    const dir = tempDir();
    const log = join(dir, 'lb.log');
    writeFileSync(
      log,
      [
        'May  6 10:00:00 lb1 haproxy[2291]: 203.0.113.7:40112 [06/May/2024:10:00:00.100] api_public api_back/ctl1 ' +
          '0/0/1/56/58 200 1207 - - ---- 9/2/0/0/0 0/0 "GET /v2/6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b/os-hosts HTTP/1.1"',
        'May  6 10:00:01 lb1 haproxy[2291]: 203.0.113.7:40113 [06/May/2024:10:00:01.100] vol_public vol_back/ctl1 ' +
          '0/0/1/56/58 200 1207 - - ---- 9/2/0/0/0 0/0 "GET /v2/6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b/os-hosts HTTP/1.1"',
      ].join('\n') + '\n',
    );
    const guessed = join(dir, 'g.db');
    await ingestInto(guessed, [log]);
    // /v2/{project}/os-hosts could be cinder's: not counted without a name
    expect(hosts(reportOf(guessed)).calls).toBe(0);
    const named = join(dir, 'n.db');
    await ingestInto(named, [log], { frontends: ['api_public'] });
    const h = hosts(reportOf(named));
    expect(h.calls).toBe(1);
    expect(h.byProject[0]!.project).toBe('6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b'); // from the URL
  });

  it('ingesting the files in any order gives the same report (all 24 orders)', async () => {
    let first: unknown;
    for (const order of permutations(STORY)) {
      const db = join(tempDir(), 'p.db');
      for (const f of order) await ingestInto(db, [f]);
      const r = stable(reportOf(db));
      if (first === undefined) first = r;
      else expect(r, order.map((f) => f.slice(FRONT.length)).join(' ')).toEqual(first);
    }
  });
});

describe('request keys where a join by request id can happen (migration 009)', () => {
  const nova = (sec: string, req: string, path: string) =>
    `2024-05-06 10:00:${sec}.158 25 INFO nova.api.openstack.requestlog [None ${req} 3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a ` +
    `6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b - - default default] 10.0.0.11 "GET ${path}" status: 200 len: ` +
    '1024 microversion: 2.1 time: 0.052011';
  const lb = (sec: string, req: string, path: string) =>
    `May  6 10:00:${sec} lb1 haproxy[2291]: 203.0.113.7:40112 [06/May/2024:10:00:${sec}.100] nova_api_front ` +
    `nova_api_back/ctl1 0/0/1/56/58 200 1207 - - ---- 9/2/0/0/0 0/0 {curl/7.88.1} {${req}} "GET ${path} HTTP/1.1"`;
  const A = 'req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71';
  const B = 'req-1c3a7b7f-6b1f-4d46-8e36-3f5c6a2d9b82';
  const keys = (db: string) => {
    const h = openDb(db, { readonly: true });
    try {
      return h
        .prepare(
          `SELECT g.api, g.request_keyed AS keyed, l.request_id AS req, l.request_key IS NOT NULL AS key
             FROM observation_lines l JOIN observation_groups g ON g.id = l.group_id JOIN observation_shapes s \
ON s.id = l.shape_id
            WHERE s.layer = 'nova' ORDER BY g.api, l.request_id`,
        )
        .all();
    } finally {
      h.close();
    }
  };

  it(`lines one layer alone has seen store no key until another layer joins them; \
effect APIs are keyed from the start`, async () => {
    const dir = tempDir();
    const novaLog = join(dir, 'nova-api.log');
    writeFileSync(novaLog, [nova('01', A, '/v2.1/os-services'), nova('02', B, '/v2.1/os-hosts')].join('\n') + '\n');
    const db = join(dir, 'k.db');
    await ingestInto(db, [novaLog]);
    expect(keys(db)).toEqual([
      { api: 'os-hosts', keyed: 1, req: B, key: 1 }, // its pack has effects: an INFO line may name it later
      { api: 'os-services', keyed: 0, req: A, key: 0 },
    ]);
    const lbLog = join(dir, 'haproxy.log');
    writeFileSync(lbLog, lb('01', A, '/v2.1/os-services') + '\n');
    await ingestInto(db, [lbLog]);
    expect(keys(db)).toEqual([
      { api: 'os-hosts', keyed: 1, req: B, key: 1 },
      { api: 'os-services', keyed: 1, req: A, key: 1 },
    ]);
    const services = reportOf(db).apis.find((a) => a.api === 'os-services')!;
    expect(services.calls).toBe(1);
    expect(services.seenIn).toEqual({ 'lb+nova': 1 });
  });

  it('calls per api counted from indexes equal the call_list view, joined calls included', async () => {
    const db = join(tempDir(), 'c.db');
    for (const f of STORY) await ingestInto(db, [f]);
    const h = openDb(db, { readonly: true });
    try {
      const fromView = Object.fromEntries(
        (h.prepare('SELECT api, count(*) AS n FROM call_list GROUP BY api').all() as { api: string; n: number }[]).map(
          (r) => [r.api, r.n],
        ),
      );
      expect(Object.keys(fromView).length).toBeGreaterThan(0);
      expect((h.prepare('SELECT count(*) AS n FROM calls').get() as { n: number }).n).toBeGreaterThan(0);
      expect(callsPerApi(h)).toEqual(fromView);
    } finally {
      h.close();
    }
  });
});

describe('when the logs cannot tell', () => {
  it('a TCP-only front-end log yields "cannot tell", not "nobody calls"', async () => {
    const db = join(tempDir(), 'a.db');
    await ingestInto(db, [join(FRONT, 'haproxy-charm-tcp.log')]);
    const r = reportOf(db);
    expect(r.verdict.used).toBe(false);
    expect(r.verdict.answerable).toBe('no');
    expect(r.verdict.summary).toMatch(
      /cannot say whether anyone calls os-hosts: the front end logged 4 connections in TCP mode/,
    );
    expect(r.warnings[0]).toMatch(
      /4 connections on tcp-in_nova-api-os-compute .* cannot tell whether anyone called os-hosts then/,
    );
    expect(r.coverage).toMatchObject({
      blindHours: 2,
      opaqueConnections: 4,
      blindFrontends: ['tcp-in_nova-api-os-compute'],
    });
  });

  it('a nova-api log without access lines (request_log missing under uwsgi) is named', async () => {
    const dir = tempDir();
    const log = join(dir, 'nova-api.log');
    writeFileSync(
      log,
      [
        '2024-05-02 09:00:00.118 3104 INFO nova.api.openstack.wsgi ' +
          '[None req-1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e 3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a ' +
          '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b - - default default] HTTP exception thrown: Host cmp-9 could not be found.',
        '2024-05-02 09:00:05.001 3104 WARNING nova.api.openstack.compute.servers ' +
          '[None req-2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e 3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a ' +
          '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b - - default default] Instance not found',
      ].join('\n') + '\n',
    );
    await ingestInto(db(dir), [log]);
    const r = reportOf(db(dir));
    expect(r.verdict.answerable).toBe('no');
    expect(r.verdict.summary).toMatch(/request_log is missing/);
    expect(r.warnings.join(' ')).toMatch(/nova-api\.log: nova-api wrote log lines but no access line/);
  });
});

const db = (dir: string): string => join(dir, 'x.db');

describe('time zones', () => {
  const haproxyLocal = (t: string) =>
    `May  6 ${t} lb1 haproxy[2291]: 203.0.113.7:40112 [06/May/2024:${t}.100] nova_api_front nova_api_back/ctl1 ` +
    '0/0/1/56/58 200 1207 - - ---- 9/2/0/0/0 0/0 "GET /v2.1/os-hosts HTTP/1.1"';
  const novaUtc =
    '2024-05-06 10:00:00.158 25 INFO nova.api.openstack.requestlog ' +
    '[None req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71 3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a ' +
    '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b - - default default] 10.0.0.11 ' +
    '"GET /v2.1/os-hosts" status: 200 len: 1024 microversion: 2.1 time: 0.052011';

  it('a local-time HAProxy log joins the UTC nova log with --timezone', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'haproxy.log'), haproxyLocal('12:00:00') + '\n'); // Europe/Berlin, UTC+2 in May
    writeFileSync(join(dir, 'nova-api.log'), novaUtc + '\n');
    const wrong = join(dir, 'utc.db');
    await ingestInto(wrong, [join(dir, 'haproxy.log'), join(dir, 'nova-api.log')], { timezone: 'UTC' });
    expect(hosts(reportOf(wrong)).calls).toBe(2);
    const right = join(dir, 'berlin.db');
    await ingestInto(right, [join(dir, 'haproxy.log'), join(dir, 'nova-api.log')], { timezone: 'Europe/Berlin' });
    const r = reportOf(right);
    expect(hosts(r).calls).toBe(1);
    expect(hosts(r).seenIn).toEqual({ 'lb+nova': 1 });
    expect(hosts(r).firstSeen).toBe('2024-05-06T10:00:00.100Z');
    expect(r.timezones).toEqual({ frontEnd: 'Europe/Berlin', nova: 'UTC' });
  });
});
