/**
 * Tabular inventories.
 *
 *   csv                  A list people keep: comma, semicolon (spreadsheets in many locales)
 *                        or tab separated, "quoted" cells allowed, `#` comment lines skipped.
 *                        Header naming `host` and `driver` (and optionally `hypervisor_type`,
 *                        `hypervisor_hostname`); or no header, rows `host,driver[,hypervisor_type]`,
 *                        recognised when the first row's second cell is a driver (drivers.ts).
 *   mysql-compute-nodes  `mysql -B -e 'select host, hypervisor_hostname, hypervisor_type, deleted
 *                        from compute_nodes' nova`: tab separated, a header, `NULL` for null,
 *                        `\t \n \\ \0` escaped; or the same query's boxed `+---+` table
 *                        (`mysql -t`, or pasted from a terminal).
 *                        Rows with `deleted` != 0 are nova's soft-deleted compute nodes: skipped.
 *                        `updated_at` (else `created_at`), written by nova in UTC, dates the row.
 */
import { driverFromCell, driverFromHypervisorType, isAmbiguousXen, recognisedDriver } from './drivers.js';
import { isoToUtcMs } from './utc.js';
import type { InventoryFact, InventoryParse, InventoryParseOptions } from './types.js';

/** A line that holds data: not blank, not a `#` comment. `line` is 1-based. */
export interface DataLine {
  text: string;
  line: number;
}

export function dataLines(lines: readonly string[]): DataLine[] {
  const out: DataLine[] = [];
  lines.forEach((text, i) => {
    if (text.trim() !== '' && !text.startsWith('#')) out.push({ text, line: i + 1 });
  });
  return out;
}

type Column = 'host' | 'driver' | 'hypervisor_type' | 'hypervisor_hostname' | 'deleted' | 'updated_at' | 'created_at';

/** Header words (lower-cased, spaces and dashes as `_`) for each column. */
const COLUMN_BY_HEADER: ReadonlyMap<string, Column> = new Map([
  ['host', 'host'],
  ['service_host', 'host'],
  ['driver', 'driver'],
  ['compute_driver', 'driver'],
  ['virt_driver', 'driver'],
  ['hypervisor_type', 'hypervisor_type'],
  ['hypervisor_hostname', 'hypervisor_hostname'],
  ['deleted', 'deleted'],
  ['updated_at', 'updated_at'],
  ['created_at', 'created_at'],
]);

type Columns = Partial<Record<Column, number>>;

function columnsOf(header: readonly string[]): Columns {
  const cols: Columns = {};
  header.forEach((cell, i) => {
    const c = COLUMN_BY_HEADER.get(
      cell
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_'),
    );
    if (c !== undefined && cols[c] === undefined) cols[c] = i;
  });
  return cols;
}

/**
 * Cells of one delimited line. A cell may be "quoted" ("" is a quote); spaces
 * around unquoted cells are dropped. Null when a quote is not closed.
 */
export function splitDelimited(line: string, delimiter: string): string[] | null {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ') i++;
    if (line[i] === '"') {
      let cell = '';
      let j = i + 1;
      let closed = false;
      while (j < line.length) {
        if (line[j] === '"') {
          if (line[j + 1] === '"') {
            cell += '"';
            j += 2;
            continue;
          }
          closed = true;
          j++;
          break;
        }
        cell += line[j++];
      }
      if (!closed) return null;
      const end = line.indexOf(delimiter, j);
      // Text after the closing quote is kept, as spreadsheets do.
      cells.push(cell + (end === -1 ? line.slice(j) : line.slice(j, end)).trim());
      if (end === -1) return cells;
      i = end + delimiter.length;
    } else {
      const end = line.indexOf(delimiter, i);
      cells.push((end === -1 ? line.slice(i) : line.slice(i, end)).trim());
      if (end === -1) return cells;
      i = end + delimiter.length;
    }
  }
}

/** Count of `ch` outside "quotes". */
function countOutsideQuotes(line: string, ch: string): number {
  let n = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === ch && !quoted) n++;
  }
  return n;
}

/** Tab if the line has one, else whichever of `,` and `;` it has more of; null for a single cell. */
function delimiterOf(line: string): string | null {
  if (line.includes('\t')) return '\t';
  const commas = countOutsideQuotes(line, ',');
  const semicolons = countOutsideQuotes(line, ';');
  if (commas === 0 && semicolons === 0) return null;
  return commas >= semicolons ? ',' : ';';
}

/** `+----+------+` border of a boxed mysql table. */
const TABLE_BORDER = /^\+-[-+]*\+$/;

export type TableShape =
  | { kind: 'csv'; delimiter: string; columns: Columns; header: boolean }
  | { kind: 'mysql-compute-nodes'; boxed: boolean; columns: Columns; width: number };

/** The tabular form of a file from its first data line, or null when it is none. */
export function detectTable(lines: readonly DataLine[]): TableShape | null {
  const first = lines[0]?.text.trimEnd();
  if (first === undefined) return null;
  if (TABLE_BORDER.test(first)) {
    const header = lines[1] === undefined ? null : boxedCells(lines[1].text);
    if (header === null) return null;
    const columns = columnsOf(header);
    return columns.host !== undefined && columns.hypervisor_type !== undefined
      ? { kind: 'mysql-compute-nodes', boxed: true, columns, width: header.length }
      : null;
  }
  const delimiter = delimiterOf(first);
  if (delimiter === null) return null;
  const cells = splitDelimited(first, delimiter);
  if (cells === null) return null;
  const columns = columnsOf(cells);
  if (columns.host !== undefined) {
    if (columns.driver !== undefined) return { kind: 'csv', delimiter, columns, header: true };
    if (columns.hypervisor_type !== undefined) {
      // Tab separated with hypervisor_type and no driver: what `mysql -B` prints for compute_nodes.
      return delimiter === '\t'
        ? { kind: 'mysql-compute-nodes', boxed: false, columns, width: cells.length }
        : { kind: 'csv', delimiter, columns, header: true };
    }
  }
  const [host, driver] = cells;
  if (
    cells.length <= 3 &&
    host !== undefined &&
    host !== '' &&
    driver !== undefined &&
    recognisedDriver(driver) !== null
  ) {
    return { kind: 'csv', delimiter, columns: { host: 0, driver: 1, hypervisor_type: 2 }, header: false };
  }
  return null;
}

