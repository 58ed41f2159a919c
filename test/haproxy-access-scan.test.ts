/**
 * The in-place scanner of HAProxy httplog lines (parsers/haproxy-access-scan.ts) is a shortcut,
 * not a definition: a line it reads must be a request the line parsers read, with the same
 * fields, the same key (process.ts requestKey) and the same anchor tests (Classifier.mayMatch);
 * anything else it must leave to them. Checked on every HAProxy sample, every real HAProxy line,
 * a generated log and lines built to sit on the edges of the regexes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateHaproxyLog } from '../bench/generate-haproxy.js';
import { compileParsers } from '../parsers/compile.js';
import { FRONTEND_FORMATS } from '../parsers/frontend-formats.js';
import { HTTPLOG_REQUEST, newScannedHttplog } from '../parsers/haproxy-access-scan.js';
import type { ParseContext } from '../parsers/types.js';
import { requestKey } from '../src/ingest/process.js';
import { compileAsciiAnchorRun, compileClassifier, loadPacks, packAnchors } from '../src/rules.js';
import { COMPUTE } from '../src/service.js';
import { REAL_LOGS, tempDir } from './helpers.js';

const haproxy = FRONTEND_FORMATS.find((f) => f.name === 'haproxy')!;
const packs = loadPacks();
const classifier = compileClassifier(packs);
const ctx: ParseContext = { defaultYear: 2024, messageLoggers: classifier.messageLoggers };
const parse = compileParsers(haproxy.parsers, ctx);
const otherNames = [...new Set(packs.filter((p) => p.service !== COMPUTE).flatMap(packAnchors))];
const scan = haproxy.httplogScanner!(classifier.anchorRun(COMPUTE), compileAsciiAnchorRun(otherNames));

/** Scan each line and hold it against the parsers; returns how many the scanner read. */
function check(lines: readonly string[]): { request: number; unsure: number } {
  const out = newScannedHttplog();
  const tally = { request: 0, unsure: 0 };
  for (const line of lines) {
    if (line.length === 0) continue;
    const block = Buffer.from(`x\n${line}\nnext line\n`, 'utf8');
    const start = 2;
    const end = start + Buffer.byteLength(line, 'utf8');
    const code = scan(block, start, end, out);
    if (code !== HTTPLOG_REQUEST) {
      tally.unsure++;
      continue;
    }
    tally.request++;
    const r = parse(line);
    expect(r?.kind, line).toBe('request');
    if (r?.kind !== 'request') continue;
    const text = (s: number, e: number): string | null => (s < 0 ? null : block.toString('latin1', s, e));
    const num = (x: number): number | null => (Number.isNaN(x) ? null : x);
    expect(
      {
        wallMs: out.wallMs,
        host: text(out.hostStart, out.hostEnd),
        client: text(out.clientStart, out.clientEnd),
        frontend: text(out.frontendStart, out.frontendEnd),
        backend: text(out.backendStart, out.backendEnd),
        server: text(out.serverStart, out.serverEnd),
        method: text(out.methodStart, out.methodEnd),
        uri: text(out.uriStart, out.uriEnd),
        status: num(out.status),
        bytes: num(out.bytes),
        durationMs: num(out.durationMs),
        requestId: text(out.requestIdStart, out.requestIdEnd),
      },
      line,
    ).toEqual({
      wallMs: r.wallMs,
      host: r.host,
      client: r.client,
      frontend: r.frontend,
      backend: r.backend,
      server: r.server,
      method: r.method,
      uri: r.uri,
      status: r.status,
      bytes: r.bytes,
      durationMs: r.durationMs,
      requestId: r.requestId,
    });
    expect(out.key, line).toBe(requestKey(r));
    const uri = r.uri!;
    expect(out.computeAnchor || out.percent, line).toBe(classifier.mayMatch(COMPUTE, uri));
    for (const service of classifier.services)
      if (service !== COMPUTE && classifier.mayMatch(service, uri))
        expect(out.otherAnchor || out.percent, line).toBe(true);
  }
  return tally;
}

const SAMPLES = haproxy.parsers.flatMap((p) => p.samples.map((s) => s.line));

