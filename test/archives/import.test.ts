// 历史数据迁移: a file with one bad row imports nothing and names the row (dry run and real run,
// over the API and from the CLI); a clean file imports cadres, archives and catalogue rows in one
// go; archivists import into their own office only, and never into an archive of a cadre they are
// tied to (回避: avoidance list, self, relatives), which is answered as absent.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import ExcelJS from 'exceljs';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';
import { readImportFile } from '../../server/archives/import-read.ts';
import { runImport } from '../../server/archives/import.ts';
import { insertMaterial } from '../../server/archives/catalog-store.ts';
import { cadreNamed, cadreOfUser, importCliArgs, importCliEnv, plainArchiveOf, postBytes, runImportCli } from './helpers.ts';
import { projectRoot } from '../../server/services.ts';
import type { Trx } from '../../server/db.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const id = (birth: string, seq: string, area = '150303') => {
  const first = `${area}${birth.replace(/-/g, '')}${seq}`;
  return first + idCheckDigit(first);
};
const HEAD = 'a0101,a0104,a0107,a0111a,a0117,a0134,a0141,a0144,a0184,education,unit_code,post,management_level,archive_no,volumes,store_room,cabinet,shelf';
const row = (name: string, gender: string, birth: string, seq: string, over: Partial<Record<string, string>> = {}) => {
  const v: Record<string, string> = {
    a0101: name, a0104: gender, a0107: birth.replace(/-/g, ''), a0111a: '内蒙古乌海', a0117: '汉族', a0134: `${Number(birth.slice(0, 4)) + 22}0801`, a0141: '中共党员',
    a0144: `${Number(birth.slice(0, 4)) + 25}0701`, a0184: id(birth, seq), education: '大学本科', unit_code: '150303-ZF', post: '科员', management_level: '县管',
    archive_no: `MIG-${seq}`, volumes: '1', store_room: '二号库房', cabinet: '12号柜', shelf: '第3格', ...over,
  };
  return HEAD.split(',').map((h) => v[h]).join(',');
};
/** The filing rule of 扫描质检 the server's import applies (ArchivesService.checkUnscannedInDigitised). */
const filingRule = (actorId: number | null) => (trx: Trx, rows: Array<{ id: number; archive_id: number }>) => sys.services.archives.checkUnscannedInDigitised(trx, rows, actorId);
const count = async (table: string) => Number((await sys.services.db(table).count({ n: '*' }))[0].n);
const counts = async () => [await count('cadres'), await count('archives'), await count('materials')];

test.serial('one bad row: the dry run and the real run both import nothing and name the row and column', async (t) => {
  const archivist = await sys.as('archivist1');
  const csv = [HEAD, row('韩立平', '1', '1985-03-12', '101'), row('贾秀英', '2', '1987-11-02', '102', { a0184: `${id('1987-11-02', '102').slice(0, 17)}0` }), row('乔振华', '1', '1983-06-30', '103')].join('\n');
  const before = await counts();
  for (const dryRun of ['true', 'false']) {
    const res = await postBytes(archivist, `/api/imports?dryRun=${dryRun}`, `\ufeff${csv}`, 'text/csv');
    t.is(res.status, 200);
    t.false(res.body.imported);
    t.deepEqual(res.body.errors.map((e: any) => [e.row, e.column]), [[3, 'a0184']]);
    t.regex(res.body.errors[0].problem, /校验位/);
    t.deepEqual(await counts(), before);
  }
  const audits = await sys.services.db('audit_log').whereIn('action', ['import.dry_run', 'import.run']).orderBy('seq');
  t.deepEqual(audits.map((a: any) => [a.action, a.outcome]), [['import.dry_run', 'failure'], ['import.run', 'failure']]);
});

test.serial('every bad row is reported, with the problems a migration meets', async (t) => {
  const archivist = await sys.as('archivist1');
  const csv = [
    HEAD,
    row('甲', '3', '1985-03-12', '201'), // gender code
    row('乙', '2', '1985-13-01', '202', { a0184: id('1985-12-01', '202') }), // no such date
    row('丙', '1', '1985-03-12', '203', { unit_code: 'NOPE' }),
    row('丁', '1', '1985-03-12', '203'), // same ID number as row 4
    row('戊', '1', '1985-03-12', '205', { management_level: '处级' }),
    row('己', '1', '1985-03-12', '207', { archive_no: 'MIG-207', a0134: '19900101' }), // works at 4
  ].join('\n');
  const res = await postBytes(archivist, '/api/imports', csv, 'text/csv');
  const rows = new Map<number, string[]>();
  for (const e of res.body.errors) rows.set(e.row, [...(rows.get(e.row) ?? []), e.column]);
  t.deepEqual([...rows.keys()], [2, 3, 4, 5, 6, 7]);
  t.true(rows.get(2)!.includes('a0104'));
  t.true(rows.get(3)!.includes('a0107'));
  t.true(rows.get(4)!.includes('unit_code'));
  t.true(rows.get(5)!.includes('a0184'));
  t.true(rows.get(6)!.includes('management_level'));
  t.true(rows.get(7)!.includes('a0134'));
  t.true(res.body.dryRun);
});

