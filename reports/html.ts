/**
 * One self-contained HTML page per report, for people who decide from
 * evidence at a glance: the verdict first, then what could not be seen, then
 * what was read, then per API the charts and the sortable tables behind them.
 *
 * Both functions are pure functions of their model, like the other renderers.
 * The page embeds the very JSON it shows (`<script type="application/json"
 * id="apicensus-data">`, as GoAccess does), so whoever receives the page also
 * has the data; everything visible is rendered here, server side, so the page
 * reads the same with script off, in print, or in a mail client's preview. It
 * loads nothing: CSS, script and SVG are inline and a Content-Security-Policy
 * forbids every fetch. See docs/html.md for the DOM a test can rely on.
 */
import {
  actionCounts,
  day,
  deprecationText,
  gapText,
  moveToText,
  num,
  onDriversText,
  sharePercent,
  shortTime,
  spanText,
  statuses,
  windowText,
} from './format.js';
import type { MergeReport, MergedApi, Tally, UnknownDeployment } from './export-model.js';
import { frontendText, zoneText } from './evidence-notes.js';
import type { ApiReport, DimensionRow, LogSpan, Report, SupportRow } from './model.js';
import { html, type Html, type Part } from './html/escape.js';
import { downloadButton, page } from './html/page.js';
import { actionColours } from './html/palette.js';
import { actionParts, dailyChart, hbarChart, legend, type HBarRow } from './html/svg.js';
import { sortableTable, type Col } from './html/table.js';

/** How many rows the horizontal bar charts show; the tables hold all. */
const TOP = 10;

const plural = (n: number, one: string, many = `${one}s`): string => `${num(n)} ${n === 1 ? one : many}`;

/** A date-time cell: short to read, the full ISO value to sort by. */
const when = <T>(title: string, get: (r: T) => string | null): Col<T> => ({
  title,
  cls: 'nowrap',
  value: (r) => shortTime(get(r)),
  sort: (r) => get(r) ?? '',
});

/** The Calls and Actions columns of every table of rows that count calls by action. */
const callCols = <T extends { calls: number; actions: Record<string, number> }>(): Col<T>[] => [
  { title: 'Calls', numeric: true, value: (r) => r.calls },
  { title: 'Actions', value: (r) => actionCounts(r.actions) },
];

/** The columns of a dimension table (projects, users, hosts, targets, addresses) after its key. */
const dimensionCols = <T extends DimensionRow>(): Col<T>[] => [
  ...callCols<T>(),
  when('First seen', (r) => r.firstSeen),
  when('Last seen', (r) => r.lastSeen),
];

/** The daily chart's numbers, folded away under it. */
const dailyTable = (
  id: string,
  days: readonly { day: string; calls: number; actions: Record<string, number> }[],
): Html =>
  html`<details><summary>Calls per day as a table</summary>\
${sortableTable(`${id}-t-daily`, 'Calls per UTC day', days, [{ title: 'Day', value: (d) => d.day }, ...callCols()])}\
</details>`;

const figures = (items: readonly [string, Part][]): Html =>
  html`<dl class="figures">${items.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;

const figure = (caption: string, body: Html): Html => html`<figure><figcaption>${caption}</figcaption>${body}</figure>`;

/** "top 10 of 340" when the chart leaves rows out. */
const topOf = (n: number): string => (n > TOP ? ` (top ${TOP} of ${num(n)})` : '');

// ---------------------------------------------------------------------------
// The report of one cloud (apicensus.report/v1)

function deprecation(a: ApiReport): string {
  const parts: string[] = [];
  if (a.deprecated)
    parts.push(
      `Deprecated${a.deprecated.microversion ? ` at microversion ${a.deprecated.microversion}` : ''}` +
        `${a.deprecated.release ? ` (${a.deprecated.release})` : ''}`,
    );
  if (a.removed) parts.push(`removed in ${a.removed.release}`);
  return parts.length ? `${parts.join(', ')}.` : '';
}

const projectLabel = (p: ApiReport['byProject'][number]): string =>
  p.projectName ? `${p.projectName} (${p.project})` : p.project;
/** Short enough for a chart label: the name and the start of the id (the tooltip and the table have all of it). */
const projectShort = (p: ApiReport['byProject'][number]): string =>
  p.projectName ? `${p.projectName} (${p.project.length > 10 ? `${p.project.slice(0, 8)}…` : p.project})` : p.project;
const clientLabel = (c: ApiReport['byClient'][number]): string => `${c.client}${c.version ? ` ${c.version}` : ''}`;

function works(s: SupportRow['supported']): Html {
  // A word and a mark, not only a colour.
  if (s === 'no') return html`<span class="works-no">✗ no</span>`;
  if (s === 'yes') return html`✓ yes`;
  return html`? unknown`;
}

function apiSection(a: ApiReport, i: number, studied: boolean, span: LogSpan): Html {
  const id = `a${i}`;
  const order = a.actions.map((x) => x.action);
  const colours = actionColours([...order, ...a.daily.flatMap((d) => Object.keys(d.actions))]);
  const dep = deprecation(a);
  const head = html`<h2 id="${id}">${a.api} — ${a.title}</h2>${dep ? html`<p class="meta">${dep}</p>` : null}`;
  if (a.calls === 0)
    return html`<section class="api" data-api="${a.api}" aria-labelledby="${id}">${head}<p class="empty">No calls of \
