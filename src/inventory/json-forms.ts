/**
 * The JSON inventories: OpenStackClient's `-f json` outputs and the compute
 * API's os-hypervisors responses (nova-logs.md §5), plus oslo.log JSON records
 * of a nova-compute log, handed to compute-log.ts.
 *
 *   openstack hypervisor list [--long] -f json
 *       [{"ID", "Hypervisor Hostname", "Hypervisor Type", "Host IP", "State", …}]
 *   openstack hypervisor show NAME -f json
 *       {"hypervisor_hostname", "hypervisor_type", "service_host", …}
 *   openstack compute service list -f json
 *       [{"ID", "Binary", "Host", "Zone", "Status", "State", "Updated At"}]
 *   GET /os-hypervisors/detail
 *       {"hypervisors": [{"hypervisor_hostname", "hypervisor_type", "service": {"host", …}, …}]}
 *   GET /os-hypervisors/{id}
 *       {"hypervisor": {…}}
 *
 * A file can hold one JSON document or several concatenated ones (a shell loop
 * of `openstack hypervisor show … -f json` without `jq -s`, or JSON log lines).
 * Array elements are numbered from 1 (`line` = index + 1); a top-level object's
 * `line` is the line it starts on.
 */
import { UserError } from '../errors.js';
import { isOsloJsonRecord, parseComputeLogRecords } from './compute-log.js';
import { driverFromHypervisorType } from './drivers.js';
import { isoToUtcMs } from './utc.js';
import {
  ACCEPTED_FORMS,
  type InventoryFact,
  type InventoryKind,
  type InventoryParse,
  type InventoryParseOptions,
} from './types.js';

type JsonObject = Record<string, unknown>;

/** The inventory kinds that are JSON documents. */
type JsonKind = Extract<
  InventoryKind,
  'osc-hypervisor-list' | 'osc-hypervisor-show' | 'osc-compute-service-list' | 'api-hypervisors'
>;

/** One value to read (an object, unless the file is damaged), with its number and the words a warning uses for it. */
interface Item {
  value: unknown;
  line: number;
  where: string;
}

