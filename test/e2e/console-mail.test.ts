// 邮件发送 (regression, found by an exploratory tester: the README promised incidents "listed for the
// system administrator, retryable", but no page used /api/admin/outbox). The system administrator
// sees the mail that failed (retries ran out, the server refused) and the mail refused (no address)
// with why, sends every incident again in one audited action and follows its progress, and sends a
// refused one again once the address is set. A real SMTP server takes the mail.
// Screenshots: console-mail-incidents.png, console-mail-retried.png, console-mail-refused.png.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { closeMailSystem, outbox, startAs, startMailSystem } from '../helpers/notify.ts';
import { addUser } from '../helpers/users.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, loginWithCode, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let smtp: TestSmtp;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  ({ sys, smtp } = await startMailSystem({ fixtures: ['assigned.bpmn'] }));
  b = await openBrowser(sys.url, { width: 1280, height: 860 });
});
test.after.always(async () => {
  await b?.close();
  await closeMailSystem(sys, smtp);
});

const send = () => sys.services.mailer.pollOnce();

test.serial('failed mail is listed with why and sent again at once, with progress; refused mail is sent once the address is set', async (t) => {
  // Two task mails the server refuses for good (550): incidents.
  await send();
  smtp.mode = 'reject';
  await startAs(sys, 'assigned', 'applicant1', {});
  await startAs(sys, 'assigned', 'applicant2', {});
  t.like(await send(), { incidents: 2 });
  smtp.mode = 'accept';
  // A user without an address: her password-reset mail is refused (NO_ADDRESS).
  const bare = await addUser(sys, { username: 'zhaomin', displayName: '赵敏', org: '150300-JW', roles: ['applicant'] });
  await sys.services.db('users').where({ id: bare }).update({ email: null });
  const api = await sys.as('sysadmin');
  t.is((await api.post(`/api/admin/users/${bare}/reset-password`)).status, 200);

  const p = b.page;
  await loginWithCode(p, sys, 'sysadmin');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '邮件发送' }).click();
  await p.getByRole('heading', { name: '邮件发送', level: 1 }).waitFor();
  await p.getByRole('tab', { name: '发送失败（2）' }).waitFor();
  const rows = p.locator('tbody tr');
  await rows.nth(1).waitFor();
  t.is(await rows.count(), 2);
  t.regex(await rows.nth(0).innerText(), /邮件服务器：550/);
  t.regex(await rows.nth(0).innerText(), /已尝试 1 次/);
  t.log(await shot(p, 'console-mail-incidents'));

  // 全部重发: one confirmation, one audited action, then the page follows the sending.
  await p.getByRole('button', { name: '全部重发（2 封）' }).click();
  const dialog = p.getByRole('dialog');
  await dialog.getByText('将全部 2 封发送失败的邮件按收件人当前邮箱重新排队发送？').waitFor();
  await dialog.getByRole('button', { name: '重发' }).click();
  const progress = p.getByTestId('retry-progress');
  await progress.waitFor();
  const n = smtp.received.length;
  t.like(await send(), { sent: 2 });
  await progress.getByText('重发完成：已发送 2 / 2，再次失败 0').waitFor();
  t.is(smtp.received.length, n + 2);
  await p.getByText('没有发送失败的邮件。').waitFor();
  t.log(await shot(p, 'console-mail-retried'));
  const audit = await sys.services.db('audit_log').where({ action: 'outbox.retry_all' });
  t.is(audit.length, 1);
  t.like(JSON.parse(audit[0].detail), { retried: 2, skipped: 0 });

  // The refused mail says why; once the address is set (用户管理), 重发 sends it.
  await p.getByRole('tab', { name: '被拒发（1）' }).click();
  const refused = p.locator('tbody tr').filter({ hasText: '赵敏' });
  await refused.getByText('收件人没有邮箱：请在用户管理中为其填写邮箱后重发').waitFor();
  t.log(await shot(p, 'console-mail-refused'));
  await refused.getByRole('button', { name: '重发' }).click();
  await p.getByText('收件人没有邮箱', { exact: false }).first().waitFor();
  t.is((await outbox(sys).where({ recipient_id: bare }).first()).status, 'refused', 'still no address: refused again, said in words');
  t.is((await api.request('PUT', `/api/admin/users/${bare}/email`, { email: 'zhaomin@dangan.example' })).status, 200);
  await refused.getByRole('button', { name: '重发' }).click();
  await p.getByText('已将发给 赵敏 的邮件重新排队。').waitFor();
  await p.getByText('没有被拒发的邮件。').waitFor();
  await send();
  t.true(smtp.received.some((m) => m.envelopeTo[0] === 'zhaomin@dangan.example'));
  t.deepEqual(b.problems.filter((x) => !/401|422/.test(x)), []);
});