${a.api} in the logs read.</p></section>`;

  const share = a.perHundredThousand !== null ? sharePercent(a.perHundredThousand) : 'n/a';
  const facts = figures([
    ['Calls', num(a.calls)],
    ['Projects', num(a.projects)],
    ['Users', num(a.users)],
    ['First seen (UTC)', shortTime(a.firstSeen)],
    ['Last seen (UTC)', shortTime(a.lastSeen)],
    [`Share of ${a.service} requests`, share],
    ...(a.refused > 0 ? ([['Refused (too new a microversion)', num(a.refused)]] as [string, Part][]) : []),
  ]);

  const charts = apiCharts(a, id, order, colours, span);
  const tables = [actionsTable(a, id), ...dimensionTables(a, id)];
  const notes = apiNotes(a);

  return html`<section class="api" data-api="${a.api}"${studied ? html` data-studied="true"` : null} \
aria-labelledby="${id}">
${head}
${facts}
${legend(order, colours)}
${charts}
${dailyTable(id, a.daily)}
${tables}
${notes}
</section>`;
}

/** An API's charts: calls over time, top projects, and drivers and clients where there are any. */
function apiCharts(
  a: ApiReport,
  id: string,
  order: readonly string[],
  colours: ReadonlyMap<string, string>,
  span: LogSpan,
): Html[] {
  const charts: Html[] = [
    figure(
      'Calls over time, by action',
      dailyChart(`${id}-daily`, `${a.api}: calls over time, by action`, a.daily, order, colours, span),
    ),
    figure(
      `Top callers: projects${topOf(a.byProject.length)}`,
      hbarChart(
        `${id}-projects`,
        `${a.api}: calls by project`,
        `The ${Math.min(TOP, a.byProject.length)} projects with most calls, stacked by action.`,
        a.byProject.slice(0, TOP).map((p) => ({
          label: projectShort(p),
          title: projectLabel(p),
          value: p.calls,
          parts: actionParts(p.actions, order, colours),
        })),
      ),
    ),
  ];
  if (a.byDriver.length > 0) {
    charts.push(
      figure(
        'Calls by virt driver of the host named',
        hbarChart(
          `${id}-drivers`,
          `${a.api}: calls by virt driver`,
          'Calls that name a host, by the virt driver that host ran at ' +
            'the time (from the inventory), stacked by action.',
          a.byDriver.map((d) => ({
            label: d.driver,
            title: `${d.driver} (hosts ${d.hosts.join(', ')})`,
            value: d.calls,
            parts: actionParts(d.actions, order, colours),
          })),
        ),
      ),
    );
  }
  if (a.byClient.length > 0) {
    charts.push(
      figure(
        `Calls by client family${topOf(a.byClient.length)}`,
        hbarChart(
          `${id}-clients`,
          `${a.api}: calls by client family`,
          'Calls by User-Agent family and version; ' +
            '"not logged" where no log carried a User-Agent (nova\'s own lines do not).',
          a.byClient.slice(0, TOP).map((c) => ({
            label: clientLabel(c),
            title: `${clientLabel(c)}${c.userAgents.length ? ` (${c.userAgents.join(' | ')})` : ''}`,
            value: c.calls,
            parts: actionParts(c.actions, order, colours),
          })),
        ),
      ),
    );
  }
  return charts;
}

/** An API's actions: calls, statuses, drivers they could work on, replacement. */
function actionsTable(a: ApiReport, id: string): Html {
  return sortableTable(`${id}-t-actions`, 'Actions', a.actions, [
    { title: 'Action', value: (x) => x.action },
    { title: 'Calls', numeric: true, value: (x) => x.calls },
    { title: '2xx', numeric: true, value: (x) => x.succeeded, help: 'Calls answered with a 2xx status' },
    {
      title: 'Other',
      numeric: true,
      value: (x) => x.failed,
      help: 'Calls answered otherwise (or with no status logged)',
    },
    { title: 'Projects', numeric: true, value: (x) => x.projects },
    { title: 'Users', numeric: true, value: (x) => x.users },
    when('Last seen', (x) => x.lastSeen),
    {
      title: 'Works on driver',
      value: (x) => onDriversText(x.onDrivers),
      help: 'Could the calls have worked on the virt drivers of the hosts they named (capability matrix)',
    },
    { title: 'Statuses', value: (x) => statuses(x.statuses) },
    {
      title: 'Replacement',
      value: (x) =>
        html`${
          !x.deprecated
            ? 'current, nothing to replace'
            : x.replacement === null
              ? html`<strong>none</strong>`
              : x.replacement
        }${x.note ? html`<br><span class="hint">${x.note}</span>` : null}`,
      sort: (x) => (x.deprecated ? (x.replacement ?? '') : ''),
    },
  ]);
}

/** An API's calls by project, user, host, target, driver, client, address, microversion and status. */
function dimensionTables(a: ApiReport, id: string): Html[] {
  return [
    sortableTable(`${id}-t-projects`, 'Projects', a.byProject, [
      { title: 'Project', cls: 'mono', value: (p) => p.project },
      { title: 'Name', value: (p) => p.projectName ?? '' },
      ...dimensionCols(),
    ]),
    sortableTable(`${id}-t-users`, 'Users', a.byUser, [
      { title: 'User', cls: 'mono', value: (u) => u.user },
      { title: 'Name', value: (u) => u.userName ?? '' },
      ...dimensionCols(),
    ]),
    sortableTable(`${id}-t-hosts`, 'Target hosts', a.byHost, [
      { title: 'Host', cls: 'mono', value: (h) => h.host },
      ...dimensionCols(),
    ]),
    sortableTable(`${id}-t-targets`, 'Targets', a.byTarget, [
      { title: 'Target', cls: 'mono', value: (t) => t.target },
      ...dimensionCols(),
    ]),
    sortableTable(`${id}-t-drivers`, 'Virt drivers of the hosts named', a.byDriver, [
      { title: 'Driver', value: (d) => d.driver },
      ...callCols(),
      { title: 'Hosts', cls: 'mono', value: (d) => d.hosts.join(', ') },
    ]),
    sortableTable(
      `${id}-t-support`,
      "Could the action work on that driver? (capability matrix; actions that act on a host's driver)",
      a.support.filter((r) => r.action !== 'list' && r.action !== 'show'),
      [
        { title: 'Action', value: (r) => r.action },
        { title: 'Driver', value: (r) => r.driver },
        { title: 'Works', cls: 'nowrap', value: (r) => works(r.supported), sort: (r) => r.supported },
        { title: 'Calls', numeric: true, value: (r) => r.calls },
        { title: '2xx', numeric: true, value: (r) => r.succeeded },
        { title: 'Answered', value: (r) => statuses(r.statuses) },
        { title: 'On that driver', value: (r) => r.answer ?? '' },
        { title: 'Releases', value: (r) => r.releases ?? '' },
        { title: 'Hosts', cls: 'mono', value: (r) => r.hosts.join(', ') },
      ],
    ),
    sortableTable(`${id}-t-clients`, 'Clients (User-Agent family)', a.byClient, [
      { title: 'Client', value: (c) => c.client },
      { title: 'Version', value: (c) => c.version ?? '' },
      ...callCols(),
      { title: 'Addresses', cls: 'mono', value: (c) => c.addresses.join(', ') },
      { title: 'User-Agents', cls: 'mono', value: (c) => c.userAgents.join(' | ') },
    ]),
    sortableTable(`${id}-t-addresses`, 'Client addresses (first X-Forwarded-For hop where there is one)', a.byAddress, [
      { title: 'Address', cls: 'mono', value: (x) => x.address },
      ...dimensionCols(),
    ]),
    sortableTable(`${id}-t-microversions`, 'Microversions asked for', a.byMicroversion, [
      { title: 'Microversion', value: (m) => m.microversion ?? 'not logged' },
      ...callCols(),
    ]),
    sortableTable(`${id}-t-statuses`, 'Statuses answered', a.byStatus, [
      {
        title: 'Status',
        numeric: true,
        value: (s) => (s.status === null ? 'not logged' : String(s.status)),
        sort: (s) => s.status ?? -1,
      },
      { title: 'Calls', numeric: true, value: (s) => s.calls },
    ]),
  ];
}

/** Hosts the inventory does not hold or holds more than once, and the layers that saw the calls. */
function apiNotes(a: ApiReport): Html[] {
  const notes: Html[] = [];
  if (a.unknownHosts.length > 0) {
    notes.push(
      html`<p>Hosts the calls named that the inventory does not hold: \
