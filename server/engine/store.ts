// SQL for the engine's tables. Rows are returned typed and with JSON parsed.
import type { Q } from '../db.ts';
import { forUpdate, parseJson } from '../db.ts';

export interface DeploymentRow {
  id: string;
  process_key: string;
  version: number;
  name: string;
  xml: string;
  sha256: string;
  deployed_by: number | null;
  deployed_at: string;
  note: string | null;
}

export type InstanceStatus = 'running' | 'completed' | 'terminated' | 'incident' | 'suspended';
/** The statuses of a case that has not ended: it waits somewhere, may be worked, withdrawn or cancelled. */
export const LIVE_STATUSES: readonly InstanceStatus[] = ['running', 'incident', 'suspended'];
export const isLive = (status: string): boolean => (LIVE_STATUSES as readonly string[]).includes(status);

export interface InstanceRow {
  id: string;
  deployment_id: string;
  process_key: string;
  version: number;
  business_key: string | null;
  status: InstanceStatus;
  rev: number;
  state: string;
  variables: string;
  active_elements: string;
  started_by: number | null;
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
}

export interface TaskRow {
  id: string;
  instance_id: string;
  process_key: string;
  element_id: string;
  execution_id: string;
  name: string;
  assignee_id: number | null;
  candidate_role: string | null;
  candidate_org_id: number | null;
  form_key: string | null;
  due_at: string | null;
  sort_due: string;
  status: 'open' | 'completed' | 'cancelled';
  created_at: string;
  claimed_at: string | null;
  completed_at: string | null;
  completed_by: number | null;
  outcome: string | null;
  comment: string | null;
}

export interface HistoryRow {
  id?: number;
  instance_id: string;
  element_id: string;
  element_type: string;
  element_name: string | null;
  event: string;
  execution_id: string | null;
  actor_id: number | null;
  at: string;
  detail: string | null;
}

export interface JobRow {
  id: string;
  /** timer: a timer of the diagram; command: an incident of a command that failed on a fault of the diagram (incidents.ts). */
  type: 'timer' | 'command';
  instance_id: string;
  element_id: string;
  execution_id: string;
  due_at: string;
  status: 'pending' | 'done' | 'cancelled' | 'incident';
  retries_left: number;
  attempts: number;
  last_error: string | null;
  lock_owner: string | null;
  locked_until: string | null;
  created_at: string;
  done_at: string | null;
}

// Deployments ---------------------------------------------------------------------------------

export const findDeployment = (q: Q, id: string): Promise<DeploymentRow | undefined> =>
  q('process_deployments').where({ id }).first();

export const latestDeployment = (q: Q, key: string): Promise<DeploymentRow | undefined> =>
  q('process_deployments').where({ process_key: key }).orderBy('version', 'desc').first();

/** The latest version deployed by the system (the shipped file at a start-up), not by a person. */
export const latestShippedDeployment = (q: Q, key: string): Promise<DeploymentRow | undefined> =>
  q('process_deployments').where({ process_key: key }).whereNull('deployed_by').orderBy('version', 'desc').first();

/** The id alone: a start needs no XML from the database when the definition is cached. */
export async function latestDeploymentId(q: Q, key: string): Promise<string | undefined> {
  const row = await q('process_deployments').where({ process_key: key }).orderBy('version', 'desc').first('id');
  return row?.id;
}

// -- processes withdrawn from 发起申请 (停用) ---------------------------------------------------------

export interface RetiredRow {
  process_key: string;
  reason: string;
  retired_by: number;
  retired_at: string;
}

export const retiredProcess = (q: Q, key: string): Promise<RetiredRow | undefined> => q('retired_processes').where({ process_key: key }).first();

export async function retiredProcesses(q: Q): Promise<Map<string, RetiredRow & { retired_by_name: string }>> {
  const rows = await q('retired_processes as r').join('users as u', 'u.id', 'r.retired_by').select('r.*', 'u.display_name as retired_by_name');
  return new Map(rows.map((r: RetiredRow & { retired_by_name: string }) => [r.process_key, r]));
}

export async function latestDeployments(q: Q): Promise<DeploymentRow[]> {
  const latest = q('process_deployments').select('process_key').max({ v: 'version' }).groupBy('process_key').as('l');
  return q('process_deployments as d')
    .join(latest, function () {
      this.on('d.process_key', '=', 'l.process_key').andOn('d.version', '=', 'l.v');
    })
    .select('d.*')
    .orderBy('d.process_key');
}

export async function insertDeployment(q: Q, row: DeploymentRow): Promise<void> {
  await q('process_deployments').insert(row);
}

// The forms a deployment carries --------------------------------------------------------------

export interface DeploymentFormRow {
  deployment_id: string;
  form_key: string;
  schema: string;
  sha256: string;
}

