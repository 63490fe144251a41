// A review 待复核 is the chief's work though no engine task: GET /api/reviews/awaiting lists what the
// 工作台 tile counts (for=me: not his own, no cadre he must avoid) and, for 督办, every one of the
// office (for=office), the longest waiting first, with how long each has waited — by the archive's
// number, never the cadre's name. Only an office's chief asks.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;

test.serial('the chief’s reviews to confirm are listed as the 工作台 tile counts them, with their age; the office’s own too; others may not ask', async (t) => {
  let chief = await sys.as('chief1');
  const toConfirm = async () => (await chief.get('/api/reviews/counts')).body.toConfirm as number;
  const awaiting = async (q = '') => {
    const res = await chief.get(`/api/reviews/awaiting${q}`);
    t.is(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  // The demo's review submitted and waiting: the tile says 1, the list holds it.
  t.is(await toConfirm(), 1);
  const demo = await db()('archive_reviews as r').join('archives as a', 'a.id', 'r.archive_id').where('r.status', 'submitted').first('r.*', 'a.archive_no', 'a.cadre_id');
  const cadreName = (await db()('cadres').where({ id: demo.cadre_id }).first()).name;
  const mine = await awaiting();
  t.is(mine.total, 1);
  t.like(mine.items[0], { id: demo.id, archiveNo: demo.archive_no, submittedAt: demo.submitted_at, confirmable: true, vetoed: false });
  t.false(JSON.stringify(mine).includes(cadreName), 'the archive’s number, not the cadre’s name');
  const beijingDay = (ms: number) => Date.parse(new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10));
  t.is(mine.items[0].waitingDays, (beijingDay(sys.clock.now().getTime()) - beijingDay(Date.parse(demo.submitted_at))) / 86_400_000);
  const before = mine.items[0].waitingDays;
  sys.clock.set(new Date(sys.clock.now().getTime() + 3 * 86_400_000).toISOString());
  chief = await sys.as('chief1'); // three days on: a fresh login
  t.is((await awaiting()).items[0].waitingDays, before + 3, 'its age grows with the clock');

  // The chief scores and submits one himself: not his to confirm (谁审核、谁负责) — not in his list nor
  // the tile; the office's list holds both, his marked as not his to confirm, the longest waiting first.
  const office = (await db()('users').where({ username: 'chief1' }).first()).org_unit_id;
  const tied = new Set(await sys.services.access.excludedCadreIds(db(), (await db()('users').where({ username: 'chief1' }).first()).id));
  const archive = (await db()('archives').where({ custodian_org_id: office, status: 'in_stock' }).orderBy('id').select('id', 'cadre_id', 'archive_no')).find(
    (a: any) => !tied.has(a.cadre_id) && a.id !== demo.archive_id,
  );
  const own = await chief.post('/api/reviews', { archiveId: archive.id });
  t.is(own.status, 201, JSON.stringify(own.body));
  t.is((await chief.post(`/api/reviews/${own.body.id}/submit`, { summary: '符合要求' })).status, 200);
  t.is(await toConfirm(), 1);
  t.deepEqual((await awaiting('?for=me')).items.map((r: any) => r.id), [demo.id]);
  const all = await awaiting('?for=office');
  t.is(all.total, 2);
  t.deepEqual(all.items.map((r: any) => [r.id, r.confirmable, r.waitingDays]), [[demo.id, true, before + 3], [own.body.id, false, 0]]);
  t.deepEqual((await awaiting('?for=office&limit=1&offset=1')).items.map((r: any) => r.id), [own.body.id]);

  // A cadre the chief must avoid: the review leaves his list, the office's list and the tile alike.
  const sec = await db()('users').where({ username: 'secadmin' }).first();
  const chiefId = (await db()('users').where({ username: 'chief1' }).first()).id;
  await db()('avoidance_entries').insert({ user_id: chiefId, cadre_id: demo.cadre_id, reason: '亲属以外的利害关系', created_by: sec.id, created_at: sys.clock.now().toISOString(), removed_at: null, removed_by: null });
  try {
    t.is(await toConfirm(), 0);
    t.is((await awaiting()).total, 0);
    t.deepEqual((await awaiting('?for=office')).items.map((r: any) => r.id), [own.body.id]);
  } finally {
    await db()('avoidance_entries').where({ user_id: chiefId, cadre_id: demo.cadre_id }).delete();
  }

  // Only an office's chief asks; a bad query is refused.
  for (const who of ['archivist1', 'leader1', 'receiver1', 'applicant1']) {
    const res = await (await sys.as(who)).get('/api/reviews/awaiting');
    t.is(res.status, 403, who);
    t.is(res.body.code, 'FORBIDDEN', who);
  }
  for (const bad of ['?for=all', '?limit=0', '?status=submitted']) {
    const res = await chief.get(`/api/reviews/awaiting${bad}`);
    t.is(res.status, 400, bad);
    t.is(res.body.code, 'VALIDATION_FAILED', bad);
  }
});
