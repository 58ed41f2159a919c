/**
 * CADF audit events joined with nova's own lines: one call per request, with
 * the User-Agent nova does not log; every input form yields the same requests.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestInto, reportOf, SAMPLES, tempDir } from './helpers.js';

const AUDIT = join(SAMPLES, 'audit');
const NOVA = join(SAMPLES, 'nova', 'nova-api-uwsgi.log');

describe('CADF audit events', () => {
  it('join nova lines by request id and add the User-Agent nova did not log', async () => {
    const db = join(tempDir(), 'a.db');
    await ingestInto(db, [NOVA]);
    const before = reportOf(db).apis.find((a) => a.api === 'os-hosts')!;
    expect(before.byClient.map((c) => c.client)).toEqual(['not logged']);
    await ingestInto(db, [join(AUDIT, 'notifications.jsonl')]);
    const after = reportOf(db).apis.find((a) => a.api === 'os-hosts')!;
    expect(after.calls).toBe(before.calls); // joined, not added
    expect(after.seenIn['audit+nova']).toBe(3);
    expect(after.byClient.map((c) => [c.client, c.calls])).toEqual(
      expect.arrayContaining([
        ['python-novaclient', 2],
        ['python-openstackclient', 1],
      ]),
    );
  });

  it(`every input form (notifications, envelopes, oslo log driver, keystonemiddleware repr, \
JSON array) is the same six requests`, async () => {
    const files = readdirSync(AUDIT).map((f) => join(AUDIT, f));
    expect(files.length).toBe(5);
    let first: unknown;
    for (const f of files) {
      const db = join(tempDir(), 'a.db');
      const s = await ingestInto(db, [f]);
      expect(s.malformed, f).toBe(0);
      expect(s.requests, f).toBe(6);
      const r = reportOf(db);
      const view = r.apis.map((a) => ({ api: a.api, calls: a.calls, actions: a.actions, clients: a.byClient }));
      if (first === undefined) first = view;
      else expect(view, f).toEqual(first);
    }
    const all = join(tempDir(), 'all.db');
    const s = await ingestInto(all, files);
    expect(s.newRequests).toBe(6);
  });
});
