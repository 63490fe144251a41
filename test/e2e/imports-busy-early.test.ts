// 目录导入 in chromium of a large XLSX (15 MB) while the server is reading another: the refusal
// (503 IMPORT_BUSY) now comes before the upload's body is read; the browser still shows it in
// words, as the server's busy message — not as a broken connection.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem({ env: { IMPORT_MAX_XLSX_READS: '1' } });
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('a 15 MB XLSX checked while another is read: the page says the server is busy, not a broken connection', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/imports`);
  await p.getByRole('heading', { name: '目录导入', level: 1 }).waitFor();
  // Bytes that would take the server a while to receive; refused before they are read.
  const big = Buffer.concat([Buffer.from('PK\u0003\u0004'), crypto.randomBytes(15 * 1024 * 1024)]);
  await p.getByLabel('导入文件（CSV 或 XLSX）').setInputFiles({ name: '目录.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: big });
  const free = sys.services.archives.xlsxReads.take();
  try {
    await p.getByRole('button', { name: '检查' }).click();
    const failure = p.getByTestId('import-failure');
    await failure.waitFor();
    t.is(await failure.textContent(), '检查未能完成：服务器正在读取其他 XLSX 文件（同时最多 1 个），请约 10 秒后再试；本文件未被读取，没有导入任何内容');
  } finally {
    free();
  }
  t.deepEqual(b.problems.filter((m) => !/503/.test(m)), []);
});
