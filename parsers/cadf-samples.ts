/**
 * CADF audit events for samples and tests: the shape keystonemiddleware emits
 * and the five ways it reaches a file. Field order and values follow
 *   - keystonemiddleware/audit/_api.py `_create_event` (initiator: ClientResource
 *     with id/name/project_id from X-User-Id/X-User-Name/X-Project-Id, host
 *     {address: req.client_addr, agent: req.user_agent}, request_id and
 *     global_request_id from the oslo.middleware environ keys; observer
 *     {id: 'target'}; requestPath = req.path_qs; a `correlation_id` tag);
 *   - keystonemiddleware/audit/__init__.py `_process_response` (outcome, reason
 *     {reasonType: 'HTTP', reasonCode: str(status)}, a `modifier` reporterstep);
 *   - the real pair quoted in the Canonical OpenStack docs, reference/api-auditing
 *     (a nova-api log with `[oslo_messaging_notifications] driver = log`).
 * The parsers never use this to read a line: it only builds their sample lines
 * (and, once, the files in samples/audit/).
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** JSON with Python json.dumps' default separators (', ' and ': '), as oslo's jsonutils.dumps writes it. */
export function pyJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** A string as Python's repr prints it (quote choice and escapes); `u` prefix for Python 2 unicode. */
function pyStr(s: string, py2: boolean): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 32 || c === 127) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (py2 && c > 126)
      out +=
        c <= 0xff
          ? '\\x' + c.toString(16).padStart(2, '0')
          : c <= 0xffff
            ? '\\u' + c.toString(16).padStart(4, '0')
            : '\\U' + c.toString(16).padStart(8, '0');
    else out += ch;
  }
  return (py2 ? 'u' : '') + quote + out + quote;
}

