/**
 * Generated nova-api logs for the unattended-ingestion tests: realistic
 * `nova.api.openstack.requestlog` lines (uwsgi/mod_wsgi, Pike+), os-hosts and
 * os-services calls among ordinary ones, the hosts controller's INFO line
 * before a PUT, unauthenticated `[-]` lines (no request id: keyed by their
 * fields), and DEBUG noise. Seeded: the same seed writes the same bytes.
 */

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USERS = [
  ['5f4e3d2c1b0a49f8e7d6c5b4a3f2e1d0', '4a3b2c1d0e9f4a8b7c6d5e4f3a2b1c0d'],
  ['3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a', '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b'],
  ['9b8a7c6d5e4f4a3b2c1d0e9f8a7b6c5d', '6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b'],
  ['7e6d5c4b3a2f4e1d0c9b8a7f6e5d4c3b', '0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a'],
] as const;
const CLIENTS = ['10.0.0.5', '10.0.1.12', '10.0.1.13', '198.51.100.23'] as const;
const HOSTS = ['cmp-01', 'cmp-02', 'cmp-03', 'cmp-04.example.org'] as const;
const ORDINARY = [
  ['GET', '/v2.1/servers/detail', 200, 1893],
  ['GET', '/v2.1/flavors/detail', 200, 2212],
  ['POST', '/v2.1/servers', 202, 431],
  ['GET', '/v2.1/os-keypairs', 200, 301],
  ['GET', '/v2.1/limits', 200, 433],
  ['GET', '/v2.1/os-hypervisors/detail', 200, 5120],
  ['DELETE', '/v2.1/servers/9c8b7a6f-5e4d-4c3b-8a1f-0e9d8c7b6a5f', 204, 0],
] as const;

export interface NovaLogGenerator {
  /** The next `n` requests as whole lines, each ending in '\n' (a request may take two lines: INFO + access). */
  next(n: number): string;
  /** Requests generated so far (every access line, including `[-]` ones). */
  readonly requests: number;
  /** os-hosts calls generated so far. */
  readonly osHosts: number;
}

/**
 * Lines from 2024-05-02 09:00 UTC on, 0.05–40 s apart, so a few thousand
 * requests span several hours. `interest`: the share of os-hosts and
 * os-services calls (60:40) among the requests.
 */
