/**
 * The text report's first screen is the answer, and "Can the logs answer?"
 * weighs the time the logs cover: the samples, a year of generated logs, one
 * day, a window asked beyond the logs, and a report with long lists.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderUsedApis, usedApis } from '../src/cli/commands/apis.js';
import { runReport, type ReportArgs } from '../src/cli/commands/report.js';
import { renderFirstScreen, renderText, SCREEN_LINES } from '../reports/text.js';
import type { Report } from '../reports/model.js';
import { ingestInto, tempDir } from './helpers.js';
import { novaLogGenerator } from './log-generator.js';
import { GOLDEN_NOW, samplesDb } from './samples-db.js';
import { writeYearOfLogs, YEAR_GAPS } from './year-logs.js';

const NOW = GOLDEN_NOW;
const run = (db: string, extra: Partial<ReportArgs> = {}): { report: Report; output: string } =>
  runReport({ db, api: [], format: 'text', rules: [], ...extra }, NOW);

const width = (line: string): number => [...line].length;
const day = (iso: string | null): string => (iso ?? '-').slice(0, 10);

/** Every line of `text` is at most 80 columns (characters, not bytes). */
function expectFits(text: string): void {
  const long = text.split('\n').filter((l) => width(l) > 80);
  expect(long).toEqual([]);
}

