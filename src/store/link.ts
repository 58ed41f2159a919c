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
import { hash52, KeySet } from '../keys.js';
import {
  numOrNull,
  OBS_NUM,
  OBS_NUMS,
  OBS_STR,
  OBS_STRS,
  SHAPE_COLUMNS,
  SHAPE_FIELDS,
  SHAPE_STORED,
  SHAPE_STORED_FIELDS,
  type ObservationLines,
  type ObservationShape,
} from '../observation-shape.js';
import type { Db } from './db.js';

export interface LinkOptions {
  windowMs: number;
  /** Action order per api, to name combined effects ("disable+maintenance-on") stably. */
  actionOrder: ReadonlyMap<string, readonly string[]>;
  /**
   * APIs whose packs declare effects: an effect may name any of their
   * lines by request id later, so their groups are always keyed.
   */
  effectApis: ReadonlySet<string>;
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

/** Where new observations (or effects) landed: the cluster around each is relinked. */
export interface LinkSeed {
  /** observation_groups.id: the route (api, method, normalised path) the lines share. */
  groupId: number;
  startTime: number | null;
  requestId: string | null;
}

/** Every column of an observation as relinking reads it, from the three tables (see the observations view). */
const OBS_SELECT = (
  index: string,
): string => `SELECT l.id, s.layer, l.dedup_key, l.source_id, l.line, g.api, s.action, s.target, g.method,
    s.raw_path, g.norm_path, l.time, l.start_time, s.status, l.bytes, l.duration_ms, l.client, l.user_agent, \
l.request_id,
    l.global_request_id, l.user_id, l.project_id, l.user_name, l.project_name, l.microversion, s.frontend, s.host, \
l.call_id
  FROM observation_lines l INDEXED BY ${index} JOIN observation_shapes s ON s.id = l.shape_id \
JOIN observation_groups g ON g.id = l.group_id`;

type StoredObs = ObsRow & { call_id: number | null };

interface GroupInfo {
  id: number;
  api: string;
  layers: Set<string>;
  /** hash52 of the request id of every line in the group: a repeat sends the line the slow way. */
  requestKeys: KeySet;
  /**
   * Whether the group's lines store their request_key, which puts them in the request-id index
   * (migration 009): only once a join by request id can happen in the group.
   */
  keyed: boolean;
}

/** A chunk's shape as stored: its row and its group's. */
export interface StoredShape {
  id: number;
  layer: string;
  api: string;
  group: GroupInfo;
}

/** Stored shapes kept in memory at most (each is a few hundred bytes): beyond, they are looked up again. */
const SHAPE_CACHE = 20_000;

/**
 * Stores observations and keeps `calls` in step, inside the caller's
 * transaction. Most lines of interest land in a group that one layer alone
 * has seen (nova's log only, say): no time join is possible there, so such a
 * line is a call of its own — unless its request id is already on another line
 * or an effect names it — and costs one narrow INSERT (its shape is stored
 * once). Everything else is relinked by cluster in `finish()`.
 */
export class CallLinker {
  private readonly groups = new Map<string, GroupInfo>();
  private readonly shapes = new Map<number, number>();
  private effectKeys: Map<string, KeySet> | null = null;
  private seeds: LinkSeed[] = [];
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly opts: LinkOptions,
  ) {
    this.s = {
      // Positional parameters: named binding costs more per row (bench/).
      insertLine: db.prepare(
        `INSERT INTO observation_lines (shape_id, group_id, dedup_key, source_id, line, time, start_time, bytes, \
duration_ms, client,
           client_chain, user_agent, request_id, global_request_id, request_key, user_id, project_id, user_name, \
project_name, microversion)
         VALUES (${Array(20).fill('?').join(', ')})`,
      ),
      // A line of a request already stored, logged again with fields the stored line lacks.
      enrichLine: db.prepare(
        `UPDATE observation_lines SET client = coalesce(client, @client), client_chain = coalesce(client_chain, \
@clientChain),
           user_agent = coalesce(user_agent, @userAgent), request_id = coalesce(request_id, @requestId),
           global_request_id = coalesce(global_request_id, @globalRequestId), user_id = coalesce(user_id, @userId),
           project_id = coalesce(project_id, @projectId), user_name = coalesce(user_name, @userName),
           project_name = coalesce(project_name, @projectName), microversion = coalesce(microversion, @microversion)
         WHERE group_id = @groupId AND start_time IS @startTime AND dedup_key = @dedupKey
           AND (client IS NULL AND @client IS NOT NULL OR client_chain IS NULL AND @clientChain IS NOT NULL
             OR user_agent IS NULL AND @userAgent IS NOT NULL OR request_id IS NULL AND @requestId IS NOT NULL
             OR global_request_id IS NULL AND @globalRequestId IS NOT NULL OR user_id IS NULL AND @userId IS NOT NULL
             OR project_id IS NULL AND @projectId IS NOT NULL OR user_name IS NULL AND @userName IS NOT NULL
             OR project_name IS NULL AND @projectName IS NOT NULL OR microversion IS NULL AND @microversion IS NOT NULL)
         RETURNING call_id AS callId`,
      ),
      enrichCall: db.prepare(
        `UPDATE calls SET client = coalesce(client, @client), user_agent = coalesce(user_agent, @userAgent),
           request_id = coalesce(request_id, @requestId), global_request_id = coalesce(global_request_id, \
@globalRequestId),
           user_id = coalesce(user_id, @userId), project_id = coalesce(project_id, @projectId),
           user_name = coalesce(user_name, @userName), project_name = coalesce(project_name, @projectName),
           microversion = coalesce(microversion, @microversion)
         WHERE id = @callId`,
      ),
      findGroup: db.prepare<[string, string, string], { id: number; request_keyed: number }>(
        'SELECT id, request_keyed FROM observation_groups WHERE api = ? AND method = ? AND norm_path = ?',
      ),
      insertGroup: db.prepare(
        'INSERT INTO observation_groups (api, method, norm_path, request_keyed) VALUES (?, ?, ?, ?)',
      ),
      keyLines: db.prepare(
        'UPDATE observation_lines SET request_key = hash52(request_id) ' +
          'WHERE group_id = ? AND request_key IS NULL AND request_id IS NOT NULL',
      ),
      keyGroup: db.prepare('UPDATE observation_groups SET request_keyed = 1 WHERE id = ?'),
      unkeyedGroupsOf: db.prepare<[string], { id: number }>(
        'SELECT id FROM observation_groups WHERE api = ? AND request_keyed = 0',
      ),
      findShapes: db.prepare<[number, number], Record<string, unknown> & { id: number }>(
        `SELECT s.id, ${SHAPE_COLUMNS.map((c) => `${SHAPE_STORED.includes(c) ? 's' : 'g'}.${c}`).join(', ')}
           FROM observation_shapes s JOIN observation_groups g ON g.id = s.group_id WHERE s.shape_key = ? \
AND s.group_id = ?`,
      ),
      insertShape: db.prepare(
        `INSERT INTO observation_shapes (shape_key, group_id, ${SHAPE_STORED.join(', ')}) VALUES (?, ?, ` +
          `${SHAPE_STORED.map(() => '?').join(', ')})`,
      ),
      insertEffect: db.prepare(
        `INSERT OR IGNORE INTO effects (request_id, api, action, refines, target, time, source_id, line)
         VALUES (@requestId, @api, @action, @refines, @target, @time, @sourceId, @line)`,
      ),
      groupsOfRequest: db.prepare<[number, string, string], { group_id: number }>(
        `SELECT DISTINCT l.group_id FROM observation_lines l INDEXED BY observation_lines_by_request \
JOIN observation_groups g ON g.id = l.group_id
          WHERE l.request_key = ? AND l.request_id = ? AND g.api = ?`,
      ),
      layersOf: db.prepare<[number], { layer: string }>(
        'SELECT DISTINCT layer FROM observation_shapes INDEXED BY observation_shapes_by_group WHERE group_id = ?',
      ),
      requestIdsOf: db.prepare<[number], { request_id: string }>(
        'SELECT request_id FROM observation_lines INDEXED BY ' +
          'observation_lines_by_group_time WHERE group_id = ? AND request_id IS NOT NULL',
      ),
      effectIds: db.prepare<[], { api: string; request_id: string }>('SELECT api, request_id FROM effects'),
    };
  }

