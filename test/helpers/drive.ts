// Drives a case to its end over HTTP, whatever diagram it runs on: each open task is completed by
// a user who may do it (its assignee, or a holder of its candidate role in its unit), with the
// first answer its own form allows — "approve" where there is a decision. For tests that must keep
// working when a process changes (the process administrator's tests edit whatever is deployed).
import type { FormComponent } from '../../shared/forms.ts';
import type { TestSystem } from './server.ts';
import type { HttpClient } from './http.ts';

/** Values for the required fields of a form (and a decision), passing shared/forms.ts. */
export function answer(components: FormComponent[], out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const c of components) {
    if (c.components && c.type === 'group') answer(c.components, out);
    if (!c.key || (!c.validate?.required && c.key !== 'decision')) continue;
    const values = (c.values ?? []).map((v) => v.value);
    const pick = values.find((v) => ['approve', 'yes', 'intact', 'true'].includes(v)) ?? values[0];
    const min = c.validate?.minLength ?? 0;
    switch (c.type) {
      case 'radio':
      case 'select':
        out[c.key] = pick;
        break;
      case 'checklist':
      case 'taglist':
        out[c.key] = pick ? [pick] : [];
        break;
      case 'checkbox':
        out[c.key] = true;
        break;
      case 'number':
        out[c.key] = c.validate?.min ?? 1;
        break;
      case 'datetime':
        out[c.key] = c.subtype === 'date' ? '2026-11-10' : '2026-11-10T09:00:00+08:00';
        break;
      default:
        out[c.key] = '同意，按规定办理。'.padEnd(Math.max(min, 9), '。');
    }
  }
  return out;
}

async function userFor(sys: TestSystem, task: { assignee_id: number | null; candidate_role: string | null; candidate_org_id: number | null }) {
  const db = sys.services.db;
  if (task.assignee_id) return (await db('users').where({ id: task.assignee_id }).first()).username as string;
  const q = db('users as u').join('user_roles as r', 'r.user_id', 'u.id').where('r.role', task.candidate_role!).where('u.disabled', false);
  if (task.candidate_org_id) q.where('u.org_unit_id', task.candidate_org_id);
  const row = await q.orderBy('u.id').first('u.username');
  if (!row) throw new Error(`nobody holds ${task.candidate_role} in ${task.candidate_org_id}`);
  return row.username as string;
}

/** Completes open tasks until the case ends; returns the element ids of the tasks completed, in order. */
export async function finishCase(sys: TestSystem, instanceId: string, maxSteps = 30): Promise<string[]> {
  const done: string[] = [];
  const clients = new Map<string, HttpClient>();
  for (let i = 0; i < maxSteps; i++) {
    const inst = await sys.services.db('process_instances').where({ id: instanceId }).first();
    if (inst.status !== 'running') return done;
    const task = await sys.services.db('tasks').where({ instance_id: instanceId, status: 'open' }).orderBy('created_at').first();
    if (!task) throw new Error(`case ${instanceId} waits at ${inst.active_elements} without an open task`);
    const username = await userFor(sys, task);
    if (!clients.has(username)) clients.set(username, await sys.as(username));
    const c = clients.get(username)!;
    const view = await c.get(`/api/tasks/${task.id}`);
    if (!view.body.canComplete && view.body.canClaim) await c.post(`/api/tasks/${task.id}/claim`);
    const r = await c.post(`/api/tasks/${task.id}/complete`, { variables: answer(view.body.form?.components ?? []) });
    if (r.status !== 200) throw new Error(`${username} could not complete ${task.element_id}: ${r.status} ${JSON.stringify(r.body)}`);
    done.push(task.element_id);
  }
  throw new Error(`case ${instanceId} did not end within ${maxSteps} steps`);
}
