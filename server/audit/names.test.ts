// The auditor reads who did what to whom by name: the actor's display name, the unit's name, the
// object's (a person, a cadre's 档案号 — never the cadre's name: the 三员 see no business data — a
// case number) and the ids in the detail — resolved at read time,
// the stored row and its hash chain unchanged. The user filter takes the username or the display
// name, in any letter case. The CSV export carries the same names after the stored columns.
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import type { HttpClient } from '../../test/helpers/http.ts';
import { demoCadre, fileConsultation, type DemoCadre } from '../../test/helpers/cases.ts';

let sys: TestSystem;
let auditor: HttpClient;
let cadre: DemoCadre;
let caseId: string;
const ids: Record<string, number> = {};
const displayName: Record<string, string> = {};

test.before(async () => {
  sys = await startSystem();
  const db = sys.services.db;
  for (const u of await db('users').whereIn('username', ['secadmin', 'archivist1', 'applicant1', 'unithead1'])) {
    ids[u.username] = u.id;
    displayName[u.username] = u.display_name;
  }
  const sec = await sys.as('secadmin');
  const roles = await sec.request('PUT', `/api/admin/users/${ids.unithead1}/roles`, { roles: ['unit_head', 'applicant'] });
  if (roles.status !== 200) throw new Error(`roles: ${roles.status}`);
  cadre = await demoCadre(sys, 'county', 3);
  const added = await sec.post('/api/avoidance-entries', { userId: ids.archivist1, cadreIdNumber: cadre.idNumber, reason: '与该干部系亲属关系。' });
  if (added.status !== 201) throw new Error(`avoidance: ${added.status}`);
  caseId = await fileConsultation(sys, 'applicant1', '干部考察需要查阅该同志档案。');
  auditor = await sys.as('auditor');
});
test.after.always(async () => {
  await sys?.close();
});

const entries = async (query: string) => {
  const res = await auditor.get(`/api/audit/entries?${query}`);
  if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as any[];
};

test.serial('a role change names the actor, the account changed and the unit; the stored row is as written', async (t) => {
  const [e] = await entries('action=user.roles_change');
  t.is(e.actor, 'secadmin');
  t.is(e.names.actor, displayName.secadmin);
  t.is(e.objectId, String(ids.unithead1));
  t.is(e.names.object, displayName.unithead1);
  const org = await sys.services.db('org_units').where({ id: e.orgUnitId }).first();
  t.is(e.names.orgUnit, org.name);
  t.deepEqual(e.detail.to, ['applicant', 'unit_head'], 'the detail keeps the role codes; the console names them');

  const stored = await sys.services.db('audit_log').where({ seq: e.seq }).first();
  t.false('names' in stored);
  t.is(stored.object_id, String(ids.unithead1));
  t.true((await sys.services.audit.verify('start')).ok, 'the chain still verifies');
});

test.serial("an avoidance entry names the user and the cadre's 档案号 (not the cadre's name), in the object and in the detail's ids", async (t) => {
  const [e] = await entries('action=avoidance.add');
  const archiveNo = (await sys.services.db('archives').where({ id: cadre.archiveId }).first()).archive_no;
  t.is(e.names.object, `${displayName.archivist1} → ${archiveNo}`);
  t.deepEqual(e.names.detail, { userId: displayName.archivist1, cadreId: archiveNo });
  t.false(JSON.stringify(e.names).includes(cadre.name), "the cadre's name is business data");
  t.is(e.detail.cadreId, cadre.id);
});

test.serial('a case is named by its case number', async (t) => {
  const [e] = await entries(`action=instance.start&objectId=${caseId}`);
  const inst = await sys.services.db('process_instances').where({ id: caseId }).first();
  t.truthy(inst.business_key);
  t.is(e.names.object, inst.business_key);
  t.is(e.names.actor, displayName.applicant1);
});

test.serial('the user filter takes the username or the display name, in any letter case', async (t) => {
  const exact = await entries('actor=secadmin&action=user.roles_change');
  t.is(exact.length, 1);
  for (const actor of ['SECADMIN', 'SecAdmin', displayName.secadmin]) {
    const found = await entries(`actor=${encodeURIComponent(actor)}&action=user.roles_change`);
    t.deepEqual(found.map((e) => e.seq), [exact[0].seq], actor);
  }
  // A username typed at a failed login (no account) is found in any case too.
  await sys.client().post('/api/auth/login', { username: 'Intruder', password: 'Wrong#2026x' });
  const typed = await entries('actor=intruder&action=auth.login');
  t.is(typed.length, 1);
  t.is(typed[0].actor, 'Intruder');
  t.is(typed[0].names.actor, null);
  t.deepEqual(await entries('actor=secadmi&action=user.roles_change'), [], 'the whole name, not a part of it');
});

test.serial('the CSV export carries the names after the stored columns', async (t) => {
  const res = await fetch(`${sys.url}/api/audit/export.csv?action=user.roles_change`, { headers: { cookie: (auditor as any).cookie } });
  t.is(res.status, 200);
  const lines = (await res.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  t.regex(lines[0], /,哈希 hash,姓名（导出时）user name \(at export\),/);
  t.is(lines.length, 2);
  const row = lines[1];
  t.true(row.includes(`,${displayName.secadmin},安全保密管理员,`), row);
  t.true(row.includes(displayName.unithead1), row);
  t.true(row.includes('from=单位负责人; to=查档人员、单位负责人'), row);
});
