// A diagram within the old 2 MB limit froze the server for everyone: 3,400 user tasks (1.87 MB)
// took 7–15 s to validate and 16.6 s to deploy, and GET /api/health waited meanwhile — parsing and
// checking a diagram holds the one thread. The limit is now 300 kB (some 550 steps, six times the
// largest shipped diagram; figures in server/processes/schema.ts, `npx tsx bench/diagram-size.ts`):
// a larger diagram is refused before it is parsed, so the server keeps answering.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { chainDiagram } from '../../bench/diagram-size.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

test('a diagram of 3,400 steps is refused unread, and the server answers health meanwhile and after', async (t) => {
  const admin = await sys.as('procadmin');
  const xml = chainDiagram(3400);
  t.true(xml.length > 1_500_000);
  const order: string[] = [];
  const validating = admin.post('/api/admin/processes/validate', { xml, forms: {} }).then((r) => {
    order.push('validate');
    return r;
  });
  const health = admin.get('/api/health').then((r) => {
    order.push('health');
    return r;
  });
  const [v, h] = await Promise.all([validating, health]);
  t.is(h.status, 200);
  t.is(v.status, 413);
  t.is(v.body.code, 'PAYLOAD_TOO_LARGE');
  t.is(v.body.message, '请求内容过大，上限为 1 MB / Request body too large: at most 1 MB');
  t.is((await admin.get('/api/health')).status, 200);
  t.is(await sys.services.db('process_deployments').where({ process_key: 'bigChain' }).first(), undefined);
});

test('a diagram of 700 steps (over 300 kB) is refused in words, unparsed; one of 400 steps is checked', async (t) => {
  const admin = await sys.as('procadmin');
  const over = chainDiagram(700);
  t.true(Buffer.byteLength(over) > 300_000);
  const refused = await admin.post('/api/admin/processes/validate', { xml: over, forms: {} });
  t.is(refused.status, 400);
  t.regex(refused.body.details[0].message, /^流程图不得超过 300 KB（约 550 个环节）\/ The diagram may not exceed 300 kB \(some 550 steps\)/);
  const within = chainDiagram(400);
  t.true(Buffer.byteLength(within) < 300_000);
  const checked = await admin.post('/api/admin/processes/validate', { xml: within, forms: {} });
  t.is(checked.status, 200, JSON.stringify(checked.body).slice(0, 500));
  t.true(checked.body.ok, JSON.stringify(checked.body.errors.slice(0, 3)));
});
