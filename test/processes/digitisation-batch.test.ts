// 数字化出库/回库 on the real processes/digitisation-batch.bpmn, walked over HTTP by the demo users:
// archivist1 lists archives for the scanners, chief1 approves the 出库申请, archivist1 hands them
// over (在库/离退 → 数字化中, each move on the archive's history naming the case) and registers their
// return (→ 在库, 离退 restored); the reject path and withdrawal; every start refusal; a hand-over
// refused because an archive was lent meanwhile, and the same with that archive left out of the batch
// (the rest go out); a return in two rounds (部分回库, a new expected date); a case on version 1 of
// the diagram; and the register, scoped to the office.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import type { HttpClient } from '../helpers/http.ts';
import { approve, completeAt, reject, taskAt } from '../helpers/workflow.ts';
import { approveStep, borrowingVariables, todayIn } from '../helpers/cases.ts';
import { addUser } from '../helpers/users.ts';
import { addCalendarDays } from '../../server/materials/deps.ts';
import { endOfBeijingDay } from '../../server/notify/beijing.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const CITY = '150300-ZZB-DAS';
const OTHER = '150302-ZZB-DAS';
const db = () => sys.services.db;
const userId = async (u: string) => (await db()('users').where({ username: u }).first('id')).id as number;
const officeId = async (code: string) => (await db()('org_units').where({ code }).first('id')).id as number;
const batchOf = (instanceId: string) => db()('digitisation_batches').where({ instance_id: instanceId }).first();
const itemsOf = async (instanceId: string) => db()('digitisation_batch_items').where({ batch_id: (await batchOf(instanceId)).id }).orderBy('id');
const statusOf = async (archiveId: number) => (await db()('archives').where({ id: archiveId }).first('status')).status as string;
const historyOf = (archiveId: number, instanceId: string) => db()('archive_status_history').where({ archive_id: archiveId, instance_id: instanceId }).orderBy('id');
const inDays = (n: number) => addCalendarDays(todayIn(sys), n);

interface Shelved {
  id: number;
  archive_no: string;
  cadre_id: number;
  name: string;
  id_number: string;
  management_level: string;
  status: string;
}

/** Archives picked by one test, so that no two tests take the same one. */
const taken = new Set<number>();

/**
 * `n` archives the city office holds with this status, of cadres no demo user is tied to (self,
 * relative, avoidance list), in no batch and picked by no other test.
 */
async function shelved(n: number, opts: { status?: string; office?: string; level?: string } = {}): Promise<Shelved[]> {
  const q = db();
  const rows = await q('archives as a')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where({ 'a.custodian_org_id': await officeId(opts.office ?? CITY), 'a.status': opts.status ?? 'in_stock', 'a.kind': 'original' })
    .modify((qb) => {
      if (opts.level) qb.where('c.management_level', opts.level);
    })
    .whereNotIn('c.id', q('users').whereNotNull('cadre_id').select('cadre_id'))
    .whereNotIn('c.id', q('family_members').whereNotNull('related_cadre_id').select('related_cadre_id'))
    .whereNotIn('c.id', q('family_members').whereNotNull('related_cadre_id').select('cadre_id'))
    .whereNotIn('c.id', q('avoidance_entries').select('cadre_id'))
    .whereNotIn('a.id', q('digitisation_batch_items').select('archive_id'))
    .whereNotIn('a.id', [...taken, -1])
    .orderBy('a.id')
    .limit(n)
    .select('a.id', 'a.archive_no', 'a.cadre_id', 'c.name', 'c.id_number', 'c.management_level', 'a.status');
  if (rows.length < n) throw new Error(`only ${rows.length} ${opts.status ?? 'in_stock'} archives left`);
  for (const r of rows) taken.add(r.id);
  return rows;
}

/** The archive a tie of the user points at (self, relative, avoided), held by the city office. */
async function tiedArchive(username: string, tie: 'self' | 'relative' | 'avoided'): Promise<{ id: number; archive_no: string; cadre_id: number }> {
  const ties = await sys.services.access.exclusions(db(), await userId(username));
  const cadreIds = [...ties].filter(([, t]) => t === tie).map(([id]) => id);
  const a = await db()('archives').whereIn('cadre_id', cadreIds.length ? cadreIds : [-1]).where({ custodian_org_id: await officeId(CITY), status: 'in_stock' }).orderBy('id').first('id', 'archive_no', 'cadre_id');
  if (!a) throw new Error(`${username} has no ${tie} archive in the city office`);
  return a;
}

const startForm = (nos: string[], over: Record<string, unknown> = {}) => ({ archiveNos: nos.join('\n'), purpose: 'scan', expectedReturnDate: inDays(30), note: '委托加工单位到馆扫描。', ...over });

async function startBatch(c: HttpClient, nos: string[], over: Record<string, unknown> = {}) {
  return c.post('/api/process-instances', { processKey: 'digitisation-batch', variables: startForm(nos, over) });
}

/** Lends the archive out through the whole 借阅 case (approved by the chain, checked out). */
async function lend(a: Shelved, beforeCheckout?: (loanInstanceId: string) => Promise<void>): Promise<string> {
  const office = await officeId(CITY);
  const cadre = { id: a.cadre_id, name: a.name, idNumber: a.id_number, level: a.management_level, archiveId: a.id, custodianOrgId: office };
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'loan', loanDays: 5 }) });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  const id = res.body.id as string;
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  await approveStep(sys, 'leader1', id, 'leaderApproval', '同意借出，按期归还。');
  await beforeCheckout?.(id);
  const out = await completeAt(await sys.as('archivist1'), id, 'loanCheckout', { checkedAgainstCatalogue: true, sealed: true, comment: '已密封。' });
  if (out.status !== 200) throw new Error(JSON.stringify(out.body));
  return id;
}

