/**
 * What the full suite needs from the machine beyond `npm install` (README, "What the tests need").
 * Without one, the tests that use it are skipped and the run says so at the end, with how to
 * install it (test/global-setup.ts); with its APICENSUS_REQUIRE_* variable set to 1 (.ci/run sets
 * them), a missing one fails the run instead: CI never skips them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface MachineNeed {
  /** What it is, as a reader would call it. */
  name: string;
  /** Where it was found; null when missing. */
  path: string | null;
  /** Where it was looked for. */
  looked: readonly string[];
  /** The test files that use it (from the repository root). */
  files: readonly string[];
  /** How to get it. */
  install: string;
  /** The environment variable that makes it required (1: a missing one fails the run). */
  requireEnv: string;
}

const firstExisting = (paths: readonly string[]): string | null => paths.find((p) => existsSync(p)) ?? null;

function need(n: Omit<MachineNeed, 'path'>): MachineNeed {
  return { ...n, path: firstExisting(n.looked) };
}

/** Debian's Chromium, driven by playwright-core (which downloads no browser). APICENSUS_CHROMIUM names another. */
export function chromiumNeed(): MachineNeed {
  return need({
    name: "Debian's Chromium",
    looked: [process.env.APICENSUS_CHROMIUM ?? '/usr/bin/chromium'],
    files: ['test/html-browser.test.ts'],
    install: 'apt-get install -y --no-install-recommends chromium (or set APICENSUS_CHROMIUM to a Chromium binary)',
    requireEnv: 'APICENSUS_REQUIRE_BROWSER',
  });
}

/** Debian's logrotate, which runs the hook's stanza. APICENSUS_LOGROTATE names another. */
export function logrotateNeed(): MachineNeed {
  const env = process.env.APICENSUS_LOGROTATE;
  return need({
    name: "Debian's logrotate",
    looked: env !== undefined ? [env] : ['/usr/sbin/logrotate', '/sbin/logrotate', '/usr/bin/logrotate'],
    files: ['test/logrotate.test.ts'],
    install: 'apt-get install -y --no-install-recommends logrotate (or set APICENSUS_LOGROTATE to a logrotate binary)',
    requireEnv: 'APICENSUS_REQUIRE_LOGROTATE',
  });
}

/** Debian's systemd-journal-remote, which writes the real journal files test/journal.test.ts reads with journalctl. */
export function journalRemoteNeed(): MachineNeed {
  const env = process.env.APICENSUS_JOURNAL_REMOTE;
  return need({
    name: "Debian's systemd-journal-remote",
    looked:
      env !== undefined ? [env] : ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'],
    files: ['test/journal.test.ts'],
    install: 'apt-get install -y --no-install-recommends systemd-journal-remote (journalctl comes with systemd)',
    requireEnv: 'APICENSUS_REQUIRE_JOURNAL',
  });
}

/** The real public logs next to the repository (never copied into it), for the checks on real lines. */
export function realLogsNeed(): MachineNeed {
  const dir = fileURLToPath(new URL('../../shared/real-logs/', import.meta.url));
  const n = need({
    name: 'the real public logs',
    looked: [`${dir}nova/`, `${dir}lb/`],
    files: [
      'test/real-logs-nova.test.ts',
      'test/parsers-nova.test.ts',
      'test/parsers-frontends.test.ts',
      'test/nova-access-scan.test.ts',
    ],
    install: 'put the logs listed in shared/real-logs/SOURCES.md in ../shared/real-logs next to the repository',
    requireEnv: 'APICENSUS_REQUIRE_REAL_LOGS',
  });
  // Both folders: the tests read nova/ and lb/.
  return { ...n, path: n.looked.every((p) => existsSync(p)) ? dir : null };
}

export const MACHINE_NEEDS = (): MachineNeed[] => [
  chromiumNeed(),
  logrotateNeed(),
  journalRemoteNeed(),
  realLogsNeed(),
];

export const isRequired = (n: MachineNeed): boolean => process.env[n.requireEnv] === '1';

/** Skip a need's tests only when it is missing and not required (required and missing: they run and fail). */
export const skipWithout = (n: MachineNeed): boolean => n.path === null && !isRequired(n);

/** Why a need's tests cannot run, and how to make them run. */
export function missing(n: MachineNeed): string {
  return `${n.name}: not found (looked for ${n.looked.join(', ')}). To run ${n.files.join(', ')}: ${n.install}.`;
}