  private group(api: string, method: string, normPath: string): GroupInfo {
    const gid = `${api}\t${method}\t${normPath}`;
    let g = this.groups.get(gid);
    if (!g) {
      const found = this.s.findGroup.get(api, method, normPath);
      const keyed = found ? found.request_keyed === 1 : this.opts.effectApis.has(api);
      const id = found
        ? found.id
        : Number(this.s.insertGroup.run(api, method, normPath, keyed ? 1 : 0).lastInsertRowid);
      g = { id, api, layers: new Set(this.s.layersOf.all(id).map((r) => r.layer)), requestKeys: new KeySet(), keyed };
      for (const r of this.s.requestIdsOf.all(id)) g.requestKeys.add(hash52(r.request_id));
      this.groups.set(gid, g);
      if (!keyed && this.opts.effectApis.has(api)) this.keyGroup(g);
    }
    return g;
  }

  /**
   * Store the request_key of every line of the group from now on (and
   * of those stored before): a join by request id may need them.
   */
  private keyGroup(g: GroupInfo): void {
    this.keyStoredGroup(g.id);
    g.keyed = true;
  }

  /** The stored side of keying a group: its lines' request_key and its flag. */
  private keyStoredGroup(id: number): void {
    this.s.keyLines.run(id);
    this.s.keyGroup.run(id);
  }

