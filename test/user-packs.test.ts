/**
 * A rule pack the core team writes: validated with errors that name the file
 * and line, and working end to end for an API apicensus has never heard of.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { loadPackFile } from '../src/rules.js';
import { runReport } from '../src/cli/commands/report.js';
import { ingestInto, tempDir } from './helpers.js';

const INVENTED = {
  api: 'os-frobnicators',
  service: 'compute',
  title: 'Frobnicators (an invented API)',
  source: 'test fixture',
  deprecated: { microversion: '2.99', release: 'Zorro', source: 'invented' },
  removed: null,
  refusal: { status: 404, fromMicroversion: '2.99', source: 'invented' },
  actions: [
    { name: 'list', replacement: 'GET /os-widgets', moveTo: 'os-widgets' },
    { name: 'frobnicate', replacement: null, note: 'No replacement' },
    { name: 'other', replacement: null },
  ],
  routes: [
    { method: 'GET', path: '/os-frobnicators', action: 'list' },
    { method: 'POST', path: '/os-frobnicators/{frob_id}/frobnicate', action: 'frobnicate', target: 'frob_id' },
  ],
  effects: [],
  samples: [{ method: 'GET', path: '/v2.1/os-frobnicators', action: 'list' }],
};

const line = (t: string, rid: string, method: string, path: string, status: number, mv: string) =>
  `2024-05-02 ${t} 3104 INFO nova.api.openstack.requestlog [None ${rid} 3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a ` +
  `6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b - - default default] 10.0.1.12 "${method} ${path}" status: ${status} len: 10 ` +
  `microversion: ${mv} time: 0.010000`;

describe('user rule packs', () => {
  it('an invented API works end to end: ingest --rules, report --api', async () => {
    const dir = tempDir();
    const pack = join(dir, 'frob.json');
    writeFileSync(pack, JSON.stringify(INVENTED, null, 2));
    const log = join(dir, 'nova-api.log');
    writeFileSync(
      log,
      [
        line('09:00:00.000', 'req-aaaaaaaa-1111-4111-8111-111111111111', 'GET', '/v2.1/os-frobnicators', 200, '2.1'),
        line(
          '09:00:01.000',
          'req-bbbbbbbb-1111-4111-8111-111111111111',
          'POST',
          '/v2.1/os-frobnicators/f-1/frobnicate',
          202,
          '2.1',
        ),
        line('09:00:02.000', 'req-cccccccc-1111-4111-8111-111111111111', 'GET', '/v2.1/os-frobnicators', 404, '2.100'),
        line('09:00:03.000', 'req-dddddddd-1111-4111-8111-111111111111', 'GET', '/v2.1/servers/detail', 200, '2.100'),
      ].join('\n') + '\n',
    );
    const db = join(dir, 'a.db');
    await ingestInto(db, [log], { rules: [pack] });
    // The pack is remembered: report needs no --rules.
    const r = runReport({ db, api: ['os-frobnicators'], format: 'json', rules: [] }).report;
    const a = r.apis[0]!;
    expect(a.calls).toBe(3);
    expect(a.actions.map((x) => [x.action, x.calls])).toEqual([
      ['list', 2],
      ['frobnicate', 1],
    ]);
    expect(a.refused).toBe(1);
    expect(a.byHost).toEqual([]);
    expect(r.verdict.summary).toMatch(/^os-frobnicators was called 3 times/);
    expect(r.verdict.summary).toMatch(/1 call asked for a microversion the API no longer serves and was refused/);
    expect(r.verdict.summary).toMatch(/frobnicate has no replacement/);
    expect(r.verdict.summary).toMatch(/Move list → os-widgets/);
  });

  it('a pack with a JSON syntax error names the file and line', () => {
    const dir = tempDir();
    const f = join(dir, 'broken.json');
    writeFileSync(f, '{\n  "api": "x",\n  "service": "compute"\n  "title": "missing comma"\n}\n');
    expect(() => loadPackFile(f)).toThrow(UserError);
    expect(() => loadPackFile(f)).toThrow(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4: invalid JSON`));
  });

  it('a pack that breaks the format names every line at fault', () => {
    const dir = tempDir();
    const f = join(dir, 'bad.json');
    const bad = structuredClone(INVENTED) as Record<string, unknown>;
    (bad.routes as Record<string, unknown>[])[1]!.action = 'explode';
    (bad.routes as Record<string, unknown>[])[0]!.method = 'get';
    writeFileSync(f, JSON.stringify(bad, null, 2));
    let message = '';
    try {
      loadPackFile(f);
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = JSON.stringify(bad, null, 2).split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect(message).toContain(`${f}:${lineOf('"method": "get"')}: route "method" must be an upper-case HTTP method`);
    expect(message).toContain(
      `${f}:${lineOf('"action": "explode"')}: route "action" must be one of the pack's actions`,
    );
  });

  it('report --rules with a pack that does not exist is a clear error', () => {
    expect(() =>
      runReport({ db: join(tempDir(), 'x.db'), api: [], format: 'json', rules: ['/nonexistent/pack.json'] }),
    ).toThrow(/No database|Cannot read rule pack/);
  });
});
