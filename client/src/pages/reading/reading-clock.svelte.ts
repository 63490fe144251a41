// The reading room's countdown, driven by the SERVER's clock: the session answer and the periodic
// /clock re-sync say how many seconds are left; between syncs the client only counts elapsed time
// (performance.now, immune to the PC's wall clock). When the server says the window is closed —
// or the count reaches zero and the server agrees — the session ends.
import { call } from '../../lib/api/client.ts';

const RESYNC_MS = 10_000;

export class ReadingClock {
  remaining = $state(0);
  ended = $state<null | 'expired' | 'finished'>(null);
  private left = 0;
  private at = 0;
  private timers: ReturnType<typeof setInterval>[] = [];
  private checking = false;

  constructor(private readonly grantId: number) {}

  start(remainingSeconds: number): void {
    this.sync(remainingSeconds);
    this.timers.push(setInterval(() => this.tick(), 1000));
    this.timers.push(setInterval(() => void this.check(), RESYNC_MS));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  finish(how: 'expired' | 'finished'): void {
    this.ended = how;
    this.remaining = 0;
    this.stop();
  }

  private sync(seconds: number): void {
    this.left = seconds;
    this.at = performance.now();
    this.remaining = seconds;
  }

  private tick(): void {
    this.remaining = Math.max(0, Math.ceil(this.left - (performance.now() - this.at) / 1000));
    if (this.remaining === 0) void this.check();
  }

  /** Asks the server; ends the session when it says the window is closed. */
  async check(): Promise<void> {
    if (this.checking || this.ended) return;
    this.checking = true;
    try {
      const c = await call('GET /api/reading/:grantId/clock', { params: { grantId: this.grantId }, background: true });
      // Closed before its end (结束阅档 in another window, the case withdrawn or ended): not "time is up".
      if (!c.open) this.finish(Date.parse(c.now) < Date.parse(c.validUntil) ? 'finished' : 'expired');
      else this.sync(c.remainingSeconds);
    } catch {
      // A network hiccup: keep counting; the next sync decides.
    } finally {
      this.checking = false;
    }
  }
}

/** 01:23:45 (or 2天 03:04:05 beyond a day). */
export function clockText(seconds: number, dayWord: string): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const hms = [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
  return d ? `${d}${dayWord} ${hms}` : hms;
}
