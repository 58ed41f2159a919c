/**
 * Ingest end to end through the library: exactly once (re-reads, renamed,
 * compressed and decompressed copies, the same line in another file),
 * re-chunked streams, malformed lines, partial last lines.
 */
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chunked, ingestInto, reportOf, SAMPLES, stable, tempDir } from './helpers.js';

const NOVA_LOG = join(SAMPLES, 'nova', 'nova-api.log');

describe('exactly once', () => {
  it('re-ingesting the same file, a renamed copy, a gzip copy and a gunzipped copy adds nothing', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const first = await ingestInto(db, [NOVA_LOG]);
    expect(first.files[0]!.status).toBe('ingested');
    const once = reportOf(db);
    copyFileSync(NOVA_LOG, join(dir, 'renamed.log'));
    writeFileSync(join(dir, 'copy.log.gz'), gzipSync(readFileSync(NOVA_LOG)));
    const gz = join(SAMPLES, 'nova', 'nova-api-2014.log.gz');
    writeFileSync(join(dir, 'gunzipped.log'), gunzipSync(readFileSync(gz)));
    await ingestInto(db, [gz]);
    const withGz = reportOf(db);
    const again = await ingestInto(db, [
      NOVA_LOG,
      join(dir, 'renamed.log'),
      join(dir, 'copy.log.gz'),
      join(dir, 'gunzipped.log'),
      gz,
    ]);
    expect(again.files.map((f) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(again.newRequests).toBe(0);
    expect(stable(reportOf(db))).toEqual(stable(withGz));
    expect(withGz.inputs.requests).toBe(once.inputs.requests + 5);
  });

  it('a line seen again in another file (grep -H output) is stored once', async () => {
    const db = join(tempDir(), 'a.db');
    await ingestInto(db, [NOVA_LOG]);
    const before = reportOf(db);
    const s = await ingestInto(db, [join(SAMPLES, 'nova', 'grep-os-hosts.txt')]);
    expect(s.files[0]!.requests).toBe(5);
    expect(s.newRequests).toBe(0);
    expect(s.observations).toBe(0);
    const after = reportOf(db);
    expect(after.apis).toEqual(before.apis);
    expect(after.inputs.requests).toBe(before.inputs.requests);
    expect(after.inputs.linesRead).toBe(before.inputs.linesRead + 5);
  });

  it('a file that grew adds only its new lines', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const lines = readFileSync(NOVA_LOG, 'utf8').split('\n');
    const half = Math.floor(lines.length / 2);
    const live = join(dir, 'nova-api.log');
    writeFileSync(live, lines.slice(0, half).join('\n') + '\n');
    const a = await ingestInto(db, [live]);
    writeFileSync(live, lines.join('\n'));
    const b = await ingestInto(db, [live]);
    expect(b.files[0]!.status).toBe('resumed');
    expect(a.lines + b.lines).toBe(lines.length - 1);
    const whole = join(tempDir(), 'w.db');
    await ingestInto(whole, [NOVA_LOG]);
    expect(stable(reportOf(db))).toEqual(stable(reportOf(whole)));
  });

  it('leaves a last line without newline for the next run while the file is being written', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const text = readFileSync(NOVA_LOG, 'utf8');
    const cut = text.lastIndexOf('\n', text.length - 2);
    const live = join(dir, 'nova-api.log');
    writeFileSync(live, text.slice(0, cut + 40)); // 40 bytes of the last line, no newline
    const a = await ingestInto(db, [live], { partialLastLine: 'auto' });
    expect(a.files[0]!.notes.join(' ')).toMatch(/no newline yet/);
    writeFileSync(live, text);
    await ingestInto(db, [live], { partialLastLine: 'auto' });
    const whole = join(tempDir(), 'w.db');
    await ingestInto(whole, [NOVA_LOG]);
    expect(stable(reportOf(db))).toEqual(stable(reportOf(whole)));
  });
});