test.serial('given archives on the shelf, when archivist1 asks, chief1 approves, the archives are handed over and registered back, then they go 在库/离退 → 数字化中 → back, each move on their history naming the case', async (t) => {
  let archivist = await sys.as('archivist1');
  const [a, b] = await shelved(2);
  const [r] = await shelved(1, { status: 'retired' });
  const returnDate = inDays(30);
  const res = await startBatch(archivist, [a.archive_no, ` ${b.archive_no} `, '', r.archive_no], { expectedReturnDate: returnDate });
  t.is(res.status, 201, JSON.stringify(res.body));
  t.regex(res.body.businessKey, /^数字化-2026-\d{4}$/);
  t.deepEqual(res.body.activeElements, ['chiefApproval']);
  const id = res.body.id as string;
  const caseNo = res.body.businessKey as string;
  t.like(await batchOf(id), { case_no: caseNo, status: 'review', purpose: 'scan', expected_return_date: returnDate, custodian_org_id: await officeId(CITY), started_by: await userId('archivist1'), note: '委托加工单位到馆扫描。' });
  t.deepEqual((await itemsOf(id)).map((i: any) => [i.archive_id, i.archive_no, i.out_at]), [[a.id, a.archive_no, null], [b.id, b.archive_no, null], [r.id, r.archive_no, null]]);
  t.is((await db()('workflow_cases').where({ instance_id: id }).first()).subject, '数字化出库：3 份（扫描）');
  t.is(await statusOf(a.id), 'in_stock', 'nothing leaves before the hand-over');

  // 出库审批: the archivist cannot decide it; the chief of the office approves.
  t.falsy(await taskAt(archivist, id, 'chiefApproval'));
  const chief = await sys.as('chief1');
  t.is((await completeAt(chief, id, 'chiefApproval', approve('同意出库扫描，按期回库。'))).status, 200);
  t.like(await batchOf(id), { status: 'approved', chief_id: await userId('chief1'), chief_decision: 'approve', chief_comment: '同意出库扫描，按期回库。' });
  t.deepEqual(await historyOf(a.id, id), []);

  // 出库交接: without counting against the list it is refused and nothing moves; counted, every archive is 数字化中.
  const uncounted = await completeAt(archivist, id, 'handover', { counted: false });
  t.is(uncounted.status, 422);
  t.is(uncounted.body.details.rule, 'handover_checks');
  t.is(await statusOf(a.id), 'in_stock');
  const out = await completeAt(archivist, id, 'handover', { counted: true, comment: '共三卷，交接无误。' });
  t.is(out.status, 200, JSON.stringify(out.body));
  for (const x of [a, b, r]) {
    t.is(await statusOf(x.id), 'digitizing', x.archive_no);
    const [h] = await historyOf(x.id, id);
    t.like(h, { from_status: x.status, to_status: 'digitizing', actor_id: await userId('archivist1') });
    t.true(h.reason.includes(caseNo), h.reason);
  }
  const outItems = await itemsOf(id);
  t.deepEqual(outItems.map((i: any) => i.status_before), ['in_stock', 'in_stock', 'retired']);
  t.true(outItems.every((i: any) => i.out_at && !i.back_at));
  t.like(await batchOf(id), { status: 'out', handed_over_by: await userId('archivist1') });

  // 回库登记 is due at the end of the expected day: the inbox and 督办 show that.
  const task = await taskAt(archivist, id, 'registerReturn');
  t.is(task.dueAt, endOfBeijingDay(returnDate).toISOString());
  const watch = async (who = archivist) => (await who.get(`/api/deadlines?instanceId=${id}&status=all`)).body.items.filter((d: any) => d.kind === 'digitisation_return');
  const [due] = await watch();
  t.like(due, { subject: `数字化出库 ${caseNo}（3 份）`, dueAt: endOfBeijingDay(returnDate).toISOString(), status: 'open', light: 'green', caseReadable: true, campaignId: null });
  t.like((await watch(await sys.as('chief1')))[0], { id: due.id, caseReadable: true }, 'the chief sees it in 督办 too, and may open the case');
  // The leader above watches the office's 督办 but does not open its cases.
  t.like((await watch(await sys.as('leader1')))[0], { id: due.id, caseReadable: false });

  // Not overdue yet. A day past the expected return the register lists it as overdue, in the office's
  // list and in the filter; another office cannot ask for this office's list.
  t.false((await archivist.get('/api/digitisation-batches?overdue=true')).body.items.some((x: any) => x.instanceId === id));
  sys.clock.advance(31 * 86_400_000);
  archivist = await sys.as('archivist1');
  const late = await archivist.get(`/api/digitisation-batches?overdue=true&custodianOrgId=${await officeId(CITY)}`);
  t.is(late.status, 200);
  t.like(late.body.items.find((x: any) => x.instanceId === id), { status: 'out', overdue: true });
  t.true(late.body.items.every((x: any) => x.overdue));
  t.like((await watch())[0], { status: 'open', light: 'red' });
  t.is((await (await sys.as('receiver1')).get(`/api/digitisation-batches?custodianOrgId=${await officeId(CITY)}`)).status, 404);
  const back = await completeAt(archivist, id, 'registerReturn', { complete: true, comment: '已装订复原。' });
  t.is(back.status, 200, JSON.stringify(back.body));
  t.is(back.body.instance.status, 'completed');
  t.is(await statusOf(a.id), 'in_stock');
  t.is(await statusOf(b.id), 'in_stock');
  t.is(await statusOf(r.id), 'retired', 'a 离退 archive is 离退 again');
  t.deepEqual((await historyOf(a.id, id)).map((h: any) => [h.from_status, h.to_status]), [['in_stock', 'digitizing'], ['digitizing', 'in_stock']]);
  t.deepEqual((await historyOf(r.id, id)).map((h: any) => [h.from_status, h.to_status]), [['retired', 'digitizing'], ['digitizing', 'in_stock'], ['in_stock', 'retired']]);
  t.true((await historyOf(a.id, id)).every((h: any) => h.reason.includes(caseNo)));
  // The archive's 档案状态记录 gives the reasons the batch wrote as data, for the page to word in its
  // reader's language; the Chinese line stays beside them.
  const ofCase = (await archivist.get(`/api/archives/${r.id}`)).body.statusHistory.filter((h: any) => h.instanceId === id);
  t.deepEqual(ofCase.map((h: any) => h.systemReason), [
    { code: 'digitisation_out', params: { caseNo, purpose: 'scan' } },
    { code: 'digitisation_back', params: { caseNo } },
    { code: 'digitisation_restore', params: { caseNo, status: 'retired' } },
  ]);
  t.deepEqual(ofCase.map((h: any) => h.reason), [`数字化出库 ${caseNo}（扫描）`, `数字化回库 ${caseNo}`, `数字化回库 ${caseNo}，恢复离退状态`]);
  t.like(await batchOf(id), { status: 'returned', returned_by: await userId('archivist1') });
  t.true((await itemsOf(id)).every((i: any) => !!i.back_at));
  t.like((await watch())[0], { status: 'closed', light: null });
  const vars = JSON.parse((await db()('process_instances').where({ id }).first()).variables);
  t.is(vars.outcome, 'approved');
  t.truthy(await db()('history').where({ instance_id: id, element_id: 'returned', event: 'end' }).first());

  // The register: the office's list and the batch with its archives as they are now.
  const list = await archivist.get('/api/digitisation-batches?status=returned');
  t.is(list.status, 200);
  const row = list.body.items.find((x: any) => x.instanceId === id);
  t.like(row, { caseNo, status: 'returned', statusLabel: '已回库', purposeLabel: '扫描', itemCount: 3, overdue: false, startedBy: { name: '刘晓燕' } });
  const record = await archivist.get(`/api/digitisation-batches/${row.id}`);
  t.is(record.status, 200);
  t.like(record.body, { caseNo, decision: { decision: 'approve', by: { name: '陈立新' } }, handedOverBy: { name: '刘晓燕' }, returnedBy: { name: '刘晓燕' } });
  t.deepEqual(record.body.items.map((i: any) => [i.archiveNo, i.cadreName, i.archiveStatus, i.statusBefore]), [
    [a.archive_no, a.name, 'in_stock', 'in_stock'],
    [b.archive_no, b.name, 'in_stock', 'in_stock'],
    [r.archive_no, r.name, 'retired', 'retired'],
  ]);
  t.true(record.body.items.every((i: any) => i.outAt && i.backAt));
  t.deepEqual((await archivist.get(`/api/digitisation-batches/by-case/${id}`)).body.id, row.id);
  // Each read is audited.
  const audits = await db()('audit_log').where({ actor_id: await userId('archivist1') }).whereIn('action', ['digitisation_batch.list', 'digitisation_batch.view']).orderBy('seq');
  t.deepEqual(audits.map((x: any) => [x.action, x.outcome]), [
    ['digitisation_batch.list', 'success'],
    ['digitisation_batch.list', 'success'],
    ['digitisation_batch.list', 'success'],
    ['digitisation_batch.view', 'success'],
    ['digitisation_batch.view', 'success'],
  ]);
  t.like(JSON.parse(audits[1].detail), { overdue: true, office: await officeId(CITY) });
});

