// SQL of the notify room: the mail outbox, notification settings, and the directory reads that turn
// user ids or a role within an org unit into recipients.
import type { TaskRow } from '../engine/store.ts';
import type { Q, Trx } from '../db.ts';
import { bool, isPg, parseJson } from '../db.ts';
import { roleHolders } from '../people/store.ts';

/** `obsolete`: a task notice whose task was no longer open, or no longer the recipient's, when it was to go out. */
export type MailStatus = 'pending' | 'held' | 'digested' | 'sent' | 'incident' | 'refused' | 'obsolete';
export const MAIL_STATUSES: readonly MailStatus[] = ['pending', 'held', 'digested', 'sent', 'incident', 'refused', 'obsolete'];

export interface MailRow {
  id: string;
  idempotency_key: string;
  message_id: string;
  event: string;
  recipient_id: number;
  to_address: string | null;
  language: string;
  subject: string;
  body: string;
  link: string;
  instance_id: string | null;
  /** The task a task notice is about (null for any other notice). */
  task_id: string | null;
  status: MailStatus;
  hold_until: string | null;
  digest_id: string | null;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  lock_owner: string | null;
  locked_until: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface Recipient {
  id: number;
  username: string;
  display_name: string;
  email: string | null;
  language: string;
  org_unit_id: number;
}

export interface SettingsRow {
  user_id: number;
  muted_events: string[];
  digest: boolean;
  digest_hour: number | null;
  updated_at: string;
}

const RECIPIENT_COLS = ['u.id', 'u.username', 'u.display_name', 'u.email', 'u.language', 'u.org_unit_id'];

/** Writes a message unless one with the same idempotency key exists; true when written. */
export async function insertMessage(q: Q, row: MailRow): Promise<boolean> {
  const ret = await q('mail_outbox').insert(row).onConflict('idempotency_key').ignore().returning('id');
  return ret.length > 0;
}

export async function findMessage(q: Q, id: string): Promise<MailRow | undefined> {
  return q('mail_outbox').where({ id }).first();
}

export async function activeUsers(q: Q, ids: number[]): Promise<Recipient[]> {
  if (!ids.length) return [];
  return q('users as u').whereIn('u.id', ids).andWhere('u.disabled', false).select(RECIPIENT_COLS).orderBy('u.id');
}

/** Active holders of a role in an org unit (any unit when orgUnitId is null). */
export async function holdersOf(q: Q, role: string, orgUnitId: number | null): Promise<Recipient[]> {
  return roleHolders(q, role, orgUnitId).select(RECIPIENT_COLS).orderBy('u.id');
}

export async function orgOfUser(q: Q, userId: number): Promise<number | null> {
  const row = await q('users').where({ id: userId }).first('org_unit_id');
  return row?.org_unit_id ?? null;
}

/** The cadre a case is about (workflow_cases.cadre_id), if it is known yet. */
export async function caseCadre(q: Q, instanceId: string): Promise<number | null> {
  const row = await q('workflow_cases').where({ instance_id: instanceId }).first('cadre_id');
  return row?.cadre_id ?? null;
}

/**
 * The task this one resumes: walking back over the earlier tasks of the same step of the case, each
 * cancelled while the case went on (an interrupting boundary event such as 申请续借 led back to the
 * step) and offered to the same role in the same unit, or assigned to the same user. The first of
 * that chain, or the task itself when it is new work.
 */
export async function firstOfResumedStep(q: Q, task: Pick<TaskRow, 'id' | 'instance_id' | 'element_id' | 'candidate_role' | 'candidate_org_id' | 'assignee_id'>): Promise<string> {
  const earlier: TaskRow[] = await q('tasks').where({ instance_id: task.instance_id, element_id: task.element_id }).whereNot('id', task.id);
  if (!earlier.length) return task.id;
  // Newest first: by creation time, then by the order the engine started them (one command's
  // instant is shared by all it does, and a test clock may stand still across commands).
  const started = new Map<string, number>();
  for (const h of await q('history').where({ instance_id: task.instance_id, element_id: task.element_id, event: 'start' }).select('execution_id', 'id')) {
    started.set(h.execution_id, Math.min(started.get(h.execution_id) ?? Infinity, h.id));
  }
  earlier.sort((a, b) => b.created_at.localeCompare(a.created_at) || (started.get(b.execution_id) ?? 0) - (started.get(a.execution_id) ?? 0));
  let first = task.id;
  for (const t of earlier) {
    if (t.status !== 'cancelled') break;
    const same = task.candidate_role ? t.candidate_role === task.candidate_role && t.candidate_org_id === task.candidate_org_id : !t.candidate_role && t.assignee_id === task.assignee_id;
    if (!same) break;
    first = t.id;
  }
  return first;
}

/** The case's variables, as the engine keeps them (the cadre a task notice must avoid). */
// -- overdue tasks (overdue.ts) -------------------------------------------------------------------

/** Where a sweep over overdue tasks has got to: the last task it took, in its order (sort_due, id). */
export interface OverdueCursor {
  sortDue: string;
  id: string;
}

/**
 * Open tasks whose due time passed before `now` and whom nobody has been told of yet, of cases that
 * run (a suspended case waits: its tasks are told of once it is resumed), after `after`, oldest due
 * first. Tasks without a due date sort at NO_DUE and never come.
 */
export async function overdueUntold(q: Q, now: string, limit: number, after: OverdueCursor | null): Promise<Array<{ id: string; sort_due: string }>> {
  const qb = q('tasks as t')
    .join('process_instances as i', 'i.id', 't.instance_id')
    .where('t.status', 'open')
    .whereNull('t.overdue_told_at')
    .andWhere('t.sort_due', '<', now)
    .whereIn('i.status', ['running', 'incident']);
  if (after) {
    qb.andWhere((w) => w.where('t.sort_due', '>', after.sortDue).orWhere((x) => x.where('t.sort_due', after.sortDue).andWhere('t.id', '>', after.id)));
  }
  return qb.orderBy('t.sort_due').orderBy('t.id').limit(limit).select('t.id', 't.sort_due');
}

/**
 * Marks a task told of being overdue, if it still is open, overdue and untold: true for the one caller
 * that made the change (a second server or a retry finds it marked and tells nobody).
 */
export async function markOverdueTold(q: Q, taskId: string, now: string): Promise<boolean> {
  const n = await q('tasks').where({ id: taskId, status: 'open' }).whereNull('overdue_told_at').andWhere('sort_due', '<', now).update({ overdue_told_at: now });
  return n === 1;
}

/** Takes the mark back: the sweep that made it reached nobody. */
export async function unmarkOverdueTold(q: Q, taskId: string): Promise<void> {
  await q('tasks').where({ id: taskId }).update({ overdue_told_at: null });
}

export async function roleName(q: Q, code: string): Promise<{ name_zh: string; name_en: string } | undefined> {
  return q('roles').where({ code }).first('name_zh', 'name_en');
}

export async function orgName(q: Q, id: number | null | undefined): Promise<string | null> {
  if (!id) return null;
  const r = await q('org_units').where({ id }).first('name');
  return r?.name ?? null;
}

/** The archive office answerable for a case (its variable `custodianOrgId`), if it names one. */
export async function caseCustodian(q: Q, instanceId: string): Promise<number | null> {
  const r = await q('process_instances').where({ id: instanceId }).first('variables');
  return custodianIn(r?.variables ? JSON.parse(r.variables) : {});
}

export const custodianIn = (variables: Record<string, unknown>): number | null => {
  const v = variables.custodianOrgId;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
};

/** The case as a mail names it: its process name and business key. */
export async function caseInfo(q: Q, instanceId: string): Promise<{ business_key: string | null; process_name: string; started_by: number | null } | undefined> {
  return q('process_instances as i')
    .join('process_deployments as d', 'd.id', 'i.deployment_id')
    .where('i.id', instanceId)
    .first('i.business_key', 'd.name as process_name', 'i.started_by');
}

// -- settings ---------------------------------------------------------------------------------

export async function settingsOf(q: Q, userIds: number[]): Promise<Map<number, SettingsRow>> {
  if (!userIds.length) return new Map();
  const rows = await q('notification_settings').whereIn('user_id', userIds);
  return new Map(
    rows.map((r: any) => [
      r.user_id,
      { user_id: r.user_id, muted_events: parseJson<string[]>(r.muted_events, []), digest: bool(r.digest), digest_hour: r.digest_hour ?? null, updated_at: r.updated_at },
    ]),
  );
}

export async function saveSettings(q: Q, row: SettingsRow): Promise<void> {
  await q('notification_settings')
    .insert({ ...row, muted_events: JSON.stringify(row.muted_events) })
    .onConflict('user_id')
    .merge();
}

/** Held messages of a user go out on their own (the user turned the digest off). */
export async function releaseHeld(q: Q, userId: number, now: string): Promise<number> {
  return q('mail_outbox')
    .where({ recipient_id: userId, status: 'held' })
    .update({ status: 'pending', hold_until: null, next_attempt_at: now });
}

/** Held messages wait for the user's new digest hour. */
export async function moveHeld(q: Q, userId: number, holdUntil: string): Promise<number> {
  return q('mail_outbox').where({ recipient_id: userId, status: 'held' }).update({ hold_until: holdUntil });
}

// -- the worker ---------------------------------------------------------------------------------

export type Obsolete = 'TASK_CLOSED' | 'TASK_NOT_OFFERED';

/**
 * Why a notice about this task no longer means anything to this user, or null while it does: the task
 * is open and theirs (they hold it) or offered to them (unclaimed, and they hold its role in its unit).
 */
export async function taskNoLongerFor(q: Q, taskId: string, userId: number): Promise<Obsolete | null> {
  const cols = ['status', 'instance_id', 'element_id', 'assignee_id', 'candidate_role', 'candidate_org_id'];
  let t = await q('tasks').where({ id: taskId }).first(cols);
  // A step the case came back to (申请续借 cancels 归还核对 and re-creates it) is the same offer,
  // told once under the first task's key (firstOfResumedStep): the open task of the step stands in.
  if (t?.status === 'cancelled') t = (await q('tasks').where({ instance_id: t.instance_id, element_id: t.element_id, status: 'open' }).first(cols)) ?? t;
  if (!t || t.status !== 'open') return 'TASK_CLOSED';
  if (t.assignee_id !== null && t.assignee_id !== undefined) return t.assignee_id === userId ? null : 'TASK_NOT_OFFERED';
  if (!t.candidate_role) return 'TASK_NOT_OFFERED';
  const holds = await roleHolders(q, t.candidate_role, t.candidate_org_id ?? null).where('u.id', userId).first('u.id');
  return holds ? null : 'TASK_NOT_OFFERED';
}

/** Updates a message this worker still holds; 0 when the lock was lost meanwhile. */
export async function updateClaimed(q: Q, id: string, owner: string, patch: Partial<MailRow>): Promise<number> {
  return q('mail_outbox').where({ id, lock_owner: owner, status: 'pending' }).update(patch);
}

export async function updateMessage(q: Q, id: string, patch: Partial<MailRow>): Promise<number> {
  return q('mail_outbox').where({ id }).update(patch);
}

/** Recipients with held messages whose digest time has come. */
export async function dueDigestRecipients(q: Q, now: string): Promise<number[]> {
  const rows: Array<{ recipient_id: number }> = await q('mail_outbox')
    .where({ status: 'held' })
    .andWhere('hold_until', '<=', now)
    .distinct('recipient_id')
    .orderBy('recipient_id');
  return rows.map((r) => r.recipient_id);
}

export async function lockHeld(trx: Trx, recipientId: number, now: string): Promise<MailRow[]> {
  let qb = trx('mail_outbox')
    .where({ recipient_id: recipientId, status: 'held' })
    .andWhere('hold_until', '<=', now)
    .orderBy('created_at')
    .orderBy('id');
  if (isPg(trx)) qb = qb.forUpdate();
  return qb;
}

export async function markDigested(q: Q, ids: string[], digestId: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await q('mail_outbox').whereIn('id', ids.slice(i, i + 500)).update({ status: 'digested', digest_id: digestId, hold_until: null });
  }
}

