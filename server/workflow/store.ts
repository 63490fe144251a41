// Inbox and instance-scope queries over the tasks table. The inbox is a UNION of one indexed
// "ORDER BY sort_due LIMIT n" per access key (assignee; each role × org), which stays fast at a
// million tasks where a single OR query does not (ENGINE-NOTES "Cost").
import type { Knex } from 'knex';
import type { Q } from '../db.ts';
import type { TaskRow } from '../engine/store.ts';

export interface InboxKey {
  userId: number;
  roles: string[];
  orgUnitId: number;
}

type Part = (q: Q) => Knex.QueryBuilder;

function parts(filter: 'mine' | 'candidate' | 'open', k: InboxKey, processKey?: string): Part[] {
  const withProcess = (qb: Knex.QueryBuilder) => (processKey ? qb.andWhere('process_key', processKey) : qb);
  const out: Part[] = [];
  if (filter === 'mine' || filter === 'open') {
    out.push((q) => withProcess(q('tasks').where({ status: 'open', assignee_id: k.userId })));
  }
  if (filter === 'candidate' || filter === 'open') {
    for (const role of k.roles) {
      out.push((q) =>
        withProcess(q('tasks').where({ status: 'open', candidate_role: role, candidate_org_id: k.orgUnitId }).whereNull('assignee_id')),
      );
      out.push((q) =>
        withProcess(q('tasks').where({ status: 'open', candidate_role: role }).whereNull('candidate_org_id').whereNull('assignee_id')),
      );
    }
  }
  return out;
}

export async function inbox(
  q: Q,
  filter: 'mine' | 'candidate' | 'open',
  key: InboxKey,
  processKey: string | undefined,
  offset: number,
  limit: number,
): Promise<{ rows: (TaskRow & { business_key: string | null })[]; total: number }> {
  const ps = parts(filter, key, processKey);
  if (!ps.length) return { rows: [], total: 0 };
  const n = offset + limit;
  const subs = ps.map((p, i) => q.select('*').from(p(q).select('*').orderBy('sort_due').limit(n).as(`k${i}`)));
  const union = subs.length === 1 ? subs[0] : subs[0].unionAll(subs.slice(1), false);
  const page = await q
    .select('u.*', 'pi.business_key')
    .from(union.as('u'))
    .join('process_instances as pi', 'pi.id', 'u.instance_id')
    .orderBy([{ column: 'u.sort_due' }, { column: 'u.created_at' }, { column: 'u.id' }])
    .limit(limit)
    .offset(offset);
  const counts = await Promise.all(ps.map((p) => p(q).count<{ n: number | string }[]>({ n: '*' })));
  const total = counts.reduce((s, c) => s + Number(c[0].n), 0);
  return { rows: page, total };
}

export async function completedBy(
  q: Q,
  userId: number,
  processKey: string | undefined,
  offset: number,
  limit: number,
): Promise<{ rows: (TaskRow & { business_key: string | null })[]; total: number }> {
  const base = () => {
    const b = q('tasks as t').where('t.completed_by', userId);
    return processKey ? b.andWhere('t.process_key', processKey) : b;
  };
  const rows = await base()
    .join('process_instances as pi', 'pi.id', 't.instance_id')
    .select('t.*', 'pi.business_key')
    .orderBy('t.completed_at', 'desc')
    .limit(limit)
    .offset(offset);
  const [{ n }] = await base().count<{ n: number | string }[]>({ n: '*' });
  return { rows, total: Number(n) };
}

/** Has this user had anything to do with the case: started it, holds or held one of its tasks? */
export async function isInvolved(q: Q, instanceId: string, key: InboxKey): Promise<boolean> {
  const started = await q('process_instances').where({ id: instanceId, started_by: key.userId }).first('id');
  if (started) return true;
  const task = await q('tasks')
    .where('instance_id', instanceId)
    .andWhere((w) =>
      w
        .where('assignee_id', key.userId)
        .orWhere('completed_by', key.userId)
        .orWhere((c) =>
          c
            .where('status', 'open')
            .whereIn('candidate_role', key.roles.length ? key.roles : ['-'])
            .andWhere((o) => o.where('candidate_org_id', key.orgUnitId).orWhereNull('candidate_org_id')),
        ),
    )
    .first('id');
  return !!task;
}

export async function usernames(q: Q, ids: number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids.filter((x) => x !== null && x !== undefined))];
  if (!unique.length) return new Map();
  const rows = await q('users').whereIn('id', unique).select('id', 'display_name');
  return new Map(rows.map((r: { id: number; display_name: string }) => [r.id, r.display_name]));
}
