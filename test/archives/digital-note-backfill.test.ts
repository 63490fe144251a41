// Migrations 20261128_1340 (the column) and _1341 (its backfill): rows of 数字化记录 the scan check wrote before it kept its findings as data
// get them from their note; a person's move keeps none, even one whose note reads like the system's.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const COLUMN = '20261128_1340_digital_history_auto_back.ts';
const BACKFILL = '20261128_1341_digital_history_auto_back_fill.ts';

test('the moves back the scan check wrote before get their material and findings; people’s moves none', async (t) => {
  const db = sys.services.db;
  const archive = await db('archives').orderBy('id').first('id');
  await db.migrate.down({ name: BACKFILL });
  await db.migrate.down({ name: COLUMN });
  t.false(await db.schema.hasColumn('archive_digital_history', 'auto_back'));
  const row = (note: string, checked: number, to = 'partial') => ({ archive_id: archive.id, from_status: 'done', to_status: to, note, actor_id: null, at: '2026-06-01T00:00:00.000Z', checked });
  const system = '扫描质检未通过，自动退回：材料 4-1-2（PAGE_COUNT、LOW_DPI） / Scan check failed, moved back automatically: material 4-1-2 (PAGE_COUNT, LOW_DPI)';
  const [auto] = await db('archive_digital_history').insert(row(system, 1)).returning('id');
  const [typed] = await db('archive_digital_history').insert(row('扫描质检未通过，自动退回：材料 4-1-2（LOW_DPI） 另：第2页需重扫', 0)).returning('id');
  const [own] = await db('archive_digital_history').insert(row('第一批扫描', 1)).returning('id');
  await db.migrate.up({ name: COLUMN });
  await db.migrate.up({ name: BACKFILL });
  const after = async (r: { id: number } | number) => (await db('archive_digital_history').where({ id: typeof r === 'number' ? r : r.id }).first('auto_back')).auto_back;
  t.deepEqual(JSON.parse(await after(auto)), { seqNo: '4-1-2', codes: ['PAGE_COUNT', 'LOW_DPI'] });
  t.is(await after(typed), null, 'typed by a person (no material counted): the person’s note');
  t.is(await after(own), null);
});
