/**
 * Reading kolla-ansible's central logging from OpenSearch / Elasticsearch (a fake server on
 * 127.0.0.1, bench/fake-search-server.ts): the same report as the files, exactly once, paging
 * that loses and doubles nothing, and days that cannot be read reported, never counted as empty.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSearchServer, type FakeIndex, type Faults, type Flavor } from '../bench/fake-search-server.js';
import { KOLLA_RELEASES, type KollaRelease } from '../bench/kolla-docs.js';
import type { Report } from '../reports/model.js';
import { ingestSearch, type SearchIngestOptions } from '../src/sources/opensearch/driver.js';
import { ingestInto, reportOf, stable, tempDir } from './helpers.js';
import { storyIndices, storyLines, writeStoryFiles } from './opensearch-story.js';

const servers: FakeSearchServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function serve(flavor: Flavor, indices: FakeIndex[], faults: Faults = {}): Promise<FakeSearchServer> {
  const s = await FakeSearchServer.start(flavor, indices, faults);
  servers.push(s);
  return s;
}

const NOW = Date.UTC(2024, 4, 10);

function fromServer(db: string, s: FakeSearchServer, extra: Partial<SearchIngestOptions> = {}) {
  return ingestSearch({
    db,
    url: s.url,
    product: s.flavor.startsWith('opensearch') ? 'opensearch' : 'elasticsearch',
    timezone: 'UTC',
    now: NOW,
    pageSize: 3,
    backoffMs: 1,
    ...extra,
  });
}

/**
 * What a report says apart from where its lines came from (files or a search server's days). The
 * span's first and last time are compared to the second: a search server's @timestamp of an
 * HAProxy or Apache line is Fluentd's receive time, milliseconds after the line's own second.
 */
function evidence(r: Report): unknown {
  const s = stable(r) as Report;
  const second = (t: string | null): string | null => t?.slice(0, 19) ?? null;
  const span = { ...s.span, first: second(s.span.first), last: second(s.span.last) };
  return { ...s, inputs: { ...s.inputs, sources: 0 }, span };
}

const FLAVOR_OF: Record<KollaRelease, Flavor> = {
  '2022.2': 'elasticsearch-7.17',
  '2024.1': 'opensearch-2.11',
  '2025.1': 'opensearch-2.11',
  '2025.1-apache': 'opensearch-1.3',
  '2026.1': 'opensearch-3.3',
};

describe('kolla-ansible central logging gives the report its files give', () => {
  for (const release of KOLLA_RELEASES) {
    it(`kolla ${release} on ${FLAVOR_OF[release]}: the same report as nova-api, \
web server and HAProxy files`, async () => {
      const dir = tempDir();
      const lines = storyLines(release);
      const files = writeStoryFiles(join(dir, 'kolla'), lines);
      const fromFiles = join(dir, 'files.db');
      await ingestInto(fromFiles, files);
      const s = await serve(FLAVOR_OF[release], storyIndices(release, lines));
      const db = join(dir, 'search.db');
      const sum = await fromServer(db, s, { until: Date.UTC(2024, 4, 4) });
      expect(sum.windows.map((w) => [w.day, w.status])).toEqual([
        ['2024-05-02', 'complete'],
        ['2024-05-03', 'complete'],
      ]);
      const a = reportOf(fromFiles);
      const b = reportOf(db);
      expect(b.apis.find((x) => x.api === 'os-hosts')!.calls).toBeGreaterThan(0);
      expect(evidence(b)).toEqual(evidence(a));
      expect(s.openCursors).toBe(0);
    });
  }
});