${a.unknownHosts.map((h, k) => html`${k ? ', ' : ''}<code>${h.host}</code> (${num(h.calls)})`)}. Import what is \
missing with <code>apicensus inventory import</code>.</p>`,
    );
  }
  if (a.ambiguousHosts.length > 0) {
    notes.push(
      html`<p>Host names that matched several inventory hosts: \
${a.ambiguousHosts.map((h, k) => html`${k ? '; ' : ''}<code>${h.host}</code> → ${h.candidates.join(' | ')}`)}.</p>`,
    );
  }
  const w = a.seenWhere;
  notes.push(
    html`<p class="meta">Seen in: nova's log only ${num(w.novaOnly)}, front-end logs only ${num(w.frontEndOnly)}, both \
${num(w.both)}${w.auditOnly ? `, audit events only ${num(w.auditOnly)}` : ''} (${Object.entries(a.seenIn)
      .map(([k, v]) => `${k} ${num(v)}`)
      .join(', ')}).</p>`,
  );
  return notes;
}

function inputsSection(r: Report): Html {
  const service = r.apis[0]?.service ?? 'compute';
  const picked = r.frontends.filter((f) => f.service === service);
  const others = r.frontends.filter((f) => f.service !== service);
  const layers = Object.entries(r.inputs.requestsByLayer);
  return html`<section id="inputs" aria-labelledby="inputs-h">
