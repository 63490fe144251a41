// The part of the deploy-time check that needs the forms a version would carry: a named form that
// nothing supplies, a step form carrying what the case is about, and what the diagram's FEEL reads
// that nothing on the way supplies (variables.ts). Which schema each key gets is the caller's
// business (the server: versioned-forms.ts; the modeler: the edited forms, then the latest
// version's, then the installation's). Pure, no Node APIs: the server runs it at deploy and in
// POST /api/admin/processes/validate, the modeler's live check in the browser, word for word.
import type { FormSchema } from '../../../shared/forms.ts';
import { CASE_KEYS } from '../../../shared/form-schema.ts';
import { executableProcess } from '../moddle.ts';
import { ENGINE_VARIABLES, SERVICE_OUTPUTS } from '../service-outputs.ts';
import type { Finding } from './linter.ts';
import { formKeyValue } from './rules.ts';
import { checkStepForms, checkVariables } from './variables.ts';
import { checkConditionSamples } from './condition-samples.ts';

/** Form keys the diagram names (start events and user tasks, sorted): literal or FEEL constants (="approval"). */
export function namedFormKeys(root: unknown): string[] {
  const keys = new Set<string>();
  const walk = (container: any) => {
    for (const el of container?.flowElements ?? []) {
      const k = formKeyValue(el.formKey);
      if (k && (el.$type === 'bpmn:UserTask' || el.$type === 'bpmn:StartEvent')) keys.add(k);
      if (el.flowElements) walk(el);
    }
  };
  walk(executableProcess(root));
  return [...keys].sort();
}

/**
 * What is wrong with a (linted) diagram given the forms its version would carry: every named form
 * without a schema; when all have one, the step forms' reserved keys and the variables read.
 */
export function carriedFormFindings(root: unknown, carried: Record<string, FormSchema>): Finding[] {
  const missing = namedFormKeys(root).filter((k) => !carried[k]);
  if (missing.length) return missing.map((k) => ({ rule: 'known-forms', message: `未知表单 / Unknown form "${k}"`, category: 'error' }));
  const vctx = { serviceOutputs: SERVICE_OUTPUTS, engineVariables: ENGINE_VARIABLES };
  return [...checkStepForms(root, carried, CASE_KEYS), ...checkVariables(root, carried, vctx), ...checkConditionSamples(root, carried, vctx)];
}
