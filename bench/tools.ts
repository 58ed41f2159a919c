/**
 * The external programs the bench compares apicensus with, found once at
 * start: which are there, their versions, and what is missing (with the
 * package that brings it), so the output says why a row was skipped.
 */
import { findGnuTime, measure, onPath, versionOf } from './measure.js';

export interface ToolSet {
  grep: string | null;
  gnuTime: string | null;
  lnav: string | null;
  goaccess: string | null;
  zcat: string | null;
  bash: string | null;
  /** Versions as the tools print them (first line). */
  versions: Record<string, string | null>;
  /** "lnav: not installed (apt-get install -y lnav)" and the like. */
  missing: string[];
}

export async function findTools(): Promise<ToolSet> {
  const missing: string[] = [];
  const need = (program: string, pkg: string, why: string): string | null => {
    const p = onPath(program);
    if (!p) missing.push(`${program}: not installed (apt-get install -y ${pkg}); ${why}`);
    return p;
  };
  const grep = need('grep', 'grep', 'required: the baseline of every ratio');
  const bash = need('bash', 'bash', 'needed for the zcat | grep pipelines');
  const zcat = need('zcat', 'gzip', 'needed for the zcat | grep baselines of --gz and --rotated');
  const lnav = need('lnav', 'lnav', 'its rows are skipped');
  const goaccess = need('goaccess', 'goaccess', 'its row is skipped');
  let gnuTime = findGnuTime();
  if (gnuTime) {
    // Make sure it is GNU time (-f %M), not another `time`.
    const probe = await measure({ argv: [gnuTime, '-f', '%M', 'true'] }, null).catch(() => null);
    if (!probe || probe.exitCode !== 0 || !/^\d+\s*$/.test(probe.stderr.trim().split('\n').pop() ?? '')) gnuTime = null;
  }
  if (!gnuTime)
    missing.push(
      'GNU time: not installed (apt-get install -y time); ' +
        'peak RSS is read by polling /proc instead (can miss short-lived peaks)',
    );

  const versions: Record<string, string | null> = {
    node: process.version,
    grep: grep ? await versionOf(['grep', '--version']) : null,
    lnav: lnav ? await versionOf(['lnav', '-V']) : null,
    goaccess: goaccess ? await versionOf(['goaccess', '--version']) : null,
    gnuTime: gnuTime ? await versionOf([gnuTime, '--version']) : null,
    zcat: zcat ? await versionOf(['zcat', '--version']) : null,
    pigz: onPath('pigz') ? await versionOf(['pigz', '--version']) : null,
    gzip: onPath('gzip') ? await versionOf(['gzip', '--version']) : null,
  };
  return { grep, gnuTime, lnav, goaccess, zcat, bash, versions, missing };
}
