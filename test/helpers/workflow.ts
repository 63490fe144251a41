// Helpers for process scenarios: find the org ids of the demo data, walk tasks by user.
import type { HttpClient } from './http.ts';
import type { TestSystem } from './server.ts';

export async function orgId(sys: TestSystem, code: string): Promise<number> {
  const row = await sys.services.db('org_units').where({ code }).first('id');
  if (!row) throw new Error(`no org ${code}`);
  return row.id;
}

/** The open task of a case at the given step, as the user sees it in the inbox. */
export async function taskAt(user: HttpClient, instanceId: string, elementId: string) {
  const res = await user.get(`/api/tasks?filter=open&limit=200`);
  if (res.status !== 200) throw new Error(`inbox: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items.find((t: any) => t.instanceId === instanceId && t.elementId === elementId);
}

export async function completeAt(user: HttpClient, instanceId: string, elementId: string, variables: Record<string, unknown>) {
  const task = await taskAt(user, instanceId, elementId);
  if (!task) throw new Error(`no open task ${elementId} for this user`);
  return user.post(`/api/tasks/${task.id}/complete`, { variables });
}

export const approve = (comment = '同意。') => ({ decision: 'approve', comment });
export const reject = (comment = '理由不充分，不同意。') => ({ decision: 'reject', comment });