test.serial('given a batch the chief rejects, then it ends 已驳回 and no archive moved; its archives may go in a new batch, which the starter may withdraw before anyone decides', async (t) => {
  const archivist = await sys.as('archivist1');
  const [a] = await shelved(1);
  const res = await startBatch(archivist, [a.archive_no], { purpose: 'repair' });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  t.is((await db()('workflow_cases').where({ instance_id: id }).first()).subject, '数字化出库：1 份（修裱）');
  const done = await completeAt(await sys.as('chief1'), id, 'chiefApproval', reject('本季度修裱计划已满，下季度再报。'));
  t.is(done.status, 200);
  t.is(done.body.instance.status, 'completed');
  t.like(await batchOf(id), { status: 'rejected', chief_decision: 'reject' });
  t.is(JSON.parse((await db()('process_instances').where({ id }).first()).variables).outcome, 'rejected');
  t.truthy(await db()('history').where({ instance_id: id, element_id: 'rejected', event: 'end' }).first());
  t.is(await statusOf(a.id), 'in_stock');
  t.deepEqual(await historyOf(a.id, id), []);

  // A rejected batch holds nothing: the archive goes into a new one; withdrawn, that one holds nothing either.
  const again = await startBatch(archivist, [a.archive_no]);
  t.is(again.status, 201, JSON.stringify(again.body));
  const w = await archivist.post(`/api/process-instances/${again.body.id}/withdraw`, { reason: '清单有误，重新申请。' });
  t.is(w.status, 200, JSON.stringify(w.body));
  t.is((await batchOf(again.body.id)).status, 'withdrawn');
  t.is((await startBatch(archivist, [a.archive_no])).status, 201);
});

test.serial('given a deputy who is both archivist and chief, the 出库申请 they asked for is approved by another chief, not by themselves', async (t) => {
  await addUser(sys, { username: 'deputy1', displayName: '副主任', org: CITY, roles: ['archivist', 'archive_chief'] });
  const deputy = await sys.as('deputy1');
  const [a] = await shelved(1);
  const res = await startBatch(deputy, [a.archive_no]);
  t.is(res.status, 201, JSON.stringify(res.body));
  // 办理回避 (server/workflow/bars.ts): the initiator is no candidate of the chief's step of their own
  // case — not in their inbox, and the task answers 404 like absent (approver_is_starter stays behind it).
  t.falsy(await taskAt(deputy, res.body.id, 'chiefApproval'), 'not offered to the deputy who asked for it');
  const task = await db()('tasks').where({ instance_id: res.body.id, element_id: 'chiefApproval', status: 'open' }).first();
  const own = await deputy.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  t.is(own.status, 404);
  t.is(own.body.code, 'NOT_FOUND');
  t.is((await batchOf(res.body.id)).status, 'review');
  t.is((await completeAt(await sys.as('chief1'), res.body.id, 'chiefApproval', approve())).status, 200);
  t.is((await batchOf(res.body.id)).status, 'approved');
});

