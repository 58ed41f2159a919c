/**
 * A deterministic nova-api log of a given size, shaped like a busy controller
 * (formats: /work/shared/reference/nova-logs.md §1–§3):
 *
 * - oslo.log text lines `YYYY-MM-DD HH:MM:SS.mmm PID LEVEL logger [context] message`;
 * - days on the uwsgi era (request_log lines, Zed+ 8-token context) and, one day
 *   in three, on the eventlet era (nova.osapi_compute.wsgi.server lines with
 *   `HTTP/1.1`, project-scoped URLs, Liberty–Yoga 6-token context, metadata API
 *   lines in the same file), so both access parsers run in one file;
 * - about 55 % access lines, the rest DEBUG/INFO/WARNING/ERROR lines of other
 *   loggers, most sharing the request's context;
 * - os-hosts calls about once in 200,000 requests (list, show, update, reboot,
 *   startup; 200/404/501), with the hosts controller's "Enabling/Disabling
 *   host" or "maintenance mode" INFO line (same request id) before the PUT.
 *
 * It counts what it writes, so the bench can check apicensus's answer
 * against the truth.
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
import { dayOf, TimestampWriter } from './timestamps.js';

/** Bump when the bytes written for a given seed and size change: cached files are then regenerated. */
export const NOVA_GENERATOR_VERSION = 1;

/** Requests per os-hosts call, on average. */
const OS_HOSTS_EVERY = 200_000;
/** 2024-05-01T00:00:00Z, a Wednesday. */
const START_MS = Date.UTC(2024, 4, 1);
/** Mean time between request starts: about 3.6 requests a second, so a gigabyte covers several days. */
const MEAN_GAP_MS = 280;

export interface NovaLogFacts {
  bytes: number;
  sha256: string;
  lines: number;
  /** Compute-API access lines (request_log + nova.osapi_compute.wsgi.server): apicensus's `inputs.requests`. */
  computeRequests: number;
  requestlogLines: number;
  eventletLines: number;
  /** nova.metadata.wsgi.server access lines: not the compute API, must not be counted. */
  metadataLines: number;
  /** os-hosts access lines: apicensus's os-hosts `calls`. */
  osHostsCalls: number;
  osHostsByAction: Record<string, number>;
  /** os-hosts calls per (action, project id) — what the lnav by-action-and-project query answers. */
  osHostsByActionProject: Record<string, number>;
  /** Lines containing the text "os-hosts": what `grep -c os-hosts` must print. */
  osHostsLines: number;
  /** os-services access lines (a route of the os-services pack): apicensus's os-services `calls`. */
  osServicesCalls: number;
  firstTime: string;
  lastTime: string;
  days: number;
  eventletDays: string[];
}

type Era = 'uwsgi' | 'eventlet';

interface Request {
  era: Era;
  pid: number;
  a: number;
  b: number;
  c: number;
  d: number;
  /** An inbound global request id (Zed+ context), or none. */
  global: [number, number, number, number] | null;
  user: number;
  /** `[-]` instead of a context (401 before keystonecontext). */
  anonymous: boolean;
}

interface Endpoint {
  method: string;
  /** Written after `/v2.1` (and the project id on project-scoped eventlet URLs). */
  path: PathWriter;
  status: WeightedPicker<number>;
  len: readonly [number, number];
  ms: readonly [number, number];
  /** `Class.method` of the controller, for the DEBUG "Calling method" line. */
  controller: string;
  list?: boolean;
  osServices?: boolean;
  /** Message of the INFO "HTTP exception thrown" line for a 4xx. */
  notFound?: string;
}

const statuses = (pairs: readonly (readonly [number, number])[]): WeightedPicker<number> =>
  new WeightedPicker(pairs.map(([value, weight]) => ({ value, weight })));

const OK_200 = statuses([
  [200, 995],
  [404, 3],
  [500, 2],
]);
const SHOW_200 = statuses([
  [200, 960],
  [404, 36],
  [500, 4],
]);
const ACTION_202 = statuses([
  [202, 930],
  [409, 50],
  [400, 15],
  [500, 5],
]);
const CREATE_202 = statuses([
  [202, 970],
  [400, 15],
  [403, 10],
  [500, 5],
]);
const DELETE_204 = statuses([
  [204, 960],
  [404, 35],
  [500, 5],
]);

type WeightedEndpoint = { weight: number; value: Endpoint };

/** A path under /servers/<instance>. */
type Inst = (suffix: string) => PathWriter;

