// The job poller: fires due timers from the jobs table, so that each fires once across servers and
// after a restart. A job that keeps failing becomes an incident that an administrator can retry.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db.ts';
import { claimDue } from '../db.ts';
import { Poller } from '../poller.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { Logger } from '../logger.ts';
import * as store from './store.ts';
import type { JobRow } from './store.ts';
import { JobFault, markIncident, type IncidentListener } from './incidents.ts';

export interface JobRunnerOptions {
  pollMs: number;
  lockSeconds: number;
  batch?: number;
  /** Told when a job becomes an incident, inside that transaction (the process administrators' notice). */
  onIncident?: IncidentListener;
}

export type FireJob = (jobId: string) => Promise<'fired' | 'skipped' | 'stale'>;

export class JobRunner {
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly poller: Poller<number>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly fire: FireJob,
    private readonly opts: JobRunnerOptions,
  ) {
    this.poller = new Poller(() => this.drain(), { pollMs: opts.pollMs, log, what: 'job poll' });
  }

  start(): void {
    this.poller.start();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Claims and fires every due job once; returns how many fired. Safe to call concurrently. */
  pollOnce(): Promise<number> {
    return this.poller.pollOnce();
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
    const now = this.clock.now();
    const until = iso(new Date(now.getTime() + this.opts.lockSeconds * 1000));
    return this.db.transaction((trx) =>
      claimDue<JobRow>(trx, 'jobs', { dueColumn: 'due_at', now: iso(now), owner: this.owner, until, batch: this.opts.batch ?? 20 }),
    );
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
        // A fault of the diagram is recorded where the case failed (a service step after the timer), not at the timer.
        const elementId = e instanceof JobFault ? e.elementId : job.element_id;
        await markIncident(trx, { instanceId: job.instance_id, elementId, executionId: job.execution_id, error: message, trigger: 'job' }, iso(now), this.opts.onIncident);
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
