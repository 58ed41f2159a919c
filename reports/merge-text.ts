/** Text and Markdown for a merge of many clouds' exports. */
import type { MergeReport } from './export-model.js';
import { num, wrap } from './format.js';

const WIDTH = 80;
const tallyText = (t: { name: string | null; deployments: number; calls: number }[]): string =>
  t.map((x) => `${x.name ?? 'not logged'} ${x.deployments}/${num(x.calls)}`).join(', ');

export function renderMergeText(m: MergeReport): string {
  const out = [
    `apicensus merge — ${m.deployments.length} deployments`,
    '='.repeat(WIDTH),
    wrap(m.verdict.summary, WIDTH),
    '',
  ];
  for (const a of m.apis) {
    out.push(
      `${a.api.toUpperCase()}: ${num(a.calls)} calls in ${a.deployments} of ${m.deployments.length} deployments`,
    );
    out.push(
      `  ${'ACTION'.padEnd(20)} ${'DEPLOYMENTS'.padStart(11)} ${'CALLS'.padStart(7)} ${'NEVER WORKED'.padStart(12)} ${'REFUSED'.padStart(7)}`,
    );
    for (const x of a.actions) {
      out.push(
        `  ${x.action.padEnd(20)} ${String(x.deployments).padStart(11)} ${num(x.calls).padStart(7)} ${num(x.neverWorked).padStart(12)} ${num(x.refused).padStart(7)}`,
      );
    }
    out.push(wrap(`drivers (deployments/calls): ${tallyText(a.drivers) || 'none'}`, WIDTH, '  '));
    out.push(wrap(`clients: ${tallyText(a.clients)}`, WIDTH, '  '));
    out.push(wrap(`microversions: ${tallyText(a.microversions)}`, WIDTH, '  '));
    out.push('');
  }
  out.push('Deployments:');
  for (const d of m.deployments)
    out.push(`  ${d.label ?? '(no label)'} ${d.id}: ${d.exports} export(s), ${d.coveredDays} days of logs`);
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
    out.push(`## ${a.api}: ${num(a.calls)} calls in ${a.deployments} of ${m.deployments.length} deployments`, '');
    out.push('| Action | Deployments | Calls | Never worked | Refused |', '|---|---|---|---|---|');
    for (const x of a.actions)
      out.push(`| ${x.action} | ${x.deployments} | ${num(x.calls)} | ${num(x.neverWorked)} | ${num(x.refused)} |`);
    out.push(
      '',
      `Drivers (deployments/calls): ${tallyText(a.drivers) || 'none'}.`,
      `Clients: ${tallyText(a.clients)}.`,
      `Microversions: ${tallyText(a.microversions)}.`,
      '',
    );
  }
  return out.join('\n');
}
