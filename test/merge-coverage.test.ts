/**
 * What merge may add: a deployment counts for an API only if its exports
 * cover that API with hours of logs. The others are unknown, listed by name,
 * never counted as deployments that do not call it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Export, ExportRow } from '../reports/export-model.js';
import { renderMergeMarkdown, renderMergeText } from '../reports/merge-text.js';
import { runExport } from '../src/cli/commands/share.js';
import { coverageOf, hoursOf } from '../src/coverage.js';
import { mergeExports, parseExport } from '../src/merge.js';
import { openDb } from '../src/store/db.js';
import { ingestInto, SAMPLES, tempDir } from './helpers.js';

const HOUR = 3_600_000;

const row = (action: string, calls: number, project: string): ExportRow => ({
  action,
  driver: null,
  supported: null,
  microversion: '2.1',
  statusClass: '2xx',
  refused: false,
  client: 'python-novaclient',
  clientMajor: null,
  project,
  calls,
});

/** One cloud's export: per API, its calls on 2024-05-01 and the hours its logs covered that day. */
function cloud(id: string, apis: Record<string, { hours: number; rows: ExportRow[] }>): Export {
  const day = '2024-05-01';
  const start = Date.parse(`${day}T00:00:00Z`);
  return {
    schema: 'apicensus.export/v2',
    generatedAt: '2024-06-01T00:00:00Z',
    tool: { name: 'apicensus', version: 'test' },
    deployment: { id, label: id },
    window: { from: null, to: null },
    coveredDays: [day],
    apis: Object.entries(apis).map(([api, a]) => ({
      api,
      service: 'compute',
      coverage: coverageOf(Array.from({ length: a.hours }, (_, h) => start + h * HOUR)),
      deprecated: { microversion: '2.1', release: null },
      removed: null,
      days: a.hours || a.rows.length ? [{ day, serviceRequests: a.hours * 100, rows: a.rows }] : [],
      callers: [],
    })),
  };
}

describe('merge: who reports an API', () => {
  // cloud-a exported os-security-groups and calls it; cloud-b exported only os-hosts.
  const a = cloud('cloud-a', {
    'os-security-groups': { hours: 24, rows: [row('list', 118, 'pa')] },
    'os-hosts': { hours: 24, rows: [row('list', 3, 'pa')] },
  });
  const b = cloud('cloud-b', { 'os-hosts': { hours: 24, rows: [row('list', 5, 'pb'), row('show', 1, 'pb')] } });

  it('merging exports that cover different APIs reports the others as unknown, not as zero', () => {
    const m = mergeExports([a, b], 'test', new Date(0));
    const groups = m.apis.find((x) => x.api === 'os-security-groups')!;
    expect(groups).toMatchObject({ api: 'os-security-groups', deploymentsReporting: 1, deploymentsCalling: 1 });
    expect(groups.unknown).toEqual([{ deployment: 'cloud-b', label: 'cloud-b', reason: 'not exported' }]);
    expect(groups.actions.map((x) => [x.action, x.deploymentsCalling, x.deploymentsReporting])).toEqual([
      ['list', 1, 1],
    ]);
    expect(groups.byDeployment.map((d) => d.deployment)).toEqual(['cloud-a']);
    const hosts = m.apis.find((x) => x.api === 'os-hosts')!;
    expect([hosts.deploymentsCalling, hosts.deploymentsReporting, hosts.unknown]).toEqual([2, 2, []]);
    expect(hosts.actions.map((x) => [x.action, x.deploymentsCalling, x.deploymentsReporting])).toEqual([
      ['list', 2, 2],
      ['show', 1, 2],
    ]);
    expect(m.deployments.map((d) => [d.id, d.apis])).toEqual([
      ['cloud-a', ['os-hosts', 'os-security-groups']],
      ['cloud-b', ['os-hosts']],
    ]);
  });

  it('text and Markdown say "n of m reporting" and name the deployments that did not report the API', () => {
    const m = mergeExports([a, b], 'test', new Date(0));
    const text = renderMergeText(m);
    expect(text).toContain('OS-SECURITY-GROUPS: 118 calls in 1 of 1 deployments reporting it');
    expect(text).toContain('unknown (did not report os-security-groups): cloud-b (did not export it)');
    expect(text).toMatch(/^ {2}show +1 of 2 reporting +1 /m);
    expect(text).not.toMatch(/in 1 of 2 deployments/);
    const md = renderMergeMarkdown(m);
    expect(md).toContain('## os-security-groups: 118 calls in 1 of 1 deployments reporting it');
    expect(md).toContain('Unknown (did not report os-security-groups): cloud-b (did not export it).');
    expect(md).toContain('| list | 1 of 1 reporting | 118 | 0 | 0 |');
  });

  it(`a deployment whose export covers no hour of logs is unknown ("no logs"); \
one with hours and no call reports zero`, () => {
    const quiet = cloud('cloud-q', { 'os-hosts': { hours: 6, rows: [] } });
    const blind = cloud('cloud-z', { 'os-hosts': { hours: 0, rows: [] } });
    const m = mergeExports([b, quiet, blind], 'test', new Date(0));
    const hosts = m.apis[0]!;
    expect([hosts.deploymentsCalling, hosts.deploymentsReporting]).toEqual([1, 2]);
    expect(hosts.unknown).toEqual([{ deployment: 'cloud-z', label: 'cloud-z', reason: 'no logs' }]);
    expect(hosts.byDeployment.map((d) => [d.deployment, d.calls, d.daysCovered])).toEqual([
      ['cloud-b', 6, 1],
      ['cloud-q', 0, 1],
    ]);
    expect(m.verdict).toMatchObject({ deploymentsCalling: 1, deploymentsReporting: 2, deployments: 3, unknown: 1 });
    expect(m.verdict.summary).toBe(
      'os-hosts is called in 1 of 2 deployments reporting it: list in 1 deployment (5 calls); ' +
        'show in 1 deployment (1 call); ' +
        'unknown for 1 deployment that did not report it (cloud-z: no logs in its window).',
    );
  });

  it('when no reporting deployment calls the API, the verdict says so and still names the unknown', () => {
    const quiet = cloud('cloud-q', { 'os-hosts': { hours: 6, rows: [] } });
    const m = mergeExports([quiet, a], 'test', new Date(0));
    expect(mergeExports([quiet], 'test').verdict.summary).toBe(
      'None of the 1 deployment reporting os-hosts called it in the exported windows.',
    );
    const groups = m.apis.find((x) => x.api === 'os-security-groups')!;
    expect(groups.unknown.map((u) => u.deployment)).toEqual(['cloud-q']);
  });
});

