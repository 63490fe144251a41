// Names and titles people read must be what they look like: a display name 「王\u200b建国」 looks
// like 王建国 in every list, and a site name of a single zero-width space gives a blank login
// title — both refused by one helper (server/http/zod.ts visibleText). An avoidance entry's ID
// number forgives a small x, as the business forms do, and says in words what is wrong otherwise.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { demoCadre } from '../helpers/cases.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const INVISIBLE = /不得含有看不见的字符.* \/ must not contain invisible characters/;

test.serial('a display name with a zero-width or other invisible character is refused; a plain one is taken', async (t) => {
  const sysadmin = await sys.as('sysadmin');
  const org = (await sys.services.db('org_units').where({ code: '150300-RSJ' }).first('id')).id;
  for (const [i, name] of ['王\u200b建国', '王建国\u200d', '\ufeff王\u2060建国', '王\u202e建国', '王\u00ad建国'].entries()) {
    const res = await sysadmin.post('/api/admin/users', { username: `wjg${i}x`, displayName: name, orgUnitId: org });
    t.is(res.status, 400, JSON.stringify(name));
    t.is(res.body.code, 'VALIDATION_FAILED');
    t.regex(JSON.stringify(res.body), INVISIBLE);
  }
  t.is(await sys.services.db('users').where('username', 'like', 'wjg%').count({ n: '*' }).first().then((r: any) => Number(r.n)), 0);
  const ok = await sysadmin.post('/api/admin/users', { username: 'wangjianguo', displayName: '王建国', orgUnitId: org });
  t.is(ok.status, 201);
  const minority = await sysadmin.post('/api/admin/users', { username: 'alimujiang', displayName: '阿力木江·买买提', orgUnitId: org });
  t.is(minority.status, 201, 'the middle dot of a minority name is visible and stays allowed');
});

test.serial('a site name of only a zero-width space is refused: the login title never goes blank', async (t) => {
  const sysadmin = await sys.as('sysadmin');
  const before = (await sys.client().get('/api/system/info')).body.siteName;
  for (const siteName of ['\u200b', '干部\u200b档案系统']) {
    const res = await sysadmin.request('PUT', '/api/admin/settings', { system: { siteName } });
    t.is(res.status, 400, JSON.stringify(siteName));
    t.regex(JSON.stringify(res.body), INVISIBLE);
  }
  t.is((await sys.client().get('/api/system/info')).body.siteName, before);
});

test.serial('an avoidance entry by ID number takes a small x (kept upper-case); a wrong number is told in words, not as a pattern', async (t) => {
  const sec = await sys.as('secadmin');
  const cadre = await demoCadre(sys);
  const withX = `${cadre.idNumber.slice(0, 17)}X`;
  await sys.services.db('cadres').where({ id: cadre.id }).update({ id_number: withX });
  const user = await sys.services.db('users').where({ username: 'archivist1' }).first('id');
  const added = await sec.post('/api/avoidance-entries', { userId: user.id, cadreIdNumber: ` ${withX.toLowerCase()} `, reason: '同学关系' });
  t.is(added.status, 201, JSON.stringify(added.body));
  t.is(added.body.cadreId, cadre.id);
  const bad = await sec.post('/api/avoidance-entries', { userId: user.id, cadreIdNumber: '12345', reason: '同学关系' });
  t.is(bad.status, 400);
  t.regex(JSON.stringify(bad.body), /身份证号应为 18 位，末位可为 X/);
  t.notRegex(JSON.stringify(bad.body), /must match pattern/);
});
