// 审核标准 in chromium. The archivist reaches it from the 专项审核 page: version 1 (系统初始版本, 现行)
// with its 23 items and the categories by name, and no way to edit. The process administrator
// edits a new version from the navigation: item 9 worth 12 (the total moves to 102), item 2
// removed (99), an item added with category 10 and moved up and back (102) — while the items do not
// total 100 the bar says so and 发布 is disabled; the new item worth 1, 100; publishing is refused
// without a basis, then publishes version 2, listed as 现行 — and the archivist sees it, and
// version 1 kept in the URL across a reload. A second administrator publishes version 3 through the
// API while the first edits on version 2: the editor says so (409) and loads version 3. Leaving the
// editor with changes — the back button, 退出登录, a link — asks first.
// Screenshots: docs/screenshots/review-standards.png, review-standards-editor.png
// (UPDATE_SCREENSHOTS=1), else a temp folder.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
const basis = '市委组织部2026年第5号通知';
const added = { criterion: '干部人事档案专项审核认定表归档', rule: '缺认定表的扣1分' };

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  await addUser(sys, { username: 'procadmin_b', displayName: '钱晓梅', org: '150300-ZZB', roles: ['process_admin'] });
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const versionRow = (p: Page, v: number) => p.locator(`tr[data-version="${v}"]`);
const total = (p: Page, text: string) => p.getByTestId('standard-total').filter({ hasText: new RegExp(`^${text}$`) }).waitFor();
const shownHeading = (p: Page, v: number) => p.getByRole('heading', { name: new RegExp(`^第 ${v} 版审核标准`), level: 2 });
const published = async () => Number((await sys.services.db('review_standards').max({ v: 'version' }))[0].v);
/** The refusal the test asks for: another version published meanwhile (409). */
const expected = [/^HTTP 409: POST .*\/api\/review-standards$/, /^console: Failed to load resource: .*status of 409/];
const otherProblems = () => b.problems.filter((x) => !expected.some((re) => re.test(x)));

