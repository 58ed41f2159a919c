/**
 * The per-line work of ingest, as a pure function over a block of whole lines:
 * parse, convert time, attribute a service, key the request for "exactly
 * once", classify with the rule packs. No I/O and no SQLite here, so the same
 * code runs inline or in a worker thread; the caller applies ChunkResults to
 * the store in order.
 */
import { compileParsers } from '../../parsers/compile.js';
import { formatByName } from '../../parsers/index.js';
import type { AnchorRun, FileFormat } from '../../parsers/types.js';
import { hash52 } from '../keys.js';
import { OBS_NUM, OBS_NUMS } from '../observation-shape.js';
import { compileAsciiAnchorRun, compileClassifier, packAnchors, type RulePack } from '../rules.js';
import { COMPUTE } from '../service.js';
import type { ChunkResult } from '../chunk-result.js';
import { apisNamedIn, emptyResult } from './chunk-builder.js';
import { httplogLines, needleLines, plainLines, scannedLines, type LineLoop } from './line-loops.js';
import { RecordReader } from './record-reader.js';

export type { ChunkResult, EffectRow, MalformedExample } from '../chunk-result.js';
export { HOUR_MS } from './record-reader.js';
export { requestKey } from './request-key.js';

/** Everything a processor needs, serialisable so a worker can compile the same one. */
export interface ProcessorSpec {
  /** A registered format name, or several joined with '+' (a devstack journal holds nova and uWSGI lines). */
  format: string;
  defaultYear: number;
  /** Zone for front-end timestamps that carry no offset. */
  timezone: string;
  /** Zone for nova's oslo.log text timestamps (no offset in the line). */
  novaTimezone: string;
  frontends: string[];
  filePath: string | null;
  packs: RulePack[];
  /** Read every line through every parser (no needle skipping): the reference path. */
  plain?: boolean;
  /**
   * The input is known to fit in one block: scanners are not warmed up first (bench/: 16 ms of
   * the ~0.3 s an ingest of a 1 KB file takes; hooks run ingest over many small files).
   */
  small?: boolean;
}

/**
 * One processor per file, given its blocks of whole lines in file order (it numbers
 * identical lines across blocks): UTF-8 bytes as read, or text already decoded.
 */
export type ChunkProcessor = (block: Buffer | string, firstLine: number) => ChunkResult;

/** Resolve a format name, including combined names like 'nova+uwsgi'. */
export function resolveFormat(name: string): FileFormat {
  const parts = name.split('+').map((n) => {
    const f = formatByName(n);
    if (!f) throw new Error(`unknown format ${n}`);
    return f;
  });
  if (parts.length === 1) return parts[0]!;
  return {
    name,
    title: parts.map((p) => p.title).join(' + '),
    parsers: parts.flatMap((p) => p.parsers),
    signature: parts[0]!.signature,
  };
}

/**
 * The processor of one file: its format's way through a block decided once (a scanner, needles, or
 * every line through the parsers), its parsers, packs and clocks compiled once.
 */
export function compileProcessor(spec: ProcessorSpec): ChunkProcessor {
  const format = resolveFormat(spec.format);
  const reader = new RecordReader(spec, format);
  const builder = reader.builder;
  const loop = lineLoop(spec, format, reader);
  return (block, first) => {
    builder.reset(first);
    return builder.finish(loop(block));
  };
}

/** The way through a block for this file's format. */
function lineLoop(spec: ProcessorSpec, format: FileFormat, reader: RecordReader): LineLoop {
  if (spec.plain) return plainLines(reader);
  const classifier = reader.classifier;
  // A scanner reads the commonest lines in place; what it is not sure of goes to the parsers.
  if (format.scanner) {
    const ctx = { defaultYear: spec.defaultYear, messageLoggers: classifier.messageLoggers };
    return scannedLines(
      reader,
      format.scanner({ ...ctx, anchorRun: classifier.anchorRun(COMPUTE), warm: !spec.small }),
    );
  }
  // HAProxy's httplog lines read in place; those that may be calls of interest go to the parsers.
  if (format.httplogScanner)
    return httplogLines(reader, format.httplogScanner(classifier.anchorRun(COMPUTE), otherAnchorRun(spec.packs)));
  // Needles, when every parser of the format declares them: lines holding none are skipped unread.
  if (format.parsers.every((p) => p.needles)) {
    const ctx = { defaultYear: spec.defaultYear, messageLoggers: classifier.messageLoggers };
    return needleLines(reader, [...new Set(format.parsers.flatMap((p) => p.needles!(ctx)))]);
  }
  return plainLines(reader);
}

