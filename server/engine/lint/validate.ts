// Deploy-time validation: parse (warnings are errors), then the lint of linter.ts (bpmnlint's
// recommended rules and ours, the same code the modeler runs in the browser). Returns every
// finding so that the 422 answer lists them all.
import { parseBpmn } from '../moddle.ts';
import { lintDefinitions, parseMessage, type Finding } from './linter.ts';
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
    const f: Finding = { rule: 'parse', message: parseMessage((e as Error).message), category: 'error' };
    return { ok: false, errors: [f], warnings: [] };
  }
  // The XML parser may report the same problem at each element it touches: once is enough.
  const errors: Finding[] = [...new Set(parsed.warnings.map(parseMessage))].map((message) => ({ rule: 'parse', message, category: 'error' as const }));
  const lint = await lintDefinitions(parsed.rootElement, ctx);
  errors.push(...lint.errors);
  return { ok: errors.length === 0, errors, warnings: lint.warnings, parsed };
}
