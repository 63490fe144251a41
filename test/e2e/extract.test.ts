// 摘录件 in chromium: on 复制登记 an extract's row offers 录入摘录 (not 制作 PDF); its dialog takes the
// text, the pages it cites and the archivist's confirmation that it was checked, counts the
// characters, explains what is missing before anything is sent, and makes the extract; the register
// then downloads a PDF of the text and the 核证页, with no page image in it. The dialog at 1280 and
// 1024 px, in Chinese and in English: screenshots extract-dialog-{zh,en}-{1280,1024}.png
// (docs/screenshots with UPDATE_SCREENSHOTS=1, else a temp folder), and nothing sticks out of it.
import fs from 'node:fs';
import test from 'ava';
import { PDFDocument } from 'pdf-lib';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { certifiedCase, type CertifiedCase } from '../copies/helpers.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let extract: CertifiedCase;
let copy: CertifiedCase;

test.before(async () => {
  sys = await startSystem();
  extract = await certifiedCase(sys, 5, { kind: 'extract', pages: 4 });
  copy = await certifiedCase(sys, 6, { copies: 1 });
  b = await openBrowser(sys.url, { width: 1280, height: 860 });
  await login(b.page, sys.url, 'archivist1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const row = () => b.page.locator('table.register tbody tr', { hasText: extract.rows[0].serial_no });

/** The dialog fits the window: no control wider than the dialog, the dialog inside the viewport. */
async function fits(t: any, width: number) {
  const dialog = b.page.locator('dialog[open]');
  const box = (await dialog.boundingBox())!;
  t.true(box.x >= 0 && box.x + box.width <= width, `dialog inside ${width} px`);
  for (const sel of ['textarea', 'fieldset', 'label.check', '.actions']) {
    const inner = (await dialog.locator(sel).first().boundingBox())!;
    t.true(inner.x >= box.x && inner.x + inner.width <= box.x + box.width + 1, `${sel} inside the dialog at ${width} px`);
  }
}

test.serial('an extract’s row is entered as text: wrong input explained in the dialog, the count shown, the PDF made from the text', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/copies?requestId=${extract.requestId}`);
  await row().waitFor();
  t.is(await row().getByRole('button', { name: '制作 PDF' }).count(), 0, 'no page PDF for an extract');
  await row().getByRole('button', { name: '录入摘录' }).click();
  const dialog = p.locator('dialog[open]');
  await dialog.getByRole('heading', { name: '制作摘录件' }).waitFor();
  t.regex(await dialog.innerText(), /不含档案页面图像/);
  t.is(await dialog.locator('#ext-from').inputValue(), '1');
  t.is(await dialog.locator('#ext-to').inputValue(), '4');
  await dialog.getByText('0 / 5000 字').waitFor();

  // Nothing typed: told, the text area focused, nothing sent.
  await dialog.getByRole('button', { name: '核对无误，制作摘录件' }).click();
  await dialog.getByRole('alert').filter({ hasText: '请填写摘录的文字' }).waitFor();
  t.is(await p.evaluate('document.activeElement && document.activeElement.id'), 'extract-text');
  const text = '1998年7月毕业于内蒙古大学汉语言文学专业，同年9月参加工作。\n2005年3月任乌海市海勃湾区委办公室副主任。';
  await dialog.getByRole('textbox', { name: '摘录内容' }).fill(text);
  await dialog.getByText(`${text.length} / 5000 字`).waitFor();
  await dialog.locator('#ext-from').fill('2');
  await dialog.locator('#ext-to').fill('5');
  await dialog.getByRole('button', { name: '核对无误，制作摘录件' }).click();
  await dialog.getByRole('alert').filter({ hasText: '页码须在批准的第 1–4 页之内' }).waitFor();
  await dialog.locator('#ext-to').fill('3');
  await dialog.getByText(`摘录件将注明：摘自 ${extract.rows[0].seq_no} ${extract.rows[0].title} 第 2–3 页。`).waitFor();
  await dialog.getByRole('button', { name: '核对无误，制作摘录件' }).click();
  await dialog.getByRole('alert').filter({ hasText: '请先对照档案原件核对摘录内容，并勾选确认' }).waitFor();
  t.is(await p.evaluate('document.activeElement && document.activeElement.type'), 'checkbox');
  t.is((await sys.services.db('copy_records').where({ id: extract.rows[0].id }).first()).pdf_file, null, 'nothing sent yet');
  await dialog.getByLabel('已对照档案原件逐字核对摘录内容').check();
  await fits(t, 1280);
  await shot(p, 'extract-dialog-zh-1280');
  await p.setViewportSize({ width: 1024, height: 860 });
  await fits(t, 1024);
  await shot(p, 'extract-dialog-zh-1024');
  await p.setViewportSize({ width: 1280, height: 860 });

  await dialog.getByRole('button', { name: '核对无误，制作摘录件' }).click();
  await p.getByText(`${extract.rows[0].serial_no} 的摘录件已制作（摘自第 2–3 页，附核证页）`).waitFor();
  const stored = await sys.services.db('copy_records').where({ id: extract.rows[0].id }).first();
  t.is(stored.extract_text, text);
  t.like(stored, { page_from: 2, page_to: 3 });
  await row().getByText('2–3').waitFor();
  const [download] = await Promise.all([p.waitForEvent('download'), row().getByRole('link', { name: '下载 PDF' }).click()]);
  const bytes = fs.readFileSync((await download.path())!);
  t.is((await PDFDocument.load(bytes)).getPageCount(), 2, 'the text page and the 核证页');
  t.false(bytes.includes(Buffer.from('/DCTDecode')), 'no JPEG (no scan) in it');

  // A copy's row keeps its page dialog.
  await p.goto(`${sys.url}/copies?requestId=${copy.requestId}`);
  const copyRow = p.locator('table.register tbody tr', { hasText: copy.rows[0].serial_no });
  await copyRow.getByRole('button', { name: '制作 PDF' }).click();
  await p.locator('dialog[open]').getByRole('heading', { name: '制作电子复制件' }).waitFor();
  t.is(await p.locator('dialog[open] textarea').count(), 0);
  t.deepEqual(b.problems, []);
});

test.serial('in English the extract dialog reads English and fits at 1280 and 1024 px', async (t) => {
  const p = b.page;
  const [rowB] = await sys.services.db('copy_records').where({ request_id: extract.requestId });
  // A second, unmade extract row to open (the first has its PDF).
  const { id, ...base } = rowB;
  await sys.services.db('copy_records').insert({ ...base, serial_no: `${rowB.serial_no}-B`, pdf_file: null, pdf_sha256: null, pdf_bytes: null, pdf_made_by: null, pdf_made_at: null, extract_text: null });
  const archivist = await sys.services.db('users').where({ username: 'archivist1' }).first();
  await sys.services.db('users').where({ id: archivist.id }).update({ language: 'en' });
  try {
    await p.goto(`${sys.url}/copies?requestId=${extract.requestId}`);
    const r = p.locator('table.register tbody tr', { hasText: `${rowB.serial_no}-B` });
    await r.getByRole('button', { name: 'Enter extract' }).click();
    const dialog = p.locator('dialog[open]');
    await dialog.getByRole('heading', { name: 'Make the extract' }).waitFor();
    await dialog.getByRole('textbox', { name: 'Extracted text' }).fill('Graduated from Inner Mongolia University in July 1998.\n任乌海市海勃湾区委办公室副主任。');
    await dialog.getByText('/ 5000 characters').waitFor();
    await dialog.getByRole('button', { name: 'Checked: make the extract' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Check the text against the original and tick the box first' }).waitFor();
    t.notRegex(await dialog.innerText(), /[请摘录核对]/u, 'no Chinese words of the page in English (the typed text aside)');
    await fits(t, 1280);
    await shot(p, 'extract-dialog-en-1280');
    await p.setViewportSize({ width: 1024, height: 860 });
    await fits(t, 1024);
    await shot(p, 'extract-dialog-en-1024');
  } finally {
    await sys.services.db('users').where({ id: archivist.id }).update({ language: 'zh' });
  }
});
