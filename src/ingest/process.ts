/**
 * The per-line work of ingest, as a pure function over a block of whole lines:
 * parse, convert time, attribute a service, key the request for "exactly
 * once", classify with the rule packs. No I/O and no SQLite here, so the same
 * code runs inline or in a worker thread; the caller applies ChunkResults to
 * the store in order.
 */
import { compileParsers } from '../../parsers/compile.js';
import { formatByName } from '../../parsers/index.js';
import {
  HTTPLOG_REQUEST,
  newScannedHttplog,
  type HttplogScanner,
  type ScannedHttplog,
} from '../../parsers/haproxy-access-scan.js';
import { newScannedAccess, SCAN_NOT_REQUEST, SCAN_REQUEST, scannedRecord } from '../../parsers/nova-access-scan.js';
import type {
  AnchorRun,
  FileFormat,
  LineScanner,
  ParseContext,
  ParseResult,
  RequestRecord,
} from '../../parsers/types.js';
import { hash52, hash52Values } from '../keys.js';
import { emptyObservationLines, OBS_NUM, OBS_NUMS, shapeKeyOf, type ObservationShape } from '../observation-shape.js';
import { normalisePath, resourcePath, type NormalisedPath } from '../paths.js';
import { compileAsciiAnchorRun, compileClassifier, packAnchors, type Classifier, type RulePack } from '../rules.js';
import { COMPUTE, compileServiceOf, type Attribution } from '../service.js';
import { wallToUtc } from '../timezone.js';
import type { ChunkResult } from '../chunk-result.js';

export type { ChunkResult, EffectRow, MalformedExample } from '../chunk-result.js';

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
  /** Read every line through every parser (no needle skipping): the reference path. */
  plain?: boolean;
  /**
   * The input is known to fit in one block: scanners are not warmed up first (bench/: 16 ms of
   * the ~0.3 s an ingest of a 1 KB file takes; hooks run ingest over many small files).
   */
  small?: boolean;
}

/**
 * One processor per file, given its blocks of whole lines in file order (it numbers
 * identical lines across blocks): UTF-8 bytes as read, or text already decoded.
 */
export type ChunkProcessor = (block: Buffer | string, firstLine: number) => ChunkResult;

/** Resolve a format name, including combined names like 'nova+uwsgi'. */
export function resolveFormat(name: string): FileFormat {
  const parts = name.split('+').map((n) => {
    const f = formatByName(n);
    if (!f) throw new Error(`unknown format ${n}`);
    return f;
  });
  if (parts.length === 1) return parts[0]!;
  return {
    name,
    title: parts.map((p) => p.title).join(' + '),
    parsers: parts.flatMap((p) => p.parsers),
    signature: parts[0]!.signature,
  };
}

/**
 * The key of a request (before identical id-less requests of one second are numbered): its request
 * id, method, target and status, or without a request id its fields (the scanners mix the same).
 */
export function requestKey(r: RequestRecord): number {
  return r.requestId !== null ? hash52(`${r.requestId} ${r.method} ${r.uri} ${r.status}`) : fieldKey(r);
}

/** A key for a request without a request id: its fields, so envelope and whitespace differences do not matter. */
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
  ]);
}

/** What the lines of one route share, for the packs: the shape their observations are stored under, and a project id the path holds. */
interface Route {
  shape: ObservationShape;
  projectId: string | null;
}

/** Scanned routes kept per file (a few hundred bytes each): beyond, the cache starts again. */
const ROUTE_CACHE = 4096;

