// Every rule of 转递 broken once, through the API as the demo users act (and by a direct service call
// where the API cannot reach): each answer names the rule (422 RULE_VIOLATION, details.rule), and
// nothing is written — no case, no order, no record changed, the task still open.
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';
import { cadreOfUser } from '../archives/helpers.ts';
import { approveStep, borrowingVariables } from '../helpers/cases.ts';
import {
  CITY,
  HBW,
  archiveRow,
  callService,
  cityCadre,
  completeAt,
  counts,
  idNumber,
  inCaseOf,
  moveToHaibowan,
  openTasks,
  order,
  orgId,
  prepareAndApprove,
  send,
} from './transfer-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const TABLES = ['process_instances', 'transfer_orders', 'position_changes', 'cadre_field_history', 'transfer_chases', 'transfer_returns', 'deadlines', 'archive_status_history', 'cadres', 'archives'];

/** Row counts of everything a transfer writes: the same before and after a refusal. */
async function footprint() {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = Number((await sys.services.db(table).count({ n: '*' }))[0].n);
  return out;
}

function refused(t: ExecutionContext, res: { status: number; body: any }, rule: string) {
  t.is(res.status, 422, `${rule}: ${JSON.stringify(res.body)}`);
  t.is(res.body.code, 'RULE_VIOLATION');
  t.is(res.body.details?.rule, rule);
  t.true(/[\u4e00-\u9fa5].* \/ [A-Za-z]/.test(res.body.message), `Chinese, then English: ${res.body.message}`);
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(sys.clock.now());
const tomorrow = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(sys.clock.now().getTime() + 86_400_000));

async function startTransfer(username: string, variables: Record<string, unknown>) {
  return (await sys.as(username)).post('/api/process-instances', { processKey: 'transfer', variables });
}
const manual = async (cadreId: number, extra: Record<string, unknown> = {}) => ({
  cadreId,
  reason: 'transfer',
  destinationKind: 'office',
  toCustodianOrgId: await orgId(sys, HBW),
  noticeNo: '乌组干〔2026〕40号',
  noticeDate: today(),
  ...extra,
});

test.serial('start: a cadre the office does not hold, its own or a barred one, gets cadre_not_held — the same answer as an unknown id', async (t) => {
  const before = await footprint();
  const held = await sys.services.db('archives').where({ custodian_org_id: await orgId(sys, HBW) }).first();
  const self = await cadreOfUser(sys, 'archivist1');
  const avoided = await sys.services.db('avoidance_entries').where({ user_id: self.user.id }).first();
  for (const cadreId of [held.cadre_id, self.cadre.id, avoided.cadre_id, 999_999]) {
    refused(t, await startTransfer('archivist1', await manual(cadreId)), 'cadre_not_held');
  }
  t.deepEqual(await footprint(), before);
});

test.serial('start: the destination must be another office that holds archives, of the right kind for the reason', async (t) => {
  const cadre = await cityCadre(sys);
  const before = await footprint();
  refused(t, await startTransfer('archivist1', await manual(cadre.cadreId, { toCustodianOrgId: await orgId(sys, CITY) })), 'same_office');
  refused(t, await startTransfer('archivist1', await manual(cadre.cadreId, { toCustodianOrgId: await orgId(sys, '150300-CZJ') })), 'destination_not_custodian');
  refused(t, await startTransfer('archivist1', await manual(cadre.cadreId, { destinationKind: 'talent_service', toUnitName: '乌海市人才服务中心' })), 'destination_kind');
  refused(t, await startTransfer('archivist1', await manual(cadre.cadreId, { noticeDate: tomorrow() })), 'notice_date');
  t.deepEqual(await footprint(), before);
});

test.serial('start: resignation, dismissal … need the 保密审查 first', async (t) => {
  const cadre = await cityCadre(sys);
  const before = await footprint();
  const special = { reason: 'dismissal', destinationKind: 'social_security', toUnitName: '海勃湾区社会保险事业管理局' };
  // the form itself asks for the conclusion and the date (its fields show for these reasons)
  const bare = await startTransfer('archivist1', await manual(cadre.cadreId, special));
  t.is(bare.status, 400);
  t.is(bare.body.code, 'VALIDATION_FAILED');
  t.deepEqual(bare.body.details.map((d: any) => d.field).sort(), ['secrecyReview', 'secrecyReviewDate']);
  // a review dated in the future is no review yet
  refused(t, await startTransfer('archivist1', await manual(cadre.cadreId, { ...special, secrecyReview: '经审查，可以转出。', secrecyReviewDate: tomorrow() })), 'secrecy_review');
  t.deepEqual(await footprint(), before);
});

