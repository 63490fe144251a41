// Versioned deployments and the parsed-definition cache. A deployment is immutable, so its parsed
// form (bpmn-engine's serialised source context and our element metadata) is built once per
// version and shared by every command on every instance of that version.
import { createHash, randomUUID } from 'node:crypto';
import * as Elements from 'bpmn-elements';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import type { Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import { parseBpmn } from './moddle.ts';
import { ClockedTimerEventDefinition } from './timer-definition.ts';
import { validateBpmn, type Finding } from './lint/validate.ts';
import type { DanganLintContext } from './lint/rules.ts';
import * as store from './store.ts';
import type { DeploymentRow } from './store.ts';

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
}

export interface LoadedDefinition {
  deployment: DeploymentRow;
  sourceContext: unknown;
  meta: DefinitionMeta;
}

const typeResolver = TypeResolver({ ...(Elements as any), TimerEventDefinition: ClockedTimerEventDefinition });

function extractMeta(root: any): DefinitionMeta {
  const proc = (root.rootElements ?? []).find((e: any) => e.$type === 'bpmn:Process' && e.isExecutable);
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
        formKey: el.formKey,
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
    startFormKey: start?.formKey,
    elements,
    documentation: (proc.documentation ?? []).map((d: any) => d.text).join('\n') || undefined,
    hasTimers,
  };
}

async function buildDefinition(deployment: DeploymentRow): Promise<LoadedDefinition> {
  const parsed = await parseBpmn(deployment.xml);
  const sourceContext = serializer(parsed.moddleContext, typeResolver);
  return { deployment, sourceContext, meta: extractMeta(parsed.rootElement) };
}

export class Definitions {
  private readonly cache = new Map<string, Promise<LoadedDefinition>>();

  constructor(
    private readonly clock: Clock,
    private readonly lintContext: () => Promise<DanganLintContext>,
  ) {}

  /** The parsed definition of a deployment, from the cache after the first use. */
  load(q: Q, deploymentId: string): Promise<LoadedDefinition> {
    let p = this.cache.get(deploymentId);
    if (!p) {
      p = store.findDeployment(q, deploymentId).then((row) => {
        if (!row) throw errors.notFound('Deployment');
        return buildDefinition(row);
      });
      p.catch(() => this.cache.delete(deploymentId));
      this.cache.set(deploymentId, p);
    }
    return p;
  }

  async latest(q: Q, processKey: string): Promise<LoadedDefinition> {
    const row = await store.latestDeployment(q, processKey);
    if (!row) throw errors.notFound('Process');
    return this.load(q, row.id);
  }

  async validate(xml: string) {
    return validateBpmn(xml, await this.lintContext());
  }

  /**
   * Validates and stores a new version. Deploying XML identical to the latest version of the same
   * key returns that version instead of creating a new one (start-up deploys stay idempotent).
   */
  async deploy(
    q: Q,
    xml: string,
    actorId: number | null,
    note?: string,
  ): Promise<{ deployment: DeploymentRow; created: boolean; warnings: Finding[] }> {
    const result = await this.validate(xml);
    if (!result.ok) throw errors.bpmnInvalid(result.errors);
    const meta = extractMeta(result.parsed!.rootElement);
    const sha256 = createHash('sha256').update(xml).digest('hex');
    const latest = await store.latestDeployment(q, meta.processId);
    if (latest && latest.sha256 === sha256) return { deployment: latest, created: false, warnings: result.warnings };
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
    return { deployment: row, created: true, warnings: result.warnings };
  }
}
