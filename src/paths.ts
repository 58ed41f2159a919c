/**
 * Request targets as logged → the resource path the API router sees.
 *
 *   http://api:8774/compute/v2.1/e7dc…/os-hosts/cmp%2D01.json?zone=nova
 *     prefix '/compute'  version 'v2.1'  projectId 'e7dc…'  segments ['os-hosts', 'cmp-01']
 *
 * Nova's ProjectMapper connects every route with and without
 * `/{project_id:[0-9a-f-]+}` (nova-logs.md §3 "Prefixes"); `.json` routed up to
 * Ocata; uwsgi deployments add a SCRIPT_NAME prefix such as devstack's `/compute`.
 */

export interface NormalisedPath {
  /** Deployment prefix before the version segment ('' when none). */
  prefix: string;
  /** 'v2.1', 'v2', 'v1.1', 'v3'…; null when the path has no version segment. */
  version: string | null;
  projectId: string | null;
  /** URL-decoded resource segments after version and project. */
  segments: string[];
  query: string;
}

const VERSION = /^v\d+(?:\.\d+)?$/;
const PROJECT_ID = /^[0-9a-f-]+$/;
const FORMAT_SUFFIX = /\.(?:json|xml)$/;

function decode(segment: string): string {
  if (segment.indexOf('%') < 0) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a stray '%' is logged as is; keep it rather than lose the call
  }
}

export function normalisePath(uri: string): NormalisedPath {
  let path = uri;
  // Absolute URIs (HTTP/2 clients, ALB, proxies): drop scheme://authority.
  const scheme = path.indexOf('://');
  if (scheme > 0 && scheme < 10) {
    const slash = path.indexOf('/', scheme + 3);
    path = slash < 0 ? '/' : path.slice(slash);
  }
  let query = '';
  const q = path.search(/[?#]/);
  if (q >= 0) {
    query = path.slice(q + 1);
    path = path.slice(0, q);
  }
  const parts = path.split('/').filter((s) => s !== '');
  let v = -1;
  for (let i = 0; i < parts.length; i++) {
    if (VERSION.test(parts[i]!)) {
      v = i;
      break;
    }
  }
  const prefix = v > 0 ? '/' + parts.slice(0, v).join('/') : '';
  let rest = v >= 0 ? parts.slice(v + 1) : parts;
  let projectId: string | null = null;
  // A project id segment is hex with dashes; no compute resource name is all hex.
  if (v >= 0 && rest.length > 0 && PROJECT_ID.test(rest[0]!)) {
    projectId = rest[0]!;
    rest = rest.slice(1);
  }
  const segments = rest.map(decode);
  const last = segments.length - 1;
  if (last >= 0) segments[last] = segments[last]!.replace(FORMAT_SUFFIX, '');
  return { prefix, version: v >= 0 ? parts[v]! : null, projectId, segments, query };
}

/** The normalised resource path used to join the same call across logs. */
export const resourcePath = (n: NormalisedPath): string => '/' + n.segments.join('/');
