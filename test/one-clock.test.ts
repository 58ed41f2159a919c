/**
 * One clock: every source without a UTC offset is read in the machine's zone unless an option
 * says otherwise, so one call logged by nova and by HAProxy counts once; and when two layers
 * still match at a whole-hour distance, the report names the option that fixes it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../reports/model.js';
import { clockSkews, MAX_SHIFT_HOURS, shiftMatches, standsOut } from '../src/store/clock-check.js';
import { openDb } from '../src/store/db.js';
import { sourceZones, zoneForOffset, zoneOffsetMinutes } from '../src/timezone.js';
import { ingestInto, reportOf, ROOT, tempDir } from './helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const HOUR = 3_600_000;

/** nova's request_log line (oslo.log text: no offset), logged at the end of a 52 ms request. */
const nova = (hhmmss: string) =>
  `2024-05-06 ${hhmmss}.158 25 INFO nova.api.openstack.requestlog [None req-0b2f6a6e-5a0e-4c35-9d25-2e4b5f1c8a71 ` +
  '3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a 6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b - - default default] ' +
  '10.0.0.11 "GET /v2.1/os-hosts" status: 200 len: 1024 microversion: 2.1 time: 0.052011';
/** The same call in HAProxy's log (no offset either), started 6 ms before nova's start. */
const haproxy = (hhmmss: string) =>
  `May  6 ${hhmmss} lb1 haproxy[2291]: 203.0.113.7:40112 [06/May/2024:${hhmmss}.100] nova_api_front ` +
  'nova_api_back/ctl1 0/0/1/56/58 200 1207 - - ---- 9/2/0/0/0 0/0 "GET /v2.1/os-hosts HTTP/1.1"';

