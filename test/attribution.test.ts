/**
 * Which service a front-end line belongs to: the evidence it carries (path, names, port), then
 * --frontend, then the file's own name; never the folder it sits in. The report says what
 * decided each front end and never says "no call" while lines with a compute route were set aside.
 */
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../reports/model.js';
import { COMPUTE, compileServiceOf, pathEvidence, segmentEvidence } from '../src/service.js';
import { openDb } from '../src/store/db.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { frontendsSeen } from '../src/store/queries.js';
import { ingestInto, reportOf, tempDir } from './helpers.js';

const PROJECT = '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b';
const haproxy = (sec: number, frontend: string, backend: string, path: string, status = 200) =>
  `May  6 10:00:${String(sec).padStart(2, '0')} lb1 haproxy[2291]: 203.0.113.7:${40100 + sec} ` +
  `[06/May/2024:10:00:${String(sec).padStart(2, '0')}.100] ${frontend} ${backend}/ctl1 0/0/1/56/58 ${status} 1207 ` +
  `- - ---- 9/2/0/0/0 0/0 "GET ${path} HTTP/1.1"`;
const TWO_CALLS = [
  haproxy(1, 'http_in', 'http_back', '/v2.1/os-hosts'),
  haproxy(2, 'http_in', 'http_back', '/v2.1/os-hosts'),
];

