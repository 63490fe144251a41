// The archivist's 扫描质检 list and 复制登记 in chromium: a failing material shows its findings in
// Chinese and passes after the missing page is uploaded and it is checked again; a copy's PDF is
// made from the register for a narrower run of pages chosen in its dialog (wrong choices explained
// before anything is sent, the server's refusal shown there too, progress while it works) and the
// downloaded file holds those pages and the certification page; the case page lists the case's
// copies and leads to the register; the applicant's application page lists them with their PDFs
// until the copies are reported destroyed. Screenshots: docs/screenshots/scan-quality.png, copy-register.png,
// copy-pdf-range.png, copy-pdf-progress.png, copy-case.png, copy-applicant.png (UPDATE_SCREENSHOTS=1), else a temp folder.
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import test from 'ava';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { plainArchiveOf, postBytes } from '../archives/helpers.ts';
import { certifiedCase, type CertifiedCase } from '../copies/helpers.ts';
import { todayIn } from '../helpers/cases.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let copyCase: CertifiedCase;
const failing: Array<{ id: number; pages: number; seq_no: string; cadre: string }> = [];

const page = (dpi: number, shade: number) =>
  sharp({ create: { width: 620, height: 877, channels: 3, background: { r: shade, g: shade, b: shade } } }).toColourspace('b-w').jpeg().withMetadata({ density: dpi }).toBuffer();

