/**
 * A deterministic HAProxy log of a given size: `option httplog` (1.7+) lines
 * behind an RFC 3164 syslog prefix, for the frontends of a kolla-style
 * control plane (formats: /work/shared/reference/lb-logs.md §1), one line each (wrapped here):
 *
 *   Mar 22 15:16:23 lb1 haproxy[2291]: 10.0.0.15:51044 [22/Mar/2024:15:16:23.412] nova_api_front
 *     nova_api_back/ctl2 0/0/1/57/58 200 1207 - - ---- 12/3/0/0/0 0/0 "GET /v2.1/os-hosts HTTP/1.1"
 *
 * - six frontends (nova, cinder, glance, keystone, neutron, placement); only
 *   nova_api_front is the compute API;
 * - from the second day on, nova_api_front and cinder_api_front capture the
 *   User-Agent and X-Openstack-Request-Id (`{python-novaclient} {req-…}`);
 * - a reload each day (Stopping/stopped/started lines, new pid) and a few
 *   server DOWN/UP events, which carry no request;
 * - rare os-hosts calls on nova (about 1 in 200,000 compute requests) and
 *   cinder's own `/v3/<project>/os-hosts`, which is not compute and must not
 *   be counted.
 * The syslog time is when the line was logged (the end of the request); the
 * bracket is the request's start, so brackets are not strictly ordered.
 */
import {
  ChunkWriter,
  closeGenerated,
  fixedPath,
  pathWithId,
  progressTicker,
  type GenerateOptions,
  type PathWriter,
} from './chunk-writer.js';
import { Prng, WeightedPicker } from './prng.js';
import { DAY_MS, dayOf, TimestampWriter } from './timestamps.js';

/** Bump when the bytes written for a given seed and size change. */
export const HAPROXY_GENERATOR_VERSION = 1;

const NOVA_OS_HOSTS_EVERY = 200_000;
const CINDER_OS_HOSTS_EVERY = 50_000;
/** 2024-03-18T00:00:00Z (local time of the load balancer is UTC). */
const START_MS = Date.UTC(2024, 2, 18);
/** Mean time between lines: about 17 requests a second over all services, so a gigabyte covers a few days. */
const MEAN_GAP_MS = 60;
/** Reload at 03:00 each day. */
const RELOAD_AT_MS = 3 * 3_600_000;

export interface HaproxyLogFacts {
  bytes: number;
  sha256: string;
  lines: number;
  /** httplog request lines of every frontend. */
  httpRequests: number;
  /** httplog lines of nova_api_front: apicensus's `inputs.requests`. */
  computeRequests: number;
  /** nova os-hosts calls: apicensus's os-hosts `calls`. */
  osHostsCalls: number;
  osHostsByAction: Record<string, number>;
  /** cinder's /v3/<project>/os-hosts lines: not compute, must not be counted. */
  cinderOsHostsLines: number;
  /** Lines containing the text "os-hosts": what `grep -c os-hosts` must print. */
  osHostsLines: number;
  /** nova os-services calls. */
  osServicesCalls: number;
  /** Lines with `{UA} {request id}` captures. */
  capturedLines: number;
  /** Reload and server state lines (no request). */
  eventLines: number;
  requestsByFrontend: Record<string, number>;
  firstTime: string;
  lastTime: string;
  days: number;
}

interface Route {
  method: string;
  path: PathWriter;
  status: WeightedPicker<number>;
  /** Response bytes (headers included) for a 2xx. */
  bytes: readonly [number, number];
  /** Server response time Tr, ms. */
  ms: readonly [number, number];
  osServices?: boolean;
}

interface Frontend {
  name: string;
  backend: string;
  routes: WeightedPicker<Route>;
  compute: boolean;
  /** Captures User-Agent and the response's X-Openstack-Request-Id from the second day on. */
  captures: boolean;
}

const statuses = (pairs: readonly (readonly [number, number])[]): WeightedPicker<number> =>
  new WeightedPicker(pairs.map(([value, weight]) => ({ value, weight })));