test.serial('a number typed in lower case, with spaces, is the register’s number (as the 库房核对 matches it): the batch starts with it; the same number typed in two cases is listed twice', async (t) => {
  const archivist = await sys.as('archivist1');
  const [a, b] = await shelved(2);
  t.not(a.archive_no.toLowerCase(), a.archive_no, 'the register’s numbers have letters');
  const res = await startBatch(archivist, [`  ${a.archive_no.toLowerCase()} `, b.archive_no]);
  t.is(res.status, 201, JSON.stringify(res.body));
  t.deepEqual((await itemsOf(res.body.id)).map((i: any) => [i.archive_id, i.archive_no]), [[a.id, a.archive_no], [b.id, b.archive_no]]);
  t.is((await archivist.post(`/api/process-instances/${res.body.id}/withdraw`, { reason: '仅为核对档案号。' })).status, 200);
  const twice = await startBatch(archivist, [a.archive_no.toLowerCase(), a.archive_no]);
  t.like(twice, { status: 422, body: { details: { rule: 'archive_duplicates', archiveNos: [a.archive_no] } } });
});

test.serial('the start check refuses, naming the numbers: another office’s, an unknown one, one the starter must avoid (all alike), a lent one, one listed twice, one in an open batch, too many, a return date in the past or too far ahead — and writes nothing', async (t) => {
  const archivist = await sys.as('archivist1');
  const [ok, lentOne, inBatch] = await shelved(3, { level: 'county' });
  const [theirs] = await shelved(1, { office: OTHER });
  const self = await tiedArchive('archivist1', 'self');
  const avoided = await tiedArchive('archivist1', 'avoided');
  await lend(lentOne);
  t.is(await statusOf(lentOne.id), 'on_loan');
  const open = await startBatch(archivist, [inBatch.archive_no]);
  t.is(open.status, 201);

  const batches = async () => Number((await db()('digitisation_batches').count({ n: '*' }))[0].n);
  const before = await batches();
  const fromSeq = Number((await db()('audit_log').max({ m: 'seq' }))[0].m);
  const refused = async (nos: string[], rule: string, over: Record<string, unknown> = {}) => {
    const res = await startBatch(archivist, nos, over);
    t.is(res.status, 422, `${rule}: ${JSON.stringify(res.body)}`);
    t.is(res.body.code, 'RULE_VIOLATION');
    t.is(res.body.details.rule, rule);
    return res.body;
  };

  // Not held: another office's, unknown, self and avoided — one answer, the numbers as typed.
  for (const no of [theirs.archive_no, '150300-ZZB-DAS-99999', self.archive_no, avoided.archive_no]) {
    const body = await refused([ok.archive_no, no], 'archive_not_held');
    t.deepEqual(body.details.archiveNos, [no]);
    t.is(body.message, `档案号 ${no} 不是本室保管的档案 / Archive ${no} is not held by your office`);
  }
  t.deepEqual((await refused([lentOne.archive_no, ok.archive_no], 'archive_not_on_shelf')).details.archiveNos, [lentOne.archive_no]);
  t.deepEqual((await refused([ok.archive_no, inBatch.archive_no, ok.archive_no], 'archive_duplicates')).details.archiveNos, [ok.archive_no]);
  const inOpen = await refused([ok.archive_no, inBatch.archive_no], 'archive_in_open_batch');
  t.deepEqual(inOpen.details.archiveNos, [inBatch.archive_no]);
  t.deepEqual(inOpen.details.caseNos, [open.body.businessKey]);
  t.regex(inOpen.message, new RegExp(`/ Archive ${inBatch.archive_no} is in an open batch already$`));
  // Several numbers: “Archives … are”.
  const two = await refused(['150300-ZZB-DAS-99998', '150300-ZZB-DAS-99999'], 'archive_not_held');
  t.regex(two.message, /\/ Archives 150300-ZZB-DAS-99998, 150300-ZZB-DAS-99999 are not held by your office$/);
  t.like((await refused(Array.from({ length: 201 }, (_, i) => `X-${i}`), 'archive_count')).details, { count: 201, max: 200 });
  t.like((await refused([ok.archive_no], 'return_date', { expectedReturnDate: inDays(-1) })).details, { earliest: todayIn(sys), latest: inDays(90) });
  await refused([ok.archive_no], 'return_date', { expectedReturnDate: inDays(91) });
  // The last day allowed and today are fine (the batch is withdrawn again at once).
  for (const day of [inDays(90), todayIn(sys)]) {
    const res = await startBatch(archivist, [ok.archive_no], { expectedReturnDate: day });
    t.is(res.status, 201, JSON.stringify(res.body));
    t.is((await archivist.post(`/api/process-instances/${res.body.id}/withdraw`, { reason: '仅为核对期限。' })).status, 200);
  }
  // An empty list never reaches the rule: the form requires the field.
  t.is((await startBatch(archivist, [])).status, 400);

  t.is(await batches(), before + 2, 'the refusals wrote no batch');
  t.is(await statusOf(ok.id), 'in_stock');
  // Each refusal is on the audit log with its rule, never the numbers typed.
  const denied = await db()('audit_log').where({ action: 'instance.start', outcome: 'denied', object_id: 'digitisation-batch' }).where('seq', '>', fromSeq).orderBy('seq');
  t.is(denied.length, 11);
  t.deepEqual(JSON.parse(denied[0].detail), { rule: 'archive_not_held' });
  t.false(denied.some((d: any) => d.detail.includes(theirs.archive_no)));
});

