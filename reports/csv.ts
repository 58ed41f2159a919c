/** CSV: one row per (api, action, dimension, value), for spreadsheets and scripts. */
import type { Report } from './model.js';

const field = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function renderCsv(r: Report): string {
  const rows: (string | number | null)[][] = [['api', 'action', 'dimension', 'value', 'calls']];
  for (const a of r.apis) {
    for (const x of a.actions) {
      rows.push([a.api, x.action, 'total', '', x.calls]);
      rows.push([a.api, x.action, 'succeeded', '', x.succeeded]);
      for (const [status, n] of Object.entries(x.statuses)) rows.push([a.api, x.action, 'status', status, n]);
      rows.push([a.api, x.action, 'replacement', x.replacement ?? 'none', x.calls]);
    }
    const dims: [string, { name: string | null; actions: Record<string, number> }[]][] = [
      ['project', a.byProject.map((p) => ({ name: p.project, actions: p.actions }))],
      ['user', a.byUser.map((u) => ({ name: u.user, actions: u.actions }))],
      ['host', a.byHost.map((h) => ({ name: h.host, actions: h.actions }))],
      ['target', a.byTarget.map((t) => ({ name: t.target, actions: t.actions }))],
      ['microversion', a.byMicroversion.map((m) => ({ name: m.microversion, actions: m.actions }))],
      [
        'client',
        a.byClient.map((c) => ({ name: c.version ? `${c.client} ${c.version}` : c.client, actions: c.actions })),
      ],
      ['address', a.byAddress.map((x) => ({ name: x.address, actions: x.actions }))],
      ['driver', a.byDriver.map((d) => ({ name: d.driver, actions: d.actions }))],
    ];
    for (const [dimension, list] of dims) {
      for (const d of list)
        for (const [action, n] of Object.entries(d.actions)) rows.push([a.api, action, dimension, d.name, n]);
    }
  }
  for (const a of r.apis) {
    for (const x of a.support) rows.push([a.api, x.action, `supported-on:${x.driver}`, x.supported, x.calls]);
    for (const h of a.unknownHosts) rows.push([a.api, '', 'host-not-in-inventory', h.host, h.calls]);
  }
  return rows.map((r) => r.map(field).join(',')).join('\n') + '\n';
}
