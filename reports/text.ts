/**
 * The default report, for an 80-column terminal. Its first screen (24 lines)
 * is the answer: can the logs answer and why not, the time they cover, and per
 * API one line per action (calls, callers, last seen, could it work on the
 * drivers called, what to move to). Details follow; long lists stop at ten
 * rows with "… and N more" and the command that shows them all.
 */
import {
  ALL_HINT,
  actionCounts,
  day,
  deprecationText,
  gapText,
  moveToText,
  num,
  onDriversText,
  plural,
  sharePercent,
  shortTime,
  spanText,
  statuses,
  table,
  truncate,
  wrap,
  windowText,
  type RenderOptions,
  addressDimension,
  callerDimensions,
  type DimRow,
} from './format.js';
import type { ActionSummary, ApiReport, Report } from './model.js';
import { overviewLines } from './overview.js';
import { frontendText, zoneText } from './evidence-notes.js';

const WIDTH = 80;
/** The first screen: what an operator sees before anything scrolls. */
export const SCREEN_LINES = 24;
const TOP = 10;

/** One line, cut to the width with '…'. */
const fit = (line: string): string => truncate(line, WIDTH);

/** "… and 57 more (all: apicensus report --all)" when `shown` of `total` rows were listed. */
const more = (shown: number, total: number, indent: string, what = ''): string[] =>
  total > shown ? [fit(`${indent}… and ${num(total - shown)} more${what} (all: ${ALL_HINT})`)] : [];

const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function answerLines(r: Report): string[] {
  const v = r.verdict;
  const head = `Can the logs answer? ${capitalised(v.answerable)}`;
  if (v.reasons.length === 0)
    return [fit(`${head}: ${plural(r.span.daysWithLogs, 'day')} with logs, no gap, every hour with paths.`)];
  if (v.reasons.length === 1 && head.length + 2 + v.reasons[0]!.length <= WIDTH) return [`${head}: ${v.reasons[0]}`];
  return [`${head}:`, ...v.reasons.map((x) => fit(`  - ${x}`))];
}

/** The time the logs cover, and as many gaps as fit on one line. */
function spanLines(r: Report): string[] {
  const s = r.span;
  const asked = r.window.from !== null || r.window.to !== null ? ` (asked: ${windowText(r.window)})` : '';
  const out = [fit(`Logs: ${spanText(s)} · ${num(s.daysWithLogs)} of ${plural(s.days, 'day')} with logs${asked}`)];
  if (s.gaps.length === 0) return out;
  let line = '  no logs:';
  let shown = 0;
  for (const g of s.gaps) {
    const rest = s.gaps.length - shown - 1;
    const next = `${line}${shown ? ',' : ''} ${gapText(g)}`;
    const tail = rest > 0 ? `, … and ${num(rest)} more` : '';
    if ((next + tail).length > WIDTH) break;
    line = next;
    shown++;
  }
  if (shown < s.gaps.length) line += `${shown ? ',' : ''} … and ${num(s.gaps.length - shown)} more`;
  out.push(fit(line));
  return out;
}

/** Column widths of the per-action lines: the action column as wide as the longest name (at most 20). */
function actionColumns(apis: readonly ApiReport[]): { action: number; works: number; move: number } {
  const longest = Math.max(6, ...apis.flatMap((a) => a.actions.map((x) => x.action.length)));
  const action = Math.min(20, longest);
  // 2 indent + action + calls 6 + callers 7 + last seen 10 + works + move, with a space between each.
  const rest = WIDTH - 2 - action - 1 - 6 - 1 - 7 - 1 - 10 - 1;
  const works = Math.min(16, Math.floor(rest / 2));
  return { action, works, move: rest - works - 1 };
}

function actionHeader(c: ReturnType<typeof actionColumns>): string {
  return [
    '  ' + 'ACTION'.padEnd(c.action),
    'CALLS'.padStart(6),
    'CALLERS'.padStart(7),
    'LAST SEEN'.padEnd(10),
    'WORKS ON DRIVER'.padEnd(c.works),
    'MOVE TO',
  ]
    .join(' ')
    .trimEnd();
}

function actionLine(x: ActionSummary, c: ReturnType<typeof actionColumns>): string {
  return [
    '  ' + truncate(x.action, c.action).padEnd(c.action),
    num(x.calls).padStart(6),
    num(x.projects).padStart(7),
    day(x.lastSeen).padEnd(10),
    truncate(onDriversText(x.onDrivers), c.works).padEnd(c.works),
    truncate(moveToText(x), c.move),
  ]
    .join(' ')
    .trimEnd();
}

