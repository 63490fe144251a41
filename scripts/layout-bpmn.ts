// Adds diagram layout (BPMN DI) to a process file, so that it opens in bpmn-js and passes the
// no-bpmndi rule. Hand-written XML lacks <incoming>/<outgoing> references, which the layouter
// needs; they are filled in from the sequence flows first.
// Usage: npx tsx scripts/layout-bpmn.ts processes/borrowing.bpmn [...]
import fs from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { layoutProcess } from 'bpmn-auto-layout';

async function withFlowRefs(xml: string): Promise<string> {
  const moddle = new BpmnModdle({ camunda });
  const { rootElement } = await moddle.fromXML(xml);
  const visit = (container: any) => {
    const flows = (container.flowElements ?? []).filter((e: any) => e.$type === 'bpmn:SequenceFlow');
    for (const el of container.flowElements ?? []) {
      el.incoming = [];
      el.outgoing = [];
    }
    for (const f of flows) {
      f.sourceRef.outgoing.push(f);
      f.targetRef.incoming.push(f);
    }
    for (const el of container.flowElements ?? []) if (el.flowElements) visit(el);
  };
  for (const root of rootElement.rootElements ?? []) if (root.$type === 'bpmn:Process') visit(root);
  rootElement.diagrams = [];
  return (await moddle.toXML(rootElement, { format: true })).xml;
}

/** The layouter stacks every boundary event of a task on one spot: spread them along its bottom edge. */
async function spreadBoundaryEvents(xml: string): Promise<string> {
  const moddle = new BpmnModdle({ camunda });
  const { rootElement } = await moddle.fromXML(xml);
  const plane = rootElement.diagrams?.[0]?.plane;
  if (!plane) return xml;
  const shapes = new Map<string, any>();
  const edges: any[] = [];
  for (const d of plane.planeElement ?? []) {
    if (d.$type === 'bpmndi:BPMNShape') shapes.set(d.bpmnElement.id, d);
    if (d.$type === 'bpmndi:BPMNEdge') edges.push(d);
  }
  const byHost = new Map<string, any[]>();
  for (const [, shape] of shapes) {
    const el = shape.bpmnElement;
    if (el.$type !== 'bpmn:BoundaryEvent' || !el.attachedToRef) continue;
    const list = byHost.get(el.attachedToRef.id) ?? [];
    list.push(el);
    byHost.set(el.attachedToRef.id, list);
  }
  for (const [hostId, events] of byHost) {
    const host = shapes.get(hostId)?.bounds;
    if (!host) continue;
    const need = events.length * 42 + 6;
    if (need > host.width) {
      // Widen the task so that its boundary events sit side by side; move its outgoing edges along.
      const oldRight = host.x + host.width;
      host.width = need;
      for (const e of edges) {
        if (e.bpmnElement.sourceRef?.id === hostId && e.waypoint?.[0]?.x === oldRight) e.waypoint[0].x = host.x + host.width;
      }
    }
    events.forEach((ev, i) => {
      const b = shapes.get(ev.id).bounds;
      b.x = Math.round(host.x + host.width / 2 + (i - (events.length - 1) / 2) * 42 - b.width / 2);
      b.y = Math.round(host.y + host.height - b.height / 2);
      for (const e of edges) {
        if (e.bpmnElement.sourceRef?.id !== ev.id || !e.waypoint?.length) continue;
        const first = e.waypoint[0];
        first.x = b.x + b.width / 2;
        first.y = b.y + b.height;
        if (e.waypoint.length > 1) e.waypoint[1].x = first.x;
        if (e.waypoint.length === 2) e.waypoint.splice(1, 0, moddle.create('dc:Point', { x: first.x, y: e.waypoint[1].y }));
      }
    });
  }
  return (await moddle.toXML(rootElement, { format: true })).xml;
}

for (const file of process.argv.slice(2)) {
  const laid = await spreadBoundaryEvents(await layoutProcess(await withFlowRefs(fs.readFileSync(file, 'utf8'))));
  fs.writeFileSync(file, laid.endsWith('\n') ? laid : laid + '\n');
  console.log(`laid out ${file}`);
}
