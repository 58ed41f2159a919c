/**
 * Which OpenStack service a front-end request was for. nova's own lines are
 * compute by definition and a CADF event names its service; a front end serves
 * many services, so its lines are attributed from the evidence they carry:
 *
 *   1. the path. `/v2.1/…`, devstack's `/compute/…` prefix, and `/v2/{project_id}/`
 *      or `/v1.1/{project_id}/` before a resource only nova serves are compute
 *      whatever the names say; a version nova never served (`/v3`, `/v1`, `/v2.0`)
 *      or another service's prefix (`/volume/…`) is not compute whatever the names
 *      say. Anything else (`/v2/{project}/os-hosts`, which cinder v2 also
 *      serves; `/`; a health check) leaves the question open, and then
 *   2. `--frontend NAME` (the user's word: a named frontend is compute, another is
 *      not), else the frontend, backend or vhost name (`nova_api_front`),
 *   3. a port (a vhost's `:8774`, an absolute URI's),
 *   4. the file's own base name (kolla's `nova-api-access.log`).
 *
 * A directory name never decides: `logs/shared-logs/haproxy.log` is as neutral
 * as `haproxy.log`. Every attribution says what decided it, so the report can
 * list each front end with its evidence. Names and ports: lb-logs.md §2;
 * nova's versions and prefixes: nova-logs.md §3 "Prefixes".
 */
export const COMPUTE = 'compute';

/** Name patterns, most specific first: nova's metadata, placement and console proxies are not the compute API. */
const NAME_RULES: ReadonlyArray<[RegExp, string]> = [
  [/metadata/, 'metadata'],
  [/placement/, 'placement'],
  [/novnc|vnc|spice|serial|console/, 'console'],
  [/nova|compute|osapi/, COMPUTE],
  [/cinder|volume|block.?storage/, 'block-storage'],
  [/glance|image/, 'image'],
  [/keystone|identity/, 'identity'],
  [/neutron|network/, 'network'],
  [/heat|orchestration/, 'orchestration'],
  [/blazar|reservation/, 'reservation'],
  [/swift|object/, 'object-store'],
  [/octavia|load.?balancer/, 'load-balancer'],
  [/ironic|baremetal/, 'baremetal'],
  [/barbican|key.?manager/, 'key-manager'],
  [/designate|dns/, 'dns'],
  [/manila|share/, 'shared-file-system'],
  [/horizon|dashboard/, 'dashboard'],
];

/** Default API ports (lb-logs.md §2.1: kolla's listen ports). */
const PORT_SERVICES: Record<string, string> = {
  '8774': COMPUTE,
  '8775': 'metadata',
  '8778': 'placement',
  '6080': 'console',
  '6082': 'console',
  '6083': 'console',
  '8776': 'block-storage',
  '9292': 'image',
  '5000': 'identity',
  '35357': 'identity',
  '9696': 'network',
  '8004': 'orchestration',
  '8080': 'object-store',
  '9876': 'load-balancer',
  '6385': 'baremetal',
  '9311': 'key-manager',
  '9001': 'dns',
  '8786': 'shared-file-system',
};

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

/**
 * Top-level resources of nova's router (nova/api/openstack/compute/routes.py ROUTE_LIST): after
 * `/v2/{project_id}/` or `/v1.1/{project_id}/` they say compute, except those below.
 */
const COMPUTE_RESOURCES = [
  'servers',
  'flavors',
  'images',
  'limits',
  'extensions',
  'os-agents',
  'os-aggregates',
  'os-assisted-volume-snapshots',
  'os-availability-zone',
  'os-baremetal-nodes',
  'os-cells',
  'os-certificates',
  'os-cloudpipe',
  'os-console-auth-tokens',
  'os-fixed-ips',
  'os-floating-ip-dns',
  'os-floating-ip-pools',
  'os-floating-ips',
  'os-floating-ips-bulk',
  'os-fping',
  'os-hosts',
  'os-hypervisors',
  'os-instance_usage_audit_log',
  'os-keypairs',
  'os-migrations',
  'os-networks',
  'os-quota-class-sets',
  'os-quota-sets',
  'os-security-group-default-rules',
  'os-security-group-rules',
  'os-security-groups',
  'os-server-external-events',
  'os-server-groups',
  'os-services',
  'os-simple-tenant-usage',
  'os-snapshots',
  'os-tenant-networks',
  'os-volumes',
  'os-volumes_boot',
];

