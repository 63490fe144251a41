// 转办 in chromium: archivist1, who holds a consultation's 受理审查, hands it to a colleague of the
// office through the task page's dialog (an empty choice and an empty reason are explained first);
// the colleague finds it in the inbox and the case timeline says who gave it to whom and why. The
// process administrator then hands it back from 运行监控, and the archive chief hands it on again from
// 督办's list of the office's open steps. Screenshots: docs/screenshots/reassign.png,
// reassign-ops.png, office-tasks.png (UPDATE_SCREENSHOTS=1), else a temp folder.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';
import { approveStep, demoCadre, fileConsultation, REASONS } from '../helpers/cases.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let caseId: string;
let taskId: string;

test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'archivist2', displayName: '周代办', org: '150300-ZZB-DAS', roles: ['archivist'] });
  caseId = await fileConsultation(sys, 'applicant1', REASONS[1], '2', 'electronic', await demoCadre(sys, 'county', 6));
  await approveStep(sys, 'unithead1', caseId, 'unitHeadReview');
  taskId = (await sys.services.db('tasks').where({ instance_id: caseId, element_id: 'archivistReview', status: 'open' }).first()).id;
  const claimed = await (await sys.as('archivist1')).post(`/api/tasks/${taskId}/claim`, {});
  if (claimed.status !== 200) throw new Error(JSON.stringify(claimed.body));
  b = await openBrowser(sys.url, { width: 1280, height: 860 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('the assignee hands the task to a colleague by clicking; the colleague has it in the inbox, the timeline says why', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/tasks/${taskId}`);
  await p.getByRole('heading', { name: '档案管理员受理审查', level: 1 }).waitFor();
  await p.getByRole('button', { name: '转办' }).click();
  const dialog = p.getByRole('dialog', { name: '转办' });
  const who = dialog.getByLabel('接办人');
  await who.waitFor();
  // Only the colleague is offered (not archivist1 herself, not the other office's receiver1).
  t.deepEqual(await who.locator('option').allTextContents(), ['请选择接办人', '周代办（乌海市委组织部干部档案室）']);

  // Nothing chosen, no reason: explained in the dialog, nothing sent.
  const posts: string[] = [];
  p.on('request', (r) => r.method() === 'POST' && r.url().includes('/reassign') && posts.push(r.url()));
  await dialog.getByRole('button', { name: '确认转办' }).click();
  await dialog.getByText('请选择接办人', { exact: true }).nth(1).waitFor();
  t.is(await who.getAttribute('aria-invalid'), 'true');
  t.true(await who.evaluate((el: any) => el === el.ownerDocument.activeElement), 'the colleague field has the focus');
  await who.selectOption({ label: '周代办（乌海市委组织部干部档案室）' });
  await dialog.getByRole('button', { name: '确认转办' }).click();
  await dialog.getByText('请填写转办理由（至少 2 个字）').waitFor();
  t.deepEqual(posts, []);
  await dialog.getByLabel('转办理由').fill('本人出差一周，请代为受理。');
  await shot(p, 'reassign');
  await dialog.getByRole('button', { name: '确认转办' }).click();
  await p.getByText('已转办给周代办').waitFor();
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
  t.is(posts.length, 1);
  t.is((await sys.services.db('tasks').where({ id: taskId }).first()).assignee_id, (await sys.services.db('users').where({ username: 'archivist2' }).first()).id);
  await logout(p);

  await login(p, sys.url, 'archivist2');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /待办/ }).click();
  await p.getByRole('link', { name: '办理：档案管理员受理审查' }).click();
  await p.getByRole('heading', { name: '档案管理员受理审查', level: 1 }).waitFor();
  const entry = p.locator('.timeline li', { hasText: '转办：「档案管理员受理审查」交给 周代办' });
  await entry.waitFor();
  t.true((await entry.innerText()).includes('本人出差一周，请代为受理。'));
  t.true(await p.getByRole('button', { name: '提交办理意见' }).isVisible(), 'the colleague works it');
  await logout(p);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('运行监控: the process administrator hands the task back to archivist1, with the reason', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'procadmin');
  await p.goto(`${sys.url}/admin/instances/${caseId}`);
  const row = p.locator('section', { has: p.getByRole('heading', { name: '任务' }) }).locator('tbody tr', { hasText: '档案管理员受理审查' });
  t.true((await row.innerText()).includes('周代办'));
  await row.getByRole('button', { name: '转办' }).click();
  const dialog = p.getByRole('dialog', { name: '转办' });
  await dialog.getByLabel('接办人').selectOption({ label: '刘晓燕（乌海市委组织部干部档案室）' });
  await dialog.getByLabel('转办理由').fill('周代办休假，交回原经办人。');
  await shot(p, 'reassign-ops');
  await dialog.getByRole('button', { name: '确认转办' }).click();
  await p.getByText('已转办给刘晓燕').waitFor();
  await row.getByText('刘晓燕').waitFor();
  t.true((await p.locator('.timeline').innerText()).includes('转办'));
  const audit = await sys.services.db('audit_log').where({ action: 'task.reassign_operator', object_id: taskId }).first();
  t.is(audit.actor, 'procadmin');
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('督办: the archive chief sees who holds the office’s open steps and hands one on', async (t) => {
  const p = b.page;
  await logout(p);
  await login(p, sys.url, 'chief1');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '督办' }).click();
  const section = p.getByRole('region', { name: '本室在办事项' });
  const row = section.locator('tbody tr', { hasText: '档案管理员受理审查' });
  await row.waitFor();
  t.true((await row.innerText()).includes('刘晓燕'), 'held by archivist1 since the administrator gave it back');
  await shot(p, 'office-tasks', { fullPage: true });
  await row.getByRole('button', { name: '转办' }).click();
  const dialog = p.getByRole('dialog', { name: '转办' });
  await dialog.getByLabel('接办人').selectOption({ label: '周代办（乌海市委组织部干部档案室）' });
  await dialog.getByLabel('转办理由').fill('刘晓燕出差，改由周代办受理。');
  await dialog.getByRole('button', { name: '确认转办' }).click();
  await p.getByText('已转办给周代办').waitFor();
  await row.getByText('周代办').waitFor();
  t.is((await sys.services.db('tasks').where({ id: taskId }).first()).assignee_id, (await sys.services.db('users').where({ username: 'archivist2' }).first()).id);
  // The chief opens the case from the list: her own step has not come, she reads it as the office's.
  await row.getByRole('link').click();
  await p.waitForURL(/\/applications\/[0-9a-f-]+$/);
  await p.locator('.timeline').waitFor();
  t.true((await p.locator('.timeline').innerText()).includes('转办'));
  t.is(await p.getByRole('button', { name: '撤回申请' }).count(), 0, 'only the applicant withdraws');
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('督办 at 1024 px: the office’s open steps read in their columns, in Chinese and English, within the card', async (t) => {
  const p = b.page;
  await p.setViewportSize({ width: 1024, height: 800 });
  try {
    for (const lang of ['zh', 'en'] as const) {
      await p.goto(`${sys.url}/deadlines`);
      if (lang === 'en') await p.getByLabel('语言').selectOption('en');
      const section = p.getByRole('region', { name: lang === 'en' ? /office/i : '本室在办事项' });
      const row = section.locator('tbody tr').first();
      await row.waitFor();
      await section.getByRole('button', { name: lang === 'en' ? /Reassign|Hand/ : '转办' }).waitFor();
      // The reviews 待复核 load on their own: wait for their table too (the demo holds one awaiting the chief).
      await section.getByTestId('office-reviews').locator('tbody tr').first().waitFor();
      t.is(await section.locator('table').count(), 2, `${lang}: the open steps and the reviews awaiting confirmation`);
      t.log(await shot(p, `office-tasks-${lang}-1024`, { fullPage: true }));
      const box = await section.boundingBox();
      // Its tables — the open steps, and the reviews 待复核 below them — end within the card.
      for (const one of await section.locator('table').all()) {
        const table = await one.boundingBox();
        t.true(table!.x + table!.width <= box!.x + box!.width + 1, `${lang}: the table ends within its card`);
      }
      // The step and the subject keep a readable width: a row is a few lines, not a column of words.
      const [step, subject] = [await row.locator('td').nth(0).boundingBox(), await row.locator('td').nth(1).boundingBox()];
      t.true(step!.width >= 110, `${lang}: step column ${step!.width} px`);
      t.true(subject!.width >= 160, `${lang}: subject column ${subject!.width} px`);
      t.true((await row.boundingBox())!.height <= 100, `${lang}: row ${(await row.boundingBox())!.height} px tall`);
      // The hand-on button is in view without scrolling the table.
      const action = await row.getByRole('button').boundingBox();
      t.true(action!.x + action!.width <= box!.x + box!.width, `${lang}: the button is in view`);
    }
  } finally {
    if (await p.getByLabel('Language').count()) await p.getByLabel('Language').selectOption('zh');
    await p.setViewportSize({ width: 1280, height: 860 });
  }
  t.deepEqual(b.problems, []);
});

test.serial('handed on while being worked: the holder reads who handed it to whom, not “claimed”, and keeps what she wrote', async (t) => {
  const p = b.page;
  await logout(p);
  await login(p, sys.url, 'archivist2');
  b.problems.length = 0;
  await p.goto(`${sys.url}/tasks/${taskId}`);
  await p.getByRole('heading', { name: '档案管理员受理审查', level: 1 }).waitFor();
  await p.getByRole('radio', { name: '同意', exact: true }).check();
  await p.getByLabel('意见说明').fill('材料齐全，予以受理。');
  // While 周代办 writes, the chief hands the step back to 刘晓燕.
  const chief = await sys.as('chief1');
  const back = await chief.post(`/api/tasks/${taskId}/reassign`, { userId: (await sys.services.db('users').where({ username: 'archivist1' }).first()).id, reason: '周代办另有急事。' });
  t.is(back.status, 200, JSON.stringify(back.body));
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
  const notice = p.getByTestId('task-unsent');
  await notice.waitFor();
  const said = await notice.innerText();
  t.true(said.includes('您的意见未提交：此任务已由 陈立新 转交 刘晓燕 办理。'), said);
  t.true(said.includes('材料齐全，予以受理。'));
  await p.getByText('此任务已由 陈立新 转交 刘晓燕 办理，您可以查看但不能办理。').waitFor();
  t.false((await p.locator('main').innerText()).includes('刘晓燕 认领'), 'not said to have been claimed');
  t.log(await shot(p, 'task-handed-on'));
  t.true(b.problems.includes(`HTTP 409: POST ${sys.url}/api/tasks/${taskId}/complete`));
  t.deepEqual(b.problems.filter((x) => !x.includes('409')), [], 'the refusal, nothing else');
});
