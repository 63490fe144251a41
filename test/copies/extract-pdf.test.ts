// 摘录件 are made from text, not page images (DOMAIN.md §1.4 "normally only 摘抄", §6.3): for an
// extract's register row the archivist of the holding office enters the text taken from the material
// and confirms it checked; the certified PDF is that text — citing the material and pages, watermarked
// as a copy's pages — and the 核证页, with no page image of the archive in it. The image path refuses
// an extract's row; text empty, too long or holding invisible characters is 400; pages outside the
// row 422; another office 404; every refusal audited; download as for copies.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import test from 'ava';
import { PDFDocument, PDFRawStream } from 'pdf-lib';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import type { HttpClient } from '../helpers/http.ts';
import { certifiedCase, pdfImages, type CertifiedCase } from './helpers.ts';
import { auditRows } from '../archives/helpers.ts';
import { watermarkPage } from '../../server/reading/watermark.ts';
import { copyWatermarkLines } from '../../server/copies/service.ts';
import { palettePng, renderExtractPages } from '../../server/copies/pdf.ts';
import { PURPOSES } from '../../server/requests/checks.ts';

let sys: TestSystem;
let fixture: CertifiedCase;
test.before(async () => {
  sys = await startSystem();
  fixture = await certifiedCase(sys, 5, { kind: 'extract', pages: 4 });
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const TEXT = '1998年7月毕业于内蒙古大学汉语言文学专业，\r\n同年9月参加工作。  \n\n2005年3月任乌海市海勃湾区委办公室副主任。';
const CLEAN = '1998年7月毕业于内蒙古大学汉语言文学专业，\n同年9月参加工作。\n\n2005年3月任乌海市海勃湾区委办公室副主任。';

async function getBytes(client: HttpClient, url: string) {
  const res = await fetch(client.base + url, { headers: { cookie: client.cookie } });
  return { status: res.status, data: Buffer.from(await res.arrayBuffer()) };
}

const deniedReasons = async (n: number) => (await auditRows(sys, 'copy.pdf_denied')).slice(-n).map((r: any) => [r.object_id, JSON.parse(r.detail).reason]);

test.serial('an extract is registered one row per approved material, and the image path refuses it: no page of the archive is exported, audited', async (t) => {
  t.is(fixture.rows.length, 1);
  const row = fixture.rows[0];
  t.like(row, { kind: 'extract', copies: 1, page_from: 1, page_to: 4 });
  const res = await (await sys.as('archivist1')).post(`/api/copy-register/${row.id}/pdf`, {});
  t.is(res.status, 422, JSON.stringify(res.body));
  t.is(res.body.details.rule, 'extract-from-text');
  t.regex(res.body.message, /摘录件由档案管理员录入并核对的摘录文字制作/);
  t.is((await db()('copy_records').where({ id: row.id }).first()).pdf_file, null);
  t.deepEqual(await deniedReasons(1), [[String(row.id), 'extract_from_text']]);
  t.is(JSON.parse((await auditRows(sys, 'copy.pdf_denied')).at(-1).detail).kind, 'extract');
});

test.serial('text empty, too long, with invisible characters, or not confirmed checked is 400 with a clear message; pages outside the row 422; nothing written', async (t) => {
  const row = fixture.rows[0];
  const archivist = await sys.as('archivist1');
  const url = `/api/copy-register/${row.id}/extract`;
  const body = { text: CLEAN, pageFrom: 2, pageTo: 3, checked: true };
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ text: '  \n \r\n ' }, /请填写摘录的文字/],
    [{ text: '摘'.repeat(5001) }, /摘录的文字不能超过 5000 字/],
    [{ text: '任职\u200b经历' }, /看不见的字符/],
    [{ checked: false }, /须先对照档案原件核对摘录的文字/],
    [{ pageFrom: 0 }, /./],
  ];
  for (const [over, message] of bad) {
    const res = await archivist.post(url, { ...body, ...over });
    t.is(res.status, 400, JSON.stringify(over).slice(0, 60));
    t.regex(JSON.stringify(res.body), message);
  }
  // 5000 is still allowed by the schema: checked with the pages wrong, so nothing is made.
  const outside = await archivist.post(url, { ...body, text: '摘'.repeat(5000), pageTo: 5 });
  t.is(outside.status, 422, JSON.stringify(outside.body));
  t.is(outside.body.details.rule, 'pages-outside-approval');
  t.regex(outside.body.message, /页码须在批准的第 1–4 页之内/);
  const after = await db()('copy_records').where({ id: row.id }).first();
  t.is(after.pdf_file, null);
  t.is(after.extract_text, null);
  t.deepEqual(await deniedReasons(1), [[String(row.id), 'pages_not_approved']]);
  // The refusal says the row is an extract, so the auditor reads 制作摘录件 PDF 被拒, not 制作复制件.
  t.deepEqual(JSON.parse((await auditRows(sys, 'copy.pdf_denied')).at(-1).detail), { reason: 'pages_not_approved', kind: 'extract' });
});

