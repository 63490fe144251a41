// The modeler's role select and 可发起角色 checkboxes: only business roles (process_admin and the
// 三员 never work a step, so no step may be given to them), labelled with the brackets of the
// page's language — "档案管理员（archivist）", "Archivist (archivist)".
import test from 'ava';
import { ModelerContext } from '../../client/src/lib/modeler/context.ts';
import { createTestDb } from '../helpers/db.ts';
import { createServices } from '../../server/services.ts';
import { systemClock } from '../../server/clock.ts';
import { createLogger } from '../../server/logger.ts';

test('the installation offers business roles only: never process_admin nor one of the 三员', async (t) => {
  const tdb = await createTestDb();
  try {
    const s = createServices({ config: tdb.config, db: tdb.db, clock: systemClock, log: createLogger('silent') });
    const ctx = await s.engine.lintContext();
    for (const admin of ['process_admin', 'sys_admin', 'sec_admin', 'auditor']) t.false(ctx.roles.includes(admin), admin);
    t.true(ctx.roles.includes('archivist'));
    const options = new ModelerContext(ctx, (r) => r, null).roleOptions().map((o) => o.value);
    t.deepEqual(options, ctx.roles);
  } finally {
    await tdb.drop();
  }
});

test('role labels use the brackets of the language: full-width in Chinese, " (x)" in English, switching live', (t) => {
  let locale: 'zh' | 'en' = 'en';
  const names: Record<string, Record<string, string>> = { en: { applicant: 'Applicant' }, zh: { applicant: '申请人' } };
  const lint = { services: [], messages: [], roles: ['applicant'], forms: [], decisions: [], timerMinCycleSeconds: 3600, timerMaxRepetitions: 1000 };
  const ctx = new ModelerContext(lint, (r) => names[locale][r], null, () => locale);
  t.is(ctx.roleOptions()[0].label, 'Applicant (applicant)');
  locale = 'zh';
  t.is(ctx.roleOptions()[0].label, '申请人（applicant）');
});
