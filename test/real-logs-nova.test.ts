/**
 * The acceptance checks on real public logs (../shared/real-logs; CI
 * may not have them, so these skip when the folder is absent).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestInto, REAL_LOGS, reportOf, tempDir } from './helpers.js';

const ICEHOUSE = join(REAL_LOGS, 'nova', 'icehouse-lab-nova-api.log');
const HAVANA = join(REAL_LOGS, 'nova', 'devstack-havana-screen-n-api.txt.gz');
const HAVANA_2 = join(REAL_LOGS, 'nova', 'devstack-havana-screen-n-api-2.txt.gz');

describe.skipIf(!existsSync(ICEHOUSE))('real logs: nova-api', () => {
  it(`the Icehouse lab log holds 4,812 compute requests and \
exactly one os-hosts call (show littlebigguy, 200)`, async () => {
    const db = join(tempDir(), 'a.db');
    await ingestInto(db, [ICEHOUSE]);
    const r = reportOf(db);
    expect(r.inputs.requests).toBe(4812);
    expect(r.inputs.malformed).toBe(0);
    const hosts = r.apis.find((a) => a.api === 'os-hosts')!;
    expect(hosts.calls).toBe(1);
    expect(hosts.actions).toEqual([
      expect.objectContaining({ action: 'show', calls: 1, succeeded: 1, statuses: { '200': 1 } }),
    ]);
    expect(hosts.byHost).toEqual([expect.objectContaining({ host: 'littlebigguy', calls: 1 })]);
    expect(hosts.byProject).toEqual([
      expect.objectContaining({ project: 'e7dcfe9fe2f143d29e518e41a20553cf', calls: 1 }),
    ]);
    expect(hosts.byUser).toEqual([expect.objectContaining({ user: 'e75374ede9834b41919d07e6a311401c', calls: 1 })]);
    expect(r.verdict.used).toBe(true);
  });

  it(`the Havana devstack log, read again, and as an \
uncompressed copy under another name, is 396 requests`, async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const copy = join(dir, 'n-api-copy.log');
    writeFileSync(copy, gunzipSync(readFileSync(HAVANA)));
    await ingestInto(db, [HAVANA]);
    await ingestInto(db, [HAVANA]);
    await ingestInto(db, [copy]);
    const r = reportOf(db);
    expect(r.inputs.requests).toBe(396);
    expect(r.inputs.sources).toBe(1);
    expect(r.apis.every((a) => a.calls === 0)).toBe(true);
  });

  it('the second copy of the Havana log (different bytes, same requests) adds no request', async () => {
    const db = join(tempDir(), 'a.db');
    await ingestInto(db, [HAVANA]);
    const s = await ingestInto(db, [HAVANA_2]);
    expect(s.requests).toBe(396);
    expect(s.newRequests).toBe(0);
    expect(reportOf(db).inputs.requests).toBe(396);
  });
});
