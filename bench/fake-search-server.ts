/**
 * A small fake OpenSearch / Elasticsearch on 127.0.0.1 (node:http) for tests and the bench: no
 * such server installs here (central-logging.md §5). It speaks the endpoints apicensus uses,
 * with the answers of the version it plays (OpenSearch 1.3, 2.11, 3.3; Elasticsearch 7.17, 8.15,
 * 7.10 OSS), over an in-memory document list:
 *
 *   GET /                                    version and cluster uuid
 *   GET /_cat/indices/{pattern}              index, status (open/close)
 *   POST /{pattern}/_search                  query, sort, size, search_after, aggs, track_total_hits,
 *                                            filter_path, ?scroll, ?ignore_unavailable
 *   POST /_search                            the same inside a PIT
 *   POST|DELETE /_search/scroll              next page (a new scroll id every page: only the latest works) / close
 *   POST /{pattern}/_search/point_in_time    OpenSearch ≥ 2.4 PIT; DELETE /_search/point_in_time
 *   POST /{pattern}/_pit, DELETE /_pit       Elasticsearch ≥ 7.10 (not OSS) PIT; a new id every page
 *
 * Queries: bool (filter, must, should, must_not, minimum_should_match), term, terms, match
 * (operator and/or), match_phrase, range, exists, match_all; `.keyword` fields are the exact
 * string (up to 256 characters, dynamic mapping's ignore_above), text fields are tokenised like
 * the standard tokenizer (lower case; `-` and `/` split, `.` between letters or digits and `_` do
 * not). Aggregations: date_histogram (fixed_interval 1h, min_doc_count, extended_bounds) with a
 * `filters` sub-aggregation, and min. Sort: @timestamp (millisecond values, as a date field
 * sorts), `_doc`, `_shard_doc` (only OpenSearch ≥ 3.3 and Elasticsearch ≥ 7.12 know it).
 *
 * Faults, to test the reader: indices that are closed, that fail shards (an error, or a 200 with
 * `_shards.failed`) or time out; 429 and 503 answers; a page whose connection drops; a scroll
 * whose context expires; slow pages. It counts the PITs and scrolls left open.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Flavor =
  | 'opensearch-1.3'
  | 'opensearch-2.11'
  | 'opensearch-3.3'
  | 'elasticsearch-7.17'
  | 'elasticsearch-8.15'
  | 'elasticsearch-7.10-oss';

export const FLAVORS: readonly Flavor[] = [
  'opensearch-1.3',
  'opensearch-2.11',
  'opensearch-3.3',
  'elasticsearch-7.17',
  'elasticsearch-8.15',
  'elasticsearch-7.10-oss',
];

const UUID = 'Xq3bRkJ5TtKxv2LwF8mZ4A';

/** `GET /` as each version answers it (shapes from central-logging.md §3.1: distribution, build_flavor, tagline). */
export function rootAnswer(flavor: Flavor): Record<string, unknown> {
  const [product, number] = flavor.split('-') as [string, string];
  const version =
    flavor === 'elasticsearch-7.10-oss'
      ? '7.10.2'
      : { '1.3': '1.3.19', '2.11': '2.11.1', '3.3': '3.3.0', '7.17': '7.17.22', '8.15': '8.15.3' }[number]!;
  if (product === 'opensearch')
    return {
      name: 'opensearch-node-1',
      cluster_name: 'kolla_logging',
      cluster_uuid: UUID,
      version: {
        distribution: 'opensearch',
        number: version,
        build_type: 'deb',
        build_hash: '0000000',
        build_date: '2024-01-01T00:00:00.000000Z',
        build_snapshot: false,
        lucene_version: '9.7.0',
        minimum_wire_compatibility_version: '7.10.0',
        minimum_index_compatibility_version: '7.0.0',
      },
      tagline: 'The OpenSearch Project: https://opensearch.org/',
    };
  return {
    name: 'es-node-1',
    cluster_name: 'elk',
    cluster_uuid: UUID,
    version: {
      number: version,
      build_flavor: flavor.endsWith('-oss') ? 'oss' : 'default',
      build_type: 'deb',
      build_hash: '0000000',
      build_date: '2024-01-01T00:00:00.000000Z',
      build_snapshot: false,
      lucene_version: '9.11.1',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}

export interface FakeDoc {
  _id?: string;
  _source: Record<string, unknown>;
}

export interface FakeIndex {
  name: string;
  status?: 'open' | 'close';
  docs: FakeDoc[];
  /** Shards of this index that fail every search. */
  failShards?: number;
  /** Searches touching this index answer timed_out: true. */
  timedOut?: boolean;
}

export interface ServerOptions {
  /** Answer 401 unless the Authorization header is exactly this. */
  requireAuth?: string;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: Buffer; cert: Buffer };
}

export interface Faults {
  /** The next this many requests after the version probe get 429 (Retry-After: 0). */
  throttle?: number;
  /** Then this many get 503. */
  unavailable?: number;
  /** Page requests (PIT searches and scroll continuations, counted from 1) whose connection is dropped, once each. */
  dropPages?: number[];
  /** The n-th scroll continuation answers 404 search_context_missing_exception, once. */
  scrollMissingAt?: number;
  /** Failed shards: a 200 answer with _shards.failed (a proxy or an old server), or an error (default). */
  shardFailure?: 'partial' | 'error';
  /** Milliseconds before each page answer. */
  pageDelayMs?: number;
}

interface Stored {
  index: string;
  id: string;
  ord: number;
  ms: number;
  source: Record<string, unknown>;
}

interface Cursor {
  kind: 'pit' | 'scroll';
  docs: Stored[];
  /** Scroll: the hits left, in order, and the page size. */
  hits?: Stored[];
  size?: number;
  sort?: SortKey[];
  latest: string;
}

type SortKey = { field: string; desc: boolean };
type Q = Record<string, unknown>;

/** The standard tokenizer, near enough (see the header); the live test proves the real one. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+(?:[.'][\p{L}\p{N}_]+)*/gu) ?? [];
}

