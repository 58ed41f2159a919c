/**
 * The cloud's identity for exports: a random deployment id and the secret that keys the
 * project and user hashes. Kept inside the database (table deployment_identity, migration
 * 011), so `db backup` and a plain copy of the file stay the same deployment. Before 011 they
 * lived beside it in `<db>.export-key`; the first writable open moves that file in.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Db } from './db.js';

export interface DeploymentIdentity {
  deploymentId: string;
  secret: string;
}

export interface StoredIdentity extends DeploymentIdentity {
  createdAt: string;
  /** How it came to be stored: created by an export, or moved in from a key file. */
  origin: string;
}

/** Where apicensus before schema 11 kept the identity. */
export const keyFileOf = (dbFile: string): string => `${dbFile}.export-key`;

const valid = (x: Partial<DeploymentIdentity> | null): x is DeploymentIdentity =>
  x !== null &&
  typeof x.secret === 'string' &&
  /^[0-9a-f]{32,}$/i.test(x.secret) &&
  typeof x.deploymentId === 'string' &&
  x.deploymentId.length > 0;

/** The identity in a key file; null when there is none; an error when the file is not one. */
export function readKeyFile(file: string): DeploymentIdentity | null {
  if (!existsSync(file)) return null;
  let id: Partial<DeploymentIdentity> | null = null;
  try {
    id = JSON.parse(readFileSync(file, 'utf8')) as Partial<DeploymentIdentity>;
  } catch {
    // reported below
  }
  if (valid(id)) return { deploymentId: id.deploymentId, secret: id.secret };
  throw new UserError(
    `${file} is not a valid apicensus export key. Restore it from a backup, ` +
      'or remove it to start a new, unlinkable series of exports.',
  );
}

export function storedIdentity(db: Db): StoredIdentity | null {
  const row = db
    .prepare(
      'SELECT deployment_id AS deploymentId, secret, ' +
        'created_at AS createdAt, origin FROM deployment_identity WHERE id = 1',
    )
    .get() as StoredIdentity | undefined;
  return row ?? null;
}

/** Store the identity unless one is there already (two exports at once: the first wins); return the stored one. */
export function storeIdentity(db: Db, id: DeploymentIdentity, origin: string, now = new Date()): StoredIdentity {
  return db
    .transaction(() => {
      db.prepare(
        'INSERT OR IGNORE INTO deployment_identity (id, deployment_id, ' +
          'secret, created_at, origin) VALUES (1, ?, ?, ?, ?)',
      ).run(id.deploymentId, id.secret, now.toISOString(), origin);
      return storedIdentity(db)!;
    })
    .immediate();
}

/**
 * On a writable open: when the database holds no identity and `keyFile` holds a valid one,
 * store it and (when asked) rename the file to `<keyFile>.migrated`, so nobody mistakes it for
 * the one in use. An unreadable key file is left alone here: `export` reports it.
 */
export function adoptKeyFile(db: Db, keyFile: string, rename = true): StoredIdentity | null {
  if (storedIdentity(db) !== null || !existsSync(keyFile)) return null;
  let id: DeploymentIdentity | null;
  try {
    id = readKeyFile(keyFile);
  } catch {
    return null;
  }
  if (!id) return null;
  const stored = storeIdentity(db, id, `moved in from ${keyFile}`);
  if (rename && stored.deploymentId === id.deploymentId) {
    try {
      renameSync(keyFile, `${keyFile}.migrated`);
    } catch {
      // A folder we cannot write: the file stays, unused (the database's identity wins).
    }
  }
  return stored;
}
