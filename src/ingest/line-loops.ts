/**
 * The ways through a block's lines, one chosen per file (process.ts): every line through the
 * parsers (the reference path), from needle to needle, or read in place by a scanner with only
 * the lines it is not sure of going to the parsers. Each returns the number of the block's last line.
 */
import { HTTPLOG_REQUEST, newScannedHttplog, type HttplogScanner } from '../../parsers/haproxy-access-scan.js';
import { newScannedAccess, SCAN_NOT_REQUEST, SCAN_REQUEST, scannedRecord } from '../../parsers/nova-access-scan.js';
import type { LineScanner } from '../../parsers/types.js';
import { HttplogCounter } from './httplog-count.js';
import { HOUR_MS, type RecordReader } from './record-reader.js';

/** One way through a block: its bytes or text, to the number of its last line. */
export type LineLoop = (block: Buffer | string) => number;

const text = (block: Buffer | string): string => (typeof block === 'string' ? block : block.toString('utf8'));
const bytes = (block: Buffer | string): Buffer => (typeof block === 'string' ? Buffer.from(block, 'utf8') : block);

/** A line of nova-api's own loggers anywhere in the block: looked for once, not line by line. */
function lookForNovaApi(reader: RecordReader, has: (needle: string) => boolean): void {
  reader.builder.noteNovaApi(has);
  reader.builder.lookForNovaApi = false;
}

/** Every line through handleLine: the reference path, and formats without needles. */
export function plainLines(reader: RecordReader): LineLoop {
  return (block) => {
    const s = text(block);
    let lineNo = reader.builder.firstLine - 1;
    const len = s.length;
    let pos = 0;
    while (pos < len) {
      let end = s.indexOf('\n', pos);
      if (end < 0) end = len;
      lineNo++;
      let line = s.slice(pos, end);
      pos = end + 1;
      if (line.length === 0) continue;
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      reader.handleLine(line, lineNo);
    }
    return lineNo;
  };
}

/**
 * Only lines holding a needle can give anything: jump from one to the next and only
 * count the lines in between (bench/: a third of the nova-api log's CPU went to lines
 * no parser claims). Same results as plainLines, which the fast-path test checks.
 */
export function needleLines(reader: RecordReader, needles: readonly string[]): LineLoop {
  return (block) => {
    const s = text(block);
    let lineNo = reader.builder.firstLine - 1;
    const len = s.length;
    lookForNovaApi(reader, (n) => s.includes(n));
    const next = needles.map((n) => s.indexOf(n));
    let pos = 0;
    for (;;) {
      let cand = -1;
      for (const p of next) if (p >= 0 && (cand < 0 || p < cand)) cand = p;
      const start = cand < 0 ? len : s.lastIndexOf('\n', cand) + 1;
      // Count the lines before the candidate's.
      while (pos < start) {
        const nl = s.indexOf('\n', pos);
        lineNo++;
        pos = nl < 0 || nl >= len ? len : nl + 1;
      }
      if (cand < 0) break;
      let end = s.indexOf('\n', cand);
      if (end < 0) end = len;
      lineNo++;
      let line = s.slice(start, end);
      pos = end + 1;
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      reader.handleLine(line, lineNo);
      for (let i = 0; i < next.length; i++) if (next[i]! >= 0 && next[i]! < pos) next[i] = s.indexOf(needles[i]!, pos);
    }
    return lineNo;
  };
}

/**
 * Lines the scanner reads in full are never decoded: a request of no pack's interest is
 * counted here, every other line is decoded and goes through handleLine as in plainLines
 * (bench/: parsing the nova log on one thread, 118 → 358 MB/s; test/nova-access-scan.test.ts).
 */
export function scannedLines(reader: RecordReader, scan: LineScanner): LineLoop {
  const scanned = newScannedAccess();
  const b = reader.builder;
  return (block) => {
    const buf = bytes(block);
    let lineNo = b.firstLine - 1;
    const len = buf.length;
    lookForNovaApi(reader, (n) => buf.indexOf(n) >= 0);
    let pos = 0;
    while (pos < len) {
      let end = buf.indexOf(10, pos);
      if (end < 0) end = len;
      lineNo++;
      const start = pos;
      pos = end + 1;
      if (end === start) continue;
      if (buf[end - 1] === 13) end--;
      const code = scan(buf, start, end, scanned);
      if (code === SCAN_NOT_REQUEST) continue;
      if (code !== SCAN_REQUEST) {
        reader.handleLine(buf.toString('utf8', start, end), lineNo);
        continue;
      }
      // What handleRecord does for a nova request with a request id: counted and keyed.
      const utc = reader.novaTime(scanned.wallMs, null);
      b.seen(utc);
      b.result.requests++;
      const keyIndex = b.n;
      b.push(scanned.key, Math.floor(utc / HOUR_MS), b.novaLabel(), utc);
      if (!scanned.mayMatch) continue;
      // A call of interest, maybe: its whole record, from the positions (bench/: through the
      // parsers, such a line cost ~5 µs, ~0.8 CPU-s of the 1.1 GB nova log), its route from the cache.
      const r = scannedRecord(buf, scanned);
      const route = reader.scannedRoute(r);
      if (route !== null) b.observe(r, route, utc, scanned.key, keyIndex, lineNo);
    }
    return lineNo;
  };
}

/**
 * Lines the httplog scanner reads are never decoded (bench/: parsing the 1.1 GB HAProxy log
 * through the regexes cost ~9.6 CPU-s, ~4 more of garbage collection in the parse worker);
 * every other line goes through handleLine as in plainLines (test/haproxy-access-scan.test.ts).
 */
export function httplogLines(reader: RecordReader, scan: HttplogScanner): LineLoop {
  const httplog = newScannedHttplog();
  const counter = new HttplogCounter(reader);
  return (block) => {
    const buf = bytes(block);
    let lineNo = reader.builder.firstLine - 1;
    const len = buf.length;
    let pos = 0;
    while (pos < len) {
      let end = buf.indexOf(10, pos);
      if (end < 0) end = len;
      lineNo++;
      const start = pos;
      pos = end + 1;
      if (end === start) continue;
      if (buf[end - 1] === 13) end--;
      if (scan(buf, start, end, httplog) === HTTPLOG_REQUEST && counter.count(buf, httplog)) continue;
      reader.handleLine(buf.toString('utf8', start, end), lineNo);
    }
    return lineNo;
  };
}
