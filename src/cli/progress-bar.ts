import type { Writable } from 'node:stream';

/**
 * Progress of a long CLI job. On a terminal: one line redrawn in place (bar, rows, rate, ETA) at
 * most every 100 ms. Otherwise (CI logs, pipes): a plain line every `plainEveryMs`. Position is
 * measured in bytes of input read, so the ETA needs no row count up front.
 */
export interface ProgressOptions {
  readonly out: Writable & { isTTY?: boolean; columns?: number };
  readonly totalBytes: number;
  readonly label: string;
  readonly tty?: boolean;
  readonly plainEveryMs?: number;
  readonly now?: () => number;
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-GB');

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

export class ProgressBar {
  private readonly o: Required<Omit<ProgressOptions, 'tty'>> & { tty: boolean };
  private readonly started: number;
  private lastDraw = 0;

  constructor(o: ProgressOptions) {
    const now = o.now ?? (() => performance.now());
    this.o = { plainEveryMs: 5000, ...o, now, tty: o.tty ?? o.out.isTTY === true };
    this.started = now();
    this.lastDraw = this.started;
  }

  /** Call as often as you like; it draws only when due. */
  update(rows: number, bytes: number, extra = ''): void {
    const t = this.o.now();
    if (t - this.lastDraw < (this.o.tty ? 100 : this.o.plainEveryMs)) return;
    this.lastDraw = t;
    this.draw(rows, bytes, extra, t);
  }

  /** The final line (always drawn). */
  finish(rows: number, bytes: number, extra = ''): void {
    this.draw(rows, bytes, extra, this.o.now(), true);
  }

  line(rows: number, bytes: number, extra: string, t: number, done = false): string {
    const elapsed = (t - this.started) / 1000;
    const fraction = this.o.totalBytes > 0 ? Math.min(1, bytes / this.o.totalBytes) : done ? 1 : 0;
    const rate = elapsed > 0 ? rows / elapsed : 0;
    const eta = fraction > 0 && !done ? (elapsed / fraction) * (1 - fraction) : 0;
    const pct = `${(fraction * 100).toFixed(1).padStart(5)}%`;
    const tail =
      `${fmtInt(rows)} rows  ${fmtInt(rate)} rows/s  ` +
      `${done ? `done in ${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`}${extra ? `  ${extra}` : ''}`;
    if (!this.o.tty) return `${this.o.label}: ${pct.trim()}  ${tail}`;
    const width = 24;
    const filled = Math.round(fraction * width);
    return `${this.o.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${pct}  ${tail}`;
  }

  private draw(rows: number, bytes: number, extra: string, t: number, done = false): void {
    const text = this.line(rows, bytes, extra, t, done);
    if (this.o.tty) {
      const cols = this.o.out.columns ?? 120;
      // \r back to the line start, ESC[K clears what a longer previous line left behind.
      this.o.out.write(`\r${text.slice(0, cols - 1)}\x1b[K${done ? '\n' : ''}`);
    } else {
      this.o.out.write(`${text}\n`);
    }
  }
}
