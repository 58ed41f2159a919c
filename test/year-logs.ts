/**
 * A year of generated nova-api logs (2024), one file per month as rotation
 * leaves them: each day about forty minutes of requests from 08:00 UTC, with
 * os-hosts and os-services calls on Mondays only (a weekly script), and two
 * stretches without any log (the disk filled up): 4-17 March and the whole of
 * August. What a report of a year has to show: weekly bins, and the gaps.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { novaLogGenerator } from './log-generator.js';

const DAY = 86_400_000;
export const YEAR_GAPS = [
  { from: '2024-03-04', to: '2024-03-17' },
  { from: '2024-08-01', to: '2024-08-31' },
];

const missing = (day: string): boolean => YEAR_GAPS.some((g) => day >= g.from && day <= g.to);

/** Writes the year into `dir` (nova-api.log-2024-01 … -12, August absent); returns the files and the calls written. */
export function writeYearOfLogs(dir: string): { files: string[]; osHosts: number; days: number } {
  mkdirSync(dir, { recursive: true });
  const byMonth = new Map<string, string[]>();
  let osHosts = 0;
  let days = 0;
  for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2025, 0, 1); t += DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (missing(day)) continue;
    const monday = new Date(t).getUTCDay() === 1;
    const gen = novaLogGenerator(t / DAY, monday ? 0.4 : 0, t + 8 * 3_600_000);
    const month = day.slice(0, 7);
    const chunks = byMonth.get(month) ?? [];
    chunks.push(gen.next(monday ? 40 : 12));
    byMonth.set(month, chunks);
    osHosts += gen.osHosts;
    days++;
  }
  const files = [...byMonth].map(([month, chunks]) => {
    const file = join(dir, `nova-api.log-${month}`);
    writeFileSync(file, chunks.join(''));
    return file;
  });
  return { files, osHosts, days };
}
