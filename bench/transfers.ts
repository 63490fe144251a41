// 转递 benchmark: the cost of each step of a transfer across two offices (position change → prepared
// → approved → sent, with the receiving case started → receipt signed, custody moved → stored), and
// the reads an office makes with many records: its order list and its 名册 with 20 000 archives and
// 20 000 orders. Service level (no HTTP). SQLite by default; PostgreSQL when DATABASE_URL is set.
import { MovableClock, iso } from '../server/clock.ts';
import { createLogger } from '../server/logger.ts';
import { createServices } from '../server/services.ts';
import { prepare } from '../server/boot.ts';
import { createTestDb } from '../test/helpers/db.ts';
import type { SessionUser } from '../server/people/sessions.ts';
import { summarise } from './stats.ts';

const fmt = (s: { p50: number; p95: number; n: number }) => `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (n=${s.n})`;

export async function run(): Promise<void> {
  const testDb = await createTestDb();
  const clock = new MovableClock('2026-11-02T01:00:00.000Z');
  const s = createServices({ config: testDb.config, db: testDb.db, clock, log: createLogger('silent') });
  try {
    await prepare(s, { demo: true });
    const db = s.db;
    const session = async (username: string): Promise<SessionUser> => {
      const u = await db('users').where({ username }).first();
      const roles = (await db('user_roles').where({ user_id: u.id })).map((r: any) => r.role);
      return { id: u.id, username, displayName: u.display_name, orgUnitId: u.org_unit_id, roles, language: 'zh', sessionId: 'bench' };
    };
    const [archivist, chief, receiver] = await Promise.all(['archivist1', 'chief1', 'receiver1'].map(session));
    const actor = (u: SessionUser) => ({ id: u.id, username: u.username, roles: u.roles, orgUnitId: u.orgUnitId });
    const city = (await db('org_units').where({ code: '150300-ZZB-DAS' }).first()).id;
    const xh = (await db('org_units').where({ code: '150302-XH' }).first()).id;
    const unitPath = (await db('org_units').where({ code: '150300' }).first()).path;
    const hbwPath = (await db('org_units').where({ code: '150302' }).first()).path;
    const cadres = await db('archives as a')
      .join('cadres as c', 'c.id', 'a.cadre_id')
      .join('org_units as u', 'u.id', 'c.org_unit_id')
      .where({ 'a.custodian_org_id': city, 'a.kind': 'original', 'a.status': 'in_stock' })
      .whereIn('c.management_level', ['unit', 'county'])
      .where('u.path', 'like', `${unitPath}%`)
      .whereNot('u.path', 'like', `${hbwPath}%`)
      .whereNotIn('c.id', db('users').whereNotNull('cadre_id').select('cadre_id'))
      .whereNotIn('c.id', db('avoidance_entries').select('cadre_id'))
      .select('c.id');

    const steps: Record<string, number[]> = {};
    const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const r = await fn();
      (steps[step] ??= []).push(performance.now() - t0);
      return r;
    };
    const complete = (u: SessionUser, instanceId: string, element: string, variables: Record<string, unknown>) =>
      db.transaction(async (trx) => {
        const task = await trx('tasks').where({ instance_id: instanceId, element_id: element, status: 'open' }).first();
        return s.engine.complete(trx, task.id, actor(u), variables);
      });
    const whole: number[] = [];
    for (const { id: cadreId } of cadres) {
      const t0 = performance.now();
      const change = await timed('position change + case start', () =>
        s.transfers.recordPositionChange(archivist, '127.0.0.1', cadreId, { unitId: xh, post: '科员', managementLevel: 'county', noticeNo: '乌组任〔2026〕1号', noticeDate: '2026-11-01' }),
      );
      const id = change.transfer!.instanceId;
      const held = await db('archives').where({ cadre_id: cadreId, custodian_org_id: city });
      const [{ n }] = await db('materials as m').whereIn('m.archive_id', held.map((a: any) => a.id)).whereNotExists(db('materials as x').whereRaw('x.supersedes_material_id = m.id').select('x.id')).count({ n: '*' });
      const counts = { volumesMain: held.filter((a: any) => a.kind === 'original').reduce((x: number, a: any) => x + a.volumes, 0), volumesCopy: 0, materialCount: Number(n) };
      await timed('prepare (whole-archive check)', () => complete(archivist, id, 'prepareArchive', { complete: 'yes', ...counts }));
      await timed('chief approval', () => complete(chief, id, 'chiefApproval', { decision: 'approve', comment: '同意。' }));
      await timed('send (slip, status, transfer-in case)', () => complete(archivist, id, 'issueSlip', { method: 'confidential', sealed: true }));
      const inId = (await db('transfer_orders').where({ id: (await db('transfer_orders').where({ instance_id: id }).first()).peer_order_id }).first()).instance_id;
      await timed('receipt signed (custody, both cases)', () => complete(receiver, inId, 'checkPackage', { decision: 'accept', comment: '无误。' }));
      await timed('review and store', () => complete(receiver, inId, 'reviewAndStore', { reviewed: true, room: '1', cabinet: '1', shelf: '1' }));
      whole.push(performance.now() - t0);
    }
    console.log(`transfers across two offices: ${cadres.length}, whole cycle ${fmt(summarise(whole))}`);
    for (const [step, xs] of Object.entries(steps)) console.log(`  ${step}: ${fmt(summarise(xs))}`);

    // 20 000 archives held by the city office and 20 000 of its orders.
    const N = 20_000;
    const now = iso(clock.now());
    const unit = (await db('org_units').where({ code: '150300-CZJ' }).first()).id;
    for (let i = 0; i < N; i += 500) {
      const rows = Array.from({ length: Math.min(500, N - i) }, (_, k) => ({
        name: `测试${i + k}`, gender: '1', birth_date: '1980-01-01', ethnicity: '汉族', native_place: '内蒙古', political_status: '群众',
        id_number: `9${String(i + k).padStart(17, '0')}`, org_unit_id: unit, management_level: 'unit', custodian_org_id: city,
        name_pinyin: `ceshi${String(i + k).padStart(6, '0')}`, name_initials: 'cs', created_at: now, updated_at: now,
      }));
      const ids = (await db('cadres').insert(rows).returning('id')).map((r: any) => Number(r.id ?? r));
      await db('archives').insert(ids.map((cid, k) => ({ cadre_id: cid, archive_no: `B-${i + k}`, kind: 'original', volumes: 1, custodian_org_id: city, status: 'in_stock', digital_status: 'none', created_at: now, updated_at: now })));
      await db('transfer_orders').insert(ids.map((cid, k) => ({
        direction: 'out', case_no: `B-${i + k}`, instance_id: `bench-${i + k}`, status: (i + k) % 5 ? 'receipted' : 'sent', cadre_id: cid, cadre_name: `测试${i + k}`, cadre_id_number: `9${String(i + k).padStart(17, '0')}`,
        reason: 'transfer', from_org_id: city, from_unit_name: '乌海市委组织部干部档案室', to_unit_name: '包头市委组织部干部档案室', destination_kind: 'outside_office', archives: '[]', opened_at: now, updated_at: now,
      })));
    }
    if (process.env.DATABASE_URL) await db.raw('VACUUM ANALYZE');
    const reads: Record<string, number[]> = { 'order list, first page': [], 'order list, status=sent': [], '名册, first page': [], '名册, page 200': [] };
    for (let i = 0; i < 40; i++) {
      for (const [k, fn] of Object.entries({
        'order list, first page': () => s.transfers.list(archivist, {}, { limit: 50, offset: 0 }),
        'order list, status=sent': () => s.transfers.list(archivist, { direction: 'out', status: 'sent' }, { limit: 50, offset: 0 }),
        '名册, first page': () => s.transfers.roster(archivist, undefined, { limit: 50, offset: 0 }),
        '名册, page 200': () => s.transfers.roster(archivist, undefined, { limit: 50, offset: 10_000 }),
      })) {
        const t0 = performance.now();
        await fn();
        if (i >= 5) reads[k].push(performance.now() - t0);
      }
    }
    console.log(`reads with ${N} more archives and ${N} more orders of the city office:`);
    for (const [k, xs] of Object.entries(reads)) console.log(`  ${k}: ${fmt(summarise(xs))}`);
  } finally {
    await s.jobs.stop();
    await testDb.drop();
  }
}
