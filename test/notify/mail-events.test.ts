// The messages of each event arrive, through a real SMTP server, at the right people with the right
// subject and a link into the UI: tasks offered and assigned, decisions, and the loan reminders fired
// by timers under a movable clock.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { approve, completeAt, orgId, reject, taskAt } from '../helpers/workflow.ts';
import { closeMailSystem, outbox, startAs, startMailSystem, userId } from '../helpers/notify.ts';
import { borrowingVariables, demoCadre } from '../helpers/cases.ts';

const PUBLIC = 'https://archive.dangan.example';
let sys: TestSystem;
let smtp: TestSmtp;

test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ env: { PUBLIC_URL: PUBLIC }, fixtures: ['loan-notices.bpmn', 'assigned.bpmn'] }));
});
test.after.always(() => closeMailSystem(sys, smtp));

const send = () => sys.services.mailer.pollOnce();
const inboxOf = (user: string) => smtp.to(`${user}@dangan.example`);

async function startBorrowing() {
  const applicant = await sys.as('applicant1');
  const res = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', await demoCadre(sys, 'county'), { reason: '拟提拔考察，需查阅干部档案。' }),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.id as string;
}

test.serial('a task offered to a role mails each holder of that role in the unit, with the task link', async (t) => {
  const before = smtp.received.length;
  const id = await startBorrowing();
  const sent = await send();
  t.is(sent.sent, 1);
  const task = await sys.services.db('tasks').where({ instance_id: id, element_id: 'unitHeadReview' }).first();
  const [mail] = inboxOf('unithead1').slice(-1);
  t.is(smtp.received.length, before + 1, 'only the unit head of the applicant’s unit');
  t.deepEqual(mail.envelopeTo, ['unithead1@dangan.example']);
  t.is(mail.envelopeFrom, 'noreply@dangan.example');
  // The first task's mail already names the case by its number, set by the start check of this command.
  const caseNo = (await sys.services.db('process_instances').where({ id }).first()).business_key;
  t.regex(caseNo, /^查借/);
  t.is(mail.subject, `【档案】待认领：单位负责人审核（${caseNo}）`);
  t.true(mail.text.includes(`${PUBLIC}/tasks/${task.id}`));
  t.true(mail.text.includes('张志强，您好'));
  t.true(mail.text.includes('查阅/借阅干部人事档案'));
  t.true(mail.text.includes('单位负责人'));
  t.is(mail.headers.get('auto-submitted'), 'auto-generated');
  const row = await outbox(sys).where({ instance_id: id, recipient_id: await userId(sys, 'unithead1') }).first();
  t.is(row.status, 'sent');
  t.is(mail.messageId, row.message_id);
  // The next step is offered to the archivists of the custodian office only (not receiver1's office).
  await completeAt(await sys.as('unithead1'), id, 'unitHeadReview', approve());
  await send();
  const arch = inboxOf('archivist1').at(-1)!;
  t.regex(arch.subject, /档案管理员受理审查/);
  t.is(inboxOf('receiver1').length, 0);
});

test.serial('the initiator learns the decision — approved or not — with a link to the application', async (t) => {
  const id = await startBorrowing();
  await completeAt(await sys.as('unithead1'), id, 'unitHeadReview', approve());
  await completeAt(await sys.as('archivist1'), id, 'archivistReview', approve());
  await completeAt(await sys.as('chief1'), id, 'chiefApproval', approve('同意查阅。'));
  // The case ends (and the decision is mailed) when the applicant has read and ended the reading.
  await completeAt(await sys.as('applicant1'), id, 'electronicReading', { confirmed: true });
  await send();
  const approved = inboxOf('applicant1').filter((m) => m.subject.includes('您的申请'));
  t.is(approved.length, 1);
  t.regex(approved[0].subject, /^【档案】您的申请已批准：查阅\/借阅干部人事档案（查借-\d{4}-\d{4}）$/);
  t.true(approved[0].text.includes(`${PUBLIC}/applications/${id}`));

  const id2 = await startBorrowing();
  await completeAt(await sys.as('unithead1'), id2, 'unitHeadReview', reject());
  await send();
  const decided = inboxOf('applicant1').filter((m) => m.subject.includes('您的申请'));
  t.is(decided.length, 2);
  t.regex(decided[1].subject, /^【档案】您的申请未获批准：/);
  t.true(decided[1].text.includes(`${PUBLIC}/applications/${id2}`));
  // Nobody else hears of the applicant's decision.
  t.false(smtp.received.some((m) => m.subject.includes('您的申请') && !m.envelopeTo.includes('applicant1@dangan.example')));
});

