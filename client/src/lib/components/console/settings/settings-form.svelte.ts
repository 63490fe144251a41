// The state of one settings form (系统设置 or 安全策略): the values in force as the server last
// answered, the user's draft, what differs, the server's refusals by field, and when it was last
// saved. Saving sends only what changed; the server's answer becomes the values in force.
import { errorText, fieldErrors } from '../../../api/errors.ts';
import { flatten, nest, same, type FieldDef, type FormDef, type Values } from './fields.ts';

type Nested = Record<string, Record<string, unknown>>;

export class SettingsForm {
  /** The values in force (null until loaded). */
  current = $state<Values | null>(null);
  draft = $state<Values>({});
  loadFailure = $state('');
  /** Field key → the server's refusal, in the user's language. */
  errors = $state<Record<string, string>>({});
  /** A refusal not tied to one field (a network failure, a 403). */
  failure = $state('');
  saving = $state(false);
  savedAt = $state<Date | null>(null);

  constructor(
    readonly def: FormDef,
    private readonly fetch: () => Promise<Nested>,
    private readonly put: (patch: Nested) => Promise<Nested>,
  ) {}

  get fields(): FieldDef[] {
    return this.def.groups.flatMap((g) => g.fields);
  }

  /** The keys whose draft differs from the value in force. */
  readonly changed = $derived(
    this.current ? this.fields.map((f) => f.key).filter((k) => !same(this.draft[k], this.current![k])) : [],
  );
  readonly dirty = $derived(this.changed.length > 0);

  async load(): Promise<void> {
    this.loadFailure = '';
    try {
      this.adopt(flatten(await this.fetch()));
    } catch (e) {
      this.loadFailure = errorText(e);
    }
  }

  private adopt(values: Values): void {
    this.current = values;
    this.draft = structuredClone(values);
  }

  revert(): void {
    if (this.current) this.draft = structuredClone($state.snapshot(this.current));
    this.errors = {};
    this.failure = '';
  }

  /** Sends the changes; true when the server took them all. */
  async save(): Promise<boolean> {
    const patch: Values = {};
    for (const k of this.changed) patch[k] = $state.snapshot(this.draft[k]);
    this.saving = true;
    this.failure = '';
    try {
      this.adopt(flatten(await this.put(nest(patch))));
      this.errors = {};
      this.savedAt = new Date();
      return true;
    } catch (e) {
      this.errors = fieldErrors(e);
      const known = new Set(this.fields.map((f) => f.key));
      const atFields = Object.keys(this.errors).length > 0 && Object.keys(this.errors).every((k) => known.has(k));
      this.failure = atFields ? '' : errorText(e);
      return false;
    } finally {
      this.saving = false;
    }
  }
}
