/**
 * The report: one plain object, the contract between what builds it
 * (src/report/build.ts, from the store's query interface) and what renders it
 * (text, JSON, Markdown, CSV, HTML in reports/, each a pure function of a
 * Report). Types only: nothing here reads a database. The JSON form is this
 * object as it is, versioned and documented in docs/report-schema.md.
 */

export const REPORT_SCHEMA = 'apicensus.report/v1';

export interface ActionSummary {
  action: string;
  calls: number;
  succeeded: number;
  failed: number;
  statuses: Record<string, number>;
  projects: number;
  users: number;
  replacement: string | null;
  /** Short name of what to move to, when the pack gives one. */
  moveTo: string | null;
  note: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  /**
   * Whether its callers have something to move: the API is deprecated or removed, or the
   * action is an old form with a replacement. False for a current API's own actions
   * (os-services `list`): no replacement there means nothing to replace.
   */
  deprecated: boolean;
  /**
   * Could the calls have worked on the virt drivers of the hosts they named (actions that act
   * on a host's driver, for APIs with a capability matrix); null for the others (list and show
   * read the database, so they work on any driver).
   */
  onDrivers: OnDrivers | null;
}

export interface OnDrivers {
  /** yes: every call could; no: none could; some: some could and some not; unknown: none can be judged. */
  works: 'yes' | 'no' | 'some' | 'unknown';
  could: number;
  never: number;
  /** Calls to a host the inventory does not hold, or whose driver the matrix does not know. */
  unknown: number;
  /** The drivers called, most calls first ('unknown' for hosts not in the inventory). */
  drivers: string[];
}

