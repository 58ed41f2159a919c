/**
 * Differential fuzz: seeded worlds of mixed inputs — lines of every format in parsers/ (their
 * samples), generated nova and Apache logs, CRLF, invalid UTF-8, NUL bytes, empty lines, lines up
 * to several MB, .gz copies, .gz cut short, prefix and grown copies, rotations split in two,
 * duplicates under other names — ingested by the fast path in random orders, runs, batch sizes,
 * workers and stdin chunkings, give the report of the plain reference path (every line on its
 * own, every file read in full). No crash, no hang.
 *
 * CI runs a few seeds; APICENSUS_FUZZ_RUNS=N (and APICENSUS_FUZZ_SEED=S for one) runs longer.
 */
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../parsers/index.js';
import { detectFormat } from '../src/ingest/detect.js';
import type { Report } from '../reports/model.js';
import { chunked, ingestInto, reportOf, tempDir } from './helpers.js';
import { apacheAccessLog, novaLogGenerator, rng } from './log-generator.js';

const RUNS = Number(process.env.APICENSUS_FUZZ_RUNS ?? 4);
const FIRST_SEED = Number(process.env.APICENSUS_FUZZ_SEED ?? 1);
/** Longest over-long line a world may hold: 5 MB in long runs, less in CI (time, not behaviour). */
const LONGEST = process.env.APICENSUS_FUZZ_RUNS ? 5_000_000 : 1_600_000;
/** Every file's mtime: old enough that last lines count and a cut .gz is corrupt, a year the syslog dates take. */
const MTIME = new Date('2024-06-01T00:00:00Z');

type Rand = ReturnType<typeof rng>;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/**
 * Sample lines of each format whose samples, as a file, detect as one format (a format's samples
 * may hold a line another format claims too: such a file is refused as mixed by both paths, and
 * a prefix of it small enough to detect would then lend its format to the rest).
 */
const SAMPLES: [string, string[]][] = FORMATS.map((f): [string, string[]] => [
  f.name,
  f.parsers.flatMap((p) => p.samples.map((s) => s.line)),
]).filter(([, lines]) => lines.length > 0 && detectFormat([...lines, ...lines, ...lines], 2024).ok);

/** One line of noise: bytes a log may hold that no parser reads. */
function noise(r: Rand): Buffer {
  switch (int(r, 0, 5)) {
    case 0:
      return Buffer.from('');
    case 1:
      return Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x20, 0xc3, 0x28]); // invalid UTF-8
    case 2:
      return Buffer.from('nul\0in\0the\0middle');
    case 3:
      return Buffer.from(`2024-05-02 09:00:0${int(r, 0, 9)}.000 1 DEBUG nova.noise [-] ${'n'.repeat(int(r, 0, 300))}`);
    case 4:
      return Buffer.from(`  continuation of a traceback ${r()}`);
    default:
      return Buffer.from('\t');
  }
}

/** An over-long line: a DEBUG dump, or a request line whose target is huge. */
function longLine(r: Rand): Buffer {
  const length = int(r, (1 << 20) + 1, LONGEST);
  const head =
    r() < 0.5
      ? '2024-05-02 09:30:00.000 3104 DEBUG nova.api.openstack.wsgi [-] '
      : '10.0.0.5 - - [02/May/2024:09:30:00 +0000] "GET /v2.1/os-hosts?q=';
  return Buffer.concat([Buffer.from(head), Buffer.alloc(length - head.length, 0x78)]);
}

/** A log of one family, as lines (without newlines). */
function family(r: Rand, seed: number): Buffer[] {
  const kind = int(r, 0, 3);
  let lines: Buffer[];
  if (kind === 0)
    lines = novaLogGenerator(seed, 0.2)
      .next(int(r, 200, 2500))
      .split('\n')
      .slice(0, -1)
      .map((l) => Buffer.from(l));
  else if (kind === 1)
    lines = apacheAccessLog(seed, int(r, 200, 2000), 0.3)
      .split('\n')
      .slice(0, -1)
      .map((l) => Buffer.from(l));
  else {
    const [, samples] = pick(
      r,
      SAMPLES.filter(([, s]) => s.length > 0),
    );
    lines = Array.from({ length: int(r, 20, 300) }, () => Buffer.from(pick(r, samples)));
  }
  const out: Buffer[] = [];
  for (const l of lines) {
    if (r() < 0.05) out.push(noise(r));
    out.push(r() < 0.1 ? Buffer.concat([l, Buffer.from('\r')]) : l);
  }
  if (r() < 0.3) out.splice(int(r, 0, out.length), 0, longLine(r));
  return out;
}

