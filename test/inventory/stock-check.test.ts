// 库房核对: an office's check lists every archive the register has on the shelf with its place; the
// staff mark each found, found elsewhere or missing by its number; the chief closes it — with a note
// when archives are left unchecked — and may set the register's place to where archives were found.
// Other offices see nothing; a cadre the caller must avoid is neither listed nor markable by them.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { auditRows } from '../archives/helpers.ts';
import { demoCadre } from '../helpers/cases.ts';
import { lentOut } from '../helpers/office-books.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const officeOf = async (username: string): Promise<number> => (await db()('users').where({ username }).first()).org_unit_id;
const userId = async (username: string): Promise<number> => (await db()('users').where({ username }).first()).id;

test.serial('a stock check from opening to closing: found, found elsewhere, missing, away, the register corrected', async (t) => {
  const office = await officeOf('archivist1');
  // One archive is lent out before the check: it is away, counted, not checked.
  const lent = await db()('archives').where({ custodian_org_id: office, status: 'in_stock' }).orderBy('id', 'desc').first();
  await db().transaction((trx) => sys.services.archives.changeArchiveStatus(trx, { archiveId: lent.id, to: 'on_loan', reason: '借出（测试）', actor: null }));
  const onShelf = await db()('archives as a').join('cadres as c', 'c.id', 'a.cadre_id').where({ 'a.custodian_org_id': office }).whereIn('a.status', ['in_stock', 'retired', 'deceased']).orderBy('a.id').select('a.*', 'c.name');
  const away = await db()('archives').where({ custodian_org_id: office }).whereIn('status', ['on_loan', 'digitizing', 'transferring']).count({ n: '*' });

  const archivist = await sys.as('archivist1');
  const started = await archivist.post('/api/stock-checks', {});
  t.is(started.status, 201, JSON.stringify(started.body));
  const id = started.body.id;
  t.like(started.body, { custodianOrgId: office, title: '2026年度库房核对', status: 'open', away: Number(away[0].n), progress: { total: onShelf.length, checked: 0 } });
  t.true(started.body.away >= 1);
  t.like((await archivist.post('/api/stock-checks', { title: '第二次' })), { status: 409, body: { code: 'STOCK_CHECK_OPEN' } });

  // The items carry the register's number and place; the lent archive is not among them.
  const all = await archivist.get(`/api/stock-checks/${id}/items?limit=500`);
  t.is(all.status, 200);
  const excludedForArchivist = await sys.services.access.excludedCadreIds(db(), await userId('archivist1'));
  t.is(all.body.total, onShelf.filter((a: any) => !excludedForArchivist.includes(a.cadre_id)).length);
  t.false(all.body.items.some((i: any) => i.archiveId === lent.id));
  const [a, b, c, d] = onShelf.filter((x: any) => !excludedForArchivist.includes(x.cadre_id));
  t.like(all.body.items.find((i: any) => i.archiveId === a.id), { archiveNo: a.archive_no, result: 'unchecked', expected: { storeRoom: a.store_room, cabinet: a.cabinet, shelf: a.shelf } });

  const mark = (body: Record<string, unknown>, who = archivist) => who.post(`/api/stock-checks/${id}/marks`, body);
  // The number in any case of its letters: a scanner or a hand may type it in lower case.
  t.regex(a.archive_no, /[A-Z]/);
  t.like((await mark({ archiveNo: a.archive_no.toLowerCase(), result: 'found' })).body, { archiveNo: a.archive_no, result: 'found', found: null, awayNow: null });
  // Found where the register says: the same as no place given.
  t.like((await mark({ archiveNo: ` ${b.archive_no} `, result: 'found', place: { storeRoom: b.store_room, cabinet: b.cabinet, shelf: b.shelf } })).body, { result: 'found' });
  const elsewhere = { storeRoom: b.store_room, cabinet: 'Z9', shelf: '99' };
  const moved = await mark({ archiveNo: b.archive_no, result: 'found', place: elsewhere, note: '错架' });
  t.like(moved.body, { result: 'misplaced', resultLabel: '位置不符', found: elsewhere, note: '错架' });
  t.like((await mark({ archiveNo: c.archive_no, result: 'missing', note: '架上未见' })).body, { result: 'missing', found: null, cadreName: c.name });
  // An archive the register sent away after the check opened, found on its shelf: the mark stands, the answer says the register disagrees.
  await db().transaction((trx) => sys.services.archives.changeArchiveStatus(trx, { archiveId: d.id, to: 'digitizing', reason: '数字化出库（测试）', actor: null }));
  t.like((await mark({ archiveNo: d.archive_no, result: 'found' })).body, { result: 'found', awayNow: { status: 'digitizing', label: '数字化中' } });

  // Numbers outside the check, a place for a missing archive, bad input.
  t.like(await mark({ archiveNo: 'NO-SUCH-1', result: 'found' }), { status: 422, body: { details: { rule: 'not_in_check' } } });
  // The lent archive is not on the list: not found, there is nothing to mark, and the answer says why.
  const lentMissing = await mark({ archiveNo: lent.archive_no, result: 'missing' });
  t.like(lentMissing, { status: 422, body: { details: { rule: 'not_in_check', status: 'on_loan' } } });
  t.regex(lentMissing.body.message, /登记为「借出」.*若在架上找到，请标记在架/);
  for (const body of [{ archiveNo: a.archive_no, result: 'missing', place: elsewhere }, { archiveNo: a.archive_no, result: 'lost' }, { archiveNo: '', result: 'found' }, { archiveNo: a.archive_no, result: 'found', place: { storeRoom: 'A' } }]) {
    t.is((await mark(body)).status, 400, JSON.stringify(body));
  }

  const progress = (await archivist.get(`/api/stock-checks/${id}`)).body.progress;
  t.deepEqual(progress, { total: onShelf.length, checked: 4, byResult: { unchecked: onShelf.length - 4, found: 2, misplaced: 1, missing: 1 } });
  // The search takes % and _ as themselves, not as wildcards.
  t.is((await archivist.get(`/api/stock-checks/${id}/items?q=${encodeURIComponent('%')}`)).body.total, 0);
  t.is((await archivist.get(`/api/stock-checks/${id}/items?q=_`)).body.total, 0);
  const missing = await archivist.get(`/api/stock-checks/${id}/items?result=missing`);
  t.deepEqual(missing.body.items.map((i: any) => i.archiveNo), [c.archive_no]);
  t.is((await archivist.get(`/api/stock-checks/${id}/items?q=${encodeURIComponent(b.archive_no)}`)).body.items[0].checkedByName, (await db()('users').where({ username: 'archivist1' }).first()).display_name);

  // Closing is the chief's; archives left unchecked need a note.
  t.is((await archivist.post(`/api/stock-checks/${id}/close`, { note: 'x' })).status, 403);
  const chief = await sys.as('chief1');
  const noNote = await chief.post(`/api/stock-checks/${id}/close`, { fixLocations: true });
  t.is(noNote.status, 400);
  t.regex(noNote.body.details[0].message, new RegExp(`还有 ${onShelf.length - 4} 份档案未核对`));
  const closed = await chief.post(`/api/stock-checks/${id}/close`, { note: '其余档案下周核对', fixLocations: true });
  t.is(closed.status, 200, JSON.stringify(closed.body));
  t.like(closed.body, { status: 'closed', closeNote: '其余档案下周核对', locationsFixed: true });

  // The register now says where the misplaced archive stands, with a history row; the others are unchanged.
  const after = await db()('archives').whereIn('id', [a.id, b.id, c.id]).orderBy('id');
  t.like(after.find((x: any) => x.id === b.id), { store_room: elsewhere.storeRoom, cabinet: 'Z9', shelf: '99', status: b.status });
  t.like(after.find((x: any) => x.id === a.id), { store_room: a.store_room, cabinet: a.cabinet, shelf: a.shelf });
  const history = await db()('archive_status_history').where({ archive_id: b.id }).orderBy('id', 'desc').first();
  t.regex(history.reason, /^库房核对“2026年度库房核对”位置更正/);
  t.true(history.reason.endsWith(`${b.store_room}/${b.cabinet}/${b.shelf} → ${elsewhere.storeRoom}/Z9/99`));
  const shown = (await chief.get(`/api/archives/${b.id}`)).body;
  t.like(shown, { location: { storeRoom: elsewhere.storeRoom, cabinet: 'Z9', shelf: '99' } });
  t.like(shown.statusHistory.at(-1), { reason: history.reason, actorName: (await db()('users').where({ username: 'chief1' }).first()).display_name });

  // A closed check takes no marks; a new one may start.
  t.like(await mark({ archiveNo: a.archive_no, result: 'found' }), { status: 409, body: { code: 'STOCK_CHECK_CLOSED' } });
  const next = await archivist.post('/api/stock-checks', { title: '复查' });
  t.is(next.status, 201);
  const list = await archivist.get('/api/stock-checks');
  t.deepEqual(list.body.items.map((x: any) => [x.title, x.status]), [['复查', 'open'], ['2026年度库房核对', 'closed']]);
  const chiefName = (await db()('users').where({ username: 'chief1' }).first()).display_name;
  t.like(list.body.items[1], { closedByName: chiefName, progress: { checked: 4 } });
  t.like((await archivist.get(`/api/stock-checks/${id}`)).body, { officeName: list.body.items[1].officeName, closedByName: chiefName, startedByName: (await db()('users').where({ username: 'archivist1' }).first()).display_name });
  t.is((await chief.post(`/api/stock-checks/${next.body.id}/close`, { note: '测试结束' })).status, 200);

  const marks = (await auditRows(sys, 'stock_check.mark')).filter((r: any) => r.outcome === 'success');
  t.is(marks.length, 5, 'each accepted mark is audited (a found, b twice, c, d)');
  t.like(JSON.parse(marks.find((r: any) => r.object_id === String(d.id)).detail), { result: 'found', awayNow: 'digitizing' });
});

