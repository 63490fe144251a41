// A diagram can never run code on the server: it is refused at deployment with every finding, and
// one forced straight into the database fails safely when started.
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { fixture, forceDeployment } from '../../test/helpers/fixtures.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const pwned = () => (globalThis as Record<string, unknown>).__danganPwned;

test.serial('a diagram with a script task, a constructor expression, a javascript condition and R/PT0.01S is refused with each finding', async (t) => {
  const admin = await sys.as('procadmin');
  const res = await admin.post('/api/process-definitions', fixture('evil-all.bpmn'), { 'content-type': 'application/xml' });
  t.is(res.status, 422);
  t.is(res.body.code, 'BPMN_INVALID');
  const found = res.body.details.map((d: any) => `${d.rule}@${d.elementId}`);
  t.true(found.includes('dangan/no-script@script'));
  t.true(found.includes('dangan/allowed-expressions@svc'));
  t.true(found.includes('dangan/no-script-condition@f4'));
  t.true(found.includes('dangan/timer-bounds@spin'));
  t.is(await sys.services.db('process_deployments').where({ process_key: 'evil' }).first(), undefined);
});

for (const variant of ['script', 'expression', 'condition', 'cycle']) {
  test.serial(`each offence alone is refused: ${variant}`, async (t) => {
    const admin = await sys.as('procadmin');
    const res = await admin.post('/api/process-definitions', { xml: fixture(`evil-${variant}.bpmn`) });
    t.is(res.status, 422);
    t.is(res.body.details.length, 1);
  });

  test.serial(`forced into the database, the ${variant} diagram cannot run code when started`, async (t) => {
    const xml = fixture(`evil-${variant}.bpmn`);
    const key = `evil-${variant}`;
    await forceDeployment(sys.services.db, key, xml);
    const applicant = await sys.as('applicant1');
    const res = await applicant.post('/api/process-instances', { processKey: key, variables: {} });
    t.is(pwned(), undefined);
    t.is(res.status, 422);
    t.is(res.body.code, 'PROCESS_ERROR');
    t.is(await sys.services.db('process_instances').where({ process_key: key }).first(), undefined);
    t.is(await sys.services.db('jobs').count({ n: '*' }).first().then((r: any) => Number(r.n)), 0);
  });
}

test.serial('the expression resolver never hands out a function other than a registered service', async (t) => {
  const { createExpressions } = await import('./expressions.ts');
  const services: Record<string, Function> = { ok: () => 1 };
  const ex = createExpressions({ service: (n) => (Object.hasOwn(services, n) ? services[n] : undefined), params: {} });
  const ctx = { environment: { variables: { dangan: { a: { b: 2 }, fn: () => 3 } } }, content: { x: 1 } };
  t.is(ex.resolveExpression('${environment.services.ok}', ctx), services.ok);
  t.is(ex.resolveExpression('${environment.variables.dangan.a.b}', ctx), 2);
  t.is(ex.resolveExpression('${content.x}', ctx), 1);
  for (const evil of [
    '${environment.constructor.constructor("return 1")()}',
    '${environment.services.constructor}',
    '${environment.variables.dangan.constructor}',
    '${environment.variables.dangan.fn}',
    '${environment.services.toString}',
    '${environment.services.__proto__}',
    '${process.exit}',
  ]) {
    t.throws(() => ex.resolveExpression(evil, ctx), undefined, evil);
  }
  t.throws(() => ex.resolveExpression('=undefinedVariable > 1', ctx));
  t.is(ex.resolveExpression('=a.b + 1', ctx), 3);
});
