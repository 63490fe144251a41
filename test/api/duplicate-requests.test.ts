// Duplicate requests (POST /api/process-definitions/:key/open-cases): before filing, the start page
// asks for the caller's own open cases of the process about the cadre the form names. Another
// user's cases, ended and withdrawn ones, another cadre's and another process's are not answered;
// a malformed query is refused in both languages.
// A retry of the same application (POST /api/process-instances with the idempotencyKey the start page
// made) answers the case it filed instead of filing another; a start form filled on a version whose
// start form has changed since is refused with 409 FORM_CHANGED, naming the new fields.
import { randomUUID } from 'node:crypto';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { borrowingVariables, copyVariables, demoCadre, type DemoCadre } from '../helpers/cases.ts';
import { completeAt, reject } from '../helpers/workflow.ts';

let sys: TestSystem;
let cadre: DemoCadre;
let other: DemoCadre;
let third: DemoCadre;
test.before(async () => {
  sys = await startSystem();
  cadre = await demoCadre(sys, 'county', 0);
  other = await demoCadre(sys, 'county', 1);
  third = await demoCadre(sys, 'county', 2);
});
test.after.always(async () => {
  await sys?.close();
});

async function file(applicant: string, target: DemoCadre, processKey = 'borrowing'): Promise<{ id: string; businessKey: string }> {
  const c = await sys.as(applicant);
  const variables = processKey === 'borrowing' ? await borrowingVariables(sys, applicant, target) : await copyVariables(sys, applicant, target);
  const res = await c.post('/api/process-instances', { processKey, variables });
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const byName = (c: DemoCadre) => ({ cadreName: c.name, cadreIdNumber: c.idNumber });
async function openCases(username: string, query: Record<string, unknown>, processKey = 'borrowing') {
  const res = await (await sys.as(username)).post(`/api/process-definitions/${processKey}/open-cases`, query);
  if (res.status !== 200) throw new Error(`open-cases: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as Array<{ id: string; caseNo: string | null; subject: string | null; startedAt: string; currentSteps: string[] }>;
}

test.serial('only my own open case of the process about that cadre is answered: not another user’s, not an ended or withdrawn one, not another cadre’s or process’s', async (t) => {
  t.deepEqual(await openCases('applicant1', byName(cadre)), [], 'nothing filed yet');

  const mine = await file('applicant1', cadre);
  const theirs = await file('applicant2', cadre);
  const otherCadre = await file('applicant1', other);
  const copy = await file('applicant1', cadre, 'copy-request');
  const withdrawn = await file('applicant1', cadre);
  const w = await (await sys.as('applicant1')).post(`/api/process-instances/${withdrawn.id}/withdraw`, { reason: '重复提交，撤回。' });
  t.is(w.status, 200);
  const rejected = await file('applicant1', cadre);
  t.is((await completeAt(await sys.as('unithead1'), rejected.id, 'unitHeadReview', reject())).status, 200);
  t.is((await sys.services.db('process_instances').where({ id: rejected.id }).first()).status, 'completed', 'the rejection ended the case');

  const items = await openCases('applicant1', byName(cadre));
  t.deepEqual(items.map((i) => i.id), [mine.id]);
  t.like(items[0], { caseNo: mine.businessKey, currentSteps: ['单位负责人审核'] });
  t.regex(items[0].caseNo!, /^查借-\d{4}-\d{4}$/);
  t.is(items[0].startedAt, (await sys.services.db('workflow_cases').where({ instance_id: mine.id }).first()).started_at);

  // The same cadre by the picker's id; the ID number in lower case and the name with spaces, as typed.
  t.deepEqual((await openCases('applicant1', { cadreId: cadre.id })).map((i) => i.id), [mine.id]);
  const typed = { cadreName: ` ${cadre.name[0]} ${cadre.name.slice(1)} `, cadreIdNumber: cadre.idNumber.toLowerCase() };
  t.deepEqual((await openCases('applicant1', typed)).map((i) => i.id), [mine.id]);

  // The other user sees their own case and not mine.
  t.deepEqual((await openCases('applicant2', byName(cadre))).map((i) => i.id), [theirs.id]);
  // Another cadre, another process: each answers its own.
  t.deepEqual((await openCases('applicant1', byName(other))).map((i) => i.id), [otherCadre.id]);
  t.deepEqual((await openCases('applicant1', byName(cadre), 'copy-request')).map((i) => i.id), [copy.id]);
  // The unit head holds a task of my case but did not file it: nothing.
  t.deepEqual(await openCases('unithead1', byName(cadre)), []);
  // A name that does not go with the ID number names nobody, like an unknown cadre.
  t.deepEqual(await openCases('applicant1', { cadreName: '张冒名', cadreIdNumber: cadre.idNumber }), []);
  t.deepEqual(await openCases('applicant1', { cadreId: 999999 }), []);
});

const userId = async (username: string): Promise<number> => (await sys.services.db('users').where({ username }).first('id')).id;
const casesOf = async (username: string, target: DemoCadre): Promise<string[]> =>
  (await sys.services.db('workflow_cases').where({ initiator_id: await userId(username), cadre_id: target.id }).orderBy('started_at')).map((c: { instance_id: string }) => c.instance_id);

test.serial('a retry with the same idempotency key files one case and answers it again; another user’s same key, or another key, files a new one', async (t) => {
  const me = await sys.as('applicant1');
  const variables = await borrowingVariables(sys, 'applicant1', third);
  const key = randomUUID();

  const first = await me.post('/api/process-instances', { processKey: 'borrowing', variables, idempotencyKey: key });
  t.is(first.status, 201, JSON.stringify(first.body));
  t.false(first.body.replayed);
  t.deepEqual(await casesOf('applicant1', third), [first.body.id]);

  // The answer was lost; the page sends the same application again with the same key.
  const again = await me.post('/api/process-instances', { processKey: 'borrowing', variables, idempotencyKey: key });
  t.is(again.status, 201, 'answered as the first time');
  t.deepEqual(again.body, { ...first.body, replayed: true });
  t.deepEqual(await casesOf('applicant1', third), [first.body.id], 'no second case');
  t.is(await sys.services.db('audit_log').where({ action: 'instance.start', object_id: first.body.id }).count({ n: '*' }).first().then((r) => Number(r!.n)), 1);
  t.is((await sys.services.db('workflow_cases').where({ instance_id: first.body.id }).first()).start_key, key);
  // The same application with its fields in another order is the same application.
  const reordered = Object.fromEntries(Object.entries(variables).reverse());
  const shuffled = await me.post('/api/process-instances', { idempotencyKey: key, variables: reordered, processKey: 'borrowing' });
  t.is(shuffled.status, 201, JSON.stringify(shuffled.body));
  t.true(shuffled.body.replayed);

  // A changed application under a used key is refused, never dropped behind the first case's answer.
  const changed = { ...variables, reason: `${String((variables as Record<string, unknown>).reason ?? '')}（补充说明）` };
  const differs = await me.post('/api/process-instances', { processKey: 'borrowing', variables: changed, idempotencyKey: key });
  t.is(differs.status, 409, JSON.stringify(differs.body));
  t.is(differs.body.code, 'IDEMPOTENCY_KEY_REUSED');
  t.is(differs.body.details.instanceId, first.body.id);
  const otherVersion = await me.post('/api/process-instances', { processKey: 'borrowing', variables, idempotencyKey: key, version: 1 });
  t.is(otherVersion.status, 409);
  t.is(otherVersion.body.code, 'IDEMPOTENCY_KEY_REUSED');
  t.deepEqual(await casesOf('applicant1', third), [first.body.id], 'nothing filed by the refused sends');

  // Two sends of one new key at once: one case, both answered it.
  const both = await Promise.all([1, 2].map(() => me.post('/api/process-instances', { processKey: 'borrowing', variables, idempotencyKey: key.replace(/^.{8}/, '00000000') })));
  t.deepEqual(both.map((r) => r.status), [201, 201]);
  t.is(both[0].body.id, both[1].body.id);
  t.deepEqual(both.map((r) => r.body.replayed).sort(), [false, true]);
  t.is((await casesOf('applicant1', third)).length, 2);

  // Another user's same key is their own application, and never answers mine.
  const theirs = await (await sys.as('applicant2')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant2', third), idempotencyKey: key });
  t.is(theirs.status, 201, JSON.stringify(theirs.body));
  t.false(theirs.body.replayed);
  t.not(theirs.body.id, first.body.id);
  t.deepEqual(await casesOf('applicant2', third), [theirs.body.id]);

  // A new key (the form opened again) is a new application; none at all (an API client) as ever.
  const next = await me.post('/api/process-instances', { processKey: 'borrowing', variables, idempotencyKey: randomUUID() });
  t.is(next.status, 201);
  t.false(next.body.replayed);
  const plain = await me.post('/api/process-instances', { processKey: 'borrowing', variables });
  t.is(plain.status, 201);
  t.is((await casesOf('applicant1', third)).length, 4);
  t.is((await sys.services.db('workflow_cases').where({ instance_id: plain.body.id }).first()).start_key, null);

  // The key of one application sent for another process is refused; a key that is no UUID too.
  const reused = await me.post('/api/process-instances', { processKey: 'copy-request', variables: await copyVariables(sys, 'applicant1', third), idempotencyKey: key });
  t.is(reused.status, 409);
  t.is(reused.body.code, 'IDEMPOTENCY_KEY_REUSED');
  const bad = await me.post('/api/process-instances', { processKey: 'borrowing', variables, idempotencyKey: 'retry-1' });
  t.is(bad.status, 400);
  t.is(bad.body.code, 'VALIDATION_FAILED');
  t.true(bad.body.details.some((d: { field: string }) => d.field === 'idempotencyKey'), JSON.stringify(bad.body.details));
  t.is((await casesOf('applicant1', third)).length, 4, 'nothing filed by the refusals');
});

test('a malformed query is refused with 400 in both languages; an unknown process with 404', async (t) => {
  const c = await sys.as('applicant1');
  const said = (res: { body: { details: Array<{ field: string; message: string }> } }) =>
    Object.fromEntries(res.body.details.map((d) => [d.field, d.message]));

  const none = await c.post('/api/process-definitions/borrowing/open-cases', {});
  t.is(none.status, 400);
  t.is(none.body.code, 'VALIDATION_FAILED');
  t.regex(said(none).cadreId, /^请给出干部编号，或干部姓名和身份证号（二者选一） \/ give cadreId, or cadreName with cadreIdNumber$/);

  const both = await c.post('/api/process-definitions/borrowing/open-cases', { cadreId: cadre.id, ...byName(cadre) });
  t.is(both.status, 400);
  t.regex(said(both).cadreId, /二者选一/);

  const badId = await c.post('/api/process-definitions/borrowing/open-cases', { cadreName: cadre.name, cadreIdNumber: '12345' });
  t.is(badId.status, 400);
  t.regex(said(badId).cadreIdNumber, /^身份证号应为 18 位，末位可为 X \/ expected an 18-digit ID number/);

  const notANumber = await c.post('/api/process-definitions/borrowing/open-cases', { cadreId: 'abc' });
  t.is(notANumber.status, 400);
  t.is(said(notANumber).cadreId, '应为数字 / must be a number');

  const stray = await c.post('/api/process-definitions/borrowing/open-cases', { cadreId: cadre.id, userId: 1 });
  t.is(stray.status, 400);
  t.regex(stray.body.details.map((d: { message: string }) => d.message).join(' '), /不认识的项：userId \/ unknown field: userId/);

  const unknown = await c.post('/api/process-definitions/no-such-process/open-cases', { cadreId: cadre.id });
  t.is(unknown.status, 404);
  t.is(unknown.body.code, 'NOT_FOUND');
});

test('the route is in the OpenAPI document as a POST with its body and answer', async (t) => {
  const doc = (await sys.client().get('/api/openapi.json')).body;
  const op = doc.paths['/api/process-definitions/{key}/open-cases']?.post;
  t.truthy(op);
  t.falsy(doc.paths['/api/process-definitions/{key}/open-cases']?.get, 'never in a URL: the ID number goes in the body');
  t.truthy(op.requestBody);
  t.truthy(doc.components.schemas.OpenCaseList);
});

/** Deploys borrowing again with its start form edited by `edit` (or only a comment in the diagram). */
async function redeployBorrowing(edit?: (form: any) => any): Promise<number> {
  const admin = await sys.as('procadmin');
  const p = ((await admin.get('/api/admin/processes')).body as any[]).find((x) => x.key === 'borrowing');
  const cur = (await admin.get(`/api/admin/processes/borrowing/versions/${p.latestVersion}`)).body;
  const forms = edit ? { 'borrowing-start': edit(cur.forms['borrowing-start']) } : {};
  const xml = edit ? cur.xml : cur.xml.replace(/<\/bpmn:definitions>\s*$/, `<!-- ${p.latestVersion} -->\n</bpmn:definitions>`);
  const dep = await admin.post('/api/admin/deployments', { xml, processKey: 'borrowing', baseVersion: cur.version, note: '申请表调整', forms });
  if (dep.status !== 201) throw new Error(`deploy: ${dep.status} ${JSON.stringify(dep.body)}`);
  return dep.body.version;
}

test.serial('a start form filled on a version whose start form changed since is refused 409 FORM_CHANGED, naming the new field; a version that kept the form is taken', async (t) => {
  const me = await sys.as('applicant1');
  const filled = ((await me.get('/api/process-definitions')).body as Array<{ key: string; version: number }>).find((d) => d.key === 'borrowing')!.version;
  const variables = await borrowingVariables(sys, 'applicant1', other);
  const before = await casesOf('applicant1', other);

  // While the form is open, the process administrator adds a required 联系电话.
  const latest = await redeployBorrowing((form) => ({ ...form, components: [...form.components, { type: 'textfield', key: 'contactPhone', label: '联系电话', validate: { required: true, maxLength: 20 } }] }));
  t.is(latest, filled + 1);

  const stale = await me.post('/api/process-instances', { processKey: 'borrowing', variables, version: filled, idempotencyKey: randomUUID() });
  t.is(stale.status, 409, JSON.stringify(stale.body));
  t.is(stale.body.code, 'FORM_CHANGED');
  t.deepEqual(stale.body.details, { version: latest, added: ['contactPhone'] });
  t.regex(stale.body.message, /^申请表已更新为第 \d+ 版.* \/ The application form changed/);
  t.deepEqual(await casesOf('applicant1', other), before, 'nothing filed');

  // Filled on the new version: taken. Without a version (an API client) the form is checked as ever.
  const fresh = await me.post('/api/process-instances', { processKey: 'borrowing', variables: { ...variables, contactPhone: '0471-1234567' }, version: latest });
  t.is(fresh.status, 201, JSON.stringify(fresh.body));
  const unversioned = await me.post('/api/process-instances', { processKey: 'borrowing', variables });
  t.is(unversioned.status, 400);
  t.is(unversioned.body.code, 'VALIDATION_FAILED');

  // A version that changes the diagram only: a form filled on the one before is still that form.
  const diagramOnly = await redeployBorrowing();
  t.is(diagramOnly, latest + 1);
  const same = await me.post('/api/process-instances', { processKey: 'borrowing', variables: { ...variables, contactPhone: '0471-1234567' }, version: latest });
  t.is(same.status, 201, JSON.stringify(same.body));
  t.is(same.body.version, diagramOnly);
  const unknown = await me.post('/api/process-instances', { processKey: 'borrowing', variables, version: 999 });
  t.is(unknown.status, 409);
  t.is(unknown.body.code, 'FORM_CHANGED');
});