export function compileProcessor(spec: ProcessorSpec): ChunkProcessor {
  const format = resolveFormat(spec.format);
  const classifier = compileClassifier(spec.packs);
  const ctx: ParseContext = { defaultYear: spec.defaultYear, messageLoggers: classifier.messageLoggers };
  const lineFn = compileParsers(format.parsers, ctx);
  const frontTime = wallToUtc(spec.timezone);
  const novaTime = wallToUtc(spec.novaTimezone);
  const serviceOf = compileServiceOf({
    frontends: spec.frontends,
    filePath: spec.filePath,
    computeResources: spec.packs
      .filter((p) => p.service === COMPUTE)
      .flatMap((p) => p.routes.map((r) => r.path.split('/')[1] ?? ''))
      .filter((x) => x !== '' && !x.startsWith('{')),
  });
  const readsNova = format.parsers.some((p) => p.layer === 'nova');
  // Needles, when every parser of the format declares them: lines holding none are skipped unread.
  const needles =
    !spec.plain && format.parsers.every((p) => p.needles)
      ? [...new Set(format.parsers.flatMap((p) => p.needles!(ctx)))]
      : null;
  // A scanner reads the commonest lines in place; what it is not sure of goes to the parsers.
  const scanner =
    !spec.plain && format.scanner
      ? format.scanner({ ...ctx, anchorRun: classifier.anchorRun(COMPUTE), warm: !spec.small })
      : null;
  const scanned = newScannedAccess();
  // HAProxy's httplog lines read in place; those that may be calls of interest go to the parsers.
  const httplogScanner =
    !spec.plain && format.httplogScanner
      ? format.httplogScanner(classifier.anchorRun(COMPUTE), otherAnchorRun(spec.packs))
      : null;
  const httplog = newScannedHttplog();
  /** Attributions of scanned lines by frontend, backend and the target's version code, with the block's label. */
  const scannedAttributions = new Map<number, ScannedAttribution>();
  const names = new NameCache(() => scannedAttributions.clear());
  let blockNo = 0;
  const mayMatch = classifier.mayMatch;

  /** The route of a request the packs may want: classified and shaped, or null when it names no call of interest. */
  const routeOf = (r: RequestRecord, service: string, norm: NormalisedPath): Route | null => {
    const c = classifier.classify(service, r.method, norm.segments, r.auditAction);
    if (c === null) return null;
    const fields: Omit<ObservationShape, 'key'> = {
      layer: r.layer,
      parser: r.parser,
      service,
      api: c.api,
      method: r.method,
      normPath: resourcePath(norm),
      action: c.action,
      target: c.target,
      rawPath: r.uri,
      status: r.status,
      frontend: r.frontend,
      backend: r.backend,
      server: r.server,
      host: r.host,
    };
    return { shape: { key: shapeKeyOf(fields), ...fields }, projectId: norm.projectId };
  };
  /**
   * Routes of scanned nova lines, by parser, status, method and target: everything a route
   * depends on there (bench/: the generated nova log's ~41,000 calls of interest per 300 MB,
   * mostly a few routes, took ~7.6 µs each to process, ~4.7 µs with the cache).
   */
  const scannedRoutes = new Map<string, Route | null>();
  const scannedRoute = (r: RequestRecord): Route | null => {
    const k = `${r.parser === 'nova-eventlet' ? 'e' : 'r'}${r.status} ${r.method} ${r.uri}`;
    let route = scannedRoutes.get(k);
    if (route === undefined) {
      route = routeOf(r, COMPUTE, normalisePath(r.uri));
      if (scannedRoutes.size >= ROUTE_CACHE) scannedRoutes.clear();
      scannedRoutes.set(k, route);
    }
    return route;
  };

  // Per-block state, reset for each block; the functions below are made once per file, not
  // once per block (bench/: closures made per block were deoptimised at new blocks, "wrong
  // call target", and recompiled: scannedLines alone 26 times, 22-49 ms each, in one ingest
  // of the 1.1 GB nova log).
  let firstLine = 1;
  let labels: string[] = [];
  let labelLayers: string[] = [];
  let labelIds = new Map<string, number>();
  let cap = 1024;
  let keys = new Float64Array(0);
  let hours = new Float64Array(0);
  let labelIndex = new Uint32Array(0);
  let n = 0;
  let result: ChunkResult = emptyResult(labels, labelLayers, keys, hours, labelIndex);
  let shapeIndex = new Map<number, number>();
  // Only nova formats can show nova-api's loggers; look until the first one.
  let lookForNovaApi = readsNova;
  let unnumbered: number[] = [];
  let unnumberedSeconds: number[] = [];
  // nova's lines all carry the same label: decide it once.
  let novaLabel = -1;
  // Front-end labels by layer, frontend and attribution without building a string each line.
  const frontLabels = new Map<string, Map<Attribution, number>>();
  let lastFrontLayer = '';
  // The block's lines of calls of interest (OBS_NUM and OBS_STR order).
  let obsNums = new Float64Array(0);
  let obsCount = 0;
  let obsStrs: (string | null)[] = [];

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
  /**
   * A front-end request's label: layer, service, frontend, what decided the service, and the API
   * whose compute route the line holds when it was attributed elsewhere (set aside; '' otherwise).
   */
  const frontLabel = (layer: string, a: Attribution, frontend: string, setAsideApi: string): number => {
    if (setAsideApi !== '')
      return label(`${layer}\t${a.service}\t${frontend}\t${a.decidedBy}\t${a.evidence}\t${setAsideApi}`);
    if (layer !== lastFrontLayer) {
      frontLabels.clear();
      lastFrontLayer = layer;
    }
    let byAttribution = frontLabels.get(frontend);
    if (!byAttribution) frontLabels.set(frontend, (byAttribution = new Map()));
    let id = byAttribution.get(a);
    if (id === undefined)
      byAttribution.set(a, (id = label(`${layer}\t${a.service}\t${frontend}\t${a.decidedBy}\t${a.evidence}\t`)));
    return id;
  };
  const seen = (t: number): void => {
    if (result.firstTime === null || t < result.firstTime) result.firstTime = t;
    if (result.lastTime === null || t > result.lastTime) result.lastTime = t;
  };

  /** A line claimed but unreadable: counted, kept as an example, and tied to the API it names, if any. */
  const malformedLine = (lineNo: number, reason: string, text: string): void => {
    result.malformed++;
    const apis = apisNamedIn(text, classifier);
    for (const api of apis) result.malformedApis[api] = (result.malformedApis[api] ?? 0) + 1;
    const api = apis[0] ?? null;
    if (result.malformedExamples.length < (api === null ? MALFORMED_EXAMPLES : 2 * MALFORMED_EXAMPLES))
      result.malformedExamples.push({ line: lineNo, reason, text: text.slice(0, 400), api });
  };

  /** Everything a line does to the result (both loops below share it). */
  const handleLine = (line: string, lineNo: number): void => {
    const r = lineFn(line);
    if (r === null) {
      if (lookForNovaApi && (line.includes(' nova.api.') || line.includes(' nova.osapi_compute.'))) {
        result.novaApiSeen = true;
        lookForNovaApi = false;
      }
      return;
    }
    if (lookForNovaApi && r.kind !== 'malformed' && r.layer === 'nova') {
      result.novaApiSeen = true;
      lookForNovaApi = false;
    }
    handleRecord(r, line, lineNo);
  };

  /** What a parsed line does to the result (`line` names malformed lines and keys connections). */
  const handleRecord = (r: NonNullable<ParseResult>, line: string, lineNo: number): void => {
    if (r.kind === 'malformed') {
      malformedLine(lineNo, r.reason, line);
      return;
    }
    const utc =
      r.wallMs === null
        ? null
        : r.layer === 'nova'
          ? novaTime(r.wallMs, r.offsetMin)
          : frontTime(r.wallMs, r.offsetMin);
    if (utc !== null) seen(utc);
    const hour = utc === null ? -1 : Math.floor(utc / HOUR_MS);
    if (r.kind === 'message') {
      if (r.requestId === null) return;
      const e = classifier.effect(r.logger, r.message);
      if (e)
        result.effects.push({
          requestId: r.requestId,
          api: e.api,
          action: e.action,
          refines: e.refines,
          target: e.target,
          time: utc,
          line: lineNo,
        });
      return;
    }
    if (r.kind === 'opaque') {
      result.opaque++;
      push(
        hash52(`${r.wallMs}|${r.frontend}|${r.backend}|${line}`),
        hour,
        label(`${r.layer}\t\topaque\t${r.frontend ?? ''}`),
      );
      return;
    }
    result.requests++;
    if (utc === null) result.undated++;
    let norm: NormalisedPath | null = null;
    // nova's lines are compute; CADF events name their service in target.typeURI; front ends are attributed.
    const uri = r.uri;
    const attribution = r.layer === 'nova' || r.service !== null ? null : serviceOf(r.frontend, r.backend, uri);
    const service = r.layer === 'nova' ? COMPUTE : (r.service ?? attribution!.service);
    const key = requestKey(r);
    if (r.requestId === null) {
      unnumbered.push(n);
      unnumberedSeconds.push(r.wallMs === null ? -1 : Math.floor(r.wallMs / 1000));
    }
    const keyIndex = n;
    if (r.layer === 'nova') {
      if (novaLabel < 0) novaLabel = label(`nova\t${COMPUTE}\t`);
      push(key, hour, novaLabel);
    } else if (attribution === null) push(key, hour, label(`${r.layer}\t${service}\t${r.frontend ?? r.backend ?? ''}`));
    else {
      // A path nova could serve, attributed elsewhere: does it hold a compute pack's route? (rare: a cheap test first)
      let setAside = '';
      if (attribution.novaPathOpen && service !== COMPUTE && mayMatch(COMPUTE, uri))
        setAside = classifier.classify(COMPUTE, r.method, (norm ??= normalisePath(uri)).segments, null)?.api ?? '';
      push(key, hour, frontLabel(r.layer, attribution, r.frontend ?? r.backend ?? '', setAside));
    }
    // Most requests name no deprecated API: a cheap test on the raw target first (bench/: normalising every path cost ~5 % of ingest).
    if (r.auditAction === null ? !mayMatch(service, r.uri) : !classifier.services.has(service)) return;
    const route = routeOf(r, service, norm ?? normalisePath(r.uri));
    if (route !== null) observe(r, route, utc, key, keyIndex, lineNo);
  };

  /** A line of a call of interest (OBS_NUM and OBS_STR order), its shape stored once per chunk. */
  const observe = (
    r: RequestRecord,
    route: Route,
    utc: number | null,
    key: number,
    keyIndex: number,
    lineNo: number,
  ): void => {
    const shape = route.shape;
    let si = shapeIndex.get(shape.key);
    if (si === undefined) {
      si = result.shapes.length;
      result.shapes.push(shape);
      shapeIndex.set(shape.key, si);
    }
    if ((obsCount + 1) * OBS_NUMS > obsNums.length) {
      const grown = new Float64Array(obsNums.length * 2);
      grown.set(obsNums);
      obsNums = grown;
    }
    const at = obsCount * OBS_NUMS;
    obsNums[at + OBS_NUM.shape] = si;
    obsNums[at + OBS_NUM.keyIndex] = keyIndex;
    obsNums[at + OBS_NUM.dedupKey] = key;
    obsNums[at + OBS_NUM.line] = lineNo;
    obsNums[at + OBS_NUM.time] = utc ?? NaN;
    obsNums[at + OBS_NUM.startTime] =
      utc === null ? NaN : r.timeIsEnd && r.durationMs !== null ? Math.round(utc - r.durationMs) : utc;
    obsNums[at + OBS_NUM.bytes] = r.bytes ?? NaN;
    obsNums[at + OBS_NUM.durationMs] = r.durationMs ?? NaN;
    obsNums[at + OBS_NUM.requestKey] = r.requestId === null ? NaN : hash52(r.requestId);
    obsCount++;
    // In OBS_STR order.
    obsStrs.push(
      r.client,
      r.clientChain,
      r.userAgent,
      r.requestId,
      r.globalRequestId,
      r.userId,
      r.projectId ?? route.projectId,
      r.userName,
      r.projectName,
      r.microversion,
    );
  };

  /** Every line through handleLine: the reference path, and formats without needles. */
  const plainLines = (text: string): number => {
    let lineNo = firstLine - 1;
    const len = text.length;
    let pos = 0;
    while (pos < len) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = len;
      lineNo++;
      let line = text.slice(pos, end);
      pos = end + 1;
      if (line.length === 0) continue;
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      handleLine(line, lineNo);
    }
    return lineNo;
  };

  /**
   * Only lines holding a needle can give anything: jump from one to the next and only
   * count the lines in between (bench/: a third of the nova-api log's CPU went to lines
   * no parser claims). Same results as plainLines, which the fast-path test checks.
   */
  const needleLines = (text: string, needles: readonly string[]): number => {
    let lineNo = firstLine - 1;
    const len = text.length;
    if (lookForNovaApi && (text.includes(' nova.api.') || text.includes(' nova.osapi_compute.')))
      result.novaApiSeen = true;
    lookForNovaApi = false;
    const next = needles.map((n) => text.indexOf(n));
    let pos = 0;
    for (;;) {
      let cand = -1;
      for (const p of next) if (p >= 0 && (cand < 0 || p < cand)) cand = p;
      const start = cand < 0 ? len : text.lastIndexOf('\n', cand) + 1;
      // Count the lines before the candidate's.
      while (pos < start) {
        const nl = text.indexOf('\n', pos);
        lineNo++;
        pos = nl < 0 || nl >= len ? len : nl + 1;
      }
      if (cand < 0) break;
      let end = text.indexOf('\n', cand);
      if (end < 0) end = len;
      lineNo++;
      let line = text.slice(start, end);
      pos = end + 1;
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      handleLine(line, lineNo);
      for (let i = 0; i < next.length; i++)
        if (next[i]! >= 0 && next[i]! < pos) next[i] = text.indexOf(needles[i]!, pos);
    }
    return lineNo;
  };

  /**
   * Lines the scanner reads in full are never decoded: a request of no pack's interest is
   * counted here, every other line is decoded and goes through handleLine as in plainLines
   * (bench/: parsing the nova log on one thread, 118 → 358 MB/s; test/nova-access-scan.test.ts).
   */
  const scannedLines = (bytes: Buffer, scan: LineScanner): number => {
    let lineNo = firstLine - 1;
    const len = bytes.length;
    if (lookForNovaApi && (bytes.indexOf(' nova.api.') >= 0 || bytes.indexOf(' nova.osapi_compute.') >= 0))
      result.novaApiSeen = true;
    lookForNovaApi = false;
    let pos = 0;
    while (pos < len) {
      let end = bytes.indexOf(10, pos);
      if (end < 0) end = len;
      lineNo++;
      const start = pos;
      pos = end + 1;
      if (end === start) continue;
      if (bytes[end - 1] === 13) end--;
      const code = scan(bytes, start, end, scanned);
      if (code === SCAN_REQUEST) {
        // What handleRecord does for a nova request with a request id: counted and keyed.
        const utc = novaTime(scanned.wallMs, null);
        seen(utc);
        result.requests++;
        if (novaLabel < 0) novaLabel = label(`nova\t${COMPUTE}\t`);
        const keyIndex = n;
        push(scanned.key, Math.floor(utc / HOUR_MS), novaLabel);
        if (scanned.mayMatch) {
          // A call of interest, maybe: its whole record, from the positions (bench/: through
          // the parsers, such a line cost ~5 µs, ~0.8 CPU-s of the 1.1 GB nova log), its route
          // from the cache.
          const r = scannedRecord(bytes, scanned);
          const route = scannedRoute(r);
          if (route !== null) observe(r, route, utc, scanned.key, keyIndex, lineNo);
        }
        continue;
      }
      if (code === SCAN_NOT_REQUEST) continue;
      handleLine(bytes.toString('utf8', start, end), lineNo);
    }
    return lineNo;
  };

  /**
   * A scanned httplog line counted and keyed as handleRecord would, unless it may be a call of
   * interest or a compute route set aside (a target segment is an anchor of its service's packs,
   * or of compute's when the path leaves the service open): false, and the parsers read it.
   */
  const countHttplog = (bytes: Buffer, s: ScannedHttplog): boolean => {
    const fe = names.id(bytes, s.frontendStart, s.frontendEnd);
    const be = names.id(bytes, s.backendStart, s.backendEnd);
    // A target whose version alone decides its evidence (serviceOf's pathEvidence, in place):
    // the attribution is found again by the names and that version, without the target's string.
    const code = versionCode(bytes, s.uriStart, s.uriEnd);
    let uri: string | null = null;
    let known: ScannedAttribution | undefined;
    const k = code < 0 ? -1 : (fe * 4096 + be) * 65536 + code;
    if (k >= 0) known = scannedAttributions.get(k);
    if (known === undefined) {
      uri = bytes.toString('latin1', s.uriStart, s.uriEnd);
      known = { attribution: serviceOf(names.str(fe), names.str(be), uri), block: -1, label: 0 };
      if (k >= 0) scannedAttributions.set(k, known);
    }
    const attribution = known.attribution;
    const service = attribution.service;
    const compute = s.computeAnchor || s.percent;
    if (
      service === COMPUTE
        ? compute
        : ((s.otherAnchor || s.percent) && mayMatch(service, uri ?? bytes.toString('latin1', s.uriStart, s.uriEnd))) ||
          (attribution.novaPathOpen && compute)
    )
      return false;
    const utc = frontTime(s.wallMs, null);
    seen(utc);
    result.requests++;
    if (s.requestIdStart < 0) {
      unnumbered.push(n);
      unnumberedSeconds.push(Math.floor(s.wallMs / 1000));
    }
    // The label of this block (labels are per block).
    if (known.block !== blockNo) {
      known.label = frontLabel('lb', attribution, names.str(fe), '');
      known.block = blockNo;
    }
    push(s.key, Math.floor(utc / HOUR_MS), known.label);
    return true;
  };

  /**
   * Lines the httplog scanner reads are never decoded (bench/: parsing the 1.1 GB HAProxy log
   * through the regexes cost ~9.6 CPU-s, ~4 more of garbage collection in the parse worker);
   * every other line goes through handleLine as in plainLines (test/haproxy-access-scan.test.ts).
   */
  const httplogLines = (bytes: Buffer, scan: HttplogScanner): number => {
    let lineNo = firstLine - 1;
    const len = bytes.length;
    let pos = 0;
    while (pos < len) {
      let end = bytes.indexOf(10, pos);
      if (end < 0) end = len;
      lineNo++;
      const start = pos;
      pos = end + 1;
      if (end === start) continue;
      if (bytes[end - 1] === 13) end--;
      if (scan(bytes, start, end, httplog) === HTTPLOG_REQUEST && countHttplog(bytes, httplog)) continue;
      handleLine(bytes.toString('utf8', start, end), lineNo);
    }
    return lineNo;
  };

  /** Per-block state, reset in place before each block. */
  const reset = (first: number): void => {
    firstLine = first;
    blockNo++;
    labels = [];
    labelLayers = [];
    labelIds = new Map();
    // `cap` stays as the blocks before grew it (blocks of one file are alike): no arrays grown and
    // dropped per block (bench/: the 1.1 GB HAProxy log's ~4,000 requests a block grew them twice each).
    keys = new Float64Array(cap);
    hours = new Float64Array(cap);
    labelIndex = new Uint32Array(cap);
    n = 0;
    result = emptyResult(labels, labelLayers, keys, hours, labelIndex);
    shapeIndex = new Map();
    lookForNovaApi = readsNova;
    unnumbered = [];
    unnumberedSeconds = [];
    novaLabel = -1;
    frontLabels.clear();
    lastFrontLayer = '';
    obsNums = new Float64Array(OBS_NUMS * 64);
    obsCount = 0;
    obsStrs = [];
  };
  const finish = (lastLine: number): ChunkResult => {
    result.lines = lastLine - firstLine + 1;
    result.keys = keys.subarray(0, n);
    result.hours = hours.subarray(0, n);
    result.labelIndex = labelIndex.subarray(0, n);
    if (obsCount > 0)
      result.observations = { count: obsCount, nums: obsNums.subarray(0, obsCount * OBS_NUMS), strs: obsStrs };
    result.unnumbered = Uint32Array.from(unnumbered);
    result.unnumberedSeconds = Float64Array.from(unnumberedSeconds);
    return result;
  };

  const processor: ChunkProcessor = (block, first) => {
    reset(first);
    const lastLine =
      scanner !== null
        ? scannedLines(typeof block === 'string' ? Buffer.from(block, 'utf8') : block, scanner)
        : httplogScanner !== null
          ? httplogLines(typeof block === 'string' ? Buffer.from(block, 'utf8') : block, httplogScanner)
          : needles !== null
            ? needleLines(typeof block === 'string' ? block : block.toString('utf8'), needles)
            : plainLines(typeof block === 'string' ? block : block.toString('utf8'));
    return finish(lastLine);
  };
  return processor;
}

