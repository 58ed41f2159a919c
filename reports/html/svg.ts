/**
 * Charts as inline SVG, written by hand: no chart library, nothing loaded.
 * They are drawn in a fixed 720-unit-wide viewBox and scale with the page.
 * Colours of text, axes and grid lines come from the page's CSS (so dark mode
 * and print apply to them); only the action colours are attributes.
 *
 * What the DOM holds, for readers and for tests:
 * - daily chart: `<svg class="chart daily" data-bars="N" data-bin="day|week|month|year">`;
 *   each bin (bins.ts) with calls is ONE bar, `<g class="bar" data-bin="YYYY-MM-DD"
 *   data-calls="N">` (the bin's first day, or "undated") with a `<title>` and one
 *   `<rect class="seg" data-action="…">` per action in that bin (the stacked
 *   segments); a bin with days without logs has a hatched `<rect class="nologs"
 *   data-bin="…" data-days="N">` behind it.
 * - horizontal bar charts: `<svg class="chart hbars" data-rows="N">`; each row
 *   is `<g class="hbar" data-label="…">` with a `<title>`, a text label, its
 *   segments and its value.
 */
import { binDays, type Bin, type BinSize, type DayCalls, type SpanDays } from './bins.js';
import { html, type Html } from './escape.js';
import { OTHER } from './palette.js';
import { num, truncate } from '../format.js';

export type { DayCalls, SpanDays };

const W = 720;

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

/** Actions in the API's order, then any the days name that it does not list. */
function stackOrder(days: readonly { actions: Record<string, number> }[], order: readonly string[]): string[] {
  const out = [...order];
  for (const d of days) for (const a of Object.keys(d.actions)) if (!out.includes(a)) out.push(a);
  return out;
}

const actionList = (actions: Record<string, number>, order: readonly string[]): string =>
  order
    .filter((a) => (actions[a] ?? 0) > 0)
    .map((a) => `${a} ${num(actions[a]!)}`)
    .join(', ');

const BIN_WORD: Record<BinSize, string> = { day: 'UTC day', week: 'week (from Monday)', month: 'month', year: 'year' };

/** What a bin is called in a tooltip: "2024-05-06", "week of 2024-05-06", "2024-05", "2024". */
const binName = (size: BinSize, b: Bin): string =>
  size === 'week' && b.key !== 'undated' ? `week of ${b.label}` : b.label;

/** The y axis: grid lines and their numbers. */
function yAxis(top: number, step: number, y: (v: number) => number, ml: number, right: number): Html[] {
  const grid: Html[] = [];
  for (let v = 0; v <= top; v += step) {
    grid.push(
      html`<line class="${v === 0 ? 'axis' : 'grid'}" x1="${ml}" x2="${right}" y1="${r2(y(v))}" y2="${r2(y(v))}"/>`,
    );
    grid.push(html`<text class="tick" x="${ml - 6}" y="${r2(y(v) + 4)}" text-anchor="end">${num(v)}</text>`);
  }
  return grid;
}

/**
 * Calls over time as stacked bars, one colour per action, on a calendar axis:
 * one bar per day for up to three months, per week up to two years, per month
 * beyond (bins.ts), so a year of logs is fifty-odd bars, not a wall. With the
 * span the logs cover, bins with days without logs are hatched (fully when no
 * day of the bin had logs): an empty slot is "no call", a hatched one "no logs".
 */
