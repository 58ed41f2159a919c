/**
 * Numbered migrations, applied in order, each in its own transaction and
 * recorded in PRAGMA user_version (plain integers: no timestamp high-water
 * marks). Never edit a released migration; add the next number.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: '001-init',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- One row per distinct content: identity is the hash of the first bytes, never the name.
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  head_hash TEXT NOT NULL,
  head_len INTEGER NOT NULL,
  offset INTEGER NOT NULL DEFAULT 0,      -- bytes of (decompressed) content read, at a line end
  tail_hash TEXT NOT NULL DEFAULT '',     -- hash of the bytes just before offset: proves a resumed file is the same
  lines INTEGER NOT NULL DEFAULT 0,
  format TEXT NOT NULL,
  path TEXT NOT NULL,                     -- the name it was last read under
  compressed INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,    -- request lines read (before removing copies seen elsewhere)
  new_requests INTEGER NOT NULL DEFAULT 0,-- requests this source added to the totals
  opaque INTEGER NOT NULL DEFAULT 0,      -- connections logged without HTTP detail (tcplog)
  malformed INTEGER NOT NULL DEFAULT 0,
  observations INTEGER NOT NULL DEFAULT 0,
  first_time INTEGER,
  last_time INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX sources_by_head ON sources(head_hash);

CREATE TABLE source_names (
  source_id INTEGER NOT NULL REFERENCES sources(id),
  path TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (source_id, path)
) WITHOUT ROWID;

-- The first few malformed lines of each source, to show with file and line.
CREATE TABLE malformed_lines (
  source_id INTEGER NOT NULL REFERENCES sources(id),
  line INTEGER NOT NULL,
  reason TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (source_id, line)
) WITHOUT ROWID;

-- One row per log line of a call of interest (a request some rule pack classifies).
CREATE TABLE observations (
  id INTEGER PRIMARY KEY,
  layer TEXT NOT NULL,
  dedup_key INTEGER NOT NULL,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  line INTEGER NOT NULL,
  parser TEXT NOT NULL,
  service TEXT NOT NULL,
  api TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  method TEXT NOT NULL,
  raw_path TEXT NOT NULL,
  norm_path TEXT NOT NULL,
  time INTEGER,
  start_time INTEGER,
  status INTEGER,
  bytes INTEGER,
  duration_ms REAL,
  client TEXT,
  client_chain TEXT,
  user_agent TEXT,
  request_id TEXT,
  global_request_id TEXT,
  user_id TEXT,
  project_id TEXT,
  user_name TEXT,
  project_name TEXT,
  microversion TEXT,
  frontend TEXT,
  backend TEXT,
  server TEXT,
  host TEXT,
  call_id INTEGER,
  UNIQUE (layer, dedup_key)
);
CREATE INDEX observations_by_group ON observations(api, method, norm_path);
CREATE INDEX observations_by_request ON observations(request_id) WHERE request_id IS NOT NULL;

-- Log messages that make an action precise ("Enabling host X." for a PUT /os-hosts/X).
CREATE TABLE effects (
  request_id TEXT NOT NULL,
  api TEXT NOT NULL,
  action TEXT NOT NULL,
  refines TEXT NOT NULL,
  target TEXT,
  time INTEGER,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  line INTEGER NOT NULL,
  PRIMARY KEY (request_id, api, action)
) WITHOUT ROWID;

-- One row per call: the observations of one request in every layer, joined.
CREATE TABLE calls (
  id INTEGER PRIMARY KEY,
  api TEXT NOT NULL,
  action TEXT NOT NULL,
  route_action TEXT NOT NULL,
  target TEXT,
  method TEXT NOT NULL,
  norm_path TEXT NOT NULL,
  raw_path TEXT NOT NULL,
  time INTEGER,
  status INTEGER,
  bytes INTEGER,
  duration_ms REAL,
  client TEXT,
  user_agent TEXT,
  request_id TEXT,
  global_request_id TEXT,
  user_id TEXT,
  project_id TEXT,
  user_name TEXT,
  project_name TEXT,
  microversion TEXT,
  frontend TEXT,
  host TEXT,
  layers TEXT NOT NULL,
  observations INTEGER NOT NULL,
  source_id INTEGER NOT NULL,
  line INTEGER NOT NULL
);
CREATE INDEX calls_by_api_time ON calls(api, time);
CREATE INDEX calls_by_group ON calls(api, method, norm_path);

-- Every request of every service, per layer and hour, each counted once (see hour_keys).
CREATE TABLE hourly_totals (
  layer TEXT NOT NULL,
  service TEXT NOT NULL,
  hour INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (layer, service, hour)
) WITHOUT ROWID;

-- The 52-bit keys of requests already counted, per layer and hour, in append-only segments.
CREATE TABLE hour_keys (
  layer TEXT NOT NULL,
  hour INTEGER NOT NULL,
  seg INTEGER NOT NULL,
  keys BLOB NOT NULL,
  PRIMARY KEY (layer, hour, seg)
) WITHOUT ROWID;

-- Connections a front end logged without HTTP detail (option tcplog), per frontend and hour.
CREATE TABLE opaque_hours (
  layer TEXT NOT NULL,
  frontend TEXT NOT NULL,
  hour INTEGER NOT NULL,
  connections INTEGER NOT NULL,
  PRIMARY KEY (layer, frontend, hour)
) WITHOUT ROWID;

-- Front-end names seen, the service each was attributed to, and how many requests.
CREATE TABLE frontends (
  layer TEXT NOT NULL,
  name TEXT NOT NULL,
  service TEXT NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (layer, name, service)
) WITHOUT ROWID;

-- Set while an ingest runs, so a second one waits instead of double counting.
CREATE TABLE ingest_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat INTEGER NOT NULL
);
`,
  },
  {
    version: 2,
    name: '002-nova-api-lines',
    sql: `
-- 1 when a nova source held lines of nova-api's own loggers (nova.api.*, nova.osapi_compute.*):
-- with no access line at all, request_log is missing from api-paste.ini and nova's log cannot tell.
ALTER TABLE sources ADD COLUMN nova_api_seen INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 3,
    name: '003-inventory',
    sql: `
-- What the operator told us about compute hosts: one row per distinct fact, with when it
-- was first and last seen (the file's own time when it has one, else the import time).
CREATE TABLE inventory_facts (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  hypervisor_hostname TEXT NOT NULL DEFAULT '',
  driver TEXT NOT NULL DEFAULT '',
  hypervisor_type TEXT NOT NULL DEFAULT '',
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  kind TEXT NOT NULL,
  source_path TEXT NOT NULL,
  line INTEGER,
  imported_at INTEGER NOT NULL,
  UNIQUE (host, hypervisor_hostname, driver, hypervisor_type)
);
CREATE INDEX inventory_by_host ON inventory_facts(host);
`,
  },
  {
    version: 4,
    name: '004-observations-by-time',
    sql: `
-- Relinking works on the cluster of observations around new ones: found by group and start time.
CREATE INDEX observations_by_group_time ON observations(api, method, norm_path, start_time);
CREATE INDEX observations_by_call ON observations(call_id);
`,
  },
  {
    version: 5,
    name: '005-fewer-indexes',
    sql: `
-- observations_by_group_time covers everything observations_by_group did; calls are relinked
-- by id, never by group. Each index costs every inserted line of interest (bench/).
DROP INDEX observations_by_group;
DROP INDEX calls_by_group;
`,
  },
  {
    version: 6,
    name: '006-single-line-calls',
    sql: `
-- A call seen on one line only (most of them) is that observation, with call_id NULL: one
-- row per line instead of two (bench/). calls holds the joined ones; call_list is every call.
DROP INDEX observations_by_call;
CREATE INDEX observations_by_call ON observations(call_id) WHERE call_id IS NOT NULL;
CREATE VIEW call_list AS
  SELECT id, api, action, route_action, target, method, raw_path, time, status, client, user_agent, request_id, user_id,
         project_id, user_name, project_name, microversion, frontend, host, layers
    FROM calls
  UNION ALL
  SELECT -id, api, action, action, target, method, raw_path, start_time, status, client, user_agent, request_id, \
user_id,
         project_id, user_name, project_name, microversion, frontend, host, layer
    FROM observations WHERE call_id IS NULL;
`,
  },
  {
    version: 7,
    name: '007-file-states',
    sql: `
-- What a file looked like (device, inode, size, mtime) when it was last read to its end. An
-- hourly hook over nova-api.log* would otherwise decompress every rotated .gz again just to
-- prove it holds nothing new; identity stays the content's: any difference means reading it.
CREATE TABLE file_states (
  path TEXT PRIMARY KEY,
  dev INTEGER NOT NULL,
  ino INTEGER NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  format TEXT NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    version: 8,
    name: '008-narrow-observation-lines',
    sql: `
-- A line of a call of interest was one 32-column row with a unique and two text indexes:
-- ~13 µs to insert (bench/: ~150,000 per GB of the generated nova log). Now the route
-- (api, method, normalised path) is a group, how lines of it were logged (layer, parser,
-- action, target, raw path, status, front end) a shape (src/observation-shape.ts), both
-- stored once; a line holds the rest: time, request id, caller, size, duration. Indexes are
-- on integers. A line is new exactly when its request's key is new in hour_keys (same key,
-- layer and hour), so it needs no unique index of its own. observations stays, as a view.
CREATE TABLE observation_groups (
  id INTEGER PRIMARY KEY,
  api TEXT NOT NULL,
  method TEXT NOT NULL,
  norm_path TEXT NOT NULL,
  UNIQUE (api, method, norm_path)
);
CREATE TABLE observation_shapes (
  id INTEGER PRIMARY KEY,
  shape_key INTEGER NOT NULL,
  group_id INTEGER NOT NULL REFERENCES observation_groups(id),
  layer TEXT NOT NULL,
  parser TEXT NOT NULL,
  service TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  raw_path TEXT NOT NULL,
  status INTEGER,
  frontend TEXT,
  backend TEXT,
  server TEXT,
  host TEXT
);
CREATE INDEX observation_shapes_by_key ON observation_shapes(shape_key);
CREATE INDEX observation_shapes_by_group ON observation_shapes(group_id, layer);
CREATE TABLE observation_lines (
  id INTEGER PRIMARY KEY,
  shape_id INTEGER NOT NULL REFERENCES observation_shapes(id),
  group_id INTEGER NOT NULL,
  dedup_key INTEGER NOT NULL,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  line INTEGER NOT NULL,
  time INTEGER,
  start_time INTEGER,
  bytes INTEGER,
  duration_ms REAL,
  client TEXT,
  client_chain TEXT,
  user_agent TEXT,
  request_id TEXT,
  global_request_id TEXT,
  -- hash52(request_id): an 8-byte index key instead of a 40-byte text one.
  request_key INTEGER,
  user_id TEXT,
  project_id TEXT,
  user_name TEXT,
  project_name TEXT,
  microversion TEXT,
  call_id INTEGER
);
INSERT INTO observation_groups (api, method, norm_path) SELECT DISTINCT api, method, norm_path FROM observations;
INSERT INTO observation_shapes (shape_key, group_id, layer, parser, service, action, target, raw_path, status, \
frontend, backend, server, host)
  SELECT shape_key(layer, parser, service, api, method, norm_path, action, target, raw_path, status, frontend, \
backend, server, host), g.id, layer, parser, service, action, target, raw_path, status, frontend, backend, server, host
    FROM (SELECT DISTINCT layer, parser, service, api, method, norm_path, action, target, raw_path, status, frontend, \
backend, server, host FROM observations) o JOIN observation_groups g USING (api, method, norm_path);
INSERT INTO observation_lines (id, shape_id, group_id, dedup_key, source_id, line, time, start_time, bytes, duration_ms,
    client, client_chain, user_agent, request_id, global_request_id, user_id, project_id, user_name, project_name, \
microversion, request_key, call_id)
  SELECT o.id, s.id, g.id, o.dedup_key, o.source_id, o.line, o.time, o.start_time, o.bytes, o.duration_ms,
         o.client, o.client_chain, o.user_agent, o.request_id, o.global_request_id, o.user_id, o.project_id, \
o.user_name, o.project_name, o.microversion,
         CASE WHEN o.request_id IS NULL THEN NULL ELSE hash52(o.request_id) END, o.call_id
    FROM observations o JOIN observation_groups g USING (api, method, norm_path)
    JOIN observation_shapes s ON s.group_id = g.id AND s.layer IS o.layer AND s.parser IS o.parser \
AND s.service IS o.service AND s.action IS o.action AND s.target IS o.target AND s.raw_path IS o.raw_path \
AND s.status IS o.status AND s.frontend IS o.frontend AND s.backend IS o.backend AND s.server IS o.server \
AND s.host IS o.host;
DROP VIEW call_list;
DROP TABLE observations;
CREATE INDEX observation_lines_by_group_time ON observation_lines(group_id, start_time);
CREATE INDEX observation_lines_by_request ON observation_lines(request_key) WHERE request_key IS NOT NULL;
CREATE INDEX observation_lines_by_call ON observation_lines(call_id) WHERE call_id IS NOT NULL;
CREATE VIEW observations AS
  SELECT l.id, s.layer, l.dedup_key, l.source_id, l.line, s.parser, s.service, g.api, s.action, s.target, g.method, \
s.raw_path, g.norm_path, l.time, l.start_time, s.status, l.bytes, l.duration_ms, l.client, l.client_chain, \
l.user_agent, l.request_id, l.global_request_id, l.user_id, l.project_id, l.user_name, l.project_name, l.microversion, \
s.frontend, s.backend, s.server, s.host, l.call_id
    FROM observation_lines l JOIN observation_shapes s ON s.id = l.shape_id JOIN observation_groups g \
ON g.id = l.group_id;
CREATE VIEW call_list AS
  SELECT id, api, action, route_action, target, method, raw_path, time, status, client, user_agent, request_id, user_id,
         project_id, user_name, project_name, microversion, frontend, host, layers
    FROM calls
  UNION ALL
  SELECT -l.id, g.api, s.action, s.action, s.target, g.method, s.raw_path, l.start_time, s.status, l.client, \
l.user_agent, l.request_id,
         l.user_id, l.project_id, l.user_name, l.project_name, l.microversion, s.frontend, s.host, s.layer
    FROM observation_lines l JOIN observation_shapes s ON s.id = l.shape_id JOIN observation_groups g \
ON g.id = l.group_id
   WHERE l.call_id IS NULL;
`,
  },
  {
    version: 9,
    name: '009-request-keys-when-joinable',
    sql: `
-- A line's request_key (and so its entry in observation_lines_by_request, a random-order index)
-- is only needed where a join by request id can happen: a group another layer has seen, a
-- repeated request id, or an API whose log messages refine actions (effects). A group starts
-- unkeyed (its lines store request_key NULL) and is keyed, lines and all, the first time one
-- of those happens (src/store/link.ts). bench/, 1.1 GB nova log, ~150,000 lines of calls of
-- interest: inserting them took 0.78 s with the index and 0.44 s without (on their own), and
-- the commits, which rewrote most of its pages each time, 0.45 s instead of 0.11 s.
-- Groups stored before this version have every line keyed.
ALTER TABLE observation_groups ADD COLUMN request_keyed INTEGER NOT NULL DEFAULT 1;
`,
  },
  {
    version: 10,
    name: '010-proven-sources',
    sql: `
-- A source is proven by a chain: the hash of each frame (~1 MiB) of content it was read in,
-- with the offset the frame ends at. Content is "already read" only when it hashes to every
-- link up to where it stops (src/ingest/identity.ts); the old 4 KiB head + tail hash could take
-- two files sharing a head for one. Sources read before this version have no chain: a file
-- that is one of them is read again in full, once (request keys keep it from counting twice).
CREATE TABLE source_chain (
  source_id INTEGER NOT NULL REFERENCES sources(id),
  end_offset INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (source_id, end_offset)
) WITHOUT ROWID;
-- How a source was left: 'reading' while (or when killed while) an ingest read it,
-- 'complete', 'interrupted' (SIGINT/SIGTERM), 'incomplete' (a .gz still being written),
-- 'corrupt' (a .gz that ends early or is damaged and no longer changes); size is the file's
-- size when reading began (NULL for .gz and stdin), problem what went wrong.
ALTER TABLE sources ADD COLUMN state TEXT NOT NULL DEFAULT 'complete';
ALTER TABLE sources ADD COLUMN size INTEGER;
ALTER TABLE sources ADD COLUMN problem TEXT;
-- Requests without a date (journalctl -o cat): counted, but no time window can hold them.
ALTER TABLE sources ADD COLUMN undated INTEGER NOT NULL DEFAULT 0;
-- Where the numbering of identical id-less requests of one second stood at the checkpoint
-- (src/ingest/process.ts OccurrenceNumbering.state): a resumed read goes on from it.
ALTER TABLE sources ADD COLUMN numbering TEXT;
-- Over-long lines (more than 1 MiB): counted as read and skipped, with their line number in malformed_lines.
ALTER TABLE sources ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
-- A malformed line that names a rule pack's API (an unreadable call of interest), per source.
ALTER TABLE malformed_lines ADD COLUMN api TEXT;
CREATE TABLE malformed_apis (
  source_id INTEGER NOT NULL REFERENCES sources(id),
  api TEXT NOT NULL,
  lines INTEGER NOT NULL,
  PRIMARY KEY (source_id, api)
) WITHOUT ROWID;
-- Inputs that could not be read (a corrupt .gz, an unreadable file), until a later ingest reads them.
CREATE TABLE input_problems (
  path TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  seen_at TEXT NOT NULL
) WITHOUT ROWID;
-- The lock holder's process start time (Linux /proc/<pid>/stat): a pid reused after a crash
-- or a reboot is not the holder.
ALTER TABLE ingest_lock ADD COLUMN pid_start TEXT;
`,
  },
  {
    version: 11,
    name: '011-deployment-identity',
    sql: `
-- The deployment id and the secret that keys exported project and user hashes, inside the
-- database so that \`db backup\` and a copy of the file remain the same deployment (before,
-- they lived beside it in <db>.export-key: src/store/identity.ts moves that file in on the
-- first writable open). One row. The database already holds the ids the hashes hide, so the
-- secret is protected by the same file permissions.
CREATE TABLE deployment_identity (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  deployment_id TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL,
  origin TEXT NOT NULL
);
`,
  },
  {
    version: 12,
    name: '012-frontend-evidence',
    sql: `
-- What decided each front end's service (src/service.ts): its requests per service and
-- evidence ('path', 'frontend-option', 'name', 'port', 'file-name', 'none') with a short text.
-- Rows stored before this version did not record it.
CREATE TABLE frontends_012 (
  layer TEXT NOT NULL,
  name TEXT NOT NULL,
  service TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  evidence TEXT NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (layer, name, service, decided_by, evidence)
) WITHOUT ROWID;
INSERT INTO frontends_012 (layer, name, service, decided_by, evidence, requests)
  SELECT layer, name, service, 'unrecorded', 'ingested before the evidence was recorded', requests FROM frontends;
DROP TABLE frontends;
ALTER TABLE frontends_012 RENAME TO frontends;

-- Front-end requests whose route is a compute pack's (api) and whose path nova could serve,
-- attributed to another service: the report never says "no call" without naming them.
CREATE TABLE frontend_set_aside (
  layer TEXT NOT NULL,
  name TEXT NOT NULL,
  service TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  evidence TEXT NOT NULL,
  api TEXT NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (layer, name, service, decided_by, evidence, api)
) WITHOUT ROWID;
`,
  },
  {
    version: 13,
    name: '013-search-windows-and-journals',
    sql: `
-- Sources that are not files. A search-server window is one UTC day of one index pattern on one
-- cluster (OpenSearch / Elasticsearch, src/sources/opensearch/): its candidate documents are
-- ingested like lines (keyed, so a re-read adds nothing), and its per-hour request totals come
-- from one aggregation (pushed down) into pushed_totals. A re-read of a day replaces its totals
-- for the hours read, never adds to them; reports take, per layer, service and hour, the larger
-- of the keyed totals (hourly_totals) and any one window's pushed total, never their sum.
-- A day that could not be read (closed or missing index, a failed shard, a timed-out search)
-- keeps a row with its status and reason: reported, never taken for an empty day.
CREATE TABLE search_windows (
  id INTEGER PRIMARY KEY,
  product TEXT NOT NULL,                  -- opensearch | elasticsearch
  cluster TEXT NOT NULL,                  -- cluster_uuid from GET /
  url TEXT NOT NULL,                      -- where it was read last (never with credentials)
  pattern TEXT NOT NULL,                  -- index pattern, e.g. flog-*
  day TEXT NOT NULL,                      -- UTC day, YYYY-MM-DD
  source_id INTEGER REFERENCES sources(id),
  status TEXT NOT NULL,                   -- complete | closed | missing | failed
  reason TEXT,
  read_from INTEGER,                      -- ms: the part of the day the last read covered
  read_to INTEGER,
  documents INTEGER,                      -- documents in that part (the aggregation's count)
  candidates INTEGER,                     -- documents a rule pack or the hosts controller may want
  fetched INTEGER,                        -- documents fetched and parsed
  read_at INTEGER NOT NULL,
  UNIQUE (cluster, pattern, day)
);
CREATE TABLE pushed_totals (
  window_id INTEGER NOT NULL REFERENCES search_windows(id),
  layer TEXT NOT NULL,
  service TEXT NOT NULL,
  frontend TEXT NOT NULL,
  hour INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (window_id, layer, service, frontend, hour)
) WITHOUT ROWID;
CREATE INDEX pushed_totals_by_service ON pushed_totals(service, hour);
-- The last day of a cluster's index pattern read whole and in the past: a timer goes on after it.
CREATE TABLE search_checkpoints (
  cluster TEXT NOT NULL,
  pattern TEXT NOT NULL,
  day TEXT NOT NULL,
  PRIMARY KEY (cluster, pattern)
) WITHOUT ROWID;
-- journald: the cursor of the last entry ingested per journal (machine, files, units asked for),
-- committed with the entries before it; the next run continues after it.
CREATE TABLE journal_cursors (
  journal TEXT PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  cursor TEXT NOT NULL,
  entries INTEGER NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    version: 14,
    name: '014-hour-edges',
    sql: `
-- The first and last time of the requests (service, frontend '') and TCP-mode connections
-- (service '', their frontend) of each layer and hour, over every line read, counted or not: the
-- report's span starts and ends at these, whatever sources the lines were read in.
CREATE TABLE hour_edges (
  layer TEXT NOT NULL,
  service TEXT NOT NULL,
  frontend TEXT NOT NULL,
  hour INTEGER NOT NULL,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  PRIMARY KEY (hour, layer, service, frontend)
) WITHOUT ROWID;
`,
  },
];