/** The API's one-line headline: status, calls, callers, last seen. */
function apiHeadline(a: ApiReport): string {
  const dep = deprecationText(a);
  const what =
    a.calls === 0
      ? 'no call'
      : `${plural(a.calls, 'call')} by ${plural(a.projects, 'project')}, last ${day(a.lastSeen)}` +
        (a.refused > 0 ? `, ${num(a.refused)} refused` : '');
  const at = a.deprecated?.microversion ? `${a.status} at ${a.deprecated.microversion}` : a.status;
  for (const status of [dep || 'current', at, a.status]) {
    const line = `${a.api.toUpperCase()}, ${status}: ${what}`;
    if (line.length <= WIDTH) return line;
  }
  return fit(`${a.api.toUpperCase()}, ${a.status}: ${what}`);
}

/**
 * Per API, its headline and one line per action, within `room` lines. Every API gets its
 * headline; then in order each gets its actions under column titles while they fit, or what
 * fits and a line saying how many follow below (the studied API, first, is cut last).
 */
function actionBlocks(apis: readonly ApiReport[], room: number): string[] {
  const c = actionColumns(apis);
  let left = room - apis.length;
  const out: string[] = [];
  for (const a of apis) {
    out.push(apiHeadline(a));
    const n = a.actions.length;
    if (a.calls === 0 || n === 0) continue;
    if (n + 1 <= left) {
      out.push(actionHeader(c), ...a.actions.map((x) => actionLine(x, c)));
      left -= n + 1;
    } else if (left >= 3) {
      const fits = left - 2;
      out.push(actionHeader(c), ...a.actions.slice(0, fits).map((x) => actionLine(x, c)));
      out.push(`  … and ${plural(n - fits, 'more action')} below`);
      left = 0;
    } else if (left >= 1) {
      out.push(`  … ${plural(n, 'action')} below`);
      left -= 1;
    }
  }
  return out;
}

/** The first screen: the answer. At most SCREEN_LINES lines (with many APIs, one line per API instead). */
export function renderFirstScreen(r: Report): string {
  return firstScreen(r).join('\n').trimEnd() + '\n';
}

function firstScreen(r: Report): string[] {
  const title = `apicensus report — ${r.verdict.api}`;
  const out = [
    title + `generated ${shortTime(r.generatedAt)} UTC`.padStart(WIDTH - title.length),
    '='.repeat(WIDTH),
    ...answerLines(r),
    ...spanLines(r),
    '',
  ];
  if (r.apis.length > 2) return [...out, ...overviewLines(r.apis)];
  return [...out, ...actionBlocks(r.apis, SCREEN_LINES - out.length)];
}

function replacementLines(a: ApiReport): string[] {
  return a.actions.map((x) =>
    wrap(`${x.action}: ${x.deprecated ? (x.replacement ?? 'none') : 'current, nothing to replace'}`, WIDTH, '    ')
      .replace(/^ {4}/, '  - ')
      .replace(/\n {4}/g, '\n    '),
  );
}

/** A "By …" list: ten rows unless `all`, then "… and N more". */
function dimLines(title: string, rows: readonly DimRow[], all: boolean): string[] {
  if (rows.length === 0) return [];
  const shown = all ? rows : rows.slice(0, TOP);
  const out = ['', `  ${title}`];
  for (const r of shown) {
    const right = `${num(r.calls).padStart(6)} · last ${day(r.last)}`;
    out.push(`    ${truncate(r.name, WIDTH - 6 - right.length).padEnd(WIDTH - 6 - right.length)}${right}`);
    out.push(wrap(actionCounts(r.actions), WIDTH, '        '));
  }
  return [...out, ...more(shown.length, rows.length, '    ')];
}

function headLines(a: ApiReport): string[] {
  const dep = deprecationText(a);
  return [
    fit(`${a.api.toUpperCase()} — ${a.title}${dep ? ` — ${dep}` : ' — current'}`),
    wrap(
      `calls ${num(a.calls)} · projects ${num(a.projects)} · users ${num(a.users)} · first ${shortTime(a.firstSeen)} ` +
        `· last ${shortTime(a.lastSeen)}` +
        (a.perHundredThousand !== null ? ` · ${sharePercent(a.perHundredThousand)} of ${a.service} requests` : '') +
        (a.refused > 0 ? ` · refused (${a.removed ? 'API removed' : 'too new a microversion'}) ${num(a.refused)}` : ''),
      WIDTH,
      '  ',
    ),
    '',
    table(a.actions, [
      { title: 'ACTION', width: 18, value: (r) => r.action },
      { title: 'CALLS', width: 6, align: 'right', value: (r) => num(r.calls) },
      { title: '2XX', width: 5, align: 'right', value: (r) => num(r.succeeded) },
      { title: 'OTHER', width: 5, align: 'right', value: (r) => num(r.failed) },
      { title: 'PROJ', width: 4, align: 'right', value: (r) => num(r.projects) },
      { title: 'STATUSES', width: 32, value: (r) => statuses(r.statuses) },
    ]),
    '',
    '  Replacements:',
    ...replacementLines(a),
  ];
}