/**
 * The anchor test of the other services' packs in one (a superset: a target holding one may be a
 * call of interest of the service it is attributed to, which mayMatch then says exactly).
 */
function otherAnchorRun(packs: readonly RulePack[]): AnchorRun | null {
  const names = [...new Set(packs.filter((p) => p.service !== COMPUTE).flatMap(packAnchors))];
  return names.length === 0 ? null : compileAsciiAnchorRun(names);
}

/** A scanned httplog line's attribution, and its label in the block it was last used in. */
interface ScannedAttribution {
  attribution: Attribution;
  block: number;
  label: number;
}

/**
 * Names (frontends, backends) read from bytes, each given a number and made a string once: a
 * front end's lines hold a handful of names, found again by length and bytes.
 */
class NameCache {
  private readonly byLength: number[][] = [];
  private bytes: Uint8Array[] = [];
  private strings: string[] = [];

  /** `onReset`: the numbers given so far mean nothing any more. */
  constructor(private readonly onReset: () => void) {}

  /** The number of the name `b[from, to)`. */
  id(b: Buffer, from: number, to: number): number {
    const n = to - from;
    const list = this.byLength[n];
    if (list !== undefined) {
      for (let j = 0; j < list.length; j++) {
        const id = list[j]!;
        const name = this.bytes[id]!;
        let i = 0;
        while (i < n && name[i] === b[from + i]) i++;
        if (i === n) return id;
      }
    }
    if (this.bytes.length >= 4096) {
      // Names without end (a generated front end per tenant?): start again rather than grow.
      this.byLength.length = 0;
      this.bytes = [];
      this.strings = [];
      this.onReset();
    }
    const id = this.bytes.length;
    this.bytes.push(Uint8Array.from(b.subarray(from, to)));
    this.strings.push(b.toString('latin1', from, to));
    (this.byLength[n] ??= []).push(id);
    return id;
  }