/** A value as Python's `str(dict)` prints it (Python 3, or Python 2 with `u''` strings). */
export function pyRepr(v: unknown, py2 = false): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return pyStr(v, py2);
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, py2)).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `${pyStr(k, py2)}: ${pyRepr(x, py2)}`)
    .join(', ')}}`;
}

export const CADF_EVENT_URI = 'http://schemas.dmtf.org/cloud/audit/1.0/event';

export interface StoryCall {
  /** pycadf event id (the same in the request and response events). */
  eventId: string;
  correlationId: string;
  requestMessageId: string;
  responseMessageId: string;
  /** `eventTime`: when the request reached the audit filter (pycadf timestamp, +0000). */
  eventTime: string;
  /** The response reporterstep's reporterTime. */
  reporterTime: string;
  /** oslo.messaging `timestamp` of the two notifications (str(utcnow()): UTC, no offset). */
  requestTimestamp: string;
  responseTimestamp: string;
  action: string;
  outcome: 'success' | 'failure' | 'unknown';
  status: number | null;
  typeURI: string;
  requestPath: string;
  userId: string;
  userName: string;
  projectId: string;
  address: string;
  agent: string;
  requestId: string;
  globalRequestId?: string;
}

const TARGET_ADDRESSES: Json = [
  { url: 'http://ctl-1.example.internal:8774/v2.1', name: 'admin' },
  { url: 'http://10.0.0.10:8774/v2.1', name: 'private' },
  { url: 'https://compute.example.com/v2.1', name: 'public' },
];

/**
 * The CADF payload of one event, keys in the order pycadf sets them (event.py,
 * then _create_event's requestPath and tag, then _process_response's reason and reporterchain).
 * `token` is what ends up in the file: pycadf masks it, oslo.messaging's log
 * driver (strutils.mask_password) turns it into `***`.
 */
export function cadfPayload(
  c: StoryCall,
  phase: 'request' | 'response',
  token = 'gAAAAABmM3 xxxxxxxx 5nQ',
): Record<string, Json> {
  const initiator: Record<string, Json> = {
    id: c.userId,
    typeURI: 'service/security/account/user',
    name: c.userName,
    credential: { token, identity_status: 'Confirmed' },
    host: { address: c.address, agent: c.agent },
    project_id: c.projectId,
    request_id: c.requestId,
  };
  if (c.globalRequestId !== undefined) initiator.global_request_id = c.globalRequestId;
  const p: Record<string, Json> = {
    typeURI: CADF_EVENT_URI,
    eventType: 'activity',
    id: c.eventId,
    eventTime: c.eventTime,
    action: c.action,
    outcome: phase === 'request' ? 'pending' : c.outcome,
    observer: { id: 'target' },
    initiator,
    target: { id: 'nova', typeURI: c.typeURI, name: 'nova', addresses: TARGET_ADDRESSES },
    requestPath: c.requestPath,
    tags: [`correlation_id?value=${c.correlationId}`],
  };
  if (phase === 'response') {
    if (c.status !== null) p.reason = { reasonType: 'HTTP', reasonCode: String(c.status) };
    p.reporterchain = [{ role: 'modifier', reporterTime: c.reporterTime, reporter: { id: 'target' } }];
  }
  return p;
}

/** The oslo.messaging notification around a payload (oslo_messaging/notify/notifier.py `_notify`). */
export function notification(c: StoryCall, phase: 'request' | 'response', token?: string): Record<string, Json> {
  return {
    message_id: phase === 'request' ? c.requestMessageId : c.responseMessageId,
    // keystonemiddleware/audit/_notifier.py: publisher_id = os.path.basename(sys.argv[0]).
    publisher_id: 'uwsgi',
    event_type: `audit.http.${phase}`,
    priority: 'INFO',
    payload: cadfPayload(c, phase, token),
    timestamp: phase === 'request' ? c.requestTimestamp : c.responseTimestamp,
  };
}

/**
 * The messaging driver's wire form (oslo_messaging/_drivers/common.py
 * serialize_msg): amqpdriver `_send` first adds `_unique_id` and the context
 * as `_context_*` keys (rpc_amqp.pack_context). keystonemiddleware's context is
 * `oslo_context.get_admin_context().to_dict()`, so its request_id is a fresh
 * one, not the API request's.
 */
export function osloEnvelope(c: StoryCall, phase: 'request' | 'response'): Record<string, Json> {
  const eventHex = c.eventId.replace(/-/g, '');
  const msg = {
    ...notification(c, phase),
    _unique_id: (phase === 'request' ? c.requestMessageId : c.responseMessageId)
      .replace(/-/g, '')
      .split('')
      .reverse()
      .join(''),
    _context_user: null,
    _context_project: null,
    _context_is_admin: true,
    _context_request_id: `req-${c.correlationId.slice(0, 8)}-0000-4000-8000-${eventHex.slice(0, 12)}`,
    _context_roles: [],
  };
  return { 'oslo.version': '2.0', 'oslo.message': pyJson(msg) };
}

/** oslo.context `to_dict()` of `get_admin_context()` (keystonemiddleware/audit/__init__.py `__call__`). */
export function adminContext(c: StoryCall): Record<string, Json> {
  return {
    user: null,
    project: null,
    system_scope: null,
    domain: null,
    user_domain: null,
    project_domain: null,
    is_admin: true,
    read_only: false,
    show_deleted: false,
    auth_token: null,
    request_id: `req-${c.eventId.slice(0, 8)}-1111-4222-8333-${c.correlationId.replace(/-/g, '').slice(0, 12)}`,
    global_request_id: null,
    resource_uuid: null,
    roles: [],
    user_identity: '- - - - - -',
    is_admin_project: true,
  };
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` → oslo.log's `%(asctime)s.%(msecs)03d` (local time; the story's nodes run UTC). */
const osloTime = (timestamp: string): string => timestamp.slice(0, 23);

