// The form-js schema subset that Dangan's forms use (processes/forms/*.form.json): the same
// component types the server validates (server/engine/forms.ts). Custom widgets are chosen by
// form-js "custom properties": properties.widget = 'cadre' | 'org-unit' (properties.custodian = 'true').
export interface FormValue {
  label: string;
  value: string;
}

export interface FormComponent {
  type: string;
  id?: string;
  key?: string;
  path?: string;
  label?: string;
  description?: string;
  text?: string;
  values?: FormValue[];
  validate?: { required?: boolean; minLength?: number; maxLength?: number; min?: number; max?: number; pattern?: string };
  conditional?: { hide?: string };
  subtype?: string;
  components?: FormComponent[];
  decimalDigits?: number;
  increment?: number;
  readonly?: boolean;
  disabled?: boolean;
  properties?: Record<string, string>;
}

export interface FormSchema {
  id?: string;
  type: string;
  components: FormComponent[];
}

export type Data = Record<string, unknown>;

/** Types that carry no value (shown or skipped). */
export const STATIC = new Set(['text', 'spacer', 'separator', 'image', 'html', 'button', 'iframe', 'table', 'expression']);

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