interface JsonDocument {
  value: unknown;
  line: number;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-empty string, exactly as given; anything else is null. */
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Every top-level JSON value in `source` with the line it starts on. Brackets
 * are matched outside strings to find where each value ends; JSON.parse reads it.
 */
export function splitJsonDocuments(source: string): JsonDocument[] {
  const docs: JsonDocument[] = [];
  const n = source.length;
  let i = 0;
  let line = 1;
  for (;;) {
    while (i < n) {
      const c = source.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
      i++;
    }
    if (i >= n) return docs;
    const open = source[i];
    if (open !== '{' && open !== '[')
      throw new SyntaxError(`unexpected ${JSON.stringify(source.slice(i, i + 20))} at line ${line}`);
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < n; i++) {
      const c = source.charCodeAt(i);
      if (c === 10) line++;
      if (inString) {
        if (c === 92)
          i++; // backslash: the next character is escaped
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (--depth === 0) {
          i++;
          break;
        }
      }
    }
    if (depth !== 0) throw new SyntaxError(`the value starting at line ${startLine} is not closed`);
    try {
      docs.push({ value: JSON.parse(source.slice(start, i)), line: startLine });
    } catch (e) {
      throw new SyntaxError(`in the value starting at line ${startLine}: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** The form an object is an element of, from its keys. */
function kindOfElement(o: JsonObject): JsonKind | 'oslo-record' | null {
  if ('Hypervisor Hostname' in o) return 'osc-hypervisor-list';
  if ('Binary' in o && 'Host' in o) return 'osc-compute-service-list';
  if ('service_host' in o) return 'osc-hypervisor-show';
  // The API nests the service (`service.host`); OSC's show flattens it into service_host.
  if ('hypervisor_hostname' in o) return isObject(o['service']) ? 'api-hypervisors' : 'osc-hypervisor-show';
  if (isOsloJsonRecord(o)) return 'oslo-record';
  return null;
}

function notInventory(path: string, why: string): UserError {
  return new UserError(`${path}: ${why}; not an inventory apicensus can read. ${ACCEPTED_FORMS}`);
}

/** The objects to read and their form; throws when the JSON is none of the forms. */
function itemsOf(
  docs: JsonDocument[],
  path: string,
  warnings: string[],
): { kind: JsonKind | 'oslo-record'; items: Item[] } {
  const only = docs.length === 1 ? docs[0]! : null;
  const elements = (arr: unknown[], where: (i: number) => string): Item[] =>
    arr.map((value, i) => ({ value, line: i + 1, where: where(i) }));
  let items: Item[];
  if (only !== null && Array.isArray(only.value)) {
    if (only.value.length === 0) throw notInventory(path, 'an empty JSON array names no host');
    items = elements(only.value, (i) => `element ${i + 1}`);
  } else if (only !== null && isObject(only.value) && Array.isArray(only.value['hypervisors'])) {
    const list = elements(only.value['hypervisors'], (i) => `hypervisors element ${i + 1}`);
    if (list.length === 0) warnings.push(`${path}: the response lists no hypervisors.`);
    return { kind: 'api-hypervisors', items: list };
  } else if (only !== null && isObject(only.value) && isObject(only.value['hypervisor'])) {
    return {
      kind: 'api-hypervisors',
      items: [{ value: only.value['hypervisor'], line: only.line, where: `line ${only.line}` }],
    };
  } else {
    items = [];
    for (const d of docs) {
      if (isObject(d.value)) items.push({ value: d.value, line: d.line, where: `line ${d.line}` });
      else
        throw notInventory(
          path,
          `the JSON value at line ${d.line} is not an object, and the file holds ${docs.length} JSON values`,
        );
    }
  }
  const first = items.find((item) => isObject(item.value))?.value as JsonObject | undefined;
  const kind = first === undefined ? null : kindOfElement(first);
  if (kind === null)
    throw notInventory(
      path,
      'JSON without the keys of a hypervisor list, hypervisor show, compute service list or os-hypervisors response',
    );
  return { kind, items };
}

function hypervisorFact(
  host: string,
  hypervisorHostname: string | null,
  hypervisorType: string | null,
  line: number,
): InventoryFact {
  return {
    host,
    hypervisorHostname,
    driver: hypervisorType === null ? null : driverFromHypervisorType(hypervisorType),
    hypervisorType,
    observedAt: null,
    line,
  };
}

/** Reads one object; returns null (after a warning when something is wrong) for an element that gives no fact. */
type ItemReader = (
  item: { value: JsonObject; line: number; where: string },
  path: string,
  warnings: string[],
) => InventoryFact | null;

/** `openstack hypervisor list`: no service host column, so the hypervisor hostname stands in for it. */
const readHypervisorListRow: ItemReader = ({ value: o, line, where }, path, warnings) => {
  const name = text(o['Hypervisor Hostname']);
  if (name === null) {
    warnings.push(`${path}: ${where} has no "Hypervisor Hostname"; skipped.`);
    return null;
  }
  return hypervisorFact(name, name, text(o['Hypervisor Type']), line);
};

const readHypervisorShow: ItemReader = ({ value: o, line, where }, path, warnings) => {
  const hypervisorHostname = text(o['hypervisor_hostname']);
  const host = text(o['service_host']) ?? hypervisorHostname;
  if (host === null) {
    warnings.push(`${path}: ${where} has neither service_host nor hypervisor_hostname; skipped.`);
    return null;
  }
  return hypervisorFact(host, hypervisorHostname, text(o['hypervisor_type']), line);
};

/**
 * API body: `service.host` is the name os-hosts uses; the non-detail
 * list has no service, then the hypervisor hostname stands in.
 */
const readApiHypervisor: ItemReader = ({ value: o, line, where }, path, warnings) => {
  const hypervisorHostname = text(o['hypervisor_hostname']);
  const service = o['service'];
  const host = (isObject(service) ? text(service['host']) : null) ?? hypervisorHostname;
  if (host === null) {
    warnings.push(`${path}: ${where} has neither service.host nor hypervisor_hostname; skipped.`);
    return null;
  }
  return hypervisorFact(host, hypervisorHostname, text(o['hypervisor_type']), line);
};

/** Only nova-compute rows name compute hosts; they say the host exists, not its driver. */
const readComputeServiceRow: ItemReader = ({ value: o, line, where }, path, warnings) => {
  if (o['Binary'] !== 'nova-compute') return null;
  const host = text(o['Host']);
  if (host === null) {
    warnings.push(`${path}: ${where} is a nova-compute service without a "Host"; skipped.`);
    return null;
  }
  return {
    host,
    hypervisorHostname: null,
    driver: null,
    hypervisorType: null,
    observedAt: isoToUtcMs(o['Updated At']),
    line,
  };
};

const READERS: Record<JsonKind, ItemReader> = {
  'osc-hypervisor-list': readHypervisorListRow,
  'osc-hypervisor-show': readHypervisorShow,
  'osc-compute-service-list': readComputeServiceRow,
  'api-hypervisors': readApiHypervisor,
};

/** A file whose first non-blank character is `[` or `{`. */
export function parseJsonInventory(source: string, opts: InventoryParseOptions): InventoryParse {
  let docs: JsonDocument[];
  try {
    docs = splitJsonDocuments(source);
  } catch (e) {
    throw notInventory(opts.path, `starts like JSON but is not valid JSON (${(e as Error).message})`);
  }
  const warnings: string[] = [];
  const { kind, items } = itemsOf(docs, opts.path, warnings);
  const objects: Array<{ value: JsonObject; line: number; where: string }> = [];
  const facts: InventoryFact[] = [];
  // One pass in file order, so warnings come in the order of the elements they name.
  for (const item of items) {
    if (!isObject(item.value)) warnings.push(`${opts.path}: ${item.where} is not a JSON object; skipped.`);
    else if (kind === 'oslo-record') objects.push({ ...item, value: item.value });
    else {
      const f = READERS[kind]({ ...item, value: item.value }, opts.path, warnings);
      if (f !== null) facts.push(f);
    }
  }
  if (kind === 'oslo-record') {
    const parsed = parseComputeLogRecords(objects, opts);
    return { ...parsed, warnings: [...warnings, ...parsed.warnings] };
  }
  return { kind, facts, warnings };
}