function driverLines(a: ApiReport, all: boolean): string[] {
  const out: string[] = [];
  if (a.byDriver.length > 0) {
    out.push('', '  By virt driver of the host named');
    for (const d of a.byDriver) {
      const hosts =
        all || d.hosts.length <= TOP ? d.hosts : [...d.hosts.slice(0, TOP), `… and ${num(d.hosts.length - TOP)} more`];
      out.push(`    ${d.driver.padEnd(WIDTH - 12)}${num(d.calls).padStart(6)}`);
      out.push(wrap(`${actionCounts(d.actions)} · hosts ${hosts.join(', ')}`, WIDTH, '        '));
    }
  }
  const matrix = a.support.filter((x) => x.action !== 'list' && x.action !== 'show');
  if (matrix.length > 0) {
    out.push('', '  Could the action work on that driver? (capability matrix)');
    out.push(
      table(
        matrix,
        [
          { title: 'ACTION', width: 16, value: (r) => r.action },
          { title: 'DRIVER', width: 10, value: (r) => r.driver },
          { title: 'WORKS', width: 7, value: (r) => r.supported },
          { title: 'CALLS', width: 5, align: 'right', value: (r) => num(r.calls) },
          { title: 'ANSWERED', width: 32, value: (r) => statuses(r.statuses) },
        ],
        '    ',
      ),
    );
  }
  if (a.unknownHosts.length > 0) {
    const shown = all ? a.unknownHosts : a.unknownHosts.slice(0, TOP);
    out.push(
      wrap(
        `  Not in the inventory (\`apicensus inventory import\` what is missing): ` +
          `${shown.map((h) => `${h.host} (${num(h.calls)})`).join(', ')}`,
        WIDTH,
        '  ',
      ),
      ...more(shown.length, a.unknownHosts.length, '  '),
    );
  }
  if (a.ambiguousHosts.length > 0) {
    out.push(
      wrap(
        `  Ambiguous host names: ${a.ambiguousHosts.map((h) => `${h.host} → ${h.candidates.join(' | ')}`).join('; ')}`,
        WIDTH,
        '  ',
      ),
    );
  }
  return out;
}

function clientLines(a: ApiReport, all: boolean): string[] {
  if (!a.byClient.some((c) => c.client !== 'not logged')) return [];
  const shown = all ? a.byClient : a.byClient.slice(0, TOP);
  const out = ['', '  By client (User-Agent family; addresses where known)'];
  for (const c of shown) {
    out.push(`    ${`${c.client}${c.version ? ` ${c.version}` : ''}`.padEnd(WIDTH - 12)}${num(c.calls).padStart(6)}`);
    out.push(
      wrap(
        actionCounts(c.actions) + (c.addresses.length ? ` · from ${c.addresses.join(', ')}` : ''),
        WIDTH,
        '        ',
      ),
    );
  }
  return [...out, ...more(shown.length, a.byClient.length, '    ')];
}

function apiSection(a: ApiReport, all: boolean): string[] {
  if (a.calls === 0) return [...headLines(a).slice(0, 1), '  no calls'];
  const w = a.seenWhere;
  return [
    ...headLines(a),
    ...callerDimensions(a).flatMap((d) => dimLines(d.title, d.rows, all)),
    ...driverLines(a, all),
    ...clientLines(a, all),
    ...[addressDimension(a)].flatMap((d) => dimLines(d.title, d.rows, all)),
    '',
    wrap(
      `By microversion: ${a.byMicroversion.map((m) => `${m.microversion ?? 'not logged'} ${num(m.calls)}`).join(', ')}`,
      WIDTH,
      '  ',
    ),
    wrap(
      `Seen in: nova's log only ${num(w.novaOnly)}, front-end logs only ${num(w.frontEndOnly)}, both ${num(w.both)}` +
        (w.auditOnly ? `, audit events only ${num(w.auditOnly)}` : '') +
        ` (${Object.entries(a.seenIn)
          .map(([k, v]) => `${k} ${num(v)}`)
          .join(', ')})`,
      WIDTH,
      '  ',
    ),
  ];
}

