/**
 * The HTML pages in a real browser: Debian's Chromium driven by
 * playwright-core (which downloads no browser of its own). Each page is
 * written to test/out/ and opened from file://, as a reader would open it:
 * no console error, no request beyond the file itself, the verdict in
 * #verdict, one bar per day, tables that sort on a click, no script a hostile
 * name could smuggle in; and a screenshot to look at.
 *
 * Without /usr/bin/chromium (or the binary APICENSUS_CHROMIUM names) these
 * tests are skipped and the run ends saying so and how to install it
 * (test/global-setup.ts); with APICENSUS_REQUIRE_BROWSER=1, as .ci/run sets,
 * a missing Chromium fails the run instead (test/machine.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml, renderMergeHtml } from '../reports/html.js';
import { ingestInto, reportOf, ROOT, tempDir } from './helpers.js';
import { demoReport, sampleMerge } from './html-fixtures.js';
import { chromiumNeed, missing, skipWithout } from './machine.js';
import { writeYearOfLogs } from './year-logs.js';

const CHROMIUM = chromiumNeed();
/** Screenshots and the pages they show; the folder ignores itself in git. */
const OUT = join(ROOT, 'test', 'out');
/** No network, no first-run or update traffic: this machine has no network and would log refused connections. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

interface Opened {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Requests for anything but the file itself (there must be none). */
  requests: string[];
  /** alert()/confirm() dialogs: a hostile string that ran. */
  dialogs: string[];
}