test.serial('another office’s archivist gets 404, the chief and applicants 403, a copy’s row is no extract; refusals audited', async (t) => {
  const row = fixture.rows[0];
  const body = { text: CLEAN, pageFrom: 2, pageTo: 3, checked: true };
  const other = await (await sys.as('receiver1')).post(`/api/copy-register/${row.id}/extract`, body);
  t.is(other.status, 404);
  t.is(other.body.code, 'NOT_FOUND');
  t.is((await (await sys.as('receiver1')).post('/api/copy-register/99999999/extract', body)).status, 404);
  t.deepEqual(await deniedReasons(2), [[String(row.id), 'out_of_scope'], ['99999999', 'absent']]);
  t.is((await (await sys.as('chief1')).post(`/api/copy-register/${row.id}/extract`, body)).status, 403);
  t.is((await (await sys.as('applicant1')).post(`/api/copy-register/${row.id}/extract`, body)).status, 403);
  // A copy's row is made from its pages, not from a text.
  const copyCase = await certifiedCase(sys, 6, { copies: 1 });
  const copy = await (await sys.as('archivist1')).post(`/api/copy-register/${copyCase.rows[0].id}/extract`, { ...body, pageTo: 1, pageFrom: 1 });
  t.is(copy.status, 422, JSON.stringify(copy.body));
  t.is(copy.body.details.rule, 'not-an-extract');
  t.deepEqual(await deniedReasons(1), [[String(copyCase.rows[0].id), 'not_extract']]);
  t.is((await db()('copy_records').where({ id: copyCase.rows[0].id }).first()).pdf_file, null);
});

