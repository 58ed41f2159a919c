/**
 * `apicensus ingest --opensearch URL` (or `--elasticsearch`): read a kolla-ansible central
 * logging cluster one UTC day (window) at a time.
 *
 * Per window: one aggregation gives the day's documents, and per hour the requests of each
 * layer, service and front end (pushed down: nothing is fetched for them) and the candidates;
 * then the candidates alone are fetched, rebuilt into the lines their files held (mapping.ts)
 * and ingested through the file processors (LineSink), keyed as any line is; the totals, the
 * window's status and the checkpoint commit in the same transaction as the window's last lines.
 *
 * Exactly once: a candidate's key is its request's (request id, or its fields), so reading a
 * window again adds no request and no call; the window's pushed totals are replaced for the
 * hours read, never added to; reports take per layer and hour the larger of keyed and pushed
 * totals. A day that is closed, has no index, or whose search failed a shard or timed out is
 * stored with its status and reported: never counted as an empty day.
 */
import { createHash } from 'node:crypto';
import { ExitCode, UserError } from '../../errors.js';
import { COMPUTE } from '../../service.js';
import { callsPerApi } from '../../store/queries.js';
import { SearchWindows, type PushedTotal, type WindowKey, type WindowStatus } from '../../store/remote-sources.js';
import { LineSink } from '../line-sink.js';
import { RemoteBatches, withIngestSession, type Session, type SessionOptions } from '../session.js';
import { PartialResults, WindowRestart, checkComplete, windowHits } from './cursor.js';
import { DAY_MS, dayOf, dayStart, daysBetween, indexDays, searchTarget, unreadable, type IndexDays } from './days.js';
import { SearchClient, SearchHttpError, SearchNetworkError, authorizationFrom } from './http.js';
import { lineOfHit } from './mapping.js';
import { probe, type ClusterInfo, type Product } from './probe.js';
import { candidateQuery, inRange, kindsOf, totalsBody, type Kind } from './query.js';

export interface SearchIngestOptions extends SessionOptions {
  url: string;
  /** What the command line said the server is (--opensearch or --elasticsearch); GET / decides. */
  product: Product;
  /** Index pattern (default flog-*, kolla's). */
  index?: string;
  /** ms; default: the day after the checkpoint, else the first day the pattern holds. */
  since?: number | null;
  /** ms; default (and at most): now less `settleMs`. */
  until?: number | null;
  caFile?: string;
  authFile?: string;
  env?: NodeJS.ProcessEnv;
  pageSize?: number;
  /** Documents younger than this are left for the next run (Fluentd flushes every 15 s). */
  settleMs?: number;
  retries?: number;
  backoffMs?: number;
  signal?: AbortSignal;
  now?: number;
  onProgress?: (p: { day: string; fetched: number; candidates: number; documents: number }) => void;
}

export interface WindowResult {
  day: string;
  status: WindowStatus;
  reason: string | null;
  documents: number;
  candidates: number;
  fetched: number;
  /** Compute requests the aggregation counted (every layer), and other services' (HAProxy). */
  pushedRequests: number;
  pushedOther: number;
  requests: number;
  newRequests: number;
  observations: number;
  malformed: number;
}

export interface SearchIngestSummary {
  url: string;
  cluster: ClusterInfo;
  pattern: string;
  from: number | null;
  to: number | null;
  windows: WindowResult[];
  notes: string[];
  documents: number;
  fetched: number;
  newRequests: number;
  observations: number;
  callsByApi: Record<string, number>;
  seconds: number;
}

const DEFAULT_PAGE = 2000;
const DEFAULT_SETTLE_MS = 120_000;
/** Lines applied before a window commits a batch of them (a day of a busy cloud's candidates). */
const BATCH_LINES = 200_000;
const RESTARTS = 2;
const HOUR_MS = 3_600_000;

