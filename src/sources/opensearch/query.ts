/**
 * The queries sent to the cluster, for kolla-ansible's central logging (central-logging.md §1,
 * §3.4-3.5): fields `Payload` (text), `programname`, `python_module`, `Hostname` (text with a
 * `.keyword` subfield from dynamic mapping) and `@timestamp` (date).
 *
 * Candidates: the documents a rule pack or the hosts controller may want, and only those.
 * `Payload` is analysed (the standard tokenizer splits `/v2.1/os-hosts` into `v2.1`, `os`,
 * `hosts`), so an anchor is a phrase, with its `.json`/`.xml` forms (`hosts.json` is one token).
 * - nova's own access lines (requestlog, eventlet wsgi.server): compute anchors (nova's lines are compute);
 * - nova-api's uWSGI and Apache lines: compute anchors, and another service's anchors only with
 *   that service's path prefix (without a prefix, the file name, nova-api-…, makes them compute);
 * - HAProxy: every pack's anchors, except on lines whose front end's name attributes them to
 *   another service (src/service.ts): compute's skip kolla's other API front ends (with
 *   --frontend, they take the named front ends only), the others' skip compute's front ends, so
 *   `servers/detail` is not fetched for glance-v1's `detail`, nor `/v2/images` for nova's proxy;
 * - the hosts controller's and other effect loggers' messages, by `python_module`.
 * Every hit is parsed again by the file parsers and classified by the packs: the query only has
 * to hold at least every line they can take (a percent-encoded anchor, `os%2Dhosts`, is not
 * found: the analyser does not decode it).
 *
 * Totals: per hour, one `filters` bucket per (layer, service, front end) the file parsers would
 * count a request under, from one `date_histogram` (pushdown).
 */
import type { RulePack } from '../../rules.js';
import { packAnchors } from '../../rules.js';
import { COMPUTE, prefixesOf, serviceFromName } from '../../service.js';

export const FIELDS = {
  time: '@timestamp',
  payload: 'Payload',
  program: 'programname.keyword',
  logger: 'python_module.keyword',
} as const;

/** nova's access loggers (parsers/nova-requestlog.ts, nova-eventlet.ts). */
export const ACCESS_LOGGERS = ['nova.api.openstack.requestlog', 'nova.osapi_compute.wsgi.server'];
export const UWSGI_PROGRAM = 'nova-api-uwsgi';
export const APACHE_PROGRAM = 'nova-api-access';
export const HAPROXY_PROGRAM = 'haproxy';
/** kolla's HAProxy front ends of the compute API (ansible/roles/nova/defaults/main.yml). */
export const KOLLA_COMPUTE_FRONTENDS = ['nova_api_front', 'nova_api_external_front'];
/**
 * kolla's front ends of other APIs (`<service>_front`, `<service>_external_front`): their names
 * attribute a line to that service (src/service.ts), so compute's anchors never apply to them
 * (glance's `/v2/images` is not nova's proxy `/images`).
 */
export const KOLLA_OTHER_FRONTENDS = [
  'glance_api',
  'cinder_api',
  'neutron_server',
  'keystone_internal',
  'keystone_external',
  'placement_api',
  'heat_api',
  'heat_api_cfn',
  'octavia_api',
  'barbican_api',
  'designate_api',
  'ironic_api',
  'manila_api',
  'swift_api',
].flatMap((s) => [`${s}_front`, `${s}_external_front`]);

/** What a page asks for of each document: what mapping.ts rebuilds the line from. */
export const SOURCE_FIELDS = [
  '@timestamp',
  'Timestamp',
  'Pid',
  'log_level',
  'python_module',
  'request_id',
  'global_request_id',
  'user_id',
  'tenant_id',
  'domain_id',
  'system_scope',
  'user_domain',
  'project_domain',
  'Payload',
  'Hostname',
  'programname',
  'App',
  'Req',
  'Address',
  'User',
  'Vars',
  'Bytes',
];

type Query = Record<string, unknown>;