test.serial('start: only archivists of an archive office transfer archives', async (t) => {
  await addUser(sys, { username: 'unitclerk', displayName: '单位档案员', org: '150300-CZJ', roles: ['archivist'] });
  const cadre = await cityCadre(sys);
  const before = await footprint();
  refused(t, await startTransfer('unitclerk', await manual(cadre.cadreId)), 'custodian_office');
  t.deepEqual(await footprint(), before);
});

test.serial('one open transfer per archive: a second start or a second position change is refused', async (t) => {
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  t.is((await moveToHaibowan(sys, archivist, cadre.cadreId)).status, 201);
  const before = await footprint();
  refused(t, await startTransfer('archivist1', await manual(cadre.cadreId)), 'transfer_open');
  // moving the cadre again (to a city unit, 市管 → custody would return) while the first one is open
  const again = await archivist.post(`/api/cadres/${cadre.cadreId}/position-changes`, {
    unitId: await orgId(sys, '150302-JYJ'),
    post: '局长',
    managementLevel: 'county',
    noticeNo: '乌组任〔2026〕16号',
    noticeDate: today(),
  });
  refused(t, again, 'transfer_open');
  t.deepEqual(await footprint(), before);
  t.is((await sys.services.db('cadres').where({ id: cadre.cadreId }).first()).post, '副主任', 'the second notice changed nothing');
});

test.serial('position change: nothing changed, a future notice, a cadre out of scope', async (t) => {
  const cadre = await cityCadre(sys);
  const c = await sys.services.db('cadres').where({ id: cadre.cadreId }).first();
  const archivist = await sys.as('archivist1');
  const before = await footprint();
  const same = { unitId: c.org_unit_id, post: c.post, managementLevel: c.management_level, noticeNo: '乌组任〔2026〕20号', noticeDate: today() };
  refused(t, await archivist.post(`/api/cadres/${c.id}/position-changes`, same), 'position_unchanged');
  refused(t, await archivist.post(`/api/cadres/${c.id}/position-changes`, { ...same, post: '科长', noticeDate: tomorrow() }), 'notice_date');
  const bad = await archivist.post(`/api/cadres/${c.id}/position-changes`, { ...same, post: '科长', noticeDate: '2026-02-30' });
  t.is(bad.status, 400);
  const elsewhere = await sys.services.db('archives').where({ custodian_org_id: await orgId(sys, HBW) }).first();
  const notMine = await archivist.post(`/api/cadres/${elsewhere.cadre_id}/position-changes`, { ...same, post: '科长' });
  t.is(notMine.status, 404);
  t.is(notMine.body.code, 'NOT_FOUND');
  t.deepEqual(await footprint(), before);
  // a change within the same custody is recorded without a transfer
  const stay = await archivist.post(`/api/cadres/${c.id}/position-changes`, { ...same, post: '科长' });
  t.is(stay.status, 201, JSON.stringify(stay.body));
  t.is(stay.body.transfer, null);
  t.is(stay.body.newCustodian.id, await orgId(sys, CITY));
  const list = await archivist.get(`/api/cadres/${c.id}/position-changes`);
  t.is(list.body.items.length, 1);
  t.is(list.body.items[0].to.post, '科长');
});

test.serial('preparation: the counted volumes and materials must be the whole archive; every volume on the shelf', async (t) => {
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  const whole = await counts(sys, cadre.cadreId);
  const before = await footprint();
  refused(t, await completeAt(archivist, id, 'prepareArchive', { complete: 'yes', ...whole, materialCount: whole.materialCount - 2 }), 'whole_archive');
  refused(t, await completeAt(archivist, id, 'prepareArchive', { complete: 'yes', ...whole, volumesMain: whole.volumesMain + 1 }), 'whole_archive');
  refused(t, await completeAt(archivist, id, 'prepareArchive', { complete: 'cancel' }), 'cancel_reason');
  // lent out: the archive must come back first
  await sys.services.db.transaction((trx) => sys.services.archives.changeArchiveStatus(trx, { archiveId: cadre.archiveId, to: 'on_loan', reason: '借阅', actor: null }));
  const mid = await footprint();
  refused(t, await completeAt(archivist, id, 'prepareArchive', { complete: 'yes', ...whole }), 'archive_away');
  t.deepEqual(await footprint(), mid);
  t.is(mid.archive_status_history, before.archive_status_history + 1);
  t.deepEqual(await openTasks(sys, id), ['prepareArchive']);
  t.is((await order(sys, id)).status, 'preparing');
  await sys.services.db.transaction((trx) => sys.services.archives.changeArchiveStatus(trx, { archiveId: cadre.archiveId, to: 'in_stock', reason: '归还', actor: null }));
  t.is((await completeAt(archivist, id, 'prepareArchive', { complete: 'yes', ...whole })).status, 200);
});

