/**
 * Source batches (src/ingest/source-batches.ts): blocks applied in order become commits every
 * batchBytes, each moving the source's checkpoint (offset, lines, chain links, state) with the
 * rows it covers; line numbers are absolute however the blocks were cut.
 */
import { describe, expect, it } from 'vitest';
import { compileProcessor, OccurrenceNumbering } from '../src/ingest/process.js';
import { chainHash } from '../src/ingest/identity.js';
import { SourceBatches } from '../src/ingest/source-batches.js';
import { loadPacks } from '../src/rules.js';
import { openDb, type Db } from '../src/store/db.js';
import { IngestWriter } from '../src/store/ingest-writes.js';
import { acquireIngestLock } from '../src/store/ingest-lock.js';

const line = (i: number, path = '/v2.1/servers/detail'): string =>
  `2024-05-02 09:00:${String(i % 60).padStart(2, '0')}.000 3104 INFO nova.api.openstack.requestlog ` +
  `[None req-00000000-0000-4000-8000-${String(i).padStart(12, '0')} u p - - default default] 10.0.0.5 ` +
  `"GET ${path}" status: 200 len: 10 microversion: 2.1 time: 0.01\n`;

const processor = compileProcessor({
  format: 'nova',
  defaultYear: 2024,
  timezone: 'UTC',
  novaTimezone: 'UTC',
  frontends: [],
  filePath: null,
  packs: loadPacks(),
});

async function setup(batchBytes: number): Promise<{ db: Db; writer: IngestWriter; batches: SourceBatches }> {
  const db = openDb(':memory:');
  await acquireIngestLock(db, 'me', 0);
  const writer = new IngestWriter(db, { windowMs: 5000, actionOrder: new Map(), effectApis: new Set() });
  const batches = new SourceBatches({
    writer,
    lockOwner: 'me',
    source: {
      id: null,
      create: { headHash: 'h', headLen: 1, format: 'nova', path: 'x.log', compressed: false },
      path: 'x.log',
      size: null,
    },
    offset: 0,
    lines: 0,
    batchBytes,
    numbering: new OccurrenceNumbering(),
  });
  return { db, writer, batches };
}

const source = (db: Db): Record<string, unknown> =>
  db.prepare('SELECT offset, lines, state, requests FROM sources').get() as Record<string, unknown>;

describe('SourceBatches', () => {
  it('commits once a batch reaches batchBytes, with the checkpoint and chain links of what it covers', async () => {
    const { db, writer, batches } = await setup(1000);
    const blocks = [0, 1, 2, 3].map((b) => Buffer.from([0, 1, 2].map((i) => line(b * 3 + i)).join('')));
    for (const b of blocks) batches.apply(processor(b, 1), b.length, chainHash(b));
    // 3 lines of ~190 bytes a block: a commit after every second block.
    expect(writer.inBatch).toBe(false);
    expect(source(db)).toEqual({
      offset: blocks.reduce((n, b) => n + b.length, 0),
      lines: 12,
      state: 'reading',
      requests: 12,
    });
    const chain = db.prepare('SELECT end_offset FROM source_chain ORDER BY end_offset').all();
    let end = 0;
    expect(chain).toEqual(blocks.map((b) => ({ end_offset: (end += b.length) })));
  });

  it('numbers lines from where the source was read to, whatever the blocks', async () => {
    const { db, batches } = await setup(1 << 20);
    const bad =
      '2024-05-02 09:00:00.000 3104 INFO nova.api.openstack.requestlog [-] 10.0.0.5 "GET /v2.1/os-hosts" status: 2\n';
    for (const text of [line(1) + line(2), line(3) + bad])
      batches.apply(processor(Buffer.from(text), 1), text.length, null);
    batches.commit('complete');
    expect(db.prepare('SELECT line, api FROM malformed_lines').all()).toEqual([{ line: 4, api: 'os-hosts' }]);
    expect(batches.malformedExamples.map((m) => m.line)).toEqual([4]);
  });

  it('a state-only commit writes the state of a source already made, and nothing for one never made', async () => {
    const { db, writer, batches } = await setup(1 << 20);
    batches.commit('interrupted');
    expect(db.prepare('SELECT count(*) AS n FROM sources').get()).toEqual({ n: 0 });
    const b = Buffer.from(line(1));
    batches.apply(processor(b, 1), b.length, chainHash(b));
    batches.commit('reading');
    batches.commit('interrupted');
    expect(writer.inBatch).toBe(false);
    expect(source(db)).toEqual({ offset: b.length, lines: 1, state: 'interrupted', requests: 1 });
  });
});
