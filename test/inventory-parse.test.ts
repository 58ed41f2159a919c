/**
 * Inventory parsers (src/inventory/): every sample under samples/inventory/
 * to its exact facts, detection of each form, the driver tables, the host
 * rules of nova-compute logs, CSV/TSV and mysql dump details, and the errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { hostFromComputeLogPath } from '../src/inventory/compute-log.js';
import { driverFromCell } from '../src/inventory/drivers.js';
import {
  driverFromComputeDriver,
  driverFromHypervisorType,
  parseInventory,
  type InventoryFact,
  type InventoryKind,
  type InventoryParse,
} from '../src/inventory/parse.js';
import { SAMPLES } from './helpers.js';

const DIR = join(SAMPLES, 'inventory');
const NODE = '4f3b2a1c-9d8e-4c7b-a6f5-e4d3c2b1a098';
const VC = 'domain-c8(Cluster01)';
const VCT = 'VMware vCenter Server';
const utc = (iso: string): number => Date.parse(iso);

/** A fact with the fields a form does not fill left null. */
const fact = (host: string, line: number, f: Partial<InventoryFact> = {}): InventoryFact => ({
  host,
  hypervisorHostname: null,
  driver: null,
  hypervisorType: null,
  observedAt: null,
  line,
  ...f,
});

const parseSample = (rel: string, opts: { host?: string; year?: number } = {}): InventoryParse => {
  const path = join(DIR, rel);
  return parseInventory(readFileSync(path, 'utf8'), { path, ...opts });
};

const parseText = (text: string, path = 'inventory.txt', opts: { host?: string; year?: number } = {}): InventoryParse =>
  parseInventory(text, { path, ...opts });

/** The UserError a call throws (fails the test when it throws nothing or something else). */
function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

describe('driverFromHypervisorType: the hypervisor_type table (docs/inventory.md)', () => {
  const table: Array<[string, string | null]> = [
    ['QEMU', 'libvirt'],
    ['KVM', 'libvirt'],
    ['kvm', 'libvirt'],
    ['qemu', 'libvirt'],
    ['lxc', 'libvirt'],
    ['LXC', 'libvirt'],
    ['uml', 'libvirt'],
    ['parallels', 'libvirt'],
    ['vz', 'libvirt'],
    ['Xen', 'libvirt'],
    ['xen', 'libvirt'],
    ['XenServer', 'xenapi'],
    ['hyperv', 'hyperv'],
    ['VMware vCenter Server', 'vmwareapi'],
    ['VMware ESXi', 'vmwareapi'],
    ['ironic', 'ironic'],
    ['phyp', 'powervm'],
    ['zvm', 'zvm'],
    ['fake', 'fake'],
    ['docker', null],
    ['lxd', null],
    ['', null],
  ];
  for (const [type, driver] of table)
    it(`${JSON.stringify(type)} → ${driver}`, () => expect(driverFromHypervisorType(type)).toBe(driver));
});

describe('driverFromComputeDriver: the compute_driver table', () => {
  const table: Array<[string, string]> = [
    ['libvirt.LibvirtDriver', 'libvirt'],
    ['nova.virt.libvirt.LibvirtDriver', 'libvirt'],
    ['nova.virt.libvirt.driver.LibvirtDriver', 'libvirt'],
    ['xenapi.XenAPIDriver', 'xenapi'],
    ['nova.virt.xenapi.XenAPIDriver', 'xenapi'],
    ['nova.virt.xenapi.driver.XenAPIDriver', 'xenapi'],
    ['hyperv.HyperVDriver', 'hyperv'],
    ['compute_hyperv.driver.HyperVDriver', 'hyperv'],
    ['vmwareapi.VMwareVCDriver', 'vmwareapi'],
    ['ironic.IronicDriver', 'ironic'],
    ['powervm.PowerVMDriver', 'powervm'],
    ['nova_powervm.virt.powervm.driver.PowerVMDriver', 'powervm'],
    ['zvm.ZVMDriver', 'zvm'],
    ['fake.FakeDriver', 'fake'],
    ['fake.SmallFakeDriver', 'fake'],
    ['nova_lxd.nova.virt.lxd.LXDDriver', 'nova_lxd'],
    ['Docker.DockerDriver', 'docker'],
  ];
  for (const [value, driver] of table)
    it(`${value} → ${driver}`, () => expect(driverFromComputeDriver(value)).toBe(driver));
});