describe('HAProxy httplog scanner = the HAProxy line parsers', () => {
  it('every sample line of the HAProxy parsers', () => {
    check(SAMPLES);
  });

  it('a generated HAProxy log: nearly every line is read in place', () => {
    const path = join(tempDir(), 'haproxy.log');
    const facts = generateHaproxyLog({ path, targetBytes: 4 << 20, seed: 'scanner-test' });
    const t = check(readFileSync(path, 'utf8').split('\n'));
    expect(t.request).toBeGreaterThan(facts.httpRequests * 0.95);
  });

  it.skipIf(!existsSync(join(REAL_LOGS, 'lb')))('every line of the real HAProxy logs', () => {
    for (const f of ['haproxy-httplog.log', 'haproxy-doc-examples.log', 'haproxy-mixed-samples.log'])
      check(readFileSync(join(REAL_LOGS, 'lb', f), 'utf8').split('\n'));
  });

  const LINE =
    'Mar 18 00:00:00 lb1 haproxy[2291]: 10.0.0.28:58221 [17/Mar/2024:23:59:56.827] nova_api_front ' +
    'nova_api_back/ctl3 0/0/0/3266/3266 200 312103 - - ---- 11/5/0/0/0 0/0 ' +
    '"GET /v2.1/servers/detail?all_tenants=True&limit=1000 HTTP/1.1"';
  const ID = 'req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71';
  const edges: [string, string][] = [
    ['no host', LINE.replace(' lb1 haproxy', ' haproxy')],
    ['host -', LINE.replace(' lb1 ', ' - ')],
    ['no pid', LINE.replace('haproxy[2291]', 'haproxy')],
    ['a one-digit day', LINE.replace('Mar 18 ', 'Mar  8 ')],
    ['a priority', `<134>${LINE}`],
    ['an IPv6 client', LINE.replace('10.0.0.28:58221', '[2001:db8::1]:58221')],
    ['a client without a port', LINE.replace('10.0.0.28:58221', '10.0.0.28')],
    ['an SSL frontend', LINE.replace('nova_api_front ', 'nova_api_front~ ')],
    ['no server', LINE.replace('nova_api_back/ctl3', 'nova_api_back/<NOSRV>')],
    ['a server with a slash', LINE.replace('nova_api_back/ctl3', 'nova_api_back/ctl3/x')],
    ['timers not reached', LINE.replace('0/0/0/3266/3266', '-1/-1/-1/-1/0')],
    ['Ta with a plus', LINE.replace('0/0/0/3266/3266', '0/0/0/3266/+3266')],
    ['status -1', LINE.replace(' 200 312103 ', ' -1 312103 ')],
    ['status with a leading zero', LINE.replace(' 200 312103 ', ' 0200 312103 ')],
    ['bytes with a plus', LINE.replace(' 200 312103 ', ' 200 +312103 ')],
    ['a request id capture', LINE.replace('0/0 "GET', `0/0 {python-novaclient|${ID}} "GET`)],
    ['two captures', LINE.replace('0/0 "GET', `0/0 {curl/7.1} {${ID}} "GET`)],
    ['a capture with spaces', LINE.replace('0/0 "GET', `0/0 {Mozilla/5.0 (X11; Linux)|${ID}} "GET`)],
    ['a capture with non-ASCII', LINE.replace('0/0 "GET', `0/0 {clïent/1.0|${ID}} "GET`)],
    ['an upper-case request id', LINE.replace('0/0 "GET', `0/0 {${ID.toUpperCase()}} "GET`)],
    ['an empty capture', LINE.replace('0/0 "GET', '0/0 {} "GET')],
    [
      'status -1 with a request id',
      LINE.replace(' 200 312103 ', ' -1 312103 ').replace('0/0 "GET', `0/0 {${ID}} "GET`),
    ],
    ['an os-hosts call', LINE.replace('/v2.1/servers/detail?all_tenants=True&limit=1000', '/v2.1/os-hosts/cmp-01')],
    ['an anchor in the query', LINE.replace('limit=1000', 'x=/os-services')],
    ['a percent-encoded target', LINE.replace('all_tenants=True', 'name=a%20b')],
    ['glance v1 detail', LINE.replace('/v2.1/servers/detail?all_tenants=True&limit=1000', '/v1/images/detail')],
    ['a target with a backslash', LINE.replace('limit=1000', 'limit=\\"1000')],
    ['a target with non-ASCII', LINE.replace('limit=1000', 'name=hôte')],
    ['HTTP/2', LINE.replace('HTTP/1.1', 'HTTP/2.0')],
    ['no protocol', LINE.replace(' HTTP/1.1"', '"')],
    ['a target with a space', LINE.replace('limit=1000', 'limit=10 00')],
    ['trailing fields', `${LINE} ${ID}`],
    ['BADREQ', LINE.replace(/"GET [^"]*"/, '"<BADREQ>"')],
    ['nothing sent', LINE.replace(/"GET [^"]*"/, '""')],
    ['a lower-case method', LINE.replace('"GET ', '"get ')],
    ['a WebDAV method', LINE.replace('"GET ', '"VERSION-CONTROL ')],
    ['a truncated line', LINE.slice(0, LINE.length - 20)],
    ['February 30th', LINE.replace('17/Mar/2024', '30/Feb/2024')],
    ['February 29th of a leap year', LINE.replace('17/Mar/2024', '29/Feb/2024')],
    ['second 60', LINE.replace('23:59:56.827', '23:59:60.827')],
    ['no fraction', LINE.replace('23:59:56.827', '23:59:56')],
    ['a long fraction', LINE.replace('23:59:56.827', '23:59:56.827123')],
    ['an unknown month', LINE.replace('17/Mar/2024', '17/Mxr/2024')],
    ['a tab in the frontend', LINE.replace('nova_api_front ', 'nova_api\tfront ')],
    ['a no-break space in the frontend', LINE.replace('nova_api_front ', 'nova_api\u00a0front ')],
    ['tcplog (no quote)', LINE.replace(/ - - ---- .*$/, ' -- 1/1/1/1/0 0/0')],
    ['a grep -H prefix', `haproxy.log:${LINE}`],
    ['a path-like syslog host', LINE.replace(' lb1 ', ' lb1.log ')],
    ['a kolla frontend name', LINE.replace('nova_api_front nova_api_back', 'nova_api_front_external nova_api_back')],
  ];
  it.each(edges)('edge: %s', (_name, line) => {
    check([line]);
  });

  it('reads the common forms in place (else the shortcut would be dead code)', () => {
    const t = check([LINE, edges[0]![1], edges[7]![1], edges[8]![1], edges[15]![1], edges[16]![1]]);
    expect(t.request).toBe(6);
  });
});
