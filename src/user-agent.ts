/**
 * User-Agent → client family and version. The families and their headers come
 * from nova-logs.md §6: novaclient sends exactly `python-novaclient` (so do
 * Horizon and older OSC, which call through it); OSC sends `osc-lib/…` or
 * `python-openstackclient…` before keystoneauth1; SDK tools send
 * `openstacksdk/<v> keystoneauth1/<v> python-requests/<v> CPython/<v>`.
 * Order matters: the most specific product wins.
 */

export interface ClientFamily {
  family: string;
  /** Version of the family's product token (`6.2.0`), or null. */
  version: string | null;
}

/** [family, pattern whose group 1 is the version] — first match wins. */
const FAMILIES: ReadonlyArray<readonly [string, RegExp]> = [
  ['Horizon', /\b(?:horizon|openstack[-_]dashboard)(?:\/(\S+))?/i],
  ['python-openstackclient', /\bpython-openstackclient(?:\/(\S+))?/],
  ['python-openstackclient', /\bosc-lib\/(\S+)/],
  ['python-novaclient', /\bpython-novaclient(?:\/(\S+))?/],
  ['Terraform', /\bTerraform\/(\S+)/i],
  ['gophercloud (Go)', /\bgophercloud\/(\S+)/],
  ['openstack4j (Java)', /\bopenstack4j(?:\/(\S+))?/i],
  ['openstacksdk', /\bopenstacksdk\/(\S+)/],
  ['shade', /\bshade\/(\S+)/],
  ['tempest', /\btempest(?:\/(\S+))?/i],
  ['rally', /\brally(?:\/(\S+))?/i],
  ['keystoneauth1', /\bkeystoneauth1\/(\S+)/],
  ['curl', /^curl\/(\S+)/],
  ['Go-http-client (Go)', /^Go-http-client\/(\S+)/],
  ['Java', /\bJava\/(\S+)|\bApache-HttpClient\/(\S+)|\bokhttp\/(\S+)/],
  ['python-requests', /\bpython-requests\/(\S+)/],
  ['python-urllib', /\bPython-urllib\/(\S+)/],
  ['HAProxy health check', /\bosa-haproxy-healthcheck\b/],
  ['browser', /^Mozilla\/(\S+)/],
];

export const NO_USER_AGENT = 'not logged';

export function clientFamily(userAgent: string | null): ClientFamily {
  if (userAgent === null || userAgent === '' || userAgent === '-') return { family: NO_USER_AGENT, version: null };
  for (const [family, re] of FAMILIES) {
    const m = re.exec(userAgent);
    if (m) return { family, version: m.slice(1).find((v) => v !== undefined) ?? null };
  }
  return { family: 'other', version: null };
}

/** `6.2.0` → `6`; what exports keep (family and major version only). */
export const majorVersion = (v: string | null): string | null =>
  v === null ? null : (/^v?(\d+)/.exec(v)?.[1] ?? null);
