/**
 * Evidence the core team can share: the export leaks nothing that names a
 * tenant, user, host, address or request; merges count deployments and never
 * add one cloud twice; compare finds new callers and sets the exit status.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Export } from '../reports/export-model.js';
import { importInventory } from '../src/inventory/import.js';
import { runExport } from '../src/cli/commands/share.js';
import { mergeExports } from '../src/merge.js';
import { compareFiles } from '../src/compare.js';
import { coverageOf } from '../src/coverage.js';
import { openDb } from '../src/store/db.js';
import { ingestInto, ROOT, SAMPLES, tempDir } from './helpers.js';

async function demoDb(dir: string): Promise<string> {
  const db = join(dir, 'demo.db');
  await ingestInto(db, [join(SAMPLES, 'nova'), join(SAMPLES, 'frontends')]);
  importInventory(db, [join(SAMPLES, 'inventory')]);
  return db;
}

/** Every identifying value the demo database holds. */
function secretsOf(db: string): string[] {
  const h = openDb(db, { readonly: true });
  try {
    const col = (sql: string) =>
      (h.prepare(sql).pluck().all() as (string | null)[]).filter((v): v is string => v !== null && v.length >= 3);
    return [
      ...col('SELECT DISTINCT project_id FROM observations UNION SELECT DISTINCT user_id FROM observations'),
      ...col('SELECT DISTINCT project_name FROM observations UNION SELECT DISTINCT user_name FROM observations'),
      ...col(
        'SELECT DISTINCT target FROM observations UNION SELECT DISTINCT host ' +
          'FROM inventory_facts UNION SELECT DISTINCT hypervisor_hostname FROM inventory_facts',
      ),
      ...col('SELECT DISTINCT client FROM observations UNION SELECT DISTINCT client_chain FROM observations'),
      ...col(
        'SELECT DISTINCT request_id FROM observations UNION ' +
          'SELECT DISTINCT global_request_id FROM observations UNION SELECT DISTINCT request_id FROM effects',
      ),
      ...col('SELECT DISTINCT raw_path FROM observations'),
      // A User-Agent leaves only as its family: the whole header must not, unless it is nothing but the family name.
      ...col('SELECT DISTINCT user_agent FROM observations').filter((ua) => ua !== 'python-novaclient'),
    ];
  } finally {
    h.close();
  }
}

describe('export', () => {
  it(`holds none of the demo database’s project ids, user ids, \
host names, addresses, request ids, paths or User-Agents`, async () => {
    const db = await demoDb(tempDir());
    const text = runExport({ db, api: [], rules: [], explain: false, deployment: 'cloud-a' });
    const secrets = secretsOf(db);
    expect(secrets.length).toBeGreaterThan(40);
    for (const s of secrets) expect(text.includes(s), `leaks ${s}`).toBe(false);
    const x = JSON.parse(text) as Export;
    expect(x.schema).toBe('apicensus.export/v2');
    expect(x.deployment.label).toBe('cloud-a');
    const rows = x.apis.find((a) => a.api === 'os-hosts')!.days.flatMap((d) => d.rows);
    expect(rows.reduce((n, r) => n + r.calls, 0)).toBe(33);
    expect(rows.filter((r) => r.supported === 'no').reduce((n, r) => n + r.calls, 0)).toBe(9);
    expect(new Set(rows.map((r) => r.client))).toEqual(
      new Set(['not logged', 'curl', 'python-novaclient', 'python-openstackclient']),
    );
  });

  it(`keeps one secret and one deployment id per database, so exports stay linkable; \
nothing is written beside the database`, async () => {
    const db = await demoDb(tempDir());
    const a = JSON.parse(runExport({ db, api: ['os-hosts'], rules: [], explain: false })) as Export;
    const b = JSON.parse(runExport({ db, api: ['os-hosts'], rules: [], explain: false })) as Export;
    expect(a.deployment.id).toBe(b.deployment.id);
    expect(a.apis).toEqual(b.apis);
    expect(existsSync(`${db}.export-key`)).toBe(false);
    const other = await demoDb(tempDir());
    const c = JSON.parse(runExport({ db: other, api: ['os-hosts'], rules: [], explain: false })) as Export;
    expect(c.deployment.id).not.toBe(a.deployment.id);
    const projectsA = new Set(a.apis[0]!.days.flatMap((d) => d.rows.map((r) => r.project)));
    const projectsC = new Set(c.apis[0]!.days.flatMap((d) => d.rows.map((r) => r.project)));
    // same ids, different secrets: unlinkable across clouds
    expect([...projectsA].filter((p) => projectsC.has(p))).toEqual([null]);
  });
});

/** A synthetic export: one deployment's os-hosts calls on given days. */
function synthetic(
  id: string,
  generatedAt: string,
  days: Record<string, [action: string, driver: string | null, calls: number, project: string][]>,
): Export {
  return {
    schema: 'apicensus.export/v2',
    generatedAt,
    tool: { name: 'apicensus', version: 'test' },
    deployment: { id, label: id },
    window: { from: null, to: null },
    coveredDays: Object.keys(days),
    apis: [
      {
        api: 'os-hosts',
        service: 'compute',
        // The logs held compute requests from 08:00 to 18:00 UTC on each day.
        coverage: coverageOf(
          Object.keys(days).flatMap((d) =>
            Array.from({ length: 10 }, (_, h) => Date.parse(`${d}T00:00:00Z`) + (8 + h) * 3_600_000),
          ),
        ),
        deprecated: { microversion: '2.43', release: 'Pike' },
        removed: null,
        days: Object.entries(days).map(([day, rows]) => ({
          day,
          serviceRequests: 1000,
          rows: rows.map(([action, driver, calls, project]) => ({
            action,
            driver,
            supported:
              driver === 'libvirt' && action === 'reboot' ? ('no' as const) : driver === null ? null : ('yes' as const),
            microversion: '2.1',
            statusClass: driver === 'libvirt' && action === 'reboot' ? '5xx' : '2xx',
            refused: false,
            client: 'python-novaclient',
            clientMajor: null,
            project,
            calls,
          })),
        })),
        callers: [],
      },
    ],
  };
}

