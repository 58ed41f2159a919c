/**
 * Unattended ingestion through logrotate's schemes: a small simulator writes
 * nova-api request_log lines as a sequence of appends, rotations and ingests
 * (what a hook or hourly timer runs: every `nova-api.log*` after each step),
 * with growth between reads and last lines written without their newline.
 * At the end, the store must hold what one ingest of one file holding every
 * request once gives: every request counted exactly once, every line read once.
 */
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Report } from '../reports/model.js';
import type { IngestSummary } from '../src/ingest/run.js';
import { ingestInto, reportOf, stable, tempDir } from './helpers.js';
import { novaLogGenerator, rng, type NovaLogGenerator } from './log-generator.js';

type Scheme = 'create' | 'copytruncate' | 'compress' | 'delaycompress' | 'dateext';

const LIVE = 'nova-api.log';
/** logrotate's `rotate N`: older rotations are deleted (after they were ingested). */
const KEEP = 3;

/** One API node: nova writing its log, logrotate rotating it, apicensus ingesting after every step. */
class ApiNode {
  readonly dir = tempDir();
  readonly db = join(this.dir, 'state', 'apicensus.db');
  readonly logs = join(this.dir, 'log');
  /** Every line written, each once and whole: the reference. */
  written = '';
  /** The rest of a line nova is still writing, and the file its descriptor points at. */
  private pending: { file: string; rest: string } | null = null;
  readonly runs: IngestSummary[] = [];
  private day = 2;

  constructor(
    readonly scheme: Scheme,
    readonly gen: NovaLogGenerator,
  ) {
    mkdirSync(this.logs);
    mkdirSync(join(this.dir, 'state'));
    writeFileSync(this.path(LIVE), '');
  }

  path(name: string): string {
    return join(this.logs, name);
  }

  /**
   * nova writes `n` requests to the live file. `end`: 'partial' stops in the
   * middle of the last line (the rest comes with the next write, to whatever
   * file the writer then has open); 'no-newline' writes the last line whole but
   * never its newline (the writer was restarted at rotation).
   */
  append(n: number, end: 'whole' | 'partial' | 'no-newline' = 'whole'): void {
    this.finishLine();
    const text = this.gen.next(n);
    this.written += text;
    if (end === 'whole') return appendFileSync(this.path(LIVE), text);
    const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
    const cut = end === 'partial' ? lastStart + Math.floor((text.length - lastStart) / 2) : text.length - 1;
    appendFileSync(this.path(LIVE), text.slice(0, cut));
    if (end === 'partial') this.pending = { file: this.path(LIVE), rest: text.slice(cut) };
  }

  /** nova completes the line it was writing, in the file its descriptor still points at. */
  finishLine(): void {
    if (!this.pending) return;
    appendFileSync(this.pending.file, this.pending.rest);
    this.pending = null;
  }

  /** The files a `nova-api.log*` glob matches, in the shell's order. */
  glob(): string[] {
    return readdirSync(this.logs)
      .filter((n) => n.startsWith(LIVE))
      .sort()
      .map((n) => this.path(n));
  }

  async ingest(): Promise<IngestSummary> {
    const s = await ingestInto(this.db, this.glob(), { partialLastLine: 'auto' });
    this.runs.push(s);
    expect(s.exitCode, JSON.stringify(s.files.filter((f) => f.status === 'failed'))).toBe(0);
    return s;
  }

  /** An hour passes: every file is older than a minute, except one nova is in the middle of a line of. */
  age(): void {
    const then = (Date.now() - 3_600_000) / 1000;
    for (const f of this.glob()) if (this.pending?.file !== f) utimesSync(f, then, then);
  }

  /** Rename the numbered rotations one up (.2.gz → .3.gz), deleting beyond KEEP. */
  private shift(): void {
    for (let i = KEEP; i >= 1; i--) {
      for (const ext of ['', '.gz']) {
        const from = this.path(`${LIVE}.${i}${ext}`);
        if (!existsSync(from)) continue;
        if (i === KEEP) rmSync(from);
        else renameSync(from, this.path(`${LIVE}.${i + 1}${ext}`));
      }
    }
  }

