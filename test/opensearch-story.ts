/**
 * A small kolla-ansible story, as each release logs it: requests through HAProxy, the web server
 * and nova-api over two UTC days (os-hosts list, show, a PUT the hosts controller logs, a reboot
 * refused with 501, os-services, and ordinary calls), with the lines around them (other loggers,
 * a `[-]` line, HAProxy events, a bad request, other services' front ends, cinder's own os-hosts).
 * The same lines make the files and, through kolla's Fluentd (bench/kolla-docs.ts), the documents.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FakeIndex } from '../bench/fake-search-server.js';
import {
  FILE_OF,
  fileLine,
  indexOf,
  kollaDoc,
  otherHaproxyLine,
  otherNovaLine,
  requestLines,
  type KollaRelease,
  type KollaRequest,
  type RawLine,
} from '../bench/kolla-docs.js';

const T = (d: number, h: number, m: number, s: number, ms = 0): number => Date.UTC(2024, 4, d, h, m, s, ms);

let n = 0;
function request(
  ms: number,
  method: string,
  path: string,
  status: number,
  extra: Partial<KollaRequest> = {},
): KollaRequest {
  n++;
  const hex = n.toString(16).padStart(4, '0');
  return {
    ms,
    method,
    path,
    status,
    bytes: 500 + n,
    durationMs: 40 + (n % 7),
    requestId: `5b0e${hex}-1c3d-4e5f-8a9b-0c1d2e3f4a5b`,
    userId: '5d7c0a1b2c3d4e5f6a7b8c9d0e1f2a3b',
    projectId: n % 3 === 0 ? '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b' : '9a1e2b3c4d5e6f7a8b9c0d1e2f3a4b5c',
    client: n % 2 === 0 ? '203.0.113.7' : '198.51.100.23',
    userAgent:
      n % 2 === 0 ? 'python-novaclient' : 'osc-lib/2.8.0 keystoneauth1/5.1.2 python-requests/2.28.1 CPython/3.10.12',
    microversion: '2.1',
    controller: n % 2 === 0 ? 'ctl-1' : 'ctl-2',
    controllerIp: '10.0.0.11',
    uwsgiReq: n,
    ...extra,
  };
}

/** The story's lines, in the order they were written. */
export function storyLines(release: KollaRelease): RawLine[] {
  n = 0;
  const lines: RawLine[] = [];
  const add = (r: KollaRequest): void => void lines.push(...requestLines(release, r));
  add(request(T(2, 9, 15, 1, 337), 'GET', '/v2.1/os-hosts', 200));
  add(request(T(2, 9, 15, 5, 120), 'GET', '/v2.1/servers/detail', 200));
  add(
    request(T(2, 9, 16, 0, 5), 'GET', '/v2.1/os-hosts/cmp-02', 200, {
      globalRequestId: '0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d',
    }),
  );
  lines.push(otherNovaLine(T(2, 9, 16, 30), 'debug', '77aa0000-1c3d-4e5f-8a9b-0c1d2e3f4a5b', 'ctl-1'));
  lines.push(otherNovaLine(T(2, 9, 17, 0, 1), 'hosts', '77aa0001-1c3d-4e5f-8a9b-0c1d2e3f4a5b', 'ctl-1'));
  add(
    request(T(2, 9, 17, 0, 90), 'PUT', '/v2.1/os-hosts/cmp-01', 200, {
      requestId: '77aa0001-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
    }),
  );
  lines.push(otherHaproxyLine(T(2, 9, 20, 0), 'started'));
  lines.push(otherHaproxyLine(T(2, 9, 20, 10), 'badreq'));
  lines.push(otherHaproxyLine(T(2, 9, 21, 0), 'glance'));
  lines.push(otherHaproxyLine(T(2, 9, 22, 0), 'cinder-os-hosts'));
  lines.push(otherHaproxyLine(T(2, 9, 23, 0), 'servers-detail'));
  lines.push(otherNovaLine(T(2, 10, 5, 0), 'dash', '', 'ctl-2'));
  lines.push(otherNovaLine(T(2, 10, 6, 0), 'error', '88bb0000-1c3d-4e5f-8a9b-0c1d2e3f4a5b', 'ctl-2'));
  add(request(T(2, 10, 30, 0), 'GET', '/v2.1/os-services', 200));
  add(request(T(2, 10, 31, 0), 'GET', '/v2.1/flavors/detail', 200));
  add(request(T(2, 23, 40, 0), 'GET', '/v2.1/os-hosts/cmp-01/reboot', 501));
  // The next UTC day (another kolla index).
  add(request(T(3, 0, 20, 0), 'GET', '/v2.1/os-hosts', 200, { microversion: '2.79', status: 404 }));
  add(request(T(3, 1, 10, 0), 'GET', '/v2.1/servers/detail', 200));
  add(request(T(3, 1, 12, 0), 'GET', '/v2.1/os-hosts.json', 200));
  add(request(T(3, 2, 0, 30), 'DELETE', '/v2.1/servers/1d7e2a8c-8c3a-4d5e-9f10-2b3c4d5e6f70', 204));
  return lines;
}

/** The story written as kolla's files under `dir`; their paths. */
export function writeStoryFiles(dir: string, lines: readonly RawLine[]): string[] {
  const byFile = new Map<string, string[]>();
  for (const l of lines) {
    const f = join(dir, FILE_OF[l.program]);
    byFile.set(f, [...(byFile.get(f) ?? []), fileLine(l)]);
  }
  for (const [f, ls] of byFile) {
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, ls.join('\n') + '\n');
  }
  return [...byFile.keys()];
}

/** The story as kolla's daily indices. */
export function storyIndices(release: KollaRelease, lines: readonly RawLine[]): FakeIndex[] {
  const byIndex = new Map<string, FakeIndex>();
  for (const l of lines) {
    const doc = kollaDoc(release, l);
    if (!doc) throw new Error(`kolla's regex does not take ${l.line}`);
    const name = indexOf(Date.parse(String(doc._source['@timestamp']).slice(0, 23) + 'Z'));
    let i = byIndex.get(name);
    if (!i) byIndex.set(name, (i = { name, docs: [] }));
    i.docs.push(doc);
  }
  return [...byIndex.values()];
}
