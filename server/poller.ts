// A background poller for work kept in the database (timer jobs, mail): start, stop, and one poll
// at a time. It holds no work in memory — each poll reads what is due — so a process can stop at
// any moment and another one, or the same after a restart, carries on.
import type { Logger } from './logger.ts';

export class Poller<R> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<R> | null = null;
  private stopped = true;

  constructor(
    private readonly work: () => Promise<R>,
    private readonly opts: { pollMs: number; log: Logger; what: string },
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.pollOnce();
      } catch (e) {
        this.opts.log.error({ err: e }, `${this.opts.what} failed`);
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops polling and waits for a poll under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Runs one poll; calls made meanwhile queue behind it, so polls never overlap in one process. */
  pollOnce(): Promise<R> {
    const p = (this.running ?? Promise.resolve()).catch(() => undefined).then(() => this.work());
    this.running = p;
    return p;
  }
}
