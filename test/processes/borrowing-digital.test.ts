// 电子查阅 needs page images (server/requests/digitisation.ts; 《条例》第二十三条, DOMAIN.md §6.1
// step 6): an electronic request for categories none of which is digitised is refused at the start
// at the mode field (on-site stays open); a partly digitised one is accepted and its approvers read,
// per requested category, what is digitised (the request the task page reads), while applicants and
// unit heads do not; the chief cannot grant a category without scans, and "as requested" grants the
// scanned ones; scans withdrawn before the grant narrow it, and none left refuses it.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approveStep, borrowingVariables, demoCadre, ensureScanned, type DemoCadre } from '../helpers/cases.ts';
import { taskAt } from '../helpers/workflow.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const count = async (table: string) => Number((await db()(table).count({ n: '*' }))[0].n);

async function start(cadre: DemoCadre, over: Record<string, unknown>) {
  const c = await sys.as('applicant1');
  return c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { scanned: false, ...over }) });
}

const scannedPages = async (archiveId: number) =>
  Number((await db()('page_images as p').join('materials as m', 'm.id', 'p.material_id').where('m.archive_id', archiveId).count({ n: '*' }))[0].n);

async function complete(username: string, instanceId: string, element: string, variables: Record<string, unknown>) {
  const c = await sys.as(username);
  const task = await taskAt(c, instanceId, element);
  return c.post(`/api/tasks/${task.id}/complete`, { variables });
}

/** A later catalogue row replacing the material, filed without page images (what 更正 does). */
async function supersedeWithoutScans(materialId: number) {
  const m = await db()('materials').where({ id: materialId }).first();
  const { id, ...rest } = m;
  await db()('materials').insert({ ...rest, revision: m.revision + 1, supersedes_material_id: id, supersede_reason: '测试：重新整理', filed_at: new Date().toISOString() });
}

test.serial('an electronic request for an archive with no page images in the requested categories is refused at the mode field, and nothing is written; on site is accepted', async (t) => {
  const cadre = await demoCadre(sys, 'county', 3);
  t.is(await scannedPages(cadre.archiveId), 0, 'the archive has no scans');
  const before = { instances: await count('process_instances'), requests: await count('utilization_requests') };
  const res = await start(cadre, { mode: 'electronic', categories: ['1', '9'] });
  t.is(res.status, 422, JSON.stringify(res.body));
  t.is(res.body.code, 'RULE_VIOLATION');
  t.is(res.body.details.rule, 'electronic-not-digitised');
  t.is(res.body.details.field, 'mode');
  t.is(res.body.message, '所申请类别的档案材料尚未数字化，不能电子查阅，请改为到档案室查阅 / The requested categories are not digitised: ask to read them on site');
  t.deepEqual({ instances: await count('process_instances'), requests: await count('utilization_requests') }, before);

  // Scans in a category not asked for do not help.
  await ensureScanned(sys, cadre.archiveId, ['2']);
  t.is((await start(cadre, { mode: 'electronic', categories: ['1', '9'] })).status, 422);
  // Reading on site needs no scans.
  t.is((await start(cadre, { mode: 'onsite', categories: ['1', '9'] })).status, 201);
});

