// My language on the server (PUT /api/me/language): only 'zh' or 'en', only my own, audited with
// from → to, and the mail of a task offered to me then comes in that language.
import test from 'ava';
import type { TestSystem } from '../../test/helpers/server.ts';
import type { TestSmtp } from '../../test/helpers/smtp.ts';
import { closeMailSystem, startMailSystem, userId } from '../../test/helpers/notify.ts';
import { borrowingVariables, demoCadre } from '../../test/helpers/cases.ts';

let sys: TestSystem;
let smtp: TestSmtp;

test.before(async () => {
  ({ sys, smtp } = await startMailSystem());
});
test.after.always(() => closeMailSystem(sys, smtp));

const db = () => sys.services.db;
const languageOf = async (username: string) => (await db()('users').where({ username }).first()).language;
const auditRows = (actor: string) => db()('audit_log').where({ action: 'user.language', actor }).orderBy('seq');

test.serial('my language: 中文 by default, English when I choose it, audited once with from → to', async (t) => {
  const me = await sys.as('unithead1');
  const before = await me.get('/api/me');
  t.is(before.body.language, 'zh');
  t.is(before.body.email, 'unithead1@dangan.example', 'the page says where mail goes');

  const res = await me.request('PUT', '/api/me/language', { language: 'en' });
  t.is(res.status, 200);
  t.is(res.body.language, 'en');
  t.is(res.body.username, 'unithead1');
  t.is(await languageOf('unithead1'), 'en');
  t.is((await me.get('/api/me')).body.language, 'en');

  const rows = await auditRows('unithead1');
  t.is(rows.length, 1);
  t.is(rows[0].object_type, 'user');
  t.is(rows[0].object_id, String(await userId(sys, 'unithead1')));
  t.is(rows[0].outcome, 'success');
  t.deepEqual(JSON.parse(rows[0].detail), { from: 'zh', to: 'en' });

  // The same language again changes nothing and records nothing.
  t.is((await me.request('PUT', '/api/me/language', { language: 'en' })).status, 200);
  t.is((await auditRows('unithead1')).length, 1);

  // A task offered to me now mails me in English.
  const applicant = await sys.as('applicant1');
  const started = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', await demoCadre(sys, 'county')),
  });
  t.is(started.status, 201);
  await sys.services.mailer.pollOnce();
  const mail = smtp.to('unithead1@dangan.example').at(-1)!;
  t.regex(mail.subject, /^\[Dangan\] Task for your role: /);
  t.true(mail.text.includes('Dear 张志强,'));

  t.is((await me.request('PUT', '/api/me/language', { language: 'zh' })).status, 200);
  t.is(await languageOf('unithead1'), 'zh');
  t.deepEqual(JSON.parse((await auditRows('unithead1')).at(-1).detail), { from: 'en', to: 'zh' });
});

test.serial('only zh or en, and only my own: anything else is refused at its field and changes nothing', async (t) => {
  const me = await sys.as('archivist1');
  for (const language of ['fr', 'EN', '', null, 1]) {
    const bad = await me.request('PUT', '/api/me/language', { language });
    t.is(bad.status, 400, `language ${JSON.stringify(language)}`);
    t.is(bad.body.code, 'VALIDATION_FAILED');
    t.true(bad.body.details.some((d: { field: string }) => d.field === 'language'));
  }
  const missing = await me.request('PUT', '/api/me/language', {});
  t.is(missing.status, 400);
  t.true(missing.body.details.some((d: { field: string }) => d.field === 'language'));

  // No way to name another account: an extra key is refused, and the other user is untouched.
  const other = await userId(sys, 'chief1');
  for (const body of [{ language: 'en', userId: other }, { language: 'en', username: 'chief1' }]) {
    const res = await me.request('PUT', '/api/me/language', body);
    t.is(res.status, 400);
    t.is(res.body.code, 'VALIDATION_FAILED');
  }
  t.is(await languageOf('chief1'), 'zh');
  t.is(await languageOf('archivist1'), 'zh');
  t.is((await auditRows('archivist1')).length, 0);

  const anonymous = await sys.client().request('PUT', '/api/me/language', { language: 'en' });
  t.is(anonymous.status, 401);
});

test.serial('a user who must change the password first may still pick the language of that page', async (t) => {
  const me = await sys.as('applicant2');
  await db()('users').where({ username: 'applicant2' }).update({ must_change_password: true, is_demo: false });
  try {
    t.is((await me.get('/api/tasks')).body.code, 'PASSWORD_CHANGE_REQUIRED');
    const res = await me.request('PUT', '/api/me/language', { language: 'en' });
    t.is(res.status, 200);
    t.is(await languageOf('applicant2'), 'en');
  } finally {
    await db()('users').where({ username: 'applicant2' }).update({ must_change_password: false, is_demo: true, language: 'zh' });
  }
});

test.serial('notification settings name the installation’s digest hour, for the page to show the default', async (t) => {
  const me = await sys.as('archivist1');
  const res = await me.get('/api/me/notification-settings');
  t.is(res.status, 200);
  t.true(res.body.digestHourIsDefault);
  t.is(res.body.defaultDigestHour, 8);
  const picked = await me.request('PUT', '/api/me/notification-settings', { digest: true, digestHour: 18 });
  t.is(picked.body.digestHour, 18);
  t.false(picked.body.digestHourIsDefault);
  t.is(picked.body.defaultDigestHour, 8);
  await me.request('PUT', '/api/me/notification-settings', { digest: false, digestHour: null });
});
