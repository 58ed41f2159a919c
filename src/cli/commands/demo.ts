/** `apicensus demo`: ingest the bundled samples/ into a fresh database and print the report (what `npm start` runs). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { CommandModule } from 'yargs';
import { num, plural } from '../../../reports/format.js';
import { renderFirstScreen } from '../../../reports/text.js';
import { ingest, type IngestSummary } from '../../ingest/run.js';
import { importInventory, type ImportResult } from '../../inventory/import.js';
import { packageRoot } from '../common.js';
import { REPORT_FORMATS, runReport, type ReportFormat } from './report.js';

/** What was read, one line per folder of samples/: the report, not the ingest, is the point of the demo. */
export function demoSummary(samples: string, s: IngestSummary, inventory: readonly ImportResult[]): string {
  const folders = new Map<
    string,
    { files: number; lines: number; requests: number; calls: number; malformed: number; formats: Set<string> }
  >();
  for (const f of s.files) {
    const folder = relative(samples, f.path).split(sep)[0] ?? f.path;
    const t = folders.get(folder) ?? { files: 0, lines: 0, requests: 0, calls: 0, malformed: 0, formats: new Set() };
    t.files++;
    t.lines += f.lines;
    t.requests += f.requests;
    t.calls += f.observations;
    t.malformed += f.malformed;
    if (f.format) t.formats.add(f.format);
    folders.set(folder, t);
  }
  const out = [
    `Read samples/ in ${s.seconds.toFixed(2)} s: ${plural(s.files.length, 'input')}, ${plural(s.lines, 'line')}, ` +
      `${plural(s.requests, 'request')}, ${plural(s.malformed, 'malformed line')}`,
    [
      '  ' + 'FOLDER'.padEnd(11),
      'FILES'.padStart(5),
      'LINES'.padStart(6),
      'REQUESTS'.padStart(8),
      'CALLS'.padStart(5),
      'FORMATS',
    ].join(' '),
  ];
  for (const [folder, t] of folders)
    out.push(
      [
        '  ' + `${folder}/`.padEnd(11),
        num(t.files).padStart(5),
        num(t.lines).padStart(6),
        num(t.requests).padStart(8),
        num(t.calls).padStart(5),
        [...t.formats].join(', '),
      ]
        .join(' ')
        .slice(0, 80),
    );
  const facts = inventory.reduce((n, r) => n + r.facts, 0);
  out.push(`Inventory: ${plural(inventory.length, 'file')}, ${plural(facts, 'host fact')} (samples/inventory/)`);
  return out.join('\n') + '\n';
}

interface DemoArgs {
  format: ReportFormat;
  keep: boolean;
  full?: boolean;
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'Ingest the bundled samples/ (logs and inventory) into a fresh database and print the report',
  builder: (y) =>
    y
      .option('format', { choices: REPORT_FORMATS, default: 'text' as ReportFormat })
      .option('full', {
        type: 'boolean',
        describe: 'The whole text report (default on a pipe); on a terminal, only its first screen: the answer',
      })
      .option('keep', { type: 'boolean', default: false, describe: 'Keep the temporary database and print its path' }),
  handler: async (args) => {
    const dir = mkdtempSync(join(tmpdir(), 'apicensus-demo-'));
    const db = join(dir, 'demo.db');
    try {
      const samples = join(packageRoot(), 'samples');
      // The story's logs, then the inventory that says which driver each host runs.
      const summary = await ingest({
        db,
        inputs: [join(samples, 'nova'), join(samples, 'frontends'), join(samples, 'audit')],
        // The samples were written in UTC, whatever zone this machine runs in.
        timezone: 'UTC',
        novaTimezone: 'UTC',
        partialLastLine: 'count',
      });
      const inventory = importInventory(db, [join(samples, 'inventory')]);
      process.stderr.write(demoSummary(samples, summary, inventory) + '\n');
      const { report, output } = runReport({ db, api: [], format: args.format, rules: [] });
      const full = args.full ?? !process.stdout.isTTY;
      if (args.format !== 'text' || full) process.stdout.write(output);
      else {
        const screen = renderFirstScreen(report);
        process.stdout.write(screen);
        const rest = output.split('\n').length - screen.split('\n').length;
        process.stderr.write(`\n… and ${num(rest)} more lines of detail: npm start -- --full | less\n`);
      }
      if (args.keep) process.stderr.write(`\nDatabase kept at ${db}\n`);
    } finally {
      if (!args.keep) rmSync(dir, { recursive: true, force: true });
    }
  },
};
