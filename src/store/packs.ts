/**
 * User rule packs a database remembers: an ingest given `--rules FILE` stores
 * the pack (meta `pack:<api>`), so later reports classify and title its calls
 * the same way without the file.
 */
import type { RulePack } from '../rules.js';
import { setMeta, type Db } from './db.js';

/** The packs stored by earlier ingests, by api order. */
export function storedPacks(db: Db): RulePack[] {
  const rows = db.prepare("SELECT value FROM meta WHERE key LIKE 'pack:%' ORDER BY key").all() as { value: string }[];
  return rows.map((r) => JSON.parse(r.value) as RulePack);
}

export function rememberPack(db: Db, pack: RulePack): void {
  setMeta(db, `pack:${pack.api}`, JSON.stringify(pack));
}
