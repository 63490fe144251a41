// `npm run bench -- requests`: the 利用 processes. (1) Filing a consultation request — the start
// check (applicants, name/ID lookup, relations, avoidance, catalogue categories), the decision
// table, the request row — as the HTTP API runs it; (2) whole electronic cases, start to register
// entry (3 approvals, grants, reading ended); (3) the office's books with 10,000 finished
// requests behind them: the 查阅登记簿, the request list and the overdue loans, first page with
// total, as archivist1 sees them. With DATABASE_URL set it runs on PostgreSQL.
import { randomUUID } from 'node:crypto';
import { startSystem, type TestSystem } from '../test/helpers/server.ts';
import { borrowingVariables, demoCadre, type DemoCadre } from '../test/helpers/cases.ts';
import { actor } from '../test/helpers/notify.ts';
import { actorOf } from '../server/workflow/service.ts';
import type { SessionUser } from '../server/people/sessions.ts';
import { summarise } from './stats.ts';

const STARTS = Number(process.env.BENCH_STARTS ?? 200);
const CASES = Number(process.env.BENCH_CASES ?? 50);
const BOOK = Number(process.env.BENCH_BOOK ?? 10_000);
const RUNS = 40;

const fmt = (s: { p50: number; p95: number }) => `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms`;

async function session(sys: TestSystem, username: string): Promise<SessionUser> {
  const a = await actor(sys, username);
  return { id: a.id, username, displayName: username, orgUnitId: a.orgUnitId, roles: a.roles, language: 'zh', sessionId: 'bench' } as SessionUser;
}

/** 10,000 finished requests with their register entries and some loans, written directly. */
async function seedBook(sys: TestSystem, cadres: DemoCadre[]) {
  const db = sys.services.db;
  const dep = await db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  const a1 = await actor(sys, 'applicant1');
  const a2 = await actor(sys, 'applicant2');
  const t0 = sys.clock.now().getTime();
  for (let done = 0; done < BOOK; ) {
    const n = Math.min(200, BOOK - done);
    await db.transaction(async (trx) => {
      const inst: object[] = [];
      const reqs: object[] = [];
      for (let i = 0; i < n; i++) {
        const k = done + i;
        const id = randomUUID();
        const at = new Date(t0 - k * 600_000).toISOString();
        const c = cadres[k % cadres.length];
        inst.push({ id, deployment_id: dep.id, process_key: 'borrowing', version: dep.version, business_key: `查借-B-${k}`, status: 'completed', rev: 5, state: '{}', variables: '{}', active_elements: '[]', started_by: a1.id, started_at: at, ended_at: at });
        reqs.push({
          instance_id: id, case_no: `查借-B-${k}`, kind: k % 10 === 0 ? 'loan' : 'consult', mode: k % 10 === 0 ? 'loan' : k % 3 === 0 ? 'onsite' : 'electronic', purpose: '2', reason: '拟提拔考察，需查阅任免材料。',
          requester_org_id: a1.orgUnitId, initiator_id: a1.id, cadre_id: c.id, archive_id: c.archiveId, custodian_org_id: c.custodianOrgId, management_level: c.level,
          categories: '["1","9"]', granted_categories: '["1","9"]', status: 'closed', created_at: at, decided_at: at, closed_at: at,
        });
      }
      await trx('process_instances').insert(inst);
      const ids: any[] = await trx('utilization_requests').insert(reqs).returning('id');
      const rid = ids.map((x) => (typeof x === 'object' ? x.id : x));
      await trx('request_applicants').insert(rid.flatMap((r) => [{ request_id: r, user_id: a1.id, display_name: '王建国', is_initiator: true }, { request_id: r, user_id: a2.id, display_name: '李红梅', is_initiator: false }]));
      await trx('reading_register').insert(
        rid.map((r, i) => {
          const q = reqs[i] as any;
          return { request_id: r, custodian_org_id: q.custodian_org_id, archive_id: q.archive_id, cadre_id: q.cadre_id, mode: q.mode, readers: '[{"id":1,"name":"王建国"},{"id":2,"name":"李红梅"}]', purpose: '2', categories: '["1","9"]', started_at: q.created_at, ended_at: q.created_at, end_reason: q.mode === 'loan' ? 'returned' : 'finished', signed_by: a1.id, signed_at: q.created_at, created_at: q.created_at };
        }),
      );
      const loans = rid.map((r, i) => ({ r, q: reqs[i] as any })).filter((x) => x.q.kind === 'loan');
      if (loans.length) {
        await trx('loans').insert(
          loans.map(({ r, q }, i) => ({
            request_id: r, archive_id: q.archive_id, borrower_id: a1.id, borrower_org_id: a1.orgUnitId, custodian_org_id: q.custodian_org_id, checked_out_at: q.created_at,
            due_at: new Date(Date.parse(q.created_at) + 7 * 86_400_000).toISOString(), snapshot: '[]', material_count: 40, page_count: 300,
            status: i % 5 === 0 ? 'on_loan' : 'returned', returned_at: i % 5 === 0 ? null : q.created_at,
          })),
        );
      }
    });
    done += n;
  }
  await db.raw(db.client.config.client === 'pg' ? 'VACUUM ANALYZE' : 'ANALYZE');
}

