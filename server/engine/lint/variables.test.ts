// The deploy-time check of what a diagram's FEEL reads (variables.ts): every shipped process
// passes with its forms; a form that lost the field a gateway reads, or an option a condition
// compares with, is refused at the gateway's flow, naming the variable and the form.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { parseBpmn } from '../moddle.ts';
import { checkVariables, feelReads } from './variables.ts';
import { ENGINE_VARIABLES, SERVICE_OUTPUTS } from '../service-outputs.ts';
import type { FormSchema } from '../../../shared/forms.ts';

const root = path.join(import.meta.dirname, '..', '..', '..', 'processes');
const vctx = { serviceOutputs: SERVICE_OUTPUTS, engineVariables: ENGINE_VARIABLES };
const shippedForms = (): Record<string, FormSchema> =>
  Object.fromEntries(
    fs
      .readdirSync(path.join(root, 'forms'))
      .filter((f) => f.endsWith('.form.json'))
      .map((f) => [f.replace(/\.form\.json$/, ''), JSON.parse(fs.readFileSync(path.join(root, 'forms', f), 'utf8'))]),
  );
const diagram = async (name: string) => (await parseBpmn(fs.readFileSync(path.join(root, `${name}.bpmn`), 'utf8'))).rootElement;

test('every shipped process passes with its shipped forms', async (t) => {
  const files = fs.readdirSync(root).filter((f) => f.endsWith('.bpmn'));
  t.true(files.length >= 8);
  for (const f of files) t.deepEqual(checkVariables(await diagram(f.replace(/\.bpmn$/, '')), shippedForms(), vctx), [], f);
});

test('the approval form without its 审批意见 radio: every flow that reads decision after it is refused, naming decision and the form', async (t) => {
  const forms = shippedForms();
  forms.approval = { ...forms.approval, components: forms.approval.components.filter((c) => c.key !== 'decision') };
  const found = checkVariables(await diagram('borrowing'), forms, vctx);
  const ids = found.map((f) => f.elementId);
  // The unit head's and the archivist's gateways read decision right after an approval step.
  const approveFlows = (await diagram('borrowing')).rootElements
    .find((e: any) => e.$type === 'bpmn:Process')
    .flowElements.filter((e: any) => e.$type === 'bpmn:SequenceFlow' && /decision = "approve"/.test(e.conditionExpression?.body ?? '') && ['unitHeadReview', 'archivistReview'].includes(e.sourceRef.incoming?.[0]?.sourceRef?.id));
  t.is(approveFlows.length, 2);
  for (const f of approveFlows) t.true(ids.includes(f.id), f.id);
  const first = found.find((f) => f.elementId === approveFlows[0].id)!;
  t.is(first.rule, 'variables-supplied');
  t.is(first.category, 'error');
  t.regex(first.message, /读取变量“decision”/);
  t.regex(first.message, /approval（单位负责人审核（unitHeadReview））/);
  t.regex(first.message, / \/ The condition reads "decision"/);
  // The chief's own form (borrowing-chief) still has decision: its gateway passes.
  t.false(found.some((f) => /chief/i.test(f.elementId ?? '') && f.message.includes('borrowing-chief')));
});

test('options renamed approve → yes: the condition comparing with "approve" is refused, naming the offered values', async (t) => {
  const forms = shippedForms();
  forms.approval = JSON.parse(JSON.stringify(forms.approval).replace('"value":"approve"', '"value":"yes"'));
  const found = checkVariables(await diagram('copy-request'), forms, vctx);
  const f = found.find((x) => x.elementId && x.message.includes('"approve"'));
  t.truthy(f, JSON.stringify(found));
  t.regex(f!.message, /把“decision”与“approve”比较/);
  t.regex(f!.message, /只提供 yes、reject/);
  t.regex(f!.message, /offers only yes, reject/);
});

test('a service that declares no outputs may supply anything: no false alarm after it; a declared one supplies only its keys', async (t) => {
  const xml = (impl: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
  <bpmn:process id="p" name="p" isExecutable="true">
    <bpmn:startEvent id="s" camunda:formKey="approval"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="svc" implementation="\${environment.services.${impl}}"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:exclusiveGateway id="g" default="f4"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="svc" /><bpmn:sequenceFlow id="f2" sourceRef="svc" targetRef="g" />
    <bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="e"><bpmn:conditionExpression>=amount &gt; 3 and initiator != null</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="g" targetRef="e" />
    <bpmn:endEvent id="e"><bpmn:incoming>f3</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
  const forms = shippedForms();
  t.deepEqual(checkVariables((await parseBpmn(xml('somethingUnlisted'))).rootElement, forms, vctx), []);
  const found = checkVariables((await parseBpmn(xml('rejectRequest'))).rootElement, forms, vctx);
  t.deepEqual(found.map((f) => [f.elementId, /“amount”/.test(f.message)]), [['f3', true]]);
  t.deepEqual(checkVariables((await parseBpmn(xml('rejectRequest'))).rootElement, forms, { ...vctx, serviceOutputs: { rejectRequest: ['amount'] } }), []);
});

test('feelReads: the first name of each path, no function names or params; comparisons with literals; not plain → null', (t) => {
  t.deepEqual(feelReads('route.needsLeader = true'), { variables: ['route'], literals: [], paths: ['route'], params: false });
  t.deepEqual(feelReads('"P" + string(params.copyDispositionDays) + "D"'), { variables: [], literals: [], paths: [], params: true });
  t.deepEqual(feelReads('"approve" = decision'), { variables: ['decision'], literals: [{ variable: 'decision', value: 'approve' }], paths: [], params: false });
  t.deepEqual(feelReads('decision in ["a", "b"]')?.literals, [{ variable: 'decision', value: 'a' }, { variable: 'decision', value: 'b' }]);
  t.is(feelReads('some x in items satisfies x > 1'), null);
  t.is(feelReads('decision = '), null);
});
