/**
 * Joining observations into calls: the same request seen by HAProxy, by
 * Apache/uWSGI and by nova-api is one call.
 *
 *   1. Lines that carry the same request id are one call.
 *   2. The rest join on (method, normalised path, status) within a time
 *      window, one observation per layer, nearest first.
 *
 * New observations relink only the cluster around them: every observation of
 * the group reachable through a possible join (another layer within the
 * window, or the same request id), and the calls already holding any of them.
 * No join can cross the edge of such a cluster, so relinking it alone gives
 * what relinking the whole group would; and ties break on content (keys,
 * times), never on row ids, so the result does not depend on the order files
 * were ingested in.
 */
import type { Layer } from '../../parsers/types.js';
import type { ObservationRow } from '../ingest/process.js';
import { hash52, KeySet } from '../keys.js';
import type { Db } from './db.js';

export interface LinkOptions {
  windowMs: number;
  /** Action order per api, to name combined effects ("disable+maintenance-on") stably. */
  actionOrder: ReadonlyMap<string, readonly string[]>;
}

interface ObsRow {
  id: number;
  layer: Layer;
  dedup_key: number;
  source_id: number;
  line: number;
  api: string;
  action: string;
  target: string | null;
  method: string;
  raw_path: string;
  norm_path: string;
  time: number | null;
  start_time: number | null;
  status: number | null;
  bytes: number | null;
  duration_ms: number | null;
  client: string | null;
  user_agent: string | null;
  request_id: string | null;
  global_request_id: string | null;
  user_id: string | null;
  project_id: string | null;
  user_name: string | null;
  project_name: string | null;
  microversion: string | null;
  frontend: string | null;
  host: string | null;
}

const LAYER_BIT: Record<Layer, number> = { lb: 1, web: 2, nova: 4, audit: 8 };
/** Who knows best: identity and API facts from nova inwards, client facts from the edge outwards. */
const INNER_FIRST: readonly Layer[] = ['nova', 'audit', 'web', 'lb'];
const OUTER_FIRST: readonly Layer[] = ['lb', 'web', 'audit', 'nova'];

export type GroupKey = readonly [api: string, method: string, normPath: string];

export function groupId(g: GroupKey): string {
  return `${g[0]}\t${g[1]}\t${g[2]}`;
}

/** Where new observations (or effects) landed: the cluster around each is relinked. */
export interface LinkSeed {
  group: GroupKey;
  startTime: number | null;
  requestId: string | null;
  /** The new observation's row id and layer; null for an effect (which changes calls, adds no line). */
  obsId: number | null;
  layer: Layer | null;
}

const OBS_COLUMNS = `id, layer, dedup_key, source_id, line, api, action, target, method, raw_path, norm_path, time, start_time, status,
  bytes, duration_ms, client, user_agent, request_id, global_request_id, user_id, project_id, user_name, project_name,
  microversion, frontend, host, call_id`;

type StoredObs = ObsRow & { call_id: number | null };

/** What ingest hands over for each line of a call of interest: the processor's row and its source. */
export type NewObservation = Omit<ObservationRow, 'keyIndex'> & { sourceId: number };

interface GroupInfo {
  layers: Set<string>;
  /** hash52 of every request id in the group: a repeat sends the line the slow way. */
  requestIds: KeySet;
}

/**
 * Stores observations and keeps `calls` in step, inside the caller's
 * transaction. Most lines of interest land in a group that one layer alone
 * has seen (nova's log only, say): no time join is possible there, so such a
 * line is a call of its own — unless its request id is already on another line
 * or an effect names it — and costs two INSERTs. Everything else is relinked
 * by cluster in `finish()`.
 */
