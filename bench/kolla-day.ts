/**
 * One busy UTC day of kolla-ansible central logging (2025.1: HAProxy, uWSGI and nova-api's oslo
 * lines, as kolla-docs.ts makes them), for the bench's search-server case: ordinary compute
 * traffic, other services' requests through HAProxy, nova's other loggers, and rare os-hosts and
 * os-services calls. The generator counts what the report must say: the calls, and the compute
 * requests as the report totals them (per hour, the layer with most).
 */
import type { FakeDoc } from './fake-search-server.js';
import { kollaDoc, otherHaproxyLine, otherNovaLine, requestLines, type KollaRequest } from './kolla-docs.js';
import { Prng, WeightedPicker } from './prng.js';

export const KOLLA_DAY_GENERATOR_VERSION = 1;
export const KOLLA_DAY = Date.UTC(2024, 4, 2);
const HOUR_MS = 3_600_000;

export interface KollaDayFacts {
  documents: number;
  computeRequests: number;
  /** What the report's inputs.requests must be: per hour, the layer that counted most. */
  reportRequests: number;
  osHostsCalls: number;
  osServicesCalls: number;
  /** JSON bytes of the documents' _source (the MB column). */
  bytes: number;
}

const COMPUTE_PATHS: [string, string, number][] = [
  ['GET', '/v2.1/servers/detail', 35],
  ['GET', '/v2.1/servers/{uuid}', 25],
  ['GET', '/v2.1/flavors/detail', 10],
  ['GET', '/v2.1/limits', 8],
  ['POST', '/v2.1/servers/{uuid}/action', 5],
  ['GET', '/v2.1/os-keypairs', 5],
  ['GET', '/v2.1/os-availability-zone', 3],
  ['POST', '/v2.1/servers', 3],
  ['GET', '/v2.1/os-hypervisors/detail', 2],
];

const OS_HOSTS: [string, string, number][] = [
  ['GET', '/v2.1/os-hosts', 0],
  ['GET', '/v2.1/os-hosts/cmp-{n}', 0],
  ['PUT', '/v2.1/os-hosts/cmp-{n}', 0],
  ['GET', '/v2.1/os-hosts/cmp-{n}/reboot', 501],
];

/** The n-th compute request of the day. */
function kollaRequest(n: number, ms: number, method: string, path: string, status: number): KollaRequest {
  return {
    ms,
    method,
    path,
    status,
    bytes: 500 + (n % 5000),
    durationMs: 20 + (n % 300),
    requestId: `${String(n).padStart(8, '0')}-1c3d-4e5f-8a9b-0c1d2e3f4a5b`,
    userId: '5d7c0a1b2c3d4e5f6a7b8c9d0e1f2a3b',
    projectId: n % 3 === 0 ? '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b' : '9a1e2b3c4d5e6f7a8b9c0d1e2f3a4b5c',
    client: `203.0.113.${n % 250}`,
    userAgent: 'python-novaclient',
    microversion: '2.1',
    controller: n % 2 === 0 ? 'ctl-1' : 'ctl-2',
    controllerIp: '10.0.0.11',
    uwsgiReq: n,
  };
}

/** Requests as a report totals them: per hour, the layer that counted most ("layer\thour" → count). */
function largestLayerPerHour(perLayerHour: ReadonlyMap<string, number>): number {
  const perHour = new Map<string, number>();
  for (const [k, c] of perLayerHour) {
    const hour = k.slice(k.indexOf('\t') + 1);
    perHour.set(hour, Math.max(perHour.get(hour) ?? 0, c));
  }
  return [...perHour.values()].reduce((a, b) => a + b, 0);
}

/** About `target` documents of one day; a call of interest once per `rareEvery` compute requests. */
export function generateKollaDay(
  target: number,
  seed: string,
  rareEvery = 20_000,
): { docs: FakeDoc[]; facts: KollaDayFacts } {
  const rng = new Prng(seed);
  const paths = new WeightedPicker(COMPUTE_PATHS.map(([m, p, w]) => ({ value: [m, p] as const, weight: w })));
  const others = new WeightedPicker(
    (
      [
        ['keystone', 40],
        ['neutron', 30],
        ['glance', 15],
        ['cinder', 15],
      ] as const
    ).map(([value, weight]) => ({ value, weight })),
  );
  const docs: FakeDoc[] = [];
  const perLayerHour = new Map<string, number>();
  const facts: KollaDayFacts = {
    documents: 0,
    computeRequests: 0,
    reportRequests: 0,
    osHostsCalls: 0,
    osServicesCalls: 0,
    bytes: 0,
  };
  const add = (raw: Parameters<typeof kollaDoc>[1], layer: string | null): void => {
    const d = kollaDoc('2025.1', raw)!;
    docs.push(d);
    if (layer) {
      const k = `${layer}\t${Math.floor(Date.parse(String(d._source['@timestamp']).slice(0, 23) + 'Z') / HOUR_MS)}`;
      perLayerHour.set(k, (perLayerHour.get(k) ?? 0) + 1);
    }
  };
  // Requests spread evenly over the day (about 2.7 documents each), never within ten seconds of
  // its end (no line spills into the next day's index): past it, they start again from the top.
  const end = KOLLA_DAY + 86_400_000 - 10_000;
  const step = (end - KOLLA_DAY) / Math.ceil(target / 2.6);
  let n = 0;
  for (let t = KOLLA_DAY + 1000; docs.length < target; t += step) {
    if (t >= end) t = KOLLA_DAY + 1000 + ((t - end) % 997);
    const ms = Math.round(t);
    const roll = rng.float();
    if (roll < 0.25) {
      // Another service's request through HAProxy.
      add(otherHaproxyLine(ms, others.pick(rng)), null);
      continue;
    }
    n++;
    let [method, path] = paths.pick(rng);
    let status = 200;
    if (n % rareEvery === 0) {
      const h = OS_HOSTS[Math.floor(n / rareEvery) % OS_HOSTS.length]!;
      [method, path, status] = [h[0], h[1], h[2] || 200];
      facts.osHostsCalls++;
    } else if (n % rareEvery === Math.floor(rareEvery / 2)) {
      [method, path] = ['GET', '/v2.1/os-services'];
      facts.osServicesCalls++;
    }
    path = path
      .replace('{uuid}', `1d7e2a8c-8c3a-4d5e-9f10-${String(n).padStart(12, '0')}`)
      .replace('{n}', String(n % 40).padStart(2, '0'));
    const id = `${String(n).padStart(8, '0')}-1c3d-4e5f-8a9b-0c1d2e3f4a5b`;
    if (method === 'PUT') add(otherNovaLine(ms - 5, 'hosts', id, 'ctl-1'), null);
    const r = kollaRequest(n, ms, method, path, status);
    const [lb, web, nova] = requestLines('2025.1', r);
    add(lb!, 'lb');
    add(web!, 'web');
    add(nova!, 'nova');
    facts.computeRequests++;
    if (rng.float() < 0.3) add(otherNovaLine(ms + 1, 'debug', id, r.controller), null);
  }
  facts.reportRequests = largestLayerPerHour(perLayerHour);
  facts.documents = docs.length;
  facts.bytes = docs.reduce((b, d) => b + JSON.stringify(d._source).length, 0);
  return { docs, facts };
}
