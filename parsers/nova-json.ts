/**
 * nova-api with oslo.log's JSONFormatter (`[DEFAULT] use_json = True`,
 * oslo.log ≥ 3.33.0 Queens, or a log_config_append naming the class): one
 * JSON object per line. Keys (oslo_log/formatters.py JSONFormatter, see
 * /work/shared/reference/nova-logs.md §2 "JSON output"): message, asctime,
 * name, msg, args, levelname, …, created (epoch seconds), …, hostname, context, extra.
 *
 * - `name` nova.api.openstack.requestlog: `args` holds the request_log fields
 *   (REMOTE_ADDR, REQUEST_METHOD, REQUEST_URI, status, len, microversion, time).
 * - `name` nova.osapi_compute.wsgi.server: eventlet pre-formats the line
 *   (`args` = []), so `message` is read like the text access line.
 * - `context` = ctx.get_logging_values(): request_id, global_request_id,
 *   user_id/user, project_id/project, user_name, project_name.
 * - a logger in ParseContext.messageLoggers gives a MessageRecord.
 * `created` is UTC, so records carry offsetMin 0; `asctime` has no ms.
 */
import { looksLikeBrokenAccess, readEventletAccess, EVENTLET_LOGGER } from './nova-eventlet.js';
import { assignClient, nullIfPlaceholder, type ContextFields } from './nova-oslo.js';
import { readRequestlogAccess, REQUESTLOG_LOGGER } from './nova-requestlog.js';
import { epochSecondsToMs, parseIso } from './time.js';
import {
  emptyRequest,
  type LineParser,
  type Malformed,
  type MessageRecord,
  type ParseContext,
  type ParseResult,
  type RequestRecord,
  type Sample,
} from './types.js';

const PARSER = 'nova-json';

/** The access loggers as JSON string values: found by substring before any JSON.parse. */
const REQUESTLOG_NEEDLE = `"${REQUESTLOG_LOGGER}"`;
const EVENTLET_NEEDLE = `"${EVENTLET_LOGGER}"`;

let needlesFor: ReadonlySet<string> | null = null;
let messageNeedles: string[] = [];

/** `"<logger>"` needles for the current messageLoggers set, rebuilt when the set object changes. */
function quotedLoggerNeedles(loggers: ReadonlySet<string>): string[] {
  if (loggers !== needlesFor) {
    needlesFor = loggers;
    messageNeedles = [...loggers].map((l) => JSON.stringify(l));
  }
  return messageNeedles;
}

