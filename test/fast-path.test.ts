/**
 * Speed may not cost correctness: the fast path (worker threads, blocks of
 * lines, needle skipping) gives exactly the report of the plain reference
 * path (split2, one line at a time, every line through every parser) on the
 * bench's generated logs, and both agree with what the generator wrote.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateHaproxyLog } from '../bench/generate-haproxy.js';
import { generateNovaLog } from '../bench/generate-nova.js';
import { ingestInto, REAL_LOGS, reportOf, stable, tempDir } from './helpers.js';

describe('fast path = reference path', () => {
  it.each([false, true])(
    'a generated nova-api log (rare os-hosts calls; eventlet era first: %s)',
    async (eventletFirst) => {
      const dir = tempDir();
      const log = join(dir, 'nova-api.log');
      const facts = generateNovaLog({ path: log, targetBytes: 12 << 20, seed: 'fast-path-test', eventletFirst });
      expect(facts.eventletDays.length > 0).toBe(eventletFirst);
      const fast = join(dir, 'fast.db');
      const ref = join(dir, 'ref.db');
      const f = await ingestInto(fast, [log], { jobs: 2 });
      const r = await ingestInto(ref, [log], { reference: true });
      expect(f.requests).toBe(facts.computeRequests);
      expect(r.requests).toBe(facts.computeRequests);
      expect(f.lines).toBe(r.lines);
      const fastReport = reportOf(fast);
      expect(stable(fastReport)).toEqual(stable(reportOf(ref)));
      expect(fastReport.inputs.requests).toBe(facts.computeRequests);
      expect(fastReport.apis.find((a) => a.api === 'os-hosts')!.calls).toBe(facts.osHostsCalls);
      // The main thread alone (the default below ~190 MB) gives the same.
      const alone = join(dir, 'alone.db');
      await ingestInto(alone, [log], { jobs: 0 });
      expect(stable(reportOf(alone))).toEqual(stable(fastReport));
    },
  );

  it('a generated nova-api log where a monitoring job makes 15 % of the requests (calls of interest)', async () => {
    const dir = tempDir();
    const log = join(dir, 'nova-api.log');
    const facts = generateNovaLog({ path: log, targetBytes: 8 << 20, seed: 'fast-path-heavy', monitoringShare: 0.15 });
    expect(facts.osServicesCalls).toBeGreaterThan(facts.computeRequests * 0.14);
    const fast = join(dir, 'fast.db');
    const ref = join(dir, 'ref.db');
    await ingestInto(fast, [log], { jobs: 2 });
    await ingestInto(ref, [log], { reference: true });
    const fastReport = reportOf(fast);
    expect(stable(fastReport)).toEqual(stable(reportOf(ref)));
    expect(fastReport.inputs.requests).toBe(facts.computeRequests);
    expect(fastReport.apis.find((a) => a.api === 'os-services')!.calls).toBe(facts.osServicesCalls);
  });

  it.skipIf(!existsSync(REAL_LOGS))('every file of the real logs, one by one', async () => {
    const files = readdirSync(REAL_LOGS, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(log|txt|gz)$/.test(e.name) && !e.parentPath.includes('LICENSES'))
      .map((e) => join(e.parentPath, e.name))
      .sort();
    expect(files.length).toBeGreaterThan(5);
    for (const log of files) {
      const dir = tempDir();
      const fast = join(dir, 'fast.db');
      const ref = join(dir, 'ref.db');
      await ingestInto(fast, [log], { jobs: 2 });
      await ingestInto(ref, [log], { reference: true });
      expect(stable(reportOf(fast)), log).toEqual(stable(reportOf(ref)));
    }
  });

  it('a generated HAProxy log (several services, captures, cinder os-hosts that must not count)', async () => {
    const dir = tempDir();
    const log = join(dir, 'haproxy.log');
    const facts = generateHaproxyLog({ path: log, targetBytes: 9 << 20, seed: 'fast-path-test' });
    const fast = join(dir, 'fast.db');
    const ref = join(dir, 'ref.db');
    await ingestInto(fast, [log], { jobs: 2 });
    await ingestInto(ref, [log], { reference: true });
    const fastReport = reportOf(fast);
    expect(stable(fastReport)).toEqual(stable(reportOf(ref)));
    expect(fastReport.inputs.requests).toBe(facts.computeRequests);
    expect(fastReport.apis.find((a) => a.api === 'os-hosts')!.calls).toBe(facts.osHostsCalls);
  });
});
