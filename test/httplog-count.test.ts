/**
 * HAProxy httplog lines counted in place (src/ingest/httplog-count.ts) give, request by request,
 * the key and label the parsers give them, however many front-end and back-end names a log holds.
 */
import { describe, expect, it } from 'vitest';
import { compileProcessor, type ChunkResult, type ProcessorSpec } from '../src/ingest/process.js';
import { loadPacks } from '../src/rules.js';

const spec: ProcessorSpec = {
  format: 'haproxy',
  defaultYear: 2024,
  timezone: 'UTC',
  novaTimezone: 'UTC',
  frontends: [],
  filePath: '/var/log/haproxy.log',
  packs: loadPacks(),
};

const line = (i: number, frontend: string, backend: string, target: string): string =>
  `Mar 22 15:16:${String(i % 60).padStart(2, '0')} ctl1 haproxy[403]: 10.0.0.${i % 250}:${40000 + (i % 20000)} ` +
  `[22/Mar/2024:15:16:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}] ` +
  `${frontend} ${backend}/ctl1 0/0/0/17/17 200 624 - - ---- 5/1/0/0/0 0/0 "GET ${target} HTTP/1.1"`;

/** Each request of a result as its key and label. */
const requests = (r: ChunkResult): string[] =>
  [...r.keys].map((k, i) => `${k} ${r.hours[i]} ${r.labels[r.labelIndex[i]!]!}`);

describe('httplog lines counted in place', () => {
  it('give every request the key and label the parsers give it, across a restart of the name cache', () => {
    // 4,094 frontends of one backend fill the name cache (4,096 names) to one short of full; the
    // next line's frontend fills it and its backend, a new name, starts the cache again.
    const lines: string[] = [];
    for (let i = 0; i < 4094; i++) lines.push(line(i, `fe_${i}`, 'glance_back', '/v2/images?limit=20'));
    for (let i = 0; i < 40; i++) lines.push(line(i, `late_fe_${i}`, `late_be_${i}`, '/v2.1/servers/detail'));
    for (let i = 0; i < 40; i++) lines.push(line(i, `fe_${i}`, 'glance_back', '/v2/images?limit=20'));
    const block = Buffer.from(lines.join('\n') + '\n', 'utf8');
    const fast = compileProcessor(spec)(block, 1);
    const plain = compileProcessor({ ...spec, plain: true })(block, 1);
    expect(fast.requests).toBe(lines.length);
    expect(requests(fast)).toEqual(requests(plain));
    expect(requests(fast).filter((r) => r.includes('undefined'))).toEqual([]);
  });
});
