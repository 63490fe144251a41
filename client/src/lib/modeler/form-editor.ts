// The form-js editor, loaded lazily by the form dialog of the modeler page only (~130 kB gz).
// Every change is checked with shared/form-schema.ts — the same check the server runs before it
// stores a form — so the dialog can refuse what Dangan cannot render or validate.
import { FormEditor } from '@bpmn-io/form-js';
import '@bpmn-io/form-js/dist/assets/form-js.css';
import '@bpmn-io/form-js/dist/assets/form-js-editor.css';
import '@bpmn-io/form-js/dist/assets/properties-panel.css';
import './form-editor.css';
import { checkFormSchema, type FormFinding } from '../../../../shared/form-schema.ts';
import type { FormSchema } from '../../../../shared/forms.ts';

export interface OpenFormEditor {
  schema(): FormSchema;
  destroy(): void;
}

export async function openFormEditor(container: HTMLElement, schema: FormSchema, onCheck: (problems: FormFinding[]) => void): Promise<OpenFormEditor> {
  const editor = new FormEditor({ container });
  await editor.importSchema(schema);
  const current = () => editor.saveSchema() as FormSchema;
  const check = () => onCheck(checkFormSchema(current()));
  editor.on('changed', check);
  check();
  return {
    schema: current,
    destroy: () => editor.destroy(),
  };
}