const OK = statuses([
  [200, 994],
  [404, 3],
  [500, 1],
  [503, 2],
]);
const SHOW = statuses([
  [200, 960],
  [404, 36],
  [500, 2],
  [503, 2],
]);
const CREATED = statuses([
  [201, 985],
  [401, 12],
  [500, 1],
  [503, 2],
]);
const ACCEPTED = statuses([
  [202, 940],
  [409, 45],
  [400, 13],
  [500, 2],
]);
const NO_CONTENT = statuses([
  [204, 965],
  [404, 33],
  [500, 2],
]);

const SERVERS = ['ctl1', 'ctl2', 'ctl3'];
const USER_AGENTS = new WeightedPicker(
  (
    [
      ['python-novaclient', 35],
      ['openstacksdk/1.0.1 keystoneauth1/5.1.2 python-requests/2.31.0 CPython/3.10.12', 40],
      ['gophercloud/v1.7.0', 15],
      ['nova-scheduler keystoneauth1/5.1.2 python-requests/2.31.0 CPython/3.10.12', 10],
    ] as const
  ).map(([value, weight]) => ({ value, weight })),
);
const OS_HOSTS_ACTIONS = new WeightedPicker(
  (
    [
      ['list', 30],
      ['show', 25],
      ['update', 25],
      ['reboot', 10],
      ['startup', 10],
    ] as const
  ).map(([value, weight]) => ({ value, weight })),
);

/** The pools of ids the routes pick from, fixed by the seed. */
interface Pools {
  projects: readonly string[];
  users: readonly string[];
  instances: readonly string[];
  volumes: readonly string[];
  images: readonly string[];
  providers: readonly string[];
  networks: readonly string[];
}

type WeightedFrontend = { weight: number; value: Frontend };

const routes = (list: [number, Route][]): WeightedPicker<Route> =>
  new WeightedPicker(list.map(([weight, value]) => ({ weight, value })));

/** keystone: tokens, users, projects, the catalog. */
function keystoneFrontend(p: Pools): WeightedFrontend {
  const { users } = p;
  return {
    weight: 30,
    value: {
      name: 'keystone_internal_front',
      backend: 'keystone_internal_back',
      compute: false,
      captures: false,
      routes: routes([
        [
          45,
          {
            method: 'POST',
            path: fixedPath('/v3/auth/tokens'),
            status: CREATED,
            bytes: [6000, 14_000],
            ms: [40, 400],
          },
        ],
        [35, { method: 'GET', path: fixedPath('/v3/auth/tokens'), status: OK, bytes: [5000, 12_000], ms: [5, 60] }],
        [
          8,
          {
            method: 'GET',
            path: fixedPath('/v3/auth/tokens?nocatalog'),
            status: OK,
            bytes: [900, 1600],
            ms: [5, 40],
          },
        ],
        [5, { method: 'GET', path: fixedPath('/v3'), status: OK, bytes: [500, 520], ms: [1, 5] }],
        [
          4,
          {
            method: 'GET',
            path: pathWithId('/v3/users/', users, '/projects'),
            status: OK,
            bytes: [600, 3000],
            ms: [10, 80],
          },
        ],
        [
          3,
          {
            method: 'GET',
            path: fixedPath('/v3/projects?domain_id=default'),
            status: OK,
            bytes: [2000, 9000],
            ms: [10, 90],
          },
        ],
      ]),
    },
  };
}

/** nova-api: the compute API (with the User-Agent and request id captured). */
function novaFrontend(p: Pools): WeightedFrontend {
  const { instances } = p;
  return {
    weight: 22,
    value: {
      name: 'nova_api_front',
      backend: 'nova_api_back',
      compute: true,
      captures: true,
      routes: routes([...novaServerRoutes(instances), ...novaOtherRoutes()]),
    },
  };
}

