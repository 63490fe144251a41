// What an exploratory tester found on the archivist's and the leader's pages, in chromium at the
// two sizes the office uses (Chinese at 1280 px, English at 1024 px):
// - the toasts after 标为不合格 show above the page viewer (a modal dialog) and can be closed there;
// - 数字化记录 says an automatic move back in the user's language, with words for the codes;
// - the catalogue's category headings are English in English;
// - 档案查询 never breaks a name over two lines at 1024 px;
// - 库房核对's table fits its card: every 未找到 button inside it, nothing to scroll sideways;
// - 统计分析 of a past year says its holdings and digitisation are today's (当前（截至 …）), and
//   English gets half-width colons.
// Screenshots: docs/screenshots/fit-*.png with UPDATE_SCREENSHOTS=1, else a temp folder (logged).
import test from 'ava';
import sharp from 'sharp';
import type { Locator, Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { plainArchiveOf } from '../archives/helpers.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot as save } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let archive: { archiveId: number; name: string };
let material: { id: number; pages: number; seq_no: string; title: string };
let shots: string[] = [];
const shot = async (name: string, fullPage = false) => void shots.push(await save(b.page, `fit-${name}`, { fullPage }));
const ZH = { width: 1280, height: 900 };
const EN = { width: 1024, height: 800 };

const scan = (shade: number) =>
  sharp({ create: { width: 620, height: 877, channels: 3, background: { r: shade, g: shade, b: shade } } }).toColourspace('b-w').jpeg().withMetadata({ density: 300 }).toBuffer();

async function language(p: Page, to: 'zh' | 'en') {
  const select = p.getByLabel(to === 'en' ? '语言' : 'Language');
  if ((await select.count()) > 0) await select.selectOption(to);
}

/** The element's box lies within the container's box (1 px of rounding allowed). */
async function inside(t: { true: (v: boolean, m?: string) => void }, inner: Locator, outer: Locator, what: string) {
  const [i, o] = [await inner.boundingBox(), await outer.boundingBox()];
  if (!i || !o) return t.true(false, `${what}: not laid out`);
  t.true(i.x >= o.x - 1 && i.x + i.width <= o.x + o.width + 1 && i.y >= o.y - 1 && i.y + i.height <= o.y + o.height + 1, `${what}: ${JSON.stringify(i)} within ${JSON.stringify(o)}`);
}

test.before(async () => {
  sys = await startSystem();
  const db = sys.services.db;
  // An archive scanned in full and marked 已数字化.
  archive = await plainArchiveOf(sys, '150300-ZZB-DAS', 11);
  const materials = await db('materials').where({ archive_id: archive.archiveId }).orderBy('id');
  for (const m of materials) {
    const have = (await db('page_images').where({ material_id: m.id })).length;
    const pages = await Promise.all(Array.from({ length: m.pages - have }, (_, i) => scan(150 + ((m.id * 7 + i) % 90))));
    if (pages.length) await db.transaction((trx) => sys.services.archives.addPageScans(trx, m.id, pages));
  }
  const done = await (await sys.as('archivist1')).post(`/api/archives/${archive.archiveId}/digital-status`, { to: 'done' });
  if (done.status !== 200) throw new Error(JSON.stringify(done.body));
  material = materials.find((m: { pages: number }) => m.pages >= 2) ?? materials[0];
  b = await openBrowser(sys.url, ZH);
});
test.afterEach.always((t) => {
  for (const file of shots) t.log(file);
  shots = [];
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('标为不合格 in the page viewer: both toasts show above the modal viewer and close there; 数字化记录 then says why in Chinese words only', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/archives/${archive.archiveId}`);
  await p.getByRole('button', { name: `查看扫描件：${material.seq_no} ${material.title}` }).click();
  const viewer = p.getByRole('dialog', { name: `${material.seq_no} ${material.title}` });
  await viewer.getByTestId('scan-page-of').waitFor();
  await viewer.getByRole('button', { name: '标为不合格' }).click();
  const dialog = p.getByRole('dialog', { name: `${material.seq_no} 第 1 页标为不合格` });
  await dialog.getByLabel('不合格原因').fill('字迹模糊，无法辨认');
  await dialog.getByRole('button', { name: '标为不合格' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // The toasts are the topmost thing at their own centre: not under the viewer, not dimmed by its backdrop.
  const marked = p.locator('.toast', { hasText: `${material.seq_no} 第 1 页已标为不合格` });
  const back = p.locator('.toast', { hasText: '档案已退回“部分数字化”' });
  await marked.waitFor();
  await back.waitFor();
  await shot('viewer-toasts-zh-1280');
  for (const toast of [marked, back]) {
    const onTop = await toast.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const doc = (globalThis as any).document;
      return el.contains(doc.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
    });
    t.true(onTop, `${await toast.innerText()}: on top of the viewer`);
  }
  t.true(await viewer.isVisible(), 'the viewer is still open');
  // Closeable while the viewer is open (a toast behind a modal dialog is inert).
  await back.getByRole('button', { name: '隐藏此提示' }).click();
  await back.waitFor({ state: 'detached' });
  t.true(await viewer.isVisible());

  // Closed, the viewer leaves the toasts at the page's foot.
  await viewer.getByRole('button', { name: '关闭', exact: true }).click();
  await viewer.waitFor({ state: 'hidden' });
  t.is(await p.locator('dialog .toast-host').count(), 0);
  t.is(await p.locator('body > .toast-host').count(), 1);

  // 数字化记录 (read again): the move back the check made, in Chinese words, without codes or the English half.
  await p.reload();
  const note = p.getByTestId('digital-history').locator('tbody tr', { hasText: '部分数字化' }).locator('td').nth(4);
  t.is(await note.innerText(), `扫描质检未通过，自动退回：材料 ${material.seq_no}（经人工检查不合格）`);
  await note.scrollIntoViewIfNeeded();
  await shot('archive-history-zh-1280');
  // The catalogue keeps its Chinese headings: 一 履历材料.
  t.regex(await p.locator('tr.category').first().innerText(), /^一\s+履历材料$/);
  t.deepEqual(b.problems, []);
});

test.serial('in English at 1024 px the archive page says the move back and the category headings in English', async (t) => {
  const p = b.page;
  await p.setViewportSize(EN);
  await language(p, 'en');
  await p.goto(`${sys.url}/archives/${archive.archiveId}`);
  const note = p.getByTestId('digital-history').locator('tbody tr', { hasText: 'Partly digitised' }).locator('td').nth(4);
  await note.waitFor();
  t.is(await note.innerText(), `Scan check failed, moved back automatically: material ${material.seq_no} (marked failing on inspection)`);
  await note.scrollIntoViewIfNeeded();
  await shot('archive-history-en-1024');
  const headings = await p.locator('tr.category th').allInnerTexts();
  t.true(headings.length >= 10, headings.join(' | '));
  t.regex(headings[0], /^1\s+Curriculum vitae materials$/);
  for (const h of headings) t.notRegex(h, /[\u4e00-\u9fff]/, h);
  await p.locator('tr.category').first().scrollIntoViewIfNeeded();
  await shot('archive-catalogue-en-1024');
  t.deepEqual(b.problems, []);
});

test.serial('档案查询 at 1024 px: no name is broken over two lines', async (t) => {
  const p = b.page;
  await language(p, 'zh');
  await p.goto(`${sys.url}/archives?q=${encodeURIComponent('张')}`);
  const names = p.locator('table.cadres td.name a');
  await names.first().waitFor();
  t.true((await names.count()) >= 2);
  for (const a of await names.all()) {
    // An inline link makes one box per line it spans.
    t.is(await a.evaluate((el) => el.getClientRects().length), 1, await a.innerText());
  }
  const table = p.locator('table.cadres');
  t.true(await table.evaluate((el) => el.scrollWidth <= el.parentElement!.clientWidth + 1), 'and the table still fits');
  await shot('search-zh-1024');
  t.deepEqual(b.problems, []);
});

test.serial('库房核对: the table fits its card in Chinese at 1280 px and in English at 1024 px, every 未找到 button inside it', async (t) => {
  const p = b.page;
  const api = await sys.as('archivist1');
  const started = await api.post('/api/stock-checks', { title: '年终库房核对（版面）' });
  t.is(started.status, 201, JSON.stringify(started.body));
  const id = started.body.id;
  const items = (await api.get(`/api/stock-checks/${id}/items?limit=5`)).body.items;
  // One in place, one elsewhere with a long place typed, one missing with a note: every column used.
  t.is((await api.post(`/api/stock-checks/${id}/marks`, { archiveNo: items[0].archiveNo, result: 'found' })).status, 200);
  const far = { storeRoom: '三号库房（东楼二层）', cabinet: 'B区密集架07', shelf: '第12格左侧' };
  t.is((await api.post(`/api/stock-checks/${id}/marks`, { archiveNo: items[1].archiveNo, result: 'found', place: far })).status, 200);
  t.is((await api.post(`/api/stock-checks/${id}/marks`, { archiveNo: items[2].archiveNo, result: 'missing', note: '本格及相邻两格均未找到，已报档案室负责人' })).status, 200);

  for (const [size, lang] of [
    [ZH, 'zh'],
    [EN, 'en'],
  ] as const) {
    await p.setViewportSize(size);
    await language(p, lang);
    await p.goto(`${sys.url}/stock-checks/${id}`);
    const panel = p.locator('#sc-panel');
    const table = panel.locator('table.items');
    await table.locator('tbody tr').first().waitFor();
    const scroller = panel.locator('.table-scroll');
    t.true(await scroller.evaluate((el) => el.scrollWidth <= el.clientWidth), `${lang}: nothing to scroll sideways`);
    await inside(t, table, panel, `${lang}: the table`);
    const buttons = table.getByRole('button', { name: lang === 'zh' ? /^标记未找到/ : /^Mark missing/ });
    t.true((await buttons.count()) >= 3);
    for (const button of await buttons.all()) await inside(t, button, panel, `${lang}: ${await button.getAttribute('aria-label')}`);
    // The note column and the place found are shown, not cut off.
    await inside(t, table.getByRole('columnheader', { name: lang === 'zh' ? '备注' : 'Note' }), panel, `${lang}: the note column`);
    const elsewhere = table.locator(`tr[data-archive-no="${items[1].archiveNo}"]`);
    t.regex(await elsewhere.innerText(), lang === 'zh' ? /实际位置 三号库房（东楼二层） \/ B区密集架07 \/ 第12格左侧/ : /found at 三号库房（东楼二层） \/ B区密集架07 \/ 第12格左侧/);
    await inside(t, elsewhere.getByTestId('item-found'), panel, `${lang}: the place found`);
    await p.locator('#sc-items').scrollIntoViewIfNeeded();
    await shot(`stock-${lang}-${size.width}`);
  }
  // The English note about archives not listed, when there are any.
  const hidden = p.getByTestId('items-hidden');
  if ((await hidden.count()) > 0) t.regex(await hidden.innerText(), /^\d+ more archives? belongs? to (a cadre|cadres) you must avoid: (it is|they are) not listed to you, and a colleague checks (it|them)\.$/);
  t.deepEqual(b.problems, []);
});

test.serial('统计分析 of a past year: 库存 and 数字化进度 say they are today’s; English reads “: ” where Chinese reads “：”', async (t) => {
  const p = b.page;
  await language(p, 'zh');
  await logout(p);
  await p.setViewportSize(ZH);
  await login(p, sys.url, 'leader1');
  const summary = (await (await sys.as('leader1')).get('/api/reports/summary')).body;
  const last = summary.year - 1;
  const [y, m, d] = summary.asOf.split('-').map(Number);
  await p.goto(`${sys.url}/reports?year=${last}`);
  await p.getByRole('heading', { name: `利用（${last}年）` }).waitFor();
  const today = `当前（截至 ${y}年${m}月${d}日）`;
  t.is(await p.locator('#rp-holdings').innerText(), `库存 ${today}`);
  t.is(await p.locator('#rp-digital').innerText(), `数字化进度 ${today}`);
  t.true((await p.getByText(`档案总数（含已转出）：${summary.holdings.total}`).count()) === 1);
  t.true((await p.getByText('当前正在审核').count()) === 1);
  await shot(`reports${last}-zh-1280`, true);

  await p.setViewportSize(EN);
  await language(p, 'en');
  await p.getByRole('heading', { name: `Use (${last})` }).waitFor();
  t.regex(await p.locator('#rp-holdings').innerText(), /^Holdings Current \(as of \d{1,2} \w+ \d{4}\)$/);
  t.regex(await p.locator('#rp-digital').innerText(), /^Digitisation Current \(as of \d{1,2} \w+ \d{4}\)$/);
  await p.getByText(`All archives (transferred ones included): ${summary.holdings.total}`, { exact: true }).waitFor();
  const captions = await p.locator('section[aria-labelledby="rp-transfers"] caption').allInnerTexts();
  t.deepEqual(captions, ['Out: 0', 'In: 0']);
  const text = await p.locator('main').innerText();
  t.notRegex(text.replace(/[\u4e00-\u9fff]+[^\n]*/g, ''), /[：；]/, 'no full-width colon or semicolon in English');
  await shot(`reports${last}-en-1024`, true);
  await language(p, 'zh');
  t.deepEqual(b.problems, []);
});
