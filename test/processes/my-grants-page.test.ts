// The reading room's list of current grants (/api/me/grants) is one page of the newest 200: a grant
// whose archive has left the granting office (转出中, or now another office's) is not current, and
// is left out before the page is cut, so the page is still full of the grants the reader may open.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { demoCadre } from '../helpers/cases.ts';
import { readingCase } from '../reading/helpers.ts';
import { HBW, orgId } from './transfer-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

test('current grants beyond the first 200: the newest ones for archives that left do not shorten the page', async (t) => {
  const db = sys.services.db;
  // Given applicant1's open grant on an archive the office holds …
  const rc = await readingCase(sys, 0);
  const held = await db('archive_grants').where({ id: rc.grants.applicant1 }).first();
  const { id: _id, ...grant } = held;
  // … 200 more like it (201 current in all), then the 20 newest on two archives that left:
  // one being sent (转出中), one now in another office's custody.
  const leaving = await demoCadre(sys, 'county', 1);
  const elsewhere = await demoCadre(sys, 'county', 2);
  await db('archives').where({ id: leaving.archiveId }).update({ status: 'transferring' });
  await db('archives').where({ id: elsewhere.archiveId }).update({ custodian_org_id: await orgId(sys, HBW) });
  for (let i = 0; i < 200; i += 50) await db('archive_grants').insert(Array.from({ length: 50 }, () => grant));
  const left = [...Array.from({ length: 10 }, () => ({ ...grant, archive_id: leaving.archiveId })), ...Array.from({ length: 10 }, () => ({ ...grant, archive_id: elsewhere.archiveId }))];
  await db('archive_grants').insert(left);
  const heldIds = (await db('archive_grants').where({ grantee_user_id: grant.grantee_user_id, archive_id: rc.cadre.archiveId }).orderBy('id', 'desc').pluck('id')).map(Number);
  t.is(heldIds.length, 201);

  // When the reader opens the list of current grants
  const reader = await sys.as('applicant1');
  const res = await reader.get('/api/me/grants');

  // Then the page is full: the 200 newest grants they may open, none on an archive that left.
  t.is(res.status, 200);
  t.is(res.body.items.length, 200);
  t.deepEqual(res.body.items.map((g: any) => g.id), heldIds.slice(0, 200));
  t.true(res.body.items.every((g: any) => g.open && g.archiveId === rc.cadre.archiveId && g.endedReason === null));
  // The full history still shows the newest grants, the ended ones saying why.
  const all = await reader.get('/api/me/grants?state=all');
  t.is(all.body.items.length, 200);
  const ended = all.body.items.filter((g: any) => g.archiveId !== rc.cadre.archiveId);
  t.is(ended.length, 20);
  t.true(ended.every((g: any) => !g.open && g.endedReason === 'archive_transferred'));
  // Listing revokes nothing.
  t.falsy(await db('archive_grants').where({ grantee_user_id: grant.grantee_user_id }).whereNotNull('revoked_at').first('id'));
});
