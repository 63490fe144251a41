// The open tasks a user holds when the system administrator disables the account, or the security
// administrator changes their roles or moves them to another unit (server/admin/users.ts, in the
// change's own transaction). A task of a candidate role that the user may no longer work — a disabled
// account works nothing; otherwise the new roles or unit no longer entitle them to it — goes back to
// its group unclaimed: in the inbox of the role's holders in the task's unit, out of the user's, with a
// `release` row in the case's history (why: the account change, not the user's choice), a
// `task.release` audit row, and the group told as of a new task (task_offered; nobody there to tell:
// task_unstaffed, as for a new task).
// A task the process assigned to the person by name (camunda:assignee, e.g. =initiator: the
// applicant's own step) has no group to go back to; it stays theirs while they hold any business
// role and their account is enabled, since the process chose the person, not a role or a unit. Left
// with none (made an administrator) or disabled, nobody can work it: it stays assigned, the history
// says so (`stranded`), and the process administrators are told (task_unstaffed) — they see it in
// 运行监控 and may cancel the case, or the person gets a business role back or is enabled again.
// The task routes re-check the current roles and unit as well (engine canWork), so a task held
// across a change made some other way (SQL, a restore) is still refused.
// A tie to a case's cadre made by the security administrator — an avoidance entry, or the account
// linked to the cadre it is (its own cases and its relatives') — gives back the same way the tasks
// the user holds on the cases about those cadres (releaseTiedTasks), which they could no longer open.
import { forUpdate, type Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { Actor, AuditLog } from '../audit/service.ts';
import type { NotifyService } from '../notify/service.ts';
import { caseRefOf } from '../notify/service.ts';
import { oneLine } from '../notify/templates.ts';
import { BUSINESS_ROLES } from '../http/policy.ts';
import * as engineStore from '../engine/store.ts';
import type { TaskRow } from '../engine/store.ts';
import { cadreTies } from '../access/store.ts';

export type AccountChange = 'roles_change' | 'scope_change' | 'disable';
/**
 * The user became tied to a cadre (server/access cadreTies): an avoidance entry was made for them
 * (`avoidance`), or their account was linked to the cadre they are (`cadre_link`: their own case and
 * their relatives'). The case history says `avoidance` for both — its readers (the applicant among
 * them) learn that the holder must avoid the cadre, never how they are tied; the audit row says which.
 * `relative`: an archivist recorded a family member (家庭成员), or an approved 信息更正 gave a cadre the
 * ID number a family member row names, that makes the cadre the user is and another cadre relatives
 * (releaseFamilyTies).
 */
export type TieChange = 'avoidance' | 'cadre_link' | 'relative';

/** The user as the change leaves them. */
export interface HolderAfter {
  id: number;
  displayName: string;
  roles: string[];
  orgUnitId: number;
  /** A disabled account may work nothing, whatever its roles. */
  disabled?: boolean;
}

/**
 * Locks these cases (process_instances rows), in id order. The order of locks in a transaction that
 * gives back claims must be the task commands' order — a case's lock first, the audit chain's head
 * (taken by every audit row, held to commit) last — or the two deadlock on PostgreSQL: so the
 * cases are locked here before any audit row of the change, and the callers write their own audit
 * row after the release. Locking them all at once, in one order, keeps two changes from deadlocking
 * each other too.
 */
async function lockCases(trx: Trx, instanceIds: string[] | ReturnType<Trx>): Promise<void> {
  await forUpdate(trx, trx('process_instances').whereIn('id', instanceIds).orderBy('id').select('id'));
}

/** The cases about these cadres, whatever their state (a held task may wait on a suspended one). */
const casesAbout = (trx: Trx, cadreIds: number[]) => trx('workflow_cases').whereIn('cadre_id', cadreIds).select('instance_id');

/** The cadres the user is tied to now (access cadreTies, read in the change's transaction). */
const tiedCadres = async (trx: Trx, userId: number): Promise<number[]> => [...new Set((await cadreTies(trx, userId)).map((r) => r.cadre_id))];

/** Whether the holder of a candidate task may still work it: its role, in its unit (engine canWork). */
export const entitledTo = (t: Pick<TaskRow, 'candidate_role' | 'candidate_org_id'>, u: Pick<HolderAfter, 'roles' | 'orgUnitId'>): boolean =>
  !!t.candidate_role && u.roles.includes(t.candidate_role) && (t.candidate_org_id === null || t.candidate_org_id === u.orgUnitId);

const worksTasks = (roles: string[]) => roles.some((r) => (BUSINESS_ROLES as readonly string[]).includes(r));

export interface HeldTasksResult {
  released: string[];
  stranded: string[];
}

export async function releaseUnentitledTasks(
  trx: Trx,
  deps: { clock: Clock; audit: AuditLog; notify: Pick<NotifyService, 'notify' | 'onTaskReleased'> },
  by: { actor: Actor; ip: string | null },
  user: HolderAfter,
  why: AccountChange,
): Promise<HeldTasksResult> {
  const held: TaskRow[] = await trx('tasks').where({ assignee_id: user.id, status: 'open' }).orderBy('created_at');
  const out: HeldTasksResult = { released: [], stranded: [] };
  const lost = held.filter((t) => user.disabled || !(t.candidate_role ? entitledTo(t, user) : worksTasks(user.roles)));
  if (!lost.length) return out;
  await lockCases(trx, [...new Set(lost.map((t) => t.instance_id))]);
  for (const t of lost) await giveBack(trx, deps, by, user, t, why, out);
  return out;
}

/**
 * The open tasks the user holds on cases about a cadre they are now tied to — self, a relative, the
 * avoidance list, as the task routes check it (access cadreTies, read in the change's transaction,
 * so the new entry or link counts) — go back as above: a candidate task to its group (`release`), a
 * task the process assigned to them by name stays theirs but nobody can work it (`stranded`, the
 * process administrators told). Called when the security administrator adds an avoidance entry
 * (server/access/service.ts) or links the account to its cadre (server/admin/users.ts).
 */
export async function releaseTiedTasks(
  trx: Trx,
  deps: { clock: Clock; audit: AuditLog; notify: Pick<NotifyService, 'notify' | 'onTaskReleased'> },
  by: { actor: Actor; ip: string | null },
  user: Pick<HolderAfter, 'id' | 'displayName' | 'orgUnitId'>,
  why: TieChange,
): Promise<HeldTasksResult> {
  const out: HeldTasksResult = { released: [], stranded: [] };
  const tied = await tiedCadres(trx, user.id);
  if (!tied.length) return out;
  // PostgreSQL (READ COMMITTED): the locks of the cases about those cadres before the held tasks are
  // read. A task command takes its case's lock before it reads the tie (WorkflowService.taskCommand),
  // so a claim that read no tie has committed by the time these are granted, and is seen and given
  // back; one that comes after waits, then reads the tie and is refused.
  await lockCases(trx, casesAbout(trx, tied));
  const held: TaskRow[] = await trx('tasks as t')
    .join('workflow_cases as c', 'c.instance_id', 't.instance_id')
    .where({ 't.assignee_id': user.id, 't.status': 'open' })
    .whereIn('c.cadre_id', tied)
    .orderBy('t.created_at')
    .select('t.*');
  for (const t of held) await giveBack(trx, deps, by, user, t, why, out);
  return out;
}

/**
 * A family member was recorded and these cadres may now be relatives of each other (access
 * cadreTies: by related_cadre_id or ID number, both directions): every account linked to one of them
 * (users.cadre_id) gives back, as releaseTiedTasks, the tasks it holds on cases about a cadre it is
 * now tied to (audit reason `relative`; the history says `avoidance`, as for any tie). Called in the
 * archivist's transaction (server/archives/service.ts addFamily), and in that of an approved 信息更正
 * of an ID number that a 家庭成员 row names (server/archives/service.ts updateCadreField).
 */
export async function releaseFamilyTies(
  trx: Trx,
  deps: { clock: Clock; audit: AuditLog; notify: Pick<NotifyService, 'notify' | 'onTaskReleased'> },
  by: { actor: Actor; ip: string | null },
  cadreIds: Array<number | null | undefined>,
): Promise<HeldTasksResult> {
  const out: HeldTasksResult = { released: [], stranded: [] };
  const ids = [...new Set(cadreIds.filter((x): x is number => typeof x === 'number'))];
  if (!ids.length) return out;
  const linked: Array<{ id: number; display_name: string; org_unit_id: number }> = await trx('users').whereIn('cadre_id', ids).orderBy('id').select('id', 'display_name', 'org_unit_id');
  // Every case any of them may hold a claim on, locked at once (id order) before the first release
  // writes its audit row: see lockCases.
  const tied = new Set<number>();
  for (const u of linked) for (const c of await tiedCadres(trx, u.id)) tied.add(c);
  await lockCases(trx, casesAbout(trx, [...tied]));
  for (const u of linked) {
    const r = await releaseTiedTasks(trx, deps, by, { id: u.id, displayName: u.display_name, orgUnitId: u.org_unit_id }, 'relative');
    out.released.push(...r.released);
    out.stranded.push(...r.stranded);
  }
  return out;
}

/**
 * The cadres a new ID number of `cadreId` ties to it: those whose 家庭成员 name that number (access
 * cadreTies matches a relative by ID number, both directions) — with the cadre itself, what
 * releaseFamilyTies takes after the number is changed (信息更正, server/archives/service.ts
 * updateCadreField).
 */
export async function cadresTiedByNumber(trx: Trx, cadreId: number, idNumber: string): Promise<number[]> {
  const named: number[] = await trx('family_members').where({ id_number: idNumber }).whereNot({ cadre_id: cadreId }).pluck('cadre_id');
  return [cadreId, ...named.map(Number)];
}

/**
 * Locks now every case releaseFamilyTies(cadreIds) may give back a claim on once the tie is made,
 * for a change that writes an audit row of its own before it can make it: an approved 信息更正 of an
 * ID number (server/corrections/process.ts) records the approval before the next step changes the
 * number, and the cases' locks must come before the audit chain's (lockCases). The tie is not made
 * yet, so the cadres themselves are added to those the linked accounts are tied to already.
 */
export async function lockFamilyTieCases(trx: Trx, cadreIds: number[]): Promise<void> {
  const ids = [...new Set(cadreIds)];
  const linked: number[] = ids.length ? await trx('users').whereIn('cadre_id', ids).pluck('id') : [];
  if (!linked.length) return;
  const tied = new Set<number>(ids);
  for (const u of linked) for (const c of await tiedCadres(trx, Number(u))) tied.add(c);
  await lockCases(trx, casesAbout(trx, [...tied]));
}

/** One held task back to its group (`release`), or, assigned by name, `stranded`; history, audit, notices. */
async function giveBack(
  trx: Trx,
  deps: { clock: Clock; audit: AuditLog; notify: Pick<NotifyService, 'notify' | 'onTaskReleased'> },
  by: { actor: Actor; ip: string | null },
  user: Pick<HolderAfter, 'id' | 'displayName' | 'orgUnitId'>,
  t: TaskRow,
  why: AccountChange | TieChange,
  out: HeldTasksResult,
): Promise<void> {
  const now = iso(deps.clock.now());
  const assigned = !t.candidate_role;
  // Under the case's lock, as every task command, and read again under it: a completion or a
  // release that committed while this waited for the lock (PostgreSQL) leaves nothing to do.
  await engineStore.lockInstanceOfTask(trx, t.id);
  const claim = await trx('tasks').where({ id: t.id, status: 'open', assignee_id: user.id }).first('id', 'claimed_at');
  if (!claim) return;
  const event = assigned ? 'stranded' : 'release';
  if (!assigned) await engineStore.updateTask(trx, t.id, { assignee_id: null, claimed_at: null });
  await engineStore.insertHistory(trx, [
    {
      instance_id: t.instance_id,
      element_id: t.element_id,
      element_type: 'bpmn:UserTask',
      element_name: t.name,
      event,
      execution_id: t.execution_id,
      // Nobody of the case did it: the account change did (the audit row names the administrator).
      actor_id: null,
      at: now,
      detail: JSON.stringify({ taskId: t.id, fromId: user.id, fromName: user.displayName, reason: why === 'cadre_link' || why === 'relative' ? 'avoidance' : why }),
    },
  ]);
  await deps.audit.record(trx, {
    actor: by.actor,
    ip: by.ip,
    ...(assigned ? { action: 'task.stranded' } : { action: 'task.release' }),
    objectType: 'task',
    objectId: t.id,
    detail: { instanceId: t.instance_id, userId: user.id, reason: why },
  });
  if (assigned) {
    await tellStranded(trx, deps.notify, t, user.orgUnitId, why, now);
    out.stranded.push(t.id);
  } else {
    // The claim this release ends names the offer: each claim is released once, and told once.
    await deps.notify.onTaskReleased(trx, { ...t, assignee_id: null, claimed_at: null }, `${user.id}:${claim.claimed_at ?? now}`);
    out.released.push(t.id);
  }
}

/** The process administrators learn that nobody can work the task (no case content, no cadre). */
async function tellStranded(trx: Trx, notify: Pick<NotifyService, 'notify'>, t: TaskRow, orgUnitId: number, why: AccountChange | TieChange, at: string): Promise<void> {
  const org = await trx('org_units').where({ id: orgUnitId }).first('name');
  const c = await trx('workflow_cases as c')
    .join('process_instances as pi', 'pi.id', 'c.instance_id')
    .where('c.instance_id', t.instance_id)
    .first('c.process_name', 'pi.business_key');
  await notify.notify(trx, {
    event: 'task_unstaffed',
    recipients: [{ role: 'process_admin', orgUnitId: null }],
    vars: {
      taskName: oneLine(t.name),
      processName: oneLine(c?.process_name ?? t.process_key),
      caseRef: caseRefOf(t.instance_id, c?.business_key),
      roleName: { zh: '指定办理人', en: 'assignee' },
      orgName: oneLine(org?.name ?? '—'),
      // A tie to the cadre: the person the process named must avoid the cadre the case concerns
      // (`assignee_avoids`; `avoided` is a group's: everyone holding the role).
      why: why === 'disable' ? 'assignee_gone' : why === 'roles_change' || why === 'scope_change' ? 'assignee_unentitled' : 'assignee_avoids',
    },
    link: { instance: t.instance_id },
    instanceId: t.instance_id,
    // Disabled is news of its own, each time (enabled meanwhile, the person could work it again).
    key: `stranded:${t.id}:${t.assignee_id}${why === 'disable' ? `:disabled:${at}` : ''}`,
  });
}