<h2 id="inputs-h">Inputs</h2>
${figures([
  ['Sources', num(r.inputs.sources)],
  ['Lines read', num(r.inputs.linesRead)],
  [`${service} requests`, num(r.inputs.requests)],
  ['Malformed lines', num(r.inputs.malformed)],
  ['TCP-mode connections', num(r.inputs.opaqueConnections)],
])}
<dl class="facts">
${
  layers.length ? html`<dt>Requests by layer</dt><dd>${layers.map(([k, v]) => `${k} ${num(v)}`).join(', ')}</dd>` : null
}
<dt>Logs</dt><dd>${spanText(r.span)}: ${num(r.span.daysWithLogs)} of ${plural(r.span.days, 'day')} with logs (at least \
${plural(r.span.minDays, 'day')} wanted)</dd>
${
  r.window.from !== null || r.window.to !== null
    ? html`<dt>Window asked</dt><dd>${windowText(r.window)} UTC</dd>`
    : null
}
${
  r.span.gaps.length
    ? html`<dt>Days without logs</dt><dd><ul class="gaps">${r.span.gaps.map(
        (g) => html`<li>${gapText(g)}</li>`,
      )}</ul></dd>`
    : null
}
<dt>Times</dt><dd>in UTC; front-end logs without an offset read as \
${zoneText(r.timezones.frontEnd, r.clock.machineZone)}, nova's as ${zoneText(r.timezones.nova, r.clock.machineZone)}\
</dd>
${
  r.frontends.length
    ? html`<dt>Front ends counted as ${service}</dt><dd>${
        picked.length ? picked.map((f) => frontendText(f, false)).join(', ') : 'none'
      }</dd>`
    : null
}
${others.length ? html`<dt>Other front ends</dt><dd>${others.map((f) => frontendText(f, true)).join(', ')}</dd>` : null}
</dl>
${
  r.sources.length
    ? html`<details><summary>${plural(r.sources.length, 'source')} read</summary>${sortableTable(
        't-sources',
        'Sources',
        r.sources,
        [
          { title: 'Path', cls: 'mono', value: (s) => s.path },
          { title: 'Format', value: (s) => s.format },
          { title: 'Lines', numeric: true, value: (s) => s.lines },
          { title: 'Requests', numeric: true, value: (s) => s.requests },
          { title: 'New', numeric: true, value: (s) => s.newRequests, help: 'Requests no earlier source had' },
          { title: 'Malformed', numeric: true, value: (s) => s.malformed },
          when('First', (s) => s.firstSeen),
          when('Last', (s) => s.lastSeen),
        ],
      )}</details>`
    : null
}
</section>`;
}

const capitalised = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);

/** Per API its headline and one row per action: what the text report's first screen shows. */
function glance(a: ApiReport): Html {
  const dep = deprecationText(a);
  const head = html`<p class="glance-h"><strong>${a.api}</strong>, ${dep || 'current'}: ${
    a.calls === 0
      ? 'no call'
      : `${plural(a.calls, 'call')} by ${plural(a.projects, 'project')}, last ${day(a.lastSeen)}`
  }</p>`;
  if (a.calls === 0) return head;
  return html`${head}<table class="glance" data-api="${a.api}"><thead><tr>\