describe('driverFromCell: what people write in a CSV driver column', () => {
  const table: Array<[string, string | null]> = [
    ['libvirt', 'libvirt'],
    ['XenAPI', 'xenapi'],
    ['hyperv.HyperVDriver', 'hyperv'],
    ['KVM', 'libvirt'],
    ['XenServer', 'xenapi'],
    ['VMware', 'vmwareapi'],
    ['Hyper-V', 'hyperv'],
    ['LXD', 'lxd'],
    ['nova_lxd.nova.virt.lxd.LXDDriver', 'nova_lxd'],
    ['  ', null],
  ];
  for (const [cell, driver] of table)
    it(`${JSON.stringify(cell)} → ${driver}`, () => expect(driverFromCell(cell)).toBe(driver));
});

describe('samples/inventory: every file to its exact facts', () => {
  const cases: Array<[string, InventoryKind, InventoryFact[]]> = [
    [
      'osc-hypervisor-list.json',
      'osc-hypervisor-list',
      [
        ...[1, 2, 3, 4].map((n) =>
          fact(`cmp-0${n}.example.com`, n, {
            hypervisorHostname: `cmp-0${n}.example.com`,
            driver: 'libvirt',
            hypervisorType: 'QEMU',
          }),
        ),
        fact('xen-01', 5, { hypervisorHostname: 'xen-01', driver: 'xenapi', hypervisorType: 'XenServer' }),
        fact('HV-01', 6, { hypervisorHostname: 'HV-01', driver: 'hyperv', hypervisorType: 'hyperv' }),
        fact(VC, 7, { hypervisorHostname: VC, driver: 'vmwareapi', hypervisorType: VCT }),
        fact(NODE, 8, { hypervisorHostname: NODE, driver: 'ironic', hypervisorType: 'ironic' }),
      ],
    ],
    [
      'osc-hypervisor-show-vc-01.json',
      'osc-hypervisor-show',
      [fact('vc-01', 1, { hypervisorHostname: VC, driver: 'vmwareapi', hypervisorType: VCT })],
    ],
    [
      'osc-hypervisor-show-all.json',
      'osc-hypervisor-show',
      [
        fact('xen-01', 1, { hypervisorHostname: 'xen-01', driver: 'xenapi', hypervisorType: 'XenServer' }),
        fact('bm-01', 2, { hypervisorHostname: NODE, driver: 'ironic', hypervisorType: 'ironic' }),
      ],
    ],
    [
      'api-os-hypervisors-detail.json',
      'api-hypervisors',
      [
        ...[1, 2, 3, 4].map((n) =>
          fact(`cmp-0${n}`, n, {
            hypervisorHostname: `cmp-0${n}.example.com`,
            driver: 'libvirt',
            hypervisorType: 'QEMU',
          }),
        ),
        fact('hv-01', 5, { hypervisorHostname: 'HV-01', driver: 'hyperv', hypervisorType: 'hyperv' }),
        fact('vc-01', 6, { hypervisorHostname: VC, driver: 'vmwareapi', hypervisorType: VCT }),
      ],
    ],
    [
      'osc-compute-service-list.json',
      'osc-compute-service-list',
      [
        fact('cmp-01', 3, { observedAt: utc('2019-10-14T09:01:38Z') }),
        fact('cmp-02', 4, { observedAt: utc('2019-10-14T09:01:41Z') }),
        fact('cmp-03', 5, { observedAt: utc('2019-10-14T09:01:33Z') }),
        fact('cmp-04', 6, { observedAt: utc('2019-10-14T09:01:35Z') }),
        fact('xen-01', 7, { observedAt: utc('2019-10-14T09:01:39Z') }),
        fact('hv-01', 8, { observedAt: utc('2019-10-14T09:01:30Z') }),
        fact('vc-01', 9, { observedAt: utc('2019-10-14T09:01:42Z') }),
        fact('bm-01', 10, { observedAt: utc('2019-10-14T09:01:37Z') }),
      ],
    ],
    [
      'mysql-compute-nodes.tsv',
      'mysql-compute-nodes',
      [
        fact('cmp-01', 2, {
          hypervisorHostname: 'cmp-01.example.com',
          driver: 'libvirt',
          hypervisorType: 'QEMU',
          observedAt: utc('2019-10-14T09:01:12Z'),
        }),
        fact('cmp-02', 3, {
          hypervisorHostname: 'cmp-02.example.com',
          driver: 'libvirt',
          hypervisorType: 'QEMU',
          observedAt: utc('2019-10-14T09:01:20Z'),
        }),
        // line 4: cmp-03's soft-deleted row (deleted = 3) is skipped
        fact('cmp-04', 5, {
          hypervisorHostname: 'cmp-04.example.com',
          driver: 'libvirt',
          hypervisorType: 'QEMU',
          observedAt: utc('2019-10-14T09:01:05Z'),
        }),
        fact('xen-01', 6, {
          hypervisorHostname: 'xen-01',
          driver: 'xenapi',
          hypervisorType: 'XenServer',
          observedAt: utc('2019-10-14T09:00:58Z'),
        }),
        fact('hv-01', 7, {
          hypervisorHostname: 'HV-01',
          driver: 'hyperv',
          hypervisorType: 'hyperv',
          observedAt: utc('2019-10-14T09:01:09Z'),
        }),
        fact('vc-01', 8, {
          hypervisorHostname: VC,
          driver: 'vmwareapi',
          hypervisorType: VCT,
          observedAt: utc('2019-10-14T09:01:17Z'),
        }),
        fact('cmp-03', 9, {
          hypervisorHostname: 'cmp-03.example.com',
          driver: 'libvirt',
          hypervisorType: 'QEMU',
          observedAt: utc('2019-10-14T09:00:47Z'),
        }),
        // updated_at NULL: created_at dates the row
        fact('bm-01', 10, {
          hypervisorHostname: NODE,
          driver: 'ironic',
          hypervisorType: 'ironic',
          observedAt: utc('2019-09-30T12:00:02Z'),
        }),
      ],
    ],
    [
      'hosts.csv',
      'csv',
      [
        fact('xen-01', 4, { driver: 'xenapi', hypervisorType: 'XenServer' }),
        fact('hv-01', 5, { driver: 'hyperv', hypervisorType: 'hyperv' }),
        fact('vc-01', 6, { driver: 'vmwareapi', hypervisorType: VCT }),
        fact('bm-01', 7, { driver: 'ironic' }),
      ],
    ],
    [
      'logs/hv-01/nova-compute.log',
      'nova-compute-log',
      [
        fact('hv-01', 2, { driver: 'hyperv', observedAt: utc('2019-10-11T06:02:15.120Z') }),
        // restarted after the os-hosts reboot of 08:06
        fact('hv-01', 13, { driver: 'hyperv', observedAt: utc('2019-10-14T08:09:28.841Z') }),
      ],
    ],
    [
      'logs/xen-01-nova-compute.journal',
      'nova-compute-log',
      [
        fact('xen-01', 4, { driver: 'xenapi', observedAt: utc('2019-10-03T08:00:44.652Z') }),
        fact('xen-01', 11, { driver: 'xenapi', observedAt: utc('2019-10-13T21:40:02.311Z') }),
      ],
    ],
  ];
  for (const [file, kind, facts] of cases) {
    it(`${file}: ${kind}, ${facts.length} facts, no warnings`, () => {
      const p = parseSample(file, { year: 2019 });
      expect(p.kind).toBe(kind);
      expect(p.facts).toEqual(facts);
      expect(p.warnings).toEqual([]);
    });
  }

  it('names no host the story leaves unknown (devstack, cmp-10)', () => {
    for (const [file] of cases) {
      const hosts = parseSample(file, { year: 2019 }).facts.map((f) => f.host.toLowerCase());
      expect(hosts.some((h) => h.startsWith('devstack') || h.startsWith('cmp-10'))).toBe(false);
    }
  });

  it('the hv-01 log is CRLF, as nova-compute on Windows writes it', () => {
    expect(readFileSync(join(DIR, 'logs/hv-01/nova-compute.log'), 'utf8')).toContain('\r\n');
  });
});

