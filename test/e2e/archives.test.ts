// 档案管理 in chromium: the city office's archivist opens 档案管理 from the navigation, finds a cadre
// by name and by 档案号 (the search survives a reload and the way back), opens the cadre's record and the
// archive, sees every catalogue row the API lists, views a material's scans page by page and checks
// them; 数字化: an archive whose materials are not scanned is not marked 已数字化 (the refusal lists
// the failing materials, with the progress shown while the server checks), a scanned one is marked
// by the archivist and verified by the chief — not by the one who marked it. Screenshots:
// docs/screenshots/archive-search.png, archive.png, archive-scans.png, archive-digital.png (UPDATE_SCREENSHOTS=1), else a temp folder.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import type { HttpClient } from '../helpers/http.ts';
import { scanPages } from '../reading/helpers.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

interface Found {
  cadre: { id: number; name: string };
  archive: { id: number; archiveNo: string; digitalStatus: string };
  materials: Array<{ id: number; seqNo: string; title: string; pages: number }>;
}

let sys: TestSystem;
let b: Browsing;
/** An archive not digitised, one material of it scanned in full (the viewer's). */
let plain: Found;
let viewed: Found['materials'][number];
/** A 部分数字化 archive, every material scanned for the test (the happy path). */
let partial: Found;

/** Every archive both the archivist and the chief read, found through the API as they would. */
async function archivesInScope(archivist: HttpClient, chief: HttpClient): Promise<Found[]> {
  const cadres: Array<{ id: number; name: string }> = [];
  for (let offset = 0; ; offset += 100) {
    const r = await archivist.get(`/api/cadres?limit=100&offset=${offset}`);
    cadres.push(...r.body.items);
    if (offset + 100 >= r.body.total) break;
  }
  const found: Found[] = [];
  for (const c of cadres) {
    const rec = (await archivist.get(`/api/cadres/${c.id}`)).body;
    for (const a of rec.archives) {
      if ((await chief.get(`/api/archives/${a.id}`)).status !== 200) continue;
      const cat = (await archivist.get(`/api/archives/${a.id}/catalogue`)).body;
      found.push({ cadre: { id: c.id, name: c.name }, archive: a, materials: cat.categories.flatMap((k: any) => k.materials) });
    }
  }
  return found;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pagesOf = (f: Found) => f.materials.reduce((n, m) => n + m.pages, 0);

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  const archivist = await sys.as('archivist1');
  const found = await archivesInScope(archivist, await sys.as('chief1'));
  // A cadre the name finds alone, whose archive is not digitised and has a material of 2–4 pages.
  for (const f of found.filter((x) => x.archive.digitalStatus === 'none')) {
    const m = f.materials.find((x) => x.pages >= 2 && x.pages <= 4);
    if (m && (await archivist.get(`/api/cadres?q=${encodeURIComponent(f.cadre.name)}`)).body.total === 1) {
      plain = f;
      viewed = m;
      break;
    }
  }
  // The smallest 部分数字化 archive: scanning it whole keeps the test short.
  partial = found.filter((x) => x.archive.digitalStatus === 'partial').sort((x, y) => pagesOf(x) - pagesOf(y))[0];
  if (!plain || !partial) throw new Error('the demo has no archive to walk');
  await scanPages(sys, viewed.id, viewed.pages, plain.cadre.name);
  for (const m of partial.materials) await scanPages(sys, m.id, m.pages, partial.cadre.name);
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

const rows = (p: Page) => p.locator('table.catalogue tr.material');
/** Problems of the page other than the expected refusals of the digital-status route. */
const otherProblems = () => b.problems.filter((x) => !x.includes('/digital-status') && !x.includes('status of 422'));

test.serial('the archivist finds a cadre by name, opens the record and the archive, reads the catalogue and views a material’s scans', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '档案管理' }).click();
  await p.getByRole('heading', { name: '档案查询', level: 1 }).waitFor();
  // Empty search lists everyone in scope, with the count the API gives.
  const all = (await (await sys.as('archivist1')).get('/api/cadres?limit=1')).body.total;
  await p.getByTestId('cadre-count').filter({ hasText: `共 ${all} 人` }).waitFor();
  t.is(await p.locator('table.cadres tbody tr').count(), 20, 'a page of 20');
  await shot(p, 'archive-search');
  // The page is in the URL too: a reload stays on it.
  const pages = Math.ceil(all / 20);
  const pager = p.getByRole('navigation', { name: '分页' });
  await pager.getByRole('button', { name: '下一页' }).click();
  await pager.getByText(`第 2 / ${pages} 页`).waitFor();
  t.regex(p.url(), /offset=20/);
  const firstOfSecond = await p.locator('table.cadres tbody tr').first().getByRole('link').textContent();
  await p.reload();
  await pager.getByText(`第 2 / ${pages} 页`).waitFor();
  t.is(await p.locator('table.cadres tbody tr').first().getByRole('link').textContent(), firstOfSecond);

  await p.getByLabel('姓名、拼音、身份证号、档案号或单位').fill(plain.cadre.name);
  await p.getByRole('button', { name: '查询', exact: true }).click();
  await p.getByTestId('cadre-count').filter({ hasText: '共 1 人' }).waitFor();
  const hit = p.locator('table.cadres tbody tr');
  t.is(await hit.count(), 1);
  t.is(await hit.getByRole('link').textContent(), plain.cadre.name);
  t.regex(p.url(), new RegExp(`q=${encodeURIComponent(plain.cadre.name)}`));
  t.notRegex(p.url(), /offset=/, 'a new search starts on its first page');

  // A reload keeps the search.
  await p.reload();
  await p.getByTestId('cadre-count').filter({ hasText: '共 1 人' }).waitFor();
  t.is(await p.getByLabel('姓名、拼音、身份证号、档案号或单位').inputValue(), plain.cadre.name);
  // Each row names its 档案号 (namesakes told apart), and the number, typed in lower case, finds the cadre too.
  t.is((await hit.getByTestId('archive-no').innerText()).trim(), plain.archive.archiveNo);
  // The name's answer, the same cadre, is on screen until the number's comes: the number's own
  // answer says what it finds, then the page shows it.
  const lower = plain.archive.archiveNo.toLowerCase();
  const byNumber = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/cadres' && new URL(r.url()).searchParams.get('q') === lower);
  await p.getByLabel('姓名、拼音、身份证号、档案号或单位').fill(lower);
  await p.getByRole('button', { name: '查询', exact: true }).click();
  t.deepEqual(((await (await byNumber).json()).items as Array<{ name: string }>).map((c) => c.name), [plain.cadre.name]);
  await p.waitForURL(new RegExp(`q=${encodeURIComponent(lower)}`));
  await p.getByTestId('cadre-count').filter({ hasText: '共 1 人' }).waitFor();
  t.is(await hit.getByRole('link').textContent(), plain.cadre.name);
  await shot(p, 'archive-search-by-number');

  await hit.getByRole('link', { name: plain.cadre.name }).click();
  await p.getByRole('heading', { name: plain.cadre.name, level: 1 }).waitFor();
  await p.getByRole('heading', { name: '家庭成员及主要社会关系' }).waitFor();
  t.is(await p.getByRole('link', { name: '档案管理' }).getAttribute('aria-current'), 'page', 'the record belongs to 档案管理');
  await p.getByRole('link', { name: plain.archive.archiveNo }).click();

  await p.getByRole('heading', { name: `${plain.cadre.name}的档案`, level: 1 }).waitFor();
  t.is(await p.getByTestId('archive-no').textContent(), plain.archive.archiveNo);
  t.is(await p.getByTestId('digital-status').textContent(), '未数字化');
  await rows(p).first().waitFor();
  t.is(await rows(p).count(), plain.materials.length, 'every catalogue row of the API');
  const row = rows(p).filter({ hasText: viewed.title }).filter({ hasText: viewed.seqNo });
  t.regex((await row.innerText()).replace(/\s+/g, ' '), new RegExp(`^${escape(viewed.seqNo)} ${escape(viewed.title)} .* ${viewed.pages} ${viewed.pages} 查看扫描件`));
  // Only a scanned material offers its scans.
  t.is(await p.getByRole('button', { name: /^查看扫描件/ }).count(), 1);
  await shot(p, 'archive');

  await row.getByRole('button', { name: /^查看扫描件/ }).click();
  const dialog = p.getByRole('dialog', { name: `${viewed.seqNo} ${viewed.title}` });
  await dialog.getByTestId('scan-page-of').filter({ hasText: `第 1 / ${viewed.pages} 页` }).waitFor();
  t.true(await decoded(p, `img.scan[src$="/materials/${viewed.id}/pages/1"]`), 'page 1 is shown');
  t.true(await dialog.getByRole('button', { name: '上一页' }).isDisabled());
  await dialog.getByRole('button', { name: '下一页' }).click();
  await dialog.getByTestId('scan-page-of').filter({ hasText: `第 2 / ${viewed.pages} 页` }).waitFor();
  t.true(await decoded(p, `img.scan[src$="/materials/${viewed.id}/pages/2"]`), 'page 2 is shown');
  await shot(p, 'archive-scans');
  await dialog.getByRole('button', { name: '关闭' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // Checking the scans: the scanned material passes; an unscanned one fails on its page count.
  await row.getByRole('button', { name: /^检查扫描件/ }).click();
  await p.locator(`tr.result[data-result="${viewed.id}"]`).getByText('合格', { exact: true }).waitFor();
  const other = plain.materials.find((m) => m.id !== viewed.id)!;
  await p.locator(`tr.material[data-material="${other.id}"]`).getByRole('button', { name: /^检查扫描件/ }).click();
  const failed = p.locator(`tr.result[data-result="${other.id}"]`);
  await failed.getByText('不合格').waitFor();
  t.regex(await failed.innerText(), new RegExp(`扫描页数 0 与目录页数 ${other.pages} 不符`));
  // The finding's kind in words, its tooltip too (as /quality words it): no PAGE_COUNT on the page, not even on hover.
  const kind = failed.locator('.findings li[data-code="PAGE_COUNT"] .kind');
  t.is(await kind.innerText(), '扫描页数与目录页数不符');
  t.is(await kind.getAttribute('title'), '扫描页数与目录页数不符');
  t.notRegex(await failed.innerText(), /[A-Z]{3,}_[A-Z]+/);
  // The missing pages on one line, as the 数字化 refusal lists them.
  const missing = failed.locator('.findings li[data-code="PAGE_MISSING"]');
  t.is(await missing.count(), 1);
  t.is(await missing.innerText(), `缺页 缺第 ${Array.from({ length: other.pages }, (_, i) => i + 1).join('、')} 页`);
  await failed.scrollIntoViewIfNeeded();
  t.log(await shot(p, 'archive-check-result', { fullPage: false }));

  // Back to the search: it is still there.
  await p.goBack();
  await p.goBack();
  await p.getByTestId('cadre-count').filter({ hasText: '共 1 人' }).waitFor();
  t.is(await p.getByLabel('姓名、拼音、身份证号、档案号或单位').inputValue(), plain.archive.archiveNo.toLowerCase());
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('数字化: an archive whose materials are not scanned is not marked 已数字化; the refusal lists them, with the progress shown while the server checks', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/archives/${plain.archive.id}`);
  await p.getByRole('heading', { name: '数字化', exact: true }).waitFor();
  t.is(await p.getByRole('button', { name: '验收通过' }).count(), 0, 'verifying is the chief’s');
  // Hold the request until the page has been looked at, as a big archive would hold the server.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await p.route('**/digital-status', async (route) => {
    await held;
    await route.continue();
  });
  await p.getByRole('button', { name: '标记为已数字化（全部扫描合格）' }).click();
  const dialog = p.getByRole('dialog', { name: '标记为已数字化（全部扫描合格）' });
  await dialog.getByText('将重新检查该档案全部材料的扫描件').waitFor();
  await dialog.getByRole('button', { name: '确认' }).click();
  await p.getByTestId('digital-progress').getByText('正在检查全部材料的扫描件…').waitFor();
  t.true(await p.getByRole('button', { name: '标记为已数字化（全部扫描合格）' }).isDisabled(), 'no second click while it runs');
  release();
  const failing = p.getByTestId('digital-failing');
  await failing.waitFor();
  await p.unroute('**/digital-status');

  // Every material but the one scanned in full, each with what was found.
  const unscanned = plain.materials.filter((m) => m.id !== viewed.id);
  await failing.getByText(`不能标记：以下 ${unscanned.length} 份材料的扫描件未通过检查。其中 ${unscanned.length} 份材料尚未扫描。`).waitFor();
  t.is(await failing.locator(':scope > ul > li').count(), unscanned.length);
  const text = await failing.innerText();
  for (const m of unscanned) t.true(text.includes(`${m.seqNo} ${m.title}`), `${m.seqNo} is listed`);
  t.false(text.includes(`${viewed.seqNo} ${viewed.title}`), 'the scanned material passes');
  // Each finding's kind in words (its tooltip too), never a raw code.
  t.notRegex(text, /[A-Z]{3,}_[A-Z]+/);
  const kinds = failing.locator('.findings li[data-code="PAGE_COUNT"] .kind');
  t.is(await kinds.count(), unscanned.length);
  t.deepEqual([...new Set(await kinds.allInnerTexts())], ['扫描页数与目录页数不符']);
  t.is(await kinds.first().getAttribute('title'), '扫描页数与目录页数不符');
  await shot(p, 'archive-digital', { fullPage: false });
  // In English the same list reads in English (the server's half of each finding and the words of its kind).
  await p.getByLabel('语言').selectOption('en');
  await failing.getByText(/^Not marked: the scans of \d+ materials fail their check\./).waitFor();
  const en = await failing.innerText();
  t.notRegex(en, /[A-Z]{3,}_[A-Z]+/);
  t.deepEqual([...new Set(await kinds.allInnerTexts())], ['page count differs from the catalogue']);
  t.is(await kinds.first().getAttribute('title'), 'page count differs from the catalogue');
  t.log(await shot(p, 'archive-digital-en', { fullPage: false }));
  await p.getByLabel('Language').selectOption('zh');
  await failing.getByText(`不能标记：以下 ${unscanned.length} 份材料的扫描件未通过检查。`, { exact: false }).waitFor();

  // Nothing moved.
  t.is(await p.getByTestId('digital-status').textContent(), '未数字化');
  await p.getByText('还没有数字化记录。').waitFor();
  t.is((await (await sys.as('archivist1')).get(`/api/archives/${plain.archive.id}`)).body.digitalStatus, 'none');
  t.deepEqual(otherProblems(), []);
});

test.serial('数字化: the archivist marks a scanned archive 已数字化, the chief verifies it, moves it back with a reason, and may not verify what he marked himself', async (t) => {
  const p = b.page;
  const history = p.getByTestId('digital-history').locator('tbody tr');
  await p.goto(`${sys.url}/archives/${partial.archive.id}`);
  await p.getByTestId('digital-status').filter({ hasText: '部分数字化' }).waitFor();
  await p.getByRole('button', { name: '标记为已数字化（全部扫描合格）' }).click();
  const mark = p.getByRole('dialog', { name: '标记为已数字化（全部扫描合格）' });
  await mark.getByLabel('说明').fill('全部材料扫描完毕。');
  await mark.getByRole('button', { name: '确认' }).click();
  await p.getByTestId('digital-status').filter({ hasText: /^已数字化$/ }).waitFor();
  await p.getByText(`已检查 ${partial.materials.length} 份材料的扫描件，全部合格。`).waitFor();
  const archivistName = (await (await sys.as('archivist1')).get('/api/me')).body.displayName;
  t.is(await history.count(), 1);
  t.deepEqual(
    (await history.first().locator('td').allInnerTexts()).slice(1),
    ['部分数字化', '已数字化', archivistName, '全部材料扫描完毕。', String(partial.materials.length)],
  );
  t.deepEqual(b.problems.filter((x) => !x.includes('/digital-status') && !x.includes('status of 422')), []);

  await logout(p);
  await login(p, sys.url, 'chief1');
  await p.goto(`${sys.url}/archives/${partial.archive.id}`);
  await p.getByRole('button', { name: '验收通过' }).click();
  await p.getByRole('dialog', { name: '验收通过' }).getByRole('button', { name: '确认' }).click();
  await p.getByTestId('digital-status').filter({ hasText: '已验收' }).waitFor();
  await history.nth(1).waitFor();
  const chiefName = (await (await sys.as('chief1')).get('/api/me')).body.displayName;
  t.deepEqual((await history.nth(1).locator('td').allInnerTexts()).slice(1, 4), ['已数字化', '已验收', chiefName]);

  // A move back needs a reason: refused in the page until one is written.
  t.is(await p.getByRole('button', { name: '撤销验收' }).count(), 1);
  await p.getByRole('button', { name: '退回为部分数字化' }).click();
  const back = p.getByRole('dialog', { name: '退回为部分数字化' });
  await back.getByRole('button', { name: '确认' }).click();
  await back.getByText('请写明退回原因。').waitFor();
  t.is(await history.count(), 2, 'nothing sent');
  await back.getByLabel('退回原因').fill('第 3 页扫描歪斜，需重扫。');
  await back.getByRole('button', { name: '确认' }).click();
  await p.getByTestId('digital-status').filter({ hasText: '部分数字化' }).waitFor();
  await history.nth(2).waitFor();
  t.deepEqual((await history.nth(2).locator('td').allInnerTexts()).slice(1, 5), ['已验收', '部分数字化', chiefName, '第 3 页扫描歪斜，需重扫。']);

  // The chief marks it 已数字化 again himself: then he may not verify it.
  await p.getByRole('button', { name: '标记为已数字化（全部扫描合格）' }).click();
  await p.getByRole('dialog', { name: '标记为已数字化（全部扫描合格）' }).getByRole('button', { name: '确认' }).click();
  await p.getByTestId('digital-status').filter({ hasText: /^已数字化$/ }).waitFor();
  await history.nth(3).waitFor();
  await p.getByRole('button', { name: '验收通过' }).click();
  await p.getByRole('dialog', { name: '验收通过' }).getByRole('button', { name: '确认' }).click();
  await p.getByRole('alert').filter({ hasText: '验收须由标记“已数字化”以外的人进行' }).waitFor();
  t.is(await p.getByTestId('digital-status').textContent(), '已数字化');
  t.is(await history.count(), 4);
  t.is((await (await sys.as('chief1')).get(`/api/archives/${partial.archive.id}`)).body.digitalStatus, 'done');
  t.deepEqual(otherProblems(), []);
});
