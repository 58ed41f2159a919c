/**
 * The built CLI, spawned as a user runs it: output and exit codes
 * (0 done, 1 failed, 2 usage). test/global-setup.ts builds dist/ when it is
 * missing or stale, so these never skip: without a build they fail.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SAMPLES, tempDir } from './helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env, TZ: 'UTC' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('apicensus (built CLI)', () => {
  beforeAll(() => expect(existsSync(BIN), `${BIN} is missing: test/global-setup.ts builds it`).toBe(true));

  it('ingest then report: the os-hosts evidence, exit 0', () => {
    const db = join(tempDir(), 'cli.db');
    const i = run(['ingest', join(SAMPLES, 'nova'), '--db', db, '--timezone', 'UTC']);
    expect(i.code).toBe(0);
    expect(i.stdout).toMatch(/Calls of interest now stored: .*os-hosts \d+/);
    expect(i.stdout).toMatch(/malformed line 36/);
    const r = run(['report', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apicensus report — os-hosts/);
    expect(r.stdout).toMatch(/os-hosts was called \d+ times/);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    const j = run(['report', '--db', db, '--format', 'json']);
    const report = JSON.parse(j.stdout) as { schema: string; apis: { api: string; calls: number }[] };
    expect(report.schema).toBe('apicensus.report/v1');
    expect(report.apis.map((a) => a.api)).toEqual(['os-hosts', 'os-services']);
  });

  it('reads the database path from APICENSUS_DB', () => {
    const db = join(tempDir(), 'env.db');
    expect(run(['ingest', join(SAMPLES, 'nova', 'nova-api.log')], { APICENSUS_DB: db }).code).toBe(0);
    expect(existsSync(db)).toBe(true);
    expect(run(['report', '--format', 'csv'], { APICENSUS_DB: db }).stdout).toMatch(
      /^api,action,dimension,value,calls,first_seen,last_seen\n/,
    );
  });

  it('exit 1 naming the file when an input does not exist, keeping what was ingested', () => {
    const db = join(tempDir(), 'x.db');
    const r = run(['ingest', join(SAMPLES, 'nova', 'nova-api.log'), '/nonexistent/nova-api.log', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/\/nonexistent\/nova-api\.log: .*no such file/);
    expect(run(['report', '--db', db, '--format', 'json']).stdout).toMatch(/"calls": [1-9]/);
  });

  it('exit 1 for a file in no known format, with a clear message', () => {
    const dir = tempDir();
    const f = join(dir, 'notes.txt');
    writeFileSync(f, 'shopping list\nmilk\neggs\n');
    const r = run(['ingest', f, '--db', join(dir, 'x.db')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/notes\.txt: cannot tell the log format/);
  });

  it('exit 1 when the database is not an apicensus database', () => {
    const dir = tempDir();
    const db = join(dir, 'not.db');
    writeFileSync(db, 'this is not sqlite at all, just text that is long enough to be a header... '.repeat(20));
    const r = run(['report', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not\.db/);
  });

  it('exit 1 when report finds no database', () => {
    const r = run(['report', '--db', join(tempDir(), 'missing.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No database at .*missing\.db.*apicensus ingest/);
  });

  it('exit 2 for usage errors', () => {
    expect(run(['report', '--format', 'yaml']).code).toBe(2);
    expect(run(['frobnicate']).code).toBe(2);
    expect(run(['ingest']).code).toBe(2);
    const r = run(['report', '--since', 'yesterday-ish', '--db', join(tempDir(), 'x.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since "yesterday-ish" is not a date/);
  });

  it('--quiet prints nothing on success and one line on failure', () => {
    const db = join(tempDir(), 'q.db');
    const ok = run(['ingest', '--quiet', join(SAMPLES, 'nova', 'nova-api.log'), '--db', db]);
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).toBe('');
    const bad = run(['ingest', '--quiet', '/nonexistent.log', '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--help shows examples and --version the package version', () => {
    expect(run(['--help']).stdout).toMatch(/Examples:/);
    expect(run(['ingest', '--help']).stdout).toMatch(/\/var\/log\/nova\/nova-api\.log\*/);
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
