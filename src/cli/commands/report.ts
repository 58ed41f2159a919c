/** `apicensus report`: the evidence, in text, JSON, Markdown, CSV or HTML. */
import { writeFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { renderCsv } from '../../../reports/csv.js';
import type { RenderOptions } from '../../../reports/format.js';
import { renderHtml } from '../../../reports/html.js';
import { renderJson } from '../../../reports/json.js';
import { renderMarkdown } from '../../../reports/markdown.js';
import type { Report } from '../../../reports/model.js';
import { renderText } from '../../../reports/text.js';
import { UserError, usageError } from '../../errors.js';
import { packsFor } from '../../packs.js';
import { buildReport, DEFAULT_MIN_DAYS } from '../../report/build.js';
import { readDb } from '../../store/db.js';
import { reportQueries } from '../../store/report-queries.js';
import { parseTimeArg, toolVersion, withDb, withRules } from '../common.js';

export const REPORT_FORMATS = ['text', 'json', 'markdown', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const RENDERERS: Record<ReportFormat, (r: Report, opts?: RenderOptions) => string> = {
  text: renderText,
  json: renderJson,
  markdown: renderMarkdown,
  csv: renderCsv,
  html: renderHtml,
};

/** What `report` shows without --api: the API under study, then its replacement. */
export const DEFAULT_APIS = ['os-hosts', 'os-services'];

export interface ReportArgs {
  db: string;
  api: string[];
  since?: string;
  until?: string;
  format: ReportFormat;
  out?: string;
  rules: string[];
  'min-days'?: number;
  all?: boolean;
  /** The version the report names (default: this apicensus's); golden-file tests fix it. */
  toolVersion?: string;
}

/** Build the report for a database: the plain function behind the command. */
export function runReport(args: ReportArgs, now = new Date()): { report: Report; output: string } {
  const from = parseTimeArg(args.since, 'since', now.getTime());
  const to = parseTimeArg(args.until, 'until', now.getTime());
  if (from !== null && to !== null && from >= to) throw usageError('--since must be before --until.');
  const minDays = args['min-days'] ?? DEFAULT_MIN_DAYS;
  if (!Number.isInteger(minDays) || minDays < 1)
    throw usageError('--min-days must be a whole number of days, 1 or more.');
  return readDb(args.db, (db) => {
    const packs = packsFor(db, args.rules, false);
    const known = new Set(packs.map((p) => p.api));
    const everything = args.api.includes('all');
    const apis = everything ? [...known].sort() : args.api.length > 0 ? args.api : DEFAULT_APIS;
    for (const a of apis) {
      if (!known.has(a))
        throw usageError(
          `No rule pack for --api "${a}". Known: ${[...known].sort().join(', ')} (or all). Add one with --rules FILE.`,
        );
    }
    const report = buildReport(reportQueries(db), {
      apis,
      window: { from, to },
      packs,
      version: args.toolVersion ?? toolVersion(),
      now,
      minDays,
      rank: everything,
    });
    return { report, output: RENDERERS[args.format](report, { all: args.all ?? false }) };
  });
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report',
  describe: 'Who calls the API under study (os-hosts by default), with what result, and what to migrate to',
  builder: (y) =>
    withRules(withDb(y))
      .option('api', {
        type: 'string',
        array: true,
        nargs: 1,
        default: [] as string[],
        describe:
          'API to report, repeatable (default: os-hosts, then os-services); the first gets the verdict. ' +
          '"all": every API, deprecated ones still called first',
      })
      .option('since', {
        type: 'string',
        describe: 'Only calls at or after this time (2024-05-01, ISO time, or 7d/12h ago)',
      })
      .option('until', { type: 'string', describe: 'Only calls before this time' })
      .option('min-days', {
        type: 'number',
        default: DEFAULT_MIN_DAYS,
        describe: 'Days of logs the answer needs: with fewer, "Can the logs answer?" says partly',
      })
      .option('all', {
        type: 'boolean',
        default: false,
        describe: 'List every row (text, Markdown), not the first ten and "… and N more"',
      })
      .option('format', { choices: REPORT_FORMATS, default: 'text' as ReportFormat, describe: 'Output format' })
      .option('out', { type: 'string', describe: 'Write to this file instead of stdout' })
      .example('$0 report --since 30d', 'The last 30 days')
      .example('$0 report --api all', 'Every API, one line each')
      .example('$0 report --api os-services --format markdown', 'The replacement API, for a review'),
  handler: (args) => {
    const { output } = runReport(args);
    if (args.out) {
      try {
        writeFileSync(args.out, output);
      } catch (e) {
        throw new UserError(`Cannot write ${args.out}: ${(e as Error).message}`);
      }
    } else process.stdout.write(output);
  },
};