/** The built CLI under a machine zone, as an operator in Berlin runs it: ingest, then the JSON report. */
function cliReport(files: string[], tz: string, options: string[] = []): Report {
  const db = join(tempDir(), 'cli.db');
  const run = (args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, TZ: tz } });
  const i = run(['ingest', ...files, '--db', db, '--quiet', ...options]);
  expect(i.status, i.stderr).toBe(0);
  const r = run(['report', '--db', db, '--format', 'json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

function pair(novaTime: string, haproxyTime: string): string[] {
  const dir = tempDir();
  writeFileSync(join(dir, 'nova-api.log'), nova(novaTime) + '\n');
  writeFileSync(join(dir, 'haproxy.log'), haproxy(haproxyTime) + '\n');
  return [join(dir, 'nova-api.log'), join(dir, 'haproxy.log')];
}
const osHosts = (r: Report) => r.apis.find((a) => a.api === 'os-hosts')!;

describe.skipIf(!existsSync(BIN))('one default zone for every source (built CLI, TZ=Europe/Berlin)', () => {
  it(`a call logged by nova and by HAProxy, both in Berlin time, counts once; \
the report says how the zones were chosen`, () => {
    const r = cliReport(pair('12:00:00', '12:00:00'), 'Europe/Berlin');
    expect(osHosts(r).calls).toBe(1);
    expect(osHosts(r).seenIn).toEqual({ 'lb+nova': 1 });
    expect(osHosts(r).firstSeen).toBe('2024-05-06T10:00:00.100Z');
    expect(r.timezones).toEqual({ frontEnd: 'Europe/Berlin', nova: 'Europe/Berlin' });
    expect(r.clock).toEqual({ rule: expect.stringMatching(/machine/), machineZone: 'Europe/Berlin' });
    expect(r.warnings).toEqual([]);
  });

  it(`nova written in UTC, HAProxy in Berlin time, no option: counted twice, \
and a warning names --nova-timezone UTC`, () => {
    const r = cliReport(pair('10:00:00', '12:00:00'), 'Europe/Berlin');
    expect(osHosts(r).calls).toBe(2);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(
      new RegExp(
        "^1 line in load-balancer logs has a line of the same route and status in nova's logs " +
          String.raw`2 hours earlier \(0 at the same time\)`,
      ),
    );
    expect(r.warnings[0]).toMatch(
      new RegExp(
        String.raw`If nova's logs were written in UTC \(they were read in Europe\/Berlin\), ` +
          'ingest them with `--nova-timezone UTC`; or ',
      ),
    );
    expect(r.warnings[0]).toMatch(/`--timezone Etc\/GMT-4`/);
  });

  it('the same pair with --nova-timezone UTC counts once, without the warning', () => {
    const r = cliReport(pair('10:00:00', '12:00:00'), 'Europe/Berlin', ['--nova-timezone', 'UTC']);
    expect(osHosts(r).calls).toBe(1);
    expect(r.timezones).toEqual({ frontEnd: 'Europe/Berlin', nova: 'UTC' });
    expect(r.clock.machineZone).toBe('Europe/Berlin');
    expect(r.warnings).toEqual([]);
  });
});

describe('the whole-hour check over stored lines', () => {
  it(`finds a web-server log read an hour off the load balancer \
and says to read one of them in a run of its own`, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'haproxy.log'), haproxy('12:00:00') + '\n');
    const apache = `10.0.0.15 - - [06/May/2024:11:00:00 +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 1207 "-" "curl/8.0"`;
    writeFileSync(join(dir, 'access.log'), apache + '\n');
    const db = join(dir, 'x.db');
    // HAProxy read as UTC while it wrote UTC+1: its line lands an hour after Apache's (which states its offset).
    await ingestInto(db, [join(dir, 'haproxy.log'), join(dir, 'access.log')], { timezone: 'UTC' });
    const r = reportOf(db);
    expect(osHosts(r).calls).toBe(2);
    expect(r.warnings.join(' ')).toMatch(
      /1 line in load-balancer logs has a line .* in web-server logs 1 hour earlier/,
    );
    expect(r.warnings.join(' ')).toMatch(/ingest them \(in a run of their own\) with `--timezone Etc\/GMT-1`/);
  });

  it('matches within the join window only, and reads no lines that joined', async () => {
    const db = join(tempDir(), 'j.db');
    const [novaLog, lbLog] = pair('12:00:00', '12:00:00');
    await ingestInto(db, [novaLog!, lbLog!]);
    const h = openDb(db, { readonly: true });
    try {
      expect(clockSkews(h, { from: null, to: null }, 5000)).toEqual([]);
    } finally {
      h.close();
    }
  });

  it('shiftMatches counts, per whole-hour distance, the lines with a partner there', () => {
    const a = [0, 10 * HOUR, 20 * HOUR];
    const b = [2 * HOUR + 1000, 12 * HOUR - 2000, 20 * HOUR + 60_000];
    const { counts } = shiftMatches(a, b, 5000);
    expect(counts[MAX_SHIFT_HOURS + 2]).toBe(2);
    expect(counts[MAX_SHIFT_HOURS]).toBe(0); // 60 s is outside the window
    expect(counts[MAX_SHIFT_HOURS + 12]).toBe(1); // 0 → 12 h
    expect(counts[MAX_SHIFT_HOURS - 8]).toBe(2); // 10 h → 2 h, 20 h → 12 h
    expect(counts.reduce((x, y) => x + y, 0)).toBe(5);
  });

  it('standsOut: one distance standing out is a skew; periodic callers matching at every hour are not', () => {
    const zero = (i: number, n: number) => Array.from({ length: 2 * MAX_SHIFT_HOURS + 1 }, (_, j) => (j === i ? n : 0));
    expect(standsOut(zero(MAX_SHIFT_HOURS - 2, 1), 0, 1)).toBe(-2);
    expect(standsOut(zero(MAX_SHIFT_HOURS - 2, 5), 10, 5)).toBeNull(); // joined calls at zero outnumber it
    const periodic = Array.from({ length: 2 * MAX_SHIFT_HOURS + 1 }, () => 40);
    expect(standsOut(periodic, 0, 60)).toBeNull();
    // A DST change splits one shift over two adjacent hours: still a skew.
    const dst = zero(MAX_SHIFT_HOURS + 1, 30);
    dst[MAX_SHIFT_HOURS + 2] = 28;
    expect(standsOut(dst, 0, 60)).toBe(1);
  });

  it('stays bounded: 250,000 lines on each side take well under a second', () => {
    const a = Array.from({ length: 250_000 }, (_, i) => i * 7_919);
    const b = a.map((t) => t + 3 * HOUR);
    const t0 = performance.now();
    const { counts } = shiftMatches(a, b, 5000);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(counts[MAX_SHIFT_HOURS + 3]).toBe(250_000);
  });
});

describe('the zones', () => {
  it('every source defaults to the machine zone; each option overrides its own sources only', () => {
    const machine = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(sourceZones({})).toMatchObject({ timezone: machine, novaTimezone: machine });
    expect(sourceZones({ timezone: 'Asia/Tokyo' })).toMatchObject({
      timezone: 'Asia/Tokyo',
      novaTimezone: machine,
      meta: [
        ['timezone', 'Asia/Tokyo'],
        ['nova_timezone', machine],
        ['machine_zone', machine],
      ],
    });
    expect(() => sourceZones({ novaTimezone: 'Mars/Olympus' })).toThrow(/Unknown time zone "Mars\/Olympus"/);
  });

  it('offsets and the zone names that give them', () => {
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2024, 4, 6))).toBe(120);
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2024, 0, 6))).toBe(60);
    expect(zoneForOffset(0)).toBe('UTC');
    expect(zoneForOffset(120)).toBe('Etc/GMT-2');
    expect(zoneForOffset(-300)).toBe('Etc/GMT+5');
    expect(zoneOffsetMinutes(zoneForOffset(-300), Date.UTC(2024, 4, 6))).toBe(-300);
  });
});
