/**
 * The virt driver of the host a call names, at the time of the call, from the
 * imported inventory facts.
 */
import { indexHosts, type HostMatch } from './host-names.js';
import type { InventoryRow } from './store/inventory.js';

export interface ResolvedHost {
  /** The inventory host the name matched, or null. */
  host: string | null;
  driver: string | null;
  match: HostMatch;
}

export interface HostSummary {
  host: string;
  driver: string | null;
  hypervisorType: string | null;
  hypervisorHostnames: string[];
  /** Every driver the host was seen with, oldest first, when it changed. */
  history: {
    driver: string | null;
    hypervisorType: string | null;
    firstSeen: number;
    lastSeen: number;
    source: string;
  }[];
}

export interface HostDrivers {
  resolve(name: string, time: number | null): ResolvedHost;
  /** Whether an inventory host was seen with more than one driver (so a call's time matters). */
  changedDriver(host: string | null): boolean;
  hosts(): HostSummary[];
}

const orNull = (s: string): string | null => (s === '' ? null : s);

export function buildHostDrivers(rows: readonly InventoryRow[]): HostDrivers {
  const byHost = new Map<string, InventoryRow[]>();
  for (const r of rows) {
    const list = byHost.get(r.host) ?? [];
    list.push(r);
    byHost.set(r.host, list);
  }
  for (const list of byHost.values())
    list.sort((a, b) => a.first_seen - b.first_seen || a.driver.localeCompare(b.driver));
  const aliases = new Map(
    [...byHost].map(([h, list]) => [
      h,
      [...new Set(list.map((r) => r.hypervisor_hostname).filter((x) => x !== '' && x !== h))],
    ]),
  );
  const index = indexHosts(byHost.keys(), aliases);

  /** The driver fact in effect at `time`: the latest first seen at or before it, else the earliest. */
  const factAt = (host: string, time: number | null): InventoryRow | undefined => {
    const withDriver = (byHost.get(host) ?? []).filter((r) => r.driver !== '');
    if (withDriver.length === 0) return undefined;
    if (time === null) return withDriver.reduce((a, b) => (b.last_seen >= a.last_seen ? b : a));
    const before = withDriver.filter((r) => r.first_seen <= time);
    return before.length > 0 ? before[before.length - 1] : withDriver[0];
  };

  const changed = new Set(
    [...byHost]
      .filter(([, list]) => new Set(list.filter((r) => r.driver !== '').map((r) => r.driver)).size > 1)
      .map(([h]) => h),
  );
  return {
    changedDriver: (host) => host !== null && changed.has(host),
    resolve(name, time) {
      const match = index.match(name);
      if (match.host === null) return { host: null, driver: null, match };
      return { host: match.host, driver: factAt(match.host, time)?.driver ?? null, match };
    },
    hosts() {
      return [...byHost]
        .map(([host, list]) => {
          const current = factAt(host, null);
          const history: HostSummary['history'] = [];
          for (const r of list.filter((x) => x.driver !== '' || x.hypervisor_type !== '')) {
            const last = history[history.length - 1];
            if (last && last.driver === orNull(r.driver) && last.hypervisorType === orNull(r.hypervisor_type)) {
              last.lastSeen = Math.max(last.lastSeen, r.last_seen);
              continue;
            }
            history.push({
              driver: orNull(r.driver),
              hypervisorType: orNull(r.hypervisor_type),
              firstSeen: r.first_seen,
              lastSeen: r.last_seen,
              source: r.source_path,
            });
          }
          return {
            host,
            driver: current ? orNull(current.driver) : null,
            hypervisorType: current
              ? orNull(current.hypervisor_type)
              : (list.map((r) => orNull(r.hypervisor_type)).find((t) => t !== null) ?? null),
            hypervisorHostnames: aliases.get(host) ?? [],
            history,
          };
        })
        .sort((a, b) => a.host.localeCompare(b.host));
    },
  };
}
