/**
 * The stanza `apicensus hook logrotate` prints, run by the real logrotate
 * (`logrotate -f -s STATE CONFIG`) against a scratch configuration in a
 * temporary folder, over several rotations with nova writing between them:
 * the hook alone ingests every line exactly once. nova is modelled both ways
 * oslo.log writes its file: reopening it by name (watch_log_file = True, a
 * WatchedFileHandler) and keeping its descriptor open (the default: a plain
 * FileHandler that never notices a rotation).
 *
 * Skipped, and the run ends saying so, when logrotate is not installed; with
 * APICENSUS_REQUIRE_LOGROTATE=1 (.ci/run) a missing logrotate fails the run (test/machine.ts).
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../reports/model.js';
import { ingestInto, reportOf, ROOT, stable, tempDir } from './helpers.js';
import { novaLogGenerator } from './log-generator.js';

import { logrotateNeed, missing, skipWithout } from './machine.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const LOGROTATE = logrotateNeed();

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * What Debian's /etc/logrotate.conf sets before it includes
 * /etc/logrotate.d/ (without `su`: the test's user owns the folder).
 */
const DEBIAN_GLOBALS = 'weekly\nrotate 4\ncreate\n\n';

/** Everything but the list of sources (a rotated log is one source per rotation). */
function comparable(r: Report): unknown {
  const s = stable(r) as { inputs: Record<string, unknown> };
  const { sources: _n, ...inputs } = s.inputs;
  return { ...s, inputs };
}

type Writer = 'reopens' | 'keeps-fd';

/** nova writing its log: by name at every write, or through one descriptor opened at start. */
class Nova {
  private fd: number | null = null;
  constructor(
    private readonly path: string,
    private readonly mode: Writer,
  ) {
    if (mode === 'keeps-fd') this.fd = openSync(path, 'a');
  }
  write(text: string): void {
    if (this.fd !== null) writeSync(this.fd, text);
    else appendFileSync(this.path, text);
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
  }
}

beforeAll(() => expect(existsSync(BIN), `${BIN} is missing: npm test builds it (npm run build)`).toBe(true));