describe('export: what it covers', () => {
  it("states per API the hours its logs held requests to the API's service, as runs of whole hours", async () => {
    const db = join(tempDir(), 'a.db');
    await ingestInto(db, [join(SAMPLES, 'nova'), join(SAMPLES, 'frontends')]);
    const h = openDb(db, { readonly: true });
    const stored = (
      h
        .prepare("SELECT DISTINCT hour FROM hourly_totals WHERE service = 'compute' AND requests > 0")
        .pluck()
        .all() as number[]
    )
      .map((x) => x * HOUR)
      .sort((x, y) => x - y);
    h.close();
    const x = JSON.parse(runExport({ db, api: ['os-hosts', 'os-services'], rules: [], explain: false })) as Export;
    for (const api of x.apis) {
      expect(api.coverage.hours).toBe(stored.length);
      expect(hoursOf(api.coverage)).toEqual(stored);
      for (const r of api.coverage.ranges) expect(Date.parse(r.to) - Date.parse(r.from)).toBeGreaterThan(0);
    }
    expect(stored.length).toBeGreaterThan(3);
    // A window keeps only its own hours.
    const since = new Date(stored[2]!).toISOString();
    const w = JSON.parse(runExport({ db, api: ['os-hosts'], rules: [], explain: false, since })) as Export;
    expect(hoursOf(w.apis[0]!.coverage)).toEqual(stored.slice(2));
  });

  it('runs of hours: consecutive hours make one range, a gap starts another', () => {
    const t = Date.parse('2024-05-01T10:00:00Z');
    expect(coverageOf([t + 2 * HOUR, t, t + HOUR, t + 5 * HOUR, t])).toEqual({
      hours: 4,
      ranges: [
        { from: '2024-05-01T10:00:00.000Z', to: '2024-05-01T13:00:00.000Z' },
        { from: '2024-05-01T15:00:00.000Z', to: '2024-05-01T16:00:00.000Z' },
      ],
    });
  });
});

describe('export versions', () => {
  it('reads a v1 export as covering the whole days with requests to the service', () => {
    const v1 = {
      ...cloud('old', { 'os-hosts': { hours: 3, rows: [row('list', 2, 'p')] } }),
      schema: 'apicensus.export/v1',
    };
    for (const api of v1.apis) delete (api as Partial<typeof api>).coverage;
    const x = parseExport(v1, 'old.json');
    expect(x.schema).toBe('apicensus.export/v2');
    expect(x.apis[0]!.coverage).toEqual({
      hours: 24,
      ranges: [{ from: '2024-05-01T00:00:00.000Z', to: '2024-05-02T00:00:00.000Z' }],
    });
    const m = mergeExports([x, cloud('new', { 'os-hosts': { hours: 2, rows: [] } })], 'test');
    expect([m.apis[0]!.deploymentsCalling, m.apis[0]!.deploymentsReporting]).toEqual([1, 2]);
  });

  it('refuses another schema, or a v2 export without coverage, naming the file', () => {
    expect(() => parseExport({ schema: 'apicensus.report/v1' }, 'r.json')).toThrow(
      'r.json: not an apicensus export (schema apicensus.report/v1, ' +
        'expected apicensus.export/v2 or apicensus.export/v1).',
    );
    const bad = cloud('x', { 'os-hosts': { hours: 1, rows: [] } });
    delete (bad.apis[0] as Partial<(typeof bad.apis)[number]>).coverage;
    expect(() => parseExport(bad, 'x.json')).toThrow(
      'x.json: an apicensus.export/v2 export whose apis lack their coverage.',
    );
  });
});
