/**
 * What building a report asks of the store, as a narrow typed interface (as
 * kysely's SQLite dialect declares its own small `SqliteDatabase`): the
 * builder (src/report/) sees these methods and plain rows, never a database
 * handle, SQL or the driver. `reportQueries(db)` answers them from SQLite; a
 * test can answer them from arrays.
 */
import { clockSkews, type ClockSkew } from './clock-check.js';
import { getMeta, type Db } from './db.js';
import { lockStatus } from './ingest-lock.js';
import { inventoryFacts, type InventoryRow } from './inventory.js';
import {
  frontendsSeen,
  frontendsSetAside,
  inputProblems,
  malformedByApi,
  malformedExamples,
  opaqueHours,
  hourEdges,
  serviceTotals,
  sourcesSummary,
  unreadWindows,
  type CallRow,
  type SourceSummaryRow,
  type TotalsByLayer,
  type UnreadWindow,
  type Window,
  type HourEdgeRow,
  type FrontendSeenRow,
  type SetAsideRow,
} from './queries.js';

export type { CallRow, HourEdgeRow, ClockSkew, InventoryRow, SourceSummaryRow, TotalsByLayer, UnreadWindow, Window };

/**
 * A front end (HAProxy frontend or backend, web vhost) the logs named, a service it was counted
 * as, and what decided.
 */
export type FrontendSeen = FrontendSeenRow;

/** Front-end requests of a compute pack's route (`api`) attributed to another service. */
export type SetAsideSeen = SetAsideRow;

/** An input the last ingest of it could not read (a corrupt .gz, an unreadable file). */
export interface InputProblem {
  path: string;
  kind: string;
  message: string;
  seenAt: string;
}

/** Connections a TCP-mode front end logged without HTTP detail, in one hour (ms of the hour's start). */
export interface OpaqueHour {
  frontend: string;
  hour: number;
  connections: number;
}

export interface MalformedExample {
  path: string;
  line: number;
  reason: string;
  text: string;
  /** The API the line names, when it names one. */
  api: string | null;
}

export interface ReportQueries {
  /** Every call of `api` in the window, as raw rows in no particular order (streamed: a million calls pass). */
  calls(api: string, window: Window): Iterable<CallRow>;
  /** Requests to a service in the window, per layer and per hour, each counted once. */
  serviceTotals(service: string, window: Window): TotalsByLayer;
  /** Every source read, in the order first read. */
  sources(): SourceSummaryRow[];
  /** Front ends the logs named, per service and deciding evidence, most requests first. */
  frontends(): FrontendSeen[];
  /** Front-end requests with a compute route attributed to another service. */
  frontendsSetAside(): SetAsideSeen[];
  /** Lines of two layers that match at a whole-hour distance (two clocks), in the window. */
  clockSkews(window: Window): ClockSkew[];
  /** Inputs that could not be read. */
  inputProblems(): InputProblem[];
  /** Unreadable lines (malformed, over-long) that name each API. */
  malformedByApi(): Record<string, number>;
  /** An ingest is running now (its sources being read are not abandoned). */
  ingestRunning(): boolean;
  /** Search-server days in the window that could not be read (closed, missing, failed): never days without calls. */
  unreadWindows(window: Window): UnreadWindow[];
  opaqueHours(window: Window): OpaqueHour[];
  /** The first and last times logged in these hours (their starts, ms), per layer, service and TCP-mode frontend. */
  hourEdges(hours: readonly number[]): HourEdgeRow[];
  /** The first malformed lines (those naming an API first), by source and line. */
  malformedExamples(limit: number): MalformedExample[];
  /** Inventory facts: which virt driver each compute host ran, and when. */
  inventory(): InventoryRow[];
  /** The zones ingest read timestamps without an offset in (null before any ingest said). */
  timezones(): { frontEnd: string | null; nova: string | null };
  /** The zone of the machine that ran the last ingest (the default for every source), null before it was recorded. */
  machineZone(): string | null;
}

/** The report's queries answered from an open database. */
export function reportQueries(db: Db): ReportQueries {
  return {
    calls: (api, window) => callRows(db, api, window),
    serviceTotals: (service, window) => serviceTotals(db, service, window),
    sources: () => sourcesSummary(db),
    frontends: () => frontendsSeen(db),
    frontendsSetAside: () => frontendsSetAside(db),
    clockSkews: (window) => clockSkews(db, window, Number(getMeta(db, 'join_window_ms') ?? 5000)),
    inputProblems: () => inputProblems(db),
    malformedByApi: () => malformedByApi(db),
    ingestRunning: () => lockStatus(db)?.alive ?? false,
    unreadWindows: (window) => unreadWindows(db, window),
    opaqueHours: (window) => opaqueHours(db, window),
    hourEdges: (hours) => hourEdges(db, hours),
    malformedExamples: (limit) => malformedExamples(db, limit),
    inventory: () => inventoryFacts(db),
    timezones: () => ({ frontEnd: getMeta(db, 'timezone'), nova: getMeta(db, 'nova_timezone') }),
    machineZone: () => getMeta(db, 'machine_zone'),
  };
}

/**
 * call_list's rows of `api` in the window, read without the view: joined calls from `calls`, and
 * the lines that are calls by themselves from `observation_lines` with their shape's columns
 * looked up once per shape in memory, not joined per row (bench/: a million calls, 1.67 → ~1.2 s
 * of reading; better-sqlite3 hands over a row in ~0.5 µs at best, so a million rows stay above
 * half a second). No ORDER BY: every aggregate the report builds is independent of row order.
 */
function* callRows(db: Db, api: string, w: Window): Generator<CallRow> {
  const joined: unknown[] = [api];
  yield* db
    .prepare(
      'SELECT action, target, time, status, client, user_agent, user_id, project_id, user_name, project_name, ' +
        `microversion, layers FROM calls WHERE api = ?${between('time', w, joined)}`,
    )
    .raw(true)
    .iterate(...joined) as IterableIterator<CallRow>;
  type Shape = [id: number, action: string, target: string | null, status: number | null, layer: string];
  const shapes = new Map<number, Shape>();
  const shapeRows = db
    .prepare(
      'SELECT s.id, s.action, s.target, s.status, s.layer FROM observation_shapes s ' +
        'JOIN observation_groups g ON g.id = s.group_id WHERE g.api = ?',
    )
    .raw(true)
    .all(api) as Shape[];
  for (const r of shapeRows) shapes.set(r[0], r);
  const alone: unknown[] = [api];
  const lines = db
    .prepare(
      'SELECT shape_id, start_time, client, user_agent, user_id, project_id, user_name, project_name, microversion ' +
        'FROM observation_lines WHERE group_id IN (SELECT id FROM observation_groups WHERE api = ?) ' +
        `AND call_id IS NULL${between('start_time', w, alone)}`,
    )
    .raw(true)
    .iterate(...alone) as IterableIterator<[number, number | null, ...(string | null)[]] & { length: 9 }>;
  for (const l of lines) {
    const s = shapes.get(l[0])!;
    yield [s[1], s[2], l[1], s[3], l[2], l[3], l[4], l[5], l[6], l[7], l[8], s[4]] as CallRow;
  }
}

/** `AND column >= from AND column < to` for the window's bounds, their values added to `params`. */
function between(column: string, w: Window, params: unknown[]): string {
  let sql = '';
  if (w.from !== null) {
    sql += ` AND ${column} >= ?`;
    params.push(w.from);
  }
  if (w.to !== null) {
    sql += ` AND ${column} < ?`;
    params.push(w.to);
  }
  return sql;
}
