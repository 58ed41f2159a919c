/**
 * Golden files: every renderer's output on the bundled samples (as `apicensus
 * demo` reads them), pinned in test/golden/. A change of output is a diff to
 * review, not a surprise: when it is wanted, rewrite them with
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts
 *
 * and read the diff before committing. The runs are deterministic: the time
 * (`now`, so generatedAt) and the version are fixed, the samples are read by
 * paths relative to the package (as `npm test` runs from it), in UTC.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFormats } from '../src/cli/commands/formats.js';
import { runReport, type ReportFormat } from '../src/cli/commands/report.js';
import { FORMATS } from '../parsers/index.js';
import { ROOT } from './helpers.js';
import { GOLDEN_NOW, GOLDEN_VERSION, samplesDb } from './samples-db.js';

const GOLDEN = join(ROOT, 'test', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE)
      throw new Error(`${relative(ROOT, file)} is missing: run UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual, `${name} differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it: review the diff)`).toBe(
    readFileSync(file, 'utf8'),
  );
}

describe('golden files: every renderer on the samples', () => {
  let db: string;
  let remove = (): void => {};
  const report = (format: ReportFormat, extra: { api?: string[]; all?: boolean } = {}): string =>
    runReport(
      { db, api: extra.api ?? [], format, rules: [], all: extra.all ?? false, toolVersion: GOLDEN_VERSION },
      GOLDEN_NOW,
    ).output;

  beforeAll(async () => {
    expect(process.cwd(), 'golden runs read the samples by paths relative to the package root').toBe(
      ROOT.replace(/\/$/, ''),
    );
    ({ db, remove } = await samplesDb());
  });
  afterAll(() => remove());

  it.each([
    ['report.txt', 'text'],
    ['report.md', 'markdown'],
    ['report.csv', 'csv'],
    ['report.json', 'json'],
    ['report.html', 'html'],
  ] as const)('%s is the %s report', (name, format) => {
    golden(name, report(format));
  });

  it('report-all-apis.txt is `report --api all`: one line per API, deprecated ones still called first', () => {
    golden('report-all-apis.txt', report('text', { api: ['all'] }));
  });

  it('report-every-row.md is `report --format markdown --all`', () => {
    golden('report-every-row.md', report('markdown', { all: true }));
  });

  it('formats.txt is `apicensus formats`', () => {
    golden('formats.txt', renderFormats(FORMATS));
  });

  it('the same database and the same time give the same bytes', () => {
    expect(report('html')).toBe(report('html'));
    expect(report('json')).toBe(report('json'));
  });
});
