/**
 * Charts as inline SVG, written by hand: no chart library, nothing loaded.
 * They are drawn in a fixed 720-unit-wide viewBox and scale with the page.
 * Colours of text, axes and grid lines come from the page's CSS (so dark mode
 * and print apply to them); only the action colours are attributes.
 *
 * What the DOM holds, for readers and for tests:
 * - daily chart: `<svg class="chart daily" data-bars="N">`; each day with calls
 *   is ONE bar, `<g class="bar" data-day="YYYY-MM-DD" data-calls="N">` with a
 *   `<title>` and one `<rect class="seg" data-action="…">` per action that day
 *   (the stacked segments). So the number of `g.bar` equals the number of
 *   entries in `daily`.
 * - horizontal bar charts: `<svg class="chart hbars" data-rows="N">`; each row
 *   is `<g class="hbar" data-label="…">` with a `<title>`, a text label, its
 *   segments and its value.
 */
import { html, type Html } from './escape.js';
import { OTHER } from './palette.js';
import { num, truncate } from '../format.js';

const W = 720;
const DAY_MS = 86_400_000;
/** Up to this many days from first to last, bars sit on a calendar axis (gaps show); beyond, side by side. */
const CALENDAR_DAYS = 400;

/** Coordinates with two decimals at most: smaller files, same picture. */
const r2 = (n: number): number => Math.round(n * 100) / 100;

/** A step for integer counts that gives about `target` grid lines. */
function niceStep(max: number, target = 4): number {
  if (max <= 0) return 1;
  const raw = max / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  const s = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
  return Math.max(1, Math.ceil(s * p));
}

export interface DayCalls {
  day: string;
  calls: number;
  actions: Record<string, number>;
}

/** Actions in the API's order, then any the days name that it does not list. */
function stackOrder(days: readonly { actions: Record<string, number> }[], order: readonly string[]): string[] {
  const out = [...order];
  for (const d of days) for (const a of Object.keys(d.actions)) if (!out.includes(a)) out.push(a);
  return out;
}

const dayMs = (day: string): number | null => {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  return Number.isNaN(t) ? null : t;
};

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const actionList = (actions: Record<string, number>, order: readonly string[]): string =>
  order
    .filter((a) => (actions[a] ?? 0) > 0)
    .map((a) => `${a} ${num(actions[a]!)}`)
    .join(', ');

/**
 * Calls per UTC day as stacked bars, one colour per action. When the days
 * span up to CALENDAR_DAYS, the x axis is a calendar (a day without calls is an
 * empty slot); logs from years apart are instead drawn side by side, with a
 * dashed line where days were skipped, and the caption says so.
 */
