// Applications for UI tests and screenshots, filed and moved on through the HTTP API as the demo
// users would: a consultation request, and the unit head's approval that sends it to the archive.
import type { TestSystem } from './server.ts';
import { approve, orgId, taskAt } from './workflow.ts';

export const REASONS = [
  '拟提拔考察，需查阅该同志干部人事档案中的任免、考核材料。',
  '职称评聘需要核对学历学位及专业技术职务材料。',
  '巡察工作需要了解干部基本情况及奖惩情况。',
  '发展党员政治审查，需查阅政审材料。',
  '干部日常管理中需熟悉了解干部，查阅履历材料。',
  '人才引进需核实工作经历与学历。',
];

export async function fileConsultation(sys: TestSystem, applicant: string, reason: string, purpose = '2', mode = 'electronic'): Promise<string> {
  const c = await sys.as(applicant);
  const res = await c.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: { custodianOrgId: await orgId(sys, '150300-ZZB-DAS'), purpose, mode, reason },
  });
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function approveStep(sys: TestSystem, username: string, instanceId: string, elementId: string, comment = '同意。'): Promise<void> {
  const c = await sys.as(username);
  const task = await taskAt(c, instanceId, elementId);
  if (!task) throw new Error(`${username} has no task ${elementId} in ${instanceId}`);
  const r = await c.post(`/api/tasks/${task.id}/complete`, { variables: approve(comment) });
  if (r.status !== 200) throw new Error(`complete: ${r.status} ${JSON.stringify(r.body)}`);
}

/** A consultation that has passed the applicant's unit head and waits for the archivist. */
export async function atArchive(sys: TestSystem, applicant: string, unitHead: string, reason: string, purpose = '2'): Promise<string> {
  const id = await fileConsultation(sys, applicant, reason, purpose);
  await approveStep(sys, unitHead, id, 'unitHeadReview', '情况属实，同意。');
  return id;
}
