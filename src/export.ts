/**
 * `apicensus export`: the evidence a cloud can share. Aggregates per day and
 * per (action, driver, microversion, status class, client family), each
 * API with the hours its logs cover, and project and user replaced by keyed
 * hashes (HMAC-SHA256 with a secret kept inside the database: one operator's
 * exports stay linkable over time, and nobody without the secret can reverse
 * or even test a guess). No host name, address, request id or path leaves.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  EXPORT_SCHEMA,
  type Export,
  type ExportApi,
  type ExportCaller,
  type ExportRow,
} from '../reports/export-model.js';
import { supportOf } from './capabilities.js';
import { coverageOf } from './coverage.js';
import { UserError } from './errors.js';
import { buildHostDrivers } from './host-drivers.js';
import type { RulePack } from './rules.js';
import { openDb, readDb, type Db } from './store/db.js';
import { keyFileOf, readKeyFile, storedIdentity, storeIdentity, type DeploymentIdentity } from './store/identity.js';
import { inventoryFacts } from './store/inventory.js';
import { callsOf, coveredDays, serviceTotals, type Window } from './store/queries.js';
import { clientFamily, majorVersion } from './user-agent.js';

export type ExportIdentity = DeploymentIdentity;

/**
 * The deployment id and secret, kept inside the database (src/store/identity.ts). The first
 * export of a database creates them (or moves in an older `<db>.export-key`): the one write an
 * export makes, on a writable open taken only then. A user who cannot write the database can
 * still export once the identity is there, or while it is still in the key file.
 */
export function exportIdentity(dbFile: string): ExportIdentity {
  const found = readDb(dbFile, storedIdentity);
  if (found) return found;
  // A key file that cannot be read is an error, not a reason to start a new series.
  const legacy = readKeyFile(keyFileOf(dbFile));
  let db: Db | undefined;
  try {
    db = openDb(dbFile); // a writable open moves a key file in (see store/identity.ts)
    return (
      storedIdentity(db) ??
      storeIdentity(
        db,
        legacy ?? { deploymentId: randomUUID(), secret: randomBytes(32).toString('hex') },
        'first export',
      )
    );
  } catch (e) {
    if (legacy) return legacy; // still beside the database: the next writer moves it in
    throw new UserError(
      `${dbFile} holds no deployment identity yet: the first export stores one in it, and this user cannot write ` +
        `it. Run \`apicensus export\` once as a user who can write the database (${(e as Error).message}).`,
      1,
      { cause: e },
    );
  } finally {
    db?.close();
  }
}

export function keyedHash(secret: string, kind: 'project' | 'user', value: string): string {
  return createHmac('sha256', Buffer.from(secret, 'hex')).update(`${kind}\u0000${value}`).digest('hex').slice(0, 24);
}

const statusClass = (s: number | null): string => (s === null ? 'unknown' : `${Math.floor(s / 100)}xx`);

function compareMv(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return (am ?? 0) - (bm ?? 0) || (an ?? 0) - (bn ?? 0);
}

function refused(status: number | null, microversion: string | null, pack: RulePack): boolean {
  const r = pack.refusal;
  if (!r || status !== r.status) return false;
  if (pack.removed) return true;
  return r.fromMicroversion != null && microversion !== null && compareMv(microversion, r.fromMicroversion) >= 0;
}

export interface ExportOptions {
  apis: string[];
  window: Window;
  packs: readonly RulePack[];
  label: string | null;
  identity: ExportIdentity;
  version: string;
  now?: Date;
}

type HostDrivers = ReturnType<typeof buildHostDrivers>;

/** The service's requests per UTC day, and the hours with any (the API's coverage). */
function serviceDays(db: Db, pack: RulePack, w: Window): { perDay: Map<string, number>; hours: number[] } {
  const perDay = new Map<string, number>();
  const hours: number[] = [];
  for (const h of serviceTotals(db, pack.service, w).hourly) {
    if (h.requests <= 0) continue;
    hours.push(h.hour);
    const day = new Date(h.hour).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + h.requests);
  }
  return { perDay, hours };
}

/**
 * Stream an API's calls and count each distinct row per day (memory grows with distinct rows,
 * not calls), and the calls of each (hashed) caller.
 */
