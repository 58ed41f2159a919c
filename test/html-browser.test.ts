/**
 * The HTML pages in a real browser: Debian's Chromium driven by
 * playwright-core (which downloads no browser of its own). Each page is
 * written to test/out/ and opened from file://, as a reader would open it:
 * no console error, no request beyond the file itself, the verdict in
 * #verdict, one bar per day, tables that sort on a click, no script a hostile
 * name could smuggle in; and a screenshot to look at.
 *
 * Chromium is required: without /usr/bin/chromium these tests FAIL, saying
 * how to install it (.ci/run does). A developer without a browser can skip
 * them with APICENSUS_SKIP_BROWSER=1; APICENSUS_CHROMIUM names another binary.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importInventory } from '../src/cli/commands/inventory.js';
import type { MergeReport } from '../reports/export-model.js';
import { renderHtml, renderMergeHtml } from '../reports/html.js';
import type { Report } from '../reports/model.js';
import { ingestInto, reportOf, ROOT, SAMPLES, tempDir } from './helpers.js';

const CHROMIUM = process.env.APICENSUS_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots and the pages they show; the folder ignores itself in git. */
const OUT = join(ROOT, 'test', 'out');
const SKIP = process.env.APICENSUS_SKIP_BROWSER === '1';
/** No network, no first-run or update traffic: this machine has no network and would log refused connections. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

async function demoReport(): Promise<Report> {
  const db = join(tempDir(), 'demo.db');
  await ingestInto(db, [join(SAMPLES, 'nova'), join(SAMPLES, 'frontends')]);
  importInventory(db, [join(SAMPLES, 'inventory')]);
  return reportOf(db);
}

/** Three clouds' exports merged, written by hand (the merge code is tested elsewhere). */
function sampleMerge(): MergeReport {
  const ids = ['0b6f3c1e-1111-4a5b-8c9d-000000000001', '0b6f3c1e-2222-4a5b-8c9d-000000000002', '0b6f3c1e-3333-4a5b-8c9d-000000000003'] as const;
  return {
    schema: 'apicensus.merge/v1',
    generatedAt: '2026-11-25T16:30:00.000Z',
    tool: { name: 'apicensus', version: '0.1.0' },
    deployments: [
      { id: ids[0], label: 'cloud-a', exports: 2, from: '2024-05-01T00:00:00.000Z', to: '2024-05-10T00:00:00.000Z', coveredDays: 9 },
      { id: ids[1], label: 'cloud-b', exports: 1, from: '2024-05-01T00:00:00.000Z', to: '2024-05-08T00:00:00.000Z', coveredDays: 7 },
      { id: ids[2], label: 'cloud-c', exports: 1, from: '2024-05-03T00:00:00.000Z', to: '2024-05-09T00:00:00.000Z', coveredDays: 6 },
    ],
    apis: [
      {
        api: 'os-hosts',
        service: 'compute',
        deployments: 3,
        calls: 147,
        actions: [
          { action: 'list', deployments: 3, calls: 120, statusClasses: { '2xx': 117, '4xx': 3 }, neverWorked: 0, refused: 3 },
          { action: 'show', deployments: 2, calls: 14, statusClasses: { '2xx': 14 }, neverWorked: 0, refused: 0 },
          { action: 'maintenance-on', deployments: 1, calls: 3, statusClasses: { '2xx': 1, '5xx': 2 }, neverWorked: 2, refused: 0 },
          { action: 'reboot', deployments: 2, calls: 10, statusClasses: { '5xx': 8, '2xx': 2 }, neverWorked: 8, refused: 0 },
        ],
        drivers: [
          { name: 'libvirt', deployments: 2, calls: 21 },
          { name: 'hyperv', deployments: 1, calls: 4 },
          { name: 'unknown', deployments: 1, calls: 2 },
        ],
        clients: [
          { name: 'python-novaclient 7', deployments: 2, calls: 80 },
          { name: 'openstacksdk 1', deployments: 1, calls: 40 },
          { name: 'not logged', deployments: 2, calls: 27 },
        ],
        microversions: [
          { name: null, deployments: 2, calls: 60 },
          { name: '2.1', deployments: 3, calls: 84 },
          { name: '2.53', deployments: 1, calls: 3 },
        ],
        daily: [
          { day: '2024-05-01', calls: 30, actions: { list: 26, show: 4 } },
          { day: '2024-05-02', calls: 31, actions: { list: 24, show: 3, reboot: 4 } },
          { day: '2024-05-04', calls: 28, actions: { list: 22, show: 3, 'maintenance-on': 3 } },
          { day: '2024-05-07', calls: 33, actions: { list: 25, show: 2, reboot: 6 } },
          { day: '2024-05-09', calls: 25, actions: { list: 23, show: 2 } },
        ],
        byDeployment: [
          { deployment: ids[1], label: 'cloud-b', calls: 90, projects: 4, lastDay: '2024-05-07' },
          { deployment: ids[0], label: 'cloud-a', calls: 45, projects: 2, lastDay: '2024-05-09' },
          { deployment: ids[2], label: 'cloud-c', calls: 12, projects: 1, lastDay: '2024-05-04' },
        ],
      },
    ],
    verdict: {
      api: 'os-hosts',
      deploymentsCalling: 3,
      deployments: 3,
      summary:
        'os-hosts is called in 3 of 3 deployments: list in 3 deployments (120 calls); show in 2 deployments (14 calls); maintenance-on in 1 deployment (3 calls, 2 to drivers where it never works); reboot in 2 deployments (10 calls, 8 to drivers where it never works).',
    },
  };
}