  /** The stored shape with these fields (found by key, fields compared), stored now when there is none. */
  private shapeId(shape: ObservationShape, groupId: number): number {
    const cached = this.shapes.get(shape.key);
    if (cached !== undefined) return cached;
    let id = 0;
    for (const row of this.s.findShapes.all(shape.key, groupId)) {
      if (SHAPE_FIELDS.every((f, i) => row[SHAPE_COLUMNS[i]!] === shape[f])) {
        id = row.id;
        break;
      }
    }
    if (id === 0)
      id = Number(
        this.s.insertShape.run(shape.key, groupId, ...SHAPE_STORED_FIELDS.map((f) => shape[f])).lastInsertRowid,
      );
    if (this.shapes.size >= SHAPE_CACHE) this.shapes.clear();
    this.shapes.set(shape.key, id);
    return id;
  }

  /** APIs whose groups are all keyed (see keyApi); forgotten with the rest after a rollback. */
  private keyedApis = new Set<string>();

  /**
   * Key every group of an API an effect names: its lines are found by request id. Groups of
   * effect APIs are keyed when made; this covers groups stored before the API's pack had effects.
   */
  private keyApi(api: string): void {
    if (this.keyedApis.has(api)) return;
    for (const { id } of this.s.unkeyedGroupsOf.all(api)) this.keyStoredGroup(id);
    for (const g of this.groups.values()) if (g.api === api) g.keyed = true;
    this.keyedApis.add(api);
  }

  private hasEffect(api: string, requestKey: number): boolean {
    if (this.effectKeys === null) {
      this.effectKeys = new Map();
      for (const r of this.s.effectIds.all()) this.noteEffect(r.api, r.request_id);
    }
    return this.effectKeys.get(api)?.has(requestKey) ?? false;
  }

  private noteEffect(api: string, requestId: string): void {
    let set = this.effectKeys!.get(api);
    if (!set) this.effectKeys!.set(api, (set = new KeySet()));
    set.add(hash52(requestId));
  }

  /** The stored rows of a chunk's shapes (found or made), each resolved once per chunk, not once per line. */
  resolveShapes(shapes: readonly ObservationShape[]): StoredShape[] {
    return shapes.map((shape) => {
      const group = this.group(shape.api, shape.method, shape.normPath);
      return { id: this.shapeId(shape, group.id), layer: shape.layer, api: shape.api, group };
    });
  }

  /**
   * Store line `k` of a chunk's calls of interest (see OBS_NUM, OBS_STR). The caller stores each line
   * once: it is new exactly when its request's key was new in hour_keys (same key, layer and hour).
   */
  /**
   * A line of a request whose key this layer already holds (the same request read again, maybe
   * from another format of the same log): the stored line, and its call, take the fields only this
   * one has, so what a call shows does not depend on which of its lines was read first.
   */
  enrichObservation(lines: ObservationLines, k: number, shape: StoredShape): void {
    const n = lines.nums;
    const at = k * OBS_NUMS;
    const s = lines.strs;
    const st = k * OBS_STRS;
    const fields = {
      client: s[st + OBS_STR.client] ?? null,
      clientChain: s[st + OBS_STR.clientChain] ?? null,
      userAgent: s[st + OBS_STR.userAgent] ?? null,
      requestId: s[st + OBS_STR.requestId] ?? null,
      globalRequestId: s[st + OBS_STR.globalRequestId] ?? null,
      userId: s[st + OBS_STR.userId] ?? null,
      projectId: s[st + OBS_STR.projectId] ?? null,
      userName: s[st + OBS_STR.userName] ?? null,
      projectName: s[st + OBS_STR.projectName] ?? null,
      microversion: s[st + OBS_STR.microversion] ?? null,
    };
    const where = {
      groupId: shape.group.id,
      startTime: numOrNull(n[at + OBS_NUM.startTime]!),
      dedupKey: n[at + OBS_NUM.dedupKey],
    };
    for (const row of this.s.enrichLine.all({ ...fields, ...where }) as { callId: number | null }[])
      if (row.callId !== null) this.s.enrichCall.run({ ...fields, callId: row.callId });
  }

