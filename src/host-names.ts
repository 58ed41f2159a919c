/**
 * Matching the host a call names (`/os-hosts/{host_name}`) to the inventory:
 * exactly, then case-insensitively, then by short name (an FQDN against a
 * short name, either way). A name several inventory hosts could be is
 * ambiguous and reported, never guessed.
 */

export type MatchKind = 'exact' | 'case' | 'short';

export type HostMatch =
  { host: string; kind: MatchKind } | { host: null; ambiguous: string[] } | { host: null; ambiguous: null };

const short = (name: string): string => name.split('.')[0]!.toLowerCase();

export interface HostIndex {
  match(name: string): HostMatch;
}

/**
 * `aliases` maps each inventory host to other names it is known by (its
 * hypervisor hostname), which match the same way.
 */
export function indexHosts(
  hosts: Iterable<string>,
  aliases: ReadonlyMap<string, readonly string[]> = new Map(),
): HostIndex {
  const exact = new Map<string, Set<string>>();
  const lower = new Map<string, Set<string>>();
  const shortNames = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, host: string): void => {
    const set = map.get(key) ?? new Set<string>();
    set.add(host);
    map.set(key, set);
  };
  for (const host of hosts) {
    for (const name of [host, ...(aliases.get(host) ?? [])]) {
      add(exact, name, host);
      add(lower, name.toLowerCase(), host);
      add(shortNames, short(name), host);
    }
  }
  const decide = (set: Set<string> | undefined, kind: MatchKind): HostMatch | undefined => {
    if (!set || set.size === 0) return undefined;
    if (set.size === 1) return { host: [...set][0]!, kind };
    return { host: null, ambiguous: [...set].sort() };
  };
  return {
    match(name) {
      return (
        decide(exact.get(name), 'exact') ??
        decide(lower.get(name.toLowerCase()), 'case') ??
        decide(shortNames.get(short(name)), 'short') ?? { host: null, ambiguous: null }
      );
    },
  };
}
