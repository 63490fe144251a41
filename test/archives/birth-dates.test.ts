// A material formed before its cadre was born is a typing error, never a fact: refused with 400
// naming the birth date wherever a formation date is written — filing, a correction of the row,
// the import (dry run and real run, by row and column), the filing step of 材料收集归档 — and a birth
// date moved after a material of the archive is refused naming the earliest material
// (updateCadreField, 信息更正 at 立案).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';
import { plainArchiveOf, postBytes } from './helpers.ts';
import { accept, daysAgo, pageScan, plainCadre, registration, uploadScan } from '../processes/material-helpers.ts';
import { completeAt, taskAt } from '../helpers/workflow.ts';

let sys: TestSystem;
let archiveId: number;
let birth: string;
test.before(async () => {
  sys = await startSystem();
  archiveId = (await plainArchiveOf(sys, '150300-ZZB-DAS', 3)).archiveId;
  birth = (await sys.services.db('archives as a').join('cadres as c', 'c.id', 'a.cadre_id').where('a.id', archiveId).first('c.birth_date')).birth_date;
});
test.after.always(async () => {
  await sys?.close();
});

const dayBefore = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const materialCount = async () => Number((await sys.services.db('materials').where({ archive_id: archiveId }).count({ n: '*' }))[0].n);
const 履历表 = (formedDate: string) => ({ categoryCode: '1', title: '干部履历表', formedDate, pages: 4, isCopy: false });

test.serial('filing a 履历表 formed the day before the cadre was born: 400 naming the birth date, nothing filed; on the birthday it is filed', async (t) => {
  const archivist = await sys.as('archivist1');
  const before = await materialCount();
  const early = dayBefore(birth);
  const res = await archivist.post(`/api/archives/${archiveId}/materials`, 履历表(early));
  t.is(res.status, 400);
  t.is(res.body.code, 'VALIDATION_FAILED');
  t.deepEqual(res.body.details, [{ field: 'formedDate', message: `材料形成时间 ${early} 早于干部的出生日期 ${birth} / the formation date ${early} is before the cadre’s birth date ${birth}` }]);
  t.is(await materialCount(), before);
  const onTheDay = await archivist.post(`/api/archives/${archiveId}/materials`, 履历表(birth));
  t.is(onTheDay.status, 201, JSON.stringify(onTheDay.body));
  t.is(await materialCount(), before + 1);
});

test.serial('a correction of a material may not move its formation date before the birth date; the row stays as it was', async (t) => {
  const archivist = await sys.as('archivist1');
  const m = await sys.services.db('materials').where({ archive_id: archiveId, category_code: '6' }).orderBy('item_no').first();
  const early = '1900-01-01';
  const res = await archivist.post(`/api/materials/${m.id}/supersede`, { formedDate: early, reason: '按原件落款更正' });
  t.is(res.status, 400);
  t.is(res.body.details[0].field, 'formedDate');
  t.regex(res.body.details[0].message, new RegExp(`早于干部的出生日期 ${birth} / .*before the cadre’s birth date ${birth}`));
  t.is(Number((await sys.services.db('materials').where({ supersedes_material_id: m.id }).count({ n: '*' }))[0].n), 0);
});

const id = (b: string, seq: string) => {
  const first = `150303${b.replace(/-/g, '')}${seq}`;
  return first + idCheckDigit(first);
};

test.serial('the import names the row and the 形成时间 column of a material formed before its cadre’s birth — on record or in the file — in the dry run and the real run', async (t) => {
  const archivist = await sys.as('archivist1');
  const existingNo = (await sys.services.db('archives').where({ id: archiveId }).first()).archive_no;
  const cadres = ['a0101,a0104,a0107,a0111a,a0117,a0134,a0141,a0144,a0184,education,unit_code,post,management_level,archive_no', `韩立平,1,19850312,内蒙古乌海,汉族,20070801,中共党员,20100701,${id('1985-03-12', '401')},大学本科,150303-ZF,科员,县管,MIG-401`].join('\n');
  const catalogue = [
    'archive_no,e01z211,e01z211a,e01z227,e01z224',
    `MIG-401,1,干部履历表,19850311,4`,
    `MIG-401,4-1,高中毕业生登记表,20030620,2`,
    `${existingNo},1,干部履历表（补）,${dayBefore(birth).replace(/-/g, '')},4`,
  ].join('\n');
  // One request cannot carry two CSV sheets: the cadre row and its catalogue as an XLSX.
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  for (const [name, text] of [['干部', cadres], ['目录', catalogue]] as const) {
    const ws = wb.addWorksheet(name);
    for (const line of text.split('\n')) ws.addRow(line.split(','));
  }
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const before = await sys.services.db('materials').count({ n: '*' });
  for (const dryRun of ['true', 'false']) {
    const res = await postBytes(archivist, `/api/imports?dryRun=${dryRun}`, buf, type);
    t.is(res.status, 200);
    t.false(res.body.imported);
    t.deepEqual(
      res.body.errors.map((e: any) => [e.sheet, e.row, e.column, e.problem]),
      [
        ['目录', 2, 'e01z227', '材料形成时间 1985-03-11 早于干部的出生日期 1985-03-12 / the formation date 1985-03-11 is before the cadre’s birth date 1985-03-12'],
        ['目录', 4, 'e01z227', `材料形成时间 ${dayBefore(birth)} 早于干部的出生日期 ${birth} / the formation date ${dayBefore(birth)} is before the cadre’s birth date ${birth}`],
      ],
    );
  }
  t.deepEqual(await sys.services.db('materials').count({ n: '*' }), before);
  t.falsy(await sys.services.db('cadres').where({ id_number: id('1985-03-12', '401') }).first());
});