export function novaLogGenerator(
  seed: number,
  interest = 0.2,
  startMs = Date.UTC(2024, 4, 2, 9, 0, 0),
): NovaLogGenerator {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  let t = startMs;
  let requests = 0;
  let osHosts = 0;
  const stamp = (): string => new Date(t).toISOString().replace('T', ' ').replace('Z', '');
  const pid = (): number => 3104 + Math.floor(r() * 3);

  const one = (): string => {
    t += 50 + Math.floor(r() * 40_000);
    requests++;
    const [user, project] = pick(USERS);
    const ctx = `[None req-${uuid()} ${user} ${project} - - default default]`;
    const access = (method: string, path: string, status: number, len: number, mv: string): string =>
      `${stamp()} ${pid()} INFO nova.api.openstack.requestlog ${ctx} ${pick(CLIENTS)} "${method} ${path}" status: ` +
      `${status} len: ${len} microversion: ${mv} time: ${(0.001 + r() * 0.4).toFixed(6)}\n`;
    const x = r();
    if (x < interest * 0.6) {
      osHosts++;
      const host = pick(HOSTS);
      const y = r();
      if (y < 0.4) return access('GET', '/v2.1/os-hosts', 200, 532, '2.1');
      if (y < 0.6) return access('GET', `/v2.1/os-hosts/${host}`, pick([200, 200, 404]), 610, '2.1');
      if (y < 0.75) return access('GET', `/v2.1/os-hosts/${host}/reboot`, 501, 289, '2.1');
      if (y < 0.82) return access('GET', `/v2.1/${project}/os-hosts/${host}/startup`, 501, 289, '2.1');
      // PUT: the hosts controller says what it did, with the same request id, just before the access line.
      const [msg] = pick([
        [`Enabling host ${host}.`],
        [`Disabling host ${host}.`],
        [`Putting host ${host} in maintenance mode True.`],
      ] as const);
      const info = `${stamp()} ${pid()} INFO nova.api.openstack.compute.hosts ${ctx} ${msg}\n`;
      t += 30;
      return info + access('PUT', `/v2.1/os-hosts/${host}`, 200, 64, '2.1');
    }
    if (x < interest * 0.9) return access('GET', '/v2.1/os-services?binary=nova-compute', 200, 1204, '2.53');
    if (x < interest) return access('PUT', `/v2.1/os-services/${uuid()}`, 200, 410, '2.53');
    if (x < interest + 0.04) {
      // Unauthenticated: no request id, keyed by its fields.
      return (
        `${stamp()} ${pid()} INFO nova.api.openstack.requestlog [-] ${pick(CLIENTS)} "GET /v2.1/servers/detail" ` +
        `status: 401 len: 114 microversion: - time: ${(0.001 + r() * 0.01).toFixed(6)}\n`
      );
    }
    const [method, path, status, len] = pick(ORDINARY);
    let out = '';
    if (r() < 0.3) {
      out +=
        `${stamp()} ${pid()} DEBUG nova.api.openstack.wsgi ${ctx} Calling method '<bound method ` +
        'ServersController.detail of <nova.api.openstack.compute.servers.ServersController object at ' +
        `0x7f3a2c1d4e50>>' _process_stack /usr/lib/python3/dist-packages/nova/api/openstack/wsgi.py:513\n`;
      t += 20;
    }
    return out + access(method, path, status, len, pick(['2.1', '2.79', '2.90']));
  };

  return {
    next(n) {
      let s = '';
      for (let i = 0; i < n; i++) s += one();
      return s;
    },
    get requests() {
      return requests;
    },
    get osHosts() {
      return osHosts;
    },
  };
}

/**
 * An Apache `combined` access log in front of nova-api (no request id, second
 * precision): `n` requests, with bursts of identical lines in one second (a
 * script polling os-hosts), which only their occurrence number tells apart.
 */
export function apacheAccessLog(
  seed: number,
  n: number,
  interest = 0.2,
  startMs = Date.UTC(2024, 4, 2, 9, 0, 0),
): string {
  const r = rng(seed);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const stamp = (ms: number): string => {
    const d = new Date(ms);
    const p = (x: number): string => String(x).padStart(2, '0');
    return (
      `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:` +
      `${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
    );
  };
  const agents = [
    'python-novaclient/18.1.0 keystoneauth1/5.1.2 python-requests/2.28.1 CPython 3.11.2',
    'openstacksdk/1.0.1 keystoneauth1/5.1.1 python-requests/2.28.1 CPython 3.11.2',
    'Go-http-client/1.1',
  ];
  let t = startMs;
  let out = '';
  for (let i = 0; i < n;) {
    t += 1000 * (1 + Math.floor(r() * 20));
    const client = `203.0.113.${1 + Math.floor(r() * 40)}`;
    const agent = agents[Math.floor(r() * agents.length)]!;
    const x = r();
    const [method, path, status, len] =
      x < interest * 0.45
        ? ['GET', '/v2.1/os-hosts', 200, 532]
        : x < interest * 0.6
          ? ['GET', '/v2.1/os-hosts/cmp-02', 200, 610]
          : x < interest
            ? ['GET', '/v2.1/os-services', 200, 1204]
            : ['GET', '/v2.1/servers/detail', 200, 1893];
    // A script polling: the same request two to four times in one second.
    const burst = r() < 0.3 ? 2 + Math.floor(r() * 3) : 1;
    for (let k = 0; k < burst && i < n; k++, i++)
      out += `${client} - - [${stamp(t)}] "${method} ${path} HTTP/1.1" ${status} ${len} "-" "${agent}"\n`;
  }
  return out;
}