/** Write `lines` to `rel` under a fresh folder; returns the file's path. */
function logAt(rel: string, lines: readonly string[]): string {
  const file = join(tempDir(), rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function reportFor(files: string[], extra: Parameters<typeof ingestInto>[2] = {}): Promise<Report> {
  const db = join(tempDir(), 'a.db');
  await ingestInto(db, files, extra);
  return reportOf(db);
}
const osHosts = (r: Report) => r.apis.find((a) => a.api === 'os-hosts')!;

describe('a directory name never decides', () => {
  it.each([
    'logs/plain/haproxy.log',
    'logs/shared-logs/haproxy.log',
    'var/log/image-service/lb1/haproxy.log',
    'logs/volume/haproxy.log',
    'logs/network-node/haproxy.log',
    'logs/identity/haproxy.log',
    'srv/manila-share/glance/haproxy.log',
  ])('two GET /v2.1/os-hosts through frontend http_in in %s count 2 os-hosts calls', async (rel) => {
    const r = await reportFor([logAt(rel, TWO_CALLS)]);
    expect(osHosts(r).calls).toBe(2);
    expect(r.verdict.used).toBe(true);
    expect(r.frontends).toEqual([
      {
        layer: 'lb',
        name: 'http_in',
        service: 'compute',
        requests: 2,
        decidedBy: 'path',
        evidence: '/v2.1 path',
        decisions: [{ decidedBy: 'path', evidence: '/v2.1 path', requests: 2 }],
      },
    ]);
  });

  it('a folder named after nova does not make an open path compute; the file name may', async () => {
    const apache =
      `10.0.0.15 - - [06/May/2024:10:00:01 +0000] "GET /v2/${PROJECT}/os-hosts ` +
      'HTTP/1.1" 200 1207 "-" "python-novaclient"';
    const inFolder = await reportFor([logAt('var/log/nova/access.log', [apache])]);
    expect(osHosts(inFolder).calls).toBe(0);
    expect(inFolder.frontends[0]).toMatchObject({ layer: 'web', name: '', service: 'unknown', decidedBy: 'none' });
    const named = await reportFor([logAt('var/log/kolla/whatever/nova-api-access.log', [apache])]);
    expect(osHosts(named).calls).toBe(1);
    expect(named.frontends[0]).toMatchObject({
      service: 'compute',
      decidedBy: 'file-name',
      evidence: 'file name nova-api-access.log',
    });
  });
});

describe('the path a line carries decides first', () => {
  it('a neutral frontend (public_in, backend app_servers) with /v2.1/os-hosts counts as compute', async () => {
    const r = await reportFor([logAt('lb/haproxy.log', [haproxy(1, 'public_in', 'app_servers', '/v2.1/os-hosts')])]);
    expect(osHosts(r).calls).toBe(1);
    expect(r.frontends[0]).toMatchObject({ name: 'public_in', service: 'compute', decidedBy: 'path' });
  });

  it("devstack's /compute prefix and /v2/{project_id}/servers say compute whatever the names", async () => {
    const r = await reportFor([
      logAt('lb/haproxy.log', [
        haproxy(1, 'public_in', 'app_servers', '/compute/v2.1/os-hosts/cmp-01'),
        haproxy(2, 'public_in', 'app_servers', `/v2/${PROJECT}/servers/detail`),
      ]),
    ]);
    expect(osHosts(r).calls).toBe(1);
    expect(r.inputs.requests).toBe(2);
    expect(r.frontends[0]!.decisions).toEqual([
      { decidedBy: 'path', evidence: '/compute prefix (devstack)', requests: 1 },
      { decidedBy: 'path', evidence: '/v2/{project_id}/servers', requests: 1 },
    ]);
  });

  it('a compute path counts even when the frontend name says another service, and the report says so', async () => {
    const r = await reportFor([
      logAt('lb/haproxy.log', [haproxy(1, 'cinder_api_front', 'cinder_api_back', '/v2.1/os-hosts')]),
    ]);
    expect(osHosts(r).calls).toBe(1);
    expect(r.frontends[0]).toMatchObject({
      service: 'compute',
      decidedBy: 'path',
      evidence: '/v2.1 path (overrides frontend name cinder_api_front → block-storage)',
    });
  });

  it(`cinder's /v3/{project}/os-hosts and blazar's /v1/os-hosts never count, \
whatever the names or --frontend say`, async () => {
    const lines = [
      haproxy(1, 'nova_api_front', 'nova_api_back', `/v3/${PROJECT}/os-hosts`),
      haproxy(2, 'api_public', 'api_back', '/v1/os-hosts'),
      haproxy(3, 'cinder_api_front', 'cinder_api_back', `/v3/${PROJECT}/os-hosts`),
    ];
    const cases: [{ frontends?: string[] }, string][] = [
      [{}, 'name'],
      [{ frontends: ['api_public', 'nova_api_front'] }, 'frontend-option'],
    ];
    for (const [extra, cinderBy] of cases) {
      const r = await reportFor([logAt('lb/haproxy.log', lines)], extra);
      expect(osHosts(r).calls).toBe(0);
      expect(r.frontends.map((f) => [f.name, f.service, f.decidedBy])).toEqual([
        ['api_public', 'unknown', 'path'],
        ['cinder_api_front', 'block-storage', cinderBy],
        ['nova_api_front', 'unknown', 'path'],
      ]);
      expect(r.setAside).toEqual([]); // no version nova serves: not a compute route set aside
    }
  });

  it('a port decides when no path or name does (vhost nova.example.com is not a name; :8774 is compute)', async () => {
    const vhost =
      `api.example.com:8774 10.0.0.15 - - [06/May/2024:10:00:01 +0000] "GET /v2/${PROJECT}/os-hosts ` +
      'HTTP/1.1" 200 1207 "-" "python-novaclient"';
    const r = await reportFor([logAt('apache2/other_vhosts_access.log', [vhost])]);
    expect(osHosts(r).calls).toBe(1);
    expect(r.frontends[0]).toMatchObject({ name: 'api.example.com:8774', decidedBy: 'port', evidence: 'port 8774' });
  });
});

describe('never "no call" while lines with a compute route were set aside', () => {
  const ambiguous = [haproxy(1, 'vol_public', 'vol_back', `/v2/${PROJECT}/os-hosts`)];

  it('without any compute request: the verdict names the line set aside and what decided it', async () => {
    const r = await reportFor([logAt('lb/haproxy.log', ambiguous)]);
    expect(osHosts(r).calls).toBe(0);
    expect(r.verdict.answerable).toBe('no');
    expect(r.verdict.summary).toMatch(
      /^No os-hosts call counted in 0 compute-API requests from 1 source, but 1 front-end line with os-hosts's route/,
    );
    expect(r.verdict.summary).toMatch(
      new RegExp(
        String.raw`vol_public → unknown 1 \(none: \/v2\/\{project_id\}\/… \(nova's and others'\), ` +
          String.raw`and no name, port or file name\)`,
      ),
    );
    expect(r.setAside).toEqual([
      expect.objectContaining({ api: 'os-hosts', layer: 'lb', name: 'vol_public', service: 'unknown', requests: 1 }),
    ]);
    expect(r.verdict.summary).toMatch(
      /If those front ends serve nova's API, name them with --frontend\. The logs read hold no compute request at all/,
    );
  });

  it('with compute requests seen: "partly", not "yes"', async () => {
    const r = await reportFor([
      logAt('lb/haproxy.log', [...ambiguous, haproxy(2, 'nova_api_front', 'nova_api_back', '/v2.1/servers')]),
    ]);
    expect(r.inputs.requests).toBe(1);
    expect(r.verdict.used).toBe(false);
    expect(r.verdict.answerable).toBe('partly');
    expect(r.verdict.summary).toMatch(/^No os-hosts call counted in 1 compute-API request from 1 source, but /);
  });

  it('a frontend --frontend leaves out is set aside too, and counted once named', async () => {
    const lines = [...ambiguous, haproxy(2, 'api_public', 'api_back', `/v2/${PROJECT}/os-hosts`)];
    const r = await reportFor([logAt('lb/haproxy.log', lines)], { frontends: ['api_public'] });
    expect(osHosts(r).calls).toBe(1);
    expect(r.verdict.answerable).toBe('partly');
    expect(r.verdict.summary).toMatch(
      new RegExp(
        String.raw`Besides, 1 front-end line with os-hosts's route .*` +
          String.raw`vol_public → other 1 \(frontend-option: --frontend names others\)`,
      ),
    );
    const both = await reportFor([logAt('lb/haproxy.log', lines)], { frontends: ['api_public', 'vol_public'] });
    expect(osHosts(both).calls).toBe(2);
    expect(both.setAside).toEqual([]);
    // Partly only because one day of logs is fewer than --min-days wants, no longer for a line set aside.
    expect(both.verdict.reasons).toEqual(['logs on 1 day only, fewer than 7 (--min-days)']);
  });

  it("glance's /v2/images (no project id) is glance's, not a compute route set aside", async () => {
    const r = await reportFor([
      logAt('lb/haproxy.log', [haproxy(1, 'glance_api_front', 'glance_api_back', '/v2/images')]),
    ]);
    expect(r.setAside).toEqual([]);
    expect(r.frontends[0]).toMatchObject({ service: 'image', decidedBy: 'name' });
  });
});

describe('pathEvidence(uri): what a request target says', () => {
  it.each([
    ['/v2.1/os-hosts', 'compute', '/v2.1 path'],
    ['https://api.example.com:8774/v2.1/os-hosts?zone=nova', 'compute', '/v2.1 path'],
    ['/compute/v2.1/os-hosts', 'compute', '/compute prefix (devstack)'],
    ['/compute', 'compute', '/compute prefix (devstack)'],
    [`/v2/${PROJECT}/os-hypervisors/detail`, 'compute', '/v2/{project_id}/os-hypervisors'],
    [`/v1.1/${PROJECT}/servers.json`, 'compute', '/v1.1/{project_id}/servers'],
    [`/api/nova/v2.1/servers`, 'compute', '/v2.1 path'],
    [`/v2/${PROJECT}/os-hosts`, 'open', "/v2/{project_id}/… (nova's and others')"],
    [`/v2/${PROJECT}/os-services`, 'open', "/v2/{project_id}/… (nova's and others')"],
    ['/v2/images?limit=20', 'open', '/v2 path without a project id'],
    [`/v1.1/${PROJECT}/images`, 'open', "/v1.1/{project_id}/… (nova's and others')"],
    [`/v3/${PROJECT}/os-hosts`, 'not-compute', '/v3: a version nova never served'],
    ['/v1/os-hosts', 'not-compute', '/v1: a version nova never served'],
    ['/v2.0/ports', 'not-compute', '/v2.0: a version nova never served'],
    ['/volume/v3/x/os-hosts', 'not-compute', '/volume prefix'],
    ['/placement/resource_providers', 'not-compute', '/placement prefix'],
    ['/', 'open', 'the path does not say'],
    ['/healthcheck', 'open', 'the path does not say'],
  ])('%s → %s (%s)', (uri, says, text) => {
    expect(pathEvidence(uri)).toMatchObject({ says, text });
  });

  it('an absolute URI gives its port', () => {
    expect(pathEvidence(`http://10.0.0.5:8774/v2/${PROJECT}/os-hosts`)).toMatchObject({
      says: 'open',
      port: '8774',
      portService: COMPUTE,
    });
  });
});

describe('compileServiceOf: one decision per file, the evidence with it', () => {
  it(`--frontend names compute frontends (the ~ of TLS frontends ignored); \
others are not compute when the path is open`, () => {
    const of = compileServiceOf({ frontends: ['nova_public'], filePath: '/var/log/nova/haproxy.log' });
    expect(of('nova_public~', 'x_back', `/v2/${PROJECT}/os-hosts`)).toMatchObject({
      service: COMPUTE,
      decidedBy: 'frontend-option',
      evidence: '--frontend nova_public',
    });
    expect(of('nova_api_front', 'nova_api_back', `/v2/${PROJECT}/os-hosts`)).toMatchObject({
      service: 'other',
      decidedBy: 'frontend-option',
      novaPathOpen: true,
    });
    expect(of('nova_api_front', 'nova_api_back', '/v2.1/os-hosts')).toMatchObject({
      service: COMPUTE,
      decidedBy: 'path',
    });
  });

  it('a route of a compute pack under /v2/{project_id}/ says compute when the pack names it', () => {
    const plain = compileServiceOf({ frontends: [], filePath: null });
    const withPack = compileServiceOf({ frontends: [], filePath: null, computeResources: ['os-frobnicators'] });
    expect(plain('x', 'y', `/v2/${PROJECT}/os-frobnicators`).service).toBe('unknown');
    expect(withPack('x', 'y', `/v2/${PROJECT}/os-frobnicators`)).toMatchObject({ service: COMPUTE, decidedBy: 'path' });
  });

  it('only the base name of the file is read: folders named like services change nothing', () => {
    for (const filePath of ['/srv/nova/compute/lb.log', '/var/log/image/lb.log', 'C:\\logs\\nova\\lb.log'])
      expect(compileServiceOf({ frontends: [], filePath })('', '', `/v2/${PROJECT}/os-hosts`)).toMatchObject({
        service: 'unknown',
        decidedBy: 'none',
      });
  });
});

describe('migration 12: front ends with their evidence', () => {
  it('rows stored before it keep their counts and say the evidence was not recorded', () => {
    const file = join(tempDir(), 'v7.db');
    const raw = new Database(file);
    // Schema 7 (8 needs the store's own SQL functions): openDb then applies 8, 9 and 12.
    for (const m of MIGRATIONS.filter((x) => x.version <= 7)) {
      raw.exec(m.sql);
      raw.pragma(`user_version = ${m.version}`);
    }
    raw.exec(`INSERT INTO frontends (layer, name, service, requests) VALUES ('lb', 'nova_api_front', 'compute', 42)`);
    raw.close();
    const db = openDb(file);
    try {
      expect(frontendsSeen(db)).toEqual([
        {
          layer: 'lb',
          name: 'nova_api_front',
          service: 'compute',
          decidedBy: 'unrecorded',
          evidence: 'ingested before the evidence was recorded',
          requests: 42,
        },
      ]);
    } finally {
      db.close();
    }
  });
});

describe('pathEvidence reads targets that start with a version in place', () => {
  it('and gives what the general way gives, for every version shape', () => {
    const computeOnly = new Set(['servers', 'os-hypervisors']);
    for (const uri of [
      '/v2.1',
      '/v2.1/os-hosts?zone=nova',
      '/v2.1#x',
      '/v2.',
      '/v2./x',
      '/v.1/x',
      '/v2..1/x',
      '/v',
      '/vault/v2.1/os-hosts',
      '/v2',
      '/v2?x',
      '/v2/',
      '/v2/images?limit=20',
      `/v2/${PROJECT}`,
      `/v2/${PROJECT}/servers/detail`,
      `/v2/${PROJECT}/os-hosts`,
      '/v2/zz/servers',
      '/v1.1',
      `/v1.1/${PROJECT}/os-hypervisors`,
      '/v3',
      `/v3/${PROJECT}/os-hosts`,
      '/v3/auth/tokens?nocatalog',
      '/v10.2/a',
      '/v2.1.1/x',
      '/v2.0/ports?device_id=1',
    ])
      expect(pathEvidence(uri, computeOnly), uri).toBe(segmentEvidence(uri, computeOnly));
  });
});
