// The auditor reads a 摘录件's PDF as one (regression: every `copy.pdf_create` row read
// 档案复制 · 制作复制件 PDF, an extract's too). The row's detail says its kind (copies/service.ts), and
// the console names the verb by it (console/audit/audit-names.ts actionName): 制作摘录件 PDF for an
// extract, 制作复制件 PDF for a copy, in the table and in the row's detail; its download likewise; the
// object is a row of 复制登记 (not 复制件, whichever kind).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { certifiedCase } from '../copies/helpers.ts';
import { openBrowser, loginWithCode, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  sys = await startSystem();
  const archivist = await sys.as('archivist1');
  const extract = (await certifiedCase(sys, 5, { kind: 'extract', pages: 4 })).rows[0];
  const e = await archivist.post(`/api/copy-register/${extract.id}/extract`, { text: '1998年7月毕业于内蒙古大学汉语言文学专业，同年9月参加工作。', pageFrom: 2, pageTo: 3, checked: true });
  if (e.status !== 200 && e.status !== 201) throw new Error(`extract: ${e.status} ${JSON.stringify(e.body)}`);
  const copy = (await certifiedCase(sys, 6)).rows[0];
  const c = await archivist.post(`/api/copy-register/${copy.id}/pdf`, {});
  if (c.status !== 200 && c.status !== 201) throw new Error(`copy: ${c.status} ${JSON.stringify(c.body)}`);
  for (const id of [extract.id, copy.id]) {
    const d = await fetch(`${archivist.base}/api/copy-register/${id}/pdf`, { headers: { cookie: archivist.cookie } });
    if (d.status !== 200) throw new Error(`download: ${d.status}`);
    await d.arrayBuffer();
  }
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});

test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('copy.pdf_create reads 制作摘录件 PDF for an extract and 制作复制件 PDF for a copy, in the table and the detail', async (t) => {
  const p = b.page;
  await loginWithCode(p, sys, 'auditor');
  await p.goto(`${sys.url}/console/audit`);
  const rows = p.locator('table[aria-label="审计记录"] tbody tr', { has: p.getByText('copy.pdf_create', { exact: true }) });
  await rows.first().waitFor();
  t.is(await rows.count(), 2);
  const extractRow = rows.filter({ has: p.getByText('档案复制 · 制作摘录件 PDF', { exact: true }) });
  const copyRow = rows.filter({ has: p.getByText('档案复制 · 制作复制件 PDF', { exact: true }) });
  t.is(await extractRow.count(), 1, 'the extract’s row names the 摘录件');
  t.is(await copyRow.count(), 1, 'the copy’s row names the 复制件');
  // The object is a row of 复制登记, whichever kind: not called a 复制件 when it is an extract.
  t.regex(await extractRow.locator('td.object').innerText(), /^复制登记 复制-\d{4}-\d{4}-\d{2}/);
  t.log(await shot(p, 'audit-extract-name-zh-1280'));

  await extractRow.getByRole('button', { name: /第 \d+ 条记录的详情/ }).click();
  const dialog = p.getByRole('dialog', { name: /审计记录 #\d+/ });
  await dialog.waitFor();
  await dialog.getByText(/档案复制 · 制作摘录件 PDF/).first().waitFor();
  t.regex(await dialog.getByTestId('audit-detail').innerText(), /kind\s+extract/);
  t.log(await shot(p, 'audit-extract-name-detail-zh-1280'));
  await dialog.getByRole('button', { name: '关闭' }).click();

  // Its download, the same way.
  const download = p.locator('table[aria-label="审计记录"] tbody tr', { has: p.getByText('copy.pdf_download', { exact: true }) });
  t.is(await download.filter({ has: p.getByText('档案复制 · 下载摘录件 PDF', { exact: true }) }).count(), 1);
  t.is(await download.filter({ has: p.getByText('档案复制 · 下载复制件 PDF', { exact: true }) }).count(), 1);
});
