// The demo archive office reads as a real one would: ~200 cadres whose records are consistent
// (valid ID numbers, born < school < work < Party), archives held by the office their custody
// range names, materials in every category dated after the events they record, and page images
// that show the material's title in Chinese without any system font.
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { cadreProblems } from '../../server/archives/cadres.ts';
import { PageRenderer } from '../../db/seeds/page-render.ts';
import { renderDemoScans } from '../../db/seeds/demo-scans.ts';
import { createLogger } from '../../server/logger.ts';
import { cadreNamed } from './helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

test('about 200 cadres, each record consistent, each archive where its custody range says', async (t) => {
  const db = sys.services.db;
  const today = sys.clock.now().toISOString().slice(0, 10);
  const cadres = await db('cadres');
  t.true(cadres.length >= 190 && cadres.length <= 220);
  t.is(new Set(cadres.map((c: any) => c.id_number)).size, cadres.length);
  for (const c of cadres) {
    t.deepEqual(cadreProblems(c, today), [], c.name);
    t.true(!c.work_start_date || c.birth_date < c.work_start_date);
    t.true(!c.party_join_date || c.work_start_date < c.party_join_date);
  }
  const levels = new Set(cadres.map((c: any) => c.management_level));
  t.deepEqual([...levels].sort(), ['county', 'municipal', 'provincial', 'unit']);
  for (const a of await db('archives')) {
    const c = cadres.find((x: any) => x.id === a.cadre_id);
    const custody = await sys.services.archives.custodianFor(db, c.org_unit_id, c.management_level);
    t.is(custody?.custodianOrgId, a.custodian_org_id, c.name);
    t.is(custody?.archiveKind, a.kind);
  }
  const spouse = await cadreNamed(sys, '张建军');
  t.is(spouse.cadre.management_level, 'municipal');
  t.is(spouse.archive.custodian_org_id, (await db('org_units').where({ code: '150300-ZZB-DAS' }).first()).id);
});

test('materials in every category, dated after what they record and never after today', async (t) => {
  const db = sys.services.db;
  const today = sys.clock.now().toISOString().slice(0, 10);
  const leaves = (await db('catalog_categories').where({ divided: false })).map((c: any) => c.code).sort();
  const used = (await db('materials').distinct('category_code')).map((r: any) => r.category_code).sort();
  t.deepEqual(used, leaves);
  const rows = await db('materials as m').join('archives as a', 'a.id', 'm.archive_id').join('cadres as c', 'c.id', 'a.cadre_id').select('m.*', 'c.birth_date', 'c.work_start_date', 'c.party_join_date');
  for (const m of rows) {
    t.true(m.formed_date > m.birth_date && m.formed_date <= today, `${m.title} ${m.formed_date}`);
    if (m.title === '中国共产党入党志愿书') t.is(m.formed_date, m.party_join_date);
    if (m.title === '高等学校毕业生登记表') t.true(m.formed_date <= m.work_start_date);
    if (m.is_copy) t.true(!!m.copy_date && m.copy_date >= m.formed_date);
    t.is(m.seq_no, `${m.category_code}-${m.item_no}`);
  }
  // Inside a category the numbers follow the formation dates.
  const byItem = new Map<string, any[]>();
  for (const m of rows) byItem.set(`${m.archive_id}/${m.category_code}`, [...(byItem.get(`${m.archive_id}/${m.category_code}`) ?? []), m]);
  for (const list of byItem.values()) {
    const sorted = [...list].sort((a, b) => a.item_no - b.item_no);
    t.deepEqual(sorted.map((m) => m.item_no), sorted.map((_, i) => i + 1));
    t.deepEqual(sorted.map((m) => m.formed_date), [...sorted.map((m) => m.formed_date)].sort());
  }
});

test('a rendered page: A4 at 200 dpi, grey, with the Chinese title drawn from the shipped font', async (t) => {
  const r = new PageRenderer();
  const spec = { title: '中国共产党入党志愿书', seqNo: '6-3', pageNo: 1, pages: 2, cadreName: '张建军', gender: '男', birth: '1974-01-18', formedDate: '2001-08-26', unit: '乌海市财政局', lines: ['我志愿加入中国共产党'], jitter: 0 };
  const img = await r.render(spec);
  const meta = await sharp(img).metadata();
  t.deepEqual([meta.format, meta.width, meta.height, meta.density, meta.channels], ['jpeg', 1654, 2339, 200, 1]);
  // The title band holds dark strokes; the same band on a page without a title is blank.
  const dark = async (buf: Buffer) => {
    const { data } = await sharp(buf).extract({ left: 300, top: 220, width: 1054, height: 100 }).raw().toBuffer({ resolveWithObject: true });
    return data.filter((v) => v < 100).length;
  };
  t.true((await dark(img)) > 2000);
  t.is(await dark(await r.render({ ...spec, title: '' })), 0);
  t.true(r.svg(spec).includes('<path'));
  t.false(r.svg(spec).includes('<text'));
});

test('the background renderer files the pages of digitised demo archives through addPageScans', async (t) => {
  const db = sys.services.db;
  await renderDemoScans(sys.services, createLogger('silent'), new AbortController().signal, { maxMaterials: 2 });
  const pages = await db('page_images as p').join('materials as m', 'm.id', 'p.material_id').select('p.*', 'm.pages as expected', 'm.id as mid');
  t.true(pages.length >= 2);
  const materials = [...new Set(pages.map((p: any) => p.mid))];
  t.is(materials.length, 2);
  for (const id of materials) t.deepEqual(await sys.services.archives.checkScans(id as number), []);
  // Each rendered material was checked as it was filed, and passed (扫描质检).
  const checks = await db('scan_checks').whereIn('material_id', materials).select('material_id', 'passed', 'trigger');
  t.deepEqual(checks.map((c: any) => [c.material_id, !!c.passed, c.trigger]).sort(), materials.map((id) => [id, true, 'upload']).sort());
  t.true(pages.every((p: any) => p.dpi === 200 && p.colour_mode === 'gray'));
});
