// Sending an archive away ends its electronic readings (server/transfers/uses.ts endViewingGrants):
// every reader is told by their own case number, and the case numbers come with the grants ended —
// the work does not grow by a query per reader.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { readingCase, type ReadingCase } from '../reading/helpers.ts';
import { endViewingGrants } from '../../server/transfers/uses.ts';
import type { TransferDeps } from '../../server/transfers/context.ts';
import type { ServiceContext } from '../../server/engine/types.ts';
import type { OrderRow } from '../../server/transfers/store.ts';
import type { Notice } from '../../server/notify/service.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

/** Ends the grants on the case's archive as sending it would; returns the notices and the number of queries run. */
async function endReadingsOf(rc: ReadingCase): Promise<{ notices: Notice[]; queries: number }> {
  const notices: Notice[] = [];
  const d = { audit: sys.services.audit, notify: { notify: async (_trx: unknown, n: Notice) => void notices.push(n) } } as unknown as TransferDeps;
  const city = await sys.services.db('archives').where({ id: rc.cadre.archiveId }).first('custodian_org_id');
  const order = { id: 1, from_org_id: city.custodian_org_id, case_no: 'ZD-TEST' } as OrderRow;
  let queries = 0;
  const count = () => queries++;
  await sys.services.db.transaction(async (trx) => {
    const ctx = { trx, clock: sys.clock, actor: null, instanceId: rc.instanceId } as unknown as ServiceContext;
    trx.on('query', count);
    try {
      await endViewingGrants(d, ctx, order, [{ id: rc.cadre.archiveId, kind: 'original', volumes: 1, archive_no: '', status: 'transferring' }]);
    } finally {
      trx.off('query', count);
    }
  });
  return { notices, queries };
}

test('an archive with many readers: each is told by their case number, in as many queries as for two', async (t) => {
  const db = sys.services.db;
  // Given two readings: one with its two readers, one with ten (eight more grants on it) …
  const two = await readingCase(sys, 0);
  const ten = await readingCase(sys, 1);
  const grant = await db('archive_grants').where({ id: ten.grants.applicant1 }).first();
  const { id: _id, ...copy } = grant;
  await db('archive_grants').insert(Array.from({ length: 8 }, () => copy));

  // When each archive leaves the office
  const few = await endReadingsOf(two);
  const many = await endReadingsOf(ten);

  // Then every reader is told, by the case number of their request …
  t.is(few.notices.length, 2);
  t.is(many.notices.length, 10);
  t.true(few.notices.every((n) => n.vars.caseRef === two.caseNo && n.event === 'reading_ended'));
  t.true(many.notices.every((n) => n.vars.caseRef === ten.caseNo && n.event === 'reading_ended'));
  // … every grant has ended, and the work did not grow with the readers.
  t.falsy(await db('archive_grants').whereIn('archive_id', [two.cadre.archiveId, ten.cadre.archiveId]).whereNull('revoked_at').first('id'));
  t.true(few.queries > 0);
  t.is(many.queries, few.queries);
});
