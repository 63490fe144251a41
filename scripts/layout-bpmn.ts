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

for (const file of process.argv.slice(2)) {
  const laid = await layoutProcess(await withFlowRefs(fs.readFileSync(file, 'utf8')));
  fs.writeFileSync(file, laid.endsWith('\n') ? laid : laid + '\n');
  console.log(`laid out ${file}`);
}
