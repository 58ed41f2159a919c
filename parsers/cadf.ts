/**
 * keystonemiddleware audit middleware (CADF) events → RequestRecords, layer 'audit'.
 *
 * The middleware (keystonemiddleware/audit/__init__.py) emits two events per
 * request: `audit.http.request` from `_process_request` (outcome `pending`) and
 * `audit.http.response` from `_process_response`. Both are the SAME pycadf
 * event object (`req.environ['cadf_event']`), so they share `id`, `eventTime`
 * and the `correlation_id` tag; the response adds outcome, `reason` and a
 * reporterstep. Only response events become records: one request must not
 * count twice, and only the response knows the status.
 *
 * Where each field comes from (keystonemiddleware/audit/_api.py `_create_event`,
 * `get_action`; __init__.py `_process_response`; pycadf event.py, timestamp.py):
 *   uri             event.requestPath = req.path_qs (SCRIPT_NAME such as /v2.1, path, ?query)
 *   status          reason.reasonCode = str(response.status_int) (reasonType 'HTTP'); no
 *                   reason when the app raised (outcome 'unknown') → null
 *   requestId       initiator.request_id = environ['openstack.request_id'] (oslo.middleware
 *                   RequestId; nova's compute_req_id runs before audit, so it is the req-… nova
 *                   logs). NOT the `correlation_id` tag: _create_event makes that a fresh
 *                   identifier.generate_uuid() per event. Not `observer` either ({id: 'target'}).
 *                   Releases without initiator.request_id: the log line's context bracket.
 *   globalRequestId initiator.global_request_id = environ['openstack.global_request_id']
 *   client          initiator.host.address = webob req.client_addr (the first X-Forwarded-For
 *                   hop when the header is present, else REMOTE_ADDR: webob/request.py)
 *   userAgent       initiator.host.agent = req.user_agent
 *   userId/Name     initiator.id / .name = X-User-Id / X-User-Name; projectId = X-Project-Id
 *                   (taxonomy.UNKNOWN 'unknown' when authtoken set no header → null)
 *   method          derived from the action (below): the event has no method
 *   auditAction     event.action as written
 *   service         from target.typeURI (below); 'unknown' when the request's host:port
 *                   matched no catalog endpoint → null
 *   time            eventTime is set when the event is created, i.e. when the REQUEST reached
 *                   the filter (pycadf EventFactory/new_event → timestamp.get_utc_now(),
 *                   '%Y-%m-%dT%H:%M:%S.%f%z', e.g. 2024-05-02T09:15:05.456123+0000), and the
 *                   response event keeps it. The end of the request is the reporterstep with
 *                   role 'modifier' that _process_response appends (reporterTime, same format).
 *                   So: wallMs/offsetMin = reporterTime, timeIsEnd = true, durationMs =
 *                   reporterTime − eventTime; without that step, wallMs = eventTime and
 *                   timeIsEnd = false. Both times carry +0000 (offsetMin 0).
 *
 * Action → method (get_action: GET → read/list when the path ends in a path
 * keyword, else read; HEAD → read; PUT and PATCH → update; DELETE → delete;
 * POST …/action → update/<first body key> (create for an empty body); POST
 * ending in a path keyword → create, other POST → update; custom_actions
 * override all of these, e.g. nova_api_audit_map.conf `reboot = start/reboot`,
 * `enable = enable`):
 *   read/list, read → GET    create → POST    update → PUT    update/<key> → POST
 *   delete → DELETE          anything else (start/reboot, stop/shutdown, enable,
 *   disable, unknown…) → '*', "the method is not known" (the classifier treats it
 *   as a wildcard and matches on the path and auditAction).
 * The approximations: `update` can also be PATCH or a POST to a path the map does
 * not list; `read` can be HEAD; a custom action can rename any method.
 *
 * Input forms (one LineParser each for the JSON and the two text forms):
 *   1. a notification per line   {"message_id", "publisher_id", "event_type", "priority", "payload", "timestamp"}
 *   2. an oslo.messaging envelope {"oslo.version": "2.0", "oslo.message": "<notification as a JSON string>"}
 *   3. a bare CADF event         {"typeURI": "http://schemas.dmtf.org/cloud/audit/1.0/event", …}
 *      (and an oslo.log JSONFormatter record whose message is form 1 or 5)
 *   4. `[oslo_messaging_notifications] driver = log`: oslo.log text line, logger
 *      oslo.messaging.notification.audit.http.response, message = json.dumps(notification)
 *      (oslo_messaging/notify/_impl_log.py)
 *   5. no oslo.messaging: logger keystonemiddleware.audit (or the `log_name` option), INFO
 *      `Event type: %(event_type)s, Context: %(context)s, Payload: %(payload)s` with Python
 *      dict reprs (keystonemiddleware/audit/_notifier.py _LogNotifier)
 * A JSON array of any of 1–3 is streamed element by element by the ingest layer,
 * which feeds each element back as a (compact) JSON line: cadfJsonObjectToResult.
 */
import { PyReprError, readPyLiteral } from './cadf-pyrepr.js';
import {
  adminContext,
  cadfPayload,
  CADF_EVENT_URI,
  DEPLOY_PROJECT,
  DEPLOY_USER,
  ksmAuditLine,
  notification,
  NOVACLIENT_AGENT,
  osloEnvelope,
  osloNotificationLine,
  pyJson,
  pyRepr,
  REBOOT_CALL,
  SDK_AGENT,
  STORY,
} from './cadf-samples.js';
import { emptyContext, newOsloHeader, readContext, readOsloHeader, type ContextFields } from './nova-oslo.js';
import { parseIso } from './time.js';
import {
  emptyRequest,
  type LineParser,
  type Malformed,
  type ParseResult,
  type RequestRecord,
  type Sample,
} from './types.js';

export const REQUEST_EVENT = 'audit.http.request';
export const RESPONSE_EVENT = 'audit.http.response';
const AUDIT_EVENT_PREFIX = 'audit.http.';
/** oslo_messaging/notify/_impl_log.py LogDriver.LOGGER_BASE + '.' + event_type. */
export const NOTIFICATION_LOGGER_PREFIX = 'oslo.messaging.notification.';
export const RESPONSE_LOGGER = NOTIFICATION_LOGGER_PREFIX + RESPONSE_EVENT;
/** keystonemiddleware/audit/__init__.py: logging.getLogger(conf.get('log_name', __name__)). */
export const KSM_AUDIT_LOGGER = 'keystonemiddleware.audit';
const KSM_EVENT_NEEDLE = 'Event type: ' + AUDIT_EVENT_PREFIX;
const KSM_CONTEXT = ', Context: ';
const KSM_PAYLOAD = ', Payload: ';

