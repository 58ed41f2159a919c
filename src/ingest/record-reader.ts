/**
 * What one line does to its block's result, through the parsers: its time in UTC, its service
 * (nova's lines are compute; front-end lines are attributed by their evidence), its key, and for a
 * call of interest its route and observation. Compiled once per file from a ProcessorSpec.
 */
import { compileParsers } from '../../parsers/compile.js';
import type { FileFormat, ParseResult, RequestRecord } from '../../parsers/types.js';
import { hash52 } from '../keys.js';
import { shapeKeyOf, type ObservationShape } from '../observation-shape.js';
import { normalisePath, resourcePath, type NormalisedPath } from '../paths.js';
import { compileClassifier, type Classifier } from '../rules.js';
import { COMPUTE, compileServiceOf, type ServiceOf } from '../service.js';
import { wallToUtc, type WallToUtc } from '../timezone.js';
import { ChunkBuilder, type Route } from './chunk-builder.js';
import type { ProcessorSpec } from './process.js';
import { requestKey } from './request-key.js';

export const HOUR_MS = 3_600_000;

/** Scanned routes kept per file (a few hundred bytes each): beyond, the cache starts again. */
const ROUTE_CACHE = 4096;

/** What a record reader needs of the ProcessorSpec. */
export type RecordReaderSpec = Pick<
  ProcessorSpec,
  'defaultYear' | 'timezone' | 'novaTimezone' | 'frontends' | 'filePath' | 'packs'
>;

export class RecordReader {
  readonly classifier: Classifier;
  readonly builder: ChunkBuilder;
  /** UTC ms of a wall-clock time in nova's zone, and in the front ends' zone. */
  readonly novaTime: WallToUtc;
  readonly frontTime: WallToUtc;
  readonly serviceOf: ServiceOf;
  private readonly lineFn: (line: string) => ParseResult;
  readonly mayMatch: (service: string, uri: string) => boolean;
  private readonly scannedRoutes = new Map<string, Route | null>();

  constructor(spec: RecordReaderSpec, format: FileFormat) {
    this.classifier = compileClassifier(spec.packs);
    this.mayMatch = this.classifier.mayMatch;
    this.lineFn = compileParsers(format.parsers, {
      defaultYear: spec.defaultYear,
      messageLoggers: this.classifier.messageLoggers,
    });
    this.frontTime = wallToUtc(spec.timezone);
    this.novaTime = wallToUtc(spec.novaTimezone);
    this.serviceOf = compileServiceOf({
      frontends: spec.frontends,
      filePath: spec.filePath,
      computeResources: spec.packs
        .filter((p) => p.service === COMPUTE)
        .flatMap((p) => p.routes.map((r) => r.path.split('/')[1] ?? ''))
        .filter((x) => x !== '' && !x.startsWith('{')),
    });
    this.builder = new ChunkBuilder(
      this.classifier,
      format.parsers.some((p) => p.layer === 'nova'),
    );
  }

  /** Everything a line does to the result (every line loop of line-loops.ts ends here). */
  handleLine(line: string, lineNo: number): void {
    const b = this.builder;
    const r = this.lineFn(line);
    if (r === null) {
      // The test first: no closure per line once the block has shown one.
      if (b.lookForNovaApi) b.noteNovaApi((n) => line.includes(n));
      return;
    }
    if (b.lookForNovaApi && r.kind !== 'malformed' && r.layer === 'nova') b.novaApiFound();
    this.handleRecord(r, line, lineNo);
  }

