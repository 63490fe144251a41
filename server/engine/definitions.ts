// Versioned deployments and the parsed-definition cache. A deployment is immutable, so its parsed
// form (bpmn-engine's serialised source context and our element metadata) is built once per
// version and shared by every command on every instance of that version.
import { createHash, randomUUID } from 'node:crypto';
import * as Elements from 'bpmn-elements';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import type { Q } from '../db.ts';
import type { FormSchema } from '../../shared/forms.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import { executableProcess, parseBpmn } from './moddle.ts';
import { ClockedTimerEventDefinition } from './timer-definition.ts';
import { BooleanSequenceFlow } from './conditions.ts';
import { validateBpmn, type Finding } from './lint/validate.ts';
import { formKeyValue, type DanganLintContext } from './lint/rules.ts';
import { carriedFormFindings, namedFormKeys } from './lint/carried-forms.ts';
import * as store from './store.ts';
import type { DeploymentFormRow, DeploymentRow } from './store.ts';

export interface ElementInfo {
  id: string;
  type: string;
  name: string;
  assignee?: string;
  candidateGroups?: string;
  formKey?: string;
  dueDate?: string;
  decisionRef?: string;
  resultVariable?: string;
  /** Event definition kinds of an event element: 'message', 'timer', … */
  events?: string[];
}

export interface DefinitionMeta {
  processId: string;
  processName: string;
  starters: string[];
  startFormKey?: string;
  elements: Map<string, ElementInfo>;
  /** The process's documentation text, shown in OpenAPI and the UI. */
  documentation?: string;
  /** Whether any timer event exists (else the jobs table need not be consulted). */
  hasTimers: boolean;
  /** Form keys the diagram names literally (start event and user tasks); FEEL keys resolve at run time. */
  formKeys: string[];
}

export interface LoadedDefinition {
  deployment: DeploymentRow;
  sourceContext: unknown;
  meta: DefinitionMeta;
  /** The forms this version carries (empty for versions deployed before forms were versioned). */
  forms: Map<string, FormSchema>;
}

/** Finds the schema of each form key a new version names; the caller decides where forms come from. */
export type FormSource = (keys: string[], processKey: string) => Promise<Record<string, FormSchema>>;

export const formSha = (schema: FormSchema): string => createHash('sha256').update(JSON.stringify(schema)).digest('hex');

const typeResolver = TypeResolver({ ...(Elements as any), TimerEventDefinition: ClockedTimerEventDefinition, SequenceFlow: BooleanSequenceFlow });