/** nova's server routes. */
function novaServerRoutes(instances: readonly string[]): [number, Route][] {
  return [
    [
      220,
      {
        method: 'GET',
        path: fixedPath('/v2.1/servers/detail'),
        status: OK,
        bytes: [1800, 60_000],
        ms: [60, 900],
      },
    ],
    [
      40,
      {
        method: 'GET',
        path: fixedPath('/v2.1/servers/detail?all_tenants=True&limit=1000'),
        status: OK,
        bytes: [20_000, 400_000],
        ms: [300, 4000],
      },
    ],
    [
      140,
      {
        method: 'GET',
        path: pathWithId('/v2.1/servers/', instances),
        status: SHOW,
        bytes: [1700, 4500],
        ms: [30, 260],
      },
    ],
    [
      25,
      {
        method: 'POST',
        path: fixedPath('/v2.1/servers'),
        status: statuses([
          [202, 980],
          [400, 15],
          [503, 5],
        ]),
        bytes: [600, 1000],
        ms: [400, 2500],
      },
    ],
    [
      20,
      {
        method: 'DELETE',
        path: pathWithId('/v2.1/servers/', instances),
        status: NO_CONTENT,
        bytes: [250, 320],
        ms: [80, 600],
      },
    ],
    [
      45,
      {
        method: 'POST',
        path: pathWithId('/v2.1/servers/', instances, '/action'),
        status: ACCEPTED,
        bytes: [250, 320],
        ms: [60, 900],
      },
    ],
    [
      25,
      {
        method: 'GET',
        path: pathWithId('/v2.1/servers/', instances, '/os-interface'),
        status: SHOW,
        bytes: [600, 1500],
        ms: [80, 500],
      },
    ],
  ];
}

/** nova's other routes: flavors, limits, hypervisors, services, zones, keypairs, images, versions. */
function novaOtherRoutes(): [number, Route][] {
  return [
    [70, { method: 'GET', path: fixedPath('/v2.1/flavors/detail'), status: OK, bytes: [2300, 9300], ms: [20, 120] }],
    [50, { method: 'GET', path: fixedPath('/v2.1/limits'), status: OK, bytes: [700, 820], ms: [20, 160] }],
    [
      30,
      {
        method: 'GET',
        path: fixedPath('/v2.1/os-hypervisors/detail'),
        status: OK,
        bytes: [1800, 40_000],
        ms: [40, 400],
      },
    ],
    [
      25,
      {
        method: 'GET',
        path: fixedPath('/v2.1/os-services?binary=nova-compute'),
        status: OK,
        bytes: [1100, 12_000],
        ms: [20, 150],
        osServices: true,
      },
    ],
    [
      25,
      {
        method: 'GET',
        path: fixedPath('/v2.1/os-availability-zone/detail'),
        status: OK,
        bytes: [600, 2700],
        ms: [20, 200],
      },
    ],
    [30, { method: 'GET', path: fixedPath('/v2.1/os-keypairs'), status: OK, bytes: [340, 4300], ms: [10, 80] }],
    [15, { method: 'GET', path: fixedPath('/v2.1/images/detail'), status: OK, bytes: [2300, 30_000], ms: [60, 500] }],
    [25, { method: 'GET', path: fixedPath('/v2.1/'), status: OK, bytes: [680, 700], ms: [1, 8] }],
  ];
}

