// What 发起申请 says about each process: plain words with the installation's own time limits, no API
// paths, setting names or element ids; the technical documentation stays in the OpenAPI document.
import test from 'ava';
import { readdirSync } from 'node:fs';
import { startSystem, type TestSystem } from '../helpers/server.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem({ env: { MAX_LOAN_DAYS: '10', MATERIAL_HANDOVER_MONTHS: '2', DIGITISATION_MAX_DAYS: '60', INBOUND_REVIEW_MONTHS: '3' } });
});
test.after.always(async () => {
  await sys?.close();
});

const shipped = readdirSync('processes').filter((f) => f.endsWith('.bpmn')).map((f) => f.replace(/\.bpmn$/, ''));

test('every shipped process has a summary in plain Chinese: no API path, setting name, element id or placeholder', async (t) => {
  const defs: Array<{ key: string; description: string | null }> = (await (await sys.as('procadmin')).get('/api/process-definitions')).body;
  for (const key of shipped) {
    const d = defs.find((x) => x.key === key);
    t.truthy(d?.description, `${key} has a summary`);
    // Latin letters would be an identifier, a path, a setting or an English code; braces an unfilled value.
    t.notRegex(d!.description!, /[A-Za-z_{}]/, `${key}: ${d!.description}`);
    t.notRegex(d!.description!, /\n/, `${key} is one paragraph`);
  }
});

test('the summaries give time limits as the configured numbers of days or months', async (t) => {
  const forApplicant = (await (await sys.as('applicant1')).get('/api/process-definitions')).body as Array<{ key: string; description: string }>;
  t.regex(forApplicant.find((d) => d.key === 'borrowing')!.description, /借出档案不超过 10 天/);
  const forProducer = (await (await sys.as('producer1')).get('/api/process-definitions')).body as Array<{ key: string; description: string }>;
  t.regex(forProducer.find((d) => d.key === 'material-collection')!.description, /形成后 2 个月内移交/);
  const forArchivist = (await (await sys.as('archivist1')).get('/api/process-definitions')).body as Array<{ key: string; description: string }>;
  t.regex(forArchivist.find((d) => d.key === 'digitisation-batch')!.description, /至多 60 天后/);
  // 转递: calendar months (第二十五条 "2个月内"), never a number of days
  const transfer = forArchivist.find((d) => d.key === 'transfer')!.description;
  t.regex(transfer, /自通知之日起 2 个月内完成转递/);
  t.regex(transfer, /发出 1 个月仍未退回执的催问/);
  t.notRegex(transfer, /\d+ 天/);
  const transferIn = forArchivist.find((d) => d.key === 'transfer-in')!.description;
  t.regex(transferIn, /接收后 3 个月内审核/);
  t.notRegex(transferIn, /\d+ 天/);
});

test('the OpenAPI document keeps the technical documentation, configured values filled in', async (t) => {
  const doc = (await sys.client().get('/api/openapi.json')).body;
  const text: string = doc.paths['/api/process-instances'].post.description;
  t.regex(text, /POST \/api\/material-intakes\/\{id\}\/scans/);
  t.regex(text, /MATERIAL_HANDOVER_MONTHS/);
  t.regex(text, /形成后 2 个月内移交/);
  t.notRegex(text, /\{params\./);
});
