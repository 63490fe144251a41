// Who may read a case: everyone involved in it (the initiator, a co-applicant its 利用 request
// names — 同行查档人员, who reads it as the initiator does but acts on nothing, see caseReader —, a
// present or past assignee, a candidate of an open task), and the staff of the archive office the case went through (its
// archivists and chief: the registers and 督办 list the office's cases, and a colleague takes over
// a case by 转办) — except, for all but the initiator, a case about a cadre they must avoid (self,
// relative, avoidance list), even when a task of it is offered to their role.
// Anyone else gets 404, the same as for a case that does not exist (DESIGN.md "People, scope and
// access"). The process administrator is no exception: they keep
// cases running through 运行监控 (server/processes/), which shows what operations need and not
// the application's content, comments or attachments (DOMAIN.md §4, least privilege).
import type { Q } from '../db.ts';
import { errors } from '../errors.ts';
import type { SessionUser } from '../people/sessions.ts';
import { casesCadres, involvedIn, officeCases, type InboxKey } from './store.ts';
import { cadreTies } from '../access/store.ts';

export const inboxKey = (u: SessionUser): InboxKey => ({ userId: u.id, roles: u.roles, orgUnitId: u.orgUnitId });

/**
 * Of these cases, those the user may read (in a few queries, whatever their number: for lists).
 * The initiator and the co-applicants read their own case (the start rules already refuse a
 * requester tied to the cadre); everyone else — an assignee, a candidate, the office's staff — only a case about a cadre
 * they are not tied to (self, relative, avoidance list), however they came to it.
 */
export async function readableCases(q: Q, user: SessionUser, instanceIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(instanceIds)];
  const { started, coApplied, worked } = await involvedIn(q, ids, inboxKey(user));
  const office = await officeCases(q, ids.filter((id) => !started.has(id) && !coApplied.has(id) && !worked.has(id)), inboxKey(user));
  // A co-applicant is an applicant like the initiator: the start rules refused anyone on the request
  // tied to the cadre, so the tie check of the staff does not apply (and 我的申请 lists it in SQL).
  const readable = new Set([...started, ...coApplied]);
  const others = [...worked, ...office];
  if (others.length) {
    const [cadres, ties] = await Promise.all([casesCadres(q, others), cadreTies(q, user.id)]);
    const tied = new Set(ties.map((t) => t.cadre_id));
    for (const [id, cadreId] of cadres) if (cadreId === null || !tied.has(cadreId)) readable.add(id);
  }
  return readable;
}

export async function canReadCase(q: Q, user: SessionUser, instanceId: string): Promise<boolean> {
  return (await readableCases(q, user, [instanceId])).has(instanceId);
}

export async function assertCanReadCase(q: Q, user: SessionUser, instanceId: string): Promise<void> {
  if (!(await canReadCase(q, user, instanceId))) throw errors.notFound('Process instance');
}

/**
 * How the user reads this case: `co_applicant` when they read it only as a co-applicant of its
 * request (read-only: no comment, no attachment, no withdrawal), `reader` for everyone else who
 * reads it, null when they may not.
 */
export async function caseReader(q: Q, user: SessionUser, instanceId: string): Promise<'reader' | 'co_applicant' | null> {
  const { coApplied } = await involvedIn(q, [instanceId], inboxKey(user));
  if (coApplied.has(instanceId)) return 'co_applicant';
  return (await canReadCase(q, user, instanceId)) ? 'reader' : null;
}

/** For a write on a case (comment, attachment): readers act; a co-applicant only reads (403). */
export async function assertMayContribute(q: Q, user: SessionUser, instanceId: string): Promise<void> {
  const how = await caseReader(q, user, instanceId);
  if (!how) throw errors.notFound('Process instance');
  if (how === 'co_applicant') throw errors.forbidden('同行查档人员只能查看本申请，不能在此添加意见或附件 / A co-applicant reads this request but cannot add comments or files');
}