/** Could this line be a record we read? A substring test, so other loggers' lines skip JSON.parse. */
function mentionsWantedLogger(payload: string, ctx: ParseContext): boolean {
  if (payload.indexOf(REQUESTLOG_NEEDLE) !== -1 || payload.indexOf(EVENTLET_NEEDLE) !== -1) return true;
  if (ctx.messageLoggers.size === 0) return false;
  for (const n of quotedLoggerNeedles(ctx.messageLoggers)) if (payload.indexOf(n) !== -1) return true;
  return false;
}

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON value as a non-placeholder string (numbers stringified), else null. */
function str(v: unknown): string | null {
  if (typeof v === 'string') return nullIfPlaceholder(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** A JSON value as a finite number (numeric strings too: request_log's status is a str), else null. */
function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v !== '' && v !== 'None' && v !== '-') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Record time: `created` (epoch seconds, UTC); else `asctime` (local wall time, whole seconds). */
function assignTime(into: { wallMs: number | null; offsetMin: number | null }, o: JsonObject): void {
  if (typeof o.created === 'number' && Number.isFinite(o.created)) {
    into.wallMs = epochSecondsToMs(o.created);
    into.offsetMin = 0;
    return;
  }
  const t = typeof o.asctime === 'string' ? parseIso(o.asctime) : null;
  into.wallMs = t?.wallMs ?? null;
  into.offsetMin = t?.offsetMin ?? null;
}

/** oslo.context logging values → identity fields. Keys as JSONFormatter writes them. */
function assignJsonContext(into: ContextFields, c: unknown): void {
  if (!isObject(c)) return;
  into.requestId = str(c.request_id);
  into.globalRequestId = str(c.global_request_id);
  into.userId = str(c.user_id) ?? str(c.user);
  into.projectId = str(c.project_id) ?? str(c.project) ?? str(c.tenant);
  into.userName = str(c.user_name);
  into.projectName = str(c.project_name);
}

/** request_log's structured `args`; null when they are missing or lack the method and URI. */
function requestFromArgs(args: unknown): RequestRecord | null {
  if (!isObject(args)) return null;
  const method = str(args.REQUEST_METHOD);
  const uri = typeof args.REQUEST_URI === 'string' ? args.REQUEST_URI : null;
  if (method === null || uri === null) return null;
  const r = emptyRequest(PARSER, 'nova');
  r.timeIsEnd = true;
  r.method = method;
  r.uri = uri;
  r.status = num(args.status);
  r.bytes = num(args.len);
  const seconds = num(args.time);
  r.durationMs = seconds === null ? null : Math.round(seconds * 1e7) / 1e4;
  r.microversion = str(args.microversion);
  const remote = str(args.REMOTE_ADDR);
  if (remote !== null) assignClient(r, remote);
  r.logger = REQUESTLOG_LOGGER;
  return r;
}

const malformed = (reason: string): Malformed => ({ kind: 'malformed', reason });

/**
 * One decoded JSONFormatter record to a result: what the line parser does
 * after JSON.parse, exported for the ingest layer's stream-json array reader.
 */
export function novaJsonObjectToResult(obj: unknown, ctx: ParseContext): ParseResult {
  if (!isObject(obj)) return null;
  const name = obj.name;
  if (typeof name !== 'string') return null;
  const message = typeof obj.message === 'string' ? obj.message : null;
  let r: RequestRecord | null;
  if (name === REQUESTLOG_LOGGER) {
    // request_log writes nothing but access lines: an unreadable one is malformed.
    r = requestFromArgs(obj.args) ?? (message === null ? null : readRequestlogAccess(message, 0, PARSER));
    if (r === null) return malformed(`${REQUESTLOG_LOGGER} JSON record without readable args or message`);
  } else if (name === EVENTLET_LOGGER) {
    if (message === null) return malformed(`${EVENTLET_LOGGER} JSON record without a message`);
    r = readEventletAccess(message, 0, PARSER);
    if (r === null) {
      // `(pid) accepted (…)`, `wsgi starting up`: not requests.
      return looksLikeBrokenAccess(message, 0)
        ? malformed(`${EVENTLET_LOGGER} JSON message does not match wsgi_log_format`)
        : null;
    }
  } else if (ctx.messageLoggers.has(name)) {
    const m: MessageRecord = {
      kind: 'message',
      parser: PARSER,
      layer: 'nova',
      wallMs: null,
      offsetMin: null,
      logger: name,
      level: typeof obj.levelname === 'string' ? obj.levelname : '',
      requestId: isObject(obj.context) ? str(obj.context.request_id) : null,
      message: message ?? '',
      host: str(obj.hostname),
    };
    assignTime(m, obj);
    return m;
  } else {
    return null;
  }
  assignTime(r, obj);
  assignJsonContext(r, obj.context);
  r.host = str(obj.hostname);
  return r;
}

const T = Date.UTC;

const requestlogRecord = {
  message: '10.0.0.5 "GET /v2.1/os-hosts" status: 200 len: 532 microversion: 2.1 time: 0.045678',
  asctime: '2024-05-02 09:15:01',
  name: 'nova.api.openstack.requestlog',
  msg:
    '%(REMOTE_ADDR)s "%(REQUEST_METHOD)s %(REQUEST_URI)s" status: %(status)s len: %(len)s microversion: ' +
    '%(microversion)s time: %(time).6f',
  args: {
    REMOTE_ADDR: '10.0.0.5',
    REQUEST_METHOD: 'GET',
    REQUEST_URI: '/v2.1/os-hosts',
    status: '200',
    len: 532,
    time: 0.045678,
    microversion: '2.1',
  },
  levelname: 'INFO',
  levelno: 20,
  pathname: '/usr/lib/python3/dist-packages/nova/api/openstack/requestlog.py',
  filename: 'requestlog.py',
  module: 'requestlog',
  lineno: 91,
  funcname: '_log_req',
  created: 1714641301.337,
  msecs: 337.0,
  relative_created: 86400123.4,
  thread: 140245,
  thread_name: 'MainThread',
  process_name: 'MainProcess',
  process: 2211,
  traceback: null,
  hostname: 'ctl-1',
  error_summary: '',
  context: {
    user: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
    user_id: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
    project_id: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
    project: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
    user_domain: 'default',
    user_name: 'admin',
    project_name: 'admin',
    roles: ['admin', 'member', 'reader'],
    request_id: 'req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c',
    global_request_id: null,
    remote_address: '10.0.0.5',
    auth_token: '***',
  },
  extra: { project: 'unknown', version: 'unknown' },
};

/** JSON with Python json.dumps' default separators (', ' and ': '), as oslo's jsonutils.dumps writes it. */
function pyJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (isObject(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`)
      .join(', ')}}`;
  return JSON.stringify(v);
}

const samples: Sample[] = [
  {
    note: 'constructed: nova-logs.md §2 "JSON output" request_log record (JSONFormatter keys, structured args)',
    line: pyJson(requestlogRecord),
    expect: {
      kind: 'request',
      parser: 'nova-json',
      layer: 'nova',
      wallMs: T(2024, 4, 2, 9, 15, 1, 337),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts',
      protocol: null,
      status: 200,
      bytes: 532,
      durationMs: 45.678,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: 'admin',
      projectName: 'admin',
      microversion: '2.1',
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: 'ctl-1',
      auditAction: null,
      service: null,
    },
  },
  {
    note:
      'constructed: request_log JSON record with len None (null), microversion "-", /compute prefix and query; ' +
      'behind `journalctl -o short`',
    line:
      'May 02 09:15:03 ctl-1 nova-api-wsgi[2211]: ' +
      pyJson({
        ...requestlogRecord,
        // JSONFormatter's message is msg % args: the same REMOTE_ADDR as args.
        message:
          '203.0.113.7,10.0.0.5 "GET /compute/v2.1/os-hosts?zone=nova" status: 302 len: None microversion: - ' +
          'time: 0.016000',
        args: {
          REMOTE_ADDR: '203.0.113.7,10.0.0.5',
          REQUEST_METHOD: 'GET',
          REQUEST_URI: '/compute/v2.1/os-hosts?zone=nova',
          status: '302',
          len: null,
          time: 0.016,
          microversion: '-',
        },
        created: 1714641303.5,
        context: {
          ...requestlogRecord.context,
          user_name: null,
          project_name: null,
          global_request_id: 'req-0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d',
        },
      }),
    expect: {
      kind: 'request',
      parser: 'nova-json',
      layer: 'nova',
      wallMs: T(2024, 4, 2, 9, 15, 3, 500),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/compute/v2.1/os-hosts?zone=nova',
      protocol: null,
      status: 302,
      bytes: null,
      durationMs: 16,
      client: '203.0.113.7',
      clientChain: '203.0.113.7,10.0.0.5',
      requestId: 'req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c',
      globalRequestId: 'req-0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d',
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.api.openstack.requestlog',
      host: 'ctl-1',
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: eventlet access line under JSONFormatter (message pre-formatted, args [])',
    line: pyJson({
      message:
        '10.0.0.5,10.0.0.1 "GET /v2.1/9a1e2b3c4d5e4f60718293a4b5c6d7e8/os-hosts/cmp-01 HTTP/1.1" status: 200 len: ' +
        '640 time: 0.1286221',
      asctime: '2019-03-01 12:00:00',
      name: 'nova.osapi_compute.wsgi.server',
      msg:
        '10.0.0.5,10.0.0.1 "GET /v2.1/9a1e2b3c4d5e4f60718293a4b5c6d7e8/os-hosts/cmp-01 HTTP/1.1" status: 200 len: ' +
        '640 time: 0.1286221',
      args: [],
      levelname: 'INFO',
      levelno: 20,
      created: 1551441600.25,
      process: 77,
      hostname: 'ctl-2',
      context: {
        user: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
        project: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
        request_id: 'req-2d3e4f50-6172-4839-8a4b-5c6d7e8f9012',
        global_request_id: null,
      },
      extra: { project: 'unknown', version: 'unknown' },
    }),
    expect: {
      kind: 'request',
      parser: 'nova-json',
      layer: 'nova',
      wallMs: T(2019, 2, 1, 12, 0, 0, 250),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/9a1e2b3c4d5e4f60718293a4b5c6d7e8/os-hosts/cmp-01',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 640,
      durationMs: 128.6221,
      client: '10.0.0.5',
      clientChain: '10.0.0.5,10.0.0.1',
      requestId: 'req-2d3e4f50-6172-4839-8a4b-5c6d7e8f9012',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: null,
      projectName: null,
      microversion: null,
      userAgent: null,
      frontend: null,
      backend: null,
      server: null,
      logger: 'nova.osapi_compute.wsgi.server',
      host: 'ctl-2',
      auditAction: null,
      service: null,
    },
  },
  {
    note: 'constructed: eventlet `(pid) accepted (…)` under JSONFormatter is not a request',
    line: pyJson({
      message: "(77) accepted ('10.0.0.5', 51234)",
      name: 'nova.osapi_compute.wsgi.server',
      args: [],
      levelname: 'INFO',
      created: 1551441600.2,
      context: {},
    }),
    expect: null,
  },
  {
    note: 'constructed: hosts controller INFO line under JSONFormatter (messageLoggers)',
    line: pyJson({
      message: 'Putting host cmp-01 in maintenance mode True.',
      asctime: '2024-05-02 09:15:09',
      name: 'nova.api.openstack.compute.hosts',
      msg: 'Putting host %(host_name)s in maintenance mode %(mode)s.',
      args: { host_name: 'cmp-01', mode: true },
      levelname: 'INFO',
      created: 1714641309.002,
      hostname: 'ctl-1',
      context: { request_id: 'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c', user_id: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f' },
    }),
    expect: {
      kind: 'message',
      parser: 'nova-json',
      layer: 'nova',
      wallMs: T(2024, 4, 2, 9, 15, 9, 2),
      offsetMin: 0,
      logger: 'nova.api.openstack.compute.hosts',
      level: 'INFO',
      requestId: 'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
      message: 'Putting host cmp-01 in maintenance mode True.',
      host: 'ctl-1',
    },
  },
  {
    note: 'constructed: another logger under JSONFormatter gives null (skipped without JSON.parse)',
    line: pyJson({
      message: 'HTTP exception thrown: The requested functionality is not supported.',
      name: 'nova.api.openstack.wsgi',
      levelname: 'INFO',
      created: 1714641309.001,
      context: {},
    }),
    expect: null,
  },
  {
    note: 'constructed: a request_log JSON line cut off mid-object (invalid JSON) is malformed',
    line: pyJson(requestlogRecord).slice(0, 300),
    expect: { kind: 'malformed', reason: 'invalid JSON on a nova JSONFormatter line' },
  },
];

export const novaJsonParser: LineParser = {
  name: 'nova-json',
  title: 'nova-api oslo.log JSONFormatter record (one JSON object per line)',
  url: 'https://opendev.org/openstack/oslo.log/src/branch/master/oslo_log/formatters.py (JSONFormatter)',
  layer: 'nova',
  // `{` first; the logger substring test needs ctx.messageLoggers, so it lives in parse, before JSON.parse.
  claims: (payload) => payload.charCodeAt(0) === 123,
  parse(payload, ctx) {
    if (!mentionsWantedLogger(payload, ctx)) return null;
    let obj: unknown;
    try {
      obj = JSON.parse(payload);
    } catch {
      return malformed('invalid JSON on a nova JSONFormatter line');
    }
    return novaJsonObjectToResult(obj, ctx);
  },
  samples,
};
