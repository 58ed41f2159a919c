/**
 * Markdown that reads well pasted into a mailing-list post or a review: the
 * same facts as the text report, in the same order (the answer first).
 */
import {
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
  windowText,
  type RenderOptions,
  addressDimension,
  callerDimensions,
  type DimRow,
} from './format.js';
import { frontendText, zoneText } from './evidence-notes.js';
import type { ApiReport, Report } from './model.js';

const TOP = 15;
const ALL = 'apicensus report --format markdown --all';
const esc = (s: string): string => s.replace(/\|/g, '\\|');

function mdTable(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** The first `TOP` of a list unless `all`, and the line that says what was left out. */
function capped<T>(rows: readonly T[], all: boolean): { shown: readonly T[]; more: string[] } {
  if (all || rows.length <= TOP) return { shown: rows, more: [] };
  return { shown: rows.slice(0, TOP), more: ['', `… and ${num(rows.length - TOP)} more (all: \`${ALL}\`).`] };
}

function answerSection(r: Report): string[] {
  const v = r.verdict;
  const s = r.span;
  const out = [`**Can the logs answer? ${v.answerable}**`];
  if (v.reasons.length) out.push('', ...v.reasons.map((x) => `- ${x}`));
  out.push(
    '',
    `Logs: ${spanText(s)}, ${num(s.daysWithLogs)} of ${plural(s.days, 'day')} with logs` +
      (s.gaps.length ? `, ${plural(s.gaps.length, 'gap')} (see [Logs by day](#logs-by-day))` : ', no gap') +
      (r.window.from !== null || r.window.to !== null ? `; asked: ${windowText(r.window)}` : '') +
      '.',
  );
  if (r.apis.length > 2) return [...out, '', ...apiOverview(r)];
  for (const a of r.apis) {
    const dep = deprecationText(a);
    out.push(
      '',
      `**${a.api}**, ${dep || 'current'}: ${
        a.calls === 0
          ? 'no call'
          : `${plural(a.calls, 'call')} by ${plural(a.projects, 'project')}, last ${day(a.lastSeen)}`
      }`,
    );
    if (a.calls === 0) continue;
    out.push(
      '',
      mdTable(
        ['Action', 'Calls', 'Callers', 'Last seen', 'Works on driver', 'Move to'],
        a.actions.map((x) => [
          x.action,
          num(x.calls),
          num(x.projects),
          day(x.lastSeen),
          onDriversText(x.onDrivers),
          moveToText(x),
        ]),
      ),
    );
  }
  return out;
}

function apiOverview(r: Report): string[] {
  return [
    mdTable(
      ['API', 'Status', 'Calls', 'Callers', 'Last seen'],
      r.apis.map((a) => [a.api, a.status, num(a.calls), num(a.projects), a.calls > 0 ? day(a.lastSeen) : '-']),
    ),
  ];
}

function dimSection(title: string, rows: readonly DimRow[], all: boolean): string[] {
  if (rows.length === 0) return [];
  const { shown, more } = capped(rows, all);
  return [
    '',
    `### ${title}`,
    '',
    mdTable(
      ['Name', 'Calls', 'Last seen (UTC)', 'Actions'],
      shown.map((r) => [`\`${r.name}\``, num(r.calls), shortTime(r.last), actionCounts(r.actions)]),
    ),
    ...more,
  ];
}

function actionsTable(a: ApiReport): string {
  return mdTable(
    ['Action', 'Calls', '2xx', 'Other', 'Projects', 'Statuses', 'Replacement'],
    a.actions.map((x) => [
      x.action,
      num(x.calls),
      num(x.succeeded),
      num(x.failed),
      num(x.projects),
      statuses(x.statuses),
      x.deprecated ? (x.replacement ?? '**none**') : 'current, nothing to replace',
    ]),
  );
}

function driverSections(a: ApiReport, all: boolean): string[] {
  const out: string[] = [];
  if (a.byDriver.length > 0) {
    out.push('', '### By virt driver of the host named', '');
    out.push(
      mdTable(
        ['Driver', 'Calls', 'Actions', 'Hosts'],
        a.byDriver.map((d) => [d.driver, num(d.calls), actionCounts(d.actions), d.hosts.join(', ')]),
      ),
    );
  }
  const matrix = a.support.filter((x) => x.action !== 'list' && x.action !== 'show');
  if (matrix.length > 0) {
    out.push('', '### Could the action work on that driver?', '');
    out.push(
      mdTable(
        ['Action', 'Driver', 'Works', 'Calls', 'Answered', 'On this driver'],
        matrix.map((r) => [
          r.action,
          r.driver,
          r.supported === 'no' ? '**no**' : r.supported,
          num(r.calls),
          statuses(r.statuses),
          r.answer ?? '',
        ]),
      ),
    );
  }
  if (a.unknownHosts.length > 0) {
    const { shown, more } = capped(a.unknownHosts, all);
    out.push(
      '',
      `Hosts not in the inventory: ${shown.map((h) => `\`${h.host}\` (${num(h.calls)})`).join(', ')}.`,
      ...more,
    );
  }
  if (a.ambiguousHosts.length > 0)
    out.push(
      '',
      'Ambiguous host names: ' +
        `${a.ambiguousHosts.map((h) => `\`${h.host}\` → ${h.candidates.join(' \\| ')}`).join('; ')}.`,
    );
  return out;
}

function clientSection(a: ApiReport, all: boolean): string[] {
  if (!a.byClient.some((c) => c.client !== 'not logged')) return [];
  const { shown, more } = capped(a.byClient, all);
  return [
    '',
    '### By client (User-Agent)',
    '',
    mdTable(
      ['Client', 'Version', 'Calls', 'Actions', 'Addresses'],
      shown.map((c) => [c.client, c.version ?? '', num(c.calls), actionCounts(c.actions), c.addresses.join(', ')]),
    ),
    ...more,
  ];
}

function apiSection(a: ApiReport, all: boolean): string[] {
  const dep = deprecationText(a);
  const out = [`## ${a.api} — ${a.title} — ${dep || 'current'}`, ''];
  if (a.calls === 0) return [...out, 'No calls.'];
  out.push(
    `**${num(a.calls)}** calls by **${num(a.projects)}** projects and **${num(a.users)}** users, ` +
      `${shortTime(a.firstSeen)} – ${shortTime(a.lastSeen)} UTC` +
      (a.perHundredThousand !== null ? `; ${sharePercent(a.perHundredThousand)} of ${a.service} requests` : '') +
      (a.refused > 0 ? `; ${num(a.refused)} refused (${a.removed ? 'API removed' : 'too new a microversion'})` : '') +
      '.',
    '',
    actionsTable(a),
    ...callerDimensions(a).flatMap((d) => dimSection(d.title, d.rows, all)),
    ...driverSections(a, all),
    ...clientSection(a, all),
    ...[addressDimension(a)].flatMap((d) => dimSection(d.title, d.rows, all)),
    '',
    `By microversion: ${a.byMicroversion.map((m) => `${m.microversion ?? 'not logged'} ${num(m.calls)}`).join(', ')}.`,
    '',
    `Seen in: nova's log only ${num(a.seenWhere.novaOnly)}, front-end logs only ${num(a.seenWhere.frontEndOnly)}, ` +
      `both ${num(a.seenWhere.both)}` +
      (a.seenWhere.auditOnly ? `, audit events only ${num(a.seenWhere.auditOnly)}` : '') +
      ` (${Object.entries(a.seenIn)
        .map(([k, v]) => `${k} ${num(v)}`)
        .join(', ')}).`,
  );
  return out;
}

function inputsSection(r: Report): string[] {
  const service = r.apis[0]!.service;
  const layers = Object.entries(r.inputs.requestsByLayer);
  const picked = r.frontends.filter((f) => f.service === service);
  const others = r.frontends.filter((f) => f.service !== service);
  return [
    '## Inputs',
    '',
    `${plural(r.inputs.sources, 'source')}, ${plural(r.inputs.linesRead, 'line')}, ` +
      `${plural(r.inputs.requests, `${service} request`)}, ${plural(r.inputs.malformed, 'malformed line')}` +
      (layers.length > 1 ? `; by layer: ${layers.map(([k, v]) => `${k} ${num(v)}`).join(', ')}` : '') +
      '. Times in UTC; front-end logs without an offset read as ' +
      `${zoneText(r.timezones.frontEnd, r.clock.machineZone)}, nova's as ` +
      `${zoneText(r.timezones.nova, r.clock.machineZone)}.` +
      (r.frontends.length
        ? ` Front ends counted as ${service}: ` +
          `${picked.length ? picked.map((f) => frontendText(f, false)).join(', ') : 'none'}` +
          (others.length ? `; other front ends: ${others.map((f) => frontendText(f, true)).join(', ')}` : '') +
          '.'
        : ''),
  ];
}

function gapSection(r: Report, all: boolean): string[] {
  const s = r.span;
  const out = [
    '## Logs by day',
    '',
    `${spanText(s)}: ${num(s.daysWithLogs)} of ${plural(s.days, 'day')} with logs of the ${r.apis[0]!.service} ` +
      `service (at least ${plural(s.minDays, 'day')} wanted, \`--min-days\`).`,
  ];
  if (s.gaps.length === 0) return [...out, '', 'No day without logs.'];
  const { shown, more } = capped(s.gaps, all);
  return [
    ...out,
    '',
    `Days without logs (${plural(
      s.gaps.reduce((n, g) => n + g.days, 0),
      'day',
    )}):`,
    '',
    ...shown.map((g) => `- ${gapText(g)}`),
    ...more,
  ];
}

function sourcesSection(r: Report, all: boolean): string[] {
  if (r.sources.length === 0) return [];
  const { shown, more } = capped(r.sources, all);
  return [
    '## Sources',
    '',
    mdTable(
      ['Path', 'Format', 'Lines', 'Requests', 'New', 'Malformed', 'First (UTC)', 'Last (UTC)'],
      shown.map((s) => [
        `\`${s.path}\``,
        s.format,
        num(s.lines),
        num(s.requests),
        num(s.newRequests),
        num(s.malformed),
        shortTime(s.firstSeen),
        shortTime(s.lastSeen),
      ]),
    ),
    ...more,
  ];
}

function malformedSection(r: Report): string[] {
  if (r.malformedExamples.length === 0) return [];
  return [
    '## Malformed lines (first examples)',
    '',
    // An indented code block: the line as it is, whatever backticks it holds.
    ...r.malformedExamples.flatMap((m) => [`\`${m.path}:${m.line}\`: ${m.reason}`, '', `    ${m.text}`, '']),
  ];
}

export function renderMarkdown(r: Report, opts: RenderOptions = {}): string {
  const all = opts.all ?? false;
  const blocks: string[][] = [
    [`# apicensus: ${r.verdict.api}`, '', `Generated ${r.generatedAt} by apicensus ${r.tool.version}.`],
    answerSection(r),
  ];
  if (r.warnings.length) blocks.push(['## Warnings', '', ...r.warnings.map((w) => `- **Warning:** ${w}`)]);
  blocks.push(['## Verdict', '', ...r.verdict.points.map((p) => `- ${p}`)]);
  blocks.push(inputsSection(r), gapSection(r, all));
  for (const a of r.apis) blocks.push(apiSection(a, all));
  blocks.push(sourcesSection(r, all), malformedSection(r), [`<sub>${r.inputs.deduplication}</sub>`]);
  return (
    blocks
      .filter((b) => b.length > 0)
      .map((b) => b.join('\n'))
      .join('\n\n') + '\n'
  );
}