/** neutron: ports, networks, subnets and security groups. */
function neutronFrontend(p: Pools): WeightedFrontend {
  const { projects, instances, networks } = p;
  return {
    weight: 20,
    value: {
      name: 'neutron_server_front',
      backend: 'neutron_server_back',
      compute: false,
      captures: false,
      routes: routes([
        [
          40,
          {
            method: 'GET',
            path: pathWithId('/v2.0/ports?device_id=', instances),
            status: OK,
            bytes: [400, 3000],
            ms: [20, 200],
          },
        ],
        [
          15,
          {
            method: 'GET',
            path: fixedPath('/v2.0/networks?fields=id&shared=True'),
            status: OK,
            bytes: [300, 2000],
            ms: [10, 80],
          },
        ],
        [
          15,
          {
            method: 'GET',
            path: pathWithId('/v2.0/security-groups?tenant_id=', projects),
            status: OK,
            bytes: [1500, 9000],
            ms: [20, 200],
          },
        ],
        [
          10,
          {
            method: 'GET',
            path: pathWithId('/v2.0/networks/', networks),
            status: SHOW,
            bytes: [900, 1400],
            ms: [10, 60],
          },
        ],
        [10, { method: 'GET', path: fixedPath('/v2.0/floatingips'), status: OK, bytes: [300, 6000], ms: [10, 120] }],
        [
          5,
          {
            method: 'PUT',
            path: pathWithId('/v2.0/ports/', networks),
            status: OK,
            bytes: [1200, 1800],
            ms: [100, 900],
          },
        ],
        [5, { method: 'GET', path: fixedPath('/v2.0/extensions'), status: OK, bytes: [9000, 11_000], ms: [5, 30] }],
      ]),
    },
  };
}

/** placement: resource providers and allocations. */
function placementFrontend(p: Pools): WeightedFrontend {
  const { instances, providers } = p;
  return {
    weight: 12,
    value: {
      name: 'placement_api_front',
      backend: 'placement_api_back',
      compute: false,
      captures: false,
      routes: routes([
        [
          20,
          {
            method: 'GET',
            path: fixedPath('/allocation_candidates?limit=1000&resources=DISK_GB%3A20%2CMEMORY_MB%3A2048%2CVCPU%3A1'),
            status: OK,
            bytes: [3000, 30_000],
            ms: [30, 300],
          },
        ],
        [
          30,
          {
            method: 'GET',
            path: pathWithId('/resource_providers?in_tree=', providers),
            status: OK,
            bytes: [600, 900],
            ms: [5, 40],
          },
        ],
        [
          25,
          {
            method: 'GET',
            path: pathWithId('/resource_providers/', providers, '/inventories'),
            status: OK,
            bytes: [700, 1000],
            ms: [5, 40],
          },
        ],
        [
          15,
          {
            method: 'GET',
            path: pathWithId('/resource_providers/', providers, '/aggregates'),
            status: OK,
            bytes: [300, 400],
            ms: [5, 30],
          },
        ],
        [
          10,
          {
            method: 'PUT',
            path: pathWithId('/allocations/', instances),
            status: NO_CONTENT,
            bytes: [200, 260],
            ms: [20, 200],
          },
        ],
      ]),
    },
  };
}

/** glance: images. */
function glanceFrontend(p: Pools): WeightedFrontend {
  const { images } = p;
  return {
    weight: 8,
    value: {
      name: 'glance_api_front',
      backend: 'glance_api_back',
      compute: false,
      captures: false,
      routes: routes([
        [
          40,
          { method: 'GET', path: fixedPath('/v2/images?limit=20'), status: OK, bytes: [3000, 20_000], ms: [20, 200] },
        ],
        [
          40,
          { method: 'GET', path: pathWithId('/v2/images/', images), status: SHOW, bytes: [1000, 1600], ms: [10, 80] },
        ],
        [
          10,
          {
            method: 'GET',
            path: pathWithId('/v2/images/', images, '/file'),
            status: OK,
            bytes: [20_000_000, 900_000_000],
            ms: [2000, 60_000],
          },
        ],
        [10, { method: 'GET', path: fixedPath('/v2/schemas/image'), status: OK, bytes: [4000, 4200], ms: [2, 10] }],
      ]),
    },
  };
}

