// Linking an account to the cadre it is decides which archives its user may no longer read, and
// unlinking gives them back: the security administrator's other sensitive acts (an avoidance entry
// added or lifted) ask why, these did not. Now both take a reason, with the avoidance entry's
// bounds (2–200 characters to link, 2–500 to unlink), refused at the field without one — nothing
// changed, nothing audited as done — and the reason is in the audit row the auditor reads.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { auditRows, plainArchiveOf, sessionOf } from './helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const fieldsOf = (body: any): string[] => (body.details ?? []).map((d: any) => d.field);

test.serial('linking and unlinking a cadre need a reason (2–200, 2–500 characters); the reason is in the audit row', async (t) => {
  const db = sys.services.db;
  const secadmin = await sessionOf(sys, 'secadmin');
  const user = await db('users').whereNull('cadre_id').whereNot({ username: 'secadmin' }).whereNot({ username: 'sysadmin' }).whereNot({ username: 'auditor' }).first();
  const cadre = await plainArchiveOf(sys, '150300-ZZB-DAS', 21);
  const number = (await db('cadres').where({ id: cadre.cadreId }).first()).id_number as string;
  const path = `/api/admin/users/${user.id}/cadre`;

  for (const [label, reason] of [
    ['none', undefined],
    ['blank', '   '],
    ['one character', '错'],
    ['201 characters', '因'.repeat(201)],
  ] as const) {
    const res = await secadmin.request('PUT', path, reason === undefined ? { cadreIdNumber: number } : { cadreIdNumber: number, reason });
    t.is(res.status, 400, label);
    t.is(res.body.code, 'VALIDATION_FAILED', label);
    t.deepEqual(fieldsOf(res.body), ['reason'], label);
  }
  const missing = await secadmin.request('PUT', path, { cadreIdNumber: number });
  t.regex(JSON.stringify(missing.body.details), /请填写关联干部的原因 \/ Give the reason for the link/);
  t.is((await db('users').where({ id: user.id }).first()).cadre_id, null, 'nothing linked');
  t.is((await auditRows(sys, 'user.cadre_link')).length, 0, 'nothing audited as a link');

  const linked = await secadmin.request('PUT', path, { cadreIdNumber: number, reason: '  本人干部身份，经组织部门核实。 ' });
  t.is(linked.status, 200, JSON.stringify(linked.body));
  t.is((await db('users').where({ id: user.id }).first()).cadre_id, cadre.cadreId);
  const [link] = await auditRows(sys, 'user.cadre_link');
  t.like(link, { actor: 'secadmin', outcome: 'success', object_id: String(user.id) });
  t.is(JSON.parse(link.detail).reason, '本人干部身份，经组织部门核实。', 'kept trimmed');

  // Unlinking: no body, a blank reason, 501 characters are refused; the link stays.
  for (const [label, body] of [
    ['no body', undefined],
    ['no reason', {}],
    ['one character', { reason: '否' }],
    ['501 characters', { reason: '因'.repeat(501) }],
  ] as const) {
    const res = await secadmin.request('DELETE', path, body);
    t.is(res.status, 400, label);
    t.deepEqual(fieldsOf(res.body), ['reason'], label);
  }
  t.regex(JSON.stringify((await secadmin.request('DELETE', path, {})).body.details), /请填写解除关联的原因 \/ Give the reason for lifting the link/);
  t.is((await db('users').where({ id: user.id }).first()).cadre_id, cadre.cadreId, 'still linked');
  t.is((await auditRows(sys, 'user.cadre_unlink')).length, 0);

  const long = '因'.repeat(500);
  const unlinked = await secadmin.request('DELETE', path, { reason: long });
  t.is(unlinked.status, 200, JSON.stringify(unlinked.body));
  t.is((await db('users').where({ id: user.id }).first()).cadre_id, null);
  const [unlink] = await auditRows(sys, 'user.cadre_unlink');
  t.like(unlink, { actor: 'secadmin', outcome: 'success', object_id: String(user.id) });
  t.is(JSON.parse(unlink.detail).reason, long);

  // 200 characters are enough to link.
  const most = await secadmin.request('PUT', path, { cadreIdNumber: number, reason: '由'.repeat(200) });
  t.is(most.status, 200);
  t.is(JSON.parse((await auditRows(sys, 'user.cadre_link')).at(-1).detail).reason, '由'.repeat(200));
});
