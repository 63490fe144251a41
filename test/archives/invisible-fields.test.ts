// Names refused invisible characters (invisible-names.test.ts), the other text of a cadre's record
// did not: 籍贯 「内蒙古\u200b乌海」, 政治面貌 with a right-to-left override, 职务 「副\u200d主任」 were
// stored as given, and read in every list, letter and 任免表 as something other than what is
// stored (another value to search and count by). Now 籍贯, 政治面貌, 学历, 学位, 职务 and a family
// member's 称谓 and 工作单位 are refused with visibleText's words — at registration, in an XLSX
// import row (by row and column), in a correction of the field — and nothing is written. A material's
// 标题 and 备注 likewise, filed by hand, imported (materialProblems) or handed over by its producer.
import test from 'ava';
import ExcelJS from 'exceljs';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { plainArchiveOf, postBytes } from './helpers.ts';
import { registrationProblems } from '../../server/materials/intake.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';
import { INVISIBLE_MESSAGE } from '../../server/http/zod.ts';
import { isAppError } from '../../server/errors.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const count = async (table: string, where: Record<string, unknown> = {}) => Number((await sys.services.db(table).where(where).count({ n: '*' }))[0].n);
const idFor = (birth: string, seq: string) => {
  const first = `150302${birth.replace(/-/g, '')}${seq}`;
  return first + idCheckDigit(first);
};
/** Zero-width space, zero-width joiner, right-to-left override, word joiner. */
const HIDDEN = ['\u200b', '\u200d', '\u202e', '\u2060'];

test.serial('registering a cadre: 籍贯, 政治面貌, 学历, 学位, 职务 with an invisible character are refused at their field; nothing is written', async (t) => {
  const archivist = await sys.as('archivist1');
  const unit = await sys.services.db('org_units').where({ code: '150300-JYJ' }).first();
  const body = {
    name: '赵志远', gender: '1', birthDate: '1990-05-06', ethnicity: '汉族', nativePlace: '内蒙古乌海', politicalStatus: '中共党员',
    idNumber: idFor('1990-05-06', '941'), unitId: unit.id, managementLevel: 'unit', education: '大学本科', degree: '学士', post: '科员',
  };
  const before = await count('cadres');
  const cases: Array<[string, string]> = [
    ['nativePlace', '内蒙古\u200b乌海'],
    ['politicalStatus', '中共\u202e党员'],
    ['education', '大学\u2060本科'],
    ['degree', '\u200d学士'],
    ['post', '副\u200d主任'],
    ['post', '\u200b'],
  ];
  for (const [field, value] of cases) {
    const res = await archivist.post('/api/cadres', { ...body, [field]: value });
    t.is(res.status, 400, `${field} ${JSON.stringify(value)}`);
    t.is(res.body.code, 'VALIDATION_FAILED');
    t.deepEqual(res.body.details, [{ field, message: INVISIBLE_MESSAGE }], `${field} ${JSON.stringify(value)}`);
  }
  t.is(await count('cadres'), before, 'nothing registered');
  const ok = await archivist.post('/api/cadres', body);
  t.is(ok.status, 201, JSON.stringify(ok.body));
  const row = await sys.services.db('cadres').where({ id: ok.body.cadreId }).first();
  t.like(row, { native_place: '内蒙古乌海', political_status: '中共党员', post: '科员' });

  // A family member's 称谓 and 工作单位, likewise.
  for (const extra of [{ relation: '配\u200b偶' }, { relation: '配偶', workUnit: '乌海市\u202e第一中学' }]) {
    const family = await archivist.post(`/api/cadres/${ok.body.cadreId}/family-members`, { name: '李秀英', ...extra });
    t.is(family.status, 400, JSON.stringify(extra));
    t.deepEqual(family.body.details.map((d: any) => d.message), [INVISIBLE_MESSAGE]);
  }
  t.is(await count('family_members', { cadre_id: ok.body.cadreId }), 0);

  // Nor can a correction (信息更正, a 任免 notice) bring one into 职务 or 籍贯.
  for (const [field, column, value] of [
    ['post', 'post', '副\u200b主任'],
    ['a0111a', 'native_place', '内蒙古\u2060包头'],
  ] as const) {
    const err = await sys.services.db
      .transaction((trx) => sys.services.archives.updateCadreField(trx, { cadreId: ok.body.cadreId, field, value, basis: { document: '乌组干字〔2026〕2号' }, actor: null }))
      .catch((e: unknown) => e);
    t.true(isAppError(err) && err.status === 400, String(err));
    t.deepEqual((err as { details: unknown }).details, [{ field: column, message: INVISIBLE_MESSAGE }]);
  }
  t.like(await sys.services.db('cadres').where({ id: ok.body.cadreId }).first(), { native_place: '内蒙古乌海', post: '科员' });
  t.is(await count('cadre_field_history', { cadre_id: ok.body.cadreId }), 0);
});