/** cinder: volumes under its project-scoped URLs (its own os-hosts is not compute). */
function cinderFrontend(p: Pools): WeightedFrontend {
  const { volumes, projects } = p;
  /** cinder's project-scoped URLs: /v3/<project>/… */
  const cinder =
    (rest: string, ids?: readonly string[], suffix = ''): PathWriter =>
    (w, rng) => {
      w.str('/v3/');
      w.str(rng.pick(projects));
      w.str(rest);
      if (ids) {
        w.str(rng.pick(ids));
        w.str(suffix);
      }
    };
  return {
    weight: 8,
    value: {
      name: 'cinder_api_front',
      backend: 'cinder_api_back',
      compute: false,
      captures: true,
      routes: routes([
        [40, { method: 'GET', path: cinder('/volumes/detail'), status: OK, bytes: [800, 30_000], ms: [30, 400] }],
        [30, { method: 'GET', path: cinder('/volumes/', volumes), status: SHOW, bytes: [1200, 1800], ms: [20, 120] }],
        [
          10,
          {
            method: 'POST',
            path: cinder('/volumes/', volumes, '/action'),
            status: ACCEPTED,
            bytes: [250, 900],
            ms: [60, 700],
          },
        ],
        [10, { method: 'GET', path: cinder('/types'), status: OK, bytes: [500, 1500], ms: [10, 60] }],
        [10, { method: 'GET', path: cinder('/limits'), status: OK, bytes: [600, 700], ms: [10, 60] }],
      ]),
    },
  };
}

/**
 * The state of one generated HAProxy log (the writer, the seeded generator, the clock, the
 * process id and connection count, the pools and frontends, the counts) and the lines it writes.
 */
class HaproxyLogWriter {
  readonly rng: Prng;
  readonly w: ChunkWriter;
  readonly ts = new TimestampWriter();
  readonly projects: string[];
  readonly hosts: string[];
  readonly internalClients: string[];
  readonly externalClients: string[];
  readonly frontends: WeightedFrontend[];
  readonly frontendPicker: WeightedPicker<Frontend>;
  readonly facts: HaproxyLogFacts;
  now = START_MS;
  pid = 2291;
  active = 12;

  constructor(opts: GenerateOptions) {
    const rng = (this.rng = new Prng(`haproxy:${opts.seed}`));
    this.w = new ChunkWriter(opts.path);

    const hex32 = (): string => rng.hex32();
    const uuid = (): string => rng.uuid4();
    const projects = (this.projects = Array.from({ length: 30 }, hex32));
    const users = Array.from({ length: 80 }, hex32);
    const instances = Array.from({ length: 3000 }, uuid);
    const volumes = Array.from({ length: 2000 }, uuid);
    const images = Array.from({ length: 40 }, uuid);
    const providers = Array.from({ length: 48 }, uuid);
    const networks = Array.from({ length: 60 }, uuid);
    this.hosts = Array.from({ length: 48 }, (_, i) => `cmp-${String(i + 1).padStart(2, '0')}`);
    this.internalClients = Array.from({ length: 40 }, (_, i) => `10.0.0.${10 + i}`);
    this.externalClients = Array.from({ length: 60 }, (_, i) => `${i % 2 ? '203.0.113' : '198.51.100'}.${7 + i * 3}`);

    const pools: Pools = { projects, users, instances, volumes, images, providers, networks };
    this.frontends = [
      keystoneFrontend(pools),
      novaFrontend(pools),
      neutronFrontend(pools),
      placementFrontend(pools),
      glanceFrontend(pools),
      cinderFrontend(pools),
    ];
    this.frontendPicker = new WeightedPicker(this.frontends);

    this.facts = {
      bytes: 0,
      sha256: '',
      lines: 0,
      httpRequests: 0,
      computeRequests: 0,
      osHostsCalls: 0,
      osHostsByAction: {},
      cinderOsHostsLines: 0,
      osHostsLines: 0,
      osServicesCalls: 0,
      capturedLines: 0,
      eventLines: 0,
      requestsByFrontend: {},
      firstTime: new Date(START_MS).toISOString(),
      lastTime: '',
      days: 0,
    };
  }

  /** `Mar 22 15:16:23 lb1 haproxy[2291]: ` */
  syslog(): void {
    this.w.reserve();
    this.ts.syslog(this.w, this.now);
    this.w.str(' lb1 haproxy[');
    this.w.int(this.pid);
    this.w.str(']: ');
  }
  end(): void {
    this.w.byte(10);
    this.facts.lines++;
  }
  event(text: string): void {
    this.syslog();
    this.w.str(text);
    this.end();
    this.facts.eventLines++;
  }

