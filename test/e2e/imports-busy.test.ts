// 目录导入 in chromium while the server is already reading as many XLSX files as it may
// (IMPORT_MAX_XLSX_READS): 检查 of an XLSX file is refused at once and the page says why in the
// user's language (the server's 503 IMPORT_BUSY message, its Chinese half or its English half), not
// a generic failure; once the other reading is over, 检查 again goes through. Screenshots:
// import-busy-refused-zh-1280.png, import-busy-refused-en-1024.png (UPDATE_SCREENSHOTS=1), else a temp folder.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import ExcelJS from 'exceljs';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let xlsx: Buffer;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem({ env: { IMPORT_MAX_XLSX_READS: '1' } });
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('目录');
  ws.addRow(['档案号', '材料类别', '材料名称', '材料形成时间', '页数']);
  ws.addRow(['NO-SUCH-1', '4-1', '高等学校毕业生登记表', '2001-02-15', 2]);
  xlsx = Buffer.from(await wb.xlsx.writeBuffer());
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('an XLSX checked while another is being read: the page says the server is busy and to try again; afterwards the check goes through', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/imports`);
  await p.getByRole('heading', { name: '目录导入', level: 1 }).waitFor();
  await p.getByLabel('导入文件（CSV 或 XLSX）').setInputFiles({ name: '目录.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx });

  // Another user's file is being read: the one slot is taken.
  const free = sys.services.archives.xlsxReads.take();
  try {
    await p.getByRole('button', { name: '检查' }).click();
    const failure = p.getByTestId('import-failure');
    await failure.waitFor();
    t.is(
      await failure.textContent(),
      '检查未能完成：服务器正在读取其他 XLSX 文件（同时最多 1 个），请约 10 秒后再试；本文件未被读取，没有导入任何内容',
    );
    t.is(await failure.getAttribute('role'), 'alert');
    t.false(await p.getByTestId('import-report').isVisible(), 'no report of a file that was not read');
    t.true(await p.getByRole('button', { name: /检查/ }).isEnabled(), 'the file can be checked again');
    t.log(await shot(p, 'import-busy-refused-zh-1280'));

    await p.getByLabel('语言').selectOption('en');
    await p.getByRole('heading', { name: 'Catalogue import', level: 1 }).waitFor();
    await p.setViewportSize({ width: 1024, height: 800 });
    await p.getByRole('button', { name: /^Check/ }).click();
    await p.getByTestId('import-failure').getByText(/The server is reading other XLSX files/).waitFor();
    const en = (await p.getByTestId('import-failure').textContent()) ?? '';
    t.regex(en, /The server is reading other XLSX files \(at most 1 at a time\): try again in about 10 seconds\. This file was not read and nothing was imported/);
    t.notRegex(en, /[\u4e00-\u9fff]/, 'in English only');
    t.log(await shot(p, 'import-busy-refused-en-1024'));
  } finally {
    free();
  }

  // The other reading is over: the same file is checked.
  await p.getByRole('button', { name: /^Check/ }).click();
  await p.getByTestId('import-report').getByRole('heading', { name: /The check found 1 problem/ }).waitFor();
  t.false(await p.getByTestId('import-failure').isVisible());
  t.deepEqual(b.problems.filter((m) => !/503/.test(m)), []);
  t.deepEqual(b.outside, []);
});
