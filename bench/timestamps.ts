/**
 * The timestamp shapes the generated logs use, written digit by digit from
 * epoch milliseconds (UTC). The calendar date is computed once per day, not
 * per line.
 */
import type { ChunkWriter } from './chunk-writer.js';

const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class TimestampWriter {
  private day = Number.NaN;
  private year = 0;
  private month = 0;
  private date = 0;

  private calendar(ms: number): number {
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.day) {
      const d = new Date(day * DAY_MS);
      this.day = day;
      this.year = d.getUTCFullYear();
      this.month = d.getUTCMonth();
      this.date = d.getUTCDate();
    }
    return ms - day * DAY_MS;
  }

  private clock(w: ChunkWriter, msOfDay: number, withMs: boolean, msSep: number): void {
    const s = Math.floor(msOfDay / 1000);
    w.pad(Math.floor(s / 3600), 2);
    w.byte(58);
    w.pad(Math.floor(s / 60) % 60, 2);
    w.byte(58);
    w.pad(s % 60, 2);
    if (withMs) {
      w.byte(msSep);
      w.pad(msOfDay % 1000, 3);
    }
  }

  /** oslo.log: `2024-05-02 09:15:01.337`. */
  oslo(w: ChunkWriter, ms: number): void {
    const t = this.calendar(ms);
    w.pad(this.year, 4);
    w.byte(45);
    w.pad(this.month + 1, 2);
    w.byte(45);
    w.pad(this.date, 2);
    w.byte(32);
    this.clock(w, t, true, 46);
  }

  /** RFC 3164 syslog: `Mar  2 15:16:23` (day space-padded, no year). */
  syslog(w: ChunkWriter, ms: number): void {
    const t = this.calendar(ms);
    w.str(MONTHS[this.month]!);
    w.byte(32);
    if (this.date < 10) w.byte(32);
    w.int(this.date);
    w.byte(32);
    this.clock(w, t, false, 46);
  }

  /** HAProxy %tr: `22/Mar/2024:15:16:23.412`. */
  haproxy(w: ChunkWriter, ms: number): void {
    const t = this.calendar(ms);
    w.pad(this.date, 2);
    w.byte(47);
    w.str(MONTHS[this.month]!);
    w.byte(47);
    w.pad(this.year, 4);
    w.byte(58);
    this.clock(w, t, true, 46);
  }
}

/** Day number since the epoch (UTC). */
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);
export { DAY_MS };
