/**
 * Commands for sharing evidence across clouds: `export` (anonymised, one
 * cloud), `merge` (many clouds' exports), `compare` (two reports or exports).
 */
import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { MERGE_SCHEMA, type MergeReport } from '../../../reports/export-model.js';
import { renderMergeMarkdown, renderMergeText } from '../../../reports/merge-text.js';
import { compareFiles, renderComparison, type Comparison } from '../../compare.js';
import { ExitCode, UserError, usageError } from '../../errors.js';
import { buildExport, explainFor, exportIdentity } from '../../export.js';
import { packsFor } from '../../packs.js';
import { mergeExports, readExport } from '../../merge.js';
import { readDb } from '../../store/db.js';
import { parseTimeArg, setExitCode, toolVersion, withDb, withRules } from '../common.js';

function write(out: string | undefined, text: string): void {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(out, text);
  } catch (e) {
    throw new UserError(`Cannot write ${out}: ${(e as Error).message}`);
  }
}

export interface ExportArgs {
  db: string;
  out?: string;
  deployment?: string;
  since?: string;
  until?: string;
  api: string[];
  rules: string[];
  explain: boolean;
}

export function runExport(a: ExportArgs, now = new Date()): string {
  const from = parseTimeArg(a.since, 'since', now.getTime());
  const to = parseTimeArg(a.until, 'until', now.getTime());
  const identity = exportIdentity(a.db);
  return readDb(a.db, (db) => {
    const packs = packsFor(db, a.rules, false);
    const apis = a.api.length > 0 ? a.api : ['os-hosts', 'os-services'];
    for (const api of apis) if (!packs.some((p) => p.api === api)) throw usageError(`No rule pack for --api "${api}".`);
    const x = buildExport(db, {
      apis,
      window: { from, to },
      packs,
      label: a.deployment ?? null,
      identity,
      version: toolVersion(),
      now,
    });
    return JSON.stringify(x, null, 2) + '\n';
  });
}

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export',
  describe:
    'Write anonymised evidence to share (apicensus.export/v2): aggregates per day, ' +
    'the hours the logs cover, hashed projects and users, no hosts, addresses or paths',
  builder: (y: Argv) =>
    withRules(withDb(y))
      .option('out', { type: 'string', describe: 'File to write (default: stdout)' })
      .option('deployment', {
        type: 'string',
        describe: 'A label for this cloud in merged reports (default: none, only a random id)',
      })
      .option('since', { type: 'string', describe: 'Only calls at or after this time' })
      .option('until', { type: 'string', describe: 'Only calls before this time' })
      .option('api', {
        type: 'string',
        array: true,
        nargs: 1,
        default: [] as string[],
        describe: 'API to export, repeatable (default: os-hosts and os-services)',
      })
      .option('explain', {
        type: 'boolean',
        default: false,
        describe: 'Print every field that leaves and why, and write nothing',
      })
      .example(
        '$0 export --out cloud-a-2024-05.json --deployment cloud-a --since 30d',
        'A month of evidence to send the core team',
      ) as unknown as Argv<ExportArgs>,
  handler: (a) => {
    if (a.explain) {
      process.stdout.write(explainFor(a.db));
      return;
    }
    write(a.out, runExport(a));
  },
};

interface MergeArgs {
  files: string[];
  format: 'text' | 'json' | 'markdown' | 'html';
  out?: string;
}

export async function renderMerge(m: MergeReport, format: MergeArgs['format']): Promise<string> {
  if (format === 'json') return JSON.stringify(m, null, 2) + '\n';
  if (format === 'markdown') return renderMergeMarkdown(m);
  if (format === 'html') {
    const { renderMergeHtml } = await import('../../../reports/html.js');
    return renderMergeHtml(m);
  }
  return renderMergeText(m);
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <files..>',
  describe: 'Merge exports from many clouds: how many deployments call each action, drivers, clients, microversions',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true })
      .option('format', { choices: ['text', 'json', 'markdown', 'html'] as const, default: 'text' as const })
      .option('out', { type: 'string', describe: 'File to write (default: stdout)' })
      .example(
        '$0 merge exports/*.json --format html --out census.html',
        'One page for the mailing list',
      ) as unknown as Argv<MergeArgs>,
  handler: async (a) => {
    const merged = mergeExports(a.files.map(readExport), toolVersion());
    write(a.out, await renderMerge(merged, a.format));
  },
};

/**
 * compare follows diff(1): 0 nothing new, 1 something new, 2 trouble. Any error (a missing or
 * mistyped file, bad JSON, two deployments) is trouble, so `compare … || mail` never takes a typo
 * for a new caller.
 */
function asTrouble(e: unknown): UserError {
  if (e instanceof UserError) return new UserError(e.message, ExitCode.usage, { cause: e });
  return new UserError(`compare failed: ${(e as Error).message}`, ExitCode.usage, { cause: e });
}

interface CompareArgs {
  old: string;
  new: string;
  format: 'text' | 'json';
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <old> <new>',
  describe:
    'What changed between two reports or two exports; exit 0 nothing new, ' +
    '1 something new calls a deprecated API, 2 trouble (as diff)',
  builder: (y: Argv) =>
    y
      .positional('old', { type: 'string', demandOption: true })
      .positional('new', { type: 'string', demandOption: true })
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
      .example(
        '$0 compare last-week.json this-week.json > changes.txt; ' +
          'test $? -ne 1 || mail -s "new caller" ops < changes.txt',
        'Mail the changes when something new calls (2 is trouble: a message on stderr, not a new caller)',
      ) as unknown as Argv<CompareArgs>,
  handler: (a) => {
    let c: Comparison;
    try {
      c = compareFiles(a.old, a.new);
    } catch (e) {
      throw asTrouble(e);
    }
    process.stdout.write(a.format === 'json' ? JSON.stringify(c, null, 2) + '\n' : renderComparison(c));
    if (c.somethingNewCalls) setExitCode(1);
  },
};

export { MERGE_SCHEMA };
