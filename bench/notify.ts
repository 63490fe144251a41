// Notifications and 督办 benchmark: writing notices (the cost an engine command pays), sending them
// through a real SMTP server on 127.0.0.1, and reading the deadline list and its counters with many
// open deadlines. SQLite by default; PostgreSQL when DATABASE_URL is set.
import { randomUUID } from 'node:crypto';
import { MovableClock, iso } from '../server/clock.ts';
import { createLogger } from '../server/logger.ts';
import { createServices } from '../server/services.ts';
import { prepare } from '../server/boot.ts';
import { createTestDb } from '../test/helpers/db.ts';
import { TestSmtp } from '../test/helpers/smtp.ts';
import type { TestSystem } from '../test/helpers/server.ts';
import { borrowingVariables, demoCadre } from '../test/helpers/cases.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

export async function run(): Promise<void> {
  const smtp = await TestSmtp.start();
  const testDb = await createTestDb({ SMTP_URL: smtp.url });
  const clock = new MovableClock('2026-11-02T01:00:00.000Z');
  const s = createServices({ config: testDb.config, db: testDb.db, clock, log: createLogger('silent') });
  try {
    await prepare(s, { demo: true });
    const users = await s.db('users').whereIn('username', ['applicant1', 'unithead1', 'archivist1', 'chief1']).select('id', 'org_unit_id', 'username');
    const chief = users.find((u: any) => u.username === 'chief1');

    // 1. Writing: one transaction per notice, as an engine command would (one user; a role in a unit).
    const N = 2000;
    const write = async (label: string, recipients: any[]) => {
      const t0 = performance.now();
      for (let i = 0; i < N; i++) {
        await s.db.transaction((trx) =>
          s.notify.notify(trx, { event: 'loan_due_soon', recipients, vars: { caseRef: `JY-${i}`, dueAt: '2026-11-09 09:00', processName: '借阅' }, link: { deadlines: true }, key: `${label}:${i}` }),
        );
      }
      const ms = performance.now() - t0;
      console.log(`enqueue (${label}): ${N} notices in ${ms.toFixed(0)} ms = ${(ms / N).toFixed(2)} ms/notice, ${((N * 1000) / ms).toFixed(0)}/s`);
    };
    await write('one user', [{ userId: users[0].id }]);
    await write('role in unit', [{ role: 'archivist', orgUnitId: users.find((u: any) => u.username === 'archivist1').org_unit_id }]);

    // 1b. What the taskCreated hook adds to an engine command (start → first task offered to a role).
    const applicant = users.find((u: any) => u.username === 'applicant1');
    const actor = { id: applicant.id, username: 'applicant1', roles: ['applicant'], orgUnitId: applicant.org_unit_id };
    // The helpers read the database and the clock of a test system: give them this one's.
    const sys = { services: s, clock } as unknown as TestSystem;
    const variables = await borrowingVariables(sys, 'applicant1', await demoCadre(sys), { mode: 'onsite', reason: '干部考察需要查阅。' });
    const starts = async () => {
      const xs: number[] = [];
      for (let i = 0; i < 300; i++) {
        const t = performance.now();
        await s.db.transaction((trx) => s.engine.start(trx, { processKey: 'borrowing', variables, actor }));
        xs.push(performance.now() - t);
      }
      return median(xs.slice(50));
    };
    const withMail = await starts();
    const real = s.notify.notify.bind(s.notify);
    (s.notify as any).notify = async () => ({ queued: 0, held: 0, muted: 0, refused: 0 });
    const without = await starts();
    (s.notify as any).notify = real;
    console.log(`engine start of borrowing: median ${withMail.toFixed(2)} ms with the task mail, ${without.toFixed(2)} ms with notify() stubbed`);

    // 2. Sending through a real SMTP server (one connection per message, as configured).
    const t1 = performance.now();
    let sent = 0;
    for (;;) {
      const r = await s.mailer.pollOnce();
      sent += r.sent;
      if (!r.sent) break;
    }
    const ms1 = performance.now() - t1;
    console.log(`send: ${sent} mails in ${ms1.toFixed(0)} ms = ${((sent * 1000) / ms1).toFixed(0)} mails/s (received ${smtp.received.length})`);

    // 3. 督办 with 20 000 open deadlines over the demo units, a fifth in the chief's office.
    const orgs = (await s.db('org_units').select('id')).map((o: any) => o.id);
    const kinds = ['loan_due', 'receipt', 'handover', 'transfer', 'review', 'viewing_window'];
    const now = clock.now().getTime();
    const rows = Array.from({ length: 20_000 }, (_, i) => {
      const due = now + (i % 120 - 20) * 86_400_000;
      return {
        id: randomUUID(),
        kind: kinds[i % kinds.length],
        subject: `案件 ${i}`,
        instance_id: null,
        ref: '',
        org_unit_id: orgs[i % orgs.length],
        custodian_org_id: i % 5 === 0 ? chief.org_unit_id : null,
        opened_at: iso(new Date(now - 30 * 86_400_000)),
        warn_at: iso(new Date(due - 10 * 86_400_000)),
        due_at: iso(new Date(due)),
        status: 'open',
        closed_at: null,
      };
    });
    for (let i = 0; i < rows.length; i += 500) await s.db('deadlines').insert(rows.slice(i, i + 500));
    const user = { orgUnitId: chief.org_unit_id, roles: ['archive_chief'] } as any;
    const time = async (label: string, fn: () => Promise<unknown>) => {
      const xs: number[] = [];
      for (let i = 0; i < 50; i++) {
        const t = performance.now();
        await fn();
        xs.push(performance.now() - t);
      }
      console.log(`${label}: median ${median(xs).toFixed(2)} ms, p95 ${p95(xs).toFixed(2)} ms`);
    };
    const visible = await s.deadlines.counts(user);
    console.log(`deadlines: 20000 open, ${visible.open} in the chief's scope (offices ${JSON.stringify(await s.access.custodianOffices(s.db, user))})`);
    await time('list first page (50, soonest first)', () => s.deadlines.list(user, {}, { limit: 50, offset: 0 }));
    await time('list red only', () => s.deadlines.list(user, { light: 'red' }, { limit: 50, offset: 0 }));
    await time('counts (工作台)', () => s.deadlines.counts(user));
  } finally {
    await s.mailer.stop();
    await testDb.drop();
    await smtp.stop();
  }
}
