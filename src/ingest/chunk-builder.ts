/**
 * A block's ChunkResult as its lines are read: requests keyed by hour and label, calls of interest
 * as observation columns, malformed lines with the API they name. One builder per file, reset in
 * place before each block (the line loops of line-loops.ts and the record reader write into it).
 */
import type { ChunkResult } from '../chunk-result.js';
import { emptyObservationLines, OBS_NUM, OBS_NUMS, type ObservationShape } from '../observation-shape.js';
import { normalisePath } from '../paths.js';
import type { RequestRecord } from '../../parsers/types.js';
import { hash52 } from '../keys.js';
import type { Classifier } from '../rules.js';
import { COMPUTE, type Attribution } from '../service.js';

/** Most malformed-line examples kept per chunk (the store keeps the first few per source). */
const MALFORMED_EXAMPLES = 5;

/**
 * What the lines of one route share, for the packs: the shape their observations are stored under,
 * and a project id the path holds.
 */
export interface Route {
  shape: ObservationShape;
  projectId: string | null;
}

/**
 * The block being read. Its functions are made once per file, not once per block (bench/:
 * closures made per block were deoptimised at new blocks, "wrong call target", and recompiled:
 * the scanned-line loop alone 26 times, 22-49 ms each, in one ingest of the 1.1 GB nova log).
 */
export class ChunkBuilder {
  firstLine = 1;
  /** Blocks begun so far (labels are per block: a label id is valid in its block only). */
  blockNo = 0;
  result: ChunkResult;
  /** Only nova formats can show nova-api's loggers; look until the first one of the block. */
  lookForNovaApi: boolean;
  private labels: string[] = [];
  private labelLayers: string[] = [];
  private labelIds = new Map<string, number>();
  private cap = 1024;
  private keys = new Float64Array(0);
  private hours = new Float64Array(0);
  private labelIndex = new Uint32Array(0);
  /** Requests pushed in this block: the index of the next one's key. */
  n = 0;
  private shapeIndex = new Map<number, number>();
  private unnumbered: number[] = [];
  private unnumberedSeconds: number[] = [];
  // nova's lines all carry the same label: decided once per block.
  private novaLabelId = -1;
  // Front-end labels by layer, frontend and attribution without building a string each line.
  private readonly frontLabels = new Map<string, Map<Attribution, number>>();
  private lastFrontLayer = '';
  // The block's lines of calls of interest (OBS_NUM and OBS_STR order).
  private obsNums = new Float64Array(0);
  private obsCount = 0;
  private obsStrs: (string | null)[] = [];
  // Per label, the hour being read and its first and last time; runs of past hours in `edges`.
  private edgeHour: number[] = [];
  private edgeFirst: number[] = [];
  private edgeLast: number[] = [];
  private edges: number[] = [];

  constructor(
    private readonly classifier: Classifier,
    private readonly readsNova: boolean,
  ) {
    this.lookForNovaApi = readsNova;
    this.result = emptyResult();
  }

  /**
   * Looks, while the block has shown none, for the names of nova-api's own loggers with `has`
   * (in a line or in the whole block); when found, the block's result says so.
   */
  noteNovaApi(has: (needle: string) => boolean): void {
    if (this.lookForNovaApi && (has(' nova.api.') || has(' nova.osapi_compute.'))) this.novaApiFound();
  }

  /** A line of nova-api's own loggers was seen: no need to look further in this block. */
  novaApiFound(): void {
    this.result.novaApiSeen = true;
    this.lookForNovaApi = false;
  }

  /** Per-block state, reset in place before each block. */
  reset(first: number): void {
    this.firstLine = first;
    this.blockNo++;
    this.labels = [];
    this.labelLayers = [];
    this.labelIds = new Map();
    // `cap` stays as the blocks before grew it (blocks of one file are alike): no arrays grown and
    // dropped per block (bench/: the 1.1 GB HAProxy log's ~4,000 requests a block grew them twice each).
    this.keys = new Float64Array(this.cap);
    this.hours = new Float64Array(this.cap);
    this.labelIndex = new Uint32Array(this.cap);
    this.n = 0;
    this.result = emptyResult(this.labels, this.labelLayers);
    this.shapeIndex = new Map();
    this.lookForNovaApi = this.readsNova;
    this.unnumbered = [];
    this.unnumberedSeconds = [];
    this.novaLabelId = -1;
    this.frontLabels.clear();
    this.lastFrontLayer = '';
    this.obsNums = new Float64Array(OBS_NUMS * 64);
    this.obsCount = 0;
    this.obsStrs = [];
    this.edgeHour = [];
    this.edgeFirst = [];
    this.edgeLast = [];
    this.edges = [];
  }

