/**
 * The HTML pages without a browser: the verdict is there word for word, the
 * embedded JSON is exactly the model, nothing is loaded from anywhere, hostile
 * strings stay text, and the daily chart has one bar per day.
 * (test/html-browser.test.ts opens the same pages in Chromium.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml, renderMergeHtml } from '../reports/html.js';
import { esc, html, jsonForScript } from '../reports/html/escape.js';
import type { Report } from '../reports/model.js';
import { demoReport, sampleMerge } from './html-fixtures.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const BREAKOUT = '</script><script>alert("x")</script><!--';

/** The demo report with hostile strings wherever a log or a pack could put one. */
function hostile(r: Report): Report {
  const h: Report = structuredClone(r);
  const a = h.apis[0]!;
  a.byProject[0]!.projectName = HOSTILE;
  a.byProject[1]!.project = BREAKOUT;
  a.byUser[0]!.userName = `"'><svg onload=alert(1)>`;
  a.byClient[0]!.userAgents = [BREAKOUT, HOSTILE];
  a.byClient[0]!.client = HOSTILE;
  a.byHost[0]!.host = `cmp-01" onmouseover="alert(1)`;
  a.byDriver[0]!.driver = HOSTILE;
  a.actions[0]!.replacement = BREAKOUT;
  a.daily[0]!.actions = { [HOSTILE]: 1, ...a.daily[0]!.actions };
  a.daily[0]!.day = HOSTILE;
  a.title = HOSTILE;
  h.sources[0]!.path = `/var/log/${BREAKOUT}/nova-api.log`;
  h.malformedExamples = [
    { path: `/x/${HOSTILE}`, line: 1, reason: BREAKOUT, text: `GET /${HOSTILE} ${BREAKOUT}`, api: null },
  ];
  h.warnings = [...h.warnings, `A warning with ${BREAKOUT}`];
  h.verdict = {
    ...h.verdict,
    summary: `${h.verdict.summary} ${HOSTILE} ${BREAKOUT}`,
    points: [...h.verdict.points, HOSTILE, BREAKOUT],
    reasons: [...h.verdict.reasons, BREAKOUT],
  };
  return h;
}

const decode = (s: string): string =>
  s.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);

/** The text inside the element with this id (no nested markup expected). */
function textOf(page: string, id: string): string {
  const m = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page);
  if (!m) throw new Error(`no element #${id}`);
  return decode(m[1]!);
}

function embedded(page: string): unknown {
  const m = /<script type="application\/json" id="apicensus-data">([\s\S]*?)<\/script>/.exec(page);
  if (!m) throw new Error('no embedded data');
  return JSON.parse(m[1]!);
}

