/**
 * The default report: readable in an 80-column terminal, the verdict first.
 */
import { actionCounts, num, shortTime, statuses, table, truncate, wrap } from './format.js';
import { frontendText, zoneText } from './evidence-notes.js';
import type { ApiReport, Report } from './model.js';

const WIDTH = 80;
const TOP = 10;

/** Calls per 100k requests as a percentage with three significant digits. */
const share = (perHundredThousand: number): string => `${Number((perHundredThousand / 1000).toPrecision(3))} %`;

function deprecation(a: ApiReport): string {
  const parts: string[] = [];
  if (a.deprecated)
    parts.push(
      `deprecated${a.deprecated.microversion ? ` at ${a.deprecated.microversion}` : ''}${a.deprecated.release ? ` (${a.deprecated.release})` : ''}`,
    );
  if (a.removed) parts.push(`removed in ${a.removed.release}`);
  return parts.join(', ');
}

function apiSection(a: ApiReport): string {
  const out: string[] = [];
  const dep = deprecation(a);
  out.push(`${a.api.toUpperCase()} — ${a.title}${dep ? ` — ${dep}` : ''}`);
  if (a.calls === 0) {
    out.push('  no calls');
    return out.join('\n');
  }
  out.push(
    wrap(
      `calls ${num(a.calls)} · projects ${a.projects} · users ${a.users} · first ${shortTime(a.firstSeen)} · last ${shortTime(a.lastSeen)}` +
        (a.perHundredThousand !== null ? ` · ${share(a.perHundredThousand)} of ${a.service} requests` : '') +
        (a.refused > 0 ? ` · refused (${a.removed ? 'API removed' : 'too new a microversion'}) ${a.refused}` : ''),
      WIDTH,
      '  ',
    ),
  );
  out.push('');
  out.push(
    table(a.actions, [
      { title: 'ACTION', width: 18, value: (r) => r.action },
      { title: 'CALLS', width: 6, align: 'right', value: (r) => num(r.calls) },
      { title: '2XX', width: 5, align: 'right', value: (r) => num(r.succeeded) },
      { title: 'OTHER', width: 5, align: 'right', value: (r) => num(r.failed) },
      { title: 'PROJ', width: 4, align: 'right', value: (r) => String(r.projects) },
      { title: 'STATUSES', width: 32, value: (r) => statuses(r.statuses) },
    ]),
  );
  out.push('');
  out.push('  Replacements:');
  for (const x of a.actions)
    out.push(
      wrap(`${x.action}: ${x.replacement ?? 'none'}`, WIDTH, '    ')
        .replace(/^ {4}/, '  - ')
        .replace(/\n {4}/g, '\n    '),
    );
  const dim = (
    title: string,
    rows: { key: string; calls: number; actions: Record<string, number>; last: string | null }[],
  ): void => {
    if (rows.length === 0) return;
    out.push('');
    out.push(`  ${title}${rows.length > TOP ? ` (top ${TOP} of ${rows.length})` : ''}`);
    for (const r of rows.slice(0, TOP)) {
      const right = `${num(r.calls).padStart(6)} · last ${(r.last ?? '-').slice(0, 10)}`;
      out.push(`    ${truncate(r.key, WIDTH - 6 - right.length).padEnd(WIDTH - 6 - right.length)}${right}`);
      out.push(wrap(actionCounts(r.actions), WIDTH, '        '));
    }
  };
  dim(
    'By project',
    a.byProject.map((p) => ({
      key: p.projectName ? `${p.project} (${p.projectName})` : p.project,
      calls: p.calls,
      actions: p.actions,
      last: p.lastSeen,
    })),
  );
  dim(
    'By user',
    a.byUser.map((u) => ({
      key: u.userName ? `${u.user} (${u.userName})` : u.user,
      calls: u.calls,
      actions: u.actions,
      last: u.lastSeen,
    })),
  );
  dim(
    'By target host',
    a.byHost.map((h) => ({ key: h.host, calls: h.calls, actions: h.actions, last: h.lastSeen })),
  );
  dim(
    'By target',
    a.byTarget.map((t) => ({ key: t.target, calls: t.calls, actions: t.actions, last: t.lastSeen })),
  );
  if (a.byDriver.length > 0) {
    out.push('');
    out.push('  By virt driver of the host named');
    for (const d of a.byDriver) {
      out.push(`    ${d.driver.padEnd(WIDTH - 12)}${num(d.calls).padStart(6)}`);
      out.push(wrap(`${actionCounts(d.actions)} · hosts ${d.hosts.join(', ')}`, WIDTH, '        '));
    }
  }
  const matrix = a.support.filter((x) => x.action !== 'list' && x.action !== 'show');
  if (matrix.length > 0) {
    out.push('');
    out.push('  Could the action work on that driver? (capability matrix)');
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
    out.push(
      wrap(
        `  Not in the inventory: ${a.unknownHosts.map((h) => `${h.host} (${num(h.calls)})`).join(', ')} — \`apicensus inventory import\` what is missing.`,
        WIDTH,
        '  ',
      ),
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
  if (a.byClient.some((c) => c.client !== 'not logged')) {
    out.push('');
    out.push('  By client (User-Agent family; addresses where known)');
    for (const c of a.byClient.slice(0, TOP)) {
      out.push(`    ${`${c.client}${c.version ? ` ${c.version}` : ''}`.padEnd(WIDTH - 12)}${num(c.calls).padStart(6)}`);
      out.push(
        wrap(
          actionCounts(c.actions) + (c.addresses.length ? ` · from ${c.addresses.join(', ')}` : ''),
          WIDTH,
          '        ',
        ),
      );
    }
  }
  dim(
    'By client address',
    a.byAddress.map((x) => ({ key: x.address, calls: x.calls, actions: x.actions, last: x.lastSeen })),
  );
  out.push('');
  out.push(
    wrap(
      `By microversion: ${a.byMicroversion.map((m) => `${m.microversion ?? 'not logged'} ${num(m.calls)}`).join(', ')}`,
      WIDTH,
      '  ',
    ),
  );
  const w = a.seenWhere;
  out.push(
    wrap(
      `Seen in: nova's log only ${num(w.novaOnly)}, front-end logs only ${num(w.frontEndOnly)}, both ${num(w.both)}` +
        (w.auditOnly ? `, audit events only ${num(w.auditOnly)}` : '') +
        ` (${Object.entries(a.seenIn)
          .map(([k, v]) => `${k} ${num(v)}`)
          .join(', ')})`,
      WIDTH,
      '  ',
    ),
  );
  return out.join('\n');
}

export function renderText(r: Report): string {
  const out: string[] = [];
  const studied = r.apis[0]!;
  const title = `apicensus report — ${studied.api}`;
  out.push(title + `generated ${shortTime(r.generatedAt)} UTC`.padStart(WIDTH - title.length));
  out.push('='.repeat(WIDTH));
  out.push(wrap(r.verdict.summary, WIDTH));
  for (const w of r.warnings) {
    out.push('');
    out.push(wrap(`Warning: ${w}`, WIDTH));
  }
  out.push('');
  out.push('INPUTS');
  out.push(
    wrap(
      `${num(r.inputs.sources)} sources · ${num(r.inputs.linesRead)} lines · ${num(r.inputs.requests)} ${studied.service} requests · ${num(r.inputs.malformed)} malformed` +
        (Object.keys(r.inputs.requestsByLayer).length > 1
          ? ` · by layer: ${Object.entries(r.inputs.requestsByLayer)
              .map(([k, v]) => `${k} ${num(v)}`)
              .join(', ')}`
          : ''),
      WIDTH,
      '  ',
    ),
  );
  out.push(
    wrap(
      `window: ${r.window.from ?? 'start'} → ${r.window.to ?? 'end'} · times in UTC; front-end logs without an offset read as ${zoneText(r.timezones.frontEnd, r.clock.machineZone)}, nova's as ${zoneText(r.timezones.nova, r.clock.machineZone)}`,
      WIDTH,
      '  ',
    ),
  );
  if (r.frontends.length > 0) {
    const picked = r.frontends.filter((f) => f.service === studied.service);
    const others = r.frontends.filter((f) => f.service !== studied.service);
    out.push(
      wrap(
        `front ends counted as ${studied.service}: ${picked.length ? picked.map((f) => frontendText(f, false)).join(', ') : 'none'}`,
        WIDTH,
        '  ',
      ),
    );
    if (others.length)
      out.push(wrap(`other front ends: ${others.map((f) => frontendText(f, true)).join(', ')}`, WIDTH, '  '));
  }
  for (const a of r.apis) {
    out.push('');
    out.push(apiSection(a));
  }
  if (r.malformedExamples.length > 0) {
    out.push('');
    out.push('MALFORMED LINES (first examples)');
    for (const m of r.malformedExamples) {
      const where = `${m.path}:${m.line}`;
      out.push(`  ${where.length > WIDTH - 2 ? `…${where.slice(where.length - (WIDTH - 3))}` : where}`);
      out.push(wrap(m.reason, WIDTH, '    '));
      out.push(`    ${truncate(m.text, WIDTH - 4)}`);
    }
  }
  out.push('');
  out.push(wrap(`How totals are counted: ${r.inputs.deduplication}`, WIDTH));
  return out.join('\n') + '\n';
}
