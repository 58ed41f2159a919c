/**
 * The in-place scanner of nova access lines (parsers/nova-access-scan.ts) is a
 * shortcut, not a definition: whatever it reads in full must be exactly what
 * the line parsers read (the same record, so the same key, hour and stored
 * call), a line it calls "not a request" must be one the
 * parsers give null for, and anything else it must leave to them (UNSURE).
 * Checked on every nova sample, every real nova log line, a generated log and
 * lines built to sit on the edges of the regexes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateNovaLog } from '../bench/generate-nova.js';
import { compileParsers } from '../parsers/compile.js';
import { newScannedAccess, SCAN_NOT_REQUEST, SCAN_REQUEST, scannedRecord } from '../parsers/nova-access-scan.js';
import { NOVA_FORMATS } from '../parsers/nova-formats.js';
import type { ParseContext } from '../parsers/types.js';
import { hash52 } from '../src/keys.js';
import { loadPacks, compileClassifier } from '../src/rules.js';
import { COMPUTE } from '../src/service.js';
import { REAL_LOGS, tempDir } from './helpers.js';

const nova = NOVA_FORMATS.find((f) => f.name === 'nova')!;
const classifier = compileClassifier(loadPacks());
const ctx: ParseContext = { defaultYear: 2024, messageLoggers: classifier.messageLoggers };
const parse = compileParsers(nova.parsers, ctx);

interface Tally {
  request: number;
  notRequest: number;
  unsure: number;
}

/** Scan each line and hold it against the parsers; returns how the scanner answered. */
function check(lines: readonly string[]): Tally {
  const scan = nova.scanner!({ ...ctx, anchorRun: classifier.anchorRun(COMPUTE), warm: true });
  const out = newScannedAccess();
  const tally: Tally = { request: 0, notRequest: 0, unsure: 0 };
  for (const line of lines) {
    if (line.length === 0) continue;
    // The line inside a block, as ingest hands it over: bytes before and after it.
    const block = Buffer.from(`x\n${line}\nnext line\n`, 'utf8');
    const start = 2;
    const end = start + Buffer.byteLength(line, 'utf8');
    const code = scan(block, start, end, out);
    const r = parse(line);
    if (code === SCAN_NOT_REQUEST) {
      tally.notRequest++;
      expect(r, line).toBeNull();
    } else if (code === SCAN_REQUEST) {
      tally.request++;
      expect(r?.kind, line).toBe('request');
      if (r?.kind !== 'request') continue;
      const text = (s: number, e: number): string => block.toString('latin1', s, e);
      expect(
        {
          requestId: text(out.reqStart, out.reqEnd),
          method: text(out.methodStart, out.methodEnd),
          uri: text(out.uriStart, out.uriEnd),
          status: Number(text(out.statusStart, out.statusStart + 3)),
          wallMs: out.wallMs,
        },
        line,
      ).toEqual({ requestId: r.requestId, method: r.method, uri: r.uri, status: r.status, wallMs: r.wallMs });
      expect(out.mayMatch, line).toBe(classifier.mayMatch(COMPUTE, r.uri));
      expect(out.key, line).toBe(hash52(`${r.requestId} ${r.method} ${r.uri} ${r.status}`));
      // The whole record, as calls of interest store it.
      expect(scannedRecord(block, out), line).toEqual(r);
    } else tally.unsure++;
  }
  return tally;
}

const NOVA_SAMPLES = nova.parsers.flatMap((p) => p.samples.map((s) => s.line));

