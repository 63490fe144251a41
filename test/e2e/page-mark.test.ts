// 标为不合格 in chromium: the archivist looks at a material's pages on the archive page, marks one
// failing by eye with a reason in a small dialog (a reason too short is explained and nothing is
// sent), is told the archive went back to 部分数字化, sees the mark on the page and in the catalogue
// row; 扫描质检 lists it with her words and offers 重扫此页. Screenshots to /tmp/helper83 (looked at).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { plainArchiveOf } from '../archives/helpers.ts';
import { openBrowser, login, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;
let archive: { archiveId: number; name: string };
let material: { id: number; pages: number; seq_no: string; title: string };
const SHOTS = '/tmp/helper83';

const page = (shade: number) =>
  sharp({ create: { width: 620, height: 877, channels: 3, background: { r: shade, g: shade, b: shade } } }).toColourspace('b-w').jpeg().withMetadata({ density: 300 }).toBuffer();
const shot = (name: string) => b.page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

test.before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  sys = await startSystem();
  const db = sys.services.db;
  // An archive scanned in full and marked 已数字化.
  archive = await plainArchiveOf(sys, '150300-ZZB-DAS', 9);
  const materials = await db('materials').where({ archive_id: archive.archiveId }).orderBy('id');
  for (const m of materials) {
    const have = (await db('page_images').where({ material_id: m.id })).length;
    const pages = await Promise.all(Array.from({ length: m.pages - have }, (_, i) => page(150 + ((m.id * 7 + i) % 90))));
    if (pages.length) await db.transaction((trx) => sys.services.archives.addPageScans(trx, m.id, pages));
  }
  const done = await (await sys.as('archivist1')).post(`/api/archives/${archive.archiveId}/digital-status`, { to: 'done' });
  if (done.status !== 200) throw new Error(JSON.stringify(done.body));
  material = materials.find((m: { pages: number }) => m.pages >= 2) ?? materials[0];
  b = await openBrowser(sys.url, { width: 1360, height: 900 });
  await login(b.page, sys.url, 'archivist1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('标为不合格: the archivist marks a page in the viewer with a reason; the archive goes back, the page and 扫描质检 show the mark', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/archives/${archive.archiveId}`);
  await p.getByRole('button', { name: `查看扫描件：${material.seq_no} ${material.title}` }).click();
  const viewer = p.getByRole('dialog', { name: `${material.seq_no} ${material.title}` });
  await viewer.getByTestId('scan-page-of').waitFor();
  await viewer.getByRole('button', { name: '下一页' }).click();
  await viewer.getByText(`第 2 / ${material.pages} 页`).waitFor();

  // The dialog: a reason of one character is explained, and nothing is sent.
  await viewer.getByRole('button', { name: '标为不合格' }).click();
  const dialog = p.getByRole('dialog', { name: `${material.seq_no} 第 2 页标为不合格` });
  await dialog.waitFor();
  await dialog.getByLabel('不合格原因').fill('糊');
  await dialog.getByRole('button', { name: '标为不合格' }).click();
  await dialog.getByRole('alert').waitFor();
  t.is(await dialog.getByRole('alert').innerText(), '请写明不合格的原因，2–200 个字');
  t.is((await sys.services.db('page_marks')).length, 0, 'nothing sent');

  // A reason: marked, the archive back to 部分数字化, the mark shown on the page.
  await dialog.getByLabel('不合格原因').fill('字迹模糊，第二段<b>无法</b>辨认');
  await shot('mark-dialog');
  await dialog.getByRole('button', { name: '标为不合格' }).click();
  await p.getByText(`${material.seq_no} 第 2 页已标为不合格`).waitFor();
  await p.getByText('档案已退回“部分数字化”').waitFor();
  await dialog.waitFor({ state: 'hidden' });
  const notice = viewer.getByTestId('scan-page-mark');
  await notice.waitFor();
  t.regex(await notice.innerText(), /^本页已标为不合格：字迹模糊，第二段<b>无法<\/b>辨认（刘晓燕，.+）。重扫此页后标记清除。$/, 'the reason as text, not markup');
  t.true(await viewer.getByRole('button', { name: '标为不合格' }).isDisabled(), 'a marked page is not marked twice');
  await shot('mark-viewer');
  t.is((await sys.services.db('archives').where({ id: archive.archiveId }).first()).digital_status, 'partial');
  const [row] = await sys.services.db('page_marks');
  t.like(row, { material_id: material.id, page_no: 2, reason: '字迹模糊，第二段<b>无法</b>辨认', cleared_at: null });

  // Page 1 carries no mark and may be marked.
  await viewer.getByRole('button', { name: '上一页' }).click();
  await viewer.getByText(`第 1 / ${material.pages} 页`).waitFor();
  t.is(await viewer.getByTestId('scan-page-mark').count(), 0);
  t.false(await viewer.getByRole('button', { name: '标为不合格' }).isDisabled());

  // The catalogue row says what was found, in words.
  await viewer.getByRole('button', { name: '关闭' }).click();
  const result = p.locator(`tr[data-result="${material.id}"]`);
  await result.waitFor();
  t.regex(await result.innerText(), /第 2 页经人工检查不合格：字迹模糊，第二段<b>无法<\/b>辨认/);

  // 扫描质检 lists it with her words, marked by hand, with 重扫此页.
  await p.getByRole('link', { name: '扫描质检' }).click();
  const qc = p.locator('table.qc tbody tr', { hasText: archive.name });
  await qc.waitFor();
  const text = await qc.innerText();
  t.true(text.includes('第 2 页经人工检查不合格：字迹模糊，第二段<b>无法</b>辨认'), text);
  t.true(text.includes('人工标记'));
  t.false((await qc.locator('.findings').innerText()).includes(' / '), 'one language at a time');
  t.is(await qc.getByRole('button', { name: '重扫第 2 页' }).count(), 1);
  await shot('mark-quality');

  // In English: the button, the mark on the page and the dialog.
  await p.getByLabel('语言').selectOption('en');
  await p.goto(`${sys.url}/archives/${archive.archiveId}`);
  await p.getByRole('button', { name: `View the scans of ${material.seq_no} ${material.title}` }).click();
  const en = p.getByRole('dialog', { name: `${material.seq_no} ${material.title}` });
  await en.getByRole('button', { name: 'Next', exact: true }).click();
  t.regex(await en.getByTestId('scan-page-mark').innerText(), /^This page is marked as failing: 字迹模糊，第二段<b>无法<\/b>辨认 \(刘晓燕, .+\)\. Rescanning the page clears the mark\.$/);
  await en.getByRole('button', { name: 'Previous', exact: true }).click();
  await en.getByRole('button', { name: 'Mark as failing' }).click();
  const enDialog = p.getByRole('dialog', { name: `${material.seq_no}: mark page 1 as failing` });
  await enDialog.getByLabel('Why it fails').fill('Skewed, the right margin cut off');
  await shot('mark-dialog-en');
  await enDialog.getByRole('button', { name: 'Mark as failing' }).click();
  await p.getByText(`${material.seq_no}: page 1 is marked as failing`).waitFor();
  t.is((await sys.services.db('page_marks').where({ material_id: material.id, page_no: 1 }).first()).reason, 'Skewed, the right margin cut off');
  t.deepEqual(b.problems, []);
});