/** Milliseconds of a date value (ISO with any fraction digits and offset, or epoch ms). */
export function dateMs(v: unknown): number {
  if (typeof v === 'number') return v;
  const s = String(v);
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(s);
  if (!m) return Date.parse(s);
  const zone = !m[3] || m[3] === 'Z' ? 'Z' : m[3].replace(/^([+-]\d\d)(\d\d)$/, '$1:$2');
  return Date.parse(`${m[1]}${zone}`) + (m[2] ? Number(m[2].slice(0, 3).padEnd(3, '0')) : 0);
}

/**
 * A field's tokens joined by spaces with a space on each side (a phrase is then a substring), and
 * their 128-bit Bloom mask.
 */
interface Analysed {
  text: string;
  mask: Uint32Array;
}

const tokenCache = new WeakMap<object, Map<string, Analysed>>();

/** The Bloom bits of a token: two of 128 (a phrase whose bits a document lacks cannot be in it). */
function tokenBits(token: string, mask: Uint32Array): void {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
  for (const b of [h & 127, (h >>> 7) & 127]) mask[b >>> 5]! |= 1 << (b & 31);
}

const maskOf = (ts: readonly string[]): Uint32Array => {
  const m = new Uint32Array(4);
  for (const t of ts) tokenBits(t, m);
  return m;
};

function analysed(d: Stored, field: string): Analysed {
  let m = tokenCache.get(d.source);
  if (!m) tokenCache.set(d.source, (m = new Map()));
  let a = m.get(field);
  if (a === undefined) {
    const v = d.source[field];
    const ts = typeof v === 'string' ? tokens(v) : [];
    a = { text: ` ${ts.join(' ')} `, mask: maskOf(ts) };
    m.set(field, a);
  }
  return a;
}

const tokenText = (d: Stored, field: string): string => analysed(d, field).text;

/** Whether a document's field may hold every token of a mask (false: it surely does not). */
const mayHold = (a: Analysed, m: Uint32Array): boolean => {
  for (let i = 0; i < 4; i++) if ((a.mask[i]! & m[i]!) >>> 0 !== m[i]) return false;
  return true;
};

const one = (q: Q): [string, unknown] => Object.entries(q)[0] as [string, unknown];

class QueryError extends Error {}

type Predicate = (d: Stored) => boolean;

