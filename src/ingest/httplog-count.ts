/**
 * HAProxy httplog lines the scanner read in place (parsers/haproxy-access-scan.ts), counted and
 * keyed as RecordReader.handleRecord would without making a record: their attribution found again
 * by frontend, backend and the target's version code.
 */
import type { ScannedHttplog } from '../../parsers/haproxy-access-scan.js';
import { COMPUTE, type Attribution } from '../service.js';
import { HOUR_MS, type RecordReader } from './record-reader.js';

/** A scanned httplog line's attribution, and its label in the block it was last used in. */
interface ScannedAttribution {
  attribution: Attribution;
  block: number;
  label: number;
}

export class HttplogCounter {
  /** Attributions of scanned lines by frontend, backend and the target's version code, with the block's label. */
  private readonly attributions = new Map<number, ScannedAttribution>();
  private readonly names = new NameCache(() => this.attributions.clear());

  constructor(private readonly reader: RecordReader) {}

  /**
   * A scanned httplog line counted and keyed as handleRecord would, unless it may be a call of
   * interest or a compute route set aside (a target segment is an anchor of its service's packs,
   * or of compute's when the path leaves the service open): false, and the parsers read it.
   */
  count(bytes: Buffer, s: ScannedHttplog): boolean {
    const names = this.names;
    let fe = names.id(bytes, s.frontendStart, s.frontendEnd);
    const before = names.generation;
    const be = names.id(bytes, s.backendStart, s.backendEnd);
    // The backend's name started the cache again: the frontend's number meant the cache before.
    if (names.generation !== before) fe = names.id(bytes, s.frontendStart, s.frontendEnd);
    const known = this.attributionOf(bytes, s, fe, be);
    const attribution = known.attribution;
    const service = attribution.service;
    const compute = s.computeAnchor || s.percent;
    if (
      service === COMPUTE
        ? compute
        : ((s.otherAnchor || s.percent) &&
            this.reader.mayMatch(service, bytes.toString('latin1', s.uriStart, s.uriEnd))) ||
          (attribution.novaPathOpen && compute)
    )
      return false;
    const b = this.reader.builder;
    const utc = this.reader.frontTime(s.wallMs, null);
    b.seen(utc);
    b.result.requests++;
    if (s.requestIdStart < 0) b.unnumberedNext(Math.floor(s.wallMs / 1000));
    // The label of this block (labels are per block).
    if (known.block !== b.blockNo) {
      known.label = b.frontLabel('lb', attribution, this.names.str(fe), '');
      known.block = b.blockNo;
    }
    b.push(s.key, Math.floor(utc / HOUR_MS), known.label, utc);
    return true;
  }

  /**
   * The line's attribution. A target whose version alone decides its evidence (serviceOf's
   * pathEvidence, in place) is found again by the names and that version, without the target's string.
   */
  private attributionOf(bytes: Buffer, s: ScannedHttplog, fe: number, be: number): ScannedAttribution {
    const code = versionCode(bytes, s.uriStart, s.uriEnd);
    const k = code < 0 ? -1 : (fe * 4096 + be) * 65536 + code;
    let known = k >= 0 ? this.attributions.get(k) : undefined;
    if (known === undefined) {
      const uri = bytes.toString('latin1', s.uriStart, s.uriEnd);
      known = { attribution: this.reader.serviceOf(this.names.str(fe), this.names.str(be), uri), block: -1, label: 0 };
      if (k >= 0) this.attributions.set(k, known);
    }
    return known;
  }
}

/**
 * Names (frontends, backends) read from bytes, each given a number and made a string once: a
 * front end's lines hold a handful of names, found again by length and bytes.
 */
class NameCache {
  private readonly byLength: number[][] = [];
  private bytes: Uint8Array[] = [];
  private strings: string[] = [];
  /** Times the cache started again: a number given before a change of generation means nothing. */
  generation = 0;

  /** `onReset`: the numbers given so far mean nothing any more. */
  constructor(private readonly onReset: () => void) {}

  /** The number of the name `b[from, to)`. */
  id(b: Buffer, from: number, to: number): number {
    const n = to - from;
    const list = this.byLength[n];
    if (list !== undefined) {
      for (let j = 0; j < list.length; j++) {
        const id = list[j]!;
        const name = this.bytes[id]!;
        let i = 0;
        while (i < n && name[i] === b[from + i]) i++;
        if (i === n) return id;
      }
    }
    if (this.bytes.length >= 4096) {
      // Names without end (a generated front end per tenant?): start again rather than grow.
      this.byLength.length = 0;
      this.bytes = [];
      this.strings = [];
      this.generation++;
      this.onReset();
    }
    const id = this.bytes.length;
    this.bytes.push(Uint8Array.from(b.subarray(from, to)));
    this.strings.push(b.toString('latin1', from, to));
    (this.byLength[n] ??= []).push(id);
    return id;
  }

  str(id: number): string {
    return this.strings[id]!;
  }
}
/** pathEvidence's codes of nova's versions 2 and 1.1 (service.ts), which need more than the version. */
const V2_CODE = 3;
const V11_CODE = (2 * 12 + 11) * 12 + 2;

/**
 * The version code pathEvidence (service.ts) decides a target `/vN[.M]…` by in place, read from
 * bytes; -1 when it reads the target's segments instead (then the target's string is needed).
 * The same steps as pathEvidence's, so the evidence of a code is the one it gives (and caches).
 */
function versionCode(b: Uint8Array, from: number, to: number): number {
  if (b[from] !== 47 || b[from + 1] !== 118) return -1;
  let i = from + 2;
  let code = 0;
  let dots = 0;
  let last = 0;
  for (; i < to && i < from + 10; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) code = code * 12 + (c - 47);
    else if (c === 46 && i > from + 2 && dots++ === 0) code = code * 12 + 11;
    else break;
    last = c;
  }
  const after = i < to ? b[i]! : 47;
  if (i === from + 2 || last === 46 || (after !== 47 && after !== 63 && after !== 35)) return -1;
  if (code === V2_CODE || code === V11_CODE) {
    let j = i + 1;
    while (j < to) {
      const c = b[j]!;
      if (c === 47 || c === 63 || c === 35) break;
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || c === 45)) break;
      j++;
    }
    const hexRun = j > i + 1 && (j === to || b[j] === 47 || b[j] === 63);
    if (hexRun && after === 47) return -1;
  }
  return code < 65536 ? code : -1;
}
