/**
 * Nothing lost, whatever the input (issue "Nothing lost"): an over-long line hides no line after
 * it; files that share a head are each read in full, in any order; an interrupted or killed
 * ingest says so and is finished by the next; a corrupt .gz, a dangling link and undated
 * requests are said, never silently dropped.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkDb } from '../src/cli/commands/db.js';
import { ingestInto, REAL_LOGS, reportOf, ROOT, stable, tempDir } from './helpers.js';
import { novaLogGenerator } from './log-generator.js';
import type { Report } from '../reports/model.js';

const MiB = 1 << 20;
const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** A DEBUG line of `length` bytes (newline included): what a real over-long line is. */
const debugLine = (length: number): string => {
  const start = '2024-05-02 09:30:00.000 3104 DEBUG nova.api.openstack.wsgi [-] Response body: ';
  return `${start}${'x'.repeat(length - start.length - 1)}\n`;
};

/** The parts of a report that must not depend on how files were read: no sources, no lines read. */
function comparable(r: Report): unknown {
  const s = stable(r) as { inputs: Record<string, unknown>; warnings: string[] };
  const { linesRead: _l, sources: _n, malformed: _m, ...inputs } = s.inputs;
  return { ...s, inputs, warnings: [], malformedExamples: [] };
}

const osHostsCalls = (r: Report): number => r.apis.find((a) => a.api === 'os-hosts')!.calls;