test.serial('an XLSX with a cadre sheet and a catalogue sheet imports everything in one go', async (t) => {
  const archivist = await sys.as('archivist1');
  const existing = await plainArchiveOf(sys, '150300-ZZB-DAS', 4);
  const existingNo = (await sys.services.db('archives').where({ id: existing.archiveId }).first()).archive_no;
  const maxSeven = Number((await sys.services.db('materials').where({ archive_id: existing.archiveId, category_code: '7' }).max({ n: 'item_no' }).first())?.n ?? 0);
  const wb = new ExcelJS.Workbook();
  const cadres = wb.addWorksheet('干部');
  cadres.addRow(['姓名', '性别', '出生日期', '籍贯', '民族', '参加工作时间', '政治面貌', '入党时间', '身份证号', '学历', '单位代码', '职务', '管理权限', '档案号', '档案类型', '卷数']);
  cadres.addRow(['韩立平', '男', new Date(Date.UTC(1985, 2, 12)), '内蒙古乌海', '蒙古族', new Date(Date.UTC(2007, 7, 1)), '中共党员', new Date(Date.UTC(2010, 6, 1)), id('1985-03-12', '301'), '大学本科', '150303-ZF', '科员', '县管', 'MIG-301', '正本', 1]);
  cadres.addRow(['贾秀英', '女', '1987-11-02', '内蒙古包头', '汉族', '2009-08-01', '群众', '', id('1987-11-02', '302'), '研究生', '150300-WJW', '二级主任科员', '单位管', 'MIG-302', '正本', 1]);
  const cat = wb.addWorksheet('目录');
  cat.addRow(['档案号', '材料类别', '序号', '材料名称', '材料形成时间', '页数', '复印件', '复制时间', '备注']);
  cat.addRow(['MIG-301', '1', '', '干部履历表', '20071201', 4, '否', '', '']);
  cat.addRow(['MIG-301', '41', '', '高等学校毕业生登记表', '2007-07-01', 2, '否', '', '']);
  cat.addRow(['MIG-301', '4-1', '', '学士学位证书', '2007-07-01', 1, '是', '2020-05-06', '复印件']);
  cat.addRow(['MIG-302', '99', '', '干部健康检查表', '2024-04-10', 2, '否', '', '']);
  cat.addRow(['MIG-302', '9-2', '9-2-5', '干部任免审批表', '2022-06-01', 2, '否', '', '原目录序号']);
  cat.addRow([existingNo, '7', '', '公务员嘉奖审批表', '2025-01-15', 1, '否', '', '']);
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const dry = await postBytes(archivist, '/api/imports?dryRun=true', buf, type);
  t.deepEqual(dry.body.errors, []);
  t.deepEqual(dry.body.counts, { cadres: 2, archives: 2, materials: 6 });
  const before = await counts();
  const res = await postBytes(archivist, '/api/imports?dryRun=false', buf, type);
  t.is(res.status, 200);
  t.true(res.body.imported);
  t.deepEqual(await counts(), [before[0] + 2, before[1] + 2, before[2] + 6]);
  const a301 = await sys.services.db('archives').where({ archive_no: 'MIG-301' }).first();
  const city = await sys.services.db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  t.is(a301.custodian_org_id, city.id);
  const m301 = await sys.services.db('materials').where({ archive_id: a301.id }).orderBy('id');
  t.deepEqual(m301.map((m: any) => m.seq_no), ['1-1', '4-1-1', '4-1-2']);
  t.is(m301[2].copy_date, '2020-05-06');
  const c301 = await sys.services.db('cadres').where({ id: a301.cadre_id }).first();
  t.deepEqual([c301.birth_date, c301.work_start_date, c301.gender, c301.management_level, c301.ethnicity], ['1985-03-12', '2007-08-01', '1', 'county', '蒙古族']);
  // The cadre's holder is its archive's; the archive is in stock, not digitised, its setting up in the history.
  t.deepEqual([c301.custodian_org_id, c301.party_join_date, c301.post, a301.kind, a301.volumes, a301.status, a301.digital_status, a301.store_room], [city.id, '2010-07-01', '科员', 'original', 1, 'in_stock', 'none', null]);
  const h301 = await sys.services.db('archive_status_history').where({ archive_id: a301.id });
  t.deepEqual(h301.map((h: any) => [h.from_status, h.to_status, h.reason, h.actor_id]), [[null, 'in_stock', '历史数据迁移 / imported', (await sys.services.db('users').where({ username: 'archivist1' }).first()).id]]);
  const m302 = await sys.services.db('materials as m').join('archives as a', 'a.id', 'm.archive_id').where('a.archive_no', 'MIG-302').orderBy('m.id').select('m.seq_no');
  t.deepEqual(m302.map((m: any) => m.seq_no), ['10-1', '9-2-5']);
  const added = await sys.services.db('materials').where({ archive_id: existing.archiveId, category_code: '7' }).orderBy('item_no', 'desc').first();
  t.is(added.seq_no, `7-${maxSeven + 1}`);
  // The same file again: every row now collides with what is there, and nothing more is written.
  const again = await postBytes(archivist, '/api/imports?dryRun=false', buf, type);
  t.false(again.body.imported);
  t.true(again.body.errors.some((e: any) => e.sheet === '干部' && e.row === 2 && e.column === '身份证号'));
  // Every catalogue row is already in its archive: each is named, and the catalogue is not doubled.
  const dup = again.body.errors.filter((e: any) => e.sheet === '目录');
  t.deepEqual(dup.map((e: any) => [e.row, e.column]), [2, 3, 4, 5, 6, 7].map((r) => [r, '材料名称']));
  t.regex(dup[4].problem, /档案中已有同一份材料（序号 9-2-5.*the archive already holds this material as 9-2-5/);
  t.deepEqual(await counts(), [before[0] + 2, before[1] + 2, before[2] + 6]);
});

