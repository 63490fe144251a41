// A hostile recipient or subject is refused: addresses outside the mail domains or with header
// breaks, lists or display names; subjects with CR/LF; an address changed after the message was
// written; a notice handed an address instead of a user. Refused mail never reaches the server, is
// kept for the administrator and audited, and does not block the event. Without SMTP_URL, mail
// stays in the outbox for the system administrator only.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { orgId } from '../helpers/workflow.ts';
import { borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { asAdmin, closeMailSystem, outbox, startAs, startMailSystem, userId } from '../helpers/notify.ts';
import { ServiceRegistry } from '../../server/engine/types.ts';
import { registerNotice, type NoticeBuilder } from '../../server/notify/notices.ts';

let sys: TestSystem;
let smtp: TestSmtp;

test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ fixtures: ['assigned.bpmn'] }));
});
test.after.always(() => closeMailSystem(sys, smtp));

const send = () => sys.services.mailer.pollOnce();
const setEmail = (username: string, email: string | null) => sys.services.db('users').where({ username }).update({ email });
const attackerOffered = () => smtp.offered.filter((a) => !a.endsWith('@dangan.example'));

/** Starts a case whose first task is assigned to `username`; returns that task mail's outbox row. */
async function taskMailTo(username: string) {
  const inst = await startAs(sys, 'assigned', username, {});
  t0Running(inst.status);
  return outbox(sys).where({ instance_id: inst.id, recipient_id: await userId(sys, username) }).first();
}
function t0Running(status: string) {
  if (status !== 'running') throw new Error(`the case did not run on: ${status}`);
}

test.serial('hostile or foreign addresses are refused when the message is written, audited, and never offered to the server', async (t) => {
  const cases: Array<[string | null, string]> = [
    ['applicant2@attacker.example', 'DOMAIN_NOT_ALLOWED'],
    ['applicant2@dangan.example.attacker.example', 'DOMAIN_NOT_ALLOWED'],
    ['applicant2@dangan.example\r\nBcc: victim@attacker.example', 'BAD_ADDRESS'],
    ['applicant2@dangan.example, spy@attacker.example', 'BAD_ADDRESS'],
    ['Mallory <spy@attacker.example>', 'BAD_ADDRESS'],
    ['"spy@attacker.example"@dangan.example', 'BAD_ADDRESS'],
    ['spy@attacker.example?@dangan.example', 'BAD_ADDRESS'],
    [null, 'NO_ADDRESS'],
  ];
  try {
    for (const [email, problem] of cases) {
      await setEmail('applicant2', email);
      const row = await taskMailTo('applicant2');
      t.is(row.status, 'refused', String(email));
      t.is(row.last_error, problem, String(email));
      const audit = await sys.services.db('audit_log').where({ action: 'mail.refused', object_id: row.id }).first();
      t.is(audit?.outcome, 'denied');
      t.true(JSON.parse(audit.detail).problem === problem);
    }
    t.like(await send(), { sent: 0 });
    t.deepEqual(attackerOffered(), []);
    // The directory's spelling of an allowed domain is matched without regard to case.
    await setEmail('applicant2', 'Applicant2@DANGAN.EXAMPLE');
    const ok = await taskMailTo('applicant2');
    t.is(ok.status, 'pending');
    t.like(await send(), { sent: 1 });
  } finally {
    await setEmail('applicant2', 'applicant2@dangan.example');
  }
});

test.serial('a subject carrying CR/LF is refused, stored folded, and nothing reaches the server', async (t) => {
  const registry = new ServiceRegistry();
  const borrower = await userId(sys, 'applicant1');
  const hostile: NoticeBuilder = () => ({
    template: 'loan_due_soon',
    recipients: [{ userId: borrower }],
    vars: { dueAt: '2026-11-09 09:00', caseRef: 'JY-1\r\nBcc: victim@attacker.example' },
  });
  registerNotice(registry, sys.services.notify, 'hostileNotice', hostile);
  const inst = await startAs(sys, 'assigned', 'applicant1', {});
  await send();
  const n = smtp.received.length;
  await sys.services.db.transaction((trx) =>
    registry.get('hostileNotice')!({
      trx, clock: sys.clock, actor: null, instanceId: inst.id, processKey: 'assigned', elementId: 'remind', element: { id: 'remind', type: 'bpmn:ServiceTask', name: 'remind' }, variables: {}, params: sys.services.config.params, setBusinessKey: () => undefined,
    }),
  );
  const row = await outbox(sys).where({ instance_id: inst.id, event: 'loan_due_soon' }).first();
  t.is(row.status, 'refused');
  t.is(row.last_error, 'SUBJECT_HEADER_BREAK');
  t.false(/[\r\n]/.test(row.subject));
  t.like(await send(), { sent: 0 });
  t.is(smtp.received.length, n);
  t.deepEqual(attackerOffered(), []);
});