test.serial('another office sees nothing; a leader above reads but does not mark; a cadre the chief must avoid is hidden from her', async (t) => {
  const archivist = await sys.as('archivist1');
  const check = (await archivist.post('/api/stock-checks', { title: '规避测试' })).body;
  t.truthy(check.id);

  const receiver = await sys.as('receiver1');
  t.is((await receiver.get(`/api/stock-checks/${check.id}`)).status, 404);
  t.is((await receiver.get(`/api/stock-checks/${check.id}/items`)).status, 404);
  t.is((await receiver.post(`/api/stock-checks/${check.id}/marks`, { archiveNo: 'X', result: 'found' })).status, 404);
  t.false((await receiver.get('/api/stock-checks')).body.items.some((x: any) => x.id === check.id));
  t.is((await receiver.post('/api/stock-checks', { custodianOrgId: await officeOf('archivist1') })).status, 404);
  const denied = (await auditRows(sys, 'stock_check.view')).filter((r: any) => r.outcome === 'denied');
  t.true(denied.some((r: any) => r.object_id === String(check.id)));

  t.is((await (await sys.as('applicant1')).get('/api/stock-checks')).status, 403);
  const leader = await sys.as('leader1');
  t.is((await leader.get(`/api/stock-checks/${check.id}`)).status, 200);
  t.is((await leader.post(`/api/stock-checks/${check.id}/marks`, { archiveNo: 'X', result: 'found' })).status, 403);

  // The chief's avoided cadres (her relatives held by her own office) are not listed for her and she cannot mark them.
  const chiefId = await userId('chief1');
  const avoided = await sys.services.access.excludedCadreIds(db(), chiefId);
  const hers = await db()('stock_check_items as i').join('archives as a', 'a.id', 'i.archive_id').where('i.check_id', check.id).whereIn('a.cadre_id', avoided).select('i.archive_no');
  t.true(hers.length >= 1, 'the demo has a relative of chief1 in her office');
  const chief = await sys.as('chief1');
  const items = await chief.get(`/api/stock-checks/${check.id}/items?limit=500`);
  t.false(items.body.items.some((i: any) => hers.some((h: any) => h.archive_no === i.archiveNo)));
  t.like(await chief.post(`/api/stock-checks/${check.id}/marks`, { archiveNo: hers[0].archive_no, result: 'found' }), { status: 422, body: { details: { rule: 'not_in_check' } } });
  t.like((await archivist.post(`/api/stock-checks/${check.id}/marks`, { archiveNo: hers[0].archive_no, result: 'found' })).body, { result: 'found' });
  // The totals count every archive, hidden or not.
  t.is((await chief.get(`/api/stock-checks/${check.id}`)).body.progress.total, items.body.total + hers.length);
});