test.serial('the archivist reads version 1 and its 23 items from the 专项审核 page, and cannot edit', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/reviews`);
  await p.getByRole('heading', { name: '专项审核', level: 1 }).waitFor();
  await p.getByRole('main').getByRole('link', { name: '审核标准', exact: true }).click();
  await p.getByRole('heading', { name: '审核标准', level: 1 }).waitFor();

  const reviews = (await (await sys.as('archivist1')).get('/api/review-standards')).body.items[0].reviews;
  const v1 = versionRow(p, 1);
  await v1.filter({ hasText: '现行' }).filter({ hasText: '系统初始版本' }).filter({ hasText: '23 项' }).filter({ hasText: '100 分' }).filter({ hasText: `${reviews} 份` }).waitFor();
  await shownHeading(p, 1).filter({ hasText: '现行' }).waitFor();
  await p.getByTestId('shown-totals').filter({ hasText: '共 23 项，总分 100 分，单项否决 1 项；合格线 80 分。' }).waitFor();
  t.is(await p.getByTestId('shown-basis').textContent(), '河北省干部人事档案审核标准（初始数据）', 'the seed’s basis in the reader’s language');
  const items = p.getByRole('table', { name: '第 1 版的审核项目' }).locator('tbody tr');
  await items.nth(22).waitFor();
  t.is(await items.count(), 23);
  // Item 1 is the veto item, its materials in 履历材料; item 9's in 学历学位材料; item 2 names none.
  await p.locator('tr[data-item="1"]').filter({ has: p.locator('.badge-danger', { hasText: '是' }) }).filter({ hasText: '1 履历材料' }).waitFor();
  t.is(await p.locator('tr[data-item="2"] .badge-danger').count(), 0, 'one veto item');
  await p.locator('tr[data-item="9"]').filter({ hasText: '4-1 学历学位材料' }).filter({ hasText: '每缺一份材料扣1分' }).waitFor();
  await p.locator('tr[data-item="2"]').filter({ hasText: '不限' }).waitFor();
  t.is(await p.getByRole('button', { name: '编辑新版本' }).count(), 0, 'only the process administrator edits');
  t.is(await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '审核标准' }).count(), 0, 'the staff reach it from 专项审核');
  t.deepEqual(otherProblems(), []);
});

test.serial('the process administrator edits a new version: points, a removed item, an added one with a category; the total follows; refused without a basis, then published', async (t) => {
  const p = b.page;
  await logout(p);
  await login(p, sys.url, 'procadmin');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '审核标准' }).click();
  await p.getByRole('heading', { name: '审核标准', level: 1 }).waitFor();
  await shownHeading(p, 1).waitFor();
  await p.getByRole('button', { name: '编辑新版本' }).click();
  await p.getByRole('heading', { name: /^编辑审核标准/, level: 1 }).filter({ hasText: '基于第 1 版' }).waitFor();
  t.regex(p.url(), /edit=1/);
  await total(p, '100 分');

  // Item 9 worth 12.
  await p.getByLabel('第 9 项分值').fill('12');
  await total(p, '102 分');
  // Item 2 (3 points) removed; item 3 is now second.
  await p.getByRole('button', { name: '删除第 2 项' }).click();
  await total(p, '99 分');
  await p.getByRole('button', { name: /^恢复已删除的项目：新任中管干部任命后两个月内报送档案/ }).waitFor();
  t.regex(await p.getByLabel('第 2 项审核内容').inputValue(), /^须有1988年、1999年/);

  // A new item at the end, with category 10.
  await p.getByRole('button', { name: '添加项目' }).click();
  await p.getByLabel('第 23 项审核内容').fill(added.criterion);
  await p.getByLabel('第 23 项扣分标准').fill(added.rule);
  await p.getByLabel('第 23 项分值').fill('3');
  await total(p, '102 分');
  await p.getByRole('button', { name: '选择第 23 项的材料类别' }).click();
  const picker = p.getByRole('dialog', { name: '第 23 项的材料类别' });
  await picker.getByRole('checkbox', { name: '10 其他可供组织参考的材料' }).check();
  await picker.getByRole('button', { name: '确认' }).click();
  const last = p.locator('tbody tr').filter({ has: p.getByLabel('第 23 项审核内容') });
  await last.getByRole('list', { name: '材料类别' }).filter({ hasText: '10 其他可供组织参考的材料' }).waitFor();
  // Moved up, it is item 22 (the row marked 新增); moved down again, item 23.
  const rows = p.getByRole('table', { name: '编辑审核标准' }).locator('tbody tr');
  await p.getByRole('button', { name: '上移第 23 项' }).click();
  await rows.nth(21).filter({ hasText: '新增' }).waitFor();
  t.is(await p.getByLabel('第 22 项审核内容').inputValue(), added.criterion);
  await p.getByRole('button', { name: '下移第 22 项' }).click();
  await rows.nth(22).filter({ hasText: '新增' }).waitFor();
  t.is(await p.getByLabel('第 23 项审核内容').inputValue(), added.criterion);
  await p.getByTestId('standard-diff').filter({ hasText: '与第 1 版相比：修改 1 项，新增 1 项，删除 1 项' }).waitFor();
  // 102 points: not 满分 100 — said in the bar, 发布 disabled (the server refuses it too).
  const publishButton = p.getByRole('button', { name: '发布新版本' });
  await p.getByTestId('not-full').filter({ hasText: '各项分值合计须为 100 分（现为 102 分），调整分值后才能发布。' }).waitFor();
  t.true(await publishButton.isDisabled(), '发布 is disabled at 102 points');
  await p.getByTestId('not-full').scrollIntoViewIfNeeded();
  await shot(p, 'review-standards-not-full');
  await p.getByLabel('第 23 项分值').fill('1');
  await total(p, '100 分');
  await p.getByTestId('not-full').waitFor({ state: 'detached' });
  t.true(await publishButton.isEnabled());
  await shot(p, 'review-standards-editor');

  // No basis: refused at the field, nothing sent.
  await p.getByRole('button', { name: '发布新版本' }).click();
  const basisField = p.getByRole('textbox', { name: '依据' });
  await p.locator('.field.basis').getByRole('alert').filter({ hasText: '请填写依据（2–200 字）。' }).waitFor();
  t.is(await basisField.getAttribute('aria-invalid'), 'true');
  await p.getByTestId('standard-fix').filter({ hasText: '有 1 处需要修改' }).waitFor();
  t.is(await p.getByRole('dialog', { name: /^发布第 2 版/ }).count(), 0);
  t.is(await published(), 1, 'nothing published');

  await basisField.fill(basis);
  await p.getByTestId('standard-fix').waitFor({ state: 'detached' });
  await p.getByRole('button', { name: '发布新版本' }).click();
  const confirm = p.getByRole('dialog', { name: '发布第 2 版审核标准' });
  await confirm.filter({ hasText: basis }).filter({ hasText: '共 23 项，单项否决 1 项' }).waitFor();
  await confirm.getByRole('button', { name: '发布', exact: true }).click();

  await shownHeading(p, 2).filter({ hasText: '现行' }).waitFor();
  await p.waitForURL(/\/review-standards\?version=2$/);
  await versionRow(p, 2).filter({ hasText: '现行' }).filter({ hasText: '吴国平' }).filter({ hasText: basis }).filter({ hasText: '100 分' }).waitFor();
  t.is(await versionRow(p, 1).filter({ hasText: '现行' }).count(), 0, 'version 1 is no longer in force');
  await p.locator('tr[data-item="23"]').filter({ hasText: added.criterion }).filter({ hasText: '10 其他可供组织参考的材料' }).waitFor();

  const v2 = (await (await sys.as('procadmin')).get('/api/review-standards/2')).body;
  t.like(v2, { version: 2, current: true, basis, points: 100, publishedByName: '吴国平' });
  t.is(v2.items.length, 23);
  t.like(v2.items[7], { no: 8, maxScore: 12, categoryCodes: ['4-1'] });
  t.like(v2.items[22], { no: 23, criterion: added.criterion, deductionRule: added.rule, maxScore: 1, veto: false, categoryCodes: ['10'] });
  t.false(v2.items.some((i: { criterion: string }) => i.criterion.startsWith('新任中管干部')), 'item 2 is gone');
  t.deepEqual(otherProblems(), []);
});

test.serial('the archivist sees version 2 in force; version 1 chosen stays in the URL across a reload', async (t) => {
  const p = b.page;
  await logout(p);
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/review-standards`);
  await shownHeading(p, 2).filter({ hasText: '现行' }).waitFor();
  await versionRow(p, 2).filter({ hasText: '现行' }).filter({ hasText: basis }).waitFor();

  await versionRow(p, 1).getByRole('link', { name: '查看第 1 版' }).click();
  await p.waitForURL(/\?version=1$/);
  await shownHeading(p, 1).waitFor();
  await p.reload();
  await shownHeading(p, 1).waitFor();
  t.is(await shownHeading(p, 1).filter({ hasText: '现行' }).count(), 0);
  await p.getByText('本版本已不是现行版本').waitFor();
  t.is(await p.getByRole('table', { name: '第 1 版的审核项目' }).locator('tbody tr').count(), 23);
  await shot(p, 'review-standards');
  t.deepEqual(otherProblems(), []);
});

