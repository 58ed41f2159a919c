/**
 * The bundled rule packs as a set: what test/classify.test.ts cannot check
 * pack by pack. No two packs of a service claim the same sample, live paths
 * are claimed by no deprecated pack, refusals are the answers the cited
 * sources give, and every fact names its source. docs/rule-packs.md has the
 * table these facts come from.
 */
import { describe, expect, it } from 'vitest';
import { normalisePath } from '../src/paths.js';
import { compileClassifier, loadBundledPacks, type RulePack } from '../src/rules.js';

const packs = loadBundledPacks();
const classifier = compileClassifier(packs);
const byApi = new Map(packs.map((p) => [p.api, p]));
const segmentsOf = (uri: string): string[] => normalisePath(uri).segments;
const classify = (method: string, uri: string, service = 'compute') =>
  classifier.classify(service, method, segmentsOf(uri));
const isDeprecated = (p: RulePack): boolean => p.deprecated !== null || p.removed !== null;

const S = '5f9a2a1e-4c7e-4b1e-9a55-3c2d1e0f9a8b';
const P = 'e7dcfe9fe2f143d29e518e41a20553cf';

describe('the bundled packs', () => {
  it('have unique api names (a user pack replaces a bundled one by api name, across services)', () => {
    expect(new Set(packs.map((p) => p.api)).size).toBe(packs.length);
  });

  it(`include a pack for every API under "Deprecated APIs" \
and "Obsolete APIs" of nova api-ref/source/index.rst`, () => {
    const apiRef = [
      // Deprecated APIs
      'extensions',
      'os-networks',
      'os-volumes',
      'nova-proxy-images',
      'os-baremetal-nodes',
      'os-tenant-networks',
      'os-floating-ip-pools',
      'os-floating-ips',
      'os-security-groups',
      'os-security-group-default-rules',
      'os-security-group-rules',
      'os-hosts',
      // Obsolete APIs (os-virtual-interfaces is in the 2.44 pack)
      'os-certificates',
      'os-cloudpipe',
      'os-fping',
      'nova-network-2.44',
      'os-fixed-ips',
      'os-floating-ips-bulk',
      'os-floating-ip-dns',
      'os-cells',
      // Removed later, and routes deprecated inside live APIs
      'os-agents',
      'os-consoles',
      'os-hypervisors-search',
      'os-hypervisors-statistics-uptime',
    ];
    for (const api of apiRef) expect(byApi.get(api)?.service, api).toBe('compute');
  });

  it('include at least one Cinder and one Glance pack, each with its own service', () => {
    expect(byApi.get('cinder-consistencygroups')?.service).toBe('block-storage');
    expect(byApi.get('glance-images-v1')?.service).toBe('image');
  });

  for (const p of packs) {
    it(`${p.api}: every source field is filled in`, () => {
      expect(p.source, 'source').toMatch(/\S{3}/);
      if (p.deprecated) expect(p.deprecated.source, 'deprecated.source').toMatch(/\S{3}/);
      if (p.removed) {
        expect(p.removed.source, 'removed.source').toMatch(/\S{3}/);
        expect(p.removed.release, 'removed.release').toMatch(/\S{3}/);
      }
      if (p.refusal) expect(p.refusal.source ?? '', 'refusal.source').toMatch(/\S{3}/);
      for (const e of p.effects) expect(e.source ?? '', `effect ${e.action}`).toMatch(/\S{3}/);
    });

    it(`${p.api}: every route and action is exercised by a sample, and there is an "other" sample`, () => {
      const sampled = new Set(p.samples.map((s) => s.action));
      // Audit-only routes (CADF events) have no access-log sample; they are checked below.
      for (const r of p.routes)
        if (r.auditAction === undefined) expect(sampled.has(r.action), `${r.method} ${r.path}`).toBe(true);
      // A guard pack's "other" can be unreachable (another pack owns its anchor's other paths).
      if (isDeprecated(p)) expect(sampled.has('other'), 'an "other" sample').toBe(true);
    });
  }
});