describe('the text report of the samples', () => {
  let db: string;
  let remove = (): void => {};
  let report: Report;
  let text: string;
  beforeAll(async () => {
    ({ db, remove } = await samplesDb());
    ({ report, output: text } = run(db));
  });
  afterAll(() => remove());

  it('holds in its first 24 lines the verdict, the window and one line per action of each API', () => {
    const screen = text.split('\n').slice(0, SCREEN_LINES);
    const joined = screen.join('\n');
    expect(screen[0]).toMatch(/^apicensus report — os-hosts +generated 2026-01-01 00:00 UTC$/);
    // Can the logs answer, and why not.
    expect(report.verdict.answerable).toBe('partly');
    expect(screen).toContain('Can the logs answer? Partly:');
    for (const r of report.verdict.reasons) expect(screen).toContain(`  - ${r}`);
    expect(report.verdict.reasons.join('\n')).toMatch(/days without logs in 4 gaps/);
    expect(report.verdict.reasons.join('\n')).toMatch(/2 hours logged only in TCP mode/);
    // The window: first and last time, days with logs, gaps.
    expect(joined).toContain(`Logs: 2014-04-17 10:40 → 2024-05-07 10:02 UTC · 7 of 3,674 days with logs`);
    expect(joined).toContain('  no logs: 2014-04-18 → 2019-10-13 (2,005 days), … and 3 more');
    // Per API, one line per action: calls, callers, last seen, works on driver, move to.
    for (const a of report.apis) {
      const at = screen.findIndex((l) => l.startsWith(`${a.api.toUpperCase()}, `));
      expect(at, a.api).toBeGreaterThan(0);
      for (const x of a.actions) {
        const line = screen.slice(at).find((l) => l.startsWith(`  ${x.action} `));
        expect(line, x.action).toBeDefined();
        expect(line!.trim().split(/\s+/).slice(1, 3), x.action).toEqual([String(x.calls), String(x.projects)]);
        expect(line).toContain(day(x.lastSeen));
      }
    }
    const hosts = report.apis[0]!.actions;
    expect(screen).toContain(
      `  enable              2       1 ${day(hosts.find((x) => x.action === 'enable')!.lastSeen)} no: libvirt      ` +
        'os-services',
    );
    expect(screen.find((l) => l.startsWith('  reboot '))).toMatch(/1 yes, 2 no +none$/);
    expect(screen.find((l) => l.startsWith('  list ') && l.endsWith('(current)'))).toBeDefined();
    expect(renderFirstScreen(report).split('\n').length - 1).toBeLessThanOrEqual(SCREEN_LINES);
  });

  it(`keeps the first screen to 24 lines when the actions do not fit: \
what fits, then how many more follow below`, () => {
    const r: Report = structuredClone(report);
    const [hosts, services] = r.apis as [Report['apis'][number], Report['apis'][number]];
    const more = (a: typeof hosts, n: number): void => {
      for (let i = 0; i < n; i++) a.actions.push({ ...a.actions[0]!, action: `${a.actions[0]!.action}-${i}` });
    };
    more(hosts, 2);
    more(services, 5);
    const screen = renderFirstScreen(r).trimEnd().split('\n');
    expect(screen.length).toBe(SCREEN_LINES);
    // The studied API first: all its ten actions; the second gets what is left, and says how many follow.
    for (const x of hosts.actions) expect(screen.some((l) => l.startsWith(`  ${x.action} `))).toBe(true);
    expect(screen.at(-1)).toBe('  … and 7 more actions below');
    expect(screen.filter((l) => l.startsWith('  ACTION '))).toHaveLength(2);
    expect(renderText(r).split('\n').slice(SCREEN_LINES).join('\n')).toContain('list-4');
  });

  it('has no line over 80 columns, with --all and with --api all too', () => {
    expectFits(text);
    expectFits(run(db, { all: true }).output);
    expectFits(run(db, { api: ['all'] }).output);
  });

  it('says "1 call appears", "1 day", and what moves where: no "1 days", no "list: none" for a current API', () => {
    expect(text).not.toMatch(/\b1 (days|calls|hours|sources|projects)\b/);
    expect(text).not.toMatch(/\b1 call appear\b/);
    const services = text.slice(text.indexOf('OS-SERVICES — '));
    expect(services).toContain('  - list: current, nothing to replace');
    expect(services).not.toContain('list: none');
  });

  it('ends long lists with "… and N more" and the command that lists them all', () => {
    const r: Report = structuredClone(report);
    const a = r.apis[0]!;
    a.byProject = Array.from({ length: 67 }, (_, i) => ({
      ...a.byProject[0]!,
      project: `project-${String(i).padStart(2, '0')}`,
    }));
    const out = renderText(r);
    expect(out).toContain('    … and 57 more (all: apicensus report --all)');
    expect(out).not.toContain('project-10');
    const all = renderText(r, { all: true });
    expect(all).toContain('project-66');
    expect(all).not.toContain('… and 57 more');
  });

  it('`report --api all`: one line per API, deprecated APIs still called first, then current ones called', () => {
    const { report: all, output } = run(db, { api: ['all'] });
    const called = all.apis.filter((a) => a.calls > 0).map((a) => [a.api, a.status]);
    expect(called.slice(0, 2)).toEqual([
      ['os-hosts', 'deprecated'],
      ['extensions', 'deprecated'],
    ]);
    expect(called.at(-1)).toEqual(['os-services', 'current']);
    expect(all.apis.length).toBe(27);
    const lines = output.split('\n');
    const head = lines.findIndex((l) => l.startsWith('  API '));
    const rows = lines.slice(head + 1, head + 1 + all.apis.length);
    expect(rows.map((l) => l.trim().split(/\s+/)[0])).toEqual(all.apis.map((a) => a.api));
    expect(rows[0]).toMatch(/^ {2}os-hosts +deprecated +33 +3 2024-05-06$/);
  });

  it('`apis --used`: the called APIs only, in the same order, with calls, callers and last seen', () => {
    const rows = usedApis(db, []);
    expect(rows.map((r) => [r.api, r.calls])).toEqual([
      ['os-hosts', 33],
      ['extensions', 1],
      ['os-services', 5],
    ]);
    const out = renderUsedApis(rows, 27);
    expect(out.split('\n')[0]).toBe('3 of 27 known APIs are called (callers: projects), deprecated ones first:');
    expectFits(out);
  });
});

