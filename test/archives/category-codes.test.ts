// The ten categories (DOMAIN.md §2.1) are taken however an archivist writes them: the code (1 … 10,
// 4-1 … 9-4), the Chinese numeral the printed catalogue heads them with (一 … 十), 99 (A01's code
// of 十类), a sub-category as 四-1 or 九之二 — in the filing API and in the import alike; and every
// form that asks for a category offers all of them, 十 included.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { categoryCodeOf } from '../../server/archives/codes.ts';
import { projectRoot } from '../../server/services.ts';
import { plainArchiveOf, postBytes } from './helpers.ts';

let sys: TestSystem;
let archiveId: number;
test.before(async () => {
  sys = await startSystem();
  archiveId = (await plainArchiveOf(sys, '150300-ZZB-DAS', 5)).archiveId;
});
test.after.always(async () => {
  await sys?.close();
});

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

test('categoryCodeOf: 一 … 十 are 1 … 10, with or without 第…类; sub-categories of 四 and 九 in every spelling; the rest is left to be refused', (t) => {
  NUMERALS.forEach((n, i) => {
    t.is(categoryCodeOf(n), String(i + 1), n);
    t.is(categoryCodeOf(`第${n}类`), String(i + 1), `第${n}类`);
    t.is(categoryCodeOf(String(i + 1)), String(i + 1));
  });
  for (const [given, code] of [['99', '10'], ['１０', '10'], [' 十 ', '10'], ['4-1', '4-1'], ['4.1', '4-1'], ['41', '4-1'], ['四-1', '4-1'], ['四之一', '4-1'], ['九－２', '9-2'], ['九之四', '9-4'], ['9-4', '9-4']]) {
    t.is(categoryCodeOf(given), code, given);
  }
  // Not a category: returned as written (trimmed), for the caller to name as unknown.
  for (const given of ['十一', '11', '0', '十之一', '10-1', '1-1', '四十', 'x']) t.is(categoryCodeOf(given), given, given);
});

test.serial('filing over HTTP: 十 is filed under 10 (序号 10-n), 四-1 under 4-1; 十之一 is an unknown category', async (t) => {
  const archivist = await sys.as('archivist1');
  const file = (categoryCode: string, title: string) => archivist.post(`/api/archives/${archiveId}/materials`, { categoryCode, title, formedDate: '2026-03-15', pages: 1, isCopy: false });
  const ten = await file('十', '干部健康检查表');
  t.is(ten.status, 201, JSON.stringify(ten.body));
  t.is(ten.body.categoryCode, '10');
  t.regex(ten.body.seqNo, /^10-\d+$/);
  const sub = await file('四-1', '培训结业证书');
  t.is(sub.status, 201, JSON.stringify(sub.body));
  t.is(sub.body.categoryCode, '4-1');
  for (const bad of ['十之一', '十一']) {
    const res = await file(bad, '干部调动介绍信');
    t.is(res.status, 400, bad);
    t.is(res.body.details[0].field, 'categoryCode');
    t.regex(res.body.details[0].message, new RegExp(`无此类别 ${bad}`));
  }
});

test.serial('the import takes 一 … 十 in the 材料类别 column like 1 … 10, and files 十 under 10', async (t) => {
  const archivist = await sys.as('archivist1');
  const no = (await sys.services.db('archives').where({ id: archiveId }).first()).archive_no;
  const leaf = ['1', '2', '3', '4-1', '5', '6', '7', '8', '9-1', '10'];
  const written = ['一', '二', '三', '四-1', '五', '六', '七', '八', '九之一', '十'];
  const csv = ['archive_no,e01z211,e01z211a,e01z227,e01z224', ...written.map((c, i) => `${no},${c},导入材料${i + 1},2025-0${(i % 9) + 1}-10,1`)].join('\n');
  const dry = await postBytes(archivist, '/api/imports?dryRun=true', `\ufeff${csv}`, 'text/csv');
  t.deepEqual(dry.body.errors, []);
  t.is(dry.body.counts.materials, 10);
  const res = await postBytes(archivist, '/api/imports?dryRun=false', `\ufeff${csv}`, 'text/csv');
  t.true(res.body.imported, JSON.stringify(res.body.errors));
  const rows = await sys.services.db('materials').where({ archive_id: archiveId }).where('title', 'like', '导入材料%').orderBy('id');
  t.deepEqual(rows.map((m: any) => m.category_code), leaf);
  t.regex(rows[9].seq_no, /^10-\d+$/);
});

test('every form that asks for a category offers all of them: the leaf categories for a material, the ten for a request', async (t) => {
  const leaves = (await sys.services.db('catalog_categories').where({ divided: false, active: true }).orderBy('sort_order')).map((c: any) => c.code);
  const tops = (await sys.services.db('catalog_categories').whereNull('parent_code').orderBy('sort_order')).map((c: any) => c.code);
  t.deepEqual(tops, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  const valuesOf = (form: string, key: string) => {
    const walk = (cs: any[]): any => cs.map((c) => (c.key === key ? c : c.components ? walk(c.components) : undefined)).flat().find(Boolean);
    const field = walk(JSON.parse(fs.readFileSync(path.join(projectRoot, 'processes/forms', `${form}.form.json`), 'utf8')).components);
    return field.values.map((v: any) => v.value);
  };
  t.deepEqual(valuesOf('material-start', 'categoryCode'), leaves);
  t.deepEqual(valuesOf('material-file', 'filedCategoryCode'), leaves);
  t.deepEqual(valuesOf('collection-notice-start', 'categoryCode'), leaves);
  t.deepEqual(valuesOf('borrowing-start', 'categories'), tops);
  t.deepEqual(valuesOf('borrowing-chief', 'grantedCategories'), tops);
});