/** Listing, showing and creating servers. */
function serverListEndpoints(inst: Inst): WeightedEndpoint[] {
  return [
    {
      weight: 220,
      value: {
        method: 'GET',
        path: fixedPath('/servers/detail'),
        status: OK_200,
        len: [1500, 60_000],
        ms: [60, 900],
        controller: 'ServersController.detail',
        list: true,
      },
    },
    {
      weight: 40,
      value: {
        method: 'GET',
        path: fixedPath('/servers/detail?all_tenants=True&limit=1000'),
        status: OK_200,
        len: [20_000, 400_000],
        ms: [300, 4000],
        controller: 'ServersController.detail',
        list: true,
      },
    },
    {
      weight: 60,
      value: {
        method: 'GET',
        path: fixedPath('/servers'),
        status: OK_200,
        len: [200, 9000],
        ms: [40, 300],
        controller: 'ServersController.index',
        list: true,
      },
    },
    {
      weight: 140,
      value: {
        method: 'GET',
        path: inst(''),
        status: SHOW_200,
        len: [1400, 4200],
        ms: [30, 260],
        controller: 'ServersController.show',
        notFound: 'Instance could not be found.',
      },
    },
    {
      weight: 25,
      value: {
        method: 'POST',
        path: fixedPath('/servers'),
        status: CREATE_202,
        len: [300, 700],
        ms: [400, 2500],
        controller: 'ServersController.create',
      },
    },
  ];
}

/** Deleting and rebooting a server, and reading its interfaces, volumes and actions. */
function serverActionEndpoints(inst: Inst): WeightedEndpoint[] {
  return [
    {
      weight: 20,
      value: {
        method: 'DELETE',
        path: inst(''),
        status: DELETE_204,
        len: [0, 0],
        ms: [80, 600],
        controller: 'ServersController.delete',
        notFound: 'Instance could not be found.',
      },
    },
    {
      weight: 45,
      value: {
        method: 'POST',
        path: inst('/action'),
        status: ACTION_202,
        len: [0, 0],
        ms: [60, 900],
        controller: 'ServersController._action_reboot',
        notFound: 'Instance could not be found.',
      },
    },
    {
      weight: 25,
      value: {
        method: 'GET',
        path: inst('/os-interface'),
        status: SHOW_200,
        len: [300, 1200],
        ms: [80, 500],
        controller: 'InterfaceAttachmentController.index',
        list: true,
      },
    },
    {
      weight: 20,
      value: {
        method: 'GET',
        path: inst('/os-volume_attachments'),
        status: SHOW_200,
        len: [60, 900],
        ms: [30, 200],
        controller: 'VolumeAttachmentController.index',
        list: true,
      },
    },
    {
      weight: 15,
      value: {
        method: 'GET',
        path: inst('/os-instance-actions'),
        status: SHOW_200,
        len: [200, 3000],
        ms: [30, 200],
        controller: 'InstanceActionsController.index',
        list: true,
      },
    },
  ];
}

/** Flavors and limits. */
function flavorEndpoints(flavors: readonly string[]): WeightedEndpoint[] {
  return [
    {
      weight: 70,
      value: {
        method: 'GET',
        path: fixedPath('/flavors/detail'),
        status: OK_200,
        len: [2000, 9000],
        ms: [20, 120],
        controller: 'FlavorsController.detail',
        list: true,
      },
    },
    {
      weight: 30,
      value: {
        method: 'GET',
        path: pathWithId('/flavors/', flavors),
        status: SHOW_200,
        len: [400, 700],
        ms: [10, 60],
        controller: 'FlavorsController.show',
        notFound: 'Flavor could not be found.',
      },
    },
    {
      weight: 10,
      value: {
        method: 'GET',
        path: fixedPath('/flavors/detail?is_public=None'),
        status: OK_200,
        len: [2000, 9000],
        ms: [20, 140],
        controller: 'FlavorsController.detail',
        list: true,
      },
    },
    {
      weight: 50,
      value: {
        method: 'GET',
        path: fixedPath('/limits'),
        status: OK_200,
        len: [400, 520],
        ms: [20, 160],
        controller: 'LimitsController.index',
      },
    },
  ];
}

/** Hypervisors and compute services (os-services: a call of interest). */
function hostEndpoints(services: readonly string[]): WeightedEndpoint[] {
  return [
    {
      weight: 30,
      value: {
        method: 'GET',
        path: fixedPath('/os-hypervisors/detail'),
        status: OK_200,
        len: [1500, 40_000],
        ms: [40, 400],
        controller: 'HypervisorsController.detail',
        list: true,
      },
    },
    {
      weight: 8,
      value: {
        method: 'GET',
        path: fixedPath('/os-hypervisors/statistics'),
        status: OK_200,
        len: [300, 340],
        ms: [20, 90],
        controller: 'HypervisorsController.statistics',
      },
    },
    {
      weight: 25,
      value: {
        method: 'GET',
        path: fixedPath('/os-services?binary=nova-compute'),
        status: OK_200,
        len: [800, 12_000],
        ms: [20, 150],
        controller: 'ServiceController.index',
        list: true,
        osServices: true,
      },
    },
    {
      weight: 10,
      value: {
        method: 'GET',
        path: fixedPath('/os-services'),
        status: OK_200,
        len: [1200, 16_000],
        ms: [20, 150],
        controller: 'ServiceController.index',
        list: true,
        osServices: true,
      },
    },
    {
      weight: 1,
      value: {
        method: 'PUT',
        path: pathWithId('/os-services/', services),
        status: statuses([
          [200, 95],
          [404, 5],
        ]),
        len: [300, 420],
        ms: [60, 300],
        controller: 'ServiceController.update',
        osServices: true,
        notFound: 'Service not found.',
      },
    },
  ];
}

