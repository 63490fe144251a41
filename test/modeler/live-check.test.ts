// The modeler's live check (client/src/lib/modeler/live-check.ts) against the forms a version would
// carry, without the browser: the page's ModelerContext resolves each named form as the deploy
// does (edited, else the latest version's, else the installation's over GET /api/forms/:key), and
// the check finds what POST /api/admin/processes/validate finds, word for word. Also how long the
// check takes on the shipped diagrams: it runs 250 ms after each change.
import test from 'ava';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { ModelerContext } from '../../client/src/lib/modeler/context.ts';
import { CARRIED_MEASURE, checkParsed, FORMS_UNAVAILABLE } from '../../client/src/lib/modeler/live-check.ts';
import type { FormSchema } from '../../shared/forms.ts';
import type { HttpClient } from '../helpers/http.ts';
import { startSystem, type TestSystem } from '../helpers/server.ts';

let sys: TestSystem;
let admin: HttpClient;
test.before(async () => {
  sys = await startSystem();
  admin = await sys.as('procadmin');
});
test.after.always(async () => {
  await sys?.close();
});

async function latest(key: string) {
  const list = (await admin.get('/api/admin/processes')).body as any[];
  const p = list.find((x) => x.key === key);
  return (await admin.get(`/api/admin/processes/${key}/versions/${p.latestVersion}`)).body as { xml: string; forms: Record<string, FormSchema> };
}

/** The modeler page's context for editing `key` (null: a new process), with the forms edited so far. */
async function pageContext(key: string | null, edited: Record<string, FormSchema>, asked: string[] = []) {
  const lint = (await admin.get('/api/admin/lint-context')).body;
  const base = key ? (await latest(key)).forms : {};
  return new ModelerContext(lint, (r) => r, key, () => 'zh', {
    edited: () => edited,
    base,
    installation: async (k) => {
      asked.push(k);
      const res = await admin.get(`/api/forms/${k}`);
      if (res.status === 404) return null;
      if (res.status !== 200) throw new Error(`GET /api/forms/${k}: ${res.status}`);
      return res.body;
    },
  });
}

/** What the browser would show: the XML parsed by a moddle with the camunda descriptor, then checked. */
async function browserCheck(xml: string, ctx: ModelerContext) {
  const parsed = await new BpmnModdle({ camunda }).fromXML(xml, 'bpmn:Definitions');
  return checkParsed(parsed as any, ctx.lintContext(), (keys) => ctx.carriedForms(keys));
}

const words = (list: Array<{ rule: string; elementId?: string; message: string }>) => list.map((f) => `${f.rule} ${f.elementId ?? ''} ${f.message}`).sort();

test.serial('a condition reading what no form supplies: the live check and the validate route say the same, and the field added to the form clears both', async (t) => {
  const cur = await latest('copy-request');
  const xml = cur.xml.replace('=decision = "approve"</bpmn:conditionExpression>', '=decision = "approve" and urgent = true</bpmn:conditionExpression>');
  t.not(xml, cur.xml);

  const browser = await browserCheck(xml, await pageContext('copy-request', {}));
  const api = await admin.post('/api/admin/processes/validate', { xml, forms: {} });
  t.is(api.status, 200);
  t.false(api.body.ok);
  t.deepEqual(words(browser.errors), words(api.body.errors));
  t.is(browser.errors.length, 1);
  t.like(browser.errors[0], { rule: 'variables-supplied', elementId: 'unitHeadApproves', category: 'error' });
  t.regex(browser.errors[0].message, /条件读取变量“urgent”.*approval（单位负责人审核（unitHeadReview））/);

  // The approval form, edited in the form editor, gets the field: both pass.
  const approval = { ...cur.forms.approval, components: [...(cur.forms.approval.components as any[]), { type: 'checkbox', key: 'urgent', label: '加急' }] };
  const fixed = await browserCheck(xml, await pageContext('copy-request', { approval }));
  t.deepEqual(fixed.errors, []);
  const ok = await admin.post('/api/admin/processes/validate', { xml, forms: { approval } });
  t.true(ok.body.ok, JSON.stringify(ok.body));
});