export function dailyChart(
  id: string,
  title: string,
  days: readonly DayCalls[],
  order: readonly string[],
  colours: ReadonlyMap<string, string>,
): Html {
  if (days.length === 0) return html`<p class="empty">No calls, so no timeline.</p>`;
  const stack = stackOrder(days, order);
  const H = 240;
  const ml = 44;
  // Room on both sides for half a date label under the first and last slots.
  const mr = 36;
  const mt = 12;
  const mb = 34;
  const plotW = W - ml - mr;
  const plotH = H - mt - mb;
  const dated = days.map((d) => ({ d, t: dayMs(d.day) }));
  const times = dated.map((x) => x.t).filter((t): t is number => t !== null);
  const first = times.length ? Math.min(...times) : 0;
  const last = times.length ? Math.max(...times) : 0;
  const span = times.length ? Math.round((last - first) / DAY_MS) + 1 : 0;
  const undated = dated.filter((x) => x.t === null).length;
  const calendar = times.length > 0 && span <= CALENDAR_DAYS;
  const slots = calendar ? span + undated : days.length;
  // Undated calls (no timestamp) go after the dated ones, in the order given.
  let nextUndated = span;
  const slotOf = dated.map((x, i) =>
    calendar ? (x.t === null ? nextUndated++ : Math.round((x.t - first) / DAY_MS)) : i,
  );
  const slotW = plotW / slots;
  const barW = Math.min(48, slotW > 3 ? slotW * 0.8 : slotW);
  const max = Math.max(...days.map((d) => d.calls));
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const y = (v: number): number => mt + plotH - (v / top) * plotH;

  const grid: Html[] = [];
  for (let v = 0; v <= top; v += step) {
    grid.push(
      html`<line class="${v === 0 ? 'axis' : 'grid'}" x1="${ml}" x2="${W - mr}" y1="${r2(y(v))}" y2="${r2(y(v))}"/>`,
    );
    grid.push(html`<text class="tick" x="${ml - 6}" y="${r2(y(v) + 4)}" text-anchor="end">${num(v)}</text>`);
  }

  const bars = days.map((d, i) => {
    const x = ml + slotOf[i]! * slotW + (slotW - barW) / 2;
    let cum = 0;
    const segs = stack
      .filter((a) => (d.actions[a] ?? 0) > 0)
      .map((a) => {
        const v = d.actions[a]!;
        const y1 = y(cum);
        cum += v;
        const y0 = y(cum);
        return html`<rect class="seg" data-action="${a}" x="${r2(x)}" y="${r2(y0)}" width="${r2(barW)}" height="${r2(y1 - y0)}" fill="${colours.get(a) ?? OTHER}"/>`;
      });
    return html`<g class="bar" data-day="${d.day}" data-calls="${d.calls}"><title>${d.day}: ${num(d.calls)} ${d.calls === 1 ? 'call' : 'calls'} (${actionList(d.actions, stack)})</title>${segs}</g>`;
  });

  // Dashed lines where side-by-side bars skip days, while there are few enough bars to see them.
  const gaps: Html[] = [];
  if (!calendar && days.length <= 120) {
    for (let i = 0; i + 1 < days.length; i++) {
      const a = dated[i]!.t;
      const b = dated[i + 1]!.t;
      if (a === null || b === null) continue;
      const skipped = Math.round((b - a) / DAY_MS) - 1;
      if (skipped < 1) continue;
      const gx = r2(ml + (i + 1) * slotW);
      gaps.push(
        html`<line class="gap" x1="${gx}" x2="${gx}" y1="${mt}" y2="${mt + plotH}"><title>${num(skipped)} ${skipped === 1 ? 'day' : 'days'} without calls</title></line>`,
      );
    }
  }

  // Labels: a date is ~70 units wide, so one every `every` slots keeps them ~90 apart; the last one too when there is room.
  const every = Math.max(1, Math.ceil(90 / slotW));
  const labelAt = (slot: number): string => {
    if (!calendar) return days[slot]!.day;
    return slot < span ? isoDay(first + slot * DAY_MS) : 'undated';
  };
  const picks = new Set<number>();
  for (let s = 0; s < slots; s += every) picks.add(s);
  const lastPick = Math.floor((slots - 1) / every) * every;
  if ((slots - 1 - lastPick) * slotW >= 90) picks.add(slots - 1);
  const labels = [...picks].map((s) => {
    const cx = ml + s * slotW + slotW / 2;
    return html`<text class="tick" x="${r2(cx)}" y="${H - mb + 16}" text-anchor="middle">${labelAt(s)}</text>`;
  });

  const desc = `${num(days.length)} ${days.length === 1 ? 'day' : 'days'} with calls, at most ${num(max)} a day; ${
    calendar ? 'the axis is a calendar, one slot per day' : 'days are drawn side by side, not to scale'
  }.`;
  return html`<svg class="chart daily" id="${id}" data-bars="${days.length}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMinYMin meet">
<title id="${id}-t">${title}</title><desc id="${id}-d">${desc}</desc>
${grid}${gaps}${bars}${labels}
</svg>
<p class="caption">${
    calendar
      ? 'One bar per UTC day with calls, stacked by action; the axis is a calendar, so a day without calls is an empty slot.'
      : 'One bar per UTC day with calls, stacked by action. The days span too long for a calendar axis, so only days with calls are drawn, side by side; a dashed line marks skipped days.'
  }</p>`;
}