const join0 = (lines: readonly Buffer[], trailing = true): Buffer =>
  Buffer.concat(lines.flatMap((l, i) => (i < lines.length - 1 || trailing ? [l, Buffer.from('\n')] : [l])));

/** The files of a world: every log once, and copies of it in the shapes rotation and copying leave. */
function world(seed: number, dir: string): string[] {
  const r = rng(seed);
  const files: [string, Buffer][] = [];
  for (let i = 0; i < int(r, 2, 4); i++) {
    const lines = family(r, seed * 10 + i);
    const whole = join0(lines, r() < 0.8);
    const cut = int(r, 1, lines.length - 1);
    files.push([`log${i}.log`, whole]);
    if (r() < 0.5) files.push([`log${i}.log.1.gz`, gzipSync(whole)]);
    if (r() < 0.5) files.push([`log${i}-prefix.log`, join0(lines.slice(0, cut), r() < 0.7)]);
    if (r() < 0.4) files.push([`log${i}-grown.log`, join0([...lines, ...family(r, seed * 10 + i + 5)])]);
    if (r() < 0.4) {
      files.push([`log${i}-rot.log.1`, join0(lines.slice(0, cut))]);
      files.push([`log${i}-rot.log`, join0(lines.slice(cut))]);
    }
    if (r() < 0.3) {
      const gz = gzipSync(whole);
      files.push([`log${i}-cut.log.2.gz`, gz.subarray(0, int(r, 10, gz.length - 1))]);
    }
    if (r() < 0.3) files.push([`copy-of-${i}.txt`, whole]);
  }
  return files.map(([name, bytes]) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    utimesSync(path, MTIME, MTIME);
    return path;
  });
}

/** What must not depend on how the files were read: every call, the totals, the front ends, the span, the answer. */
function comparable(r: Report): unknown {
  return {
    apis: r.apis,
    requests: r.inputs.requests,
    requestsByLayer: r.inputs.requestsByLayer,
    opaqueConnections: r.inputs.opaqueConnections,
    frontends: r.frontends,
    setAside: r.setAside,
    coverage: r.coverage,
    span: r.span,
    used: r.verdict.used,
    answerable: r.verdict.answerable,
  };
}

/**
 * Both paths alike: zones, last lines counted, and the year of syslog dates that carry none (a
 * file's is its mtime's, stdin's the current one: the same lines through stdin would be other requests).
 */
const OPTIONS = { timezone: 'UTC', novaTimezone: 'UTC', partialLastLine: 'count' as const, year: 2024 };

/**
 * The fast path: the files shuffled into a few runs, each with its
 * own batch size and workers, one of them maybe through stdin.
 */
async function fastPath(seed: number, files: readonly string[], db: string): Promise<void> {
  const r = rng(seed + 7919);
  const order = [...files].sort(() => r() - 0.5);
  while (order.length > 0) {
    const run = order.splice(0, int(r, 1, order.length));
    const viaStdin = r() < 0.4 ? int(r, 0, run.length - 1) : -1;
    const inputs = run.map((f, i) => (i === viaStdin ? '-' : f));
    const stdin = viaStdin >= 0 ? chunked(readFileSync(run[viaStdin]!), int(r, 1, 65536)) : undefined;
    await ingestInto(db, inputs, {
      ...OPTIONS,
      jobs: r() < 0.5 ? 0 : 1,
      batchBytes: pick(r, [4096, 65536, 1 << 20, 32 << 20]),
      ...(stdin ? { stdin } : {}),
    });
  }
}

describe('differential fuzz: the fast path gives the reference path’s report', () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + RUNS; seed++) {
    it(`world ${seed}`, async () => {
      const dir = tempDir();
      const files = world(seed, dir);
      const reference = join(dir, 'reference.db');
      await ingestInto(reference, files, { ...OPTIONS, reference: true });
      const fast = join(dir, 'fast.db');
      await fastPath(seed, files, fast);
      expect(comparable(reportOf(fast)), `world ${seed}: ${files.length} files`).toEqual(
        comparable(reportOf(reference)),
      );
    }, 300_000);
  }
});
