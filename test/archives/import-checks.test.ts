// 历史数据迁移: what the import refuses before it writes (found by an exploratory tester). A CSV not
// in UTF-8 (GBK, as Excel/WPS save it on Chinese Windows), a file without data rows, a column the
// import does not read (a typo loses its values), a corrupt XLSX: each is named, and nothing is
// written — materials are append-only, so what goes in wrong stays.
import test from 'ava';
import ExcelJS from 'exceljs';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';
import { importFileIn, plainArchiveOf, postBytes, runImportCli } from './helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CAT = 'archive_no,e01z211,e01z211a,e01z227,e01z224';
const count = async (table: string) => Number((await db()(table).count({ n: '*' }))[0].n);
const counts = async () => [await count('cadres'), await count('archives'), await count('materials')];
const archiveNo = async (officeCode: string, skip: number) => (await db()('archives').where({ id: (await plainArchiveOf(sys, officeCode, skip)).archiveId }).first()).archive_no as string;

/** `npm run import -- …`: exit code, and stdout then stderr. */
const cli = (...args: string[]) => runImportCli(sys, args);
const tmpFile = (name: string, bytes: Buffer | string) => importFileIn(sys, name, bytes);

test.serial('a GBK-encoded CSV is refused before anything is written, in the dry run, the real run and the CLI; a UTF-8 BOM is fine', async (t) => {
  const archivist = await sys.as('archivist1');
  const no = await archiveNo('150300-ZZB-DAS', 20);
  // 自传 and 学历证明 as Excel/WPS save them on Chinese Windows (GBK), line 2 and line 3.
  const gbk = Buffer.concat([Buffer.from(`${CAT}\n${no},2,`), Buffer.from([0xd7, 0xd4, 0xb4, 0xab]), Buffer.from(`,2008-01-01,3\n${no},4-1,`), Buffer.from([0xd1, 0xa7, 0xc0, 0xfa]), Buffer.from(',2007-06-01,2\n')]);
  const before = await counts();
  for (const dryRun of [true, false]) {
    const res = await postBytes(archivist, `/api/imports?dryRun=${dryRun}`, gbk, 'text/csv');
    t.is(res.status, 400, JSON.stringify(res.body));
    t.is(res.body.code, 'VALIDATION_FAILED');
    t.regex(res.body.details[0].message, /^文件不是 UTF-8 编码（第 2 行起.*另存为“CSV UTF-8（逗号分隔）”.* \/ the file is not UTF-8 encoded \(from line 2/);
  }
  t.deepEqual(await counts(), before);
  const out = await cli(tmpFile('gbk.csv', gbk), '--custodian', '150300-ZZB-DAS');
  t.is(out.code, 2);
  t.regex(out.out, /文件不是 UTF-8 编码/);
  t.deepEqual(await counts(), before);
  // The same rows in UTF-8 behind a BOM are clean.
  const utf8 = `\ufeff${CAT}\r\n${no},2,自传,2008-01-01,3\r\n`;
  t.deepEqual((await postBytes(archivist, '/api/imports?dryRun=true', utf8, 'text/csv')).body.errors, []);
});

test.serial('a column the import does not read is refused by name (with the column it likely meant); a missing required column is named once', async (t) => {
  const archivist = await sys.as('archivist1');
  const no = await archiveNo('150300-ZZB-DAS', 21);
  const before = await counts();
  // The tester's typos of 复印件, 复制时间 and 备注: their values would have been dropped without a word.
  const typo = `${CAT},复印,复制日期,备住\n${no},5,政审材料（复印）,2009-01-01,1,是,2010-01-01,原件存人事处\n`;
  for (const dryRun of [true, false]) {
    const res = await postBytes(archivist, `/api/imports?dryRun=${dryRun}`, typo, 'text/csv');
    t.is(res.status, 200);
    t.false(res.body.imported);
    t.deepEqual(res.body.errors.map((e: any) => [e.row, e.column]), [[1, '复印'], [1, '复制日期'], [1, '备住']]);
    t.regex(res.body.errors[0].problem, /^无法识别的列「复印」，其中的数据不会导入.*是否应为「复印件」.* \/ unknown column "复印"/);
    t.regex(res.body.errors[1].problem, /是否应为「复制时间」/);
    t.regex(res.body.errors[2].problem, /是否应为「备注」/);
  }
  t.deepEqual(await counts(), before);
  // 页数 missing: one problem naming the column, not one per row.
  const missing = await postBytes(archivist, '/api/imports?dryRun=true', `archive_no,e01z211,e01z211a,e01z227\n${no},5,甲,2009-01-01\n${no},5,乙,2009-01-02\n${no},5,丙,2009-01-03\n`, 'text/csv');
  t.deepEqual(missing.body.errors, [{ sheet: 'CSV', row: 1, column: null, problem: '缺少必填列 页数（e01z224） / the required column e01z224 (页数) is missing' }]);
  // A column given twice, a value under no header, and a 份数 of 2 (one row is one document).
  const odd = await postBytes(archivist, '/api/imports?dryRun=true', `${CAT},类号,份数\n${no},5,甲,2009-01-01,1,5,1\n${no},5,乙,2009-01-02,1,5,2,多出的值\n`, 'text/csv');
  t.deepEqual(odd.body.errors.map((e: any) => [e.row, e.column]), [[1, '类号'], [1, null], [3, '份数']]);
  t.regex(odd.body.errors[0].problem, /列「类号」与列「e01z211」是同一列/);
  t.regex(odd.body.errors[1].problem, /^第 8 列没有列名，但第 3 行在该列有值/);
  // A cadre sheet without 身份证号: named once.
  const cadres = await postBytes(archivist, '/api/imports?dryRun=true', '姓名,性别,出生日期,籍贯,民族,政治面貌,单位代码,管理权限\n韩立平,1,19850312,内蒙古乌海,汉族,群众,150303-ZF,县管\n贾秀英,2,19871102,内蒙古乌海,汉族,群众,150303-ZF,县管\n', 'text/csv');
  t.deepEqual(cadres.body.errors.map((e: any) => [e.row, e.problem]), [[1, '缺少必填列 身份证号（a0184） / the required column a0184 (身份证号) is missing']]);
});

test.serial('a file without data rows is a 400 saying so: empty, header only, blank lines, an XLSX with an empty sheet', async (t) => {
  const archivist = await sys.as('archivist1');
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Sheet1');
  const emptyXlsx = Buffer.from(await wb.xlsx.writeBuffer());
  const headerOnly = new ExcelJS.Workbook();
  headerOnly.addWorksheet('目录').addRow(CAT.split(','));
  const files: Array<[string, Buffer | string, string]> = [
    ['empty', '', 'text/csv'],
    ['header only', `${CAT}\n`, 'text/csv'],
    ['blank lines', '\n\n\r\n', 'text/csv'],
    ['BOM only', '\ufeff', 'text/csv'],
    ['empty sheet', emptyXlsx, XLSX],
    ['header-only sheet', Buffer.from(await headerOnly.xlsx.writeBuffer()), XLSX],
  ];
  for (const [what, body, type] of files) {
    for (const dryRun of [true, false]) {
      const res = await postBytes(archivist, `/api/imports?dryRun=${dryRun}`, body, type);
      t.is(res.status, 400, what);
      t.deepEqual(res.body.details, [{ field: 'file', message: '文件中没有数据行 / The file has no data rows' }], what);
    }
  }
  const out = await cli(tmpFile('header.csv', `${CAT}\n`), '--dry-run');
  t.is(out.code, 2);
  t.regex(out.out, /文件中没有数据行 \/ The file has no data rows/);
});

test.serial('messages: an empty category must not be empty; a file over the limit names it; a corrupt XLSX is an unreadable XLSX, echoing nothing; a CSV quote error echoes nothing', async (t) => {
  const archivist = await sys.as('archivist1');
  const no = await archiveNo('150300-ZZB-DAS', 22);
  const empty = await postBytes(archivist, '/api/imports?dryRun=true', `${CAT}\n${no},,甲,2009-01-01,1\n`, 'text/csv');
  t.deepEqual(empty.body.errors, [{ sheet: 'CSV', row: 2, column: 'e01z211', problem: '材料类别不能为空：填类号，如 4-1 / the category must not be empty: give its number, such as 4-1' }]);
  const big = await postBytes(archivist, '/api/imports?dryRun=true', Buffer.alloc(20 * 1024 * 1024 + 1, 'a'), 'text/csv');
  t.is(big.status, 413);
  t.like(big.body, { code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大，上限为 20 MB / Request body too large: at most 20 MB', details: { maxBytes: 20 * 1024 * 1024 } });
  // Random bytes sent as an XLSX: not a CSV that cannot be parsed, and none of the bytes in the answer.
  const garbage = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 251));
  const corrupt = await postBytes(archivist, '/api/imports?dryRun=true', garbage, XLSX);
  t.is(corrupt.status, 400);
  t.deepEqual(corrupt.body.details, [{ field: 'file', message: 'XLSX 无法解析 / the XLSX file cannot be read' }]);
  const out = await cli(tmpFile('corrupt.xlsx', garbage), '--dry-run');
  t.is(out.code, 2);
  t.regex(out.out, /XLSX 无法解析/);
  // A value with a stray quote: the line, not the value.
  const quote = await postBytes(archivist, '/api/imports?dryRun=true', `${CAT}\n${no},5,"甲"乙\u0001,2009-01-01,1\n`, 'text/csv');
  t.is(quote.status, 400);
  t.is(quote.body.details[0].message, 'CSV 无法解析：第 2 行附近引号后紧跟其他字符（值内的引号须写成两个 ""） / the CSV cannot be read: a closing quote is followed by other characters near line 2 (a quote inside a value is written twice: "")');
});

test.serial('a catalogue sheet before the cadre sheet files into the archives the cadre sheet sets up', async (t) => {
  const archivist = await sys.as('archivist1');
  const first = '15030319860415722';
  const idNo = first + idCheckDigit(first);
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('目录').addRows([['档案号', '材料类别', '材料名称', '材料形成时间', '页数'], ['ORD-721', '1', '干部履历表', '2008-12-01', 4]]);
  wb.addWorksheet('干部').addRows([
    ['姓名', '性别', '出生日期', '籍贯', '民族', '政治面貌', '身份证号', '单位代码', '管理权限', '档案号'],
    ['韩立秋', '2', '19860415', '内蒙古乌海', '汉族', '群众', idNo, '150303-ZF', '县管', 'ORD-721'],
  ]);
  const res = await postBytes(archivist, '/api/imports?dryRun=false', Buffer.from(await wb.xlsx.writeBuffer()), XLSX);
  t.deepEqual(res.body.errors, []);
  t.true(res.body.imported);
  const a = await db()('archives').where({ archive_no: 'ORD-721' }).first();
  t.deepEqual(await db()('materials').where({ archive_id: a.id }).pluck('seq_no'), ['1-1']);
});
