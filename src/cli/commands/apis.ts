/**
 * `apicensus apis`: the rule packs apicensus knows, with their deprecation
 * facts; `apis --used`: the APIs a database holds calls of, one line each.
 */
import { relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { deprecationText, num, wrapHanging } from '../../../reports/format.js';
import { overviewLines, type OverviewRow } from '../../../reports/overview.js';
import { loadPacks, type RulePack } from '../../rules.js';
import { packageRoot, withDb, withRules } from '../common.js';
import { runReport } from './report.js';

const WIDTH = 80;

/** Where a pack came from: bundled ones relative to the package (rules/os-hosts.json), others as given. */
const packFile = (file: string): string => {
  const rel = relative(packageRoot(), file);
  return rel.startsWith('..') ? file : rel;
};

export function renderApis(packs: readonly RulePack[]): string {
  const out: string[] = [];
  for (const p of [...packs].sort((a, b) => a.service.localeCompare(b.service) || a.api.localeCompare(b.api))) {
    const refusal = p.refusal
      ? `answers ${p.refusal.status}${p.refusal.fromMicroversion ? ` from ${p.refusal.fromMicroversion}` : ''}`
      : '';
    out.push(wrapHanging(`${p.api} [${p.service}] — ${p.title}`, WIDTH, '', '    '));
    const facts = [deprecationText(p).replace(', removed', '; removed'), refusal].filter(Boolean).join('; ');
    if (facts) out.push(wrapHanging(facts, WIDTH, '  ', '    '));
    const actions = p.actions.map((a) =>
      a.replacement === null ? a.name : `${a.name} → ${a.moveTo ?? 'replacement'}`,
    );
    out.push(wrapHanging(`actions: ${actions.join(', ')}`, WIDTH, '  ', '    '));
    if (p.file) out.push(wrapHanging(packFile(p.file), WIDTH, '  ', '    '));
  }
  return out.join('\n') + '\n';
}

/** The APIs with calls in the database, deprecated ones still called first: calls, callers, last seen. */
export function usedApis(db: string, rules: string[]): OverviewRow[] {
  const { report } = runReport({ db, api: ['all'], format: 'json', rules });
  return report.apis
    .filter((a) => a.calls > 0)
    .map((a) => ({ api: a.api, status: a.status, calls: a.calls, projects: a.projects, lastSeen: a.lastSeen }));
}

export function renderUsedApis(rows: readonly OverviewRow[], known: number): string {
  if (rows.length === 0) return 'No call of any known API in this database.\n';
  return (
    [
      `${num(rows.length)} of ${num(known)} known APIs are called (callers: projects), deprecated ones first:`,
      ...overviewLines(rows),
      'Details: apicensus report --api <api>; every API: apicensus report --api all',
    ].join('\n') + '\n'
  );
}

interface ApisArgs {
  rules: string[];
  format: 'text' | 'json';
  used: boolean;
  db: string;
}

export const apisCommand: CommandModule<object, ApisArgs> = {
  command: 'apis',
  describe: 'List the APIs apicensus can report on (its rule packs), with deprecation facts',
  builder: (y: Argv) =>
    withDb(withRules(y))
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
      .option('used', {
        type: 'boolean',
        default: false,
        describe: 'Only the APIs the database holds calls of: calls, callers and last seen, deprecated first',
      })
      .example('$0 apis --used', 'Which APIs this cloud still calls') as unknown as Argv<ApisArgs>,
  handler: (a) => {
    if (a.used) {
      const rows = usedApis(a.db, a.rules);
      const known = loadPacks(a.rules).length;
      process.stdout.write(a.format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : renderUsedApis(rows, known));
      return;
    }
    const packs = loadPacks(a.rules);
    process.stdout.write(a.format === 'json' ? JSON.stringify(packs, null, 2) + '\n' : renderApis(packs));
  },
};