describe('an over-long line hides no line after it', () => {
  /**
   * ~3.4 MB of generated log with over-long lines: one starting
   * exactly at a block boundary, one across it, one at the end.
   */
  function logWithLongLines(): { text: string; requests: number; osHosts: number; longAt: number[] } {
    const gen = novaLogGenerator(41);
    let text = '';
    const longAt: number[] = [];
    const insert = (length: number): void => {
      longAt.push(text.split('\n').length);
      text += debugLine(length);
    };
    while (text.length < MiB - 2000) text += gen.next(1);
    text += `${'2024-05-02 09:30:00.000 3104 DEBUG nova.noise [-] '.padEnd(MiB - text.length - 1, 'f')}\n`;
    insert(MiB + 1); // starts at 1 MiB exactly
    while (text.length < 2.5 * MiB) text += gen.next(50);
    insert(3 * MiB); // crosses the 3 MiB and 4 MiB boundaries
    text += gen.next(2000);
    insert(1.5 * MiB); // the last line
    return { text, requests: gen.requests, osHosts: gen.osHosts, longAt };
  }

  for (const compressed of [false, true]) {
    it(`counts every request around over-long lines at block boundaries \
(${compressed ? '.gz' : 'plain'})`, async () => {
      const dir = tempDir();
      const log = logWithLongLines();
      const file = join(dir, compressed ? 'nova-api.log.1.gz' : 'nova-api.log');
      writeFileSync(file, compressed ? gzipSync(log.text) : log.text);
      const db = join(dir, 'a.db');
      const s = await ingestInto(db, [file]);
      expect(s.requests).toBe(log.requests);
      expect(s.skipped).toBe(3);
      expect(s.malformed).toBe(0);
      expect(s.files[0]!.malformedExamples.map((m) => m.line)).toEqual(log.longAt);
      expect(s.files[0]!.malformedExamples[0]!.reason).toMatch(/over-long line \(1048577 bytes.*skipped/);
      const r = reportOf(db);
      expect(r.inputs.requests).toBe(log.requests);
      expect(osHostsCalls(r)).toBe(log.osHosts);
      expect(r.warnings.join(' ')).toMatch(/3 lines longer than 1 MiB .* were counted and skipped/);
      const again = await ingestInto(db, [file]);
      expect(again.files[0]!.status).toBe('unchanged');
      expect(reportOf(db).inputs.requests).toBe(log.requests);
    });
  }

  it('an over-long request line that names os-hosts is an unreadable call of it, and the verdict says so', async () => {
    const dir = tempDir();
    const line =
      '2024-05-02 09:30:00.000 3104 INFO nova.api.openstack.requestlog [None ' +
      'req-8c7d3c86-6f44-4ba1-9b43-1f6a7e26a0a3 u p - - default default] 10.0.0.5 ' +
      `"GET /v2.1/os-hosts?zone=${'z'.repeat(2 * MiB)}" status: 200 len: 5 microversion: 2.1 time: 0.1\n`;
    const gen = novaLogGenerator(5, 0);
    const before = gen.next(100);
    writeFileSync(join(dir, 'nova-api.log'), before + line + gen.next(100));
    const db = join(dir, 'a.db');
    const s = await ingestInto(db, [join(dir, 'nova-api.log')]);
    expect(s.requests).toBe(200);
    expect(s.malformed).toBe(1);
    expect(s.files[0]!.malformedExamples[0]).toMatchObject({
      api: 'os-hosts',
      reason: expect.stringMatching(/names os-hosts/) as unknown,
    });
    const r = reportOf(db);
    expect(osHostsCalls(r)).toBe(0);
    expect(r.verdict.answerable).toBe('partly');
    expect(r.verdict.summary).toMatch(/1 unreadable line name os-hosts .*cannot be ruled out/);
    expect(r.malformedExamples[0]).toMatchObject({ line: before.split('\n').length, api: 'os-hosts' });
  });

  it.skipIf(!existsSync(join(REAL_LOGS, 'nova')))(
    'the Icehouse lab log with a 10 MB DEBUG line after its line ' +
      '10,941 still gives 4,812 requests and 5 os-services calls',
    async () => {
      const dir = tempDir();
      const lines = readFileSync(join(REAL_LOGS, 'nova', 'icehouse-lab-nova-api.log'), 'latin1').split('\n');
      const long = '2014-04-17 10:40:00.000 1 DEBUG nova.noise [-] ' + 'x'.repeat(10_000_000);
      writeFileSync(
        join(dir, 'long.log'),
        [...lines.slice(0, 10941), long, ...lines.slice(10941)].join('\n'),
        'latin1',
      );
      const db = join(dir, 'a.db');
      await ingestInto(db, [join(dir, 'long.log')]);
      const r = reportOf(db, ['os-hosts', 'os-services']);
      expect(r.inputs.requests).toBe(4812);
      expect(r.apis.map((a) => a.calls)).toEqual([1, 5]);
    },
  );
});

describe('files that share a head are each read in full, in any order', () => {
  /** A base log and copies that share its first bytes and differ after `at` (cut at a line end). */
  function family(): Record<string, string> {
    const base = novaLogGenerator(71).next(9000);
    const fork = (at: number, seed: number): string =>
      base.slice(0, base.indexOf('\n', at) + 1) + novaLogGenerator(seed).next(800);
    return {
      base,
      'after 4 KiB': fork(200_000, 72),
      'across a block boundary': fork(MiB + 3000, 73),
      'a copy cut inside a frame': base.slice(0, base.indexOf('\n', MiB + 5000) + 1),
    };
  }

  function permutations<T>(xs: readonly T[]): T[][] {
    if (xs.length <= 1) return [[...xs]];
    return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
  }

  it('all 24 orders of four such files give the report of reading each whole', async () => {
    const dir = tempDir();
    const files = Object.entries(family()).map(([name, text], i) => {
      const f = join(dir, `f${i}.log`);
      writeFileSync(f, text);
      return { name, f };
    });
    const refDb = join(dir, 'ref.db');
    await ingestInto(
      refDb,
      files.map((x) => x.f),
      { reference: true },
    );
    const want = comparable(reportOf(refDb));
    for (const [n, order] of permutations(files).entries()) {
      const db = join(dir, `o${n}.db`);
      for (const x of order) await ingestInto(db, [x.f]);
      expect(comparable(reportOf(db)), order.map((x) => x.name).join(' → ')).toEqual(want);
    }
  });

  it('a file sharing only the first 3,000 bytes, read after the longer one, is read in full', async () => {
    const dir = tempDir();
    const base = novaLogGenerator(81).next(3000);
    const short = base.slice(0, base.indexOf('\n', 3000) + 1) + novaLogGenerator(82).next(500);
    writeFileSync(join(dir, 'a.log'), base);
    writeFileSync(join(dir, 'b.log'), short);
    const db = join(dir, 'a.db');
    await ingestInto(db, [join(dir, 'a.log')]);
    const s = await ingestInto(db, [join(dir, 'b.log')]);
    expect(s.files[0]!.status).toBe('ingested');
    expect(s.files[0]!.lines).toBe(short.split('\n').length - 1);
    const ref = join(dir, 'ref.db');
    await ingestInto(ref, [join(dir, 'b.log'), join(dir, 'a.log')], { reference: true });
    expect(comparable(reportOf(db))).toEqual(comparable(reportOf(ref)));
  });
});

/** The built CLI's ingest, started; resolves with how it ended. */
function startIngest(db: string, files: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, 'ingest', '--db', db, '--timezone', 'UTC', ...files], {
    env: { ...process.env, TZ: 'UTC', APICENSUS_BATCH_BYTES: String(256 << 10), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exit };
}

/** Waits until the store shows some content committed. */
async function untilCommitted(db: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if (existsSync(db) && checkDb(db).sources.some((s) => s.offset > 0)) return;
    } catch {
      // being created or migrated
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the ingest never committed anything');
}

describe('an interrupted or killed ingest leaves a trace, and the next one finishes', () => {
  /** ~60 MB of generated log: long enough to stop in the middle. */
  function bigLog(dir: string): string {
    const gen = novaLogGenerator(91);
    const parts: string[] = [];
    for (let i = 0; i < 30; i++) parts.push(gen.next(9000));
    const f = join(dir, 'nova-api.log');
    writeFileSync(f, parts.join(''));
    return f;
  }

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal}: what is read is committed, one line on stderr says so, exit ${code}; the report says how far; \
the next run completes it`, async () => {
      const dir = tempDir();
      const file = bigLog(dir);
      const db = join(dir, 'a.db');
      const run = startIngest(db, [file]);
      await untilCommitted(db);
      run.child.kill(signal);
      const end = await run.exit;
      expect(end.code).toBe(code);
      expect(end.stderr.trim().split('\n')).toHaveLength(1);
      expect(end.stderr).toMatch(
        new RegExp(`^apicensus: interrupted by ${signal}: what was read is committed \\(.*nova-api\\.log to line `),
      );
      const partial = reportOf(db);
      expect(partial.sources[0]).toMatchObject({ state: 'interrupted', path: file });
      expect(partial.sources[0]!.readBytes).toBeLessThan(partial.sources[0]!.sizeBytes!);
      expect(partial.warnings[0]).toMatch(
        /nova-api\.log was read only in part, to byte [\d,]+ of [\d,]+ bytes .*interrupted/,
      );
      expect(partial.verdict.answerable).toBe('partly');
      const rest = await ingestInto(db, [file]);
      expect(rest.files[0]!.status).toBe('resumed');
      const whole = join(dir, 'whole.db');
      await ingestInto(whole, [file]);
      const done = reportOf(db);
      expect(done.sources[0]!.state).toBe('complete');
      expect(comparable(done)).toEqual(comparable(reportOf(whole)));
    });
  }

  it(`kill -9: db check names the dead holder of the lock, the report says the source was read in part, \
the next ingest takes over`, async () => {
    const dir = tempDir();
    const file = bigLog(dir);
    const db = join(dir, 'a.db');
    const run = startIngest(db, [file]);
    await untilCommitted(db);
    run.child.kill('SIGKILL');
    await run.exit;
    const check = spawnSync(process.execPath, [BIN, 'db', 'check', '--db', db], { encoding: 'utf8' });
    expect(check.stdout).toMatch(/ingest running: no/);
    expect(check.stdout).toMatch(new RegExp(`stale lock: left by pid ${run.child.pid} .*no longer runs`));
    expect(check.stdout).toMatch(/read in part/);
    expect(check.status).toBe(0);
    expect(reportOf(db).warnings[0]).toMatch(/nova-api\.log was read only in part, .*stopped \(killed\?\)/);
    const next = startIngest(db, [file]);
    const end = await next.exit;
    expect(end.code).toBe(0);
    expect(end.stderr).toMatch(new RegExp(`taking over the lock left by pid ${run.child.pid}`));
    const whole = join(dir, 'whole.db');
    await ingestInto(whole, [file]);
    expect(comparable(reportOf(db))).toEqual(comparable(reportOf(whole)));
  });
});

describe('no input fades away', () => {
  const anHourAgo = (f: string): void =>
    utimesSync(f, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));

  it(`a .gz damaged in the middle and no longer changing is corrupt: \
exit 1, in the report, what came before counts`, async () => {
    const dir = tempDir();
    const gen = novaLogGenerator(101);
    const text = gen.next(6000);
    const gz = gzipSync(text);
    gz.fill(0x55, Math.floor(gz.length / 2), Math.floor(gz.length / 2) + 64);
    const file = join(dir, 'nova-api.log.2.gz');
    writeFileSync(file, gz);
    anHourAgo(file);
    const db = join(dir, 'a.db');
    const s = await ingestInto(db, [file]);
    expect(s.files[0]!.status).toBe('corrupt');
    expect(s.exitCode).toBe(1);
    expect(s.requests).toBeGreaterThan(1000);
    expect(s.requests).toBeLessThan(gen.requests);
    const r = reportOf(db);
    expect(r.warnings.join('\n')).toMatch(
      /nova-api\.log\.2\.gz could not be read \(corrupt.*\): the gzip stream is damaged/,
    );
    expect(r.inputs.requests).toBe(s.requests);
    // Every run says it again, until the file is mended.
    expect((await ingestInto(db, [file])).exitCode).toBe(1);
  });

  it('a .gz cut short and no longer changing is corrupt too, not "retried next run" forever', async () => {
    const dir = tempDir();
    const gz = gzipSync(novaLogGenerator(102).next(3000));
    const file = join(dir, 'nova-api.log.3.gz');
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length * 0.6)));
    anHourAgo(file);
    const s = await ingestInto(join(dir, 'a.db'), [file]);
    expect(s.files[0]!.status).toBe('corrupt');
    expect(s.exitCode).toBe(1);
    expect(s.files[0]!.notes.join(' ')).toMatch(/ends early and the file no longer changes: it is corrupt/);
  });

  it('a dangling link in a directory is named in the summary with the reason', async () => {
    const dir = tempDir();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'nova-api.log'), novaLogGenerator(103).next(10));
    symlinkSync(join(dir, 'gone.log'), join(logs, 'nova-api.log.1'));
    const s = await ingestInto(join(dir, 'a.db'), [logs]);
    expect(s.passedOver).toEqual([
      {
        path: join(logs, 'nova-api.log.1'),
        reason: `a symbolic link to ${join(dir, 'gone.log')}, which does not exist`,
      },
    ]);
  });

  const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  const ROOT_USER = process.getuid?.() === 0;
  it.skipIf(ROOT_USER && SETPRIV === undefined)(
    'a file that cannot be read is named in the summary with the reason, exit 1, the others ingested',
    () => {
      const dir = tempDir();
      const logs = join(dir, 'logs');
      mkdirSync(logs);
      writeFileSync(join(logs, 'nova-api.log'), novaLogGenerator(104).next(10));
      writeFileSync(join(logs, 'nova-api.log.1'), novaLogGenerator(105).next(10));
      chmodSync(join(logs, 'nova-api.log.1'), 0o000);
      // As root every file is readable: the ingest runs as nobody, in a folder nobody may write.
      if (ROOT_USER) chownSync(dir, 65534, 65534);
      const args = [BIN, 'ingest', '--db', join(dir, 'a.db'), '--timezone', 'UTC', logs];
      const cmd = ROOT_USER
        ? [SETPRIV!, '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args]
        : [process.execPath, ...args];
      const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' });
      chmodSync(join(logs, 'nova-api.log.1'), 0o644);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/nova-api\.log\.1: FAILED: .*EACCES: permission denied/);
      expect(r.stdout).toMatch(/nova-api\.log: ingested, nova: \d+ lines, 10 requests/);
      expect(r.stderr).toMatch(/1 input could not be read; everything else was ingested/);
    },
  );

  it('requests without a date are counted and warned about, with what --since does to them', async () => {
    const dir = tempDir();
    const cat =
      'INFO nova.api.openstack.requestlog [None req-67c78982-2a34-4df1-a84b-c5a7b19e1ee0 u p - - default default] ' +
      '10.0.2.20 "GET /v2.1/os-hosts" status: 200 len: 532 microversion: 2.1 time: 0.044310\n';
    writeFileSync(join(dir, 'journal-cat.txt'), cat + cat.replace('67c78982', '77c78982'));
    const db = join(dir, 'a.db');
    const s = await ingestInto(db, [join(dir, 'journal-cat.txt')]);
    expect(s.undated).toBe(2);
    const r = reportOf(db);
    expect(osHostsCalls(r)).toBe(2);
    // No date, no span: undated requests are not an hour of logs (nor 1970's).
    expect(r.span).toMatchObject({ first: null, last: null, daysWithLogs: 0 });
    expect(r.warnings.join(' ')).toMatch(
      /2 requests in .*journal-cat\.txt carry no date.*--since and --until leave them out/,
    );
    const since = reportOf(db, [], '2020-01-01');
    expect(osHostsCalls(since)).toBe(0);
    expect(since.warnings.join(' ')).toMatch(/carry no date/);
  });
});

describe('the span of the logs is the same whatever sources its lines were read in', () => {
  const request = (time: string, id: string): string =>
    `2024-05-02 ${time} 2211 INFO nova.api.openstack.requestlog [None req-${id} u p - - default default] ` +
    '10.0.2.20 "GET /v2.1/os-hosts" status: 200 len: 532 microversion: 2.1 time: 0.044310';
  // A hosts-controller message of another year in the same file: its source's last time says nothing
  // of the last hour of requests.
  const message =
    '2026-07-04 07:13:09.000 2211 INFO nova.api.openstack.compute.hosts [None ' +
    'req-77aa1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c u p - - default default] Disabling host cmp-01.';

  it('ends at the last request of the service, not at the end of its hour', async () => {
    const dir = tempDir();
    const first = [request('09:00:01.880', '67c78982-2a34-4df1-a84b-c5a7b19e1ee0'), message];
    const grown = [...first, request('15:29:54.344', '77c78982-2a34-4df1-a84b-c5a7b19e1ee0')];
    writeFileSync(join(dir, 'nova-api.log'), first.join('\n') + '\n');
    const fast = join(dir, 'fast.db');
    await ingestInto(fast, [join(dir, 'nova-api.log')], { timezone: 'UTC', novaTimezone: 'UTC' });
    // The file grows: the next run continues its source (whose last time is the message's, 2026).
    writeFileSync(join(dir, 'nova-api.log'), grown.join('\n') + '\n');
    await ingestInto(fast, [join(dir, 'nova-api.log')], { timezone: 'UTC', novaTimezone: 'UTC' });
    const ref = join(dir, 'ref.db');
    await ingestInto(ref, [join(dir, 'nova-api.log')], { reference: true, timezone: 'UTC', novaTimezone: 'UTC' });
    for (const db of [fast, ref])
      expect(reportOf(db).span).toMatchObject({ first: '2024-05-02T09:00:01.836Z', last: '2024-05-02T15:29:54.344Z' });
  });
});

describe('a long span of logs', () => {
  it('sixteen years of hourly requests (140,000 hours) give a report, not a stack overflow', async () => {
    const dir = tempDir();
    const start = Date.UTC(2008, 0, 1);
    const lines: string[] = [];
    for (let i = 0; i < 140_000; i++) {
      const time = new Date(start + i * 3_600_000).toISOString().replace('T', ' ').slice(0, 23);
      const id = `${String(i).padStart(8, '0')}-2a34-4df1-a84b-c5a7b19e1ee0`;
      lines.push(
        `${time} 2211 INFO nova.api.openstack.requestlog [None req-${id} u p - - default default] ` +
          '10.0.2.20 "GET /v2.1/servers" status: 200 len: 532 microversion: 2.1 time: 0.04',
      );
    }
    writeFileSync(join(dir, 'nova-api.log'), lines.join('\n') + '\n');
    const db = join(dir, 'a.db');
    await ingestInto(db, [join(dir, 'nova-api.log')], { novaTimezone: 'UTC' });
    expect(reportOf(db).span).toMatchObject({ first: '2008-01-01T00:00:00.000Z', daysWithLogs: 5_834 });
  }, 60_000);
});

describe('requests without a request id', () => {
  const line = (agent: string): string =>
    '203.0.113.28 - - [02/May/2024:10:15:27 +0000] "GET /v2.1/os-hosts/cmp-02 HTTP/1.1" 200 610 "-" ' + `"${agent}"`;

  it('alike but for their User-Agent, in two files, are two calls, whatever the order they are read in', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'web1.log'), line('python-novaclient/18.1.0 keystoneauth1/5.1.2') + '\n');
    writeFileSync(join(dir, 'web2.log'), line('openstacksdk/1.0.1 keystoneauth1/5.1.1') + '\n');
    const clients: string[][] = [];
    for (const order of [
      ['web1.log', 'web2.log'],
      ['web2.log', 'web1.log'],
    ]) {
      const db = join(dir, `${order[0]}.db`);
      for (const f of order) await ingestInto(db, [join(dir, f)]);
      const r = reportOf(db);
      expect(osHostsCalls(r)).toBe(2);
      clients.push(r.apis[0]!.byClient.map((c) => `${c.client} ${c.version} ${c.calls}`).sort());
    }
    expect(clients[0]).toEqual(['openstacksdk 1.0.1 1', 'python-novaclient 18.1.0 1']);
    expect(clients[1]).toEqual(clients[0]);
  });
});