test.serial('a task assigned to one user mails that user; a label’s line break is folded into the subject', async (t) => {
  const applicant = await sys.as('applicant2');
  const res = await applicant.post('/api/process-instances', { processKey: 'assigned', variables: {} });
  t.is(res.status, 201);
  await send();
  const task = await sys.services.db('tasks').where({ instance_id: res.body.id }).first();
  const mail = inboxOf('applicant2').at(-1)!;
  t.regex(mail.subject, /^【档案】新的待办：补充 申请材料（[0-9A-F]{8}）$/);
  t.true(mail.text.includes(`${PUBLIC}/tasks/${task.id}`));
  t.true(mail.text.includes('已交由您办理，请在 2026-11-04 09:00（北京时间）前办理'));
});

test.serial('a user who prefers English gets the English text', async (t) => {
  await sys.services.db('users').where({ username: 'unithead1' }).update({ language: 'en' });
  try {
    const id = await startBorrowing();
    await send();
    const mail = inboxOf('unithead1').at(-1)!;
    const caseNo = (await sys.services.db('process_instances').where({ id }).first()).business_key;
    t.is(mail.subject, `[Dangan] Task for your role: 单位负责人审核 (${caseNo})`);
    t.true(mail.text.includes('Dear 张志强,'));
    t.true(mail.text.includes('offered to the Unit head of your unit'));
    const task = await sys.services.db('tasks').where({ instance_id: id, element_id: 'unitHeadReview' }).first();
    t.true(mail.text.includes(`${PUBLIC}/tasks/${task.id}`));
  } finally {
    await sys.services.db('users').where({ username: 'unithead1' }).update({ language: 'zh' });
  }
});

test.serial('a loan: a reminder to the borrower a day before, then the overdue notice to the unit head and the archive chief', async (t) => {
  const custodian = await orgId(sys, '150300-ZZB-DAS');
  const started = sys.clock.now();
  const inst = await startAs(sys, 'loanNotices', 'applicant1', { custodianOrgId: custodian, orgScopes: { archivist: custodian } });
  const deadline = await sys.services.db('deadlines').where({ instance_id: inst.id }).first();
  t.is(deadline.kind, 'loan_due');
  t.is(deadline.due_at, new Date(started.getTime() + 7 * 86_400_000).toISOString());
  await send();
  const n0 = smtp.received.length;

  // Six days on: the reminder timer fires; only the borrower is told, with the due time in Beijing time.
  sys.clock.advanceDays(6);
  t.is(await sys.services.jobs.pollOnce(), 1);
  await send();
  t.is(smtp.received.length, n0 + 1);
  const reminder = inboxOf('applicant1').at(-1)!;
  t.regex(reminder.subject, /^【档案】借阅档案将于 2026-11-09 09:00 到期（[0-9A-F]{8}）$/);
  t.true(reminder.text.includes(`${PUBLIC}/applications/${inst.id}`));

  // Day seven: overdue. The borrower's unit head and the archive chief hear of it; the list turns red.
  sys.clock.advanceDays(1);
  t.is(await sys.services.jobs.pollOnce(), 1);
  await send();
  const overdue = smtp.received.slice(n0 + 1);
  t.deepEqual(overdue.map((m) => m.envelopeTo[0]).sort(), ['chief1@dangan.example', 'unithead1@dangan.example']);
  for (const m of overdue) {
    t.regex(m.subject, /^【档案】借阅档案已逾期：王建国（[0-9A-F]{8}）$/);
    t.true(m.text.includes('乌海市纪委监委王建国借阅的干部人事档案'));
    t.true(m.text.includes(`${PUBLIC}/deadlines`));
  }
  const chief = await sys.as('chief1');
  const list = await chief.get(`/api/deadlines?instanceId=${inst.id}`);
  t.is(list.status, 200);
  t.is(list.body.items[0].light, 'red');

  // Returned: the archivist's check closes the deadline and the case.
  const archivist = await sys.as('archivist1');
  const task = await taskAt(archivist, inst.id, 'returnCheck');
  t.is((await archivist.post(`/api/tasks/${task.id}/complete`, { variables: {} })).status, 200);
  const closed = await sys.services.db('deadlines').where({ id: deadline.id }).first();
  t.is(closed.status, 'closed');
  t.is((await chief.get(`/api/deadlines?instanceId=${inst.id}`)).body.total, 0);
});