test.serial('given an approved batch, when one of its archives is lent meanwhile, then the hand-over is refused naming it and nothing moves; once it is back the hand-over goes through', async (t) => {
  const archivist = await sys.as('archivist1');
  const [x, y] = await shelved(2, { level: 'county' });
  const res = await startBatch(archivist, [x.archive_no, y.archive_no]);
  t.is(res.status, 201);
  const id = res.body.id as string;
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefApproval', approve())).status, 200);
  // The check-out's task page warns that the archive is in this batch, not yet handed over (a
  // warning: lending goes through, and the hand-over then leaves it out); the applicants are not told.
  const loan = await lend(x, async (loanId) => {
    const place = (await archivist.get(`/api/requests?instanceId=${loanId}`)).body.items[0].archivePlace;
    t.deepEqual(place, { where: 'on_shelf', status: 'in_stock', otherOffice: false, batch: { caseNo: res.body.businessKey, status: 'approved' } });
    t.is((await (await sys.as('applicant1')).get(`/api/requests?instanceId=${loanId}`)).body.items[0].archivePlace, null);
  });
  t.is(await statusOf(x.id), 'on_loan');

  const refused = await completeAt(archivist, id, 'handover', { counted: true });
  t.is(refused.status, 422);
  t.is(refused.body.details.rule, 'archive_not_on_shelf');
  t.deepEqual(refused.body.details.archiveNos, [x.archive_no]);
  t.regex(refused.body.message, new RegExp(x.archive_no));
  // The answer names the way out: leave it out of the batch, or wait until it is back.
  t.regex(refused.body.message, /勾选“不在库的档案移出本批”并写明原因，其余档案照常出库；或待其回库后再交接/);
  t.true(refused.body.details.leaveOut);
  // Nothing changed: the other archive is on the shelf, no history, the batch and the task wait.
  t.is(await statusOf(y.id), 'in_stock');
  t.deepEqual(await historyOf(y.id, id), []);
  t.is((await batchOf(id)).status, 'approved');
  t.true((await itemsOf(id)).every((i: any) => !i.out_at && !i.status_before));
  t.truthy(await taskAt(archivist, id, 'handover'));

  // The borrower brings it back; now the whole batch leaves.
  t.is((await completeAt(archivist, loan, 'loanReturn', { intact: 'yes', comment: '完好无缺。' })).status, 200);
  t.is(await statusOf(x.id), 'in_stock');
  t.is((await completeAt(archivist, id, 'handover', { counted: true })).status, 200);
  t.is(await statusOf(x.id), 'digitizing');
  t.is(await statusOf(y.id), 'digitizing');

  // Archives out: the case cannot be terminated from 运行监控 (the register would lose them).
  const cancel = await (await sys.as('procadmin')).post(`/api/admin/instances/${id}/cancel`, { reason: '测试终止。' });
  t.is(cancel.status, 409, JSON.stringify(cancel.body));
  t.is(cancel.body.code, 'DIGITISATION_BATCH_OUT');
  t.is((await db()('process_instances').where({ id }).first()).status, 'running');
  t.is(await statusOf(x.id), 'digitizing');
  t.is((await completeAt(archivist, id, 'registerReturn', { complete: true })).status, 200);
});

test.serial('given an approved batch of three, when one is lent meanwhile, then the archivist leaves it out with a reason and the other two go out; the left-out archive is free for a later batch; a batch whose archives are all away cannot be handed over at all', async (t) => {
  const archivist = await sys.as('archivist1');
  const [x, y, z] = await shelved(3, { level: 'county' });
  const res = await startBatch(archivist, [x.archive_no, y.archive_no, z.archive_no]);
  t.is(res.status, 201);
  const id = res.body.id as string;
  const caseNo = res.body.businessKey as string;
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefApproval', approve())).status, 200);
  const loan = await lend(x);

  // Ticked without a reason: refused, nothing moves.
  const noReason = await completeAt(archivist, id, 'handover', { counted: true, leaveOutAway: true });
  t.is(noReason.status, 400, JSON.stringify(noReason.body));
  t.is(await statusOf(y.id), 'in_stock');
  const out = await completeAt(archivist, id, 'handover', { counted: true, leaveOutAway: true, leaveOutReason: '该卷已借出，下批再扫。' });
  t.is(out.status, 200, JSON.stringify(out.body));
  t.deepEqual(out.body.instance.activeElements, ['registerReturn']);
  t.is(await statusOf(x.id), 'on_loan', 'the lent archive stays lent');
  t.is(await statusOf(y.id), 'digitizing');
  t.is(await statusOf(z.id), 'digitizing');
  t.deepEqual(await historyOf(x.id, id), []);
  const items = await itemsOf(id);
  t.like(items[0], { archive_id: x.id, out_at: null, status_before: null, left_out_reason: '该卷已借出，下批再扫。' });
  t.truthy(items[0].left_out_at);
  t.true(items.slice(1).every((i: any) => i.out_at && !i.left_out_at));
  const audit = await db()('audit_log').where({ action: 'digitisation_batch.leave_out' }).orderBy('seq', 'desc').first();
  t.deepEqual(JSON.parse(audit.detail), { caseNo, archiveNos: [x.archive_no], reason: '该卷已借出，下批再扫。' });
  const due = (await archivist.get(`/api/deadlines?instanceId=${id}&status=all`)).body.items.find((d: any) => d.kind === 'digitisation_return');
  t.is(due.subject, `数字化出库 ${caseNo}（2 份）`);

  // The register shows it left out, with the reason.
  const record = await archivist.get(`/api/digitisation-batches/by-case/${id}`);
  t.is(record.status, 200);
  t.like(record.body.items[0], { archiveNo: x.archive_no, archiveStatus: 'on_loan', outAt: null, leftOutReason: '该卷已借出，下批再扫。' });
  t.truthy(record.body.items[0].leftOutAt);
  t.is(record.body.items[1].leftOutAt, null);

  // Back from the loan, the left-out archive goes into a new batch; the return of this one leaves it alone.
  t.is((await completeAt(archivist, loan, 'loanReturn', { intact: 'yes', comment: '完好无缺。' })).status, 200);
  const next = await startBatch(archivist, [x.archive_no]);
  t.is(next.status, 201, JSON.stringify(next.body));
  const back = await completeAt(archivist, id, 'registerReturn', { complete: true });
  t.is(back.status, 200, JSON.stringify(back.body));
  t.is(back.body.instance.status, 'completed');
  t.is(await statusOf(y.id), 'in_stock');
  t.is(await statusOf(x.id), 'in_stock');
  t.deepEqual(await historyOf(x.id, id), []);
  t.is((await archivist.post(`/api/process-instances/${next.body.id}/withdraw`, { reason: '下批再扫。' })).status, 200);

  // Every archive away: nothing to hand over; the answer says how the case ends.
  const [only] = await shelved(1, { level: 'county' });
  const lone = await startBatch(archivist, [only.archive_no]);
  t.is((await completeAt(await sys.as('chief1'), lone.body.id, 'chiefApproval', approve())).status, 200);
  await lend(only);
  const none = await completeAt(archivist, lone.body.id, 'handover', { counted: true, leaveOutAway: true, leaveOutReason: '已借出。' });
  t.is(none.status, 422);
  t.is(none.body.details.rule, 'nothing_to_hand_over');
  t.regex(none.body.message, /请流程管理员在运行监控中终止本案/);
  t.true((await itemsOf(lone.body.id)).every((i: any) => !i.left_out_at));
  const cancel = await (await sys.as('procadmin')).post(`/api/admin/instances/${lone.body.id}/cancel`, { reason: '档案均已借出。' });
  t.is(cancel.status, 200, JSON.stringify(cancel.body));
  t.is((await batchOf(lone.body.id)).status, 'withdrawn');
});