/** The first CADF action words and the HTTP method they stand for; anything else is '*'. */
export function methodForAction(action: string | null): string {
  switch (action) {
    case 'read/list':
    case 'read':
      return 'GET';
    case 'create':
      return 'POST';
    case 'update':
      return 'PUT';
    case 'delete':
      return 'DELETE';
    default:
      // POST …/action with a body: update/<first key of the body> (get_action).
      return action !== null && action.startsWith('update/') && action.length > 7 ? 'POST' : '*';
  }
}

/**
 * target.typeURI prefix → apicensus service name (src/service.ts names). The
 * prefixes are the [service_endpoints] values of pycadf's etc/pycadf/*_api_audit_map.conf:
 * nova compute = service/compute; ironic baremetal = service/compute/baremetal;
 * cinder volumev3 (and api_audit_map.conf volume) = service/storage/block; glance image =
 * service/storage/image; swift object-store = service/storage/object-store
 * (api_audit_map.conf: service/storage/object); neutron network = service/network;
 * heat orchestration = service/orchestration; api_audit_map.conf identity =
 * service/security; barbican key-manager = service/security/keymanager; octavia's
 * sample map load-balancer = service/load-balancer; trove database = service/database;
 * ceilometer telemetry = service/telemetry; gnocchi metric = service/metric; panko
 * event = service/event; api_audit_map.conf metering = service/bss/metering.
 * More specific prefixes first.
 */
const SERVICE_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['service/compute/baremetal', 'baremetal'],
  ['service/compute', 'compute'],
  ['service/storage/block', 'block-storage'],
  ['service/storage/image', 'image'],
  ['service/storage/object-store', 'object-store'],
  ['service/storage/object', 'object-store'],
  ['service/network', 'network'],
  ['service/orchestration', 'orchestration'],
  ['service/security/keymanager', 'key-manager'],
  ['service/security', 'identity'],
  ['service/load-balancer', 'load-balancer'],
  ['service/database', 'database'],
  ['service/telemetry', 'telemetry'],
  ['service/metric', 'metric'],
  ['service/event', 'event'],
  ['service/bss/metering', 'metering'],
];

/**
 * The service a target typeURI names: the table above, else the segment after
 * `service/` (a deployer's own audit map), else null (`unknown`: the request's
 * host:port matched no catalog endpoint, _api.py get_target_resource).
 */
export function serviceFromTypeUri(typeUri: string | null): string | null {
  if (typeUri === null) return null;
  for (const [prefix, service] of SERVICE_PREFIXES) {
    if (typeUri === prefix || (typeUri.startsWith(prefix) && typeUri.charCodeAt(prefix.length) === 47)) return service;
  }
  const m = /^service\/([^/]+)/.exec(typeUri);
  return m ? m[1]! : null;
}

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string value, with keystonemiddleware's placeholders ('unknown' = taxonomy.UNKNOWN, '', '-', 'None') as null. */
function str(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  return v === '' || v === '-' || v === 'None' || v === 'unknown' ? null : v;
}

const malformed = (reason: string): Malformed => ({ kind: 'malformed', reason });

/** A CADF timestamp to wall ms, its offset, and µs since the epoch in UTC (for durations). */
function cadfTime(text: string): { wallMs: number; offsetMin: number | null; utcMicros: number } | null {
  const t = parseIso(text);
  if (t === null) return null;
  const frac = /\.(\d+)/.exec(text.slice(19, 30));
  const micros = frac ? Number((frac[1]! + '000000').slice(0, 6)) : 0;
  const wallMicros = Math.floor(t.wallMs / 1000) * 1e6 + micros;
  return { wallMs: t.wallMs, offsetMin: t.offsetMin, utcMicros: wallMicros - (t.offsetMin ?? 0) * 60e6 };
}

/** reporterTime of the response's `modifier` reporterstep (__init__.py _process_response). */
function modifierTime(chain: unknown): string | null {
  if (!Array.isArray(chain)) return null;
  for (let i = chain.length - 1; i >= 0; i--) {
    const step: unknown = chain[i];
    if (isObject(step) && step.role === 'modifier' && typeof step.reporterTime === 'string') return step.reporterTime;
  }
  return null;
}

/** What the line around the event said: who parsed it, the event type, logger, host, context bracket. */
export interface EventSource {
  parser: string;
  /** `audit.http.response` etc. from the notification or log message; null for a bare CADF event. */
  eventType: string | null;
  logger: string | null;
  host: string | null;
  /** Request ids of the log line's context (bracket or JSON context): used only when the event has none. */
  context: ContextFields | null;
}

/**
 * One CADF event (already decoded) to a result. null for request events
 * (outcome pending), other notifications, and CADF events that are not an
 * HTTP request (keystone's own identity.* events: no requestPath, an observer
 * other than keystonemiddleware's {id: 'target'}).
 */
export function cadfEventToResult(event: unknown, src: EventSource): ParseResult {
  const eventType = src.eventType;
  if (eventType === REQUEST_EVENT) return null;
  if (eventType !== null && eventType !== RESPONSE_EVENT) return null;
  const label = eventType ?? 'CADF event';
  if (!isObject(event)) return malformed(`${label} payload is not an object`);
  if (event.outcome === 'pending') return null;
  if (eventType === null) {
    // A bare event: only keystonemiddleware's (observer 'target', a requestPath) are requests.
    if (event.typeURI !== CADF_EVENT_URI) return null;
    const observer = event.observer;
    const byMiddleware = isObject(observer) && observer.id === 'target';
    if (!byMiddleware && event.requestPath === undefined) return null;
  }
  const path = event.requestPath;
  if (typeof path !== 'string' || path === '') return malformed(`${label} without requestPath`);
  if (typeof event.eventTime !== 'string') return malformed(`${label} without eventTime`);
  const start = cadfTime(event.eventTime);
  if (start === null)
    return malformed(`${label} eventTime ${JSON.stringify(event.eventTime.slice(0, 40))} is not an ISO 8601 time`);

  const r: RequestRecord = emptyRequest(src.parser, 'audit');
  const action = typeof event.action === 'string' && event.action !== '' ? event.action : null;
  r.method = methodForAction(action);
  r.auditAction = action;
  r.uri = path;
  const reason = event.reason;
  if (isObject(reason)) {
    const code = reason.reasonCode;
    const text = typeof code === 'number' ? String(code) : typeof code === 'string' ? code : '';
    if (/^\d{3}$/.test(text)) r.status = Number(text);
  }
  const endText = modifierTime(event.reporterchain);
  const end = endText === null ? null : cadfTime(endText);
  if (end !== null) {
    r.wallMs = end.wallMs;
    r.offsetMin = end.offsetMin;
    r.timeIsEnd = true;
    const us = end.utcMicros - start.utcMicros;
    r.durationMs = us >= 0 ? us / 1000 : null;
  } else {
    r.wallMs = start.wallMs;
    r.offsetMin = start.offsetMin;
    r.timeIsEnd = false;
  }
  const initiator = event.initiator;
  if (isObject(initiator)) {
    r.userId = str(initiator.id);
    r.userName = str(initiator.name);
    r.projectId = str(initiator.project_id);
    r.requestId = str(initiator.request_id);
    r.globalRequestId = str(initiator.global_request_id);
    const host = initiator.host;
    if (isObject(host)) {
      r.client = str(host.address);
      r.userAgent = typeof host.agent === 'string' && host.agent !== '' ? host.agent : null;
    }
  }
  if (r.requestId === null && src.context !== null && src.context.requestId !== null) {
    r.requestId = src.context.requestId;
    r.globalRequestId ??= src.context.globalRequestId;
  }
  const target = event.target;
  r.service = isObject(target) && typeof target.typeURI === 'string' ? serviceFromTypeUri(target.typeURI) : null;
  r.logger = src.logger;
  r.host = src.host;
  return r;
}

