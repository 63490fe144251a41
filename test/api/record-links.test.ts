// The links a record list offers to its cases and basis materials: the cadre's field history names
// the basis material (序号, title) where the caller may read its archive and the basis case with
// whether the caller may open it; the 台账, the 催收 list and the corrections list say per row
// whether the caller may open the case (caseReadable), by the case scope of server/workflow/scope.ts.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';
import { approve, completeAt } from '../helpers/workflow.ts';
import { daysAgo, plainCadre, registration } from '../processes/material-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'leader2', displayName: '钱卫东', org: '150300-ZZB', roles: ['auth_leader'] });
  await addUser(sys, { username: 'producer2', displayName: '马晓军', org: '150300-RSJ', roles: ['producer'] });
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('a corrected 入党时间 shows in the field history with its 认定表 and its case; only those involved or of the office may open the case', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 2 });
  const basis = await db('materials').where({ archive_id: cadre.archive_id, category_code: '6' }).where('title', 'like', '%入党志愿书%').first();
  const proposed = `${cadre.party_join_date.slice(0, 4)}-${cadre.party_join_date.slice(5, 7) === '07' ? '06' : '07'}-01`;
  const archivist = await sys.as('archivist1');
  const opened = await archivist.post('/api/process-instances', { processKey: 'correction', variables: { trigger: 'special_review', reason: '专项审核中发现记载不一致。', cadreId: cadre.id, item: 'party_join_date', proposedValue: proposed } });
  t.is(opened.status, 201, JSON.stringify(opened.body));
  const id = opened.body.id;

  // Before the leader has a task: the office opens the case, a leader not involved does not.
  const leader = await sys.as('leader1');
  const row = async (who: typeof archivist) => (await who.get(`/api/corrections?cadreId=${cadre.id}`)).body.items.find((c: any) => c.instanceId === id);
  t.like(await row(archivist), { caseNo: opened.body.businessKey, caseReadable: true, itemLabel: '入党时间' });
  t.like(await row(leader), { caseReadable: false });

  t.is((await completeAt(archivist, id, 'investigate', { basisMaterials: [basis.seq_no], findings: '经查入党志愿书，入党时间应为该月。', proposedValue: proposed })).status, 200);
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefOpinion', approve('同意，报部领导审批。'))).status, 200);
  t.is((await completeAt(leader, id, 'authorityApproval', approve('同意更正。'))).status, 200);
  t.like(await row(leader), { caseReadable: true, status: 'approved' });

  const filed = (await db('corrections').where({ instance_id: id }).first()).filed_material_id;
  const filedRow = await db('materials').where({ id: filed }).first();
  const history = await archivist.get(`/api/cadres/${cadre.id}/history`);
  t.is(history.status, 200);
  const change = history.body.items.find((h: any) => h.field === 'party_join_date');
  t.like(change, { oldValue: cadre.party_join_date, newValue: proposed, basisMaterialId: filed, basisInstanceId: id });
  t.deepEqual(change.basisMaterial, { id: filed, archiveId: cadre.archive_id, seqNo: filedRow.seq_no, title: '干部人事档案入党时间审核认定表' });
  t.deepEqual(change.basisCase, { instanceId: id, caseNo: opened.body.businessKey, readable: true });

  // Another leader over the same office reads the cadre and the archive, but had no part in the case.
  const other = await (await sys.as('leader2')).get(`/api/cadres/${cadre.id}/history`);
  t.is(other.status, 200);
  const seen = other.body.items.find((h: any) => h.field === 'party_join_date');
  t.like(seen.basisCase, { instanceId: id, readable: false });
  t.like(seen.basisMaterial, { id: filed, seqNo: filedRow.seq_no });
});

test.serial('the 台账 and the 催收 list tell a producer which cases are theirs to open', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 3 });
  const producer = await sys.as('producer1');
  const started = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 40)) });
  t.is(started.status, 201, JSON.stringify(started.body));
  const mine = (await producer.get(`/api/material-intakes?cadreId=${cadre.id}`)).body.items;
  t.like(mine[0], { instanceId: started.body.id, late: true, caseReadable: true });
  // A colleague of the same unit sees the unit's hand-over in the ledger, not its case.
  const colleague = (await (await sys.as('producer2')).get(`/api/material-intakes?cadreId=${cadre.id}`)).body.items;
  t.like(colleague[0], { instanceId: started.body.id, caseReadable: false });
  t.like((await (await sys.as('archivist1')).get(`/api/material-intakes?cadreId=${cadre.id}`)).body.items[0], { caseReadable: true });

  const notice = await (await sys.as('archivist1')).post('/api/process-instances', {
    processKey: 'collection-notice',
    variables: { cadreId: cadre.id, producerOrgId: (await sys.services.db('org_units').where({ code: '150300-RSJ' }).first()).id, title: '2026年度考核登记表', categoryCode: '3', formedDate: daysAgo(sys, 5) },
  });
  t.is(notice.status, 201, JSON.stringify(notice.body));
  const sent = (await (await sys.as('archivist1')).get('/api/collection-notices?status=open')).body.items.find((n: any) => n.instanceId === notice.body.id);
  t.like(sent, { caseReadable: true });
  const received = (await producer.get('/api/collection-notices?status=open')).body.items.find((n: any) => n.instanceId === notice.body.id);
  t.like(received, { caseReadable: false });
});
