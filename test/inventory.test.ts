/**
 * The inventory in the store and in the report: every import form, re-import
 * and driver history, name matching, unknown and ambiguous hosts, and the
 * per-driver verdict.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listInventory } from '../src/cli/commands/inventory.js';
import { importInventory } from '../src/inventory/import.js';
import { UserError } from '../src/errors.js';
import type { Report } from '../reports/model.js';
import { ingestInto, reportOf, SAMPLES, tempDir } from './helpers.js';

const INV = join(SAMPLES, 'inventory');
const hosts = (r: Report) => r.apis.find((a) => a.api === 'os-hosts')!;

function novaLine(time: string, rid: string, method: string, path: string, status: number): string {
  return (
    `2024-05-02 ${time} 3104 INFO nova.api.openstack.requestlog [None ${rid} 3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a ` +
    `6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b - - default default] 10.0.1.12 "${method} ${path}" status: ${status} len: 289 ` +
    'microversion: 2.1 time: 0.100000'
  );
}

describe('inventory import and list', () => {
  it('imports every sample form and lists each host with its driver', () => {
    const db = join(tempDir(), 'inv.db');
    const results = importInventory(db, [INV]);
    expect(new Set(results.map((r) => r.kind))).toEqual(
      new Set([
        'api-hypervisors',
        'csv',
        'nova-compute-log',
        'mysql-compute-nodes',
        'osc-compute-service-list',
        'osc-hypervisor-list',
        'osc-hypervisor-show',
      ]),
    );
    const list = listInventory(db);
    const driverOf = (h: string) => list.find((x) => x.host === h)?.driver;
    expect(driverOf('cmp-01')).toBe('libvirt');
    expect(driverOf('xen-01')).toBe('xenapi');
    expect(driverOf('hv-01')).toBe('hyperv');
    expect(driverOf('vc-01')).toBe('vmwareapi');
    expect(driverOf('bm-01')).toBe('ironic');
    expect(list.find((x) => x.host === 'cmp-01')!.hypervisorHostnames).toContain('cmp-01.example.com');
    expect(list.map((h) => h.host)).not.toContain('devstack');
  });

  it('re-importing the same files adds no facts', () => {
    const db = join(tempDir(), 'inv.db');
    const first = importInventory(db, [INV]);
    const again = importInventory(db, [INV]);
    expect(again.reduce((n, r) => n + r.added, 0)).toBe(0);
    expect(again.reduce((n, r) => n + r.updated, 0)).toBe(first.reduce((n, r) => n + r.facts, 0));
  });

  it(`keeps when each fact was seen: a host that changed driver has a history, \
and calls get the driver of their time`, async () => {
    const dir = tempDir();
    const db = join(dir, 'inv.db');
    // cmp-07 ran XenServer until a rebuild on 2024-05-01, then libvirt (nova-compute start-up lines say so).
    writeFileSync(
      join(dir, 'nova-compute.log'),
      [
        "2024-03-01 08:00:01.100 1234 INFO nova.virt.driver [-] Loading compute driver 'xenapi.XenAPIDriver'",
        "2024-05-01 08:00:01.100 1234 INFO nova.virt.driver [-] Loading compute driver 'libvirt.LibvirtDriver'",
      ].join('\n') + '\n',
    );
    importInventory(db, [join(dir, 'nova-compute.log')], { host: 'cmp-07' });
    const h = listInventory(db).find((x) => x.host === 'cmp-07')!;
    expect(h.driver).toBe('libvirt');
    expect(h.history.map((e) => e.driver)).toEqual(['xenapi', 'libvirt']);
    const log = join(dir, 'nova-api.log');
    writeFileSync(
      log,
      [
        novaLine(
          '09:00:00.000',
          'req-11111111-1111-4111-8111-111111111111',
          'GET',
          '/v2.1/os-hosts/cmp-07/reboot',
          501,
        ),
      ].join('\n') + '\n',
    );
    await ingestInto(db, [log]);
    const early = join(dir, 'early.log');
    writeFileSync(
      early,
      novaLine(
        '09:00:00.000',
        'req-22222222-2222-4222-8222-222222222222',
        'GET',
        '/v2.1/os-hosts/cmp-07/reboot',
        200,
      ).replace('2024-05-02', '2024-04-02') + '\n',
    );
    await ingestInto(db, [early]);
    const r = hosts(reportOf(db));
    expect(r.support.filter((x) => x.action === 'reboot').map((x) => [x.driver, x.supported, x.calls])).toEqual([
      ['libvirt', 'no', 1],
      ['xenapi', 'yes', 1],
    ]);
  });

  it('a file in no inventory form is refused with its name, and nothing is imported', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'hello\nworld\n');
    const db = join(dir, 'inv.db');
    expect(() => importInventory(db, [join(INV, 'hosts.csv'), join(dir, 'notes.txt')])).toThrow(UserError);
    expect(() => importInventory(db, [join(dir, 'notes.txt')])).toThrow(/notes\.txt/);
  });
});

describe('matching call targets to inventory hosts', () => {
  async function reportWith(calls: string[], inventoryCsv: string): Promise<ReturnType<typeof hosts>> {
    const dir = tempDir();
    const db = join(dir, 'm.db');
    writeFileSync(join(dir, 'hosts.csv'), inventoryCsv);
    importInventory(db, [join(dir, 'hosts.csv')]);
    writeFileSync(
      join(dir, 'nova-api.log'),
      calls
        .map((host, i) =>
          novaLine(
            `09:00:0${i}.000`,
            `req-${String(i).repeat(8)}-1111-4111-8111-111111111111`,
            'GET',
            `/v2.1/os-hosts/${host}/reboot`,
            501,
          ),
        )
        .join('\n') + '\n',
    );
    await ingestInto(db, [join(dir, 'nova-api.log')]);
    return hosts(reportOf(db));
  }

  it(`matches exactly, by case, FQDN against short and short against FQDN; \
reports ambiguous and unknown names`, async () => {
    const r = await reportWith(
      ['cmp-01', 'CMP-02', 'cmp-01.example.com', 'cmp-03', 'cmp-04', 'cmp-99'],
      'host,driver\ncmp-01,libvirt\ncmp-02,libvirt\ncmp-03.example.com,xenapi\n' +
        'cmp-04.dc1.example.com,libvirt\ncmp-04.dc2.example.com,hyperv\n',
    );
    expect(r.byDriver.map((d) => [d.driver, d.calls])).toEqual([
      ['libvirt', 3],
      ['unknown', 2],
      ['xenapi', 1],
    ]);
    expect(r.unknownHosts).toEqual([expect.objectContaining({ host: 'cmp-99', calls: 1 })]);
    expect(r.ambiguousHosts).toEqual([
      { host: 'cmp-04', candidates: ['cmp-04.dc1.example.com', 'cmp-04.dc2.example.com'], calls: 1 },
    ]);
  });
});

describe('the per-driver verdict', () => {
  it('counts calls that could never have worked apart from calls that worked', async () => {
    const dir = tempDir();
    const db = join(dir, 'v.db');
    importInventory(db, [INV]);
    await ingestInto(db, [join(SAMPLES, 'nova'), join(SAMPLES, 'frontends')]);
    const report = reportOf(db);
    const r = hosts(report);
    const row = (action: string, driver: string) => r.support.find((x) => x.action === action && x.driver === driver);
    expect(row('reboot', 'libvirt')).toMatchObject({ supported: 'no', calls: 2, statuses: { '501': 2 } });
    expect(row('reboot', 'hyperv')).toMatchObject({ supported: 'yes', calls: 1, succeeded: 1 });
    expect(row('maintenance-on', 'xenapi')).toMatchObject({ supported: 'yes', calls: 1 });
    expect(row('startup', 'hyperv')).toMatchObject({ supported: 'no', calls: 1, statuses: { '501': 1 } });
    expect(row('startup', 'unknown')).toMatchObject({ supported: 'unknown', hosts: ['devstack'] });
    expect(report.verdict.summary).toMatch(
      /Of 12 calls acting on a host's driver, 9 could never have worked on that host's driver/,
    );
    expect(report.verdict.summary).toMatch(/2 could \(maintenance-on on xenapi 1, reboot on hyperv 1; 2 succeeded\)/);
    expect(report.verdict.summary).toMatch(/Nobody can depend on disable, enable, shutdown/);
    expect(r.unknownHosts.map((h) => h.host)).toEqual(['cmp-10', 'devstack']);
  });

  it('every sample inventory file is a form the importer knows', () => {
    const files = readdirSync(INV, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThanOrEqual(7);
  });
});
