/**
 * What an ingest from a source that is not a file needs around it: the ingest session files use
 * (src/ingest/session.ts: the database, the rule packs, the zones, the lock and its heartbeat,
 * one IngestWriter), and a batch helper that writes a source's chunks and its checkpoint in one
 * transaction. A search-server day or a journal has no byte content to prove: its checkpoint
 * carries no chain links, and its identity is its own (src/store/remote-sources.ts).
 */
import type { ChunkResult } from '../chunk-result.js';
import type { BatchOutcome, Checkpoint, NewSource } from '../store/ingest-writes.js';
import type { Session } from '../ingest/session.js';

export { withIngestSession, type Session, type SessionOptions } from '../ingest/session.js';

/** What a source's batches added, over a run. */
export interface SourceTally {
  lines: number;
  requests: number;
  newRequests: number;
  observations: number;
  malformed: number;
}

/**
 * The batches of one source: chunks applied as they come inside an open batch (opened on the
 * first), committed with the source's checkpoint. `beforeCommit` runs inside the transaction
 * (rows that must commit with the batch: a window's totals, a journal's cursor).
 */
export class RemoteBatches {
  sourceId: number | null;
  readonly tally: SourceTally = { lines: 0, requests: 0, newRequests: 0, observations: 0, malformed: 0 };
  /** Requests of the chunks in the open batch. */
  batchRequests = 0;
  private readonly create: NewSource;
  /** The source's row as committed (a batch that created it and rolled back leaves none). */
  private committedId: number | null;

  constructor(
    private readonly s: Session,
    source: { id: number | null; create: NewSource },
    private readonly onBegin?: (sourceId: number) => void,
  ) {
    this.sourceId = source.id;
    this.committedId = source.id;
    this.create = source.create;
  }

  private begin(): void {
    this.sourceId = this.s.writer.begin({ id: this.sourceId, create: this.create, path: this.create.path, size: null });
    this.batchRequests = 0;
    this.onBegin?.(this.sourceId);
  }

  readonly apply = (c: ChunkResult): void => {
    if (!this.s.writer.inBatch) this.begin();
    this.s.writer.addChunk(c);
    this.batchRequests += c.requests;
    this.tally.lines += c.lines;
    this.tally.requests += c.requests;
    this.tally.malformed += c.malformed;
  };

  /** Commit with the source's offset and lines (no chain: nothing to prove by content), read whole. */
  commit(cp: Pick<Checkpoint, 'offset' | 'lines'>, beforeCommit?: (sourceId: number) => void): BatchOutcome {
    if (!this.s.writer.inBatch) this.begin();
    beforeCommit?.(this.sourceId!);
    const checkpoint: Checkpoint = { ...cp, links: [], state: 'complete' };
    const { sourceId, outcome } = this.s.writer.commit(checkpoint, this.s.owner);
    this.sourceId = sourceId;
    this.committedId = sourceId;
    this.tally.newRequests += outcome.newRequests;
    this.tally.observations += outcome.newObservations;
    return outcome;
  }

  abort(): void {
    if (this.s.writer.inBatch) this.s.writer.abort();
    this.sourceId = this.committedId;
  }
}