export class CallLinker {
  private readonly groups = new Map<string, GroupInfo>();
  private effectIds: Map<string, KeySet> | null = null;
  private seeds: LinkSeed[] = [];
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly opts: LinkOptions,
  ) {
    this.s = {
      // Positional parameters: named binding costs more per row (bench/: lines of interest are ~8 % of the generated log).
      insertObs: db.prepare(
        `INSERT OR IGNORE INTO observations (layer, dedup_key, source_id, line, parser, service, api, action, target, method, raw_path,
           norm_path, time, start_time, status, bytes, duration_ms, client, client_chain, user_agent, request_id, global_request_id,
           user_id, project_id, user_name, project_name, microversion, frontend, backend, server, host, call_id)
         VALUES (${Array(32).fill('?').join(', ')})`,
      ),
      insertEffect: db.prepare(
        `INSERT OR IGNORE INTO effects (request_id, api, action, refines, target, time, source_id, line)
         VALUES (@requestId, @api, @action, @refines, @target, @time, @sourceId, @line)`,
      ),
      groupsOfRequest: db.prepare<[string, string], { api: string; method: string; norm_path: string }>(
        'SELECT DISTINCT api, method, norm_path FROM observations INDEXED BY observations_by_request WHERE request_id = ? AND api = ?',
      ),
      layersOf: db.prepare<[string, string, string], { layer: string }>(
        'SELECT DISTINCT layer FROM observations INDEXED BY observations_by_group_time WHERE api = ? AND method = ? AND norm_path = ?',
      ),
      requestIdsOf: db.prepare<[string, string, string], { request_id: string }>(
        'SELECT request_id FROM observations INDEXED BY observations_by_group_time WHERE api = ? AND method = ? AND norm_path = ? AND request_id IS NOT NULL',
      ),
      effectIds: db.prepare<[], { api: string; request_id: string }>('SELECT api, request_id FROM effects'),
      deleteCall: db.prepare('DELETE FROM calls WHERE id = ?'),
    };
  }

  private group(gid: string, api: string, method: string, normPath: string): GroupInfo {
    let g = this.groups.get(gid);
    if (!g) {
      g = { layers: new Set(this.s.layersOf.all(api, method, normPath).map((r) => r.layer)), requestIds: new KeySet() };
      for (const r of this.s.requestIdsOf.all(api, method, normPath)) g.requestIds.add(hash52(r.request_id));
      this.groups.set(gid, g);
    }
    return g;
  }

  private hasEffect(api: string, requestId: string): boolean {
    if (this.effectIds === null) {
      this.effectIds = new Map();
      for (const r of this.s.effectIds.all()) this.noteEffect(r.api, r.request_id);
    }
    return this.effectIds.get(api)?.has(hash52(requestId)) ?? false;
  }

  private noteEffect(api: string, requestId: string): void {
    let set = this.effectIds!.get(api);
    if (!set) this.effectIds!.set(api, (set = new KeySet()));
    set.add(hash52(requestId));
  }

  /** Store one line of a call of interest; false when the same line (layer and key) was stored before. */
  addObservation(o: NewObservation): boolean {
    const gid = `${o.api}\t${o.method}\t${o.normPath}`;
    const g = this.group(gid, o.api, o.method, o.normPath);
    const rid = o.requestId === null ? null : hash52(o.requestId);
    const alone =
      (g.layers.size === 0 || (g.layers.size === 1 && g.layers.has(o.layer))) &&
      (rid === null || (!g.requestIds.has(rid) && !this.hasEffect(o.api, o.requestId!)));
    // A line alone is a call by itself: its row, with call_id NULL (see call_list).
    const id = this.insertObservation(o, null);
    if (id === 0) return false;
    if (!alone) this.seeds.push({ group: [o.api, o.method, o.normPath], startTime: o.startTime, requestId: o.requestId, obsId: id, layer: o.layer });
    g.layers.add(o.layer);
    if (rid !== null) g.requestIds.add(rid);
    return true;
  }

  /** Insert an observation row; its row id, or 0 when the same line was stored before. */
  private insertObservation(o: NewObservation, callId: number | null): number {
    const r = this.s.insertObs.run(
      o.layer, o.dedupKey, o.sourceId, o.line, o.parser, o.service, o.api, o.action, o.target, o.method, o.rawPath, o.normPath, o.time,
      o.startTime, o.status, o.bytes, o.durationMs, o.client, o.clientChain, o.userAgent, o.requestId, o.globalRequestId, o.userId,
      o.projectId, o.userName, o.projectName, o.microversion, o.frontend, o.backend, o.server, o.host, callId,
    );
    return r.changes === 0 ? 0 : Number(r.lastInsertRowid);
  }

  /** Store a log message that makes an action precise; the calls holding its request id are relinked. */
  addEffect(e: { requestId: string; api: string; action: string; refines: string; target: string | null; time: number | null; sourceId: number; line: number }): void {
    if (this.s.insertEffect.run(e).changes === 0) return;
    if (this.effectIds !== null) this.noteEffect(e.api, e.requestId);
    for (const row of this.s.groupsOfRequest.all(e.requestId, e.api)) {
      this.seeds.push({ group: [row.api, row.method, row.norm_path], startTime: null, requestId: e.requestId, obsId: null, layer: null });
    }
  }

  /** Relink the clusters around what was added since the last call. */
  finish(): void {
    const seeds = this.seeds;
    this.seeds = [];
    if (seeds.length > 0) relinkAround(this.db, seeds, this.opts);
  }

  /** After a rollback: what was noted about groups may include rows that were not written. */
  forget(): void {
    this.groups.clear();
    this.effectIds = null;
    this.seeds = [];
  }

}

