/**
 * The per-line work of ingest, as a pure function over a block of whole lines:
 * parse, convert time, attribute a service, key the request for "exactly
 * once", classify with the rule packs. No I/O and no SQLite here, so the same
 * code runs inline or in a worker thread; the caller applies ChunkResults to
 * the store in order.
 */
import { compileParsers } from '../../parsers/compile.js';
import { formatByName } from '../../parsers/index.js';
import type { FileFormat, Layer, ParseContext, RequestRecord } from '../../parsers/types.js';
import { hash52 } from '../keys.js';
import { normalisePath, resourcePath } from '../paths.js';
import { compileClassifier, type RulePack } from '../rules.js';
import { COMPUTE, compileServiceOf } from '../service.js';
import { wallToUtc } from '../timezone.js';

export const HOUR_MS = 3_600_000;
/** Most malformed-line examples kept per chunk (the store keeps the first few per source). */
const MALFORMED_EXAMPLES = 5;

/** Everything a processor needs, serialisable so a worker can compile the same one. */
export interface ProcessorSpec {
  /** A registered format name, or several joined with '+' (a devstack journal holds nova and uWSGI lines). */
  format: string;
  defaultYear: number;
  /** Zone for front-end timestamps that carry no offset. */
  timezone: string;
  /** Zone for nova's oslo.log text timestamps (no offset in the line). */
  novaTimezone: string;
  frontends: string[];
  filePath: string | null;
  packs: RulePack[];
}

export interface ObservationRow {
  layer: Layer;
  dedupKey: number;
  line: number;
  parser: string;
  service: string;
  api: string;
  action: string;
  target: string | null;
  method: string;
  rawPath: string;
  normPath: string;
  time: number | null;
  startTime: number | null;
  status: number | null;
  bytes: number | null;
  durationMs: number | null;
  client: string | null;
  clientChain: string | null;
  userAgent: string | null;
  requestId: string | null;
  globalRequestId: string | null;
  userId: string | null;
  projectId: string | null;
  userName: string | null;
  projectName: string | null;
  microversion: string | null;
  frontend: string | null;
  backend: string | null;
  server: string | null;
  host: string | null;
}

export interface EffectRow {
  requestId: string;
  api: string;
  action: string;
  refines: string;
  target: string | null;
  time: number | null;
  line: number;
}

export interface MalformedExample {
  line: number;
  reason: string;
  text: string;
}

/**
 * Every request and opaque connection of a chunk, as parallel arrays (cheap
 * to transfer from a worker): its key, hour, and an index into `labels`
 * ("layer\tservice\tfrontend" for requests, "layer\t\topaque\tfrontend" for connections).
 */
export interface ChunkResult {
  lines: number;
  requests: number;
  opaque: number;
  malformed: number;
  malformedExamples: MalformedExample[];
  firstTime: number | null;
  lastTime: number | null;
  labels: string[];
  /** The layer of each label, for the per-request loop at apply time. */
  labelLayers: string[];
  keys: Float64Array;
  hours: Float64Array;
  labelIndex: Uint32Array;
  observations: ObservationRow[];
  effects: EffectRow[];
  /** A line of nova-api's own loggers was seen (whether or not it was an access line). */
  novaApiSeen: boolean;
}

/** One processor per file, given its blocks of whole lines in file order (it numbers identical lines across blocks). */
export type ChunkProcessor = (text: string, firstLine: number) => ChunkResult;

/** Resolve a format name, including combined names like 'nova+uwsgi'. */
export function resolveFormat(name: string): FileFormat {
  const parts = name.split('+').map((n) => {
    const f = formatByName(n);
    if (!f) throw new Error(`unknown format ${n}`);
    return f;
  });
  if (parts.length === 1) return parts[0]!;
  return { name, title: parts.map((p) => p.title).join(' + '), parsers: parts.flatMap((p) => p.parsers), signature: parts[0]!.signature };
}

/** A key for a request without a request id: its fields, so envelope and whitespace differences do not matter. */
function fieldKeyText(r: RequestRecord): string {
  return `${r.wallMs}|${r.client}|${r.method}|${r.uri}|${r.status}|${r.bytes}|${r.durationMs}|${r.frontend}|${r.server}|${r.host}`;
}