describe('nova access-line scanner = the nova line parsers', () => {
  it('every sample line of the nova parsers', () => {
    const t = check(NOVA_SAMPLES);
    expect(t.request).toBeGreaterThan(5);
    expect(t.notRequest).toBeGreaterThan(0);
  });

  it.each([false, true])(
    'a generated nova-api log (eventlet era first: %s): most access lines are read in place',
    (eventletFirst) => {
      const path = join(tempDir(), 'nova-api.log');
      const facts = generateNovaLog({ path, targetBytes: 6 << 20, seed: 'scanner-test', eventletFirst });
      expect(facts.eventletDays.length > 0).toBe(eventletFirst);
      const t = check(readFileSync(path, 'utf8').split('\n'));
      // Calls of interest and id-less lines go to the parsers; the rest is read in place.
      expect(t.request).toBeGreaterThan(facts.computeRequests * 0.8);
      expect(t.notRequest).toBeGreaterThan(0);
    },
  );

  it.skipIf(!existsSync(join(REAL_LOGS, 'nova')))('every line of the real nova logs', () => {
    const dir = join(REAL_LOGS, 'nova');
    const lines = [
      ...readFileSync(join(dir, 'icehouse-lab-nova-api.log'), 'utf8').split('\n'),
      ...gunzipSync(readFileSync(join(dir, 'devstack-havana-screen-n-api.txt.gz')))
        .toString('utf8')
        .split('\n'),
    ];
    const t = check(lines);
    expect(t.request).toBeGreaterThan(4000);
  });

  const ACCESS =
    '2024-05-02 09:15:01.337 2211 INFO nova.api.openstack.requestlog ' +
    '[None req-5b0e3a1c-7d2f-4e8a-9b6c-1d2e3f4a5b6c 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f ' +
    '9a1e2b3c4d5e4f60718293a4b5c6d7e8 - - default default] 10.0.0.5 ' +
    '"GET /v2.1/servers/detail" status: 200 len: 532 microversion: 2.90 time: 0.045678';
  const EVENTLET =
    '2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server ' +
    '[req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 ' +
    '54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 ' +
    '"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829';
  const edges: [string, string][] = [
    ['global request id first', ACCESS.replace('[None req-5b0e', '[req-0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d req-5b0e')],
    ['two spaces before the request id', ACCESS.replace('None req-', 'None  req-')],
    [
      'two spaces between two request ids',
      ACCESS.replace('[None req-5b0e', '[req-0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d  req-5b0e'),
    ],
    ['a lone request id', ACCESS.replace(/\[None (req-[^ ]+) [^\]]*\]/, '[$1]')],
    ['`req-` alone', ACCESS.replace(/\[None [^\]]*\]/, '[req-]')],
    ['`None` alone', ACCESS.replace(/\[None [^\]]*\]/, '[None ]')],
    ['no bracket', ACCESS.replace(/ \[None [^\]]*\]/, '')],
    ['no request id', ACCESS.replace(/\[None [^\]]*\]/, '[-]')],
    ['an unknown level', ACCESS.replace(' INFO ', ' NOTICE ')],
    ['a tab after the logger', ACCESS.replace('requestlog [', 'requestlog\t[')],
    ['a no-break space after the logger', ACCESS.replace('requestlog [', 'requestlog\u00a0[')],
    [
      'the eventlet logger in the client field',
      ACCESS.replace('] 10.0.0.5 "', '] 10.0.0.5 nova.osapi_compute.wsgi.server 10.0.0.6 "'),
    ],
    [
      'the eventlet logger as the microversion',
      ACCESS.replace('microversion: 2.90', 'microversion: nova.osapi_compute.wsgi.server'),
    ],
    [
      'the eventlet logger in the bracket',
      ACCESS.replace('default default]', 'default nova.osapi_compute.wsgi.server ]'),
    ],
    ['a quote inside the client', ACCESS.replace('] 10.0.0.5 "', '] 10.0"0.5 "')],
    ['a target with a space', ACCESS.replace('/v2.1/servers/detail', '/v2.1/servers /detail')],
    ['a target with a quote', ACCESS.replace('/v2.1/servers/detail', '/v2.1/servers"/detail')],
    ['a non-ASCII target', ACCESS.replace('/v2.1/servers/detail', '/v2.1/os-hosts/hôte')],
    ['a non-ASCII request id', ACCESS.replace('req-5b0e', 'req-5bé')],
    ['a percent-encoded target', ACCESS.replace('/v2.1/servers/detail', '/v2.1/os-hosts/cmp%2D01')],
    ['an anchor in the query', ACCESS.replace('/v2.1/servers/detail', '/v2.1/servers?x=/os-services')],
    ['an anchor with .json', ACCESS.replace('/v2.1/servers/detail', '/v2.1/os-services.json')],
    ['a status with a leading zero', ACCESS.replace('status: 200', 'status: 020')],
    ['a four-digit status', ACCESS.replace('status: 200', 'status: 2000')],
    ['len None', ACCESS.replace('len: 532', 'len: None')],
    ['len - (request_log does not write it)', ACCESS.replace('len: 532', 'len: -')],
    ['trailing spaces', `${ACCESS}  `],
    ['a time without a fraction', ACCESS.replace('time: 0.045678', 'time: 1')],
    ['a comma before the fraction', ACCESS.replace('01.337 ', '01,337 ')],
    ['one fraction digit', ACCESS.replace('01.337 ', '01.3 ')],
    ['ten fraction digits', ACCESS.replace('01.337 ', '01.3370000000 ')],
    ['no pid', ACCESS.replace('.337 2211 INFO', '.337 INFO')],
    ['February 30th', ACCESS.replace('2024-05-02', '2024-02-30')],
    ['month 13', ACCESS.replace('2024-05-02', '2024-13-02')],
    ['second 60', ACCESS.replace('09:15:01', '09:15:60')],
    ['a short-iso envelope', `2024-05-02T09:15:01+0200 ctl1 nova-api[1]: ${ACCESS}`],
    ['a grep -H prefix', `/var/log/nova/nova-api.log:${ACCESS}`],
    ['eventlet HTTP/2', EVENTLET.replace('HTTP/1.1', 'HTTP/2')],
    ['eventlet without protocol', EVENTLET.replace(' HTTP/1.1"', '"')],
    ['eventlet HTTP/ without a version', EVENTLET.replace('HTTP/1.1', 'HTTP/')],
    ['eventlet len -', EVENTLET.replace('len: 1893', 'len: -')],
    ['eventlet with a microversion field', EVENTLET.replace('len: 1893', 'len: 1893 microversion: 2.1')],
    ['request_log with a protocol', ACCESS.replace('/servers/detail"', '/servers/detail HTTP/1.1"')],
    ['a metadata API line', EVENTLET.replace('nova.osapi_compute.wsgi.server', 'nova.metadata.wsgi.server')],
    [
      'a hosts controller message',
      '2024-05-02 09:15:09.001 2211 INFO nova.api.openstack.compute.hosts ' +
        '[None req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f ' +
        '9a1e2b3c4d5e4f60718293a4b5c6d7e8 - - default default] Putting host cmp-02 in maintenance mode True.',
    ],
    [
      'another logger quoting an access line',
      '2024-05-02 09:15:01.337 2211 DEBUG nova.api.openstack.wsgi [-] ' +
        ACCESS.slice(ACCESS.indexOf('nova.api.openstack.requestlog')),
    ],
    ['a cut line', ACCESS.slice(0, ACCESS.indexOf(' len:'))],
    ['an X-Forwarded-For chain as the client', ACCESS.replace('] 10.0.0.5 "', '] 203.0.113.7, 10.0.0.2 "')],
    ['a client that is a name with non-ASCII', ACCESS.replace('] 10.0.0.5 "', '] hôte-ü "')],
    ['devstack names in the bracket', ACCESS.replace(/\[None (req-[^ ]+) [^\]]*\]/, '[None $1 démo alice]')],
    [
      'a 3-token Icehouse bracket',
      EVENTLET.replace(
        /\[(req-[^ ]+) [^\]]*\]/,
        '[$1 0a1b2c3d4e5f40718293a4b5c6d7e8f9 f9e8d7c6b5a4493827161f0e0d0c0b0a]',
      ),
    ],
    [
      'a system-scoped context',
      ACCESS.replace(/\[None (req-[^ ]+) [^\]]*\]/, '[None $1 5d7c0e1f2a3b4c5d6e7f8a9b0c1d2e3f - - all default -]'),
    ],
    ['microversion -', ACCESS.replace('microversion: 2.90', 'microversion: -')],
    ['an os-hosts call', ACCESS.replace('/v2.1/servers/detail', '/v2.1/os-hosts/cmp-01')],
    ['an eventlet os-hosts call', EVENTLET.replace('/servers/detail', '/os-hosts/cmp-01/reboot')],
    [
      'the eventlet logger first in the client field',
      ACCESS.replace('] 10.0.0.5 "', '] nova.osapi_compute.wsgi.server 10.0.0.6 "'),
    ],
    [
      'the eventlet logger last in the client field',
      ACCESS.replace('] 10.0.0.5 "', '] 10.0.0.6 nova.osapi_compute.wsgi.server "'),
    ],
    [
      'the eventlet logger without spaces around in the client field',
      ACCESS.replace('] 10.0.0.5 "', '] 10.0.0.6,nova.osapi_compute.wsgi.server "'),
    ],
  ];
  it.each(edges)('edge: %s', (_name, line) => {
    check([line]);
  });

  it('reads the common forms in place (else the shortcut would be dead code)', () => {
    const t = check([ACCESS, EVENTLET, edges[0]![1], edges[3]![1], edges[37]![1], edges[38]![1]]);
    expect(t.request).toBe(6);
  });
});