function linkStatements(db: Db) {
  return {
    inRange: db.prepare<[string, string, string, number, number], StoredObs>(
      `SELECT ${OBS_COLUMNS} FROM observations INDEXED BY observations_by_group_time
        WHERE api = ? AND method = ? AND norm_path = ? AND start_time BETWEEN ? AND ?`,
    ),
    // The request-id index: the group index would scan the whole group (thousands of rows) per lookup.
    byRequest: db.prepare<[string, string, string, string], StoredObs>(
      `SELECT ${OBS_COLUMNS} FROM observations INDEXED BY observations_by_request WHERE api = ? AND method = ? AND norm_path = ? AND request_id = ?`,
    ),
    byCall: db.prepare<[number], StoredObs>(`SELECT ${OBS_COLUMNS} FROM observations WHERE call_id = ?`),
    selectEffects: db.prepare<[string, string], { action: string; refines: string }>('SELECT action, refines FROM effects WHERE request_id = ? AND api = ?'),
    deleteCall: db.prepare('DELETE FROM calls WHERE id = ?'),
    insertCall: db.prepare(
      `INSERT INTO calls (api, action, route_action, target, method, norm_path, raw_path, time, status, bytes, duration_ms, client,
         user_agent, request_id, global_request_id, user_id, project_id, user_name, project_name, microversion, frontend, host,
         layers, observations, source_id, line)
       VALUES (@api, @action, @route_action, @target, @method, @norm_path, @raw_path, @time, @status, @bytes, @duration_ms, @client,
         @user_agent, @request_id, @global_request_id, @user_id, @project_id, @user_name, @project_name, @microversion, @frontend, @host,
         @layers, @observations, @source_id, @line)`,
    ),
    setCall: db.prepare('UPDATE observations SET call_id = ? WHERE id = ?'),
  };
}

