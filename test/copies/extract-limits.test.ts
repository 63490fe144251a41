// Two defects of 摘录件 made from text, found in review (2dead86):
// 1. Line breaks inflated the PDF: '摘' + 4998 line breaks + '录' is 5000 characters but drew 209
//    pages on the server's image threads. The shared cleaner makes a run of blank lines one, and the
//    lines the pages would hold (long lines wrapped as drawn) are counted before any page is drawn:
//    over EXTRACT_MAX_LINES is 400, in both languages, naming the limit. The dialog counts the same.
// 2. Two archivists making the same extract with different texts at once: the second got the first
//    one's PDF as its own (created: false). The ask is compared again with the row re-read under
//    the lock: another text is 409 PDF_EXISTS, the same text the PDF made (created: false).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { PDFDocument } from 'pdf-lib';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { certifiedCase } from './helpers.ts';
import { auditRows } from '../archives/helpers.ts';
import { cleanExtractText, EXTRACT_MAX_LINES, extractLines } from '../../shared/extract-text.ts';
import { extractLineCount } from '../../server/copies/pdf.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const INFLATED = `摘${'\n'.repeat(4998)}录`;

test('the cleaner makes a run of blank lines one blank line, whatever spaces or Windows line breaks they hold', (t) => {
  t.is(INFLATED.length, 5000);
  t.is(cleanExtractText(INFLATED), '摘\n\n录');
  t.is(cleanExtractText('第一段\r\n\r\n \r\n\u3000\n\t\n第二段\n\n第三段\n'), '第一段\n\n第二段\n\n第三段');
  t.is(extractLines(cleanExtractText(INFLATED)), 3);
});

test('the lines counted are the lines drawn: long lines wrap, and the dialog’s count (no font) is the server’s for Chinese, digits and Latin', (t) => {
  const texts = [
    '工作经历'.repeat(1250),
    '1998年7月毕业于内蒙古大学汉语言文学专业，同年9月参加工作。'.repeat(40),
    'Graduated from Inner Mongolia University (B.A., 1998); joined the Party 2003-07-01. '.repeat(30),
    Array.from({ length: 60 }, (_, i) => `${1990 + i}.09—${1991 + i}.07　某某单位工作，任 ${i} 级职务`).join('\n'),
  ];
  for (const text of texts) t.is(extractLines(text), extractLineCount(text), text.slice(0, 20));
  t.is(extractLineCount('工作经历'.repeat(1250)), 162, 'a full extract of 5000 Chinese characters: 31 to a line');
});

test.serial('an extract inflated by line breaks is made as its cleaned text (one page), and one still over the line limit is 400 naming it, before any page is drawn', async (t) => {
  const fixture = await certifiedCase(sys, 5, { kind: 'extract', pages: 4 });
  const row = fixture.rows[0];
  const archivist = await sys.as('archivist1');
  const url = `/api/copy-register/${row.id}/extract`;
  const body = { pageFrom: 1, pageTo: 2, checked: true };

  // One line to a character, or a blank line between each: 5000 characters, far over the lines; and
  // lines of 32 characters, each wrapped in two (31 to a line): 111 of them are 222 lines.
  // And lines of 32 em-dashes: one line each in the font (26.8 units of 30), two by the widths the
  // dialog knows (one em): the server counts as the dialog does, so both refuse it.
  for (const text of ['摘\n'.repeat(2500), '摘\n\n'.repeat(1666), `${'一'.repeat(32)}\n`.repeat(EXTRACT_MAX_LINES / 2 + 1), `${'—'.repeat(32)}\n`.repeat(EXTRACT_MAX_LINES / 2 + 1)]) {
    const lines = extractLines(cleanExtractText(text));
    t.true(lines > EXTRACT_MAX_LINES);
    const res = await archivist.post(url, { ...body, text });
    t.is(res.status, 400, JSON.stringify(res.body).slice(0, 200));
    const said = JSON.stringify(res.body);
    t.regex(said, new RegExp(`摘录的文字排版后不能超过 ${EXTRACT_MAX_LINES} 行（约 10 页），现有 ${lines} 行`));
    t.regex(said, new RegExp(`at most ${EXTRACT_MAX_LINES} lines on its pages \\(about 10 pages\\); it has ${lines}`));
  }
  t.is((await db()('copy_records').where({ id: row.id }).first()).pdf_file, null, 'nothing made');
  t.false(fs.existsSync(path.join(sys.testDb.dataDir, 'copies', String(fixture.requestId))), 'no page drawn to a file');

  // The inflated text is kept as cleaned: two lines and a blank one, one page of text and the 核证页.
  const made = await archivist.post(url, { ...body, text: INFLATED });
  t.is(made.status, 201, JSON.stringify(made.body));
  const after = await db()('copy_records').where({ id: row.id }).first();
  t.is(after.extract_text, '摘\n\n录');
  const pdf = await PDFDocument.load(fs.readFileSync(path.join(sys.testDb.dataDir, 'copies', after.pdf_file)));
  t.is(pdf.getPageCount(), 2, 'one page of text and the 核证页, not 209');
  const created = (await auditRows(sys, 'copy.pdf_create')).filter((r: any) => r.object_id === String(row.id));
  t.like(JSON.parse(created[0].detail), { pages: 2, chars: 4 });
  // Asked again with the inflated text, it is the same text: the PDF made.
  const again = await archivist.post(url, { ...body, text: INFLATED });
  t.like(again.body, { created: false, sha256: after.pdf_sha256 });
});

