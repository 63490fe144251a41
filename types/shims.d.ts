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
