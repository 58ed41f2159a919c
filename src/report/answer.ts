/**
 * "Can the logs answer?": 'no' without a request to the service; 'partly'
 * when the logs cover too few days, have gaps, or cannot show paths; each
 * reason one short line, for the first screen of every format.
 */
import type { Coverage, LogSpan, Verdict } from '../../reports/model.js';
import { plural } from './tally.js';

export interface AnswerFacts {
  service: string;
  /** Requests to the service in the window, each counted once. */
  requests: number;
  span: LogSpan;
  coverage: Coverage;
  /** Sources where nova-api wrote lines but no access line. */
  silentNova: number;
  /**
   * Sources read only in part (interrupted, killed, a .gz still being written) and inputs not
   * read, as short phrases.
   */
  unread: readonly string[];
  /** Unreadable lines that name the studied API. */
  unreadable: number;
  /** Front-end lines with the studied API's route set aside for another service. */
  setAside: number;
}

const hhmm = (iso: string): string => iso.slice(0, 16).replace('T', ' ');
/** `2024-05-07 09:00 → 11:00`, or with both dates when they differ. */
const interval = (from: string, to: string): string =>
  `${hhmm(from)} → ${from.slice(0, 10) === to.slice(0, 10) ? hhmm(to).slice(11) : hhmm(to)}`;

export function answerOf(f: AnswerFacts): Pick<Verdict, 'answerable' | 'reasons'> {
  const reasons: string[] = [];
  const s = f.span;
  if (f.requests === 0) reasons.push(`no ${f.service} request in the logs read`);
  if (s.daysWithLogs > 0 && s.daysWithLogs < s.minDays)
    reasons.push(`logs on ${plural(s.daysWithLogs, 'day')} only, fewer than ${s.minDays} (--min-days)`);
  if (s.gaps.length > 0) {
    const missing = s.gaps.reduce((n, g) => n + g.days, 0);
    const longest = s.gaps.reduce((a, b) => (b.days > a.days ? b : a));
    reasons.push(
      s.gaps.length === 1
        ? `${plural(missing, 'day')} without logs: ` +
            `${longest.from === longest.to ? longest.from : `${longest.from} → ${longest.to}`}`
        : `${plural(missing, 'day')} without logs in ${s.gaps.length} gaps, ` +
            `the longest ${longest.from} → ${longest.to}`,
    );
  }
  const c = f.coverage;
  if (c.blindHours > 0)
    reasons.push(
      `${plural(c.blindHours, 'hour')} logged only in TCP mode, without paths (${interval(c.blindFrom!, c.blindTo!)})`,
    );
  if (f.silentNova > 0)
    reasons.push(`${plural(f.silentNova, 'nova-api log')} without access lines (no request_log in api-paste.ini)`);
  if (f.unread.length > 0) reasons.push(`read only in part: ${f.unread.join(', ')}`);
  if (f.unreadable > 0) reasons.push(`${plural(f.unreadable, 'unreadable line')} name the API`);
  if (f.setAside > 0)
    reasons.push(`${plural(f.setAside, 'front-end line')} with its route set aside for another service`);
  const answerable = f.requests === 0 ? 'no' : reasons.length > 0 ? 'partly' : 'yes';
  return { answerable, reasons };
}
