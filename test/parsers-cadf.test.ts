/**
 * keystonemiddleware CADF audit events (parsers/cadf.ts): every sample line of
 * the three line parsers, each input form in samples/audit/, the join with
 * samples/nova/nova-api-uwsgi.log by request id, the action → method table,
 * the Python-repr reader, and malformed events.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_FORMATS } from '../parsers/audit-formats.js';
import { PyReprError, parsePyLiteral, readPyLiteral } from '../parsers/cadf-pyrepr.js';
import {
  cadfPayload,
  ksmAuditLine,
  notification,
  NOVACLIENT_AGENT,
  OSC_AGENT,
  pyJson,
  pyRepr,
  SDK_AGENT,
  STORY,
} from '../parsers/cadf-samples.js';
import {
  CADF_PARSERS,
  cadfEventToResult,
  cadfJsonObjectToResult,
  cadfJsonParser,
  cadfKsmLogParser,
  cadfOsloNotificationParser,
  methodForAction,
  serviceFromTypeUri,
} from '../parsers/cadf.js';
import { compileParsers, parseWith } from '../parsers/compile.js';
import { payloadOf, stripEnvelope } from '../parsers/envelopes.js';
import { allParsers, formatByName, FORMATS as ALL_FORMATS } from '../parsers/index.js';

/** The registry's formats other than the audit ones (which the registry now includes). */
const FORMATS = ALL_FORMATS.filter((f) => !AUDIT_FORMATS.includes(f));
import type { FileFormat, ParseContext, ParseResult, RequestRecord } from '../parsers/types.js';
import { SAMPLES } from './helpers.js';

const ctx: ParseContext = { defaultYear: 2024, messageLoggers: new Set() };
const AUDIT = join(SAMPLES, 'audit');

const format = (name: string): FileFormat => {
  const f = AUDIT_FORMATS.find((x) => x.name === name);
  if (!f) throw new Error(`no format ${name}`);
  return f;
};

/**
 * The lines of a sample file as the ingest layer hands them to parsers (a JSON array: one compact
 * element per line).
 */