  reload(): void {
    for (const { value: f } of this.frontends) {
      this.event(`Stopping frontend ${f.name} in 0 ms.`);
      this.event(`Proxy ${f.name} stopped (FE: ${this.rng.range(100_000, 900_000)} conns, BE: 0 conns).`);
      this.event(`Stopping backend ${f.backend} in 0 ms.`);
      this.event(`Proxy ${f.backend} stopped (FE: 0 conns, BE: ${this.rng.range(100_000, 900_000)} conns).`);
    }
    this.pid += this.rng.range(3, 40);
    for (const { value: f } of this.frontends) {
      this.event(`Proxy ${f.name} started.`);
      this.event(`Proxy ${f.backend} started.`);
    }
  }

  serverFlap(): void {
    const f = this.rng.pick(this.frontends).value;
    const server = this.rng.pick(SERVERS);
    this.event(
      `Server ${f.backend}/${server} is DOWN, reason: Layer4 timeout, check duration: 2001ms. ` +
        `2 active and 0 backup servers left. ${this.rng.int(5)} sessions active, 0 requeued, 0 remaining in queue.`,
    );
    this.now += this.rng.range(1000, 20_000);
    this.event(
      `Server ${f.backend}/${server} is UP, reason: Layer7 check passed, code: 200, check duration: 3ms. ` +
        `3 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.`,
    );
  }

  /**
   * One httplog line; `now` is its this.end (the this.syslog time), Ta before it the start.
   * Returns nothing: the this.facts are counted by the caller, which knows what the request was.
   */
  httpLine(
    f: Frontend,
    method: string,
    path: PathWriter,
    status: number,
    bytes: number,
    trMs: number,
    captured: boolean,
    userAgent: string | null,
  ): void {
    const noServer = status === 503 && this.rng.chance(0.5);
    const tR = this.rng.int(3);
    const tc = noServer ? -1 : this.rng.int(2);
    const ta = noServer ? this.rng.range(0, 3000) : tR + tc + trMs + this.rng.int(3);
    this.syslog();
    this.w.str(f.compute || !f.captures ? this.rng.pick(this.internalClients) : this.rng.pick(this.externalClients));
    this.w.byte(58);
    this.w.int(this.rng.range(32768, 60999));
    this.w.str(' [');
    this.ts.haproxy(this.w, this.now - ta);
    this.w.str('] ');
    this.w.str(f.name);
    this.w.byte(32);
    this.w.str(f.backend);
    this.w.byte(47);
    this.w.str(noServer ? '<NOSRV>' : this.rng.pick(SERVERS));
    this.w.byte(32);
    this.w.int(tR);
    this.w.str(noServer ? '/-1/-1/-1/' : '/0/');
    if (!noServer) {
      this.w.int(tc);
      this.w.byte(47);
      this.w.int(trMs);
      this.w.byte(47);
    }
    this.w.int(ta);
    this.w.byte(32);
    this.w.int(status);
    this.w.byte(32);
    this.w.int(noServer ? 216 : bytes);
    this.w.str(noServer ? ' - - SC-- ' : ' - - ---- ');
    this.w.int(this.active);
    this.w.byte(47);
    this.w.int(this.rng.range(1, Math.max(1, this.active >> 1)));
    this.w.str('/0/0/0 0/0 ');
    if (captured) {
      this.w.byte(123);
      this.w.str(userAgent ?? USER_AGENTS.pick(this.rng));
      this.w.str('} {');
      if (!noServer) {
        this.w.str('req-');
        this.w.uuid4(this.rng);
      }
      this.w.str('} ');
      this.facts.capturedLines++;
    }
    this.w.byte(34);
    this.w.str(method);
    this.w.byte(32);
    path(this.w, this.rng);
    this.w.str(' HTTP/1.1"');
    this.end();
    this.facts.httpRequests++;
    this.facts.requestsByFrontend[f.name] = (this.facts.requestsByFrontend[f.name] ?? 0) + 1;
    if (f.compute) this.facts.computeRequests++;
  }

