// 材料收集归档 and 信息更正 benchmark: whole cases through the engine as the services would run them
// (register → accept → file; open → investigate → opinion → approve), and the ledger (台账) read
// with 10,000 intakes in one office. SQLite by default; PostgreSQL when DATABASE_URL is set.
import { MovableClock, iso } from '../server/clock.ts';
import { createLogger } from '../server/logger.ts';
import { createServices } from '../server/services.ts';
import { prepare } from '../server/boot.ts';
import type { SessionUser } from '../server/people/sessions.ts';
import { createTestDb } from '../test/helpers/db.ts';
import { summarise } from './stats.ts';

const fmt = (s: { p50: number; p95: number; n: number }) => `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (n=${s.n})`;

export async function run(): Promise<void> {
  const testDb = await createTestDb();
  const clock = new MovableClock('2026-11-02T01:00:00.000Z');
  const s = createServices({ config: testDb.config, db: testDb.db, clock, log: createLogger('silent') });
  try {
    await prepare(s, { demo: true });
    const user = async (username: string) => {
      const u = await s.db('users').where({ username }).first();
      const roles = await s.db('user_roles').where({ user_id: u.id }).pluck('role');
      return { id: u.id, username, roles, orgUnitId: u.org_unit_id } as { id: number; username: string; roles: string[]; orgUnitId: number };
    };
    const [producer, archivist, chief, leader] = await Promise.all(['producer1', 'archivist1', 'chief1', 'leader1'].map(user));
    const office = await s.db('org_units').where({ code: '150300-ZZB-DAS' }).first();
    const cadres = await s.db('cadres as c')
      .join('archives as a', 'a.cadre_id', 'c.id')
      .where({ 'a.custodian_org_id': office.id, 'a.kind': 'original', 'a.digital_status': 'none', 'a.status': 'in_stock' })
      .whereNotIn('c.id', s.db('users').whereNotNull('cadre_id').select('cadre_id'))
      .whereNotIn('c.id', s.db('avoidance_entries').select('cadre_id'))
      .whereNotNull('c.work_start_date')
      .select('c.*');
    const task = async (instanceId: string, elementId: string) => (await s.db('tasks').where({ instance_id: instanceId, element_id: elementId, status: 'open' }).first()).id as string;
    const timed = async (xs: number[], fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      xs.push(performance.now() - t);
    };

    // 1. Material collection, whole cases.
    const N = 150;
    const reg: number[] = [];
    const acc: number[] = [];
    const fil: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const c = cadres[i % cadres.length];
      let id = '';
      await timed(reg, async () => {
        id = (
          await s.db.transaction((trx) =>
            s.engine.start(trx, {
              processKey: 'material-collection',
              actor: producer,
              variables: { cadreName: c.name, cadreIdNumber: c.id_number, title: `年度考核登记表 ${i}`, categoryCode: '3', formedDate: '2026-10-20', pages: 1, deliveryMethod: 'hand', statedName: c.name, statedBirthDate: c.birth_date },
            }),
          )
        ).id;
      });
      const review = await task(id, 'reviewMaterial');
      await timed(acc, () => s.db.transaction((trx) => s.engine.complete(trx, review, archivist, { passedChecks: ['finished', 'subject', 'complete', 'legible', 'truthful', 'wellFilled', 'formalities', 'originalOrSealedCopy', 'paperAndInk'], decision: 'accept', comment: '合格。' })));
      const file = await task(id, 'fileMaterial');
      await timed(fil, () => s.db.transaction((trx) => s.engine.complete(trx, file, archivist, { filedCategoryCode: '3', filedPages: 1 })));
    }
    const ms = performance.now() - t0;
    console.log(`material collection: ${N} cases in ${ms.toFixed(0)} ms = ${((N * 1000) / ms).toFixed(1)} cases/s (incl. task lookups)`);
    console.log(`  register ${fmt(summarise(reg))}; accept ${fmt(summarise(acc))}; file ${fmt(summarise(fil))}`);

    // 2. Corrections, whole cases (evidence table built from each cadre's catalogue).
    const M = 60;
    const opn: number[] = [];
    const inv: number[] = [];
    const app: number[] = [];
    for (let i = 0; i < M; i++) {
      const c = cadres[(i + 7) % cadres.length];
      let id = '';
      await timed(opn, async () => {
        id = (await s.db.transaction((trx) => s.engine.start(trx, { processKey: 'correction', actor: archivist, variables: { cadreId: c.id, item: 'native_place', proposedValue: `内蒙古${i}`, trigger: 'special_review', reason: '专项审核发现。' } }))).id;
      });
      const seq = (await s.db('materials as m').join('archives as a', 'a.id', 'm.archive_id').where('a.cadre_id', c.id).where('m.category_code', '1').first('m.seq_no')).seq_no;
      const invT = await task(id, 'investigate');
      await timed(inv, () => s.db.transaction((trx) => s.engine.complete(trx, invT, archivist, { basisMaterials: [seq], findings: '见履历表。', proposedValue: `内蒙古${i}` })));
      const op = await task(id, 'chiefOpinion');
      await s.db.transaction((trx) => s.engine.complete(trx, op, chief, { decision: 'approve', comment: '同意。' }));
      const ap = await task(id, 'authorityApproval');
      await timed(app, () => s.db.transaction((trx) => s.engine.complete(trx, ap, leader, { decision: 'approve', comment: '同意。' })));
    }
    console.log(`corrections: open (evidence table) ${fmt(summarise(opn))}; investigate ${fmt(summarise(inv))}; approve (file 认定表 + field history) ${fmt(summarise(app))}`);

    // 3. The ledger with 10,000 intakes in the office (synthetic rows), as archivist1 reads it.
    const template = await s.db('material_intakes').first();
    const { id: _drop, ...base } = template;
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      ...base,
      intake_no: `收材-2025-B${String(i).padStart(5, '0')}`,
      instance_id: template.instance_id,
      status: ['received', 'returned', 'ledgered', 'filed'][i % 4],
      late: i % 7 === 0,
      registered_at: iso(new Date(Date.parse('2025-01-01T00:00:00Z') + i * 3_600_000)),
    }));
    // The bench reuses one case id for the synthetic rows: drop the one-row-per-case constraint here only.
    await s.db.schema.alterTable('material_intakes', (t) => t.dropUnique(['instance_id']));
    for (let i = 0; i < rows.length; i += 200) await s.db('material_intakes').insert(rows.slice(i, i + 200));
    const me = { ...archivist, displayName: '刘晓燕', language: 'zh', sessionId: 'bench' } as unknown as SessionUser;
    const reads = async (label: string, q: Record<string, unknown>) => {
      const xs: number[] = [];
      for (let i = 0; i < 60; i++) await timed(xs, () => s.materials.ledger(me, '127.0.0.1', { limit: 50, offset: 0, ...q }));
      console.log(`ledger ${label}: ${fmt(summarise(xs.slice(10)))}`);
    };
    await reads('first page (10,150 rows in scope)', {});
    await reads('status=returned', { status: 'returned' });
    await reads('late=true', { late: true });
    await reads('page 100', { offset: 5000 });
  } finally {
    await testDb.drop();
  }
}
