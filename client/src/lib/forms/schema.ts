// Form schemas in the browser: the shared types (shared/forms.ts, the same the server validates
// with) and helpers for rendering. Custom widgets are chosen by form-js "custom properties":
// properties.widget = 'cadre' | 'org-unit' (with properties.custodian = 'true').
export { STATIC, valueFields, type Data, type FormComponent, type FormSchema, type FormValue } from '../../../../shared/forms.ts';
import type { FormComponent } from '../../../../shared/forms.ts';

export const widgetOf = (c: FormComponent): string | undefined => c.properties?.widget;

export function hasConditionals(components: FormComponent[]): boolean {
  return components.some((c) => !!c.conditional?.hide || (c.components ? hasConditionals(c.components) : false));
}