export interface DimensionRow {
  calls: number;
  actions: Record<string, number>;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface ApiReport {
  api: string;
  title: string;
  service: string;
  deprecated: { microversion?: string | null; release?: string | null; source: string } | null;
  removed: { release: string; source: string } | null;
  /** removed or deprecated (the pack says so), else current. */
  status: 'removed' | 'deprecated' | 'current';
  calls: number;
  /** Callers: distinct projects (ids, or names where the lines give only names). */
  projects: number;
  users: number;
  firstSeen: string | null;
  lastSeen: string | null;
  /** Calls of this API per 100,000 requests to its service in the window (null when no total is known). */
  perHundredThousand: number | null;
  /** Calls the API refused because they asked for a microversion at or after the deprecation (or it is removed). */
  refused: number;
  actions: ActionSummary[];
  byProject: (DimensionRow & { project: string; projectName: string | null })[];
  byUser: (DimensionRow & { user: string; userName: string | null })[];
  /** Calls by the host they name (APIs whose routes target a host). */
  byHost: (DimensionRow & { host: string })[];
  /** Calls by another kind of target the routes name (a service id, a frobnicator). */
  byTarget: (DimensionRow & { target: string })[];
  byMicroversion: { microversion: string | null; calls: number; actions: Record<string, number> }[];
  byStatus: { status: number | null; calls: number }[];
  /** User-Agent family and version (front-end logs and CADF carry it; nova's own lines do not). */
  byClient: {
    client: string;
    version: string | null;
    calls: number;
    actions: Record<string, number>;
    addresses: string[];
    userAgents: string[];
  }[];
  /** Client address (the first X-Forwarded-For hop where there is one). */
  byAddress: {
    address: string;
    calls: number;
    actions: Record<string, number>;
    firstSeen: string | null;
    lastSeen: string | null;
  }[];
  /** Which logs saw the calls: "nova", "lb", "web", "lb+nova"… → calls. */
  seenIn: Record<string, number>;
  /** The same, summed: nova's log only, a front end (load balancer or web server) only, or both. */
  seenWhere: { novaOnly: number; frontEndOnly: number; both: number; auditOnly: number };
  /**
   * Calls naming a host, by the virt driver of that host at the time (from the inventory; 'unknown' when not in it).
   */
  byDriver: { driver: string; calls: number; actions: Record<string, number>; hosts: string[] }[];
  /**
   * For every action × driver that was called: could the action
   * have worked there? (capability matrix, src/capabilities.ts)
   */
  support: SupportRow[];
  /** Hosts calls named that the inventory does not hold: import what is missing. */
  unknownHosts: { host: string; calls: number; lastSeen: string | null }[];
  /** Hosts whose name matched several inventory hosts (short name against two FQDNs). */
  ambiguousHosts: { host: string; candidates: string[]; calls: number }[];
  /** Calls per UTC day, by action (for timelines). */
  daily: { day: string; calls: number; actions: Record<string, number> }[];
}

/** Could the action work on that driver: from the capability matrix (src/capabilities.ts). */
export type Support = 'yes' | 'no' | 'unknown';

export interface SupportRow {
  action: string;
  driver: string;
  supported: Support;
  calls: number;
  /** The hosts (as the calls named them) behind this row. */
  hosts: string[];
  succeeded: number;
  statuses: Record<string, number>;
  /** What the action answers on that driver, and in which releases the statement holds. */
  answer: string | null;
  releases: string | null;
  source: string | null;
}

export interface Verdict {
  api: string;
  used: boolean;
  /**
   * Whether the logs can answer the question: 'no' when they hold no request to the service;
   * 'partly' when they cover fewer days than `span.minDays`, have gaps, or some hours or
   * sources are blind (`reasons` says which); else 'yes'.
   */
  answerable: 'yes' | 'partly' | 'no';
  summary: string;
  /** The summary, one sentence per point (summary is these joined by spaces): for a list. */
  points: string[];
  /** Why the logs cannot fully answer (empty when answerable is 'yes'): one short line each. */
  reasons: string[];
  actionsWithoutReplacement: string[];
}

/** The time the logs cover within the window asked for, by UTC day: what an answer can speak for. */
export interface LogSpan {
  /** The first and last hour with logs of the studied API's service (a request, or a TCP-mode connection). */
  first: string | null;
  last: string | null;
  /** UTC days from the span's first to its last day (the window's bounds where one was given). */
  days: number;
  daysWithLogs: number;
  /** "Can the logs answer?" wants at least this many days with logs (`report --min-days`). */
  minDays: number;
  /** Runs of days without any log line of the service, inside the span, oldest first (YYYY-MM-DD, inclusive). */
  gaps: { from: string; to: string; days: number }[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  generatedAt: string;
  tool: { name: 'apicensus'; version: string };
  window: { from: string | null; to: string | null };
  timezones: { frontEnd: string | null; nova: string | null };
  /**
   * The one clock: the rule for timestamps without a UTC offset, and the zone of the machine that
   * ran the (last) ingest, the default for every source (null before it was recorded).
   */
  clock: { rule: string; machineZone: string | null };
  inputs: {
    sources: number;
    linesRead: number;
    requests: number;
    malformed: number;
    /** Compute requests per layer; `requests` takes the largest layer each hour. */
    requestsByLayer: Record<string, number>;
    opaqueConnections: number;
    deduplication: string;
  };
  sources: {
    path: string;
    format: string;
    lines: number;
    requests: number;
    newRequests: number;
    malformed: number;
    firstSeen: string | null;
    lastSeen: string | null;
    /**
     * How reading it was left: 'complete', or read in part ('reading'
     * when an ingest stopped, 'interrupted', 'incomplete', 'corrupt').
     */
    state: 'reading' | 'complete' | 'interrupted' | 'incomplete' | 'corrupt';
    /** Content bytes read, and the file's size when reading began (null for .gz and stdin). */
    readBytes: number;
    sizeBytes: number | null;
    /** Where it stands, in words, when not complete. */
    note: string | null;
    /** Requests without a date (no time window can hold them). */
    undated: number;
    /** Over-long lines: counted and skipped, not parsed. */
    skipped: number;
  }[];
  /** Each front end's requests per service, with the evidence that decided (see FrontendRow). */
  frontends: FrontendRow[];
  /**
   * Front-end requests whose route is a compute pack's (in a path nova could serve) that the
   * evidence attributed to another service: they are not counted, and the verdict says so.
   */
  setAside: SetAsideRow[];
  apis: ApiReport[];
  verdict: Verdict;
  span: LogSpan;
  coverage: Coverage;
  warnings: string[];
  /** The first malformed (or over-long) lines, those that name an API (`api`) first. */
  malformedExamples: { path: string; line: number; reason: string; text: string; api: string | null }[];
}

/** One kind of evidence that decided a front end's service, and the requests it decided. */
export interface Decision {
  /** 'path', 'frontend-option', 'name', 'port', 'file-name', 'none' (src/service.ts), 'unrecorded' before schema 12. */
  decidedBy: string;
  evidence: string;
  requests: number;
}

export interface FrontendRow {
  layer: string;
  /** The frontend, backend or vhost name ('' when the lines name none). */
  name: string;
  service: string;
  requests: number;
  /** The evidence that decided most of these requests, and its text. */
  decidedBy: string;
  evidence: string;
  /** Every kind of evidence that decided some of them, most requests first. */
  decisions: Decision[];
}

/** Front-end requests of a compute pack's route set aside for another service. */
export interface SetAsideRow {
  api: string;
  layer: string;
  name: string;
  service: string;
  decidedBy: string;
  evidence: string;
  requests: number;
}

/** What the logs could see: hours with requests (paths visible) against hours only TCP-mode front ends logged. */
export interface Coverage {
  hoursWithRequests: number;
  /** Hours in which only TCP-mode (opaque) connections to the service were logged. */
  blindHours: number;
  blindFrom: string | null;
  blindTo: string | null;
  blindFrontends: string[];
  opaqueConnections: number;
}
