/**
 * nova-compute logs as an inventory: nova/virt/driver.py `load_compute_driver`
 * logs `Loading compute driver '<compute_driver>'` (logger nova.virt.driver,
 * INFO) each time nova-compute starts (nova-logs.md §5). A log can hold
 * several start-ups and a host can change driver between them, so every such
 * line is one fact.
 *
 * The line does not name the host. It comes from, in order:
 *   1. the syslog/journald envelope (`Oct 13 21:40:02 xen-01 nova-compute[1187]: …`),
 *      or the `hostname` of an oslo.log JSON record;
 *   2. `--host` (what the operator says beats what a path suggests);
 *   3. a `grep -H` prefix naming `…/<host>/nova-compute.log` (a grep across collected logs);
 *   4. the file's own path `…/<host>/nova-compute.log*`.
 * A parent directory such as /var/log/nova or C:\OpenStack\Log names no host.
 */
import { UserError } from '../errors.js';
import { grepPrefixLength, payloadOf, stripEnvelope } from '../../parsers/envelopes.js';
import { newOsloHeader, readOsloHeader } from '../../parsers/nova-oslo.js';
import { epochSecondsToMs, parseIso } from '../../parsers/time.js';
import { driverFromComputeDriver } from './drivers.js';
import type { InventoryFact, InventoryParse, InventoryParseOptions } from './types.js';

export const COMPUTE_DRIVER_LOGGER = 'nova.virt.driver';
const LOADING_COMPUTE_DRIVER = /^Loading compute driver '([^']+)'/;

/** Directories nova-compute.log lives in that name no host (distribution, kolla and Windows defaults). */
const DIRS_NAMING_NO_HOST = new Set([
  '',
  '.',
  '..',
  'nova',
  'nova-compute',
  'nova_compute',
  'log',
  'logs',
  'kolla',
  'var',
  'tmp',
  'openstack',
  'containers',
]);

/**
 * The host a path `…/<host>/nova-compute.log*` names (rotations such as
 * `.1`, `.2.gz`, `-20191014` included), or null. `/` and `\` both separate.
 */
export function hostFromComputeLogPath(path: string): string | null {
  const parts = path.split(/[\\/]/);
  const name = parts[parts.length - 1];
  const dir = parts[parts.length - 2];
  if (name === undefined || !name.startsWith('nova-compute.log') || dir === undefined) return null;
  return DIRS_NAMING_NO_HOST.has(dir.toLowerCase()) ? null : dir;
}

type HostSource = 'envelope' | 'grep' | 'path' | 'option';

const SOURCE_WORDS: Record<HostSource, string> = {
  envelope: 'the log lines themselves',
  grep: 'the grep file-name prefix',
  path: 'the file path',
  option: '--host',
};

/** Resolves each line's host and remembers where --host lost, for one warning per file. */
class HostResolver {
  private readonly fromPath: string | null;
  private readonly overridden = new Map<string, HostSource>();

  constructor(private readonly opts: InventoryParseOptions) {
    this.fromPath = hostFromComputeLogPath(opts.path);
  }

  resolve(lineHost: string | null, grepPath: string | null): { host: string; source: HostSource } | null {
    const option = this.opts.host === undefined || this.opts.host === '' ? null : this.opts.host;
    if (lineHost !== null) {
      if (option !== null && option !== lineHost) this.overridden.set(lineHost, 'envelope');
      return { host: lineHost, source: 'envelope' };
    }
    if (option !== null) return { host: option, source: 'option' };
    const g = grepPath === null ? null : hostFromComputeLogPath(grepPath);
    if (g !== null) return { host: g, source: 'grep' };
    if (this.fromPath !== null) return { host: this.fromPath, source: 'path' };
    return null;
  }

  /** `--host X` given but every host came from elsewhere: say so, so a wrong path-derived name is noticed. */
  warnings(): string[] {
    return [...this.overridden].map(
      ([host, source]) =>
        `${this.opts.path}: host ${host} is taken from ${SOURCE_WORDS[source]}; --host ${this.opts.host} applies ` +
        'only to lines whose prefix names no host.',
    );
  }
}

const noHostError = (path: string, line: number): UserError =>
  new UserError(
    `${path}:${line}: cannot tell which host wrote this nova-compute log: ` +
      'its lines carry no syslog/journald host and the file is not <host>/nova-compute.log. ' +
      'Pass --host NAME with the host name os-hosts URLs use (the compute service host).',
  );

const noStartupError = (path: string): UserError =>
  new UserError(
    `${path}: an oslo.log file with no \`Loading compute driver '…'\` line (logger ${COMPUTE_DRIVER_LOGGER}). ` +
      'nova-compute writes that line only when it starts: import a log or an older ' +
      'rotation that covers a start-up, or give the host and its driver in a CSV file.',
  );

