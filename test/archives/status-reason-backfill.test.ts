// Migrations 20261128_1720 (the column) and _1721 (its backfill): rows of 档案状态记录 the system wrote
// in a case before it kept its reason as data get it from their line; a row outside a case, or to a
// status the line does not go with, keeps none, whatever its words.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const COLUMN = '20261128_1720_status_history_system_reason.ts';
const BACKFILL = '20261128_1721_status_history_system_reason_fill.ts';

test('the moves the system wrote before get their reason as data; people’s reasons none', async (t) => {
  const db = sys.services.db;
  const archive = await db('archives').orderBy('id').first('id');
  const instance = await db('process_instances').first('id');
  await db.migrate.down({ name: BACKFILL });
  await db.migrate.down({ name: COLUMN });
  t.false(await db.schema.hasColumn('archive_status_history', 'system_reason'));
  const row = (reason: string, from: string, to: string, inCase = true) => ({
    archive_id: archive.id,
    from_status: from,
    to_status: to,
    reason,
    instance_id: inCase ? instance?.id ?? '00000000-0000-4000-8000-000000000001' : null,
    actor_id: null,
    at: '2026-06-01T00:00:00.000Z',
  });
  const insert = async (r: ReturnType<typeof row>) => (await db('archive_status_history').insert(r).returning('id'))[0];
  const out = await insert(row('数字化出库 数字化-2026-0001（补扫）', 'in_stock', 'digitizing'));
  const restored = await insert(row('数字化回库 数字化-2026-0001，恢复死亡状态', 'in_stock', 'deceased'));
  const back = await insert(row('数字化回库 数字化-2026-0001', 'digitizing', 'in_stock'));
  const lent = await insert(row('借出 借阅-2026-0007', 'in_stock', 'on_loan'));
  const typed = await insert(row('借出 借阅-2026-0007', 'in_stock', 'on_loan', false));
  const wrongTo = await insert(row('数字化回库 数字化-2026-0001', 'in_stock', 'retired'));
  const own = await insert(row('调阅后归还库房', 'on_loan', 'in_stock'));
  await db.migrate.up({ name: COLUMN });
  await db.migrate.up({ name: BACKFILL });
  const after = async (r: { id: number } | number) => {
    const v = (await db('archive_status_history').where({ id: typeof r === 'number' ? r : r.id }).first('system_reason')).system_reason;
    return v === null ? null : JSON.parse(v);
  };
  t.deepEqual(await after(out), { code: 'digitisation_out', params: { caseNo: '数字化-2026-0001', purpose: 'rescan' } });
  t.deepEqual(await after(restored), { code: 'digitisation_restore', params: { caseNo: '数字化-2026-0001', status: 'deceased' } });
  t.deepEqual(await after(back), { code: 'digitisation_back', params: { caseNo: '数字化-2026-0001' } });
  t.deepEqual(await after(lent), { code: 'loan_out', params: { caseNo: '借阅-2026-0007' } });
  t.is(await after(typed), null, 'outside a case: a person’s words');
  t.is(await after(wrongTo), null, 'to a status the line does not go with');
  t.is(await after(own), null);
});