/**
 * Resources other services also serve under the same version and a project id: cinder v2
 * (`/v2/{project}/os-hosts`, os-services, os-availability-zone, os-quota-sets, os-quota-class-sets,
 * limits, extensions), manila v2 (the same minus os-hosts), sahara v1.1 (`/v1.1/{project}/images`).
 */
const SHARED_RESOURCES: Record<string, ReadonlySet<string>> = {
  v2: new Set([
    'os-hosts',
    'os-services',
    'os-availability-zone',
    'os-quota-sets',
    'os-quota-class-sets',
    'limits',
    'extensions',
  ]),
  'v1.1': new Set(['images']),
};

const COMPUTE_ONLY: ReadonlySet<string> = new Set(COMPUTE_RESOURCES);

/** The versions nova has served (nova-logs.md §3 "Prefixes"). */
const NOVA_VERSIONS = new Set(['v2.1', 'v2', 'v1.1']);

/** What decided a front-end line's service. */
export type DecidedBy = 'path' | 'frontend-option' | 'name' | 'port' | 'file-name' | 'none';

export interface Attribution {
  service: string;
  decidedBy: DecidedBy;
  /** What the evidence was, briefly ("/v2.1 path", "frontend name nova_api_front", "port 8774"). */
  evidence: string;
  /**
   * The path has a version nova serves but did not decide: when such a line is attributed to
   * another service and its route is a compute pack's, it was set aside (the report says so).
   */
  novaPathOpen: boolean;
}

/** What a request target says about its service (interned: one object per kind of answer). */
export interface PathEvidence {
  /** 'compute': only nova serves it; 'not-compute': nova never serves it; 'open': it does not say. */
  says: 'compute' | 'not-compute' | 'open';
  /** The service a deployment prefix names, when that is not compute. */
  service: string | null;
  text: string;
  /** A version nova serves (v2, v2.1, v1.1). */
  novaVersion: boolean;
  /** The port of an absolute URI (HTTP/2 clients, ALB) and the service it is the default of. */
  port: string | null;
  portService: string | null;
}

const interned = new Map<string, PathEvidence>();
function evidence(
  key: string,
  says: PathEvidence['says'],
  service: string | null,
  text: string,
  novaVersion: boolean,
  port: string | null,
): PathEvidence {
  let e = interned.get(key);
  if (!e) {
    const portService = port === null ? null : (PORT_SERVICES[port] ?? null);
    interned.set(key, (e = { says, service, text, novaVersion, port, portService }));
  }
  return e;
}

const OPEN = evidence('o', 'open', null, 'the path does not say', false, null);
const V21 = evidence('v2.1', 'compute', null, '/v2.1 path', true, null);

const isVersion = (s: string): boolean => {
  if (s.length < 2 || s.charCodeAt(0) !== 118 /* v */) return false;
  let dots = 0;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (++dots > 1 || i === 1 || i === s.length - 1) return false;
    } else if (c < 48 || c > 57) return false;
  }
  return true;
};
const isProjectId = (s: string): boolean => s.length > 0 && /^[0-9a-f-]+$/.test(s);

/** Evidence of targets `/vN[.M]/…` whose version alone decides, by a number made of the version's characters. */
const byVersionCode = new Map<number, PathEvidence>();

/**
 * Read a raw request target (absolute or not, with a query) for its service evidence: it runs for
 * every front-end line. Targets that start with a version (most of them: `/v2.1/…`, `/v3/…`,
 * `/v2.0/…`, glance's `/v2/images`) are decided in place, without a string made (bench/, the
 * generated 300 MB HAProxy log: reading every target through segments, as the rest does, cost
 * ~0.5 µs a line, +14 % ingest CPU against names only; in place, ~0.05 µs and +4 %).
 * `computeOnly`: the resources that say compute after `/v2/{project_id}/` (nova's, and the
 * compute packs' routes).
 */