  addObservation(lines: ObservationLines, k: number, shape: StoredShape, sourceId: number): void {
    const g = shape.group;
    const n = lines.nums;
    const at = k * OBS_NUMS;
    const s = lines.strs;
    const st = k * OBS_STRS;
    const rkey = numOrNull(n[at + OBS_NUM.requestKey]!);
    const alone =
      (g.layers.size === 0 || (g.layers.size === 1 && g.layers.has(shape.layer))) &&
      (rkey === null || (!g.requestKeys.has(rkey) && !this.hasEffect(shape.api, rkey)));
    // Relinking finds lines by request id: the group's lines need their keys first.
    if (!alone && !g.keyed) this.keyGroup(g);
    // A line alone is a call by itself: its row, with call_id NULL (see call_list).
    this.s.insertLine.run(
      shape.id,
      g.id,
      n[at + OBS_NUM.dedupKey],
      sourceId,
      n[at + OBS_NUM.line],
      numOrNull(n[at + OBS_NUM.time]!),
      numOrNull(n[at + OBS_NUM.startTime]!),
      numOrNull(n[at + OBS_NUM.bytes]!),
      numOrNull(n[at + OBS_NUM.durationMs]!),
      s[st + OBS_STR.client],
      s[st + OBS_STR.clientChain],
      s[st + OBS_STR.userAgent],
      s[st + OBS_STR.requestId],
      s[st + OBS_STR.globalRequestId],
      g.keyed ? rkey : null,
      s[st + OBS_STR.userId],
      s[st + OBS_STR.projectId],
      s[st + OBS_STR.userName],
      s[st + OBS_STR.projectName],
      s[st + OBS_STR.microversion],
    );
    if (!alone) {
      this.seeds.push({
        groupId: g.id,
        startTime: numOrNull(n[at + OBS_NUM.startTime]!),
        requestId: s[st + OBS_STR.requestId] ?? null,
      });
    }
    g.layers.add(shape.layer);
    if (rkey !== null) g.requestKeys.add(rkey);
  }

  /** Store a log message that makes an action precise; the calls holding its request id are relinked. */
  addEffect(e: {
    requestId: string;
    api: string;
    action: string;
    refines: string;
    target: string | null;
    time: number | null;
    sourceId: number;
    line: number;
  }): void {
    if (this.s.insertEffect.run(e).changes === 0) return;
    this.keyApi(e.api);
    if (this.effectKeys !== null) this.noteEffect(e.api, e.requestId);
    const rkey = hash52(e.requestId);
    for (const row of this.s.groupsOfRequest.all(rkey, e.requestId, e.api)) {
      this.seeds.push({ groupId: row.group_id, startTime: null, requestId: e.requestId });
    }
  }

  /** Relink the clusters around what was added since the last call. */
  finish(): void {
    const seeds = this.seeds;
    this.seeds = [];
    if (seeds.length > 0) relinkAround(this.db, seeds, this.opts);
  }

  /** After a rollback: what was noted about groups and shapes may include rows that were not written. */
  forget(): void {
    this.groups.clear();
    this.keyedApis.clear();
    this.shapes.clear();
    this.effectKeys = null;
    this.seeds = [];
  }
}