/** A notification `{event_type, payload, …}` (payload a dict, or a JSON string in some dumps). */
function notificationToResult(n: JsonObject, src: EventSource): ParseResult {
  const eventType = n.event_type;
  if (typeof eventType !== 'string' || !eventType.startsWith(AUDIT_EVENT_PREFIX)) return null;
  if (eventType === REQUEST_EVENT) return null;
  let payload = n.payload;
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch {
      return malformed(`${eventType} notification payload is a string that is not JSON`);
    }
  }
  return cadfEventToResult(payload, { ...src, eventType, logger: src.logger ?? eventType });
}

const NO_CONTEXT: ContextFields = Object.freeze(emptyContext());

/** request_id / global_request_id of an oslo.log JSONFormatter `context` object. */
function jsonContext(c: unknown): ContextFields | null {
  if (!isObject(c)) return null;
  return { ...NO_CONTEXT, requestId: str(c.request_id), globalRequestId: str(c.global_request_id) };
}

const JSON_PARSER = 'cadf-json';

/**
 * One decoded JSON value (a line, or an element of a JSON array document) to a
 * result: notification, oslo.messaging envelope, bare CADF event, or an oslo.log
 * JSONFormatter record whose message is an audit notification (driver = log) or
 * keystonemiddleware's repr line. Anything else is null.
 */
export function cadfJsonObjectToResult(obj: unknown, parser = JSON_PARSER): ParseResult {
  if (!isObject(obj)) return null;
  const src: EventSource = { parser, eventType: null, logger: null, host: null, context: null };
  const wire = obj['oslo.message'];
  if (typeof wire === 'string') {
    // oslo_messaging/_drivers/common.py serialize_msg: {'oslo.version': '2.0', 'oslo.message': jsonutils.dumps(msg)}.
    let inner: unknown;
    try {
      inner = JSON.parse(wire) as unknown;
    } catch {
      return malformed('oslo.message of an oslo.messaging envelope is not JSON');
    }
    return isObject(inner)
      ? notificationToResult(inner, src)
      : malformed('oslo.message of an oslo.messaging envelope is not an object');
  }
  if (typeof obj.event_type === 'string') return notificationToResult(obj, src);
  if (obj.typeURI === CADF_EVENT_URI) return cadfEventToResult(obj, src);
  // oslo.log JSONFormatter (nova-logs.md §2 "JSON output"): name, message, hostname, context.
  const name = obj.name;
  const message = obj.message;
  if (typeof name !== 'string' || typeof message !== 'string') return null;
  const fromRecord: EventSource = {
    parser,
    eventType: null,
    logger: name,
    host: str(obj.hostname),
    context: jsonContext(obj.context),
  };
  if (name.startsWith(NOTIFICATION_LOGGER_PREFIX + AUDIT_EVENT_PREFIX)) {
    if (name !== RESPONSE_LOGGER) return null;
    let n: unknown;
    try {
      n = JSON.parse(message) as unknown;
    } catch {
      return malformed(`${RESPONSE_LOGGER} JSON record whose message is not a JSON notification`);
    }
    return isObject(n)
      ? notificationToResult(n, fromRecord)
      : malformed(`${RESPONSE_LOGGER} JSON record whose message is not a JSON notification`);
  }
  const k = message.indexOf(KSM_EVENT_NEEDLE);
  return k === -1 ? null : ksmMessageToResult(message, k, fromRecord);
}

/**
 * keystonemiddleware's `_LogNotifier` message from `Event type: ` (at `at`):
 * `Event type: <t>, Context: <dict repr>, Payload: <dict repr>`. The context is
 * read (not searched for `, Payload: `) so that no text inside it can cut the line.
 * It is an admin context made per request (get_admin_context().to_dict()), so its
 * request_id is not the API request's and is not used.
 */
function ksmMessageToResult(text: string, at: number, src: EventSource): ParseResult {
  const typeStart = at + 'Event type: '.length;
  const c = text.indexOf(KSM_CONTEXT, typeStart);
  if (c === -1) return malformed('keystonemiddleware.audit line without ", Context: "');
  const eventType = text.slice(typeStart, c);
  if (eventType === REQUEST_EVENT) return null;
  if (eventType !== RESPONSE_EVENT) return null;
  let pos: number;
  try {
    pos = readPyLiteral(text, c + KSM_CONTEXT.length).end;
  } catch (e) {
    if (!(e instanceof PyReprError)) throw e;
    // Fall back to the first ", Payload: " after the context: the admin context holds no user text.
    const p = text.indexOf(KSM_PAYLOAD, c);
    if (p === -1)
      return malformed(
        `keystonemiddleware.audit Context is not a Python repr we can read (${e.message}) and no ", Payload: " follows`,
      );
    pos = p;
  }
  if (!text.startsWith(KSM_PAYLOAD, pos))
    return malformed(`keystonemiddleware.audit line: expected ", Payload: " at column ${pos + 1}`);
  let payload: unknown;
  try {
    const read = readPyLiteral(text, pos + KSM_PAYLOAD.length);
    if (text.slice(read.end).trim() !== '')
      return malformed(`keystonemiddleware.audit line: text after the Payload dict at column ${read.end + 1}`);
    payload = read.value;
  } catch (e) {
    if (!(e instanceof PyReprError)) throw e;
    return malformed(`keystonemiddleware.audit Payload is not a Python dict repr we can read: ${e.message}`);
  }
  return cadfEventToResult(payload, { ...src, eventType });
}

