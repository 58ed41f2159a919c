/**
 * What an inventory file says about compute hosts: the contract between the
 * parsers under src/inventory/ and the store that records it. Re-exported by
 * parse.ts, the entry point; see docs/inventory.md.
 */

export interface InventoryFact {
  /**
   * The service host name os-hosts uses (CONF.host); for `hypervisor
   * list` (no service host column) the hypervisor hostname.
   */
  host: string;
  hypervisorHostname: string | null;
  /**
   * Normalised: 'libvirt' | 'xenapi' | 'hyperv' | 'vmwareapi' | 'ironic' |
   * 'powervm' | 'zvm' | 'fake' | another lower-case name as given; null = unknown.
   */
  driver: string | null;
  /** As reported ('QEMU', 'XenServer', 'VMware vCenter Server', …). */
  hypervisorType: string | null;
  /** ms UTC when the file says the fact held (a log line's time, a row's updated_at), else null. */
  observedAt: number | null;
  /** 1-based line (or JSON array index + 1) the fact came from. */
  line: number | null;
}

export type InventoryKind =
  | 'osc-hypervisor-list'
  | 'osc-hypervisor-show'
  | 'osc-compute-service-list'
  | 'api-hypervisors'
  | 'nova-compute-log'
  | 'csv'
  | 'mysql-compute-nodes';

export interface InventoryParse {
  kind: InventoryKind;
  facts: InventoryFact[];
  /** Rows or lines skipped or read with a doubt, each naming the file and the line or element. */
  warnings: string[];
}

export interface InventoryParseOptions {
  /** The file's path: named in warnings and errors; its directory can name a nova-compute log's host. */
  path: string;
  /** Host for a nova-compute log whose lines and path do not name one (`--host`). */
  host?: string;
  /** Year for syslog dates that print none (`Oct 13 21:40:02`); default: the current UTC year. */
  year?: number;
}

/** What every form lists when a file is none of them. */
export const ACCEPTED_FORMS =
  'Accepted: `openstack hypervisor list [--long] -f json`, ' +
  '`openstack hypervisor show NAME -f json` (one, a JSON array, or several concatenated), ' +
  '`openstack compute service list -f json`, the compute API response of GET /os-hypervisors/detail, ' +
  "a nova-compute log holding its start-up line `Loading compute driver '…'`, " +
  'CSV/TSV with a header naming host and driver (and optionally hypervisor_type), ' +
  "or `mysql -B -e 'select host, hypervisor_hostname, hypervisor_type, " +
  "deleted from compute_nodes' nova` output. See docs/inventory.md.";
