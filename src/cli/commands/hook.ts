/**
 * `apicensus hook logrotate|systemd`: ready configuration that ingests each
 * rotated file exactly once, unattended.
 *
 * logrotate: `prerotate` ingests the live file up to its end just before it
 * is rotated; `postrotate` ingests the files rotation produced (the just
 * rotated one holds lines written between the two, and everything a failed
 * prerotate missed). `copytruncate`, because oslo.log keeps its file open (a
 * plain FileHandler unless watch_log_file): renamed, nova would go on writing
 * to .1 and nothing would rotate again, so the hooks would never run. Both
 * hooks are idempotent: content already read adds nothing, so running them
 * too often is harmless.
 *
 * A failure reaches the operator without stopping the rotation (a log that
 * never rotates fills the disk of an API node): a failed prerotate logs to
 * syslog (`logger -t apicensus`) and lets the rotation go on, postrotate then
 * reads the same lines from the rotated file; a failed postrotate also logs
 * and exits 1, so logrotate reports "error running shared postrotate script"
 * and exits 1 itself (Debian's cron.daily mails it; logrotate.service fails).
 */
import { realpathSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { usageError } from '../../errors.js';

const DEFAULT_DB = '/var/lib/apicensus/apicensus.db';

/** How to call this apicensus from a hook: the node binary and the script, absolute. */
export function selfCommand(): string {
  const script = process.argv[1] ? realpathSync(process.argv[1]) : 'apicensus';
  return `${process.execPath} ${script}`;
}

const q = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export interface HookOptions {
  db: string;
  /** nova-api logs to rotate and ingest. */
  logs: string[];
  /** Load-balancer logs rotated by their own stanza (kept apart: other services own their rotation). */
  frontendLogs: string[];
  timezone?: string;
  command?: string;
  /** systemd only: read journald (these units; none: every unit) instead of files. */
  journal?: { units: string[] };
  /** systemd only: read a search server's new days instead of files (kolla-ansible central logging). */
  search?: { option: '--opensearch' | '--elasticsearch'; url: string; index?: string };
}

/** What each stanza says about copytruncate: nova's reason is nova's, the front end's its own. */
const WHY_COPYTRUNCATE = {
  nova: '# nova (oslo.log) keeps its log open: copy and truncate it instead of renaming it',
  frontend: '# the writer (HAProxy, or rsyslog for it) keeps the file open: copy and truncate it, no reload needed',
};

/**
 * A line to syslog with `logger` when there is one (util-linux, in every distribution's base
 * system); succeeds either way, so the exit status is the script's decision.
 */
const LOG_FAILURE = (what: string): string =>
  `{ command -v logger >/dev/null && logger -t apicensus -p user.err "apicensus ingest failed on ${what}: see ` +
  `logrotate's output" || :; }`;

export function logrotateStanza(o: HookOptions): string {
  const cmd = o.command ?? selfCommand();
  const tz = o.timezone ? ` --timezone ${q(o.timezone)}` : '';
  const block = (files: string[], extra: string, kind: keyof typeof WHY_COPYTRUNCATE): string => {
    const live = files.map(q).join(' ');
    const rotated = files.map((f) => `${q(f)}.1 ${q(f)}-[0-9]*[0-9]`).join(' ');
    const ingest = `${cmd} ingest --quiet --db ${q(o.db)}${extra}`;
    return `${files.join(' ')} {
    daily
    rotate 14
    compress
    delaycompress
    ${WHY_COPYTRUNCATE[kind]}
    copytruncate
    missingok
    notifempty
    sharedscripts
    prerotate
        # a failure is logged and the rotation goes on: postrotate reads the same lines from the rotated file
        ${ingest} ${live} || ${LOG_FAILURE('the live log before rotation')}
    endscript
    postrotate
        # ingest what rotation produced: .1 (delaycompress) or a dateext name; missing names are skipped.
        # A failure is logged and fails logrotate (exit 1: cron mails it, logrotate.service fails).
        set --; for f in ${rotated}; do [ -f "$f" ] && set -- "$@" "$f"; done
        [ $# -eq 0 ] || ${ingest} "$@" || { ${LOG_FAILURE('the rotated logs')}; exit 1; }
    endscript
}
`;
  };
  let out = `# apicensus: count every nova-api request exactly once across rotations.
# Install as /etc/logrotate.d/apicensus-nova (replacing the distribution's nova-api stanza).
${block(o.logs, '', 'nova')}`;
  if (o.frontendLogs.length > 0)
    out +=
      `\n# Front-end logs (replacing their distribution stanza): timestamps without a UTC offset are read in` +
      `${tz ? ` ${o.timezone}` : " the machine's zone"}.\n${block(o.frontendLogs, tz, 'frontend')}`;
  return out;
}

/**
 * A word inside `sh -c '…'`: double-quoted (no glob: `flog-*`
 * is an index pattern), its single quotes closed and reopened.
 */
const inner = (s: string): string =>
  /^[\w@%+=:,./-]+$/.test(s) ? s : `"${s.replace(/["$`\\]/g, '\\$&').replace(/'/g, `'\\''`)}"`;

/**
 * What the service runs, and the comment above it: files (their rotations by glob), the journal, or a search server.
 */
function systemdExec(o: HookOptions, cmd: string): { what: string; why: string; exec: string } {
  const tz = o.timezone ? ` --timezone ${q(o.timezone)}` : '';
  const base = `${cmd} ingest --quiet --db ${q(o.db)}${tz}`;
  if (o.journal)
    return {
      what: 'journald',
      why: '# Each run goes on after the cursor of the last entry ingested: entries already read add nothing.',
      exec: `${base} --journal${o.journal.units.map((u) => ` --unit ${inner(u)}`).join('')}`,
    };
  if (o.search)
    return {
      what: `${o.search.option.slice(2)} central logging`,
      why:
        '# Each run reads the UTC days after the last one read whole ' +
        '(and today so far); a day read again adds nothing.\n' +
        '# Credentials, if the cluster wants them: ' +
        'Environment=APICENSUS_SEARCH_USER=… and APICENSUS_SEARCH_PASSWORD=…,\n' +
        '# or an EnvironmentFile=, or --auth-file FILE (never the URL: ps shows it).',
      exec:
        `${base} ${o.search.option} ${inner(o.search.url)}` +
        `${o.search.index ? ` --index ${inner(o.search.index)}` : ''}`,
    };
  return {
    what: 'nova-api and front-end logs',
    why: '# The glob takes the live file and its rotations; content already read adds nothing.',
    exec: `${base} ${[...o.logs, ...o.frontendLogs].map((f) => `${q(f)}*`).join(' ')}`,
  };
}

export function systemdUnits(o: HookOptions): string {
  const { what, why, exec } = systemdExec(o, o.command ?? selfCommand());
  return `# /etc/systemd/system/apicensus-ingest.service
[Unit]
Description=apicensus: ingest ${what} (each request counted once)
After=local-fs.target${o.search ? ' network-online.target\nWants=network-online.target' : ''}

[Service]
Type=oneshot
${why}
# A failed run leaves the unit failed (systemctl --failed; its message in journalctl -u apicensus-ingest);
# OnFailure=<a unit that alerts you> in [Unit] makes it reach you.
ExecStart=/bin/sh -c 'exec ${exec}'
Nice=10
IOSchedulingClass=idle

# /etc/systemd/system/apicensus-ingest.timer
[Unit]
Description=Run apicensus ingest every hour

[Timer]
OnCalendar=hourly
RandomizedDelaySec=300
Persistent=true

[Install]
WantedBy=timers.target
`;
}

interface HookArgs {
  kind: 'logrotate' | 'systemd';
  db: string;
  log: string[];
  'frontend-log': string[];
  timezone?: string;
  journal: boolean;
  unit: string[];
  opensearch?: string;
  elasticsearch?: string;
  index?: string;
}

export const hookCommand: CommandModule<object, HookArgs> = {
  command: 'hook <kind>',
  describe: 'Print a logrotate stanza or a systemd service and timer that ingest logs unattended',
  builder: (y: Argv) =>
    y
      .positional('kind', { choices: ['logrotate', 'systemd'] as const, demandOption: true })
      .option('db', {
        type: 'string',
        default: process.env.APICENSUS_DB || DEFAULT_DB,
        describe: 'Database the hook writes to',
      })
      .option('log', {
        type: 'string',
        array: true,
        nargs: 1,
        default: ['/var/log/nova/nova-api.log'],
        describe: 'nova-api log(s) to ingest',
      })
      .option('frontend-log', {
        type: 'string',
        array: true,
        nargs: 1,
        default: [] as string[],
        describe: 'Load-balancer log(s), e.g. /var/log/haproxy.log',
      })
      .option('timezone', { type: 'string', describe: 'Zone of front-end timestamps without an offset' })
      .option('journal', { type: 'boolean', default: false, describe: 'systemd: read journald instead of log files' })
      .option('unit', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'systemd: journald unit to read (repeatable; implies --journal)',
      })
      .option('opensearch', { type: 'string', describe: "systemd: read kolla-ansible's central logging at this URL" })
      .option('elasticsearch', { type: 'string', describe: 'systemd: the same from Elasticsearch' })
      .option('index', { type: 'string', describe: 'systemd: index pattern of --opensearch (default flog-*)' })
      .example(
        '$0 hook logrotate --frontend-log /var/log/haproxy.log > /etc/logrotate.d/apicensus-nova',
        'Ingest at every rotation',
      )
      .example('$0 hook systemd', 'A service and an hourly timer')
      .example('$0 hook systemd --unit devstack@n-api --unit haproxy', 'The same over journald')
      .example(
        '$0 hook systemd --opensearch http://10.0.0.10:9200',
        "The same over kolla's central logging",
      ) as unknown as Argv<HookArgs>,
  handler: (a) => {
    const search = a.opensearch ?? a.elasticsearch;
    const journal = a.journal || a.unit.length > 0;
    if ((journal || search !== undefined) && a.kind !== 'systemd')
      throw usageError('--journal, --unit, --opensearch and --elasticsearch go with `hook systemd`.');
    if (journal && search !== undefined) throw usageError('A service reads the journal or a search server, not both.');
    const o: HookOptions = {
      db: a.db,
      logs: a.log,
      frontendLogs: a['frontend-log'],
      ...(a.timezone ? { timezone: a.timezone } : {}),
      ...(journal ? { journal: { units: a.unit } } : {}),
      ...(search !== undefined
        ? {
            search: {
              option: a.opensearch !== undefined ? ('--opensearch' as const) : ('--elasticsearch' as const),
              url: search,
              ...(a.index ? { index: a.index } : {}),
            },
          }
        : {}),
    };
    process.stdout.write(a.kind === 'logrotate' ? logrotateStanza(o) : systemdUnits(o));
  },
};
