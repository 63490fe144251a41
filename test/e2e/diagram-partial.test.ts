// A process version's diagram at 1024 px: too large to read whole, it opens at a readable zoom
// (readable-zoom.ts) and showed only its first steps with nothing saying the rest was there. A line
// under the zoom buttons says so now, in Chinese and English, and goes once 适应窗口 shows it all.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  b = await openBrowser(sys.url, { width: 1024, height: 768 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('a version’s diagram cut off at 1024 px says it is partly shown and how to see it all; 适应窗口 shows it whole and the line goes', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'procadmin');
  await p.goto(`${sys.url}/admin/processes/borrowing/versions/1`);
  const canvas = p.locator('.canvas .djs-container');
  await canvas.waitFor();
  const note = p.getByText('流程图较大，按可读的比例只显示了一部分：拖动可平移，点“适应窗口”可看全图。');
  await note.waitFor();
  // The last step is out of view indeed.
  const box = (await p.locator('.canvas').boundingBox())!;
  const ends = await p.locator('.canvas .djs-element.djs-shape').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  t.true(Math.max(...ends) > box.x + box.width, 'part of the diagram lies beyond the canvas');
  await p.screenshot({ path: '/tmp/uxfix/version-1024-partial.png' });

  await p.getByRole('button', { name: '适应窗口' }).click();
  await note.waitFor({ state: 'hidden' });
  const after = await p.locator('.canvas .djs-element.djs-shape').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  t.true(Math.max(...after) <= box.x + box.width + 1, 'fitted: all of it in the canvas');
  await p.screenshot({ path: '/tmp/uxfix/version-1024-fit.png' });

  await p.getByLabel('语言').selectOption('en');
  await p.reload();
  await p.getByText('A large diagram: only part of it shows, at a size that can be read. Drag to move around, or choose “Fit” to see it whole.').waitFor();
  await p.getByLabel('Language').selectOption('zh');
  await logout(p);
  t.deepEqual(b.problems, []);
});