function tallyCalls(
  db: Db,
  o: ExportOptions,
  pack: RulePack,
  hostDrivers: HostDrivers,
): { byDay: Map<string, Map<string, ExportRow>>; callers: Map<string, ExportCaller> } {
  const hostTargets = pack.routes.some((r) => r.target === 'host');
  const byDay = new Map<string, Map<string, ExportRow>>();
  const callers = new Map<string, ExportCaller>();
  const families = new Map<string | null, ReturnType<typeof clientFamily>>();
  const hashes = new Map<string, string>();
  const hashOf = (kind: 'project' | 'user', v: string): string => {
    const k = `${kind}\u0000${v}`;
    let h = hashes.get(k);
    if (h === undefined) hashes.set(k, (h = keyedHash(o.identity.secret, kind, v)));
    return h;
  };
  for (const [action, target, time, status, , agent, userId, projectId, userName, projectName, microversion] of callsOf(
    db,
    pack.api,
    o.window,
  )) {
    const driver = hostTargets && target !== null ? (hostDrivers.resolve(target, time).driver ?? 'unknown') : null;
    let fam = families.get(agent);
    if (!fam) families.set(agent, (fam = clientFamily(agent)));
    const project = projectId ?? projectName;
    const user = userId ?? userName;
    const row: ExportRow = {
      action,
      driver,
      supported: driver === null ? null : supportOf(action, driver === 'unknown' ? null : driver).supported,
      microversion,
      statusClass: statusClass(status),
      refused: refused(status, microversion, pack),
      client: fam.family,
      clientMajor: majorVersion(fam.version),
      project: project === null ? null : hashOf('project', project),
      calls: 0,
    };
    const ck = `${row.project ?? ''}\u0000${user ?? ''}`;
    let caller = callers.get(ck);
    if (!caller)
      callers.set(
        ck,
        (caller = { project: row.project, user: user === null ? null : hashOf('user', user), calls: 0, actions: {} }),
      );
    caller.calls++;
    caller.actions[action] = (caller.actions[action] ?? 0) + 1;
    const day = time === null ? 'undated' : new Date(time).toISOString().slice(0, 10);
    let rows = byDay.get(day);
    if (!rows) byDay.set(day, (rows = new Map()));
    const k =
      `${action}\u0000${driver}\u0000${row.supported}\u0000${microversion}\u0000${row.statusClass}\u0000` +
      `${row.refused}\u0000${row.client}\u0000${row.clientMajor}\u0000${row.project}`;
    const existing = rows.get(k);
    if (existing) existing.calls++;
    else rows.set(k, { ...row, calls: 1 });
  }
  return { byDay, callers };
}

function exportApi(db: Db, o: ExportOptions, api: string, hostDrivers: HostDrivers): ExportApi {
  const pack = o.packs.find((p) => p.api === api);
  if (!pack) throw new UserError(`No rule pack for "${api}".`);
  const { perDay, hours } = serviceDays(db, pack, o.window);
  const { byDay, callers } = tallyCalls(db, o, pack, hostDrivers);
  const days = new Set([...perDay.keys(), ...byDay.keys()]);
  return {
    api,
    service: pack.service,
    coverage: coverageOf(hours),
    deprecated: pack.deprecated
      ? { microversion: pack.deprecated.microversion ?? null, release: pack.deprecated.release ?? null }
      : null,
    removed: pack.removed ? { release: pack.removed.release } : null,
    days: [...days].sort().map((day) => ({
      day,
      serviceRequests: perDay.get(day) ?? 0,
      rows: [...(byDay.get(day)?.values() ?? [])].sort(
        (a, b) =>
          a.action.localeCompare(b.action) || b.calls - a.calls || JSON.stringify(a).localeCompare(JSON.stringify(b)),
      ),
    })),
    callers: [...callers.values()].sort(
      (a, b) =>
        b.calls - a.calls ||
        String(a.project).localeCompare(String(b.project)) ||
        String(a.user).localeCompare(String(b.user)),
    ),
  };
}

