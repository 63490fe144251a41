// What the modeler's live check finds in a parsed diagram, without the canvas (lint.ts shows it):
// parser warnings and the lint of server/engine/lint/linter.ts — the module the server runs at
// deploy time — and, once those found no error (as the server orders it), what the diagram reads
// against the forms the version would carry (server/engine/lint/carried-forms.ts), as the deploy
// and POST /api/admin/processes/validate do. No DOM: node tests run it against the API.
import { lintDefinitions, parseMessage, type Finding } from '../../../../server/engine/lint/linter.ts';
import { carriedFormFindings, namedFormKeys } from '../../../../server/engine/lint/carried-forms.ts';
import type { DanganLintContext } from '../../../../server/engine/lint/rules.ts';
import type { FormSchema } from '../../../../shared/forms.ts';

export type { Finding };

export interface CheckResult {
  errors: Finding[];
  warnings: Finding[];
}

/** The schemas the version would carry for these form keys (a key without one is left out). */
export type CarriedForms = (keys: string[]) => Promise<Record<string, FormSchema>>;

/** User-timing names of the check (DevTools' Performance panel; the browser test reads them). */
export const CHECK_MEASURE = 'dangan:live-check';
export const CARRIED_MEASURE = 'dangan:live-check-carried-forms';

export const FORMS_UNAVAILABLE =
  '未能取得表单，这次没有核对条件、期限等读取的变量；部署时仍会核对 / The forms could not be fetched, so what the conditions, due dates … read was not checked this time; deploying still checks it';

/** Keeps the last check's time only: one entry per name, however long the page stays open. */
export function measure(name: string, start: number): void {
  performance.clearMeasures(name);
  performance.measure(name, { start, end: performance.now() });
}

export async function checkParsed(parsed: { rootElement: any; warnings: Array<{ message: string }> }, ctx: DanganLintContext, forms?: CarriedForms): Promise<CheckResult> {
  const errors: Finding[] = [...new Set(parsed.warnings.map((w) => parseMessage(w.message)))].map((message) => ({ rule: 'parse', message, category: 'error' as const }));
  const lint = await lintDefinitions(parsed.rootElement, ctx);
  errors.push(...lint.errors);
  const warnings = [...lint.warnings];
  if (!errors.length && forms) {
    let carried: Record<string, FormSchema> | null = null;
    try {
      carried = await forms(namedFormKeys(parsed.rootElement));
    } catch {
      // Not an error of the diagram: the deploy checks it anyway, and the next check asks again.
      warnings.push({ rule: 'variables-supplied', message: FORMS_UNAVAILABLE, category: 'warn' });
    }
    if (carried) {
      const started = performance.now();
      errors.push(...carriedFormFindings(parsed.rootElement, carried));
      measure(CARRIED_MEASURE, started);
    }
  }
  return { errors, warnings };
}
