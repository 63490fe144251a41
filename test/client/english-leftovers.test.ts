// English pages that still spoke Chinese (explorer's sweep): the review panel's verdicts, the import
// report's link to Archives. The stock check's default name stays the office's Chinese one (the
// server names it; a record's name is office data), and the hint says so in English.
import test from 'ava';
import { fill } from '../../client/src/lib/i18n/fill.ts';
import { en } from '../../client/src/lib/i18n/en.ts';
import { importsEn } from '../../client/src/lib/i18n/imports.en.ts';

const HAN = /\p{Script=Han}/u;

test('the review panel says passed or failed in English, not 合格 or 不合格', (t) => {
  t.notRegex(en.reviews.panelIntro, HAN);
  t.regex(en.reviews.panelIntro, /passed or failed/);
});

test('the import report links to Archives in English, not 档案管理', (t) => {
  t.is(importsEn.report.toArchives, 'Open Archives');
});

test('the stock check’s name hint gives the Chinese default with its English meaning', (t) => {
  const hint = fill(en.stock.nameHint, { year: 2026 });
  t.true(hint.includes('“2026年度库房核对” (2026 stock check)'), hint);
  t.false(hint.includes('by default “2026年度库房核对”.'), 'not the bare Chinese name as if it were English');
});