function linkStatements(db: Db) {
  return {
    inRange: db.prepare<[number, number, number], StoredObs>(
      `${OBS_SELECT('observation_lines_by_group_time')} WHERE l.group_id = ? AND l.start_time BETWEEN ? AND ?`,
    ),
    // The request-key index: the group index would scan the whole group (thousands of rows) per lookup.
    byRequest: db.prepare<[number, string, number], StoredObs>(
      `${OBS_SELECT('observation_lines_by_request')} WHERE l.request_key = ? AND l.request_id = ? AND l.group_id = ?`,
    ),
    byCall: db.prepare<[number], StoredObs>(`${OBS_SELECT('observation_lines_by_call')} WHERE l.call_id = ?`),
    selectEffects: db.prepare<[string, string], { action: string; refines: string }>(
      'SELECT action, refines FROM effects WHERE request_id = ? AND api = ?',
    ),
    deleteCall: db.prepare('DELETE FROM calls WHERE id = ?'),
    insertCall: db.prepare(
      `INSERT INTO calls (api, action, route_action, target, method, norm_path, raw_path, time, status, bytes, \
duration_ms, client,
         user_agent, request_id, global_request_id, user_id, project_id, user_name, project_name, microversion, \
frontend, host,
         layers, observations, source_id, line)
       VALUES (@api, @action, @route_action, @target, @method, @norm_path, @raw_path, @time, @status, @bytes, \
@duration_ms, @client,
         @user_agent, @request_id, @global_request_id, @user_id, @project_id, @user_name, @project_name, \
@microversion, @frontend, @host,
         @layers, @observations, @source_id, @line)`,
    ),
    setCall: db.prepare('UPDATE observation_lines SET call_id = ? WHERE id = ?'),
  };
}

/** Relink the cluster around each seed (see the header); used by CallLinker.finish and tests. */
export function relinkAround(db: Db, seeds: Iterable<LinkSeed>, opts: LinkOptions): void {
  const W = opts.windowMs;
  const { inRange, byRequest, byCall, selectEffects, deleteCall, insertCall, setCall } = linkStatements(db);
  const byGroup = new Map<number, LinkSeed[]>();
  for (const s of seeds) {
    const list = byGroup.get(s.groupId);
    if (list) list.push(s);
    else byGroup.set(s.groupId, [s]);
  }

  for (const [group, groupSeeds] of byGroup) {
    const cluster = new Map<number, StoredObs>();
    const pending: StoredObs[] = [];
    const add = (rows: readonly StoredObs[]): void => {
      for (const r of rows) {
        if (cluster.has(r.id)) continue;
        cluster.set(r.id, r);
        pending.push(r);
      }
    };
    const sameRequest = (requestId: string): StoredObs[] => byRequest.all(hash52(requestId), requestId, group);
    // Seeds: what lies within a window of each new observation, and its request id's lines.
    for (const s of groupSeeds) {
      if (s.startTime !== null) add(inRange.all(group, s.startTime - W, s.startTime + W));
      if (s.requestId !== null) add(sameRequest(s.requestId));
    }
    // Close the cluster: through the same request id, through calls already made, and through
    // possible time joins (a line of another layer within the window).
    const seenCalls = new Set<number>();
    while (pending.length > 0) {
      const o = pending.pop()!;
      if (o.request_id !== null) add(sameRequest(o.request_id));
      if (o.call_id !== null && !seenCalls.has(o.call_id)) {
        seenCalls.add(o.call_id);
        add(byCall.all(o.call_id));
      }
      if (o.start_time !== null) {
        const near = inRange.all(group, o.start_time - W, o.start_time + W);
        if (near.some((n) => n.layer !== o.layer)) add(near);
      }
    }
    if (cluster.size === 0) continue;
    const api = cluster.values().next().value!.api;
    for (const id of seenCalls) deleteCall.run(id);
    const obs = [...cluster.values()].sort(
      (a, b) =>
        (a.start_time ?? Infinity) - (b.start_time ?? Infinity) ||
        a.layer.localeCompare(b.layer) ||
        a.dedup_key - b.dedup_key,
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
export function joinObservations<
  T extends Pick<ObsRow, 'layer' | 'dedup_key' | 'start_time' | 'status' | 'request_id'>,
>(obs: readonly T[], windowMs: number): T[][] {
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
  const timed = roots
    .filter((r) => Number.isFinite(timeOf.get(r)!))
    .sort((a, b) => timeOf.get(a)! - timeOf.get(b)! || keyOf.get(a)! - keyOf.get(b)!);
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
  const layerNames = [...new Set(members.map((o) => o.layer))].sort(
    (a, b) => OUTER_FIRST.indexOf(a) - OUTER_FIRST.indexOf(b),
  );
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
