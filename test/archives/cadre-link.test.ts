// The security administrator links an account to the cadre it is, by ID number: before, only the demo
// seed set users.cadre_id, so on a real installation an archivist read her own archive and her
// relatives' whenever her office held them (found by a security tester). Linked, she reads neither
// (404, as absent) — at once, in the session she has; unlinked, she reads them again. One account,
// one cadre; the number never answers a name; every link, unlink and unknown number is audited with
// the number masked; nobody else may do it.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { auditRows, plainArchiveOf, sessionOf } from './helpers.ts';
import { hashPassword } from '../../server/people/passwords.ts';
import { DEMO_PASSWORD } from '../../db/seeds/demo.ts';
import { iso } from '../../server/clock.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const mask = (n: string) => `${n.slice(0, 6)}********${n.slice(-4)}`;
/** Why the security administrator links and unlinks (a reason is required: cadre-link-reason.test.ts). */
const WHY = '本人入职时登记的干部身份。';
const UNWHY = '身份证号登记有误，解除后重新核对。';
const idNumberOf = async (cadreId: number) => (await sys.services.db('cadres').where({ id: cadreId }).first('id_number')).id_number as string;

/** A new archivist of the city office, made as a real installation makes one: sysadmin creates, secadmin grants. */
async function newArchivist(username: string) {
  const db = sys.services.db;
  const office = await db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  const sysadmin = await sys.as('sysadmin');
  const made = await sysadmin.post('/api/admin/users', { username, displayName: '王丽', orgUnitId: office.id });
  if (made.status !== 201) throw new Error(JSON.stringify(made.body));
  const secadmin = await sessionOf(sys, 'secadmin');
  await secadmin.request('PUT', `/api/admin/users/${made.body.user.id}/roles`, { roles: ['archivist'] });
  // She has set her own password (the initial one works only from another desk).
  const hash = await hashPassword(DEMO_PASSWORD, sys.services.config.passwordScryptN);
  await db('users').where({ id: made.body.user.id }).update({ password_hash: hash, must_change_password: false, password_changed_at: iso(sys.clock.now()) });
  return { id: made.body.user.id as number, created: made.body.user };
}

test.serial('linked by ID number, an archivist reads neither her own archive nor a relative’s, at once; unlinked, she reads them again', async (t) => {
  const db = sys.services.db;
  const { id, created } = await newArchivist('wangli');
  t.false('cadreIdNumber' in created, 'the system administrator is not told which accounts are cadres');
  t.is((await db('users').where({ id }).first()).cadre_id, null);

  // Her own cadre record and her brother's, both held by her office; the brother is recorded in her
  // 家庭成员 by ID number only (a relative entered before he became a cadre).
  const own = await plainArchiveOf(sys, '150300-ZZB-DAS', 11);
  const brother = await plainArchiveOf(sys, '150300-ZZB-DAS', 12);
  const brotherIdNumber = await idNumberOf(brother.cadreId);
  await db('family_members').insert({ cadre_id: own.cadreId, name: brother.name, relation: '哥哥', id_number: brotherIdNumber, created_at: iso(sys.clock.now()) });

  const archivist = await sys.as('wangli');
  t.is((await archivist.get(`/api/archives/${own.archiveId}`)).status, 200, 'the hole: unlinked, she reads her own archive');
  t.is((await archivist.get(`/api/archives/${brother.archiveId}`)).status, 200);

  const secadmin = await sessionOf(sys, 'secadmin');
  const ownIdNumber = await idNumberOf(own.cadreId);
  // Typed with spaces and a small x, as a person types; the answer shows the number masked, no name.
  const linked = await secadmin.request('PUT', `/api/admin/users/${id}/cadre`, { cadreIdNumber: ` ${ownIdNumber.toLowerCase()} `, reason: WHY });
  t.is(linked.status, 200);
  t.is(linked.body.cadreIdNumber, mask(ownIdNumber));
  t.false(JSON.stringify(linked.body).includes(own.name), 'the cadre’s name is not in the answer');
  t.false(JSON.stringify(linked.body).includes(ownIdNumber), 'nor the whole number');
  t.is((await db('users').where({ id }).first()).cadre_id, own.cadreId);

  // The same session: the ties are read per request.
  t.is((await archivist.get(`/api/archives/${own.archiveId}`)).status, 404);
  t.is((await archivist.get(`/api/cadres/${own.cadreId}`)).status, 404);
  t.is((await archivist.get(`/api/archives/${brother.archiveId}`)).status, 404);
  const denied = await auditRows(sys, 'archive.view_denied');
  t.deepEqual(denied.slice(-2).map((r: any) => JSON.parse(r.detail).reason), ['self', 'relative']);
  const found = await archivist.get(`/api/cadres?q=${encodeURIComponent(own.name)}`);
  t.false(found.body.items.some((i: any) => i.id === own.cadreId), 'nor found by search');
  // A colleague still reads both.
  const chief = await sys.as('chief1');
  t.is((await chief.get(`/api/archives/${own.archiveId}`)).status, 200);
  t.is((await chief.get(`/api/archives/${brother.archiveId}`)).status, 200);

  // The list shows the link, masked, to the security administrator (not to the system administrator:
  // cadre-link-visibility.test.ts).
  const listed = await secadmin.get('/api/admin/users?q=wangli');
  t.is(listed.body.items[0].cadreIdNumber, mask(ownIdNumber));

  const rows = await auditRows(sys, 'user.cadre_link');
  t.is(rows.length, 1);
  t.like(rows[0], { actor: 'secadmin', outcome: 'success', object_type: 'user', object_id: String(id) });
  t.deepEqual(JSON.parse(rows[0].detail), { cadreId: own.cadreId, idNumber: mask(ownIdNumber), reason: WHY });

  // Unlinked: she reads them again (her office holds them), in the same session.
  const unlinked = await secadmin.request('DELETE', `/api/admin/users/${id}/cadre`, { reason: UNWHY });
  t.is(unlinked.status, 200);
  t.is(unlinked.body.cadreIdNumber, null);
  t.is((await db('users').where({ id }).first()).cadre_id, null);
  t.is((await archivist.get(`/api/archives/${own.archiveId}`)).status, 200);
  t.is((await archivist.get(`/api/archives/${brother.archiveId}`)).status, 200);
  const off = await auditRows(sys, 'user.cadre_unlink');
  t.is(off.length, 1);
  t.like(off[0], { actor: 'secadmin', object_id: String(id) });
  t.deepEqual(JSON.parse(off[0].detail), { cadreId: own.cadreId, idNumber: mask(ownIdNumber), reason: UNWHY });
  t.is((await secadmin.request('DELETE', `/api/admin/users/${id}/cadre`, { reason: UNWHY })).body.code, 'CADRE_NOT_LINKED');
});