export async function ingestSearch(o: SearchIngestOptions): Promise<SearchIngestSummary> {
  const started = Date.now();
  const client = new SearchClient({
    url: o.url,
    option: o.product === 'opensearch' ? '--opensearch' : '--elasticsearch',
    ...(o.caFile ? { caFile: o.caFile } : {}),
    authorization: authorizationFrom(o.authFile, o.env ?? process.env),
    ...(o.retries !== undefined ? { retries: o.retries } : {}),
    ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    onRetry: (m) => o.onNotice?.(m),
  });
  try {
    const info = await probe(client);
    if (info.product !== o.product)
      o.onNotice?.(
        `${client.where} is ${info.product} ${info.version}, not ${o.product}: reading it as ${info.product}`,
      );
    const pattern = o.index ?? 'flog-*';
    const days = await indexDays(client, pattern);
    return await withIngestSession(o, async (s) => {
      const run = new SearchRun(o, s, client, info, pattern, days);
      const windows = await run.all();
      return {
        url: client.where,
        cluster: info,
        pattern,
        from: run.from,
        to: run.to,
        windows,
        notes: run.notes,
        documents: windows.reduce((n, w) => n + w.documents, 0),
        fetched: windows.reduce((n, w) => n + w.fetched, 0),
        newRequests: windows.reduce((n, w) => n + w.newRequests, 0),
        observations: windows.reduce((n, w) => n + w.observations, 0),
        callsByApi: callsPerApi(s.db),
        seconds: (Date.now() - started) / 1000,
      };
    });
  } catch (e) {
    // The cluster cannot be reached, refuses the credentials, answers an error: the user's to mend.
    if (e instanceof SearchHttpError || e instanceof SearchNetworkError)
      throw new UserError(`Reading ${client.where}: ${e.message}`, ExitCode.failed, { cause: e });
    throw e;
  } finally {
    await client.close();
  }
}

/** One aggregation's answer: the window's documents, pushed totals and candidates. */
interface WindowTotals {
  documents: number;
  candidates: number;
  totals: PushedTotal[];
  /** The window's first and last request (ms), exact; null when it holds none. */
  first: number | null;
  last: number | null;
}

interface Bucket {
  key: number;
  kind?: { buckets?: Record<string, { doc_count: number }> };
}

class SearchRun {
  readonly notes: string[] = [];
  from: number | null = null;
  to: number | null = null;
  private readonly windows: SearchWindows;
  private readonly kinds: Kind[];
  private readonly candidates: Record<string, unknown>;

  constructor(
    private readonly o: SearchIngestOptions,
    private readonly s: Session,
    private readonly client: SearchClient,
    private readonly info: ClusterInfo,
    private readonly pattern: string,
    private readonly days: IndexDays,
  ) {
    this.windows = new SearchWindows(s.db);
    this.kinds = kindsOf(s.frontends);
    this.candidates = candidateQuery(s.packs, s.frontends);
    if (days.unknown) this.notes.push(`closed days cannot be told: ${days.unknown}`);
    if (days.closedOther.length)
      this.notes.push(
        `closed indices not named by day, not read: ${days.closedOther.join(', ')} (open them to read their days)`,
      );
  }

  private key(day: string): WindowKey {
    return {
      product: this.info.product,
      cluster: this.info.cluster,
      url: this.client.where,
      pattern: this.pattern,
      day,
    };
  }

  /** Every window of the range, in day order; the checkpoint moves over days read whole. */
  async all(): Promise<WindowResult[]> {
    const range = await this.range();
    if (range === null) return [];
    const [from, to] = range;
    this.from = from;
    this.to = to;
    const results: WindowResult[] = [];
    let checkpoint = this.windows.checkpoint(this.info.cluster, this.pattern);
    for (const day of daysBetween(from, to)) {
      const start = Math.max(from, dayStart(day));
      const end = Math.min(to, dayStart(day) + DAY_MS);
      // The checkpoint moves to a day read whole (or that can never be read) right after it.
      const whole = end === dayStart(day) + DAY_MS;
      const next = checkpoint === null ? day === dayOf(from) : day === dayOf(dayStart(checkpoint) + DAY_MS);
      const r = await this.window(day, start, end, next && whole);
      results.push(r);
      if (next && whole && r.status !== 'failed') checkpoint = day;
    }
    return results;
  }

  /** [from, to) to read: the options, else after the checkpoint, else from the first day the pattern holds. */
  private async range(): Promise<[number, number] | null> {
    const now = this.o.now ?? Date.now();
    const latest = now - (this.o.settleMs ?? DEFAULT_SETTLE_MS);
    const to = Math.min(this.o.until ?? latest, latest);
    let from = this.o.since ?? null;
    if (from === null) {
      const cp = this.windows.checkpoint(this.info.cluster, this.pattern);
      from = cp !== null ? dayStart(cp) + DAY_MS : await this.firstDay();
      if (from === null) {
        this.notes.push(`${this.pattern} holds no document: nothing to read`);
        return null;
      }
    }
    if (from >= to) {
      this.notes.push(`nothing new: already read up to ${new Date(from).toISOString()}`);
      return null;
    }
    return [from, to];
  }

