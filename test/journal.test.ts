/**
 * journald: real journal files, written by Debian's systemd-journal-remote from export-format
 * entries these tests write (central-logging.md §7), read back through journalctl. Entries are
 * counted once across runs and across a rotation; a MESSAGE that is not UTF-8 is read; output of
 * `journalctl -o json` and `-o export` saved to a file is read like any log.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isJournalExport, JournalExportDecoder } from '../parsers/journal-export.js';
import { ingestJournal, type JournalIngestOptions } from '../src/sources/journal/driver.js';
import { ingestInto, reportOf, stable, tempDir } from './helpers.js';
import { journalRemoteNeed, missing, skipWithout } from './machine.js';

const JOURNAL_REMOTE = journalRemoteNeed();
const REMOTE = JOURNAL_REMOTE.path ?? '/lib/systemd/systemd-journal-remote';

type Field = [string, string | Buffer];

/** journald's export format: `NAME=value`, or NAME, a 64-bit little-endian length and the bytes of a binary value. */
function exportOf(entries: readonly Field[][]): Buffer {
  const parts: Buffer[] = [];
  for (const fields of entries) {
    for (const [name, value] of fields) {
      if (typeof value === 'string' && !value.includes('\n')) parts.push(Buffer.from(`${name}=${value}\n`));
      else {
        const bytes = typeof value === 'string' ? Buffer.from(value) : value;
        const len = Buffer.alloc(8);
        len.writeBigUInt64LE(BigInt(bytes.length));
        parts.push(Buffer.from(`${name}\n`), len, bytes, Buffer.from('\n'));
      }
    }
    parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** Append entries to a journal file (created when missing) with systemd-journal-remote. */
function writeJournal(file: string, entries: readonly Field[][]): void {
  execFileSync(REMOTE, ['-o', file, '-'], { input: exportOf(entries), stdio: ['pipe', 'ignore', 'ignore'] });
}

const BOOT = '2f6c1d7a9b8e4c3d8e7f6a5b4c3d2e1f';
const MACHINE = '0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a';
let seq = 0;

/** An entry of a unit, written at `ms`. */
function entry(ms: number, unit: string, identifier: string, message: string | Buffer): Field[] {
  seq++;
  return [
    ['__REALTIME_TIMESTAMP', String(ms * 1000)],
    ['__MONOTONIC_TIMESTAMP', String(1_000_000 + seq)],
    ['_BOOT_ID', BOOT],
    ['_MACHINE_ID', MACHINE],
    ['_HOSTNAME', 'devstack'],
    ['_SYSTEMD_UNIT', unit],
    ['SYSLOG_IDENTIFIER', identifier],
    ['_PID', '87040'],
    ['MESSAGE', message],
  ];
}

const T = (m: number, s: number): number => Date.UTC(2024, 2, 22, 15, m, s, 412);
const NAPI = 'devstack@n-api.service';

/** A devstack n-api request as its journal holds it: nova's request_log line (no time of its own) and uWSGI's. */
function request(m: number, s: number, n: number, path: string, status = 200): Field[][] {
  const id = `c31147e0-7eb4-425e-a36b-${String(n).padStart(12, '0')}`;
  return [
    entry(
      T(m, s),
      NAPI,
      'devstack@n-api',
      `INFO nova.api.openstack.requestlog [None req-${id} admin admin] 10.0.0.15 "GET ${path}" status: ${status} ` +
        'len: 1207 microversion: 2.1 time: 0.058000',
    ),
    entry(
      T(m, s),
      NAPI,
      'devstack@n-api',
      `[pid: 87040|app: 0|req: ${n}/${n * 2}] 10.0.0.15 () {64 vars in 1291 bytes} [Fri Mar 22 ` +
        `15:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')} 2024] GET ${path} => generated 1207 bytes in ` +
        `58 msecs (HTTP/1.1 ${status}) 9 headers in 380 bytes (1 switches on core 0)`,
    ),
  ];
}

const haproxy = (m: number, s: number, port: number, path: string): Field[] =>
  entry(
    T(m, s),
    'haproxy.service',
    'haproxy',
    `10.0.0.15:${port} [22/Mar/2024:15:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.100] ` +
      `nova_api_front nova_api_back/devstack 0/0/1/57/58 200 1207 - - ---- 12/3/0/0/0 0/0 "GET ${path} HTTP/1.1"`,
  );

const other = (m: number): Field[] =>
  entry(T(m, 0), 'ssh.service', 'sshd', 'Accepted publickey for stack from 10.0.0.1 port 51234 ssh2');

/** The first run's entries and the second's. */
function story(): [Field[][], Field[][]] {
  seq = 0;
  const first = [
    ...request(16, 23, 1, '/compute/v2.1/os-hosts'),
    ...request(16, 25, 2, '/compute/v2.1/servers/detail'),
    haproxy(16, 26, 51001, '/v2.1/os-hosts'),
    other(16),
    ...request(16, 28, 3, '/compute/v2.1/os-hosts/devstack/startup', 501),
  ];
  const second = [
    ...request(17, 1, 4, '/compute/v2.1/os-hosts/devstack'),
    haproxy(17, 2, 51002, '/v2.1/os-services'),
    ...request(17, 5, 5, '/compute/v2.1/flavors'),
  ];
  return [first, second];
}

const run = (db: string, o: Partial<JournalIngestOptions>) => ingestJournal({ db, timezone: 'UTC', ...o });
const osHosts = (db: string) => reportOf(db).apis.find((a) => a.api === 'os-hosts')!;

describe.skipIf(skipWithout(JOURNAL_REMOTE))('journald through journalctl', () => {
  // Required (APICENSUS_REQUIRE_JOURNAL=1) and missing: fail, saying how to install it.
  beforeAll(() => {
    if (JOURNAL_REMOTE.path === null) throw new Error(missing(JOURNAL_REMOTE));
  });
  it('entries read over two runs are counted once: the same report as one run over all of them', async () => {
    const dir = tempDir();
    const [first, second] = story();
    const file = join(dir, 'system.journal');
    writeJournal(file, first);
    const db = join(dir, 'a.db');
    const one = await run(db, { files: [file] });
    expect(one).toMatchObject({ entries: 8, other: 1, requests: 7 });
    expect(osHosts(db).calls).toBe(2);
    writeJournal(file, second);
    const two = await run(db, { files: [file] });
    expect(two).toMatchObject({ entries: 5, other: 0 });
    const three = await run(db, { files: [file] });
    expect(three).toMatchObject({ entries: 0, newRequests: 0 });
    const whole = join(dir, 'whole.db');
    await run(whole, { files: [file] });
    expect(stable(reportOf(db))).toEqual(stable(reportOf(whole)));
    expect(osHosts(db).calls).toBe(3);
    expect(reportOf(db).inputs.requestsByLayer).toEqual({ nova: 5, web: 5, lb: 2 });
  });

  it('a journal rotated between runs (a new file, the cursor still in the old one) loses nothing', async () => {
    const dir = tempDir();
    const journals = join(dir, MACHINE);
    mkdirSync(journals);
    const [first, second] = story();
    writeJournal(join(journals, 'system.journal'), first);
    const db = join(dir, 'a.db');
    await run(db, { directory: journals });
    renameSync(join(journals, 'system.journal'), join(journals, 'system@0001-0002.journal'));
    writeJournal(join(journals, 'system.journal'), second);
    const after = await run(db, { directory: journals });
    expect(after).toMatchObject({ entries: 5, notes: [] });
    const whole = join(dir, 'whole.db');
    await run(whole, { directory: journals });
    expect(stable(reportOf(db))).toEqual(stable(reportOf(whole)));
  });

  it('says so when the entry of the stored cursor is gone (journal vacuumed)', async () => {
    const dir = tempDir();
    const journals = join(dir, 'j');
    mkdirSync(journals);
    const [first, second] = story();
    writeJournal(join(journals, 'system.journal'), first);
    const db = join(dir, 'a.db');
    await run(db, { directory: journals });
    rmSync(join(journals, 'system.journal'));
    writeJournal(join(journals, 'system.journal'), second);
    const after = await run(db, { directory: journals });
    expect(after.entries).toBe(5);
    expect(after.notes.join('\n')).toMatch(/no longer in the journal .* may be lost/);
  });

  it('reads a MESSAGE that is not UTF-8 (journalctl gives its bytes)', async () => {
    const dir = tempDir();
    const file = join(dir, 'system.journal');
    const line = Buffer.concat([
      Buffer.from(
        '[pid: 87040|app: 0|req: 9/18] 10.0.0.15 () {64 vars in 1291 bytes} ' +
          '[Fri Mar 22 15:16:23 2024] GET /compute/v2.1/os-hosts?name=',
      ),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' => generated 1207 bytes in 58 msecs (HTTP/1.1 200) 9 headers in 380 bytes (1 switches on core 0)'),
    ]);
    writeJournal(file, [entry(T(16, 23), NAPI, 'devstack@n-api', line)]);
    expect(execFileSync('journalctl', ['--file', file, '-o', 'json'], { encoding: 'utf8' })).toMatch(
      /"MESSAGE":\[91,112,105,100/,
    );
    const db = join(dir, 'a.db');
    expect(await run(db, { files: [file] })).toMatchObject({ entries: 1, requests: 1, observations: 1 });
    expect(osHosts(db).calls).toBe(1);
  });

  it('filters by unit, and `journalctl -o json` or `-o export` output saved to a file reads like any log', async () => {
    const dir = tempDir();
    const [first, second] = story();
    const file = join(dir, 'system.journal');
    writeJournal(file, [...first, ...second]);
    const db = join(dir, 'unit.db');
    expect(await run(db, { files: [file], units: [NAPI] })).toMatchObject({ entries: 10, other: 0 });
    const expected = stable(reportOf(db));
    for (const form of ['json', 'export']) {
      const saved = join(dir, `n-api.${form}`);
      writeFileSync(saved, execFileSync('journalctl', ['--file', file, '-u', NAPI, '-o', form]));
      const fromFile = join(dir, `${form}.db`);
      const s = await ingestInto(fromFile, [saved]);
      expect(s.files[0]).toMatchObject({ status: 'ingested', format: 'nova+uwsgi', lines: 10 });
      expect(stable(reportOf(fromFile))).toEqual(expected);
      // Read again: nothing new.
      expect((await ingestInto(fromFile, [saved])).files[0]!.status).toBe('unchanged');
    }
  });
});

describe('the export-format decoder', () => {
  it('gives the entries journalctl -o json prints, whatever the chunks the bytes come in', () => {
    const bytes = exportOf([
      [
        ['__CURSOR', 's=1;i=1'],
        ['__REALTIME_TIMESTAMP', '1711120583412345'],
        ['MESSAGE', Buffer.from([0x47, 0x45, 0x54, 0xff])],
        ['_HOSTNAME', 'devstack'],
      ],
      [
        ['__REALTIME_TIMESTAMP', '1711120583500000'],
        ['MESSAGE', 'two\nlines'],
        ['TAG', 'a'],
        ['TAG', 'b'],
      ],
    ]);
    const expected = [
      '{"__CURSOR":"s=1;i=1","__REALTIME_TIMESTAMP":"1711120583412345","MESSAGE":[71,69,84,255],' +
        '"_HOSTNAME":"devstack"}',
      '{"__REALTIME_TIMESTAMP":"1711120583500000","MESSAGE":"two\\nlines","TAG":["a","b"]}',
    ];
    expect(isJournalExport(bytes)).toBe(true);
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const d = new JournalExportDecoder();
      const lines: string[] = [];
      for (let i = 0; i < bytes.length; i += size) lines.push(...d.push(bytes.subarray(i, i + size)));
      expect(lines, `chunks of ${size}`).toEqual(expected);
    }
    const cut = new JournalExportDecoder();
    expect(cut.push(bytes.subarray(0, bytes.length - 1))).toEqual(expected.slice(0, 1));
  });

  it('takes no ordinary log for an export stream', () => {
    expect(isJournalExport(Buffer.from('2024-05-02 09:15:01.337 23 INFO nova.api.openstack.requestlog [-] x\n'))).toBe(
      false,
    );
    expect(isJournalExport(Buffer.from('MESSAGE=hello\nPRIORITY=6\n\n'))).toBe(false);
  });
});
