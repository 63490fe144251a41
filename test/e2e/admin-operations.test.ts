// 运行监控 in a real browser after a scripted load of mixed cases (incidents, cases waiting at
// each step, suspended, finished, cancelled): the version page shows the right totals and, on the
// diagram, the right number of cases and incidents per element; a click lists those cases; on a
// case page the administrator retries an incident, suspends and resumes, and cancels with a reason;
// a stuck case's long timeline opens newest first with the step it waits at in view.
import test from 'ava';
import { scriptedLoad, type Expected } from '../helpers/ops-load.ts';
import { login, logout } from './browser.ts';
import { adminSuite } from './admin-setup.ts';
import { shot } from './shots.ts';

let expected: Expected;
const suite = adminSuite({
  prepare: async (sys) => {
    expected = await scriptedLoad(sys, 2);
  },
});

test.serial('the operations view shows the right counts per status and per element after a scripted load', async (t) => {
  const p = suite.b.page;
  await login(p, suite.sys.url, 'procadmin');
  // The workbench leads the process administrator to the three pages of the role, each with a line on what it is for.
  const entries = p.getByTestId('admin-entries').getByRole('link');
  await entries.first().waitFor();
  t.deepEqual((await entries.locator('.label').allTextContents()).map((x) => x.trim()), ['流程管理', '运行监控', '审核标准']);
  await entries.filter({ hasText: '运行监控' }).filter({ hasText: '处理异常' }).waitFor();
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '流程管理' }).click();
  const row = p.locator('tr[data-process="filing"]');
  await row.getByRole('link', { name: '运行监控', exact: true }).click();
  await p.getByRole('heading', { name: /材料归档审核（运行监控测试） · 第 1 版/ }).waitFor();

  for (const [status, n] of Object.entries(expected.totals)) {
    t.is(await p.getByTestId(`total-${status}`).locator('.n').textContent(), String(n), status);
  }
  // On the diagram: cases waiting and incidents per element.
  for (const [id, want] of Object.entries(expected.elements)) {
    const badge = p.locator(`.dg-count[data-element-id="${id}"]`);
    await badge.waitFor();
    // The reminder timer on the first step's border shows its incidents only.
    if (id === 'remind') t.is(await badge.locator('.dg-count-active').count(), 0);
    else t.is(await badge.locator('.dg-count-active').textContent(), String(want.active), `${id} waiting`);
    if (want.incidents) t.is(await badge.locator('.dg-count-incident').textContent(), `⚠ ${want.incidents}`, `${id} incidents`);
    else t.is(await badge.locator('.dg-count-incident').count(), 0, `${id} has no incident`);
  }
  t.is(await p.locator('.dg-count[data-element-id="done"]').count(), 0, 'nobody waits at an end event');
  t.true(await p.locator('.djs-element[data-element-id="remind"].dg-incident').isVisible());
  await shot(p, 'operations');

  // A click on a count lists the cases waiting there.
  await p.locator('.dg-count[data-element-id="approve"]').click();
  await p.getByTestId('instances-total').getByText(`共 ${expected.elements.approve.active} 件`).waitFor();
  t.is(await p.locator('tbody tr').count(), expected.elements.approve.active);
  t.is(await p.locator('tbody tr', { hasText: '已暂停' }).count(), expected.ids.suspended.length);

  // Filters: incidents of this process, at any step.
  await p.getByRole('link', { name: '清除环节筛选' }).click();
  await p.getByTestId('instances-total').getByText(`共 ${Object.values(expected.totals).reduce((a, x) => a + x, 0)} 件`).waitFor();
  await p.getByLabel('状态').selectOption('incident');
  await p.getByRole('button', { name: '查询' }).click();
  await p.getByTestId('instances-total').getByText(`共 ${expected.ids.incident.length} 件`).waitFor();
  t.deepEqual((await p.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance')))).sort(), [...expected.ids.incident].sort());
  // A case number, or a part of it in any case, finds the case (kept in the URL with the other filters).
  await suite.sys.services.db('process_instances').where({ id: expected.ids.incident[0] }).update({ business_key: 'GD-2026-0042' });
  await p.getByLabel('案件编号').fill('gd-2026-004');
  await p.getByRole('button', { name: '查询' }).click();
  await p.getByTestId('instances-total').getByText('共 1 件').waitFor();
  t.regex(p.url(), /q=gd-2026-004/);
  t.deepEqual(await p.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance'))), [expected.ids.incident[0]]);
  t.is((await p.locator('tbody tr a').innerText()).trim(), 'GD-2026-0042');
  await shot(p, 'operations-search');
  t.deepEqual(suite.b.problems, []);
});

test.serial('on a case page the administrator retries an incident, suspends and resumes, and cancels with a reason', async (t) => {
  const p = suite.b.page;
  const db = suite.sys.services.db;
  const id = expected.ids.incident[0];
  await p.locator(`tr[data-instance="${id}"] a`).click();
  await p.getByTestId('case-status').getByText('故障').waitFor();
  await p.getByText('为保护档案信息').waitFor();
  const job = p.locator('tr[data-job]', { hasText: '两小时未办提醒' });
  await job.getByText('故障').waitFor();
  await job.getByText(/reminder gateway unavailable|催办通知网关不可用/).waitFor();
  await p.locator('.djs-element[data-element-id="remind"].dg-incident').waitFor();
  await shot(p, 'operations-case');

  await job.getByRole('button', { name: '重试' }).click();
  await p.getByText('已重新排队，将尽快执行。').waitFor();
  await p.getByTestId('case-status').getByText('办理中').waitFor();
  t.is((await db('process_instances').where({ id }).first()).status, 'running');
  t.is((await db('jobs').where({ instance_id: id, element_id: 'remind' }).first()).status, 'pending');
  await suite.sys.services.jobs.pollOnce();
  t.is((await db('jobs').where({ instance_id: id, element_id: 'remind' }).first()).status, 'done');

  // Suspend with a reason; resume.
  await p.getByRole('button', { name: '暂停', exact: true }).click();
  let dialog = p.getByRole('dialog', { name: '暂停案件' });
  await dialog.getByLabel('原因（可选）').fill('等待申请单位补充材料');
  await dialog.getByRole('button', { name: '暂停案件' }).click();
  await p.getByTestId('case-status').getByText('已暂停').waitFor();
  t.is((await db('process_instances').where({ id }).first()).status, 'suspended');
  await p.getByRole('button', { name: '恢复' }).click();
  dialog = p.getByRole('dialog', { name: '恢复案件' });
  await dialog.getByRole('button', { name: '恢复案件' }).click();
  await p.getByTestId('case-status').getByText('办理中').waitFor();

  // Cancel: the reason is required.
  await p.getByRole('button', { name: '取消案件' }).click();
  dialog = p.getByRole('dialog', { name: '取消案件' });
  await dialog.getByRole('button', { name: '取消案件' }).click();
  await dialog.getByText('至少 2 个字').waitFor();
  await dialog.getByLabel('原因').fill('申请人已调离，不再办理');
  await dialog.getByRole('button', { name: '取消案件' }).click();
  await p.getByTestId('case-status').getByText('已终止').waitFor();
  await p.getByText('流程管理员取消：申请人已调离，不再办理').waitFor();
  const inst = await db('process_instances').where({ id }).first();
  t.is(inst.status, 'terminated');
  t.deepEqual(
    (await db('audit_log').where({ object_id: id }).whereIn('action', ['instance.suspend', 'instance.resume', 'instance.cancel', 'instance.inspect']).orderBy('seq')).map((r: any) => r.action).filter((a: string, i: number, all: string[]) => a !== 'instance.inspect' || all.indexOf(a) === i),
    ['instance.inspect', 'instance.suspend', 'instance.resume', 'instance.cancel'],
  );
  t.truthy(await db('audit_log').where({ action: 'job.retry', actor: 'procadmin' }).first());
  // The suspend and cancel reasons are on the case's timeline, under the process's name.
  await p.getByRole('listitem').filter({ hasText: '暂停' }).filter({ hasText: '「等待申请单位补充材料」' }).waitFor();
  t.deepEqual(suite.b.problems, []);
  t.deepEqual(suite.b.outside, []);
});

test.serial('a stuck case with a long history: its timeline opens newest first with the step it waits at in view and marked, in Chinese and English', async (t) => {
  const p = suite.b.page;
  const id = expected.ids.approve[0];
  // Held up again and again while it waits at 档案室负责人审批 (half a minute apart: the browser's
  // session stays alive).
  const admin = await suite.sys.as('procadmin');
  for (let i = 0; i < 8; i++) {
    suite.sys.clock.advance(30_000);
    t.is((await admin.post(`/api/admin/instances/${id}/suspend`, { reason: `等待核实第 ${i + 1} 次` })).status, 200);
    suite.sys.clock.advance(30_000);
    t.is((await admin.post(`/api/admin/instances/${id}/resume`, {})).status, 200);
  }
  await p.setViewportSize({ width: 1280, height: 800 });
  await p.goto(`${suite.sys.url}/admin/instances/${id}`);
  const box = p.getByTestId('ops-timeline');
  const current = box.locator('li.current');
  await current.filter({ hasText: '档案室负责人审批' }).filter({ hasText: '当前环节' }).waitFor();
  t.is(await current.count(), 1);
  await p.getByText('最新的在前').waitFor();
  const times = await box.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
  t.deepEqual(times, [...times].sort().reverse(), 'newest first');
  t.regex((await box.locator('li').first().textContent()) ?? '', /恢复/);

  /** The box is overflowing, and the current step's row lies inside what it shows without scrolling. */
  const inView = async () =>
    box.evaluate((ol) => {
      const li = ol.querySelector('li.current')!;
      const a = ol.getBoundingClientRect();
      const b = li.getBoundingClientRect();
      return { overflowing: ol.scrollHeight > ol.clientHeight + 10, scrolled: ol.scrollTop, visible: b.top >= a.top - 1 && b.bottom <= a.bottom + 1 };
    });
  t.deepEqual(await inView(), { overflowing: true, scrolled: 0, visible: true });
  await box.scrollIntoViewIfNeeded();
  t.log(await shot(p, 'operations-timeline-zh-1280'));
  await p.setViewportSize({ width: 1024, height: 800 });
  t.like(await inView(), { visible: true });
  await box.scrollIntoViewIfNeeded();
  t.log(await shot(p, 'operations-timeline-zh-1024'));

  await p.getByLabel('语言').selectOption('en');
  await current.filter({ hasText: 'Current step' }).waitFor();
  await p.getByText('Newest first').waitFor();
  t.like(await inView(), { visible: true });
  // The variables card beside it is narrow: its table (the long English heading) stays inside it.
  const varsFit = await p.locator('section[aria-labelledby="vars-h"]').evaluate((card) => {
    const table = card.querySelector('table')!;
    return table.getBoundingClientRect().right <= card.getBoundingClientRect().right + 1;
  });
  t.true(varsFit, 'the variables table fits its card at 1024 px in English');
  await box.scrollIntoViewIfNeeded();
  t.log(await shot(p, 'operations-timeline-en-1024'));
  await p.setViewportSize({ width: 1280, height: 800 });
  await box.scrollIntoViewIfNeeded();
  t.log(await shot(p, 'operations-timeline-en-1280'));
  await p.getByLabel('Language').selectOption('zh');
  await p.getByText('最新的在前').waitFor();
  await p.setViewportSize({ width: 1440, height: 900 });
  t.deepEqual(suite.b.problems, []);
});

test.serial('the process administrator withdraws a process from 发起申请 (停用) with a reason, and reinstates it', async (t) => {
  const p = suite.b.page;
  const applicant = await suite.sys.as('applicant1');
  const offered = async () => ((await applicant.get('/api/process-definitions')).body as Array<{ key: string }>).some((d) => d.key === 'filing');
  t.true(await offered());
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '流程管理' }).click();
  const row = p.locator('tr[data-process="filing"]');
  await row.getByRole('button', { name: /^停用/ }).click();
  const dialog = p.getByRole('dialog', { name: /^停用流程：/ });
  await dialog.getByText('已在办理中的案件按原版本继续办理').waitFor();
  await dialog.getByRole('button', { name: '停用' }).click();
  await dialog.getByText('至少 2 个字').waitFor();
  await dialog.getByLabel('停用原因').fill('测试流程，不再受理');
  await dialog.getByRole('button', { name: '停用' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await row.getByTestId('retired').waitFor();
  await row.getByText('测试流程，不再受理').waitFor();
  t.false(await offered());
  await row.getByRole('button', { name: /^恢复/ }).click();
  await p.getByRole('dialog', { name: /^恢复流程：/ }).getByRole('button', { name: '恢复' }).click();
  await row.getByTestId('retired').waitFor({ state: 'detached' });
  t.true(await offered());
  t.deepEqual(suite.b.problems, []);
});

test.serial('another role opening a process administrator’s page is told it is not theirs, and the page asks the server nothing', async (t) => {
  const p = suite.b.page;
  await logout(p);
  await login(p, suite.sys.url, 'archivist1');
  const asked: string[] = [];
  const watch = (r: { url(): string }) => {
    if (r.url().includes('/api/admin/')) asked.push(r.url());
  };
  p.on('request', watch);
  for (const path of ['/admin/processes', '/admin/instances']) {
    await p.goto(`${suite.sys.url}${path}`);
    await p.getByRole('heading', { name: '无权使用此页面', level: 1 }).waitFor();
    await p.getByText('此页面不属于您的角色（档案管理员）').waitFor();
    t.is(await p.getByRole('link', { name: '新建流程' }).count(), 0);
  }
  p.off('request', watch);
  t.deepEqual(asked, []);
  t.deepEqual(suite.b.problems, []);
});
