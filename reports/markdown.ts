/** Markdown that reads well pasted into a mailing-list post or a review. */
import { actionCounts, num, shortTime, statuses } from './format.js';
import { frontendText, zoneText } from './evidence-notes.js';
import type { ApiReport, Report } from './model.js';

const TOP = 15;
const esc = (s: string): string => s.replace(/\|/g, '\\|');

function mdTable(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function apiSection(a: ApiReport): string {
  const out: string[] = [];
  const dep = [
    a.deprecated
      ? `deprecated${a.deprecated.microversion ? ` at microversion ${a.deprecated.microversion}` : ''}${a.deprecated.release ? ` (${a.deprecated.release})` : ''}`
      : '',
    a.removed ? `removed in ${a.removed.release}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  out.push(`## ${a.api} — ${a.title}${dep ? ` (${dep})` : ''}`);
  out.push('');
  if (a.calls === 0) {
    out.push('No calls.');
    return out.join('\n');
  }
  out.push(
    `**${num(a.calls)}** calls by **${a.projects}** projects and **${a.users}** users, ${shortTime(a.firstSeen)} – ${shortTime(a.lastSeen)} UTC` +
      (a.perHundredThousand !== null ? `; ${a.perHundredThousand} per 100,000 ${a.service} requests` : '') +
      (a.refused > 0 ? `; ${a.refused} refused for asking a too-new microversion` : '') +
      '.',
  );
  out.push('');
  out.push(
    mdTable(
      ['Action', 'Calls', '2xx', 'Other', 'Projects', 'Statuses', 'Replacement'],
      a.actions.map((x) => [
        x.action,
        num(x.calls),
        num(x.succeeded),
        num(x.failed),
        String(x.projects),
        statuses(x.statuses),
        x.replacement ?? '**none**',
      ]),
    ),
  );
  const dim = (
    title: string,
    rows: { name: string; calls: number; actions: Record<string, number>; last: string | null }[],
  ): void => {
    if (rows.length === 0) return;
    out.push('');
    out.push(`### ${title}${rows.length > TOP ? ` (top ${TOP} of ${rows.length})` : ''}`);
    out.push('');
    out.push(
      mdTable(
        ['Name', 'Calls', 'Last seen (UTC)', 'Actions'],
        rows.slice(0, TOP).map((r) => [`\`${r.name}\``, num(r.calls), shortTime(r.last), actionCounts(r.actions)]),
      ),
    );
  };
  dim(
    'By project',
    a.byProject.map((p) => ({
      name: p.projectName ? `${p.project} (${p.projectName})` : p.project,
      calls: p.calls,
      actions: p.actions,
      last: p.lastSeen,
    })),
  );
  dim(
    'By user',
    a.byUser.map((u) => ({
      name: u.userName ? `${u.user} (${u.userName})` : u.user,
      calls: u.calls,
      actions: u.actions,
      last: u.lastSeen,
    })),
  );
  dim(
    'By target host',
    a.byHost.map((h) => ({ name: h.host, calls: h.calls, actions: h.actions, last: h.lastSeen })),
  );
  dim(
    'By target',
    a.byTarget.map((t) => ({ name: t.target, calls: t.calls, actions: t.actions, last: t.lastSeen })),
  );
  if (a.byDriver.length > 0) {
    out.push('');
    out.push('### By virt driver of the host named');
    out.push('');
    out.push(
      mdTable(
        ['Driver', 'Calls', 'Actions', 'Hosts'],
        a.byDriver.map((d) => [d.driver, num(d.calls), actionCounts(d.actions), d.hosts.join(', ')]),
      ),
    );
  }
  const matrix = a.support.filter((x) => x.action !== 'list' && x.action !== 'show');
  if (matrix.length > 0) {
    out.push('');
    out.push('### Could the action work on that driver?');
    out.push('');
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
    out.push('');
    out.push(`Hosts not in the inventory: ${a.unknownHosts.map((h) => `\`${h.host}\` (${num(h.calls)})`).join(', ')}.`);
  }
  if (a.byClient.some((c) => c.client !== 'not logged')) {
    out.push('');
    out.push('### By client (User-Agent)');
    out.push('');
    out.push(
      mdTable(
        ['Client', 'Version', 'Calls', 'Actions', 'Addresses'],
        a.byClient
          .slice(0, TOP)
          .map((c) => [c.client, c.version ?? '', num(c.calls), actionCounts(c.actions), c.addresses.join(', ')]),
      ),
    );
  }
  out.push('');
  out.push(
    `By microversion: ${a.byMicroversion.map((m) => `${m.microversion ?? 'not logged'} ${num(m.calls)}`).join(', ')}.`,
  );
  out.push(
    `Seen in: nova's log only ${num(a.seenWhere.novaOnly)}, front-end logs only ${num(a.seenWhere.frontEndOnly)}, both ${num(a.seenWhere.both)}.`,
  );
  return out.join('\n');
}

export function renderMarkdown(r: Report): string {
  const out: string[] = [];
  out.push(`# apicensus: ${r.apis[0]!.api}`);
  out.push('');
  out.push(`> ${r.verdict.summary}`);
  for (const w of r.warnings) {
    out.push('');
    out.push(`> **Warning:** ${w}`);
  }
  out.push('');
  out.push(
    `Inputs: ${num(r.inputs.sources)} sources, ${num(r.inputs.linesRead)} lines, ${num(r.inputs.requests)} ${r.apis[0]!.service} requests, ${num(r.inputs.malformed)} malformed lines. ` +
      `Window: ${r.window.from ?? 'start'} → ${r.window.to ?? 'end'}. Generated ${r.generatedAt} by apicensus ${r.tool.version}.`,
  );
  out.push('');
  out.push(
    `Times without a UTC offset: front-end logs read as ${zoneText(r.timezones.frontEnd, r.clock.machineZone)}, nova's as ${zoneText(r.timezones.nova, r.clock.machineZone)}.` +
      (r.frontends.length
        ? ` Front ends (requests; what decided their service): ${r.frontends.map((f) => frontendText(f, true)).join(', ')}.`
        : ''),
  );
  for (const a of r.apis) {
    out.push('');
    out.push(apiSection(a));
  }
  out.push('');
  out.push(`<sub>${r.inputs.deduplication}</sub>`);
  return out.join('\n') + '\n';
}