  str(id: number): string {
    return this.strings[id]!;
  }
}

/** pathEvidence's codes of nova's versions 2 and 1.1 (service.ts), which need more than the version. */
const V2_CODE = 3;
const V11_CODE = (2 * 12 + 11) * 12 + 2;

/**
 * The version code pathEvidence (service.ts) decides a target `/vN[.M]…` by in place, read from
 * bytes; -1 when it reads the target's segments instead (then the target's string is needed).
 * The same steps as pathEvidence's, so the evidence of a code is the one it gives (and caches).
 */
function versionCode(b: Uint8Array, from: number, to: number): number {
  if (b[from] !== 47 || b[from + 1] !== 118) return -1;
  let i = from + 2;
  let code = 0;
  let dots = 0;
  let last = 0;
  for (; i < to && i < from + 10; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) code = code * 12 + (c - 47);
    else if (c === 46 && i > from + 2 && dots++ === 0) code = code * 12 + 11;
    else break;
    last = c;
  }
  const after = i < to ? b[i]! : 47;
  if (i === from + 2 || last === 46 || (after !== 47 && after !== 63 && after !== 35)) return -1;
  if (code === V2_CODE || code === V11_CODE) {
    let j = i + 1;
    while (j < to) {
      const c = b[j]!;
      if (c === 47 || c === 63 || c === 35) break;
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || c === 45)) break;
      j++;
    }
    const hexRun = j > i + 1 && (j === to || b[j] === 47 || b[j] === 63);
    if (hexRun && after === 47) return -1;
  }
  return code < 65536 ? code : -1;
}

