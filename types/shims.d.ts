// Packages without type declarations.
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<{ rootElement: any; references: any[]; warnings: any[]; elementsById: Record<string, any> }>;
    toXML(element: any, options?: Record<string, unknown>): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): any;
  }
}
declare module 'bpmn-auto-layout' {
  export function layoutProcess(xml: string): Promise<string>;
}
declare module 'dmn-moddle' {
  export class DmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<{ rootElement: any; warnings: any[] }>;
  }
}
declare module 'opentype.js' {
  export type PathCommand =
    | { type: 'M' | 'L'; x: number; y: number }
    | { type: 'Q'; x1: number; y1: number; x: number; y: number }
    | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
    | { type: 'Z' };
  export interface Path {
    commands: PathCommand[];
  }
  export interface Font {
    unitsPerEm: number;
    getPath(text: string, x: number, y: number, fontSize: number): Path;
    getAdvanceWidth(text: string, fontSize: number): number;
  }
  export function parse(buffer: ArrayBuffer): Font;
  const opentype: { parse: typeof parse };
  export default opentype;
}
declare module '@0dep/piso' {
  export class ISOInterval {
    constructor(source: string, enforceUTC?: boolean);
    parse(): { repeat?: number; getExpireAt(compareDate?: Date, startDate?: Date): Date };
  }
  export function getDate(isoDateSource: string, enforceUTC?: boolean): Date;
}
// bpmnlint ships CommonJS without declarations; the linter and rules are served statically
// (server/engine/lint/linter.ts).
declare module 'bpmnlint/lib/linter.js' {
  const Linter: new (options: { config?: unknown; resolver: unknown }) => { lint(root: unknown): Promise<Record<string, Array<{ id?: string; message: string; category: string }>>> };
  export default Linter;
}
declare module 'bpmnlint/config/recommended.js' {
  const config: { rules: Record<string, unknown> };
  export default config;
}
declare module 'bpmnlint/rules/*' {
  const rule: (config?: unknown) => unknown;
  export default rule;
}
// The modeler's packages (client/src/lib/modeler/) ship no declarations.
declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: any;
  export const BpmnPropertiesProviderModule: any;
  export function useService(name: string, strict?: boolean): any;
}
declare module '@bpmn-io/properties-panel' {
  export const Group: any;
  export function SelectEntry(props: any): any;
  export function TextFieldEntry(props: any): any;
  export function CheckboxEntry(props: any): any;
  export function isSelectEntryEdited(el: unknown): boolean;
  export function isTextFieldEntryEdited(el: unknown): boolean;
  export function isCheckboxEntryEdited(el: unknown): boolean;
}
declare module 'camunda-bpmn-js-behaviors/lib/camunda-platform' {
  const module: any;
  export default module;
}
