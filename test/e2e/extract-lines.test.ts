// The 摘录件 dialog counts the lines the PDF's pages will hold, live, beside the characters: a run of
// blank lines counts as one, long lines wrap as drawn; over the limit it says so before sending,
// naming the limit, as the server would (test/copies/extract-limits.test.ts). Screenshot
// extract-dialog-lines-zh.png (docs/screenshots with UPDATE_SCREENSHOTS=1, else a temp folder).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { certifiedCase, type CertifiedCase } from '../copies/helpers.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let extract: CertifiedCase;

test.before(async () => {
  sys = await startSystem();
  extract = await certifiedCase(sys, 5, { kind: 'extract', pages: 4 });
  b = await openBrowser(sys.url, { width: 1280, height: 860 });
  await login(b.page, sys.url, 'archivist1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('the dialog counts the lines as the pages hold them and refuses over 220 before sending', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/copies?requestId=${extract.requestId}`);
  const row = p.locator('table.register tbody tr', { hasText: extract.rows[0].serial_no });
  await row.getByRole('button', { name: '录入摘录' }).click();
  const dialog = p.locator('dialog[open]');
  await dialog.getByText('排版 0 / 220 行（约 10 页）').waitFor();
  const box = dialog.getByRole('textbox', { name: '摘录内容' });
  // A thousand line breaks: one blank line kept, three lines. (Not 5000: chromium 156 takes 30 s and
  // more to insert text with thousands of line breaks into a textarea — quadratic in them, measured
  // 1.0 s for 500, 2.5 s for 1000, 32 s for 4998 on a loaded machine — and the test timed out in CI.)
  await box.fill(`摘${'\n'.repeat(1000)}录`);
  await dialog.getByText('4 / 5000 字').waitFor();
  await dialog.getByText('排版 3 / 220 行（约 10 页）').waitFor();
  // Lines of 32 characters wrap in two: 111 of them are 222 lines.
  await box.fill(`${'一'.repeat(32)}\n`.repeat(111));
  await dialog.getByText('排版 222 / 220 行（约 10 页）').waitFor();
  await dialog.getByLabel('已对照档案原件逐字核对摘录内容').check();
  await dialog.getByRole('button', { name: '核对无误，制作摘录件' }).click();
  await dialog.getByRole('alert').filter({ hasText: '摘录的文字排版后不能超过 220 行（约 10 页），现有 222 行：请合并分行或删去多余的空行' }).waitFor();
  t.is(await p.evaluate('document.activeElement && document.activeElement.id'), 'extract-text');
  t.is(await dialog.locator('.count.over').count(), 1, 'the line count marked, not the characters');
  await shot(p, 'extract-dialog-lines-zh');
  t.is((await sys.services.db('copy_records').where({ id: extract.rows[0].id }).first()).pdf_file, null, 'nothing sent');
  t.deepEqual(b.problems, []);
});

test.serial('in English the counts and the refusal name the same limit', async (t) => {
  const p = b.page;
  const archivist = await sys.services.db('users').where({ username: 'archivist1' }).first();
  await sys.services.db('users').where({ id: archivist.id }).update({ language: 'en' });
  try {
    await p.goto(`${sys.url}/copies?requestId=${extract.requestId}`);
    const row = p.locator('table.register tbody tr', { hasText: extract.rows[0].serial_no });
    await row.getByRole('button', { name: 'Enter extract' }).click();
    const dialog = p.locator('dialog[open]');
    await dialog.getByRole('textbox', { name: 'Extracted text' }).fill('a\n'.repeat(300));
    await dialog.getByText('300 / 220 lines on the pages (about 10 pages)').waitFor();
    await dialog.getByRole('button', { name: 'Checked: make the extract' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The extract may run to at most 220 lines on its pages (about 10 pages); it has 300: join lines or remove blank ones' }).waitFor();
    t.notRegex(await dialog.locator('.counts').innerText(), /[行字页]/u, 'the counts in English');
    await shot(p, 'extract-dialog-lines-en');
  } finally {
    await sys.services.db('users').where({ id: archivist.id }).update({ language: 'zh' });
  }
});
