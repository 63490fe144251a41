// What the modeler knows of the installation: the lint context of the server (services, roles,
// forms, decision tables, timer limits), the forms edited in this session, the forms a deployed
// version would carry, and whether the process key is fixed. Handed to bpmn-js as the service
// 'danganContext' and to the live check.
import type { DanganLintContext } from '../../../../server/engine/lint/rules.ts';
import type { FormSchema } from '../../../../shared/forms.ts';
import { paren } from '../format/punct.ts';

/** Where the schemas of a version's forms come from, in the order the deploy takes them. */
export interface FormSources {
  /** Edited in this session (the form editor's "apply"): they win, as `forms` of the deploy. */
  edited: () => Record<string, FormSchema>;
  /** The latest version's (empty for a new process). */
  base: Record<string, FormSchema>;
  /** The installation's: processes/forms/, else the newest deployed schema; null when none. */
  installation: (key: string) => Promise<FormSchema | null>;
}

export interface RoleOption {
  value: string;
  label: string;
}

export class ModelerContext {
  /** Form keys created in this editing session (not yet deployed anywhere). */
  readonly draftForms = new Set<string>();

  constructor(
    readonly lint: DanganLintContext,
    private readonly roleLabel: (code: string) => string,
    /** The key of the process being edited; null while creating a new one. */
    readonly lockedKey: string | null,
    /** The page's language, read at each label: "档案管理员（archivist）", "Archivist (archivist)". */
    private readonly locale: () => 'zh' | 'en' = () => 'zh',
    private readonly sources?: FormSources,
    /** What a form is for, in the page's language ("审批意见"); null for a form without one (made in the browser). */
    private readonly formTitle: (key: string) => string | null = () => null,
  ) {}

  /** The installation's schemas asked for so far, one request per key (a failed one is asked again). */
  private readonly fetched = new Map<string, Promise<FormSchema | null>>();

  /**
   * The schema a new version would carry for each key, as the deploy resolves it
   * (server/engine/versioned-forms.ts, 'previous'): edited, else the latest version's, else the
   * installation's. A key the installation does not know is left out (the lint names it first).
   */
  async carriedForms(keys: string[]): Promise<Record<string, FormSchema>> {
    const out: Record<string, FormSchema> = {};
    if (!this.sources) return out;
    const edited = this.sources.edited();
    const known = new Set(this.lint.forms);
    await Promise.all(
      keys.map(async (k) => {
        const schema = edited[k] ?? this.sources!.base[k] ?? (known.has(k) ? await this.installationForm(k) : null);
        if (schema) out[k] = schema;
      }),
    );
    return out;
  }

  private installationForm(key: string): Promise<FormSchema | null> {
    let p = this.fetched.get(key);
    if (!p) {
      p = this.sources!.installation(key);
      p.catch(() => this.fetched.delete(key));
      this.fetched.set(key, p);
    }
    return p;
  }

  /**
   * Roles a step may name: the business roles the server's lint context lists — never the three
   * administrators nor the process administrator, who take no business steps.
   */
  roleOptions(): RoleOption[] {
    return this.lint.roles.map((r) => ({ value: r, label: `${this.roleLabel(r)}${paren(this.locale(), r)}` }));
  }

  /** The forms a step may show: "审批意见（approval）", or the bare key of a form that has no title. */
  formOptions(): RoleOption[] {
    return [...new Set([...this.lint.forms, ...this.draftForms])].sort().map((f) => {
      const title = this.formTitle(f);
      return { value: f, label: title ? `${title}${paren(this.locale(), f)}` : f };
    });
  }

  /** The lint context including the forms of this session. */
  lintContext(): DanganLintContext {
    return { ...this.lint, forms: [...new Set([...this.lint.forms, ...this.draftForms])] };
  }
}

export const contextModule = (ctx: ModelerContext) => ({ danganContext: ['value', ctx] });
