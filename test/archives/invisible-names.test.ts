// A cadre's name, a family member's, an org unit's name and a stock check's title are read in
// lists, letters and registers: 「王\u200b建国」 looks like 王建国 yet is another name (another search
// key, another pinyin). Each is refused with the words of server/http/zod.ts visibleText — over
// the API (registration, family, 库房核对), in an import row (named by row and column 姓名), in a
// correction of the name, and in `npm run admins:init --org-name`. Nothing is written.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { postBytes } from './helpers.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';
import { createFirstAdmins } from '../../server/admin/bootstrap.ts';
import { INVISIBLE_MESSAGE } from '../../server/http/zod.ts';
import { isAppError } from '../../server/errors.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const INVISIBLE = /不得含有看不见的字符（如零宽空格） \/ must not contain invisible characters such as zero-width spaces/;
const count = async (table: string, where: Record<string, unknown> = {}) => Number((await sys.services.db(table).where(where).count({ n: '*' }))[0].n);
const idFor = (birth: string, seq: string) => {
  const first = `150302${birth.replace(/-/g, '')}${seq}`;
  return first + idCheckDigit(first);
};

test.serial('registering a cadre: a name with a zero-width space is refused at 姓名, nothing is written; the plain name goes in', async (t) => {
  const archivist = await sys.as('archivist1');
  const unit = await sys.services.db('org_units').where({ code: '150300-JYJ' }).first();
  const body = {
    gender: '1', birthDate: '1990-05-06', ethnicity: '汉族', nativePlace: '内蒙古乌海', politicalStatus: '中共党员',
    idNumber: idFor('1990-05-06', '921'), unitId: unit.id, managementLevel: 'unit',
  };
  const before = await count('cadres');
  for (const name of ['王\u200b建国', '\u200b', '王建\u200d国', '\u2060王建国']) {
    const res = await archivist.post('/api/cadres', { ...body, name });
    t.is(res.status, 400, JSON.stringify(name));
    t.is(res.body.code, 'VALIDATION_FAILED');
    t.deepEqual(res.body.details.filter((d: any) => d.field === 'name').map((d: any) => d.message), [INVISIBLE_MESSAGE], JSON.stringify(res.body.details));
  }
  t.is(await count('cadres'), before);
  const ok = await archivist.post('/api/cadres', { ...body, name: '王建国' });
  t.is(ok.status, 201, JSON.stringify(ok.body));

  // A family member's name, likewise.
  const family = await archivist.post(`/api/cadres/${ok.body.cadreId}/family-members`, { name: '李\u200b秀英', relation: '配偶' });
  t.is(family.status, 400);
  t.regex(JSON.stringify(family.body.details), INVISIBLE);
  t.is(await count('family_members', { cadre_id: ok.body.cadreId }), 0);

  // Nor can a correction of the name bring one in.
  const err = await sys.services.db
    .transaction((trx) => sys.services.archives.updateCadreField(trx, { cadreId: ok.body.cadreId, field: 'a0101', value: '王\u200b建国', basis: { document: '乌组干字〔2026〕1号' }, actor: null }))
    .catch((e: unknown) => e);
  t.true(isAppError(err) && err.status === 400, String(err));
  t.deepEqual((err as { details: unknown }).details, [{ field: 'name', message: INVISIBLE_MESSAGE }]);
  t.is((await sys.services.db('cadres').where({ id: ok.body.cadreId }).first()).name, '王建国');
});

test.serial('an import row whose 姓名 holds a zero-width space is refused by row and column; the dry run and the real run write nothing', async (t) => {
  const archivist = await sys.as('archivist1');
  const head = '姓名,性别,出生日期,籍贯,民族,政治面貌,身份证号,单位代码,管理权限';
  const row = (name: string, seq: string) => [name, '1', '19850312', '内蒙古乌海', '汉族', '中共党员', idFor('1985-03-12', seq), '150303-ZF', '县管'].join(',');
  const csv = [head, row('韩立平', '931'), row('乔\u200b振华', '932')].join('\n');
  const before = await count('cadres');
  for (const dryRun of ['true', 'false']) {
    const res = await postBytes(archivist, `/api/imports?dryRun=${dryRun}`, csv, 'text/csv');
    t.is(res.status, 200);
    t.false(res.body.imported);
    t.deepEqual(res.body.errors, [{ sheet: 'CSV', row: 3, column: '姓名', problem: INVISIBLE_MESSAGE }]);
  }
  t.is(await count('cadres'), before);
});

test.serial('a stock check titled with a zero-width space (or nothing else) is refused; none is opened', async (t) => {
  const archivist = await sys.as('archivist1');
  const before = await count('stock_checks');
  for (const title of ['\u200b', '2026\u200b年度库房核对']) {
    const res = await archivist.post('/api/stock-checks', { title });
    t.is(res.status, 400, JSON.stringify(title));
    t.is(res.body.code, 'VALIDATION_FAILED');
    t.deepEqual(res.body.details, [{ field: 'title', message: INVISIBLE_MESSAGE }]);
  }
  t.is(await count('stock_checks'), before);
  const ok = await archivist.post('/api/stock-checks', { title: '2026年度库房核对' });
  t.is(ok.status, 201, JSON.stringify(ok.body));
  t.is(ok.body.title, '2026年度库房核对');
});

test.serial('admins:init --org-name with a zero-width space: refused with the reason, no unit and no account created', async (t) => {
  const users = await count('users');
  const err = await createFirstAdmins(sys.services.db, sys.clock, sys.services.audit, { code: '150399-ZZB', name: '某市委\u200b组织部' }, 1024).catch((e: Error) => e);
  t.true(err instanceof Error);
  t.is((err as Error).message, `--org-name: ${INVISIBLE_MESSAGE}`);
  t.is(await count('org_units', { code: '150399-ZZB' }), 0);
  t.is(await count('users'), users);
});
