// A loan (借阅) reaching the leaders' approval (leaderApproval, auth_leader) when every leader who
// could take it must avoid the cadre: task_unstaffed. Before, only the process administrators heard
// of it; the chief of the archive office that holds the archive — who can get another leader to take
// it, or report it up — heard nothing. Now he is told which case and why (无可办理的领导：均需回避),
// by mail through a real SMTP server, in his language, without the cadre's name.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { actor, closeMailSystem, startMailSystem } from '../helpers/notify.ts';
import { approveStep, borrowingVariables, demoCadre, todayIn } from '../helpers/cases.ts';

const PUBLIC = 'https://archive.dangan.example';
const DAY = 86_400_000;
let sys: TestSystem;
let smtp: TestSmtp;

test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ env: { PUBLIC_URL: PUBLIC } }));
});
test.after.always(() => closeMailSystem(sys, smtp));

const db = () => sys.services.db;
const send = async () => {
  while ((await sys.services.mailer.pollOnce()).sent > 0);
};

/** Every holder of auth_leader must avoid the cadre (an avoidance-list entry each), until teardown. */
async function everyLeaderAvoids(t: any, cadreId: number) {
  const sec = await actor(sys, 'secadmin');
  const leaders: number[] = (await db()('user_roles').where({ role: 'auth_leader' }).pluck('user_id')).map(Number);
  t.true(leaders.length > 0);
  for (const id of leaders) {
    await db()('avoidance_entries').insert({ user_id: id, cadre_id: cadreId, reason: '亲属关系', created_by: sec.id, created_at: sys.clock.now().toISOString(), removed_at: null, removed_by: null });
  }
  t.teardown(() => db()('avoidance_entries').where({ cadre_id: cadreId }).whereIn('user_id', leaders).delete());
}

async function loanAtLeaderStep(t: any, n: number) {
  sys.clock.set(new Date(Date.parse(`${todayIn(sys)}T09:00:00+08:00`) + DAY));
  const cadre = await demoCadre(sys, 'county', n);
  await everyLeaderAvoids(t, cadre.id);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'loan', loanDays: 5 }) });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  t.truthy(await db()('tasks').where({ instance_id: id, element_id: 'leaderApproval', status: 'open' }).first(), 'the loan waits at the leaders’ approval');
  await send();
  const no = (await db()('process_instances').where({ id }).first()).business_key as string;
  return { id, no, cadre };
}

test.serial('every leader must avoid the cadre: the chief of the office holding the archive is told which case and why, as well as the process administrators', async (t) => {
  const { id, no, cadre } = await loanAtLeaderStep(t, 10);
  const toChief = smtp.to('chief1@dangan.example').filter((m) => m.subject === `【档案】无可办理的领导：有干部管理权限的领导审批（${no}）`);
  t.is(toChief.length, 1, smtp.to('chief1@dangan.example').map((m) => m.subject).join('\n'));
  const text = toChief[0].text;
  t.true(text.includes(`（编号 ${no}）中的“有干部管理权限的领导审批”`), text);
  t.true(text.includes('无可办理的领导：担任该岗位的领导均需回避本案所涉干部'), text);
  t.true(text.includes('该档案由乌海市委组织部干部档案室保管'), text);
  t.true(text.includes(`${PUBLIC}/applications/${id}`), 'a link to the case');
  t.false(text.includes(cadre.name) || toChief[0].subject.includes(cadre.name), 'the cadre is not named');
  // The process administrators are told as before.
  t.is(smtp.to('procadmin@dangan.example').filter((m) => m.subject === `【档案】待办无人可办：有干部管理权限的领导审批（${no}）`).length, 1);
  t.is((await db()('mail_outbox').where({ instance_id: id, event: 'task_unstaffed' })).length, 2, 'the chief and the process administrator, once each');
});

test.serial('a chief who reads English gets it in English', async (t) => {
  const chief = await actor(sys, 'chief1');
  await db()('users').where({ id: chief.id }).update({ language: 'en' });
  t.teardown(() => db()('users').where({ id: chief.id }).update({ language: 'zh' }));
  const { no } = await loanAtLeaderStep(t, 11);
  const [m] = smtp.to('chief1@dangan.example').filter((x) => x.subject.includes(no) && x.subject.includes('No leader'));
  t.truthy(m);
  t.is(m.subject, `[Dangan] No leader may take a step: 有干部管理权限的领导审批 (${no})`);
  t.true(m.text.includes('no leader may take it: every leader holding that role must avoid the cadre the case concerns'), m.text);
});

test.serial('a leader who may take it: nobody is told the step is unstaffed', async (t) => {
  sys.clock.set(new Date(Date.parse(`${todayIn(sys)}T09:00:00+08:00`) + DAY));
  const cadre = await demoCadre(sys, 'county', 12);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'loan', loanDays: 5 }) });
  const id = res.body.id as string;
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  await send();
  t.is((await db()('mail_outbox').where({ instance_id: id, event: 'task_unstaffed' })).length, 0);
});
