// Cadre search at 100,000 cadres (issue 3: p95 under 30 ms on SQLite). Builds a fresh database
// with the demo org, adds 100,000 synthetic cadres with archives split between the two custodian
// offices, then times the search as archivist1 and leader1 see it — scope computed and applied in
// SQL, count and page — by query kind, in process and over HTTP. `npm run bench -- search`;
// with DATABASE_URL set it runs on PostgreSQL.
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { createTestDb } from '../test/helpers/db.ts';
import { HttpClient } from '../test/helpers/http.ts';
import { MovableClock } from '../server/clock.ts';
import { createLogger } from '../server/logger.ts';
import { createServices } from '../server/services.ts';
import { prepare } from '../server/boot.ts';
import { createApp } from '../server/app.ts';
import { nameKeys } from '../server/archives/pinyin.ts';
import { searchCadres } from '../server/archives/search.ts';
import { makeName, makePerson, pick, prng } from '../db/seeds/demo-cadres.ts';

const N = Number(process.env.BENCH_CADRES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (n: number) => n.toFixed(2).padStart(7);

export async function run(): Promise<void> {
  const t0 = Date.now();
  const testDb = await createTestDb({ DANGAN_DEMO_SCANS: 'false' });
  const clock = new MovableClock('2026-11-02T01:00:00.000Z');
  const s = createServices({ config: testDb.config, db: testDb.db, clock, log: createLogger('silent') });
  await prepare(s, { demo: true });
  const db = s.db;
  const r = prng(7);
  const orgs = await db('org_units').select('id', 'code');
  const city = orgs.find((o: any) => o.code === '150300-ZZB-DAS').id;
  const hbw = orgs.find((o: any) => o.code === '150302-ZZB-DAS').id;
  const units = orgs.map((o: any) => o.id);
  const now = clock.now().toISOString();
  const today = now.slice(0, 10);
  const sample: Array<Record<string, any>> = [];
  for (let done = 0; done < N; ) {
    const batch = Math.min(400, N - done); // SQLite caps a multi-row insert at 500 terms
    await db.transaction(async (trx) => {
      const cadres: Array<Record<string, any>> = [];
      for (let i = 0; i < batch; i++) {
        const p = makePerson(r, 1000 + done + i, { fromYear: 1962, toYear: 2000, name: undefined, today });
        const name = r() < 0.5 ? p.name : makeName(r, p.gender);
        const custodian = r() < 0.55 ? city : hbw;
        cadres.push({
          name, gender: p.gender, birth_date: p.birth_date, ethnicity: p.ethnicity, native_place: p.native_place, political_status: p.political_status,
          party_join_date: p.party_join_date, work_start_date: p.work_start_date, id_number: `${p.id_number.slice(0, 12)}${String(done + i).padStart(6, "0")}`,
          education: p.education, degree: p.degree, org_unit_id: pick(r, units), post: '科员', management_level: pick(r, ['municipal', 'county', 'unit']),
          custodian_org_id: custodian, ...nameKeys(name), created_at: now, updated_at: now,
        });
      }
      const ids: any[] = await trx('cadres').insert(cadres).returning('id');
      await trx('archives').insert(
        ids.map((x, i) => ({
          cadre_id: typeof x === 'object' ? x.id : x, archive_no: `B-${done + i}`, kind: 'original', volumes: 1, custodian_org_id: cadres[i].custodian_org_id,
          status: 'in_stock', digital_status: 'none', created_at: now, updated_at: now,
        })),
      );
      if (sample.length < 500) sample.push(...cadres.slice(0, 5));
    });
    done += batch;
  }
  // What autovacuum would have done on a live PostgreSQL: statistics, and the visibility map
  // that lets the search read only the index.
  await db.raw(db.client.config.client === 'pg' ? 'VACUUM ANALYZE' : 'ANALYZE');
  console.log(`${N} cadres loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s (${db.client.config.client})`);

  const users = Object.fromEntries((await db('users').whereIn('username', ['archivist1', 'leader1']).select('id', 'username', 'org_unit_id')).map((u: any) => [u.username, u]));
  const viewer = (u: any, roles: string[]) => ({ id: u.id, roles, orgUnitId: u.org_unit_id });
  const haibowan = orgs.find((o: any) => o.code === '150302').id;
  const kinds: Array<[string, () => { q?: string; unitId?: number; offset?: number }]> = [
    ['surname (1 char, contains)', () => ({ q: pick(r, sample).name[0] })],
    ['full name', () => ({ q: pick(r, sample).name })],
    ['given name (contains)', () => ({ q: pick(r, sample).name.slice(1) })],
    ['initials prefix', () => ({ q: nameKeys(pick(r, sample).name).name_initials })],
    ['full pinyin prefix', () => ({ q: nameKeys(pick(r, sample).name).name_pinyin.slice(0, 5) })],
    ['ID number prefix', () => ({ q: pick(r, sample).id_number.slice(0, 10) })],
    ['unit subtree + surname', () => ({ q: pick(r, sample).name[0], unitId: haibowan })],
    ['unit name (contains)', () => ({ q: '财政局' })],
    ['no text, page 1', () => ({})],
    ['no text, offset 2000', () => ({ offset: 2000 })],
  ];
  const all: number[] = [];
  console.log('in process (scope + count + page), ms        p50      p95      max   hits(avg)');
  for (const [label, make] of kinds) {
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < RUNS + 5; i++) {
      const who = i % 3 === 2 ? viewer(users.leader1, ['auth_leader']) : viewer(users.archivist1, ['archivist']);
      const p = make();
      const t = process.hrtime.bigint();
      const scope = await s.access.scopeFilter(db, who);
      const res = await searchCadres(db, scope, { q: p.q, unitId: p.unitId, offset: p.offset ?? 0, limit: 20 });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (i >= 5) {
        times.push(ms);
        hits += res.total;
      }
    }
    all.push(...times);
    console.log(`  ${label.padEnd(40)} ${fmt(pct(times, 50))}  ${fmt(pct(times, 95))}  ${fmt(Math.max(...times))}   ${Math.round(hits / RUNS)}`);
  }
  console.log(`  ${'ALL'.padEnd(40)} ${fmt(pct(all, 50))}  ${fmt(pct(all, 95))}  ${fmt(Math.max(...all))}`);

  // The same through HTTP: session check, zod, scope, search, audit row, JSON.
  const server = createApp(s).listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const http = new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await http.login('archivist1');
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const p = kinds[i % kinds.length][1]();
    const qs = new URLSearchParams({ ...(p.q ? { q: p.q } : {}), ...(p.unitId ? { unitId: String(p.unitId) } : {}), offset: String(p.offset ?? 0) });
    const t = process.hrtime.bigint();
    const res = await http.get(`/api/cadres?${qs}`);
    if (res.status !== 200) throw new Error(`search answered ${res.status}`);
    if (i >= 20) times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(`GET /api/cadres over HTTP (archivist1, mixed), ms  p50 ${pct(times, 50).toFixed(2)}  p95 ${pct(times, 95).toFixed(2)}  max ${Math.max(...times).toFixed(2)}`);
  console.log(`cadre search p95 at ${N} cadres: ${pct(all, 95).toFixed(2)} ms (target < 30 ms on SQLite); load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  await testDb.drop();
}