describe('detection from content, not name', () => {
  const listRow =
    '{"ID": 1, "Hypervisor Hostname": "cmp-01.example.com", ' +
    '"Hypervisor Type": "QEMU", "Host IP": "10.0.0.11", "State": "up"}';
  const show = (host: string, hv: string): string =>
    `{"hypervisor_hostname": "${hv}", "hypervisor_type": "QEMU", "service_host": "${host}", "state": "up"}`;
  const table: Array<[string, string, InventoryKind]> = [
    ['OSC hypervisor list', `[${listRow}]`, 'osc-hypervisor-list'],
    [
      'OSC hypervisor list without --long or type (old OSC)',
      '[{"ID": 1, "Hypervisor Hostname": "cmp-01"}]',
      'osc-hypervisor-list',
    ],
    ['OSC hypervisor show, one object', show('cmp-01', 'cmp-01.example.com'), 'osc-hypervisor-show'],
    [
      'OSC hypervisor show, an array (jq -s)',
      `[${show('cmp-01', 'a')}, ${show('cmp-02', 'b')}]`,
      'osc-hypervisor-show',
    ],
    [
      'OSC hypervisor show, concatenated (a shell loop)',
      `${show('cmp-01', 'a')}\n${show('cmp-02', 'b')}\n`,
      'osc-hypervisor-show',
    ],
    [
      'OSC compute service list',
      '[{"ID": 7, "Binary": "nova-compute", "Host": "cmp-01", ' +
        '"Zone": "nova", "Status": "enabled", "State": "up", "Updated At": null}]',
      'osc-compute-service-list',
    ],
    [
      'API GET /os-hypervisors/detail',
      '{"hypervisors": [{"id": 1, "hypervisor_hostname": "h", ' +
        '"hypervisor_type": "QEMU", "service": {"host": "cmp-01", "id": 7, "disabled_reason": null}}]}',
      'api-hypervisors',
    ],
    [
      'API GET /os-hypervisors/{id}',
      '{"hypervisor": {"id": 1, "hypervisor_hostname": "h", ' +
        '"hypervisor_type": "QEMU", "service": {"host": "cmp-01", "id": 7}}}',
      'api-hypervisors',
    ],
    [
      'API hypervisors array without the wrapper (jq .hypervisors)',
      '[{"hypervisor_hostname": "h", "hypervisor_type": "QEMU", "service": {"host": "cmp-01"}}]',
      'api-hypervisors',
    ],
    [
      'nova-compute log',
      "2024-05-02 08:00:01.100 1234 INFO nova.virt.driver [-] Loading compute driver 'libvirt.LibvirtDriver'\n",
      'nova-compute-log',
    ],
    ['CSV with header', 'host,driver\ncmp-01,libvirt\n', 'csv'],
    ['CSV without header', 'cmp-01,libvirt\n', 'csv'],
    ['TSV with header', 'host\tdriver\thypervisor_type\ncmp-01\tlibvirt\tQEMU\n', 'csv'],
    [
      'mysql -B compute_nodes',
      'host\thypervisor_hostname\thypervisor_type\ncmp-01\tcmp-01.example.com\tQEMU\n',
      'mysql-compute-nodes',
    ],
  ];
  for (const [label, text, kind] of table) {
    it(`${label} → ${kind}`, () => {
      const p = parseText(text, 'x/cmp-01/nova-compute.log');
      expect(p.kind).toBe(kind);
      expect(p.facts[0]?.host).toMatch(/^cmp-01/);
    });
  }

  it('a file name says nothing: CSV content named .json is CSV', () => {
    expect(parseText('host,driver\ncmp-01,libvirt\n', 'hypervisors.json').kind).toBe('csv');
  });

  it('concatenated documents: line is where each object starts', () => {
    const p = parseText(
      `${show('cmp-01', 'a')}\n\n{\n  "hypervisor_hostname": "b",\n` +
        '  "hypervisor_type": "XenServer",\n  "service_host": "xen-01"\n}\n',
    );
    expect(p.facts.map((f) => [f.host, f.line, f.driver])).toEqual([
      ['cmp-01', 1, 'libvirt'],
      ['xen-01', 3, 'xenapi'],
    ]);
  });

  it('OSC hypervisor show without service_host: the hypervisor hostname stands in', () => {
    expect(parseText('{"hypervisor_hostname": "cmp-01.example.com", "hypervisor_type": "QEMU"}').facts).toEqual([
      fact('cmp-01.example.com', 1, {
        hypervisorHostname: 'cmp-01.example.com',
        driver: 'libvirt',
        hypervisorType: 'QEMU',
      }),
    ]);
  });

  it('API non-detail list (no service, no type): host from hypervisor_hostname, driver unknown', () => {
    const p = parseText(
      '{"hypervisors": [{"id": 1, "hypervisor_hostname": "cmp-01.example.com", "state": "up", ' +
        '"status": "enabled", "service": {"host": "cmp-01"}}, {"id": 2, "hypervisor_hostname": "cmp-02.example.com"}]}',
    );
    expect(p.facts).toEqual([
      fact('cmp-01', 1, { hypervisorHostname: 'cmp-01.example.com' }),
      fact('cmp-02.example.com', 2, { hypervisorHostname: 'cmp-02.example.com' }),
    ]);
  });

  it('unknown hypervisor_type: driver null, the type kept', () => {
    expect(parseText('[{"Hypervisor Hostname": "lxd-01", "Hypervisor Type": "lxd"}]').facts[0]).toEqual(
      fact('lxd-01', 1, { hypervisorHostname: 'lxd-01', hypervisorType: 'lxd' }),
    );
  });

  it('compute service list: only nova-compute rows, each dated by Updated At', () => {
    const p = parseText(
      JSON.stringify([
        {
          ID: 1,
          Binary: 'nova-scheduler',
          Host: 'ctl1',
          Zone: 'internal',
          Status: 'enabled',
          State: 'up',
          'Updated At': '2024-05-02T09:14:58.000000',
        },
        {
          ID: 2,
          Binary: 'nova-compute',
          Host: 'cmp-01',
          Zone: 'nova',
          Status: 'disabled',
          State: 'down',
          'Updated At': '2024-05-02T09:14:58.000000',
        },
        {
          ID: 3,
          Binary: 'nova-compute',
          Host: 'cmp-02',
          Zone: 'nova',
          Status: 'enabled',
          State: 'up',
          'Updated At': null,
        },
        { ID: 4, Binary: 'nova-compute', Host: '', Zone: 'nova' },
      ]),
    );
    expect(p.facts).toEqual([fact('cmp-01', 2, { observedAt: utc('2024-05-02T09:14:58Z') }), fact('cmp-02', 3)]);
    expect(p.warnings).toEqual(['inventory.txt: element 4 is a nova-compute service without a "Host"; skipped.']);
  });

  it('elements without the key or not objects are skipped with a warning naming the element', () => {
    const p = parseText(`[{"Hypervisor Hostname": "cmp-01"}, {"ID": 2}, 3]`, 'hv.json');
    expect(p.facts.map((f) => f.host)).toEqual(['cmp-01']);
    expect(p.warnings).toEqual([
      'hv.json: element 2 has no "Hypervisor Hostname"; skipped.',
      'hv.json: element 3 is not a JSON object; skipped.',
    ]);
  });

  it('an os-hypervisors response listing none: no facts, a warning', () => {
    expect(parseText('{"hypervisors": []}', 'h.json')).toEqual({
      kind: 'api-hypervisors',
      facts: [],
      warnings: ['h.json: the response lists no hypervisors.'],
    });
  });
});