function inputLines(r: Report): string[] {
  const service = r.apis[0]!.service;
  const layers = Object.entries(r.inputs.requestsByLayer);
  const out = [
    'INPUTS',
    wrap(
      `${plural(r.inputs.sources, 'source')} · ${plural(r.inputs.linesRead, 'line')} · ` +
        `${plural(r.inputs.requests, `${service} request`)} · ${num(r.inputs.malformed)} malformed` +
        (layers.length > 1 ? ` · by layer: ${layers.map(([k, v]) => `${k} ${num(v)}`).join(', ')}` : ''),
      WIDTH,
      '  ',
    ),
    wrap(
      `times in UTC; front-end logs without an offset read as ${zoneText(r.timezones.frontEnd, r.clock.machineZone)}` +
        `, nova's as ${zoneText(r.timezones.nova, r.clock.machineZone)}`,
      WIDTH,
      '  ',
    ),
  ];
  if (r.frontends.length > 0) {
    const picked = r.frontends.filter((f) => f.service === service);
    const others = r.frontends.filter((f) => f.service !== service);
    out.push(
      wrap(
        `front ends counted as ${service}: ${
          picked.length ? picked.map((f) => frontendText(f, false)).join(', ') : 'none'
        }`,
        WIDTH,
        '  ',
      ),
    );
    if (others.length)
      out.push(wrap(`other front ends: ${others.map((f) => frontendText(f, true)).join(', ')}`, WIDTH, '  '));
  }
  return out;
}

/** Every day without logs, ten unless `all`. */
function gapLines(r: Report, all: boolean): string[] {
  const s = r.span;
  const out = [
    'LOGS BY DAY',
    wrap(
      `${spanText(s)}: ${num(s.daysWithLogs)} of ${plural(s.days, 'day')} with logs of the ${r.apis[0]!.service} ` +
        `service (at least ${plural(s.minDays, 'day')} wanted, --min-days)`,
      WIDTH,
      '  ',
    ),
  ];
  if (s.gaps.length === 0) return [...out, '  no day without logs'];
  const shown = all ? s.gaps : s.gaps.slice(0, TOP);
  out.push(
    `  ${plural(s.gaps.length, 'gap')}, ${plural(
      s.gaps.reduce((n, g) => n + g.days, 0),
      'day',
    )} without logs:`,
  );
  for (const g of shown) out.push(`    ${gapText(g)}`);
  return [...out, ...more(shown.length, s.gaps.length, '    ')];
}

function sourceLines(r: Report, all: boolean): string[] {
  if (r.sources.length === 0) return [];
  const shown = all ? r.sources : r.sources.slice(0, TOP * 2);
  const out = [
    `SOURCES (${num(r.sources.length)})`,
    `  ${'FORMAT'.padEnd(11)} ${'LINES'.padStart(7)} ${'REQ'.padStart(6)} ${'DAYS'.padEnd(21)} PATH`,
  ];
  for (const s of shown) {
    const days = s.firstSeen === null ? '-' : `${day(s.firstSeen)}…${day(s.lastSeen)}`;
    const facts =
      [
        '  ' + truncate(s.format, 11).padEnd(11),
        num(s.lines).padStart(7),
        num(s.requests).padStart(6),
        days.padEnd(21),
      ].join(' ') + ' ';
    const room = WIDTH - facts.length;
    out.push(facts + (s.path.length <= room ? s.path : `…${s.path.slice(s.path.length - room + 1)}`));
  }
  return [...out, ...more(shown.length, r.sources.length, '  ')];
}

function malformedLines(r: Report): string[] {
  if (r.malformedExamples.length === 0) return [];
  const out = ['MALFORMED LINES (first examples)'];
  for (const m of r.malformedExamples) {
    const where = `${m.path}:${m.line}`;
    out.push(`  ${where.length > WIDTH - 2 ? `…${where.slice(where.length - (WIDTH - 3))}` : where}`);
    out.push(wrap(m.reason, WIDTH, '    '));
    out.push(`    ${truncate(m.text, WIDTH - 4)}`);
  }
  return out;
}

const bullets = (items: readonly string[]): string[] =>
  items.map((x) => wrap(x, WIDTH, '    ').replace(/^ {4}/, '  - '));

export function renderText(r: Report, opts: RenderOptions = {}): string {
  const all = opts.all ?? false;
  const blocks: string[][] = [firstScreen(r)];
  if (r.warnings.length) blocks.push(['WARNINGS', ...bullets(r.warnings)]);
  blocks.push(['VERDICT', ...bullets(r.verdict.points)]);
  blocks.push(inputLines(r), gapLines(r, all));
  for (const a of r.apis) blocks.push(apiSection(a, all));
  blocks.push(sourceLines(r, all), malformedLines(r));
  blocks.push([wrap(`How totals are counted: ${r.inputs.deduplication}`, WIDTH)]);
  return (
    blocks
      .filter((b) => b.length > 0)
      .map((b) => b.join('\n'))
      .join('\n\n') + '\n'
  );
}
