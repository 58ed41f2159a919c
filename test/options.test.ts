/**
 * Options a user types: every number is checked (exit 2, a message naming
 * the option and the value), options that repeat take one value each time so
 * files may follow them, and compare's exit status follows diff(1).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { openDb } from '../src/store/db.js';
import { ROOT, SAMPLES, tempDir } from './helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
let stderr = '';

beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

/** Three HAProxy lines through a frontend whose name says nothing of compute. */
function edgeLog(dir: string): string {
  const file = join(dir, 'edge.log');
  const line = (s: number, path: string): string =>
    `May  6 10:00:0${s} lb1 haproxy[2291]: 203.0.113.7:4011${s} [06/May/2024:10:00:0${s}.100] edge_in edge_back/ctl1 ` +
    `0/0/1/56/58 200 1207 - - ---- 9/2/0/0/0 0/0 "GET ${path} HTTP/1.1"\n`;
  writeFileSync(file, line(1, '/v2.1/os-hosts') + line(2, '/v2.1/os-hosts/cmp-01') + line(3, '/v2.1/servers'));
  return file;
}

/** What the database read from FILE: its source row, and the services its front ends were counted as. */
function stored(db: string, file: string): { lines: number; frontends: Record<string, string> } {
  const h = openDb(db, { readonly: true });
  try {
    const src = h.prepare('SELECT lines FROM sources WHERE path = ?').get(file) as { lines: number } | undefined;
    const fe = h.prepare('SELECT name, service FROM frontends').all() as { name: string; service: string }[];
    return { lines: src?.lines ?? 0, frontends: Object.fromEntries(fe.map((f) => [f.name, f.service])) };
  } finally {
    h.close();
  }
}

describe('every number is checked: exit 2 and a message naming the option and the value', () => {
  const cases: [string[], RegExp][] = [
    [['ingest', '--join-window', 'abc'], /--join-window abc is not a number: give a number of seconds from 0 to 3600/],
    [['ingest', '--join-window', '-1'], /--join-window -1 is out of range/],
    [['ingest', '--year', 'twenty'], /--year twenty is not a number: give a year from 1970 to 9999/],
    [['ingest', '--year', '2024.5'], /--year 2024\.5 is not a whole number/],
    [['ingest', '--jobs', '-3'], /--jobs -3 is out of range: give a whole number of worker threads from 0 to 256/],
    [['ingest', '--jobs', '1.5'], /--jobs 1\.5 is not a whole number/],
    [['ingest', '--jobs', '1', '--jobs', '2'], /--jobs is given 2 times \(1, 2\): give it once/],
    [['ingest', '--wait', 'soon'], /--wait soon is not a number: give a number of seconds from 0 to 86400/],
    [['inventory', 'import', '--year', '20x'], /--year 20x is not a number/],
  ];
  for (const [args, message] of cases) {
    it(`${args.join(' ')} FILE`, async () => {
      const dir = tempDir();
      const db = join(dir, 'a.db');
      expect(await main([...args, '--db', db, join(SAMPLES, 'nova', 'nova-api.log')])).toBe(2);
      expect(stderr).toMatch(message);
      expect(existsSync(db)).toBe(false); // refused before anything was read
    });
  }

  it('accepts numbers in range: --join-window 2.5 --jobs 0 --wait 0 --year 2024', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const file = join(SAMPLES, 'nova', 'nova-api.log');
    const args = ['ingest', '--db', db, '--join-window', '2.5', '--jobs', '0', '--wait', '0', '--year', '2024', file];
    expect(await main(args), stderr).toBe(0);
    expect(stored(db, file).lines).toBeGreaterThan(0);
  });
});

