// Parsing BPMN XML with the camunda descriptor. Warnings from the parser are errors here:
// a diagram that does not parse cleanly is not deployed.
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

export const moddleOptions = { camunda };

export interface Parsed {
  rootElement: any;
  /** The full moddle context (references, element map) for serialisation. */
  moddleContext: any;
  warnings: string[];
}

export async function parseBpmn(xml: string): Promise<Parsed> {
  const moddle = new BpmnModdle(moddleOptions);
  const result = await moddle.fromXML(xml.trim());
  const warnings = (result.warnings ?? []).map((w: { message: string }) => w.message);
  return { rootElement: result.rootElement, moddleContext: result, warnings };
}

/** The one executable process of a parsed diagram (the lint refuses any other number), if any. */
export function executableProcess(root: any): any | undefined {
  return (root?.rootElements ?? []).find((e: any) => e.$type === 'bpmn:Process' && e.isExecutable);
}
