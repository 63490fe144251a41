// 扫描质检 in chromium: a material with a page uploaded by mistake past its 页数 offers 撤下第 n 页 for
// its last page; the dialog asks for a reason (too short: said there, nothing sent), the withdrawal
// clears the finding and the row; 重扫此页 on a slow line says 正在上传第 n 页… with a spinner and no
// second click until the upload ends. Chinese and English. Screenshots in a temp folder (shots.ts).
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { plainArchiveOf, postBytes } from '../archives/helpers.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
const surplus: Array<{ id: number; pages: number; seq_no: string; cadre: string }> = [];
let lowDpi: { id: number; seq_no: string; cadre: string };

const page = (dpi: number, shade: number) =>
  sharp({ create: { width: 120, height: 170, channels: 3, background: { r: shade, g: shade, b: shade } } }).jpeg().withMetadata({ density: dpi }).toBuffer();

/** A material of the archive `skip` of the city office, scanned in full, then `extra` pages more by mistake. */
async function scanned(skip: number, extra: number, dpi = 300) {
  const a = await plainArchiveOf(sys, '150300-ZZB-DAS', skip);
  const m = await sys.services.db('materials').where({ archive_id: a.archiveId }).where('pages', '>=', 1).orderBy('id').first();
  if (!(await sys.services.db('page_images').where({ material_id: m.id }).first())) {
    const pages = await Promise.all(Array.from({ length: m.pages }, (_, i) => page(dpi, 60 + i * 3 + skip)));
    await sys.services.db.transaction((trx) => sys.services.archives.addPageScans(trx, m.id, pages));
  }
  const archivist = await sys.as('archivist1');
  for (let i = 0; i < extra; i++) await postBytes(archivist, `/api/materials/${m.id}/pages`, await page(300, 200 + i + skip), 'image/jpeg');
  return { ...m, cadre: a.name };
}

test.before(async () => {
  sys = await startSystem();
  surplus.push(await scanned(3, 1), await scanned(4, 1));
  lowDpi = await scanned(5, 0, 150);
  await (await sys.as('archivist1')).post(`/api/materials/${lowDpi.id}/scan-checks`, {});
  b = await openBrowser(sys.url, { width: 1360, height: 820 });
  await login(b.page, sys.url, 'archivist1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const problems = () => b.problems.filter((x) => !x.includes('status of 422'));

test.serial('撤下多余页: the surplus last page is withdrawn with a reason and the material leaves /quality', async (t) => {
  const p = b.page;
  const m = surplus[0];
  await p.goto(`${sys.url}/quality`);
  await p.getByRole('heading', { name: '扫描质检' }).waitFor();
  const row = p.locator('table.qc tbody tr', { hasText: m.cadre });
  await row.waitFor();
  t.regex(await row.locator('.findings').innerText(), new RegExp(`扫描页数 ${m.pages + 1} 与目录页数 ${m.pages} 不符`));
  // Only on a material with too many pages: the low-dpi one offers no withdrawal.
  const low = p.locator('table.qc tbody tr', { hasText: lowDpi.cadre });
  await low.waitFor();
  t.is(await low.getByRole('button', { name: /撤下第/ }).count(), 0);

  await row.getByRole('button', { name: `撤下第 ${m.pages + 1} 页` }).click();
  const dialog = p.getByRole('dialog', { name: `撤下多余页：${m.seq_no} 第 ${m.pages + 1} 页` });
  await dialog.waitFor();
  t.regex(await dialog.innerText(), new RegExp(`该材料扫描了 ${m.pages + 1} 页，目录页数为 ${m.pages} 页`));
  // Too short: said in the dialog, nothing sent.
  await dialog.getByLabel('撤下原因').fill('误');
  await dialog.getByRole('button', { name: '撤下此页' }).click();
  await dialog.getByText('请写明撤下的原因，2–200 个字').waitFor();
  t.is((await sys.services.db('page_images').where({ material_id: m.id }).whereNotNull('withdrawn_at')).length, 0);
  await dialog.getByLabel('撤下原因').fill('误传：另一份材料的页面');
  t.log(await shot(p, 'quality-withdraw-dialog'));
  await dialog.getByRole('button', { name: '撤下此页' }).click();
  await p.getByText(`${m.seq_no} 第 ${m.pages + 1} 页已撤下，已通过质检`).waitFor();
  await row.waitFor({ state: 'detached' });
  const w = await sys.services.db('page_images').where({ material_id: m.id }).whereNotNull('withdrawn_at').first();
  t.like(w, { page_no: m.pages + 1, withdrawn_reason: '误传：另一份材料的页面' });
  t.log(await shot(p, 'quality-withdrawn'));
  t.deepEqual(problems(), []);
});

test.serial('in English: Withdraw page n; 重扫此页 on a slow line shows Uploading page n… and cannot be clicked again until it ends', async (t) => {
  const p = b.page;
  const m = surplus[1];
  await p.goto(`${sys.url}/quality`);
  await p.getByLabel('语言').selectOption('en');
  try {
    await p.getByRole('heading', { name: 'Scan checks', level: 1 }).waitFor();
    const row = p.locator('table.qc tbody tr', { hasText: m.cadre });
    await row.waitFor();
    await row.getByRole('button', { name: `Withdraw page ${m.pages + 1}` }).click();
    const dialog = p.getByRole('dialog', { name: `Withdraw a surplus page: ${m.seq_no}, page ${m.pages + 1}` });
    await dialog.waitFor();
    t.regex(await dialog.innerText(), new RegExp(`This material has ${m.pages + 1} scanned pages; the catalogue says ${m.pages}`));
    t.log(await shot(p, 'quality-withdraw-dialog-en'));
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // 重扫此页 held on a slow line.
    const low = p.locator('table.qc tbody tr', { hasText: lowDpi.cadre });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await p.route(`**/api/materials/${lowDpi.id}/pages/1`, async (route) => {
      await held;
      await route.continue();
    });
    const chooser = p.waitForEvent('filechooser');
    await low.getByRole('button', { name: 'Rescan page 1' }).click();
    await (await chooser).setFiles({ name: 'page1.jpg', mimeType: 'image/jpeg', buffer: await page(300, 90) });
    await low.getByRole('status').getByText('Uploading page 1…').waitFor();
    t.true(await low.getByRole('button', { name: 'Rescan page 1' }).isDisabled(), 'no second upload while it runs');
    t.true(await low.getByRole('button', { name: 'Check again' }).isDisabled());
    t.log(await shot(p, 'quality-uploading-en'));
    release();
    await p.getByText(new RegExp(`Page 1 of ${lowDpi.seq_no} replaced`)).waitFor();
    await p.getByText('Uploading page 1…').waitFor({ state: 'detached' });
    await p.unroute(`**/api/materials/${lowDpi.id}/pages/1`);
  } finally {
    await p.getByLabel('Language').selectOption('zh');
  }
  t.deepEqual(problems(), []);
});