/** Every attribute that makes a browser fetch something, every CSS way to, and every script API that does. */
function loads(page: string): string[] {
  const scripts = [...page.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  const styles = [...page.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
  const markup = page.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '').replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '');
  const attrs = [
    ...markup.matchAll(
      /\s(src|href|srcset|action|poster|data|xlink:href|formaction|background)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi,
    ),
  ].map((m) => `${m[1]}=${m[2]}`);
  const css = styles.flatMap((c) => [...c.matchAll(/url\(|@import|@font-face/gi)].map((m) => m[0]));
  const js = scripts.flatMap((c) =>
    [...c.matchAll(/\bfetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|\bimport\(|new Image|\.src\s*=/g)].map(
      (m) => m[0],
    ),
  );
  return [...attrs, ...css, ...js];
}

/** The markup of one API's section. */
function sectionOf(page: string, api: string): string {
  const start = page.indexOf(`<section class="api" data-api="${esc(api)}"`);
  if (start < 0) throw new Error(`no section for ${api}`);
  return page.slice(start, page.indexOf('</section>', start));
}

const count = (s: string, needle: string): number => s.split(needle).length - 1;

/** The verdict's points, the items of `<ul id="verdict">`, as text. */
function pointsOf(page: string): string[] {
  const start = page.indexOf('<ul id="verdict"');
  if (start < 0) throw new Error('no #verdict list');
  const list = page.slice(start, page.indexOf('</ul>', start));
  return [...list.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => decode(m[1]!));
}

describe('renderHtml', () => {
  let report: Report;
  let page: string;
  beforeAll(async () => {
    report = await demoReport();
    page = renderHtml(report);
  });

  it(`is one HTML document with the answer first: can the logs answer, \
why not, the days they cover, per action, the verdict as a list`, () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(pointsOf(page)).toEqual(report.verdict.points);
    expect(report.verdict.points.join(' ')).toBe(report.verdict.summary);
    expect(page).toContain(`<p class="answer" data-answerable="${report.verdict.answerable}">`);
    for (const reason of report.verdict.reasons) expect(decode(page)).toContain(`<li>${reason}</li>`);
    expect(decode(page)).toContain(
      `${report.span.daysWithLogs} of ${report.span.days.toLocaleString('en-US')} days with logs`,
    );
    for (const a of report.apis) {
      const glance = page.slice(page.indexOf(`<table class="glance" data-api="${a.api}"`));
      for (const x of a.actions) expect(glance).toContain(`<tr><td>${x.action}</td><td class="n">${x.calls}</td>`);
    }
    expect(report.warnings.length).toBeGreaterThan(0);
    const verdictAt = page.indexOf('id="verdict"');
    const warningsAt = page.indexOf('id="warnings"');
    const inputsAt = page.indexOf('id="inputs"');
    const apisAt = page.indexOf('<section class="api"');
    expect(verdictAt).toBeGreaterThan(0);
    expect(verdictAt).toBeLessThan(warningsAt);
    expect(warningsAt).toBeLessThan(inputsAt);
    expect(inputsAt).toBeLessThan(apisAt);
    for (const w of report.warnings) expect(decode(page)).toContain(w);
  });

  it('embeds the very report it shows: the JSON parses back to exactly the input', () => {
    expect(embedded(page)).toEqual(report);
    expect(count(page, '<script')).toBe(2);
  });

  it('loads nothing from anywhere: no src, only in-page links, no CSS url(), and a CSP that forbids fetches', () => {
    const found = loads(page);
    expect(found.filter((l) => !/^href="#[\w-]+"$/.test(l))).toEqual([]);
    expect(page).not.toMatch(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(page)?.[1];
    expect(decode(csp ?? '')).toMatch(/^default-src 'none'; /);
  });

  it('bins ten years of logs by month: one bar per month with calls, one segment per action in it', () => {
    for (const a of report.apis) {
      const section = sectionOf(page, a.api);
      const chart = section.slice(
        section.indexOf('class="chart daily"'),
        section.indexOf('</svg>', section.indexOf('class="chart daily"')),
      );
      expect(chart).toContain('data-bin="month"');
      const months = new Map<string, Set<string>>();
      for (const d of a.daily) {
        const m = months.get(d.day.slice(0, 7)) ?? new Set();
        for (const [action, n] of Object.entries(d.actions)) if (n > 0) m.add(action);
        months.set(d.day.slice(0, 7), m);
      }
      const bins = [...chart.matchAll(/<g class="bar" data-bin="([^"]*)" data-calls="(\d+)"/g)];
      expect(
        bins.map((m) => m[1]!.slice(0, 7)),
        a.api,
      ).toEqual([...months.keys()]);
      expect(bins.reduce((n, m) => n + Number(m[2]), 0)).toBe(a.calls);
      expect(section).toContain(`data-bars="${months.size}"`);
      expect(count(chart, '<rect class="seg"')).toBe([...months.values()].reduce((n, m) => n + m.size, 0));
      // 2014-05 to 2019-09 had no day of logs: hatched, "no logs", not "no calls".
      expect(chart).toMatch(/<rect class="nologs" data-bin="2016-01-01" data-days="31"/);
    }
  });

  it('has a sortable table for actions, projects, users, hosts, clients, drivers and the support matrix', () => {
    const studied = sectionOf(page, report.apis[0]!.api);
    for (const t of [
      'actions',
      'projects',
      'users',
      'hosts',
      'clients',
      'drivers',
      'support',
      'addresses',
      'microversions',
    ]) {
      expect(studied, t).toMatch(new RegExp(`<table class="sortable" id="a0-t-${t}">`));
    }
    // Numbers sort as numbers: their headers say so, their cells carry the raw value.
    expect(studied).toMatch(/<th scope="col" data-type="num" class="n">Calls<\/th>/);
    expect(studied).toContain(`<td class="n" data-v="${report.apis[0]!.actions[0]!.calls}">`);
  });

  it('charts the top callers, the drivers and the clients as horizontal bars', () => {
    const a = report.apis[0]!;
    const studied = sectionOf(page, a.api);
    expect(studied).toContain(`id="a0-projects" data-rows="${Math.min(10, a.byProject.length)}"`);
    expect(studied).toContain(`id="a0-drivers" data-rows="${a.byDriver.length}"`);
    expect(studied).toContain(`id="a0-clients" data-rows="${Math.min(10, a.byClient.length)}"`);
    // Accessible: every chart has a title and a description, every bar a title.
    expect(count(page, '<svg class="chart')).toBe(count(page, '<title id="'));
    expect(count(page, '<g class="bar"') + count(page, '<g class="hbar"')).toBeLessThanOrEqual(count(page, '<title>'));
  });

  it('escapes every string from the model: hostile names stay text and cannot close the data script', () => {
    const h = hostile(report);
    const out = renderHtml(h);
    expect(out).not.toContain(HOSTILE);
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<svg onload');
    expect(out).not.toMatch(/<script>alert/);
    expect(out).not.toContain('" onmouseover="');
    expect(count(out, '<script')).toBe(2);
    expect(count(out, '</script>')).toBe(2);
    expect(out).toContain(esc(HOSTILE));
    expect(embedded(out)).toEqual(h);
    expect(pointsOf(out)).toEqual(h.verdict.points);
    // The hostile "day" is no date: its calls are one bar, "undated", after the dated ones.
    expect(sectionOf(out, h.apis[0]!.api)).toMatch(
      /<g class="bar" data-bin="undated" data-calls="\d+"><title>undated: /,
    );
  });

  it('is a pure function of the report: the same report gives the same bytes', () => {
    expect(renderHtml(structuredClone(report))).toBe(page);
  });

  it('says so when an API has no calls, and draws no bars for it', () => {
    const none: Report = structuredClone(report);
    for (const a of none.apis) Object.assign(a, { calls: 0, daily: [], actions: [], byProject: [] });
    const out = renderHtml(none);
    expect(count(out, '<g class="bar"')).toBe(0);
    expect(out).toContain('No calls of os-hosts in the logs read.');
    expect(embedded(out)).toEqual(none);
  });

  it(`puts days on a calendar when they span little time: one bar per day with calls, \
days without logs hatched`, () => {
    const r: Report = structuredClone(report);
    const a = r.apis[0]!;
    a.daily = [
      { day: '2024-05-01', calls: 3, actions: { list: 3 } },
      { day: '2024-05-02', calls: 1, actions: { reboot: 1 } },
      { day: '2024-05-20', calls: 2, actions: { list: 1, show: 1 } },
      { day: 'undated', calls: 1, actions: { list: 1 } },
    ];
    r.span = {
      ...r.span,
      first: '2024-05-01T08:00:00.000Z',
      last: '2024-05-20T17:00:00.000Z',
      gaps: [{ from: '2024-05-10', to: '2024-05-12', days: 3 }],
    };
    const section = sectionOf(renderHtml(r), a.api);
    expect(section).toContain('data-bin="day"');
    expect([...section.matchAll(/<g class="bar" data-bin="([^"]*)"/g)].map((m) => m[1])).toEqual([
      '2024-05-01',
      '2024-05-02',
      '2024-05-20',
      'undated',
    ]);
    expect([...section.matchAll(/<rect class="nologs" data-bin="([^"]*)" data-days="1"/g)].map((m) => m[1])).toEqual([
      '2024-05-10',
      '2024-05-11',
      '2024-05-12',
    ]);
    expect(section).toContain('the axis is a calendar');
  });

  it('bins a year by week: a bar per week with calls, weeks without logs hatched (fully when no day had logs)', () => {
    const r: Report = structuredClone(report);
    const a = r.apis[0]!;
    // Calls every Monday of 2024 (2024-01-01 is a Monday); no logs in March 4-17 and on 2024-06-05.
    a.daily = Array.from({ length: 52 }, (_, w) => {
      const day = new Date(Date.UTC(2024, 0, 1 + 7 * w)).toISOString().slice(0, 10);
      return { day, calls: 2, actions: { list: 1, show: 1 } };
    }).filter((d) => d.day < '2024-03-04' || d.day > '2024-03-17');
    r.span = {
      ...r.span,
      first: '2024-01-01T00:00:00.000Z',
      last: '2024-12-23T12:00:00.000Z',
      gaps: [
        { from: '2024-03-04', to: '2024-03-17', days: 14 },
        { from: '2024-06-05', to: '2024-06-05', days: 1 },
      ],
    };
    const chart = sectionOf(renderHtml(r), a.api);
    expect(chart).toContain('data-bin="week"');
    expect(count(chart, '<g class="bar"')).toBe(50);
    expect(
      [...chart.matchAll(/<rect class="nologs" data-bin="([^"]*)" data-days="(\d)"[^>]*fill-opacity="([\d.]+)"/g)].map(
        (m) => [m[1], m[2], m[3]],
      ),
    ).toEqual([
      ['2024-03-04', '7', '1'],
      ['2024-03-11', '7', '1'],
      ['2024-06-03', '1', '0.25'],
    ]);
  });
});

