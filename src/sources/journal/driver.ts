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
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { payloadOf, stripEnvelope } from '../../../parsers/envelopes.js';
import { FORMATS } from '../../../parsers/index.js';
import { UserError } from '../../errors.js';
import { callsPerApi } from '../../store/queries.js';
import { JournalCursors } from '../../store/remote-sources.js';
import { LineSink } from '../line-sink.js';
import { SourceBatches, withIngestSession, type SessionOptions } from '../session.js';

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
    const cursors = new JournalCursors(s.db);
    const known = cursors.get(key);
    const what = [
      ...(o.units ?? []).map((u) => `-u ${u}`),
      ...(o.files ?? []).map((f) => `--file ${f}`),
      ...(o.directory ? [`--directory ${o.directory}`] : []),
    ].join(' ');
    const batches = new SourceBatches(s, {
      id: known?.source_id ?? null,
      create: {
        headHash: createHash('sha256').update(`journal\t${key}`).digest('hex').slice(0, 32),
        headLen: 0,
        format: 'journal',
        path: `journal${what ? ` ${what}` : ''}`,
        compressed: false,
      },
    });
    const sink = new LineSink(
      {
        defaultYear: new Date().getUTCFullYear(),
        timezone: s.timezone,
        novaTimezone: s.novaTimezone,
        frontends: s.frontends,
        packs: s.packs,
      },
      batches.apply,
      (known?.entries ?? 0) + 1,
    );
    const out: JournalIngestSummary = {
      journal: what || 'journal (this machine)',
      entries: 0,
      lines: 0,
      requests: 0,
      newRequests: 0,
      observations: 0,
      malformed: 0,
      other: 0,
      cursor: known?.cursor ?? null,
      notes: [],
      callsByApi: {},
      seconds: 0,
    };
    let total = known?.entries ?? 0;
    let last: string | null = known?.cursor ?? null;
    let pending = 0;
    const commit = (): void => {
      sink.flush();
      // Nothing new: no write at all (an hourly timer on a quiet journal).
      if (last === null || pending === 0) return;
      const cursor = last;
      batches.commit({ offset: total, lines: total, tailHash: '' }, (id) => cursors.save(key, id, cursor, total));
      pending = 0;
    };
    try {
      let first = true;
      await runJournalctl(o, known?.cursor ?? null, (entry, line) => {
        const cursor = typeof entry.__CURSOR === 'string' ? entry.__CURSOR : null;
        if (first && known) {
          first = false;
          // --cursor starts at the stored entry itself when it is still there: it was ingested.
          if (cursor === known.cursor) return;
          out.notes.push(
            `the entry of the stored cursor is no longer in the journal (vacuumed or rotated away): entries written between the last run and the oldest one kept may be lost`,
          );
        }
        first = false;
        const message = payloadOf(line, stripEnvelope(line, 0, false));
        const format = message === line ? null : formatOfMessage(message);
        if (format === null) {
          sink.skip();
          out.other++;
        } else sink.add({ format, origin: journalText(entry.SYSLOG_IDENTIFIER ?? entry._SYSTEMD_UNIT), line });
        out.entries++;
        total++;
        if (cursor) last = cursor;
        if (++pending >= BATCH_ENTRIES) {
          commit();
          o.onProgress?.(out.entries);
        }
      });
      commit();
    } finally {
      batches.abort();
    }
    Object.assign(out, {
      lines: batches.tally.lines,
      requests: batches.tally.requests,
      newRequests: batches.tally.newRequests,
      observations: batches.tally.observations,
      malformed: batches.tally.malformed,
      cursor: last,
      callsByApi: callsPerApi(s.db),
      seconds: (Date.now() - started) / 1000,
    });
    return out;
  });
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
    for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
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
