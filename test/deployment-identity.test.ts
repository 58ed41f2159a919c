/**
 * One identity per cloud: the deployment id and the hashing secret live in
 * the database, so a backup or a copy of it exports as the same deployment
 * with the same hashes, and an older `<db>.export-key` is moved in once.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Export } from '../reports/export-model.js';
import { backupDb, migrateDb } from '../src/cli/commands/db.js';
import { runExport } from '../src/cli/commands/share.js';
import { explainFor, keyedHash } from '../src/export.js';
import { LATEST_VERSION, openDb } from '../src/store/db.js';
import { storedIdentity } from '../src/store/identity.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { hash52 } from '../src/keys.js';
import { shapeKey } from '../src/observation-shape.js';
import { ingestInto, SAMPLES, tempDir } from './helpers.js';

const exportOf = (db: string): Export =>
  JSON.parse(runExport({ db, api: ['os-hosts'], rules: [], explain: false })) as Export;
const projects = (x: Export): string[] =>
  [...new Set(x.apis[0]!.days.flatMap((d) => d.rows.map((r) => r.project)))].filter((p) => p !== null).sort();

/** What apicensus before schema 11 left: a database at schema 9 (no identity table) and its key file. */
function legacyDatabase(file: string): { deploymentId: string; secret: string } {
  const db = new Database(file);
  // The functions migration 008 calls, as openDb registers them.
  db.function('hash52', { deterministic: true }, (s: unknown) => hash52(String(s)));
  db.function('shape_key', { deterministic: true, varargs: true }, (...v: unknown[]) =>
    shapeKey(v as (string | number | null)[]),
  );
  for (const m of MIGRATIONS.filter((x) => x.version <= 9)) {
    db.exec(m.sql);
    db.pragma(`user_version = ${m.version}`);
  }
  db.close();
  const id = { deploymentId: '5b1f0c2e-aaaa-4bbb-8ccc-0123456789ab', secret: 'ab'.repeat(32) };
  writeFileSync(`${file}.export-key`, JSON.stringify(id), { mode: 0o600 });
  return id;
}

describe('one identity per cloud', () => {
  it(`a backed-up database (db backup) and a plain file copy \
export as the same deployment, with the same hashes`, async () => {
    const dir = tempDir();
    const db = join(dir, 'census.db');
    await ingestInto(db, [join(SAMPLES, 'nova'), join(SAMPLES, 'frontends')]);
    const original = exportOf(db);
    expect(projects(original).length).toBeGreaterThan(1);
    await backupDb(db, join(dir, 'backup.db'));
    copyFileSync(db, join(dir, 'copy.db'));
    for (const other of ['backup.db', 'copy.db']) {
      const x = exportOf(join(dir, other));
      expect(x.deployment.id, other).toBe(original.deployment.id);
      expect(projects(x), other).toEqual(projects(original));
    }
    expect(existsSync(`${db}.export-key`)).toBe(false);
  });

  it('an export key beside the database is moved in on the first writable open and renamed .migrated', async () => {
    const dir = tempDir();
    const db = join(dir, 'census.db');
    const legacy = legacyDatabase(db);
    await ingestInto(db, [join(SAMPLES, 'nova', 'nova-api.log')]); // migrates to the latest schema and moves the key in
    expect(existsSync(`${db}.export-key`)).toBe(false);
    expect(JSON.parse(readFileSync(`${db}.export-key.migrated`, 'utf8'))).toEqual(legacy);
    const h = openDb(db, { readonly: true });
    expect(storedIdentity(h)).toMatchObject({ ...legacy, origin: `moved in from ${db}.export-key` });
    h.close();
    const x = exportOf(db);
    expect(x.deployment.id).toBe(legacy.deploymentId);
    // The hashes are the ones the key file's secret gives: exports made before the move stay linkable.
    const r = new Database(db, { readonly: true });
    const names = r
      .prepare('SELECT project_id FROM observations UNION SELECT project_name FROM observations')
      .pluck()
      .all() as (string | null)[];
    r.close();
    const expected = new Set(names.filter((p) => p !== null).map((p) => keyedHash(legacy.secret, 'project', p)));
    for (const p of projects(x)) expect(expected.has(p), p).toBe(true);
    expect(projects(x).length).toBeGreaterThan(0);
  });

  it('a backup made before any writer opened the upgraded database carries the key file’s identity', async () => {
    const dir = tempDir();
    const db = join(dir, 'census.db');
    await ingestInto(db, [join(SAMPLES, 'nova', 'nova-api.log')]);
    const legacy = { deploymentId: 'c0ffee00-1111-4222-8333-444455556666', secret: 'cd'.repeat(32) };
    writeFileSync(`${db}.export-key`, JSON.stringify(legacy)); // as if restored next to it, not yet moved in
    await backupDb(db, join(dir, 'backup.db'));
    expect(existsSync(`${db}.export-key`)).toBe(true); // a reading command leaves the original alone
    expect(exportOf(join(dir, 'backup.db')).deployment.id).toBe(legacy.deploymentId);
    expect(exportOf(db).deployment.id).toBe(legacy.deploymentId);
  });

  it('db migrate brings a legacy database to the latest schema and says where the identity now is', () => {
    const dir = tempDir();
    const db = join(dir, 'census.db');
    const legacy = legacyDatabase(db);
    const r = migrateDb(db);
    expect(r).toEqual({
      from: 9,
      to: LATEST_VERSION,
      identity: expect.stringContaining(`moved in from ${db}.export-key`),
    });
    expect(exportOf(db).deployment.id).toBe(legacy.deploymentId);
  });

  it('export --explain says the identity is kept inside the database, and where this one’s is', async () => {
    const dir = tempDir();
    const db = join(dir, 'census.db');
    await ingestInto(db, [join(SAMPLES, 'nova', 'nova-api.log')]);
    expect(explainFor(db)).toContain('Where the deployment id and the secret are kept: inside the database');
    expect(explainFor(db)).toMatch(/This database \(.*census\.db\): none yet: the first export creates it/);
    const id = exportOf(db).deployment.id;
    expect(explainFor(db)).toMatch(
      new RegExp(`This database \\(.*\\): kept inside it since .* \\(first export\\); deployment id ${id}\\.`),
    );
  });

  it('a key file that is not one stops the export instead of starting a new series', async () => {
    const dir = tempDir();
    const db = join(dir, 'census.db');
    await ingestInto(db, [join(SAMPLES, 'nova', 'nova-api.log')]);
    writeFileSync(`${db}.export-key`, '{"secret": "short"}');
    expect(() => exportOf(db)).toThrow(/census\.db\.export-key is not a valid apicensus export key/);
    const h = openDb(db, { readonly: true });
    expect(storedIdentity(h)).toBeNull();
    h.close();
  });
});