describe('renderMergeHtml', () => {
  const merge = sampleMerge();
  const page = renderMergeHtml(merge);

  it('shows the verdict verbatim and embeds exactly the merge', () => {
    expect(textOf(page, 'verdict')).toBe(merge.verdict.summary);
    expect(embedded(page)).toEqual(merge);
    expect(page.indexOf('id="verdict"')).toBeLessThan(page.indexOf('id="inputs"'));
  });

  it('loads nothing from anywhere', () => {
    expect(loads(page).filter((l) => !/^href="#[\w-]+"$/.test(l))).toEqual([]);
  });

  it(`charts deployments per action against the deployments \
reporting the API, calls per day, drivers and clients`, () => {
    for (const [i, a] of merge.apis.entries()) {
      const section = sectionOf(page, a.api);
      expect(count(section, '<g class="bar"')).toBe(a.daily.length);
      expect(section).toContain(`id="a${i}-actions" data-rows="${a.actions.length}"`);
      expect(count(section, '<rect class="track"')).toBe(a.actions.length);
      if (a.drivers.length) expect(section).toContain(`id="a${i}-drivers" data-rows="${a.drivers.length}"`);
      expect(section).toContain(`id="a${i}-clients" data-rows="${a.clients.length}"`);
      for (const t of ['actions', 'deployments', 'clients', 'microversions'])
        expect(section).toContain(`<table class="sortable" id="a${i}-t-${t}">`);
    }
    expect(sectionOf(page, 'os-hosts')).toContain('2 of 3 reporting · 14 calls');
    // Five days with calls over nine: a calendar axis with empty slots between.
    expect(sectionOf(page, 'os-hosts')).toContain('the axis is a calendar');
  });

  it('names the deployments that did not report an API as unknown, and counts against those reporting it', () => {
    const services = sectionOf(page, 'os-services');
    expect(decode(services)).toContain('os-services: 5 calls in 1 of 2 deployments reporting it');
    expect(services).toContain('<table class="sortable" id="a1-t-unknown">');
    expect(decode(services)).toContain('0b6f3c1e-3333-4a5b-8c9d-000000000003 (did not export it)');
    expect(sectionOf(page, 'os-hosts')).not.toContain('-t-unknown');
  });

  it('escapes hostile labels and names', () => {
    const m = sampleMerge();
    m.deployments[0]!.label = HOSTILE;
    m.apis[0]!.clients[0]!.name = BREAKOUT;
    m.apis[0]!.actions[0]!.action = HOSTILE;
    m.verdict.summary = `${HOSTILE}${BREAKOUT}`;
    const out = renderMergeHtml(m);
    expect(out).not.toContain('<img');
    expect(count(out, '<script')).toBe(2);
    expect(embedded(out)).toEqual(m);
    expect(textOf(out, 'verdict')).toBe(m.verdict.summary);
  });

  it('warns about a deployment whose exports cover no day of logs', () => {
    const m = sampleMerge();
    m.deployments[2]!.coveredDays = 0;
    const out = renderMergeHtml(m);
    expect(out).toContain('id="warnings"');
    expect(decode(out)).toContain('0b6f3c1e-3333-4a5b-8c9d-000000000003: the exports cover no day of logs');
  });
});

describe('escaping helpers', () => {
  it('jsonForScript survives </script>, <!-- and U+2028 and parses back to the same value', () => {
    const v = { a: '</script><!-- & > \u2028\u2029', n: [1, null, true], nested: { '<k>': 'v' } };
    const s = jsonForScript(v);
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual(v);
  });

  it('html`` escapes interpolations and keeps fragments built with it', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${['<', 1, null, false]}</p>`.value).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;1</p>',
    );
  });
});
