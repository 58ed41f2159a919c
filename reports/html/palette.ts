/**
 * A fixed colour per action, so "reboot" is the same colour in every chart,
 * every page and every cloud's report. The colours are Okabe & Ito's
 * colour-blind-safe set plus three from Paul Tol's "muted" set; neighbours in
 * the stacks are also separated by a thin background-coloured line, every
 * segment has a text title, and every chart has a table beside it, so colour
 * is never the only way to tell actions apart. Actions no pack names (user
 * packs, combined actions like "enable+maintenance-on") take the colours left
 * over, in the order the API lists its actions, then grey.
 */

export const OTHER = '#999999';

/** Fixed assignments: os-hosts and os-services actions get distinct colours within each API. */
const FIXED: Record<string, string> = {
  // Reads: blues.
  list: '#0072B2',
  show: '#56B4E9',
  // Changes of a service's state: greens and yellows.
  update: '#44AA99',
  enable: '#009E73',
  disable: '#F0E442',
  'disable-log-reason': '#999933',
  // Maintenance mode: orange and olive.
  'maintenance-on': '#E69F00',
  'maintenance-off': '#999933',
  // Power actions on a host, and deletions: reds and purples.
  reboot: '#D55E00',
  'force-down': '#D55E00',
  shutdown: '#882255',
  delete: '#882255',
  startup: '#CC79A7',
  other: OTHER,
};

const SPARE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#882255',
  '#44AA99',
  '#999933',
];

/** Colours for the actions of one API, in its order: fixed ones first, unused spare colours for the rest. */
export function actionColours(actions: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const a of actions) {
    const c = FIXED[a];
    if (c !== undefined && !used.has(c)) {
      out.set(a, c);
      used.add(c);
    }
  }
  for (const a of actions) {
    if (out.has(a)) continue;
    const c = SPARE.find((s) => !used.has(s)) ?? OTHER;
    out.set(a, c);
    used.add(c);
  }
  return out;
}