// -- admin reads ----------------------------------------------------------------------------------

/** A message as the system administrator lists it: with the recipient's name from the directory. */
export type AdminMailRow = MailRow & { recipient_name?: string | null };

export async function listMessages(q: Q, f: { status?: MailStatus; limit: number; offset: number }): Promise<{ rows: AdminMailRow[]; total: number }> {
  const base = () => (f.status ? q('mail_outbox as m').where('m.status', f.status) : q('mail_outbox as m'));
  const [rows, count] = await Promise.all([
    base().leftJoin('users as u', 'u.id', 'm.recipient_id').orderBy('m.created_at', 'desc').orderBy('m.id').limit(f.limit).offset(f.offset).select('m.*', 'u.display_name as recipient_name'),
    base().count<{ n: number | string }[]>({ n: '*' }),
  ]);
  return { rows, total: Number(count[0].n) };
}

/** The incidents, oldest first, at most `limit` (what 全部重发 sends again). */
export async function incidents(q: Q, limit: number): Promise<MailRow[]> {
  return q('mail_outbox').where({ status: 'incident' }).orderBy('created_at').orderBy('id').limit(limit);
}

/** How many of these messages are in each status (the progress of a 全部重发). */
export async function statusesOf(q: Q, ids: string[]): Promise<Record<string, number>> {
  if (!ids.length) return {};
  const rows = await q('mail_outbox').whereIn('id', ids).groupBy('status').select('status').count<{ status: string; n: number | string }[]>({ n: '*' });
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function countByStatus(q: Q): Promise<Record<string, number>> {
  const rows = await q('mail_outbox').groupBy('status').select('status').count<{ status: string; n: number | string }[]>({ n: '*' });
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
