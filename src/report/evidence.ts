/**
 * The report's account of its own evidence: which front ends were attributed to which service
 * and why, the compute routes set aside, and two layers on different clocks. Plain functions of
 * stored rows, used by src/report/build.ts.
 */
import type { Decision, FrontendRow, SetAsideRow } from '../../reports/model.js';
import type { ClockSkew } from '../store/clock-check.js';
import { zoneForOffset, zoneOffsetMinutes } from '../timezone.js';

/** One row per front end and service from the stored rows (most requests first, as stored). */
export function frontendRows(
  rows: readonly (Decision & { layer: string; name: string; service: string })[],
): FrontendRow[] {
  const by = new Map<string, FrontendRow>();
  for (const r of rows) {
    const k = `${r.layer}\t${r.name}\t${r.service}`;
    let f = by.get(k);
    if (!f)
      by.set(
        k,
        (f = {
          layer: r.layer,
          name: r.name,
          service: r.service,
          requests: 0,
          decidedBy: r.decidedBy,
          evidence: r.evidence,
          decisions: [],
        }),
      );
    f.requests += r.requests;
    f.decisions.push({ decidedBy: r.decidedBy, evidence: r.evidence, requests: r.requests });
  }
  return [...by.values()].sort(
    (a, b) =>
      b.requests - a.requests ||
      a.name.localeCompare(b.name) ||
      a.service.localeCompare(b.service) ||
      a.layer.localeCompare(b.layer),
  );
}

const count = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const nameOf = (name: string): string => name || '(unnamed)';

/** "3 front-end lines with os-hosts's route went to other services (…)": for the verdict and the warning. */
export function setAsideText(api: string, rows: readonly SetAsideRow[]): string | null {
  const n = rows.reduce((s, r) => s + r.requests, 0);
  if (n === 0) return null;
  const shown = rows
    .slice(0, 4)
    .map(
      (r) => `${nameOf(r.name)} → ${r.service} ${r.requests.toLocaleString('en-US')} (${r.decidedBy}: ${r.evidence})`,
    );
  if (rows.length > 4) shown.push(`${rows.length - 4} more`);
  return (
    `${count(n, 'front-end line')} with ${api}'s route in a path nova also serves ${n === 1 ? 'was' : 'were'} not ` +
    `counted as compute: ${shown.join('; ')}. If those front ends serve nova's API, name them with --frontend.`
  );
}

const LAYER_NAMES: Record<string, string> = { lb: 'load-balancer logs', web: 'web-server logs', nova: "nova's logs" };
const optionOf = (layer: string): string => (layer === 'nova' ? '--nova-timezone' : '--timezone');

/** A warning naming the option that puts two layers on one clock. */
export function clockWarning(s: ClockSkew, zones: { frontEnd: string | null; nova: string | null }): string {
  const zoneOf = (layer: string): string | null => (layer === 'nova' ? zones.nova : zones.frontEnd);
  const h = Math.abs(s.hours);
  const head =
    `${count(s.pairs, 'line')} in ${LAYER_NAMES[s.first]} ${s.pairs === 1 ? 'has' : 'have'} ` +
    'a line of the same route and ' +
    `status in ${LAYER_NAMES[s.second]} ${count(h, 'hour')} ${s.hours > 0 ? 'later' : 'earlier'} ` +
    `(${s.atZero.toLocaleString('en-US')} at the same time): ` +
    'one of them was read in the wrong time zone, so those calls count twice.';
  // Lines of `second` read `hours` after `first`: `second`'s zone is `hours` further east, or
  // `first`'s further west.
  const fixes: { layer: string; zone: string; offset: number }[] = [];
  for (const [layer, shift] of [
    [s.second, s.hours],
    [s.first, -s.hours],
  ] as const) {
    const zone = zoneOf(layer);
    if (zone === null) continue;
    const offset = zoneOffsetMinutes(zone, s.sampleTime) + shift * 60;
    if (Math.abs(offset) <= 14 * 60) fixes.push({ layer, zone, offset });
  }
  if (fixes.length === 0) return head;
  fixes.sort((a, b) => Number(b.offset === 0) - Number(a.offset === 0));
  const sameOption = optionOf(s.first) === optionOf(s.second);
  const said = fixes.map((f) => {
    const utc = f.offset === 0 ? 'UTC' : `UTC${f.offset > 0 ? '+' : '-'}${Math.abs(f.offset) / 60}`;
    const run = sameOption ? ` (in a run of their own)` : '';
    const region = f.offset === 0 ? '' : ", or the region's zone name if it has summer time";
    return (
      `if ${LAYER_NAMES[f.layer]} were written in ${utc} (they were read in ${f.zone}), ` +
      `ingest them${run} with \`${optionOf(f.layer)} ${zoneForOffset(f.offset)}\`${region}`
    );
  });
  const fix = said.join('; or ');
  return `${head} ${fix[0]!.toUpperCase()}${fix.slice(1)}. Use a new database: files already read are not read again.`;
}