<th scope="col">Action</th><th scope="col" class="n">Calls</th><th scope="col" class="n">Callers</th>\
<th scope="col">Last seen</th><th scope="col">Works on driver</th><th scope="col">Move to</th>\
</tr></thead><tbody>${a.actions.map(
    (x) =>
      html`<tr><td>${x.action}</td><td class="n">${num(x.calls)}</td><td class="n">${num(x.projects)}</td>\
<td class="nowrap">${day(x.lastSeen)}</td><td${x.onDrivers?.works === 'no' ? html` class="works-no"` : null}>\
${onDriversText(x.onDrivers)}</td><td>${moveToText(x)}</td></tr>`,
  )}</tbody></table>`;
}

/** With many APIs, one row each instead: calls, callers, last seen. */
function overviewTable(apis: readonly ApiReport[]): Html {
  return html`<table class="glance overview"><thead><tr>\
<th scope="col">API</th><th scope="col">Status</th><th scope="col" class="n">Calls</th>\
<th scope="col" class="n">Callers</th><th scope="col">Last seen</th>\
</tr></thead><tbody>${apis.map(
    (a) =>
      html`<tr data-api="${a.api}"><td>${a.api}</td><td>${a.status}</td><td class="n">${num(a.calls)}</td>\
<td class="n">${num(a.projects)}</td><td class="nowrap">${a.calls > 0 ? day(a.lastSeen) : '-'}</td></tr>`,
  )}</tbody></table>`;
}

/**
 * The answer at a glance: can the logs answer and why not, what
 * they cover, per action, then the verdict as a short list.
 */
function verdictBox(r: Report): Html {
  const v = r.verdict;
  const s = r.span;
  return html`<section id="verdict-box" aria-labelledby="verdict-h">
<h2 id="verdict-h">Verdict</h2>
<p class="answer" data-answerable="${v.answerable}">Can the logs answer? <strong>${capitalised(v.answerable)}</strong>${
    v.reasons.length ? ':' : html`: ${plural(s.daysWithLogs, 'day')} with logs, no gap, every hour with paths.`
  }</p>
${v.reasons.length ? html`<ul class="reasons">${v.reasons.map((x) => html`<li>${x}</li>`)}</ul>` : null}
<p class="span">Logs: ${spanText(s)} · ${num(s.daysWithLogs)} of ${plural(s.days, 'day')} with logs${
    s.gaps.length ? ` · ${plural(s.gaps.length, 'gap')} (see Inputs)` : ''
  }</p>
${r.apis.length > 2 ? overviewTable(r.apis) : r.apis.map(glance)}
<ul id="verdict" class="points">${v.points.map((x) => html`<li>${x}</li>`)}</ul>
</section>`;
}

/** The warnings above everything but the verdict, or nothing when there are none. */
function warningsSection(warnings: readonly string[]): Html | null {
  if (!warnings.length) return null;
  return html`<section id="warnings" aria-labelledby="warnings-h"><h2 id="warnings-h">Warnings</h2>\
<ul class="warnings">${warnings.map((w) => html`<li><strong>Warning:</strong> ${w}</li>`)}</ul></section>`;
}

/** The first malformed lines, each with where it is and why, or nothing when there are none. */
function malformedSection(examples: Report['malformedExamples']): Html | null {
  if (!examples.length) return null;
  return html`<section id="malformed" aria-labelledby="malformed-h">\