  private gzip(file: string): void {
    writeFileSync(`${file}.gz`, gzipSync(readFileSync(file)));
    rmSync(file);
  }

  /** Rotation as logrotate does it for this scheme (steps that a hook could observe are separate methods). */
  rotate(): void {
    const live = this.path(LIVE);
    switch (this.scheme) {
      case 'create':
        this.shift();
        renameSync(live, this.path(`${LIVE}.1`));
        break;
      case 'copytruncate':
        this.shift();
        copyFileSync(live, this.path(`${LIVE}.1`));
        truncateSync(live, 0);
        break;
      case 'compress':
        // Renamed now; compressed by compressRotated() (a hook may run in between).
        this.shift();
        renameSync(live, this.path(`${LIVE}.1`));
        break;
      case 'delaycompress':
        // .1 → .2.gz (compressed one cycle late, so a writer still on .1 can finish), live → .1.
        if (existsSync(this.path(`${LIVE}.1`))) this.gzip(this.path(`${LIVE}.1`));
        this.shift();
        renameSync(live, this.path(`${LIVE}.1`));
        break;
      case 'dateext': {
        // dateext + delaycompress: yesterday's dated file is compressed now.
        for (const n of readdirSync(this.logs)) if (/^nova-api\.log-\d{8}$/.test(n)) this.gzip(this.path(n));
        const name = `${LIVE}-202405${String(this.day++).padStart(2, '0')}`;
        renameSync(live, this.path(name));
        if (this.pending?.file === live) this.pending.file = this.path(name);
        writeFileSync(live, '');
        return;
      }
    }
    if (this.pending?.file === live && this.scheme !== 'copytruncate') this.pending.file = this.path(`${LIVE}.1`);
    if (this.scheme !== 'copytruncate') writeFileSync(live, '');
  }

  /** `compress` without delaycompress: gzip .1 right away. `cut` leaves the .gz half written first. */
  async compressRotated(cutFirst: boolean): Promise<void> {
    const plain = this.path(`${LIVE}.1`);
    const gz = gzipSync(readFileSync(plain));
    if (cutFirst) {
      writeFileSync(`${plain}.gz`, gz.subarray(0, Math.floor(gz.length * 0.6)));
      const s = await this.ingest();
      const cut = s.files.find((f) => f.path === `${plain}.gz`)!;
      expect(cut.status).toBe('incomplete');
    }
    writeFileSync(`${plain}.gz`, gz);
    rmSync(plain);
  }
}

/** One ingest of one file holding every request once. */
async function reference(text: string): Promise<Report> {
  const dir = tempDir();
  writeFileSync(join(dir, 'all.log'), text);
  const db = join(dir, 'ref.db');
  await ingestInto(db, [join(dir, 'all.log')]);
  return reportOf(db);
}

/** What must not depend on how the lines were split into files: everything but the list of sources. */
function comparable(r: Report): unknown {
  const s = stable(r) as { inputs: Record<string, unknown> };
  const { sources: _n, ...inputs } = s.inputs;
  return { ...s, inputs };
}

/** Requests read, summed over every ingest run: each request line is read exactly once. */
const requestsRead = (n: ApiNode): number => n.runs.reduce((a, s) => a + s.requests, 0);

async function simulate(scheme: Scheme, seed: number): Promise<ApiNode> {
  const r = rng(seed);
  const node = new ApiNode(scheme, novaLogGenerator(seed));
  for (let cycle = 0; cycle < 4; cycle++) {
    node.append(30 + Math.floor(r() * 30));
    await node.ingest();
    // A line half written when the timer fires: left for the next run.
    node.append(20 + Math.floor(r() * 20), 'partial');
    const s = await node.ingest();
    expect(s.files.find((f) => f.path === node.path(LIVE))!.notes.join(' ')).toMatch(/no newline yet/);
    node.append(20 + Math.floor(r() * 20));
    await node.ingest();
    // Lines written after the last read, then rotation. A writer that keeps its
    // descriptor (rename schemes) finishes its line in the rotated file; one whose
    // file is copied or compressed at once must not be mid-line, but a last line
    // without its newline (a writer restarted at rotation) is possible everywhere.
    const carriesPartial = scheme === 'create' || scheme === 'delaycompress' || scheme === 'dateext';
    const end = cycle % 2 === 1 ? 'no-newline' : carriesPartial ? 'partial' : 'whole';
    node.append(10 + Math.floor(r() * 30), end);
    if (r() < 0.5) await node.ingest(); // prerotate
    node.rotate();
    await node.ingest(); // postrotate
    if (scheme === 'compress') {
      await node.compressRotated(cycle % 2 === 0);
      await node.ingest();
    }
    node.finishLine();
    node.append(5 + Math.floor(r() * 20));
    await node.ingest();
    // The next hourly run: every file is older than a minute now, so a last line
    // that never got its newline counts.
    node.age();
    await node.ingest();
  }
  node.finishLine();
  node.age();
  await node.ingest();
  return node;
}

