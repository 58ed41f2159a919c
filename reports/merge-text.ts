/**
 * Text and Markdown for a merge of many clouds' exports. Every count of
 * deployments is "n of m reporting": a deployment that did not report an API
 * is named as unknown, never counted as one that does not call it.
 */
import type { MergedApi, MergeReport, UnknownDeployment } from './export-model.js';
import { num, wrap } from './format.js';

const WIDTH = 80;
const tallyText = (t: { name: string | null; deployments: number; calls: number }[]): string =>
  t.map((x) => `${x.name ?? 'not logged'} ${x.deployments}/${num(x.calls)}`).join(', ');

const ofReporting = (calling: number, reporting: number): string => `${calling} of ${reporting} reporting`;

/** "cloud-b (did not export it), 3f0c… (no logs in its window)". */
export function unknownList(unknown: readonly UnknownDeployment[]): string {
  return unknown
    .map(
      (u) =>
        `${u.label ?? u.deployment} (${u.reason === 'not exported' ? 'did not export it' : 'no logs in its window'})`,
    )
    .join(', ');
}

const apiHeadline = (a: MergedApi): string =>
  `${num(a.calls)} calls in ${a.deploymentsCalling} of ${a.deploymentsReporting} deployments reporting it`;

function apiText(a: MergedApi): string[] {
  const out = [`${a.api.toUpperCase()}: ${apiHeadline(a)}`];
  if (a.unknown.length) out.push(wrap(`unknown (did not report ${a.api}): ${unknownList(a.unknown)}`, WIDTH, '  '));
  out.push(
    [
      '  ' + 'ACTION'.padEnd(20),
      'DEPLOYMENTS'.padStart(18),
      'CALLS'.padStart(7),
      'NEVER WORKED'.padStart(12),
      'REFUSED'.padStart(7),
    ].join(' '),
  );
  for (const x of a.actions) {
    out.push(
      [
        '  ' + x.action.padEnd(20),
        ofReporting(x.deploymentsCalling, x.deploymentsReporting).padStart(18),
        num(x.calls).padStart(7),
        num(x.neverWorked).padStart(12),
        num(x.refused).padStart(7),
      ].join(' '),
    );
  }
  out.push(wrap(`drivers (deployments/calls): ${tallyText(a.drivers) || 'none'}`, WIDTH, '  '));
  out.push(wrap(`clients: ${tallyText(a.clients) || 'none'}`, WIDTH, '  '));
  out.push(wrap(`microversions: ${tallyText(a.microversions) || 'none'}`, WIDTH, '  '));
  return out;
}

export function renderMergeText(m: MergeReport): string {
  const out = [
    `apicensus merge — ${m.deployments.length} deployments`,
    '='.repeat(WIDTH),
    wrap(m.verdict.summary, WIDTH),
    '',
  ];
  for (const a of m.apis) out.push(...apiText(a), '');
  out.push('Deployments:');
  for (const d of m.deployments)
    out.push(
      wrap(
        `${d.label ?? '(no label)'} ${d.id}: ${d.exports} export(s), ${d.coveredDays} days of logs; reports ` +
          `${d.apis.join(', ') || 'no API'}`,
        WIDTH,
        '  ',
      ),
    );
  return out.join('\n') + '\n';
}

export function renderMergeMarkdown(m: MergeReport): string {
  const out = [
    `# apicensus: ${m.verdict.api} across ${m.deployments.length} deployments`,
    '',
    `> ${m.verdict.summary}`,
    '',
  ];
  for (const a of m.apis) {
    out.push(`## ${a.api}: ${apiHeadline(a)}`, '');
    if (a.unknown.length) out.push(`Unknown (did not report ${a.api}): ${unknownList(a.unknown)}.`, '');
    out.push('| Action | Deployments calling | Calls | Never worked | Refused |', '|---|---|---|---|---|');
    for (const x of a.actions)
      out.push(
        `| ${x.action} | ${ofReporting(x.deploymentsCalling, x.deploymentsReporting)} | ${num(x.calls)} | ` +
          `${num(x.neverWorked)} | ${num(x.refused)} |`,
      );
    out.push(
      '',
      `Drivers (deployments/calls): ${tallyText(a.drivers) || 'none'}.`,
      `Clients: ${tallyText(a.clients) || 'none'}.`,
      `Microversions: ${tallyText(a.microversions) || 'none'}.`,
      '',
    );
  }
  out.push('## Deployments', '', '| Deployment | Id | Exports | Days of logs | Reports |', '|---|---|---|---|---|');
  for (const d of m.deployments)
    out.push(
      `| ${d.label ?? '(no label)'} | ${d.id} | ${d.exports} | ${d.coveredDays} | ${d.apis.join(', ') || 'no API'} |`,
    );
  out.push('');
  return out.join('\n');
}
