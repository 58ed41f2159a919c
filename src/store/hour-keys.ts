/**
 * The keys of requests already counted, per (layer, hour): loaded from
 * hour_keys on first touch, kept in memory while the ingest runs, and written
 * back as one new segment per hour at each batch commit (append-only, so a
 * commit writes 8 bytes per new request, not the whole hour). Hours not
 * touched lately are dropped from memory when the budget is exceeded: they
 * were flushed at the last commit, so they can be reloaded.
 */
import { blobToKeys, KeySet, keysToBlob } from '../keys.js';
import type { Db } from './db.js';

/** One (layer, hour)'s keys: every key counted, and the new ones not written yet. */
export class HourEntry {
  pending: number[] = [];

  constructor(
    readonly set: KeySet,
    public lastUse: number,
  ) {}

  /** True when the key was not counted before in this layer and hour. */
  add(key: number): boolean {
    if (!this.set.add(key)) return false;
    this.pending.push(key);
    return true;
  }
}

/** Segments per hour before they are merged into one. */
const COMPACT_AFTER = 16;

export class HourKeys {
  private entries = new Map<string, HourEntry>();
  private tick = 0;
  private readonly load;
  private readonly segCount;
  private readonly insertSeg;
  private readonly deleteSegs;

  constructor(
    private readonly db: Db,
    /** Memory budget for key sets, bytes. */
    private readonly budget = 4 * 1024 * 1024,
  ) {
    this.load = db.prepare<[string, number], { keys: Buffer }>(
      'SELECT keys FROM hour_keys WHERE layer = ? AND hour = ? ORDER BY seg',
    );
    this.segCount = db.prepare<[string, number], { n: number; next: number }>(
      'SELECT count(*) AS n, coalesce(max(seg), -1) + 1 AS next FROM hour_keys WHERE layer = ? AND hour = ?',
    );
    this.insertSeg = db.prepare('INSERT INTO hour_keys (layer, hour, seg, keys) VALUES (?, ?, ?, ?)');
    this.deleteSegs = db.prepare('DELETE FROM hour_keys WHERE layer = ? AND hour = ?');
  }

  /** The entry used last: requests come in long runs of one layer and hour. */
  private lastLayer = '';
  private lastHour = NaN;
  private last: HourEntry | null = null;

  /** The keys of (layer, hour), loaded on first touch: a caller adds a run of one layer and hour to it. */
  entry(layer: string, hour: number): HourEntry {
    if (this.last !== null && hour === this.lastHour && layer === this.lastLayer) {
      this.last.lastUse = this.tick;
      return this.last;
    }
    const id = `${layer}\t${hour}`;
    let e = this.entries.get(id);
    if (!e) {
      // Sized like the hour before it (hours of one log are alike): no growing while it fills
      // (bench/: growing from 1,024 cost ~0.1 s of the 1.1 GB nova log).
      const rows = this.load.all(layer, hour);
      const stored = rows.reduce((n, r) => n + r.keys.length / 8, 0);
      const set = new KeySet(Math.max(stored, this.last?.set.size ?? 0));
      for (const row of rows) set.addAll(blobToKeys(row.keys));
      e = new HourEntry(set, this.tick);
      this.entries.set(id, e);
    }
    e.lastUse = this.tick;
    this.lastLayer = layer;
    this.lastHour = hour;
    this.last = e;
    return e;
  }

  /** True when the key was not counted before in this layer and hour. */
  add(layer: string, hour: number, key: number): boolean {
    return this.entry(layer, hour).add(key);
  }

  /** Write new keys as segments; call inside the batch transaction. */
  flush(): void {
    for (const [id, e] of this.entries) {
      if (e.pending.length === 0) continue;
      const tab = id.indexOf('\t');
      const layer = id.slice(0, tab);
      const hour = Number(id.slice(tab + 1));
      const { n, next } = this.segCount.get(layer, hour)!;
      if (n >= COMPACT_AFTER) {
        // Merge every segment (the in-memory set holds them all) into one.
        const all = new Float64Array(e.set.size);
        let i = 0;
        for (const row of this.load.all(layer, hour)) for (const k of blobToKeys(row.keys)) all[i++] = k;
        for (const k of e.pending) all[i++] = k;
        this.deleteSegs.run(layer, hour);
        this.insertSeg.run(layer, hour, 0, keysToBlob(all.subarray(0, i)));
      } else {
        this.insertSeg.run(layer, hour, next, keysToBlob(Float64Array.from(e.pending)));
      }
      e.pending = [];
    }
  }

  /** Forget what was not written (the transaction that would have written it rolled back). */
  discard(): void {
    this.entries.clear();
    this.last = null;
  }

  /** After a commit: drop least recently used hours beyond the memory budget. */
  trim(): void {
    this.tick++;
    let bytes = 0;
    for (const e of this.entries.values()) bytes += e.set.bytes;
    if (bytes <= this.budget) return;
    const byAge = [...this.entries].sort((a, b) => a[1].lastUse - b[1].lastUse);
    for (const [id, e] of byAge) {
      if (bytes <= this.budget / 2) break;
      if (e.pending.length > 0) continue;
      bytes -= e.set.bytes;
      this.entries.delete(id);
      if (e === this.last) this.last = null;
    }
  }
}
