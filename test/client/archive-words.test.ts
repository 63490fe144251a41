// An archive's page in one language at a time: the automatic move back in 数字化记录 comes with its
// material and the scan check's codes (`autoBack`) and reads in the user's language with words for
// the codes; a person's note, even one written like the system's, is shown as written; the
// catalogue's ten categories have English names (client/src/lib/format/digital-note.ts, category-name.ts).
import test from 'ava';
import { digitalNoteText } from '../../client/src/lib/format/digital-note.ts';
import { categoryName } from '../../client/src/lib/format/category-name.ts';
import { zh } from '../../client/src/lib/i18n/zh.ts';
import { en } from '../../client/src/lib/i18n/en.ts';
import { autoBackNote } from '../../server/archives/digital-note.ts';

const autoBack = { seqNo: '7-3', codes: ['PAGE_COUNT', 'PAGE_MISSING'] };
const stored = { note: autoBackNote(autoBack), autoBack };

test('the automatic move back reads in the user’s language, with words for the codes', (t) => {
  t.is(digitalNoteText('zh', stored), '扫描质检未通过，自动退回：材料 7-3（扫描页数与目录页数不符、缺页）');
  t.is(digitalNoteText('en', stored), 'Scan check failed, moved back automatically: material 7-3 (page count differs from the catalogue, pages missing)');
  const cut = { note: '扫描质检未通过，自动退回：材料 4-1-2（MARKED_FAILING） / Scan check f', autoBack: { seqNo: '4-1-2', codes: ['MARKED_FAILING'] } };
  t.is(digitalNoteText('en', cut), 'Scan check failed, moved back automatically: material 4-1-2 (marked failing on inspection)');
  for (const text of [digitalNoteText('zh', stored)!, digitalNoteText('en', stored)!]) t.notRegex(text, /[A-Z]{2,}_|\s\/\s/);
});

test('every code of a scan check has words in both languages', (t) => {
  const codes = ['PAGE_COUNT', 'PAGE_MISSING', 'PAGE_DUPLICATE', 'DUPLICATE_ELSEWHERE', 'LOW_DPI', 'NO_DPI', 'FILE_MISSING', 'FILE_CHANGED', 'UNREADABLE', 'SIZE_MISMATCH', 'MARKED_FAILING'];
  t.deepEqual(Object.keys(zh.digital.problems).sort(), [...codes].sort());
  t.deepEqual(Object.keys(en.digital.problems).sort(), [...codes].sort());
});

test('a person’s own note is shown as written, in either language, even in the system’s words', (t) => {
  const own = { note: '扫描件需重做 / rescan needed', autoBack: null };
  t.is(digitalNoteText('zh', own), own.note);
  t.is(digitalNoteText('en', own), own.note);
  t.is(digitalNoteText('en', { note: null, autoBack: null }), null);
  // Typed by a person in the system's words, it stays the person's note, whole.
  const mimic = { note: '扫描质检未通过，自动退回：材料 7-3（PAGE_COUNT） 另：第2页需重扫', autoBack: null };
  t.is(digitalNoteText('en', mimic), mimic.note);
});

test('the ten categories and their sub-categories have English names; an office’s own name stays as it is', (t) => {
  t.is(categoryName('en', { code: '1', name: '履历材料' }), 'Curriculum vitae materials');
  t.is(categoryName('en', { code: '4-2', name: '专业技术职务（职称）材料' }), 'Professional and technical titles');
  t.is(categoryName('en', { code: '10', name: '其他可供组织参考的材料' }), 'Other materials for the organisation’s reference');
  t.is(categoryName('zh', { code: '1', name: '履历材料' }), '履历材料');
  t.is(categoryName('en', { code: '1', name: '履历及简历材料' }), '履历及简历材料', 'renamed by the office: no English name is guessed');
  t.is(categoryName('en', { code: '11', name: '其他' }), '其他');
  const codes = ['1', '2', '3', '4', '4-1', '4-2', '4-3', '4-4', '5', '6', '7', '8', '9', '9-1', '9-2', '9-3', '9-4', '10'];
  t.deepEqual(Object.keys(en.archive.categories).sort(), [...codes].sort());
  for (const c of codes) t.notRegex((en.archive.categories as Record<string, string>)[c], /[\u4e00-\u9fff]/, c);
});