test.serial('given a batch of three out, when the scanner keeps one, then the archivist registers two back with the reason and a new date: they are 在库, the third stays 数字化中, the case waits at 回库登记 due on the new day; the next registration brings it back and ends the case', async (t) => {
  const archivist = await sys.as('archivist1');
  const [a, b] = await shelved(2);
  const [r] = await shelved(1, { status: 'retired' });
  const res = await startBatch(archivist, [a.archive_no, b.archive_no, r.archive_no], { expectedReturnDate: inDays(10) });
  t.is(res.status, 201);
  const id = res.body.id as string;
  const caseNo = res.body.businessKey as string;
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefApproval', approve())).status, 200);
  t.is((await completeAt(archivist, id, 'handover', { counted: true })).status, 200);

  const part = { complete: true, partial: true, returnedArchiveNos: `${a.archive_no.toLowerCase()}\n${r.archive_no}`, missingNote: `${b.archive_no} 纸张破损，扫描单位留存修裱。` };
  // A number that is not an archive of this batch still out, or no number, or no note: refused, nothing moves.
  const wrong = await completeAt(archivist, id, 'registerReturn', { ...part, returnedArchiveNos: `${a.archive_no}\n150300-ZZB-DAS-99999` });
  t.like(wrong, { status: 422, body: { details: { rule: 'return_not_out', archiveNos: ['150300-ZZB-DAS-99999'] } } });
  t.is((await completeAt(archivist, id, 'registerReturn', { ...part, missingNote: undefined })).status, 400);
  t.like(await completeAt(archivist, id, 'registerReturn', { ...part, newExpectedReturnDate: inDays(-1) }), { status: 422, body: { details: { rule: 'return_date' } } });
  t.is(await statusOf(a.id), 'digitizing');

  const first = await completeAt(archivist, id, 'registerReturn', { ...part, newExpectedReturnDate: inDays(20) });
  t.is(first.status, 200, JSON.stringify(first.body));
  t.is(first.body.instance.status, 'running');
  t.deepEqual(first.body.instance.activeElements, ['registerReturn']);
  t.is(await statusOf(a.id), 'in_stock');
  t.is(await statusOf(r.id), 'retired');
  t.is(await statusOf(b.id), 'digitizing', 'the archive the scanner keeps stays 数字化中');
  t.like(await batchOf(id), { status: 'out', expected_return_date: inDays(20), returned_by: null });
  const items = await itemsOf(id);
  t.deepEqual(items.map((i: any) => !!i.back_at), [true, false, true]);
  const task = await taskAt(archivist, id, 'registerReturn');
  t.is(task.dueAt, endOfBeijingDay(inDays(20)).toISOString(), 'the next 回库登记 is due on the new day');
  // The return task's 申请概要 shows the start form's fields from the case's variables: the date in force, not the one first typed.
  const summary = (await archivist.get(`/api/process-instances/${id}`)).body;
  t.is(summary.variables.expectedReturnDate, inDays(20), '申请概要 shows the moved 预计回库日期');
  // The date moved: the 督办 row of the old day is closed (met: not past it), a new one opened for the new day.
  const due = (await archivist.get(`/api/deadlines?instanceId=${id}&status=all`)).body.items.filter((d: any) => d.kind === 'digitisation_return');
  t.deepEqual(due.map((d: any) => d.status), ['closed', 'open']);
  t.like(due[0], { subject: `数字化出库 ${caseNo}（3 份）`, dueAt: endOfBeijingDay(inDays(10)).toISOString(), closedLate: false });
  t.like(due[1], { subject: `数字化出库 ${caseNo}（1 份未回库）`, dueAt: endOfBeijingDay(inDays(20)).toISOString() });
  const audit = await db()('audit_log').where({ action: 'digitisation_batch.return_part' }).orderBy('seq', 'desc').first();
  t.like(JSON.parse(audit.detail), { caseNo, returned: 2, stillOut: [b.archive_no], expectedReturnDate: inDays(20) });
  // An archive back already is free for a new batch while the rest are out; one still out is not.
  const again = await startBatch(archivist, [a.archive_no]);
  t.is(again.status, 201, JSON.stringify(again.body));
  t.is((await archivist.post(`/api/process-instances/${again.body.id}/withdraw`, { reason: '仅为核对。' })).status, 200);
  t.like(await startBatch(archivist, [b.archive_no]), { status: 422, body: { details: { rule: 'archive_not_on_shelf' } } });
  // The register lists the batch as still out, the archive back with its time.
  const record = (await archivist.get(`/api/digitisation-batches/by-case/${id}`)).body;
  t.is(record.status, 'out');
  t.deepEqual(record.items.map((i: any) => [i.archiveNo, i.archiveStatus, !!i.backAt]), [[a.archive_no, 'in_stock', true], [b.archive_no, 'digitizing', false], [r.archive_no, 'retired', true]]);
  // 回库记录: the round kept — who, which archives, the note, the date moved from → to; 部分回库（2/3）.
  t.deepEqual(record.partialReturn, { back: 2, of: 3 });
  t.is(record.returns.length, 1);
  t.like(record.returns[0], { by: { id: await userId('archivist1') }, archiveNos: [a.archive_no, r.archive_no], stillOutNos: [b.archive_no], note: `${b.archive_no} 纸张破损，扫描单位留存修裱。`, expectedBefore: inDays(10), expectedAfter: inDays(20) });

  // The next registration, without 部分回库 (what the first one typed is not carried over): the last one is back.
  const last = await completeAt(archivist, id, 'registerReturn', { complete: true, comment: '修裱完毕，已回库。' });
  t.is(last.status, 200, JSON.stringify(last.body));
  t.is(last.body.instance.status, 'completed');
  t.is(await statusOf(b.id), 'in_stock');
  t.deepEqual((await historyOf(a.id, id)).map((h: any) => [h.from_status, h.to_status]), [['in_stock', 'digitizing'], ['digitizing', 'in_stock']], 'an archive back in the first round does not move again');
  t.like(await batchOf(id), { status: 'returned', returned_by: await userId('archivist1') });
  t.truthy(await db()('history').where({ instance_id: id, element_id: 'returned', event: 'end' }).first());
  t.deepEqual((await archivist.get(`/api/deadlines?instanceId=${id}&status=all`)).body.items.filter((d: any) => d.kind === 'digitisation_return').map((d: any) => d.status), ['closed', 'closed']);
  const done = (await archivist.get(`/api/digitisation-batches/by-case/${id}`)).body;
  t.is(done.partialReturn, null);
  t.like(done.returns[1], { archiveNos: [b.archive_no], stillOutNos: [], note: null, expectedBefore: inDays(20), expectedAfter: inDays(20) });
});

