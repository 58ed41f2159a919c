/**
 * The frame every page shares: one self-contained file with its CSS, its
 * script and its data inline. A Content-Security-Policy forbids every load
 * from anywhere (no network, not even file:) and lets only this module's own
 * style and script run, by hash — so even a string that slipped through
 * escaping could not run script or fetch anything.
 */
import { createHash } from 'node:crypto';
import { html, jsonForScript, trusted, type Html } from './escape.js';

/**
 * Calm and readable: the system's fonts, prose at most ~80 characters wide,
 * light and dark from the reader's setting, a plain black-on-white print.
 * A `\` at a line's end joins the next line to it inside the string, so a
 * long rule wraps in the source without a newline in the CSS.
 */
const CSS = `
:root {
  color-scheme: light dark;
  --fg: #1c1c1c; --muted: #5c5c5c; --bg: #ffffff; --panel: #f5f5f2; --line: #d6d6d2; --grid: #e9e9e5;
  --accent: #0b5cad; --verdict: #eef3fa; --verdict-line: #0b5cad; --warn: #fff5d9; --warn-line: #b37d00;
  --no: #a33a00;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6e6e3; --muted: #a6a6a1; --bg: #151617; --panel: #1f2123; --line: #3b3e41; --grid: #2a2c2f;
    --accent: #80b6ef; --verdict: #1a2431; --verdict-line: #80b6ef; --warn: #332a12; --warn-line: #d9a93a;
    --no: #ff9a66;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
.page { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
p, li, dd, .caption, figcaption { max-width: 80ch; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.25rem 0 .5rem; padding-top: .5rem; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.75rem 0 .5rem; }
a { color: var(--accent); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; \
font-size: .88em; }
.meta, .hint, .caption, figcaption { color: var(--muted); font-size: .9rem; }
header .meta { margin: 0; }
nav.toc { margin: .75rem 0 0; font-size: .95rem; }
nav.toc a { margin-right: 1rem; }
#verdict-box { background: var(--verdict); border-left: 4px solid var(--verdict-line); padding: .75rem 1rem; \
margin: 1.25rem 0; border-radius: 2px; }
#verdict-box h2 { border: 0; margin: 0 0 .25rem; padding: 0; font-size: 1rem; text-transform: uppercase; \
letter-spacing: .04em; color: var(--muted); }
#verdict { font-size: 1.08rem; margin: 0; }
.answer { margin: .25rem 0; font-size: 1.05rem; }
ul.reasons, ul.points, ul.gaps { margin: .25rem 0 .5rem; padding-left: 1.25rem; }
ul.points li { margin: .15rem 0; }
.span, .glance-h { margin: .5rem 0 .25rem; }
table.glance { width: auto; margin: 0 0 .5rem; font-size: .92rem; }
.tags { margin: .5rem 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .35rem .5rem; \
font-size: .9rem; }
.tags li { border: 1px solid var(--line); border-radius: 1rem; padding: 0 .6rem; background: var(--bg); }
.warnings { list-style: none; padding: 0; margin: 0; }
.warnings li { background: var(--warn); border-left: 4px solid var(--warn-line); padding: .5rem .85rem; \
margin: .5rem 0; border-radius: 2px; }
dl.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: .5rem; \
margin: .75rem 0; }
dl.figures div { background: var(--panel); border-radius: 4px; padding: .4rem .7rem; }
dl.figures dt { color: var(--muted); font-size: .8rem; }
dl.figures dd { margin: 0; font-size: 1.15rem; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
figure { margin: 1.25rem 0; break-inside: avoid; }
figure figcaption { font-weight: 600; color: var(--fg); font-size: .95rem; margin-bottom: .35rem; }
svg.chart { display: block; width: 100%; height: auto; max-width: 54rem; font-size: 12px; }
svg.chart text { fill: var(--fg); }
svg.chart text.tick, svg.chart text.value { fill: var(--muted); font-variant-numeric: tabular-nums; }
svg.chart line.axis { stroke: var(--muted); stroke-width: 1; }
svg.chart line.grid { stroke: var(--grid); stroke-width: 1; }
svg.chart line.hatch { stroke: var(--muted); stroke-width: 2.5; }
svg.chart rect.nologs { stroke: none; }
svg.chart rect.seg { stroke: var(--bg); stroke-width: .75; }
svg.chart rect.plain { fill: var(--accent); }
svg.chart rect.track { fill: var(--grid); }
svg.chart g.bar:hover rect.seg, svg.chart g.hbar:hover rect.seg { opacity: .8; }
ul.legend { list-style: none; padding: 0; margin: .25rem 0 .5rem; display: flex; flex-wrap: wrap; gap: .2rem 1rem; \
font-size: .9rem; }
ul.legend li { display: inline-flex; align-items: center; gap: .35rem; }
svg.swatch { width: .8rem; height: .8rem; }
.table-wrap { overflow-x: auto; margin: .75rem 0; }
table { border-collapse: collapse; font-size: .9rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .25rem 0 .4rem; }
caption .hint { font-weight: normal; }
th, td { padding: .3rem .6rem .3rem 0; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; white-space: nowrap; border-bottom: 2px solid var(--line); }
td { overflow-wrap: break-word; }
td.mono { overflow-wrap: anywhere; }
td.nowrap { white-space: nowrap; }
th.n, td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:hover { background: var(--panel); }
th button.sort { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; \
text-align: inherit; }
th button.sort::after { content: " \\2195"; color: var(--muted); font-weight: normal; }
th[aria-sort="ascending"] button.sort::after { content: " \\2191"; color: var(--fg); }
th[aria-sort="descending"] button.sort::after { content: " \\2193"; color: var(--fg); }
th button.sort:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
button.more, button.download {
  font: inherit; font-size: .9rem; color: var(--accent); background: none; border: 1px solid var(--line);
  border-radius: 4px; padding: .2rem .6rem; cursor: pointer;
}
.works-no { color: var(--no); font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
details { margin: .5rem 0; }
details summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
pre.line { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--panel); padding: .4rem .6rem; \
margin: .25rem 0 .75rem; font-size: .85rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  :root { --fg: #000; --muted: #444; --bg: #fff; --panel: #f2f2f2; --line: #bbb; --grid: #e4e4e4; --accent: #000; \
--verdict: #fff; --warn: #fff; }
  body { font-size: 10.5pt; }
  .page { max-width: none; padding: 0; }
  nav.toc, button.more, button.download { display: none !important; }
  tr[hidden] { display: table-row !important; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  details:not([open]) { display: none; }
}
`;

