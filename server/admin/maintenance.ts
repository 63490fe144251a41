// Periodic security chores of a running server: a signed audit checkpoint every
// AUDIT_CHECKPOINT_MINUTES (skipped when the head has not moved, so several servers on one
// database do not pile them up) and forgetting old rate-limit windows. An interval of at most a
// day (config caps it), never a long setTimeout. The chores are in the database, so a server that
// restarts or several that run together behave the same.
import type { Logger } from '../logger.ts';
import type { AuditLog } from '../audit/service.ts';
import type { LoginThrottle } from '../people/throttle.ts';

export class SecurityMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly log: Logger,
    private readonly everyMs: number,
    private readonly audit: AuditLog,
    private readonly throttle: LoginThrottle,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round of chores; errors are logged (the next round tries again), never thrown. */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        const cp = await this.audit.checkpoint('periodic');
        if (cp) this.log.info({ seq: cp.seq }, 'audit checkpoint signed');
      } catch (e) {
        this.log.error({ err: e }, 'audit checkpoint failed');
      }
      try {
        await this.throttle.cleanup();
      } catch (e) {
        this.log.error({ err: e }, 'rate-limit clean-up failed');
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
