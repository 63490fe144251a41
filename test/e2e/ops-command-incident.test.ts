// 运行监控 of a case whose step failed on a fault of the diagram: the incident is on the case page
// with its error in the page's language, and it is closed (not "retried": nothing can run again).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { fixture } from '../helpers/fixtures.ts';
import { approve, taskAt } from '../helpers/workflow.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('a failed completion shows as an incident on the case page and is closed with 关闭故障', async (t) => {
  const xml = fixture('approval-chain.bpmn')
    .replaceAll('approvalChain', 'faultChain')
    .replace('=decision = "approve"</bpmn:conditionExpression>', '=missingVar = "approve"</bpmn:conditionExpression>');
  await sys.services.db.transaction((trx) => sys.services.engine.definitions.deploy(trx, xml, null));
  const applicant = await sys.as('applicant1');
  const id = (await applicant.post('/api/process-instances', { processKey: 'faultChain', variables: {} })).body.id;
  const head = await sys.as('unithead1');
  const task = await taskAt(head, id, 'unitHeadReview');
  t.is((await head.post(`/api/tasks/${task.id}/complete`, { variables: approve() })).status, 422);
  await sys.services.engine.incidentsSettled();

  const p = b.page;
  await login(p, sys.url, 'procadmin');
  await p.goto(`${sys.url}/admin/instances/${id}`);
  const jobs = p.getByRole('region', { name: '定时作业与故障' });
  await jobs.getByText('在“单位负责人是否同意”（unitHeadDecision）处出错', { exact: false }).waitFor();
  const close = jobs.getByRole('button', { name: '关闭故障' });
  await close.waitFor();
  await jobs.scrollIntoViewIfNeeded();
  await shot(p, 'ops-command-incident', { fullPage: true });
  await close.click();
  await p.getByText('故障已关闭。').waitFor();
  t.is((await sys.services.db('process_instances').where({ id }).first()).status, 'running');
  t.deepEqual(b.outside, []);
});