test.serial('an archivist imports into her own office only; applicants may not import at all', async (t) => {
  const receiver = await sys.as('receiver1');
  const city = await plainArchiveOf(sys, '150300-ZZB-DAS', 6);
  const no = (await sys.services.db('archives').where({ id: city.archiveId }).first()).archive_no;
  const csv = `archive_no,e01z211,e01z211a,e01z227,e01z224\n${no},7,嘉奖审批表,2025-02-01,1\n`;
  const res = await postBytes(receiver, '/api/imports?dryRun=false', csv, 'text/csv');
  t.deepEqual(res.body.errors.map((e: any) => [e.row, e.column]), [[2, 'archive_no']]);
  const cadre = `${HEAD},custodian_code\n${row('韩立新', '1', '1985-03-12', '401')},150300-ZZB-DAS\n`;
  const other = await postBytes(receiver, '/api/imports', cadre, 'text/csv');
  t.true(other.body.errors.some((e: any) => e.column === 'custodian_code'));
  t.is((await postBytes(await sys.as('applicant1'), '/api/imports', csv, 'text/csv')).status, 403);
  t.is((await postBytes(await sys.as('archivist1'), '/api/imports', csv, 'application/json')).status, 415);
});

test.serial('a catalogue row already in the archive, or twice in the file, is named and nothing is doubled', async (t) => {
  const archivist = await sys.as('archivist1');
  const target = await plainArchiveOf(sys, '150300-ZZB-DAS', 8);
  const no = (await sys.services.db('archives').where({ id: target.archiveId }).first()).archive_no;
  const head = 'archive_no,e01z211,e01z212,e01z211a,e01z227,e01z224';
  const chunk = [head, `${no},7,,嘉奖审批表（二〇二五年）,2025-03-01,1`, `${no},7,,嘉奖审批表（二〇二五年）,20250301,1`, `${no},9-2,9-2-41,干部任免审批表,2024-06-01,2`, `${no},9-2,9-2-42,干部任免审批表,2024-06-01,2`].join('\n');
  const inFile = await postBytes(archivist, '/api/imports?dryRun=true', chunk, 'text/csv');
  // Row 3 is row 2 again (the date written otherwise); rows 4 and 5 carry their own 序号: two materials.
  t.deepEqual(inFile.body.errors.map((e: any) => [e.row, e.column]), [[3, 'e01z211a']]);
  t.regex(inFile.body.errors[0].problem, /与第 2 行是同一份材料.*the same material as row 2/);
  const clean = [head, `${no},7,,嘉奖审批表（二〇二五年）,2025-03-01,1`, `${no},9-2,9-2-41,干部任免审批表,2024-06-01,2`, `${no},9-2,9-2-42,干部任免审批表,2024-06-01,2`].join('\n');
  const before = await counts();
  t.true((await postBytes(archivist, '/api/imports?dryRun=false', clean, 'text/csv')).body.imported);
  t.deepEqual(await counts(), [before[0], before[1], before[2] + 3]);
  const seven = (await sys.services.db('materials').where({ archive_id: target.archiveId, title: '嘉奖审批表（二〇二五年）' }).first()).seq_no;
  // The chunk again (a re-run after a timeout), the title spaced otherwise: every row refused, nothing written.
  const again = await postBytes(archivist, '/api/imports?dryRun=false', clean.replace('嘉奖审批表（二〇二五年）', ' 嘉奖审批表（二〇二五年） '), 'text/csv');
  t.false(again.body.imported);
  t.deepEqual(again.body.errors.map((e: any) => [e.row, e.column]), [[2, 'e01z211a'], [3, 'e01z211a'], [4, 'e01z211a']]);
  t.is(again.body.errors[0].problem, `档案中已有同一份材料（序号 ${seven}，类别、名称、形成时间、页数均相同） / the archive already holds this material as ${seven} (same category, title, date formed and pages)`);
  t.deepEqual(await counts(), [before[0], before[1], before[2] + 3]);
  // Another page count is another material.
  t.deepEqual((await postBytes(archivist, '/api/imports?dryRun=true', [head, `${no},7,,嘉奖审批表（二〇二五年）,2025-03-01,2`].join('\n'), 'text/csv')).body.errors, []);
});