// ---------------------------------------------------------------------------
// Line parsers

const header = newOsloHeader();
const context: ContextFields = emptyContext();

/**
 * An oslo.log line whose header cannot be read from the start (a container
 * runtime's prefix, e.g. Canonical's `<iso> [wsgi-nova-api] <time> `): the level,
 * the notification logger and the optional bracket, anywhere in the line.
 */
const NOTIFICATION_LOGGER_ANYWHERE =
  /(?:^|\s)(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) (oslo\.messaging\.notification\.audit\.http\.\S+)(?: \[([^\]]*)\])? ?/;
const KSM_LOGGER_ANYWHERE = /(?:^|\s)(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) (\S+)(?: \[([^\]]*)\])? Event type: /;

/** Logger, bracket and message start of an oslo line, by its header or by searching; false when neither finds one. */
function locate(
  payload: string,
  anywhere: RegExp,
): { text: string; logger: string; bracket: string | null; messageStart: number } | null {
  if (readOsloHeader(payload, header)) {
    return { text: header.text, logger: header.logger, bracket: header.context, messageStart: header.messageStart };
  }
  const m = anywhere.exec(payload);
  if (!m) return null;
  return { text: payload, logger: m[1]!, bracket: m[2] ?? null, messageStart: m.index + m[0].length };
}

const OSLO_NOTIFICATION_PARSER = 'cadf-oslo-notification';

const T = Date.UTC;