/** Availability zones, images (the proxy API) and keypairs. */
function imageKeypairEndpoints(images: readonly string[]): WeightedEndpoint[] {
  return [
    {
      weight: 25,
      value: {
        method: 'GET',
        path: fixedPath('/os-availability-zone/detail'),
        status: OK_200,
        len: [300, 2400],
        ms: [20, 200],
        controller: 'AvailabilityZoneController.detail',
      },
    },
    {
      weight: 10,
      value: {
        method: 'GET',
        path: fixedPath('/os-availability-zone'),
        status: OK_200,
        len: [100, 400],
        ms: [10, 80],
        controller: 'AvailabilityZoneController.index',
      },
    },
    {
      weight: 15,
      value: {
        method: 'GET',
        path: fixedPath('/images/detail'),
        status: OK_200,
        len: [2000, 30_000],
        ms: [60, 500],
        controller: 'ImagesController.detail',
        list: true,
      },
    },
    {
      weight: 10,
      value: {
        method: 'GET',
        path: pathWithId('/images/', images),
        status: SHOW_200,
        len: [700, 1300],
        ms: [30, 200],
        controller: 'ImagesController.show',
        notFound: 'Image not found.',
      },
    },
    {
      weight: 30,
      value: {
        method: 'GET',
        path: fixedPath('/os-keypairs'),
        status: OK_200,
        len: [40, 4000],
        ms: [10, 80],
        controller: 'KeypairController.index',
        list: true,
      },
    },
    {
      weight: 3,
      value: {
        method: 'POST',
        path: fixedPath('/os-keypairs'),
        status: statuses([
          [200, 90],
          [409, 10],
        ]),
        len: [600, 2400],
        ms: [40, 300],
        controller: 'KeypairController.create',
      },
    },
  ];
}

/** Server groups, aggregates, quotas, versions and extensions. */
function miscEndpoints(): WeightedEndpoint[] {
  return [
    {
      weight: 12,
      value: {
        method: 'GET',
        path: fixedPath('/os-server-groups'),
        status: OK_200,
        len: [40, 2000],
        ms: [10, 90],
        controller: 'ServerGroupController.index',
        list: true,
      },
    },
    {
      weight: 8,
      value: {
        method: 'GET',
        path: fixedPath('/os-aggregates'),
        status: OK_200,
        len: [200, 6000],
        ms: [10, 90],
        controller: 'AggregateController.index',
        list: true,
      },
    },
    {
      weight: 10,
      value: {
        method: 'GET',
        path: fixedPath('/os-quota-sets/detail'),
        status: OK_200,
        len: [900, 1100],
        ms: [30, 200],
        controller: 'QuotaSetsController.detail',
      },
    },
    {
      weight: 25,
      value: {
        method: 'GET',
        path: fixedPath('/'),
        status: OK_200,
        len: [380, 400],
        ms: [1, 8],
        controller: 'VersionsController.show',
      },
    },
    {
      weight: 15,
      value: {
        method: 'GET',
        path: fixedPath('/extensions'),
        status: OK_200,
        len: [20_000, 24_000],
        ms: [40, 200],
        controller: 'ExtensionInfoController.index',
      },
    },
  ];
}

/**
 * The compute API mix of a busy cloud: dashboards and automation poll
 * servers/detail, flavors, limits and hypervisors; users act on servers.
 * Weights are per 1000 requests.
 */
function endpoints(
  instances: readonly string[],
  flavors: readonly string[],
  images: readonly string[],
  services: readonly string[],
): WeightedPicker<Endpoint> {
  const inst = (suffix: string): PathWriter => pathWithId('/servers/', instances, suffix);
  const eps: WeightedEndpoint[] = [
    ...serverListEndpoints(inst),
    ...serverActionEndpoints(inst),
    ...flavorEndpoints(flavors),
    ...hostEndpoints(services),
    ...imageKeypairEndpoints(images),
    ...miscEndpoints(),
  ];
  return new WeightedPicker(eps);
}