test.serial('checking and writing a file cost the same few queries for 10 rows as for 200 (no query per row)', async (t) => {
  const archivist = await sys.as('archivist1');
  const birth = (i: number) => new Date(Date.UTC(1970, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  const cadres = (n: number, from: number) => [HEAD, ...Array.from({ length: n }, (_, i) => row(`迁移${i}`, '1', birth(i), '011', { archive_no: `QRY-${from + i}` }))].join('\n');
  const catalogue = (n: number, from: number) => ['archive_no,e01z211,e01z211a,e01z227,e01z224', ...Array.from({ length: n }, (_, i) => `QRY-${from + (i % 100)},7,嘉奖审批表${i},2025-01-15,1`)].join('\n');
  // Not the security settings' reads: their cache runs out by wall time (server/admin/settings.ts), so a
  // slow run reads them once more in one request or the other, whatever the file's size.
  const queries = async (fn: () => Promise<unknown>) => {
    let n = 0;
    const count = (q: { sql: string }) => {
      if (!/\bsettings\b/.test(q.sql)) n++;
    };
    sys.services.db.on('query', count);
    try {
      await fn();
    } finally {
      sys.services.db.off('query', count);
    }
    return n;
  };
  const post = (dryRun: boolean, csv: string) => () => postBytes(archivist, `/api/imports?dryRun=${dryRun}`, csv, 'text/csv').then((r) => t.deepEqual(r.body.errors, []));
  t.is(await queries(post(true, cadres(200, 700))), await queries(post(true, cadres(10, 700))));
  const writeCadres = await queries(post(false, cadres(200, 700)));
  t.true(writeCadres > 10 && writeCadres < 60, `${writeCadres} queries`);
  t.is(await queries(post(true, catalogue(400, 700))), await queries(post(true, catalogue(20, 700))));
  const writeCatalogue = await queries(post(false, catalogue(400, 700)));
  t.true(writeCatalogue > 10 && writeCatalogue < 60, `${writeCatalogue} queries`);
  t.is(Number((await sys.services.db('materials as m').join('archives as a', 'a.id', 'm.archive_id').where('a.archive_no', 'like', 'QRY-%').count({ n: '*' }))[0].n), 400);
});

test.serial("a 档案号 left blank is the office's next number, after those in the database and those the file gives", async (t) => {
  const db = sys.services.db;
  const prefix = '150300-ZZB-DAS-';
  const no = (n: number) => `${prefix}${String(n).padStart(5, '0')}`;
  const held: string[] = await db('archives').where('archive_no', 'like', `${prefix}%`).pluck('archive_no');
  const top = Math.max(0, ...held.map((x) => Number(x.slice(prefix.length))).filter(Number.isInteger));
  const given = no(top + 5);
  const csv = [HEAD, row('韩立东', '1', '1983-01-05', '901', { archive_no: '' }), row('韩立南', '1', '1983-02-05', '903', { archive_no: given }), row('韩立西', '1', '1983-03-05', '905', { archive_no: '' })].join('\n');
  const res = await postBytes(await sys.as('archivist1'), '/api/imports?dryRun=false', csv, 'text/csv');
  t.deepEqual(res.body.errors, []);
  t.true(res.body.imported);
  const archiveNoOf = async (idNumber: string) => (await db('archives as a').join('cadres as c', 'c.id', 'a.cadre_id').where('c.id_number', idNumber).first('a.archive_no')).archive_no;
  t.deepEqual([await archiveNoOf(id('1983-01-05', '901')), await archiveNoOf(id('1983-02-05', '903')), await archiveNoOf(id('1983-03-05', '905'))], [no(top + 6), given, no(top + 7)]);
  t.deepEqual(await db('archives').where({ archive_no: given }).first('store_room', 'cabinet', 'shelf'), { store_room: '二号库房', cabinet: '12号柜', shelf: '第3格' });
});

test.serial('a material filed while the file is being checked is not overwritten: the import numbers after it', async (t) => {
  const target = await plainArchiveOf(sys, '150300-ZZB-DAS', 10);
  const no = (await sys.services.db('archives').where({ id: target.archiveId }).first()).archive_no;
  const top = async () => Number((await sys.services.db('materials').where({ archive_id: target.archiveId, category_code: '7' }).max({ n: 'item_no' }).first())?.n ?? 0);
  const n = await top();
  const sheets = await readImportFile(Buffer.from(`archive_no,e01z211,e01z211a,e01z227,e01z224\n${no},7,嘉奖审批表（迁移）,2025-04-01,1\n`));
  let filed: Promise<unknown> | undefined;
  // When the check is done, someone files 7-(n+1) before the import's transaction starts.
  const onProgress = () => {
    filed ??= insertMaterial(sys.services.db, { archive_id: target.archiveId, category_code: '7', item_no: n + 1, revision: 0, seq_no: `7-${n + 1}`, title: '嘉奖审批表（同时归档）', title_code: null, formed_date: '2025-05-01', pages: 1, is_copy: false, copy_date: null, remark: null, producer_org_id: null, instance_id: null, supersedes_material_id: null, supersede_reason: null, filed_by: null, filed_at: new Date().toISOString() });
  };
  const report = await runImport(sys.services.db, sys.clock, sheets, { dryRun: false, actor: null, onProgress, filed: filingRule(null) });
  await filed;
  t.true(report.imported);
  t.is(await top(), n + 2);
  t.is((await sys.services.db('materials').where({ archive_id: target.archiveId, title: '嘉奖审批表（迁移）' }).first()).seq_no, `7-${n + 2}`);
});

// 回避: an archive of a cadre the importer is tied to (avoidance list, self, relatives both ways) is
// answered exactly as an absent one — the rule of every read and write (server/access).
const CAT = 'archive_no,e01z211,e01z211a,e01z227,e01z224';
const catalogueFile = (...nos: string[]) => [CAT, ...nos.map((no) => `${no},1,回避测试材料,2020-01-01,2`)].join('\n');
const absent = (row: number, no: string) => ({ sheet: 'CSV', row, column: 'archive_no', problem: `档案号 ${no} 不存在 / no such archive` });
const materialsOf = async (...archiveIds: number[]) => Number((await sys.services.db('materials').whereIn('archive_id', archiveIds).count({ n: '*' }))[0].n);

test.serial("an archive the importer must avoid, their own or a relative's is refused as absent, in the dry run and the real run; nothing is written", async (t) => {
  const db = sys.services.db;
  const archivistUser = await db('users').where({ username: 'archivist1' }).first();
  const avoided = await db('avoidance_entries as e').join('archives as a', 'a.cadre_id', 'e.cadre_id').where('e.user_id', archivistUser.id).whereNull('e.removed_at').first('e.id as entryId', 'a.id', 'a.archive_no', 'a.custodian_org_id');
  const own = (await cadreOfUser(sys, 'archivist1')).archive;
  const brother = (await cadreNamed(sys, '陈立军')).archive;
  const office = await db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  // All three are held by the importers' own office: only the tie refuses them.
  t.deepEqual([avoided.custodian_org_id, own.custodian_org_id, brother.custodian_org_id], [office.id, office.id, office.id]);
  const archivist = await sys.as('archivist1');
  const chief = await sys.as('chief1');
  const before = await counts();
  const held = await materialsOf(avoided.id, own.id, brother.id);
  for (const dryRun of [true, false]) {
    // The tester's file: archivist1 into the cadre she must avoid; chief1 into his brother's archive.
    const one = await postBytes(archivist, `/api/imports?dryRun=${dryRun}`, catalogueFile(avoided.archive_no), 'text/csv');
    t.is(one.status, 200);
    t.false(one.body.imported);
    t.deepEqual(one.body.errors, [absent(2, avoided.archive_no)]);
    t.deepEqual(one.body.counts.materials, 0);
    const mixed = await postBytes(archivist, `/api/imports?dryRun=${dryRun}`, catalogueFile(avoided.archive_no, own.archive_no, 'NOPE-00404'), 'text/csv');
    t.deepEqual(mixed.body.errors, [absent(2, avoided.archive_no), absent(3, own.archive_no), absent(4, 'NOPE-00404')]);
    const relative = await postBytes(chief, `/api/imports?dryRun=${dryRun}`, catalogueFile(brother.archive_no), 'text/csv');
    t.is(relative.status, 200);
    t.false(relative.body.imported);
    t.deepEqual(relative.body.errors, [absent(2, brother.archive_no)]);
  }
  t.deepEqual(await counts(), before);
  t.is(await materialsOf(avoided.id, own.id, brother.id), held);
  // A colleague of the office is not tied: the same rows are clean for them (dry run).
  t.deepEqual((await postBytes(chief, '/api/imports?dryRun=true', catalogueFile(avoided.archive_no), 'text/csv')).body.errors, []);
  t.deepEqual((await postBytes(archivist, '/api/imports?dryRun=true', catalogueFile(brother.archive_no), 'text/csv')).body.errors, []);
  // Taken off the avoidance list, the archive is archivist1's to file into again (the tie, not the archive, refused it).
  const entry = db('avoidance_entries').where({ id: avoided.entryId });
  await entry.clone().update({ removed_at: new Date().toISOString(), removed_by: archivistUser.id });
  try {
    t.deepEqual((await postBytes(archivist, '/api/imports?dryRun=true', catalogueFile(avoided.archive_no), 'text/csv')).body.errors, []);
  } finally {
    await entry.clone().update({ removed_at: null, removed_by: null });
  }
});

test.serial('an avoidance entry or a relative entered while the file is being checked holds: the write plans again and refuses the row', async (t) => {
  const db = sys.services.db;
  const target = await plainArchiveOf(sys, '150300-ZZB-DAS', 14);
  const no = (await db('archives').where({ id: target.archiveId }).first()).archive_no;
  const [archivist, secadmin, office] = [await db('users').where({ username: 'archivist1' }).first(), await db('users').where({ username: 'secadmin' }).first(), await db('org_units').where({ code: '150300-ZZB-DAS' }).first()];
  const sheets = await readImportFile(Buffer.from(catalogueFile(no)));
  let entered: Promise<void> | undefined;
  // When the check is done (the row clean), the security administrator puts the cadre on archivist1's list.
  // The import waits for what onProgress returns, so the entry is in before the write, on any database.
  const onProgress = () =>
    (entered ??= db('avoidance_entries').insert({ user_id: archivist.id, cadre_id: target.cadreId, reason: '迁移期间新增回避', created_by: secadmin.id, created_at: new Date().toISOString(), removed_at: null, removed_by: null }).then(() => undefined));
  const held = await materialsOf(target.archiveId);
  const report = await runImport(db, sys.clock, sheets, { dryRun: false, onlyOffice: office.id, actor: { id: archivist.id, username: 'archivist1' }, onProgress, filed: filingRule(archivist.id) });
  await entered;
  t.false(report.imported);
  t.deepEqual(report.errors, [absent(2, no)]);
  t.is(await materialsOf(target.archiveId), held);
  // The same for a relative entered in chief1's family record while a file sets up that relative's archive and files into it.
  const chief = await db('users').where({ username: 'chief1' }).first();
  const niece = id('2000-02-02', '822');
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('干部').addRows([HEAD.split(','), row('陈小梅', '2', '2000-02-02', '822', { archive_no: 'REL-822', a0144: '' }).split(',')]);
  wb.addWorksheet('目录').addRows([CAT.split(','), ['REL-822', '1', '回避测试材料', '2020-01-01', 2]]);
  const both = await readImportFile(Buffer.from(await wb.xlsx.writeBuffer()));
  let family: Promise<void> | undefined;
  const addNiece = () =>
    (family ??= db('family_members').insert({ cadre_id: chief.cadre_id, name: '陈小梅', relation: '侄女', birth_date: '2000-02-02', id_number: niece, related_cadre_id: null, work_unit: '学生', created_at: new Date().toISOString() }).then(() => undefined));
  const before = await counts();
  const refused = await runImport(db, sys.clock, both, { dryRun: false, onlyOffice: office.id, actor: { id: chief.id, username: 'chief1' }, onProgress: addNiece, filed: filingRule(chief.id) });
  await family;
  t.false(refused.imported);
  t.deepEqual(refused.errors.map((e) => [e.sheet, e.row, e.column, e.problem]), [['目录', 2, 'archive_no', '档案号 REL-822 不存在 / no such archive']]);
  t.deepEqual(await counts(), before);
});

test.serial("a cadre sheet: the importer's own ID number is taken; a relative not yet a cadre may be set up, as by hand, but not filed into", async (t) => {
  const db = sys.services.db;
  const { cadre: me } = await cadreOfUser(sys, 'chief1');
  // chief1's family record names a nephew who is no cadre yet, by ID number.
  const nephew = id('1999-05-05', '811');
  await db('family_members').insert({ cadre_id: me.id, name: '陈小军', relation: '侄子', birth_date: '1999-05-05', id_number: nephew, related_cadre_id: null, work_unit: '乌海市某企业', created_at: new Date().toISOString() });
  const wb = new ExcelJS.Workbook();
  const cadres = wb.addWorksheet('干部');
  cadres.addRow(HEAD.split(','));
  cadres.addRow(row('陈小军', '1', '1999-05-05', '811', { archive_no: 'REL-811', a0144: '' }).split(','));
  cadres.addRow(row(me.name, me.gender, me.birth_date, '000', { a0184: me.id_number, archive_no: 'REL-812', a0134: me.work_start_date?.replace(/-/g, '') ?? '', a0144: '' }).split(','));
  const cat = wb.addWorksheet('目录');
  cat.addRow(CAT.split(','));
  cat.addRow(['REL-811', '1', '回避测试材料', '2020-01-01', 2]);
  const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
  const chief = await sys.as('chief1');
  const before = await counts();
  const res = await postBytes(chief, '/api/imports?dryRun=false', xlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  t.false(res.body.imported);
  t.deepEqual(
    res.body.errors.map((e: any) => [e.sheet, e.row, e.column, e.problem]),
    [
      ['干部', 3, 'a0184', '该身份证号已登记，不能重复导入；如有疑问请与管档单位核实 / this ID number is registered already and cannot be imported again; if in doubt, check with the custodian office'],
      ['目录', 2, 'archive_no', '档案号 REL-811 不存在 / no such archive'],
    ],
  );
  t.deepEqual(await counts(), before);
  // The nephew's record alone goes in (registration by hand has no rule against it); chief1 then does not see it.
  const alone = await postBytes(chief, '/api/imports?dryRun=false', [HEAD, row('陈小军', '1', '1999-05-05', '811', { archive_no: 'REL-811', a0144: '' })].join('\n'), 'text/csv');
  t.true(alone.body.imported, JSON.stringify(alone.body.errors));
  const created = await db('cadres').where({ id_number: nephew }).first();
  t.is((await chief.get(`/api/cadres/${created.id}`)).status, 404);
  // Filing into it is refused to him as absent, and open to a colleague.
  t.deepEqual((await postBytes(chief, '/api/imports?dryRun=true', catalogueFile('REL-811'), 'text/csv')).body.errors, [absent(2, 'REL-811')]);
  t.deepEqual((await postBytes(await sys.as('archivist1'), '/api/imports?dryRun=true', catalogueFile('REL-811'), 'text/csv')).body.errors, []);
});

test.serial("an ID number or 档案号 on record is refused in the same words whichever office holds it: the answer names no office", async (t) => {
  const db = sys.services.db;
  const receiver = await sys.as('receiver1');
  const mine = await plainArchiveOf(sys, '150302-ZZB-DAS', 1);
  const city = await plainArchiveOf(sys, '150300-ZZB-DAS', 12);
  const rowFor = async (cadreId: number, archiveNo: string) => {
    const c = await db('cadres').where({ id: cadreId }).first();
    return row(c.name, c.gender, c.birth_date, '000', { a0184: c.id_number, a0107: c.birth_date.replace(/-/g, ''), a0134: c.work_start_date?.replace(/-/g, '') ?? '', a0144: '', archive_no: archiveNo });
  };
  const nos = [(await db('archives').where({ id: mine.archiveId }).first()).archive_no, (await db('archives').where({ id: city.archiveId }).first()).archive_no];
  const csv = [HEAD, await rowFor(mine.cadreId, nos[0]), await rowFor(city.cadreId, nos[1])].join('\n');
  const res = await postBytes(receiver, '/api/imports?dryRun=true', csv, 'text/csv');
  const byRow = (n: number) => res.body.errors.filter((e: any) => e.row === n).map((e: any) => [e.column, e.problem]);
  t.deepEqual(byRow(2).map((e: string[]) => e[0]), ['a0184', 'archive_no']);
  t.deepEqual(byRow(3), byRow(2));
  // It says why and what to do, without saying where: numbers are unique across offices, give another or none.
  t.is(byRow(2)[1][1], '档案号已被使用（各管档单位的档案号均不能重复），请另填或留空由系统编号 / this archive number is in use (numbers are unique across all offices): give another or leave it blank to have one assigned');
  for (const [, problem] of byRow(3)) t.false(/海勃湾|乌海市|150300|150302|档案室/.test(problem), problem);
});

/** `npm run import -- …`: exit code, and stdout then stderr. */
const cli = (...args: string[]) => runImportCli(sys, args);

test.serial('the CLI: a file with one bad row exits 1, names the row, and imports nothing', async (t) => {
  const dir = fs.mkdtempSync(path.join(sys.testDb.dataDir, 'cli-'));
  const file = path.join(dir, 'cadres.csv');
  fs.writeFileSync(file, [HEAD, row('韩立军', '1', '1984-03-12', '501'), row('贾丽', '2', '1986-11-02', '502', { a0107: '1986-11-31' })].join('\n'));
  const before = await counts();
  const bad = await cli(file, '--dry-run');
  t.is(bad.code, 1);
  // The sheet is the file's name, not the path it was given as; the rows checked go to stderr.
  t.regex(bad.out, /\[cadres\.csv\] 第 3 行 列 a0107/);
  t.false(bad.out.includes(dir));
  t.regex(bad.out, /已检查 2\/2 行 \/ 2 of 2 rows checked/);
  t.is((await cli(file)).code, 1);
  t.deepEqual(await counts(), before);
  fs.writeFileSync(file, [HEAD, row('韩立军', '1', '1984-03-12', '501')].join('\n'));
  const ok = await cli(file, '--custodian', '150300-ZZB-DAS');
  t.is(ok.code, 0, ok.out);
  t.regex(ok.out, /已导入干部 1 人/);
  t.deepEqual(await counts(), [before[0] + 1, before[1] + 1, before[2]]);
  // A file that cannot be read: the reason in words, one line each, not a JSON dump or a stack.
  fs.writeFileSync(file, `${HEAD}\n"韩立,1\n`);
  const unreadable = await cli(file, '--dry-run');
  t.is(unreadable.code, 2);
  t.regex(unreadable.out, /输入有误 \/ Invalid input\n {2}file: CSV 无法解析：第 2 行附近引号没有闭合 \/ the CSV cannot be read: a quote is not closed near line 2/);
  t.false(/\[\{"field"|at .*\.ts:\d+/.test(unreadable.out), unreadable.out);
});

test.serial('the CLI imports while the server writes: it waits for the writer lock instead of failing with SQLITE_BUSY_SNAPSHOT', async (t) => {
  if (sys.testDb.config.databaseUrl) return t.pass('SQLite only');
  const file = path.join(fs.mkdtempSync(path.join(sys.testDb.dataDir, 'busy-')), 'busy.csv');
  fs.writeFileSync(file, [HEAD, row('韩立波', '1', '1984-05-12', '601', { archive_no: 'MIG-601' })].join('\n'));
  const before = await counts();
  // The server is in the middle of a write when the CLI, done checking, opens its transaction.
  const trx = await sys.services.db.transaction();
  await trx('cadres').where('id', '=', trx('cadres').min('id')).update({ updated_at: new Date().toISOString() });
  const child = spawn(process.execPath, importCliArgs([file, '--custodian', '150300-ZZB-DAS']), { env: importCliEnv(sys), cwd: projectRoot });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  let timer: NodeJS.Timeout | undefined;
  const checked = new Promise<void>((resolve) => {
    child.stderr.on('data', (d) => {
      out += d;
      if (/已检查 1\/1/.test(out)) resolve();
    });
    timer = setTimeout(resolve, 15_000);
  });
  const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await checked;
  clearTimeout(timer);
  await new Promise((r) => setTimeout(r, 500));
  await trx.commit();
  t.is(await code, 0, out);
  t.regex(out, /已导入干部 1 人/);
  t.false(/SQLITE_BUSY|SqliteError/.test(out), out);
  t.deepEqual(await counts(), [before[0] + 1, before[1] + 1, before[2]]);
});