export const formsOfDeployment = (q: Q, deploymentId: string): Promise<DeploymentFormRow[]> =>
  q('deployment_forms').where({ deployment_id: deploymentId }).orderBy('form_key');

export async function insertDeploymentForms(q: Q, rows: DeploymentFormRow[]): Promise<void> {
  if (rows.length) await q('deployment_forms').insert(rows);
}

/** The most recently deployed schema of each form key (forms created in the browser live only here). */
export async function newestDeployedForms(q: Q): Promise<DeploymentFormRow[]> {
  const rows: Array<DeploymentFormRow & { deployed_at: string; version: number }> = await q('deployment_forms as f')
    .join('process_deployments as d', 'd.id', 'f.deployment_id')
    .select('f.*', 'd.deployed_at', 'd.version')
    .orderBy([{ column: 'd.deployed_at', order: 'desc' }, { column: 'd.version', order: 'desc' }]);
  const seen = new Map<string, DeploymentFormRow>();
  for (const r of rows) if (!seen.has(r.form_key)) seen.set(r.form_key, { deployment_id: r.deployment_id, form_key: r.form_key, schema: r.schema, sha256: r.sha256 });
  return [...seen.values()];
}

// Instances -----------------------------------------------------------------------------------

export const findInstance = (q: Q, id: string): Promise<InstanceRow | undefined> =>
  q('process_instances').where({ id }).first();

export const lockInstance = (q: Q, id: string): Promise<InstanceRow | undefined> =>
  forUpdate(q, q('process_instances').where({ id }).first());

/** The instance of a task, locked like lockInstance (one round trip instead of two). */
export const lockInstanceOfTask = (q: Q, taskId: string): Promise<InstanceRow | undefined> =>
  forUpdate(q, q('process_instances').whereIn('id', q('tasks').where({ id: taskId }).select('instance_id')).first());

export async function insertInstance(q: Q, row: InstanceRow): Promise<void> {
  await q('process_instances').insert(row);
}

/** Writes the new state if nobody else did in between; false means a concurrent change won. */
export async function saveInstance(
  q: Q,
  id: string,
  expectedRev: number,
  patch: Partial<Pick<InstanceRow, 'status' | 'state' | 'variables' | 'active_elements' | 'ended_at' | 'end_reason' | 'business_key'>>,
): Promise<boolean> {
  const n = await q('process_instances')
    .where({ id, rev: expectedRev })
    .update({ ...patch, rev: expectedRev + 1 });
  return n === 1;
}

export const instanceVariables = (row: InstanceRow): Record<string, unknown> => parseJson(row.variables, {});

// Tasks ----------------------------------------------------------------------------------------

export const findTask = (q: Q, id: string): Promise<TaskRow | undefined> => q('tasks').where({ id }).first();

export const openTasksOf = (q: Q, instanceId: string): Promise<TaskRow[]> =>
  q('tasks').where({ instance_id: instanceId, status: 'open' });

export const tasksOfInstance = (q: Q, instanceId: string): Promise<TaskRow[]> =>
  q('tasks').where({ instance_id: instanceId }).orderBy('created_at');

export async function insertTask(q: Q, row: TaskRow): Promise<void> {
  await q('tasks').insert(row);
}

export async function updateTask(q: Q, id: string, patch: Partial<TaskRow>): Promise<void> {
  await q('tasks').where({ id }).update(patch);
}

// History --------------------------------------------------------------------------------------

export async function insertHistory(q: Q, rows: HistoryRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) await q('history').insert(rows.slice(i, i + 100));
}

export const historyOf = (q: Q, instanceId: string): Promise<HistoryRow[]> =>
  q('history').where({ instance_id: instanceId }).orderBy('id');

// Jobs -----------------------------------------------------------------------------------------

export const pendingJobsOf = (q: Q, instanceId: string): Promise<JobRow[]> =>
  q('jobs').where({ instance_id: instanceId, status: 'pending' });

export async function insertJob(q: Q, row: JobRow): Promise<void> {
  await q('jobs').insert(row);
}

export async function updateJob(q: Q, id: string, patch: Partial<JobRow>): Promise<void> {
  await q('jobs').where({ id }).update(patch);
}

export const findJob = (q: Q, id: string): Promise<JobRow | undefined> => q('jobs').where({ id }).first();

export async function countIncidentJobs(q: Q, instanceId: string): Promise<number> {
  const row = await q('jobs').where({ instance_id: instanceId, status: 'incident' }).count<{ n: number | string }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** Clears the locks of a case's pending jobs, so that the next poll takes them at once. */
export async function releasePendingJobs(q: Q, instanceId: string): Promise<void> {
  await q('jobs').where({ instance_id: instanceId, status: 'pending' }).update({ lock_owner: null, locked_until: null });
}
