/**
 * The rule packs in force for a database: the bundled ones, then those earlier
 * ingests stored, then `--rules` files (a later one replaces an earlier one of
 * the same api). Shared by ingest and the reading commands, which must not
 * load ingest code to get them.
 */
import { loadPacks, type RulePack } from './rules.js';
import type { Db } from './store/db.js';
import { rememberPack, storedPacks } from './store/packs.js';

export function packsFor(db: Db, ruleFiles: readonly string[], remember = true): RulePack[] {
  const byApi = new Map(loadPacks().map((p) => [p.api, p]));
  for (const p of storedPacks(db)) byApi.set(p.api, p);
  for (const p of loadPacks(ruleFiles).filter((p) => p.file !== undefined && ruleFiles.includes(p.file))) {
    byApi.set(p.api, p);
    if (remember) rememberPack(db, p);
  }
  return [...byApi.values()];
}
