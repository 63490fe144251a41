// The notice services the lead's processes will call (transfers, hand-over, review), run directly
// as a service task would, and each user's settings: muting an event, the daily digest.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { orgId } from '../helpers/workflow.ts';
import { borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { callService, closeMailSystem, outbox, startAs, startMailSystem, userId } from '../helpers/notify.ts';

const PUBLIC = 'https://archive.dangan.example';
let sys: TestSystem;
let smtp: TestSmtp;
let custodian: number;
let receiver: number;
let producerOrg: number;

test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ env: { PUBLIC_URL: PUBLIC }, fixtures: ['assigned.bpmn'] }));
  custodian = await orgId(sys, '150300-ZZB-DAS');
  receiver = await orgId(sys, '150302-ZZB-DAS');
  producerOrg = await orgId(sys, '150300-RSJ');
});
test.after.always(() => closeMailSystem(sys, smtp));

const send = () => sys.services.mailer.pollOnce();
const inboxOf = (user: string) => smtp.to(`${user}@dangan.example`);
/** A case to hang notices on (its own initiator's task mail is sent and set aside). */
async function aCase(username = 'producer1') {
  const inst = await startAs(sys, 'assigned', username, {});
  await send();
  return inst.id as string;
}

test.serial('receipt chase: the receiving office’s archivists are asked to return the receipt', async (t) => {
  const id = await aCase('applicant1');
  const n = smtp.received.length;
  await callService(sys, 'notifyReceiptChase', id, { custodianOrgId: custodian, receiverOrgId: receiver, transferSentAt: '2026-10-01T02:00:00.000Z' });
  await send();
  const got = smtp.received.slice(n);
  t.deepEqual(got.map((m) => m.envelopeTo[0]), ['receiver1@dangan.example']);
  t.regex(got[0].subject, /^【档案】催退回执：乌海市委组织部干部档案室转递的档案（[0-9A-F]{8}）$/);
  t.true(got[0].text.includes('于 2026-10-01 10:00 转递'));
  t.true(got[0].text.includes(`${PUBLIC}/deadlines`));
});

test.serial('hand-over: the producing unit is told the one-month limit counted from the formation date', async (t) => {
  const id = await aCase();
  const n = smtp.received.length;
  const out = await callService(sys, 'openHandoverDeadline', id, { producerOrgId: producerOrg, custodianOrgId: custodian, formedDate: '2026-10-20' });
  // One calendar month after 20 October (20 November), met until the end of that Beijing day.
  t.deepEqual(out, { handoverDueAt: '2026-11-20T15:59:59.999Z' });
  await callService(sys, 'notifyHandoverDue', id, { producerOrgId: producerOrg, ...out });
  await send();
  const got = smtp.received.slice(n);
  t.deepEqual(got.map((m) => m.envelopeTo[0]), ['producer1@dangan.example']);
  t.regex(got[0].subject, /^【档案】材料移交期限：2026-11-20 23:59 前（[0-9A-F]{8}）$/);
  t.true(got[0].text.includes('第二十条'));
});

test.serial('transfer and review: the two-month limits reach the sending and the receiving archivists', async (t) => {
  const id = await aCase('archivist1');
  const n = smtp.received.length;
  const vars = { custodianOrgId: custodian, receiverOrgId: receiver };
  // 2 November + 2 calendar months, met until the end of 2 January (Beijing time)
  t.deepEqual(await callService(sys, 'openTransferDeadline', id, vars), { transferDueAt: '2027-01-02T15:59:59.999Z' });
  t.deepEqual(await callService(sys, 'openReviewDeadline', id, vars), { reviewDueAt: '2027-01-02T15:59:59.999Z' });
  // The notices read the due time from the open deadline when the variable is not passed.
  await callService(sys, 'notifyTransferDue', id, vars);
  await callService(sys, 'notifyReviewDue', id, vars);
  await send();
  const got = smtp.received.slice(n);
  const transfer = got.find((m) => m.subject.includes('档案转递期限'))!;
  const review = got.find((m) => m.subject.includes('审核入库期限'))!;
  t.deepEqual(transfer.envelopeTo, ['archivist1@dangan.example']);
  t.regex(transfer.subject, /^【档案】档案转递期限：2027-01-02 23:59 前（[0-9A-F]{8}）$/);
  t.deepEqual(review.envelopeTo, ['receiver1@dangan.example']);
  t.regex(review.subject, /^【档案】转入档案审核入库期限：2027-01-02 23:59 前/);
  t.is(got.length, 2);
});

test.serial('a notice missing the variable that names its recipients fails loudly and writes nothing', async (t) => {
  const id = await aCase();
  const before = await outbox(sys).count({ n: '*' });
  const err = await t.throwsAsync(callService(sys, 'notifyReceiptChase', id, { custodianOrgId: custodian }));
  t.is((err as any).code, 'RULE_VIOLATION');
  t.is((err as any).details.rule, 'process_variable');
  t.deepEqual(await outbox(sys).count({ n: '*' }), before);
});