describe('exactly once', () => {
  it('a second run over the same window adds no request, no call and no total', async () => {
    const dir = tempDir();
    const lines = storyLines('2025.1');
    const s = await serve('opensearch-2.11', storyIndices('2025.1', lines));
    const db = join(dir, 'a.db');
    const range = { since: Date.UTC(2024, 4, 2), until: Date.UTC(2024, 4, 4) };
    const first = await fromServer(db, s, range);
    const once = reportOf(db);
    const again = await fromServer(db, s, range);
    expect(first.newRequests).toBeGreaterThan(0);
    expect(again.newRequests).toBe(0);
    expect(again.observations).toBe(0);
    expect(again.fetched).toBe(first.fetched);
    expect(stable(reportOf(db))).toEqual(stable(once));
  });

  it('a timer without --since reads only the days after the checkpoint, and today again until it is over', async () => {
    const dir = tempDir();
    const lines = storyLines('2025.1');
    const s = await serve('opensearch-2.11', storyIndices('2025.1', lines));
    const db = join(dir, 'a.db');
    // "Now" is 2024-05-03 12:00: the 2nd is whole, the 3rd read up to now less two minutes.
    const first = await fromServer(db, s, { now: Date.UTC(2024, 4, 3, 12) });
    expect(first.windows.map((w) => w.day)).toEqual(['2024-05-02', '2024-05-03']);
    const later = await fromServer(db, s, { now: Date.UTC(2024, 4, 4, 0, 30) });
    expect(later.windows.map((w) => [w.day, w.status])).toEqual([
      ['2024-05-03', 'complete'],
      ['2024-05-04', 'missing'],
    ]);
    expect(later.newRequests).toBe(0);
    const after = await fromServer(db, s, { now: Date.UTC(2024, 4, 4, 1) });
    expect(after.windows.map((w) => w.day)).toEqual(['2024-05-04']);
  });
});

/**
 * `count` HAProxy os-hosts lines Fluentd received in the same
 * millisecond, and nova's lines of other requests in another.
 */
function sameTimestamp(count: number): FakeIndex[] {
  const at = '2024-05-02T09:15:01.402118000+00:00';
  const docs = Array.from({ length: count }, (_, i) => ({
    _source: {
      Payload:
        `May  2 09:15:01 haproxy[25]: 10.0.0.15:${51000 + i} [02/May/2024:09:15:01.` +
        `${String(100 + i).padStart(3, '0')}] nova_api_front nova_api_back/ctl-1 0/0/1/44/45 200 532 - - ` +
        '---- 12/3/0/0/0 0/0 "GET /v2.1/os-hosts HTTP/1.1"',
      log_level: 'info',
      Hostname: '10.0.0.11',
      programname: 'haproxy',
      '@timestamp': at,
    },
  }));
  return [{ name: 'flog-2024.05.02', docs }];
}

const ALL_FLAVORS: Flavor[] = [
  'opensearch-1.3',
  'opensearch-2.11',
  'opensearch-3.3',
  'elasticsearch-7.17',
  'elasticsearch-8.15',
  'elasticsearch-7.10-oss',
];