describe.skipIf(skipWithout(LOGROTATE))('apicensus hook logrotate, run by logrotate -f', () => {
  // Required (APICENSUS_REQUIRE_LOGROTATE=1) and missing: fail, saying how to install it.
  beforeAll(() => {
    if (LOGROTATE.path === null) throw new Error(missing(LOGROTATE));
  });
  for (const mode of ['reopens', 'keeps-fd'] as const) {
    it(`five rotations with appends between: the hook ingests every line once (nova \
${mode === 'reopens' ? 'reopens its log by name' : 'keeps its descriptor'})`, async () => {
      const dir = tempDir();
      const logs = join(dir, 'log', 'nova');
      mkdirSync(logs, { recursive: true });
      const live = join(logs, 'nova-api.log');
      const db = join(dir, 'lib', 'apicensus.db');
      mkdirSync(join(dir, 'lib'));
      const stanza = cli(['hook', 'logrotate', '--db', db, '--log', live]);
      expect(stanza.code).toBe(0);
      expect(stanza.stdout).toContain(`${live} {`);
      expect(stanza.stdout).toContain(`ingest --quiet --db ${db} ${live} || {`);
      expect(stanza.stdout).not.toContain('|| true');
      const config = join(dir, 'logrotate.conf');
      writeFileSync(config, DEBIAN_GLOBALS + stanza.stdout);
      const state = join(dir, 'logrotate.state');
      const rotate = (): void => {
        const r = spawnSync(LOGROTATE.path!, ['-f', '-s', state, config], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toBe('');
      };

      const gen = novaLogGenerator(500);
      let written = '';
      writeFileSync(live, '');
      const nova = new Nova(live, mode);
      const append = (n: number): void => {
        const text = gen.next(n);
        written += text;
        nova.write(text);
      };
      for (let cycle = 0; cycle < 5; cycle++) {
        append(100 + cycle * 20);
        append(50);
        rotate();
      }
      // Lines written after the last rotation wait for the next one.
      append(40);
      rotate();
      nova.close();

      expect(readdirSync(logs).sort()).toEqual([
        'nova-api.log',
        'nova-api.log.1',
        'nova-api.log.2.gz',
        'nova-api.log.3.gz',
        'nova-api.log.4.gz',
        'nova-api.log.5.gz',
        'nova-api.log.6.gz',
      ]);
      const refDb = join(dir, 'ref.db');
      writeFileSync(join(dir, 'all.log'), written);
      await ingestInto(refDb, [join(dir, 'all.log')]);
      const ref = reportOf(refDb);
      const got = reportOf(db);
      expect(got.inputs.requests).toBe(gen.requests);
      expect(got.inputs.linesRead).toBe(ref.inputs.linesRead); // each rotated file read once
      expect(comparable(got)).toEqual(comparable(ref));
      // The timer's glob over the same files afterwards adds nothing.
      const again = cli(['ingest', '--db', db, ...readdirSync(logs).map((n) => join(logs, n))]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/\(0 not seen before\)/);
    });
  }
});

describe.skipIf(skipWithout(LOGROTATE))('apicensus hook logrotate: a failed ingest reaches the operator', () => {
  /** A `logger` that writes its arguments to a file, first on PATH: what would go to syslog. */
  function fakeLogger(dir: string): { path: string; lines: () => string[] } {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const out = join(dir, 'syslog');
    writeFileSync(join(bin, 'logger'), `#!/bin/sh\necho "$*" >> '${out}'\n`, { mode: 0o755 });
    return {
      path: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      lines: () => (existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n') : []),
    };
  }

  it(`a database ingest cannot open: the log still rotates, syslog gets a line, \
logrotate exits 1 with the reason`, () => {
    const dir = tempDir();
    const live = join(dir, 'nova-api.log');
    writeFileSync(live, novaLogGenerator(502).next(20));
    const db = join(dir, 'broken.db');
    writeFileSync(db, 'not a database, and not empty: '.repeat(200));
    const stanza = cli(['hook', 'logrotate', '--db', db, '--log', live]);
    const config = join(dir, 'logrotate.conf');
    writeFileSync(config, DEBIAN_GLOBALS + stanza.stdout);
    const syslog = fakeLogger(dir);
    const r = spawnSync(LOGROTATE.path!, ['-f', '-s', join(dir, 'state'), config], {
      encoding: 'utf8',
      env: { ...process.env, PATH: syslog.path, TZ: 'UTC' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/apicensus: Cannot open database .*broken\.db/);
    expect(r.stderr).toMatch(/error running shared postrotate script/);
    expect(existsSync(`${live}.1`)).toBe(true); // the rotation was not held back
    expect(syslog.lines()).toEqual([
      "-t apicensus -p user.err apicensus ingest failed on the live log before rotation: see logrotate's output",
      "-t apicensus -p user.err apicensus ingest failed on the rotated logs: see logrotate's output",
    ]);
  });

  it('the front-end stanza carries no word about nova, and its comments say why it copies and truncates', () => {
    const r = cli(['hook', 'logrotate', '--db', '/srv/a.db', '--frontend-log', '/var/log/haproxy.log']);
    const [nova, frontend] = r.stdout.split(/^(?=# Front-end logs)/m);
    expect(nova).toContain('# nova (oslo.log) keeps its log open');
    expect(frontend).toMatch(/^\/var\/log\/haproxy\.log \{$/m);
    expect(frontend).not.toMatch(/nova|oslo/);
    expect(frontend).toContain('# the writer (HAProxy, or rsyslog for it) keeps the file open');
  });
});

describe('apicensus hook systemd', () => {
  it(`prints a oneshot service that ingests the logs and \
their rotations into the database, and an hourly timer`, () => {
    const r = cli([
      'hook',
      'systemd',
      '--db',
      '/srv/apicensus/census.db',
      '--log',
      '/var/log/nova/nova-api.log',
      '--frontend-log',
      '/var/log/haproxy.log',
      '--timezone',
      'Europe/Berlin',
    ]);
    expect(r.code).toBe(0);
    const [service, timer] = r.stdout.split(/^(?=# \/etc\/systemd\/system\/apicensus-ingest\.timer$)/m);
    expect(service).toMatch(/^# \/etc\/systemd\/system\/apicensus-ingest\.service\n\[Unit\]\n/);
    expect(service).toContain('\n[Service]\nType=oneshot\n');
    const exec = service!.split('\n').find((l) => l.startsWith('ExecStart='));
    expect(exec).toBe(
      `ExecStart=/bin/sh -c 'exec ${process.execPath} ${BIN} ingest --quiet --db /srv/apicensus/census.db ` +
        `--timezone Europe/Berlin /var/log/nova/nova-api.log* /var/log/haproxy.log*'`,
    );
    expect(timer).toMatch(/^# \/etc\/systemd\/system\/apicensus-ingest\.timer\n\[Unit\]\n/);
    expect(timer).toContain('\n[Timer]\nOnCalendar=hourly\n');
    expect(timer).toContain('\nPersistent=true\n');
    expect(timer).toContain('\n[Install]\nWantedBy=timers.target\n');
  });

  it('the service command, run by sh as systemd would, ingests the live log and its rotations once', async () => {
    const dir = tempDir();
    const db = join(dir, 'census.db');
    const live = join(dir, 'nova-api.log');
    const gen = novaLogGenerator(501);
    const rotated = gen.next(200);
    const current = gen.next(100);
    writeFileSync(`${live}.1`, rotated);
    writeFileSync(live, current);
    const r = cli(['hook', 'systemd', '--db', db, '--log', live]);
    const exec = r.stdout
      .split('\n')
      .find((l) => l.startsWith('ExecStart='))!
      .slice('ExecStart='.length);
    const [sh, c, script] = [
      exec.slice(0, exec.indexOf(' ')),
      '-c',
      exec.slice(exec.indexOf("'") + 1, exec.lastIndexOf("'")),
    ];
    for (let run = 0; run < 2; run++) {
      const s = spawnSync(sh, [c, script], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      expect(s.status, s.stderr).toBe(0);
      expect(s.stdout + s.stderr).toBe(''); // --quiet
    }
    const refDb = join(dir, 'ref.db');
    writeFileSync(join(dir, 'all.log'), rotated + current);
    await ingestInto(refDb, [join(dir, 'all.log')]);
    expect(comparable(reportOf(db))).toEqual(comparable(reportOf(refDb)));
  });
});
