/**
 * The bench's fake OpenSearch in a worker thread of its own (its event loop and CPU apart from
 * the bench's): generates one kolla day (kolla-day.ts) and serves it until the bench ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FakeSearchServer } from './fake-search-server.js';
import { generateKollaDay, KOLLA_DAY } from './kolla-day.js';

const { documents, seed } = workerData as { documents: number; seed: string };
const t0 = process.hrtime.bigint();
const { docs, facts } = generateKollaDay(documents, seed);
const generateSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
const index = `flog-${new Date(KOLLA_DAY).toISOString().slice(0, 10).replace(/-/g, '.')}`;
const server = await FakeSearchServer.start('opensearch-2.11', [{ name: index, docs }]);
parentPort!.postMessage({ url: server.url, facts, generateSeconds, index });
parentPort!.on('message', (m: string) => {
  if (m === 'stats') parentPort!.postMessage({ requests: server.requests.length, openCursors: server.openCursors });
});
