/**
 * The verdict: in words, what the calls of the studied API add up to, and
 * whether the logs could see them.
 */
import { groups } from 'd3-array';
import type { ActionSummary, ApiReport, Coverage, SetAsideRow, SupportRow, Verdict } from '../../reports/model.js';
import { setAsideText } from './evidence.js';
import { plural } from './tally.js';

/** What the verdict weighs besides the API's own calls. */
export interface VerdictFacts {
  /** Requests to the API's service, each counted once. */
  requests: number;
  sources: number;
  answer: Pick<Verdict, 'answerable' | 'reasons'>;
  coverage: Coverage;
  /** nova-api logged lines but no access line. */
  silentNova: boolean;
  /** Unreadable lines (malformed, over-long) that name the API. */
  unreadable: number;
  /** Front-end lines with the API's route that went to another service. */
  setAside: readonly SetAsideRow[];
}

const num = (n: number): string => n.toLocaleString('en-US');

/** At most five names, then how many more: a verdict names examples, the report lists them all. */
const firstFew = (names: readonly string[], n = 5): string =>
  names.length <= n ? names.join(', ') : `${names.slice(0, n).join(', ')} and ${num(names.length - n)} more`;

function listActions(actions: readonly ActionSummary[]): string {
  return actions.map((a) => `${a.action} ${num(a.calls)}`).join(', ');
}

function statusesText(rows: readonly SupportRow[]): string {
  const total: Record<string, number> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r.statuses)) total[k] = (total[k] ?? 0) + v;
  return Object.entries(total)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k}×${v}`)
    .join(', ');
}

/**
 * Sentences on the calls that act on a host's driver (not list/show, which
 * read the database): how many could never have worked there, how many could,
 * and which actions nobody can depend on.
 */
export function driverVerdict(a: ApiReport): string[] {
  const acting = a.support.filter((r) => r.action !== 'list' && r.action !== 'show');
  if (acting.length === 0) return [];
  const sum = (rows: readonly SupportRow[]): number => rows.reduce((n, r) => n + r.calls, 0);
  const detail = (rows: readonly SupportRow[]): string =>
    rows.map((r) => `${r.action} on ${r.driver} ${r.calls}`).join(', ');
  const never = acting.filter((r) => r.supported === 'no');
  const could = acting.filter((r) => r.supported === 'yes');
  const unjudged = acting.filter((r) => r.supported === 'unknown');
  const unknownDriver = sum(unjudged);
  const missing = new Set(a.unknownHosts.map((h) => h.host));
  const missingHere = [...new Set(unjudged.flatMap((r) => r.hosts).filter((h) => missing.has(h)))].sort();
  const parts: string[] = [];
  if (never.length)
    parts.push(
      `${sum(never)} could never have worked on that host's driver (${detail(never)}; answered ${statusesText(never)})`,
    );
  if (could.length)
    parts.push(
      `${sum(could)} could (${detail(could)}; ${sum(could.map((r) => ({ ...r, calls: r.succeeded })))} succeeded)`,
    );
  if (unknownDriver) {
    parts.push(
      `${unknownDriver} cannot be judged` +
        (missingHere.length
          ? ` (hosts not in the inventory: ${firstFew(missingHere)}; import them with \`apicensus inventory import\`)`
          : ' (the driver, or what the update did, is not known)'),
    );
  }
  const out = [`Of ${plural(sum(acting), 'call')} acting on a host's driver, ${parts.join('; ')}.`];
  const hopeless = [...new Set(never.map((r) => r.action))].filter((action) =>
    acting.filter((r) => r.action === action).every((r) => r.supported === 'no'),
  );
  if (hopeless.length)
    out.push(
      `Nobody can depend on ${hopeless.join(', ')}: ` +
        `every call went to a driver that never implemented ${hopeless.length === 1 ? 'it' : 'them'}.`,
    );
  return out;
}

function unusedVerdict(a: ApiReport, f: VerdictFacts): Verdict {
  const aside = setAsideText(a.api, f.setAside);
  const requests = plural(f.requests, `${a.service}-API request`);
  const points = [
    aside
      ? `No ${a.api} call counted in ${requests} from ${plural(f.sources, 'source')}, but ${aside}`
      : `No ${a.api} call in ${requests} from ${plural(f.sources, 'source')}.`,
  ];
  if (f.requests === 0) {
    let why = `The logs read hold no ${a.service} request at all, so they cannot say whether anyone calls ${a.api}`;
    if (f.coverage.blindHours > 0)
      why += `: the front end logged ${plural(f.coverage.opaqueConnections, 'connection')} in TCP mode, without paths`;
    else if (f.silentNova) why += ": nova-api's log has no access lines (request_log is missing from api-paste.ini)";
    points.push(`${why}.`);
  } else if (f.answer.answerable === 'partly') {
    points.push(`The logs cannot rule calls out: ${f.answer.reasons.join('; ')}.`);
  }
  if (f.unreadable > 0)
    points.push(
      `${plural(f.unreadable, 'unreadable line')} name ${a.api} (see the malformed lines): ` +
        'a call among them cannot be ruled out.',
    );
  return {
    api: a.api,
    used: false,
    ...f.answer,
    summary: points.join(' '),
    points,
    actionsWithoutReplacement: [],
  };
}

export function verdictFor(a: ApiReport, f: VerdictFacts): Verdict {
  if (a.calls === 0) return unusedVerdict(a, f);
  const without = a.actions.filter((x) => x.replacement === null && x.deprecated && x.action !== 'other');
  const span = a.firstSeen && a.lastSeen ? ` between ${a.firstSeen.slice(0, 10)} and ${a.lastSeen.slice(0, 10)}` : '';
  const ok = a.actions.reduce((n, x) => n + x.succeeded, 0);
  const points = [
    `${a.api} was called ${plural(a.calls, 'time')} by ${plural(a.projects, 'project')} ` +
      `(${plural(a.users, 'user')})${span}: ${listActions(a.actions)}.`,
    `${plural(ok, 'call')} succeeded (2xx), ${num(a.calls - ok)} did not.`,
  ];
  if (a.refused > 0) {
    points.push(
      a.removed
        ? `${plural(a.refused, 'call')} ${a.refused === 1 ? 'was' : 'were'} refused: ` +
            `the API was removed in ${a.removed.release}.`
        : `${plural(a.refused, 'call')} asked for a microversion the API no longer serves ` +
            `and ${a.refused === 1 ? 'was' : 'were'} refused.`,
    );
  }
  if (without.length > 0)
    points.push(`${without.map((x) => x.action).join(', ')} ${without.length === 1 ? 'has' : 'have'} no replacement.`);
  const moves = groups(
    a.actions.filter((x) => x.replacement !== null),
    (x) => x.moveTo ?? x.replacement!,
  ).map(([to, xs]) => `${xs.map((x) => x.action).join(' and ')} → ${to}`);
  if (moves.length > 0) points.push(`Move ${moves.join('; ')}.`);
  points.push(...driverVerdict(a));
  const front = a.seenWhere.frontEndOnly;
  if (front > 0)
    points.push(
      `${plural(front, 'call')} ${front === 1 ? 'appears' : 'appear'} only in front-end logs ` +
        '(no nova line: user and microversion unknown).',
    );
  const aside = setAsideText(a.api, f.setAside);
  if (aside) points.push(`Besides, ${aside}`);
  return {
    api: a.api,
    used: true,
    ...f.answer,
    summary: points.join(' '),
    points,
    actionsWithoutReplacement: without.map((x) => x.action),
  };
}