describe.skipIf(skipWithout(CHROMIUM))('the HTML pages in Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Required (APICENSUS_REQUIRE_BROWSER=1) and missing: fail, saying how to install it.
    if (CHROMIUM.path === null) throw new Error(missing(CHROMIUM));
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, '.gitignore'), '*\n');
    browser = await chromium.launch({ executablePath: CHROMIUM.path, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Write the page to test/out/NAME.html and open it from file://, listening for anything amiss. */
  async function open(name: string, content: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Opened> {
    const file = join(OUT, `${name}.html`);
    writeFileSync(file, content);
    const url = pathToFileURL(file).href;
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 }, colorScheme });
    const o: Opened = { page, errors: [], requests: [], dialogs: [] };
    page.on('console', (m) => {
      if (m.type() === 'error') o.errors.push(m.text());
    });
    page.on('pageerror', (e) => o.errors.push(e.message));
    page.on('request', (r) => {
      if (r.url() !== url) o.requests.push(r.url());
    });
    page.on('dialog', (d) => {
      o.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });
    return o;
  }

  const firstCells = (page: Page, table: string): Promise<string[]> =>
    page.locator(`#${table} tbody tr td:first-child`).allTextContents();
  const background = (page: Page): Promise<string> => page.evaluate('getComputedStyle(document.body).backgroundColor');

  it('the report: no errors, no requests, the verdict, one bar per day, sortable tables; screenshot', async () => {
    const report = await demoReport();
    const o = await open('report', renderHtml(report));
    const { page } = o;

    expect(await page.locator('#verdict li').allTextContents()).toEqual(report.verdict.points);
    expect(await page.textContent('#verdict-box .answer')).toMatch(/^Can the logs answer\? Partly:/);
    for (const a of report.apis) {
      // Ten years of logs: one bar per month with calls.
      const bars = page.locator(`section.api[data-api="${a.api}"] svg.daily g.bar`);
      const months = [...new Set(a.daily.map((d) => d.day.slice(0, 7)))];
      expect(await bars.count(), a.api).toBe(months.length);
      expect(await bars.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-bin')!.slice(0, 7)))).toEqual(months);
    }

    // The data the page embeds is the report, as the browser reads it.
    expect(JSON.parse((await page.textContent('#apicensus-data')) ?? '')).toEqual(report);

    // Text column: the first click sorts A→Z, the second Z→A. Projects by when they were last seen.
    const projects = report.apis[0]!.byProject;
    expect(await firstCells(page, 'a0-t-projects')).toEqual(projects.map((p) => p.project));
    const byLast = [...projects].sort((x, y) => (x.lastSeen ?? '').localeCompare(y.lastSeen ?? ''));
    const lastSeen = page.locator('#a0-t-projects thead th', { hasText: 'Last seen' });
    await lastSeen.click();
    expect(await lastSeen.getAttribute('aria-sort')).toBe('ascending');
    expect((await firstCells(page, 'a0-t-projects'))[0]).toBe(byLast[0]!.project);
    expect(byLast[0]!.project).not.toBe(projects[0]!.project);
    await lastSeen.click();
    expect(await lastSeen.getAttribute('aria-sort')).toBe('descending');
    expect((await firstCells(page, 'a0-t-projects'))[0]).toBe(byLast.at(-1)!.project);

    // Number column: sorted as numbers (9 after 20, not before it), largest first on the first click.
    const calls = page.locator('#a0-t-projects thead th', { hasText: 'Calls' });
    await calls.click();
    await calls.click();
    const ascending = (
      await page
        .locator('#a0-t-projects tbody tr td:nth-child(3)')
        .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-v')))
    ).map(Number);
    expect(ascending).toEqual([...ascending].sort((x, y) => x - y));
    expect(ascending[0]).toBe(Math.min(...projects.map((p) => p.calls)));

    // Dark mode follows the reader's setting.
    const light = await background(page);
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate('window.scrollTo(0, 0)');
    expect(await background(page)).not.toBe(light);
    await page.screenshot({ path: join(OUT, 'report-dark.png'), fullPage: false });

    expect(o.errors).toEqual([]);
    expect(o.requests).toEqual([]);
    expect(readFileSync(join(OUT, 'report.png')).subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  });

  it('the merge: no errors, the verdict, one bar per day, deployments per action, sortable; screenshot', async () => {
    const merge = sampleMerge();
    const o = await open('merge', renderMergeHtml(merge));
    const { page } = o;

    expect(await page.textContent('#verdict')).toBe(merge.verdict.summary);
    const a = merge.apis[0]!;
    expect(await page.locator('#a0-daily g.bar').count()).toBe(a.daily.length);
    expect(await page.locator('#a0-actions g.hbar').count()).toBe(a.actions.length);

    expect(await firstCells(page, 'a0-t-deployments')).toEqual(['cloud-b', 'cloud-a', '(no label)']);
    await page.locator('#a0-t-deployments thead th', { hasText: 'Deployment' }).click();
    const sorted = await firstCells(page, 'a0-t-deployments');
    expect(sorted).toEqual([...sorted].sort((x, y) => x.localeCompare(y)));
    expect(sorted).not.toEqual(['cloud-b', 'cloud-a', '(no label)']);

    await page.screenshot({ path: join(OUT, 'merge.png'), fullPage: true });
    expect(o.errors).toEqual([]);
    expect(o.requests).toEqual([]);
    await page.close();
  });

  it(`a year of generated logs: a bar per week with calls, \
the weeks without logs hatched and visible; screenshot`, async () => {
    const dir = tempDir();
    const { files } = writeYearOfLogs(join(dir, 'logs'));
    const db = join(dir, 'year.db');
    await ingestInto(db, files);
    const report = reportOf(db);
    const o = await open('report-year', renderHtml(report));
    const { page } = o;
    const chart = page.locator('#a0-daily');
    expect(await chart.getAttribute('data-bin')).toBe('week');
    // os-hosts is called on Mondays: one bar per week with logs (the 53 Mondays of 2024 less the two in
    // March's gap and August's four).
    expect(await chart.locator('g.bar').count()).toBe(47);
    // Hatched where logs are missing: March's two weeks and August's five (in part or whole), drawn and visible.
    const noLogs = chart.locator('rect.nologs');
    expect(await noLogs.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-bin')))).toEqual([
      '2024-03-04',
      '2024-03-11',
      '2024-07-29',
      '2024-08-05',
      '2024-08-12',
      '2024-08-19',
      '2024-08-26',
    ]);
    for (const box of await noLogs.evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().width)))
      expect(box).toBeGreaterThan(5);
    expect(await page.textContent('#verdict-box .reasons')).toContain('45 days without logs in 2 gaps');
    await chart.scrollIntoViewIfNeeded();
    await page.locator('#verdict-box').screenshot({ path: join(OUT, 'report-year-verdict.png') });
    await chart.screenshot({ path: join(OUT, 'report-year-chart.png') });
    await page.screenshot({ path: join(OUT, 'report-year.png'), fullPage: true });
    expect(o.errors).toEqual([]);
    expect(o.requests).toEqual([]);
    await page.close();
  });

  it('hostile names in the report run nothing and show as text', async () => {
    const report = await demoReport();
    const evil = '<img src=x onerror=alert(1)>';
    report.apis[0]!.byProject[0]!.projectName = evil;
    report.apis[0]!.byClient[0]!.userAgents = ['</script><script>alert(2)</script>'];
    report.verdict.summary += ` ${evil}</script><script>alert(3)</script>`;
    report.verdict.points.push(evil, '</script><script>alert(3)</script>');
    const o = await open('hostile', renderHtml(report));
    expect(await o.page.locator('img').count()).toBe(0);
    expect(await o.page.locator('script').count()).toBe(2);
    expect(await o.page.locator('#verdict li').allTextContents()).toEqual(report.verdict.points);
    expect(await o.page.locator('#a0-t-projects').textContent()).toContain(evil);
    expect(o.dialogs).toEqual([]);
    expect(o.errors).toEqual([]);
    expect(o.requests).toEqual([]);
    await o.page.close();
  });
});
