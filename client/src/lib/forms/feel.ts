// FEEL for conditional fields, loaded only when a form has a condition (it is not small).
import type { FormSchema } from './schema.ts';
import { hasConditionals } from './schema.ts';
import type { HideFn } from './validate.ts';

export async function loadHide(schema: FormSchema): Promise<HideFn | undefined> {
  if (!hasConditionals(schema.components)) return undefined;
  const { evaluate } = await import('@bpmn-io/feelin');
  return (expression, scope) => (evaluate(expression, scope) as { value: unknown }).value === true;
}
