/** The key that makes a request count once, however many lines and files show it. */
import type { RequestRecord } from '../../parsers/types.js';
import { hash52, hash52Values } from '../keys.js';

/**
 * The key of a request (before identical id-less requests of one second are numbered): its request
 * id, method, target and status, or without a request id its fields (the scanners mix the same).
 */
export function requestKey(r: RequestRecord): number {
  return r.requestId !== null ? hash52(`${r.requestId} ${r.method} ${r.uri} ${r.status}`) : fieldKey(r);
}

/**
 * A key for a request without a request id: its fields, so envelope and whitespace differences do
 * not matter. The User-Agent is one: two lines of one second alike but for it are two requests
 * (the fuzz test's world 2039 had them in two files, and which one a report showed depended on
 * the order the files were read in).
 */
function fieldKey(r: RequestRecord): number {
  return hash52Values([
    r.wallMs,
    r.client,
    r.method,
    r.uri,
    r.status,
    r.bytes,
    r.durationMs,
    r.frontend,
    r.server,
    r.host,
    r.userAgent,
  ]);
}