describe('no two packs of a service claim the same sample', () => {
  // A pack alone sees a path under its anchor as "other"; a route of another pack on the
  // same path would win. Anchors are positional (src/rules.ts), so a live path that merely
  // holds a deprecated pack's anchor further along (GET /servers/{id}/os-security-groups)
  // is nobody's: no pack may see another pack's sample at all.
  const expectedShadows: string[] = [];
  const orderDependent: string[] = [];

  it('routes and anchors never overlap between packs of a service', () => {
    const shadows: string[] = [];
    const otherShared: string[] = [];
    for (const a of packs) {
      for (const s of a.samples) {
        const service = s.service ?? a.service;
        for (const b of packs) {
          if (b === a || b.service !== service) continue;
          const alone = compileClassifier([b]).classify(service, s.method, segmentsOf(s.path), s.auditAction ?? null);
          if (alone === null) continue;
          expect(alone.action, `${b.api} has a route for ${a.api}'s sample ${s.method} ${s.path}`).toBe('other');
          if (s.action === 'other') otherShared.push(`${a.api}: ${s.method} ${s.path}`);
          shadows.push(`${b.api} sees ${a.api}`);
        }
      }
    }
    expect([...new Set(shadows)].sort()).toEqual([...expectedShadows].sort());
    expect(otherShared).toEqual(orderDependent);
  });

  it("a path variable equal to another pack's anchor does not steal the call: the earlier segment's route wins", () => {
    expect(classify('GET', '/v2.1/extensions/os-hosts')).toEqual({
      api: 'extensions',
      action: 'show',
      target: 'os-hosts',
    });
    expect(classify('GET', '/v2.1/os-hosts/os-agents')).toEqual({
      api: 'os-hosts',
      action: 'show',
      target: 'os-agents',
    });
  });

  it('a pack loaded alone still classifies its own route samples', () => {
    for (const p of packs) {
      const alone = compileClassifier([p]);
      for (const s of p.samples.filter((x) => x.action !== 'other')) {
        expect(
          alone.classify(s.service ?? p.service, s.method, segmentsOf(s.path), s.auditAction ?? null),
          `${p.api}: ${s.method} ${s.path}`,
        ).toEqual({
          api: p.api,
          action: s.action,
          target: s.target ?? null,
        });
      }
    }
  });

  it('the load order changes nothing', () => {
    const reversed = compileClassifier([...packs].reverse());
    const changed: string[] = [];
    for (const p of packs) {
      for (const s of p.samples) {
        const service = s.service ?? p.service;
        const a = classifier.classify(service, s.method, segmentsOf(s.path), s.auditAction ?? null);
        const b = reversed.classify(service, s.method, segmentsOf(s.path), s.auditAction ?? null);
        if (JSON.stringify(a) !== JSON.stringify(b)) changed.push(`${p.api}: ${s.method} ${s.path}`);
      }
    }
    expect(changed).toEqual(orderDependent);
  });
});

