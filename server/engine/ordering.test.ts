// A command's rows in the order a reader expects: the decision first, then what it caused (the next
// step's arrival, the case's end). Under a clock that moves on every reading, as the wall clock does.
import test from 'ava';
import { MovableClock } from '../clock.ts';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { borrowingVariables, demoCadre } from '../../test/helpers/cases.ts';
import { approve, completeAt, reject } from '../../test/helpers/workflow.ts';

/** Each reading is one millisecond after the last. */
class TickingClock extends MovableClock {
  override now(): Date {
    this.advance(1);
    return super.now();
  }
}

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem({ clock: new TickingClock('2026-11-02T01:00:00.000Z') });
});
test.after.always(async () => {
  await sys?.close();
});

async function startBorrowing(): Promise<string> {
  const applicant = await sys.as('applicant1');
  const res = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', await demoCadre(sys), { purpose: '6', mode: 'onsite', reason: '熟悉了解干部情况。' }),
  });
  return res.body.id as string;
}

const tasksOf = (id: string) => sys.services.db('tasks').where({ instance_id: id }).orderBy('created_at');

test('a decision is stamped before the step it sends the case to', async (t) => {
  const id = await startBorrowing();
  const done = await completeAt(await sys.as('unithead1'), id, 'unitHeadReview', approve());
  t.is(done.status, 200);
  const [decided, next] = await tasksOf(id);
  t.is(decided.status, 'completed');
  t.is(next.status, 'open');
  t.true(decided.completed_at < next.created_at, `${decided.completed_at} before ${next.created_at}`);
});

test('a rejection is stamped before the case’s end', async (t) => {
  const id = await startBorrowing();
  await completeAt(await sys.as('unithead1'), id, 'unitHeadReview', reject());
  const [decided] = await tasksOf(id);
  const inst = await sys.services.db('process_instances').where({ id }).first();
  t.truthy(inst.ended_at);
  t.true(decided.completed_at < inst.ended_at, `${decided.completed_at} before ${inst.ended_at}`);
});