test.serial('a partly digitised request is accepted; the archivist and the chief read per category what is digitised, the applicants and unit head do not; the chief grants only scanned categories', async (t) => {
  const cadre = await demoCadre(sys, 'county', 4);
  await ensureScanned(sys, cadre.archiveId, ['1']);
  const res = await start(cadre, { mode: 'electronic', categories: ['1', '9'] });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;

  // Current rows of the category and its sub-categories ('1' is not '10').
  const materials = async (code: string) =>
    Number((await db()('materials as m').where({ 'm.archive_id': cadre.archiveId }).where((w) => w.where('m.category_code', code).orWhere('m.category_code', 'like', `${code}-%`)).whereNotExists(db()('materials as s').whereRaw('s.supersedes_material_id = m.id').select('s.id')).count({ n: '*' }))[0].n);
  const expected = [
    { code: '1', numeral: '一', name: '履历材料', materials: await materials('1'), scannedMaterials: 1, scannedPages: 1 },
    { code: '9', numeral: '九', name: '工资、任免、出国和会议代表材料', materials: await materials('9'), scannedMaterials: 0, scannedPages: 0 },
  ];
  t.true(expected[1].materials > 0);

  // What the task page reads: the request of the case, by instance id, and the request itself.
  for (const who of ['archivist1', 'chief1']) {
    const c = await sys.as(who);
    const list = await c.get(`/api/requests?instanceId=${id}&limit=1`);
    t.is(list.status, 200);
    t.deepEqual(list.body.items[0].digitisation, expected, who);
    const one = await c.get(`/api/requests/${list.body.items[0].id}`);
    t.deepEqual(one.body.digitisation, expected, who);
  }
  // Those on the applying side see the request, not the catalogue's scan counts.
  for (const who of ['applicant1', 'unithead1']) {
    const list = await (await sys.as(who)).get(`/api/requests?instanceId=${id}&limit=1`);
    t.is(list.body.items.length, 1, who);
    t.is(list.body.items[0].digitisation, null, who);
  }

  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  // Granting the unscanned category by name is refused at the field, and the task stays open.
  const both = await complete('chief1', id, 'chiefApproval', { decision: 'approve', comment: '同意。', grantedCategories: ['1', '9'] });
  t.is(both.status, 422, JSON.stringify(both.body));
  t.is(both.body.details.rule, 'granted-not-digitised');
  t.is(both.body.details.field, 'grantedCategories');
  t.deepEqual(both.body.details.categories, ['9']);
  t.regex(both.body.message, /九、工资、任免、出国和会议代表材料/);
  t.truthy(await taskAt(await sys.as('chief1'), id, 'chiefApproval'));
  // "As requested" grants the scanned category only; the readers' grants say so.
  t.is((await complete('chief1', id, 'chiefApproval', { decision: 'approve', comment: '同意查阅已数字化的类别。' })).status, 200);
  const req = await db()('utilization_requests').where({ instance_id: id }).first();
  t.is(req.status, 'authorized');
  t.deepEqual(JSON.parse(req.granted_categories), ['1']);
  const grants = await db()('archive_grants').where({ instance_id: id });
  t.is(grants.length, 2);
  for (const g of grants) t.deepEqual(JSON.parse(g.categories), ['1']);
});

test.serial('scans withdrawn before the grant: the grant keeps the categories still scanned, and with none left the approval is refused rather than granting nothing', async (t) => {
  const cadre = await demoCadre(sys, 'municipal', 0);
  await ensureScanned(sys, cadre.archiveId, ['1', '9']);
  const scannedIn = async (prefix: string) =>
    (await db()('materials as m').join('page_images as p', 'p.material_id', 'm.id').where('m.archive_id', cadre.archiveId).where((w) => w.where('m.category_code', prefix).orWhere('m.category_code', 'like', `${prefix}-%`)).first('m.id')).id as number;

  const a = (await start(cadre, { mode: 'electronic', categories: ['1', '9'] })).body.id as string;
  await approveStep(sys, 'unithead1', a, 'unitHeadReview');
  await approveStep(sys, 'archivist1', a, 'archivistReview');
  await approveStep(sys, 'chief1', a, 'chiefApproval');
  t.deepEqual(JSON.parse((await db()('utilization_requests').where({ instance_id: a }).first()).granted_categories), ['1', '9']);
  // Category 9's only scanned material is replaced by a row without pages before the leader decides.
  await supersedeWithoutScans(await scannedIn('9'));
  await approveStep(sys, 'leader1', a, 'leaderApproval');
  t.deepEqual(JSON.parse((await db()('utilization_requests').where({ instance_id: a }).first()).granted_categories), ['1']);
  for (const g of await db()('archive_grants').where({ instance_id: a })) t.deepEqual(JSON.parse(g.categories), ['1']);

  // Another request for category 1 alone; its scans go too before the leader decides.
  const b = (await start(cadre, { mode: 'electronic', categories: ['1'] })).body.id as string;
  await approveStep(sys, 'unithead1', b, 'unitHeadReview');
  await approveStep(sys, 'archivist1', b, 'archivistReview');
  await approveStep(sys, 'chief1', b, 'chiefApproval');
  await supersedeWithoutScans(await scannedIn('1'));
  const refused = await complete('leader1', b, 'leaderApproval', { decision: 'approve', comment: '同意。' });
  t.is(refused.status, 422, JSON.stringify(refused.body));
  t.is(refused.body.details.rule, 'electronic-not-digitised');
  t.regex(refused.body.message, /不能授予电子查阅权限/);
  t.is((await db()('archive_grants').where({ instance_id: b })).length, 0, 'no grant');
  t.is((await db()('utilization_requests').where({ instance_id: b }).first()).status, 'in_review');
  t.truthy(await taskAt(await sys.as('leader1'), b, 'leaderApproval'), 'the leader may still reject');
});