describe('nova-compute logs: which host, and when', () => {
  const loading = (driver: string, time = '2024-05-02 08:00:01.100'): string =>
    `${time} 1234 INFO nova.virt.driver [-] Loading compute driver '${driver}'`;
  const log = [
    '2024-05-02 08:00:00.900 1234 INFO os_vif [-] Loaded VIF plugins: ovs, linux_bridge, noop',
    loading('libvirt.LibvirtDriver'),
    '2024-05-02 08:00:03.000 1234 INFO nova.service [-] Starting compute node (version 29.0.1)',
  ].join('\n');

  it('host from the parent directory of nova-compute.log', () => {
    expect(parseText(log, '/srv/logs/cmp-01/nova-compute.log').facts).toEqual([
      fact('cmp-01', 2, { driver: 'libvirt', observedAt: utc('2024-05-02T08:00:01.100Z') }),
    ]);
  });

  it('hostFromComputeLogPath: rotations, Windows paths, and directories that name no host', () => {
    const table: Array<[string, string | null]> = [
      ['/srv/logs/cmp-01/nova-compute.log', 'cmp-01'],
      ['cmp-01/nova-compute.log.1', 'cmp-01'],
      ['/srv/logs/cmp-01/nova-compute.log.2.gz', 'cmp-01'],
      ['/srv/logs/cmp-01/nova-compute.log-20191014', 'cmp-01'],
      ['D:\\collected\\HV-01\\nova-compute.log', 'HV-01'],
      ['/var/log/nova/nova-compute.log', null],
      ['/var/log/kolla/nova/nova-compute.log', null],
      ['C:\\OpenStack\\Log\\nova-compute.log', null],
      ['nova-compute.log', null],
      ['/srv/logs/cmp-01/compute.log', null],
      ['/srv/logs/cmp-01/nova-api.log', null],
    ];
    for (const [path, host] of table) expect([path, hostFromComputeLogPath(path)]).toEqual([path, host]);
  });

  it('--host when neither the lines nor the path name one', () => {
    expect(parseText(log, '/var/log/nova/nova-compute.log', { host: 'cmp-02' }).facts.map((f) => f.host)).toEqual([
      'cmp-02',
    ]);
  });

  it('no host anywhere: a UserError naming the file and line and saying to pass --host', () => {
    const e = userErrorOf(() => parseText(log, '/var/log/nova/nova-compute.log'));
    expect(e.message).toContain('/var/log/nova/nova-compute.log:2:');
    expect(e.message).toContain('--host');
  });

  it('the journald/syslog envelope host wins over the path and --host, with a warning about --host', () => {
    const journal = `May 02 08:00:01 cmp-03 nova-compute[1234]: ${loading('libvirt.LibvirtDriver')}\n`;
    const p = parseText(journal, '/srv/logs/cmp-01/nova-compute.log', { host: 'cmp-09', year: 2024 });
    expect(p.facts.map((f) => f.host)).toEqual(['cmp-03']);
    expect(p.warnings).toEqual([
      '/srv/logs/cmp-01/nova-compute.log: host cmp-03 is taken from the log lines ' +
        'themselves; --host cmp-09 applies only to lines whose prefix names no host.',
    ]);
  });

  it('--host wins over a host guessed from the path', () => {
    const p = parseText(log, '/srv/logs/cmp-01/nova-compute.log', { host: 'cmp-09' });
    expect(p.facts.map((f) => f.host)).toEqual(['cmp-09']);
    expect(p.warnings).toEqual([]);
  });

  it('no warning when --host agrees', () => {
    expect(parseText(log, '/srv/logs/cmp-01/nova-compute.log', { host: 'cmp-01' }).warnings).toEqual([]);
  });

  it('a grep -H across collected logs: each line names its host by its path', () => {
    const grep = [
      `/srv/logs/cmp-01/nova-compute.log:${loading('libvirt.LibvirtDriver')}`,
      `/srv/logs/xen-01/nova-compute.log.1:17:${loading('xenapi.XenAPIDriver', '2019-10-03 08:00:44.652')}`,
    ].join('\n');
    const p = parseText(grep, 'drivers.txt');
    expect(p.facts.map((f) => [f.host, f.driver, f.line])).toEqual([
      ['cmp-01', 'libvirt', 1],
      ['xen-01', 'xenapi', 2],
    ]);
  });

  it('one fact per start-up: a host that changed driver keeps both, in file order', () => {
    const text = [
      loading('xenapi.XenAPIDriver', '2019-10-03 08:00:44.652'),
      '2019-10-03 08:00:49.310 1093 INFO nova.service [-] Starting compute node (version 20.0.0)',
      loading('libvirt.LibvirtDriver', '2020-06-01 10:00:00.000'),
    ].join('\n');
    expect(parseText(text, '/srv/logs/cmp-05/nova-compute.log').facts).toEqual([
      fact('cmp-05', 1, { driver: 'xenapi', observedAt: utc('2019-10-03T08:00:44.652Z') }),
      fact('cmp-05', 3, { driver: 'libvirt', observedAt: utc('2020-06-01T10:00:00Z') }),
    ]);
  });

  it('time: an envelope with an offset beats the oslo time (local, read as UTC); without one, the oslo time', () => {
    const iso =
      '2024-05-02T10:00:01.100000+02:00 cmp-01 nova-compute[1234]: ' +
      `${loading('libvirt.LibvirtDriver', '2024-05-02 10:00:01.100')}\n`;
    expect(parseText(iso).facts[0]?.observedAt).toBe(utc('2024-05-02T08:00:01.100Z'));
    const short =
      'May 02 10:00:01 cmp-01 nova-compute[1234]: ' +
      `${loading('libvirt.LibvirtDriver', '2024-05-02 10:00:01.100')}\n`;
    expect(parseText(short, 'x', { year: 2024 }).facts[0]?.observedAt).toBe(utc('2024-05-02T10:00:01.100Z'));
  });

  it('devstack journal (no oslo time): the syslog time in the given year', () => {
    const devstack =
      'May 02 08:00:01 node-1 nova-compute[1234]: ' +
      "INFO nova.virt.driver [-] Loading compute driver 'libvirt.LibvirtDriver'\n";
    expect(parseText(devstack, 'x', { year: 2024 }).facts).toEqual([
      fact('node-1', 1, { driver: 'libvirt', observedAt: utc('2024-05-02T08:00:01Z') }),
    ]);
  });

  it('a Loading line from another logger is not a start-up', () => {
    const e = userErrorOf(() =>
      parseText(
        "2024-05-02 08:00:01.100 1234 DEBUG nova.compute.manager [-] Loading compute driver 'x.Y'\n",
        'cmp-01/nova-compute.log',
      ),
    );
    expect(e.message).toContain('no `Loading compute driver');
  });

  it('an oslo.log without a start-up line: a UserError that says why', () => {
    const e = userErrorOf(() =>
      parseText(
        '2024-05-02 08:00:03.000 1234 INFO nova.service [-] Starting compute node (version 29.0.1)\n',
        '/srv/logs/cmp-01/nova-compute.log.3',
      ),
    );
    expect(e.message).toMatch(
      /^\/srv\/logs\/cmp-01\/nova-compute\.log\.3: an oslo\.log file with no `Loading compute driver/,
    );
    expect(e.message).toContain('rotation');
  });

  it('oslo.log JSON records (use_json): hostname and created', () => {
    const rec = (name: string, message: string, created: number): string =>
      JSON.stringify({
        message,
        asctime: '2024-05-02 08:00:01',
        name,
        levelname: 'INFO',
        created,
        hostname: 'cmp-04',
        context: {},
      });
    const text = [
      rec('os_vif', 'Loaded VIF plugins: ovs', 1714636800.5),
      rec('nova.virt.driver', "Loading compute driver 'libvirt.LibvirtDriver'", 1714636801.1),
    ].join('\n');
    expect(parseText(text, 'nova-compute.json.log')).toEqual({
      kind: 'nova-compute-log',
      facts: [fact('cmp-04', 2, { driver: 'libvirt', observedAt: 1714636801100 })],
      warnings: [],
    });
  });
});

describe('CSV and TSV', () => {
  it('header in any order and case, quoted cells, extra columns ignored, comments skipped', () => {
    const text =
      '# hosts\nHypervisor Type,Notes,Host,Driver,Hypervisor_Hostname\n' +
      '"VMware vCenter Server","a, b",vc-01,vmwareapi,"domain-c8(Cluster01)"\n';
    expect(parseText(text).facts).toEqual([
      fact('vc-01', 3, { driver: 'vmwareapi', hypervisorType: VCT, hypervisorHostname: VC }),
    ]);
  });

  it('without a header: host,driver[,hypervisor_type]', () => {
    const p = parseText('cmp-01,libvirt,QEMU\nxen-01,xenapi.XenAPIDriver\nhv-01, Hyper-V\n');
    expect(p.kind).toBe('csv');
    expect(p.facts).toEqual([
      fact('cmp-01', 1, { driver: 'libvirt', hypervisorType: 'QEMU' }),
      fact('xen-01', 2, { driver: 'xenapi' }),
      fact('hv-01', 3, { driver: 'hyperv' }),
    ]);
  });

  it('TSV and semicolon-separated files', () => {
    expect(parseText('host\tdriver\ncmp-01\tlibvirt\n').facts).toEqual([fact('cmp-01', 2, { driver: 'libvirt' })]);
    expect(parseText('host;driver;hypervisor_type\nxen-01;;XenServer\n').facts).toEqual([
      fact('xen-01', 2, { driver: 'xenapi', hypervisorType: 'XenServer' }),
    ]);
  });

  it('CRLF and a byte-order mark (spreadsheet exports)', () => {
    expect(parseText('\ufeffhost,driver\r\ncmp-01,libvirt\r\n').facts).toEqual([
      fact('cmp-01', 2, { driver: 'libvirt' }),
    ]);
  });

  it('empty driver: from hypervisor_type, else unknown; an unknown driver word kept lower-cased', () => {
    const p = parseText('host,driver,hypervisor_type\ncmp-01,,QEMU\ncmp-02,,\nlxd-01,LXD,lxd\n');
    expect(p.facts.map((f) => [f.host, f.driver, f.hypervisorType])).toEqual([
      ['cmp-01', 'libvirt', 'QEMU'],
      ['cmp-02', null, null],
      ['lxd-01', 'lxd', 'lxd'],
    ]);
  });

  it(`comma-separated host and hypervisor_type without a driver \
column is CSV (tab-separated would be a mysql dump)`, () => {
    const p = parseText('host,hypervisor_type\nxen-01,XenServer\n');
    expect(p.kind).toBe('csv');
    expect(p.facts).toEqual([fact('xen-01', 2, { driver: 'xenapi', hypervisorType: 'XenServer' })]);
  });

  it('a host is kept exactly as written', () => {
    expect(parseText('host,driver\nCMP-01.Example.COM,libvirt\n').facts[0]?.host).toBe('CMP-01.Example.COM');
  });

  it('rows without a host or with an open quote are skipped with a warning naming the line', () => {
    const p = parseText('host,driver\n,libvirt\ncmp-02,"libvirt\ncmp-03,libvirt\n', 'hosts.csv');
    expect(p.facts.map((f) => [f.host, f.line])).toEqual([['cmp-03', 4]]);
    expect(p.warnings).toEqual([
      'hosts.csv:2: no host; row skipped.',
      'hosts.csv:3: a "quoted" cell is not closed; row skipped.',
    ]);
  });

  it('"xen" is read as libvirt\'s Xen backend, with a warning', () => {
    const p = parseText('host,driver\nxen-02,xen\n', 'hosts.csv');
    expect(p.facts).toEqual([fact('xen-02', 2, { driver: 'libvirt' })]);
    expect(p.warnings).toEqual([
      'hosts.csv:2: "xen" is read as libvirt\'s Xen backend ' +
        '(hypervisor_type Xen); write xenapi if xen-02 runs XenServer.',
    ]);
  });

  it('a header and no rows: a warning, no facts', () => {
    expect(parseText('host,driver\n', 'hosts.csv')).toEqual({
      kind: 'csv',
      facts: [],
      warnings: ['hosts.csv: no host rows.'],
    });
  });

  it('a comma list whose second cell is not a driver is not an inventory', () => {
    expect(() => parseText('cmp-01,10.0.0.11\n')).toThrow(UserError);
  });
});

describe('mysql compute_nodes dumps', () => {
  it('NULL is null, deleted rows are skipped, a NULL host is skipped with a warning', () => {
    const text = [
      'host\thypervisor_hostname\thypervisor_type\tdeleted\tupdated_at',
      'cmp-01\tcmp-01.example.com\tQEMU\t0\t2024-05-02 09:00:00',
      'cmp-02\tcmp-02.example.com\tQEMU\t2\t2024-01-01 00:00:00',
      'NULL\tnode-x\tironic\t0\tNULL',
      'cmp-03\tNULL\tQEMU\t0\tNULL',
    ].join('\n');
    const p = parseText(text, 'nodes.tsv');
    expect(p.kind).toBe('mysql-compute-nodes');
    expect(p.facts).toEqual([
      fact('cmp-01', 2, {
        hypervisorHostname: 'cmp-01.example.com',
        driver: 'libvirt',
        hypervisorType: 'QEMU',
        observedAt: utc('2024-05-02T09:00:00Z'),
      }),
      fact('cmp-03', 5, { driver: 'libvirt', hypervisorType: 'QEMU' }),
    ]);
    expect(p.warnings).toEqual(['nodes.tsv:4: host is NULL; row skipped.']);
  });

  it('without a deleted column every row counts; mysql -B escapes are undone; a short row is skipped', () => {
    const p = parseText('host\thypervisor_type\nodd\\thost\tQEMU\ncmp-02\n', 'nodes.tsv');
    expect(p.facts).toEqual([fact('odd\thost', 2, { driver: 'libvirt', hypervisorType: 'QEMU' })]);
    expect(p.warnings).toEqual(['nodes.tsv:3: 1 cells where the header has 2; row skipped.']);
  });

  it('the boxed table mysql prints on a terminal', () => {
    const text = [
      '+----+--------+----------------------+-----------------------+---------+',
      '| id | host   | hypervisor_hostname  | hypervisor_type       | deleted |',
      '+----+--------+----------------------+-----------------------+---------+',
      '|  7 | vc-01  | domain-c8(Cluster01) | VMware vCenter Server |       0 |',
      '|  8 | cmp-03 | cmp-03               | QEMU                  |       8 |',
      '|  9 | bm-01  | NULL                 | ironic                |       0 |',
      '+----+--------+----------------------+-----------------------+---------+',
    ].join('\n');
    const p = parseText(text);
    expect(p.kind).toBe('mysql-compute-nodes');
    expect(p.facts).toEqual([
      fact('vc-01', 4, { hypervisorHostname: VC, driver: 'vmwareapi', hypervisorType: VCT }),
      fact('bm-01', 6, { driver: 'ironic', hypervisorType: 'ironic' }),
    ]);
    expect(p.warnings).toEqual([]);
  });

  it('every row deleted: a warning, no facts', () => {
    expect(parseText('host\thypervisor_type\tdeleted\ncmp-01\tQEMU\t1\n', 'n.tsv').warnings).toEqual([
      'n.tsv: no compute node rows that are not deleted.',
    ]);
  });
});

describe('files that are no inventory: a UserError naming the file', () => {
  const table: Array<[string, string, RegExp]> = [
    [
      'a nova-api access log line',
      '10.0.0.5 - - [06/May/2024:10:05:30 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 532\n',
      /not an inventory apicensus can read/,
    ],
    ['prose', 'These are our compute hosts.\n', /not an inventory/],
    ['an empty file', '\n  \n', /empty/],
    ['invalid JSON', '[{"Hypervisor Hostname": "cmp-01",]', /not valid JSON/],
    ['an unclosed JSON value', '{"hypervisors": [', /not valid JSON/],
    ['an empty JSON array', '[]', /empty JSON array/],
    ['JSON of something else', '{"servers": []}', /without the keys/],
    [
      'OSC host list (os-hosts itself, no drivers)',
      '[{"Host Name": "cmp-01", "Service": "compute", "Zone": "nova"}]',
      /without the keys/,
    ],
    ['JSON scalars among objects', '{"service_host": "a"}\n7\n', /not valid JSON/],
    ['UTF-16 text', 'h\u0000o\u0000s\u0000t\u0000', /NUL bytes.*UTF-8/],
  ];
  for (const [label, text, message] of table) {
    it(label, () => {
      const e = userErrorOf(() => parseText(text, '/tmp/inv/thing.txt'));
      expect(e.message.startsWith('/tmp/inv/thing.txt')).toBe(true);
      expect(e.message).toMatch(message);
    });
  }

  it('the message lists the accepted forms', () => {
    const e = userErrorOf(() => parseText('nothing to see\n', 'notes.txt'));
    for (const form of [
      'openstack hypervisor list',
      'openstack hypervisor show',
      'compute service list',
      '/os-hypervisors/detail',
      'Loading compute driver',
      'CSV/TSV',
      'compute_nodes',
    ]) {
      expect(e.message).toContain(form);
    }
  });
});
