// An account's mail address can be added and corrected (regression, found by an exploratory tester:
// 个人设置 told users to ask the system administrator, who had no way to; an account created with an
// address outside MAIL_ALLOWED_DOMAINS was accepted silently and every mail to it was then refused,
// DOMAIN_NOT_ALLOWED). The system administrator sets it (audited, checked as the mail worker checks
// it, refused at the field with the allowed domains named); creation refuses a disallowed domain;
// 转办's candidate list says who has no address. Mail goes through a real SMTP server.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import type { HttpClient } from '../helpers/http.ts';
import { closeMailSystem, outbox, startMailSystem } from '../helpers/notify.ts';
import { addUser } from '../helpers/users.ts';
import { borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { orgId, taskAt } from '../helpers/workflow.ts';

let sys: TestSystem;
let smtp: TestSmtp;
let admin: HttpClient;
test.before(async () => {
  ({ sys, smtp } = await startMailSystem());
  admin = await sys.as('sysadmin');
});
test.after.always(() => closeMailSystem(sys, smtp));

const db = () => sys.services.db;
const send = () => sys.services.mailer.pollOnce();

test.serial('an account is not created with an address in a domain mail is never sent to', async (t) => {
  const res = await admin.post('/api/admin/users', { username: 'wangfang', displayName: '王芳', orgUnitId: await orgId(sys, '150300-JW'), email: 'wangfang@gmail.com' });
  t.is(res.status, 400, JSON.stringify(res.body));
  t.is(res.body.code, 'VALIDATION_FAILED');
  const field = res.body.details.find((f: any) => f.field === 'email');
  t.regex(field.message, /允许的邮件域（dangan\.example）/);
  t.regex(field.message, /allowed mail domain \(dangan\.example\)/);
  t.falsy(await db()('users').where({ username: 'wangfang' }).first(), 'nothing created');
  const ok = await admin.post('/api/admin/users', { username: 'wangfang', displayName: '王芳', orgUnitId: await orgId(sys, '150300-JW'), email: 'WangFang@Dangan.example' });
  t.is(ok.status, 201, JSON.stringify(ok.body));
});

test.serial('the system administrator adds a missing address: audited, and the next mail reaches it', async (t) => {
  const created = await admin.post('/api/admin/users', { username: 'lixia', displayName: '李霞', orgUnitId: await orgId(sys, '150300-JW') });
  t.is(created.status, 201);
  const id = created.body.user.id as number;
  t.is(created.body.user.email, null);
  // Without an address her reset mail is refused (NO_ADDRESS).
  t.is((await admin.post(`/api/admin/users/${id}/reset-password`)).status, 200);
  t.is((await outbox(sys).where({ recipient_id: id, event: 'password_reset' }).first()).last_error, 'NO_ADDRESS');

  const foreign = await admin.request('PUT', `/api/admin/users/${id}/email`, { email: 'lixia@qq.com' });
  t.is(foreign.status, 400);
  t.regex(foreign.body.details[0].message, /dangan\.example/);
  const bad = await admin.request('PUT', `/api/admin/users/${id}/email`, { email: 'lixia@dangan.example\r\nBcc: x@evil.example' });
  t.is(bad.status, 400);
  const extra = await admin.request('PUT', `/api/admin/users/${id}/email`, { email: 'lixia@dangan.example', roles: ['sys_admin'] });
  t.is(extra.status, 400, 'nothing but the address');
  t.is((await db()('users').where({ id }).first()).email, null);

  const sec = await sys.as('secadmin');
  t.is((await sec.request('PUT', `/api/admin/users/${id}/email`, { email: 'lixia@dangan.example' })).status, 403, 'the system administrator’s duty');

  const set = await admin.request('PUT', `/api/admin/users/${id}/email`, { email: 'lixia@dangan.example' });
  t.is(set.status, 200, JSON.stringify(set.body));
  t.is(set.body.email, 'lixia@dangan.example');
  const audit = await db()('audit_log').where({ action: 'user.email_change', object_id: String(id) }).first();
  t.is(audit.actor, 'sysadmin');
  t.deepEqual(JSON.parse(audit.detail), { from: null, to: 'lixia@dangan.example' });

  await send();
  const n = smtp.received.length;
  sys.clock.advance(60_000); // a reset is told once per instant
  t.is((await admin.post(`/api/admin/users/${id}/reset-password`)).status, 200);
  await send();
  const got = smtp.received.slice(n).filter((m) => m.envelopeTo[0] === 'lixia@dangan.example');
  t.is(got.length, 1, 'the reset mail reaches the new address');

  // Removed again: null.
  const removed = await admin.request('PUT', `/api/admin/users/${id}/email`, { email: null });
  t.is(removed.status, 200);
  t.is(removed.body.email, null);
  // One's own address is not set here either.
  const own = (await db()('users').where({ username: 'sysadmin' }).first()).id;
  t.is((await admin.request('PUT', `/api/admin/users/${own}/email`, { email: 'sysadmin@dangan.example' })).status, 422);
});

test.serial('转办 names the colleagues who have no address', async (t) => {
  const bare = await addUser(sys, { username: 'unithead8', displayName: '高建华', org: '150300-JW', roles: ['unit_head'] });
  await db()('users').where({ id: bare }).update({ email: null });
  const cadre = await demoCadre(sys, 'county', 12);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', cadre, { purpose: '2', mode: 'onsite', reason: '拟提拔考察，需查阅干部档案。' }),
  });
  t.is(res.status, 201);
  const head = await sys.as('unithead1');
  const task = await taskAt(head, res.body.id, 'unitHeadReview');
  t.is((await head.post(`/api/tasks/${task.id}/claim`)).status, 200);
  const list = await head.get(`/api/tasks/${task.id}/reassign-candidates`);
  t.is(list.status, 200);
  t.like(list.body.items.find((c: any) => c.id === bare), { name: '高建华', noAddress: true });
});