  /** The block's result, its arrays cut to what was pushed. */
  finish(lastLine: number): ChunkResult {
    const result = this.result;
    const n = this.n;
    result.lines = lastLine - this.firstLine + 1;
    result.keys = this.keys.subarray(0, n);
    result.hours = this.hours.subarray(0, n);
    result.labelIndex = this.labelIndex.subarray(0, n);
    if (this.obsCount > 0)
      result.observations = {
        count: this.obsCount,
        nums: this.obsNums.subarray(0, this.obsCount * OBS_NUMS),
        strs: this.obsStrs,
      };
    result.unnumbered = Uint32Array.from(this.unnumbered);
    result.unnumberedSeconds = Float64Array.from(this.unnumberedSeconds);
    for (let lab = 0; lab < this.edgeHour.length; lab++) this.closeEdge(lab);
    result.edges = Float64Array.from(this.edges);
    return result;
  }

  label(s: string): number {
    let id = this.labelIds.get(s);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push(s);
      this.labelLayers.push(s.slice(0, s.indexOf('\t')));
      this.labelIds.set(s, id);
      this.edgeHour.push(-1);
      this.edgeFirst.push(0);
      this.edgeLast.push(0);
    }
    return id;
  }

  /** The label of nova's requests (every nova line is compute). */
  novaLabel(): number {
    if (this.novaLabelId < 0) this.novaLabelId = this.label(`nova\t${COMPUTE}\t`);
    return this.novaLabelId;
  }

  /**
   * A front-end request's label: layer, service, frontend, what decided the service, and the API
   * whose compute route the line holds when it was attributed elsewhere (set aside; '' otherwise).
   */
  frontLabel(layer: string, a: Attribution, frontend: string, setAsideApi: string): number {
    if (setAsideApi !== '')
      return this.label(`${layer}\t${a.service}\t${frontend}\t${a.decidedBy}\t${a.evidence}\t${setAsideApi}`);
    if (layer !== this.lastFrontLayer) {
      this.frontLabels.clear();
      this.lastFrontLayer = layer;
    }
    let byAttribution = this.frontLabels.get(frontend);
    if (!byAttribution) this.frontLabels.set(frontend, (byAttribution = new Map()));
    let id = byAttribution.get(a);
    if (id === undefined)
      byAttribution.set(a, (id = this.label(`${layer}\t${a.service}\t${frontend}\t${a.decidedBy}\t${a.evidence}\t`)));
    return id;
  }

  /** A request's (or connection's) key, hour (-1: no date), label and time (UTC ms; any number when undated). */
  push(key: number, hour: number, lab: number, time: number): void {
    if (this.n === this.cap) this.grow();
    const n = this.n;
    this.keys[n] = key;
    this.hours[n] = hour;
    this.labelIndex[n] = lab;
    this.n = n + 1;
    if (hour < 0) return;
    // The label's first and last time in its hour (a label's lines mostly stay in one hour a while).
    if (this.edgeHour[lab] === hour) {
      if (time < this.edgeFirst[lab]!) this.edgeFirst[lab] = time;
      else if (time > this.edgeLast[lab]!) this.edgeLast[lab] = time;
      return;
    }
    this.closeEdge(lab);
    this.edgeHour[lab] = hour;
    this.edgeFirst[lab] = time;
    this.edgeLast[lab] = time;
  }

  /** The label's run of one hour, if any, into `edges`. */
  private closeEdge(lab: number): void {
    const hour = this.edgeHour[lab]!;
    if (hour < 0) return;
    this.edges.push(lab, hour, this.edgeFirst[lab]!, this.edgeLast[lab]!);
    this.edgeHour[lab] = -1;
  }

  private grow(): void {
    this.cap *= 2;
    const k = new Float64Array(this.cap);
    k.set(this.keys);
    this.keys = k;
    const h = new Float64Array(this.cap);
    h.set(this.hours);
    this.hours = h;
    const l = new Uint32Array(this.cap);
    l.set(this.labelIndex);
    this.labelIndex = l;
  }

  /** The next request pushed has no request id: OccurrenceNumbering numbers it within its second (-1: no date). */
  unnumberedNext(second: number): void {
    this.unnumbered.push(this.n);
    this.unnumberedSeconds.push(second);
  }

  /** A time seen in the block (UTC ms). */
  seen(t: number): void {
    const result = this.result;
    if (result.firstTime === null || t < result.firstTime) result.firstTime = t;
    if (result.lastTime === null || t > result.lastTime) result.lastTime = t;
  }

  /** A line claimed but unreadable: counted, kept as an example, and tied to the API it names, if any. */
  malformedLine(lineNo: number, reason: string, text: string): void {
    const result = this.result;
    result.malformed++;
    const apis = apisNamedIn(text, this.classifier);
    for (const api of apis) result.malformedApis[api] = (result.malformedApis[api] ?? 0) + 1;
    const api = apis[0] ?? null;
    if (result.malformedExamples.length < (api === null ? MALFORMED_EXAMPLES : 2 * MALFORMED_EXAMPLES))
      result.malformedExamples.push({ line: lineNo, reason, text: text.slice(0, 400), api });
  }

  /** A line of a call of interest (OBS_NUM and OBS_STR order), its shape stored once per chunk. */
  observe(r: RequestRecord, route: Route, utc: number | null, key: number, keyIndex: number, lineNo: number): void {
    const at = this.obsCount * OBS_NUMS;
    if (at + OBS_NUMS > this.obsNums.length) this.growObservations();
    const nums = this.obsNums;
    nums[at + OBS_NUM.shape] = this.shapeOf(route.shape);
    nums[at + OBS_NUM.keyIndex] = keyIndex;
    nums[at + OBS_NUM.dedupKey] = key;
    nums[at + OBS_NUM.line] = lineNo;
    nums[at + OBS_NUM.time] = utc ?? NaN;
    nums[at + OBS_NUM.startTime] =
      utc === null ? NaN : r.timeIsEnd && r.durationMs !== null ? Math.round(utc - r.durationMs) : utc;
    nums[at + OBS_NUM.bytes] = r.bytes ?? NaN;
    nums[at + OBS_NUM.durationMs] = r.durationMs ?? NaN;
    nums[at + OBS_NUM.requestKey] = r.requestId === null ? NaN : hash52(r.requestId);
    this.obsCount++;
    // In OBS_STR order.
    this.obsStrs.push(
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
  }

  /** The index of a shape in the block's shapes, added the first time. */
  private shapeOf(shape: ObservationShape): number {
    let si = this.shapeIndex.get(shape.key);
    if (si === undefined) {
      si = this.result.shapes.length;
      this.result.shapes.push(shape);
      this.shapeIndex.set(shape.key, si);
    }
    return si;
  }

  private growObservations(): void {
    const grown = new Float64Array(this.obsNums.length * 2);
    grown.set(this.obsNums);
    this.obsNums = grown;
  }
}

/** Request targets in a line of text: a token that starts with '/', after a space or a quote. */
const PATH_TOKEN = /(?:^|[\s"'])(\/[^\s"']*)/g;

/**
 * The APIs an unreadable line (malformed, over-long) names: a path in it that a rule pack's
 * route classifies (a pack's own path that no route matches counts for the compute packs, whose
 * anchors are specific; elsewhere an anchor such as glance's `detail` would claim nova's
 * `/servers/detail`). Slow; for the rare such lines only.
 */
export function apisNamedIn(text: string, classifier: Classifier): string[] {
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

/** A block's result before its lines are read. */
export function emptyResult(labels: string[] = [], labelLayers: string[] = []): ChunkResult {
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
    keys: new Float64Array(0),
    hours: new Float64Array(0),
    labelIndex: new Uint32Array(0),
    unnumbered: new Uint32Array(0),
    unnumberedSeconds: new Float64Array(0),
    edges: new Float64Array(0),
    observations: emptyObservationLines(),
    shapes: [],
    effects: [],
    novaApiSeen: false,
    blockHash: null,
  };
}