/**
 * The anchor test of the other services' packs in one (a superset: a target holding one may be a
 * call of interest of the service it is attributed to, which mayMatch then says exactly).
 */
function otherAnchorRun(packs: readonly RulePack[]): AnchorRun | null {
  const names = [...new Set(packs.filter((p) => p.service !== COMPUTE).flatMap(packAnchors))];
  return names.length === 0 ? null : compileAsciiAnchorRun(names);
}

/**
 * An over-long line (more than a log line may be, see framing.ts): one line, read and skipped.
 * Its first bytes say what it was: a line some parser claims (a request line with a monstrous
 * target) is malformed, and an unreadable call of interest when it names an API; anything else
 * (a DEBUG dump) is only skipped. Either way it is kept, with its line number, as an example.
 */
export function overLongLine(spec: ProcessorSpec): (head: Buffer, length: number, lineNo: number) => ChunkResult {
  const format = resolveFormat(spec.format);
  const classifier = compileClassifier(spec.packs);
  const lineFn = compileParsers(format.parsers, {
    defaultYear: spec.defaultYear,
    messageLoggers: classifier.messageLoggers,
  });
  return (head, length, lineNo) => {
    const r = emptyResult();
    r.lines = 1;
    r.skipped = 1;
    const text = head.toString('utf8').replace(/\r?\n$/, '');
    const claimed = lineFn(text) !== null;
    const apis = claimed ? apisNamedIn(text, classifier) : [];
    if (claimed) r.malformed = 1;
    for (const api of apis) r.malformedApis[api] = 1;
    const what = claimed ? `not read${apis.length ? `: it names ${apis.join(', ')}` : ''}` : 'skipped';
    r.malformedExamples.push({
      line: lineNo,
      reason: `over-long line (${length} bytes, more than a log line may be): ${what}`,
      text: text.slice(0, 400),
      api: apis[0] ?? null,
    });
    return r;
  };
}

/**
 * Numbers identical requests without a request id within one second, in file
 * order, across every chunk of a file (chunks may be parsed in parallel, so
 * this runs where results are applied, in order): the n-th repeat's key is
 * hash52(key#n). A resumed run primes it with the lines just before its offset.
 */
export class OccurrenceNumbering {
  private second = -1;
  private readonly seen = new Map<number, number>();

  /** Numbering that goes on from a state saved at a source's checkpoint (`state`), or from nothing. */
  static from(state: string | null): OccurrenceNumbering {
    const n = new OccurrenceNumbering();
    if (state === null) return n;
    const saved = JSON.parse(state) as { second: number; seen: [number, number][] };
    n.second = saved.second;
    for (const [k, v] of saved.seen) n.seen.set(k, v);
    return n;
  }

  /**
   * Where numbering stands (the second and the repeats seen in it), saved with a source's
   * checkpoint: a later run goes on exactly where this one stopped, however many identical
   * lines of that second came before (replaying the bytes before the offset could not see them all).
   */
  state(): string {
    return JSON.stringify({ second: this.second, seen: [...this.seen] });
  }

  apply(r: ChunkResult): void {
    let renumbered: Map<number, number> | null = null;
    for (let j = 0; j < r.unnumbered.length; j++) {
      const i = r.unnumbered[j]!;
      const sec = r.unnumberedSeconds[j]!;
      if (sec !== this.second) {
        this.second = sec;
        this.seen.clear();
      }
      const base = r.keys[i]!;
      const before = this.seen.get(base) ?? 0;
      this.seen.set(base, before + 1);
      if (before > 0) {
        r.keys[i] = hash52(`${base}#${before}`);
        (renumbered ??= new Map()).set(i, r.keys[i]!);
      }
    }
    if (renumbered) {
      const nums = r.observations.nums;
      for (let at = 0; at < nums.length; at += OBS_NUMS)
        nums[at + OBS_NUM.dedupKey] = renumbered.get(nums[at + OBS_NUM.keyIndex]!) ?? nums[at + OBS_NUM.dedupKey]!;
    }
  }
}
