/**
 * What building a report asks of the store, as a narrow typed interface (as
 * kysely's SQLite dialect declares its own small `SqliteDatabase`): the
 * builder (src/report/) sees these methods and plain rows, never a database
 * handle, SQL or the driver. `reportQueries(db)` answers them from SQLite; a
 * test can answer them from arrays.
 */
import { getMeta, type Db } from './db.js';
import { inventoryFacts, type InventoryRow } from './inventory.js';
import {
  callsOf,
  frontendsSeen,
  malformedExamples,
  opaqueHours,
  serviceTotals,
  sourcesSummary,
  type CallRow,
  type SourceSummaryRow,
  type TotalsByLayer,
  type Window,
} from './queries.js';

export type { CallRow, InventoryRow, SourceSummaryRow, TotalsByLayer, Window };

/** A front end (HAProxy frontend or backend, web vhost) the logs named, and the service it was counted as. */
export interface FrontendSeen {
  layer: string;
  name: string;
  service: string;
  requests: number;
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
}

export interface ReportQueries {
  /** Every call of `api` in the window, as raw rows in no particular order (streamed: a million calls pass). */
  calls(api: string, window: Window): Iterable<CallRow>;
  /** Requests to a service in the window, per layer and per hour, each counted once. */
  serviceTotals(service: string, window: Window): TotalsByLayer;
  /** Every source read, in the order first read. */
  sources(): SourceSummaryRow[];
  /** Front ends the logs named, most requests first. */
  frontends(): FrontendSeen[];
  opaqueHours(window: Window): OpaqueHour[];
  /** The first malformed lines, by source and line. */
  malformedExamples(limit: number): MalformedExample[];
  /** Inventory facts: which virt driver each compute host ran, and when. */
  inventory(): InventoryRow[];
  /** The zones ingest read timestamps without an offset in (null before any ingest said). */
  timezones(): { frontEnd: string | null; nova: string | null };
}

/** The report's queries answered from an open database. */
export function reportQueries(db: Db): ReportQueries {
  return {
    calls: (api, window) => callsOf(db, api, window),
    serviceTotals: (service, window) => serviceTotals(db, service, window),
    sources: () => sourcesSummary(db),
    frontends: () => frontendsSeen(db),
    opaqueHours: (window) => opaqueHours(db, window),
    malformedExamples: (limit) => malformedExamples(db, limit),
    inventory: () => inventoryFacts(db),
    timezones: () => ({ frontEnd: getMeta(db, 'timezone'), nova: getMeta(db, 'nova_timezone') }),
  };
}
