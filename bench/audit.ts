// Audit log figures: append rate with one and with eight concurrent writers (each row its own
// transaction, as commands write them), full and from-checkpoint verification speed, and the
// auditor's search latency on a 50,000-row log. SQLite by default, PostgreSQL with DATABASE_URL.
import { performance } from 'node:perf_hooks';
import { createTestDb } from '../test/helpers/db.ts';
import { MovableClock } from '../server/clock.ts';
import { AuditLog } from '../server/audit/service.ts';
import { CheckpointSigner } from '../server/audit/signer.ts';
import * as store from '../server/audit/store.ts';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(2)} ms`;

export async function run(): Promise<void> {
  const tdb = await createTestDb();
  try {
    const clock = new MovableClock('2026-11-02T01:00:00.000Z');
    const audit = new AuditLog(tdb.db, clock, new CheckpointSigner(tdb.config.audit.keyFile));
    const users = ['applicant1', 'archivist1', 'chief1', 'leader1', 'sysadmin', 'secadmin', 'auditor'];
    const actions = ['auth.login', 'archive.view', 'page.view', 'task.complete', 'config.change'];
    let i = 0;
    const one = () => {
      clock.advance(1000);
      i++;
      return audit.record(null, { actor: { id: i % 7, username: users[i % 7], roles: ['archivist'], orgUnitId: 5 }, ip: '10.0.0.1', action: actions[i % 5], objectType: 'archive', objectId: i % 997 });
    };

    let t0 = performance.now();
    for (let k = 0; k < 2000; k++) await one();
    let dt = performance.now() - t0;
    console.log(`append, 1 writer, 2,000 rows (one transaction each): ${Math.round(2000 / (dt / 1000))} rows/s`);

    t0 = performance.now();
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let k = 0; k < 1000; k++) await one();
    }));
    dt = performance.now() - t0;
    console.log(`append, 8 concurrent writers × 1,000 rows: ${Math.round(8000 / (dt / 1000))} rows/s`);

    // Fill up to 50,000 rows quickly (one transaction), then measure reads.
    await tdb.db.transaction(async (trx) => {
      while (i < 50_000) {
        clock.advance(1000);
        i++;
        await audit.record(trx, { actor: { id: i % 7, username: users[i % 7], roles: ['archivist'], orgUnitId: 5 }, ip: '10.0.0.1', action: actions[i % 5], objectType: 'archive', objectId: i % 997 });
      }
    });
    await audit.checkpoint('manual');
    for (let k = 0; k < 100; k++) await one();

    t0 = performance.now();
    const full = await audit.verify('start');
    dt = performance.now() - t0;
    console.log(`verify from the start, ${full.entries.toLocaleString('en')} rows: ${ms(dt)} (${Math.round(full.entries / (dt / 1000)).toLocaleString('en')} rows/s), ok=${full.ok}`);
    t0 = performance.now();
    const quick = await audit.verify('checkpoint');
    console.log(`verify from the last checkpoint, ${quick.entries} rows: ${ms(performance.now() - t0)}, ok=${quick.ok}`);

    const searches: Array<[string, store.AuditFilter]> = [
      ['by user', { actor: 'sysadmin' }],
      ['by action prefix', { action: 'auth.*' }],
      ['by object', { objectType: 'archive', objectId: '42' }],
      ['by user and a day', { actor: 'auditor', from: '2026-11-05T00:00:00.000Z', to: '2026-11-06T00:00:00.000Z' }],
    ];
    for (const [name, f] of searches) {
      const times: number[] = [];
      for (let k = 0; k < 30; k++) {
        const s = performance.now();
        await store.search(tdb.db, f, 0, 50);
        times.push(performance.now() - s);
      }
      console.log(`search ${name} (first page of 50, with total) on 50,000 rows: p50 ${ms(pct(times, 50))}, p95 ${ms(pct(times, 95))}`);
    }
  } finally {
    await tdb.drop();
  }
}