const cellAt = (cells: readonly string[], i: number | undefined): string =>
  i === undefined ? '' : (cells[i] ?? '').trim();

function parseCsv(
  lines: readonly DataLine[],
  shape: Extract<TableShape, { kind: 'csv' }>,
  path: string,
): InventoryParse {
  const facts: InventoryFact[] = [];
  const warnings: string[] = [];
  const { columns, delimiter } = shape;
  for (const { text, line } of shape.header ? lines.slice(1) : lines) {
    const cells = splitDelimited(text, delimiter);
    if (cells === null) {
      warnings.push(`${path}:${line}: a "quoted" cell is not closed; row skipped.`);
      continue;
    }
    const host = cellAt(cells, columns.host);
    if (host === '') {
      warnings.push(`${path}:${line}: no host; row skipped.`);
      continue;
    }
    const driverCell = cellAt(cells, columns.driver);
    const typeCell = cellAt(cells, columns.hypervisor_type);
    const driver = driverFromCell(driverCell) ?? (typeCell === '' ? null : driverFromHypervisorType(typeCell));
    if (isAmbiguousXen(driverCell) || (driverCell === '' && isAmbiguousXen(typeCell))) {
      warnings.push(
        `${path}:${line}: "xen" is read as libvirt's Xen backend (hypervisor_type Xen); write xenapi if ${host} runs ` +
          'XenServer.',
      );
    }
    const hv = cellAt(cells, columns.hypervisor_hostname);
    facts.push({
      host,
      hypervisorHostname: hv === '' ? null : hv,
      driver,
      hypervisorType: typeCell === '' ? null : typeCell,
      observedAt: null,
      line,
    });
  }
  return { kind: 'csv', facts, warnings };
}

/** mysql -B escapes: `\t \n \r \\ \0` (and `\b`, `\Z` for binary data nobody has in these columns). */
const MYSQL_ESCAPE = /\\([tnr0\\])/g;
const MYSQL_UNESCAPED: Record<string, string> = { t: '\t', n: '\n', r: '\r', '0': '\0', '\\': '\\' };

function unescapeMysql(cell: string): string {
  return cell.includes('\\') ? cell.replace(MYSQL_ESCAPE, (_, c: string) => MYSQL_UNESCAPED[c] ?? c) : cell;
}

/** Cells of a boxed table row `| a | b |`; null when the line is not one. */
function boxedCells(text: string): string[] | null {
  const t = text.trim();
  if (!t.startsWith('|') || !t.endsWith('|') || t.length < 2) return null;
  return t
    .slice(1, -1)
    .split('|')
    .map((c) => c.trim());
}

function parseMysql(
  lines: readonly DataLine[],
  shape: Extract<TableShape, { kind: 'mysql-compute-nodes' }>,
  path: string,
): InventoryParse {
  const facts: InventoryFact[] = [];
  const warnings: string[] = [];
  const { columns, width, boxed } = shape;
  const value = (cells: readonly string[], i: number | undefined): string | null => {
    if (i === undefined) return null;
    const raw = cells[i];
    return raw === undefined || raw === 'NULL' ? null : boxed ? raw : unescapeMysql(raw);
  };
  let headerSeen = false;
  for (const { text, line } of lines) {
    let cells: string[] | null;
    if (boxed) {
      if (TABLE_BORDER.test(text.trim())) continue;
      cells = boxedCells(text);
      if (!headerSeen) {
        headerSeen = true;
        continue;
      }
    } else {
      if (!headerSeen) {
        headerSeen = true;
        continue;
      }
      cells = text.split('\t');
    }
    if (cells === null || cells.length !== width) {
      warnings.push(
        `${path}:${line}: ` +
          `${cells === null ? 'not a table row' : `${cells.length} cells where the header has ${width}`}; row skipped.`,
      );
      continue;
    }
    const deleted = value(cells, columns.deleted);
    if (deleted !== null && deleted !== '0') continue;
    const host = value(cells, columns.host);
    if (host === null || host === '') {
      warnings.push(`${path}:${line}: host is ${host === null ? 'NULL' : 'empty'}; row skipped.`);
      continue;
    }
    const hypervisorType = value(cells, columns.hypervisor_type);
    facts.push({
      host,
      hypervisorHostname: value(cells, columns.hypervisor_hostname),
      driver: hypervisorType === null ? null : driverFromHypervisorType(hypervisorType),
      hypervisorType,
      observedAt: isoToUtcMs(value(cells, columns.updated_at) ?? value(cells, columns.created_at)),
      line,
    });
  }
  return { kind: 'mysql-compute-nodes', facts, warnings };
}

export function parseTable(lines: readonly DataLine[], shape: TableShape, opts: InventoryParseOptions): InventoryParse {
  const parsed = shape.kind === 'csv' ? parseCsv(lines, shape, opts.path) : parseMysql(lines, shape, opts.path);
  if (parsed.facts.length === 0 && parsed.warnings.length === 0) {
    parsed.warnings.push(
      `${opts.path}: ${shape.kind === 'csv' ? 'no host rows' : 'no compute node rows that are not deleted'}.`,
    );
  }
  return parsed;
}
