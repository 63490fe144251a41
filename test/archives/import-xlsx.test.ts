// 历史数据迁移, reading an XLSX file: exceljs parses it in a worker thread (import-read.ts,
// xlsx-worker.mjs), so that other users are answered while a big catalogue is read; the rows are
// the ones the reading on the main thread gave, and a bad file, an oversized sheet or a worker that
// runs out of memory is a 400 with the reason, never a crashed server.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Worker } from 'node:worker_threads';
import test from 'ava';
import ExcelJS from 'exceljs';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { MAX_IMPORT_ROWS, readImportFile } from '../../server/archives/import-read.ts';
import { isAppError } from '../../server/errors.ts';
import { postBytes, runImportCli } from './helpers.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

/** A one-sheet workbook written row by row (exceljs's streaming writer: 50,000 rows in a second or two). */
async function bigXlsx(header: string[], rows: number, row: (i: number) => Array<string | number>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('目录');
  ws.addRow(header).commit();
  for (let i = 0; i < rows; i++) ws.addRow(row(i)).commit();
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

const catalogue = (rows: number) =>
  bigXlsx(['档案号', '材料类别', '材料名称', '材料形成时间', '页数', '复印件'], rows, (i) => [`XL-${String(i).padStart(5, '0')}`, '4-1', `高等学校毕业生登记表（${i % 10}）`, '2001-02-15', 1 + (i % 5), '否']);

/** Threads of this process (Linux), to see the reader's thread gone; null elsewhere. */
const threads = () => {
  const m = fs.existsSync('/proc/self/status') ? /^Threads:\s+(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8')) : null;
  return m ? Number(m[1]) : null;
};

/** The 400 readImportFile answers: its one detail's message. */
async function refusal(t: { fail(m: string): void }, p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e) && e.status === 400 && e.code === 'VALIDATION_FAILED') return (e.details as Array<{ field: string; message: string }>)[0].message;
    throw e;
  }
  t.fail('the file was read');
  return '';
}

test.serial('the rows are those the main thread read: Chinese headers, dates, rich text, formulas, links; blank rows left out, line numbers kept', async (t) => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('目录');
  ws.addRow(['档案号', '材料类别', '材料名称', '材料形成时间', '页数', '备注']);
  ws.addRow(['XL-1', '1', { richText: [{ text: '干部' }, { text: '履历表', font: { bold: true } }] }, new Date(Date.UTC(2007, 11, 1)), { formula: '2+2', result: 4 }, { text: '链接', hyperlink: 'https://example.invalid/' }]);
  ws.addRow([]);
  ws.addRow(['  ', '', ' ']);
  ws.addRow([' XL-2 ', 41, '登记表', '20070701', 2, { error: '#N/A' }]);
  wb.addWorksheet('空');
  const other = wb.addWorksheet('干部');
  other.addRow(['姓名', '身份证号', '未知列']);
  other.addRow(['韩立平', '150303198503120011']);
  const sheets = await readImportFile(Buffer.from(await wb.xlsx.writeBuffer()));
  t.deepEqual(
    sheets.map((s) => ({ name: s.name, headers: [...s.headers], rows: s.rows })),
    [
      {
        name: '目录',
        headers: [['archive_no', '档案号'], ['e01z211', '材料类别'], ['e01z211a', '材料名称'], ['e01z227', '材料形成时间'], ['e01z224', '页数'], ['remark', '备注']],
        rows: [
          { line: 2, values: { archive_no: 'XL-1', e01z211: '1', e01z211a: '干部履历表', e01z227: '2007-12-01', e01z224: '4', remark: '链接' } },
          { line: 5, values: { archive_no: 'XL-2', e01z211: '41', e01z211a: '登记表', e01z227: '20070701', e01z224: '2', remark: '' } },
        ],
      },
      { name: '干部', headers: [['a0101', '姓名'], ['a0184', '身份证号'], ['未知列', '未知列']], rows: [{ line: 2, values: { a0101: '韩立平', a0184: '150303198503120011', 未知列: '' } }] },
    ],
  );
});