const jsonSamples: Sample[] = [
  {
    note:
      'constructed: keystonemiddleware _process_response notification (oslo_messaging notifier envelope keys, ' +
      'pycadf payload), os-hosts list refused at 2.79',
    line: pyJson(notification(STORY[0]!, 'response')),
    expect: {
      kind: 'request',
      parser: 'cadf-json',
      layer: 'audit',
      // reporterTime 09:15:12.409876 − eventTime 09:15:12.407123.
      wallMs: T(2024, 4, 2, 9, 15, 12, 409),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts',
      protocol: null,
      status: 404,
      bytes: null,
      durationMs: 2.753,
      client: '10.0.1.12',
      clientChain: null,
      requestId: 'req-fa616cc1-87fa-45c5-af9d-8b5808895f34',
      globalRequestId: null,
      userId: '3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a',
      projectId: '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b',
      userName: 'alice',
      projectName: null,
      microversion: null,
      userAgent: 'osc-lib/2.8.0 keystoneauth1/5.1.2 python-requests/2.28.1 CPython/3.10.12',
      frontend: null,
      backend: null,
      server: null,
      logger: 'audit.http.response',
      host: null,
      auditAction: 'read/list',
      service: 'compute',
    },
  },
  {
    note: 'constructed: the matching audit.http.request (outcome pending) is not a request of its own',
    line: pyJson(notification(STORY[0]!, 'request')),
    expect: null,
  },
  {
    note:
      'constructed: oslo.messaging v2 envelope (serialize_msg) around the response, with _unique_id and _context_* ' +
      'keys; global request id in the initiator',
    line: pyJson(osloEnvelope(STORY[1]!, 'response')),
    expect: {
      kind: 'request',
      parser: 'cadf-json',
      layer: 'audit',
      wallMs: T(2024, 4, 2, 9, 17, 45, 558),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts/cmp-02',
      protocol: null,
      status: 200,
      bytes: null,
      durationMs: 125.222,
      client: '10.0.1.13',
      clientChain: null,
      requestId: 'req-5420befb-563b-4826-a1cc-4d5c26b4ab88',
      globalRequestId: 'req-2d4f6a8c-0e1b-4d3c-a5e7-9f1b3d5c7e9a',
      userId: '9b8a7c6d5e4f4a3b2c1d0e9f8a7b6c5d',
      projectId: '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b',
      userName: 'bob',
      projectName: null,
      microversion: null,
      userAgent: 'python-novaclient',
      frontend: null,
      backend: null,
      server: null,
      logger: 'audit.http.response',
      host: null,
      auditAction: 'read',
      service: 'compute',
    },
  },
  {
    note: 'constructed: envelope around a request event is not a request',
    line: pyJson(osloEnvelope(STORY[1]!, 'request')),
    expect: null,
  },
  {
    note:
      'constructed: a bare CADF response event (update → PUT), as a JSON array element comes back from the ingest ' +
      'layer (JSON.stringify, no spaces)',
    line: JSON.stringify(cadfPayload(STORY[2]!, 'response')),
    expect: {
      kind: 'request',
      parser: 'cadf-json',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 18, 30, 258),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'PUT',
      uri: '/v2.1/os-hosts/cmp-04',
      protocol: null,
      status: 200,
      bytes: null,
      durationMs: 88.741,
      client: '10.0.1.13',
      clientChain: null,
      requestId: 'req-27e9852f-9e74-4f22-a721-4b8b0b5a01c7',
      globalRequestId: null,
      userId: '9b8a7c6d5e4f4a3b2c1d0e9f8a7b6c5d',
      projectId: '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b',
      userName: 'bob',
      projectName: null,
      microversion: null,
      userAgent: 'python-novaclient',
      frontend: null,
      backend: null,
      server: null,
      logger: null,
      host: null,
      auditAction: 'update',
      service: 'compute',
    },
  },
  {
    note: 'constructed: a bare pending CADF event is not a request',
    line: JSON.stringify(cadfPayload(STORY[2]!, 'request')),
    expect: null,
  },
  {
    note: 'constructed: server action POST …/action → update/<body key> → POST, status 202',
    line: pyJson(notification(STORY[5]!, 'response')),
    expect: {
      kind: 'request',
      parser: 'cadf-json',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 38, 18, 386),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'POST',
      uri: '/v2.1/servers/9c8b7a6f-5e4d-4c3b-a2a1-0f9e8d7c6b5a/action',
      protocol: null,
      status: 202,
      bytes: null,
      durationMs: 16.288,
      client: '198.51.100.23',
      clientChain: null,
      requestId: 'req-80aff773-a7bf-4fcd-aef7-777640bd0c06',
      globalRequestId: null,
      userId: DEPLOY_USER,
      projectId: DEPLOY_PROJECT,
      userName: 'deployer',
      projectName: null,
      microversion: null,
      userAgent: SDK_AGENT,
      frontend: null,
      backend: null,
      server: null,
      logger: 'audit.http.response',
      host: null,
      auditAction: 'update/reboot',
      service: 'compute',
    },
  },
  {
    note:
      'constructed: nova_api_audit_map.conf custom action `reboot = start/reboot` → method unknown (*), 501 from ' +
      'libvirt',
    line: pyJson(notification(REBOOT_CALL, 'response')),
    expect: {
      kind: 'request',
      parser: 'cadf-json',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 15, 5, 666),
      offsetMin: 0,
      timeIsEnd: true,
      method: '*',
      uri: '/v2.1/os-hosts/cmp-01/reboot',
      protocol: null,
      status: 501,
      bytes: null,
      durationMs: 210.078,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: 'admin',
      projectName: null,
      microversion: null,
      userAgent: NOVACLIENT_AGENT,
      frontend: null,
      backend: null,
      server: null,
      logger: 'audit.http.response',
      host: null,
      auditAction: 'start/reboot',
      service: 'compute',
    },
  },
  {
    note:
      'constructed: a cinder event (volumev3 = service/storage/block in cinder_api_audit_map.conf) still parses, ' +
      'service block-storage',
    line: pyJson({
      ...notification(REBOOT_CALL, 'response'),
      payload: {
        ...cadfPayload(REBOOT_CALL, 'response'),
        action: 'read/list',
        target: { id: 'cinderv3', typeURI: 'service/storage/block/os-hosts', name: 'cinderv3' },
        requestPath: '/v3/9a1e2b3c4d5e4f60718293a4b5c6d7e8/os-hosts',
        reason: { reasonType: 'HTTP', reasonCode: '200' },
      },
    }),
    expect: {
      kind: 'request',
      parser: 'cadf-json',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 15, 5, 666),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v3/9a1e2b3c4d5e4f60718293a4b5c6d7e8/os-hosts',
      protocol: null,
      status: 200,
      bytes: null,
      durationMs: 210.078,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: 'admin',
      projectName: null,
      microversion: null,
      userAgent: 'python-novaclient',
      frontend: null,
      backend: null,
      server: null,
      logger: 'audit.http.response',
      host: null,
      auditAction: 'read/list',
      service: 'block-storage',
    },
  },
  {
    note:
      'constructed: request raised before a response (outcome unknown, no reason): status null; target unknown (no ' +
      'catalog match): service null',
    line: pyJson({
      ...notification(REBOOT_CALL, 'response'),
      payload: {
        ...cadfPayload(REBOOT_CALL, 'response'),
        outcome: 'unknown',
        reason: undefined,
        target: { id: 'unknown', typeURI: 'unknown', name: 'unknown' },
      },
    }),
    expect: {
      kind: 'request',
      parser: 'cadf-json',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 15, 5, 666),
      offsetMin: 0,
      timeIsEnd: true,
      method: '*',
      uri: '/v2.1/os-hosts/cmp-01/reboot',
      protocol: null,
      status: null,
      bytes: null,
      durationMs: 210.078,
      client: '10.0.0.5',
      clientChain: null,
      requestId: 'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
      globalRequestId: null,
      userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
      projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
      userName: 'admin',
      projectName: null,
      microversion: null,
      userAgent: 'python-novaclient',
      frontend: null,
      backend: null,
      server: null,
      logger: 'audit.http.response',
      host: null,
      auditAction: 'start/reboot',
      service: null,
    },
  },
  {
    note:
      "real shape: keystone's own CADF notification (identity.user.updated, Canonical docs api-auditing) is not an " +
      'API request',
    line:
      '{"message_id": "e585b0b6-42b2-4423-947a-b5987796dd1e", "publisher_id": "identity.keystone-0", "event_type": ' +
      '"identity.user.updated", "priority": "INFO", "payload": {"typeURI": ' +
      '"http://schemas.dmtf.org/cloud/audit/1.0/event", "eventType": "activity", "id": ' +
      '"0b349407-5549-51bf-adff-e3c484740c0a", "eventTime": "2025-06-17T10:23:40.204955+0000", "action": ' +
      '"updated.user", "outcome": "success", "observer": {"id": "41393a82908d4d59ae36032d92569fd7", "typeURI": ' +
      '"service/security"}, "initiator": {"id": "f28f7f5a711941af99f5a09a42699dc6", "typeURI": ' +
      '"service/security/account/user", "host": {"address": "10.1.0.197", "agent": "python-keystoneclient"}}, ' +
      '"target": {"id": "da9429a6cda54340b9a8652423c21d0a", "typeURI": "data/security/account/user"}}, "timestamp": ' +
      '"2025-06-17 10:23:40.241660"}',
    expect: null,
  },
  {
    note: 'constructed: a response notification without requestPath is malformed',
    line: pyJson({
      ...notification(STORY[3]!, 'response'),
      payload: { ...cadfPayload(STORY[3]!, 'response'), requestPath: undefined },
    }),
    expect: { kind: 'malformed', reason: 'audit.http.response without requestPath' },
  },
  {
    note: 'constructed: a response notification cut off mid-object (invalid JSON) is malformed',
    line: pyJson(notification(STORY[3]!, 'response')).slice(0, 400),
    expect: { kind: 'malformed', reason: 'invalid JSON on a CADF audit line' },
  },
  {
    note:
      'constructed: oslo.log JSONFormatter record of the log driver (name ' +
      'oslo.messaging.notification.audit.http.response, message = the notification)',
    line: pyJson({
      message: pyJson(notification(STORY[4]!, 'response', '***')),
      asctime: '2024-05-02 09:30:10',
      name: 'oslo.messaging.notification.audit.http.response',
      levelname: 'INFO',
      created: 1714642210.2995,
      hostname: 'ctl-1',
      context: { request_id: STORY[4]!.requestId, global_request_id: null, user: DEPLOY_USER },
    }),
    expect: {
      kind: 'request',
      parser: 'cadf-json',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 30, 10, 299),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/servers/detail',
      protocol: null,
      status: 200,
      bytes: null,
      durationMs: 8.666,
      client: '198.51.100.23',
      clientChain: null,
      requestId: 'req-b9d5f7d4-ba29-406e-ae67-4bb05e40863c',
      globalRequestId: null,
      userId: '5f4e3d2c1b0a49f8e7d6c5b4a3f2e1d0',
      projectId: '4a3b2c1d0e9f4a8b7c6d5e4f3a2b1c0d',
      userName: 'deployer',
      projectName: null,
      microversion: null,
      userAgent: 'openstacksdk/1.0.1 keystoneauth1/5.1.2 python-requests/2.28.1 CPython/3.10.12',
      frontend: null,
      backend: null,
      server: null,
      logger: 'oslo.messaging.notification.audit.http.response',
      host: 'ctl-1',
      auditAction: 'read/list',
      service: 'compute',
    },
  },
];

