// Deploy-time validation: parse (warnings are errors), then the lint of linter.ts (bpmnlint's
// recommended rules and ours, the same code the modeler runs in the browser). Returns every
// finding so that the 422 answer lists them all.
import { parseBpmn } from '../moddle.ts';
import { lintDefinitions, type Finding } from './linter.ts';
import type { DanganLintContext } from './rules.ts';

export type { Finding } from './linter.ts';

export interface ValidationResult {
  ok: boolean;
  errors: Finding[];
  warnings: Finding[];
  parsed?: Awaited<ReturnType<typeof parseBpmn>>;
}

export async function validateBpmn(xml: string, ctx: DanganLintContext): Promise<ValidationResult> {
  let parsed;
  try {
    parsed = await parseBpmn(xml);
  } catch (e) {
    const f: Finding = { rule: 'parse', message: `无法解析 BPMN / ${(e as Error).message}`, category: 'error' };
    return { ok: false, errors: [f], warnings: [] };
  }
  const errors: Finding[] = parsed.warnings.map((message) => ({ rule: 'parse', message, category: 'error' as const }));
  const lint = await lintDefinitions(parsed.rootElement, ctx);
  errors.push(...lint.errors);
  return { ok: errors.length === 0, errors, warnings: lint.warnings, parsed };
}
