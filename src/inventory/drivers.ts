/**
 * Virt-driver names from what inventories print: the `hypervisor_type` a
 * driver reports, the `[DEFAULT] compute_driver` value nova-compute logs at
 * start-up, or a word an operator wrote in a spreadsheet.
 * Sources: /work/shared/reference/nova-logs.md §5 (driver `get_available_resource`
 * values, nova/conf/compute.py `compute_driver` choices); the tables are in docs/inventory.md.
 */

/** The drivers apicensus names; any other driver keeps its lower-cased name. */
export const KNOWN_DRIVERS = ['libvirt', 'xenapi', 'hyperv', 'vmwareapi', 'ironic', 'powervm', 'zvm', 'fake'] as const;

const KNOWN = new Set<string>(KNOWN_DRIVERS);

/**
 * `hypervisor_type` (lower-cased) → driver. libvirt reports `conn.getType()`:
 * `QEMU` for both KVM and QEMU, and the backend's own word for the others.
 * `Xen` is libvirt's Xen backend; XenServer (the xenapi driver) says `XenServer`.
 */
const DRIVER_BY_HYPERVISOR_TYPE: ReadonlyMap<string, string> = new Map([
  ['qemu', 'libvirt'],
  ['kvm', 'libvirt'],
  ['lxc', 'libvirt'],
  ['uml', 'libvirt'],
  ['parallels', 'libvirt'],
  ['vz', 'libvirt'],
  ['xen', 'libvirt'],
  ['xenserver', 'xenapi'],
  ['hyperv', 'hyperv'],
  ['vmware vcenter server', 'vmwareapi'],
  ['vmware esxi', 'vmwareapi'],
  ['ironic', 'ironic'],
  ['phyp', 'powervm'],
  ['zvm', 'zvm'],
  ['fake', 'fake'],
]);

/** The driver behind a `hypervisor_type`, or null when the type is not one nova's drivers report. Case-insensitive. */
export function driverFromHypervisorType(type: string): string | null {
  return DRIVER_BY_HYPERVISOR_TYPE.get(type.trim().toLowerCase()) ?? null;
}

/** Out-of-tree packages whose first dotted component is not the driver's name. */
const DRIVER_BY_PACKAGE: ReadonlyMap<string, string> = new Map([
  ['compute_hyperv', 'hyperv'],
  ['nova_powervm', 'powervm'],
  ['nova_zvm', 'zvm'],
]);

/**
 * `compute_driver` → driver: `libvirt.LibvirtDriver`, `nova.virt.libvirt.driver.LibvirtDriver`
 * → libvirt; `compute_hyperv.driver.HyperVDriver` → hyperv; otherwise the
 * lower-cased first dotted component after an optional `nova.virt.`.
 */
export function driverFromComputeDriver(computeDriver: string): string {
  const path = computeDriver.trim().replace(/^nova\.virt\./, '');
  const first = (path.split('.')[0] ?? '').toLowerCase();
  return DRIVER_BY_PACKAGE.get(first) ?? first;
}

/** A Python dotted path such as `libvirt.LibvirtDriver` (at least two components). */
const DOTTED_PATH = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/;
/** Every compute_driver class nova and the out-of-tree drivers ship ends in `Driver`; a dotted host name does not. */
const DRIVER_CLASS_PATH = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\.[A-Za-z_]\w*Driver$/;

/** Words people write for a driver that are neither a driver name nor a hypervisor type. */
const DRIVER_BY_WORD: ReadonlyMap<string, string> = new Map([
  ['vmware', 'vmwareapi'],
  ['vsphere', 'vmwareapi'],
  ['vcenter', 'vmwareapi'],
  ['hyper-v', 'hyperv'],
]);

/**
 * A driver named by a person (a CSV `driver` cell): a driver name, a
 * `compute_driver` class path, a hypervisor type or a common word for one.
 * Null when it is none of those; header-less CSV detection relies on that.
 */
export function recognisedDriver(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  const lower = v.toLowerCase();
  if (KNOWN.has(lower)) return lower;
  if (DRIVER_CLASS_PATH.test(v)) return driverFromComputeDriver(v);
  return driverFromHypervisorType(v) ?? DRIVER_BY_WORD.get(lower) ?? null;
}

/** A CSV `driver` cell as a driver: recognised, or the lower-cased value as given; null when empty. */
export function driverFromCell(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  return recognisedDriver(v) ?? (DOTTED_PATH.test(v) ? driverFromComputeDriver(v) : v.toLowerCase());
}

/**
 * `xen` alone says libvirt's Xen backend (hypervisor_type `Xen`), but a person
 * writing it may mean XenServer (xenapi): the parsers warn when a hand-written file says it.
 */
export const isAmbiguousXen = (value: string): boolean => value.trim().toLowerCase() === 'xen';
