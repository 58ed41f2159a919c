/**
 * Run one command and measure it: wall time (hrtime around spawn → exit) and
 * peak resident memory. Peak RSS comes from GNU time's `%M` when it is
 * installed (exact: the kernel's maxrss of the child and of the children it
 * waited for, so a `bash -c 'a | b'` pipeline reports its largest process),
 * else from polling /proc/<pid>/status VmHWM of the child and its
 * descendants (can miss a process that lives less than one poll).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RssMethod = 'gnu-time' | 'proc-poll';

export interface Measurement {
  seconds: number;
  /** Peak RSS in KiB, or null when it could not be read. */
  peakRssKb: number | null;
  /**
   * User + system CPU seconds (GNU time only): far below `seconds` for a single-threaded tool
   * means it waited for the CPU.
   */
  cpuSeconds: number | null;
  rssMethod: RssMethod;
  exitCode: number;
  signal: string | null;
  /** First MiB of stdout. */
  stdout: string;
  /** Newlines in all of stdout (for counting lines a tool printed). */
  stdoutLines: number;
  stderr: string;
}

export interface RunSpec {
  /** argv; argv[0] is looked up on PATH. */
  argv: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Where stdout goes: captured (default, first MiB kept) or discarded. */
  stdout?: 'capture' | 'ignore';
}

const CAPTURE_LIMIT = 1 << 20;
const POLL_MS = 50;

/** GNU time's path, or null (BSD/busybox `time` lack -f %M, and the shell builtin has no file). */
export function findGnuTime(): string | null {
  for (const p of ['/usr/bin/time', '/bin/time']) {
    try {
      accessSync(p, constants.X_OK);
    } catch {
      continue;
    }
    return p;
  }
  return null;
}

/** First line of `cmd --version` (or other args), or null when it cannot run. */
export async function versionOf(argv: string[]): Promise<string | null> {
  try {
    const m = await measure({ argv }, null);
    if (m.exitCode !== 0) return null;
    const first = `${m.stdout}\n${m.stderr}`.split('\n').find((l) => l.trim() !== '');
    return first?.trim() ?? null;
  } catch {
    return null;
  }
}

/** Whether a program is on PATH. */
export function onPath(program: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = join(dir, program);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

function readHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function descendants(pid: number, out: number[] = []): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    let children: string;
    try {
      children = readFileSync(`/proc/${pid}/task/${t}/children`, 'latin1');
    } catch {
      continue;
    }
    for (const c of children.split(' ')) {
      if (c.trim() === '') continue;
      const child = Number(c);
      out.push(child);
      descendants(child, out);
    }
  }
  return out;
}

/**
 * Run `spec` once. With `gnuTime` the command runs under `time -f %M -o FILE`;
 * without, /proc is polled. Never throws for a failing command: the caller
 * reads exitCode.
 */
export function measure(spec: RunSpec, gnuTime: string | null): Promise<Measurement> {
  const dir = gnuTime ? mkdtempSync(join(tmpdir(), 'apicensus-measure-')) : null;
  const rssFile = dir ? join(dir, 'rss') : null;
  const argv = gnuTime && rssFile ? [gnuTime, '-f', '%M %U %S', '-o', rssFile, ...spec.argv] : spec.argv;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', spec.stdout === 'ignore' ? 'ignore' : 'pipe', 'pipe'],
    });
    let stdout = '';
    let stdoutLines = 0;
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      if (stdout.length < CAPTURE_LIMIT) stdout += d.toString('utf8');
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) stdoutLines++;
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < CAPTURE_LIMIT) stderr += d.toString('utf8');
    });
    let polledKb = 0;
    const poll = gnuTime
      ? null
      : setInterval(() => {
          if (child.pid === undefined) return;
          for (const p of [child.pid, ...descendants(child.pid)]) polledKb = Math.max(polledKb, readHwmKb(p));
        }, POLL_MS);
    child.on('error', (e) => {
      if (poll) clearInterval(poll);
      if (dir) rmSync(dir, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (poll) clearInterval(poll);
      let peakRssKb: number | null = polledKb > 0 ? polledKb : null;
      let cpuSeconds: number | null = null;
      if (rssFile && existsSync(rssFile)) {
        // GNU time writes "Command exited with non-zero status N" before the format on failure.
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        const [kb, user, sys] = (lines[lines.length - 1] ?? '').trim().split(/\s+/).map(Number);
        peakRssKb = kb !== undefined && Number.isFinite(kb) && kb > 0 ? kb : null;
        cpuSeconds = user !== undefined && sys !== undefined && Number.isFinite(user + sys) ? user + sys : null;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
      resolve({
        seconds,
        peakRssKb,
        cpuSeconds,
        rssMethod: gnuTime ? 'gnu-time' : 'proc-poll',
        exitCode: code ?? -1,
        signal,
        stdout,
        stdoutLines,
        stderr,
      });
    });
  });
}

/** Read a file once to /dev/null so the timed runs read from the page cache, not the disk. */
export async function warmPageCache(path: string): Promise<number> {
  const m = await measure({ argv: ['cat', path], stdout: 'ignore' }, null);
  if (m.exitCode !== 0) throw new Error(`cat ${path} failed: ${m.stderr.trim()}`);
  return m.seconds;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
