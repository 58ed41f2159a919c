/**
 * `apicensus ingest --journal [--unit U]… [--journal-file F]… [--journal-dir D]`: read journald
 * through `journalctl -o json` (central-logging.md §7). Each entry's MESSAGE goes to the format
 * whose signature it matches (nova's oslo lines, uWSGI's, HAProxy's: one unit can hold several,
 * devstack@n-api does), as a journal-json line: the envelope (parsers/envelopes.ts) gives the
 * host (_HOSTNAME) and, for a MESSAGE without a time of its own, the time (__REALTIME_TIMESTAMP).
 *
 * Exactly once: the cursor of the last entry ingested is stored per journal (the machine and the
 * files, directory and units asked for) in the same transaction as the entries before it; the
 * next run starts at that cursor (`--cursor`, the entry itself dropped when it is still there).
 * A journal rotated meanwhile keeps its entries' cursors, so nothing between is lost; a cursor
 * whose entry is gone (vacuumed) is reported, since entries may have been lost with it.
 */
import split2 from 'split2';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { payloadOf, stripEnvelope } from '../../../parsers/envelopes.js';
import { FORMATS } from '../../../parsers/index.js';
import { UserError } from '../../errors.js';
import { callsPerApi } from '../../store/queries.js';
import { JournalCursors, type JournalCursorRow } from '../../store/remote-sources.js';
import { LineSink } from '../line-sink.js';
import { RemoteBatches, withIngestSession, type Session, type SessionOptions } from '../session.js';

export interface JournalIngestOptions extends SessionOptions {
  units?: string[];
  files?: string[];
  directory?: string;
  /** The journalctl to run (default: journalctl on the PATH). */
  journalctl?: string;
  signal?: AbortSignal;
  onProgress?: (entries: number) => void;
}

export interface JournalIngestSummary {
  journal: string;
  entries: number;
  lines: number;
  requests: number;
  newRequests: number;
  observations: number;
  malformed: number;
  /** Entries of no known format (other programs' messages). */
  other: number;
  cursor: string | null;
  notes: string[];
  callsByApi: Record<string, number>;
  seconds: number;
}

/** Entries applied between commits (each commit stores the cursor of its last entry). */
const BATCH_ENTRIES = 100_000;

/** What identifies a journal across runs: the machine, and what was asked of journalctl. */
export function journalKey(o: JournalIngestOptions, machineId: string | null): string {
  return JSON.stringify({
    machine: machineId,
    directory: o.directory ? resolve(o.directory) : null,
    files: (o.files ?? []).map((f) => resolve(f)).sort(),
    units: [...(o.units ?? [])].sort(),
  });
}

