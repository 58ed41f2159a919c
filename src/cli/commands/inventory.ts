/** `apicensus inventory import FILE…` and `apicensus inventory list`: which virt driver each compute host runs. */
import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { num } from '../../../reports/format.js';
import { UserError } from '../../errors.js';
import { buildHostDrivers, type HostSummary } from '../../host-drivers.js';
import { expandInputs } from '../../ingest/inputs.js';
import { parseInventory } from '../../inventory/parse.js';
import { openDb, readDb } from '../../store/db.js';
import { importFacts, inventoryFacts } from '../../store/inventory.js';
import { withDb, withNumber } from '../common.js';

export interface ImportResult {
  path: string;
  kind: string;
  facts: number;
  added: number;
  updated: number;
  warnings: string[];
}

/** Import inventory files; every file is parsed before anything is written, so a bad file changes nothing. */
export function importInventory(
  db: string,
  inputs: readonly string[],
  opts: { host?: string; year?: number } = {},
): ImportResult[] {
  const { files, missing } = expandInputs(inputs);
  if (missing.length > 0) throw new UserError(missing.map((m) => `Cannot read ${m.path}: ${m.reason}`).join('\n'));
  const parsed = files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f.path === '-' ? 0 : f.path, 'utf8');
    } catch (e) {
      throw new UserError(`Cannot read ${f.path}: ${(e as Error).message}`);
    }
    return { path: f.path, ...parseInventory(text, { path: f.path, ...opts }) };
  });
  const handle = openDb(db);
  try {
    return parsed.map((p) => ({
      path: p.path,
      kind: p.kind,
      facts: p.facts.length,
      warnings: p.warnings,
      ...importFacts(handle, p.facts, p.kind, p.path),
    }));
  } finally {
    handle.close();
  }
}

export function listInventory(db: string): HostSummary[] {
  return readDb(db, (handle) => buildHostDrivers(inventoryFacts(handle)).hosts());
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function renderInventory(hosts: readonly HostSummary[]): string {
  if (hosts.length === 0) return 'The inventory is empty. Import one with `apicensus inventory import FILE…`.\n';
  const out = [`${'HOST'.padEnd(28)} ${'DRIVER'.padEnd(10)} ${'HYPERVISOR TYPE'.padEnd(22)} SEEN`];
  for (const h of hosts) {
    const last = h.history[h.history.length - 1];
    out.push(
      `${h.host.padEnd(28)} ${(h.driver ?? 'unknown').padEnd(10)} ${(h.hypervisorType ?? '-').padEnd(22)} ${last ? `${day(last.firstSeen)}…${day(last.lastSeen)}` : '-'}`,
    );
    if (h.hypervisorHostnames.length) out.push(`  also named ${h.hypervisorHostnames.join(', ')}`);
    if (h.history.length > 1) {
      for (const e of h.history)
        out.push(
          `  ${day(e.firstSeen)}…${day(e.lastSeen)}: ${e.driver ?? 'unknown'}${e.hypervisorType ? ` (${e.hypervisorType})` : ''} from ${e.source}`,
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
          'Import OSC JSON (hypervisor list/show, compute service list), GET /os-hypervisors/detail JSON, nova-compute logs, CSV/TSV host,driver[,hypervisor_type], or a mysql -B dump of compute_nodes',
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
        handler: (args) => {
          const a = args as unknown as ImportArgs;
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
