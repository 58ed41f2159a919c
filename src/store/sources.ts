/**
 * Sources as identity sees them: found by their head, proven by their chain (src/ingest/identity.ts),
 * remembered by the state of the file last read to its end, and the inputs that could not be read.
 */
import type { Db } from './db.js';

/** A link of a source's chain: content bytes (previous link's end, `end`] hash to `hash` (src/ingest/identity.ts). */
export interface ChainLink {
  end: number;
  hash: Buffer;
}

export type SourceState = 'reading' | 'complete' | 'interrupted' | 'incomplete' | 'corrupt';

export interface SourceRow {
  id: number;
  head_hash: string;
  head_len: number;
  offset: number;
  lines: number;
  format: string;
  path: string;
  compressed: number;
  state: SourceState;
  /** Where the numbering of identical id-less requests stood at the checkpoint (null: nothing to go on from). */
  numbering: string | null;
}

/** A source with its chain: what identity proves content against. */
export interface KnownSourceRow extends SourceRow {
  chain: ChainLink[];
}

export interface FileState {
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtime_ms: number;
  source_id: number;
  format: string;
}

export interface NewSource {
  headHash: string;
  headLen: number;
  format: string;
  path: string;
  compressed: boolean;
}

const now = (): string => new Date().toISOString();

export class SourceStore {
  private readonly stmts;

  constructor(private readonly db: Db) {
    const columns = 'id, head_hash, head_len, offset, lines, format, path, compressed, state, numbering';
    this.stmts = {
      byHead: db.prepare<[string], SourceRow>(`SELECT ${columns} FROM sources WHERE head_hash = ? ORDER BY id`),
      shortHeads: db.prepare<[number], SourceRow>(`SELECT ${columns} FROM sources WHERE head_len < ? ORDER BY id`),
      chain: db.prepare<[number], { end_offset: number; hash: Buffer }>(
        'SELECT end_offset, hash FROM source_chain WHERE source_id = ? ORDER BY end_offset',
      ),
      insertSource: db.prepare(
        `INSERT INTO sources (head_hash, head_len, format, path, compressed, created_at, updated_at)
         VALUES (@headHash, @headLen, @format, @path, @compressed, @at, @at)`,
      ),
      updateHead: db.prepare('UPDATE sources SET head_hash = ?, head_len = ? WHERE id = ?'),
      name: db.prepare(
        `INSERT INTO source_names (source_id, path, last_seen) VALUES (?, ?, ?)
         ON CONFLICT (source_id, path) DO UPDATE SET last_seen = excluded.last_seen`,
      ),
      fileState: db.prepare<[string], FileState>(
        'SELECT path, dev, ino, size, mtime_ms, source_id, format FROM file_states WHERE path = ?',
      ),
      saveFileState: db.prepare(
        `INSERT INTO file_states (path, dev, ino, size, mtime_ms, source_id, format)
         VALUES (@path, @dev, @ino, @size, @mtime_ms, @source_id, @format)
         ON CONFLICT (path) DO UPDATE SET dev = excluded.dev, ino = excluded.ino, size = excluded.size,
           mtime_ms = excluded.mtime_ms, source_id = excluded.source_id, format = excluded.format`,
      ),
      forgetFileState: db.prepare('DELETE FROM file_states WHERE path = ?'),
      problem: db.prepare(
        `INSERT INTO input_problems (path, kind, message, seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, message = excluded.message, seen_at = excluded.seen_at`,
      ),
      clearProblem: db.prepare('DELETE FROM input_problems WHERE path = ?'),
    };
  }

  /**
   * Sources whose first bytes match: same hash over the same length, or a shorter stored head that is a prefix of ours.
   */
  findByHead(head: Buffer, hashOf: (b: Buffer) => string): KnownSourceRow[] {
    const found = this.stmts.byHead.all(hashOf(head)).filter((s) => s.head_len === head.length);
    for (const s of this.stmts.shortHeads.all(head.length)) {
      if (s.head_len > 0 && hashOf(head.subarray(0, s.head_len)) === s.head_hash) found.push(s);
    }
    return found.map((s) => ({ ...s, chain: this.chain(s.id) }));
  }

  chain(sourceId: number): ChainLink[] {
    return this.stmts.chain.all(sourceId).map((r) => ({ end: r.end_offset, hash: r.hash }));
  }

  create(s: NewSource): number {
    const row = { ...s, compressed: s.compressed ? 1 : 0, at: now() };
    return Number(this.stmts.insertSource.run(row).lastInsertRowid);
  }

  /** Record that a source was seen under a name (and, when the head read now is longer, keep it). */
  seenAs(sourceId: number, path: string, head?: { hash: string; len: number }): void {
    this.stmts.name.run(sourceId, path, now());
    if (head) this.stmts.updateHead.run(head.hash, head.len, sourceId);
  }

  /** The same, in a transaction of its own (a file that added nothing). */
  touch(sourceId: number, path: string, head?: { hash: string; len: number }): void {
    this.db.transaction(() => this.seenAs(sourceId, path, head))();
  }

  /** How a file looked when it was last read to its end, if it was. */
  fileState(path: string): FileState | undefined {
    return this.stmts.fileState.get(path);
  }

  /** Remember how a file looked before it was read to its end; forget it when it was not. */
  saveFileState(path: string, st: FileState | null): void {
    if (st === null) this.stmts.forgetFileState.run(path);
    else this.stmts.saveFileState.run(st);
  }

  /** An input that could not be read, shown by `report` until a later ingest reads it. */
  recordProblem(path: string, kind: string, message: string): void {
    this.stmts.problem.run(path, kind, message, now());
  }

  clearProblem(path: string): void {
    this.stmts.clearProblem.run(path);
  }
}
