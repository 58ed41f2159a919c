/**
 * Dispatch (src/ingest/dispatch.ts): results are applied in the order blocks were given,
 * whoever parsed them and whenever they came back; this thread parses when every worker is
 * busy; submit holds the reader back while too many blocks are in flight.
 */
import { describe, expect, it } from 'vitest';
import type { ChunkResult } from '../src/chunk-result.js';
import { Dispatcher, type ParseWorkers } from '../src/ingest/dispatch.js';

/** A result that says which block it came from (in `lines`) and who parsed it (in `requests`: 0 here, 1 a worker). */
const result = (block: Buffer | string, byWorker: boolean): ChunkResult =>
  ({ lines: Number(String(block)), requests: byWorker ? 1 : 0 }) as unknown as ChunkResult;

/** Workers whose results come back when the test says, in any order. */
class FakeWorkers implements ParseWorkers {
  readonly pending: { block: Buffer; resolve: (r: ChunkResult) => void; reject: (e: Error) => void }[] = [];
  constructor(readonly size: number) {}
  saturated(inFlight: number): boolean {
    return this.pending.length >= this.size * inFlight;
  }
  parse(_spec: number, block: Buffer): Promise<ChunkResult> {
    return new Promise((resolve, reject) => this.pending.push({ block, resolve, reject }));
  }
  /** Finish the parse of the block holding `n`. */
  finish(n: number): void {
    const i = this.pending.findIndex((p) => Number(p.block.toString()) === n);
    const [p] = this.pending.splice(i, 1);
    p!.resolve(result(p!.block, true));
  }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('Dispatcher', () => {
  it('applies results in the order blocks were submitted, whatever order workers finish in', async () => {
    const workers = new FakeWorkers(2);
    const applied: number[] = [];
    const d = new Dispatcher<number>({
      pool: workers,
      specId: 1,
      inline: (b) => result(b, false),
      apply: (r) => applied.push(r.lines),
    });
    const submits = [1, 2, 3, 4].map((n) => d.submit(Buffer.from(String(n)), n));
    await tick();
    workers.finish(3);
    workers.finish(2);
    await tick();
    expect(applied).toEqual([]);
    workers.finish(1);
    workers.finish(4);
    await Promise.all(submits);
    await d.drain();
    expect(applied).toEqual([1, 2, 3, 4]);
  });

  it('parses on this thread when every worker has two blocks waiting', async () => {
    const workers = new FakeWorkers(1);
    const byWhom: number[] = [];
    const d = new Dispatcher<number>({
      pool: workers,
      specId: 1,
      inline: (b) => result(b, false),
      apply: (r) => byWhom.push(r.requests),
    });
    void d.submit(Buffer.from('1'), 1);
    void d.submit(Buffer.from('2'), 2);
    void d.submit(Buffer.from('3'), 3); // both slots of the one worker are taken: parsed here
    await tick();
    expect(workers.pending).toHaveLength(2);
    workers.finish(1);
    workers.finish(2);
    await d.drain();
    expect(byWhom).toEqual([1, 1, 0]);
  });

  it('holds the reader back while more blocks are in flight than the workers and this thread can use', async () => {
    const workers = new FakeWorkers(1);
    const d = new Dispatcher<number>({ pool: workers, specId: 1, inline: (b) => result(b, false), apply: () => {} });
    let returned = 0;
    // 2 at the worker, then up to 4 parsed here ahead of them: the 7th submit waits for the worker.
    for (let n = 1; n <= 7; n++) void d.submit(Buffer.from(String(n)), n).then(() => returned++);
    await tick();
    expect(returned).toBe(6);
    workers.finish(1);
    await tick();
    expect(returned).toBe(7);
    workers.finish(2);
    await d.drain();
    expect(d.inFlight).toBe(0);
  });

  it('parses everything on this thread without workers, applying at once', async () => {
    const applied: number[] = [];
    const d = new Dispatcher<number>({
      pool: null,
      specId: -1,
      inline: (b) => result(b, false),
      apply: (r) => applied.push(r.lines),
    });
    await d.submit(Buffer.from('5'), 5);
    await d.submitResult(result('6', false), 6);
    expect(applied).toEqual([5, 6]);
  });

  it('a failed parse stops the applying: the error reaches the caller, nothing after it is applied', async () => {
    const workers = new FakeWorkers(2);
    const applied: number[] = [];
    const d = new Dispatcher<number>({
      pool: workers,
      specId: 1,
      inline: (b) => result(b, false),
      apply: (r) => applied.push(r.lines),
    });
    void d.submit(Buffer.from('1'), 1);
    void d.submit(Buffer.from('2'), 2);
    await tick();
    workers.pending[0]!.reject(new Error('worker died'));
    workers.finish(2);
    await expect(d.drain()).rejects.toThrow('worker died');
    expect(applied).toEqual([]);
  });
});