<h2 id="malformed-h">Malformed lines (first examples)</h2>${examples.map(
    (m) => html`<p class="meta"><code>${m.path}:${m.line}</code> — ${m.reason}</p><pre class="line">${m.text}</pre>`,
  )}</section>`;
}

/** The page for one cloud's report (`apicensus report --format html`). */
export function renderHtml(report: Report): string {
  const r = report;
  const studied = r.apis[0];
  const api = studied?.api ?? r.verdict.api;
  const body = html`<header>
<h1>apicensus: who still calls ${api}\
${studied && studied.title !== api ? html` <span class="meta">${studied.title}</span>` : null}</h1>
<p class="meta">Generated ${shortTime(r.generatedAt)} UTC by ${r.tool.name} ${r.tool.version}. \
${downloadButton('apicensus-report.json')}</p>
<nav class="toc" aria-label="Contents"><a href="#verdict-box">Verdict</a>\
${r.warnings.length ? html`<a href="#warnings">Warnings</a>` : null}<a href="#inputs">Inputs</a>${r.apis.map(
    (a, i) => html`<a href="#a${i}">${a.api}</a>`,
  )}${r.malformedExamples.length ? html`<a href="#malformed">Malformed lines</a>` : null}</nav>
</header>
<main>
${verdictBox(r)}
${warningsSection(r.warnings)}
${inputsSection(r)}
${r.apis.map((a, i) => apiSection(a, i, i === 0, r.span))}
${malformedSection(r.malformedExamples)}
</main>
<footer><p>How totals are counted: ${r.inputs.deduplication}</p></footer>`;
  return page({ title: `apicensus: ${api}`, data: report, body });
}

// ---------------------------------------------------------------------------
// The merge of many clouds' exports (apicensus.merge/v2)

const tallyName = (t: Tally, none: string): string => t.name ?? none;

function tallyRows(tallies: readonly Tally[], none: string): HBarRow[] {
  return tallies.slice(0, TOP).map((t) => ({
    label: tallyName(t, none),
    value: t.calls,
    valueText: `${num(t.calls)} · ${plural(t.deployments, 'deployment')}`,
  }));
}

const tallyTable = (id: string, caption: string, first: string, none: string, tallies: readonly Tally[]): Html =>
  sortableTable(id, caption, tallies, [
    { title: first, value: (t) => tallyName(t, none) },
    { title: 'Deployments', numeric: true, value: (t) => t.deployments },
    { title: 'Calls', numeric: true, value: (t) => t.calls },
  ]);

const unknownReason = (u: UnknownDeployment): string =>
  u.reason === 'not exported' ? 'did not export it' : 'no logs in its window';

/** Deployments that did not report the API: named, never counted as not calling. */
function unknownPart(a: MergedApi, id: string): Html | null {
  if (a.unknown.length === 0) return null;
  return html`<div class="unknown"><p class="meta">Unknown for ${plural(a.unknown.length, 'deployment')} that did not \
report ${a.api} (not counted as “does not call”): \
${a.unknown.map((u) => `${u.label ?? u.deployment} (${unknownReason(u)})`).join(', ')}.</p>${sortableTable(
    `${id}-t-unknown`,
    `Deployments that did not report ${a.api}`,
    a.unknown,
    [
      { title: 'Deployment', value: (u) => u.label ?? '(no label)' },
      { title: 'Id', cls: 'mono', value: (u) => u.deployment },
      { title: 'Why unknown', value: unknownReason },
    ],
  )}</div>`;
}

function mergedApiSection(a: MergedApi, i: number): Html {
  const id = `a${i}`;
  const order = a.actions.map((x) => x.action);
  const colours = actionColours([...order, ...a.daily.flatMap((d) => Object.keys(d.actions))]);
  const reporting = a.deploymentsReporting;
  const head = html`<h2 id="${id}">${a.api}: ${plural(a.calls, 'call')} in ${num(a.deploymentsCalling)} of \
