/**
 * Tables the page's script can sort. The markup is complete without script
 * (rows in the model's order, every row present); the script adds buttons to
 * the headers and folds long tables. A cell whose text is not what it sorts
 * by (numbers with thousands separators, dates shown short) carries the raw
 * value in `data-v`; a numeric column is marked `data-type="num"` on its header.
 */
import { html, type Html, type Part } from './escape.js';
import { num } from '../format.js';

export interface Col<T> {
  title: string;
  /** Numeric: right-aligned, sorted as numbers, largest first on the first click. */
  numeric?: boolean;
  /** What the cell shows. Numbers are formatted with separators. */
  value: (row: T) => Part;
  /** What the cell sorts by, when not its text (dates, numbers). */
  sort?: (row: T) => string | number | null;
  /** A CSS class for the cells (e.g. "mono" for ids). */
  cls?: string;
  /** A tooltip on the header, to say what the column counts. */
  help?: string;
}

/** A sortable table; `id` must be unique on the page. */
export function sortableTable<T>(id: string, caption: string, rows: readonly T[], cols: readonly Col<T>[]): Html {
  if (rows.length === 0) return html``;
  const head = cols.map(
    (c) =>
      html`<th scope="col"${c.numeric ? html` data-type="num" class="n"` : null}${
        c.help ? html` title="${c.help}"` : null
      }>${c.title}</th>`,
  );
  const body = rows.map(
    (r) =>
      html`<tr>${cols.map((c) => {
        const v = c.value(r);
        const sortKey = c.sort ? c.sort(r) : c.numeric && typeof v === 'number' ? v : undefined;
        const shown = typeof v === 'number' ? num(v) : v;
        const cls = [c.numeric ? 'n' : '', c.cls ?? ''].filter(Boolean).join(' ');
        return html`<td${cls ? html` class="${cls}"` : null}${
          sortKey !== undefined ? html` data-v="${sortKey ?? ''}"` : null
        }>${shown}</td>`;
      })}</tr>`,
  );
  return html`<div class="table-wrap"><table class="sortable" id="${id}"><caption>${caption}${
    rows.length > 1 ? html` <span class="hint">(${num(rows.length)} rows; click a header to sort)</span>` : null
  }</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}