export function pathEvidence(uri: string, computeOnly: ReadonlySet<string> = COMPUTE_ONLY): PathEvidence {
  if (uri.charCodeAt(0) !== 47 /* / */ || uri.charCodeAt(1) !== 118 /* v */) return segmentEvidence(uri, computeOnly);
  const len = uri.length;
  let i = 2;
  let code = 0;
  let dots = 0;
  let last = 0;
  for (; i < len && i < 10; i++) {
    const c = uri.charCodeAt(i);
    if (c >= 48 && c <= 57) code = code * 12 + (c - 47);
    else if (c === 46 /* . */ && i > 2 && dots++ === 0) code = code * 12 + 11;
    else break;
    last = c;
  }
  const after = i < len ? uri.charCodeAt(i) : 47;
  // Not a plain version segment (`/v`, `/v2.`, `/vault`, …): the general way.
  if (i === 2 || last === 46 || (after !== 47 && after !== 63 /* ? */ && after !== 35) /* # */)
    return segmentEvidence(uri, computeOnly);
  if (code === V21_CODE) return V21;
  if (code === V2_CODE || code === V11_CODE) {
    // nova's versions decide only with a project id and a resource: in place, only whether there is no project id.
    let j = i + 1;
    while (j < len) {
      const c = uri.charCodeAt(j);
      if (c === 47 || c === 63 || c === 35) break;
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || c === 45)) break;
      j++;
    }
    const hexRun = j > i + 1 && (j === len || uri.charCodeAt(j) === 47 || uri.charCodeAt(j) === 63);
    if (hexRun && after === 47) return segmentEvidence(uri, computeOnly);
  }
  let e = byVersionCode.get(code);
  if (e === undefined) byVersionCode.set(code, (e = segmentEvidence(uri, computeOnly)));
  return e;
}
/** The codes pathEvidence computes for 2.1, 2 and 1.1. */
const V21_CODE = (3 * 12 + 11) * 12 + 2;
const V2_CODE = 3;
const V11_CODE = (2 * 12 + 11) * 12 + 2;

/** pathEvidence the general way: the leading segments, a prefix, the version, a project id, the resource. */
export function segmentEvidence(uri: string, computeOnly: ReadonlySet<string>): PathEvidence {
  let start = 0;
  let port: string | null = null;
  const scheme = uri.indexOf('://');
  if (scheme > 0 && scheme < 10) {
    const slash = uri.indexOf('/', scheme + 3);
    const authority = uri.slice(scheme + 3, slash < 0 ? uri.length : slash);
    const m = /:(\d+)$/.exec(authority);
    if (m) port = m[1]!;
    if (slash < 0) return port === null ? OPEN : evidence(`o:${port}`, 'open', null, OPEN.text, false, port);
    start = slash;
  }
  let end = uri.length;
  const q = uri.indexOf('?', start);
  if (q >= 0) end = q;
  const h = uri.indexOf('#', start);
  if (h >= 0 && h < end) end = h;
  // The leading segments: [prefix…,] version[, project], resource.
  const segs: string[] = [];
  let v = -1;
  let pos = start;
  while (pos < end && segs.length < (v < 0 ? 4 : v + 3)) {
    while (pos < end && uri.charCodeAt(pos) === 47 /* / */) pos++;
    if (pos >= end) break;
    let next = uri.indexOf('/', pos);
    if (next < 0 || next > end) next = end;
    const seg = uri.slice(pos, next);
    if (v < 0 && isVersion(seg)) v = segs.length;
    segs.push(seg);
    pos = next;
  }
  const p = port === null ? '' : `:${port}`;
  if (segs.length > 0 && v !== 0) {
    const prefixed = PREFIX_SERVICES[segs[0]!];
    if (prefixed === COMPUTE) return evidence(`c${p}`, 'compute', null, '/compute prefix (devstack)', true, port);
    if (prefixed) return evidence(`p:${segs[0]}${p}`, 'not-compute', prefixed, `/${segs[0]} prefix`, false, port);
  }
  if (v < 0) return port === null ? OPEN : evidence(`o${p}`, 'open', null, OPEN.text, false, port);
  const version = segs[v]!;
  if (version === 'v2.1') return port === null ? V21 : evidence(`v2.1${p}`, 'compute', null, V21.text, true, port);
  if (!NOVA_VERSIONS.has(version))
    return evidence(`n:${version}${p}`, 'not-compute', null, `/${version}: a version nova never served`, false, port);
  // v2 and v1.1: nova's only with a project id and one of its own resources. Without a project id
  // (glance's `/v2/images`) nova's clients never call them: not even a path nova could serve.
  const project = segs[v + 1];
  const resource = segs[v + 2];
  if (project === undefined || !isProjectId(project))
    return evidence(`o:${version}${p}`, 'open', null, `/${version} path without a project id`, false, port);
  if (resource !== undefined) {
    const name = resource.replace(/\.(?:json|xml)$/, '');
    if (computeOnly.has(name) && !SHARED_RESOURCES[version]!.has(name))
      return evidence(`r:${version}:${name}${p}`, 'compute', null, `/${version}/{project_id}/${name}`, true, port);
  }
  return evidence(`op:${version}${p}`, 'open', null, `/${version}/{project_id}/… (nova's and others')`, true, port);
}