${plural(reporting, 'deployment')} reporting it</h2>`;
  if (a.calls === 0)
    return html`<section class="api" data-api="${a.api}" aria-labelledby="${id}">${head}<p class="empty">${
      reporting
        ? `None of the ${plural(reporting, 'deployment')} reporting ${a.api} calls it.`
        : `No deployment reported ${a.api}.`
    }</p>${unknownPart(a, id)}</section>`;
  const sum = (f: (x: MergedApi['actions'][number]) => number): number => a.actions.reduce((n, x) => n + f(x), 0);
  const facts = figures([
    ['Calls', num(a.calls)],
    ['Deployments calling', `${num(a.deploymentsCalling)} of ${num(reporting)} reporting`],
    ['Unknown (did not report)', num(a.unknown.length)],
    ['Actions called', num(a.actions.length)],
    ['Could never have worked', num(sum((x) => x.neverWorked))],
    ['Refused (too new a microversion)', num(sum((x) => x.refused))],
  ]);
  return html`<section class="api" data-api="${a.api}" aria-labelledby="${id}">
${head}
${facts}
${unknownPart(a, id)}
${legend(order, colours)}
${mergedCharts(a, id, order, colours)}
${dailyTable(id, a.daily)}
${mergedTables(a, id)}
</section>`;
}

/** A merged API's charts: deployments calling each action, calls per day, drivers and clients. */
function mergedCharts(
  a: MergedApi,
  id: string,
  order: readonly string[],
  colours: ReadonlyMap<string, string>,
): Html[] {
  const reporting = a.deploymentsReporting;
  const charts: Html[] = [
    figure(
      'Deployments calling each action, of those reporting the API',
      hbarChart(
        `${id}-actions`,
        `${a.api}: deployments calling each action`,
        `How many of the ${plural(reporting, 'deployment')} reporting ${a.api} call each action; ` +
          'the faint track is all of them.',
        a.actions.map((x) => ({
          label: x.action,
          value: x.deploymentsCalling,
          parts: [{ key: x.action, value: x.deploymentsCalling, colour: colours.get(x.action)! }],
          valueText:
            `${num(x.deploymentsCalling)} of ${num(x.deploymentsReporting)} reporting · ` + plural(x.calls, 'call'),
        })),
        { max: Math.max(1, reporting) },
      ),
    ),
    figure(
      'Calls per day, all deployments, by action',
      dailyChart(`${id}-daily`, `${a.api}: calls per UTC day across deployments, by action`, a.daily, order, colours),
    ),
  ];
  if (a.drivers.length > 0) {
    charts.push(
      figure(
        `Calls by virt driver of the host named${topOf(a.drivers.length)}`,
        hbarChart(
          `${id}-drivers`,
          `${a.api}: calls by virt driver`,
          'Calls by the virt driver of the host they named, with the number of deployments.',
          tallyRows(a.drivers, 'names no host'),
        ),
      ),
    );
  }
  if (a.clients.length > 0) {
    charts.push(
      figure(
        `Calls by client family${topOf(a.clients.length)}`,
        hbarChart(
          `${id}-clients`,
          `${a.api}: calls by client family`,
          'Calls by User-Agent family, with the number of deployments.',
          tallyRows(a.clients, 'not logged'),
        ),
      ),
    );
  }
  return charts;
}

/** A merged API's tables: actions, deployments, drivers, clients, microversions. */
function mergedTables(a: MergedApi, id: string): Html[] {
  const statusClass = (x: MergedApi['actions'][number], c: string): number => x.statusClasses[c] ?? 0;
  return [
    sortableTable(`${id}-t-actions`, 'Actions', a.actions, [
      { title: 'Action', value: (x) => x.action },
      {
        title: 'Deployments calling',
        numeric: true,
        value: (x) => x.deploymentsCalling,
        help: 'Deployments with at least one call of the action',
      },
      {
        title: 'Reporting',
        numeric: true,
        value: (x) => x.deploymentsReporting,
        help: 'Deployments whose exports cover the API with logs',
      },
      { title: 'Calls', numeric: true, value: (x) => x.calls },
      { title: '2xx', numeric: true, value: (x) => statusClass(x, '2xx') },
      { title: 'Statuses', value: (x) => statuses(x.statusClasses) },
      {
        title: 'Never worked',
        numeric: true,
        value: (x) => x.neverWorked,
        help: 'Calls to a host whose driver never implemented the action',
      },
      {
        title: 'Refused',
        numeric: true,
        value: (x) => x.refused,
        help: 'Calls refused for asking a microversion at or after the deprecation',
      },
    ]),
    sortableTable(`${id}-t-deployments`, 'Deployments', a.byDeployment, [
      { title: 'Deployment', value: (d) => d.label ?? '(no label)' },
      { title: 'Id', cls: 'mono', value: (d) => d.deployment },
      { title: 'Calls', numeric: true, value: (d) => d.calls },
      { title: 'Projects', numeric: true, value: (d) => d.projects, help: 'Distinct (hashed) projects calling' },
      { title: 'Last day', value: (d) => d.lastDay ?? '-', sort: (d) => d.lastDay ?? '' },
      { title: 'Days covered', numeric: true, value: (d) => d.daysCovered, help: 'UTC days with logs of the service' },
    ]),
    tallyTable(`${id}-t-drivers`, 'Virt drivers of the hosts named', 'Driver', 'names no host', a.drivers),
    tallyTable(`${id}-t-clients`, 'Clients (User-Agent family)', 'Client', 'not logged', a.clients),
    tallyTable(`${id}-t-microversions`, 'Microversions asked for', 'Microversion', 'not logged', a.microversions),
  ];
}

/** The page for a merge of many clouds' exports (`apicensus merge --format html`). */
export function renderMergeHtml(merge: MergeReport): string {
  const m = merge;
  const total = m.deployments.length;
  const name = (d: MergeReport['deployments'][number]): string => d.label ?? d.id;
  // Derived from the model alone: a deployment whose exports cover no day of logs says nothing, not "no call".
  const blind = m.deployments.filter((d) => d.coveredDays === 0);
  const warnings = blind.length
    ? [
        `${blind.map(name).join(', ')}: the exports cover no day of logs, ` +
          'so "no call" there means "no logs", not "nobody calls".',
      ]
    : [];
  const studied = m.apis.find((a) => a.api === m.verdict.api);
  if (studied?.unknown.length)
    warnings.push(
      `${studied.unknown.map((u) => `${u.label ?? u.deployment} (${unknownReason(u)})`).join(', ')}: unknown for ` +
        `${m.verdict.api}, not counted among the deployments that do not call it.`,
    );
  const body = html`<header>
