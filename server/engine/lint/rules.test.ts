// The deploy-time rules, one diagram per rule: each breaks it and is named in the findings.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateBpmn } from './validate.ts';
import { cycleProblem, durationSeconds } from './rules.ts';
import { createTestDb } from '../../../test/helpers/db.ts';
import { createServices } from '../../services.ts';
import { systemClock } from '../../clock.ts';
import { createLogger } from '../../logger.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'lint');
const ctx = {
  services: ['prepareBorrowing'],
  messages: ['awaitReceipt'],
  roles: ['applicant', 'unit_head', 'archivist', 'archive_chief', 'producer'],
  forms: ['approval', 'borrowing-start'],
  decisions: ['borrowing-approval'],
  timerMinCycleSeconds: 3600,
  timerMaxRepetitions: 1000,
};
const lint = (file: string) => validateBpmn(fs.readFileSync(path.join(dir, file), 'utf8'), ctx);
const found = (r: Awaited<ReturnType<typeof lint>>) => r.errors.map((e) => `${e.rule}@${e.elementId}`);

test('a loop of service steps with no wait state is refused; a resubmit loop through a user task is fine', async (t) => {
  const bad = await lint('loop-no-wait.bpmn');
  t.false(bad.ok);
  t.true(found(bad).some((f) => f.startsWith('dangan/no-loop-without-wait@')));
  const good = await lint('loop-with-wait.bpmn');
  t.deepEqual(good.errors, []);
});

test('user tasks need one known role or an assignee; forms, services and FEEL must exist and parse', async (t) => {
  const r = await lint('unassigned.bpmn');
  const f = found(r);
  t.true(f.includes('dangan/user-task-assignment@nobody'));
  t.true(f.includes('dangan/user-task-assignment@two'));
  t.true(r.errors.some((e) => e.elementId === 'two' && /no-such-form/.test(e.message)));
  t.true(r.errors.some((e) => e.elementId === 'ghost' && /janitor/.test(e.message)));
  t.true(r.errors.some((e) => e.elementId === 'ghost' && /FEEL/.test(e.message)));
  t.true(f.includes('dangan/service-implementation@svc'));
});

test('a parallel join after an exclusive join is refused (bpmn-engine #200)', async (t) => {
  const r = await lint('parallel-after-xor.bpmn');
  t.true(found(r).includes('dangan/no-parallel-join-after-xor-join@join'));
});

test('cycles must be bounded, at most the configured repetitions, and at least an hour apart', async (t) => {
  const r = await lint('cycles.bpmn');
  const f = found(r);
  t.false(f.includes('dangan/timer-bounds@ok'));
  t.true(f.includes('dangan/timer-bounds@fast'));
  t.true(f.includes('dangan/timer-bounds@many'));
});

test('duration arithmetic and cycle checks', (t) => {
  t.is(durationSeconds('P30D'), 30 * 86400);
  t.is(durationSeconds('PT1H30M'), 5400);
  t.is(durationSeconds('P1W'), 7 * 86400);
  t.is(durationSeconds('nonsense'), null);
  t.is(durationSeconds('P'), null);
  t.is(cycleProblem('R3/PT1H', 3600, 10), null);
  t.truthy(cycleProblem('R/PT1H', 3600, 10));
  t.truthy(cycleProblem('R3/PT59M', 3600, 10));
  t.truthy(cycleProblem('R11/PT2H', 3600, 10));
  t.truthy(cycleProblem('PT2H', 3600, 10));
});

test('the shipped processes pass with the installation\'s real services, roles and forms', async (t) => {
  const sys = await createTestDb();
  try {
    const services = createServices({ config: sys.config, db: sys.db, clock: systemClock, log: createLogger('silent') });
    const shipped = path.join(dir, '..', '..', '..', 'processes');
    const files = fs.readdirSync(shipped).filter((f) => f.endsWith('.bpmn'));
    t.true(files.length > 0);
    for (const file of files) {
      const r = await services.engine.definitions.validate(fs.readFileSync(path.join(shipped, file), 'utf8'));
      t.deepEqual(r.errors, [], file);
    }
  } finally {
    await sys.drop();
  }
});

test('loop and multi-instance markers are refused at deploy, not when a case reaches them', async (t) => {
  const r = await lint('loop-markers.bpmn');
  const mine = found(r).filter((f) => f.startsWith('dangan/no-loop-markers@'));
  t.deepEqual(mine.sort(), ['dangan/no-loop-markers@parallel', 'dangan/no-loop-markers@repeat', 'dangan/no-loop-markers@sequential']);
  t.true(r.errors.some((e) => e.elementId === 'parallel' && e.message.startsWith('暂不支持多实例')));
});

test('sub-processes are refused until the runtime supports them', async (t) => {
  const r = await lint('subprocess.bpmn');
  t.true(found(r).includes('dangan/no-subprocess@inner'));
});

test('a wait nothing can end is refused: manual tasks, signals, and messages no domain delivers', async (t) => {
  const r = await lint('waits.bpmn');
  const mine = found(r).filter((f) => f.startsWith('dangan/deliverable-waits@'));
  // awaitReceipt is a step the installation delivers to (ServiceRegistry.receives); the others are not.
  t.deepEqual(mine.sort(), ['dangan/deliverable-waits@inbox', 'dangan/deliverable-waits@letter', 'dangan/deliverable-waits@manual', 'dangan/deliverable-waits@signalled']);
  const inbox = r.errors.find((e) => e.elementId === 'inbox' && e.rule === 'dangan/deliverable-waits');
  t.regex(inbox!.message, /没有业务功能向此环节送达消息.*awaitReceipt/);
});