export function dailyChart(
  id: string,
  title: string,
  days: readonly DayCalls[],
  order: readonly string[],
  colours: ReadonlyMap<string, string>,
  span?: SpanDays,
): Html {
  if (days.length === 0) return html`<p class="empty">No calls, so no timeline.</p>`;
  const stack = stackOrder(days, order);
  const { size, bins } = binDays(days, span);
  const H = 240;
  const ml = 44;
  // Room on both sides for half a date label under the first and last slots.
  const mr = 36;
  const mt = 12;
  const mb = 34;
  const plotW = W - ml - mr;
  const plotH = H - mt - mb;
  const slotW = plotW / bins.length;
  const barW = Math.min(48, slotW > 3 ? slotW * 0.8 : slotW);
  const max = Math.max(...bins.map((b) => b.calls));
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const y = (v: number): number => mt + plotH - (v / top) * plotH;
  const slotX = (i: number): number => ml + i * slotW;

  const noLogs = bins.flatMap((b, i) =>
    b.daysWithoutLogs > 0 && b.days > 0
      ? [
          html`<rect class="nologs" data-bin="${b.key}" data-days="${b.daysWithoutLogs}" x="${r2(slotX(i))}" y="${mt}" \
width="${r2(slotW)}" height="${plotH}" fill="url(#${id}-hatch)" \
fill-opacity="${r2(Math.max(0.25, b.daysWithoutLogs / b.days))}"><title>${binName(size, b)}: \
no logs on ${num(b.daysWithoutLogs)} of ${num(b.days)} ${b.days === 1 ? 'day' : 'days'}</title></rect>`,
        ]
      : [],
  );
  const bars = bins.flatMap((b, i) => {
    if (b.calls === 0) return [];
    const x = slotX(i) + (slotW - barW) / 2;
    let cum = 0;
    const segs = stack
      .filter((a) => (b.actions[a] ?? 0) > 0)
      .map((a) => {
        const v = b.actions[a]!;
        const y1 = y(cum);
        cum += v;
        const y0 = y(cum);
        return html`<rect class="seg" data-action="${a}" x="${r2(x)}" y="${r2(y0)}" width="${r2(barW)}" \
height="${r2(y1 - y0)}" fill="${colours.get(a) ?? OTHER}"/>`;
      });
    return [
      html`<g class="bar" data-bin="${b.key}" data-calls="${b.calls}"><title>${binName(size, b)}: ${num(b.calls)} \
${b.calls === 1 ? 'call' : 'calls'} (${actionList(b.actions, stack)})</title>${segs}</g>`,
    ];
  });

  const labels = dateTicks(bins, slotW, slotX, H - mb + 16);

  const withCalls = bins.filter((b) => b.calls > 0).length;
  const blind = bins.filter((b) => b.daysWithoutLogs > 0).length;
  const word = BIN_WORD[size];
  const desc = dailyDesc(withCalls, word, max, blind);
  return html`<svg class="chart daily" id="${id}" data-bars="${withCalls}" data-bin="${size}" viewBox="0 0 ${W} ${H}" \
role="img" aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMinYMin meet">
<title id="${id}-t">${title}</title><desc id="${id}-d">${desc}</desc>
<defs><pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line \
class="hatch" x1="0" y1="0" x2="0" y2="6"/></pattern></defs>
${noLogs}${yAxis(top, step, y, ml, W - mr)}${bars}${labels}
</svg>
<p class="caption">One bar per ${word} with calls, stacked by action; the axis is a calendar, so a ${size} without \
calls is an empty slot${
    blind
      ? ', and a hatched slot had days without any log (darker: more of its days), where the logs cannot show calls'
      : ''
  }.</p>`;
}

/** The chart's description for screen readers. */
function dailyDesc(withCalls: number, word: string, max: number, blind: number): string {
  return (
    `${num(withCalls)} ${withCalls === 1 ? 'bar' : 'bars'}, one per ${word} with calls, at most ${num(max)} in one; ` +
    'the axis is a calendar' +
    (blind ? `; ${num(blind)} ${blind === 1 ? 'slot is' : 'slots are'} hatched where logs are missing` : '') +
    '.'
  );
}

/** Date labels under the slots of a calendar axis, at text baseline `ty`. */
function dateTicks(
  bins: readonly { label: string }[],
  slotW: number,
  slotX: (i: number) => number,
  ty: number,
): Html[] {
  // Labels: a date is ~70 units wide, so one every `every` slots
  // keeps them ~90 apart; the last one too when there is room.
  const every = Math.max(1, Math.ceil(90 / slotW));
  const picks = new Set<number>();
  for (let i = 0; i < bins.length; i += every) picks.add(i);
  const lastPick = Math.floor((bins.length - 1) / every) * every;
  if ((bins.length - 1 - lastPick) * slotW >= 90) picks.add(bins.length - 1);
  return [...picks].map(
    (i) =>
      html`<text class="tick" x="${r2(slotX(i) + slotW / 2)}" y="${ty}" \
text-anchor="middle">${bins[i]!.label}</text>`,
  );
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
        ? html`<rect class="seg" data-action="${p.key}" x="${r2(x0)}" y="${r2(top)}" \
width="${r2(Math.max(0, x1 - x0))}" height="${barH}" fill="${p.colour}"/>`
        : html`<rect class="seg plain" x="${r2(x0)}" y="${r2(top)}" width="${r2(Math.max(0, x1 - x0))}" \
height="${barH}"/>`;
    });
    const track =
      opts.max !== undefined
        ? html`<rect class="track" x="${labelW}" y="${r2(top)}" width="${r2(plotW)}" height="${barH}"/>`
        : null;
    const mid = r2(top + barH / 2 + 4);
    return html`<g class="hbar" data-label="${r.label}" data-value="${r.value}"><title>${r.title ?? r.label}: \
${r.valueText ?? num(r.value)}</title><text class="label" x="${labelW - 8}" y="${mid}" \
text-anchor="end">${truncate(r.label, 30)}</text>${track}${segs}<text class="value" x="${r2(x(r.value) + 6)}" \
y="${mid}">${r.valueText ?? num(r.value)}</text></g>`;
  });
  return html`<svg class="chart hbars" id="${id}" data-rows="${rows.length}" viewBox="0 0 ${W} ${H}" role="img" \
aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMinYMin meet">
<title id="${id}-t">${title}</title><desc id="${id}-d">${desc}</desc>
${g}
</svg>`;
}

/** The key to the action colours, as HTML so it wraps with the page. */
export function legend(actions: readonly string[], colours: ReadonlyMap<string, string>): Html {
  if (actions.length === 0) return html``;
  return html`<ul class="legend" aria-label="Colours of the actions">${actions.map(
    (a) =>
      html`<li><svg class="swatch" viewBox="0 0 12 12" aria-hidden="true"><rect width="12" height="12" rx="2" \
fill="${colours.get(a) ?? OTHER}"/></svg>${a}</li>`,
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
