// What the auditor reads for the business acts of the archive office: the rows of 材料收集 (登记,
// 接收鉴别, 整理归档) carry the address of the request that caused them, like every other row a
// user's request writes (a timer's or a job's row has none).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import type { HttpClient } from '../helpers/http.ts';
import { completeAt } from '../helpers/workflow.ts';
import { accept, daysAgo, pageScan, plainCadre, registration, uploadScan } from '../processes/material-helpers.ts';

let sys: TestSystem;
let auditor: HttpClient;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;

async function entries(query: string): Promise<any[]> {
  auditor ??= await sys.as('auditor');
  const res = await auditor.get(`/api/audit/entries?${query}`);
  if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}

test.serial('材料登记, 接收 and 归档 rows carry the address of the request', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false });
  const producer = await sys.as('producer1');
  const started = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 3)) });
  t.is(started.status, 201, JSON.stringify(started.body));
  const intake = await db()('material_intakes').where({ instance_id: started.body.id }).first();
  for (const n of [1, 2]) t.is((await uploadScan(producer, intake.id, await pageScan(n))).status, 201);
  t.is((await producer.get(`/api/material-intakes/${intake.id}`)).status, 200);
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, started.body.id, 'reviewMaterial', accept())).status, 200);
  t.is((await completeAt(archivist, started.body.id, 'fileMaterial', { filedCategoryCode: '3', filedPages: 2 })).status, 200);
  const filed = await db()('material_intakes').where({ id: intake.id }).first();
  const archive = await db()('archives').where({ id: cadre.archive_id }).first();

  // The address each user logged in from is the one their requests come from.
  const ipOf = async (username: string) => (await db()('audit_log').where({ action: 'auth.login', actor: username, outcome: 'success' }).orderBy('seq', 'desc').first()).ip;
  const producerIp = await ipOf('producer1');
  const archivistIp = await ipOf('archivist1');
  t.truthy(producerIp);
  for (const [action, ip] of [
    ['material.register', producerIp],
    ['intake_scan.upload', producerIp],
    ['material_intake.view', producerIp],
    ['material.accept', archivistIp],
    ['material.file', archivistIp],
  ] as const) {
    const [e] = await entries(`action=${action}&actor=${action.startsWith('material.accept') || action === 'material.file' ? 'archivist1' : 'producer1'}`);
    t.truthy(e, action);
    t.is(e.ip, ip, `${action} has the request's address`);
  }

  // A row the system writes on its own has no address (no request borrowed).
  await sys.services.audit.record(null, { actorName: 'system', action: 'job.test', objectType: 'job' });
  const [system] = await entries('action=job.test');
  t.is(system.ip, null);
});
