/**
 * What parsing one block of lines gives (src/ingest/process.ts makes it, in a worker or inline;
 * src/store/ingest-writes.ts applies it): the contract between the ingest path and the store.
 * Numbers travel as typed arrays, so a worker moves them instead of copying.
 */
import type { ObservationLines, ObservationShape } from './observation-shape.js';

/** A log message a rule pack asked for (the hosts controller's "Enabling host X."), tied to its request. */
export interface EffectRow {
  requestId: string;
  api: string;
  action: string;
  refines: string;
  target: string | null;
  time: number | null;
  line: number;
}

/** A line claimed by a parser but unreadable (or an over-long line), kept with its line number. */
export interface MalformedExample {
  line: number;
  reason: string;
  text: string;
  /** The API of a rule pack the line names, when it names one: an unreadable call of interest. */
  api: string | null;
}

/**
 * Every request and opaque connection of a block, as parallel arrays: its key, hour (-1 when
 * the line has no date), and an index into `labels` (tab-joined: `layer\tservice\tfrontend` for
 * nova's and audit requests; front-end requests add `\tdecidedBy\tevidence\tsetAsideApi`, see
 * chunk-builder.ts frontLabel; `layer\t\topaque\tfrontend` for connections; `labelLayers` holds each
 * label's layer).
 */
export interface ChunkResult {
  lines: number;
  requests: number;
  /** Requests without a date: counted, but no time window can hold them. */
  undated: number;
  opaque: number;
  malformed: number;
  /** Over-long lines: read and counted, not parsed. */
  skipped: number;
  malformedExamples: MalformedExample[];
  /** Malformed lines that name a rule pack's API, per API. */
  malformedApis: Record<string, number>;
  firstTime: number | null;
  lastTime: number | null;
  labels: string[];
  labelLayers: string[];
  keys: Float64Array;
  hours: Float64Array;
  labelIndex: Uint32Array;
  /**
   * Requests without a request id, keyed by their fields: identical ones in the same second are
   * distinct requests, numbered in file order by OccurrenceNumbering before the keys are used
   * (indexes into keys, and the second).
   */
  unnumbered: Uint32Array;
  unnumberedSeconds: Float64Array;
  /**
   * The first and last time (UTC ms) of each label's requests or connections per hour, as runs of
   * four numbers: label index, hour, first, last (a label and hour may come in several runs).
   * Undated requests have none.
   */
  edges: Float64Array;
  /** The block's lines of calls of interest (see OBS_NUM and OBS_STR). */
  observations: ObservationLines;
  /** The shapes of the block's observations, each once. */
  shapes: ObservationShape[];
  effects: EffectRow[];
  /** A line of nova-api's own loggers was seen (whether or not it was an access line). */
  novaApiSeen: boolean;
  /**
   * The chain hash of the block's bytes (src/ingest/identity.ts `chainHash`), made where the block
   * was parsed (a worker or the reading thread), or null when not asked for (text blocks).
   */
  blockHash: Uint8Array | null;
}

/** A ChunkResult label read back (see ChunkResult: the tab-joined forms). */
export interface LabelParts {
  layer: string;
  /** '' for a TCP-mode connection. */
  service: string;
  /** A TCP-mode connection (`layer\t\topaque\tfrontend`). */
  opaque: boolean;
  /** The frontend (or backend, vhost) named, '' when none. */
  frontend: string;
  /** For front-end requests: what decided the service, its evidence, a compute API set aside ('' when not). */
  decidedBy: string;
  evidence: string;
  setAsideApi: string;
}

export function parseLabel(label: string): LabelParts {
  const [layer = '', service = '', third = '', fourth = '', evidence = '', setAsideApi = ''] = label.split('\t');
  if (service === '' && third === 'opaque')
    return { layer, service, opaque: true, frontend: fourth, decidedBy: '', evidence: '', setAsideApi: '' };
  return { layer, service, opaque: false, frontend: third, decidedBy: fourth, evidence, setAsideApi };
}