test.serial('another administrator publishes meanwhile: the editor says so and loads the new version; leaving with changes asks first', async (t) => {
  const p = b.page;
  await logout(p);
  await login(p, sys.url, 'procadmin');
  await p.goto(`${sys.url}/review-standards`);
  await shownHeading(p, 2).waitFor();
  await p.getByRole('button', { name: '编辑新版本' }).click();
  await p.getByRole('heading', { name: /^编辑审核标准/, level: 1 }).filter({ hasText: '基于第 2 版' }).waitFor();
  await p.getByLabel('第 1 项扣分标准').fill('存在左列情形之一的，为不合格档案（甲）');
  await p.getByRole('textbox', { name: '依据' }).fill('甲的修改');
  await p.getByTestId('standard-diff').filter({ hasText: '修改 1 项' }).waitFor();

  // Meanwhile 钱晓梅 publishes version 3 from version 2.
  const other = await sys.as('procadmin_b');
  const items = (await other.get('/api/review-standards/2')).body.items.map(({ no: _no, ...i }: { no: number }) => i);
  items[0] = { ...items[0], deductionRule: `${items[0].deductionRule}（乙）` };
  const v3 = await other.post('/api/review-standards', { baseVersion: 2, basis: '乙的修改', items });
  t.is(v3.status, 201, JSON.stringify(v3.body));

  await p.getByRole('button', { name: '发布新版本' }).click();
  await p.getByRole('dialog', { name: '发布第 3 版审核标准' }).getByRole('button', { name: '发布', exact: true }).click();
  const refusal = p.getByTestId('standard-refusal');
  await refusal.filter({ hasText: '您编辑期间，已有人发布了第 3 版审核标准，您的修改没有发布。' }).waitFor();
  t.is(await refusal.getByRole('link', { name: '在新窗口查看第 3 版' }).getAttribute('href'), '/review-standards?version=3');
  t.is(await published(), 3, 'only 钱晓梅’s version was published');
  t.is(await p.getByLabel('第 1 项扣分标准').inputValue(), '存在左列情形之一的，为不合格档案（甲）', 'the edits are still there');

  await refusal.getByRole('button', { name: '载入第 3 版重新编辑' }).click();
  await p.getByRole('heading', { name: /^编辑审核标准/, level: 1 }).filter({ hasText: '基于第 3 版' }).waitFor();
  t.is(await p.getByLabel('第 1 项扣分标准').inputValue(), '存在左列情形之一的，为不合格档案（乙）');

  // Changes, then the back button: asked; keep editing.
  await p.getByLabel('第 4 项分值').fill('9');
  await total(p, '101 分');
  await p.goBack();
  const leave = p.getByRole('dialog', { name: '放弃未发布的修改？' });
  await leave.getByRole('button', { name: '继续编辑' }).click();
  await p.waitForURL(/edit=1/);
  t.is(await p.getByLabel('第 4 项分值').inputValue(), '9');
  // 退出登录: asked too; keep editing.
  await p.getByRole('button', { name: '退出登录' }).click();
  await leave.getByRole('button', { name: '继续编辑' }).click();
  await leave.waitFor({ state: 'hidden' });
  t.is(await p.getByLabel('第 4 项分值').inputValue(), '9', 'still signed in, the edits kept');
  // A link in the navigation: asked; give the changes up and go.
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '流程管理' }).click();
  await leave.getByRole('button', { name: '放弃修改' }).click();
  await p.waitForURL(/\/admin\/processes$/);
  t.is(await published(), 3);
  t.deepEqual(otherProblems(), []);
  t.deepEqual(b.outside, []);
});