const compiled = new WeakMap<Q, Predicate>();

/** Whether a document matches a query (compiled once per query object: the bench scans a million documents). */
export function matches(d: Stored, q: Q): boolean {
  return compileQuery(q)(d);
}

/** A keyword field's exact value (up to 256 characters), or null. */
const keywordOf = (d: Stored, base: string): string | null => {
  const v = d.source[base];
  return typeof v === 'string' && v.length <= 256 ? v : null;
};

function compileQuery(q: Q): Predicate {
  let p = compiled.get(q);
  if (!p) compiled.set(q, (p = compileNode(q)));
  return p;
}

interface BoolQuery {
  filter?: Q[] | Q;
  must?: Q[] | Q;
  should?: Q[];
  must_not?: Q[] | Q;
  minimum_should_match?: number;
}

function compileBool(b: BoolQuery): Predicate {
  const list = (x: Q[] | Q | undefined): Q[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
  const all = [...list(b.filter), ...list(b.must)].map(compileQuery);
  const none = list(b.must_not).map(compileQuery);
  const should = list(b.should).map(compileQuery);
  const need = b.minimum_should_match ?? (all.length > 0 ? 0 : should.length > 0 ? 1 : 0);
  return (d) => {
    for (const f of all) if (!f(d)) return false;
    for (const f of none) if (f(d)) return false;
    if (need === 0) return true;
    let n = 0;
    for (const f of should) if (f(d) && ++n >= need) return true;
    return false;
  };
}

/** term and terms: the exact value of a `.keyword` field, else one of a text field's tokens (not analysed). */
function compileTerms(type: string, body: Q): Predicate {
  const [field, v] = one(body);
  const values = (
    type === 'terms' ? (v as unknown[]) : [typeof v === 'object' && v !== null ? (v as { value: unknown }).value : v]
  ).map(String);
  if (field.endsWith('.keyword')) {
    const base = field.slice(0, -8);
    const set = new Set(values);
    return (d) => {
      const k = keywordOf(d, base);
      return k !== null && set.has(k);
    };
  }
  return (d) => values.some((x) => tokenText(d, field).includes(` ${x} `));
}

function compileNode(q: Q): Predicate {
  const [type, body] = one(q);
  switch (type) {
    case 'match_all':
      return () => true;
    case 'bool':
      return compileBool(body as BoolQuery);
    case 'term':
    case 'terms':
      return compileTerms(type, body as Q);
    case 'match_phrase': {
      const [field, v] = one(body as Q);
      const text = typeof v === 'object' && v !== null ? String((v as { query: unknown }).query) : String(v);
      const t = tokens(text);
      const needle = ` ${t.join(' ')} `;
      const mask = maskOf(t);
      // The Bloom mask first (bench/: phrase tests were most of the fake server's time on a million documents).
      return (d) => {
        if (t.length === 0 || field.endsWith('.keyword')) return false;
        const a = analysed(d, field);
        return mayHold(a, mask) && a.text.includes(needle);
      };
    }
    case 'match': {
      const [field, v] = one(body as Q);
      const o = typeof v === 'object' && v !== null ? (v as { query: unknown; operator?: string }) : { query: v };
      const t = tokens(String(o.query)).map((x) => ` ${x} `);
      const and = (o.operator ?? 'or').toLowerCase() === 'and';
      return (d) => {
        const text = tokenText(d, field);
        return and ? t.every((x) => text.includes(x)) : t.some((x) => text.includes(x));
      };
    }
    case 'range': {
      const [field, r] = one(body as Q);
      const b = r as { gte?: unknown; gt?: unknown; lt?: unknown; lte?: unknown };
      const [gte, gt, lt, lte] = [b.gte, b.gt, b.lt, b.lte].map((x) => (x === undefined ? undefined : dateMs(x)));
      return (d) => {
        const x = field === '@timestamp' ? d.ms : Number(d.source[field]);
        return (
          (gte === undefined || x >= gte) &&
          (gt === undefined || x > gt) &&
          (lt === undefined || x < lt) &&
          (lte === undefined || x <= lte)
        );
      };
    }
    case 'query_string': {
      // `field:text` or text over Payload, the default operator OR between the analysed tokens.
      const m = /^(?:([\w.@]+):)?(.*)$/.exec(String((body as { query: unknown }).query))!;
      const t = tokens(m[2]!).map((x) => ` ${x} `);
      return (d) => t.some((x) => tokenText(d, m[1] ?? 'Payload').includes(x));
    }
    case 'exists': {
      const field = (body as { field: string }).field;
      return (d) => d.source[field] !== undefined;
    }
    default:
      throw new QueryError(`[${type}] query malformed, no start_object after query name`);
  }
}

/** Keep the keys filter_path names (dotted, arrays crossed); what is left empty goes. */
export function filterPath(value: unknown, paths: string[]): unknown {
  const keep = (v: unknown, rest: string[][]): unknown => {
    if (rest.some((p) => p.length === 0)) return v;
    if (Array.isArray(v)) {
      const items = v.map((x) => keep(x, rest)).filter((x) => x !== undefined);
      return items.length > 0 ? items : undefined;
    }
    if (v === null || typeof v !== 'object') return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const sub = rest.filter((p) => p[0] === k || p[0] === '*').map((p) => p.slice(1));
      if (sub.length === 0) continue;
      const kept = keep(x, sub);
      if (kept !== undefined) out[k] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  return (
    keep(
      value,
      paths.map((p) => p.split('.')),
    ) ?? {}
  );
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    reason: string,
  ) {
    super(reason);
  }
}

const atLeast = (flavor: Flavor, v: string): boolean => {
  const n = (rootAnswer(flavor).version as { number: string }).number.split('.').map(Number);
  const w = v.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((n[i] ?? 0) !== (w[i] ?? 0)) return (n[i] ?? 0) > (w[i] ?? 0);
  return true;
};

export class FakeSearchServer {
  readonly requests: { method: string; path: string; query: Record<string, string>; body: unknown }[] = [];
  private readonly docs = new Map<string, { index: FakeIndex; stored: Stored[] }>();
  private readonly cursors = new Map<string, Cursor>();
  private opened = 0;
  private pages = 0;
  private scrollNexts = 0;
  private faulted = 0;
  private readonly dropped = new Set<number>();
  private server!: Server;
  url = '';

  private constructor(
    readonly flavor: Flavor,
    indices: readonly FakeIndex[],
    readonly faults: Faults,
  ) {
    let ord = 0;
    for (const index of indices) {
      const stored = index.docs.map((d, i) => ({
        index: index.name,
        id: d._id ?? `${index.name}-${i}`,
        ord: ord++,
        ms: dateMs(d._source['@timestamp']),
        source: d._source,
      }));
      this.docs.set(index.name, { index, stored });
    }
  }

  static async start(
    flavor: Flavor,
    indices: readonly FakeIndex[],
    faults: Faults = {},
    opts: ServerOptions = {},
  ): Promise<FakeSearchServer> {
    const s = new FakeSearchServer(flavor, indices, faults);
    s.requireAuth = opts.requireAuth ?? null;
    const handler = (req: IncomingMessage, res: ServerResponse): void => void s.handle(req, res);
    s.server = opts.tls ? createTlsServer(opts.tls, handler) : createServer(handler);
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    return s;
  }

  private requireAuth: string | null = null;

  /** PITs and scrolls opened and not closed. */
  get openCursors(): number {
    return this.cursors.size;
  }

  /** PITs and scrolls opened so far. */
  get cursorsOpened(): number {
    return this.opened;
  }

  setIndexStatus(name: string, status: 'open' | 'close'): void {
    this.docs.get(name)!.index.status = status;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query, body });
    const send = (status: number, answer: unknown, headers: Record<string, string> = {}): void => {
      const filtered = query.filter_path && status === 200 ? filterPath(answer, query.filter_path.split(',')) : answer;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(filtered));
    };
    try {
      if (this.requireAuth !== null && req.headers.authorization !== this.requireAuth)
        return send(401, {
          error: { type: 'security_exception', reason: 'missing authentication credentials for REST request [/]' },
          status: 401,
        });
      if (method !== 'GET' || url.pathname !== '/') {
        const f = this.faults;
        if (this.faulted < (f.throttle ?? 0)) {
          this.faulted++;
          return send(
            429,
            { error: { type: 'es_rejected_execution_exception', reason: 'rejected execution' }, status: 429 },
            { 'retry-after': '0' },
          );
        }
        if (this.faulted < (f.throttle ?? 0) + (f.unavailable ?? 0)) {
          this.faulted++;
          return send(503, { error: { type: 'unavailable', reason: 'no master' }, status: 503 });
        }
      }
      const answer = await this.route(method, decodeURIComponent(url.pathname), query, body as Q | undefined, req);
      if (answer === DROP) {
        req.socket.destroy();
        return;
      }
      send(
        200,
        answer,
        this.flavor.startsWith('elasticsearch') && !this.flavor.endsWith('oss')
          ? { 'x-elastic-product': 'Elasticsearch' }
          : {},
      );
    } catch (e) {
      if (e instanceof HttpError)
        return send(e.status, {
          error: { root_cause: [{ type: e.type, reason: e.message }], type: e.type, reason: e.message },
          status: e.status,
        });
      if (e instanceof QueryError)
        return send(400, { error: { type: 'parsing_exception', reason: e.message }, status: 400 });
      send(500, { error: { type: 'exception', reason: (e as Error).message }, status: 500 });
    }
  }

  private async route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: Q | undefined,
    req: IncomingMessage,
  ): Promise<unknown> {
    const parts = path.split('/').filter((p) => p !== '');
    const os = this.flavor.startsWith('opensearch');
    if (method === 'GET' && parts.length === 0) return rootAnswer(this.flavor);
    if (method === 'GET' && parts[0] === '_cat' && parts[1] === 'indices')
      return this.indicesMatching(parts[2] ?? '*', 'all', true).map((i) => ({
        index: i.name,
        status: i.status ?? 'open',
      }));
    if (parts[0] === '_search' && parts[1] === 'scroll')
      return method === 'DELETE' ? this.closeScroll(body) : this.scrollNext(body, req);
    if (os && parts[0] === '_search' && parts[1] === 'point_in_time' && method === 'DELETE') {
      const ids = ((body?.pit_id as string[]) ?? []).filter((id) => this.cursors.delete(id));
      return { pits: ids.map((pit_id) => ({ pit_id, successful: true })) };
    }
    if (!os && parts[0] === '_pit' && method === 'DELETE') {
      const found = [...this.cursors].find(
        ([, c]) => c.latest === body?.id || this.cursors.get(String(body?.id)) === c,
      );
      if (found) this.cursors.delete(found[0]);
      return { succeeded: true, num_freed: found ? 1 : 0 };
    }
    if (method === 'POST' && parts[0] === '_search' && parts.length === 1) return this.pitSearch(body ?? {}, req);
    if (method === 'POST' && parts[1] === '_search' && parts[2] === 'point_in_time' && os) {
      if (!atLeast(this.flavor, '2.4'))
        throw new HttpError(404, 'invalid_index_name_exception', 'no handler found for uri');
      return {
        pit_id: this.openPit(parts[0]!, query),
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        creation_time: Date.now(),
      };
    }
    if (method === 'POST' && parts[1] === '_pit' && !os) {
      if (this.flavor.endsWith('oss') || !atLeast(this.flavor, '7.10'))
        throw new HttpError(400, 'invalid_index_name_exception', "Invalid index name [_pit], must not start with '_'");
      return { id: this.openPit(parts[0]!, query) };
    }
    if (method === 'POST' && parts[1] === '_search') return this.indexSearch(parts[0]!, query, body ?? {});
    // Enough of the document API for the live test to run here too.
    if (method === 'POST' && parts[1] === '_doc') return this.addDoc(parts[0]!, body ?? {});
    if (method === 'POST' && parts[1] === '_refresh') return { _shards: { total: 1, successful: 1, failed: 0 } };
    if (method === 'POST' && parts[1] === '_count') {
      const indices = this.indicesMatching(parts[0]!, 'open', true);
      const q = (body?.query as Q | undefined) ?? { match_all: {} };
      return { count: this.storedOf(indices).filter((d) => matches(d, q)).length };
    }
    if (method === 'DELETE' && parts.length === 1 && this.docs.delete(parts[0]!)) return { acknowledged: true };
    throw new HttpError(400, 'illegal_argument_exception', `no handler for ${method} ${path}`);
  }

  /** Indices a pattern names: wildcards expand to open ones (or all), explicit closed names fail unless ignored. */
  private indicesMatching(pattern: string, expand: 'open' | 'all', ignoreUnavailable: boolean): FakeIndex[] {
    const out: FakeIndex[] = [];
    for (const p of pattern.split(',')) {
      const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      for (const { index } of this.docs.values()) {
        if (!re.test(index.name)) continue;
        const closed = index.status === 'close';
        if (closed && p.includes('*') && expand === 'open') continue;
        if (closed && !p.includes('*') && expand === 'open' && !ignoreUnavailable)
          throw new HttpError(400, 'index_closed_exception', `closed [${index.name}]`);
        if (closed && expand === 'open') continue;
        out.push(index);
      }
      if (!p.includes('*') && out.length === 0 && !ignoreUnavailable)
        throw new HttpError(404, 'index_not_found_exception', `no such index [${p}]`);
    }
    return out;
  }

  private storedOf(indices: FakeIndex[]): Stored[] {
    return indices.flatMap((i) => this.docs.get(i.name)!.stored);
  }

  private openPit(pattern: string, query: Record<string, string>): string {
    const docs = this.storedOf(this.indicesMatching(pattern, 'open', query.ignore_unavailable === 'true'));
    const id = `pit-${++this.opened}`;
    this.cursors.set(id, { kind: 'pit', docs, latest: id });
    return id;
  }

  private sortKeys(sort: unknown): SortKey[] {
    const list = sort === undefined ? [{ _score: 'desc' }] : Array.isArray(sort) ? sort : [sort];
    return list.map((s) => {
      if (typeof s === 'string') return { field: s, desc: false };
      const [field, dir] = one(s as Q);
      const order = typeof dir === 'string' ? dir : (dir as { order?: string }).order;
      if (
        field === '_shard_doc' &&
        !(this.flavor.startsWith('opensearch') ? atLeast(this.flavor, '3.3') : atLeast(this.flavor, '7.12'))
      )
        throw new HttpError(
          400,
          'search_phase_execution_exception',
          'No mapping found for [_shard_doc] in order to sort on',
        );
      return { field, desc: order === 'desc' };
    });
  }

  private sortValues(d: Stored, keys: SortKey[]): number[] {
    return keys.map((k) =>
      k.field === '@timestamp' ? d.ms : k.field === '_doc' || k.field === '_shard_doc' ? d.ord : 0,
    );
  }

  private compare(a: number[], b: number[], keys: SortKey[]): number {
    for (let i = 0; i < keys.length; i++) if (a[i] !== b[i]) return (a[i]! < b[i]! ? -1 : 1) * (keys[i]!.desc ? -1 : 1);
    return 0;
  }

  /** Shards, timeouts and the hits of a query over some documents, sorted. */
  private run(
    docs: Stored[],
    indices: FakeIndex[],
    body: Q,
    query: Record<string, string>,
  ): { hits: Stored[]; meta: Q; keys: SortKey[] } {
    const failed = indices.reduce((n, i) => n + (i.failShards ?? 0), 0);
    const total = indices.length + failed;
    if (
      failed > 0 &&
      (this.faults.shardFailure ?? 'error') === 'error' &&
      query.allow_partial_search_results === 'false'
    )
      throw new HttpError(
        500,
        'search_phase_execution_exception',
        `Partial shards failure (${failed} shards unavailable)`,
      );
    const meta: Q = {
      took: 1,
      timed_out: indices.some((i) => i.timedOut),
      _shards: {
        total,
        successful: total - failed,
        skipped: 0,
        failed,
        ...(failed > 0
          ? {
              failures: [
                {
                  shard: 0,
                  index: indices.find((i) => i.failShards)!.name,
                  reason: { type: 'node_not_connected_exception', reason: 'node disconnected' },
                },
              ],
            }
          : {}),
      },
    };
    const keys = this.sortKeys(body.sort);
    const q = (body.query as Q | undefined) ?? { match_all: {} };
    const hits = docs.filter((d) => matches(d, q));
    const withValues = hits.map((d) => ({ d, v: this.sortValues(d, keys) }));
    withValues.sort((a, b) => this.compare(a.v, b.v, keys));
    let sorted = withValues.map((x) => x.d);
    const after = body.search_after as number[] | undefined;
    if (after) sorted = sorted.filter((d) => this.compare(this.sortValues(d, keys), after, keys) > 0);
    return { hits: sorted, meta, keys };
  }

  private hitsAnswer(page: Stored[], keys: SortKey[], body: Q, all: number): Q {
    const fields = body._source as string[] | undefined;
    const track = body.track_total_hits;
    const total =
      track === false
        ? undefined
        : track === true
          ? { value: all, relation: 'eq' }
          : { value: Math.min(all, 10_000), relation: all > 10_000 ? 'gte' : 'eq' };
    return {
      hits: {
        ...(total ? { total } : {}),
        max_score: null,
        hits: page.map((d) => ({
          _index: d.index,
          _id: d.id,
          _score: null,
          _source: fields
            ? Object.fromEntries(fields.filter((f) => f in d.source).map((f) => [f, d.source[f]]))
            : d.source,
          sort: this.sortValues(d, keys),
        })),
      },
    };
  }

  private aggregations(docs: Stored[], aggs: Q): Q {
    const out: Q = {};
    for (const [name, spec] of Object.entries(aggs)) {
      const s = spec as Q;
      if (s.min || s.max) {
        const field = ((s.min ?? s.max) as { field: string }).field;
        let value: number | null = null;
        for (const d of docs) {
          const v = field === '@timestamp' ? d.ms : Number(d.source[field]);
          if (value === null || (s.min ? v < value : v > value)) value = v;
        }
        out[name] = { value };
        continue;
      }
      if (s.filter) {
        const within = docs.filter((d) => matches(d, s.filter as Q));
        out[name] = { doc_count: within.length, ...this.aggregations(within, (s.aggs ?? {}) as Q) };
        continue;
      }
      const h = s.date_histogram as {
        fixed_interval: string;
        min_doc_count?: number;
        extended_bounds?: { min: unknown; max: unknown };
      };
      if (!h || h.fixed_interval !== '1h')
        throw new QueryError(`aggregation [${name}] not supported by the fake server`);
      const HOUR = 3_600_000;
      const byHour = new Map<number, Stored[]>();
      for (const d of docs) {
        const k = Math.floor(d.ms / HOUR) * HOUR;
        const list = byHour.get(k);
        if (list) list.push(d);
        else byHour.set(k, [d]);
      }
      if (h.extended_bounds && (h.min_doc_count ?? 1) === 0)
        for (
          let k = Math.floor(dateMs(h.extended_bounds.min) / HOUR) * HOUR;
          k <= dateMs(h.extended_bounds.max);
          k += HOUR
        )
          if (!byHour.has(k)) byHour.set(k, []);
      const sub = (s.aggs ?? {}) as Q;
      out[name] = {
        buckets: [...byHour]
          .filter(([, ds]) => ds.length >= (h.min_doc_count ?? 1))
          .sort((a, b) => a[0] - b[0])
          .map(([key, ds]) => {
            const b: Q = { key_as_string: new Date(key).toISOString(), key, doc_count: ds.length };
            for (const [subName, subSpec] of Object.entries(sub)) {
              const filters = ((subSpec as Q).filters as { filters: Record<string, Q> }).filters;
              b[subName] = {
                buckets: Object.fromEntries(
                  Object.entries(filters).map(([fn, fq]) => [
                    fn,
                    { doc_count: ds.filter((d) => matches(d, fq)).length },
                  ]),
                ),
              };
            }
            return b;
          }),
      };
    }
    return out;
  }

  private indexSearch(pattern: string, query: Record<string, string>, body: Q): Q {
    const indices = this.indicesMatching(pattern, 'open', query.ignore_unavailable === 'true');
    const { hits, meta, keys } = this.run(this.storedOf(indices), indices, body, query);
    const size = (body.size as number | undefined) ?? 10;
    if (!query.scroll && size > 10_000)
      throw new HttpError(400, 'illegal_argument_exception', 'Result window is too large');
    const answer: Q = { ...meta, ...this.hitsAnswer(hits.slice(0, size), keys, body, hits.length) };
    if (body.aggs) answer.aggregations = this.aggregations(hits, body.aggs as Q);
    if (query.scroll) {
      const id = `scroll-${++this.opened}-0`;
      this.cursors.set(id, { kind: 'scroll', docs: [], hits: hits.slice(size), size, sort: keys, latest: id });
      answer._scroll_id = id;
    }
    return answer;
  }

  private addDoc(index: string, source: Q): Q {
    let entry = this.docs.get(index);
    if (!entry) this.docs.set(index, (entry = { index: { name: index, docs: [] }, stored: [] }));
    const ord = [...this.docs.values()].reduce((n, e) => n + e.stored.length, 0);
    const id = `${index}-${entry.stored.length}`;
    entry.index.docs.push({ _id: id, _source: source });
    entry.stored.push({ index, id, ord, ms: dateMs(source['@timestamp']), source });
    return { _index: index, _id: id, result: 'created' };
  }

  private async pageWait(): Promise<typeof DROP | null> {
    this.pages++;
    if (this.faults.pageDelayMs) await new Promise((r) => setTimeout(r, this.faults.pageDelayMs));
    if (this.faults.dropPages?.includes(this.pages) && !this.dropped.has(this.pages)) {
      this.dropped.add(this.pages);
      return DROP;
    }
    return null;
  }

  private async pitSearch(body: Q, req: IncomingMessage): Promise<unknown> {
    void req;
    const pit = body.pit as { id: string } | undefined;
    if (!pit) throw new HttpError(400, 'illegal_argument_exception', 'a search without index needs a pit');
    const entry = [...this.cursors].find(
      ([, c]) => c.kind === 'pit' && (c.latest === pit.id || this.cursors.get(pit.id) === c),
    );
    if (!entry)
      throw new HttpError(404, 'search_context_missing_exception', `No search context found for id [${pit.id}]`);
    if ((await this.pageWait()) === DROP) return DROP;
    const [key, c] = entry;
    const indices = [...new Set(c.docs.map((d) => d.index))].map((n) => this.docs.get(n)!.index);
    const { hits, meta, keys } = this.run(c.docs, indices, body, { allow_partial_search_results: 'false' });
    const size = (body.size as number | undefined) ?? 10;
    // Elasticsearch may answer a new PIT id with every page: the reader must send the latest.
    if (!this.flavor.startsWith('opensearch')) c.latest = `${key}.${this.pages}`;
    return { pit_id: c.latest, ...meta, ...this.hitsAnswer(hits.slice(0, size), keys, body, hits.length) };
  }

  private async scrollNext(body: Q | undefined, req: IncomingMessage): Promise<unknown> {
    void req;
    const id = String(body?.scroll_id);
    const entry = [...this.cursors].find(([, c]) => c.kind === 'scroll' && c.latest === id);
    if (!entry) throw new HttpError(404, 'search_context_missing_exception', `No search context found for id [${id}]`);
    this.scrollNexts++;
    if (this.faults.scrollMissingAt === this.scrollNexts) {
      this.cursors.delete(entry[0]);
      throw new HttpError(404, 'search_context_missing_exception', `No search context found for id [${id}]`);
    }
    if ((await this.pageWait()) === DROP) return DROP;
    const c = entry[1];
    const page = c.hits!.splice(0, c.size!);
    c.latest = `${entry[0]}-${this.scrollNexts}`;
    return {
      _scroll_id: c.latest,
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      ...this.hitsAnswer(page, c.sort!, {}, page.length),
    };
  }

  private closeScroll(body: Q | undefined): Q {
    const ids = (body?.scroll_id as string[] | string | undefined) ?? [];
    let freed = 0;
    for (const id of Array.isArray(ids) ? ids : [ids])
      for (const [k, c] of this.cursors) if (c.kind === 'scroll' && c.latest === id && this.cursors.delete(k)) freed++;
    return { succeeded: true, num_freed: freed };
  }
}

const DROP = Symbol('drop the connection');