describe('merge', () => {
  const a = synthetic('dep-a', '2024-06-01T00:00:00Z', {
    '2024-05-01': [
      ['list', null, 5, 'pa'],
      ['reboot', 'libvirt', 2, 'pa'],
    ],
    '2024-05-02': [['list', null, 1, 'pb']],
  });
  const b = synthetic('dep-b', '2024-06-01T00:00:00Z', { '2024-05-01': [['list', null, 7, 'px']] });
  const c = synthetic('dep-c', '2024-06-01T00:00:00Z', {
    '2024-05-03': [
      ['show', null, 1, 'py'],
      ['reboot', 'xenapi', 1, 'py'],
    ],
  });

  it('counts per action how many deployments call it', () => {
    const m = mergeExports([a, b, c], 'test');
    const hosts = m.apis.find((x) => x.api === 'os-hosts')!;
    expect([hosts.deploymentsCalling, hosts.deploymentsReporting, hosts.unknown]).toEqual([3, 3, []]);
    expect(
      hosts.actions.map((x) => [x.action, x.deploymentsCalling, x.deploymentsReporting, x.calls, x.neverWorked]),
    ).toEqual([
      ['list', 2, 3, 13, 0],
      ['reboot', 2, 3, 3, 2],
      ['show', 1, 3, 1, 0],
    ]);
    expect(hosts.drivers).toEqual([
      { name: 'libvirt', deployments: 1, calls: 2 },
      { name: 'xenapi', deployments: 1, calls: 1 },
    ]);
    expect(m.verdict.summary).toMatch(
      new RegExp(
        String.raw`^os-hosts is called in 3 of 3 deployments reporting it: list in 2 deployments \(13 calls\); ` +
          String.raw`reboot in 2 deployments \(3 calls, 2 to drivers where it never works\)`,
      ),
    );
  });

  it("merging one deployment's export twice, or an overlapping later export, changes nothing twice", () => {
    const once = mergeExports([a, b, c], 'test', new Date(0));
    expect(mergeExports([a, a, b, c], 'test', new Date(0)).apis).toEqual(once.apis);
    // a later export of dep-a covering 2024-05-02 again (same data) and a new day
    const later = synthetic('dep-a', '2024-07-01T00:00:00Z', {
      '2024-05-02': [['list', null, 1, 'pb']],
      '2024-06-15': [['list', null, 4, 'pa']],
    });
    const m = mergeExports([a, later, b, c], 'test', new Date(0));
    const list = m.apis[0]!.actions.find((x) => x.action === 'list')!;
    expect(list.calls).toBe(13 + 4);
    expect(m.deployments.find((d) => d.id === 'dep-a')!.exports).toBe(2);
  });
});

describe('compare', () => {
  it('finds a new caller of a deprecated API and sets the exit status', async () => {
    const dir = tempDir();
    const old = join(dir, 'old.json');
    const neu = join(dir, 'new.json');
    writeFileSync(
      old,
      JSON.stringify(synthetic('dep-a', '2024-06-01T00:00:00Z', { '2024-05-01': [['list', null, 5, 'pa']] })),
    );
    writeFileSync(
      neu,
      JSON.stringify(
        synthetic('dep-a', '2024-07-01T00:00:00Z', {
          '2024-06-01': [
            ['list', null, 3, 'pa'],
            ['reboot', 'libvirt', 1, 'pz'],
          ],
        }),
      ),
    );
    const c = compareFiles(old, neu);
    expect(c.somethingNewCalls).toBe(true);
    expect(c.changes).toEqual(
      expect.arrayContaining([
        { api: 'os-hosts', dimension: 'caller', name: 'pz', old: 0, new: 1, change: 'appeared' },
        { api: 'os-hosts', dimension: 'action', name: 'reboot', old: 0, new: 1, change: 'appeared' },
        { api: 'os-hosts', dimension: 'action', name: 'list', old: 5, new: 3, change: 'fell' },
      ]),
    );
    expect(compareFiles(old, old).somethingNewCalls).toBe(false);
    const bin = join(ROOT, 'dist', 'src', 'cli', 'main.js');
    if (existsSync(bin)) {
      expect(spawnSync(process.execPath, [bin, 'compare', old, neu]).status).toBe(1);
      expect(spawnSync(process.execPath, [bin, 'compare', old, old]).status).toBe(0);
    }
  });

  it('compares two reports of the same cloud', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    await ingestInto(db, [join(SAMPLES, 'nova', 'nova-api.log')]);
    const { runReport } = await import('../src/cli/commands/report.js');
    writeFileSync(join(dir, 'r1.json'), runReport({ db, api: [], format: 'json', rules: [] }).output);
    await ingestInto(db, [join(SAMPLES, 'frontends', 'haproxy.log')]);
    writeFileSync(join(dir, 'r2.json'), runReport({ db, api: [], format: 'json', rules: [] }).output);
    const c = compareFiles(join(dir, 'r1.json'), join(dir, 'r2.json'));
    expect(c.kind).toBe('report');
    expect(c.somethingNewCalls).toBe(true);
    expect(c.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ api: 'os-hosts', dimension: 'client', name: 'curl', change: 'appeared' }),
      ]),
    );
    expect(readFileSync(join(dir, 'r2.json'), 'utf8')).toMatch(/apicensus\.report\/v1/);
  });
});