test.serial('a birth date moved after a material of the archive is refused naming the earliest material; on its formation day it is taken', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 2 });
  const db = sys.services.db;
  const plus = (d: string, days: number) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000 * days).toISOString().slice(0, 10);
  const archive = await db('archives').where({ cadre_id: cadre.id, kind: 'original' }).first();
  // A 户口 extract formed a month after the birth is now the archive's earliest material.
  const archivist = await sys.as('archivist1');
  const filed = await archivist.post(`/api/archives/${archive.id}/materials`, { categoryCode: '10', title: '常住人口登记表（摘抄）', formedDate: plus(cadre.birth_date, 30), pages: 1, isCopy: false });
  t.is(filed.status, 201, JSON.stringify(filed.body));
  const later = plus(cadre.birth_date, 60);
  const change = (value: string) => db.transaction((trx) => sys.services.archives.updateCadreField(trx, { cadreId: cadre.id, field: 'birth_date', value, basis: { document: '组干字〔2026〕1号' }, actor: null, ruling: '更正2026001' }));
  const err: any = await t.throwsAsync(change(later));
  t.is(err.status, 400);
  t.is(err.details[0].field, 'birth_date');
  t.is(
    err.details[0].message,
    `出生日期 ${later} 晚于档案中最早的材料（${filed.body.seqNo} 常住人口登记表（摘抄），形成于 ${filed.body.formedDate}）；如该材料的形成时间有误，请先更正该材料 / the birth date ${later} is after the earliest material in the archive (${filed.body.seqNo} 常住人口登记表（摘抄）, formed ${filed.body.formedDate}); if that date is wrong, correct the material first`,
  );
  t.is((await db('cadres').where({ id: cadre.id }).first()).birth_date, cadre.birth_date);

  // 信息更正: refused when the case is opened, not first when the approved correction is applied.
  const opened = await archivist.post('/api/process-instances', { processKey: 'correction', variables: { cadreId: cadre.id, item: 'birth_date', proposedValue: later, trigger: 'special_review', reason: '专项审核发现。' } });
  t.is(opened.status, 400, JSON.stringify(opened.body));
  t.is(opened.body.details[0].field, 'proposedValue');
  t.regex(opened.body.details[0].message, new RegExp(`晚于档案中最早的材料（${filed.body.seqNo} 常住人口登记表`));
  t.falsy(await db('corrections').where({ cadre_id: cadre.id }).first());

  // On the material's own formation day the birth date is taken.
  const h = await change(filed.body.formedDate);
  t.is(h.new_value, filed.body.formedDate);
  t.is((await db('cadres').where({ id: cadre.id }).first()).birth_date, filed.body.formedDate);
});

test.serial('材料收集归档: the filing step checks the formation date against the birth date on record then, and refuses with 400 naming it; nothing is filed', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 4 });
  const formed = daysAgo(sys, 7);
  const producer = await sys.as('producer1');
  const res = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, formed) });
  t.is(res.status, 201, JSON.stringify(res.body));
  const intake = await db('material_intakes').where({ instance_id: res.body.id }).first();
  for (const n of [1, 2]) t.is((await uploadScan(producer, intake.id, await pageScan(n))).status, 201);
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', accept())).status, 200);
  // The record's birth date is now later than the material (as a 认定 between hand-over and filing could make it).
  const later = new Date(Date.parse(`${formed}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  await db('cadres').where({ id: cadre.id }).update({ birth_date: later });
  // The material stating that date too: the key fields agree (else 整理归档's re-check of them refuses
  // first, key_fields_mismatch), and what is left to refuse is the formation date before the birth.
  await db('material_intakes').where({ id: intake.id }).update({ stated_birth_date: later });
  const before = await db('materials').where({ archive_id: cadre.archive_id }).count({ n: '*' });
  const filed = await completeAt(archivist, res.body.id, 'fileMaterial', { filedCategoryCode: '3', filedPages: 2 });
  t.is(filed.status, 400, JSON.stringify(filed.body));
  t.deepEqual(filed.body.details, [{ field: 'formedDate', message: `材料形成时间 ${formed} 早于干部的出生日期 ${later} / the formation date ${formed} is before the cadre’s birth date ${later}` }]);
  t.deepEqual(await db('materials').where({ archive_id: cadre.archive_id }).count({ n: '*' }), before);
  t.truthy(await taskAt(archivist, res.body.id, 'fileMaterial'), 'the filing task is still open');
});
