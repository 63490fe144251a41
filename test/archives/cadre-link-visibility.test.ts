// Which accounts are cadres is the security administrator's to know: she links an account to the
// cadre it is (users.cadre_id) and sees the link, the ID number masked. The system administrator
// manages the same accounts (creates, disables, resets them) but was shown the same masked number
// under every linked account in his 用户管理 list, so he knew who among the staff are cadres. Now
// none of his answers — the list, one account, the answers of his own actions — carries the field.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { sessionOf } from './helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const mask = (n: string) => `${n.slice(0, 6)}********${n.slice(-4)}`;

test.serial('the system administrator’s account list, one account and his actions’ answers carry no cadre link; the security administrator’s do', async (t) => {
  const db = sys.services.db;
  // archivist1 (a demo account) is linked to her own cadre record.
  const a1 = await db('users').where({ username: 'archivist1' }).first();
  t.truthy(a1.cadre_id);
  const number = (await db('cadres').where({ id: a1.cadre_id }).first()).id_number as string;

  const secadmin = await sessionOf(sys, 'secadmin');
  const seen = await secadmin.get('/api/admin/users?q=archivist1');
  t.is(seen.status, 200);
  t.is(seen.body.items[0].cadreIdNumber, mask(number), 'the security administrator sees the link she made');
  t.is((await secadmin.get(`/api/admin/users/${a1.id}`)).body.cadreIdNumber, mask(number));

  const sysadmin = await sys.as('sysadmin');
  const listed = await sysadmin.get('/api/admin/users?limit=500');
  t.is(listed.status, 200);
  t.true(listed.body.items.some((u: any) => u.username === 'archivist1'));
  for (const u of listed.body.items) t.false('cadreIdNumber' in u, `${u.username}: no cadre field in the system administrator’s list`);
  t.false(JSON.stringify(listed.body).includes(mask(number)), 'nor the masked number anywhere');

  const one = await sysadmin.get(`/api/admin/users/${a1.id}`);
  t.is(one.status, 200);
  t.is(one.body.username, 'archivist1');
  t.false('cadreIdNumber' in one.body);

  // His own actions answer the account too: without the link.
  const off = await sysadmin.post(`/api/admin/users/${a1.id}/disable`);
  t.is(off.status, 200);
  t.true(off.body.disabled);
  t.false('cadreIdNumber' in off.body);
  const on = await sysadmin.post(`/api/admin/users/${a1.id}/enable`);
  t.is(on.status, 200);
  t.false('cadreIdNumber' in on.body);
  const reset = await sysadmin.post(`/api/admin/users/${a1.id}/reset-password`);
  t.is(reset.status, 200);
  t.false('cadreIdNumber' in reset.body.user);

  // The security administrator's answers keep it, null for an account that is no cadre.
  const plain = await db('users').whereNull('cadre_id').whereNot({ username: 'secadmin' }).first();
  t.is((await secadmin.get(`/api/admin/users/${plain.id}`)).body.cadreIdNumber, null);
  t.is((await db('users').where({ id: a1.id }).first()).cadre_id, a1.cadre_id, 'the link itself is unchanged');
});
