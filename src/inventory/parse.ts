/**
 * Inventory files → facts about compute hosts: which virt driver a host named
 * by os-hosts runs. Pure: text in, facts out; the owner's store and CLI
 * (`apicensus inventory import`) read files and record the facts.
 *
 * The form is told from the content, never the file name (docs/inventory.md):
 *   `[` / `{`                 → JSON forms (json-forms.ts)
 *   oslo.log header lines     → nova-compute log (compute-log.ts)
 *   a table's first line      → CSV/TSV or a mysql compute_nodes dump (tables.ts)
 * Anything else is a UserError naming the file and the accepted forms.
 */
import { UserError } from '../errors.js';
import { looksLikeOsloTextLog, parseComputeLogText } from './compute-log.js';
import { parseJsonInventory } from './json-forms.js';
import { dataLines, detectTable, parseTable } from './tables.js';
import { ACCEPTED_FORMS, type InventoryParse, type InventoryParseOptions } from './types.js';

export type { InventoryFact, InventoryKind, InventoryParse, InventoryParseOptions } from './types.js';
export { driverFromComputeDriver, driverFromHypervisorType } from './drivers.js';

/** Lines without their `\r` (Windows hosts write CRLF: Hyper-V's nova-compute, spreadsheet exports). */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export function parseInventory(text: string, opts: InventoryParseOptions): InventoryParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.includes('\u0000')) {
    throw new UserError(
      `${opts.path}: holds NUL bytes, so it is not UTF-8 text: compressed, binary, ` +
        `or UTF-16 (what Windows PowerShell's Out-File writes). ` +
        'Decompress it or save it as UTF-8, then import it again.',
    );
  }
  const start = body.trimStart();
  if (start === '') throw new UserError(`${opts.path}: the file is empty. ${ACCEPTED_FORMS}`);
  if (start[0] === '[' || start[0] === '{') return parseJsonInventory(body, opts);
  const lines = splitLines(body);
  if (looksLikeOsloTextLog(lines, opts)) return parseComputeLogText(lines, opts);
  const data = dataLines(lines);
  const shape = detectTable(data);
  if (shape !== null) return parseTable(data, shape, opts);
  throw new UserError(`${opts.path}: not an inventory apicensus can read. ${ACCEPTED_FORMS}`);
}