test.serial('an XLSX import: rows whose 籍贯, 政治面貌 or 职务 hold an invisible character are refused by row and column; nothing is written', async (t) => {
  const archivist = await sys.as('archivist1');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('干部');
  ws.addRow(['姓名', '性别', '出生日期', '籍贯', '民族', '政治面貌', '身份证号', '单位代码', '管理权限', '学历', '职务']);
  const row = (seq: string, over: Partial<Record<'籍贯' | '政治面貌' | '学历' | '职务', string>> = {}) => [
    `韩立${seq}`, '1', '1985-03-12', over.籍贯 ?? '内蒙古乌海', '汉族', over.政治面貌 ?? '中共党员', idFor('1985-03-12', seq), '150303-ZF', '县管', over.学历 ?? '大学本科', over.职务 ?? '科员',
  ];
  ws.addRow(row('951'));
  ws.addRow(row('952', { 籍贯: `内蒙古${HIDDEN[0]}乌海` }));
  ws.addRow(row('953', { 政治面貌: `中共${HIDDEN[2]}党员` }));
  ws.addRow(row('954', { 职务: `副${HIDDEN[1]}主任`, 学历: `${HIDDEN[3]}大学本科` }));
  const file = Buffer.from(await wb.xlsx.writeBuffer());
  const before = await count('cadres');
  for (const dryRun of ['true', 'false']) {
    const res = await postBytes(archivist, `/api/imports?dryRun=${dryRun}`, file, XLSX_TYPE);
    t.is(res.status, 200, JSON.stringify(res.body));
    t.false(res.body.imported);
    t.deepEqual(
      res.body.errors.map((e: any) => [e.row, e.column, e.problem]),
      [
        [3, '籍贯', INVISIBLE_MESSAGE],
        [4, '政治面貌', INVISIBLE_MESSAGE],
        [5, '学历', INVISIBLE_MESSAGE],
        [5, '职务', INVISIBLE_MESSAGE],
      ],
    );
  }
  t.is(await count('cadres'), before);
});

test.serial('a material’s 标题 and 备注 with an invisible character are refused at their field, filed by hand or handed over; nothing is filed', async (t) => {
  const { archiveId } = await plainArchiveOf(sys, '150300-ZZB-DAS', 7);
  const archivist = await sys.as('archivist1');
  const material = { categoryCode: '7', title: '年度考核登记表', formedDate: '2025-12-20', pages: 2, isCopy: false };
  const before = await count('materials', { archive_id: archiveId });
  for (const [field, over] of [
    ['title', { title: '年度考核\u200b登记表' }],
    ['title', { title: '\u202e表记登核考度年' }],
    ['remark', { remark: '原件\u2060存档' }],
  ] as const) {
    const res = await archivist.post(`/api/archives/${archiveId}/materials`, { ...material, ...over });
    t.is(res.status, 400, JSON.stringify(over));
    t.deepEqual(res.body.details, [{ field, message: INVISIBLE_MESSAGE }], JSON.stringify(over));
  }
  t.is(await count('materials', { archive_id: archiveId }), before, 'nothing filed');
  t.is((await archivist.post(`/api/archives/${archiveId}/materials`, { ...material, remark: '原件存档' })).status, 201);

  // A producer's hand-over (材料收集归档) is refused its title or remark alike, naming the field.
  const handedOver = { formedDate: '2025-12-20', categoryCode: '7', deliveryMethod: 'hand' };
  t.like(registrationProblems({ ...handedOver, title: '考核\u200b登记表' }, '2026-11-28'), { rule: 'invisible_text', details: { field: 'title' } });
  t.like(registrationProblems({ ...handedOver, title: '考核登记表', remark: '\u200d' }, '2026-11-28'), { rule: 'invisible_text', details: { field: 'remark' } });
  t.is(registrationProblems({ ...handedOver, title: '考核登记表', remark: '原件' }, '2026-11-28'), null);
});
