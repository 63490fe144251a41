// Edits of a deployed diagram the way an administrator makes them in the modeler, for API tests:
// insert an approval step before the first user task (on the flow that leads to it), with its
// diagram shape and edge, so the result passes the deploy-time lint. Works on whatever borrowing
// diagram is deployed: it looks for the first user task reached from the start event.
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

export interface Step {
  id: string;
  name: string;
  role: string;
  formKey?: string;
  dueDate?: string;
}

/** The first user task on the way from the (blank) start event, breadth first. */
export function firstUserTask(process: any): any {
  const start = process.flowElements.find((e: any) => e.$type === 'bpmn:StartEvent' && !e.eventDefinitions?.length);
  const flows = process.flowElements.filter((e: any) => e.$type === 'bpmn:SequenceFlow');
  const queue = [start];
  const seen = new Set<string>();
  while (queue.length) {
    const el = queue.shift();
    if (!el || seen.has(el.id)) continue;
    seen.add(el.id);
    if (el.$type === 'bpmn:UserTask') return el;
    for (const f of flows) if (f.sourceRef === el) queue.push(f.targetRef);
  }
  throw new Error('no user task');
}

/** Roles that the diagram's user tasks already name. */
export async function rolesUsed(xml: string): Promise<Set<string>> {
  const moddle = new BpmnModdle({ camunda });
  const { rootElement } = await moddle.fromXML(xml);
  const out = new Set<string>();
  for (const r of rootElement.rootElements) {
    for (const e of r.flowElements ?? []) if (e.$type === 'bpmn:UserTask' && e.candidateGroups) out.add(e.candidateGroups);
  }
  return out;
}

export async function insertStepBeforeFirstTask(xml: string, step: Step): Promise<{ xml: string; before: string }> {
  const moddle = new BpmnModdle({ camunda });
  const { rootElement } = await moddle.fromXML(xml);
  const process = rootElement.rootElements.find((e: any) => e.$type === 'bpmn:Process' && e.isExecutable);
  const target = firstUserTask(process);
  const incoming = process.flowElements.find((e: any) => e.$type === 'bpmn:SequenceFlow' && e.targetRef === target);
  const task = moddle.create('bpmn:UserTask', {
    id: step.id,
    name: step.name,
    candidateGroups: step.role,
    formKey: step.formKey ?? 'approval',
    dueDate: step.dueDate ?? 'P3D',
  });
  const flow = moddle.create('bpmn:SequenceFlow', { id: `${step.id}_out`, sourceRef: task, targetRef: target });
  incoming.targetRef = task;
  task.incoming = [incoming];
  task.outgoing = [flow];
  flow.$parent = process;
  task.$parent = process;
  target.incoming = (target.incoming ?? []).filter((f: any) => f !== incoming).concat(flow);
  process.flowElements.push(task, flow);

  // Diagram: the new step below the target, and an edge from it to the target.
  const plane = rootElement.diagrams[0].plane;
  const targetShape = plane.planeElement.find((d: any) => d.bpmnElement === target);
  const b = targetShape.bounds;
  const shape = moddle.create('bpmndi:BPMNShape', {
    id: `${step.id}_di`,
    bpmnElement: task,
    bounds: moddle.create('dc:Bounds', { x: b.x, y: b.y + 160, width: 100, height: 80 }),
  });
  const edge = moddle.create('bpmndi:BPMNEdge', {
    id: `${step.id}_out_di`,
    bpmnElement: flow,
    waypoint: [moddle.create('dc:Point', { x: b.x + 50, y: b.y + 160 }), moddle.create('dc:Point', { x: b.x + 50, y: b.y + b.height })],
  });
  const inEdge = plane.planeElement.find((d: any) => d.bpmnElement === incoming);
  if (inEdge) {
    const first = inEdge.waypoint[0];
    inEdge.waypoint = [moddle.create('dc:Point', { x: first.x, y: first.y }), moddle.create('dc:Point', { x: first.x, y: b.y + 200 }), moddle.create('dc:Point', { x: b.x, y: b.y + 200 })];
  }
  plane.planeElement.push(shape, edge);
  return { xml: (await moddle.toXML(rootElement, { format: true })).xml, before: target.id };
}
