// A command that fails on a fault of the diagram (a condition reading a variable the case does not
// have, a role nobody may work with, a cycle the run time refuses) rolls back: the user's action is
// not saved, and the case would wait at the same step with nobody the wiser. The fault is recorded
// as an incident instead, in a transaction of its own AFTER the command's has ended, so that none
// of the failed command's writes is committed with it: a `jobs` row of type 'command' and status
// 'incident' at the element that failed (運行監控 counts, marks and lists these like a timer job's
// incidents), the case's status 'incident', a history row, and a notice to the process
// administrators (once per case and element: the mail's key). A domain's refusal (errors.rule,
// validation, a conflict) is not a fault: it is the answer by design and records nothing.
import { randomUUID } from 'node:crypto';
import type { Db, Trx } from '../db.ts';
import { iso } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import * as store from './store.ts';
import type { JobRow } from './store.ts';
import { PROCESS_FAILED, ProcessError, type FaultSite } from './run.ts';

export interface IncidentFacts {
  instanceId: string;
  elementId: string;
  /** The execution the failed command acted on (the task being completed), so that its later success closes the incident. */
  executionId: string;
  /** Bilingual "中文 / English" for 运行监控. */
  error: string;
  /** What ran the failed step: a user's command (unset) or a due job (a timer firing), as the notice tells it. */
  trigger?: 'job';
}

/** Told once an incident is new for its case and element (the process administrators' notice). */
export type IncidentListener = (trx: Trx, incident: { instanceId: string; elementId: string; error: string; trigger?: 'job' }) => Promise<void>;

/**
 * A fault of the diagram while a due job ran the case on (a timer fired, then a service step
 * failed): where it failed — the element the engine was at, not the timer — and the bilingual
 * message naming it, for the job's incident (jobs.ts).
 */
export class JobFault extends Error {
  constructor(
    message: string,
    readonly elementId: string,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'JobFault';
  }
}

/** A fault of the diagram, as opposed to a refusal by a domain rule (any other AppError). */
export const isDiagramFault = (e: unknown): e is ProcessError => e instanceof ProcessError || (e instanceof AppError && e.code === 'PROCESS_ERROR');

/** "在“审核”（review）处出错：… / Failed at "审核" (review): …", the detail in each language when it has both. */
export function incidentMessage(e: unknown, elementId: string, elementName: string | null): string {
  let detail = e instanceof Error ? e.message : String(e);
  if (detail.startsWith(PROCESS_FAILED)) detail = detail.slice(PROCESS_FAILED.length);
  const i = detail.indexOf(' / ');
  const [zh, en] = i >= 0 ? [detail.slice(0, i), detail.slice(i + 3)] : [detail, detail];
  const where = elementName ? `“${elementName}”（${elementId}）` : elementId;
  const whereEn = elementName ? `"${elementName}" (${elementId})` : elementId;
  return `在${where}处出错：${zh} / Failed at ${whereEn}: ${en}`.slice(0, 2000);
}

/** The answer the user gets: their action was not saved, the administrators know. */
export function faultAnswer(cause: unknown, elementName: string | null, incident: boolean): ProcessError {
  const step = elementName ?? '';
  const told = incident ? '已记录为故障并通知流程管理员' : '请联系流程管理员';
  const toldEn = incident ? 'it is recorded as an incident and the process administrators are told' : 'please tell the process administrator';
  const err = new ProcessError(`流程在“${step}”处出错，您的办理未生效；${told} / The process failed at "${step}" and your action was not saved; ${toldEn}`, cause);
  return err;
}

/**
 * Writes the incident (a new one, or the open one of this case and element again with its attempt
 * counted) in `trx`. Returns whether it is new. A case that has ended meanwhile gets none.
 */
export async function writeIncident(trx: Trx, clock: Clock, f: IncidentFacts, onNew?: IncidentListener): Promise<boolean> {
  const inst = await store.lockInstance(trx, f.instanceId);
  if (!inst || !store.isLive(inst.status)) return false;
  const now = iso(clock.now());
  const open = await trx('jobs').where({ instance_id: f.instanceId, element_id: f.elementId, type: 'command', status: 'incident' }).first();
  if (open) {
    await store.updateJob(trx, open.id, { attempts: open.attempts + 1, last_error: f.error, due_at: now, execution_id: f.executionId });
    return false;
  }
  const job: JobRow = {
    id: randomUUID(),
    type: 'command',
    instance_id: f.instanceId,
    element_id: f.elementId,
    execution_id: f.executionId,
    due_at: now,
    status: 'incident',
    retries_left: 0,
    attempts: 1,
    last_error: f.error,
    lock_owner: null,
    locked_until: null,
    created_at: now,
    done_at: null,
  };
  await store.insertJob(trx, job);
  await markIncident(trx, f, now, onNew);
  return true;
}

/**
 * What every new incident writes besides its job (a failed command's here, a timer job's in
 * jobs.ts): a running case becomes 'incident', its timeline gets the row, and the listener (the
 * process administrators' notice) is told.
 */
export async function markIncident(trx: Trx, f: IncidentFacts, at: string, onNew?: IncidentListener): Promise<void> {
  await trx('process_instances').where({ id: f.instanceId, status: 'running' }).update({ status: 'incident' });
  await store.insertHistory(trx, [
    {
      instance_id: f.instanceId,
      element_id: f.elementId,
      element_type: 'job',
      element_name: null,
      event: 'incident',
      execution_id: f.executionId,
      actor_id: null,
      at,
      detail: JSON.stringify({ error: f.error.slice(0, 500) }),
    },
  ]);
  await onNew?.(trx, { instanceId: f.instanceId, elementId: f.elementId, error: f.error, ...(f.trigger ? { trigger: f.trigger } : {}) });
}

/**
 * Closes the command incidents of the execution a command has now moved on (the task completed, the
 * message delivered); the case leaves 'incident' when no incident of it remains. Returns its status.
 */
export async function closeIncidentsOf(trx: Trx, clock: Clock, instanceId: string, executionId: string, status: string): Promise<string> {
  const n = await trx('jobs')
    .where({ instance_id: instanceId, execution_id: executionId, type: 'command', status: 'incident' })
    .update({ status: 'done', done_at: iso(clock.now()) });
  if (!n || status !== 'incident' || (await store.countIncidentJobs(trx, instanceId)) > 0) return status;
  await trx('process_instances').where({ id: instanceId, status: 'incident' }).update({ status: 'running' });
  return 'running';
}

/**
 * Records faults after the transactions they happened in have ended (committed or rolled back):
 * on SQLite the one connection is the command's until then, and on PostgreSQL the incident must
 * not commit with, nor wait for, the failed command's writes.
 */
export class IncidentRecorder {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Db | undefined,
    private readonly clock: Clock,
    private readonly onNew: IncidentListener | undefined,
    private readonly warn: (facts: Record<string, unknown>, message: string) => void,
  ) {}

  get enabled(): boolean {
    return !!this.db;
  }

  /** Schedules the incident for when `trx` has ended. */
  afterRollback(trx: Trx, facts: IncidentFacts): void {
    const db = this.db;
    if (!db) return;
    const ended = (trx as unknown as { executionPromise?: Promise<unknown> }).executionPromise ?? Promise.resolve();
    const p = ended
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => db.transaction((t) => writeIncident(t, this.clock, facts, this.onNew)))
      .then(
        () => undefined,
        (e) => this.warn({ ...facts, err: (e as Error).message }, 'incident not recorded'),
      )
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once every incident scheduled so far is written (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}

export type { FaultSite };