const phrase = (text: string): Query => ({ match_phrase: { [FIELDS.payload]: text } });
const anyOf = (qs: Query[]): Query => (qs.length === 1 ? qs[0]! : { bool: { should: qs, minimum_should_match: 1 } });
const allOf = (qs: Query[]): Query => ({ bool: { filter: qs } });
const terms = (field: string, values: readonly string[]): Query =>
  values.length === 1 ? { term: { [field]: values[0] } } : { terms: { [field]: [...values] } };

/** An anchor's phrases: as written, and with nova's old .json/.xml suffixes. */
const anchorPhrases = (anchors: Iterable<string>): Query[] =>
  [...new Set(anchors)].sort().flatMap((a) => [phrase(a), phrase(`${a}.json`), phrase(`${a}.xml`)]);

/** Anchors per service, compute first. */
export function anchorsByService(packs: readonly RulePack[]): Map<string, Set<string>> {
  const by = new Map<string, Set<string>>([[COMPUTE, new Set()]]);
  for (const p of packs) {
    let set = by.get(p.service);
    if (!set) by.set(p.service, (set = new Set()));
    for (const a of packAnchors(p)) set.add(a);
  }
  return by;
}

/** Loggers whose messages the packs read (effects: the hosts controller's "Disabling host …"). */
export const messageLoggersOf = (packs: readonly RulePack[]): string[] =>
  [...new Set(packs.flatMap((p) => p.effects.flatMap((e) => e.loggers)))].sort();

/** The compute front ends: --frontend names when given (they alone are compute then), else kolla's. */
export const computeFrontends = (frontends: readonly string[]): string[] =>
  frontends.length > 0 ? [...frontends] : KOLLA_COMPUTE_FRONTENDS;

/** The candidate query (without its time range). */
export function candidateQuery(packs: readonly RulePack[], frontends: readonly string[]): Query {
  const by = anchorsByService(packs);
  const compute = anchorPhrases(by.get(COMPUTE)!);
  const others = [...by].filter(([s, a]) => s !== COMPUTE && a.size > 0);
  const should: Query[] = [];
  if (compute.length > 0) should.push(allOf([terms(FIELDS.logger, ACCESS_LOGGERS), anyOf(compute)]));
  const web = [...compute];
  for (const [service, anchors] of others) {
    const prefixes = prefixesOf(service);
    if (prefixes.length > 0) web.push(allOf([anyOf(prefixes.map(phrase)), anyOf(anchorPhrases(anchors))]));
  }
  if (web.length > 0) should.push(allOf([terms(FIELDS.program, [UWSGI_PROGRAM, APACHE_PROGRAM]), anyOf(web)]));
  // HAProxy lines take a service's anchors unless their front end's name gives another service:
  // with --frontend, only the named front ends are compute; kolla's API front ends are their services'.
  const named = KOLLA_OTHER_FRONTENDS.filter((fe) => !frontends.includes(fe));
  const notOf = (service: string): string[] => [
    ...(service === COMPUTE ? [] : computeFrontends(frontends)),
    ...named.filter((fe) => (serviceFromName(fe) ?? 'other') !== service),
  ];
  const lb: Query[] = [];
  if (compute.length > 0)
    lb.push(
      frontends.length > 0
        ? allOf([anyOf(frontends.map(phrase)), anyOf(compute)])
        : { bool: { filter: [anyOf(compute)], must_not: notOf(COMPUTE).map(phrase) } },
    );
  for (const [service, anchors] of others)
    lb.push({ bool: { filter: [anyOf(anchorPhrases(anchors))], must_not: notOf(service).map(phrase) } });
  if (lb.length > 0) should.push(allOf([terms(FIELDS.program, [HAPROXY_PROGRAM]), anyOf(lb)]));
  const loggers = messageLoggersOf(packs);
  if (loggers.length > 0) should.push(terms(FIELDS.logger, loggers));
  return { bool: { should, minimum_should_match: 1 } };
}

/** What a request counted by a bucket is filed under: the labels the file processor gives (src/ingest/process.ts). */
export interface Kind {
  name: string;
  layer: string;
  service: string;
  frontend: string;
  query: Query;
}

