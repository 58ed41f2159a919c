/** `apicensus demo`: ingest the bundled samples/ into a fresh database and print the report (what `npm start` runs). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { ingest } from '../../ingest/run.js';
import { packageRoot } from '../common.js';
import { summaryText } from './ingest.js';
import { importInventory } from '../../inventory/import.js';
import { REPORT_FORMATS, runReport, type ReportFormat } from './report.js';

export const demoCommand: CommandModule<object, { format: ReportFormat; keep: boolean }> = {
  command: 'demo',
  describe: 'Ingest the bundled samples/ (logs and inventory) into a fresh database and print the report',
  builder: (y) =>
    y
      .option('format', { choices: REPORT_FORMATS, default: 'text' as ReportFormat })
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
        timezone: 'UTC',
        partialLastLine: 'count',
      });
      process.stderr.write(summaryText(summary) + '\n');
      for (const r of importInventory(db, [join(samples, 'inventory')])) {
        process.stderr.write(`inventory ${r.path}: ${r.kind}, ${r.facts} facts\n`);
      }
      process.stderr.write('\n');
      process.stdout.write(runReport({ db, api: [], format: args.format, rules: [] }).output);
      if (args.keep) process.stderr.write(`\nDatabase kept at ${db}\n`);
    } finally {
      if (!args.keep) rmSync(dir, { recursive: true, force: true });
    }
  },
};