export const cadfJsonParser: LineParser = {
  name: JSON_PARSER,
  title: 'keystonemiddleware CADF audit events as JSON lines (notifications, oslo.messaging envelopes, bare events)',
  url: 'https://opendev.org/openstack/keystonemiddleware/src/branch/master/keystonemiddleware/audit/__init__.py',
  layer: 'audit',
  // `{` and a substring before any JSON.parse: other notifications and JSON logs skip it.
  claims: (payload) =>
    payload.charCodeAt(0) === 123 &&
    (payload.indexOf(AUDIT_EVENT_PREFIX) !== -1 || payload.indexOf(CADF_EVENT_URI) !== -1),
  parse(payload) {
    // A request event never mentions the response event type: skip it unparsed.
    if (payload.indexOf(REQUEST_EVENT) !== -1 && payload.indexOf(RESPONSE_EVENT) === -1) return null;
    let obj: unknown;
    try {
      obj = JSON.parse(payload) as unknown;
    } catch {
      return malformed('invalid JSON on a CADF audit line');
    }
    return cadfJsonObjectToResult(obj);
  },
  samples: jsonSamples,
};

const osloNotificationSamples: Sample[] = [
  {
    note:
      'real: Canonical OpenStack docs, reference/api-auditing (nova-api under pebble, driver = log): the response ' +
      'line',
    line:
      '2025-06-12T09:45:56.184Z [wsgi-nova-api] 2025-06-12 09:45:56.184431 2025-06-12 09:45:56.184 80 INFO ' +
      'oslo.messaging.notification.audit.http.response [None req-4cf54a26-26b3-4cd3-9442-2630480563b4 ' +
      '1c6dfb96f6ad40cab32a5add1daef45e 123e60b3cd024672b6dfdd0b6db8c32d - - 756f65bca3e74610aed6fffb0cc771c3 ' +
      '756f65bca3e74610aed6fffb0cc771c3] {"message_id": "1ecdd560-e881-4038-ba27-2a74cf322872", "publisher_id": ' +
      '"mod_wsgi", "event_type": "audit.http.response", "priority": "INFO", "payload": {"typeURI": ' +
      '"http://schemas.dmtf.org/cloud/audit/1.0/event", "eventType": "activity", "id": ' +
      '"d7853699-5d1c-5bea-9fe0-815616e40ee0", "eventTime": "2025-06-12T09:45:55.774005+0000", "action": ' +
      '"read/list", "outcome": "success", "observer": {"id": "target"}, "initiator": {"id": ' +
      '"1c6dfb96f6ad40cab32a5add1daef45e", "typeURI": "service/security/account/user", "name": "admin", ' +
      '"credential": {"token": "***", "identity_status": "Confirmed"}, "host": {"address": "10.1.0.179", "agent": ' +
      '"openstacksdk/3.0.0 keystoneauth1/5.6.0 python-requests/2.31.0 CPython/3.12.3"}, "project_id": ' +
      '"123e60b3cd024672b6dfdd0b6db8c32d", "request_id": "req-4cf54a26-26b3-4cd3-9442-2630480563b4"}, "target": ' +
      '{"id": "nova", "typeURI": "service/compute/servers/detail", "name": "nova", "addresses": [{"url": ' +
      '"http://10.152.183.37:8774/v2.1", "name": "admin"}, {"url": "http://10.7.66.204:80/openstack-nova/v2.1", ' +
      '"name": "private"}, {"url": "http://10.7.66.205:80/openstack-nova/v2.1", "name": "public"}]}, "requestPath": ' +
      '"/openstack-nova/v2.1/servers/detail?deleted=False", "tags": ' +
      '["correlation_id?value=79a738d0-b97d-556e-9efe-d99536267d1e"], "reason": {"reasonType": "HTTP", ' +
      '"reasonCode": "200"}, "reporterchain": [{"role": "modifier", "reporterTime": ' +
      '"2025-06-12T09:45:56.183492+0000", "reporter": {"id": "target"}}]}, "timestamp": "2025-06-12 ' +
      '09:45:56.183889"}',
    expect: {
      kind: 'request',
      parser: 'cadf-oslo-notification',
      layer: 'audit',
      wallMs: T(2025, 5, 12, 9, 45, 56, 183),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/openstack-nova/v2.1/servers/detail?deleted=False',
      protocol: null,
      status: 200,
      bytes: null,
      durationMs: 409.487,
      client: '10.1.0.179',
      clientChain: null,
      requestId: 'req-4cf54a26-26b3-4cd3-9442-2630480563b4',
      globalRequestId: null,
      userId: '1c6dfb96f6ad40cab32a5add1daef45e',
      projectId: '123e60b3cd024672b6dfdd0b6db8c32d',
      userName: 'admin',
      projectName: null,
      microversion: null,
      userAgent: 'openstacksdk/3.0.0 keystoneauth1/5.6.0 python-requests/2.31.0 CPython/3.12.3',
      frontend: null,
      backend: null,
      server: null,
      logger: 'oslo.messaging.notification.audit.http.response',
      host: null,
      auditAction: 'read/list',
      service: 'compute',
    },
  },
  {
    note: 'real: the same docs, the request line of that pair (outcome pending) is not a request',
    line:
      '2025-06-12T09:45:55.775Z [wsgi-nova-api] 2025-06-12 09:45:55.775335 2025-06-12 09:45:55.774 80 INFO ' +
      'oslo.messaging.notification.audit.http.request [None req-4cf54a26-26b3-4cd3-9442-2630480563b4 ' +
      '1c6dfb96f6ad40cab32a5add1daef45e 123e60b3cd024672b6dfdd0b6db8c32d - - 756f65bca3e74610aed6fffb0cc771c3 ' +
      '756f65bca3e74610aed6fffb0cc771c3] {"message_id": "31f1874a-91ea-4822-84a2-b82570afdc44", "publisher_id": ' +
      '"mod_wsgi", "event_type": "audit.http.request", "priority": "INFO", "payload": {"typeURI": ' +
      '"http://schemas.dmtf.org/cloud/audit/1.0/event", "eventType": "activity", "id": ' +
      '"d7853699-5d1c-5bea-9fe0-815616e40ee0", "eventTime": "2025-06-12T09:45:55.774005+0000", "action": ' +
      '"read/list", "outcome": "pending", "observer": {"id": "target"}, "initiator": {"id": ' +
      '"1c6dfb96f6ad40cab32a5add1daef45e", "typeURI": "service/security/account/user", "name": "admin", ' +
      '"credential": {"token": "***", "identity_status": "Confirmed"}, "host": {"address": "10.1.0.179", "agent": ' +
      '"openstacksdk/3.0.0 keystoneauth1/5.6.0 python-requests/2.31.0 CPython/3.12.3"}, "project_id": ' +
      '"123e60b3cd024672b6dfdd0b6db8c32d", "request_id": "req-4cf54a26-26b3-4cd3-9442-2630480563b4"}, "target": ' +
      '{"id": "nova", "typeURI": "service/compute/servers/detail", "name": "nova", "addresses": [{"url": ' +
      '"http://10.152.183.37:8774/v2.1", "name": "admin"}, {"url": "http://10.7.66.204:80/openstack-nova/v2.1", ' +
      '"name": "private"}, {"url": "http://10.7.66.205:80/openstack-nova/v2.1", "name": "public"}]}, "requestPath": ' +
      '"/openstack-nova/v2.1/servers/detail?deleted=False", "tags": ' +
      '["correlation_id?value=79a738d0-b97d-556e-9efe-d99536267d1e"]}, "timestamp": "2025-06-12 09:45:55.774487"}',
    expect: null,
  },
  {
    note: 'constructed: _impl_log.py line in the Zed+ oslo.log format with a global request id in the bracket',
    line: osloNotificationLine(STORY[1]!, 'response'),
    expect: {
      kind: 'request',
      parser: 'cadf-oslo-notification',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 17, 45, 558),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts/cmp-02',
      protocol: null,
      status: 200,
      bytes: null,
      durationMs: 125.222,
      client: '10.0.1.13',
      clientChain: null,
      requestId: 'req-5420befb-563b-4826-a1cc-4d5c26b4ab88',
      globalRequestId: 'req-2d4f6a8c-0e1b-4d3c-a5e7-9f1b3d5c7e9a',
      userId: '9b8a7c6d5e4f4a3b2c1d0e9f8a7b6c5d',
      projectId: '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b',
      userName: 'bob',
      projectName: null,
      microversion: null,
      userAgent: 'python-novaclient',
      frontend: null,
      backend: null,
      server: null,
      logger: 'oslo.messaging.notification.audit.http.response',
      host: null,
      auditAction: 'read',
      service: 'compute',
    },
  },
  {
    note:
      'constructed: an older keystonemiddleware without initiator.request_id: the request id comes from the oslo ' +
      'context bracket',
    line: osloNotificationLine(STORY[2]!, 'response').replace(`, "request_id": "${STORY[2]!.requestId}"`, ''),
    expect: {
      kind: 'request',
      parser: 'cadf-oslo-notification',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 18, 30, 258),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'PUT',
      uri: '/v2.1/os-hosts/cmp-04',
      protocol: null,
      status: 200,
      bytes: null,
      durationMs: 88.741,
      client: '10.0.1.13',
      clientChain: null,
      requestId: 'req-27e9852f-9e74-4f22-a721-4b8b0b5a01c7',
      globalRequestId: null,
      userId: '9b8a7c6d5e4f4a3b2c1d0e9f8a7b6c5d',
      projectId: '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b',
      userName: 'bob',
      projectName: null,
      microversion: null,
      userAgent: 'python-novaclient',
      frontend: null,
      backend: null,
      server: null,
      logger: 'oslo.messaging.notification.audit.http.response',
      host: null,
      auditAction: 'update',
      service: 'compute',
    },
  },
  {
    note: 'constructed: behind `journalctl -o short` (envelope stripped, syslog host kept)',
    line: `May 02 09:20:00 ctl-1 nova-api-wsgi[3104]: ${osloNotificationLine(STORY[3]!, 'response')}`,
    expect: {
      kind: 'request',
      parser: 'cadf-oslo-notification',
      layer: 'audit',
      wallMs: T(2024, 4, 2, 9, 20, 0, 2),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-services?binary=nova-compute',
      protocol: null,
      status: 200,
      bytes: null,
      durationMs: 48.295,
      client: '10.0.1.12',
      clientChain: null,
      requestId: 'req-4a38ac70-be45-4729-ad98-219f44f10f0a',
      globalRequestId: null,
      userId: '3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a',
      projectId: '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b',
      userName: 'alice',
      projectName: null,
      microversion: null,
      userAgent: 'osc-lib/2.8.0 keystoneauth1/5.1.2 python-requests/2.28.1 CPython/3.10.12',
      frontend: null,
      backend: null,
      server: null,
      logger: 'oslo.messaging.notification.audit.http.response',
      host: 'ctl-1',
      auditAction: 'read/list',
      service: 'compute',
    },
  },
  {
    note: 'constructed: a log-driver line whose message is not JSON is malformed',
    line: osloNotificationLine(STORY[3]!, 'response').replace(
      /\{"message_id.*$/,
      '{"message_id": "d18c9dae-bfc0-4bd3-9d4e-6f7a8b9cadb4", "publisher_id": "uwsgi", "event_type": "audit.http.resp',
    ),
    expect: {
      kind: 'malformed',
      reason: 'oslo.messaging.notification.audit.http.response line whose message is not a JSON notification',
    },
  },
];