const fact = (host: string, computeDriver: string, observedAt: number | null, line: number): InventoryFact => ({
  host,
  hypervisorHostname: null,
  driver: driverFromComputeDriver(computeDriver),
  hypervisorType: null,
  observedAt,
  line,
});

/** Lines starting `-- ` are journalctl's own (`-- Logs begin at …`, `-- Reboot --`). */
const isJournalMarker = (line: string): boolean => line.startsWith('-- ');

/** Default year for dates printed without one; the current UTC year, as syslog means it. */
const yearOf = (opts: InventoryParseOptions): number => opts.year ?? new Date().getUTCFullYear();

/** True when one of the first lines (past any envelope) has an oslo.log header: a text service log. */
export function looksLikeOsloTextLog(lines: readonly string[], opts: InventoryParseOptions): boolean {
  const year = yearOf(opts);
  const header = newOsloHeader();
  let seen = 0;
  for (const line of lines) {
    if (line === '' || isJournalMarker(line)) continue;
    if (readOsloHeader(payloadOf(line, stripEnvelope(line, year)), header)) return true;
    if (++seen >= 200) return false;
  }
  return false;
}

/** oslo text lines: the start-up lines, with hosts and times. Throws when there is none, or one has no host. */
export function parseComputeLogText(lines: readonly string[], opts: InventoryParseOptions): InventoryParse {
  const year = yearOf(opts);
  const header = newOsloHeader();
  const hosts = new HostResolver(opts);
  const facts: InventoryFact[] = [];
  lines.forEach((line, i) => {
    if (line === '' || !line.includes('Loading compute driver')) return;
    const env = stripEnvelope(line, year);
    if (!readOsloHeader(payloadOf(line, env), header) || header.logger !== COMPUTE_DRIVER_LOGGER) return;
    const m = LOADING_COMPUTE_DRIVER.exec(header.text.slice(header.messageStart));
    if (!m) return;
    const g = grepPrefixLength(line);
    // `path:` or `path:12:` (grep -H [-n]), or loghub's `name ` prefix.
    const grepPath =
      g === 0
        ? null
        : line
            .slice(0, g)
            .replace(/(?::\d+)?:$/, '')
            .trimEnd();
    const resolved = hosts.resolve(env.host, grepPath);
    if (resolved === null) throw noHostError(opts.path, i + 1);
    // An envelope with a stated offset is unambiguous; oslo's own time is local time, read as UTC.
    const observedAt =
      env.wallMs !== null && env.offsetMin !== null
        ? env.wallMs - env.offsetMin * 60_000
        : (header.wallMs ?? env.wallMs);
    facts.push(fact(resolved.host, m[1]!, observedAt, i + 1));
  });
  if (facts.length === 0) throw noStartupError(opts.path);
  return { kind: 'nova-compute-log', facts, warnings: hosts.warnings() };
}

/** An oslo.log JSONFormatter record (`[DEFAULT] use_json = True`): the keys read here. */
export const isOsloJsonRecord = (o: Record<string, unknown>): boolean =>
  typeof o['name'] === 'string' && typeof o['message'] === 'string' && 'levelname' in o;

/**
 * oslo.log JSON records (one per line): `name`, `message`, `created` (epoch
 * seconds, UTC) and `hostname` (socket.gethostname() of the writer).
 */
export function parseComputeLogRecords(
  records: ReadonlyArray<{ value: Record<string, unknown>; line: number }>,
  opts: InventoryParseOptions,
): InventoryParse {
  const hosts = new HostResolver(opts);
  const facts: InventoryFact[] = [];
  for (const { value: r, line } of records) {
    if (r['name'] !== COMPUTE_DRIVER_LOGGER || typeof r['message'] !== 'string') continue;
    const m = LOADING_COMPUTE_DRIVER.exec(r['message']);
    if (!m) continue;
    const hostname = typeof r['hostname'] === 'string' && r['hostname'] !== '' ? r['hostname'] : null;
    const resolved = hosts.resolve(hostname, null);
    if (resolved === null) throw noHostError(opts.path, line);
    const created = r['created'];
    const asctime = typeof r['asctime'] === 'string' ? parseIso(r['asctime']) : null;
    const observedAt =
      typeof created === 'number' && Number.isFinite(created) ? epochSecondsToMs(created) : (asctime?.wallMs ?? null);
    facts.push(fact(resolved.host, m[1]!, observedAt, line));
  }
  if (facts.length === 0) throw noStartupError(opts.path);
  return { kind: 'nova-compute-log', facts, warnings: hosts.warnings() };
}
