// Operations on a case from outside its diagram (the process administrator's 运行监控): suspend and
// resume it, put a failed timer job back in the queue. Each runs in the caller's transaction under
// the instance lock and bumps `rev`, so it cannot cross an engine command on the same case; each
// leaves a history row for the timeline. Cancelling is WorkflowEngine.terminate.
import type { Trx } from '../db.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import * as store from './store.ts';
import type { InstanceRow, InstanceStatus } from './store.ts';

async function locked(trx: Trx, instanceId: string): Promise<InstanceRow> {
  const inst = await store.lockInstance(trx, instanceId);
  if (!inst) throw errors.notFound('Process instance');
  return inst;
}

async function setStatus(trx: Trx, inst: InstanceRow, status: InstanceStatus): Promise<void> {
  if (!(await store.saveInstance(trx, inst.id, inst.rev, { status }))) {
    throw errors.conflict('CONCURRENT_MODIFICATION', '案件已被他人修改，请刷新后重试 / The case was changed by someone else');
  }
}

const incidentJobs = store.countIncidentJobs;

function historyRow(inst: InstanceRow, event: string, actorId: number, now: Date, detail?: Record<string, unknown>, elementId?: string) {
  return {
    instance_id: inst.id,
    element_id: elementId ?? inst.process_key,
    element_type: elementId ? 'job' : 'process',
    element_name: null,
    event,
    execution_id: null,
    actor_id: actorId,
    at: iso(now),
    detail: detail ? JSON.stringify(detail) : null,
  };
}

/**
 * Suspends a running case (or one with an incident): its tasks cannot be completed, messages are
 * refused and the job poller skips its timers until it is resumed (overdue timers then fire).
 */
export async function suspend(trx: Trx, instanceId: string, actorId: number, now: Date, reason?: string): Promise<InstanceRow> {
  const inst = await locked(trx, instanceId);
  if (inst.status !== 'running' && inst.status !== 'incident') {
    throw errors.conflict('NOT_RUNNING', `只能暂停运行中的案件 / Only a running case can be suspended (it is ${inst.status})`);
  }
  await setStatus(trx, inst, 'suspended');
  await store.insertHistory(trx, [historyRow(inst, 'suspend', actorId, now, { from: inst.status, ...(reason ? { reason } : {}) })]);
  return { ...inst, status: 'suspended', rev: inst.rev + 1 };
}

/** Resumes a suspended case: back to 'incident' while a job of it is still an incident, else 'running'. */
export async function resume(trx: Trx, instanceId: string, actorId: number, now: Date, reason?: string): Promise<InstanceRow> {
  const inst = await locked(trx, instanceId);
  if (inst.status !== 'suspended') throw errors.conflict('NOT_SUSPENDED', `案件未暂停 / The case is not suspended (it is ${inst.status})`);
  const status: InstanceStatus = (await incidentJobs(trx, instanceId)) > 0 ? 'incident' : 'running';
  await setStatus(trx, inst, status);
  // The poller put off the timers it skipped while suspended: make them due at the next poll.
  await store.releasePendingJobs(trx, instanceId);
  await store.insertHistory(trx, [historyRow(inst, 'resume', actorId, now, { to: status, ...(reason ? { reason } : {}) })]);
  return { ...inst, status, rev: inst.rev + 1 };
}

/**
 * Puts an incident job back: pending, due now, with fresh retries. The case leaves 'incident' when
 * no other job of it is one (a suspended case stays suspended; its job waits for the resume).
 */
export async function retryJob(
  trx: Trx,
  jobId: string,
  actorId: number,
  now: Date,
  retries: number,
): Promise<{ job: store.JobRow; instance: InstanceRow }> {
  const pre = await store.findJob(trx, jobId);
  if (!pre) throw errors.notFound('Job');
  const inst = await locked(trx, pre.instance_id);
  const job = (await store.findJob(trx, jobId))!;
  if (job.status !== 'incident') throw errors.conflict('NOT_AN_INCIDENT', `该作业不是故障 / The job is not an incident (it is ${job.status})`);
  // A failed command (incidents.ts) has nothing to run again: its user tries again from the task.
  // "Retry" closes the incident; the next failure of the step opens it anew.
  const patch =
    job.type === 'command'
      ? { status: 'done' as const, done_at: iso(now), lock_owner: null, locked_until: null }
      : { status: 'pending' as const, retries_left: Math.max(1, retries), due_at: iso(now), lock_owner: null, locked_until: null };
  await store.updateJob(trx, job.id, patch);
  let status = inst.status;
  if (inst.status === 'incident' && (await incidentJobs(trx, inst.id)) === 0) {
    status = 'running';
    await setStatus(trx, inst, status);
  }
  await store.insertHistory(trx, [historyRow(inst, 'retry', actorId, now, { attempts: job.attempts }, job.element_id)]);
  return { job: { ...job, ...patch }, instance: { ...inst, status } };
}