test.serial('the address is checked again at send time: a foreign address or a disabled account gets nothing', async (t) => {
  const row = await taskMailTo('producer1');
  const row2 = await taskMailTo('applicant1');
  const row3 = await taskMailTo('archivist1');
  t.is(row.status, 'pending');
  try {
    await setEmail('producer1', 'producer1@attacker.example');
    await sys.services.db('users').where({ username: 'applicant1' }).update({ disabled: true });
    // A row tampered with in the database cannot smuggle a header either.
    await outbox(sys).where({ id: row3.id }).update({ subject: 'x\r\nBcc: victim@attacker.example' });
    t.like(await send(), { sent: 0, refused: 3 });
    t.like(await outbox(sys).where({ id: row.id }).first(), { status: 'refused', last_error: 'DOMAIN_NOT_ALLOWED' });
    t.like(await outbox(sys).where({ id: row2.id }).first(), { status: 'refused', last_error: 'RECIPIENT_DISABLED' });
    t.like(await outbox(sys).where({ id: row3.id }).first(), { status: 'refused', last_error: 'SUBJECT_HEADER_BREAK' });
    t.deepEqual(attackerOffered(), []);

    // The administrator cannot send it on while the address is still wrong …
    const admin = await asAdmin(sys, 'sysadmin');
    const still = await admin.post(`/api/admin/outbox/${row.id}/retry`);
    t.is(still.status, 422);
    t.is(still.body.code, 'RULE_VIOLATION');
    t.is(still.body.details.rule, 'mail_envelope');
    // … and can once the directory is fixed: it goes to the directory's address.
    await setEmail('producer1', 'producer1@dangan.example');
    t.is((await admin.post(`/api/admin/outbox/${row.id}/retry`)).status, 200);
    t.like(await send(), { sent: 1 });
    t.deepEqual(smtp.received.at(-1)!.envelopeTo, ['producer1@dangan.example']);
  } finally {
    await setEmail('producer1', 'producer1@dangan.example');
    await sys.services.db('users').where({ username: 'applicant1' }).update({ disabled: false });
  }
});

test.serial('a notice takes users or roles from the directory, never an address: anything else fails the step and writes nothing', async (t) => {
  const registry = new ServiceRegistry();
  const builders: Record<string, NoticeBuilder> = {
    byAddress: () => ({ template: 'loan_due_soon', recipients: [{ email: 'spy@attacker.example' } as never] }),
    byUnknownRole: () => ({ template: 'loan_due_soon', recipients: [{ role: 'root', orgUnitId: 1 } as never] }),
    byUnknownTemplate: () => ({ template: 'free_text' as never, recipients: [{ userId: 1 }] }),
  };
  for (const [name, build] of Object.entries(builders)) registerNotice(registry, sys.services.notify, name, build);
  const inst = await startAs(sys, 'assigned', 'applicant1', {});
  const before = Number((await outbox(sys).count({ n: '*' }))[0].n);
  for (const name of Object.keys(builders)) {
    const err = await t.throwsAsync(
      sys.services.db.transaction((trx) =>
        registry.get(name)!({
          trx, clock: sys.clock, actor: null, instanceId: inst.id, processKey: 'assigned', elementId: name, element: { id: name, type: 'bpmn:ServiceTask', name }, variables: {}, params: sys.services.config.params, setBusinessKey: () => undefined,
        }),
      ),
    );
    t.is((err as any).code, 'VALIDATION_FAILED', name);
  }
  t.is(Number((await outbox(sys).count({ n: '*' }))[0].n), before);
});

test.serial('without SMTP_URL mail stays in the outbox, readable by the system administrator only', async (t) => {
  const quiet = await startSystem();
  try {
    const applicant = await quiet.as('applicant1');
    const res = await applicant.post('/api/process-instances', {
      processKey: 'borrowing',
      variables: await borrowingVariables(quiet, 'applicant1', await demoCadre(quiet, 'county')),
    });
    t.is(res.status, 201);
    t.false(quiet.services.mailer.sending);
    t.like(await quiet.services.mailer.pollOnce(), { sent: 0, retried: 0 });
    const admin = await asAdmin(quiet, 'sysadmin');
    const list = await admin.get('/api/admin/outbox?status=pending');
    t.is(list.status, 200);
    t.false(list.body.sending);
    t.is(list.body.counts.pending, 1);
    const [item] = list.body.items;
    t.is(item.to, 'unithead1@dangan.example');
    t.regex(item.subject, /^【档案】待认领：单位负责人审核/);
    t.is(item.instanceId, res.body.id);
    const one = await admin.get(`/api/admin/outbox/${item.id}`);
    t.is(one.status, 200);
    t.true(one.body.body.includes(`http://localhost:3000/tasks/`));
    t.truthy(await quiet.services.db('audit_log').where({ action: 'outbox.view', object_id: item.id }).first());
    t.truthy(await quiet.services.db('audit_log').where({ action: 'outbox.list' }).first());

    for (const who of ['unithead1', 'chief1', 'procadmin']) {
      const r = await (await quiet.as(who)).get(`/api/admin/outbox/${item.id}`);
      t.is(r.status, 403, who);
    }
    t.is((await quiet.client().get('/api/admin/outbox')).status, 401);
    t.is((await admin.get('/api/admin/outbox/not-a-uuid')).status, 400);
    t.is((await admin.get('/api/admin/outbox?status=everything')).status, 400);
  } finally {
    await quiet.close();
  }
});
