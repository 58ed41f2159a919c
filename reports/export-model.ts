/**
 * What leaves a cloud (`apicensus.export/v2`) and what the core team gets by
 * merging many exports (`apicensus.merge/v2`). Both are documented in
 * docs/export-schema.md; the export holds no tenant, user, host, address,
 * request id or path — only aggregates and keyed hashes.
 */

export const EXPORT_SCHEMA = 'apicensus.export/v2';
/** The previous export version: still read (merge, compare), as covering whole days (it has no hours). */
export const EXPORT_SCHEMA_V1 = 'apicensus.export/v1';
export const MERGE_SCHEMA = 'apicensus.merge/v2';

/** One aggregate row: calls of one action on one day, by every dimension the core team needs. */
export interface ExportRow {
  action: string;
  /** Virt driver of the host the call named ('unknown' when not in the inventory, null when the call names no host). */
  driver: string | null;
  /** Could the action have worked on that driver (capability matrix); null for actions that name no host. */
  supported: 'yes' | 'no' | 'unknown' | null;
  microversion: string | null;
  /** '2xx', '3xx', '4xx', '5xx' or 'unknown'. */
  statusClass: string;
  /** 404 at or after the deprecation microversion, 410 once removed. */
  refused: boolean;
  /** User-Agent family (python-novaclient, openstacksdk, curl…) and major version only. */
  client: string;
  clientMajor: string | null;
  /** HMAC-SHA256 (keyed, truncated) of the project id or name; null when no line named one. */
  project: string | null;
  calls: number;
}

/** Who called, over the whole window: hashed project and user, and their calls by action. */
export interface ExportCaller {
  project: string | null;
  user: string | null;
  calls: number;
  actions: Record<string, number>;
}

export interface ExportDay {
  day: string;
  /** Requests to the API's service that day (each counted once), for the share. */
  serviceRequests: number;
  rows: ExportRow[];
}

/** Whole UTC hours, half-open: from the start of the first hour to the end of the last. */
export interface HourRange {
  from: string;
  to: string;
}

/**
 * The hours in which the logs held requests to the API's service (hour by hour, merged into
 * runs): when such an hour shows no call, nobody called; outside them the export knows nothing.
 */
export interface ExportCoverage {
  hours: number;
  ranges: HourRange[];
}

export interface ExportApi {
  api: string;
  service: string;
  coverage: ExportCoverage;
  deprecated: { microversion?: string | null; release?: string | null } | null;
  removed: { release: string } | null;
  days: ExportDay[];
  /** Users appear here only, not per day: one row per (project, user) keeps the file small. */
  callers: ExportCaller[];
}

export interface Export {
  schema: typeof EXPORT_SCHEMA;
  generatedAt: string;
  tool: { name: 'apicensus'; version: string };
  deployment: { id: string; label: string | null };
  window: { from: string | null; to: string | null };
  /** Days the logs covered (any request seen), so "no call" is told apart from "no logs". */
  coveredDays: string[];
  apis: ExportApi[];
}

export interface Tally {
  name: string | null;
  /** Deployments with at least one call. */
  deployments: number;
  calls: number;
}

export interface MergedAction {
  action: string;
  /** Deployments whose exports cover the API (with logs): only these can say whether they call it. */
  deploymentsReporting: number;
  /** Of those, the deployments with at least one call of the action. */
  deploymentsCalling: number;
  calls: number;
  statusClasses: Record<string, number>;
  /** Calls that could never have worked on their host's driver. */
  neverWorked: number;
  refused: number;
}

/** A deployment that cannot say whether it calls an API: it did not export it, or its logs covered no hour. */
export interface UnknownDeployment {
  deployment: string;
  label: string | null;
  reason: 'not exported' | 'no logs';
}

export interface MergedApi {
  api: string;
  service: string;
  deploymentsReporting: number;
  deploymentsCalling: number;
  /** Deployments that did not report the API: unknown, never counted as "does not call". */
  unknown: UnknownDeployment[];
  calls: number;
  actions: MergedAction[];
  drivers: Tally[];
  clients: Tally[];
  microversions: Tally[];
  /** Calls per day across deployments, by action (for the timeline). */
  daily: { day: string; calls: number; actions: Record<string, number> }[];
  /** Per reporting deployment: calls, projects (hashed, so counted, not named), last day seen, UTC days covered. */
  byDeployment: {
    deployment: string;
    label: string | null;
    calls: number;
    projects: number;
    lastDay: string | null;
    daysCovered: number;
  }[];
}

export interface MergeReport {
  schema: typeof MERGE_SCHEMA;
  generatedAt: string;
  tool: { name: 'apicensus'; version: string };
  deployments: {
    id: string;
    label: string | null;
    exports: number;
    from: string | null;
    to: string | null;
    coveredDays: number;
    /** The APIs its exports cover. */
    apis: string[];
  }[];
  apis: MergedApi[];
  verdict: {
    api: string;
    deploymentsCalling: number;
    deploymentsReporting: number;
    /** All deployments merged, reporting the API or not. */
    deployments: number;
    unknown: number;
    summary: string;
  };
}