/** Zed+ oslo.log context bracket (nova-logs.md §2): `[<global|None> req-… user project - - default default]`. */
function bracket(c: StoryCall): string {
  return `[${c.globalRequestId ?? 'None'} ${c.requestId} ${c.userId} ${c.projectId} - - default default]`;
}

/**
 * `driver = log`: oslo_messaging/notify/_impl_log.py logs jsonutils.dumps(message) on logger
 * oslo.messaging.notification.<event_type>.
 */
export function osloNotificationLine(c: StoryCall, phase: 'request' | 'response', pid = 3104): string {
  const ts = phase === 'request' ? c.requestTimestamp : c.responseTimestamp;
  const logger = `oslo.messaging.notification.audit.http.${phase}`;
  return `${osloTime(ts)} ${pid} INFO ${logger} ${bracket(c)} ${pyJson(notification(c, phase, '***'))}`;
}

/** No oslo.messaging: keystonemiddleware's `_LogNotifier` on logger keystonemiddleware.audit, Python reprs. */
export function ksmAuditLine(c: StoryCall, phase: 'request' | 'response', py2 = false, pid = 3104): string {
  const ts = phase === 'request' ? c.requestTimestamp : c.responseTimestamp;
  return (
    `${osloTime(ts)} ${pid} INFO keystonemiddleware.audit ${bracket(c)} ` +
    `Event type: audit.http.${phase}, Context: ${pyRepr(adminContext(c), py2)}, ` +
    `Payload: ${pyRepr(cadfPayload(c, phase), py2)}`
  );
}

export const ALICE = '3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a';
export const BOB = '9b8a7c6d5e4f4a3b2c1d0e9f8a7b6c5d';
export const OPS_PROJECT = '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b';
export const DEPLOY_USER = '5f4e3d2c1b0a49f8e7d6c5b4a3f2e1d0';
export const DEPLOY_PROJECT = '4a3b2c1d0e9f4a8b7c6d5e4f3a2b1c0d';
export const OSC_AGENT = 'osc-lib/2.8.0 keystoneauth1/5.1.2 python-requests/2.28.1 CPython/3.10.12';
export const NOVACLIENT_AGENT = 'python-novaclient';
export const SDK_AGENT = 'openstacksdk/1.0.1 keystoneauth1/5.1.2 python-requests/2.28.1 CPython/3.10.12';

/**
 * The audit side of samples/nova/nova-api-uwsgi.log (2024-05-02): the same
 * request ids, paths and statuses. nova's request_log sits outside authtoken
 * and audit in the paste pipeline (nova-logs.md §1b), so each eventTime falls
 * a little after the request started (request_log time − duration) and each
 * reporterTime a little before request_log wrote its line.
 * Actions and target typeURIs are what keystonemiddleware computes with
 * pycadf's etc/pycadf/nova_api_audit_map.conf (os-hosts = host, os-services = None,
 * servers = server, detail = None, action = None; compute = service/compute).
 */