function extractMeta(root: any): DefinitionMeta {
  const proc = executableProcess(root);
  if (!proc) throw errors.bpmnInvalid([{ rule: 'single-executable-process', message: 'No executable process' }]);
  const elements = new Map<string, ElementInfo>();
  let hasTimers = false;
  const walk = (container: any) => {
    for (const el of container.flowElements ?? []) {
      if ((el.eventDefinitions ?? []).some((d: any) => d.$type === 'bpmn:TimerEventDefinition')) hasTimers = true;
      elements.set(el.id, {
        id: el.id,
        type: el.$type,
        name: el.name ?? el.id,
        assignee: el.assignee,
        candidateGroups: el.candidateGroups,
        // A FEEL constant (="approval") as its text; keys computed from variables are refused at deploy.
        formKey: formKeyValue(el.formKey) ?? el.formKey,
        dueDate: el.dueDate,
        decisionRef: el.decisionRef,
        resultVariable: el.resultVariable,
        events: (el.eventDefinitions ?? []).map((d: any) => String(d.$type).replace(/^bpmn:/, '').replace(/EventDefinition$/, '').toLowerCase()),
      });
      if (el.flowElements) walk(el);
    }
  };
  walk(proc);
  const start = (proc.flowElements ?? []).find((e: any) => e.$type === 'bpmn:StartEvent' && !e.eventDefinitions?.length);
  return {
    processId: proc.id,
    processName: proc.name ?? proc.id,
    starters: String(proc.candidateStarterGroups ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    startFormKey: formKeyValue(start?.formKey) ?? start?.formKey,
    elements,
    documentation: (proc.documentation ?? []).map((d: any) => d.text).join('\n') || undefined,
    hasTimers,
    formKeys: namedFormKeys(root),
  };
}

async function buildDefinition(deployment: DeploymentRow, formRows: DeploymentFormRow[]): Promise<LoadedDefinition> {
  const parsed = await parseBpmn(deployment.xml);
  const sourceContext = serializer(parsed.moddleContext, typeResolver);
  const forms = new Map(formRows.map((f) => [f.form_key, JSON.parse(f.schema) as FormSchema]));
  return { deployment, sourceContext, meta: extractMeta(parsed.rootElement), forms };
}

/** Same forms: the same keys with the same content. A version without stored forms predates them. */
function sameForms(stored: DeploymentFormRow[], next: Record<string, FormSchema>): boolean {
  if (!stored.length) return true;
  const keys = Object.keys(next);
  return stored.length === keys.length && stored.every((r) => next[r.form_key] !== undefined && formSha(next[r.form_key]) === r.sha256);
}

export class Definitions {
  private readonly cache = new Map<string, Promise<LoadedDefinition>>();

  constructor(
    private readonly clock: Clock,
    /** The installation's lint context; with `q`, forms deployed earlier count as known too. */
    private readonly lintContext: (q?: Q) => Promise<DanganLintContext>,
    /** Where forms come from when the caller names no source: the files of processes/forms first. */
    private readonly defaultForms: (q: Q) => FormSource,
  ) {}

  /** The parsed definition of a deployment, from the cache after the first use. */
  load(q: Q, deploymentId: string): Promise<LoadedDefinition> {
    let p = this.cache.get(deploymentId);
    if (!p) {
      p = Promise.all([store.findDeployment(q, deploymentId), store.formsOfDeployment(q, deploymentId)]).then(([row, forms]) => {
        if (!row) throw errors.notFound('Deployment');
        return buildDefinition(row, forms);
      });
      p.catch(() => this.cache.delete(deploymentId));
      this.cache.set(deploymentId, p);
    }
    return p;
  }

  async latest(q: Q, processKey: string): Promise<LoadedDefinition> {
    const id = await store.latestDeploymentId(q, processKey);
    if (!id) throw errors.notFound('Process');
    return this.load(q, id);
  }

  /** The lint of a deployment; `extraFormKeys` are forms that come with it (edited in the browser). */
  async validate(xml: string, opts: { q?: Q; extraFormKeys?: string[] } = {}) {
    const ctx = await this.lintContext(opts.q);
    const extraFormKeys = opts.extraFormKeys ?? [];
    return validateBpmn(xml, { ...ctx, forms: [...new Set([...ctx.forms, ...extraFormKeys])] });
  }

  /**
   * The forms a version of this (linted) diagram would carry, taken from `forms`, and what is wrong
   * with them (lint/carried-forms.ts, which the modeler's live check runs too): a form named that
   * nothing supplies, then what the FEEL reads that no form supplies.
   */
  async carriedForms(root: unknown, forms: FormSource): Promise<{ meta: DefinitionMeta; carried: Record<string, FormSchema>; findings: Finding[] }> {
    const meta = extractMeta(root);
    const carried = await forms(meta.formKeys, meta.processId);
    return { meta, carried, findings: carriedFormFindings(root, carried) };
  }

  /**
   * Validates and stores a new version with the forms it names (from `forms`). Deploying the XML
   * and forms of the latest version of the same key returns that version instead of creating a
   * new one (start-up deploys stay idempotent; a changed form file alone makes a new version).
   * `shipped` (the start-up's deploy of processes/<key>.bpmn): when a person deployed the latest
   * version, it stays the latest and nothing is stored.
   */
  async deploy(
    q: Q,
    xml: string,
    actorId: number | null,
    note?: string,
    opts: { forms?: FormSource; extraFormKeys?: string[]; shipped?: boolean } = {},
  ): Promise<{ deployment: DeploymentRow; created: boolean; warnings: Finding[]; held?: boolean }> {
    const result = await this.validate(xml, { q, extraFormKeys: opts.extraFormKeys });
    const forms = opts.forms ?? this.defaultForms(q);
    if (!result.ok) throw errors.bpmnInvalid(result.errors);
    const { meta, carried, findings } = await this.carriedForms(result.parsed!.rootElement, forms);
    if (findings.length) throw errors.bpmnInvalid(findings);
    const sha256 = createHash('sha256').update(xml).digest('hex');
    const latest = await store.latestDeployment(q, meta.processId);
    if (opts.shipped && latest && latest.deployed_by !== null) {
      // A person's version is the latest: the shipped file never replaces it. `held`: the file
      // differs from the last version the system deployed (an upgrade brought a new one).
      const shipped = await store.latestShippedDeployment(q, meta.processId);
      const held = !shipped || shipped.sha256 !== sha256 || !sameForms(await store.formsOfDeployment(q, shipped.id), carried);
      return { deployment: latest, created: false, warnings: result.warnings, held };
    }
    if (latest && latest.sha256 === sha256 && sameForms(await store.formsOfDeployment(q, latest.id), carried)) {
      return { deployment: latest, created: false, warnings: result.warnings };
    }
    const row: DeploymentRow = {
      id: randomUUID(),
      process_key: meta.processId,
      version: (latest?.version ?? 0) + 1,
      name: meta.processName,
      xml,
      sha256,
      deployed_by: actorId,
      deployed_at: iso(this.clock.now()),
      note: note ?? null,
    };
    await store.insertDeployment(q, row);
    await store.insertDeploymentForms(
      q,
      meta.formKeys.map((k) => ({ deployment_id: row.id, form_key: k, schema: JSON.stringify(carried[k]), sha256: formSha(carried[k]) })),
    );
    return { deployment: row, created: true, warnings: result.warnings };
  }
}
