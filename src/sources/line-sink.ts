/**
 * The seam between sources that are not files (a search server's documents, journal entries)
 * and the ingest core: each line comes with the format that reads it, and goes through that
 * format's processor (src/ingest/process.ts, the same one files use), so parsing, keys and
 * classification stay defined once. Lines of one format are gathered into blocks; each block's
 * ChunkResult, with its lines renumbered to the order the lines came in and identical
 * key-less requests numbered per format (OccurrenceNumbering), goes to `apply` (IngestWriter.addChunk
 * inside an open batch).
 */
import {
  compileProcessor,
  OccurrenceNumbering,
  type ChunkProcessor,
  type ChunkResult,
  type ProcessorSpec,
} from '../ingest/process.js';
import { OBS_NUM, OBS_NUMS } from '../observation-shape.js';

export interface SinkLine {
  /** A registered format name, or several joined with '+'. */
  format: string;
  /**
   * What stands for the file name when a front-end line's service is attributed (kolla's program name, a journal unit).
   */
  origin: string | null;
  /** One line, without its newline. */
  line: string;
  /**
   * The zone of a front-end time without offset in this line, when
   * not the run's --timezone (a time the mapper wrote in UTC).
   */
  timezone?: string;
}

export type BaseSpec = Omit<ProcessorSpec, 'format' | 'filePath'>;

interface Group {
  processor: ChunkProcessor;
  numbering: OccurrenceNumbering;
  lines: string[];
  /** The number (in arrival order) of each gathered line. */
  numbers: number[];
}

/** Text gathered before the blocks are processed: about the block size files are cut into (bench/). */
const BLOCK_CHARS = 1 << 20;

export class LineSink {
  private readonly groups = new Map<string, Group>();
  private gathered = 0;
  private unread = 0;
  private next: number;

  constructor(
    private readonly spec: BaseSpec,
    private readonly apply: (c: ChunkResult) => void,
    /** The number of the first line (a source read again goes on numbering after its last line). */
    firstLine = 1,
  ) {
    this.next = firstLine;
  }

  /** Lines handed in so far (the next line's number minus the first's). */
  get lineNumber(): number {
    return this.next;
  }

  add(l: SinkLine): void {
    const key = `${l.format}\t${l.origin ?? ''}\t${l.timezone ?? ''}`;
    let g = this.groups.get(key);
    if (!g) {
      const processor = compileProcessor({
        ...this.spec,
        format: l.format,
        filePath: l.origin,
        ...(l.timezone ? { timezone: l.timezone } : {}),
      });
      g = { processor, numbering: new OccurrenceNumbering(), lines: [], numbers: [] };
      this.groups.set(key, g);
    }
    const nl = l.line.indexOf('\n');
    const line = nl < 0 ? l.line : l.line.slice(0, nl);
    g.lines.push(line);
    g.numbers.push(this.next++);
    this.gathered += line.length;
    if (this.gathered >= BLOCK_CHARS) this.flush();
  }

  /** A line no format reads (a document or entry of another shape): counted as read, like a file's other lines. */
  skip(): void {
    this.unread++;
    this.next++;
  }

  /** Process what was gathered and hand the results on. */
  flush(): void {
    for (const g of this.groups.values()) {
      if (g.lines.length === 0) continue;
      const r = g.processor(g.lines.join('\n'), 1);
      r.lines = g.lines.length;
      renumber(r, g.numbers);
      g.numbering.apply(r);
      g.lines = [];
      g.numbers = [];
      this.apply(r);
    }
    this.gathered = 0;
    if (this.unread > 0) {
      const any =
        this.groups.values().next().value?.processor ??
        compileProcessor({ ...this.spec, format: 'nova', filePath: null });
      this.apply({ ...any('', 1), lines: this.unread });
      this.unread = 0;
    }
  }
}

/** Line numbers of a block's results (1 = its first line) → the numbers the lines came with. */
function renumber(r: ChunkResult, numbers: readonly number[]): void {
  const at = (n: number): number => numbers[n - 1] ?? n;
  const nums = r.observations.nums;
  for (let i = OBS_NUM.line; i < r.observations.count * OBS_NUMS; i += OBS_NUMS) nums[i] = at(nums[i]!);
  for (const e of r.effects) e.line = at(e.line);
  for (const m of r.malformedExamples) m.line = at(m.line);
}
