// Decision tables: the borrowing routing table by management level and mode, evaluated with FEEL,
// and a business rule task that routes a case through it.
import test from 'ava';
import path from 'node:path';
import { DecisionRegistry, evaluateDecision } from './decisions.ts';
import { processesDir } from '../services.ts';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { deployFixture, fixture } from '../../test/helpers/fixtures.ts';
import { actorOf } from '../workflow/service.ts';

test('the borrowing routing table decides by management level and mode', async (t) => {
  const reg = await DecisionRegistry.load(path.join(processesDir, 'decisions'));
  const table = reg.get('borrowing-approval')!;
  const route = (managementLevel: string, mode: string) => evaluateDecision(table, { managementLevel, mode });
  t.like(route('provincial', 'electronic'), { needsLeader: true, referUpward: true, rule: 'central' });
  t.like(route('municipal', 'onsite'), { needsLeader: true, referUpward: false });
  t.like(route('county', 'loan'), { needsLeader: true, referUpward: false, rule: 'loan' });
  t.like(route('county', 'electronic'), { needsLeader: false, rule: 'local' });
  t.like(route('unit', 'onsite'), { needsLeader: false });
  // An input the table cannot read is an error, not a silent default.
  t.throws(() => evaluateDecision(table, { mode: 'onsite' }));
});

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  await deployFixture(sys.services, 'decide.bpmn');
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('a business rule task routes the case with the table', async (t) => {
  const u = await sys.services.db('users').where({ username: 'applicant1' }).first();
  const actor = actorOf({ id: u.id, username: 'applicant1', roles: ['applicant'], orgUnitId: u.org_unit_id, displayName: '', language: 'zh', sessionId: '' });
  const start = (variables: Record<string, unknown>) =>
    sys.services.db.transaction(async (trx) => {
      const def = await sys.services.engine.definitions.latest(trx, 'decide');
      return sys.services.engine.startWith(trx, def, { variables, actor });
    });
  t.deepEqual((await start({ managementLevel: 'municipal', mode: 'onsite' })).activeElements, ['leader']);
  t.deepEqual((await start({ managementLevel: 'county', mode: 'electronic' })).activeElements, ['chief']);
  // A case the table cannot read fails to start instead of taking a default path.
  const err = await t.throwsAsync(start({ mode: 'onsite' }));
  t.regex(err!.message, /managementLevel|no rule/);
});

test.serial('a business rule task naming an unknown table is refused at deployment', async (t) => {
  const admin = await sys.as('procadmin');
  const xml = fixture('decide.bpmn').replace('camunda:decisionRef="borrowing-approval"', 'camunda:decisionRef="no-such-table"').replace('id="decide"', 'id="decide2"');
  const res = await admin.post('/api/process-definitions', { xml });
  t.is(res.status, 422);
  t.true(res.body.details.some((d: any) => d.rule === 'dangan/business-rule-task' && /no-such-table/.test(d.message)));
});