test.before(async () => {
  sys = await startSystem();
  copyCase = await certifiedCase(sys, 2, { copies: 3 });
  const archivist = await sys.as('archivist1');
  await archivist.post(`/api/copy-register/${copyCase.rows[0].id}/pdf`, {});
  // Two materials with scan problems: one page short; a page at 150 dpi.
  for (const [skip, dpi] of [[7, 300], [8, 150]] as const) {
    const a = await plainArchiveOf(sys, '150300-ZZB-DAS', skip);
    const m = await sys.services.db('materials').where({ archive_id: a.archiveId }).where('pages', '>=', 2).orderBy('id').first();
    await postBytes(archivist, `/api/materials/${m.id}/pages`, await page(dpi, 200 + skip), 'image/jpeg');
    failing.push({ ...m, cadre: a.name });
  }
  b = await openBrowser(sys.url, { width: 1360, height: 820 });
  await login(b.page, sys.url, 'archivist1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('扫描质检: the failing materials with their findings; checking again after the missing page arrives clears one', async (t) => {
  const p = b.page;
  await p.getByRole('link', { name: '扫描质检' }).click();
  await p.getByRole('heading', { name: '扫描质检' }).waitFor();
  const rows = p.locator('table.qc tbody tr');
  await rows.first().waitFor();
  t.is(await rows.count(), 2);
  const text = await p.locator('table.qc').innerText();
  t.regex(text, /扫描页数 1 与目录页数 \d+ 不符/);
  t.regex(text, /分辨率 150 dpi 低于 200/);
  t.true(text.includes(failing[0].cadre) && text.includes(failing[1].cadre));
  // The finding's text only, in the user's language; its kind in words as a tooltip, never the code.
  t.notRegex(text, /PAGE_COUNT|LOW_DPI|PAGE_MISSING/);
  const first = p.locator('table.qc tbody tr', { hasText: failing[0].cadre });
  t.false((await p.locator('table.qc .findings').allInnerTexts()).join('\n').includes(' / '), 'one language at a time');
  t.is(await first.locator('.findings li [title]').first().getAttribute('title'), '扫描页数与目录页数不符');
  // The cadre and the material lead to the archive.
  const archiveId = (await sys.services.db('materials').where({ id: failing[0].id }).first('archive_id')).archive_id;
  t.is(await first.getByRole('link', { name: failing[0].cadre }).getAttribute('href'), `/archives/${archiveId}`);
  await shot(p, 'scan-quality', { fullPage: true });

  // The missing pages arrive; 重新检查 clears the first material.
  const archivist = await sys.as('archivist1');
  for (let n = 2; n <= failing[0].pages; n++) await postBytes(archivist, `/api/materials/${failing[0].id}/pages`, await page(300, 100 + n), 'image/jpeg');
  await p.locator('table.qc tbody tr', { hasText: failing[0].cadre }).getByRole('button', { name: '重新检查' }).click();
  await p.getByText(`${failing[0].seq_no} 已通过质检`).waitFor();
  // (A locator wait, not a string predicate: the page's CSP refuses eval.)
  await p.locator('table.qc tbody tr', { hasText: failing[0].cadre }).waitFor({ state: 'detached' });
  t.is(await p.locator('table.qc tbody tr').count(), 1);
  t.is(await p.locator('table.qc tbody tr', { hasText: failing[1].cadre }).count(), 1);
  t.deepEqual(b.problems, []);
});

test.serial('扫描质检 in English at 1024 px: the low-resolution finding names the page and the value, the table fits its box, Check again in sight; Rescan this page replaces the page', async (t) => {
  const p = b.page;
  await p.setViewportSize({ width: 1024, height: 768 });
  try {
    await p.goto(`${sys.url}/quality`);
    await p.getByLabel('语言').selectOption('en');
    await p.getByRole('heading', { name: 'Scan checks', level: 1 }).waitFor();
    const row = p.locator('table.qc tbody tr', { hasText: failing[1].cadre });
    await row.waitFor();
    t.regex(await row.locator('.findings').innerText(), /page \d+: 150 dpi, below 200 dpi/);
    t.log(await shot(p, 'scan-quality-en-1024'));
    t.false(await p.evaluate(() => (globalThis as any).document.documentElement.scrollWidth > (globalThis as any).document.documentElement.clientWidth), 'the page does not scroll sideways');
    const box = await p.locator('table.qc').locator('xpath=..').boundingBox();
    const button = await row.getByRole('button', { name: 'Check again' }).boundingBox();
    t.true(button!.x + button!.width <= box!.x + box!.width + 1, `the button ends at ${button!.x + button!.width}, the table's box at ${box!.x + box!.width}`);

    // 重扫此页 on the 150 dpi page: a new image replaces page 1; the page-count findings stay.
    const chooser = p.waitForEvent('filechooser');
    await row.getByRole('button', { name: 'Rescan page 1' }).click();
    await (await chooser).setFiles({ name: 'page1.jpg', mimeType: 'image/jpeg', buffer: await page(300, 99) });
    await p.getByText(`Page 1 of ${failing[1].seq_no} replaced; still`).waitFor();
    await row.getByText(/150 dpi/).waitFor({ state: 'detached' });
    t.regex(await row.locator('.findings').innerText(), /1 pages scanned, the catalogue says \d+/);
    t.is((await sys.services.db('page_images').where({ material_id: failing[1].id, page_no: 1 }).first()).dpi, 300);
  } finally {
    await p.getByLabel('Language').selectOption('zh');
    await p.setViewportSize({ width: 1360, height: 820 });
  }
  t.deepEqual(b.problems, []);
});

const registerRow = (serial: string) => b.page.locator('table.register tbody tr', { hasText: serial });
/** Problems of the page other than the answers to `url` (expected refusals). */
const otherProblems = (url: string) => b.problems.filter((x) => !x.includes(url) && !x.includes('status of 422'));

test.serial('复制登记: the archivist chooses a narrower run of pages by clicking and typing; wrong choices are explained first; the PDF holds those pages and the certification page', async (t) => {
  const p = b.page;
  const row = copyCase.rows[1];
  const last = row.page_to;
  t.true(last >= 3, 'the approved material has at least 3 pages');
  await p.getByRole('link', { name: '复制登记' }).click();
  await p.getByRole('heading', { name: '复制登记' }).waitFor();
  const link = registerRow(copyCase.rows[0].serial_no).getByRole('link', { name: '下载 PDF' });
  await link.waitFor();
  t.is(await link.getAttribute('href'), `/api/copy-register/${copyCase.rows[0].id}/pdf`);
  const posts: string[] = [];
  p.on('request', (r) => r.method() === 'POST' && r.url().includes('/api/copy-register/') && posts.push(r.url()));

  await registerRow(row.serial_no).getByRole('button', { name: '制作 PDF' }).click();
  const dialog = p.getByRole('dialog', { name: '制作电子复制件' });
  await dialog.waitFor();
  const from = dialog.getByLabel('起始页');
  const to = dialog.getByLabel('结束页');
  // Every approved page by default.
  t.is(await from.inputValue(), '1');
  t.is(await to.inputValue(), String(last));
  await dialog.getByText(`PDF 将含第 1–${last} 页，共 ${last} 页，另加 1 页核证页，合计 ${last + 1} 页。`).waitFor();

  // Empty, beyond the approved pages, reversed: said in the dialog, the field marked, nothing sent.
  const submit = dialog.getByRole('button', { name: '制作 PDF' });
  // The form's own alert: a toast of the step before may still show in the dialog, above it.
  const alert = dialog.locator('form').getByRole('alert');
  await from.fill('');
  await submit.click();
  t.is(await alert.innerText(), '请填写起始页和结束页');
  t.is(await from.getAttribute('aria-invalid'), 'true');
  t.true(await from.evaluate((el: any) => el === el.ownerDocument.activeElement), 'the wrong field has the focus');
  await from.fill('2');
  await to.fill(String(last + 1));
  await submit.click();
  t.is(await alert.innerText(), `页码须在批准的第 1–${last} 页之内`);
  t.is(await to.getAttribute('aria-invalid'), 'true');
  await to.fill('1');
  t.is(await alert.innerText(), '起始页不能大于结束页');
  t.deepEqual(posts, [], 'nothing was sent for a wrong choice');

  // Pages 2–3: typed, then the arrow key, as a keyboard user would.
  await to.fill('2');
  await to.press('ArrowUp');
  t.is(await to.inputValue(), '3');
  await dialog.getByText('PDF 将含第 2–3 页，共 2 页，另加 1 页核证页，合计 3 页。').waitFor();
  t.is(await alert.count(), 0);
  await shot(p, 'copy-pdf-range');

  // Held at the server's door so that the progress can be seen; Enter submits.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const pdfUrl = `**/api/copy-register/${row.id}/pdf`;
  await p.route(pdfUrl, async (route) => {
    if (route.request().method() === 'POST') await gate;
    await route.continue();
  });
  await to.press('Enter');
  await dialog.getByRole('status').getByText('正在制作第 2–3 页的 PDF').waitFor();
  t.true(await dialog.getByRole('button', { name: '制作中…' }).isDisabled());
  t.true(await from.isDisabled());
  await p.keyboard.press('Escape');
  t.true(await dialog.isVisible(), 'Esc does not hide a PDF being made');
  await shot(p, 'copy-pdf-progress');
  release();
  await p.getByText(`${row.serial_no} 的 PDF 已制作（第 2–3 页及核证页）`).waitFor();
  await dialog.waitFor({ state: 'hidden' });
  await p.unroute(pdfUrl);
  t.deepEqual(posts, [`${sys.url}/api/copy-register/${row.id}/pdf`]);
  const stored = await sys.services.db('copy_records').where({ id: row.id }).first();
  t.like(stored, { page_from: 2, page_to: 3 });
  await registerRow(row.serial_no).getByText('2–3').waitFor();

  // The download, as the browser saves it: 2 pages + the certification page, the recorded bytes.
  const [download] = await Promise.all([p.waitForEvent('download'), registerRow(row.serial_no).getByRole('link', { name: '下载 PDF' }).click()]);
  const bytes = fs.readFileSync((await download.path())!);
  t.is(createHash('sha256').update(bytes).digest('hex'), stored.pdf_sha256);
  t.is((await PDFDocument.load(bytes)).getPageCount(), 3);
  t.is(download.suggestedFilename(), `${row.serial_no}.pdf`);
  await shot(p, 'copy-register', { fullPage: true });
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('复制登记: the server’s refusal is shown in the dialog when the row changed meanwhile, and the list then shows the change', async (t) => {
  const p = b.page;
  const row = copyCase.rows[2];
  const last = row.page_to;
  await registerRow(row.serial_no).getByRole('button', { name: '制作 PDF' }).click();
  const dialog = p.getByRole('dialog', { name: '制作电子复制件' });
  await dialog.getByText(`批准复制第 1–${last} 页`).waitFor();
  // Another session of the office makes this copy's PDF of its last page first.
  const other = await (await sys.as('archivist1')).post(`/api/copy-register/${row.id}/pdf`, { pageFrom: last, pageTo: last });
  t.is(other.status, 201);
  await dialog.getByRole('button', { name: '制作 PDF' }).click();
  const alert = dialog.locator('form').getByRole('alert');
  await alert.waitFor();
  t.is(await alert.innerText(), `页码须在批准的第 ${last}–${last} 页之内`);
  await dialog.getByRole('button', { name: '取消' }).click();
  await registerRow(row.serial_no).getByRole('link', { name: '下载 PDF' }).waitFor();
  t.true((await registerRow(row.serial_no).innerText()).includes(`${last}–${last}`));
  t.is((await sys.services.db('copy_records').where({ id: row.id }).first()).page_from, last, 'the refused choice changed nothing');
  t.deepEqual(otherProblems(`/api/copy-register/${row.id}/pdf`), []);
  b.problems.length = 0;
});

test.serial('the case page lists the case’s copies with their PDF state and leads to the register; the unit head’s view of the case has none', async (t) => {
  const p = b.page;
  const [r0, r1, r2] = copyCase.rows;
  const caseNo = (await sys.services.db('utilization_requests').where({ id: copyCase.requestId }).first()).case_no;
  // The archivist's own 逐份登记 task of the case.
  const task = await sys.services.db('tasks').where({ instance_id: copyCase.instanceId, element_id: 'makeCopies' }).first();
  await p.goto(`${sys.url}/tasks/${task.id}`);
  const section = p.getByRole('region', { name: '本案复制登记' });
  await section.waitFor();
  const rows = section.locator('tbody tr');
  t.is(await rows.count(), 3);
  for (const r of [r0, r1, r2]) {
    const tr = section.locator('tbody tr', { hasText: r.serial_no });
    t.is(await tr.getByRole('link', { name: '下载 PDF' }).getAttribute('href'), `/api/copy-register/${r.id}/pdf`);
  }
  t.true((await section.locator('tbody tr', { hasText: r1.serial_no }).innerText()).includes('2–3'));
  await shot(p, 'copy-case', { fullPage: true });

  // The link: the register, narrowed to this case.
  await section.getByRole('link', { name: '到复制登记查看本案' }).click();
  await p.getByText(`只看申请 ${caseNo}`).waitFor();
  t.is(new URL(p.url()).searchParams.get('requestId'), String(copyCase.requestId));
  t.is(await p.locator('table.register tbody tr').count(), 3);
  // From the register's case number back to the case (its application page shows the same section).
  await registerRow(r0.serial_no).getByRole('link', { name: caseNo }).click();
  await p.getByRole('region', { name: '本案复制登记' }).locator('tbody tr').first().waitFor();
  t.is(await p.getByRole('region', { name: '本案复制登记' }).locator('tbody tr').count(), 3);
  t.deepEqual(b.problems, []);

  // The unit head took part in the case but does not read the register: no section, not even asked.
  const asked: string[] = [];
  p.on('request', (r) => r.url().includes('/api/copy-register') && asked.push(r.url()));
  await logout(p);
  await login(p, sys.url, 'unithead1');
  await p.goto(`${sys.url}/applications/${copyCase.instanceId}`);
  await p.getByRole('heading', { name: '申请概要' }).waitFor();
  t.is(await p.getByRole('region', { name: '本案复制登记' }).count(), 0);
  t.deepEqual(asked, []);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('the applicant’s application page lists the request’s copies and downloads their PDFs until the copies are reported destroyed', async (t) => {
  const p = b.page;
  const [r0] = copyCase.rows;
  await logout(p);
  await login(p, sys.url, 'applicant1');
  await p.goto(`${sys.url}/applications/${copyCase.instanceId}`);
  const section = p.getByRole('region', { name: '本案复制登记' });
  await section.getByText('档案室为本申请制作的复制件').waitFor();
  const rows = section.locator('tbody tr');
  t.is(await rows.count(), 3);
  for (const r of copyCase.rows) {
    const tr = section.locator('tbody tr', { hasText: r.serial_no });
    t.is(await tr.getByRole('link', { name: '下载 PDF' }).getAttribute('href'), `/api/copy-register/${r.id}/pdf`);
    t.true((await tr.innerText()).includes('未报告'));
  }
  t.is(await section.getByRole('link', { name: '到复制登记查看本案' }).count(), 0, 'applicants do not read the register');
  const [download] = await Promise.all([p.waitForEvent('download'), section.locator('tbody tr', { hasText: r0.serial_no }).getByRole('link', { name: '下载 PDF' }).click()]);
  const stored = await sys.services.db('copy_records').where({ id: r0.id }).first();
  t.is(createHash('sha256').update(fs.readFileSync((await download.path())!)).digest('hex'), stored.pdf_sha256);
  await shot(p, 'copy-applicant', { fullPage: true });

  // The using unit reports the copies destroyed (its 报告 task): the PDFs are no longer offered.
  const task = await sys.services.db('tasks').where({ instance_id: copyCase.instanceId, element_id: 'confirmDisposition', status: 'open' }).first();
  t.truthy(task, 'the applicant has the disposition task');
  const done = await (await sys.as('applicant1')).post(`/api/tasks/${task.id}/complete`, { variables: { disposition: 'destroyed', dispositionDate: todayIn(sys) } });
  t.is(done.status, 200, JSON.stringify(done.body));
  await p.reload();
  await section.locator('tbody tr').first().waitFor();
  t.is(await section.getByRole('link', { name: '下载 PDF' }).count(), 0);
  t.is(await section.locator('tbody tr', { hasText: '已销毁' }).count(), 3);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});