/** Relink the cluster around each seed (see the header); used by CallLinker.finish and tests. */
export function relinkAround(db: Db, seeds: Iterable<LinkSeed>, opts: LinkOptions): void {
  const W = opts.windowMs;
  const { inRange, byRequest, byCall, selectEffects, deleteCall, insertCall, setCall } = linkStatements(db);
  const byGroup = new Map<string, { group: GroupKey; seeds: LinkSeed[] }>();
  for (const s of seeds) {
    const id = groupId(s.group);
    const g = byGroup.get(id) ?? { group: s.group, seeds: [] };
    g.seeds.push(s);
    byGroup.set(id, g);
  }

  for (const { group, seeds: groupSeeds } of byGroup.values()) {
    const [api, method, normPath] = group;
    const cluster = new Map<number, StoredObs>();
    const pending: StoredObs[] = [];
    const add = (rows: readonly StoredObs[]): void => {
      for (const r of rows) {
        if (cluster.has(r.id)) continue;
        cluster.set(r.id, r);
        pending.push(r);
      }
    };
    // Seeds: what lies within a window of each new observation, and its request id's lines.
    for (const s of groupSeeds) {
      if (s.startTime !== null) add(inRange.all(api, method, normPath, s.startTime - W, s.startTime + W));
      if (s.requestId !== null) add(byRequest.all(api, method, normPath, s.requestId));
    }
    // Close the cluster: through the same request id, through calls already made, and through
    // possible time joins (a line of another layer within the window).
    const seenCalls = new Set<number>();
    while (pending.length > 0) {
      const o = pending.pop()!;
      if (o.request_id !== null) add(byRequest.all(api, method, normPath, o.request_id));
      if (o.call_id !== null && !seenCalls.has(o.call_id)) {
        seenCalls.add(o.call_id);
        add(byCall.all(o.call_id));
      }
      if (o.start_time !== null) {
        const near = inRange.all(api, method, normPath, o.start_time - W, o.start_time + W);
        if (near.some((n) => n.layer !== o.layer)) add(near);
      }
    }
    if (cluster.size === 0) continue;
    for (const id of seenCalls) deleteCall.run(id);
    const obs = [...cluster.values()].sort(
      (a, b) => (a.start_time ?? Infinity) - (b.start_time ?? Infinity) || a.layer.localeCompare(b.layer) || a.dedup_key - b.dedup_key,
    );
    for (const members of joinObservations(obs, W)) {
      const call = mergeCall(members, (rid) => selectEffects.all(rid, api), opts.actionOrder.get(api) ?? []);
      // One line whose action no effect refines is its own call (call_id NULL).
      if (members.length === 1 && call.action === call.route_action) {
        if (members[0]!.call_id !== null) setCall.run(null, members[0]!.id);
        continue;
      }
      const id = Number(insertCall.run(call).lastInsertRowid);
      for (const o of members) setCall.run(id, o.id);
    }
  }
}

/** Group observations into calls (exported for tests). */
export function joinObservations<T extends Pick<ObsRow, 'layer' | 'dedup_key' | 'start_time' | 'status' | 'request_id'>>(
  obs: readonly T[],
  windowMs: number,
): T[][] {
  const parent = obs.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const layers = obs.map((o) => LAYER_BIT[o.layer]);
  const reqId = obs.map((o) => o.request_id);
  const statuses = obs.map((o) => new Set([o.status]));
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    // Keep the smaller index as root: deterministic for a given sorted input.
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    parent[child] = root;
    layers[root] = layers[root]! | layers[child]!;
    reqId[root] ??= reqId[child]!;
    for (const s of statuses[child]!) statuses[root]!.add(s);
  };

  // 1. Same request id.
  const byReq = new Map<string, number>();
  obs.forEach((o, i) => {
    if (o.request_id === null) return;
    const first = byReq.get(o.request_id);
    if (first === undefined) byReq.set(o.request_id, i);
    else union(first, i);
  });

  // 2. Time window, nearest first, between components that can be one request.
  const timeOf = new Map<number, number>();
  const keyOf = new Map<number, number>();
  obs.forEach((o, i) => {
    const r = find(i);
    const t = o.start_time ?? Infinity;
    timeOf.set(r, Math.min(timeOf.get(r) ?? Infinity, t));
    keyOf.set(r, Math.min(keyOf.get(r) ?? Infinity, o.dedup_key));
  });
  const roots = [...timeOf.keys()];
  const timed = roots.filter((r) => Number.isFinite(timeOf.get(r)!)).sort((a, b) => timeOf.get(a)! - timeOf.get(b)! || keyOf.get(a)! - keyOf.get(b)!);
  const compatible = (a: number, b: number): boolean => {
    if ((layers[a]! & layers[b]!) !== 0) return false;
    if (reqId[a] !== null && reqId[b] !== null && reqId[a] !== reqId[b]) return false;
    for (const s of statuses[a]!) if (statuses[b]!.has(s)) return true;
    return false;
  };
  const candidates: { d: number; a: number; b: number; k1: number; k2: number }[] = [];
  for (let i = 0; i < timed.length; i++) {
    const a = timed[i]!;
    for (let j = i + 1; j < timed.length; j++) {
      const b = timed[j]!;
      const d = timeOf.get(b)! - timeOf.get(a)!;
      if (d > windowMs) break;
      if (!compatible(a, b)) continue;
      const ka = keyOf.get(a)!;
      const kb = keyOf.get(b)!;
      candidates.push({ d, a, b, k1: Math.min(ka, kb), k2: Math.max(ka, kb) });
    }
  }
  candidates.sort((x, y) => x.d - y.d || x.k1 - y.k1 || x.k2 - y.k2);
  for (const c of candidates) {
    const ra = find(c.a);
    const rb = find(c.b);
    if (ra !== rb && compatible(ra, rb)) union(ra, rb);
  }

  const out = new Map<number, T[]>();
  obs.forEach((o, i) => {
    const r = find(i);
    const list = out.get(r);
    if (list) list.push(o);
    else out.set(r, [o]);
  });
  return [...out.values()];
}