/**
 * Small and dependency-free: makes every table.sortable sortable by clicking
 * a header (numbers as numbers, text by the reader's collation; a second
 * click reverses), folds tables longer than FOLD rows behind a button, and
 * offers the embedded JSON as a download. Everything else is already in the
 * markup, so the page reads the same without script.
 */
const SCRIPT = `
(() => {
  'use strict';
  const FOLD = 25;
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const keyOf = (row, i, numeric) => {
    const td = row.cells[i];
    const v = td ? (td.dataset.v !== undefined ? td.dataset.v : td.textContent || '') : '';
    if (!numeric) return v.trim();
    const n = parseFloat(v.replace(/,/g, ''));
    return Number.isNaN(n) ? -Infinity : n;
  };
  const fold = (table) => {
    const open = table.dataset.open === '1';
    Array.from(table.tBodies[0].rows).forEach((r, i) => { r.hidden = !open && i >= FOLD; });
  };
  document.querySelectorAll('table.sortable').forEach((table) => {
    const heads = Array.from(table.tHead.rows[0].cells);
    heads.forEach((th, i) => {
      const numeric = th.dataset.type === 'num';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', () => {
        const now = th.getAttribute('aria-sort');
        const dir = now ? (now === 'ascending' ? 'descending' : 'ascending') : (numeric ? 'descending' : 'ascending');
        heads.forEach((h) => h.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', dir);
        const sign = dir === 'ascending' ? 1 : -1;
        const body = table.tBodies[0];
        const rows = Array.from(body.rows).map((r) => ({ r, k: keyOf(r, i, numeric) }));
        rows.sort((a, b) => sign * (numeric ? (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) : collator.compare(a.k, b.k)));
        rows.forEach(({ r }) => body.appendChild(r));
        fold(table);
      });
    });
    const n = table.tBodies[0].rows.length;
    if (n > FOLD) {
      const more = document.createElement('button');
      more.type = 'button';
      more.className = 'more';
      const label = () => {
        more.textContent = table.dataset.open === '1' ? 'Show the first ' + FOLD + ' rows' : 'Show all ' + n + ' rows';
      };
      more.addEventListener('click', () => {
        table.dataset.open = table.dataset.open === '1' ? '0' : '1';
        fold(table);
        label();
      });
      table.parentElement.after(more);
      label();
      fold(table);
    }
  });
  const data = document.getElementById('apicensus-data');
  const download = document.getElementById('download-json');
  if (data && download) {
    download.hidden = false;
    download.addEventListener('click', () => {
      const url = URL.createObjectURL(new Blob([data.textContent], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = download.dataset.file || 'apicensus.json';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    });
  }
})();
`;

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('base64');

/** Nothing may be loaded; only this module's own style and script may apply. */
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${sha256(CSS)}'`,
  `script-src 'sha256-${sha256(SCRIPT)}'`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export interface PageParts {
  title: string;
  /** The model the page shows; embedded verbatim as JSON. */
  data: unknown;
  body: Html;
}

/** A button (shown only when script runs) that saves the embedded JSON under `file`. */
export const downloadButton = (file: string): Html =>
  html`<button type="button" class="download" id="download-json" data-file="${file}" hidden>Download the data \
(JSON)</button>`;

/** The whole document around a rendered body. */
export function page(p: PageParts): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="generator" content="apicensus">
<title>${p.title}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<div class="page">
${p.body}
</div>
<script type="application/json" id="apicensus-data">${trusted(jsonForScript(p.data))}</script>
<script>${trusted(SCRIPT)}</script>
</body>
</html>
`.value;
}
