#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=1
/**
 * The apicensus command line. Commands are thin yargs modules around plain
 * functions; this is the one place errors are caught, printed and turned into
 * exit codes (0 done, 1 failed, 2 usage; see README.md).
 */
import { realpathSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ExitCode, UserError } from '../errors.js';
import { exitCodeRequested, toolVersion } from './common.js';
import type { CommandModule } from 'yargs';

/**
 * Each command's module, loaded only when its command runs (or for help, all of them):
 * importing every command's implementation cost ~0.13 s of the start of each run (bench/).
 */
// yargs' CommandModule is invariant in its argument type: the list holds each command's own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type AnyCommand = CommandModule<object, any>;
const COMMANDS: Record<string, () => Promise<AnyCommand[]>> = {
  ingest: async () => [(await import('./commands/ingest.js')).ingestCommand],
  report: async () => [(await import('./commands/report.js')).reportCommand],
  inventory: async () => [(await import('./commands/inventory.js')).inventoryCommand],
  apis: async () => [(await import('./commands/apis.js')).apisCommand],
  export: async () => [(await import('./commands/share.js')).exportCommand],
  merge: async () => [(await import('./commands/share.js')).mergeCommand],
  compare: async () => [(await import('./commands/share.js')).compareCommand],
  hook: async () => [(await import('./commands/hook.js')).hookCommand],
  db: async () => [(await import('./commands/db.js')).dbCommand],
  demo: async () => [(await import('./commands/demo.js')).demoCommand],
  formats: async () => [(await import('./commands/formats.js')).formatsCommand],
};

/** The command modules this argv needs: the named command's, or every one (help, typos, no command). */
async function commandsFor(argv: readonly string[]): Promise<AnyCommand[]> {
  const name = argv.find((a) => !a.startsWith('-'));
  const one = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (one) return one();
  return (await Promise.all(Object.values(COMMANDS).map((load) => load()))).flat();
}

/**
 * yargs drops a lone '-' given to a variadic positional (`ingest -`, `inventory import -`):
 * it is carried through as a token no real argument can be (argv holds no NUL) and put back.
 */
const STDIN_TOKEN = '\0-';

function restoreStdin(args: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(args)) {
    if (v === STDIN_TOKEN) args[k] = '-';
    else if (Array.isArray(v) && v.includes(STDIN_TOKEN))
      args[k] = v.map((x: unknown) => (x === STDIN_TOKEN ? '-' : x));
  }
}

/**
 * yargs renders the running command's whole help after starting its handler, to have it at hand
 * should the command fail later; apicensus never prints it then (failures are UserErrors, and
 * --help renders its own). Rendering it cost ~40-90 ms of every run (string widths and wrapping
 * of every option; bench/: `ingest` of a 1 KB file, which hooks run over many small files).
 * yargs 18.2.0's internals (pinned): without them, the help is rendered as before.
 */
function skipHelpCache(cli: object): void {
  const internal = cli as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } };
  const usage = internal.getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    const commands = await commandsFor(argv);
    const cli = yargs(argv.map((a) => (a === '-' ? STDIN_TOKEN : a)));
    skipHelpCache(cli);
    await cli
      .middleware(restoreStdin, true)
      .scriptName('apicensus')
      .usage(
        '$0 <command> [options]\n\n' +
          'Evidence, from the logs a cloud already writes, of who still calls a deprecated OpenStack API.',
      )
      .command(commands)
      .option('verbose', { type: 'boolean', describe: 'Show stack traces of internal errors', global: true })
      .example(
        '$0 ingest /var/log/nova/nova-api.log*',
        'Read nova-api logs (plain, .gz, directories) into ./apicensus.db',
      )
      .example('$0 report', 'Who still calls os-hosts, with what result, and what to move to')
      .example('$0 report --format json --out report.json', 'The same as a versioned JSON document')
      .demandCommand(
        1,
        'Name a command: ingest, report, apis, inventory, export, merge, compare, hook, db, demo, formats.',
      )
      .strict()
      .version(toolVersion())
      .help()
      .alias('h', 'help')
      .wrap(Math.min(80, process.stdout.columns || 80))
      .fail((msg, err) => {
        if (err) throw err;
        throw new UserError(`${msg}\nRun \`apicensus --help\` for usage.`, ExitCode.usage);
      })
      .parseAsync();
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`apicensus: ${e.message}\n`);
      if (verbose && e.cause) process.stderr.write(`${String((e.cause as Error).stack ?? e.cause)}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(
      `apicensus: internal error: ${err.message}\n` +
        (verbose
          ? `${err.stack}\n`
          : 'Run again with --verbose for the stack trace, and please report it with the apicensus version.\n'),
    );
    return ExitCode.failed;
  }
  return exitCodeRequested();
}

/** True when this module is the program being run (not imported by a test). */
function isMain(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // Heap sizes are read when the process starts: the `apicensus` command's first line asks for
  // 1 MiB semi-spaces (V8 grew them to 16 MiB on ingest's garbage) and one malloc arena for every
  // thread (glibc gave the worker and V8's compiler threads ~15 MB of their own) (bench/: peak
  // RSS of the 1.1 GB nova log 159 → 116 MB with the cache and worker bounds, CPU +2-4 %); set
  // here, the semi-space size had no effect, it only made start-up collect more.
  // The old generation grows 1.5× its live size before a full collection, not up to 4× (read when
  // it next grows, so it can be set now): the 1.1 GB HAProxy log peaked at 188 MB, 153 MB with it.
  setFlagsFromString('--heap-growing-percent=50');
  main(hideBin(process.argv)).then((code) => {
    process.exitCode = code;
  });
}
