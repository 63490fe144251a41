// Mail wording the tester found wrong (read in a real SMTP receiver): the Chinese loan mails gave a
// bare "2026-12-04 23:59" where the English ones say Beijing time; the password-reset mail linked to
// /inbox, which a user whose password was just reset cannot open, instead of the login page.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { closeMailSystem, startMailSystem } from '../helpers/notify.ts';
import { render } from '../../server/notify/templates.ts';

const PUBLIC = 'https://archive.dangan.example';
let sys: TestSystem;
let smtp: TestSmtp;
test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ env: { PUBLIC_URL: PUBLIC } }));
});
test.after.always(() => closeMailSystem(sys, smtp));

test('the Chinese loan mails say the due time is Beijing time, as the English ones do', (t) => {
  const vars = { recipientName: '王建国', caseRef: '查借-2026-0001', dueAt: '2026-12-04 23:59', borrowerName: '王建国', borrowerOrg: '乌海市纪委监委' };
  for (const event of ['loan_due_soon', 'loan_overdue'] as const) {
    t.true(render(event, 'zh', vars, `${PUBLIC}/inbox`).body.includes('2026-12-04 23:59（北京时间）'), event);
    t.true(render(event, 'en', vars, `${PUBLIC}/inbox`).body.includes('2026-12-04 23:59 (Beijing time)'), event);
  }
});

test('the password-reset mail links to the login page', async (t) => {
  const user = (await sys.services.db('users').where({ username: 'applicant2' }).first()).id;
  const res = await (await sys.as('sysadmin')).post(`/api/admin/users/${user}/reset-password`);
  t.is(res.status, 200);
  await sys.services.mailer.pollOnce();
  const [mail] = smtp.to('applicant2@dangan.example').filter((m) => m.subject.includes('密码'));
  t.truthy(mail);
  t.true(mail.text.includes(`${PUBLIC}/login`), mail.text);
  t.false(mail.text.includes(`${PUBLIC}/inbox`));
});
