// Cases for the office books (查阅登记簿, 借阅登记): a finished electronic reading with its register
// entry, and a loan approved by the whole chain and checked out — both over HTTP as the demo users.
import type { TestSystem } from './server.ts';
import { completeAt } from './workflow.ts';
import { approveStep, borrowingVariables, type DemoCadre } from './cases.ts';

async function started(sys: TestSystem, variables: Record<string, unknown>): Promise<string> {
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.id as string;
}

async function approved(sys: TestSystem, id: string, leader: boolean): Promise<void> {
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  if (leader) await approveStep(sys, 'leader1', id, 'leaderApproval', '同意借出，按期归还。');
}

/** applicant1 (with applicant2) reads `cadre`'s archive electronically and ends the reading: one register entry. */
export async function finishedReading(sys: TestSystem, cadre: DemoCadre): Promise<string> {
  const id = await started(sys, await borrowingVariables(sys, 'applicant1', cadre));
  await approved(sys, id, false);
  const done = await completeAt(await sys.as('applicant1'), id, 'electronicReading', { confirmed: true });
  if (done.status !== 200) throw new Error(JSON.stringify(done.body));
  return id;
}

/** applicant1 borrows `cadre`'s paper archive for `days` days; the archivist checks it out. */
export async function lentOut(sys: TestSystem, cadre: DemoCadre, days: number): Promise<string> {
  const id = await started(sys, await borrowingVariables(sys, 'applicant1', cadre, { mode: 'loan', loanDays: days }));
  await approved(sys, id, true);
  const done = await completeAt(await sys.as('archivist1'), id, 'loanCheckout', { checkedAgainstCatalogue: true, sealed: true, comment: '共两卷，已密封。' });
  if (done.status !== 200) throw new Error(JSON.stringify(done.body));
  return id;
}
