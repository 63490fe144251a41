// A scripted load of mixed cases on test/fixtures/ops.bpmn (审核 → 审批, with a two-hour reminder
// timer on the first step), for the operations view: some with an incident (their reminder job
// failed every retry), some waiting at each step, one suspended, some finished, some cancelled.
// Returns what the operations view must show.
import { createLogger } from '../../server/logger.ts';
import { JobRunner } from '../../server/engine/jobs.ts';
import type { TestSystem } from './server.ts';
import { deployFixture } from './fixtures.ts';
import { approve, taskAt } from './workflow.ts';

export interface Expected {
  totals: { running: number; incident: number; suspended: number; completed: number; terminated: number };
  /** Per element: cases waiting there, incidents there. */
  elements: Record<string, { active: number; incidents: number }>;
  ids: { incident: string[]; review: string[]; approve: string[]; suspended: string[]; completed: string[]; cancelled: string[] };
}

const HOUR = 3_600_000;

export async function scriptedLoad(sys: TestSystem, scale = 1): Promise<Expected> {
  await deployFixture(sys.services, 'ops.bpmn');
  let applicant = await sys.as('applicant1');
  const start = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await applicant.post('/api/process-instances', { processKey: 'filing', variables: {} });
      if (r.status !== 201) throw new Error(`start ${r.status} ${JSON.stringify(r.body)}`);
      ids.push(r.body.id);
    }
    return ids;
  };
  const complete = async (who: typeof applicant, id: string, step: string) => {
    const task = await taskAt(who, id, step);
    const r = await who.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
    if (r.status !== 200) throw new Error(`complete ${r.status}`);
  };

  // The reminders of the first cases fail on every try ("mail gateway down"): incidents.
  const incident = await start(2 * scale);
  const failing = new JobRunner(sys.services.db, sys.clock, createLogger('silent'), async () => {
    throw new Error('催办通知网关不可用 / reminder gateway unavailable');
  }, { pollMs: 1000, lockSeconds: 60 });
  sys.clock.advance(3 * HOUR);
  for (let i = 0; i < sys.services.config.engine.jobMaxRetries; i++) {
    await failing.pollOnce();
    sys.clock.advance(10 * 60_000);
  }

  // Sessions idle out while the clock moves: log in again.
  applicant = await sys.as('applicant1');
  const archivist = await sys.as('archivist1');
  const chief = await sys.as('chief1');
  const admin = await sys.as('procadmin');
  const review = await start(5 * scale);
  const cancelled = await start(2 * scale);
  const approveIds = await start(4 * scale);
  const suspended = await start(1 * scale);
  const completed = await start(3 * scale);
  for (const id of [...approveIds, ...suspended, ...completed]) await complete(archivist, id, 'review');
  for (const id of completed) await complete(chief, id, 'approve');
  for (const id of cancelled) {
    const r = await admin.post(`/api/admin/instances/${id}/cancel`, { reason: '申请人已调离，案件不再办理' });
    if (r.status !== 200) throw new Error(`cancel ${r.status} ${JSON.stringify(r.body)}`);
  }
  for (const id of suspended) {
    const r = await admin.post(`/api/admin/instances/${id}/suspend`, { reason: '等待核实' });
    if (r.status !== 200) throw new Error(`suspend ${r.status}`);
  }

  const atReview = review.length + incident.length;
  return {
    totals: { running: review.length + approveIds.length, incident: incident.length, suspended: suspended.length, completed: completed.length, terminated: cancelled.length },
    elements: {
      review: { active: atReview, incidents: 0 },
      // The reminder timer waits beside the first step; the failed ones are its incidents.
      remind: { active: atReview, incidents: incident.length },
      approve: { active: approveIds.length + suspended.length, incidents: 0 },
    },
    ids: { incident, review, approve: approveIds, suspended, completed, cancelled },
  };
}
