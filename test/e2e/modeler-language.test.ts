// The modeler and a large diagram, and the modeler and the language switch, as the process
// administrator meets them: the shipped borrowing process (the largest, ~60 shapes over ~5700 px)
// opens at a readable zoom at its start event, not fitted into an unreadable strip; the zoom
// buttons and 适应窗口 work. Switching to English while the properties panel is open relabels the
// panel, palette and context pad at once, and an unsaved edit (and the tab's kept draft) stays.
import test from 'ava';
import type { Page } from 'playwright-core';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { firstUserTask } from '../helpers/bpmn-edit.ts';
import { login, nextFrame } from './browser.ts';
import { adminSuite } from './admin-setup.ts';
import { selectShape } from './modeler-ui.ts';
import { shot } from './shots.ts';

const suite = adminSuite();

/** The canvas's zoom, read from the SVG viewport's transform. */
const scaleOf = (p: Page) =>
  p.locator('.djs-container svg g.viewport').first().evaluate((g) => Number(/matrix\(\s*([-\d.e]+)/.exec(g.getAttribute('transform') ?? '')?.[1] ?? 1));

async function within(p: Page, elementId: string) {
  const canvas = (await p.getByRole('application').boundingBox())!;
  const el = (await p.locator(`.djs-element[data-element-id="${elementId}"]`).first().boundingBox())!;
  return el.x >= canvas.x && el.x + el.width <= canvas.x + canvas.width && el.y >= canvas.y && el.y + el.height <= canvas.y + canvas.height;
}

test.serial('a large diagram opens at a readable zoom at its start event; 放大, 缩小 and 适应窗口 change it', async (t) => {
  const p = suite.b.page;
  await p.setViewportSize({ width: 1280, height: 800 });
  const v1 = await suite.sys.services.db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  const { rootElement } = await new BpmnModdle({ camunda }).fromXML(v1.xml);
  const proc = rootElement.rootElements.find((e: any) => e.$type === 'bpmn:Process');
  const start = proc.flowElements.find((e: any) => e.$type === 'bpmn:StartEvent');
  const ends = proc.flowElements.filter((e: any) => e.$type === 'bpmn:EndEvent');
  t.true(proc.flowElements.length > 40, 'the borrowing diagram is a large one');

  await login(p, suite.sys.url, 'procadmin');
  await p.goto(`${suite.sys.url}/admin/processes/borrowing/edit`);
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  await nextFrame(p); // the second layout pass, queued for the next frame before the check began

  // Opened at 75 %, the start event on screen and clear of the palette, not fitted (~15 %).
  t.is(await scaleOf(p), 0.75);
  await p.getByTestId('zoom-level').getByText('75%').waitFor();
  t.true(await within(p, start.id), 'the start event is on screen');
  const palette = (await p.locator('.djs-palette').boundingBox())!;
  const startBox = (await p.locator(`.djs-element[data-element-id="${start.id}"]`).boundingBox())!;
  t.true(startBox.x > palette.x + palette.width, 'the start event is right of the palette');
  t.true(startBox.height >= 36 * 0.75 - 1, 'an event is drawn at three quarters of its size');
  await shot(p, 'modeler-large-1280');

  // 适应窗口 shows all of it (small); 放大 and 缩小 step by a quarter.
  await p.getByRole('button', { name: '适应窗口' }).click();
  const fitted = await scaleOf(p);
  t.true(fitted < 0.3, `fitted at ${fitted}`);
  for (const e of ends) t.true(await within(p, e.id), `the end event ${e.id} is on screen when fitted`);
  await p.getByRole('button', { name: '放大' }).click();
  t.true(Math.abs((await scaleOf(p)) - fitted * 1.25) < 0.01);
  await p.getByRole('button', { name: '缩小' }).click();
  await p.getByRole('button', { name: '缩小' }).click();
  t.true(Math.abs((await scaleOf(p)) - fitted) < 0.02 || (await scaleOf(p)) < fitted);
  await p.getByTestId('zoom-level').getByText(`${Math.round((await scaleOf(p)) * 100)}%`).waitFor();

  // Reopened at 1024 px wide: still readable, still at the start.
  await p.setViewportSize({ width: 1024, height: 768 });
  await p.reload();
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  await nextFrame(p);
  t.is(await scaleOf(p), 0.75);
  t.true(await within(p, start.id));
  await shot(p, 'modeler-large-1024');
  await p.setViewportSize({ width: 1280, height: 800 });
  await p.reload();
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
});

test.serial('switching to English while the properties panel is open relabels it, the palette and the context pad at once, keeping the unsaved edit', async (t) => {
  const p = suite.b.page;
  const v1 = await suite.sys.services.db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  const { rootElement } = await new BpmnModdle({ camunda }).fromXML(v1.xml);
  const step = firstUserTask(rootElement.rootElements.find((e: any) => e.$type === 'bpmn:Process'));

  // The first approval step selected, its panel open, and an edit not deployed yet.
  await selectShape(p, step.name);
  await p.locator('.bio-properties-panel-header-type', { hasText: '用户任务' }).waitFor();
  const group = p.locator('.bio-properties-panel-group-header', { hasText: '办理人与期限' });
  if (!(await group.getAttribute('class'))?.includes('open')) await group.click();
  const panel = p.getByRole('complementary', { name: '属性' });
  await panel.getByLabel('办理期限').fill('P5D');
  await panel.getByLabel('办理期限').press('Tab');
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  t.false(await p.getByRole('button', { name: '部署新版本' }).isDisabled());
  t.is(await p.locator('.djs-palette [data-action="create.task"]').getAttribute('aria-label'), '任务');

  // English, at once: the panel's header, groups and labels; the palette; the open context pad.
  await p.getByLabel('语言').selectOption('en');
  const panelEn = p.getByRole('complementary', { name: 'Properties' });
  await panelEn.locator('.bio-properties-panel-header-type', { hasText: 'User Task' }).waitFor();
  await panelEn.locator('.bio-properties-panel-group-header', { hasText: 'Assignment and deadline' }).waitFor();
  await panelEn.locator('.bio-properties-panel-group-header', { hasText: 'General' }).waitFor();
  t.is(await panelEn.getByText('办理人与期限').count(), 0);
  t.is(await panelEn.getByText('候选角色').count(), 0);
  t.is(await panelEn.getByLabel('Due date').inputValue(), 'P5D', 'the edit is still in the panel');
  t.is(await p.locator('.djs-palette [data-action="create.task"]').getAttribute('aria-label'), 'Create task');
  t.is(await p.locator('.djs-context-pad.open [data-action="append.append-task"]').getAttribute('title'), 'Append task');
  await p.getByRole('button', { name: 'Fit' }).waitFor();
  await p.getByRole('button', { name: 'Zoom in' }).waitFor();
  t.false(await p.getByRole('button', { name: 'Deploy new version' }).isDisabled(), 'the unsaved change is still there to deploy');
  await shot(p, 'modeler-english-1280');
  await p.setViewportSize({ width: 1024, height: 768 });
  await shot(p, 'modeler-english-1024');
  await p.setViewportSize({ width: 1280, height: 800 });

  // The diagram itself was not reloaded: the edit is in the model, and in the tab's kept draft.
  const kept = (await p.evaluate(
    `Object.keys(sessionStorage).filter((k) => k.startsWith('dangan.modeler-draft.') && k.endsWith('.borrowing')).map((k) => sessionStorage.getItem(k))`,
  )) as string[];
  t.is(kept.length, 1);
  t.regex(JSON.parse(kept[0]).xml, /camunda:dueDate="P5D"/);
  t.is(await p.locator('.djs-shape', { hasText: step.name }).count(), 1);

  // And back to Chinese.
  await p.getByLabel('Language').selectOption('zh');
  await panel.locator('.bio-properties-panel-group-header', { hasText: '办理人与期限' }).waitFor();
  t.is(await panel.getByLabel('办理期限').inputValue(), 'P5D');
  t.is(await p.locator('.djs-palette [data-action="create.task"]').getAttribute('aria-label'), '任务');

  t.deepEqual(suite.b.problems, [], 'no console error, page error or failed request');
  t.deepEqual(suite.b.outside, []);
});
