/** `apicensus inventory import FILE…` and `apicensus inventory list`: which virt driver each compute host runs. */
import type { Argv, CommandModule } from 'yargs';
import { num, truncate, wrapHanging } from '../../../reports/format.js';
import { buildHostDrivers, type HostSummary } from '../../host-drivers.js';
import { readDb } from '../../store/db.js';
import { inventoryFacts } from '../../store/inventory.js';
import { withDb, withNumber } from '../common.js';

export function listInventory(db: string): HostSummary[] {
  return readDb(db, (handle) => buildHostDrivers(inventoryFacts(handle)).hosts());
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * One line per host in 80 columns: the host column as wide as the longest name
 * up to 30; a longer name (a 36-character id) gets a line of its own, its
 * facts on the next, so the columns stay straight.
 */
export function renderInventory(hosts: readonly HostSummary[]): string {
  if (hosts.length === 0) return 'The inventory is empty. Import one with `apicensus inventory import FILE…`.\n';
  const hostW = Math.min(30, Math.max(4, ...hosts.map((h) => h.host.length)));
  const typeW = 80 - hostW - 1 - 10 - 1 - 1 - 21;
  const cols = (host: string, driver: string, type: string, seen: string): string =>
    `${host.padEnd(hostW)} ${driver.padEnd(10)} ${truncate(type, typeW).padEnd(typeW)} ${seen}`.trimEnd();
  const out = [cols('HOST', 'DRIVER', 'HYPERVISOR TYPE', 'SEEN')];
  for (const h of hosts) {
    const last = h.history[h.history.length - 1];
    const seen = last ? `${day(last.firstSeen)}…${day(last.lastSeen)}` : '-';
    if (h.host.length > hostW) out.push(h.host);
    out.push(cols(h.host.length > hostW ? '' : h.host, h.driver ?? 'unknown', h.hypervisorType ?? '-', seen));
    if (h.hypervisorHostnames.length)
      out.push(wrapHanging(`also named ${h.hypervisorHostnames.join(', ')}`, 80, '  ', '    '));
    if (h.history.length > 1) {
      for (const e of h.history)
        out.push(
          wrapHanging(
            `${day(e.firstSeen)}…${day(e.lastSeen)}: ${e.driver ?? 'unknown'}` +
              `${e.hypervisorType ? ` (${e.hypervisorType})` : ''} from ${e.source}`,
            80,
            '  ',
            '    ',
          ),
        );
    }
  }
  return out.join('\n') + '\n';
}

interface ImportArgs {
  db: string;
  files: string[];
  host?: string;
  year?: number;
}

export const inventoryCommand: CommandModule = {
  command: 'inventory <command>',
  describe: 'Import and list which virt driver each compute host runs',
  builder: (y: Argv) =>
    y
      .command({
        command: 'import <files..>',
        describe:
          'Import OSC JSON (hypervisor list/show, compute service list), GET /os-hypervisors/detail JSON, ' +
          'nova-compute logs, CSV/TSV host,driver[,hypervisor_type], or a mysql -B dump of compute_nodes',
        builder: (b: Argv) =>
          withNumber(
            withDb(b).positional('files', { type: 'string', array: true, demandOption: true }).option('host', {
              type: 'string',
              describe: 'Host a nova-compute log belongs to, when neither its lines nor its path say',
            }),
            'year',
            { integer: true, min: 1970, max: 9999, what: 'a year', describe: 'Year for syslog timestamps without one' },
          )
            .example(
              'openstack hypervisor list --long -f json > hv.json && $0 inventory import hv.json',
              'From the OpenStack client',
            )
            .example('$0 inventory import /var/log/nova/nova-compute.log --host cmp-01', 'From a compute node log'),
        handler: async (args) => {
          const a = args as unknown as ImportArgs;
          // Loaded here: finding the files is the ingest's input walker, which `inventory list` must not load.
          const { importInventory } = await import('../../inventory/import.js');
          const results = importInventory(a.db, a.files, {
            ...(a.host ? { host: a.host } : {}),
            ...(a.year ? { year: a.year } : {}),
          });
          for (const r of results) {
            process.stdout.write(
              `${r.path}: ${r.kind}, ${num(r.facts)} facts (${num(r.added)} new, ${num(r.updated)} seen again)\n`,
            );
            for (const w of r.warnings) process.stdout.write(`  warning: ${w}\n`);
          }
        },
      })
      .command({
        command: 'list',
        describe: 'List the hosts, their current driver and its history',
        builder: (b: Argv) =>
          withDb(b).option('format', { choices: ['text', 'json'] as const, default: 'text' as const }),
        handler: (args) => {
          const hosts = listInventory(args.db as string);
          process.stdout.write(args.format === 'json' ? JSON.stringify(hosts, null, 2) + '\n' : renderInventory(hosts));
        },
      })
      .demandCommand(1, 'Name an inventory command: import or list.'),
  handler: () => {},
};
