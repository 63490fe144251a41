// `npx tsx bench/diagram-size.ts`: how long the deploy-time check (parse, lint, the forms' checks)
// holds the server's one thread, by diagram size. A chain of n user tasks with their shapes, about
// 550 bytes a step, like the exploratory tester's 1.95 MB diagram of 3,400 tasks; and the shipped
// diagrams for scale. The check runs on the event loop, so while it runs nothing else is answered:
// MAX_DIAGRAM_BYTES (server/processes/schema.ts) is set from these figures.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { validateBpmn } from '../server/engine/lint/validate.ts';
import { carriedFormFindings } from '../server/engine/lint/carried-forms.ts';
import type { FormSchema } from '../shared/forms.ts';

const root = path.join(import.meta.dirname, '..', 'processes');
const forms: Record<string, FormSchema> = Object.fromEntries(
  fs.readdirSync(path.join(root, 'forms')).filter((f) => f.endsWith('.form.json')).map((f) => [f.replace(/\.form\.json$/, ''), JSON.parse(fs.readFileSync(path.join(root, 'forms', f), 'utf8'))]),
);
const ctx = {
  services: [], messages: [], roles: ['applicant', 'unit_head', 'archivist', 'archive_chief', 'auth_leader'], forms: Object.keys(forms),
  decisions: [], timerMinCycleSeconds: 3600, timerMaxRepetitions: 1000, assignees: [],
};

/** A process of n user tasks in a row, each with its shape and edge. */
export function chainDiagram(n: number): string {
  const els: string[] = [];
  const di: string[] = [];
  let prev = 'start';
  di.push('<bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="0" y="20" width="36" height="36" /></bpmndi:BPMNShape>');
  for (let i = 0; i < n; i++) {
    const id = `t${i}`;
    const x = 100 + i * 150;
    els.push(`<bpmn:sequenceFlow id="f${i}" sourceRef="${prev}" targetRef="${id}" />`);
    const out = i === n - 1 ? 'fEnd' : `f${i + 1}`;
    els.push(`<bpmn:userTask id="${id}" name="审核第${i}步" camunda:formKey="approval" camunda:candidateGroups="archivist" camunda:dueDate="P3D"><bpmn:incoming>f${i}</bpmn:incoming><bpmn:outgoing>${out}</bpmn:outgoing></bpmn:userTask>`);
    di.push(`<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x}" y="0" width="100" height="80" /></bpmndi:BPMNShape>`);
    di.push(`<bpmndi:BPMNEdge id="f${i}_di" bpmnElement="f${i}"><di:waypoint x="${x - 50}" y="40" /><di:waypoint x="${x}" y="40" /></bpmndi:BPMNEdge>`);
    prev = id;
  }
  els.push(`<bpmn:sequenceFlow id="fEnd" sourceRef="${prev}" targetRef="end" /><bpmn:endEvent id="end" name="结束"><bpmn:incoming>fEnd</bpmn:incoming></bpmn:endEvent>`);
  di.push(`<bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="${100 + n * 150}" y="20" width="36" height="36" /></bpmndi:BPMNShape>`);
  di.push(`<bpmndi:BPMNEdge id="fEnd_di" bpmnElement="fEnd"><di:waypoint x="${n * 150}" y="40" /><di:waypoint x="${100 + n * 150}" y="40" /></bpmndi:BPMNEdge>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://dangan.example/processes">
<bpmn:process id="bigChain" name="大流程" isExecutable="true" camunda:candidateStarterGroups="applicant">
<bpmn:startEvent id="start" name="开始"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
${els.join('\n')}
</bpmn:process>
<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="bigChain">
${di.join('\n')}
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

async function check(xml: string): Promise<number> {
  const t0 = performance.now();
  const r = await validateBpmn(xml, ctx);
  if (r.parsed) carriedFormFindings(r.parsed.rootElement, forms);
  return performance.now() - t0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of ['borrowing.bpmn', 'transfer.bpmn']) {
    const xml = fs.readFileSync(path.join(root, f), 'utf8');
    await check(xml);
    console.log(`${f.padEnd(16)} ${(Buffer.byteLength(xml) / 1000).toFixed(0).padStart(6)} kB  ${(await check(xml)).toFixed(0).padStart(6)} ms`);
  }
  for (const n of [100, 200, 400, 800, 1600, 3400]) {
    const xml = chainDiagram(n);
    console.log(`chain of ${String(n).padEnd(6)} ${(Buffer.byteLength(xml) / 1000).toFixed(0).padStart(6)} kB  ${(await check(xml)).toFixed(0).padStart(6)} ms`);
  }
}
