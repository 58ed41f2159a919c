/**
 * Every hit of a window's candidate query, page by page (central-logging.md §3.2-3.3):
 * - at most a page of candidates (the aggregation said how many): one plain `_search`, no cursor;
 *   if the window grew past the page meanwhile (today's index), a cursor after all;
 * - PIT + search_after (probe.ts says where): a page whose answer is lost is asked for again with
 *   the same search_after; the newest PIT id is always the one sent;
 * - scroll: a page cannot be asked for twice, so a lost answer or an expired context
 *   (search_context_missing_exception) throws WindowRestart: the caller reads the window again.
 * The PIT or scroll is closed in `finally`: on success, on error, and when the run is stopped
 * (SIGINT aborts the request in flight; closing is sent without the abort signal).
 * Every answer is checked: `timed_out` or failed shards throw PartialResults, never a short page.
 */
import { SearchHttpError, SearchNetworkError, type SearchClient } from './http.js';
import type { Paging, Product } from './probe.js';
import { PAGE_FILTER, SOURCE_FIELDS, sortFor } from './query.js';

export interface Hit {
  _index: string;
  _id: string;
  _source: Record<string, unknown>;
  sort?: unknown[];
}

interface PageAnswer {
  pit_id?: string;
  _scroll_id?: string;
  timed_out?: boolean;
  _shards?: { total?: number; failed?: number; failures?: { reason?: { type?: string; reason?: string } }[] };
  hits?: { total?: { value: number; relation: string } | number; hits?: Hit[] };
}

/** The server answered for part of the data only: the window must not be counted. */
export class PartialResults extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartialResults';
  }
}

/** A scroll lost its place (a dropped answer, an expired context): read the window again. */
export class WindowRestart extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WindowRestart';
  }
}

/** Throw when an answer covers part of the shards or timed out. */
export function checkComplete(a: { timed_out?: boolean; _shards?: PageAnswer['_shards'] }, what: string): void {
  if (a.timed_out) throw new PartialResults(`${what}: the search timed out (results would be partial)`);
  const failed = a._shards?.failed ?? 0;
  if (failed > 0) {
    const why = a._shards?.failures?.[0]?.reason;
    throw new PartialResults(
      `${what}: ${failed} of ${a._shards?.total ?? '?'} shards failed` +
        `${why ? ` (${why.type ?? ''}${why.reason ? `: ${why.reason}` : ''})` : ''}`,
    );
  }
}

const totalOf = (a: PageAnswer): number | null => {
  const t = a.hits?.total;
  return typeof t === 'number' ? t : t && t.relation === 'eq' ? t.value : null;
};

export interface WindowQuery {
  /** Index pattern (the path part of the search). */
  pattern: string;
  query: Record<string, unknown>;
  pageSize: number;
  /** Candidates the aggregation counted: at most a page and no cursor is opened. */
  expected: number;
  keepAlive?: string;
}

const PARTIAL = { allow_partial_search_results: false };
const UNAVAILABLE = { ignore_unavailable: true };

export async function* windowHits(
  client: SearchClient,
  product: Product,
  paging: Paging,
  w: WindowQuery,
): AsyncGenerator<Hit[]> {
  const what = `candidates in ${w.pattern}`;
  if (w.expected <= w.pageSize) {
    const a = await client.call<PageAnswer>(
      'POST',
      `/${encodeURIComponent(w.pattern)}/_search`,
      { size: w.pageSize, track_total_hits: true, _source: SOURCE_FIELDS, query: w.query, sort: sortFor('plain') },
      { query: { ...PARTIAL, ...UNAVAILABLE, filter_path: PAGE_FILTER }, idempotent: true },
    );
    checkComplete(a, what);
    const hits = a.hits?.hits ?? [];
    const total = totalOf(a);
    if (total !== null && total <= hits.length) {
      if (hits.length > 0) yield hits;
      return;
    }
    // More than a page now (documents arrived since the aggregation): page with a cursor.
  }
  yield* paging === 'pit' ? pitPages(client, product, w, what) : scrollPages(client, w, what);
}