test.serial('settings: a muted event writes no mail; a deadline warning cannot be muted', async (t) => {
  const unithead = await sys.as('unithead1');
  const initial = await unithead.get('/api/me/notification-settings');
  t.is(initial.status, 200);
  t.false(initial.body.digest);
  t.is(initial.body.digestHour, 8);
  t.deepEqual(initial.body.events.find((e: any) => e.event === 'loan_overdue'), { event: 'loan_overdue', enabled: true, mandatory: true });

  const muted = await unithead.request('PUT', '/api/me/notification-settings', { events: { task_offered: false } });
  t.is(muted.status, 200);
  t.false(muted.body.events.find((e: any) => e.event === 'task_offered').enabled);

  const refused = await unithead.request('PUT', '/api/me/notification-settings', { events: { loan_overdue: false, task_assigned: false } });
  t.is(refused.status, 422);
  t.is(refused.body.code, 'RULE_VIOLATION');
  t.deepEqual(refused.body.details, { rule: 'mandatory_notice', events: ['loan_overdue'] });
  // Nothing of the refused change was kept.
  t.true((await unithead.get('/api/me/notification-settings')).body.events.find((e: any) => e.event === 'task_assigned').enabled);

  const bad = await unithead.request('PUT', '/api/me/notification-settings', { digestHour: 24, email: 'x@evil.example' });
  t.is(bad.status, 400);
  t.is(bad.body.code, 'VALIDATION_FAILED');

  const applicant = await sys.as('applicant1');
  const res = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', await demoCadre(sys, 'county')),
  });
  t.is(res.status, 201);
  t.is(await outbox(sys).where({ instance_id: res.body.id }).count({ n: '*' }).then((r) => Number(r[0].n)), 0);

  // A mandatory event still reaches a user who muted other things.
  const id = await aCase('applicant1');
  const n = smtp.received.length;
  await callService(sys, 'openLoanDeadline', id, { custodianOrgId: custodian });
  await callService(sys, 'notifyLoanOverdue', id, { custodianOrgId: custodian });
  await send();
  t.true(smtp.received.slice(n).some((m) => m.envelopeTo[0] === 'unithead1@dangan.example'));
  await unithead.request('PUT', '/api/me/notification-settings', { events: { task_offered: true } });
});

test.serial('daily digest: notices wait for the chosen hour and go out as one mail; turning it off releases the rest', async (t) => {
  const applicant = await sys.as('applicant2');
  const on = await applicant.request('PUT', '/api/me/notification-settings', { digest: true, digestHour: 18 });
  t.is(on.status, 200);
  t.true(on.body.digest);
  const me = await userId(sys, 'applicant2');
  const n = smtp.received.length;

  const first = await startAs(sys, 'assigned', 'applicant2', {});
  const second = await startAs(sys, 'assigned', 'applicant2', {});
  await send();
  t.is(smtp.received.length, n, 'nothing goes before the digest hour');
  const held = await outbox(sys).where({ recipient_id: me, status: 'held' });
  t.is(held.length, 2);
  // 18:00 Beijing on the day of the clock (2026-11-02 09:00 Beijing).
  t.true(held.every((m: any) => m.hold_until === '2026-11-02T10:00:00.000Z'));

  sys.clock.set(held[0].hold_until);
  const r = await send();
  t.is(r.digests, 1);
  const digest = smtp.to('applicant2@dangan.example').slice(-1)[0];
  t.is(smtp.received.length, n + 1);
  t.regex(digest.subject, /^【档案】每日通知汇总 \d{4}-\d{2}-\d{2}（2 条）$/);
  const tasks = await sys.services.db('tasks').whereIn('instance_id', [first.id, second.id]);
  for (const task of tasks) t.true(digest.text.includes(`${PUBLIC}/tasks/${task.id}`));
  t.true(digest.text.includes(`${PUBLIC}/inbox`));
  const after = await outbox(sys).whereIn('id', held.map((m: any) => m.id));
  t.true(after.every((m: any) => m.status === 'digested' && m.digest_id));
  t.is((await send()).sent, 0, 'a second poll sends nothing more');

  // Held again, then the user turns the digest off: the held notice goes out at once, on its own.
  await startAs(sys, 'assigned', 'applicant2', {});
  await send();
  t.is(smtp.received.length, n + 1);
  const off = await (await sys.as('applicant2')).request('PUT', '/api/me/notification-settings', { digest: false });
  t.is(off.status, 200);
  await send();
  t.is(smtp.received.length, n + 2);
  t.regex(smtp.received.at(-1)!.subject, /^【档案】新的待办：补充 申请材料/);
  t.is(await outbox(sys).where({ recipient_id: me, status: 'held' }).count({ n: '*' }).then((r2) => Number(r2[0].n)), 0);
});