/** The service a frontend/backend/vhost name or a file name says, words before ports. */
export const serviceFromName = (name: string): string | null => wordService(name) ?? portOf(name)?.service ?? null;

/** The default port a name holds (`nova-api:8774`, `api_8774`) and its service. */
function portOf(name: string): { port: string; service: string } | null {
  for (const m of name.matchAll(/(?:^|\D)(\d{4,5})(?=\D|$)/g)) {
    const s = PORT_SERVICES[m[1]!];
    if (s) return { port: m[1]!, service: s };
  }
  return null;
}
function wordService(name: string): string | null {
  const n = name.toLowerCase();
  for (const [re, service] of NAME_RULES) if (re.test(n)) return service;
  return null;
}

export interface ServiceOptions {
  /** --frontend NAME (repeatable): HAProxy frontends/backends or vhosts that serve the compute API. */
  frontends: readonly string[];
  /** The file being read: only its base name may help (kolla's nova-api-access.log), never its folders. */
  filePath: string | null;
  /** Top-level resources of the compute packs' routes: after `/v2/{project_id}/` they say compute too. */
  computeResources?: readonly string[];
}

/** Attribute a front-end request from its frontend and backend names and its raw target. */
export type ServiceOf = (frontend: string | null, backend: string | null, uri: string) => Attribution;

/** What the names of a line (and the --frontend list) say, before the path is weighed. */
interface NameVerdict {
  service: string | null;
  decidedBy: DecidedBy;
  evidence: string;
  /** Final attributions by path evidence. */
  byPath: Map<PathEvidence, Attribution>;
}