export async function run(): Promise<void> {
  const sys = await startSystem({ env: { DANGAN_DEMO_SCANS: 'false' } });
  try {
    const s = sys.services;
    const client = s.db.client.config.client;
    const cadres: DemoCadre[] = [];
    for (const level of ['county', 'unit']) for (let i = 0; ; i++) {
      try {
        cadres.push(await demoCadre(sys, level, i));
      } catch {
        break;
      }
    }
    const applicant = await session(sys, 'applicant1');
    const vars = await Promise.all(cadres.slice(0, 20).map((c) => borrowingVariables(sys, 'applicant1', c)));

    // (1) filing
    const starts: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const t0 = performance.now();
      await s.workflow.start(applicant, '127.0.0.1', 'borrowing', vars[i % vars.length]);
      starts.push(performance.now() - t0);
    }
    console.log(`filing a consultation request (start check + decision table + first task), ${STARTS} requests (${client}): ${fmt(summarise(starts))}`);

    // (2) whole electronic cases
    const who = Object.fromEntries(await Promise.all(['unithead1', 'archivist1', 'chief1'].map(async (u) => [u, await session(sys, u)])));
    const t1 = performance.now();
    for (let i = 0; i < CASES; i++) {
      const { id } = await s.workflow.start(applicant, '127.0.0.1', 'borrowing', vars[i % vars.length]);
      for (const [u, step] of [['unithead1', 'unitHeadReview'], ['archivist1', 'archivistReview'], ['chief1', 'chiefApproval']]) {
        const task = await s.db('tasks').where({ instance_id: id, element_id: step, status: 'open' }).first();
        await s.workflow.complete(who[u], '127.0.0.1', task.id, { decision: 'approve', comment: '同意。' });
      }
      const reading = await s.db('tasks').where({ instance_id: id, element_id: 'electronicReading', status: 'open' }).first();
      await s.workflow.complete(applicant, '127.0.0.1', reading.id, { confirmed: true });
    }
    const perCase = (performance.now() - t1) / CASES;
    console.log(`whole electronic case (start, 3 approvals, grants, reading ended, register entry): ${perCase.toFixed(0)} ms per case, ${(1000 / perCase).toFixed(1)} cases/s`);

    // (3) the books
    const t2 = performance.now();
    await seedBook(sys, cadres);
    console.log(`${BOOK} finished requests with register entries seeded in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
    const archivist = await session(sys, 'archivist1');
    const page = { limit: 50, offset: 0 };
    const time = async (label: string, fn: () => Promise<unknown>) => {
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await fn();
        xs.push(performance.now() - t0);
      }
      console.log(`${label}: ${fmt(summarise(xs))}`);
    };
    await time(`查阅登记簿, first page of ${BOOK}+ with total (archivist1)`, () => s.requests.records.readingRegister(archivist, null, {}, page));
    await time('查阅登记簿, page 100', () => s.requests.records.readingRegister(archivist, null, {}, { limit: 50, offset: 5000 }));
    await time('requests, first page with total (archivist1)', () => s.requests.records.listRequests(archivist, null, {}, page));
    await time('requests of one case (instanceId filter)', () => s.requests.records.listRequests(archivist, null, { instanceId: randomUUID() }, page));
    await time('overdue loans (archivist1)', () => s.requests.records.listLoans(archivist, null, 'overdue', page));
    void actorOf;
  } finally {
    await sys.close();
  }
}