test.serial('an archive on loan when the check opened, found on its shelf: the scan adds it to the check, and the list shows the register disagrees', async (t) => {
  const office = await officeOf('archivist1');
  // Lent out through the borrowing case (出借登记), before the check opens.
  const cadre = await demoCadre(sys, 'county', 3);
  t.is(cadre.custodianOrgId, office);
  await lentOut(sys, cadre, 5);
  const lent = await db()('archives').where({ id: cadre.archiveId }).first();
  t.is(lent.status, 'on_loan');
  const loan = await db()('loans').where({ archive_id: lent.id }).first();
  const lentOn = new Date(Date.parse(loan.checked_out_at) + 8 * 3_600_000).toISOString().slice(0, 10);

  const archivist = await sys.as('archivist1');
  for (const open of (await archivist.get('/api/stock-checks')).body.items.filter((x: any) => x.status === 'open')) {
    await (await sys.as('chief1')).post(`/api/stock-checks/${open.id}/close`, { note: '上一测试的核对' });
  }
  const check = (await archivist.post('/api/stock-checks', { title: '借出在架测试' })).body;
  const before = check.progress.total;
  t.true(check.away >= 1);
  t.false((await archivist.get(`/api/stock-checks/${check.id}/items?q=${encodeURIComponent(lent.archive_no)}`)).body.items.length > 0, 'not on the list');
  const mark = (body: Record<string, unknown>) => archivist.post(`/api/stock-checks/${check.id}/marks`, body);

  // Not on the shelf, as the register expects: nothing to mark; the answer says since when it is out.
  const notThere = await mark({ archiveNo: lent.archive_no, result: 'missing' });
  t.like(notThere, { status: 422, body: { details: { rule: 'not_in_check', status: 'on_loan', checkedOutAt: loan.checked_out_at } } });
  t.true(notThere.body.message.includes(`（${lentOn} 借出）`), notThere.body.message);

  // Standing on its shelf after all (the scan of its spine, lower case): recorded, and the register's 借出 kept beside it.
  const found = await mark({ archiveNo: lent.archive_no.toLowerCase(), result: 'found' });
  t.is(found.status, 200, JSON.stringify(found.body));
  t.like(found.body, {
    archiveId: lent.id,
    archiveNo: lent.archive_no,
    cadreName: cadre.name,
    result: 'found',
    added: true,
    expected: { storeRoom: lent.store_room, cabinet: lent.cabinet, shelf: lent.shelf },
    awayNow: { status: 'on_loan', label: '借出' },
    registerAway: { status: 'on_loan', label: '借出' },
  });
  // The check's list and counts hold it now; a later mark (elsewhere) keeps the one item.
  const got = await archivist.get(`/api/stock-checks/${check.id}`);
  t.like(got.body.progress, { total: before + 1, checked: 1, byResult: { found: 1 } });
  const elsewhere = { storeRoom: lent.store_room ?? '一号库房', cabinet: 'Z8', shelf: '88' };
  t.like((await mark({ archiveNo: lent.archive_no, result: 'found', place: elsewhere })).body, { result: 'misplaced', added: true, registerAway: { status: 'on_loan' } });
  const listed = await archivist.get(`/api/stock-checks/${check.id}/items?q=${encodeURIComponent(lent.archive_no)}`);
  t.deepEqual(listed.body.items.map((i: any) => [i.archiveNo, i.result, i.added, i.registerAway?.label]), [[lent.archive_no, 'misplaced', true, '借出']]);
  t.is((await archivist.get(`/api/stock-checks/${check.id}`)).body.progress.total, before + 1);
  // Other items found where the register agrees carry neither mark.
  const other = (await archivist.get(`/api/stock-checks/${check.id}/items?result=unchecked&limit=1`)).body.items[0];
  t.like((await mark({ archiveNo: other.archiveNo, result: 'found' })).body, { added: false, registerAway: null, awayNow: null });
  const audit = (await auditRows(sys, 'stock_check.mark')).filter((r: any) => r.object_id === String(lent.id));
  t.like(JSON.parse(audit[0].detail), { check: check.id, result: 'found', was: 'unchecked', awayNow: 'on_loan', added: true });
  // The register itself is not changed by the check: the loan is the 借阅登记's to end.
  t.is((await db()('archives').where({ id: lent.id }).first()).status, 'on_loan');
  t.is((await (await sys.as('chief1')).post(`/api/stock-checks/${check.id}/close`, { note: '测试结束', fixLocations: false })).status, 200);
});
