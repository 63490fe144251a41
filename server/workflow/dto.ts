// Row → API shapes shared by the workflow services.
import type { TaskRow } from '../engine/store.ts';

export function taskDto(t: TaskRow & { business_key?: string | null }) {
  return {
    id: t.id,
    name: t.name,
    instanceId: t.instance_id,
    processKey: t.process_key,
    elementId: t.element_id,
    businessKey: t.business_key ?? null,
    status: t.status,
    assigneeId: t.assignee_id,
    candidateRole: t.candidate_role,
    formKey: t.form_key,
    dueAt: t.due_at,
    createdAt: t.created_at,
    completedAt: t.completed_at,
    outcome: t.outcome,
  };
}