describe('paging loses and doubles nothing', () => {
  for (const flavor of ALL_FLAVORS) {
    it(`${flavor}: 50 documents with one @timestamp over pages of 7 give 50 calls`, async () => {
      const s = await serve(flavor, sameTimestamp(50));
      const db = join(tempDir(), 'a.db');
      const sum = await fromServer(db, s, { pageSize: 7, until: Date.UTC(2024, 4, 3) });
      expect(sum.windows[0]).toMatchObject({ status: 'complete', documents: 50, candidates: 50, fetched: 50 });
      expect(reportOf(db).apis.find((a) => a.api === 'os-hosts')!.calls).toBe(50);
      const pit = s.requests.some((r) => r.path === '/_search' && r.method === 'POST');
      const scroll = s.requests.some((r) => r.path === '/_search/scroll' && r.method === 'POST');
      // PIT + _shard_doc where the version has both (ES ≥ 7.12, OpenSearch ≥ 3.3), else scroll.
      expect([pit, scroll]).toEqual(
        ['opensearch-3.3', 'elasticsearch-7.17', 'elasticsearch-8.15'].includes(flavor) ? [true, false] : [false, true],
      );
      expect(s.cursorsOpened).toBe(1);
      expect(s.openCursors).toBe(0);
    });
  }

  it('a PIT page whose connection drops is asked for again with the same search_after', async () => {
    const s = await serve('elasticsearch-8.15', sameTimestamp(20), { dropPages: [2] });
    const db = join(tempDir(), 'a.db');
    const sum = await fromServer(db, s, { pageSize: 7, until: Date.UTC(2024, 4, 3) });
    expect(sum.windows[0]).toMatchObject({ status: 'complete', fetched: 20 });
    const pages = s.requests
      .filter((r) => r.path === '/_search')
      .map((r) => (r.body as { search_after?: unknown }).search_after);
    expect(pages[1]).toEqual(pages[2]);
    expect(reportOf(db).apis.find((a) => a.api === 'os-hosts')!.calls).toBe(20);
    expect(s.openCursors).toBe(0);
  });

  it('a scroll that loses a page or its context reads the day again, and counts each call once', async () => {
    for (const faults of [{ dropPages: [2] }, { scrollMissingAt: 1 }]) {
      const s = await serve('opensearch-2.11', sameTimestamp(20), faults);
      const db = join(tempDir(), 'a.db');
      const notices: string[] = [];
      const sum = await fromServer(db, s, {
        pageSize: 7,
        until: Date.UTC(2024, 4, 3),
        onNotice: (m) => notices.push(m),
      });
      expect(sum.windows[0]).toMatchObject({ status: 'complete', fetched: 20 });
      expect(notices.join('\n')).toMatch(/reading the day again/);
      expect(reportOf(db).apis.find((a) => a.api === 'os-hosts')!.calls).toBe(20);
      expect(s.cursorsOpened).toBe(2);
      expect(s.openCursors).toBe(0);
    }
  });

  it('429 and 503 answers are retried after a back-off', async () => {
    const s = await serve('opensearch-2.11', sameTimestamp(5), { throttle: 2, unavailable: 1 });
    const db = join(tempDir(), 'a.db');
    const notices: string[] = [];
    const sum = await fromServer(db, s, { until: Date.UTC(2024, 4, 3), onNotice: (m) => notices.push(m) });
    expect(sum.windows[0]).toMatchObject({ status: 'complete', fetched: 5 });
    expect(notices.filter((m) => /HTTP 429/.test(m))).toHaveLength(2);
    expect(notices.filter((m) => /HTTP 503/.test(m))).toHaveLength(1);
  });
});

