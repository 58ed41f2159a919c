/**
 * journald's export format (`journalctl -o export`, systemd's JOURNAL_EXPORT_FORMATS): one field
 * per line, `NAME=value`; a field whose value is binary or holds a newline is `NAME`, a newline,
 * its length as a 64-bit little-endian integer, the bytes and a newline; an empty line ends an
 * entry. An entry spans lines, so it cannot be read line by line: this decoder turns the bytes,
 * in chunks cut anywhere, into one JSON line per entry, in the shape `journalctl -o json` prints
 * (a value that is not valid UTF-8 as an array of bytes, a repeated field as an array), which
 * the journal-json envelope (envelopes.ts) then reads like any other line.
 *
 * Source: central-logging.md §7; systemd docs/JOURNAL_EXPORT_FORMATS.md.
 */

const NL = 10;
const strict = new TextDecoder('utf-8', { fatal: true });

/** A value as `journalctl -o json` prints it: a string when valid UTF-8, else its bytes. */
function jsonValue(bytes: Buffer): string | number[] {
  try {
    return strict.decode(bytes);
  } catch {
    return [...bytes];
  }
}

/** Whether the first bytes of a content are an export stream: a field line, and a realtime stamp in the first entry. */
export function isJournalExport(head: Buffer): boolean {
  const text = head.toString('latin1', 0, Math.min(head.length, 64 * 1024));
  if (!/^[A-Z_][A-Z0-9_]*(?:=|\n)/.test(text)) return false;
  const end = text.indexOf('\n\n');
  const entry = end < 0 ? text : text.slice(0, end);
  return /(?:^|\n)__REALTIME_TIMESTAMP=\d+\n/.test(entry + '\n') && /(?:^|\n)MESSAGE[=\n]/.test(entry);
}

export class JournalExportDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private fields: [string, string | number[]][] = [];
  /** Entries completed by this chunk, as JSON lines (without newlines). */
  push(chunk: Buffer): string[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: string[] = [];
    let pos = 0;
    const b = this.pending;
    for (;;) {
      const nl = b.indexOf(NL, pos);
      if (nl < 0) break;
      if (nl === pos) {
        // An empty line ends the entry.
        if (this.fields.length > 0) out.push(this.entryJson());
        pos = nl + 1;
        continue;
      }
      const eq = b.indexOf(61, pos); // '='
      if (eq >= 0 && eq < nl) {
        this.fields.push([b.toString('latin1', pos, eq), jsonValue(b.subarray(eq + 1, nl))]);
        pos = nl + 1;
        continue;
      }
      // A binary field: NAME \n u64le length, data, \n.
      if (nl + 9 > b.length) break;
      const len = Number(b.readBigUInt64LE(nl + 1));
      const end = nl + 9 + len;
      if (end + 1 > b.length) break;
      this.fields.push([b.toString('latin1', pos, nl), jsonValue(b.subarray(nl + 9, end))]);
      pos = end + 1;
    }
    this.pending = pos === 0 ? b : Buffer.from(b.subarray(pos));
    return out;
  }

  /** At the end of the input: the last entry when it was not followed by an empty line, and the bytes left unread. */
  end(): { lines: string[]; leftover: number } {
    const lines = this.fields.length > 0 && this.pending.length === 0 ? [this.entryJson()] : [];
    return { lines, leftover: this.pending.length };
  }

  private entryJson(): string {
    const obj: Record<string, string | number[]> = {};
    // A field an entry holds more than once is an array of its values, as journalctl prints it.
    const repeated = new Map<string, (string | number[])[]>();
    for (const [k, v] of this.fields) {
      const seen = obj[k];
      if (seen === undefined) obj[k] = v;
      else {
        const all = repeated.get(k) ?? [seen];
        all.push(v);
        repeated.set(k, all);
      }
    }
    for (const [k, all] of repeated) (obj as Record<string, unknown>)[k] = all;
    this.fields = [];
    return JSON.stringify(obj);
  }
}