test.serial('forms are taken as the deploy takes them: edited over the latest version’s over the installation’s, each asked for once', async (t) => {
  const cur = await latest('copy-request');
  const without = { ...cur.forms.approval, components: (cur.forms.approval.components as any[]).filter((c) => c.key !== 'decision') };
  // An edit wins over the version's form: its gateways are refused, the same as the API refuses them.
  const edited = await browserCheck(cur.xml, await pageContext('copy-request', { approval: without }));
  const api = await admin.post('/api/admin/processes/validate', { xml: cur.xml, forms: { approval: without } });
  t.true(edited.errors.length > 0);
  t.deepEqual(words(edited.errors), words(api.body.errors));

  // A new process names forms only the installation has: they are asked for, once each.
  const asked: string[] = [];
  const ctx = await pageContext(null, {}, asked);
  const copy = cur.xml.replace(/id="copy-request"/, 'id="copy-request-2"').replace(/bpmnElement="copy-request"/, 'bpmnElement="copy-request-2"');
  t.deepEqual((await browserCheck(copy, ctx)).errors, []);
  t.deepEqual((await browserCheck(copy, ctx)).errors, []);
  t.deepEqual(asked.sort(), ['approval', 'copy-certify', 'copy-chief', 'copy-disposition', 'copy-start']);
  t.true((await admin.post('/api/admin/processes/validate', { xml: copy, forms: {} })).body.ok);

  // A key the installation does not know is not asked for: the lint names it at the step.
  const unknown = await browserCheck(cur.xml.replace('camunda:formKey="copy-chief"', 'camunda:formKey="no-such-form"'), ctx);
  t.true(unknown.errors.some((f) => f.elementId === 'chiefApproval' && f.message.includes('Unknown form "no-such-form"')), JSON.stringify(unknown.errors));
  t.false(asked.includes('no-such-form'));
});

test.serial('the check stays well inside the 250 ms pause on every shipped diagram', async (t) => {
  const list = (await admin.get('/api/admin/processes')).body as any[];
  const lines: string[] = [];
  for (const p of list) {
    const { xml } = await latest(p.key);
    const ctx = await pageContext(p.key, {});
    const totals: number[] = [];
    const carried: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      const r = await browserCheck(xml, ctx);
      totals.push(performance.now() - start);
      carried.push(performance.getEntriesByName(CARRIED_MEASURE).at(-1)?.duration ?? NaN);
      t.deepEqual(r.errors, [], p.key);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    lines.push(`${p.key}: parse+lint+forms ${median(totals).toFixed(1)} ms, of which forms/variables ${median(carried).toFixed(2)} ms`);
    t.true(median(carried) < 100, `${p.key}: ${median(carried)} ms`);
  }
  t.log(lines.join('\n'));
});

test.serial('a form the installation could not send is a warning that the variables went unchecked, not an error of the diagram; the next check asks again', async (t) => {
  const cur = await latest('copy-request');
  const copy = cur.xml.replace(/id="copy-request"/, 'id="copy-request-3"').replace(/bpmnElement="copy-request"/, 'bpmnElement="copy-request-3"');
  const lint = (await admin.get('/api/admin/lint-context')).body;
  let down = true;
  const ctx = new ModelerContext(lint, (r) => r, null, () => 'zh', {
    edited: () => ({}),
    base: {},
    installation: async (k) => {
      if (down) throw new Error('503');
      return (await admin.get(`/api/forms/${k}`)).body;
    },
  });
  const r = await browserCheck(copy, ctx);
  t.deepEqual(r.errors, []);
  t.deepEqual(r.warnings.filter((w) => w.rule === 'variables-supplied').map((w) => w.message), [FORMS_UNAVAILABLE]);
  down = false;
  const again = await browserCheck(copy.replace('=decision = "approve"</bpmn:conditionExpression>', '=urgent = true</bpmn:conditionExpression>'), ctx);
  t.false(again.warnings.some((w) => w.rule === 'variables-supplied'));
  t.true(again.errors.some((f) => f.rule === 'variables-supplied' && f.elementId === 'unitHeadApproves'), JSON.stringify(again.errors));
});
