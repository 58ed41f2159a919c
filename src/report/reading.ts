/**
 * What the report must say about how the logs were read, from the store's own record: sources
 * read only in part (an ingest interrupted or killed, a .gz still being written), inputs that
 * could not be read (a corrupt .gz, an unreadable file), requests without a date, and
 * unreadable lines that name an API. Pure: the caller queries, this words it.
 */
import { basename } from 'node:path';

export interface SourceReadRow {
  path: string;
  state: 'reading' | 'complete' | 'interrupted' | 'incomplete' | 'corrupt';
  /** Content bytes read, and the file's size when reading began (null for .gz and stdin). */
  offset: number;
  size: number | null;
  lines: number;
  undated: number;
  skipped: number;
  compressed: number;
}

export interface ReadingFacts {
  sources: readonly SourceReadRow[];
  problems: readonly { path: string; kind: string; message: string; seenAt: string }[];
  /** An ingest is running now (its sources in state 'reading' are being read, not abandoned). */
  ingestRunning: boolean;
  /** Unreadable lines naming each API. */
  malformedByApi: Readonly<Record<string, number>>;
}

export interface ReadingState {
  warnings: string[];
  /**
   * Sources read in part and inputs not read, as short phrases ("nova-api.log (interrupted)"):
   * "no call" cannot be said for sure.
   */
  unread: string[];
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** How far a source was read: bytes (of its size, when known) and lines. */
export function readTo(s: Pick<SourceReadRow, 'offset' | 'size' | 'lines' | 'compressed'>): string {
  const of = s.size !== null && s.size > 0 ? ` of ${s.size.toLocaleString('en-US')}` : '';
  const what = s.compressed ? 'bytes of its decompressed content' : 'bytes';
  return `to byte ${s.offset.toLocaleString('en-US')}${of} ${what} (${plural(s.lines, 'line')})`;
}

export function readingState(f: ReadingFacts): ReadingState {
  const warnings: string[] = [];
  const unread: string[] = [];
  for (const s of f.sources) {
    const w = partialSource(s, f.ingestRunning);
    if (!w) continue;
    warnings.push(w);
    unread.push(
      `${basename(s.path)} (${s.state === 'reading' ? (f.ingestRunning ? 'being read' : 'stopped') : s.state})`,
    );
  }
  for (const p of f.problems) {
    warnings.push(`${p.path} could not be read (${p.kind}, at the ingest of ${p.seenAt.slice(0, 16)}): ${p.message}`);
    unread.push(`${basename(p.path)} (${p.kind})`);
  }
  const undated = f.sources.filter((s) => s.undated > 0);
  if (undated.length > 0) {
    const n = undated.reduce((a, s) => a + s.undated, 0);
    warnings.push(
      `${plural(n, 'request')} in ${undated.map((s) => s.path).join(', ')} carry no date (journalctl -o cat?): ` +
        'they count when no --since/--until is given, ' +
        'and no time window can hold them (--since and --until leave them out).',
    );
  }
  const skipped = f.sources.filter((s) => s.skipped > 0);
  if (skipped.length > 0) {
    const n = skipped.reduce((a, s) => a + s.skipped, 0);
    warnings.push(
      `${plural(n, 'line')} longer than 1 MiB (${skipped.map((s) => s.path).join(', ')}) ` +
        'were counted and skipped, not parsed ' +
        '(see the examples below: one that a parser claims is counted malformed).',
    );
  }
  for (const [api, n] of Object.entries(f.malformedByApi))
    warnings.push(`${plural(n, 'unreadable line')} name ${api}: a call of ${api} among them cannot be ruled out.`);
  return { warnings, unread };
}

function partialSource(s: SourceReadRow, ingestRunning: boolean): string | null {
  switch (s.state) {
    case 'reading':
      return ingestRunning
        ? `${s.path} is being read by an ingest still running: read so far ${readTo(s)}.`
        : `${s.path} was read only in part, ${readTo(s)}: ` +
            'the ingest reading it stopped (killed?). Run ingest again to finish it.';
    case 'interrupted':
      return (
        `${s.path} was read only in part, ${readTo(s)}: ` + 'its ingest was interrupted. Run ingest again to finish it.'
      );
    case 'incomplete':
      return (
        `${s.path} was still being written (a .gz cut short) when last read, ${readTo(s)}. ` +
        'The next ingest reads the rest.'
      );
    case 'corrupt':
    case 'complete':
      return null; // corrupt inputs are listed from input_problems, with zlib's words
  }
}