describe('every request counted exactly once through logrotate schemes', () => {
  const schemes: Scheme[] = ['create', 'copytruncate', 'compress', 'delaycompress', 'dateext'];
  for (const [i, scheme] of schemes.entries()) {
    it(`${scheme}: appends, partial lines, rotations and an \
ingest after every step equal one ingest of everything`, async () => {
      const node = await simulate(scheme, 1000 + i);
      const ref = await reference(node.written);
      const got = reportOf(node.db);
      expect(got.inputs.requests).toBe(node.gen.requests);
      expect(ref.inputs.requests).toBe(node.gen.requests);
      expect(got.inputs.linesRead).toBe(ref.inputs.linesRead);
      expect(requestsRead(node)).toBe(node.gen.requests);
      expect(got.apis).toEqual(ref.apis);
      expect(comparable(got)).toEqual(comparable(ref));
      expect(got.apis.find((a) => a.api === 'os-hosts')!.calls).toBe(node.gen.osHosts);
      // A rotated file that reappears compressed was read before: it adds nothing (under
      // plain `compress`, .1.gz may give the last line .1 was still waiting for).
      const gz = node.runs.flatMap((s) => s.files).filter((f) => f.compressed && f.status !== 'incomplete');
      expect(gz.length > 0).toBe(scheme === 'compress' || scheme === 'delaycompress' || scheme === 'dateext');
      if (scheme !== 'compress') expect(gz.filter((f) => f.lines > 0)).toEqual([]);
      else expect(gz.every((f) => f.lines <= 1)).toBe(true);
    });
  }
});