/** Decide once per file how front-end lines are attributed to a service. */
export function compileServiceOf(opts: ServiceOptions): ServiceOf {
  const named = new Set(opts.frontends.map((f) => f.toLowerCase().replace(/~$/, '')));
  const computeOnly = opts.computeResources?.length
    ? new Set([...COMPUTE_RESOURCES, ...opts.computeResources])
    : COMPUTE_ONLY;
  const baseName = opts.filePath === null ? null : opts.filePath.replace(/^.*[/\\]/, '');
  const fileService = baseName === null ? null : serviceFromName(baseName);
  const fileVerdict: NameVerdict | null =
    fileService === null
      ? null
      : { service: fileService, decidedBy: 'file-name', evidence: `file name ${baseName}`, byPath: new Map() };
  const nothing: NameVerdict = fileVerdict ?? {
    service: null,
    decidedBy: 'none',
    evidence: 'no path, name, port or file name says',
    byPath: new Map(),
  };

  const fromNames = (frontend: string | null, backend: string | null): NameVerdict => {
    const names = [frontend, backend].filter((x): x is string => x !== null && x !== '');
    if (names.length === 0) return nothing;
    const verdict = (service: string | null, decidedBy: DecidedBy, evidence: string): NameVerdict => ({
      service,
      decidedBy,
      evidence,
      byPath: new Map(),
    });
    if (named.size > 0) {
      const hit = names.find((x) => named.has(x.toLowerCase().replace(/~$/, '')));
      if (hit) return verdict(COMPUTE, 'frontend-option', `--frontend ${hit.replace(/~$/, '')}`);
      // Named frontends are compute; any other is some other service, never compute.
      const other = names.map(serviceFromName).find((x) => x !== null && x !== COMPUTE);
      return verdict(other ?? 'other', 'frontend-option', '--frontend names others');
    }
    for (const [i, x] of names.entries()) {
      const s = wordService(x);
      if (s) return verdict(s, 'name', `${i === 0 && frontend ? 'frontend' : 'backend'} name ${x}`);
    }
    for (const x of names) {
      const p = portOf(x);
      if (p) return verdict(p.service, 'port', `port ${p.port}`);
    }
    return nothing;
  };

  // frontend → backend → verdict ('' for a missing name): looked up on every front-end line.
  const byNames = new Map<string, Map<string, NameVerdict>>();
  const namesOf = (frontend: string | null, backend: string | null): NameVerdict => {
    let inner = byNames.get(frontend ?? '');
    if (!inner) byNames.set(frontend ?? '', (inner = new Map()));
    let v = inner.get(backend ?? '');
    if (!v) inner.set(backend ?? '', (v = fromNames(frontend, backend)));
    return v;
  };

  // Lines of one frontend often come in runs: compare with the last pair before any lookup.
  let lastFrontend: string | null = null;
  let lastBackend: string | null = null;
  let lastVerdict: NameVerdict | null = null;
  return (frontend, backend, uri) => {
    let names: NameVerdict;
    if (lastVerdict !== null && frontend === lastFrontend && backend === lastBackend) names = lastVerdict;
    else {
      names = namesOf(frontend, backend);
      lastFrontend = frontend;
      lastBackend = backend;
      lastVerdict = names;
    }
    const path = pathEvidence(uri, computeOnly);
    let a = names.byPath.get(path);
    if (!a) names.byPath.set(path, (a = weigh(names, path, fileVerdict)));
    return a;
  };
}

/** The path first; when it does not say, the names (or --frontend), a port, the file's name. */
function weigh(names: NameVerdict, path: PathEvidence, file: NameVerdict | null): Attribution {
  const nameSays = names.decidedBy === 'file-name' || names.decidedBy === 'none' ? null : names;
  if (path.says === 'compute') {
    const against =
      nameSays && nameSays.service !== COMPUTE ? ` (overrides ${nameSays.evidence} → ${nameSays.service})` : '';
    return { service: COMPUTE, decidedBy: 'path', evidence: path.text + against, novaPathOpen: false };
  }
  if (path.says === 'not-compute') {
    if (path.service !== null)
      return { service: path.service, decidedBy: 'path', evidence: path.text, novaPathOpen: false };
    // Not compute: the names, a port or the file's name may still say which service it is.
    for (const v of [nameSays, file])
      if (v && v.service !== null && v.service !== COMPUTE)
        return { service: v.service, decidedBy: v.decidedBy, evidence: v.evidence, novaPathOpen: false };
    if (path.portService !== null && path.portService !== COMPUTE)
      return { service: path.portService, decidedBy: 'port', evidence: `port ${path.port}`, novaPathOpen: false };
    const against = nameSays?.service === COMPUTE ? ` (overrides ${nameSays.evidence} → compute)` : '';
    return { service: 'unknown', decidedBy: 'path', evidence: path.text + against, novaPathOpen: false };
  }
  const open = path.novaVersion;
  if (nameSays && nameSays.service !== null)
    return {
      service: nameSays.service,
      decidedBy: nameSays.decidedBy,
      evidence: nameSays.evidence,
      novaPathOpen: open,
    };
  if (path.portService !== null)
    return { service: path.portService, decidedBy: 'port', evidence: `port ${path.port}`, novaPathOpen: open };
  if (file && file.service !== null)
    return { service: file.service, decidedBy: 'file-name', evidence: file.evidence, novaPathOpen: open };
  return {
    service: 'unknown',
    decidedBy: 'none',
    evidence: open ? `${path.text}, and no name, port or file name` : 'no path, name, port or file name says',
    novaPathOpen: open,
  };
}
