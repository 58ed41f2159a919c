/**
 * Which OpenStack service a request was for. nova's own lines are compute by
 * definition; a front end serves many services, so its lines are attributed
 * from (in order) the frontends the user named with --frontend, the
 * frontend/backend/vhost names, a deployment path prefix (devstack's
 * `/compute`, `/volume`), the file's own name (kolla's nova-api-access.log),
 * and finally the API version segment (`/v2.1` and `/v1.1` are nova's alone).
 * Cinder's `/v2|v3/{project}/os-hosts` and Blazar's `/v1/os-hosts` therefore
 * never count as compute. Names and ports: lb-logs.md §2.
 */
import type { NormalisedPath } from './paths.js';

export const COMPUTE = 'compute';

/** Name patterns, most specific first: nova's metadata, placement and console proxies are not the compute API. */
const NAME_RULES: ReadonlyArray<[RegExp, string]> = [
  [/metadata|8775/, 'metadata'],
  [/placement|8778/, 'placement'],
  [/novnc|vnc|spice|serial|console|6080|6082|6083/, 'console'],
  [/nova|compute|osapi|8774/, COMPUTE],
  [/cinder|volume|block.?storage|8776/, 'block-storage'],
  [/glance|image|9292/, 'image'],
  [/keystone|identity|5000|35357/, 'identity'],
  [/neutron|network|9696/, 'network'],
  [/heat|orchestration|8004/, 'orchestration'],
  [/blazar|reservation/, 'reservation'],
  [/swift|object|8080/, 'object-store'],
  [/octavia|load.?balancer|9876/, 'load-balancer'],
  [/ironic|baremetal|6385/, 'baremetal'],
  [/barbican|key.?manager|9311/, 'key-manager'],
  [/designate|dns|9001/, 'dns'],
  [/manila|share|8786/, 'shared-file-system'],
  [/horizon|dashboard/, 'dashboard'],
];

/** devstack's and similar path-prefix deployments (lb-logs.md §2.6). */
const PREFIX_SERVICES: Record<string, string> = {
  compute: COMPUTE,
  volume: 'block-storage',
  image: 'image',
  identity: 'identity',
  placement: 'placement',
  networking: 'network',
  'load-balancer': 'load-balancer',
  'key-manager': 'key-manager',
  heat: 'orchestration',
  'heat-api': 'orchestration',
};

/** The path prefixes (devstack's `/volume`…) that attribute a front-end line to `service`. */
export function prefixesOf(service: string): string[] {
  return Object.entries(PREFIX_SERVICES)
    .filter(([, s]) => s === service)
    .map(([p]) => p);
}

export function serviceFromName(name: string): string | null {
  const n = name.toLowerCase();
  for (const [re, service] of NAME_RULES) if (re.test(n)) return service;
  return null;
}

export interface ServiceOptions {
  /** --frontend NAME (repeatable): HAProxy frontends/backends or vhosts that serve the compute API. */
  frontends: readonly string[];
  /** The file being read, for names like nova-api-access.log. */
  filePath: string | null;
}

/** `path` is read only when the names do not decide (most front-end lines carry names). */
export type ServiceOf = (frontend: string | null, backend: string | null, path: () => NormalisedPath) => string | null;

/** Decide once per file how front-end lines are attributed to a service. */
export function compileServiceOf(opts: ServiceOptions): ServiceOf {
  const named = new Set(opts.frontends.map((f) => f.toLowerCase()));
  const fileService = opts.filePath
    ? (serviceFromName(opts.filePath.replace(/^.*\//, '')) ?? serviceFromName(opts.filePath))
    : null;
  // frontend → backend → service ('' for a missing name): looked up on every front-end line.
  const byNames = new Map<string, Map<string, string | null>>();
  const fromNames = (frontend: string | null, backend: string | null): string | null | undefined => {
    if (frontend === null && backend === null) return undefined;
    let inner = byNames.get(frontend ?? '');
    if (!inner) byNames.set(frontend ?? '', (inner = new Map()));
    const cached = inner.get(backend ?? '');
    if (cached !== undefined || inner.has(backend ?? '')) return cached;
    const names = [frontend, backend].filter((x): x is string => x !== null);
    let s: string | null;
    if (named.size > 0) {
      // Named frontends are compute; any other is some other service, never compute.
      s = names.some((x) => named.has(x.toLowerCase()) || named.has(x.toLowerCase().replace(/~$/, '')))
        ? COMPUTE
        : (names.map(serviceFromName).find((x) => x !== null && x !== COMPUTE) ?? 'other');
    } else {
      s = names.map(serviceFromName).find((x) => x !== null) ?? null;
    }
    inner.set(backend ?? '', s);
    return s;
  };
  // Lines of one frontend often come in runs: compare with the last pair before any lookup.
  let lastFrontend: string | null = null;
  let lastBackend: string | null = null;
  let lastService: string | null | undefined;
  return (frontend, backend, pathOf) => {
    let s: string | null | undefined;
    if (lastService !== undefined && frontend === lastFrontend && backend === lastBackend) s = lastService;
    else {
      s = fromNames(frontend, backend);
      lastFrontend = frontend;
      lastBackend = backend;
      lastService = s;
    }
    if (s) return s;
    const path = pathOf();
    const first = path.prefix.split('/')[1];
    if (first !== undefined && PREFIX_SERVICES[first]) return PREFIX_SERVICES[first]!;
    if (fileService) return fileService;
    if (path.version === 'v2.1' || path.version === 'v1.1') return COMPUTE;
    return null;
  };
}
