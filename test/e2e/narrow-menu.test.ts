// At 150 % zoom (853 CSS px wide) the main menu sat on one line that scrolled sideways with no cue,
// eight entries out of view. It wraps onto further lines now: every entry is on screen, in Chinese
// and in English, for the role with the longest menu.
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
  b = await openBrowser(sys.url, { width: 853, height: 533 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('at 853 px every entry of the main menu is on screen, in Chinese and in English', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  for (const [lang, name] of [['zh', '主导航'], ['en', 'Main navigation']] as const) {
    if (lang === 'en') await p.getByLabel('语言').selectOption('en');
    const menu = p.getByRole('navigation', { name });
    await menu.getByRole('link').first().waitFor();
    const links = await menu.getByRole('link').all();
    t.true(links.length >= 15, `${links.length} entries`);
    for (const l of links) {
      const box = (await l.boundingBox())!;
      const label = (await l.textContent())!.trim();
      t.true(box.x >= 0 && box.x + box.width <= 853, `${lang} “${label}” spans ${Math.round(box.x)}–${Math.round(box.x + box.width)}`);
    }
    t.false(await p.evaluate(() => (globalThis as any).document.documentElement.scrollWidth > 853), `${lang}: the page does not scroll sideways`);
    await p.screenshot({ path: `/tmp/uxfix/menu-853-${lang}.png` });
  }
  await p.getByLabel('Language').selectOption('zh');
  await logout(p);
  t.deepEqual(b.problems, []);
});