interface Opened {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Requests for anything but the file itself (there must be none). */
  requests: string[];
  /** alert()/confirm() dialogs: a hostile string that ran. */
  dialogs: string[];
}

describe.skipIf(SKIP)('the HTML pages in Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: the browser tests need Debian's Chromium. Install it with ` +
          '`apt-get install -y --no-install-recommends chromium` (as .ci/run does), or set APICENSUS_SKIP_BROWSER=1 to skip these tests.',
      );
    }
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, '.gitignore'), '*\n');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
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

  const firstCells = (page: Page, table: string): Promise<string[]> => page.locator(`#${table} tbody tr td:first-child`).allTextContents();
  const background = (page: Page): Promise<string> => page.evaluate('getComputedStyle(document.body).backgroundColor');

  it('the report: no errors, no requests, the verdict, one bar per day, sortable tables; screenshot', async () => {
    const report = await demoReport();
    const o = await open('report', renderHtml(report));
    const { page } = o;

    expect(await page.textContent('#verdict')).toBe(report.verdict.summary);
    for (const a of report.apis) {
      const bars = page.locator(`section.api[data-api="${a.api}"] svg.daily g.bar`);
      expect(await bars.count(), a.api).toBe(a.daily.length);
      expect(await bars.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-day')))).toEqual(a.daily.map((d) => d.day));
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
    const ascending = (await page.locator('#a0-t-projects tbody tr td:nth-child(3)').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-v')))).map(Number);
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

    expect(await firstCells(page, 'a0-t-deployments')).toEqual(['cloud-b', 'cloud-a', 'cloud-c']);
    await page.locator('#a0-t-deployments thead th', { hasText: 'Deployment' }).click();
    expect(await firstCells(page, 'a0-t-deployments')).toEqual(['cloud-a', 'cloud-b', 'cloud-c']);

    await page.screenshot({ path: join(OUT, 'merge.png'), fullPage: true });
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
    const o = await open('hostile', renderHtml(report));
    expect(await o.page.locator('img').count()).toBe(0);
    expect(await o.page.locator('script').count()).toBe(2);
    expect(await o.page.textContent('#verdict')).toBe(report.verdict.summary);
    expect(await o.page.locator('#a0-t-projects').textContent()).toContain(evil);
    expect(o.dialogs).toEqual([]);
    expect(o.errors).toEqual([]);
    expect(o.requests).toEqual([]);
    await o.page.close();
  });
});
