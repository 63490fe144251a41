// The archivist's 扫描质检 list and 复制登记 in chromium: a failing material shows its findings in
// Chinese and passes after the missing page is uploaded and it is checked again; a copy's PDF is
// made from the register and its download link appears. Screenshots: docs/screenshots/scan-quality.png
// and copy-register.png (UPDATE_SCREENSHOTS=1), else a temp folder.
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { plainArchiveOf, postBytes } from '../archives/helpers.ts';
import { certifiedCase, type CertifiedCase } from '../copies/helpers.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let copyCase: CertifiedCase;
const failing: Array<{ id: number; pages: number; seq_no: string; cadre: string }> = [];

const page = (dpi: number, shade: number) =>
  sharp({ create: { width: 620, height: 877, channels: 3, background: { r: shade, g: shade, b: shade } } }).toColourspace('b-w').jpeg().withMetadata({ density: dpi }).toBuffer();

test.before(async () => {
  sys = await startSystem();
  copyCase = await certifiedCase(sys, 2);
  const archivist = await sys.as('archivist1');
  await archivist.post(`/api/copy-register/${copyCase.rows[0].id}/pdf`, {});
  // Two materials with scan problems: one page short; a page at 150 dpi.
  for (const [skip, dpi] of [[7, 300], [8, 150]] as const) {
    const a = await plainArchiveOf(sys, '150300-ZZB-DAS', skip);
    const m = await sys.services.db('materials').where({ archive_id: a.archiveId }).where('pages', '>=', 2).orderBy('id').first();
    await postBytes(archivist, `/api/materials/${m.id}/pages`, await page(dpi, 200 + skip), 'image/jpeg');
    failing.push({ ...m, cadre: a.name });
  }
  b = await openBrowser(sys.url, { width: 1360, height: 820 });
  await login(b.page, sys.url, 'archivist1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('扫描质检: the failing materials with their findings; checking again after the missing page arrives clears one', async (t) => {
  const p = b.page;
  await p.getByRole('link', { name: '扫描质检' }).click();
  await p.getByRole('heading', { name: '扫描质检' }).waitFor();
  const rows = p.locator('table.qc tbody tr');
  await rows.first().waitFor();
  t.is(await rows.count(), 2);
  const text = await p.locator('table.qc').innerText();
  t.regex(text, /扫描页数 1 与目录页数 \d+ 不符/);
  t.regex(text, /分辨率 150 dpi 低于 200/);
  t.true(text.includes(failing[0].cadre) && text.includes(failing[1].cadre));
  await shot(p, 'scan-quality', { fullPage: true });

  // The missing pages arrive; 重新检查 clears the first material.
  const archivist = await sys.as('archivist1');
  for (let n = 2; n <= failing[0].pages; n++) await postBytes(archivist, `/api/materials/${failing[0].id}/pages`, await page(300, 100 + n), 'image/jpeg');
  await p.locator('table.qc tbody tr', { hasText: failing[0].cadre }).getByRole('button', { name: '重新检查' }).click();
  await p.getByText(`${failing[0].seq_no} 已通过质检`).waitFor();
  // (A locator wait, not a string predicate: the page's CSP refuses eval.)
  await p.locator('table.qc tbody tr', { hasText: failing[0].cadre }).waitFor({ state: 'detached' });
  t.is(await p.locator('table.qc tbody tr').count(), 1);
  t.is(await p.locator('table.qc tbody tr', { hasText: failing[1].cadre }).count(), 1);
  t.deepEqual(b.problems, []);
});

test.serial('复制登记: the register row links its PDF; the archivist makes the other copy’s PDF from the row', async (t) => {
  const p = b.page;
  await p.getByRole('link', { name: '复制登记' }).click();
  await p.getByRole('heading', { name: '复制登记' }).waitFor();
  const first = p.locator('table.register tbody tr', { hasText: copyCase.rows[0].serial_no });
  const link = first.getByRole('link', { name: '下载 PDF' });
  await link.waitFor();
  t.is(await link.getAttribute('href'), `/api/copy-register/${copyCase.rows[0].id}/pdf`);
  const second = p.locator('table.register tbody tr', { hasText: copyCase.rows[1].serial_no });
  await second.getByRole('button', { name: '制作 PDF' }).click();
  await p.getByText(`${copyCase.rows[1].serial_no} 的 PDF 已制作`).waitFor();
  await second.getByRole('link', { name: '下载 PDF' }).waitFor();
  t.truthy((await sys.services.db('copy_records').where({ id: copyCase.rows[1].id }).first()).pdf_file);
  const response = await p.request.get(`${sys.url}/api/copy-register/${copyCase.rows[0].id}/pdf`);
  t.is(response.status(), 200);
  t.is(response.headers()['content-type'], 'application/pdf');
  t.is((await response.body()).subarray(0, 5).toString(), '%PDF-');
  await shot(p, 'copy-register', { fullPage: true });
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});
