/**
 * The ingest lock: one row that makes a second ingest of the same database wait instead of
 * racing. The holder is known by host, pid and the pid's start time, so a lock left by a
 * killed process is recognised at once on the same host (even when its pid was reused), and
 * by a stale heartbeat from another host.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ExitCode, UserError } from '../errors.js';
import type { Db } from './db.js';

export interface LockInfo {
  owner: string;
  host: string;
  pid: number;
  started_at: string;
  heartbeat: number;
  pid_start: string | null;
}

/** A lock whose holder has not written for this long is stale (a killed process on another host). */
const STALE_MS = 10 * 60_000;

const now = (): string => new Date().toISOString();

/**
 * When process `pid` started (clock ticks since boot, /proc/<pid>/stat field 22), null where
 * /proc cannot tell (not Linux, or no such process).
 */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the lock's holder is still running. */
export function holderAlive(l: LockInfo): boolean {
  if (l.host !== hostname()) return Date.now() - l.heartbeat < STALE_MS;
  if (l.pid_start !== null && existsProc()) return processStart(l.pid) === l.pid_start;
  // No start time to compare: the pid must answer, and its heartbeat be fresh (a reused pid
  // would otherwise keep every later ingest waiting forever).
  if (Date.now() - l.heartbeat >= STALE_MS) return false;
  try {
    process.kill(l.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const existsProc = (): boolean => processStart(process.pid) !== null;

/** The lock as `db check` shows it: held by a running ingest, left by a dead one, or none. */
export function lockStatus(db: Db): { holder: LockInfo; alive: boolean } | null {
  const l = db
    .prepare<[], LockInfo>('SELECT owner, host, pid, started_at, heartbeat, pid_start FROM ingest_lock WHERE id = 1')
    .get();
  return l ? { holder: l, alive: holderAlive(l) } : null;
}

/**
 * Take the database's ingest lock, waiting up to waitMs for another ingest to finish. A lock
 * left by a process that no longer runs is taken over; `onTakeOver` hears of it.
 */
export async function acquireIngestLock(
  db: Db,
  owner: string,
  waitMs: number,
  onWait?: (l: LockInfo) => void,
  onTakeOver?: (l: LockInfo) => void,
  signal?: AbortSignal,
): Promise<void> {
  const get = db.prepare<[], LockInfo>(
    'SELECT owner, host, pid, started_at, heartbeat, pid_start FROM ingest_lock WHERE id = 1',
  );
  const take = db.prepare(
    `INSERT INTO ingest_lock (id, owner, host, pid, started_at, heartbeat, pid_start) VALUES (1, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid,
       started_at = excluded.started_at, heartbeat = excluded.heartbeat, pid_start = excluded.pid_start`,
  );
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    const holder = db
      .transaction(() => {
        const l = get.get();
        if (l && l.owner !== owner && holderAlive(l)) return l;
        if (l && l.owner !== owner) onTakeOver?.(l);
        take.run(owner, hostname(), process.pid, now(), Date.now(), processStart(process.pid));
        return null;
      })
      .immediate();
    if (holder === null) return;
    if (!told) {
      onWait?.(holder);
      told = true;
    }
    if (signal?.aborted) {
      const code = signal.reason === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
      throw new UserError(
        `Stopped (${String(signal.reason)}) while waiting for another ingest's lock; nothing was read.`,
        code,
      );
    }
    if (Date.now() >= deadline) {
      throw new UserError(
        `Another ingest (pid ${holder.pid} on ${holder.host}, started ${holder.started_at}) is writing to this ` +
          `database; waited ${Math.round(waitMs / 1000)} s. Try again when it has finished, or raise --wait.`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Give the lock back; a failure here (the disk full, say) leaves it to be taken over as a dead holder's. */
export function releaseIngestLock(db: Db, owner: string): void {
  try {
    db.prepare('DELETE FROM ingest_lock WHERE id = 1 AND owner = ?').run(owner);
  } catch {
    // The next ingest sees this process gone and takes the lock over.
  }
}
