// Who may read a case: everyone involved in it (the initiator, a present or past assignee, a
// candidate of an open task), and the staff of the archive office the case went through (its
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
 * The initiator reads their own case (the start rules already refuse a requester tied to the
 * cadre); everyone else — an assignee, a candidate, the office's staff — only a case about a cadre
 * they are not tied to (self, relative, avoidance list), however they came to it.
 */
export async function readableCases(q: Q, user: SessionUser, instanceIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(instanceIds)];
  const { started, worked } = await involvedIn(q, ids, inboxKey(user));
  const office = await officeCases(q, ids.filter((id) => !started.has(id) && !worked.has(id)), inboxKey(user));
  const readable = new Set(started);
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
