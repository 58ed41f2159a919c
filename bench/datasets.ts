/**
 * The bench's input files in bench/data/ (gitignored) and their manifest.
 * A file is generated once and reused while the manifest says it is the same
 * generator version, seed and target size, and the file on disk still has
 * the size and modification time recorded: generating is cheap, but reading
 * a gigabyte from a cold disk is not, and the numbers in the manifest (what
 * apicensus must find) belong to exactly those bytes.
 */
import { spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  closeSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { generateHaproxyLog, HAPROXY_GENERATOR_VERSION, type HaproxyLogFacts } from './generate-haproxy.js';
import { generateNovaLog, NOVA_GENERATOR_VERSION, type NovaLogFacts } from './generate-nova.js';
import { onPath } from './measure.js';

export const MANIFEST_VERSION = 1;

interface Generated<F> {
  generatorVersion: number;
  seed: string;
  targetBytes: number;
  bytes: number;
  mtimeMs: number;
  generatedAt: string;
  generateSeconds: number;
  facts: F;
}

interface Derived {
  /** sha256 of the plain nova log it was made from. */
  sourceSha256: string;
  tool: string;
  files: { name: string; bytes: number; mtimeMs: number; compressed: boolean }[];
  generatedAt: string;
  generateSeconds: number;
}

export interface Manifest {
  manifestVersion: number;
  nova?: Generated<NovaLogFacts>;
  /** nova logs with a monitoring job's share of os-services calls, keyed by file name (the share is in it). */
  novaMonitored?: Record<string, Generated<NovaLogFacts>>;
  haproxy?: Generated<HaproxyLogFacts>;
  novaGz?: Derived;
  /** Keyed by the number of files. */
  rotated?: Record<string, Derived>;
}

export interface Dataset<F> {
  path: string;
  facts: F;
  reused: boolean;
  generateSeconds: number;
}

export interface DerivedSet {
  paths: string[];
  /** Bytes on disk, all files. */
  bytes: number;
  reused: boolean;
  tool: string;
  generateSeconds: number;
}

type Log = (message: string) => void;

export class DataDir {
  private readonly manifestPath: string;
  private manifest: Manifest;

  constructor(
    readonly dir: string,
    private readonly log: Log,
  ) {
    mkdirSync(dir, { recursive: true });
    this.manifestPath = join(dir, 'manifest.json');
    this.manifest = { manifestVersion: MANIFEST_VERSION };
    if (existsSync(this.manifestPath)) {
      try {
        const m = JSON.parse(readFileSync(this.manifestPath, 'utf8')) as Manifest;
        if (m.manifestVersion === MANIFEST_VERSION) this.manifest = m;
      } catch {
        this.log('bench/data/manifest.json is unreadable: regenerating what is needed');
      }
    }
  }

  private save(): void {
    const tmp = `${this.manifestPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.manifest, null, 2) + '\n');
    renameSync(tmp, this.manifestPath);
  }

  private static sameFile(path: string, bytes: number, mtimeMs: number): boolean {
    try {
      const st = statSync(path);
      return st.size === bytes && Math.abs(st.mtimeMs - mtimeMs) < 1;
    } catch {
      return false;
    }
  }

  private ensureGenerated<F extends { bytes: number }>(
    name: string,
    entry: Generated<F> | undefined,
    version: number,
    seed: string,
    targetBytes: number,
    generate: (path: string, onProgress: (bytes: number) => void) => F,
  ): { dataset: Dataset<F>; entry: Generated<F> } {
    const path = join(this.dir, name);
    if (
      entry &&
      entry.generatorVersion === version &&
      entry.seed === seed &&
      entry.targetBytes === targetBytes &&
      DataDir.sameFile(path, entry.bytes, entry.mtimeMs)
    ) {
      return { dataset: { path, facts: entry.facts, reused: true, generateSeconds: entry.generateSeconds }, entry };
    }
    this.log(`generating ${name} (${(targetBytes / 1e6).toFixed(0)} MB, seed "${seed}")…`);
    const t0 = process.hrtime.bigint();
    const tmp = `${path}.partial`;
    const facts = generate(tmp, (b) => this.log(`  ${name}: ${(b / 1e6).toFixed(0)} MB`));
    renameSync(tmp, path);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    this.log(`  ${name}: ${(facts.bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s`);
    const st = statSync(path);
    const fresh: Generated<F> = {
      generatorVersion: version,
      seed,
      targetBytes,
      bytes: facts.bytes,
      mtimeMs: st.mtimeMs,
      generatedAt: new Date().toISOString(),
      generateSeconds: seconds,
      facts,
    };
    return { dataset: { path, facts, reused: false, generateSeconds: seconds }, entry: fresh };
  }

  nova(seed: string, targetBytes: number): Dataset<NovaLogFacts> {
    const { dataset, entry } = this.ensureGenerated(
      'nova-api.log',
      this.manifest.nova,
      NOVA_GENERATOR_VERSION,
      seed,
      targetBytes,
      (path, onProgress) => generateNovaLog({ path, targetBytes, seed, onProgress }),
    );
    if (!dataset.reused) {
      this.manifest.nova = entry;
      // Files derived from an older nova log are stale now.
      delete this.manifest.novaGz;
      delete this.manifest.rotated;
      this.save();
    }
    return dataset;
  }

  /**
   * A nova log where a monitoring job makes `share` of the requests (`GET /os-services`): the heavy
   * profile of calls of interest (0.15), or a store of mostly calls for the report case.
   */
  novaMonitored(seed: string, targetBytes: number, share: number): Dataset<NovaLogFacts> {
    const name = `nova-api-monitored-${Math.round(share * 100)}.log`;
    this.manifest.novaMonitored ??= {};
    const { dataset, entry } = this.ensureGenerated(
      name,
      this.manifest.novaMonitored[name],
      NOVA_GENERATOR_VERSION,
      seed,
      targetBytes,
      (path, onProgress) => generateNovaLog({ path, targetBytes, seed, onProgress, monitoringShare: share }),
    );
    if (!dataset.reused) {
      this.manifest.novaMonitored[name] = entry;
      this.save();
    }
    return dataset;
  }

  haproxy(seed: string, targetBytes: number): Dataset<HaproxyLogFacts> {
    const { dataset, entry } = this.ensureGenerated(
      'haproxy.log',
      this.manifest.haproxy,
      HAPROXY_GENERATOR_VERSION,
      seed,
      targetBytes,
      (path, onProgress) => generateHaproxyLog({ path, targetBytes, seed, onProgress }),
    );
    if (!dataset.reused) {
      this.manifest.haproxy = entry;
      this.save();
    }
    return dataset;
  }

  private derivedIsCurrent(d: Derived | undefined, sourceSha: string): boolean {
    return (
      d !== undefined &&
      d.sourceSha256 === sourceSha &&
      d.files.every((f) => DataDir.sameFile(join(this.dir, f.name), f.bytes, f.mtimeMs))
    );
  }

  private describe(
    names: { name: string; compressed: boolean }[],
    sourceSha: string,
    tool: string,
    seconds: number,
  ): Derived {
    return {
      sourceSha256: sourceSha,
      tool,
      files: names.map(({ name, compressed }) => {
        const st = statSync(join(this.dir, name));
        return { name, bytes: st.size, mtimeMs: st.mtimeMs, compressed };
      }),
      generatedAt: new Date().toISOString(),
      generateSeconds: seconds,
    };
  }

  private toSet(d: Derived, reused: boolean): DerivedSet {
    return {
      paths: d.files.map((f) => join(this.dir, f.name)),
      bytes: d.files.reduce((n, f) => n + f.bytes, 0),
      reused,
      tool: d.tool,
      generateSeconds: d.generateSeconds,
    };
  }

  /** nova-api.log.gz, made with `pigz -1` or `gzip -1` when present, else node's zlib at level 1. */
  async novaGz(nova: Dataset<NovaLogFacts>): Promise<DerivedSet> {
    const name = 'nova-api.log.gz';
    if (this.derivedIsCurrent(this.manifest.novaGz, nova.facts.sha256)) return this.toSet(this.manifest.novaGz!, true);
    const t0 = process.hrtime.bigint();
    this.log(`compressing nova-api.log → ${name}…`);
    const tool = await gzipFile(nova.path, join(this.dir, name));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    this.manifest.novaGz = this.describe([{ name, compressed: true }], nova.facts.sha256, tool, seconds);
    this.save();
    this.log(
      `  ${name}: ${(this.manifest.novaGz.files[0]!.bytes / 1e6).toFixed(0)} MB with ${tool} in ` +
        `${seconds.toFixed(1)} s`,
    );
    return this.toSet(this.manifest.novaGz, false);
  }

  /**
   * The nova log cut at line boundaries into `count` rotated files, as
   * logrotate with delaycompress leaves them: nova-api.log.1 is the newest,
   * nova-api.log.<count> the oldest, and the older half is gzip'd
   * (nova-api.log.<k>.gz). Together they hold exactly the lines of nova-api.log,
   * so apicensus must find the same counts.
   */
  async rotated(nova: Dataset<NovaLogFacts>, count: number): Promise<DerivedSet> {
    const key = String(count);
    const current = this.manifest.rotated?.[key];
    if (this.derivedIsCurrent(current, nova.facts.sha256)) return this.toSet(current!, true);
    const t0 = process.hrtime.bigint();
    this.log(`cutting nova-api.log into ${count} rotated files…`);
    const sub = `rotated-${count}`;
    rmSync(join(this.dir, sub), { recursive: true, force: true });
    mkdirSync(join(this.dir, sub), { recursive: true });
    const gzipFrom = count - Math.floor(count / 2) + 1; // files numbered ≥ this are compressed
    const parts = splitAtLines(nova.path, count, (i) => join(this.dir, sub, `nova-api.log.${count - i}`));
    const names: { name: string; compressed: boolean }[] = [];
    let tool = 'none';
    for (let i = 0; i < parts.length; i++) {
      const k = count - i;
      const plain = `${sub}/nova-api.log.${k}`;
      if (k >= gzipFrom) {
        tool = await gzipFile(join(this.dir, plain), join(this.dir, `${plain}.gz`));
        rmSync(join(this.dir, plain));
        names.push({ name: `${plain}.gz`, compressed: true });
      } else names.push({ name: plain, compressed: false });
    }
    // Oldest first: the order in which a catch-up ingest reads the history.
    const numberOf = (n: string): number => Number(/\.(\d+)(?:\.gz)?$/.exec(n)?.[1] ?? 0);
    names.sort((a, b) => numberOf(b.name) - numberOf(a.name));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const d = this.describe(names, nova.facts.sha256, tool, seconds);
    this.manifest.rotated = { ...(this.manifest.rotated ?? {}), [key]: d };
    this.save();
    this.log(
      `  ${count} files, ${(d.files.reduce((n, f) => n + f.bytes, 0) / 1e6).toFixed(0)} MB on disk, in ` +
        `${seconds.toFixed(1)} s`,
    );
    return this.toSet(d, false);
  }
}

/** Cut `source` into `count` files of about equal size, each ending at a newline. Returns the paths, oldest first. */
function splitAtLines(source: string, count: number, pathOf: (index: number) => string): string[] {
  const size = statSync(source).size;
  const fd = openSync(source, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  const paths: string[] = [];
  let pos = 0;
  try {
    for (let i = 0; i < count; i++) {
      const path = pathOf(i);
      paths.push(path);
      const out = openSync(path, 'w');
      const target = i === count - 1 ? size : Math.round(((i + 1) * size) / count);
      let done = false;
      while (!done && pos < size) {
        const n = readSync(fd, buf, 0, buf.length, pos);
        if (n === 0) break;
        let take = n;
        if (pos + n >= target && i < count - 1) {
          // Cut after the first newline at or past the target.
          const nl = buf.indexOf(10, Math.max(0, target - pos - 1));
          if (nl >= 0 && nl < n) {
            take = nl + 1;
            done = true;
          }
        }
        let off = 0;
        while (off < take) off += writeSync(out, buf, off, take - off);
        pos += take;
      }
      closeSync(out);
    }
  } finally {
    closeSync(fd);
  }
  return paths;
}

/** gzip -1 `source` into `dest`; returns the tool used. */
async function gzipFile(source: string, dest: string): Promise<string> {
  const tmp = `${dest}.partial`;
  const program = onPath('pigz') ? 'pigz' : onPath('gzip') ? 'gzip' : null;
  if (program) {
    // -n: no name or time stamp in the header, so the same input gives the same bytes.
    await new Promise<void>((resolve, reject) => {
      const out = openSync(tmp, 'w');
      const child = spawn(program, ['-1', '-n', '-c', source], { stdio: ['ignore', out, 'pipe'] });
      let err = '';
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        closeSync(out);
        if (code === 0) resolve();
        else reject(new Error(`${program} -1 -n -c ${source} failed (${code}): ${err.trim()}`));
      });
    });
    renameSync(tmp, dest);
    return `${program} -1 -n`;
  }
  await pipeline(createReadStream(source), createGzip({ level: 1 }), createWriteStream(tmp));
  renameSync(tmp, dest);
  return 'node zlib level 1';
}
