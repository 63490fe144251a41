// Three small things an archive office notices, in chromium. The scan viewer: zoom (放大/缩小/
// 适合宽度 and the + and - keys) changes the percentage shown and the size of the page, which
// scrolls inside its frame when larger; the thumbnails below turn to the page clicked, the shown
// one marked. 库房核对: an archivist of one office starts a check without choosing; a chief who is
// also the leader over the city's offices (two offices) must choose the office in the start
// dialog, and the check is of the office chosen; an office the server no longer counts as hers is
// refused with a message that says so. 发起申请: the start form of 材料催收 takes its first values
// from the query string — a number for the cadre and the unit, the text, a select's option — and
// ignores what is not a field or not of its kind; the user still edits and sends. Screenshot: docs/screenshots/archive-scans-zoom.png
// (UPDATE_SCREENSHOTS=1), else a temp folder.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { demoCadre, type DemoCadre } from '../helpers/cases.ts';
import { scanPages } from '../reading/helpers.ts';
import { addUser } from '../helpers/users.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let cadre: DemoCadre;
/** A material of the cadre's archive with 3 or more pages, every page scanned for the test. */
let material: { id: number; seqNo: string; title: string; pages: number };

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  cadre = await demoCadre(sys, 'county', 0);
  const m = await sys.services.db('materials').where({ archive_id: cadre.archiveId }).where('pages', '>=', 3).orderBy('pages').first('id', 'seq_no', 'title', 'pages');
  if (!m) throw new Error('no material of 3 pages or more');
  material = { id: m.id, seqNo: m.seq_no, title: m.title, pages: m.pages };
  await scanPages(sys, material.id, material.pages, cadre.name);
  // A chief who is also the leader over 乌海市: the city's office and 海勃湾区's are both hers.
  await addUser(sys, { username: 'chiefleader', displayName: '钱卫东', org: '150300', roles: ['archive_chief', 'auth_leader'] });
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

/** Waits until the image has arrived and decoded (a locator wait: the page's CSP refuses eval). */
async function decoded(p: Page, selector: string): Promise<boolean> {
  const img = p.locator(selector);
  await img.waitFor();
  const ok = () => img.evaluate((el: any) => el.complete && el.naturalWidth > 0);
  for (let i = 0; i < 150 && !(await ok()); i++) await p.waitForTimeout(100);
  return ok();
}
const percentOf = async (p: Page) => Number(/^(\d+)%$/.exec((await p.getByTestId('scan-zoom').textContent()) ?? '')?.[1]);
const widthOf = async (p: Page) => (await p.locator('img.scan').boundingBox())!.width;
/** Waits for the percentage to leave `from` (the page is re-laid out after a tick). */
async function changed(p: Page, from: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const now = await percentOf(p);
    if (now !== from) return now;
    await p.waitForTimeout(50);
  }
  return from;
}