function pick<K extends keyof ObsRow>(members: readonly ObsRow[], key: K, order: readonly Layer[]): ObsRow[K] | null {
  for (const layer of order) {
    for (const o of members) if (o.layer === layer && o[key] !== null) return o[key];
  }
  return null;
}

function mergeCall(
  members: readonly ObsRow[],
  effectsOf: (requestId: string) => { action: string; refines: string }[],
  actionOrder: readonly string[],
): Record<string, unknown> {
  const first = [...members].sort((a, b) => (a.start_time ?? Infinity) - (b.start_time ?? Infinity))[0]!;
  const routeAction = first.action;
  const requestIds = [...new Set(members.map((o) => o.request_id).filter((r): r is string => r !== null))];
  const refined = new Set<string>();
  for (const rid of requestIds) for (const e of effectsOf(rid)) if (e.refines === routeAction) refined.add(e.action);
  const action =
    refined.size === 0
      ? routeAction
      : [...refined].sort((a, b) => actionOrder.indexOf(a) - actionOrder.indexOf(b) || a.localeCompare(b)).join('+');
  const layerNames = [...new Set(members.map((o) => o.layer))].sort((a, b) => OUTER_FIRST.indexOf(a) - OUTER_FIRST.indexOf(b));
  const times = members.map((o) => o.start_time).filter((t): t is number => t !== null);
  const nova = members.find((o) => o.layer === 'nova');
  return {
    api: first.api,
    action,
    route_action: routeAction,
    target: pick(members, 'target', INNER_FIRST),
    method: first.method,
    norm_path: first.norm_path,
    raw_path: (nova ?? first).raw_path,
    time: times.length > 0 ? Math.min(...times) : null,
    status: pick(members, 'status', INNER_FIRST),
    bytes: pick(members, 'bytes', INNER_FIRST),
    duration_ms: pick(members, 'duration_ms', OUTER_FIRST),
    client: pick(members, 'client', OUTER_FIRST),
    user_agent: pick(members, 'user_agent', OUTER_FIRST),
    request_id: pick(members, 'request_id', INNER_FIRST),
    global_request_id: pick(members, 'global_request_id', INNER_FIRST),
    user_id: pick(members, 'user_id', INNER_FIRST),
    project_id: pick(members, 'project_id', INNER_FIRST),
    user_name: pick(members, 'user_name', INNER_FIRST),
    project_name: pick(members, 'project_name', INNER_FIRST),
    microversion: pick(members, 'microversion', INNER_FIRST),
    frontend: pick(members, 'frontend', OUTER_FIRST),
    host: pick(members, 'host', INNER_FIRST),
    layers: layerNames.join('+'),
    observations: members.length,
    source_id: (nova ?? first).source_id,
    line: (nova ?? first).line,
  };
}
