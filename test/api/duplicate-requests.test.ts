// Duplicate requests (POST /api/process-definitions/:key/open-cases): before filing, the start page
// asks for the caller's own open cases of the process about the cadre the form names. Another
// user's cases, ended and withdrawn ones, another cadre's and another process's are not answered;
// a malformed query is refused in both languages.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { borrowingVariables, copyVariables, demoCadre, type DemoCadre } from '../helpers/cases.ts';
import { completeAt, reject } from '../helpers/workflow.ts';

let sys: TestSystem;
let cadre: DemoCadre;
let other: DemoCadre;
test.before(async () => {
  sys = await startSystem();
  cadre = await demoCadre(sys, 'county', 0);
  other = await demoCadre(sys, 'county', 1);
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
  t.regex(said(notANumber).cadreId, /^应为数字 \/ Invalid input/);

  const stray = await c.post('/api/process-definitions/borrowing/open-cases', { cadreId: cadre.id, userId: 1 });
  t.is(stray.status, 400);
  t.regex(stray.body.details.map((d: { message: string }) => d.message).join(' '), /不认识的项：userId \/ Unrecognized key/);

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
