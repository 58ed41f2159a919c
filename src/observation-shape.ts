/**
 * What the lines of calls of interest share: the route and how it was logged
 * (layer, parser, target, raw path, status, front end). Lines of one shape
 * differ in time, request id, caller (identity, client, microversion), size
 * and duration: those stay on each line (observation_lines), the shape is
 * stored once (observation_shapes).
 * bench/: a 32-column row per line with two text indexes cost ~13 µs to insert,
 * and the generated nova log holds ~150,000 such lines per GB.
 */
import type { RequestRecord } from '../parsers/types.js';
import { hash52Values } from './keys.js';

export interface ObservationShape extends Pick<
  RequestRecord,
  'layer' | 'parser' | 'method' | 'status' | 'frontend' | 'backend' | 'server' | 'host'
> {
  /** shapeKey() of the fields below: how a shape is found again, in this ingest and later ones. */
  key: number;
  service: string;
  api: string;
  action: string;
  target: string | null;
  rawPath: string;
  normPath: string;
}

/** The shape's fields in the order shapeKey() mixes them, as the SQL function shape_key() takes them. */
export const SHAPE_FIELDS = [
  'layer',
  'parser',
  'service',
  'api',
  'method',
  'normPath',
  'action',
  'target',
  'rawPath',
  'status',
  'frontend',
  'backend',
  'server',
  'host',
] as const satisfies readonly (keyof ObservationShape)[];

/** The columns of SHAPE_FIELDS (observation_shapes and observation_groups). */
export const SHAPE_COLUMNS = [
  'layer',
  'parser',
  'service',
  'api',
  'method',
  'norm_path',
  'action',
  'target',
  'raw_path',
  'status',
  'frontend',
  'backend',
  'server',
  'host',
] as const;

/** Fields of the route, kept in observation_groups; the others are observation_shapes' own columns. */
const GROUP_FIELDS: ReadonlySet<string> = new Set(['api', 'method', 'normPath']);
export const SHAPE_STORED_FIELDS = SHAPE_FIELDS.filter((f) => !GROUP_FIELDS.has(f));
export const SHAPE_STORED = SHAPE_COLUMNS.filter((_, i) => !GROUP_FIELDS.has(SHAPE_FIELDS[i]!));

/**
 * A 52-bit key of a shape's values (SHAPE_FIELDS order). Two different
 * shapes share one with probability ~n²/2⁵³; the store compares the fields
 * before it reuses a stored shape, so a collision costs a row, never a wrong field.
 */
export const shapeKey = (values: readonly (string | number | null)[]): number => hash52Values(values);

export function shapeKeyOf(s: Omit<ObservationShape, 'key'>): number {
  return shapeKey(SHAPE_FIELDS.map((f) => s[f]));
}

/**
 * The lines of calls of interest of a chunk, by column: OBS_NUMS numbers per line in one
 * Float64Array (NaN for null) at the offsets of OBS_NUM, OBS_STRS strings per line in one array
 * at the offsets of OBS_STR; a line's shape, the rest, is `ChunkResult.shapes[shape]`
 * (src/ingest/process.ts). The numbers move from a worker with the array's memory, without a
 * heap number each (bench/: with one array of 19 mixed values per line, a fifth of a worker's
 * time on a log of such lines went to garbage collection, and each value was cloned to move).
 */
export const OBS_NUM = {
  /** Index of its shape in the chunk's shapes. */
  shape: 0,
  /** Index of the request's key in the chunk's keys (its dedupKey changes when numbered). */
  keyIndex: 1,
  dedupKey: 2,
  line: 3,
  time: 4,
  startTime: 5,
  bytes: 6,
  durationMs: 7,
  /** hash52 of the request id. */
  requestKey: 8,
} as const;
export const OBS_NUMS = 9;
export const OBS_STR = {
  client: 0,
  clientChain: 1,
  userAgent: 2,
  requestId: 3,
  globalRequestId: 4,
  userId: 5,
  projectId: 6,
  userName: 7,
  projectName: 8,
  microversion: 9,
} as const;
export const OBS_STRS = 10;

export interface ObservationLines {
  count: number;
  nums: Float64Array;
  strs: (string | null)[];
}

export const emptyObservationLines = (): ObservationLines => ({ count: 0, nums: new Float64Array(0), strs: [] });

/** An OBS_NUM value as stored: NaN is null. */
export const numOrNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