describe('options that repeat take one value each time, so files may follow them', () => {
  it('ingest --frontend NAME FILE ingests FILE and counts NAME as compute', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const file = edgeLog(dir);
    expect(await main(['ingest', '--db', db, '--frontend', 'edge_in', file]), stderr).toBe(0);
    expect(stored(db, file)).toEqual({ lines: 3, frontends: { edge_in: 'compute' } });
  });

  it('ingest --frontend=NAME FILE, and --frontend A --frontend B FILE', async () => {
    const dir = tempDir();
    const file = edgeLog(dir);
    expect(await main(['ingest', '--db', join(dir, 'a.db'), '--frontend=edge_in', file]), stderr).toBe(0);
    expect(stored(join(dir, 'a.db'), file).lines).toBe(3);
    expect(await main(['ingest', '--db', join(dir, 'b.db'), '--frontend', 'x', '--frontend', 'edge_in', file])).toBe(0);
    expect(stored(join(dir, 'b.db'), file)).toEqual({ lines: 3, frontends: { edge_in: 'compute' } });
  });

  it('ingest --rules X.json FILE ingests FILE with the pack', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const file = join(SAMPLES, 'nova', 'nova-api.log');
    expect(await main(['ingest', '--db', db, '--rules', join(ROOT, 'rules', 'os-hosts.json'), file]), stderr).toBe(0);
    expect(stored(db, file).lines).toBeGreaterThan(0);
  });

  it('report --api A --api B reports both; a second bare value is an unknown argument (exit 2)', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    expect(await main(['ingest', '--db', db, join(SAMPLES, 'nova', 'nova-api.log')])).toBe(0);
    expect(await main(['report', '--db', db, '--api', 'os-services', '--api', 'os-hosts'])).toBe(0);
    expect(await main(['report', '--db', db, '--api', 'os-services', 'os-hosts'])).toBe(2);
    expect(stderr).toMatch(/Unknown argument: os-hosts/);
  });
});

describe.skipIf(!existsSync(BIN))('compare exits as diff(1) does: 0 nothing new, 1 something new, 2 trouble', () => {
  const compare = (...args: string[]) => spawnSync(process.execPath, [BIN, 'compare', ...args], { encoding: 'utf8' });
  const exportDoc = (id: string, rows: [action: string, project: string][]) =>
    JSON.stringify({
      schema: 'apicensus.export/v2',
      generatedAt: '2024-06-01T00:00:00Z',
      tool: { name: 'apicensus', version: 'test' },
      deployment: { id, label: null },
      window: { from: null, to: null },
      coveredDays: ['2024-05-01'],
      apis: [
        {
          api: 'os-hosts',
          service: 'compute',
          coverage: { hours: 1, ranges: [{ from: '2024-05-01T10:00:00.000Z', to: '2024-05-01T11:00:00.000Z' }] },
          deprecated: { microversion: '2.43', release: 'Pike' },
          removed: null,
          days: [
            {
              day: '2024-05-01',
              serviceRequests: 10,
              rows: rows.map(([action, project]) => ({
                action,
                driver: null,
                supported: null,
                microversion: '2.1',
                statusClass: '2xx',
                refused: false,
                client: 'curl',
                clientMajor: null,
                project,
                calls: 1,
              })),
            },
          ],
          callers: [],
        },
      ],
    });

  it('0 when nothing new calls, 1 when something new does', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'old.json'), exportDoc('dep', [['list', 'pa']]));
    writeFileSync(
      join(dir, 'new.json'),
      exportDoc('dep', [
        ['list', 'pa'],
        ['reboot', 'pz'],
      ]),
    );
    expect(compare(join(dir, 'old.json'), join(dir, 'old.json')).status).toBe(0);
    const r = compare(join(dir, 'old.json'), join(dir, 'new.json'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Something new calls a deprecated API (exit status 1).');
  });

  it('2 on a missing file, a typo’d path, bad JSON, two deployments, or a missing argument', () => {
    const dir = tempDir();
    const week = join(dir, 'this-week.json');
    writeFileSync(week, exportDoc('dep', [['list', 'pa']]));
    writeFileSync(join(dir, 'other.json'), exportDoc('other-dep', [['list', 'pa']]));
    writeFileSync(join(dir, 'bad.json'), '{"schema": ');
    mkdirSync(join(dir, 'last-week'));
    const trouble: [string[], RegExp][] = [
      [[join(dir, 'last-week.json'), week], /last-week\.json: not a readable JSON report or export \(ENOENT/],
      [[join(dir, 'last-week'), week], /last-week: not a readable JSON report or export \(EISDIR/],
      [[join(dir, 'bad.json'), week], /bad\.json: not a readable JSON report or export/],
      [[join(dir, 'other.json'), week], /come from different deployments/],
      [[week], /Not enough non-option arguments/],
    ];
    for (const [args, message] of trouble) {
      const r = compare(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});
