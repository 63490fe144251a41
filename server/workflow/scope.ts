// Who may read a case: everyone involved in it (the initiator, a present or past assignee, a
// candidate of an open task), and the staff of the archive office the case went through (its
// archivists and chief: the registers and 督办 list the office's cases, and a colleague takes over
// a case by 转办) — except a case about a cadre they must avoid (self, relative, avoidance list).
// Anyone else gets 404, the same as for a case that does not exist (DESIGN.md "People, scope and
// access"). The process administrator is no exception: they keep
// cases running through 运行监控 (server/processes/), which shows what operations need and not
// the application's content, comments or attachments (DOMAIN.md §4, least privilege).
import type { Q } from '../db.ts';
import { errors } from '../errors.ts';
import type { SessionUser } from '../people/sessions.ts';
import { involvedIn, officeCases, type InboxKey } from './store.ts';
import { cadreTies } from '../access/store.ts';

export const inboxKey = (u: SessionUser): InboxKey => ({ userId: u.id, roles: u.roles, orgUnitId: u.orgUnitId });

/** Of these cases, those the user may read (in a few queries, whatever their number: for lists). */
export async function readableCases(q: Q, user: SessionUser, instanceIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(instanceIds)];
  const readable = await involvedIn(q, ids, inboxKey(user));
  const office = await officeCases(q, ids.filter((id) => !readable.has(id)), inboxKey(user));
  if (office.size) {
    const tied = new Set((await cadreTies(q, user.id)).map((t) => t.cadre_id));
    for (const [id, cadreId] of office) if (cadreId === null || !tied.has(cadreId)) readable.add(id);
  }
  return readable;
}

export async function canReadCase(q: Q, user: SessionUser, instanceId: string): Promise<boolean> {
  return (await readableCases(q, user, [instanceId])).has(instanceId);
}

export async function assertCanReadCase(q: Q, user: SessionUser, instanceId: string): Promise<void> {
  if (!(await canReadCase(q, user, instanceId))) throw errors.notFound('Process instance');
}