test.serial('given a batch out past its expected date, when the archivist registers a partial return with a new date, then the old 督办 row is closed late (the overdue fact stays), a new one is open for the new day, and the batch page keeps the old date in its 回库记录', async (t) => {
  let archivist = await sys.as('archivist1');
  const [a, b, c] = await shelved(3);
  const original = inDays(2);
  const res = await startBatch(archivist, [a.archive_no, b.archive_no, c.archive_no], { expectedReturnDate: original });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  const caseNo = res.body.businessKey as string;
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefApproval', approve())).status, 200);
  t.is((await completeAt(archivist, id, 'handover', { counted: true })).status, 200);
  const before = sys.clock.now();
  try {
    sys.clock.set(new Date(before.getTime() + 5 * 86_400_000));
    archivist = await sys.as('archivist1');
    t.true((await archivist.get(`/api/digitisation-batches/by-case/${id}`)).body.overdue);
    const newDate = inDays(7);
    // Once with the same date (the count only changes), then with a new date.
    const one = await completeAt(archivist, id, 'registerReturn', { complete: true, partial: true, returnedArchiveNos: a.archive_no, missingNote: '两份仍在扫描。' });
    t.is(one.status, 200, JSON.stringify(one.body));
    let due = (await archivist.get(`/api/deadlines?instanceId=${id}&status=all`)).body.items.filter((d: any) => d.kind === 'digitisation_return');
    t.is(due.length, 1, 'the date did not move: the one row stays');
    t.like(due[0], { status: 'open', subject: `数字化出库 ${caseNo}（2 份未回库）`, light: 'red', dueAt: endOfBeijingDay(original).toISOString() });

    const two = await completeAt(archivist, id, 'registerReturn', { complete: true, partial: true, returnedArchiveNos: b.archive_no, missingNote: `${c.archive_no} 扫描单位留存修裱。`, newExpectedReturnDate: newDate });
    t.is(two.status, 200, JSON.stringify(two.body));
    due = (await archivist.get(`/api/deadlines?instanceId=${id}&status=all`)).body.items.filter((d: any) => d.kind === 'digitisation_return');
    t.is(due.length, 2);
    t.like(due[0], { status: 'closed', closedLate: true, dueAt: endOfBeijingDay(original).toISOString(), subject: `数字化出库 ${caseNo}（2 份未回库）` });
    t.like(due[1], { status: 'open', light: 'green', dueAt: endOfBeijingDay(newDate).toISOString(), subject: `数字化出库 ${caseNo}（1 份未回库）` });

    const record = (await archivist.get(`/api/digitisation-batches/by-case/${id}`)).body;
    t.is(record.expectedReturnDate, newDate);
    t.deepEqual(record.partialReturn, { back: 2, of: 3 });
    t.deepEqual(record.returns.map((r: any) => [r.archiveNos, r.expectedBefore, r.expectedAfter]), [[[a.archive_no], original, original], [[b.archive_no], original, newDate]]);
    t.is(record.returns[1].note, `${c.archive_no} 扫描单位留存修裱。`);
  } finally {
    sys.clock.set(before);
  }
});