const MICROVERSIONS = new WeightedPicker(
  (
    [
      ['2.1', 25],
      ['2.37', 10],
      ['2.53', 5],
      ['2.60', 10],
      ['2.79', 20],
      ['2.90', 15],
      ['2.95', 10],
      ['2.96', 5],
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

/** Lines with no request behind them: loggers of a running nova-api, with `[-]` or a service context. */
const BACKGROUND: readonly { level: string; logger: string; message: string; service?: boolean }[] = [
  {
    level: 'DEBUG',
    logger: 'oslo_db.sqlalchemy.engines',
    message:
      'MySQL server mode set to STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,' +
      'ERROR_FOR_DIVISION_BY_ZERO,TRADITIONAL,NO_ENGINE_SUBSTITUTION _check_effective_sql_mode ' +
      '/usr/lib/python3/dist-packages/oslo_db/sqlalchemy/engines.py:342',
  },
  {
    level: 'DEBUG',
    logger: 'oslo_concurrency.lockutils',
    message:
      'Acquiring lock "compute-rpcapi-router" by "nova.compute.rpcapi.reset_globals" inner ' +
      '/usr/lib/python3/dist-packages/oslo_concurrency/lockutils.py:404',
  },
  {
    level: 'DEBUG',
    logger: 'nova.compute.rpcapi',
    message:
      'Not caching compute RPC version_cap, because min service_version is 0. Please ensure a nova-compute ' +
      'service has been started. Defaulting to current version. get_client ' +
      '/usr/lib/python3/dist-packages/nova/compute/rpcapi.py:445',
  },
  {
    level: 'INFO',
    logger: 'nova.compute.rpcapi',
    message: 'Automatically selected compute RPC version 6.2 from minimum service version 66',
  },
  {
    level: 'WARNING',
    logger: 'keystonemiddleware.auth_token',
    message:
      'Identity response: {"error":{"code":401,"message":"The request you have made requires ' +
      'authentication.","title":"Unauthorized"}}',
  },
  {
    level: 'WARNING',
    logger: 'oslo_policy.policy',
    message:
      'JSON formatted policy_file support is deprecated since Victoria release. You need to use YAML format ' +
      'which will be default in future. You can use ``oslopolicy-convert-json-to-yaml`` tool to convert ' +
      'existing JSON-formatted policy file to YAML-formatted in backward compatible way: ' +
      'https://docs.openstack.org/oslo.policy/latest/cli/oslopolicy-convert-json-to-yaml.html.',
  },
  {
    level: 'DEBUG',
    logger: 'nova.scheduler.client.report',
    message:
      'Refreshing inventories for resource provider 4f5a3b1c-9e2d-4c7a-8b6f-0d1e2f3a4b5c _refresh_associations ' +
      '/usr/lib/python3/dist-packages/nova/scheduler/client/report.py:822',
    service: true,
  },
  {
    level: 'INFO',
    logger: 'nova.api.openstack.placement',
    message:
      'Placement API unavailable for a moment, ' +
      'retrying GET /resource_providers?in_tree=4f5a3b1c-9e2d-4c7a-8b6f-0d1e2f3a4b5c',
    service: true,
  },
  {
    level: 'DEBUG',
    logger: 'nova.context',
    message:
      'Found 2 cells: 00000000-0000-0000-0000-000000000000(cell0),2d5e9a1f-6b7c-4d8e-9f0a-1b2c3d4e5f6a(cell1) ' +
      'load_cells /usr/lib/python3/dist-packages/nova/context.py:464',
  },
  {
    level: 'DEBUG',
    logger: 'nova.objects.service',
    message:
      'Computed minimum service version 66 across 42 services get_minimum_version_all_cells ' +
      '/usr/lib/python3/dist-packages/nova/objects/service.py:590',
    service: true,
  },
];

/** What the eventlet and uwsgi services write when they start (an era change is a restart). */
const UWSGI_BANNER = [
  'DEBUG nova.api.openstack.wsgi_app [-] ' +
    '******************************************************************************** log_opt_values ' +
    '/usr/lib/python3/dist-packages/oslo_config/cfg.py:2589',
  'DEBUG nova.api.openstack.wsgi_app [-] Configuration options gathered from: log_opt_values ' +
    '/usr/lib/python3/dist-packages/oslo_config/cfg.py:2590',
  'DEBUG nova.api.openstack.wsgi_app [-] api.auth_strategy              = keystone log_opt_values ' +
    '/usr/lib/python3/dist-packages/oslo_config/cfg.py:2609',
  'DEBUG nova.api.openstack.wsgi_app [-] wsgi.wsgi_log_format           = %(client_ip)s "%(request_line)s" ' +
    'status: %(status_code)s len: %(body_length)s time: %(wall_seconds).7f log_opt_values ' +
    '/usr/lib/python3/dist-packages/oslo_config/cfg.py:2609',
  "DEBUG nova.api.openstack.wsgi_app [-] enabled_apis                   = ['osapi_compute'] log_opt_values " +
    '/usr/lib/python3/dist-packages/oslo_config/cfg.py:2609',
];

const EVENTLET_PIDS = [25746, 25747, 25748, 25749];
const UWSGI_PIDS = [2211, 2212, 2213, 2214, 2215, 2216];
const METADATA_PATHS = [
  '/openstack/2013-10-17',
  '/openstack/2013-10-17/meta_data.json',
  '/openstack/latest/user_data',
  '/latest/meta-data/',
  '/latest/meta-data/instance-id',
  '/openstack/2018-08-27/network_data.json',
];
/** Admin users who still run `openstack host …` or old scripts; indexes into the user pool. */
const OS_HOSTS_USERS = [0, 1, 2, 7];

/** The monitoring job of the heavy profile: who calls os-services every few seconds, and from where. */
const MONITOR_USERS = [3, 4, 5];
const MONITOR_CLIENT = '10.0.9.17';

export interface NovaLogOptions extends GenerateOptions {
  /** Start on an eventlet day (tests: that era in a few MB). */
  eventletFirst?: boolean;
  /**
   * The share of requests a monitoring job makes, each `GET /os-services?binary=nova-compute`
   * (calls of interest: the heavy profile has 0.1–0.2). 0 or absent: the usual mix, byte
   * for byte as before.
   */
  monitoringShare?: number;
}

interface OsHostsCall {
  method: string;
  suffix: string;
  status: number;
  len: number;
  microversion: string;
  controller: string;
}

/**
 * The state of one generated nova-api log (the writer, the seeded generator, the clock, the era,
 * the request being written, the pools of ids and the counts) and the lines it writes.
 */
class NovaLogWriter {
  readonly rng: Prng;
  readonly w: ChunkWriter;
  readonly ts = new TimestampWriter();
  readonly projects: string[];
  readonly users: string[];
  readonly clients: string[];
  readonly hosts: string[];
  readonly endpointPicker: WeightedPicker<Endpoint>;
  readonly facts: NovaLogFacts;
  now = START_MS;
  era: Era | null = null;
  readonly req: Request = { era: 'uwsgi', pid: 0, a: 0, b: 0, c: 0, d: 0, global: null, user: 0, anonymous: false };

  constructor(opts: NovaLogOptions) {
    const rng = (this.rng = new Prng(`nova:${opts.seed}`));
    this.w = new ChunkWriter(opts.path);

    // Pools: ids of the cloud's users, projects, instances and so on, fixed by the seed.
    const hex32 = (): string => rng.hex32();
    const uuid = (): string => rng.uuid4();
    this.projects = Array.from({ length: 30 }, hex32);
    this.users = Array.from({ length: 80 }, hex32);
    const instances = Array.from({ length: 3000 }, uuid);
    const flavors = ['1', '2', '3', '4', '5', '42', '84', 'c1.small', 'm1.large', ...Array.from({ length: 8 }, uuid)];
    const images = Array.from({ length: 40 }, uuid);
    const services = Array.from({ length: 60 }, uuid);
    this.clients = [
      ...Array.from({ length: 24 }, (_, i) => `10.0.0.${5 + i}`),
      ...Array.from({ length: 8 }, (_, i) => `10.11.10.${1 + i}`),
    ];
    this.hosts = Array.from({ length: 48 }, (_, i) => `cmp-${String(i + 1).padStart(2, '0')}`);
    this.endpointPicker = endpoints(instances, flavors, images, services);

    this.facts = {
      bytes: 0,
      sha256: '',
      lines: 0,
      computeRequests: 0,
      requestlogLines: 0,
      eventletLines: 0,
      metadataLines: 0,
      osHostsCalls: 0,
      osHostsByAction: {},
      osHostsByActionProject: {},
      osHostsLines: 0,
      osServicesCalls: 0,
      firstTime: new Date(START_MS).toISOString(),
      lastTime: '',
      days: 0,
      eventletDays: [],
    };
  }

  projectOf(user: number): string {
    return this.projects[user % this.projects.length]!;
  }

  /** `TIME PID LEVEL logger ` — the start of every line. */
  head(pid: number, level: string, logger: string): void {
    this.w.reserve();
    this.ts.oslo(this.w, this.now);
    this.w.byte(32);
    this.w.int(pid);
    this.w.byte(32);
    this.w.str(level);
    this.w.byte(32);
    this.w.str(logger);
    this.w.byte(32);
  }
  end(): void {
    this.w.byte(10);
    this.facts.lines++;
  }
  /** The this.context bracket of the current request, as oslo.log prints it in its this.era. */
  context(): void {
    if (this.req.anonymous) {
      this.w.str('[-] ');
      return;
    }
    this.w.byte(91);
    if (this.req.era === 'uwsgi') {
      if (this.req.global) {
        this.w.str('req-');
        this.w.uuidFrom(...this.req.global);
      } else this.w.str('None');
      this.w.byte(32);
    }
    this.w.str('req-');
    this.w.uuidFrom(this.req.a, this.req.b, this.req.c, this.req.d);
    this.w.byte(32);
    this.w.str(this.users[this.req.user]!);
    this.w.byte(32);
    this.w.str(this.projectOf(this.req.user));
    this.w.str(this.req.era === 'uwsgi' ? ' - - default default] ' : ' - default default] ');
  }
  serviceContext(): void {
    this.w.str(this.era === 'uwsgi' ? '[None req-' : '[req-');
    this.w.uuid4(this.rng);
    this.w.str(this.era === 'uwsgi' ? ' - - - - - -] ' : ' - - - - -] ');
  }
  tick(maxMs: number): void {
    this.now += this.rng.int(maxMs + 1);
  }

  newRequest(user: number, anonymous = false): void {
    this.req.era = this.era!;
    this.req.pid = this.rng.pick(this.req.era === 'uwsgi' ? UWSGI_PIDS : EVENTLET_PIDS);
    this.req.a = this.rng.u32();
    this.req.b = this.rng.u32();
    this.req.c = this.rng.u32();
    this.req.d = this.rng.u32();
    this.req.global =
      this.req.era === 'uwsgi' && this.rng.chance(0.05)
        ? [this.rng.u32(), this.rng.u32(), this.rng.u32(), this.rng.u32()]
        : null;
    this.req.user = user;
    this.req.anonymous = anonymous;
  }

  /** One line of the current request from another logger. */
  requestLine(level: string, logger: string, message: string): void {
    this.head(this.req.pid, level, logger);
    this.context();
    this.w.str(message);
    this.end();
    this.tick(3);
  }

  callingMethod(controller: string): void {
    const [cls, method] = controller.split('.') as [string, string];
    this.head(this.req.pid, 'DEBUG', 'nova.api.openstack.wsgi');
    this.context();
    this.w.str("Calling method '<bound method ");
    this.w.str(controller);
    this.w.str(' of <nova.api.openstack.compute.');
    this.w.str(cls.replace(/Controller$/, '').toLowerCase());
    this.w.byte(46);
    this.w.str(cls);
    this.w.str(' object at 0x7f');
    this.w.hex(this.rng.u32(), 8);
    this.w.hex(this.rng.u32(), 2);
    this.w.str(">>' _process_stack /usr/lib/python3/dist-packages/nova/api/openstack/wsgi.py:");
    this.w.int(method.startsWith('_action') ? 508 : 513);
    this.end();
    this.tick(3);
  }

  traceback(): void {
    this.requestLine(
      'ERROR',
      'nova.api.openstack.wsgi',
      'Unexpected exception in API method: oslo_db.exception.DBConnectionError: (pymysql.err.OperationalError) ' +
        "(2013, 'Lost connection to MySQL server during query')",
    );
    for (const text of [
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/dist-packages/nova/api/openstack/wsgi.py", line 658, in wrapped',
      '    return f(*args, **kwargs)',
      "oslo_db.exception.DBConnectionError: (pymysql.err.OperationalError) (2013, 'Lost connection to MySQL " +
        "server during query')",
    ]) {
      this.requestLine('ERROR', 'nova.api.openstack.wsgi', text);
    }
  }

  /**
   * The access line. uwsgi: request_log form; eventlet: wsgi.server form
   * with the protocol and 7 decimals. `pathWriter` writes what follows /v2.1.
   */
  accessLine(
    method: string,
    pathWriter: PathWriter,
    status: number,
    len: number | null,
    ms: number,
    microversion: string | null,
    projectScoped: boolean,
  ): void {
    const eventlet = this.req.era === 'eventlet';
    this.head(this.req.pid, 'INFO', eventlet ? 'nova.osapi_compute.wsgi.server' : 'nova.api.openstack.requestlog');
    this.context();
    if (eventlet && this.rng.chance(0.1)) {
      // eventlet's log_x_forwarded_for: "<XFF>,<peer>"
      this.w.str('203.0.113.');
      this.w.int(this.rng.range(2, 250));
      this.w.byte(44);
    }
    this.w.str(this.rng.pick(this.clients));
    this.w.str(' "');
    this.w.str(method);
    this.w.str(' /v2.1');
    if (projectScoped) {
      this.w.byte(47);
      this.w.str(this.projectOf(this.req.user));
    }
    pathWriter(this.w, this.rng);
    if (eventlet) this.w.str(' HTTP/1.1');
    this.w.str('" status: ');
    this.w.int(status);
    this.w.str(' len: ');
    if (len === null) this.w.str('None');
    else this.w.int(len);
    if (!eventlet) {
      this.w.str(' microversion: ');
      this.w.str(microversion ?? '-');
    }
    this.w.str(' time: ');
    if (eventlet) this.w.decimal(Math.round(ms * 10_000) + this.rng.int(10), 7);
    else this.w.decimal(Math.round(ms * 1000), 6);
    this.end();
    this.facts.computeRequests++;
    if (eventlet) this.facts.eventletLines++;
    else this.facts.requestlogLines++;
    this.tick(2);
  }

  monitoringRequest(): void {
    this.newRequest(this.rng.pick(MONITOR_USERS));
    if (this.rng.chance(0.45)) this.callingMethod('ServiceController.index');
    this.head(
      this.req.pid,
      'INFO',
      this.req.era === 'eventlet' ? 'nova.osapi_compute.wsgi.server' : 'nova.api.openstack.requestlog',
    );
    this.context();
    this.w.str(MONITOR_CLIENT);
    this.w.str(' "GET /v2.1/os-services?binary=nova-compute');
    if (this.req.era === 'eventlet') this.w.str(' HTTP/1.1');
    this.w.str('" status: 200 len: ');
    this.w.int(this.rng.range(800, 12_000));
    if (this.req.era === 'uwsgi') this.w.str(' microversion: 2.53');
    this.w.str(' time: ');
    if (this.req.era === 'eventlet') this.w.decimal(this.rng.range(200_000, 1_500_000), 7);
    else this.w.decimal(this.rng.range(20_000, 150_000), 6);
    this.end();
    this.facts.computeRequests++;
    this.facts.osServicesCalls++;
    if (this.req.era === 'eventlet') this.facts.eventletLines++;
    else this.facts.requestlogLines++;
    this.tick(2);
  }

  ordinaryRequest(): void {
    const ep = this.endpointPicker.pick(this.rng);
    // A few requests fail authentication: no this.context, no microversion (request_log sits before authtoken).
    if (
      ep.method === 'GET' &&
      (ep.controller === 'ServersController.detail' || ep.controller === 'FlavorsController.detail') &&
      this.rng.chance(0.004)
    ) {
      this.newRequest(0, true);
      this.accessLine(ep.method, ep.path, 401, 114, this.rng.range(1, 9), null, false);
      return;
    }
    this.newRequest(this.rng.int(this.users.length));
    const status = ep.status.pick(this.rng);
    if (this.rng.chance(0.45)) this.callingMethod(ep.controller);
    if (ep.list && this.rng.chance(0.35)) {
      this.head(this.req.pid, 'DEBUG', 'nova.compute.api');
      this.context();
      this.w.str("Searching by: {'deleted': False, 'project_id': '");
      this.w.str(this.projectOf(this.req.user));
      this.w.str("'} get_all /usr/lib/python3/dist-packages/nova/compute/api.py:2994");
      this.end();
      this.tick(3);
    }
    let len = this.rng.range(ep.len[0], ep.len[1]);
    if (status === 404) {
      this.requestLine(
        'INFO',
        'nova.api.openstack.wsgi',
        `HTTP exception thrown: ${ep.notFound ?? 'The resource could not be found.'}`,
      );
      len = this.rng.range(90, 140);
    } else if (status === 409) {
      this.requestLine(
        'INFO',
        'nova.api.openstack.wsgi',
        "HTTP exception thrown: Cannot 'reboot' instance while it is in vm_state stopped",
      );
      len = this.rng.range(150, 190);
    } else if (status === 400 || status === 403) {
      this.requestLine(
        'INFO',
        'nova.api.openstack.wsgi',
        status === 400
          ? 'HTTP exception thrown: Invalid input for field/attribute server.'
          : 'HTTP exception thrown: Quota exceeded for instances: Requested 1, but already used 20 of 20 instances',
      );
      len = this.rng.range(120, 260);
    } else if (status === 500) {
      this.traceback();
      len = this.rng.range(190, 230);
    } else if (status === 204) {
      len = 0;
    }
    if (ep.osServices) this.facts.osServicesCalls++;
    const mv = MICROVERSIONS.pick(this.rng);
    this.accessLine(
      ep.method,
      ep.path,
      status,
      len,
      this.rng.range(ep.ms[0], ep.ms[1]) + this.rng.float(),
      mv,
      this.req.era === 'eventlet' && this.rng.chance(0.5),
    );
  }

  /** An os-hosts call's method, path suffix, status, length, microversion and controller (before its lines). */
  osHostsCall(action: string, host: string): OsHostsCall {
    let method = 'GET';
    let suffix: string;
    let status = 200;
    let len = 0;
    let microversion = '2.1';
    let controller = 'HostController.index';
    switch (action) {
      case 'list':
        suffix = this.rng.chance(0.2) ? '?zone=nova' : '';
        if (this.req.era === 'uwsgi' && this.rng.chance(0.3)) {
          // Asked at a microversion ≥ 2.43: refused with a silent 404.
          status = 404;
          microversion = '2.79';
          len = 112;
        } else len = this.rng.range(300, 1500);
        break;
      case 'show':
        suffix = `/${host}`;
        controller = 'HostController.show';
        if (this.rng.chance(0.25)) {
          status = 404;
          len = 108;
        } else len = this.rng.range(600, 900);
        break;
      case 'update':
        method = 'PUT';
        suffix = `/${host}`;
        controller = 'HostController.update';
        break;
      default:
        suffix = `/${host}/${action}`;
        controller = action === 'reboot' ? 'HostController.reboot' : 'HostController.startup';
        status = 501;
        len = 289;
    }
    return { method, suffix, status, len, microversion, controller };
  }

  osHostsRequest(): void {
    const action = OS_HOSTS_ACTIONS.pick(this.rng);
    this.newRequest(this.rng.pick(OS_HOSTS_USERS));
    const host = this.rng.pick(this.hosts);
    const scoped = this.req.era === 'eventlet' && this.rng.chance(0.5);
    const o = this.osHostsCall(action, host);
    let { status, len } = o;
    const { method, suffix, microversion, controller } = o;
    this.callingMethod(controller);
    if (action === 'update') {
      if (this.rng.chance(0.6)) {
        this.requestLine(
          'INFO',
          'nova.api.openstack.compute.hosts',
          `${this.rng.chance(0.5) ? 'Enabling' : 'Disabling'} host ${host}.`,
        );
        len = this.rng.range(40, 70);
      } else {
        this.requestLine('INFO', 'nova.api.openstack.compute.hosts', `Putting host ${host} in maintenance mode True.`);
        this.requestLine(
          'INFO',
          'nova.api.openstack.wsgi',
          'HTTP exception thrown: The requested functionality is not supported.',
        );
        status = 501;
        len = 114;
      }
    } else if (status === 501) {
      this.requestLine(
        'INFO',
        'nova.api.openstack.wsgi',
        'HTTP exception thrown: The requested functionality is not supported.',
      );
    } else if (status === 404 && action === 'show') {
      this.requestLine(
        'INFO',
        'nova.api.openstack.wsgi',
        `HTTP exception thrown: Compute host ${host} could not be found.`,
      );
    }
    const path = `/os-hosts${suffix}`;
    this.accessLine(
      method,
      (w) => w.str(path),
      status,
      len,
      this.rng.range(20, 400) + this.rng.float(),
      microversion,
      scoped,
    );
    this.facts.osHostsCalls++;
    this.facts.osHostsLines++;
    this.facts.osHostsByAction[action] = (this.facts.osHostsByAction[action] ?? 0) + 1;
    const key = `${action} ${this.projectOf(this.req.user)}`;
    this.facts.osHostsByActionProject[key] = (this.facts.osHostsByActionProject[key] ?? 0) + 1;
  }

  metadataRequest(): void {
    this.head(this.rng.pick(EVENTLET_PIDS), 'INFO', 'nova.metadata.wsgi.server');
    this.w.str('[-] 10.11.21.');
    this.w.int(this.rng.range(2, 250));
    this.w.str(',10.11.10.1 "GET ');
    this.w.str(this.rng.pick(METADATA_PATHS));
    this.w.str(' HTTP/1.1" status: 200 len: ');
    this.w.int(this.rng.range(100, 2000));
    this.w.str(' time: ');
    this.w.decimal(this.rng.range(5_000, 40_000), 7);
    this.end();
    this.facts.metadataLines++;
    this.tick(2);
  }

  background(): void {
    const b = this.rng.pick(BACKGROUND);
    this.head(this.rng.pick(this.era === 'uwsgi' ? UWSGI_PIDS : EVENTLET_PIDS), b.level, b.logger);
    if (b.service) this.serviceContext();
    else this.w.str('[-] ');
    this.w.str(b.message);
    this.end();
    this.tick(2);
  }

  startEra(next: Era): void {
    this.era = next;
    if (next === 'eventlet') {
      for (const pid of EVENTLET_PIDS) {
        this.head(pid, 'INFO', 'nova.osapi_compute.wsgi.server');
        this.w.str('[-] (');
        this.w.int(pid);
        this.w.str(') wsgi starting up on http://10.0.0.11:8774');
        this.end();
      }
    } else {
      for (const pid of UWSGI_PIDS) {
        for (const line of UWSGI_BANNER) {
          this.w.reserve();
          this.ts.oslo(this.w, this.now);
          this.w.byte(32);
          this.w.int(pid);
          this.w.byte(32);
          this.w.str(line);
          this.end();
        }
      }
    }
  }
}

export function generateNovaLog(opts: NovaLogOptions): NovaLogFacts {
  const g = new NovaLogWriter(opts);
  const { w, rng } = g;
  const showProgress = progressTicker(w, opts.onProgress);
  const firstDay = dayOf(START_MS);
  while (w.size < opts.targetBytes) {
    const day = dayOf(g.now) - firstDay;
    // One day in three on the eventlet era (day 2, 5, …): both access parsers run in every file of a few days.
    const dayEra: Era = (day + (opts.eventletFirst ? 2 : 0)) % 3 === 2 ? 'eventlet' : 'uwsgi';
    if (dayEra !== g.era) {
      g.startEra(dayEra);
      if (dayEra === 'eventlet') g.facts.eventletDays.push(new Date(g.now).toISOString().slice(0, 10));
    }
    const share = opts.monitoringShare ?? 0;
    if (share > 0 && rng.chance(share)) g.monitoringRequest();
    else if (rng.int(OS_HOSTS_EVERY) === 0) g.osHostsRequest();
    else g.ordinaryRequest();
    if (rng.chance(0.17)) g.background();
    if (g.era === 'eventlet' && rng.chance(0.08)) g.metadataRequest();
    g.now += rng.int(2 * MEAN_GAP_MS);
    showProgress();
  }
  return { ...g.facts, ...closeGenerated(w, g.now, firstDay) };
}