describe('a day that cannot be read is reported, never counted as empty', () => {
  const twoDays = (): FakeIndex[] => storyIndices('2025.1', storyLines('2025.1'));

  for (const shardFailure of ['partial', 'error'] as const) {
    it(`a failed shard (${shardFailure === 'partial' ? 'a 200 answer with _shards.failed' : 'an error answer'}) fails \
the day: no totals, a warning, and the next run reads it`, async () => {
      const indices = twoDays();
      indices[1]!.failShards = 1;
      const s = await serve('opensearch-2.11', indices, { shardFailure });
      const db = join(tempDir(), 'a.db');
      const sum = await fromServer(db, s, { until: Date.UTC(2024, 4, 4) });
      expect(sum.windows.map((w) => [w.day, w.status])).toEqual([
        ['2024-05-02', 'complete'],
        ['2024-05-03', 'failed'],
      ]);
      expect(sum.windows[1]!.reason).toMatch(/shard/);
      const r = reportOf(db);
      expect(r.verdict.answerable).toBe('partly');
      expect(r.warnings.join('\n')).toMatch(/1 day of .*flog-\* could not be read.*2024-05-03 failed/);
      // Nothing of the 3rd is counted: its hours have no total at all (not zero requests).
      const day3 = reportOf(db, [], '2024-05-03', '2024-05-04');
      expect(day3.inputs.requests).toBe(0);
      expect(day3.verdict.answerable).toBe('no');
      delete indices[1]!.failShards;
      const again = await fromServer(db, s, { until: Date.UTC(2024, 4, 4) });
      expect(again.windows.map((w) => [w.day, w.status])).toEqual([['2024-05-03', 'complete']]);
      expect(reportOf(db).warnings.join('\n')).not.toMatch(/could not be read/);
      expect(s.openCursors).toBe(0);
    });
  }

  it('a search that timed out fails the day', async () => {
    const indices = twoDays();
    indices[0]!.timedOut = true;
    const s = await serve('elasticsearch-8.15', indices);
    const sum = await fromServer(join(tempDir(), 'a.db'), s, { until: Date.UTC(2024, 4, 4) });
    expect(sum.windows.map((w) => [w.day, w.status, w.reason])).toEqual([
      ['2024-05-02', 'failed', expect.stringMatching(/timed out/)],
      ['2024-05-03', 'complete', null],
    ]);
  });

  it(`a closed day (kolla closes indices after 30 days) and \
a day without an index are reported, not searched`, async () => {
    const indices = twoDays();
    indices[0]!.status = 'close';
    const s = await serve('opensearch-2.11', indices);
    const db = join(tempDir(), 'a.db');
    const sum = await fromServer(db, s, { since: Date.UTC(2024, 4, 1), until: Date.UTC(2024, 4, 4) });
    expect(sum.windows.map((w) => [w.day, w.status])).toEqual([
      ['2024-05-01', 'missing'],
      ['2024-05-02', 'closed'],
      ['2024-05-03', 'complete'],
    ]);
    const r = reportOf(db);
    expect(r.warnings.join('\n')).toMatch(
      new RegExp(
        String.raw`2 days of .* could not be read .*2024-05-01 missing \(no index holds this day.*` +
          String.raw`2024-05-02 closed \(index flog-2024\.05\.02 is closed`,
      ),
    );
    expect(r.verdict.answerable).toBe('partly');
    // Without --since, a first run starts at the oldest index, closed or not.
    const other = await fromServer(join(tempDir(), 'b.db'), s, { until: Date.UTC(2024, 4, 4) });
    expect(other.windows.map((w) => [w.day, w.status])).toEqual([
      ['2024-05-02', 'closed'],
      ['2024-05-03', 'complete'],
    ]);
  });
});

describe('a day read whole stays read', () => {
  it('when its index is closed later, or a shard fails on a re-read, the earlier read stands', async () => {
    const indices = storyIndices('2025.1', storyLines('2025.1'));
    const s = await serve('opensearch-2.11', indices);
    const db = join(tempDir(), 'a.db');
    const range = { since: Date.UTC(2024, 4, 2), until: Date.UTC(2024, 4, 4) };
    await fromServer(db, s, range);
    const before = stable(reportOf(db));
    indices[0]!.status = 'close';
    indices[1]!.failShards = 1;
    const again = await fromServer(db, s, range);
    expect(again.windows.map((w) => [w.day, w.status])).toEqual([
      ['2024-05-02', 'closed'],
      ['2024-05-03', 'failed'],
    ]);
    expect(again.windows.every((w) => /that read stands/.test(w.reason ?? ''))).toBe(true);
    expect(stable(reportOf(db))).toEqual(before);
  });
});

describe('joined with file inputs', () => {
  it("the same lines from files and from the cluster, in one database, count once: the files' report", async () => {
    const dir = tempDir();
    const lines = storyLines('2025.1');
    const files = writeStoryFiles(join(dir, 'kolla'), lines);
    const filesOnly = join(dir, 'files.db');
    await ingestInto(filesOnly, files);
    const s = await serve('opensearch-2.11', storyIndices('2025.1', lines));
    for (const order of ['files first', 'cluster first']) {
      const db = join(dir, `${order}.db`);
      if (order === 'files first') await ingestInto(db, files);
      const sum = await fromServer(db, s, { until: Date.UTC(2024, 4, 4) });
      if (order === 'cluster first') await ingestInto(db, files);
      else expect(sum.newRequests).toBe(0);
      // Lines are read twice (42 lines, 42 documents), requests and calls counted once.
      const both = evidence(reportOf(db)) as Report;
      expect(both.inputs.linesRead).toBe(84);
      const once = evidence(reportOf(filesOnly)) as Report;
      expect({ ...both, inputs: { ...both.inputs, linesRead: 42 } }, order).toEqual(once);
    }
  });
});
