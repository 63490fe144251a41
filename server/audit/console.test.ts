// The auditor's console over HTTP: search by user, action, object and time (paged), export CSV,
// verify, checkpoints, prune. Each act of the auditor is itself in the log, and an export whose
// audit row cannot be written does not happen.
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import type { HttpClient } from '../../test/helpers/http.ts';
import { DEMO_PASSWORD } from '../../db/seeds/demo.ts';

let sys: TestSystem;
let auditor: HttpClient;
test.before(async () => {
  sys = await startSystem();
  // Some history: logins, a failed login with a name a spreadsheet would run, admin work.
  await sys.as('applicant1');
  sys.clock.advance(3_600_000);
  await sys.client().post('/api/auth/login', { username: '=HYPERLINK("http://x")', password: 'nope' });
  await sys.client().post('/api/auth/login', { username: 'applicant1', password: 'Wrong#2026' });
  const sysadmin = await sys.as('sysadmin');
  await sysadmin.request('PUT', '/api/admin/settings', { system: { loginNotice: '仅限授权人员' } });
  sys.clock.advance(3_600_000);
  auditor = await sys.as('auditor');
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('search by user, action (or prefix), object, outcome and time, newest first, paged', async (t) => {
  const byUser = await auditor.get('/api/audit/entries?actor=applicant1');
  t.is(byUser.status, 200);
  t.deepEqual(byUser.body.items.map((e: any) => [e.action, e.outcome]), [
    ['auth.login', 'failure'],
    ['auth.login', 'success'],
  ]);
  t.is(byUser.body.items[0].detail.reason, 'bad_password');
  const prefix = await auditor.get('/api/audit/entries?action=auth.*&outcome=failure');
  t.is(prefix.body.total, 2);
  const config = await auditor.get('/api/audit/entries?objectType=setting&objectId=system.loginNotice');
  t.is(config.body.items[0].actor, 'sysadmin');
  t.deepEqual(config.body.items[0].detail, { from: '', to: '仅限授权人员' });
  const bySysAdmins = await auditor.get('/api/audit/entries?role=sys_admin');
  t.true(bySysAdmins.body.items.length >= 2, 'the system administrator is audited too');
  t.true(bySysAdmins.body.items.every((e: any) => e.role === 'sys_admin' || e.actor === 'sysadmin'));
  // The first hour only: the first login, nothing after it.
  const firstHour = await auditor.get('/api/audit/entries?from=2026-11-02T00:00:00Z&to=2026-11-02T01:30:00Z&action=auth.login');
  t.deepEqual(firstHour.body.items.map((e: any) => e.actor), ['applicant1']);
  const page1 = await auditor.get('/api/audit/entries?limit=2');
  const page2 = await auditor.get(`/api/audit/entries?limit=2&offset=2&maxSeq=${page1.body.maxSeq}`);
  t.is(page1.body.items.length, 2);
  t.is(page1.body.items[0].seq, page1.body.maxSeq);
  t.is(page2.body.items[0].seq, page1.body.items[1].seq - 1, 'the next page starts right after, although the search itself added a row');
  t.is(page1.body.total, page2.body.total);
  for (const bad of ['from=yesterday', 'limit=10000', "action=auth'; drop table", 'outcome=maybe', 'color=red']) {
    t.is((await auditor.get(`/api/audit/entries?${bad}`)).status, 400, bad);
  }
  const searches = await sys.services.db('audit_log').where({ action: 'audit.search', actor: 'auditor' });
  t.true(searches.length >= 7, 'every search is in the log');
  t.deepEqual(JSON.parse(searches[0].detail).filter, { actor: 'applicant1' });
});

test.serial('export as CSV: BOM, header, oldest first, formulas defused, and the export audited', async (t) => {
  // Read the bytes: fetch's text() would drop the BOM that spreadsheet programs need.
  const res = await fetch(`${sys.url}/api/audit/export.csv?action=auth.login`, { headers: { cookie: (auditor as any).cookie } });
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type')!, /text\/csv; charset=utf-8/);
  t.regex(res.headers.get('content-disposition')!, /attachment; filename="audit-\d{8}T\d{6}\.csv"/);
  const bytes = Buffer.from(await res.arrayBuffer());
  t.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  const lines = text.trimEnd().split('\r\n');
  // The stored columns first and in order (an offline hash check may read them by position); the
  // columns made at export — names, the Beijing time — after them.
  t.regex(lines[0], /^序号 seq,时间 time \(UTC\),用户ID user id,/);
  t.regex(lines[0], /,北京时间（导出时换算）time in Beijing UTC\+8 \(at export\)$/);
  const logins = await sys.services.db('audit_log').where({ action: 'auth.login' }).orderBy('seq');
  t.is(lines.length - 1, logins.length);
  t.true(lines[1].startsWith(`${logins[0].seq},`));
  // The stored UTC instant and, last, the same instant in Beijing time (8 hours later).
  const cells = lines[1].split(',');
  const [utc, beijing] = [cells[1], cells.at(-1)];
  t.is(utc, logins[0].at);
  const b = new Date(Date.parse(logins[0].at) + 8 * 3_600_000).toISOString();
  t.is(beijing, `${b.slice(0, 10)} ${b.slice(11, 19)}`);
  t.true(text.includes(`"'=HYPERLINK(""http://x"")"`), 'a cell starting with = is prefixed and quoted');
  t.true(text.includes(logins.at(-1).hash));
  const row = await sys.services.db('audit_log').where({ action: 'audit.export' }).orderBy('seq', 'desc').first();
  t.is(row.actor, 'auditor');
  t.is(JSON.parse(row.detail).rows, logins.length);
});

test.serial('when the audit row cannot be written, the export is refused', async (t) => {
  const db = sys.services.db;
  const pg = db.client.config.client === 'pg';
  const before = Number((await db('audit_log').count({ n: '*' }))[0].n);
  // Reading the log still works; only appending to it fails (a full disk, a broken trigger…).
  if (pg) {
    await db.raw(`CREATE FUNCTION test_refuse_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER test_refuse_insert BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_insert();`);
  } else {
    await db.raw(`CREATE TRIGGER test_refuse_insert BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END;`);
  }
  try {
    const res = await auditor.get('/api/audit/export.csv');
    t.is(res.status, 500);
    t.is(res.body.code, 'INTERNAL');
    t.false(JSON.stringify(res.body).includes('auth.login'), 'no log content in the answer');
  } finally {
    await db.raw(pg ? 'DROP TRIGGER test_refuse_insert ON audit_log; DROP FUNCTION test_refuse_insert()' : 'DROP TRIGGER test_refuse_insert');
  }
  t.is(Number((await db('audit_log').count({ n: '*' }))[0].n), before);
  t.true((await sys.services.audit.verify()).ok);
});

test.serial('verify, sign a checkpoint, list them; other roles cannot', async (t) => {
  const v = await auditor.get('/api/audit/verify');
  t.is(v.status, 200);
  t.true(v.body.ok);
  t.is(v.body.fromSeq, 0);
  const cp = await auditor.post('/api/audit/checkpoints');
  t.is(cp.status, 201);
  const head = await sys.services.db('audit_head').first();
  t.is(cp.body.seq, Number(head.seq));
  t.is(cp.body.reason, 'manual');
  const list = await auditor.get('/api/audit/checkpoints');
  t.is(list.body.items[0].id, cp.body.id);
  const quick = await auditor.get('/api/audit/verify?from=checkpoint');
  t.true(quick.body.ok);
  t.is(quick.body.fromSeq, cp.body.seq);
  // A quick check says what it covered: from the checkpoint on, not the whole log.
  t.is(quick.body.scope, 'from_checkpoint');
  t.is(v.body.scope, 'full');
  t.deepEqual(v.body.breaks, []);
  const quickRow = await sys.services.db('audit_log').where({ action: 'audit.verify' }).orderBy('seq', 'desc').first();
  t.like(JSON.parse(quickRow.detail), { ok: true, from: 'checkpoint', scope: 'from_checkpoint', checkedFrom: cp.body.seq });
  t.deepEqual(
    (await sys.services.db('audit_log').whereIn('action', ['audit.verify', 'audit.checkpoint']).orderBy('seq')).map((r: any) => r.action),
    ['audit.verify', 'audit.checkpoint', 'audit.verify'],
  );
  for (const who of ['sysadmin', 'secadmin', 'archivist1']) {
    const c = await sys.as(who);
    t.is((await c.get('/api/audit/verify')).status, 403, who);
    t.is((await c.post('/api/audit/checkpoints')).status, 403, who);
  }
});

test.serial('a tampered row shows in the console by its seq', async (t) => {
  const db = sys.services.db;
  const target = await db('audit_log').where({ action: 'auth.login', outcome: 'failure', actor: 'applicant1' }).first();
  if (db.client.config.client === 'pg') await db.raw('DROP TRIGGER audit_log_no_update ON audit_log');
  else await db.raw('DROP TRIGGER audit_log_no_update');
  await db('audit_log').where({ seq: target.seq }).update({ outcome: 'success' });
  const v = await auditor.get('/api/audit/verify');
  t.false(v.body.ok);
  t.is(v.body.firstBadSeq, Number(target.seq));
  t.is(v.body.reason, 'hash');
  t.deepEqual(v.body.breaks, [{ seq: Number(target.seq), reason: 'hash' }]);
  const row = await db('audit_log').where({ action: 'audit.verify' }).orderBy('seq', 'desc').first();
  t.is(row.outcome, 'failure');
  t.is(JSON.parse(row.detail).firstBadSeq, Number(target.seq));
});

test.serial('prune through the console keeps everything younger than 180 days', async (t) => {
  // The retention is not the caller's to give: an unknown field is refused, nothing written.
  const count = async () => Number((await sys.services.db('audit_log').count({ n: '*' }))[0].n);
  const n0 = await count();
  const days = await auditor.post('/api/audit/prune', { days: 1 });
  t.is(days.status, 400);
  t.regex(JSON.stringify(days.body), /days/);
  t.is((await auditor.post('/api/audit/checkpoints', { seq: 1 })).status, 400);
  t.is(await count(), n0, 'a refused prune or checkpoint writes no row and deletes none');
  const before = await count();
  const res = await auditor.post('/api/audit/prune');
  t.is(res.status, 200);
  t.is(res.body.deleted, 0);
  t.is(res.body.retentionDays, 180);
  t.is(Number((await sys.services.db('audit_log').count({ n: '*' }))[0].n), before + 1, 'only the prune row was added');
  t.is((await sys.client().post('/api/auth/login', { username: 'auditor', password: DEMO_PASSWORD })).body.code, 'TOTP_REQUIRED');
});