describe('"Can the logs answer?" weighs the window', () => {
  it('a year with two gaps: partly, naming the gaps; 321 of 366 days with logs', async () => {
    const dir = tempDir();
    const { files, days } = writeYearOfLogs(join(dir, 'logs'));
    const db = join(dir, 'year.db');
    await ingestInto(db, files);
    const { report, output } = run(db);
    expect(days).toBe(321);
    expect(report.span).toMatchObject({ days: 366, daysWithLogs: 321, minDays: 7 });
    expect(report.span.gaps.map((g) => [g.from, g.to, g.days])).toEqual([
      [YEAR_GAPS[0]!.from, YEAR_GAPS[0]!.to, 14],
      [YEAR_GAPS[1]!.from, YEAR_GAPS[1]!.to, 31],
    ]);
    expect(report.verdict.answerable).toBe('partly');
    expect(report.verdict.reasons).toEqual(['45 days without logs in 2 gaps, the longest 2024-08-01 → 2024-08-31']);
    const screen = output.split('\n').slice(0, SCREEN_LINES).join('\n');
    expect(screen).toContain(
      'Can the logs answer? Partly:\n  - 45 days without logs in 2 gaps, the longest 2024-08-01 → 2024-08-31\n',
    );
    expect(screen).toMatch(/Logs: 2024-01-01 08:\d\d → 2024-12-31 08:\d\d UTC · 321 of 366 days with logs/);
    expect(screen).toContain('  no logs: 2024-03-04 → 2024-03-17 (14 days), 2024-08-01 → 2024-08-31 (31 days)');
    expectFits(output);
  });

  it(`one day of logs: partly (fewer days than --min-days) \
and the verdict says no call cannot be ruled out`, async () => {
    const dir = tempDir();
    const file = join(dir, 'nova-api.log');
    writeFileSync(file, novaLogGenerator(7, 0).next(200));
    const db = join(dir, 'day.db');
    await ingestInto(db, [file]);
    const { report, output } = run(db);
    expect(report.apis[0]!.calls).toBe(0);
    expect(report.verdict.answerable).toBe('partly');
    expect(report.verdict.reasons).toEqual(['logs on 1 day only, fewer than 7 (--min-days)']);
    expect(report.verdict.summary).toMatch(/The logs cannot rule calls out: logs on 1 day only/);
    expect(output.split('\n').slice(0, 4).join('\n')).toContain(
      'Can the logs answer? Partly: logs on 1 day only, fewer than 7 (--min-days)',
    );
    // One day is enough when the operator says so.
    const one = run(db, { 'min-days': 1 }).report;
    expect(one.verdict.answerable).toBe('yes');
    expect(one.verdict.reasons).toEqual([]);
  });

  it('a window asked beyond the logs counts the days before them as a gap', async () => {
    const dir = tempDir();
    const file = join(dir, 'nova-api.log');
    writeFileSync(file, novaLogGenerator(9, 0.1, Date.UTC(2024, 4, 2, 9)).next(300));
    const db = join(dir, 'w.db');
    await ingestInto(db, [file]);
    const { report } = run(db, { since: '2024-04-20', until: '2024-05-03', 'min-days': 1 });
    expect(report.span.gaps[0]).toEqual({ from: '2024-04-20', to: '2024-05-01', days: 12 });
    expect(report.span.days).toBe(13);
    expect(report.verdict.answerable).toBe('partly');
  });

  it('no request at all: no, whatever the window', async () => {
    const dir = tempDir();
    const file = join(dir, 'nova-api.log');
    writeFileSync(file, '2024-05-02 09:00:00.000 3104 DEBUG nova.api.openstack.wsgi_app [-] start\n');
    const db = join(dir, 'none.db');
    await ingestInto(db, [file]);
    const { report } = run(db);
    expect(report.verdict.answerable).toBe('no');
    expect(report.verdict.reasons[0]).toBe('no compute request in the logs read');
  });
});

describe('the verdict names a few examples, the report all of them', () => {
  it('fifty-nine hosts missing from the inventory: five named in the verdict, then "and 54 more"', async () => {
    const dir = tempDir();
    const file = join(dir, 'nova-api.log');
    const ctx = '[None req-{id} 3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e1a 6f1c2a9e4b7d4e0f8a3b5c7d9e1f2a3b - - default default]';
    const lines = Array.from({ length: 59 }, (_, i) => {
      const id = `0000000${i}-aaaa-4bbb-8ccc-dddddddddddd`.slice(-36);
      const host = `cmp-${String(i + 1).padStart(2, '0')}`;
      return (
        `2024-05-02 09:${String(i).padStart(2, '0')}:00.000 3104 INFO nova.api.openstack.requestlog ` +
        `${ctx.replace('{id}', id)} 10.0.0.5 "GET /v2.1/os-hosts/${host}/reboot" status: 501 len: ` +
        '289 microversion: 2.1 time: 0.010000'
      );
    });
    writeFileSync(file, lines.join('\n') + '\n');
    const db = join(dir, 'hosts.db');
    await ingestInto(db, [file]);
    const { report, output } = run(db, { 'min-days': 1 });
    expect(report.apis[0]!.unknownHosts.length).toBe(59);
    expect(report.verdict.summary).toContain(
      'hosts not in the inventory: cmp-01, cmp-02, cmp-03, cmp-04, cmp-05 and 54 more;',
    );
    expect(output).toContain('… and 49 more (all: apicensus report --all)');
    expect(run(db, { 'min-days': 1, all: true }).output).toContain('cmp-59 (1)');
  });
});