/** Request targets in a line of text: a token that starts with '/', after a space or a quote. */
const PATH_TOKEN = /(?:^|[\s"'])(\/[^\s"']*)/g;

/**
 * The APIs an unreadable line (malformed, over-long) names: a path in it that a rule pack's
 * route classifies (a pack's own path that no route matches counts for the compute packs, whose
 * anchors are specific; elsewhere an anchor such as glance's `detail` would claim nova's
 * `/servers/detail`). Slow; for the rare such lines only.
 */
function apisNamedIn(text: string, classifier: Classifier): string[] {
  const apis = new Set<string>();
  let looked = 0;
  for (const m of text.matchAll(PATH_TOKEN)) {
    if (++looked > 20) break;
    const { segments } = normalisePath(m[1]!);
    for (const service of classifier.services) {
      const c = classifier.classify(service, '*', segments);
      if (c !== null && (c.action !== 'other' || service === COMPUTE)) apis.add(c.api);
    }
  }
  return [...apis];
}

/**
 * An over-long line (more than a log line may be, see framing.ts): one line, read and skipped.
 * Its first bytes say what it was: a line some parser claims (a request line with a monstrous
 * target) is malformed, and an unreadable call of interest when it names an API; anything else
 * (a DEBUG dump) is only skipped. Either way it is kept, with its line number, as an example.
 */
export function overLongLine(spec: ProcessorSpec): (head: Buffer, length: number, lineNo: number) => ChunkResult {
  const format = resolveFormat(spec.format);
  const classifier = compileClassifier(spec.packs);
  const lineFn = compileParsers(format.parsers, {
    defaultYear: spec.defaultYear,
    messageLoggers: classifier.messageLoggers,
  });
  return (head, length, lineNo) => {
    const r = emptyResult([], [], new Float64Array(0), new Float64Array(0), new Uint32Array(0));
    r.lines = 1;
    r.skipped = 1;
    const text = head.toString('utf8').replace(/\r?\n$/, '');
    const claimed = lineFn(text) !== null;
    const apis = claimed ? apisNamedIn(text, classifier) : [];
    if (claimed) r.malformed = 1;
    for (const api of apis) r.malformedApis[api] = 1;
    const what = claimed ? `not read${apis.length ? `: it names ${apis.join(', ')}` : ''}` : 'skipped';
    r.malformedExamples.push({
      line: lineNo,
      reason: `over-long line (${length} bytes, more than a log line may be): ${what}`,
      text: text.slice(0, 400),
      api: apis[0] ?? null,
    });
    return r;
  };
}

/** A block's result before its lines are read. */
function emptyResult(
  labels: string[],
  labelLayers: string[],
  keys: Float64Array,
  hours: Float64Array,
  labelIndex: Uint32Array,
): ChunkResult {
  return {
    lines: 0,
    requests: 0,
    opaque: 0,
    malformed: 0,
    undated: 0,
    skipped: 0,
    malformedExamples: [],
    malformedApis: {},
    firstTime: null,
    lastTime: null,
    labels,
    labelLayers,
    keys,
    hours,
    labelIndex,
    unnumbered: new Uint32Array(0),
    unnumberedSeconds: new Float64Array(0),
    observations: emptyObservationLines(),
    shapes: [],
    effects: [],
    novaApiSeen: false,
    blockHash: null,
  };
}

/**
 * Numbers identical requests without a request id within one second, in file
 * order, across every chunk of a file (chunks may be parsed in parallel, so
 * this runs where results are applied, in order): the n-th repeat's key is
 * hash52(key#n). A resumed run primes it with the lines just before its offset.
 */
export class OccurrenceNumbering {
  private second = -1;
  private readonly seen = new Map<number, number>();

  /** Numbering that goes on from a state saved at a source's checkpoint (`state`), or from nothing. */
  static from(state: string | null): OccurrenceNumbering {
    const n = new OccurrenceNumbering();
    if (state === null) return n;
    const saved = JSON.parse(state) as { second: number; seen: [number, number][] };
    n.second = saved.second;
    for (const [k, v] of saved.seen) n.seen.set(k, v);
    return n;
  }

  /**
   * Where numbering stands (the second and the repeats seen in it), saved with a source's
   * checkpoint: a later run goes on exactly where this one stopped, however many identical
   * lines of that second came before (replaying the bytes before the offset could not see them all).
   */
  state(): string {
    return JSON.stringify({ second: this.second, seen: [...this.seen] });
  }

  apply(r: ChunkResult): void {
    let renumbered: Map<number, number> | null = null;
    for (let j = 0; j < r.unnumbered.length; j++) {
      const i = r.unnumbered[j]!;
      const sec = r.unnumberedSeconds[j]!;
      if (sec !== this.second) {
        this.second = sec;
        this.seen.clear();
      }
      const base = r.keys[i]!;
      const before = this.seen.get(base) ?? 0;
      this.seen.set(base, before + 1);
      if (before > 0) {
        r.keys[i] = hash52(`${base}#${before}`);
        (renumbered ??= new Map()).set(i, r.keys[i]!);
      }
    }
    if (renumbered) {
      const nums = r.observations.nums;
      for (let at = 0; at < nums.length; at += OBS_NUMS)
        nums[at + OBS_NUM.dedupKey] = renumbered.get(nums[at + OBS_NUM.keyIndex]!) ?? nums[at + OBS_NUM.dedupKey]!;
    }
  }
}