function linesOf(file: string): string[] {
  const text = readFileSync(join(AUDIT, file), 'utf8');
  if (/^\s*\[/.test(text)) return (JSON.parse(text) as unknown[]).map((e) => JSON.stringify(e));
  return text.split('\n').filter((l) => l !== '');
}

function parseFile(file: string, formatName: string): ParseResult[] {
  const fn = compileParsers(format(formatName).parsers, ctx);
  return linesOf(file).map(fn);
}

const requests = (rs: ParseResult[]): RequestRecord[] =>
  rs.filter((r): r is RequestRecord => r !== null && r.kind === 'request');

describe('samples/audit: every input form gives the same six requests', () => {
  const FILES: ReadonlyArray<readonly [string, string]> = [
    ['notifications.jsonl', 'cadf-json'],
    ['oslo-envelopes.jsonl', 'cadf-json'],
    ['notifications-array.json', 'cadf-json'],
    ['nova-api-audit.log', 'cadf-oslo'],
    ['keystonemiddleware-audit.log', 'cadf-oslo'],
  ];
  const essentials = (r: RequestRecord): unknown => {
    const { parser: _p, logger: _l, host: _h, ...rest } = r;
    return rest;
  };
  const reference = requests(parseFile('notifications.jsonl', 'cadf-json')).map(essentials);

  it('the reference file reads as the story says', () => {
    expect(reference).toHaveLength(STORY.length);
    expect(reference.map((r) => (r as RequestRecord).requestId)).toEqual(STORY.map((c) => c.requestId));
    expect(reference[0]).toMatchObject({
      layer: 'audit',
      method: 'GET',
      uri: '/v2.1/os-hosts',
      status: 404,
      userAgent: OSC_AGENT,
      userId: '3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a',
      userName: 'alice',
      projectId: '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b',
      auditAction: 'read/list',
      service: 'compute',
      timeIsEnd: true,
      offsetMin: 0,
    });
  });

  for (const [file, formatName] of FILES) {
    const spec = 'one record per response event, null for each pending request event, nothing malformed';
    it(`${file} (${formatName}): ${spec}`, () => {
      const rs = parseFile(file, formatName);
      expect(rs).toHaveLength(STORY.length * 2);
      expect(rs.filter((r) => r === null)).toHaveLength(STORY.length);
      expect(rs.filter((r) => r?.kind === 'malformed')).toEqual([]);
      expect(requests(rs).map(essentials)).toEqual(reference);
    });

    it(`${file}: detected as ${formatName} and by no other registered format`, () => {
      for (const line of linesOf(file).slice(0, 4)) {
        const env = stripEnvelope(line, 2024);
        const payload = payloadOf(line, env);
        expect(AUDIT_FORMATS.filter((f) => f.signature.test(payload)).map((f) => f.name)).toEqual([formatName]);
        expect(FORMATS.filter((f) => f.signature.test(payload)).map((f) => f.name)).toEqual([]);
      }
    });
  }

  it('loggers: the event type for notifications, the oslo logger for log lines', () => {
    expect(requests(parseFile('notifications.jsonl', 'cadf-json'))[0]?.logger).toBe('audit.http.response');
    expect(requests(parseFile('nova-api-audit.log', 'cadf-oslo'))[0]?.logger).toBe(
      'oslo.messaging.notification.audit.http.response',
    );
    expect(requests(parseFile('keystonemiddleware-audit.log', 'cadf-oslo'))[0]?.logger).toBe(
      'keystonemiddleware.audit',
    );
  });
});

describe('join with samples/nova/nova-api-uwsgi.log', () => {
  const nova = formatByName('nova');
  if (!nova) throw new Error('nova format missing');
  const novaRecords = requests(
    readFileSync(join(SAMPLES, 'nova', 'nova-api-uwsgi.log'), 'utf8')
      .split('\n')
      .map(compileParsers(nova.parsers, ctx)),
  );
  const audit = requests(parseFile('notifications.jsonl', 'cadf-json'));

  it('every audit record has a nova access line with the same request id, path and status, within a second', () => {
    for (const a of audit) {
      const n = novaRecords.find((x) => x.requestId === a.requestId);
      expect(n, a.requestId ?? '').toBeDefined();
      expect(n!.uri).toBe(a.uri);
      expect(n!.status).toBe(a.status);
      if (a.method !== '*') expect(n!.method).toBe(a.method);
      expect(n!.userId).toBe(a.userId);
      expect(n!.projectId).toBe(a.projectId);
      expect(n!.globalRequestId).toBe(a.globalRequestId);
      // Both mark the end of the request; audit sits inside request_log, so it ends first.
      const lag = n!.wallMs! - a.wallMs!;
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(1000);
      // And it started after request_log did: its duration is shorter.
      expect(a.durationMs!).toBeLessThan(n!.durationMs!);
    }
  });

  it('adds what nova does not log: the User-Agent, the user name, the CADF action', () => {
    const byId = new Map(audit.map((a) => [a.requestId, a]));
    expect(byId.get('req-fa616cc1-87fa-45c5-af9d-8b5808895f34')?.userAgent).toBe(OSC_AGENT);
    expect(byId.get('req-5420befb-563b-4826-a1cc-4d5c26b4ab88')).toMatchObject({
      userAgent: NOVACLIENT_AGENT,
      userName: 'bob',
      globalRequestId: 'req-2d4f6a8c-0e1b-4d3c-a5e7-9f1b3d5c7e9a',
    });
    expect(byId.get('req-27e9852f-9e74-4f22-a721-4b8b0b5a01c7')).toMatchObject({
      method: 'PUT',
      auditAction: 'update',
      userAgent: NOVACLIENT_AGENT,
    });
    expect(byId.get('req-4a38ac70-be45-4729-ad98-219f44f10f0a')).toMatchObject({
      uri: '/v2.1/os-services?binary=nova-compute',
      auditAction: 'read/list',
    });
    expect(byId.get('req-80aff773-a7bf-4fcd-aef7-777640bd0c06')).toMatchObject({
      method: 'POST',
      auditAction: 'update/reboot',
      status: 202,
      userAgent: SDK_AGENT,
    });
  });
});

describe('action → method', () => {
  it.each([
    ['read/list', 'GET'],
    ['read', 'GET'],
    ['create', 'POST'],
    ['update', 'PUT'],
    ['update/addFixedIp', 'POST'],
    ['update/reboot', 'POST'],
    ['delete', 'DELETE'],
    ['start/reboot', '*'],
    ['start/startup', '*'],
    ['stop/shutdown', '*'],
    ['enable', '*'],
    ['disable', '*'],
    ['unknown', '*'],
    ['update/', '*'],
    ['read/list/associations', '*'],
  ])('%s → %s', (action, method) => {
    expect(methodForAction(action)).toBe(method);
  });

  it('no action → *', () => {
    expect(methodForAction(null)).toBe('*');
  });
});

describe('target typeURI → service', () => {
  it.each([
    ['service/compute', 'compute'],
    ['service/compute/os-hosts/host/reboot', 'compute'],
    ['service/compute/os-services/None', 'compute'],
    ['service/compute/baremetal/nodes/node', 'baremetal'],
    ['service/storage/block/volumes/volume', 'block-storage'],
    ['service/storage/image/images/image', 'image'],
    ['service/storage/object-store/object-store', 'object-store'],
    ['service/storage/object', 'object-store'],
    ['service/network/ports/port', 'network'],
    ['service/orchestration/stacks', 'orchestration'],
    ['service/security/keymanager/secrets', 'key-manager'],
    ['service/security', 'identity'],
    ['service/load-balancer/loadbalancers', 'load-balancer'],
    ['service/dns/zones', 'dns'],
    ['service/computer', 'computer'],
    ['unknown', null],
    ['data/security/account/user', null],
  ])('%s → %s', (uri, service) => {
    expect(serviceFromTypeUri(uri)).toBe(service);
  });
});

describe('pending (request) events are never records', () => {
  const c = STORY[0]!;
  it.each([
    ['notification', pyJson(notification(c, 'request')), cadfJsonParser],
    ['bare event', JSON.stringify(cadfPayload(c, 'request')), cadfJsonParser],
    ['keystonemiddleware repr', ksmAuditLine(c, 'request'), cadfKsmLogParser],
  ])('%s', (_name, line, parser) => {
    expect(parseWith(parser, line, ctx)).toBeNull();
  });

  it('an audit.http.response whose outcome is still pending is not counted either', () => {
    expect(
      cadfEventToResult(cadfPayload(c, 'request'), {
        parser: 't',
        eventType: 'audit.http.response',
        logger: null,
        host: null,
        context: null,
      }),
    ).toBeNull();
  });
});

describe('JSON array elements (cadfJsonObjectToResult)', () => {
  it('reads a decoded notification, envelope and bare event alike', () => {
    const c = STORY[2]!;
    const n = notification(c, 'response');
    const fromNotification = cadfJsonObjectToResult(n);
    const fromEnvelope = cadfJsonObjectToResult({ 'oslo.version': '2.0', 'oslo.message': JSON.stringify(n) });
    const fromBare = cadfJsonObjectToResult(cadfPayload(c, 'response'));
    for (const r of [fromNotification, fromEnvelope, fromBare]) {
      expect(r).toMatchObject({
        kind: 'request',
        method: 'PUT',
        uri: '/v2.1/os-hosts/cmp-04',
        status: 200,
        requestId: c.requestId,
      });
    }
  });

  it('ignores other notifications and non-objects', () => {
    expect(cadfJsonObjectToResult({ event_type: 'compute.instance.update', payload: {} })).toBeNull();
    expect(cadfJsonObjectToResult([1, 2])).toBeNull();
    expect(cadfJsonObjectToResult('audit.http.response')).toBeNull();
  });

  it('a payload stored as a JSON string is decoded', () => {
    const n = notification(STORY[0]!, 'response');
    expect(cadfJsonObjectToResult({ ...n, payload: JSON.stringify(n.payload) })).toMatchObject({
      kind: 'request',
      status: 404,
    });
  });
});

describe('malformed events', () => {
  const c = STORY[3]!;
  const reasonOf = (r: ParseResult): string =>
    r !== null && r.kind === 'malformed' ? r.reason : `not malformed: ${JSON.stringify(r)}`;
  const withPayload = (patch: Record<string, unknown>): string =>
    pyJson({ ...notification(c, 'response'), payload: { ...cadfPayload(c, 'response'), ...patch } });

  it('valid JSON without requestPath', () => {
    expect(reasonOf(parseWith(cadfJsonParser, withPayload({ requestPath: undefined }), ctx))).toBe(
      'audit.http.response without requestPath',
    );
  });
  it('valid JSON without eventTime', () => {
    expect(reasonOf(parseWith(cadfJsonParser, withPayload({ eventTime: undefined }), ctx))).toBe(
      'audit.http.response without eventTime',
    );
  });
  it('an eventTime that is not a time', () => {
    expect(reasonOf(parseWith(cadfJsonParser, withPayload({ eventTime: 'yesterday' }), ctx))).toBe(
      'audit.http.response eventTime "yesterday" is not an ISO 8601 time',
    );
  });
  it('a payload that is not an object', () => {
    expect(reasonOf(parseWith(cadfJsonParser, pyJson({ ...notification(c, 'response'), payload: 42 }), ctx))).toBe(
      'audit.http.response payload is not an object',
    );
  });
  it('a bare keystonemiddleware event (observer target) without requestPath', () => {
    const { requestPath: _r, ...bare } = cadfPayload(c, 'response');
    expect(reasonOf(parseWith(cadfJsonParser, JSON.stringify(bare), ctx))).toBe('CADF event without requestPath');
  });
  it('invalid JSON', () => {
    expect(reasonOf(parseWith(cadfJsonParser, pyJson(notification(c, 'response')).slice(0, 300), ctx))).toBe(
      'invalid JSON on a CADF audit line',
    );
  });
  it('an envelope whose oslo.message is not JSON', () => {
    expect(
      reasonOf(
        parseWith(
          cadfJsonParser,
          '{"oslo.version": "2.0", "oslo.message": "{\\"event_type\\": \\"audit.http.response\\", "}',
          ctx,
        ),
      ),
    ).toBe('oslo.message of an oslo.messaging envelope is not JSON');
  });
  it('a keystonemiddleware repr line cut short names the column', () => {
    const line = ksmAuditLine(c, 'response').slice(0, -60);
    expect(reasonOf(parseWith(cadfKsmLogParser, line, ctx))).toMatch(
      /^keystonemiddleware\.audit Payload is not a Python dict repr we can read: .* at column \d+$/,
    );
  });
  it('a keystonemiddleware repr line with text after the payload', () => {
    expect(reasonOf(parseWith(cadfKsmLogParser, ksmAuditLine(c, 'response') + " {'x': 1}", ctx))).toMatch(
      /^keystonemiddleware\.audit line: text after the Payload dict/,
    );
  });
  it('a keystonemiddleware repr line without eventTime is malformed like the JSON forms', () => {
    const line = ksmAuditLine(c, 'response').replace(/'eventTime': '[^']*', /, '');
    expect(reasonOf(parseWith(cadfKsmLogParser, line, ctx))).toBe('audit.http.response without eventTime');
  });
  it('a log-driver line whose message is not JSON', () => {
    const line = '2024-05-02 09:20:00.003 3104 INFO oslo.messaging.notification.audit.http.response [-] not json';
    expect(reasonOf(parseWith(cadfOsloNotificationParser, line, ctx))).toBe(
      'oslo.messaging.notification.audit.http.response line whose message is not a JSON notification',
    );
  });
});

describe('lines that only mention an audit logger are not claimed as audit events', () => {
  it('another logger quoting the log-driver logger name', () => {
    const line =
      '2024-05-02 09:00:00.000 3104 DEBUG oslo_config.cfg [-] logger ' +
      'oslo.messaging.notification.audit.http.response = INFO log_opt_values';
    expect(parseWith(cadfOsloNotificationParser, line, ctx)).toBeNull();
  });
  it('an audit.http.request log-driver line is skipped before JSON.parse (even a broken one)', () => {
    const line = '2024-05-02 09:00:00.000 3104 INFO oslo.messaging.notification.audit.http.request [-] {"broken';
    expect(parseWith(cadfOsloNotificationParser, line, ctx)).toBeNull();
  });
});

describe('Python repr reader', () => {
  it('reads nested dicts, lists, tuples and the Python constants', () => {
    expect(
      parsePyLiteral("{'a': {'b': [1, 2.5, -3e2, None, True, False]}, 'c': (1,), 'd': (), 'e': {}, 'f': []}"),
    ).toEqual({
      a: { b: [1, 2.5, -300, null, true, false] },
      c: [1],
      d: [],
      e: {},
      f: [],
    });
  });

  it('reads quotes inside strings both ways repr writes them', () => {
    expect(parsePyLiteral(`{'agent': "d'Artagnan's client", 'q': 'say "hi"', 'both': 'it\\'s "x"'}`)).toEqual({
      agent: "d'Artagnan's client",
      q: 'say "hi"',
      both: `it's "x"`,
    });
  });

  it('reads escapes and Python 2 u/b/r prefixes', () => {
    expect(
      parsePyLiteral(
        "[u'caf\\xe9', u'\\u2603', '\\U0001f600', 'a\\\\b', 'tab\\there', 'nl\\n', b'raw', r'\\d+', '\\q', '\\101']",
      ),
    ).toEqual(['café', '☃', '😀', 'a\\b', 'tab\there', 'nl\n', 'raw', '\\d+', '\\q', 'A']);
  });

  it('reads what pyRepr writes, Python 2 and 3, for a full event', () => {
    const payload = { ...cadfPayload(STORY[1]!, 'response'), odd: 'quote \' and " and \\ and \n and é' };
    expect(parsePyLiteral(pyRepr(payload))).toEqual(payload);
    expect(parsePyLiteral(pyRepr(payload, true))).toEqual(payload);
  });

  it('reads sets as lists, non-string keys as Python prints them, longs, inf and nan', () => {
    expect(parsePyLiteral("{'s': {1, 2}, 1: 'one', None: 'none', True: 't', 'l': 10L, 'i': -inf}")).toEqual({
      s: [1, 2],
      '1': 'one',
      None: 'none',
      True: 't',
      l: 10,
      i: -Infinity,
    });
    expect(Number.isNaN(parsePyLiteral('nan'))).toBe(true);
  });

  it('keeps a __proto__ key as data', () => {
    const v = parsePyLiteral("{'__proto__': {'polluted': True}}") as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('readPyLiteral stops after one value and says where', () => {
    const text = "Context: {'a': 1}, Payload: {'b': 2}";
    const r = readPyLiteral(text, text.indexOf('{'));
    expect(r.value).toEqual({ a: 1 });
    expect(text.slice(r.end)).toBe(", Payload: {'b': 2}");
  });

  it.each([
    ["{'a': <object at 0x7f>}", /unsupported Python value starting `<` at column 7/],
    ["{'a': datetime.datetime(2024, 5, 2)}", /unsupported Python value `datetime` at column 7/],
    ["{'a': 'open}", /unterminated string at column 7/],
    ["{'a': 1, 'b' 2}", /expected ':' after a dict key at column 14/],
    ["{'a': 1", /expected ',' or '}' in a dict at column 8/],
    ["'\\x4'", /bad \\x escape/],
    ["{'a': 1} tail", /unexpected text after the value at column 10/],
    ['['.repeat(100), /nesting deeper than 64/],
  ])('rejects %s', (text, message) => {
    expect(() => parsePyLiteral(text)).toThrow(PyReprError);
    expect(() => parsePyLiteral(text)).toThrow(message);
  });
});

describe('signatures stay apart from the other formats', () => {
  it("no audit signature matches another parser's sample lines", () => {
    for (const p of allParsers().filter((x) => !CADF_PARSERS.includes(x))) {
      for (const s of p.samples) {
        const env = stripEnvelope(s.line, 2024);
        const payload = payloadOf(s.line, env);
        expect(
          AUDIT_FORMATS.filter((f) => f.signature.test(payload)).map((f) => f.name),
          `${p.name}: ${s.line.slice(0, 80)}`,
        ).toEqual([]);
      }
    }
  });

  it("no other format's signature matches the audit parsers' sample lines", () => {
    for (const p of CADF_PARSERS) {
      for (const s of p.samples) {
        const env = stripEnvelope(s.line, 2024);
        const payload = payloadOf(s.line, env);
        expect(
          FORMATS.filter((f) => f.signature.test(payload)).map((f) => f.name),
          `${p.name}: ${s.line.slice(0, 80)}`,
        ).toEqual([]);
      }
    }
  });

  it("other formats' parsers never read an audit response line as a request", () => {
    for (const p of CADF_PARSERS) {
      for (const s of p.samples) {
        if (s.expect?.kind !== 'request') continue;
        for (const f of FORMATS)
          expect(compileParsers(f.parsers, ctx)(s.line)?.kind, `${f.name} on ${p.name} sample`).not.toBe('request');
      }
    }
  });
});
