/**
 * Against a real OpenSearch or Elasticsearch, when APICENSUS_TEST_OPENSEARCH_URL names one (README,
 * "Testing against a real cluster"): the story's kolla documents go into two scratch daily indices
 * (dynamic mapping, as kolla has), and the analyser facts the reader relies on are checked where
 * only a real cluster can prove them; then the reader must give the files' report. The indices
 * are deleted afterwards. Credentials: APICENSUS_SEARCH_USER / _PASSWORD or APICENSUS_SEARCH_API_KEY;
 * a CA file: APICENSUS_TEST_OPENSEARCH_CA.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../reports/model.js';
import { ingestSearch } from '../src/sources/opensearch/driver.js';
import { authorizationFrom, SearchClient } from '../src/sources/opensearch/http.js';
import { probe } from '../src/sources/opensearch/probe.js';
import { ingestInto, reportOf, stable, tempDir } from './helpers.js';
import { storyIndices, storyLines, writeStoryFiles } from './opensearch-story.js';

const URL_ = process.env.APICENSUS_TEST_OPENSEARCH_URL;
const CA = process.env.APICENSUS_TEST_OPENSEARCH_CA;
const prefix = `apicensus-test-${randomBytes(4).toString('hex')}`;

const client = (): SearchClient =>
  new SearchClient({
    url: URL_!,
    authorization: authorizationFrom(undefined, process.env),
    ...(CA ? { caFile: CA } : {}),
  });

describe.skipIf(!URL_)('a real cluster (APICENSUS_TEST_OPENSEARCH_URL)', () => {
  const c = URL_ ? client() : null;
  const created: string[] = [];

  afterAll(async () => {
    for (const i of created) await c!.call('DELETE', `/${i}`).catch(() => undefined);
    await c?.close();
  });

  it("indexes kolla's documents and holds the analyser to what the candidate query assumes", async () => {
    const lines = storyLines('2025.1');
    for (const index of storyIndices('2025.1', lines)) {
      const name = index.name.replace(/^flog/, prefix);
      created.push(name);
      for (const d of index.docs) await c!.call('POST', `/${name}/_doc`, d._source);
      await c!.call('POST', `/${name}/_refresh`);
    }
    const count = async (query: unknown): Promise<number> =>
      (await c!.call<{ count: number }>('POST', `/${prefix}-*/_count`, { query })).count;
    const withOsHosts = lines.filter((l) => l.line.includes('os-hosts')).length;
    // A phrase finds exactly the lines holding os-hosts (os-hosts.json included: `hosts.json` is one token).
    expect(await count({ match_phrase: { Payload: 'os-hosts' } })).toBe(withOsHosts - 3);
    expect(await count({ match_phrase: { Payload: 'os-hosts.json' } })).toBe(3);
    // Unquoted, query_string takes `os` or `hosts`: more.
    expect(await count({ query_string: { query: 'Payload:os-hosts' } })).toBeGreaterThanOrEqual(withOsHosts - 3);
    // `.keyword` holds the whole value; the text field does not match a term with a dash.
    expect(await count({ term: { 'programname.keyword': 'nova-api' } })).toBeGreaterThan(0);
    expect(await count({ term: { programname: 'nova-api' } })).toBe(0);
  });

  it("gives the report the story's files give", async () => {
    const info = await probe(c!);
    const dir = tempDir();
    const lines = storyLines('2025.1');
    const files = join(dir, 'files.db');
    await ingestInto(files, writeStoryFiles(join(dir, 'kolla'), lines));
    const db = join(dir, 'search.db');
    const sum = await ingestSearch({
      db,
      url: URL_!,
      product: info.product,
      index: `${prefix}-*`,
      timezone: 'UTC',
      since: Date.UTC(2024, 4, 2),
      until: Date.UTC(2024, 4, 4),
      pageSize: 3,
      ...(CA ? { caFile: CA } : {}),
    });
    expect(sum.windows.map((w) => w.status)).toEqual(['complete', 'complete']);
    const evidence = (r: Report) => ({ ...(stable(r) as Report), inputs: { ...r.inputs, sources: 0 } });
    expect(evidence(reportOf(db))).toEqual(evidence(reportOf(files)));
  });
});