<h1>apicensus: ${m.verdict.api} across ${plural(total, 'deployment')}</h1>
<p class="meta">Merged ${shortTime(m.generatedAt)} UTC by ${m.tool.name} ${m.tool.version} from anonymised exports. \
${downloadButton('apicensus-merge.json')}</p>
<nav class="toc" aria-label="Contents"><a href="#verdict-box">Verdict</a>\
${warnings.length ? html`<a href="#warnings">Warnings</a>` : null}<a href="#inputs">Deployments</a>${m.apis.map(
    (a, i) => html`<a href="#a${i}">${a.api}</a>`,
  )}</nav>
</header>
<main>
<section id="verdict-box" aria-labelledby="verdict-h">
<h2 id="verdict-h">Verdict</h2>
<p id="verdict">${m.verdict.summary}</p>
<ul class="tags"><li>${m.verdict.api} is called in <strong>${num(m.verdict.deploymentsCalling)} of \
${plural(m.verdict.deploymentsReporting, 'deployment')} reporting it</strong></li>\
${
  m.verdict.unknown
    ? html`<li>unknown for <strong>${plural(m.verdict.unknown, 'deployment')}</strong> that did not report it</li>`
    : null
}</ul>
</section>
${warningsSection(warnings)}
<section id="inputs" aria-labelledby="inputs-h">
<h2 id="inputs-h">Deployments</h2>
${figures([
  ['Deployments', num(total)],
  ['Exports', num(m.deployments.reduce((n, d) => n + d.exports, 0))],
  ['Days of logs', num(m.deployments.reduce((n, d) => n + d.coveredDays, 0))],
])}
${sortableTable('t-deployments', 'Deployments and the logs they sent', m.deployments, [
  { title: 'Deployment', value: (d) => d.label ?? '(no label)' },
  { title: 'Id', cls: 'mono', value: (d) => d.id },
  { title: 'Exports', numeric: true, value: (d) => d.exports },
  when('From', (d) => d.from),
  when('To', (d) => d.to),
  { title: 'Days of logs', numeric: true, value: (d) => d.coveredDays },
  { title: 'Reports', value: (d) => d.apis.join(', ') || 'no API' },
])}
<p class="meta">Exports hold no tenant, user, host, address or path: projects are counted by keyed hash, \
never named.</p>
</section>
${m.apis.map((a, i) => mergedApiSection(a, i))}
</main>`;
  return page({ title: `apicensus: ${m.verdict.api} across ${plural(total, 'deployment')}`, data: merge, body });
}