  /** The first day of the pattern: its oldest daily index (closed ones too), else its oldest document. */
  private async firstDay(): Promise<number | null> {
    const named = [...this.days.open.keys(), ...this.days.closed.keys()].sort();
    if (named.length > 0) return dayStart(named[0]!);
    const a = await this.client.call<{ aggregations?: { first?: { value: number | null } } }>(
      'POST',
      `/${encodeURIComponent(this.pattern)}/_search`,
      { size: 0, aggs: { first: { min: { field: '@timestamp' } } } },
      { query: { ignore_unavailable: true }, idempotent: true },
    );
    const v = a.aggregations?.first?.value;
    return typeof v === 'number' ? dayStart(dayOf(v)) : null;
  }

  private empty(day: string, status: WindowStatus, reason: string | null): WindowResult {
    return {
      day,
      status,
      reason,
      documents: 0,
      candidates: 0,
      fetched: 0,
      pushedRequests: 0,
      pushedOther: 0,
      requests: 0,
      newRequests: 0,
      observations: 0,
      malformed: 0,
    };
  }

  /** One day: not readable (reported), read (restarted when a scroll loses its place), or failed (reported). */
  private async window(day: string, from: number, to: number, moveCheckpoint: boolean): Promise<WindowResult> {
    const no = unreadable(this.days, day);
    const record = (status: WindowStatus, reason: string): WindowResult => {
      const known = this.windows.find(this.info.cluster, this.pattern, day);
      // A day read whole before (its index closed since, a shard failing now) keeps that read.
      if (known?.status === 'complete' && known.read_from! <= from && known.read_to! >= to)
        return this.empty(
          day,
          status,
          `${reason}; it was read on ${new Date(known.read_at).toISOString()}, and that read stands`,
        );
      this.s.db.transaction(() => {
        this.windows.record(this.key(day), {
          status,
          reason,
          sourceId: known?.source_id ?? null,
          readFrom: from,
          readTo: to,
          documents: null,
          candidates: null,
          fetched: null,
        });
        if (moveCheckpoint && status !== 'failed') this.windows.setCheckpoint(this.info.cluster, this.pattern, day);
      })();
      return this.empty(day, status, reason);
    };
    if (no) return record(no.status, no.reason);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.read(day, from, to, moveCheckpoint);
      } catch (e) {
        if (this.o.signal?.aborted)
          throw new UserError(
            `Interrupted while reading ${this.pattern} ${day}: nothing of that day was stored past its ` +
              'last commit; run ingest again.',
          );
        const restart = e instanceof WindowRestart || e instanceof SearchNetworkError;
        if (restart && attempt < RESTARTS) {
          this.o.onNotice?.(`${this.pattern} ${day}: ${(e as Error).message}; reading the day again`);
          continue;
        }
        if (e instanceof UserError) throw e;
        const why = e instanceof PartialResults ? e.message : `the search failed: ${(e as Error).message}`;
        return record('failed', why);
      }
    }
  }

  /** The aggregation of [from, to) in `target`: documents, per-hour totals per kind, candidates. */
  private async totals(target: string, from: number, to: number): Promise<WindowTotals> {
    const a = await this.client.call<{
      timed_out?: boolean;
      _shards?: { total?: number; failed?: number };
      hits?: { total?: { value: number } | number };
      aggregations?: {
        per_hour?: { buckets?: Bucket[] };
        requests?: { first?: { value: number | null }; last?: { value: number | null } };
      };
    }>('POST', `/${encodeURIComponent(target)}/_search`, totalsBody(from, to, this.kinds, this.candidates), {
      query: { allow_partial_search_results: false, ignore_unavailable: true },
      idempotent: true,
    });
    checkComplete(a, `totals of ${target}`);
    const t = a.hits?.total;
    const documents = typeof t === 'number' ? t : (t?.value ?? 0);
    const totals: PushedTotal[] = [];
    let candidates = 0;
    for (const b of a.aggregations?.per_hour?.buckets ?? []) {
      const counts = b.kind?.buckets ?? {};
      candidates += counts.candidates?.doc_count ?? 0;
      const hour = Math.floor(b.key / HOUR_MS);
      for (const k of this.kinds) {
        const n = counts[k.name]?.doc_count ?? 0;
        if (n > 0) totals.push({ layer: k.layer, service: k.service, frontend: k.frontend, hour, requests: n });
      }
    }
    const span = a.aggregations?.requests;
    return { documents, candidates, totals, first: span?.first?.value ?? null, last: span?.last?.value ?? null };
  }

  /** The batches of a window's source (made on its first read; its counters are each read's, not summed). */
  private batchesOf(day: string, sourceId: number | null): RemoteBatches {
    const identity = `${this.info.product}\t${this.info.cluster}\t${this.pattern}\t${day}`;
    return new RemoteBatches(
      this.s,
      {
        id: sourceId,
        create: {
          headHash: createHash('sha256').update(identity).digest('hex').slice(0, 32),
          headLen: 0,
          format: this.info.product,
          path: `${this.client.where}/${this.pattern} ${day}`,
          compressed: false,
        },
      },
      (id) => this.s.db.prepare('UPDATE sources SET requests = 0, malformed = 0, opaque = 0 WHERE id = ?').run(id),
    );
  }

  /** Read one window: totals, candidates through the processors, then the window's row, in one last commit. */
  private async read(day: string, from: number, to: number, moveCheckpoint: boolean): Promise<WindowResult> {
    const target = searchTarget(this.days, this.pattern, day);
    const t = await this.totals(target, from, to);
    const batches = this.batchesOf(day, this.windows.find(this.info.cluster, this.pattern, day)?.source_id ?? null);
    try {
      const fetched = await this.fetch(day, target, from, to, t, batches);
      const pushed = t.totals.reduce((n, x) => n + x.requests, 0);
      const compute = t.totals.reduce((n, x) => n + (x.service === COMPUTE ? x.requests : 0), 0);
      batches.commit({ offset: fetched, lines: t.documents }, (sourceId) => {
        // The window's requests: what the server counted, or the lines read if they are more.
        const requests = Math.max(pushed, batches.tally.requests);
        this.s.db
          .prepare('UPDATE sources SET requests = ? WHERE id = ?')
          .run(requests - batches.batchRequests, sourceId);
        // The window's first and last request, exact, from the aggregation (its candidates alone may miss them).
        if (t.first !== null && t.last !== null)
          this.s.db
            .prepare(
              `UPDATE sources SET first_time = min(coalesce(first_time, @first), @first),
                 last_time = max(coalesce(last_time, @last), @last) WHERE id = @id`,
            )
            .run({ first: t.first, last: t.last, id: sourceId });
        const read = { status: 'complete' as const, reason: null, sourceId, readFrom: from, readTo: to };
        this.windows.record(
          this.key(day),
          { ...read, documents: t.documents, candidates: t.candidates, fetched },
          t.totals,
        );
        if (moveCheckpoint) this.windows.setCheckpoint(this.info.cluster, this.pattern, day);
      });
      return {
        day,
        status: 'complete',
        reason: null,
        documents: t.documents,
        candidates: t.candidates,
        fetched,
        pushedRequests: compute,
        pushedOther: pushed - compute,
        requests: batches.tally.requests,
        newRequests: batches.tally.newRequests,
        observations: batches.tally.observations,
        malformed: batches.tally.malformed,
      };
    } finally {
      batches.abort();
    }
  }

  /** Fetch a window's candidates into its batches (committed every BATCH_LINES); how many were fetched. */
  private async fetch(
    day: string,
    target: string,
    from: number,
    to: number,
    t: WindowTotals,
    batches: RemoteBatches,
  ): Promise<number> {
    const spec = {
      defaultYear: new Date(from).getUTCFullYear(),
      timezone: this.s.timezone,
      novaTimezone: 'UTC',
      frontends: this.s.frontends,
      packs: this.s.packs,
    };
    const sink = new LineSink(spec, batches.apply);
    let fetched = 0;
    let uncommitted = 0;
    // No candidate counted: nothing to fetch (documents arriving after the count are the next run's).
    const hits =
      t.candidates === 0
        ? []
        : windowHits(this.client, this.info.product, this.info.paging, {
            pattern: target,
            query: inRange(from, to, this.candidates),
            pageSize: this.o.pageSize ?? DEFAULT_PAGE,
            expected: t.candidates,
          });
    for await (const page of hits) {
      for (const h of page) {
        const line = lineOfHit(h._source ?? {});
        if (line) sink.add(line);
        else sink.skip();
        fetched++;
      }
      uncommitted += page.length;
      this.o.onProgress?.({ day, fetched, candidates: t.candidates, documents: t.documents });
      if (uncommitted >= BATCH_LINES) {
        sink.flush();
        if (this.s.writer.inBatch) batches.commit({ offset: fetched, lines: t.documents });
        uncommitted = 0;
      }
    }
    sink.flush();
    if (fetched < t.candidates)
      throw new PartialResults(
        `fetched ${fetched} of the ${t.candidates} candidates the aggregation counted ` +
          '(documents deleted while reading?)',
      );
    return fetched;
  }
}