  osHostsNova(f: Frontend, captured: boolean): void {
    const action = OS_HOSTS_ACTIONS.pick(this.rng);
    const host = this.rng.pick(this.hosts);
    let method = 'GET';
    let path = '/v2.1/os-hosts';
    let status: number;
    switch (action) {
      case 'list':
        if (this.rng.chance(0.2)) path += '?zone=nova';
        status = this.rng.chance(0.3) ? 404 : 200;
        break;
      case 'show':
        path += `/${host}`;
        status = this.rng.chance(0.25) ? 404 : 200;
        break;
      case 'update':
        method = 'PUT';
        path += `/${host}`;
        status = this.rng.chance(0.6) ? 200 : 501;
        break;
      default:
        path += `/${host}/${action}`;
        status = 501;
    }
    const ua = this.rng.chance(0.5)
      ? 'python-novaclient'
      : 'openstacksdk/1.0.1 keystoneauth1/5.1.2 python-requests/2.31.0 CPython/3.10.12';
    this.httpLine(
      f,
      method,
      (w) => w.str(path),
      status,
      status === 200 ? this.rng.range(500, 1800) : this.rng.range(380, 420),
      this.rng.range(20, 400),
      captured,
      ua,
    );
    this.facts.osHostsCalls++;
    this.facts.osHostsLines++;
    this.facts.osHostsByAction[action] = (this.facts.osHostsByAction[action] ?? 0) + 1;
  }

  osHostsCinder(f: Frontend, captured: boolean): void {
    const project = this.rng.pick(this.projects);
    const path = this.rng.chance(0.5)
      ? `/v3/${project}/os-hosts`
      : `/v3/${project}/os-hosts/ctl${this.rng.range(1, 3)}@lvm`;
    this.httpLine(
      f,
      'GET',
      (w) => w.str(path),
      200,
      this.rng.range(400, 1200),
      this.rng.range(10, 90),
      captured,
      'python-cinderclient',
    );
    this.facts.cinderOsHostsLines++;
    this.facts.osHostsLines++;
  }
}

export function generateHaproxyLog(opts: GenerateOptions): HaproxyLogFacts {
  const g = new HaproxyLogWriter(opts);
  const { w, rng, facts } = g;
  const firstDay = dayOf(START_MS);
  const showProgress = progressTicker(w, opts.onProgress);
  let lastReloadDay = firstDay;
  while (w.size < opts.targetBytes) {
    const today = dayOf(g.now);
    if (today !== lastReloadDay && g.now - today * DAY_MS >= RELOAD_AT_MS) {
      lastReloadDay = today;
      g.reload();
    }
    const f = g.frontendPicker.pick(rng);
    const captured = f.captures && today - firstDay >= 1;
    // Connection counts drift slowly, like a real busy balancer.
    g.active = Math.max(2, Math.min(120, g.active + rng.range(-1, 1)));
    if (f.compute && rng.int(NOVA_OS_HOSTS_EVERY) === 0) g.osHostsNova(f, captured);
    else if (f.name === 'cinder_api_front' && rng.int(CINDER_OS_HOSTS_EVERY) === 0) g.osHostsCinder(f, captured);
    else {
      const r = f.routes.pick(rng);
      const status = r.status.pick(rng);
      const ok = status < 300;
      const bytes = ok ? rng.range(r.bytes[0], r.bytes[1]) : rng.range(200, 420);
      const trMs = ok ? rng.range(r.ms[0], r.ms[1]) : rng.range(2, 60);
      g.httpLine(f, r.method, r.path, status, bytes, trMs, captured, null);
      if (f.compute && r.osServices) facts.osServicesCalls++;
    }
    if (rng.int(1_500_000) === 0) g.serverFlap();
    g.now += rng.int(2 * MEAN_GAP_MS);
    showProgress();
  }
  return { ...facts, ...closeGenerated(w, g.now, firstDay) };
}
