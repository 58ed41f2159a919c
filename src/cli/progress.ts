/**
 * The ingest's progress on a terminal: one line redrawn in place, with the
 * file, a bar, the percentage, bytes, speed and time left. A few lines of our
 * own rather than a library: ingest already calls back at most once a second
 * with bytes and total, so all that is left is `\r`, erase-line and the
 * terminal's width (cli-progress, the common choice, would bring five
 * packages and a redraw timer of its own for that).
 */
import { basename } from 'node:path';

export interface ProgressEvent {
  path: string;
  /** Content bytes read so far this run. */
  bytes: number;
  /** Content bytes this run reads in all, when known (null for stdin and compressed files). */
  total?: number | null;
  seconds: number;
}

const mb = (n: number): string =>
  n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)} MB`;

/** `1:05`, `1:02:03`. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One line of at most `width` characters. */
export function progressLine(p: ProgressEvent, width: number): string {
  const rate = p.seconds > 0 ? p.bytes / p.seconds : 0;
  const speed = `${mb(rate)}/s`;
  let name = basename(p.path);
  if (!p.total) return `${name}: ${mb(p.bytes)}, ${speed}`.slice(0, width);
  const share = Math.min(1, p.bytes / p.total);
  const left = rate > 0 ? `${clock((p.total - p.bytes) / rate)} left` : '';
  const percent = String(Math.floor(share * 100)).padStart(3);
  const facts = ` ${percent}% ${mb(p.bytes)} of ${mb(p.total)} · ${speed} · ${left}`;
  const room = width - facts.length;
  if (name.length > room / 2) name = `${name.slice(0, Math.max(1, Math.floor(room / 2) - 1))}…`;
  const barWidth = Math.max(0, room - name.length - 1);
  const done = Math.round(share * barWidth);
  return `${name} ${'█'.repeat(done)}${'░'.repeat(barWidth - done)}${facts}`.slice(0, width);
}

/** Draws the line on `out` (a terminal), and wipes it when done. */
export function terminalProgress(out: NodeJS.WriteStream): { update(p: ProgressEvent): void; done(): void } {
  let drawn = false;
  return {
    update(p) {
      out.write(`\r${progressLine(p, (out.columns || 80) - 1)}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) out.write('\r\x1b[K');
    },
  };
}
