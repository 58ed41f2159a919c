/**
 * Which virt driver implements which os-hosts action, in which nova releases:
 * the one table the per-driver verdict runs from. Each row cites its source.
 *
 * Background (nova-logs.md §3, §5): os-hosts power and maintenance actions
 * call the compute host's driver (`host_power_action`, `host_maintenance_mode`,
 * `set_host_enabled`); the base class in nova/virt/driver.py raises
 * NotImplementedError, which the API turns into 501. `list` and `show` read
 * the database and work on every driver.
 */

export type Support = 'yes' | 'no' | 'unknown';

export interface CapabilityRow {
  driver: string;
  action: string;
  supported: Exclude<Support, 'unknown'>;
  /** Releases in which the statement holds, in nova's words. */
  releases: string;
  /** What a call answers on this driver. */
  answer: string;
  source: string;
}

const XENAPI_SRC =
  'nova/virt/xenapi/driver.py host_power_action / host_maintenance_mode / ' +
  'set_host_enabled (git grep at each tag); removed in 22.0.0 by adb28f503c';
const HYPERV_SRC = 'nova/virt/hyperv/driver.py host_power_action (shutdown, reboot); removed in 29.0.0 by b068b04372';
const BASE_SRC =
  'nova/virt/driver.py ComputeDriver raises NotImplementedError → common.raise_feature_not_supported() → 501';
const TRAIN_SRC =
  'nova 20.0.0 (Train) 099b490c2f: ComputeManager.set_host_enabled ' +
  'catches NotImplementedError and returns enabled/disabled';
const APIREF_SRC =
  'api-ref os-hosts.inc: reboot and shutdown "only supported by the ' +
  'XenServer and Hyper-v drivers"; startup "will always fail with a 501"';
const MATRIX_SRC = 'doc/source/user/support-matrix.ini operation.maintenance-mode: only xenserver complete';

/** The drivers nova has shipped (nova-logs.md §5 compute_driver values). */
export const DRIVERS = ['libvirt', 'xenapi', 'hyperv', 'vmwareapi', 'ironic', 'powervm', 'zvm', 'fake'] as const;

const noPower = (driver: string): CapabilityRow[] => [
  { driver, action: 'reboot', supported: 'no', releases: 'all', answer: '501', source: `${BASE_SRC}; ${APIREF_SRC}` },
  { driver, action: 'shutdown', supported: 'no', releases: 'all', answer: '501', source: `${BASE_SRC}; ${APIREF_SRC}` },
  { driver, action: 'startup', supported: 'no', releases: 'all', answer: '501', source: `${BASE_SRC}; ${APIREF_SRC}` },
];
const noMaintenance = (driver: string): CapabilityRow[] => [
  {
    driver,
    action: 'maintenance-on',
    supported: 'no',
    releases: 'all',
    answer: '501',
    source: `${BASE_SRC}; ${MATRIX_SRC}`,
  },
  {
    driver,
    action: 'maintenance-off',
    supported: 'no',
    releases: 'all',
    answer: '501',
    source: `${BASE_SRC}; ${MATRIX_SRC}`,
  },
];
const noEnable = (driver: string): CapabilityRow[] => [
  {
    driver,
    action: 'enable',
    supported: 'no',
    releases: 'all',
    answer: '501 before Train, 200 from Train (20.0.0) but the service is not enabled',
    source: `${BASE_SRC}; ${TRAIN_SRC}`,
  },
  {
    driver,
    action: 'disable',
    supported: 'no',
    releases: 'all',
    answer: '501 before Train, 200 from Train (20.0.0) but the service is not disabled',
    source: `${BASE_SRC}; ${TRAIN_SRC}`,
  },
];