export function compileProcessor(spec: ProcessorSpec): ChunkProcessor {
  const format = resolveFormat(spec.format);
  const classifier = compileClassifier(spec.packs);
  const ctx: ParseContext = { defaultYear: spec.defaultYear, messageLoggers: classifier.messageLoggers };
  const lineFn = compileParsers(format.parsers, ctx);
  const frontTime = wallToUtc(spec.timezone);
  const novaTime = wallToUtc(spec.novaTimezone);
  const serviceOf = compileServiceOf({ frontends: spec.frontends, filePath: spec.filePath });
  const readsNova = format.parsers.some((p) => p.layer === 'nova');
  // Identical lines without a request id are distinct requests within one file
  // (two health checks in the same second): number their occurrences. The count
  // runs on across the blocks of one file, so where a block (a read chunk, a
  // batch, a resumed run) starts cannot change a key; a resumed run replays the
  // lines just before its offset first (see run.ts).
  let sameSecond = -1;
  const occurrences = new Map<string, number>();

  return (text, firstLine) => {
    const labels: string[] = [];
    const labelLayers: string[] = [];
    const labelIds = new Map<string, number>();
    const label = (s: string): number => {
      let id = labelIds.get(s);
      if (id === undefined) {
        id = labels.length;
        labels.push(s);
        labelLayers.push(s.slice(0, s.indexOf('\t')));
        labelIds.set(s, id);
      }
      return id;
    };
    let cap = 1024;
    let keys = new Float64Array(cap);
    let hours = new Float64Array(cap);
    let labelIndex = new Uint32Array(cap);
    let n = 0;
    const push = (key: number, hour: number, lab: number): void => {
      if (n === cap) {
        cap *= 2;
        const k = new Float64Array(cap);
        k.set(keys);
        keys = k;
        const h = new Float64Array(cap);
        h.set(hours);
        hours = h;
        const l = new Uint32Array(cap);
        l.set(labelIndex);
        labelIndex = l;
      }
      keys[n] = key;
      hours[n] = hour;
      labelIndex[n] = lab;
      n++;
    };

    const result: ChunkResult = {
      lines: 0,
      requests: 0,
      opaque: 0,
      malformed: 0,
      malformedExamples: [],
      firstTime: null,
      lastTime: null,
      labels,
      labelLayers,
      keys,
      hours,
      labelIndex,
      observations: [],
      effects: [],
      novaApiSeen: false,
    };
    // Only nova formats can show nova-api's loggers; look until the first one.
    let lookForNovaApi = readsNova;
    const seen = (t: number): void => {
      if (result.firstTime === null || t < result.firstTime) result.firstTime = t;
      if (result.lastTime === null || t > result.lastTime) result.lastTime = t;
    };

    let lineNo = firstLine - 1;
    let pos = 0;
    const len = text.length;
    while (pos < len) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = len;
      lineNo++;
      let line = text.slice(pos, end);
      pos = end + 1;
      if (line.length === 0) continue;
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      const r = lineFn(line);
      if (r === null) {
        if (lookForNovaApi && (line.includes(' nova.api.') || line.includes(' nova.osapi_compute.'))) {
          result.novaApiSeen = true;
          lookForNovaApi = false;
        }
        continue;
      }
      if (lookForNovaApi && r.kind !== 'malformed' && r.layer === 'nova') {
        result.novaApiSeen = true;
        lookForNovaApi = false;
      }
      if (r.kind === 'malformed') {
        result.malformed++;
        if (result.malformedExamples.length < MALFORMED_EXAMPLES) result.malformedExamples.push({ line: lineNo, reason: r.reason, text: line.slice(0, 400) });
        continue;
      }
      const utc = r.wallMs === null ? null : r.layer === 'nova' ? novaTime(r.wallMs, r.offsetMin) : frontTime(r.wallMs, r.offsetMin);
      if (utc !== null) seen(utc);
      const hour = utc === null ? -1 : Math.floor(utc / HOUR_MS);
      if (r.kind === 'message') {
        if (r.requestId === null) continue;
        const e = classifier.effect(r.logger, r.message);
        if (e) result.effects.push({ requestId: r.requestId, api: e.api, action: e.action, refines: e.refines, target: e.target, time: utc, line: lineNo });
        continue;
      }
      if (r.kind === 'opaque') {
        result.opaque++;
        push(hash52(`${r.wallMs}|${r.frontend}|${r.backend}|${line}`), hour, label(`${r.layer}\t\topaque\t${r.frontend ?? ''}`));
        continue;
      }
      result.requests++;
      const norm = normalisePath(r.uri);
      // nova's lines are compute; CADF events name their service in target.typeURI; front ends are attributed.
      const service = r.layer === 'nova' ? COMPUTE : (r.service ?? serviceOf(r.frontend, r.backend, norm) ?? 'unknown');
      let key: number;
      if (r.requestId !== null) {
        key = hash52(`${r.requestId} ${r.method} ${r.uri} ${r.status}`);
      } else {
        let k = fieldKeyText(r);
        const second = r.wallMs === null ? -1 : Math.floor(r.wallMs / 1000);
        if (second !== sameSecond) {
          sameSecond = second;
          occurrences.clear();
        }
        const seenBefore = occurrences.get(k) ?? 0;
        occurrences.set(k, seenBefore + 1);
        if (seenBefore > 0) k += `#${seenBefore}`;
        key = hash52(k);
      }
      push(key, hour, label(`${r.layer}\t${service}\t${r.frontend ?? r.backend ?? ''}`));
      if (!classifier.services.has(service)) continue;
      const c = classifier.classify(service, r.method, norm.segments, r.auditAction);
      if (c === null) continue;
      const startTime = utc === null ? null : r.timeIsEnd && r.durationMs !== null ? Math.round(utc - r.durationMs) : utc;
      result.observations.push({
        layer: r.layer,
        dedupKey: key,
        line: lineNo,
        parser: r.parser,
        service,
        api: c.api,
        action: c.action,
        target: c.target,
        method: r.method,
        rawPath: r.uri,
        normPath: resourcePath(norm),
        time: utc,
        startTime,
        status: r.status,
        bytes: r.bytes,
        durationMs: r.durationMs,
        client: r.client,
        clientChain: r.clientChain,
        userAgent: r.userAgent,
        requestId: r.requestId,
        globalRequestId: r.globalRequestId,
        userId: r.userId,
        projectId: r.projectId ?? norm.projectId,
        userName: r.userName,
        projectName: r.projectName,
        microversion: r.microversion,
        frontend: r.frontend,
        backend: r.backend,
        server: r.server,
        host: r.host,
      });
    }
    result.lines = lineNo - firstLine + 1;
    result.keys = keys.subarray(0, n);
    result.hours = hours.subarray(0, n);
    result.labelIndex = labelIndex.subarray(0, n);
    return result;
  };
}
