// Form schemas in the browser: the shared types (shared/forms.ts, the same the server validates
// with) and helpers for rendering. Custom widgets are chosen by form-js "custom properties":
// properties.widget = 'cadre' | 'org-unit' (with properties.custodian = 'true').
export { STATIC, type Data, type FormComponent, type FormSchema, type FormValue } from '../../../../shared/forms.ts';
import type { FormComponent } from '../../../../shared/forms.ts';
import { STATIC } from '../../../../shared/forms.ts';

export const widgetOf = (c: FormComponent): string | undefined => c.properties?.widget;

export function hasConditionals(components: FormComponent[]): boolean {
  return components.some((c) => !!c.conditional?.hide || (c.components ? hasConditionals(c.components) : false));
}

/** Every component with a value, groups flattened (dynamic lists kept as one entry). */
export function valueFields(components: FormComponent[]): FormComponent[] {
  return components.flatMap((c) => {
    if (STATIC.has(c.type)) return [];
    if (c.type === 'group' || (c.type === 'dynamiclist' && !c.path)) return valueFields(c.components ?? []);
    return c.key || c.path ? [c] : [];
  });
}