export interface HBarRow {
  label: string;
  /** Longer text for the tooltip (defaults to the label). */
  title?: string;
  value: number;
  /** Stacked parts (by action) adding up to `value`; one part in the neutral colour when absent. */
  parts?: { key: string; value: number; colour: string }[];
  /** Text after the bar (defaults to the value). */
  valueText?: string;
}

/**
 * Horizontal bars, largest first as given. With `max`, bars are drawn against
 * a faint track up to it ("3 of 12 deployments"); otherwise the largest fills
 * the width.
 */
export function hbarChart(
  id: string,
  title: string,
  desc: string,
  rows: readonly HBarRow[],
  opts: { max?: number } = {},
): Html {
  if (rows.length === 0) return html`<p class="empty">Nothing to chart.</p>`;
  const rowH = 24;
  const barH = 15;
  const labelW = 250;
  const valueW = 160;
  const mt = 4;
  const H = mt * 2 + rows.length * rowH;
  const plotW = W - labelW - valueW;
  const max = opts.max ?? Math.max(1, ...rows.map((r) => r.value));
  const x = (v: number): number => labelW + (Math.max(0, v) / max) * plotW;
  const g = rows.map((r, i) => {
    const top = mt + i * rowH + (rowH - barH) / 2;
    const parts = r.parts?.filter((p) => p.value > 0) ?? [{ key: '', value: r.value, colour: '' }];
    let cum = 0;
    const segs = parts.map((p) => {
      const x0 = x(cum);
      cum += p.value;
      const x1 = x(cum);
      return p.colour
        ? html`<rect class="seg" data-action="${p.key}" x="${r2(x0)}" y="${r2(top)}" width="${r2(Math.max(0, x1 - x0))}" height="${barH}" fill="${p.colour}"/>`
        : html`<rect class="seg plain" x="${r2(x0)}" y="${r2(top)}" width="${r2(Math.max(0, x1 - x0))}" height="${barH}"/>`;
    });
    const track =
      opts.max !== undefined
        ? html`<rect class="track" x="${labelW}" y="${r2(top)}" width="${r2(plotW)}" height="${barH}"/>`
        : null;
    const mid = r2(top + barH / 2 + 4);
    return html`<g class="hbar" data-label="${r.label}" data-value="${r.value}"><title>${r.title ?? r.label}: ${r.valueText ?? num(r.value)}</title><text class="label" x="${labelW - 8}" y="${mid}" text-anchor="end">${truncate(r.label, 30)}</text>${track}${segs}<text class="value" x="${r2(x(r.value) + 6)}" y="${mid}">${r.valueText ?? num(r.value)}</text></g>`;
  });
  return html`<svg class="chart hbars" id="${id}" data-rows="${rows.length}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMinYMin meet">
<title id="${id}-t">${title}</title><desc id="${id}-d">${desc}</desc>
${g}
</svg>`;
}

/** The key to the action colours, as HTML so it wraps with the page. */
export function legend(actions: readonly string[], colours: ReadonlyMap<string, string>): Html {
  if (actions.length === 0) return html``;
  return html`<ul class="legend" aria-label="Colours of the actions">${actions.map(
    (a) =>
      html`<li><svg class="swatch" viewBox="0 0 12 12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="${colours.get(a) ?? OTHER}"/></svg>${a}</li>`,
  )}</ul>`;
}

/** The parts of a stacked horizontal bar, by action, in the API's order. */
export function actionParts(
  actions: Record<string, number>,
  order: readonly string[],
  colours: ReadonlyMap<string, string>,
): NonNullable<HBarRow['parts']> {
  return stackOrder([{ actions }], order)
    .filter((a) => (actions[a] ?? 0) > 0)
    .map((a) => ({ key: a, value: actions[a]!, colour: colours.get(a) ?? OTHER }));
}
