// The 查阅登记簿 entry of a consultation says what happened at the reading, and only that: the note is
// the reader's (or, on site, the recorder's) own words — never the chief's approval comment carried
// over when the 说明 is left empty — and an electronic reading cannot be ended before its window
// opens, so no entry ends before it starts and no approved use is thrown away by an early click.
import test from 'ava';
import { beijingDay } from '../../server/notify/beijing.ts';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { completeAt, taskAt } from '../helpers/workflow.ts';
import { approveStep, borrowingVariables, demoCadre, todayIn, type DemoCadre } from '../helpers/cases.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const HOUR = 3_600_000;
const requestOf = (instanceId: string) => db()('utilization_requests').where({ instance_id: instanceId }).first();
const entryOf = async (instanceId: string) => db()('reading_register').where({ request_id: (await requestOf(instanceId)).id });

async function approved(cadre: DemoCadre, over: Record<string, unknown> = {}): Promise<string> {
  const c = await sys.as('applicant1');
  const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, over) });
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  await approveStep(sys, 'unithead1', res.body.id, 'unitHeadReview', '情况属实，同意。');
  await approveStep(sys, 'archivist1', res.body.id, 'archivistReview', '材料齐全，予以受理。');
  await approveStep(sys, 'chief1', res.body.id, 'chiefApproval', '同意。');
  return res.body.id;
}

test.serial('the reader ends an electronic reading without a 查阅情况说明: the register note is empty, not the chief’s “同意。”', async (t) => {
  const id = await approved(await demoCadre(sys, 'county', 0));
  const done = await completeAt(await sys.as('applicant1'), id, 'electronicReading', { confirmed: true });
  t.is(done.status, 200, JSON.stringify(done.body));
  const [entry] = await entryOf(id);
  t.like(entry, { mode: 'electronic', end_reason: 'finished', note: null });
});

test.serial('ended from the reading room without a note: the register note is empty too', async (t) => {
  const id = await approved(await demoCadre(sys, 'county', 1));
  const reader = await sys.as('applicant1');
  const grant = (await reader.get('/api/me/grants')).body.items.find((g: any) => g.instanceId === id);
  const ended = await reader.post(`/api/reading/${grant.id}/end`, { confirmed: true });
  t.is(ended.status, 200, JSON.stringify(ended.body));
  const [entry] = await entryOf(id);
  t.like(entry, { end_reason: 'finished', note: null });
});

test.serial('the archivist records an on-site reading without 查阅情况: the register note is empty; what is written is kept', async (t) => {
  const cadre = await demoCadre(sys, 'county', 2);
  sys.clock.set(new Date(Date.parse(`${todayIn(sys)}T08:00:00+08:00`) + 24 * HOUR));
  const id = await approved(cadre, { mode: 'onsite' });
  sys.clock.advance(4 * HOUR);
  const onsite = { identityChecked: true, accompanied: true, readersSigned: true, readingDate: todayIn(sys), readingStartedAt: '09:30', readingEndedAt: '10:45' };
  const done = await completeAt(await sys.as('archivist1'), id, 'onsiteReading', onsite);
  t.is(done.status, 200, JSON.stringify(done.body));
  t.like((await entryOf(id))[0], { mode: 'onsite', note: null });
  // The 查阅登记簿 counts pages in the electronic reading room only: an on-site entry has no count (shown as a dash), not 0.
  const book = await (await sys.as('archivist1')).get('/api/reading-register?mode=onsite&limit=100');
  const requestId = (await requestOf(id)).id;
  const shown = book.body.items.find((e: any) => e.requestId === requestId);
  t.like(shown, { mode: 'onsite', pageViews: null });
  const electronic = (await (await sys.as('archivist1')).get('/api/reading-register?mode=electronic&limit=100')).body.items;
  t.true(electronic.length > 0 && electronic.every((e: any) => Number.isInteger(e.pageViews)), 'an electronic entry keeps its count, 0 included');

  const other = await approved(await demoCadre(sys, 'county', 3), { mode: 'onsite' });
  sys.clock.advance(HOUR);
  await completeAt(await sys.as('archivist1'), other, 'onsiteReading', { ...onsite, comment: '两人共同查阅，未摘抄。' });
  t.like((await entryOf(other))[0], { note: '两人共同查阅，未摘抄。' });
});

test.serial('a reading for tomorrow cannot be ended today: refused with the day it opens, the grants and the task stay; tomorrow it ends with an entry that starts before it ends', async (t) => {
  sys.clock.set(new Date(Date.parse(`${todayIn(sys)}T10:00:00+08:00`) + 24 * HOUR));
  const tomorrow = new Date(Date.parse(`${todayIn(sys)}T00:00:00+08:00`) + 24 * HOUR);
  const day = tomorrow.toISOString();
  const id = await approved(await demoCadre(sys, 'county', 4), { viewFrom: beijingDay(tomorrow) });
  const req = await requestOf(id);
  t.is(req.window_start, day, 'the window opens at the start of tomorrow (Beijing)');

  const reader = await sys.as('applicant1');
  const early = await completeAt(reader, id, 'electronicReading', { confirmed: true });
  t.is(early.status, 422);
  t.is(early.body.code, 'RULE_VIOLATION');
  t.is(early.body.details.rule, 'reading-not-started');
  t.regex(early.body.message, /^查阅时限自 \d{4}-\d{2}-\d{2} 00:00 起，尚未开始，不能结束阅档/);
  // Nothing moved: the task waits, the grants are whole, no register entry, the request authorized.
  t.truthy(await taskAt(reader, id, 'electronicReading'));
  for (const g of await db()('archive_grants').where({ instance_id: id })) t.is(g.revoked_at, null);
  t.deepEqual(await entryOf(id), []);
  t.is((await requestOf(id)).status, 'authorized');
  t.is((await db()('process_instances').where({ id }).first()).status, 'running');

  // The reading room's 结束阅档 says the same.
  const grant = (await reader.get('/api/me/grants?state=all')).body.items.find((g: any) => g.instanceId === id);
  t.false(grant.open);
  const viaRoom = await reader.post(`/api/reading/${grant.id}/end`, { confirmed: true });
  t.is(viaRoom.status, 422);
  t.is(viaRoom.body.details.rule, 'reading-not-started');

  sys.clock.set(new Date(tomorrow.getTime() + 9 * HOUR));
  const done = await completeAt(await sys.as('applicant1'), id, 'electronicReading', { confirmed: true, comment: '已查阅。' });
  t.is(done.status, 200, JSON.stringify(done.body));
  const [entry] = await entryOf(id);
  t.like(entry, { end_reason: 'finished', started_at: day, ended_at: sys.clock.now().toISOString(), note: '已查阅。' });
  t.true(entry.started_at < entry.ended_at);
});
