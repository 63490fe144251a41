// 待办逾期提醒: a sweep over the tasks table, not a timer per task. Each poll takes the open tasks
// whose due time (the diagram's dueDate) has passed and that nobody was told of, and for each, in one
// transaction, marks it told (tasks.overdue_told_at, a conditional update) and writes the mail to the
// outbox (NotifyService.onTaskOverdue). Nothing is held in memory: a server down over the due time
// tells at its first poll after the restart; a second server, a crash before the commit or a retry
// finds the task marked, or nothing written, and mails once. A task completed, cancelled or handed on
// before its due time is not in the sweep, or is told to whoever holds it then.
import type { Db, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { Poller } from '../poller.ts';
import * as engineStore from '../engine/store.ts';
import type { NotifyService } from './service.ts';
import * as store from './store.ts';

/** Due times are shown to the minute; a task is told of within a minute of becoming overdue. */
export const OVERDUE_POLL_MS = 60_000;

export class OverdueTasks {
  private readonly poller: Poller<number>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly notify: NotifyService,
    private readonly log: Logger,
    private readonly opts: {
      pollMs?: number;
      batch?: number;
      /** Other due-day reminders kept in the database, swept on the same poll (reviews/campaign-reminders.ts). */
      also?: Array<{ what: string; sweep: () => Promise<number> }>;
    } = {},
  ) {
    this.poller = new Poller(() => this.sweep(), { pollMs: opts.pollMs ?? OVERDUE_POLL_MS, log, what: 'overdue task sweep' });
  }

  start(): void {
    this.poller.start();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Tells of every task overdue now and not told of yet; returns how many tasks were told of. */
  pollOnce(): Promise<number> {
    return this.poller.pollOnce();
  }

  private async sweep(): Promise<number> {
    const now = iso(this.clock.now());
    let told = 0;
    let after: store.OverdueCursor | null = null;
    for (;;) {
      const batch = await store.overdueUntold(this.db, now, this.opts.batch ?? 50, after);
      if (!batch.length) break;
      for (const t of batch) {
        try {
          if (await this.db.transaction((trx) => this.tell(trx, t.id, now))) told++;
        } catch (err) {
          // Left untold: the next poll tries again; the others go on.
          this.log.error({ err, taskId: t.id }, 'overdue notice failed');
        }
      }
      const last = batch[batch.length - 1];
      after = { sortDue: last.sort_due, id: last.id };
    }
    if (told) this.log.info({ told }, 'overdue tasks told');
    for (const other of this.opts.also ?? []) {
      try {
        const n = await other.sweep();
        if (n) this.log.info({ told: n }, `${other.what} told`);
      } catch (err) {
        this.log.error({ err }, `${other.what} failed`);
      }
    }
    return told;
  }

  private async tell(trx: Trx, taskId: string, now: string): Promise<boolean> {
    // Marked first: of two servers sweeping at once, one tells (the mark is the claim).
    if (!(await store.markOverdueTold(trx, taskId, now))) return false;
    const task = await engineStore.findTask(trx, taskId);
    if (!task) return false;
    const sent = await this.notify.onTaskOverdue(trx, task);
    // Told nobody (the unit has no holder of the role, the holder's account is disabled): not told,
    // so that whoever takes the role or the step later hears of it at the next sweep.
    const reached = sent ? sent.queued + sent.held + sent.muted + sent.refused + sent.already : 0;
    if (reached === 0) {
      await store.unmarkOverdueTold(trx, taskId);
      return false;
    }
    return true;
  }
}