/**
 * The request buckets: nova's access lines (status, len and time: not the eventlet logger's
 * "accepted" lines), nova-api's uWSGI request lines and Apache lines, and per HAProxy front end
 * (compute's, and kolla's other APIs' under their services) its HTTP lines (not its "Proxy …
 * started" events, `<BADREQ>` or TCP lines, which the parsers do not count as requests either).
 */
export function kindsOf(frontends: readonly string[]): Kind[] {
  const kinds: Kind[] = [
    {
      name: 'nova',
      layer: 'nova',
      service: COMPUTE,
      frontend: '',
      query: allOf([
        terms(FIELDS.logger, ACCESS_LOGGERS),
        { match: { [FIELDS.payload]: { query: 'status len time', operator: 'and' } } },
      ]),
    },
    {
      name: 'web',
      layer: 'web',
      service: COMPUTE,
      frontend: '',
      query: anyOf([
        allOf([
          terms(FIELDS.program, [UWSGI_PROGRAM]),
          { match: { [FIELDS.payload]: { query: 'generated bytes', operator: 'and' } } },
        ]),
        terms(FIELDS.program, [APACHE_PROGRAM]),
      ]),
    },
  ];
  // HAProxy: compute's front ends, and kolla's others under the service their names say.
  const lb: [string, string][] = [
    ...computeFrontends(frontends).map((fe): [string, string] => [fe, COMPUTE]),
    ...KOLLA_OTHER_FRONTENDS.filter((fe) => !frontends.includes(fe)).map((fe): [string, string] => [
      fe,
      serviceFromName(fe) ?? 'other',
    ]),
  ];
  lb.forEach(([fe, service], i) =>
    kinds.push({
      name: `lb${i}`,
      layer: 'lb',
      service,
      frontend: fe,
      query: allOf([terms(FIELDS.program, [HAPROXY_PROGRAM]), phrase(fe), { match: { [FIELDS.payload]: 'http' } }]),
    }),
  );
  return kinds;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export const timeRange = (from: number, to: number): Query => ({
  range: { [FIELDS.time]: { gte: iso(from), lt: iso(to) } },
});

export const inRange = (from: number, to: number, q: Query): Query => ({
  bool: { filter: [timeRange(from, to), q] },
});

/** The one aggregation of a window: per hour, each kind's requests and the candidates. */
export function totalsBody(from: number, to: number, kinds: readonly Kind[], candidates: Query): Query {
  const filters: Record<string, Query> = { candidates };
  for (const k of kinds) filters[k.name] = k.query;
  return {
    size: 0,
    track_total_hits: true,
    query: timeRange(from, to),
    aggs: {
      per_hour: {
        date_histogram: {
          field: FIELDS.time,
          fixed_interval: '1h',
          min_doc_count: 0,
          extended_bounds: { min: from, max: to - 1 },
        },
        aggs: { kind: { filters: { filters } } },
      },
      // The first and last request of the window, exact: the report's span starts and ends there
      // (as a file's first and last line do), not at the edges of their hours.
      requests: {
        filter: { bool: { should: kinds.map((k) => k.query), minimum_should_match: 1 } },
        aggs: { first: { min: { field: FIELDS.time } }, last: { max: { field: FIELDS.time } } },
      },
    },
  };
}

/** Sort of every page: time first (files are in time order), then a tiebreaker unique in the view. */
export const sortFor = (paging: 'pit' | 'scroll' | 'plain'): unknown[] =>
  paging === 'pit' ? [{ [FIELDS.time]: 'asc' }, { _shard_doc: 'asc' }] : [{ [FIELDS.time]: 'asc' }, '_doc'];

/** The keys a page answer is cut down to (filter_path). */
export const PAGE_FILTER =
  'pit_id,_scroll_id,timed_out,_shards.total,_shards.failed,_shards.failures,hits.total,hits.hits._index,' +
  'hits.hits._id,hits.hits._source,hits.hits.sort';