test.serial('the register is the office’s: the other office’s archivist gets 404 (audited as denied), an applicant 403, the leader above reads it; a cadre the reader must avoid is left out of the items', async (t) => {
  const archivist = await sys.as('archivist1');
  const [a] = await shelved(1);
  const brother = await tiedArchive('chief1', 'relative');
  const res = await startBatch(archivist, [a.archive_no, brother.archive_no]);
  t.is(res.status, 201, JSON.stringify(res.body));
  const batch = await batchOf(res.body.id);

  const mine = await archivist.get(`/api/digitisation-batches/${batch.id}`);
  t.deepEqual(mine.body.items.map((i: any) => i.archiveNo), [a.archive_no, brother.archive_no]);
  const chief = await sys.as('chief1');
  const hers = await chief.get(`/api/digitisation-batches/${batch.id}`);
  t.is(hers.status, 200);
  t.is(hers.body.itemCount, 2);
  t.deepEqual(hers.body.items.map((i: any) => i.archiveNo), [a.archive_no]);
  const leader = await sys.as('leader1');
  t.is((await leader.get(`/api/digitisation-batches/${batch.id}`)).status, 200);
  t.true((await leader.get('/api/digitisation-batches?status=review')).body.items.some((x: any) => x.id === batch.id));

  const receiver = await sys.as('receiver1');
  const other = await receiver.get(`/api/digitisation-batches/${batch.id}`);
  t.is(other.status, 404);
  t.is(other.body.code, 'NOT_FOUND');
  t.is((await receiver.get('/api/digitisation-batches/999999')).status, 404);
  t.false((await receiver.get('/api/digitisation-batches')).body.items.some((x: any) => x.id === batch.id));
  const denied = await db()('audit_log').where({ actor_id: await userId('receiver1'), action: 'digitisation_batch.view' }).orderBy('seq');
  t.deepEqual(denied.map((d: any) => [d.object_id, d.outcome, JSON.parse(d.detail).reason]), [[String(batch.id), 'denied', 'out_of_scope'], ['999999', 'denied', 'absent']]);

  const applicant = await sys.as('applicant1');
  t.is((await applicant.get(`/api/digitisation-batches/${batch.id}`)).status, 403);
  t.is((await applicant.get('/api/digitisation-batches')).status, 403);
  t.is((await archivist.get('/api/digitisation-batches?status=lost')).status, 400);
});

test.serial('a case started on version 1 of the diagram (one 回库登记, no 部分回库 or 移出本批 in its forms) still runs to its end on its own forms', async (t) => {
  const engine = sys.services.engine;
  const file = fs.readFileSync(path.join(process.cwd(), 'processes/digitisation-batch.bpmn'), 'utf8');
  // Version 1 as shipped before: 档案回库 ends the case; the forms without the new fields.
  const v1 = file
    .replace('      <bpmn:incoming>someStillOut</bpmn:incoming>\n', '')
    .replace(/<bpmn:sequenceFlow id="toAllBack"[\s\S]*?targetRef="registerReturn" \/>/, '<bpmn:sequenceFlow id="toReturned" sourceRef="returnBatch" targetRef="returned" />')
    .replace(/<bpmndi:BPMNShape id="allBack_di"[\s\S]*?<\/bpmndi:BPMNShape>/, '')
    .replace(/<bpmndi:BPMNEdge id="(toAllBack|someStillOut)_di"[\s\S]*?<\/bpmndi:BPMNEdge>/g, '');
  t.false(v1.includes('allBack'));
  const form = (key: string, drop: string[]) => {
    const f = JSON.parse(fs.readFileSync(path.join(process.cwd(), `processes/forms/${key}.form.json`), 'utf8'));
    return { ...f, components: f.components.filter((c: any) => !drop.includes(c.key)) };
  };
  const old = { 'digitisation-handover': form('digitisation-handover', ['leaveOutAway', 'leaveOutReason']), 'digitisation-return': form('digitisation-return', ['partial', 'returnedArchiveNos', 'missingNote', 'newExpectedReturnDate']) };
  const v1dep = await db().transaction((trx) => engine.definitions.deploy(trx, v1, null, 'version 1', { forms: engine.formSource(trx, 'files', old) }));
  t.true(v1dep.created);
  const archivist = await sys.as('archivist1');
  const [a, b] = await shelved(2);
  const res = await startBatch(archivist, [a.archive_no, b.archive_no]);
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  // The shipped version 2 is deployed again (as at an upgrade's start-up); the case keeps version 1.
  const v2dep = await db().transaction((trx) => engine.definitions.deploy(trx, file, null, 'version 2'));
  t.true(v2dep.created);
  t.is((await db()('process_instances').where({ id }).first()).deployment_id, v1dep.deployment.id);

  t.is((await completeAt(await sys.as('chief1'), id, 'chiefApproval', approve())).status, 200);
  t.is((await completeAt(archivist, id, 'handover', { counted: true })).status, 200);
  // Its own 回库登记 form has no 部分回库: the field is refused; the whole batch comes back and the case ends.
  t.is((await completeAt(archivist, id, 'registerReturn', { complete: true, partial: true, returnedArchiveNos: a.archive_no, missingNote: '—' })).status, 400);
  const back = await completeAt(archivist, id, 'registerReturn', { complete: true });
  t.is(back.status, 200, JSON.stringify(back.body));
  t.is(back.body.instance.status, 'completed');
  t.is(await statusOf(a.id), 'in_stock');
  t.is(await statusOf(b.id), 'in_stock');
  t.like(await batchOf(id), { status: 'returned' });
});