export function buildExport(db: Db, o: ExportOptions): Export {
  const hostDrivers = buildHostDrivers(inventoryFacts(db));
  const apis: ExportApi[] = o.apis.map((api) => exportApi(db, o, api, hostDrivers));
  return {
    schema: EXPORT_SCHEMA,
    generatedAt: (o.now ?? new Date()).toISOString(),
    tool: { name: 'apicensus', version: o.version },
    deployment: { id: o.identity.deploymentId, label: o.label },
    window: {
      from: o.window.from === null ? null : new Date(o.window.from).toISOString(),
      to: o.window.to === null ? null : new Date(o.window.to).toISOString(),
    },
    coveredDays: coveredDays(db, o.window),
    apis,
  };
}

/** `export --explain`: every field that leaves, and why. */
export const EXPLAIN = `What \`apicensus export\` writes (${EXPORT_SCHEMA}), field by field, \
and why it is safe to share:

schema, generatedAt, tool       Which format and program made the file, and when.
deployment.id                   A random id created once for this database, so a merge recognises the same cloud
                                twice and does not add its calls up. It says nothing about the cloud itself.
deployment.label                Only what you pass with --deployment (omit it to stay anonymous).
window                          The --since/--until you asked for.
coveredDays                     The UTC days on which the logs held any request at all, so "no call" can be told
                                apart from "no logs". No counts per host or per service leave.
apis[].api, service, deprecated, removed
                                The rule pack's facts about the API (public nova facts). An API listed here is
                                one this export reports on; a merge counts a cloud that did not export an API
                                as unknown for it, never as not calling it.
apis[].coverage                 The hours (UTC, as runs of whole hours) in which the logs held requests to the
                                API's service: where such an hour shows no call, nobody called; outside them the
                                export knows nothing. Only hours leave, no counts.
apis[].days[].day               UTC day.
apis[].days[].serviceRequests   Requests to that service that day, to give the share of traffic.
rows[].action                   The API action (list, show, reboot…).
rows[].driver, supported        The virt driver of the host the call named and whether the action can work on it;
                                the host name itself does not leave.
rows[].microversion             The API microversion the call asked for.
rows[].statusClass, refused     2xx/4xx/5xx, and whether the API refused a too-new microversion.
rows[].client, clientMajor      The User-Agent reduced to its family (python-novaclient, openstacksdk, curl…)
                                and major version; the rest of the header does not leave.
rows[].project                  HMAC-SHA256 of the project id (or name) with a secret that never leaves this
                                machine: your exports stay linkable to each other, but nobody can reverse them
                                or test a guessed id without the secret.
rows[].calls                    How many calls share all of the above.
callers[].project, user, calls, actions
                                The same keyed hashes for each (project, user) pair over the whole window,
                                with their calls by action.

Never written: host names, hypervisor names, IP addresses, request ids, URLs and paths, User-Agent strings,
project or user names and ids, file names, raw log lines.

Where the deployment id and the secret are kept: inside the database (table deployment_identity), created by
its first export, so \`apicensus db backup\` and a plain copy of the file export as the same deployment with
the same hashes. The database already holds the ids the hashes hide: protect it as you would the secret.
Before schema 11 they were kept beside it in <db>.export-key; the first ingest, export or \`db migrate\` that
can write the database moves them in and renames the file <db>.export-key.migrated.
`;

/** `export --explain` for one database: the fields, then where this database's identity is now. */
export function explainFor(dbFile: string): string {
  if (!existsSync(dbFile)) return `${EXPLAIN}\nThis database (${dbFile}): no such file yet.\n`;
  let where: string;
  try {
    const stored = readDb(dbFile, storedIdentity);
    const keyFile = keyFileOf(dbFile);
    where = stored
      ? `kept inside it since ${stored.createdAt} (${stored.origin}); deployment id ${stored.deploymentId}.`
      : existsSync(keyFile)
        ? `still in ${keyFile}; the next ingest, export or \`db migrate\` that can write the database moves it in.`
        : 'none yet: the first export creates it and keeps it inside the database.';
  } catch (e) {
    where = `cannot be read (${(e as Error).message})`;
  }
  return `${EXPLAIN}\nThis database (${dbFile}): ${where}\n`;
}