test.serial('an extract of exactly the line limit is made, on at most 10 pages of text', async (t) => {
  const fixture = await certifiedCase(sys, 9, { kind: 'extract', pages: 2 });
  const row = fixture.rows[0];
  const text = `${'一'.repeat(32)}\n`.repeat(EXTRACT_MAX_LINES / 2);
  t.is(extractLineCount(cleanExtractText(text)), EXTRACT_MAX_LINES);
  const made = await (await sys.as('archivist1')).post(`/api/copy-register/${row.id}/extract`, { pageFrom: 1, pageTo: 2, checked: true, text });
  t.is(made.status, 201, JSON.stringify(made.body).slice(0, 200));
  const after = await db()('copy_records').where({ id: row.id }).first();
  const pdf = await PDFDocument.load(fs.readFileSync(path.join(sys.testDb.dataDir, 'copies', after.pdf_file)));
  t.true(pdf.getPageCount() <= 11, `${pdf.getPageCount()} pages: at most 10 of text and the 核证页`);
  t.true(pdf.getPageCount() >= 9);
});

/** Holds each ask after its check until `n` asks have passed it: they then draw and store at once. */
function raceAfterCheck(n: number) {
  const copies = sys.services.copies as any;
  const check = copies.certifiable;
  let passed = 0;
  let release!: () => void;
  const all = new Promise<void>((r) => (release = r));
  copies.certifiable = async function (...args: unknown[]) {
    const ok = await check.apply(this, args);
    if (++passed === n) release();
    await all;
    return ok;
  };
  return () => {
    copies.certifiable = check;
  };
}

test.serial('two archivists making the same extract at once: another text is 409 PDF_EXISTS, the same text the PDF made; the winner’s PDF stays, the loser’s file is gone', async (t) => {
  const fixture = await certifiedCase(sys, 6, { kind: 'extract', pages: 3 });
  const row = fixture.rows[0];
  const url = `/api/copy-register/${row.id}/extract`;
  const body = { pageFrom: 1, pageTo: 3, checked: true };
  const [a, b] = [await sys.as('archivist1'), await sys.as('archivist1')];

  const restore = raceAfterCheck(2);
  let answers;
  try {
    answers = await Promise.all([a.post(url, { ...body, text: '1998年7月参加工作。' }), b.post(url, { ...body, text: '2005年3月任副主任。' })]);
  } finally {
    restore();
  }
  const made = answers.filter((r) => r.status === 201);
  const refused = answers.filter((r) => r.status === 409);
  t.is(made.length, 1, JSON.stringify(answers.map((r) => [r.status, r.body])));
  t.is(refused.length, 1);
  t.is(refused[0].body.code, 'PDF_EXISTS');
  t.regex(refused[0].body.message, /该摘录件的 PDF 已制作，文字和页码不能再改/);
  const after = await db()('copy_records').where({ id: row.id }).first();
  t.is(after.pdf_sha256, made[0].body.sha256);
  const won = made[0] === answers[0] ? '1998年7月参加工作。' : '2005年3月任副主任。';
  t.is(after.extract_text, won);
  t.deepEqual(fs.readdirSync(path.join(sys.testDb.dataDir, 'copies', String(fixture.requestId))), [path.basename(after.pdf_file)]);

  // The same text at once: both answer the one PDF, one of them created: false.
  const other = await certifiedCase(sys, 7, { kind: 'extract', pages: 3 });
  const url2 = `/api/copy-register/${other.rows[0].id}/extract`;
  const again = raceAfterCheck(2);
  let same;
  try {
    same = await Promise.all([a.post(url2, { ...body, text: '同一段文字。' }), b.post(url2, { ...body, text: '同一段文字。' })]);
  } finally {
    again();
  }
  t.deepEqual(same.map((r) => r.body.created).sort(), [false, true]);
  t.is(same[0].body.sha256, same[1].body.sha256);
  t.is(fs.readdirSync(path.join(sys.testDb.dataDir, 'copies', String(other.requestId))).length, 1);
});

test.serial('two archivists making the same copy’s PDF at once with other pages: the second is 409 PDF_EXISTS too', async (t) => {
  const fixture = await certifiedCase(sys, 8, { copies: 1 });
  const row = fixture.rows[0];
  t.true(row.page_to >= 2);
  const url = `/api/copy-register/${row.id}/pdf`;
  const [a, b] = [await sys.as('archivist1'), await sys.as('archivist1')];
  const restore = raceAfterCheck(2);
  let answers;
  try {
    answers = await Promise.all([a.post(url, { pageFrom: 1, pageTo: 1 }), b.post(url, { pageFrom: 2, pageTo: 2 })]);
  } finally {
    restore();
  }
  t.deepEqual(answers.map((r) => r.status).sort(), [201, 409], JSON.stringify(answers.map((r) => r.body)));
  t.is(answers.find((r) => r.status === 409)!.body.code, 'PDF_EXISTS');
});