describe('live paths are claimed by no deprecated pack', () => {
  // [method, uri, service, the live pack that claims it (null: none)]
  const live: [string, string, string, string | null][] = [
    ['GET', '/v2.1/servers', 'compute', null],
    ['GET', '/v2.1/servers/detail', 'compute', null],
    ['GET', `/v2/${P}/servers/detail?all_tenants=1`, 'compute', null],
    ['POST', '/v2.1/servers', 'compute', null],
    ['GET', `/v2.1/servers/${S}`, 'compute', null],
    ['PUT', `/v2.1/servers/${S}`, 'compute', null],
    ['DELETE', `/v2.1/servers/${S}`, 'compute', null],
    ['POST', `/v2.1/servers/${S}/action`, 'compute', null],
    ['POST', `/compute/v2.1/servers/${S}/action`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/ips`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/metadata`, 'compute', null],
    ['PUT', `/v2.1/servers/${S}/metadata/key1`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/os-interface`, 'compute', null],
    ['POST', `/v2.1/servers/${S}/os-interface`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/os-volume_attachments`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/os-instance-actions`, 'compute', null],
    ['POST', `/v2.1/servers/${S}/remote-consoles`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/migrations`, 'compute', null],
    ['POST', `/v2.1/servers/${S}/migrations/1/action`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/tags`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/os-server-password`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/diagnostics`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/topology`, 'compute', null],
    ['GET', `/v2.1/servers/${S}/os-security-groups`, 'compute', null],
    ['GET', '/v2.1/flavors/detail', 'compute', null],
    ['POST', '/v2.1/flavors/1/action', 'compute', null],
    ['GET', '/v2.1/flavors/1/os-extra_specs', 'compute', null],
    ['GET', '/v2.1/os-hypervisors', 'compute', null],
    ['GET', '/v2.1/os-hypervisors/detail?hypervisor_hostname_pattern=cmp', 'compute', null],
    ['GET', `/v2.1/os-hypervisors/${S}?with_servers=true`, 'compute', null],
    ['GET', '/v2.1/os-aggregates', 'compute', null],
    ['POST', '/v2.1/os-aggregates/1/action', 'compute', null],
    ['GET', '/v2.1/limits', 'compute', null],
    ['GET', '/v2.1/os-keypairs', 'compute', null],
    ['GET', '/v2.1/os-availability-zone/detail', 'compute', null],
    ['GET', '/v2.1/os-server-groups', 'compute', null],
    ['GET', `/v2.1/os-quota-sets/${P}/detail`, 'compute', null],
    ['GET', '/v2.1/os-simple-tenant-usage', 'compute', null],
    ['GET', '/v2.1/os-migrations', 'compute', null],
    ['GET', '/v2.1/os-volumes_boot', 'compute', null],
    ['POST', `/v2.1/os-volumes_boot/${S}/action`, 'compute', null],
    ['GET', '/v2.1/os-instance_usage_audit_log', 'compute', null],
    ['POST', '/v2.1/os-server-external-events', 'compute', null],
    ['POST', '/v2.1/os-assisted-volume-snapshots', 'compute', null],
    ['GET', '/v2.1/os-console-auth-tokens/abc', 'compute', null],
    ['GET', '/v2.1/', 'compute', null],
    ['GET', '/v2.1/os-services', 'compute', 'os-services'],
    ['GET', `/v3/${P}/volumes/detail`, 'block-storage', null],
    ['POST', `/v3/${P}/volumes/${S}/action`, 'block-storage', null],
    ['GET', `/v3/${P}/snapshots/detail`, 'block-storage', null],
    ['GET', `/v3/${P}/groups/detail`, 'block-storage', null],
    ['POST', `/v3/${P}/groups/action`, 'block-storage', null],
    ['GET', `/v3/${P}/group_snapshots/detail`, 'block-storage', null],
    ['GET', `/v3/${P}/backups/detail`, 'block-storage', null],
    ['GET', `/v3/${P}/os-hosts`, 'block-storage', null],
    ['GET', '/v2/images', 'image', null],
    ['GET', `/v2/images/${S}`, 'image', null],
    ['PATCH', `/v2/images/${S}`, 'image', null],
    ['PUT', `/v2/images/${S}/file`, 'image', null],
    ['POST', `/v2/images/${S}/import`, 'image', null],
    ['GET', `/v2/images/${S}/members`, 'image', null],
    ['PUT', `/v2/images/${S}/members/${P}`, 'image', null],
    ['GET', '/v2/schemas/image', 'image', null],
    ['GET', '/v2/tasks', 'image', null],
    ['GET', '/v2/info/stores/detail', 'image', null],
    ['GET', '/v1/os-hosts', 'reservation', null],
  ];
  it.each(live)('%s %s (%s)', (method, uri, service, owner) => {
    const got = classify(method, uri, service);
    expect(got?.api ?? null).toBe(owner);
    if (got) expect(isDeprecated(byApi.get(got.api)!), `${got.api} is a deprecated pack`).toBe(false);
  });

  it('POST /servers/{id}/action is the documented exception: only a CADF event naming a 2.44 action is claimed', () => {
    const segs = segmentsOf(`/v2.1/servers/${S}/action`);
    expect(classifier.classify('compute', 'POST', segs)).toBeNull();
    expect(classifier.classify('compute', '*', segs, 'update/reboot')).toBeNull();
    expect(classifier.classify('compute', '*', segs, 'update/os-resetState')).toBeNull();
    expect(classifier.classify('compute', '*', segs, 'update/addFloatingIp')).toEqual({
      api: 'nova-network-2.44',
      action: 'add-floating-ip',
      target: S,
    });
    expect(classifier.classify('compute', 'POST', segs, 'update/removeFixedIp')).toEqual({
      api: 'nova-network-2.44',
      action: 'remove-fixed-ip',
      target: S,
    });
  });

  it('every audit-only route classifies from its CADF action, and from no access line', () => {
    for (const p of packs) {
      for (const r of p.routes.filter((x) => x.auditAction !== undefined)) {
        const path = r.path.replace(/\{[^}]+\}/g, S);
        const want = { api: p.api, action: r.action, target: r.target ? S : null };
        expect(
          classifier.classify(p.service, '*', segmentsOf(`/v2.1${path}`), r.auditAction),
          `${p.api} ${r.auditAction}`,
        ).toEqual(want);
        expect(
          classifier.classify(p.service, r.method, segmentsOf(`/v2.1${path}`)),
          `${p.api} access ${r.method} ${path}`,
        ).toBeNull();
      }
    }
  });

  it('no compute pack anchors on a segment of a live API', () => {
    const liveSegments = [
      'servers',
      'action',
      'detail',
      'metadata',
      'flavors',
      'os-hypervisors',
      'os-aggregates',
      'os-interface',
      'os-volume_attachments',
      'os-volumes_boot',
      'remote-consoles',
      'limits',
    ];
    for (const p of packs.filter((x) => x.service === 'compute')) {
      // The loader's default: the first literal segment of each access-log route.
      const anchors = p.anchors ?? [
        ...new Set(
          p.routes
            .filter((r) => r.auditAction === undefined)
            .map((r) => r.path.split('/').find((s) => s !== '' && !s.startsWith('{'))!),
        ),
      ];
      for (const a of anchors) expect(liveSegments, `${p.api} anchors on ${a}`).not.toContain(a);
    }
  });
});

