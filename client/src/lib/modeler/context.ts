// What the modeler knows of the installation: the lint context of the server (services, roles,
// forms, decision tables, timer limits), the forms edited in this session, and whether the
// process key is fixed. Handed to bpmn-js as the service 'danganContext' and to the live check.
import type { DanganLintContext } from '../../../../server/engine/lint/rules.ts';
import { paren } from '../format/punct.ts';

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
  ) {}

  /**
   * Roles a step may name: the business roles the server's lint context lists — never the three
   * administrators nor the process administrator, who take no business steps.
   */
  roleOptions(): RoleOption[] {
    return this.lint.roles.map((r) => ({ value: r, label: `${this.roleLabel(r)}${paren(this.locale(), r)}` }));
  }

  formOptions(): RoleOption[] {
    return [...new Set([...this.lint.forms, ...this.draftForms])].sort().map((f) => ({ value: f, label: f }));
  }

  /** The lint context including the forms of this session. */
  lintContext(): DanganLintContext {
    return { ...this.lint, forms: [...new Set([...this.lint.forms, ...this.draftForms])] };
  }
}

export const contextModule = (ctx: ModelerContext) => ({ danganContext: ['value', ctx] });