export const CAPABILITIES: readonly CapabilityRow[] = [
  {
    driver: 'xenapi',
    action: 'reboot',
    supported: 'yes',
    releases: 'until 21.x (Ussuri); the driver was removed in 22.0.0 (Victoria)',
    answer: '200',
    source: XENAPI_SRC,
  },
  {
    driver: 'xenapi',
    action: 'shutdown',
    supported: 'yes',
    releases: 'until 21.x (Ussuri)',
    answer: '200',
    source: XENAPI_SRC,
  },
  {
    driver: 'xenapi',
    action: 'startup',
    supported: 'no',
    releases: 'all',
    answer: '501 ("Host startup on XenServer is not supported.")',
    source: XENAPI_SRC,
  },
  {
    driver: 'xenapi',
    action: 'maintenance-on',
    supported: 'yes',
    releases: 'until 21.x (Ussuri)',
    answer: '200',
    source: `${XENAPI_SRC}; ${MATRIX_SRC}`,
  },
  {
    driver: 'xenapi',
    action: 'maintenance-off',
    supported: 'yes',
    releases: 'until 21.x (Ussuri)',
    answer: '200',
    source: `${XENAPI_SRC}; ${MATRIX_SRC}`,
  },
  {
    driver: 'xenapi',
    action: 'enable',
    supported: 'yes',
    releases: 'until 21.x (Ussuri); updates the service disabled flag',
    answer: '200',
    source: XENAPI_SRC,
  },
  {
    driver: 'xenapi',
    action: 'disable',
    supported: 'yes',
    releases: 'until 21.x (Ussuri); updates the service disabled flag',
    answer: '200',
    source: XENAPI_SRC,
  },

  {
    driver: 'hyperv',
    action: 'reboot',
    supported: 'yes',
    releases: 'until 28.x (2023.2); the driver was removed in 29.0.0 (2024.1)',
    answer: '200',
    source: HYPERV_SRC,
  },
  {
    driver: 'hyperv',
    action: 'shutdown',
    supported: 'yes',
    releases: 'until 28.x (2023.2)',
    answer: '200',
    source: HYPERV_SRC,
  },
  {
    driver: 'hyperv',
    action: 'startup',
    supported: 'no',
    releases: 'all',
    answer: '501',
    source: `${HYPERV_SRC}; startup raises NotImplementedError`,
  },
  ...noMaintenance('hyperv'),
  ...noEnable('hyperv'),

  ...['libvirt', 'vmwareapi', 'ironic', 'powervm', 'zvm'].flatMap((d) => [
    ...noPower(d),
    ...noMaintenance(d),
    ...noEnable(d),
  ]),

  ...['reboot', 'shutdown', 'startup', 'maintenance-on', 'maintenance-off', 'enable', 'disable'].map(
    (action): CapabilityRow => ({
      driver: 'fake',
      action,
      supported: 'yes',
      releases: 'all (test driver only)',
      answer: '200',
      source: 'nova/virt/fake.py FakeDriver',
    }),
  ),
];

/** Actions that read the database and work whatever the driver. */
const DRIVER_INDEPENDENT = new Set(['list', 'show']);

export interface SupportAnswer {
  supported: Support;
  row: CapabilityRow | null;
}

/**
 * Could `action` (possibly combined, "disable+maintenance-on") have worked on
 * `driver`? 'unknown' for an unknown driver or an action whose effect the log
 * did not show (a plain `update`).
 */
export function supportOf(action: string, driver: string | null): SupportAnswer {
  const parts = action.split('+');
  if (parts.every((p) => DRIVER_INDEPENDENT.has(p))) return { supported: 'yes', row: null };
  if (driver === null) return { supported: 'unknown', row: null };
  let row: CapabilityRow | null = null;
  for (const p of parts) {
    const r = CAPABILITIES.find((c) => c.driver === driver && c.action === p);
    if (!r) return { supported: 'unknown', row: null };
    row ??= r;
    if (r.supported === 'no') return { supported: 'no', row: r };
  }
  return { supported: 'yes', row };
}

/** Whether the capability matrix covers this api at all (it is about os-hosts). */
export const HAS_CAPABILITIES = (api: string): boolean => api === 'os-hosts';
