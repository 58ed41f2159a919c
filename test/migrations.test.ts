/**
 * Migration 008 moves stored observations into groups, shapes and narrow
 * lines: what readers see (the observations and call_list views) must be what
 * the old table showed, row for row, and the keys it derives must be the ones
 * ingest computes, so later lines reuse the migrated shapes.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hash52 } from '../src/keys.js';
import { shapeKeyOf } from '../src/observation-shape.js';
import { openDb } from '../src/store/db.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { tempDir } from './helpers.js';

/** A database at schema 7 holding a few observations and one joined call. */
function schema7(file: string): void {
  const db = new Database(file);
  for (const m of MIGRATIONS.filter((x) => x.version <= 7)) {
    db.exec(m.sql);
    db.pragma(`user_version = ${m.version}`);
  }
  db.exec(
    'INSERT INTO sources (id, head_hash, head_len, format, path, compressed, ' +
      `created_at, updated_at) VALUES (1, 'h', 10, 'nova', '/x.log', 0, 't', 't')`,
  );
  const ins = db.prepare(
    `INSERT INTO observations (id, layer, dedup_key, source_id, line, parser, service, api, action, target, method, \
raw_path, norm_path, time,
       start_time, status, bytes, duration_ms, client, client_chain, user_agent, request_id, global_request_id, \
user_id, project_id, user_name,
       project_name, microversion, frontend, backend, server, host, call_id)
     VALUES (@id, @layer, @key, 1, @line, @parser, 'compute', @api, @action, @target, @method, @raw, @norm, @time, \
@time, @status, 10, 1.5,
       @client, NULL, @ua, @rid, NULL, 'u1', 'p1', NULL, NULL, '2.1', @frontend, NULL, NULL, NULL, @call)`,
  );
  const base = {
    layer: 'nova',
    parser: 'nova-requestlog',
    api: 'os-hosts',
    action: 'show',
    target: 'cmp-01',
    method: 'GET',
    raw: '/v2.1/os-hosts/cmp-01',
    norm: '/os-hosts/cmp-01',
    status: 200,
    client: '10.0.0.5',
    ua: null,
    frontend: null,
    call: null,
  };
  ins.run({ ...base, id: 1, key: 11, line: 1, time: 1000, rid: 'req-a' });
  ins.run({ ...base, id: 2, key: 12, line: 2, time: 2000, rid: 'req-b', client: '10.0.0.6' });
  ins.run({ ...base, id: 3, key: 13, line: 3, time: 3000, rid: null, status: 404 });
  ins.run({
    ...base,
    id: 4,
    key: 14,
    line: 4,
    time: 4000,
    rid: 'req-c',
    api: 'os-services',
    action: 'list',
    target: null,
    raw: '/v2.1/os-services',
    norm: '/os-services',
    call: 7,
  });
  ins.run({
    ...base,
    id: 5,
    key: 15,
    line: 9,
    time: 4001,
    rid: 'req-c',
    layer: 'lb',
    parser: 'haproxy-http',
    api: 'os-services',
    action: 'list',
    target: null,
    raw: '/v2.1/os-services',
    norm: '/os-services',
    ua: 'python-novaclient',
    frontend: 'nova_api_front',
    call: 7,
  });
  db.exec(`INSERT INTO calls (id, api, action, route_action, target, method, norm_path, raw_path, time, status, \
layers, observations, source_id, line)
           VALUES (7, 'os-services', 'list', 'list', NULL, 'GET', '/os-services', '/v2.1/os-services', 4000, 200, \
'lb+nova', 2, 1, 4)`);
  db.close();
}

describe('migration 008: narrow observation lines', () => {
  it('readers see every observation and call as before; derived keys are the ones ingest computes', () => {
    const file = join(tempDir(), 'old.db');
    schema7(file);
    const before = new Database(file, { readonly: true });
    const observations = before.prepare('SELECT * FROM observations ORDER BY id').all();
    const calls = before.prepare('SELECT * FROM call_list ORDER BY id').all();
    before.close();
    expect(observations).toHaveLength(5);

    const db = openDb(file);
    expect(db.prepare('SELECT * FROM observations ORDER BY id').all()).toEqual(observations);
    expect(db.prepare('SELECT * FROM call_list ORDER BY id').all()).toEqual(calls);
    // Lines 1 and 2 differ only in what a line holds (request id, client): one shape.
    const shapes = db.prepare('SELECT id, shape_id, request_key FROM observation_lines ORDER BY id').all() as {
      shape_id: number;
      request_key: number | null;
    }[];
    expect(shapes[0]!.shape_id).toBe(shapes[1]!.shape_id);
    expect(new Set(shapes.map((s) => s.shape_id)).size).toBe(4);
    expect(shapes.map((s) => s.request_key)).toEqual(
      ['req-a', 'req-b', null, 'req-c', 'req-c'].map((r) => (r === null ? null : hash52(r))),
    );
    const key = (
      db.prepare('SELECT shape_key FROM observation_shapes WHERE id = ?').get(shapes[0]!.shape_id) as {
        shape_key: number;
      }
    ).shape_key;
    expect(key).toBe(
      shapeKeyOf({
        layer: 'nova',
        parser: 'nova-requestlog',
        service: 'compute',
        api: 'os-hosts',
        method: 'GET',
        normPath: '/os-hosts/cmp-01',
        action: 'show',
        target: 'cmp-01',
        rawPath: '/v2.1/os-hosts/cmp-01',
        status: 200,
        frontend: null,
        backend: null,
        server: null,
        host: null,
      }),
    );
    db.close();
  });
});