function localMachineId(): string | null {
  try {
    return readFileSync('/etc/machine-id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** The format whose signature a MESSAGE matches (detection's order), or null. */
export function formatOfMessage(message: string): string | null {
  for (const f of FORMATS) if (f.signature.test(message)) return f.name;
  return null;
}

export function journalctlArgs(o: JournalIngestOptions, cursor: string | null): string[] {
  const args = ['-o', 'json', '--no-pager', '-q'];
  for (const u of o.units ?? []) args.push('-u', u);
  for (const f of o.files ?? []) args.push('--file', f);
  if (o.directory) args.push('--directory', o.directory);
  if (cursor) args.push('--cursor', cursor);
  return args;
}

export async function ingestJournal(o: JournalIngestOptions): Promise<JournalIngestSummary> {
  const started = Date.now();
  const local = !o.directory && (o.files ?? []).length === 0;
  const key = journalKey(o, local ? localMachineId() : null);
  return withIngestSession(o, async (s) => {
    const run = new JournalRun(o, s, key);
    try {
      await runJournalctl(o, run.known?.cursor ?? null, run.entry);
      run.commit();
    } finally {
      run.batches.abort();
    }
    return run.summary(started);
  });
}

/** One run over a journal: entries to the sink, committed with their last cursor. */
class JournalRun {
  readonly known: JournalCursorRow | undefined;
  readonly batches: RemoteBatches;
  private readonly cursors: JournalCursors;
  private readonly sink: LineSink;
  private readonly what: string;
  private readonly notes: string[] = [];
  private entries = 0;
  private other = 0;
  private total: number;
  private last: string | null;
  private pending = 0;
  private first = true;

  constructor(
    private readonly o: JournalIngestOptions,
    private readonly s: Session,
    private readonly key: string,
  ) {
    this.cursors = new JournalCursors(s.db);
    this.known = this.cursors.get(key);
    this.total = this.known?.entries ?? 0;
    this.last = this.known?.cursor ?? null;
    this.what = [
      ...(o.units ?? []).map((u) => `-u ${u}`),
      ...(o.files ?? []).map((f) => `--file ${f}`),
      ...(o.directory ? [`--directory ${o.directory}`] : []),
    ].join(' ');
    this.batches = new RemoteBatches(s, {
      id: this.known?.source_id ?? null,
      create: {
        headHash: createHash('sha256').update(`journal\t${key}`).digest('hex').slice(0, 32),
        headLen: 0,
        format: 'journal',
        path: `journal${this.what ? ` ${this.what}` : ''}`,
        compressed: false,
      },
    });
    const spec = {
      defaultYear: new Date().getUTCFullYear(),
      timezone: s.timezone,
      novaTimezone: s.novaTimezone,
      frontends: s.frontends,
      packs: s.packs,
    };
    this.sink = new LineSink(spec, this.batches.apply, this.total + 1);
  }

  readonly entry = (entry: Record<string, unknown>, line: string): void => {
    const cursor = typeof entry.__CURSOR === 'string' ? entry.__CURSOR : null;
    if (this.first && this.known) {
      this.first = false;
      // --cursor starts at the stored entry itself when it is still there: it was ingested.
      if (cursor === this.known.cursor) return;
      this.notes.push(
        'the entry of the stored cursor is no longer in the journal (vacuumed or rotated ' +
          'away): entries written between the last run and the oldest one kept may be lost',
      );
    }
    this.first = false;
    const message = payloadOf(line, stripEnvelope(line, 0, false));
    const format = message === line ? null : formatOfMessage(message);
    if (format === null) {
      this.sink.skip();
      this.other++;
    } else this.sink.add({ format, origin: journalText(entry.SYSLOG_IDENTIFIER ?? entry._SYSTEMD_UNIT), line });
    this.entries++;
    this.total++;
    if (cursor) this.last = cursor;
    if (++this.pending >= BATCH_ENTRIES) {
      this.commit();
      this.o.onProgress?.(this.entries);
    }
  };

  /** The entries so far, with the cursor of the last one; nothing at all when there is nothing new. */
  commit(): void {
    this.sink.flush();
    if (this.last === null || this.pending === 0) return;
    const [cursor, total] = [this.last, this.total];
    this.batches.commit({ offset: total, lines: total }, (id) => this.cursors.save(this.key, id, cursor, total));
    this.pending = 0;
  }

  summary(started: number): JournalIngestSummary {
    const t = this.batches.tally;
    return {
      journal: this.what || 'journal (this machine)',
      entries: this.entries,
      lines: t.lines,
      requests: t.requests,
      newRequests: t.newRequests,
      observations: t.observations,
      malformed: t.malformed,
      other: this.other,
      cursor: this.last,
      notes: this.notes,
      callsByApi: callsPerApi(this.s.db),
      seconds: (Date.now() - started) / 1000,
    };
  }
}

const journalText = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Run journalctl, handing each entry (parsed, and its line) to `onEntry`; throws on a failure. */
async function runJournalctl(
  o: JournalIngestOptions,
  cursor: string | null,
  onEntry: (entry: Record<string, unknown>, line: string) => void,
): Promise<void> {
  const bin = o.journalctl ?? 'journalctl';
  const child = spawn(bin, journalctlArgs(o, cursor), { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = (): void => void child.kill('SIGTERM');
  o.signal?.addEventListener('abort', stop, { once: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<number | null>((res, rej) => {
    child.once('error', rej);
    child.once('close', (code) => res(code));
  });
  // Awaited after the output is read; a spawn error (no journalctl) must not go unhandled meanwhile.
  exited.catch(() => undefined);
  try {
    // split2: journalctl's JSON lines, decoded as UTF-8 across chunk boundaries (binary MESSAGEs are number arrays).
    for await (const line of child.stdout.pipe(split2()) as AsyncIterable<string>) {
      if (line === '') continue;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // not an entry (journalctl's own notices)
      }
      onEntry(entry, line);
    }
    const code = await exited;
    if (o.signal?.aborted)
      throw new UserError('Interrupted: entries after the last commit were not stored; run ingest again.');
    if (code !== 0)
      throw new UserError(
        `${bin} ${journalctlArgs(o, cursor).join(' ')} failed (exit ${code}): ${stderr.trim() || 'no message'}`,
      );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UserError(`${bin} not found: --journal needs journalctl (Debian: apt-get install systemd).`);
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', stop);
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}
