// Forms versioned with the process: which schema a new version carries for each form key it names,
// and which schema a step of a deployed version shows. The rules are in README "Deploying".
import type { Q } from '../db.ts';
import type { FormSchema } from '../../shared/forms.ts';
import type { Definitions, FormSource, LoadedDefinition } from './definitions.ts';
import type { FormRegistry } from './forms.ts';
import * as store from './store.ts';

/**
 * Where the forms of a new version come from. 'files': processes/forms/ first (the shipped
 * processes at start-up), 'previous': the latest version of the same process first (an
 * administrator's edit keeps the forms edited before); then the other, then the newest deployed
 * schema of the key (a form created in the browser for another process). `given` wins over all.
 */
export function formSource(
  q: Q,
  definitions: Definitions,
  files: FormRegistry,
  prefer: 'files' | 'previous',
  given: Record<string, FormSchema> = {},
): FormSource {
  return async (keys, processKey) => {
    const out: Record<string, FormSchema> = {};
    const latest = await store.latestDeployment(q, processKey);
    const previous = latest ? (await definitions.load(q, latest.id)).forms : new Map<string, FormSchema>();
    const newest = new Map((await store.newestDeployedForms(q)).map((f) => [f.form_key, f.schema]));
    for (const k of keys) {
      const file = files.get(k);
      const prev = previous.get(k);
      const found = given[k] ?? (prefer === 'files' ? (file ?? prev) : (prev ?? file));
      const newestSchema = newest.get(k);
      if (found) out[k] = found;
      else if (newestSchema) out[k] = JSON.parse(newestSchema) as FormSchema;
    }
    return out;
  };
}

/** The form a step of this version shows: its own copy, else the installation's file. */
export const formOf = (def: LoadedDefinition, files: FormRegistry, key: string): FormSchema | undefined =>
  def.forms.get(key) ?? files.get(key);
