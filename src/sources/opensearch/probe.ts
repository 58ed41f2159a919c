/**
 * What the cluster is (`GET /`), and so how its documents are paged (central-logging.md §3.1-3.2):
 *
 *   PIT + search_after, sorted by @timestamp then `_shard_doc` (a unique tiebreaker):
 *     Elasticsearch ≥ 7.12 outside the OSS build (PIT 7.10, `_shard_doc` 7.12), OpenSearch ≥ 3.3
 *     (PIT 2.4, `_shard_doc` only 3.3: without it a page boundary inside one @timestamp can lose
 *     or repeat documents);
 *   scroll, sorted by @timestamp then `_doc`, everywhere else (OpenSearch 1.x-3.2, kolla's 2.x
 *     included; Elasticsearch OSS and < 7.12): a frozen view, so ties cannot move between pages.
 *
 * Both are sorted by time so that identical lines without a request id are numbered in the
 * order a file holds them (OccurrenceNumbering), whatever the page size.
 */
import { UserError } from '../../errors.js';
import type { SearchClient } from './http.js';

export type Product = 'opensearch' | 'elasticsearch';
export type Paging = 'pit' | 'scroll';

export interface ClusterInfo {
  product: Product;
  version: string;
  /** `cluster_uuid`: the cluster's identity for windows and checkpoints (its name or URL may change). */
  cluster: string;
  clusterName: string;
  paging: Paging;
  /** Elasticsearch's OSS build (no PIT, no x-pack). */
  oss: boolean;
}

interface RootAnswer {
  cluster_name?: string;
  cluster_uuid?: string;
  version?: { number?: string; distribution?: string; build_flavor?: string };
  tagline?: string;
}

/** -1, 0, 1 comparing dotted versions numerically (`2.11.1` > `2.4`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Read the answer of `GET /`. */
export function clusterInfoOf(root: RootAnswer): ClusterInfo {
  const number = root.version?.number;
  if (!number)
    throw new UserError('The server did not answer GET / like OpenSearch or Elasticsearch (no version.number).');
  const product: Product = root.version?.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch';
  const oss = product === 'elasticsearch' && root.version?.build_flavor === 'oss';
  const atLeast = (v: string): boolean => compareVersions(number, v) >= 0;
  const paging: Paging =
    product === 'opensearch' ? (atLeast('3.3') ? 'pit' : 'scroll') : !oss && atLeast('7.12') ? 'pit' : 'scroll';
  return {
    product,
    version: number,
    cluster: root.cluster_uuid && root.cluster_uuid !== '_na_' ? root.cluster_uuid : `name:${root.cluster_name ?? ''}`,
    clusterName: root.cluster_name ?? '',
    paging,
    oss,
  };
}

export async function probe(client: SearchClient): Promise<ClusterInfo> {
  return clusterInfoOf(await client.call<RootAnswer>('GET', '/', undefined, { idempotent: true }));
}