async function* pitPages(client: SearchClient, product: Product, w: WindowQuery, what: string): AsyncGenerator<Hit[]> {
  const keepAlive = w.keepAlive ?? '2m';
  const index = encodeURIComponent(w.pattern);
  let id: string =
    product === 'opensearch'
      ? (
          await client.call<{ pit_id: string }>('POST', `/${index}/_search/point_in_time`, undefined, {
            query: { keep_alive: keepAlive, allow_partial_pit_creation: false },
            idempotent: true,
          })
        ).pit_id
      : (
          await client.call<{ id: string }>('POST', `/${index}/_pit`, undefined, {
            query: { keep_alive: keepAlive, ...UNAVAILABLE },
            idempotent: true,
          })
        ).id;
  try {
    let after: unknown[] | undefined;
    for (;;) {
      const a = await client.call<PageAnswer>(
        'POST',
        '/_search',
        {
          size: w.pageSize,
          track_total_hits: false,
          _source: SOURCE_FIELDS,
          query: w.query,
          pit: { id, keep_alive: keepAlive },
          sort: sortFor('pit'),
          ...(after ? { search_after: after } : {}),
        },
        { query: { ...PARTIAL, filter_path: PAGE_FILTER }, idempotent: true },
      );
      checkComplete(a, what);
      if (a.pit_id) id = a.pit_id;
      const hits = a.hits?.hits ?? [];
      if (hits.length > 0) yield hits;
      if (hits.length < w.pageSize) return;
      after = hits[hits.length - 1]!.sort;
      if (!after) throw new Error(`${what}: a page came without sort values; cannot ask for the next one`);
    }
  } finally {
    await closeQuietly(() =>
      product === 'opensearch'
        ? client.call('DELETE', '/_search/point_in_time', { pit_id: [id] }, { noAbort: true })
        : client.call('DELETE', '/_pit', { id }, { noAbort: true }),
    );
  }
}

async function* scrollPages(client: SearchClient, w: WindowQuery, what: string): AsyncGenerator<Hit[]> {
  const keepAlive = w.keepAlive ?? '2m';
  let id: string | undefined;
  try {
    let a = await client.call<PageAnswer>(
      'POST',
      `/${encodeURIComponent(w.pattern)}/_search`,
      { size: w.pageSize, _source: SOURCE_FIELDS, query: w.query, sort: sortFor('scroll') },
      { query: { scroll: keepAlive, ...PARTIAL, ...UNAVAILABLE, filter_path: PAGE_FILTER }, idempotent: false },
    );
    for (;;) {
      if (a._scroll_id) id = a._scroll_id;
      checkComplete(a, what);
      const hits = a.hits?.hits ?? [];
      if (hits.length === 0) return;
      yield hits;
      try {
        a = await client.call<PageAnswer>(
          'POST',
          '/_search/scroll',
          { scroll: keepAlive, scroll_id: id },
          { query: { filter_path: PAGE_FILTER }, idempotent: false },
        );
      } catch (e) {
        if (e instanceof SearchNetworkError) throw new WindowRestart(`${what}: ${e.message}`, { cause: e });
        if (e instanceof SearchHttpError && (e.status === 404 || e.type === 'search_context_missing_exception'))
          throw new WindowRestart(`${what}: the scroll context expired (${e.message})`, { cause: e });
        throw e;
      }
    }
  } finally {
    if (id !== undefined) {
      const scrollId = id;
      await closeQuietly(() => client.call('DELETE', '/_search/scroll', { scroll_id: [scrollId] }, { noAbort: true }));
    }
  }
}

/** Closing a cursor is best effort: it expires by itself after keep_alive anyway. */
async function closeQuietly(close: () => Promise<unknown>): Promise<void> {
  try {
    await close();
  } catch {
    // expired already, or the server is gone: keep_alive frees it
  }
}