test.serial('other users are answered while a big XLSX is read: the server is idle meanwhile, no request waits through the reading', async (t) => {
  const xlsx = await catalogue(6_000);
  // Another user's browser, in its own thread: it asks /api/health every 20 ms and notes when each
  // question left and its answer came (ms on the clock all threads of the process share).
  const probe = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const now = () => performance.timeOrigin + performance.now();
     let running = true;
     const asked = [];
     parentPort.on('message', () => (running = false));
     (async () => {
       while (running) {
         const sent = now();
         await (await fetch(workerData.url)).text();
         asked.push([sent, now()]);
         await new Promise((r) => setTimeout(r, 20));
       }
       parentPort.postMessage(asked);
     })();`,
    { eval: true, workerData: { url: `${sys.url}/api/health` } },
  );
  const asked = new Promise<Array<[number, number]>>((resolve) => probe.once('message', resolve));
  const now = () => performance.timeOrigin + performance.now();
  try {
    await new Promise((r) => setTimeout(r, 200));
    const before = performance.eventLoopUtilization();
    const start = now();
    const sheets = await readImportFile(xlsx);
    const end = now();
    // The share of the reading this thread, the server's, spent working rather than waiting for events.
    const busy = performance.eventLoopUtilization(before).utilization;
    probe.postMessage('stop');
    const during = (await asked).filter(([sent, answered]) => answered > start && sent < end);
    t.is(sheets[0].rows.length, 6_000);
    // Read on the main thread (the code before), the loop was busy all along (1.00) and one health
    // request waited through 45–97 % of the reading; here exceljs works in its own thread.
    const answered = during.filter(([, answered]) => answered < end).length;
    const longest = Math.max(...during.map(([sent, answered]) => Math.min(answered, end) - Math.max(sent, start)));
    const read = `a ${(end - start).toFixed(0)} ms read`;
    t.true(answered >= 3, `${answered} health answers during ${read}`);
    t.true(busy < 0.5, `the server's event loop was busy ${(busy * 100).toFixed(0)} % of ${read}`);
    t.true(longest < (end - start) / 2, `a health request waited ${longest.toFixed(0)} ms of ${read}`);
  } finally {
    probe.postMessage('stop');
    await probe.terminate();
  }
});

test.serial('a file that is no readable XLSX is a 400 with the reason, over the API too', async (t) => {
  const corrupt = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(2_000, 7)]);
  t.is(await refusal(t, readImportFile(corrupt)), 'XLSX 无法解析 / the XLSX file cannot be read');
  // A real zip that is no workbook.
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('目录').addRow(['档案号']);
  const zip = Buffer.from(await wb.xlsx.writeBuffer());
  const truncated = zip.subarray(0, Math.floor(zip.length / 2));
  t.is(await refusal(t, readImportFile(truncated)), 'XLSX 无法解析 / the XLSX file cannot be read');
  const archivist = await sys.as('archivist1');
  const res = await postBytes(archivist, '/api/imports?dryRun=true', corrupt, XLSX_TYPE);
  t.is(res.status, 400);
  t.is(res.body.code, 'VALIDATION_FAILED');
  t.deepEqual(res.body.details, [{ field: 'file', message: 'XLSX 无法解析 / the XLSX file cannot be read' }]);
});

test.serial('a sheet over the row cap is refused before any of it reaches the import, naming the sheet and its rows', async (t) => {
  const xlsx = await bigXlsx(['e01z211'], MAX_IMPORT_ROWS + 1, () => ['1']);
  const archivist = await sys.as('archivist1');
  const res = await postBytes(archivist, '/api/imports?dryRun=true', xlsx, XLSX_TYPE);
  t.is(res.status, 400);
  t.is(res.body.code, 'VALIDATION_FAILED');
  t.regex(res.body.details[0].message, /^表「目录」有 50001 行，每次最多导入 50000 行/);
});

test.serial('a reader that runs out of memory is a 400 and its thread is gone; the server answers on and reads the next file', async (t) => {
  const xlsx = await catalogue(2_000);
  await readImportFile(xlsx); // threads libuv and V8 start once, before counting
  const before = threads();
  t.regex(await refusal(t, readImportFile(xlsx, 'x', { xlsxHeapMb: 8 })), /^XLSX 内容过多，无法读取：请拆成几个较小的文件依次导入/);
  t.is((await sys.client().get('/api/health')).status, 200);
  t.is((await readImportFile(xlsx))[0].rows.length, 2_000);
  await refusal(t, readImportFile(Buffer.from('PK\u0003\u0004 no zip')));
  if (before !== null) t.is(threads(), before, 'a reader thread was left running');
});

test.serial('the CLI reads an XLSX the same way and exits when done: the reader thread keeps no process alive', async (t) => {
  const file = path.join(fs.mkdtempSync(path.join(sys.testDb.dataDir, 'xlsx-')), 'catalogue.xlsx');
  fs.writeFileSync(file, await catalogue(3));
  const run = await runImportCli(sys, [file, '--dry-run'], { timeout: 60_000 });
  // No such archives: every row is named by sheet and line, exit 1 (not killed by the timeout).
  t.is(run.code, 1, run.out);
  t.regex(run.out, /\[目录\] 第 2 行 列 档案号: 档案号 XL-00000 不存在/);
  t.regex(run.out, /\[目录\] 第 4 行 列 档案号: 档案号 XL-00002 不存在/);
});