export const cadfOsloNotificationParser: LineParser = {
  name: OSLO_NOTIFICATION_PARSER,
  title: 'CADF audit notification logged by the oslo.messaging log driver (oslo.log text line)',
  url: 'https://opendev.org/openstack/oslo.messaging/src/branch/master/oslo_messaging/notify/_impl_log.py',
  layer: 'audit',
  claims: (payload) => payload.indexOf(NOTIFICATION_LOGGER_PREFIX + AUDIT_EVENT_PREFIX) !== -1,
  parse(payload) {
    const at = locate(payload, NOTIFICATION_LOGGER_ANYWHERE);
    // Only the logger decides: the needle may sit inside another logger's message.
    if (at === null || !at.logger.startsWith(NOTIFICATION_LOGGER_PREFIX + AUDIT_EVENT_PREFIX)) return null;
    if (at.logger !== RESPONSE_LOGGER) return null; // audit.http.request: skipped before JSON.parse
    const message = at.text.slice(at.messageStart);
    let n: unknown;
    try {
      n = JSON.parse(message) as unknown;
    } catch {
      return malformed(`${RESPONSE_LOGGER} line whose message is not a JSON notification`);
    }
    if (!isObject(n)) return malformed(`${RESPONSE_LOGGER} line whose message is not a JSON notification`);
    readContext(at.bracket, context);
    return notificationToResult(n, {
      parser: OSLO_NOTIFICATION_PARSER,
      eventType: null,
      logger: at.logger,
      host: null,
      context,
    });
  },
  samples: osloNotificationSamples,
};