describe('files untouched since their last complete read', () => {
  it('are skipped without reading; a new file under the same name, or the same file grown, is read', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const lines = readFileSync(NOVA_LOG, 'utf8').split('\n');
    const live = join(dir, 'nova-api.log');
    writeFileSync(live, lines.slice(0, 20).join('\n') + '\n');
    const a = await ingestInto(db, [live]);
    expect(a.files[0]).toMatchObject({ status: 'ingested', lines: 20 });
    const b = await ingestInto(db, [live]);
    expect(b.files[0]).toMatchObject({ status: 'unchanged', lines: 0, bytes: 0, format: 'nova' });
    expect(b.files[0]!.notes).toEqual(['unchanged since it was last read to its end (same inode, size and time)']);
    // Rotated by rename (create): another inode under the same name is read from its content.
    renameSync(live, `${live}.1`);
    writeFileSync(live, lines.slice(20).join('\n'));
    const c = await ingestInto(db, [`${live}.1`, live]);
    expect(c.files.map((f) => [f.status, f.lines])).toEqual([
      ['unchanged', 0],
      ['ingested', lines.length - 21],
    ]);
    const whole = join(tempDir(), 'w.db');
    await ingestInto(whole, [NOVA_LOG]);
    const [got, want] = [reportOf(db), reportOf(whole)];
    expect(got.apis).toEqual(want.apis);
    expect(got.inputs.requests).toBe(want.inputs.requests);
  });

  it('a file whose last line was left for later is read again even if nothing changed', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const text = readFileSync(NOVA_LOG, 'utf8');
    const live = join(dir, 'nova-api.log');
    writeFileSync(live, text.slice(0, -1)); // the last line has no newline
    const a = await ingestInto(db, [live], { partialLastLine: 'auto' });
    expect(a.files[0]!.notes.join(' ')).toMatch(/no newline yet/);
    const b = await ingestInto(db, [live], { partialLastLine: 'count' });
    expect(b.files[0]).toMatchObject({ status: 'resumed', lines: 1 });
    const whole = join(tempDir(), 'w.db');
    await ingestInto(whole, [NOVA_LOG]);
    expect(stable(reportOf(db))).toEqual(stable(reportOf(whole)));
  });
});

describe('re-chunked input gives the same records', () => {
  for (const name of [
    'nova-api.log',
    'nova-api-uwsgi.log',
    'devstack-n-api.journal',
    'nova-api.json.log',
    'nova-api-2014.log.gz',
  ]) {
    it(`${name} read whole and from stdin in 1, 3, 7 and 64-byte chunks`, async () => {
      const file = join(SAMPLES, 'nova', name);
      const whole = join(tempDir(), 'whole.db');
      await ingestInto(whole, [file]);
      const expected = stable(reportOf(whole));
      for (const size of [1, 3, 7, 64]) {
        const db = join(tempDir(), `c${size}.db`);
        const s = await ingestInto(db, ['-'], { stdin: chunked(readFileSync(file), size) });
        expect(s.files[0]!.status, `chunk ${size}`).toBe('ingested');
        expect(stable(reportOf(db)), `chunk ${size}`).toEqual(expected);
      }
    });
  }
});

describe('malformed lines', () => {
  it('are counted, kept with file and line, and shown in the report', async () => {
    const db = join(tempDir(), 'a.db');
    const s = await ingestInto(db, [NOVA_LOG]);
    expect(s.malformed).toBe(1);
    expect(s.files[0]!.malformedExamples[0]).toMatchObject({ line: 36 });
    const r = reportOf(db);
    expect(r.inputs.malformed).toBe(1);
    expect(r.malformedExamples).toEqual([
      expect.objectContaining({ path: NOVA_LOG, line: 36, text: expect.stringContaining('status: 2') as unknown }),
    ]);
    expect(r.warnings.join(' ')).toMatch(/1 line looked like request lines/);
  });
});
