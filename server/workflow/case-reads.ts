// Reading a case is audited (等保: every view lands in the audit log). Opening the case (`case.view`:
// it names the cadre and the 身份证号), listing its comments (`case.comments`) and its attachments
// (`case.attachments`) each write one row: the case's id and small facts, never content. A read
// answered 404 — absent or out of scope, told apart nowhere — writes the same action with outcome
// `denied`, as do the case's diagram (`case.diagram`) and forms (`case.form`), which write no row when
// they succeed: they show the process's version, not the case, and come with a case page already
// audited by its `case.view`. Downloading an attachment is audited by server/workflow/attachments.ts.
import type { Q } from '../db.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { SessionUser } from '../people/sessions.ts';
import { canReadCase } from './scope.ts';

export type CaseRead = 'case.view' | 'case.comments' | 'case.attachments' | 'case.diagram' | 'case.form';

/** 404 with a denied audit row unless the user may read the case. */
export async function assertReadsCase(q: Q, audit: AuditLog, user: SessionUser, ip: string | null, instanceId: string, action: CaseRead): Promise<void> {
  if (await canReadCase(q, user, instanceId)) return;
  await audit.record(null, {
    actor: user,
    ip,
    action,
    outcome: 'denied',
    objectType: 'process_instance',
    objectId: instanceId,
    detail: { reason: 'absent_or_out_of_scope' },
  });
  throw errors.notFound('Process instance');
}

/** The row of a read that succeeded; if it cannot be written, the read is refused. */
export async function caseRead(audit: AuditLog, user: SessionUser, ip: string | null, instanceId: string, action: CaseRead, detail: Record<string, unknown>): Promise<void> {
  await audit.record(null, { actor: user, ip, action, objectType: 'process_instance', objectId: instanceId, detail });
}