const KSM_PARSER = 'cadf-ksm-log';

const ksmSamples: Sample[] = [
  {
    note:
      'constructed: keystonemiddleware/audit/_notifier.py _LogNotifier line (Python 3 dict reprs), os-hosts list ' +
      'refused at 2.79',
    line: ksmAuditLine(STORY[0]!, 'response'),
    expect: {
      kind: 'request',
      parser: 'cadf-ksm-log',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 15, 12, 409),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts',
      protocol: null,
      status: 404,
      bytes: null,
      durationMs: 2.753,
      client: '10.0.1.12',
      clientChain: null,
      requestId: 'req-fa616cc1-87fa-45c5-af9d-8b5808895f34',
      globalRequestId: null,
      userId: '3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a',
      projectId: '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b',
      userName: 'alice',
      projectName: null,
      microversion: null,
      userAgent: 'osc-lib/2.8.0 keystoneauth1/5.1.2 python-requests/2.28.1 CPython/3.10.12',
      frontend: null,
      backend: null,
      server: null,
      logger: 'keystonemiddleware.audit',
      host: null,
      auditAction: 'read/list',
      service: 'compute',
    },
  },
  {
    note: 'constructed: the request event of the same call is not a request',
    line: ksmAuditLine(STORY[0]!, 'request'),
    expect: null,
  },
  {
    note: "constructed: Python 2 reprs (u'' strings), a name with an apostrophe (repr switches to double quotes)",
    line: ksmAuditLine({ ...STORY[1]!, userName: "d'artagnan" }, 'response', true),
    expect: {
      kind: 'request',
      parser: 'cadf-ksm-log',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 17, 45, 558),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'GET',
      uri: '/v2.1/os-hosts/cmp-02',
      protocol: null,
      status: 200,
      bytes: null,
      durationMs: 125.222,
      client: '10.0.1.13',
      clientChain: null,
      requestId: 'req-5420befb-563b-4826-a1cc-4d5c26b4ab88',
      globalRequestId: 'req-2d4f6a8c-0e1b-4d3c-a5e7-9f1b3d5c7e9a',
      userId: '9b8a7c6d5e4f4a3b2c1d0e9f8a7b6c5d',
      projectId: '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b',
      userName: "d'artagnan",
      projectName: null,
      microversion: null,
      userAgent: 'python-novaclient',
      frontend: null,
      backend: null,
      server: null,
      logger: 'keystonemiddleware.audit',
      host: null,
      auditAction: 'read',
      service: 'compute',
    },
  },
  {
    note: 'constructed: update/addFixedIp keeps its body key',
    line: ksmAuditLine({ ...STORY[5]!, action: 'update/addFixedIp' }, 'response'),
    expect: {
      kind: 'request',
      parser: 'cadf-ksm-log',
      layer: 'audit',
      wallMs: Date.UTC(2024, 4, 2, 9, 38, 18, 386),
      offsetMin: 0,
      timeIsEnd: true,
      method: 'POST',
      uri: '/v2.1/servers/9c8b7a6f-5e4d-4c3b-a2a1-0f9e8d7c6b5a/action',
      protocol: null,
      status: 202,
      bytes: null,
      durationMs: 16.288,
      client: '198.51.100.23',
      clientChain: null,
      requestId: 'req-80aff773-a7bf-4fcd-aef7-777640bd0c06',
      globalRequestId: null,
      userId: '5f4e3d2c1b0a49f8e7d6c5b4a3f2e1d0',
      projectId: '4a3b2c1d0e9f4a8b7c6d5e4f3a2b1c0d',
      userName: 'deployer',
      projectName: null,
      microversion: null,
      userAgent: 'openstacksdk/1.0.1 keystoneauth1/5.1.2 python-requests/2.28.1 CPython/3.10.12',
      frontend: null,
      backend: null,
      server: null,
      logger: 'keystonemiddleware.audit',
      host: null,
      auditAction: 'update/addFixedIp',
      service: 'compute',
    },
  },
  {
    note: 'constructed: a payload repr cut off mid-dict is malformed',
    line: ksmAuditLine(STORY[3]!, 'response').slice(0, -60),
    expect: {
      kind: 'malformed',
      reason:
        'keystonemiddleware.audit Payload is not a Python dict repr we can read: unterminated string at column 1831',
    },
  },
  {
    note: 'constructed: a payload holding a Python object repr (not what as_dict gives) is malformed',
    line:
      '2024-05-02 09:20:00.003 3104 INFO keystonemiddleware.audit [-] Event type: audit.http.response, ' +
      `Context: ${pyRepr(adminContext(STORY[3]!))}, Payload: ` +
      pyRepr(cadfPayload(STORY[3]!, 'response')).replace(
        "'eventType': 'activity'",
        "'eventType': <pycadf.event.Event object at 0x7f00deadbeef>",
      ),
    expect: {
      kind: 'malformed',
      reason:
        'keystonemiddleware.audit Payload is not a Python dict repr we can read: unsupported Python value ' +
        'starting `<` at column 565',
    },
  },
];

export const cadfKsmLogParser: LineParser = {
  name: KSM_PARSER,
  title: "CADF audit event logged by keystonemiddleware's log notifier (Python dict repr)",
  url: 'https://opendev.org/openstack/keystonemiddleware/src/branch/master/keystonemiddleware/audit/_notifier.py',
  layer: 'audit',
  claims: (payload) => payload.indexOf(KSM_EVENT_NEEDLE) !== -1,
  parse(payload) {
    const k = payload.indexOf(KSM_EVENT_NEEDLE);
    if (k === -1) return null;
    // Cheap skip of request events before reading any repr.
    if (payload.startsWith(REQUEST_EVENT + ',', k + 'Event type: '.length)) return null;
    const at = locate(payload, KSM_LOGGER_ANYWHERE);
    let text = payload;
    let start = k;
    let src: EventSource = { parser: KSM_PARSER, eventType: null, logger: null, host: null, context: null };
    if (at !== null) {
      // The header reader may have removed ANSI colours: find the message in its text.
      text = at.text;
      start = text.indexOf(KSM_EVENT_NEEDLE, at.messageStart);
      if (start === -1) return null;
      readContext(at.bracket, context);
      src = { ...src, logger: at.logger, context };
    }
    return ksmMessageToResult(text, start, src);
  },
  samples: ksmSamples,
};

/** Every audit line parser, most specific claim first (the JSON one only takes lines starting with `{`). */
export const CADF_PARSERS: readonly LineParser[] = [cadfJsonParser, cadfOsloNotificationParser, cadfKsmLogParser];
