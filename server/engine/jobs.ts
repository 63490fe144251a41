// The job poller: fires due timers from the jobs table, so that each fires once across servers and
// after a restart. A job that keeps failing becomes an incident that an administrator can retry.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db.ts';
import { isPg } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { Logger } from '../logger.ts';
import * as store from './store.ts';
import type { JobRow } from './store.ts';

export interface JobRunnerOptions {
  pollMs: number;
  lockSeconds: number;
  batch?: number;
}

export type FireJob = (jobId: string) => Promise<'fired' | 'skipped' | 'stale'>;

export class JobRunner {
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly fire: FireJob,
    private readonly opts: JobRunnerOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.pollOnce();
      } catch (e) {
        this.log.error({ err: e }, 'job poll failed');
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }

  /** Claims and fires every due job once; returns how many fired. Safe to call concurrently. */
  pollOnce(): Promise<number> {
    const p = (this.running ?? Promise.resolve(0)).catch(() => 0).then(() => this.drain());
    this.running = p;
    return p;
  }

  private async drain(): Promise<number> {
    let fired = 0;
    for (;;) {
      const claimed = await this.claimDue();
      if (!claimed.length) return fired;
      for (const job of claimed) {
        try {
          const result = await this.fire(job.id);
          if (result === 'fired') fired++;
          else if (result === 'skipped') await this.release(job.id);
        } catch (e) {
          await this.recordFailure(job, e);
        }
      }
    }
  }

  private async claimDue(): Promise<JobRow[]> {
    const now = iso(this.clock.now());
    const until = iso(new Date(this.clock.now().getTime() + this.opts.lockSeconds * 1000));
    return this.db.transaction(async (trx) => {
      let q = trx('jobs')
        .where({ status: 'pending' })
        .andWhere('due_at', '<=', now)
        .andWhere((w) => w.whereNull('locked_until').orWhere('locked_until', '<', now))
        .orderBy('due_at')
        .limit(this.opts.batch ?? 20);
      if (isPg(trx)) q = q.forUpdate().skipLocked();
      const rows: JobRow[] = await q;
      const mine: JobRow[] = [];
      for (const r of rows) {
        const n = await trx('jobs')
          .where({ id: r.id, status: 'pending' })
          .andWhere((w) => w.whereNull('locked_until').orWhere('locked_until', '<', now))
          .update({ lock_owner: this.owner, locked_until: until });
        if (n === 1) mine.push(r);
      }
      return mine;
    });
  }

  private async release(id: string): Promise<void> {
    // Suspended case: try again later rather than spinning on it now.
    const later = iso(new Date(this.clock.now().getTime() + this.opts.lockSeconds * 1000));
    await this.db('jobs').where({ id, status: 'pending' }).update({ lock_owner: null, locked_until: later });
  }

  private async recordFailure(job: JobRow, e: unknown): Promise<void> {
    const message = e instanceof Error ? e.message : String(e);
    this.log.warn({ jobId: job.id, instanceId: job.instance_id, err: message }, 'job failed');
    await this.db.transaction(async (trx) => {
      const cur = await store.findJob(trx, job.id);
      if (!cur || cur.status !== 'pending') return;
      const retriesLeft = cur.retries_left - 1;
      const attempts = cur.attempts + 1;
      const now = this.clock.now();
      if (retriesLeft <= 0) {
        await store.updateJob(trx, job.id, {
          status: 'incident',
          retries_left: 0,
          attempts,
          last_error: message.slice(0, 2000),
          lock_owner: null,
          locked_until: null,
        });
        await trx('process_instances').where({ id: job.instance_id, status: 'running' }).update({ status: 'incident' });
        await store.insertHistory(trx, [
          {
            instance_id: job.instance_id,
            element_id: job.element_id,
            element_type: 'job',
            element_name: null,
            event: 'incident',
            execution_id: job.execution_id,
            actor_id: null,
            at: iso(now),
            detail: JSON.stringify({ error: message.slice(0, 500) }),
          },
        ]);
      } else {
        const backoffMs = 30_000 * 2 ** (attempts - 1);
        await store.updateJob(trx, job.id, {
          retries_left: retriesLeft,
          attempts,
          last_error: message.slice(0, 2000),
          due_at: iso(new Date(now.getTime() + backoffMs)),
          lock_owner: null,
          locked_until: null,
        });
      }
    });
  }
}