test.serial('the extract’s PDF is its checked text citing the material and pages, watermarked, and the 核证页 — no page image of the archive; made once; downloaded as the same bytes, audited', async (t) => {
  const row = fixture.rows[0];
  const archivist = await sys.as('archivist1');
  const made = await archivist.post(`/api/copy-register/${row.id}/extract`, { text: TEXT, pageFrom: 2, pageTo: 3, checked: true });
  t.is(made.status, 201, JSON.stringify(made.body));
  t.like(made.body, { copyId: row.id, serialNo: row.serial_no, pages: { from: 2, to: 3 }, created: true });
  const after = await db()('copy_records').where({ id: row.id }).first();
  t.like(after, { extract_text: CLEAN, page_from: 2, page_to: 3, pdf_sha256: made.body.sha256 });
  const file = fs.readFileSync(path.join(sys.testDb.dataDir, 'copies', after.pdf_file));
  t.is(sha(file), after.pdf_sha256);
  t.true(file.length < 400_000, `small: ${file.length} bytes (a text page and the 核证页)`);

  // Every image in it is a page drawn from the text (PNG, A4 at 150 dpi), never a scan (JPEG).
  const images = await pdfImages(file);
  t.is(images.length, 2, 'the text page and the 核证页');
  for (const page of images) {
    t.is(page.length, 1);
    t.like(page[0], { width: 1240, height: 1754, filter: '/FlateDecode' });
  }
  const scans = await db()('page_images').where({ material_id: fixture.approved.id });
  t.is(scans.length, 4);
  for (const s of scans) {
    const clean = fs.readFileSync(path.join(sys.testDb.dataDir, 'scans', s.file));
    t.false(file.includes(clean.subarray(0, 4096)), `scan of page ${s.page_no} is not in the PDF`);
  }
  // The text page is exactly the text drawn with its head and the copy's watermark: the text is in it.
  const req = await db()('utilization_requests').where({ id: fixture.requestId }).first();
  const cadre = await db()('cadres').where({ id: req.cadre_id }).first();
  const archive = await db()('archives').where({ id: row.archive_id }).first();
  const org = (id: number) => db()('org_units').where({ id }).first().then((o: any) => o.name);
  const [page] = await renderExtractPages({
    title: '干部人事档案摘录件',
    rows: [
      ['摘录件编号', `${row.serial_no}（第 1 份，共 1 份）`],
      ['申请号', req.case_no],
      ['用途', PURPOSES[req.purpose]],
      ['干部', `${cadre.name}（档案号 ${archive.archive_no}）`],
      ['材料', `${row.seq_no}　${row.title}`],
      ['摘自', '第 2–3 页，共 2 页'],
      ['接收单位', await org(row.recipient_org_id)],
      ['管档单位', await org(row.custodian_org_id)],
    ],
    text: CLEAN,
    continued: `干部人事档案摘录件（续） ${row.serial_no}`,
  });
  const lines = copyWatermarkLines(after, req);
  t.is(lines[2].split(' ')[0], '摘录件');
  const expected = await watermarkPage(page, lines, { format: 'png' });
  const doc = await PDFDocument.load(file);
  const embedded = await PDFDocument.create();
  const img = await embedded.embedPng(await palettePng(expected.data));
  await embedded.save();
  const stream = embedded.context.lookup(img.ref) as PDFRawStream;
  t.true(Buffer.from(stream.contents).equals(images[0][0].bytes), 'the text page is the checked text, watermarked');
  t.is(doc.getPageCount(), 2);
  // Another text would not be this page.
  const [otherPage] = await renderExtractPages({ title: '干部人事档案摘录件', rows: [], text: '另一段文字', continued: '' });
  t.false((await watermarkPage(otherPage, lines, { format: 'png' })).data.equals(expected.data));

  // Once: the same ask answers the PDF made, another text or pages is 409.
  const again = await archivist.post(`/api/copy-register/${row.id}/extract`, { text: CLEAN, pageFrom: 2, pageTo: 3, checked: true });
  t.like(again.body, { created: false, sha256: after.pdf_sha256 });
  const changed = await archivist.post(`/api/copy-register/${row.id}/extract`, { text: `${CLEAN}。`, pageFrom: 2, pageTo: 3, checked: true });
  t.is(changed.status, 409);
  t.is(changed.body.code, 'PDF_EXISTS');
  t.is(fs.readdirSync(path.join(sys.testDb.dataDir, 'copies', String(fixture.requestId))).length, 1);

  // Audited as a copy's PDF, of kind extract (the auditor reads 制作摘录件 PDF), with the size of the text, never the text; downloads as for copies.
  const created = (await auditRows(sys, 'copy.pdf_create')).filter((r: any) => r.object_id === String(row.id));
  t.is(created.length, 1);
  t.deepEqual(JSON.parse(created[0].detail), { serialNo: row.serial_no, requestId: fixture.requestId, kind: 'extract', pages: 2, sha256: after.pdf_sha256, chars: CLEAN.length });
  for (const who of ['archivist1', 'chief1', 'applicant1', 'applicant2']) {
    const d = await getBytes(await sys.as(who), `/api/copy-register/${row.id}/pdf`);
    t.is(d.status, 200, who);
    t.true(d.data.equals(file), who);
  }
  t.is((await getBytes(await sys.as('receiver1'), `/api/copy-register/${row.id}/pdf`)).status, 404);
  const downloads = (await auditRows(sys, 'copy.pdf_download')).filter((r: any) => r.object_id === String(row.id));
  t.is(downloads.length, 4);
  t.deepEqual(JSON.parse((await auditRows(sys, 'copy.pdf_download_denied')).at(-1).detail), { reason: 'out_of_scope', kind: 'extract' });
  // The register lists it as made, with the pages cited.
  const listed = (await archivist.get(`/api/copy-register?requestId=${fixture.requestId}`)).body.items[0];
  t.like(listed, { kind: 'extract', hasPdf: true, pages: { from: 2, to: 3 } });
});

test.serial('a long extract runs over several numbered pages, all drawn from its text', async (t) => {
  const pages = await renderExtractPages({ title: '干部人事档案摘录件', rows: [['材料', '4-1-1　干部履历表']], text: '工作经历'.repeat(1250), continued: '干部人事档案摘录件（续） X' });
  t.true(pages.length >= 4 && pages.length <= 8, `${pages.length} pages`);
});