  /** What a parsed line does to the result (`line` names malformed lines and keys connections). */
  handleRecord(r: NonNullable<ParseResult>, line: string, lineNo: number): void {
    const b = this.builder;
    if (r.kind === 'malformed') {
      b.malformedLine(lineNo, r.reason, line);
      return;
    }
    const utc =
      r.wallMs === null
        ? null
        : r.layer === 'nova'
          ? this.novaTime(r.wallMs, r.offsetMin)
          : this.frontTime(r.wallMs, r.offsetMin);
    if (utc !== null) b.seen(utc);
    const hour = utc === null ? -1 : Math.floor(utc / HOUR_MS);
    if (r.kind === 'message') {
      if (r.requestId === null) return;
      const e = this.classifier.effect(r.logger, r.message);
      if (e) {
        const { api, action, refines, target } = e;
        b.result.effects.push({ requestId: r.requestId, api, action, refines, target, time: utc, line: lineNo });
      }
      return;
    }
    if (r.kind === 'opaque') {
      b.result.opaque++;
      const key = hash52(`${r.wallMs}|${r.frontend}|${r.backend}|${line}`);
      b.push(key, hour, b.label(`${r.layer}\t\topaque\t${r.frontend ?? ''}`), utc ?? 0);
      return;
    }
    this.request(r, utc, hour, lineNo);
  }

  /** A request: counted, keyed under its label, and observed when it is a call of interest. */
  private request(r: RequestRecord, utc: number | null, hour: number, lineNo: number): void {
    const b = this.builder;
    b.result.requests++;
    if (utc === null) b.result.undated++;
    let norm: NormalisedPath | null = null;
    // nova's lines are compute; CADF events name their service in target.typeURI; front ends are attributed.
    const uri = r.uri;
    const attribution = r.layer === 'nova' || r.service !== null ? null : this.serviceOf(r.frontend, r.backend, uri);
    const service = r.layer === 'nova' ? COMPUTE : (r.service ?? attribution!.service);
    const key = requestKey(r);
    if (r.requestId === null) b.unnumberedNext(r.wallMs === null ? -1 : Math.floor(r.wallMs / 1000));
    const keyIndex = b.n;
    const time = utc ?? 0;
    if (r.layer === 'nova') b.push(key, hour, b.novaLabel(), time);
    else if (attribution === null)
      b.push(key, hour, b.label(`${r.layer}\t${service}\t${r.frontend ?? r.backend ?? ''}`), time);
    else {
      // A path nova could serve, attributed elsewhere: does it hold a compute pack's route? (rare: a cheap test first)
      let setAside = '';
      if (attribution.novaPathOpen && service !== COMPUTE && this.mayMatch(COMPUTE, uri)) {
        norm = normalisePath(uri);
        setAside = this.classifier.classify(COMPUTE, r.method, norm.segments, null)?.api ?? '';
      }
      b.push(key, hour, b.frontLabel(r.layer, attribution, r.frontend ?? r.backend ?? '', setAside), time);
    }
    // Most requests name no deprecated API: a cheap test on the raw target first
    // (bench/: normalising every path cost ~5 % of ingest).
    if (r.auditAction === null ? !this.mayMatch(service, uri) : !this.classifier.services.has(service)) return;
    const route = this.routeOf(r, service, norm ?? normalisePath(uri));
    if (route !== null) b.observe(r, route, utc, key, keyIndex, lineNo);
  }

  /** The route of a request the packs may want: classified and shaped, or null when it names no call of interest. */
  routeOf(r: RequestRecord, service: string, norm: NormalisedPath): Route | null {
    const c = this.classifier.classify(service, r.method, norm.segments, r.auditAction);
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
  }

  /**
   * The route of a scanned nova line, cached by parser, status, method and target: everything a
   * route depends on there (bench/: the generated nova log's ~41,000 calls of interest per 300 MB,
   * mostly a few routes, took ~7.6 µs each to process, ~4.7 µs with the cache).
   */
  scannedRoute(r: RequestRecord): Route | null {
    const k = `${r.parser === 'nova-eventlet' ? 'e' : 'r'}${r.status} ${r.method} ${r.uri}`;
    let route = this.scannedRoutes.get(k);
    if (route === undefined) {
      route = this.routeOf(r, COMPUTE, normalisePath(r.uri));
      if (this.scannedRoutes.size >= ROUTE_CACHE) this.scannedRoutes.clear();
      this.scannedRoutes.set(k, route);
    }
    return route;
  }
}