test.serial('an unknown number is 400 干部不存在, audited masked; a cadre id is refused; one account ↔ one cadre (409 naming the account)', async (t) => {
  const db = sys.services.db;
  const secadmin = await sessionOf(sys, 'secadmin');
  const { id } = await newArchivist('zhaomin');
  const target = await plainArchiveOf(sys, '150300-ZZB-DAS', 13);

  const unknown = await secadmin.request('PUT', `/api/admin/users/${id}/cadre`, { cadreIdNumber: '15030219000101000X', reason: WHY });
  t.is(unknown.status, 400);
  t.deepEqual(unknown.body.details, [{ field: 'cadreIdNumber', message: '干部不存在 / no such cadre' }]);
  const denied = (await auditRows(sys, 'user.cadre_link')).filter((r: any) => r.outcome === 'denied');
  t.is(denied.length, 1);
  t.like(denied[0], { actor: 'secadmin', object_id: String(id) });
  t.deepEqual(JSON.parse(denied[0].detail), { reason: 'no_such_cadre', idNumber: '150302********000X' });
  t.false(denied[0].detail.includes('15030219000101000X'));

  const byId = await secadmin.request('PUT', `/api/admin/users/${id}/cadre`, { cadreId: target.cadreId, reason: WHY });
  t.is(byId.status, 400);
  t.regex(JSON.stringify(byId.body.details), /请按身份证号指定干部/);
  t.is((await secadmin.request('PUT', `/api/admin/users/${id}/cadre`, { cadreIdNumber: '12345', reason: WHY })).status, 400);
  t.is((await db('users').where({ id }).first()).cadre_id, null, 'nothing linked');

  // archivist1 (a demo account) is a cadre already: her number cannot be another account's.
  const a1 = await db('users').where({ username: 'archivist1' }).first();
  const a1Number = await idNumberOf(a1.cadre_id);
  const taken = await secadmin.request('PUT', `/api/admin/users/${id}/cadre`, { cadreIdNumber: a1Number, reason: WHY });
  t.is(taken.status, 409);
  t.is(taken.body.code, 'CADRE_LINKED_ELSEWHERE');
  t.regex(taken.body.message, new RegExp(`该干部已关联账号 ${a1.display_name}（archivist1）`));
  t.like(taken.body.details, { userId: a1.id, username: 'archivist1' });
  t.false(JSON.stringify(taken.body).includes(a1Number));
  t.is((await db('users').where({ id }).first()).cadre_id, null);

  // Linked once, the account takes no second cadre until it is unlinked.
  const number = await idNumberOf(target.cadreId);
  t.is((await secadmin.request('PUT', `/api/admin/users/${id}/cadre`, { cadreIdNumber: number, reason: WHY })).status, 200);
  t.is((await secadmin.request('PUT', `/api/admin/users/${id}/cadre`, { cadreIdNumber: number, reason: WHY })).body.code, 'CADRE_ALREADY_LINKED');
  const other = await plainArchiveOf(sys, '150300-ZZB-DAS', 14);
  const second = await secadmin.request('PUT', `/api/admin/users/${id}/cadre`, { cadreIdNumber: await idNumberOf(other.cadreId), reason: WHY });
  t.is(second.status, 409);
  t.is(second.body.code, 'ACCOUNT_HAS_CADRE');
  t.is((await db('users').where({ id }).first()).cadre_id, target.cadreId);

  // Two links of one account at once, to two cadres: one is made, the other is told (PostgreSQL runs
  // both transactions side by side; before, the second overwrote the first and both were audited).
  const { id: racing } = await newArchivist('sunli');
  const [c1, c2] = [await plainArchiveOf(sys, '150300-ZZB-DAS', 15), await plainArchiveOf(sys, '150300-ZZB-DAS', 16)];
  const linksBefore = (await auditRows(sys, 'user.cadre_link')).filter((r: any) => r.outcome === 'success').length;
  const both = await Promise.all([c1, c2].map(async (c) => secadmin.request('PUT', `/api/admin/users/${racing}/cadre`, { cadreIdNumber: await idNumberOf(c.cadreId), reason: WHY })));
  t.deepEqual(both.map((r) => r.status).sort(), [200, 409]);
  t.is(both.find((r) => r.status === 409)!.body.code, 'ACCOUNT_HAS_CADRE');
  const won = both.find((r) => r.status === 200)!.body.cadreIdNumber;
  t.is(mask(await idNumberOf((await db('users').where({ id: racing }).first()).cadre_id)), won, 'the account holds the link that was answered 200');
  t.is((await auditRows(sys, 'user.cadre_link')).filter((r: any) => r.outcome === 'success').length, linksBefore + 1);

  // The database holds the rule too (the unique index of 20261128_0800).
  const twice = await db('users').where({ username: 'wangli' }).update({ cadre_id: target.cadreId }).then(() => null, (e: { code?: string; message?: string }) => e);
  t.truthy(twice, 'a second account of the cadre is refused by the database');
  t.regex(`${twice?.code} ${twice?.message}`, /23505|UNIQUE/);

  // Not one's own account (the 三员 rule), audited as refused.
  const me = await db('users').where({ username: 'secadmin' }).first();
  const own = await secadmin.request('PUT', `/api/admin/users/${me.id}/cadre`, { cadreIdNumber: await idNumberOf(other.cadreId), reason: WHY });
  t.is(own.status, 422);
  t.is(own.body.details.rule, 'NOT_OWN_ACCOUNT');
  const refused = (await auditRows(sys, 'user.cadre_link')).filter((r: any) => r.outcome === 'denied' && r.object_id === String(me.id));
  t.is(refused.length, 1);
  t.like(JSON.parse(refused[0].detail), { rule: 'NOT_OWN_ACCOUNT', idNumber: mask(await idNumberOf(other.cadreId)) });
});

test.serial('only the security administrator links and unlinks: the system administrator, the auditor and business users get 403', async (t) => {
  const db = sys.services.db;
  const target = await db('users').where({ username: 'zhaomin' }).first();
  t.truthy(target.cadre_id, 'linked by the test above');
  const free = await plainArchiveOf(sys, '150300-ZZB-DAS', 15);
  const number = await idNumberOf(free.cadreId);
  for (const who of ['sysadmin', 'auditor', 'archivist1', 'chief1', 'applicant1', 'leader1']) {
    const c = await sys.as(who);
    t.is((await c.request('PUT', `/api/admin/users/${target.id}/cadre`, { cadreIdNumber: number, reason: WHY })).status, 403, `${who} links`);
    t.is((await c.request('DELETE', `/api/admin/users/${target.id}/cadre`, { reason: UNWHY })).status, 403, `${who} unlinks`);
  }
  t.is((await db('users').where({ id: target.id }).first()).cadre_id, target.cadre_id, 'unchanged');
  t.is((await auditRows(sys, 'user.cadre_unlink')).length, 1, 'only the first test’s unlink');
});