test.serial('the scan viewer zooms with 放大/缩小/适合宽度 and the keys, the page scrolling in its frame; a thumbnail turns to its page', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/archives/${cadre.archiveId}`);
  const row = p.locator(`tr.material[data-material="${material.id}"]`);
  await row.getByRole('button', { name: /^查看扫描件/ }).click();
  const dialog = p.getByRole('dialog', { name: `${material.seqNo} ${material.title}` });
  await dialog.getByTestId('scan-page-of').filter({ hasText: `第 1 / ${material.pages} 页` }).waitFor();
  t.true(await decoded(p, `img.scan[src$="/materials/${material.id}/pages/1"]`), 'page 1 is shown');

  // The page opens whole in the frame.
  const stage = dialog.getByTestId('scan-stage');
  const frame = (await stage.boundingBox())!;
  const whole = await percentOf(p);
  t.true(whole > 0 && whole <= 100, `whole page at ${whole}%`);
  const img0 = (await p.locator('img.scan').boundingBox())!;
  t.true(img0.height <= frame.height && img0.width <= frame.width, 'the whole page fits the frame');
  t.false(await stage.evaluate((el) => el.scrollHeight > el.clientHeight), 'nothing to scroll');

  // 放大: a larger percentage and a larger page, which now scrolls in the frame.
  await dialog.getByRole('button', { name: '放大', exact: true }).click();
  const larger = await changed(p, whole);
  t.true(larger > whole, `${larger}% after ${whole}%`);
  const w1 = await widthOf(p);
  t.true(w1 > img0.width, 'the page grew');
  t.true(Math.abs(w1 / img0.width - larger / whole) < 0.05, 'in proportion to the percentage');
  await dialog.getByRole('button', { name: '放大', exact: true }).click();
  const largest = await changed(p, larger);
  t.true(largest > larger);
  t.true(await stage.evaluate((el) => el.scrollHeight > el.clientHeight), 'the frame scrolls the page');
  await stage.evaluate((el) => el.scrollBy(0, 200));
  t.true(await stage.evaluate((el) => el.scrollTop > 0), 'scrolled down');

  // 缩小 and the keys: - then + (the focus anywhere in the dialog).
  await dialog.getByRole('button', { name: '缩小', exact: true }).click();
  t.is(await changed(p, largest), larger);
  await p.keyboard.press('-');
  const afterMinus = await changed(p, larger);
  t.true(afterMinus < larger, `- : ${afterMinus}%`);
  t.true((await widthOf(p)) < w1);
  await p.keyboard.press('+');
  t.is(await changed(p, afterMinus), larger, '+ zooms back in');

  // 适合宽度: 100%, the page as wide as the frame (less its padding).
  await dialog.getByRole('button', { name: '适合宽度' }).click();
  t.is(await changed(p, larger), 100);
  const fit = await widthOf(p);
  const inner = await stage.evaluate((el) => el.clientWidth);
  t.true(Math.abs(fit - (inner - 16)) <= 2, `page ${fit}px in a frame ${inner}px wide`);
  await dialog.getByRole('button', { name: '放大', exact: true }).click();
  t.is(await changed(p, 100), 125);
  await stage.evaluate((el) => el.scrollTo(0, 0));
  await shot(p, 'archive-scans-zoom');

  // No zooming past 400%: the button is disabled there.
  for (let i = 0; i < 10 && !(await dialog.getByRole('button', { name: '放大', exact: true }).isDisabled()); i++) await dialog.getByRole('button', { name: '放大', exact: true }).click();
  t.is(await percentOf(p), 400);

  // The thumbnails: one per page, the first marked; a click on the last shows it, and the zoom stays.
  const thumbs = dialog.getByRole('list', { name: '页面缩略图' }).getByRole('button');
  t.is(await thumbs.count(), material.pages);
  t.is(await thumbs.nth(0).getAttribute('aria-current'), 'true');
  const last = dialog.getByRole('button', { name: `第 ${material.pages} 页`, exact: true });
  await last.click();
  await dialog.getByTestId('scan-page-of').filter({ hasText: `第 ${material.pages} / ${material.pages} 页` }).waitFor();
  t.true(await decoded(p, `img.scan[src$="/materials/${material.id}/pages/${material.pages}"]`), 'the last page is shown');
  t.is(await last.getAttribute('aria-current'), 'true');
  t.is(await thumbs.nth(0).getAttribute('aria-current'), null);
  t.is(await percentOf(p), 400);
  t.is(await dialog.getByRole('button', { name: '下一页' }).isDisabled(), true);
  // The arrow keys still turn the pages.
  await p.keyboard.press('ArrowLeft');
  await dialog.getByTestId('scan-page-of').filter({ hasText: `第 ${material.pages - 1} / ${material.pages} 页` }).waitFor();
  t.is(await thumbs.nth(material.pages - 2).getAttribute('aria-current'), 'true');
  // The thumbnails are the server's scaled-down copies of the office's pages, loaded lazily, each
  // read audited as page.thumbnail; the first one has been shown.
  const first = thumbs.locator('img').first();
  t.true((await first.getAttribute('src'))!.endsWith(`/api/materials/${material.id}/pages/1/thumbnail`));
  t.true(await first.evaluate((el: any) => el.loading === 'lazy'));
  t.true(await first.evaluate((el: any) => el.complete && el.naturalWidth > 0 && el.naturalWidth <= 200));
  t.truthy(await sys.services.db('audit_log').where({ action: 'page.thumbnail', object_id: `${material.id}/1`, actor: 'archivist1' }).first());

  await dialog.getByRole('button', { name: '关闭' }).click();
  await dialog.waitFor({ state: 'hidden' });
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
  await logout(p);
});

const office = (code: string) => sys.services.db('org_units').where({ code }).first('id', 'name');
/** The 404 the test asks for (an office no longer the chief's), with the console line chromium logs for it. */
const refused = [/^HTTP 404: POST .*\/api\/stock-checks$/, /^console: Failed to load resource: .*status of 404/];

test.serial('库房核对: one office starts without a choice; a chief of two offices chooses the office, and an office no longer hers is refused by name', async (t) => {
  const p = b.page;
  const city = await office('150300-ZZB-DAS');
  const district = await office('150302-ZZB-DAS');

  // archivist1 holds one office: no select, the check is of her office.
  await login(p, sys.url, 'archivist1');
  // The select would come with the answer about her offices: the dialog is opened after it.
  const asked = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/archive-offices');
  await p.goto(`${sys.url}/stock-checks`);
  await p.getByRole('heading', { name: '库房核对', level: 1 }).waitFor();
  t.is((await asked).status(), 200);
  await p.getByRole('button', { name: '开始核对' }).click();
  let start = p.getByRole('dialog', { name: '开始库房核对' });
  await start.getByLabel('核对名称').waitFor();
  t.is(await start.getByLabel('核对的档案室').count(), 0, 'no office to choose');
  await start.getByRole('button', { name: '取消' }).click();
  await start.waitFor({ state: 'hidden' });
  await logout(p);

  // The chief of two offices: the select lists both; starting without a choice is stopped here.
  await login(p, sys.url, 'chiefleader');
  await p.goto(`${sys.url}/stock-checks`);
  await p.getByRole('heading', { name: '库房核对', level: 1 }).waitFor();
  await p.getByRole('button', { name: '开始核对' }).click();
  start = p.getByRole('dialog', { name: '开始库房核对' });
  const select = start.getByLabel('核对的档案室');
  await select.waitFor();
  t.deepEqual(await select.locator('option').allTextContents(), ['请选择', city.name, district.name]);
  await start.getByText('您管理 2 个档案室，每次核对其中一个。').waitFor();
  await start.getByLabel('核对名称').fill('海勃湾区年终核对（测试）');
  await start.getByRole('button', { name: '开始核对' }).click();
  await start.getByText('请选择要核对的档案室。').waitFor();
  t.is(await select.getAttribute('aria-invalid'), 'true');
  t.true(await select.evaluate((el) => el === (globalThis as any).document.activeElement), 'the select has the focus');
  t.is(await sys.services.db('stock_checks').count<{ n: number }[]>({ n: '*' }).then((r) => Number(r[0].n)), 0, 'nothing started');

  // An office the server no longer counts as hers (海勃湾区's stops holding archives meanwhile):
  // refused, and the message says why.
  await sys.services.db('org_units').where({ id: district.id }).update({ is_custodian: false });
  await select.selectOption({ label: district.name });
  await start.getByRole('button', { name: '开始核对' }).click();
  await start.getByRole('alert').filter({ hasText: '所选档案室不在您的管理范围内，不能开始核对。请刷新页面后重新选择。' }).waitFor();
  await sys.services.db('org_units').where({ id: district.id }).update({ is_custodian: true });

  // Chosen and started: the check is of 海勃湾区's office.
  await start.getByRole('button', { name: '开始核对' }).click();
  await p.getByRole('heading', { name: '海勃湾区年终核对（测试）', level: 1 }).waitFor();
  const id = Number(/\/stock-checks\/(\d+)$/.exec(new URL(p.url()).pathname)?.[1]);
  const row = await sys.services.db('stock_checks').where({ id }).first();
  t.is(row.custodian_org_id, district.id);
  t.deepEqual(b.problems.filter((x) => !refused.some((re) => re.test(x))), []);
  t.is(b.problems.filter((x) => refused[0].test(x)).length, 1, 'one refusal');
  t.deepEqual(b.outside, []);
  await logout(p);
});

test.serial('the start form takes its first values from the URL, ignores what does not fit, and the user still edits and sends', async (t) => {
  const p = b.page;
  const producer = await office('150300-RSJ');
  await login(p, sys.url, 'archivist1');
  const form = p.locator('#start-form');
  const category = form.getByLabel(/^材料类别/);
  const unit = form.getByLabel(/^材料形成单位/);
  const title = form.getByLabel(/^应移交的材料/);
  const note = form.getByLabel(/^说明/);
  const date = form.getByLabel(/^材料形成时间/);

  // What does not fit is left out: not a number, not an option, a date field, no such field.
  const bad = new URLSearchParams({ cadreId: '12abc', producerOrgId: '0x1f', categoryCode: '4-9', formedDate: '2026-10-01', decision: 'approve', foo: 'bar' });
  await p.goto(`${sys.url}/start/collection-notice?${bad}`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await form.getByRole('combobox', { name: /^干部/ }).waitFor();
  t.is(await category.inputValue(), '');
  t.is(await unit.inputValue(), '');
  t.is(await date.inputValue(), '');
  t.is(await title.inputValue(), '');

  // The cadre, the unit, the material's title and category, a note: each in its field.
  const wanted = '学历学位证书复印件（2020年）';
  const good = new URLSearchParams({ cadreId: String(cadre.id), producerOrgId: String(producer.id), title: wanted, categoryCode: '4-1', note: '经核对档案目录缺少此件。' });
  await p.goto(`${sys.url}/start/collection-notice?${good}`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  // The cadre shows by name (the picker reads the record the URL names), not as a bare number.
  await form.getByText(new RegExp(`^已选择：${cadre.name}`)).waitFor();
  t.is(await title.inputValue(), wanted);
  t.is(await category.inputValue(), '4-1');
  t.is(await category.locator('option:checked').textContent(), '4-1 学历学位材料');
  await unit.locator('option', { hasText: producer.name }).waitFor({ state: 'attached' });
  t.is(await unit.inputValue(), String(producer.id));
  t.is(await note.inputValue(), '经核对档案目录缺少此件。');
  t.is(await date.inputValue(), '', 'a date is not taken from the URL');

  // The user still edits what came from the URL, fills in the rest and sends.
  await title.fill('学位证书复印件');
  await category.selectOption({ label: '4-2 专业技术职务（职称）材料' });
  await date.fill('2026-09-30');
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByText('材料催收：学位证书复印件').first().waitFor();
  const n = await sys.services.db('collection_notices').where({ cadre_id: cadre.id }).first();
  t.like(n, { producer_org_id: producer.id, title: '学位证书复印件', category_code: '4-2', formed_date: '2026-09-30' });
  t.deepEqual(b.problems.filter((x) => !refused.some((re) => re.test(x))), []);
  t.deepEqual(b.outside, []);
  await logout(p);
});