test.serial('a category whose scans start failing 扫描质检 between the approval and the grant is left out of the grant; with nothing readable left the approval is refused', async (t) => {
  const cadre = await demoCadre(sys, 'municipal', 1);
  await ensureScanned(sys, cadre.archiveId, ['1', '9']);
  const scannedIn = async (prefix: string) =>
    (await db()('materials as m').join('page_images as p', 'p.material_id', 'm.id').where('m.archive_id', cadre.archiveId).where((w) => w.where('m.category_code', prefix).orWhere('m.category_code', 'like', `${prefix}-%`)).first('m.id')).id as number;
  /** The on-demand check finds the material's scans wrong (an extra page: PAGE_COUNT) and records it. */
  const failCheck = async (materialId: number) => {
    const extra = await db()('page_images').where({ material_id: materialId }).first('file');
    await db().transaction(async (trx) => {
      await sys.services.archives.addPageScans(trx, materialId, [`${sys.services.archives.scans.root}/${extra.file}`]);
      t.true((await sys.services.archives.checkScans(materialId, trx, { trigger: 'material', actorId: null })).length > 0);
    });
  };

  const a = (await start(cadre, { mode: 'electronic', categories: ['1', '9'] })).body.id as string;
  await approveStep(sys, 'unithead1', a, 'unitHeadReview');
  await approveStep(sys, 'archivist1', a, 'archivistReview');
  await approveStep(sys, 'chief1', a, 'chiefApproval');
  t.deepEqual(JSON.parse((await db()('utilization_requests').where({ instance_id: a }).first()).granted_categories), ['1', '9']);
  // Category 9's scans fail their check before the leader decides: the readers get category 1 only.
  await failCheck(await scannedIn('9'));
  await approveStep(sys, 'leader1', a, 'leaderApproval');
  const req = await db()('utilization_requests').where({ instance_id: a }).first();
  t.is(req.status, 'authorized');
  t.deepEqual(JSON.parse(req.granted_categories), ['1']);
  const grants = await db()('archive_grants').where({ instance_id: a });
  t.true(grants.length > 0);
  for (const g of grants) t.deepEqual(JSON.parse(g.categories), ['1']);

  // Another request for category 1 alone; its scans fail too before the leader decides.
  const b = (await start(cadre, { mode: 'electronic', categories: ['1'] })).body.id as string;
  await approveStep(sys, 'unithead1', b, 'unitHeadReview');
  await approveStep(sys, 'archivist1', b, 'archivistReview');
  await approveStep(sys, 'chief1', b, 'chiefApproval');
  await failCheck(await scannedIn('1'));
  const refused = await complete('leader1', b, 'leaderApproval', { decision: 'approve', comment: '同意。' });
  t.is(refused.status, 422, JSON.stringify(refused.body));
  t.like(refused.body.details, { rule: 'electronic-scans-failing', failing: ['1'] });
  t.regex(refused.body.message, /^准予查阅的类别的扫描件现未通过扫描质检，不能授予电子查阅权限：1。/);
  t.is((await db()('archive_grants').where({ instance_id: b })).length, 0, 'no grant');
  t.is((await db()('utilization_requests').where({ instance_id: b }).first()).status, 'in_review');
  t.truthy(await taskAt(await sys.as('leader1'), b, 'leaderApproval'), 'the leader may still reject');
});
