/**
 * One line per API (calls, callers, last seen), in the order given: what
 * `report --api all` shows first and `apis --used` shows alone.
 */
import { day, num, truncate } from './format.js';
import type { ApiReport } from './model.js';

export type OverviewRow = Pick<ApiReport, 'api' | 'status' | 'calls' | 'projects' | 'lastSeen'>;

const API_WIDTH = 32;

/** Lines of at most 78 characters (80 with the indent). */
export function overviewLines(rows: readonly OverviewRow[], indent = '  '): string[] {
  const head = [
    'API'.padEnd(API_WIDTH),
    'STATUS'.padEnd(10),
    'CALLS'.padStart(9),
    'CALLERS'.padStart(7),
    'LAST SEEN',
  ].join(' ');
  return [
    indent + head,
    ...rows.map(
      (a) =>
        indent +
        [
          truncate(a.api, API_WIDTH).padEnd(API_WIDTH),
          a.status.padEnd(10),
          num(a.calls).padStart(9),
          num(a.projects).padStart(7),
          a.calls > 0 ? day(a.lastSeen) : '-',
        ].join(' '),
    ),
  ];
}