describe('the edges of rotation', () => {
  /** `n` requests of generated nova-api log, as whole lines. */
  const lines = (seed: number, n: number): string => novaLogGenerator(seed).next(n);

  it(`a .gz cut short is incomplete (lines up to the cut counted); \
once the whole .gz appears every line counts once`, async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const text = lines(7, 600);
    const gz = gzipSync(Buffer.from(text));
    const file = join(dir, 'nova-api.log.1.gz');
    const got: IngestSummary[] = [];
    for (const cut of [12, 0.3, 0.6, 0.9]) {
      writeFileSync(file, gz.subarray(0, cut < 1 ? Math.floor(gz.length * cut) : cut));
      const s = await ingestInto(db, [file], { partialLastLine: 'auto' });
      expect(s.files[0]!.status, `cut at ${cut}`).toBe('incomplete');
      expect(s.files[0]!.notes.join(' ')).toMatch(/still being compressed\?/);
      got.push(s);
    }
    expect(got[0]!.requests).toBe(0); // 12 bytes: the gzip header, no content yet
    expect(got[2]!.requests).toBeGreaterThan(0);
    writeFileSync(file, gz);
    const last = await ingestInto(db, [file], { partialLastLine: 'auto' });
    expect(last.files[0]!.status).toBe('resumed');
    got.push(last);
    // Every line was read once: the cut reads stopped at their last whole line.
    expect(got.reduce((a, s) => a + s.lines, 0)).toBe(text.split('\n').length - 1);
    expect(got.reduce((a, s) => a + s.newRequests, 0)).toBe(got.reduce((a, s) => a + s.requests, 0));
    expect(comparable(reportOf(db))).toEqual(comparable(await reference(text)));
    const again = await ingestInto(db, [file]);
    expect(again.files[0]!.status).toBe('unchanged');
  });

  it(`a .gz cut before what the plain file already gave is still incomplete, \
and the full .gz adds nothing`, async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const text = lines(8, 400);
    const plain = join(dir, 'nova-api.log.1');
    writeFileSync(plain, text);
    await ingestInto(db, [plain]);
    const gz = gzipSync(Buffer.from(text));
    writeFileSync(`${plain}.gz`, gz.subarray(0, Math.floor(gz.length / 2)));
    const cut = await ingestInto(db, [plain, `${plain}.gz`]);
    expect(cut.files.map((f) => f.status)).toEqual(['unchanged', 'incomplete']);
    writeFileSync(`${plain}.gz`, gz);
    rmSync(plain);
    const full = await ingestInto(db, [`${plain}.gz`]);
    expect(full.files[0]!.status).toBe('unchanged');
    expect(full.newRequests).toBe(0);
  });

  it('a .gz whose last line has no newline counts that line at once (compressed content is settled)', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const text = lines(9, 200);
    writeFileSync(join(dir, 'nova-api.log.1.gz'), gzipSync(Buffer.from(text.slice(0, -1))));
    const s = await ingestInto(db, [join(dir, 'nova-api.log.1.gz')], { partialLastLine: 'auto' });
    expect(s.files[0]!.notes).toEqual([]);
    expect(comparable(reportOf(db))).toEqual(comparable(await reference(text)));
  });

  it('a rotated file that reappears compressed adds nothing, under any name', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const text = lines(10, 300);
    const live = join(dir, 'nova-api.log');
    writeFileSync(live, text);
    await ingestInto(db, [live]);
    renameSync(live, join(dir, 'nova-api.log.1'));
    writeFileSync(join(dir, 'nova-api.log.2.gz'), gzipSync(Buffer.from(text)));
    writeFileSync(join(dir, 'nova-api.log-20240503.gz'), gzipSync(Buffer.from(text)));
    const before = reportOf(db);
    const s = await ingestInto(db, [
      join(dir, 'nova-api.log.1'),
      join(dir, 'nova-api.log.2.gz'),
      join(dir, 'nova-api.log-20240503.gz'),
    ]);
    expect(s.files.map((f) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(s.files.map((f) => f.sourceId)).toEqual([1, 1, 1]);
    expect(s.lines).toBe(0);
    expect(s.newRequests).toBe(0);
    expect(comparable(reportOf(db))).toEqual(comparable(before));
  });

  it('a truncated (copytruncate) live file starts over: a new source read from its first line', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const gen = novaLogGenerator(11);
    const first = gen.next(100);
    const live = join(dir, 'nova-api.log');
    writeFileSync(live, first);
    const a = await ingestInto(db, [live]);
    // copytruncate, then fewer bytes than were read before (the offset lies beyond the end)…
    copyFileSync(live, join(dir, 'nova-api.log.1'));
    truncateSync(live, 0);
    const second = gen.next(10);
    writeFileSync(live, second);
    const b = await ingestInto(db, [join(dir, 'nova-api.log.1'), live]);
    expect(b.files.map((f) => f.status)).toEqual(['unchanged', 'ingested']);
    expect(b.files[1]!.sourceId).not.toBe(a.files[0]!.sourceId);
    expect(b.files[1]!.lines).toBe(second.split('\n').length - 1);
    // …and again, this time with more bytes than the previous content had.
    renameSync(join(dir, 'nova-api.log.1'), join(dir, 'nova-api.log.2'));
    copyFileSync(live, join(dir, 'nova-api.log.1'));
    truncateSync(live, 0);
    const third = gen.next(300);
    writeFileSync(live, third);
    expect(third.length).toBeGreaterThan(first.length);
    const c = await ingestInto(db, [join(dir, 'nova-api.log.1'), live]);
    expect(c.files.map((f) => f.status)).toEqual(['unchanged', 'ingested']);
    expect(c.files[1]!.lines).toBe(third.split('\n').length - 1);
    expect(new Set([a, b, c].map((s) => s.files.at(-1)!.sourceId)).size).toBe(3);
    expect(comparable(reportOf(db))).toEqual(comparable(await reference(first + second + third)));
  });

  it('a file whose first bytes changed is a new source: read whole, adding only requests not seen before', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const gen = novaLogGenerator(12);
    const text = gen.next(200);
    const live = join(dir, 'nova-api.log');
    writeFileSync(live, text);
    const a = await ingestInto(db, [live]);
    // Its first line removed by hand, and 20 new requests at the end.
    const edited = text.slice(text.indexOf('\n') + 1) + gen.next(20);
    writeFileSync(live, edited);
    const b = await ingestInto(db, [live]);
    expect(b.files[0]!.status).toBe('ingested');
    expect(b.files[0]!.sourceId).not.toBe(a.files[0]!.sourceId);
    expect(b.files[0]!.lines).toBe(edited.split('\n').length - 1);
    expect(b.newRequests).toBe(20);
    const got = reportOf(db);
    const ref = await reference(text + edited.slice(text.length - text.indexOf('\n') - 1));
    expect(got.inputs.requests).toBe(ref.inputs.requests);
    expect(got.apis).toEqual(ref.apis);
  });

  it(`a file sharing the first 4 KiB of a source but differing later is another source, \
and the first one still grows`, async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const gen = novaLogGenerator(13);
    const live = join(dir, 'nova-api.log');
    const original = gen.next(100);
    writeFileSync(live, original);
    await ingestInto(db, [live]);
    // A fork: the original's first 5,000 bytes or so, then other requests, longer than the original.
    const shared = original.slice(0, original.indexOf('\n', 5000) + 1);
    const forkText = shared + gen.next(200);
    const fork = join(dir, 'fork.log');
    writeFileSync(fork, forkText);
    const f = await ingestInto(db, [fork]);
    expect(f.files[0]!.status).toBe('ingested');
    expect(f.files[0]!.notes.join(' ')).toMatch(
      /shares its first 4 KiB with source #1 but differs later: read as a new source/,
    );
    expect(f.files[0]!.sourceId).toBe(2);
    // Both sources now have the same first bytes; the original grows, still shorter than the fork was read.
    const growth = gen.next(20);
    appendFileSync(live, growth);
    expect(original.length + growth.length).toBeLessThan(forkText.length);
    const g = await ingestInto(db, [live]);
    expect(g.files[0]!.status).toBe('resumed');
    expect(g.files[0]!.sourceId).toBe(1);
    expect(g.newRequests).toBe(20);
    // And the fork grows too.
    const forkGrowth = gen.next(10);
    appendFileSync(fork, forkGrowth);
    const h = await ingestInto(db, [fork, live]);
    expect(h.files.map((x) => [x.status, x.sourceId])).toEqual([
      ['resumed', 2],
      ['unchanged', 1],
    ]);
    expect(h.newRequests).toBe(10);
    const got = reportOf(db);
    const ref = await reference(original + growth + forkText.slice(shared.length) + forkGrowth);
    expect(got.inputs.requests).toBe(ref.inputs.requests);
    expect(got.apis).toEqual(ref.apis);
  });
});

describe('growth between reads', () => {
  it(`identical requests without a request id in the same second count twice, \
whichever read each falls in`, async () => {
    // Apache combined: no request id, second precision; a script polling os-hosts twice in a second.
    const line = (s: number, ip = '10.0.0.5'): string =>
      `${ip} - - [02/May/2024:09:00:${String(s).padStart(2, '0')} +0000] "GET /v2.1/os-hosts HTTP/1.1" 200 532 "-" ` +
      `"python-novaclient/18.1.0 keystoneauth1/5.1.2 python-requests/2.28.1 CPython 3.11.2"\n`;
    const filler = Array.from({ length: 60 }, (_, i) => line(i % 10, `10.0.9.${i}`)).join('');
    const parts = [filler + line(20), line(20), line(20) + line(21), line(21)];
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const file = join(dir, 'nova-api-access.log');
    writeFileSync(file, '');
    for (const p of parts) {
      appendFileSync(file, p);
      await ingestInto(db, [file]);
    }
    const ref = await reference(parts.join(''));
    const got = reportOf(db);
    expect(got.apis[0]!.calls).toBe(65);
    expect(comparable(got)).toEqual(comparable(ref));
  });
});