export const STORY: readonly StoryCall[] = [
  {
    // request_log 09:15:12.410, time 0.004410: alice's os-hosts list refused at 2.79 (404).
    eventId: '0b7a1c52-6f3e-5d21-9a4b-2e8c7d6f5a41',
    correlationId: 'e3f1a2b4-5c6d-5e7f-8a9b-0c1d2e3f4a51',
    requestMessageId: '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c41',
    responseMessageId: '7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d51',
    eventTime: '2024-05-02T09:15:12.407123+0000',
    reporterTime: '2024-05-02T09:15:12.409876+0000',
    requestTimestamp: '2024-05-02 09:15:12.407388',
    responseTimestamp: '2024-05-02 09:15:12.410102',
    action: 'read/list',
    outcome: 'failure',
    status: 404,
    typeURI: 'service/compute/os-hosts',
    requestPath: '/v2.1/os-hosts',
    userId: ALICE,
    userName: 'alice',
    projectId: OPS_PROJECT,
    address: '10.0.1.12',
    agent: OSC_AGENT,
    requestId: 'req-fa616cc1-87fa-45c5-af9d-8b5808895f34',
  },
  {
    // request_log 09:17:45.560, time 0.128811: bob's `nova host-describe cmp-02`, with a global request id.
    eventId: '1c8b2d63-7a4f-5e32-8b5c-3f9d8e7a6b52',
    correlationId: 'f4a2b3c5-6d7e-5f8a-9b0c-1d2e3f4a5b62',
    requestMessageId: '8c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e62',
    responseMessageId: '9d4e5f6a-7b8c-4d9e-9f0a-2b3c4d5e6f72',
    eventTime: '2024-05-02T09:17:45.433512+0000',
    reporterTime: '2024-05-02T09:17:45.558734+0000',
    requestTimestamp: '2024-05-02 09:17:45.433790',
    responseTimestamp: '2024-05-02 09:17:45.559012',
    action: 'read',
    outcome: 'success',
    status: 200,
    typeURI: 'service/compute/os-hosts/host',
    requestPath: '/v2.1/os-hosts/cmp-02',
    userId: BOB,
    userName: 'bob',
    projectId: OPS_PROJECT,
    address: '10.0.1.13',
    agent: NOVACLIENT_AGENT,
    requestId: 'req-5420befb-563b-4826-a1cc-4d5c26b4ab88',
    globalRequestId: 'req-2d4f6a8c-0e1b-4d3c-a5e7-9f1b3d5c7e9a',
  },
  {
    // request_log 09:18:30.260, time 0.091223: bob's `nova host-update --status enable cmp-04`.
    eventId: '2d9c3e74-8b5a-5f43-9c6d-4a0e9f8b7c63',
    correlationId: 'a5b3c4d6-7e8f-5a9b-8c1d-2e3f4a5b6c73',
    requestMessageId: 'ae5f6a7b-8c9d-4eaf-8a1b-3c4d5e6f7a83',
    responseMessageId: 'bf6a7b8c-9dae-4fb1-9b2c-4d5e6f7a8b93',
    eventTime: '2024-05-02T09:18:30.170101+0000',
    reporterTime: '2024-05-02T09:18:30.258842+0000',
    requestTimestamp: '2024-05-02 09:18:30.170377',
    responseTimestamp: '2024-05-02 09:18:30.259120',
    action: 'update',
    outcome: 'success',
    status: 200,
    typeURI: 'service/compute/os-hosts/host',
    requestPath: '/v2.1/os-hosts/cmp-04',
    userId: BOB,
    userName: 'bob',
    projectId: OPS_PROJECT,
    address: '10.0.1.13',
    agent: NOVACLIENT_AGENT,
    requestId: 'req-27e9852f-9e74-4f22-a721-4b8b0b5a01c7',
  },
  {
    // request_log 09:20:00.004, time 0.051110: alice lists nova-compute services (the replacement).
    eventId: '3eab4f85-9c6b-5a54-8d7e-5b1fa09c8d74',
    correlationId: 'b6c4d5e7-8f9a-5bac-9d2e-3f4a5b6c7d84',
    requestMessageId: 'c07b8c9d-aebf-4ac2-8c3d-5e6f7a8b9ca4',
    responseMessageId: 'd18c9dae-bfc0-4bd3-9d4e-6f7a8b9cadb4',
    eventTime: '2024-05-02T09:19:59.954620+0000',
    reporterTime: '2024-05-02T09:20:00.002915+0000',
    requestTimestamp: '2024-05-02 09:19:59.954901',
    responseTimestamp: '2024-05-02 09:20:00.003188',
    action: 'read/list',
    outcome: 'success',
    status: 200,
    typeURI: 'service/compute/os-services',
    requestPath: '/v2.1/os-services?binary=nova-compute',
    userId: ALICE,
    userName: 'alice',
    projectId: OPS_PROJECT,
    address: '10.0.1.12',
    agent: OSC_AGENT,
    requestId: 'req-4a38ac70-be45-4729-ad98-219f44f10f0a',
  },
  {
    // request_log 09:30:10.300, time 0.010321: an ordinary server list by a deployment tool.
    eventId: '4fbc5a96-ad7c-5b65-9e8f-6c2ab1ad9e85',
    correlationId: 'c7d5e6f8-9a0b-5cbd-8e3f-4a5b6c7d8e95',
    requestMessageId: 'e29daebf-c0d1-4ce4-8e5f-7a8b9cadbec5',
    responseMessageId: 'f3aebfc0-d1e2-4df5-9f6a-8b9cadbecfd5',
    eventTime: '2024-05-02T09:30:10.290544+0000',
    reporterTime: '2024-05-02T09:30:10.299210+0000',
    requestTimestamp: '2024-05-02 09:30:10.290811',
    responseTimestamp: '2024-05-02 09:30:10.299502',
    action: 'read/list',
    outcome: 'success',
    status: 200,
    typeURI: 'service/compute/servers/detail',
    requestPath: '/v2.1/servers/detail',
    userId: DEPLOY_USER,
    userName: 'deployer',
    projectId: DEPLOY_PROJECT,
    address: '198.51.100.23',
    agent: SDK_AGENT,
    requestId: 'req-b9d5f7d4-ba29-406e-ae67-4bb05e40863c',
  },
  {
    // request_log 09:38:18.388, time 0.018137: a server action; the body key makes the action `update/reboot`.
    eventId: '50cd6ba7-be8d-5c76-8f9a-7d3bc2be0f96',
    correlationId: 'd8e6f7a9-0b1c-5dce-9f4a-5b6c7d8e9fa6',
    requestMessageId: '04bfc0d1-e2f3-4e06-8a7b-9cadbecfd0e6',
    responseMessageId: '15c0d1e2-f304-4f17-9b8c-adbecfd0e1f6',
    eventTime: '2024-05-02T09:38:18.370702+0000',
    reporterTime: '2024-05-02T09:38:18.386990+0000',
    requestTimestamp: '2024-05-02 09:38:18.370968',
    responseTimestamp: '2024-05-02 09:38:18.387254',
    action: 'update/reboot',
    outcome: 'success',
    status: 202,
    typeURI: 'service/compute/servers/server/action',
    requestPath: '/v2.1/servers/9c8b7a6f-5e4d-4c3b-a2a1-0f9e8d7c6b5a/action',
    userId: DEPLOY_USER,
    userName: 'deployer',
    projectId: DEPLOY_PROJECT,
    address: '198.51.100.23',
    agent: SDK_AGENT,
    requestId: 'req-80aff773-a7bf-4fcd-aef7-777640bd0c06',
  },
];

/**
 * A call outside the story, for parser samples: the os-hosts reboot a libvirt cloud answers with
 * 501 (nova-logs.md §7).
 */
export const REBOOT_CALL: StoryCall = {
  eventId: '8c1f2a3b-4c5d-5e6f-8a7b-9c0d1e2f3a4b',
  correlationId: '1b2c3d4e-5f6a-5b7c-8d9e-0f1a2b3c4d5e',
  requestMessageId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
  responseMessageId: '3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a',
  eventTime: '2024-05-02T09:15:05.456123+0000',
  reporterTime: '2024-05-02T09:15:05.666201+0000',
  requestTimestamp: '2024-05-02 09:15:05.456390',
  responseTimestamp: '2024-05-02 09:15:05.666488',
  action: 'start/reboot',
  outcome: 'failure',
  status: 501,
  typeURI: 'service/compute/os-hosts/host/reboot',
  requestPath: '/v2.1/os-hosts/cmp-01/reboot',
  userId: '5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
  userName: 'admin',
  projectId: '9a1e2b3c4d5e4f60718293a4b5c6d7e8',
  address: '10.0.0.5',
  agent: NOVACLIENT_AGENT,
  requestId: 'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
};
