/**
 * The inventory of compute hosts: import facts (keeping when each was first
 * and last seen, so a host that changed driver keeps its history) and read
 * them back for matching.
 */
import type { InventoryFact } from '../inventory/types.js';
import type { Db } from './db.js';

export type FactInput = InventoryFact;

export interface InventoryRow {
  host: string;
  hypervisor_hostname: string;
  driver: string;
  hypervisor_type: string;
  first_seen: number;
  last_seen: number;
  kind: string;
  source_path: string;
  line: number | null;
}

/** Store facts from one file; returns how many were new and how many were seen again. */
export function importFacts(
  db: Db,
  facts: readonly FactInput[],
  kind: string,
  path: string,
  now = Date.now(),
): { added: number; updated: number } {
  const upsert = db.prepare(
    `INSERT INTO inventory_facts (host, hypervisor_hostname, driver, hypervisor_type, first_seen, last_seen, kind, \
source_path, line, imported_at)
     VALUES (@host, @hh, @driver, @type, @at, @at, @kind, @path, @line, @now)
     ON CONFLICT (host, hypervisor_hostname, driver, hypervisor_type) DO UPDATE SET
       first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
       kind = excluded.kind, source_path = excluded.source_path, line = excluded.line, imported_at = \
excluded.imported_at`,
  );
  const exists = db.prepare<[string, string, string, string], { n: number }>(
    'SELECT count(*) AS n FROM inventory_facts WHERE host = ? ' +
      'AND hypervisor_hostname = ? AND driver = ? AND hypervisor_type = ?',
  );
  let added = 0;
  let updated = 0;
  db.transaction(() => {
    for (const f of facts) {
      const key = [f.host, f.hypervisorHostname ?? '', f.driver ?? '', f.hypervisorType ?? ''] as const;
      if (exists.get(...key)!.n > 0) updated++;
      else added++;
      upsert.run({
        host: key[0],
        hh: key[1],
        driver: key[2],
        type: key[3],
        at: f.observedAt ?? now,
        kind,
        path,
        line: f.line,
        now,
      });
    }
  })();
  return { added, updated };
}

export function inventoryFacts(db: Db): InventoryRow[] {
  return db
    .prepare(
      'SELECT host, hypervisor_hostname, driver, hypervisor_type, first_seen, last_seen, ' +
        'kind, source_path, line FROM inventory_facts ORDER BY host, first_seen, driver',
    )
    .all() as InventoryRow[];
}