describe('refusals are the answers the cited sources give', () => {
  // [api, status, fromMicroversion] — see the table in docs/rule-packs.md.
  const facts: [string, number | null, string | null][] = [
    ['os-hosts', 404, '2.43'],
    ['os-services', null, null],
    ['extensions', null, null],
    ['nova-proxy-images', 404, '2.36'],
    ['os-volumes', 404, '2.36'],
    ['os-floating-ips', 404, '2.36'],
    ['os-floating-ip-pools', 404, '2.36'],
    ['os-security-groups', 404, '2.36'],
    ['os-security-group-rules', 404, '2.36'],
    ['os-baremetal-nodes', 404, '2.36'],
    ['os-networks', 410, null],
    ['os-tenant-networks', 410, null],
    ['os-security-group-default-rules', 410, null],
    ['os-fping', 410, null],
    ['os-fixed-ips', 410, null],
    ['os-floating-ips-bulk', 410, null],
    ['os-floating-ip-dns', 410, null],
    ['nova-network-2.44', 410, null],
    ['os-cells', 410, null],
    ['os-certificates', 410, null],
    ['os-cloudpipe', 410, null],
    ['os-agents', 410, null],
    ['os-consoles', 410, null],
    ['os-hypervisors-search', 404, '2.53'],
    ['os-hypervisors-statistics-uptime', 404, '2.88'],
    ['cinder-consistencygroups', null, null],
    ['glance-images-v1', 300, null],
  ];

  it('every bundled pack has a row here', () => {
    expect(facts.map((f) => f[0]).sort()).toEqual(packs.map((p) => p.api).sort());
  });

  it.each(facts)('%s answers %s from %s', (api, status, from) => {
    const p = byApi.get(api)!;
    expect(p.refusal?.status ?? null).toBe(status);
    expect(p.refusal?.fromMicroversion ?? null).toBe(from);
  });

  it(`compute: a removed API answers 410 at every microversion; \
a deprecated one 404 from its deprecation microversion`, () => {
    for (const p of packs.filter((x) => x.service === 'compute')) {
      if (p.removed)
        expect([p.api, p.refusal?.status, p.refusal?.fromMicroversion ?? null]).toEqual([p.api, 410, null]);
      else if (p.deprecated?.microversion)
        expect([p.api, p.refusal?.status, p.refusal?.fromMicroversion]).toEqual([
          p.api,
          404,
          p.deprecated.microversion,
        ]);
      else expect([p.api, p.refusal]).toEqual([p.api, null]);
    }
  });

  it('live packs are not deprecated and refuse nothing', () => {
    for (const api of ['os-services']) {
      const p = byApi.get(api)!;
      expect([p.deprecated, p.removed, p.refusal]).toEqual([null, null, null]);
    }
  });
});