test.serial('uses first: an approved on-site reading holds the archive back at preparation and sending (archive_in_use, listed); a request still in review cannot be approved once the archive is sent', async (t) => {
  const db = sys.services.db;
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  const target = { id: cadre.cadreId, name: cadre.name, idNumber: cadre.idNumber, level: 'county', archiveId: cadre.archiveId, custodianOrgId: await orgId(sys, CITY) };
  const fileRequest = async (mode: string) => {
    const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', target, { mode }) });
    t.is(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const onsite = await fileRequest('onsite');
  for (const [user, step] of [['unithead1', 'unitHeadReview'], ['archivist1', 'archivistReview'], ['chief1', 'chiefApproval']]) await approveStep(sys, user, onsite, step);
  const use = await db('utilization_requests').where({ instance_id: onsite }).first();
  const whole = await counts(sys, cadre.cadreId);
  const before = await footprint();
  const held = await completeAt(archivist, id, 'prepareArchive', { complete: 'yes', ...whole });
  refused(t, held, 'archive_in_use');
  t.deepEqual(held.body.details.uses, [{ caseNo: use.case_no, kind: 'consult', mode: 'onsite', status: 'approved', instanceId: onsite }]);
  t.true(held.body.message.includes(`${use.case_no}（现场查阅，已批准，未办结）`), held.body.message);
  t.deepEqual(await footprint(), before);
  t.deepEqual(await openTasks(sys, id), ['prepareArchive']);

  // The readers come and the archivist registers the reading: the archive may be prepared and sent.
  const now = sys.clock.now();
  const hhmm = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  sys.clock.set(new Date(Date.parse(`${today()}T11:00:00+08:00`) > now.getTime() ? Date.parse(`${today()}T11:00:00+08:00`) : now.getTime() + 3_600_000));
  const ended = new Date(sys.clock.now().getTime() - 60_000);
  const registered = await completeAt(await sys.as('archivist1'), onsite, 'onsiteReading', {
    identityChecked: true, accompanied: true, readersSigned: true, readingDate: today(), readingStartedAt: hhmm(new Date(ended.getTime() - 60_000)), readingEndedAt: hhmm(ended),
  });
  t.is(registered.status, 200, JSON.stringify(registered.body));
  await prepareAndApprove(sys, id, cadre.cadreId);

  // A request filed before the send and still in review does not hold it back …
  const pending = await fileRequest('onsite');
  await approveStep(sys, 'unithead1', pending, 'unitHeadReview');
  t.is((await send(sys, id)).status, 200);
  t.is((await archiveRow(sys, cadre.archiveId)).status, 'transferring');
  // … but nobody can approve a use of an archive that has left: the approvers can only refuse it.
  await approveStep(sys, 'archivist1', pending, 'archivistReview');
  const chief = await sys.as('chief1');
  refused(t, await completeAt(chief, pending, 'chiefApproval', { decision: 'approve', comment: '同意。' }), 'archive-left-office');
  t.is((await db('utilization_requests').where({ instance_id: pending }).first()).status, 'in_review');
  t.is((await completeAt(chief, pending, 'chiefApproval', { decision: 'reject', comment: '档案已转出。' })).status, 200);
});

test.serial('sending: never by post, never by the cadre; two Party members as couriers; sealed', async (t) => {
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  const before = await footprint();
  const orderBefore = await order(sys, id);

  // the form offers 机要交通 and 专人送取 only: anything else is refused before the case moves
  for (const method of ['post', 'self']) {
    const res = await send(sys, id, { method, sealed: true });
    t.is(res.status, 400);
    t.is(res.body.code, 'VALIDATION_FAILED');
    t.deepEqual(res.body.details.map((d: any) => d.field), ['method']);
  }
  // … and the service names the rule to anything that reaches it (a form edited by an administrator)
  for (const method of ['post', 'self', 'mail']) {
    const e = await t.throwsAsync(callService(sys, 'sendTransfer', id, { method, sealed: true }));
    t.is((e as any).details.rule, 'transfer_method');
  }
  const one = [{ name: '王强', partyMember: true }];
  refused(t, await send(sys, id, { method: 'courier', couriers: one, sealed: true }), 'courier_count');
  refused(t, await send(sys, id, { method: 'courier', couriers: [...one, ...one], sealed: true }), 'courier_count');
  refused(t, await send(sys, id, { method: 'courier', couriers: [...one, { name: '李明', partyMember: true }, { name: '赵刚', partyMember: true }], sealed: true }), 'courier_count');
  refused(t, await send(sys, id, { method: 'courier', couriers: [...one, { name: '李明', partyMember: false }], sealed: true }), 'courier_party_member');
  refused(t, await send(sys, id, { method: 'confidential', sealed: false }), 'package_sealed');

  t.deepEqual(await footprint(), before);
  t.deepEqual(await order(sys, id), orderBefore);
  t.is((await archiveRow(sys, cadre.archiveId)).status, 'in_stock');
  t.deepEqual(await openTasks(sys, id), ['issueSlip']);
  t.is(await sys.services.db('mail_outbox').where({ event: 'task_offered', instance_id: id }).whereIn('recipient_id', sys.services.db('users').where({ username: 'receiver1' }).select('id')).first(), undefined);
});

test.serial('receipts: a receiver in Dangan signs in Dangan; a paper receipt is not dated in the future; the review must be confirmed', async (t) => {
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const o = await order(sys, id);
  const before = await footprint();
  refused(t, await archivist.post(`/api/transfers/${o.id}/receipt`, { receivedOn: today(), signer: '周海涛' }), 'receipt_in_dangan');
  refused(t, await archivist.post(`/api/transfers/${o.id}/return`, { reason: '不全' }), 'receipt_in_dangan');
  t.is((await (await sys.as('receiver1')).post(`/api/transfers/${o.id}/receipt`, { receivedOn: today(), signer: '周海涛' })).status, 404);
  t.deepEqual(await footprint(), before);

  const inId = (await inCaseOf(sys, id))!;
  const receiver = await sys.as('receiver1');
  t.is((await completeAt(receiver, inId, 'checkPackage', { decision: 'accept', comment: '无误。' })).status, 200);
  const mid = await footprint();
  refused(t, await completeAt(receiver, inId, 'reviewAndStore', { reviewed: false, room: '1', cabinet: '1', shelf: '1' }), 'review_incomplete');
  t.deepEqual(await footprint(), mid);
  t.deepEqual(await openTasks(sys, inId), ['reviewAndStore']);

  // a paper receipt dated tomorrow, for an order to outside Dangan
  const other = await cityCadre(sys);
  const started = await startTransfer('archivist1', await manual(other.cadreId, { destinationKind: 'outside_office', toUnitName: '包头市委组织部干部档案室' }));
  await prepareAndApprove(sys, started.body.id, other.cadreId);
  t.is((await send(sys, started.body.id)).status, 200);
  const outside = await order(sys, started.body.id);
  refused(t, await (await sys.as('archivist1')).post(`/api/transfers/${outside.id}/receipt`, { receivedOn: tomorrow(), signer: '张伟' }), 'receipt_date');
  t.is((await order(sys, started.body.id)).status, 'sent');
});

test.serial('registering an arrival by hand: what Dangan knows decides', async (t) => {
  const receiver = await sys.as('receiver1');
  const register = (variables: Record<string, unknown>) => receiver.post('/api/process-instances', { processKey: 'transfer-in', variables });
  const base = { fromUnit: '包头市委组织部干部档案室', slipNo: '包组档转字第2026-0301号', volumesMain: 1, volumesCopy: 0, materialCount: 30 };
  const cityHeld = await cityCadre(sys);
  const hbwHeld = await sys.services.db('archives as a').join('cadres as c', 'c.id', 'a.cadre_id').where('a.custodian_org_id', await orgId(sys, HBW)).where('a.status', 'in_stock').first('c.name', 'c.id_number');
  const fresh = { cadreName: '苏雅', cadreIdNumber: idNumber('1990-06-01', 77, false), ethnicity: '蒙古族', nativePlace: '内蒙古乌海', politicalStatus: '中共党员', post: '科员' };
  const before = await footprint();

  refused(t, await register({ ...base, cadreName: cityHeld.name, cadreIdNumber: cityHeld.idNumber }), 'held_in_dangan');
  refused(t, await register({ ...base, cadreName: '另一个名字', cadreIdNumber: cityHeld.idNumber }), 'cadre_mismatch');
  refused(t, await register({ ...base, cadreName: hbwHeld.name, cadreIdNumber: hbwHeld.id_number }), 'already_held');
  refused(t, await register({ ...base, volumesMain: 0, ...fresh, unitId: await orgId(sys, '150302-XH'), managementLevel: 'county' }), 'volumes_required');
  // a new cadre of a city unit belongs to the city office, not to 海勃湾
  refused(t, await register({ ...base, ...fresh, unitId: await orgId(sys, '150300-CZJ'), managementLevel: 'unit' }), 'custody_range');
  // a cadre new to Dangan needs the basic record
  const bare = await register({ ...base, cadreName: fresh.cadreName, cadreIdNumber: fresh.cadreIdNumber });
  t.is(bare.status, 400);
  t.deepEqual(bare.body.details.map((d: any) => d.field).sort(), ['ethnicity', 'managementLevel', 'nativePlace', 'politicalStatus', 'unitId']);
  t.deepEqual(await footprint(), before);

  // the same arrival cannot be registered twice while the first is open
  const ok = { ...base, ...fresh, unitId: await orgId(sys, '150302-XH'), managementLevel: 'county' };
  t.is((await register(ok)).status, 201);
  const mid = await footprint();
  refused(t, await register(ok), 'transfer_open');
  t.deepEqual(await footprint(), mid);
});

test.serial('what the forms ask for, the services check again (a diagram or form an administrator changed)', async (t) => {
  const cadre = await cityCadre(sys);
  const before = await footprint();
  const start = { cadreId: cadre.cadreId, reason: 'transfer', destinationKind: 'office', toCustodianOrgId: await orgId(sys, HBW), noticeNo: '乌组干〔2026〕70号', noticeDate: today() };
  const rule = async (service: string, variables: Record<string, unknown>, username = 'archivist1') =>
    ((await t.throwsAsync(callService(sys, service, '00000000-0000-4000-8000-000000000000', variables, username))) as any).details?.rule;
  t.is(await rule('openTransfer', { ...start, reason: 'archive' }), 'transfer_reason');
  t.is(await rule('openTransfer', { ...start, destinationKind: 'embassy' }), 'destination_kind');
  t.is(await rule('openTransfer', { ...start, destinationKind: 'outside_office' }), 'destination_required');
  t.is(await rule('openTransfer', { ...start, noticeNo: ' ' }), 'notice_no');
  t.is(await rule('openTransfer', { ...start, noticeDate: '2026-13-01' }), 'notice_date');
  t.is(await rule('openTransfer', { ...start, reason: 'expulsion', destinationKind: 'outside_office', toUnitName: '某市档案室' }), 'secrecy_review');
  const arrival = { fromUnit: '包头市委组织部干部档案室', slipNo: '包组档转字第2026-0400号', cadreName: '某某', cadreIdNumber: idNumber('1988-01-01', 90), volumesMain: 1, volumesCopy: 0, materialCount: 10 };
  t.is(await rule('registerIncomingTransfer', { ...arrival, fromUnit: '' }, 'receiver1'), 'from_unit');
  t.is(await rule('registerIncomingTransfer', { ...arrival, slipNo: '' }, 'receiver1'), 'slip_no');
  t.is(await rule('registerIncomingTransfer', { ...arrival, cadreName: '' }, 'receiver1'), 'cadre_name');
  t.deepEqual(await footprint(), before);

  // storing needs the shelf mark
  const receiver = await sys.as('receiver1');
  const reg = await receiver.post('/api/process-instances', {
    processKey: 'transfer-in',
    variables: { ...arrival, unitId: await orgId(sys, '150302-XH'), managementLevel: 'county', ethnicity: '汉族', nativePlace: '内蒙古乌海', politicalStatus: '群众' },
  });
  t.is(reg.status, 201, JSON.stringify(reg.body));
  t.is((await completeAt(receiver, reg.body.id, 'checkPackage', { decision: 'accept', comment: '无误。' })).status, 200);
  const e = await t.throwsAsync(callService(sys, 'storeIncomingArchive', reg.body.id, { reviewed: true, room: ' ', cabinet: '1', shelf: '1' }, 'receiver1'));
  t.is((e as any).details.rule, 'shelf_mark');
  t.is((await order(sys, reg.body.id)).status, 'receipted');
});
