// The workflow runtime's public face. Every command takes the caller's transaction: the caller
// (a domain service) owns it and writes its own rows and the audit row into it, so a command and
// everything it causes commit or roll back together. The runtime knows no archive rule.
import { randomUUID } from 'node:crypto';
import type { Db, Q, Trx } from '../db.ts';
import { parseJson } from '../db.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import { Definitions, type FormSource, type LoadedDefinition } from './definitions.ts';
import { FormRegistry, validateAgainst } from './forms.ts';
import type { FormSchema } from '../../shared/forms.ts';
import { formOf, formSource } from './versioned-forms.ts';
import { CASE_KEYS, ENGINE_RESERVED } from '../../shared/form-schema.ts';
import { ProcessError, Run } from './run.ts';
import { DecisionRegistry, evaluateDecision } from './decisions.ts';
import { closeIncidentsOf, faultAnswer, IncidentRecorder, incidentMessage, isDiagramFault, JobFault, type IncidentListener } from './incidents.ts';
import { feelContext } from './expressions.ts';
import { notStarter } from './starters.ts';
import * as store from './store.ts';
import type { InstanceRow, TaskRow } from './store.ts';
import type { Actor, BlockedChoice, EngineDeps } from './types.ts';
import type { DanganLintContext } from './lint/rules.ts';

export type { Actor } from './types.ts';
export { ServiceRegistry, EngineHooks } from './types.ts';
export type { BlockedChoice } from './types.ts';

/** 转办 to someone who cannot take the task: one answer for every reason, so none is revealed. */
export const reassignTargetRefused = () => errors.rule('reassign-target', '所选人员不能办理此环节 / The chosen person cannot work on this step');

export interface EngineOptions extends EngineDeps {
  forms: FormRegistry;
  /** Folder of the DMN decision tables (processes/decisions). */
  decisionsDir: string;
  roles: string[];
  /**
   * The root handle: a fault of the diagram in a command on a running case is recorded as an
   * incident in a transaction of its own once the command's has rolled back (incidents.ts).
   * Unset (the benchmark): faults are only answered.
   */
  db?: Db;
  /** Told of each new incident, inside its transaction (the process administrators' notice). */
  onIncident?: IncidentListener;
}

export interface StartResult {
  id: string;
  processKey: string;
  version: number;
  status: string;
  businessKey: string | null;
  activeElements: string[];
  /** The deployment's process name and the variables after the start: for the domain's own rows, not for the API. */
  processName: string;
  variables: Record<string, unknown>;
}

/** Keys the engine sets itself; forms and callers may not overwrite them. */
const RESERVED = new Set(ENGINE_RESERVED);
/** What the case is about (shared/form-schema.ts CASE_KEYS): set at the start, never by a later step. */
const CASE_RESERVED = new Set(CASE_KEYS);

export class WorkflowEngine {
  readonly definitions: Definitions;
  private readonly decisionsLoaded: Promise<DecisionRegistry>;
  private readonly incidents: IncidentRecorder;

  constructor(private readonly opts: EngineOptions) {
    this.incidents = new IncidentRecorder(opts.db, opts.clock, opts.onIncident, (facts, message) => opts.warn?.(facts, message));
    this.definitions = new Definitions(opts.clock, (q) => this.lintContext(q), (q) => this.formSource(q, 'files'));
    this.decisionsLoaded = DecisionRegistry.load(opts.decisionsDir);
    this.decisionsLoaded.catch(() => undefined);
    // The one built-in service: a business rule task evaluates its decision table (FEEL only).
    opts.services.register('decide', async (ctx) => {
      const { decisionRef, resultVariable } = ctx.element;
      const table = decisionRef ? (await this.decisionsLoaded).get(decisionRef) : undefined;
      if (!table || !resultVariable) throw new ProcessError(`Decision "${decisionRef}" is not available for ${ctx.elementId}`);
      return { [resultVariable]: evaluateDecision(table, feelContext(ctx.variables, opts.params)) };
    });
  }

  decisions(): Promise<DecisionRegistry> {
    return this.decisionsLoaded;
  }

  /** Resolves once the incidents of failed commands so far are written (they follow the rollback). */
  incidentsSettled(): Promise<void> {
    return this.incidents.settled();
  }

  /**
   * A command on a live case failed. A fault of the diagram becomes an incident at the element it
   * happened (written after `trx` has ended) and the user is told their action was not saved; a
   * domain's refusal passes unchanged. `acted`: the execution the command acted on.
   */
  private faulted(trx: Trx, e: unknown, run: Run | undefined, instanceId: string, acted: { elementId: string; executionId: string }): unknown {
    if (!isDiagramFault(e) || !run) return e;
    const site = run.faultSite ?? { elementId: acted.elementId, executionId: acted.executionId };
    const name = run.def.meta.elements.get(site.elementId)?.name ?? null;
    const error = incidentMessage(e, site.elementId, name);
    this.opts.warn?.({ instanceId, elementId: site.elementId, err: error }, 'process fault');
    this.incidents.afterRollback(trx, { instanceId, elementId: site.elementId, executionId: acted.executionId, error });
    return faultAnswer(e, name ?? site.elementId, this.incidents.enabled);
  }

  get forms(): FormRegistry {
    return this.opts.forms;
  }

  /** What the lint rules know of this installation; with `q`, forms deployed earlier count too. */
  async lintContext(q?: Q): Promise<DanganLintContext> {
    const deployed = q ? (await store.newestDeployedForms(q)).map((f) => f.form_key) : [];
    return {
      services: this.opts.services.names(),
      messages: this.opts.services.messageSteps(),
      roles: this.opts.roles,
      forms: [...new Set([...this.opts.forms.keys(), ...deployed])].sort(),
      decisions: (await this.decisionsLoaded).ids(),
      timerMinCycleSeconds: this.opts.timerMinCycleSeconds,
      timerMaxRepetitions: this.opts.timerMaxRepetitions,
      assignees: q && this.opts.assignableUsers ? await this.opts.assignableUsers(q) : [],
    };
  }

  /** Where the forms of a new version come from (versioned-forms.ts). */
  formSource(q: Q, prefer: 'files' | 'previous', given: Record<string, FormSchema> = {}): FormSource {
    return formSource(q, this.definitions, this.opts.forms, prefer, given);
  }

  formOf(def: LoadedDefinition, key: string): FormSchema | undefined {
    return formOf(def, this.opts.forms, key);
  }

  /** The form of a key as the case of `deploymentId` knows it. */
  async formFor(q: Q, deploymentId: string, key: string): Promise<FormSchema | undefined> {
    return this.formOf(await this.definitions.load(q, deploymentId), key);
  }

  private checkForm(def: LoadedDefinition, formKey: string | undefined | null, variables: Record<string, unknown>, step = false): void {
    for (const k of Object.keys(variables)) {
      if (RESERVED.has(k)) throw errors.validation([{ field: k, message: '系统保留的名称 / reserved' }], `“${k}”由系统设定，不能填写 / "${k}" cannot be set`);
      if (step && CASE_RESERVED.has(k)) {
        throw errors.validation([{ field: k, message: '案件发起时已确定，办理环节不能修改 / fixed when the case started: a step cannot change it' }], `“${k}”在案件发起时已确定，办理环节不能修改 / "${k}" cannot be set by a step`);
      }
    }
    if (!formKey) {
      if (Object.keys(variables).length) throw errors.validation([{ field: '', message: '这一步不需要填写内容 / this step takes no input' }]);
      return;
    }
    const schema = this.formOf(def, formKey);
    const problems = schema ? validateAgainst(schema, variables) : [{ field: '', message: `未知表单 / unknown form ${formKey}` }];
    if (problems.length) throw errors.validation(problems, '表单填写有误 / The form has errors');
  }

  // -- start --------------------------------------------------------------------------------------

  async start(
    trx: Trx,
    input: { processKey: string; variables: Record<string, unknown>; actor: Actor; businessKey?: string },
  ): Promise<StartResult> {
    const def = await this.definitions.latest(trx, input.processKey);
    if (!def.meta.starters.some((r) => input.actor.roles.includes(r))) {
      throw await notStarter(trx, def.meta.starters, def.meta.processName);
    }
    this.checkForm(def, def.meta.startFormKey, input.variables);
    return this.startWith(trx, def, input);
  }

  /** Starts a definition without the starter-role and form checks (for domain-triggered processes). */
  async startWith(
    trx: Trx,
    def: LoadedDefinition,
    input: { variables: Record<string, unknown>; actor: Actor | null; businessKey?: string },
  ): Promise<StartResult> {
    const now = iso(this.opts.clock.now());
    const row: InstanceRow = {
      id: randomUUID(),
      deployment_id: def.deployment.id,
      process_key: def.deployment.process_key,
      version: def.deployment.version,
      business_key: input.businessKey ?? null,
      status: 'running',
      rev: 0,
      state: '{}',
      variables: '{}',
      active_elements: '[]',
      started_by: input.actor?.id ?? null,
      started_at: now,
      ended_at: null,
      end_reason: null,
    };
    await store.insertInstance(trx, row);
    const run = new Run(trx, def, row, input.actor, this.opts);
    await run.startFresh({
      ...input.variables,
      initiator: input.actor?.id ?? null,
      initiatorOrgId: input.actor?.orgUnitId ?? null,
    });
    const { status, variables } = await run.persist();
    return {
      id: row.id,
      processKey: row.process_key,
      version: row.version,
      status,
      businessKey: row.business_key,
      activeElements: run.activeElementIds(),
      processName: def.deployment.name,
      variables,
    };
  }

  // -- recovering an instance for a command --------------------------------------------------------

  private async open(trx: Trx, instanceId: string, actor: Actor | null, locked?: InstanceRow): Promise<Run> {
    const inst = locked ?? (await store.lockInstance(trx, instanceId));
    if (!inst) throw errors.notFound('Process instance');
    if (inst.status === 'suspended') {
      throw errors.conflict('INSTANCE_SUSPENDED', '案件已被流程管理员暂停，暂不能办理 / The case is suspended by the process administrator');
    }
    if (inst.status !== 'running' && inst.status !== 'incident') {
      throw errors.instanceNotActive(inst.status);
    }
    const def = await this.definitions.load(trx, inst.deployment_id);
    const run = new Run(trx, def, inst, actor, this.opts);
    await run.recover();
    return run;
  }

  // -- tasks ----------------------------------------------------------------------------------------

  /**
   * May this actor work on the task? A holder of the candidate role in the candidate org; of a
   * claimed task, only its assignee — and only while they still hold that role there (roles and
   * unit as they are now: a claim does not outlive a role taken away or a move to another unit).
   * A task the process assigned by name (no candidate role) is its assignee's.
   */
  canWork(task: TaskRow, actor: Actor): boolean {
    if (task.assignee_id !== null && task.assignee_id !== undefined) {
      return task.assignee_id === actor.id && (!task.candidate_role || this.couldClaim(task, actor));
    }
    return this.couldClaim(task, actor);
  }

  /** The task, read under the instance lock so that concurrent commands see each other's result. */
  private async lockedTask(trx: Trx, taskId: string): Promise<{ task: TaskRow; instance: InstanceRow | undefined }> {
    // The lock first, then the task: a concurrent command on the case has committed by then.
    const instance = await store.lockInstanceOfTask(trx, taskId);
    const task = await store.findTask(trx, taskId);
    if (!task) throw errors.notFound('Task');
    return { task, instance };
  }

  private checkOpenAndAllowed(task: TaskRow, actor: Actor): void {
    const isCandidate = this.canWork(task, actor) || (task.assignee_id !== null && this.couldClaim(task, actor));
    if (task.status !== 'open') {
      // Someone who could never see the task learns nothing about its state.
      if (!isCandidate && task.completed_by !== actor.id) throw errors.notCandidate();
      throw errors.taskNotOpen(task.status);
    }
    if (!this.canWork(task, actor)) {
      if (this.couldClaim(task, actor)) throw errors.conflict('TASK_CLAIMED', 'Another user has claimed this task');
      throw errors.notCandidate();
    }
  }

  private couldClaim(task: TaskRow, actor: Actor): boolean {
    return (
      !!task.candidate_role &&
      actor.roles.includes(task.candidate_role) &&
      (task.candidate_org_id === null || task.candidate_org_id === actor.orgUnitId)
    );
  }

  async claim(trx: Trx, taskId: string, actor: Actor): Promise<TaskRow> {
    const { task } = await this.lockedTask(trx, taskId);
    if (task.status !== 'open') {
      if (!this.couldClaim(task, actor) && task.assignee_id !== actor.id) throw errors.notCandidate();
      throw errors.taskNotOpen(task.status);
    }
    if (task.assignee_id === actor.id) return task;
    if (!this.couldClaim(task, actor)) throw errors.notCandidate();
    if (task.assignee_id !== null) throw errors.conflict('TASK_CLAIMED', 'Another user has claimed this task');
    const patch = { assignee_id: actor.id, claimed_at: iso(this.opts.clock.now()) };
    await store.updateTask(trx, task.id, patch);
    return { ...task, ...patch };
  }

  async unclaim(trx: Trx, taskId: string, actor: Actor): Promise<TaskRow> {
    const { task } = await this.lockedTask(trx, taskId);
    if (task.assignee_id !== actor.id) {
      if (!this.couldClaim(task, actor)) throw errors.notCandidate();
      throw errors.conflict('NOT_CLAIMED_BY_YOU', 'Only the user who claimed the task can release it');
    }
    if (task.status !== 'open') throw errors.taskNotOpen(task.status);
    if (!task.candidate_role) throw errors.conflict('TASK_ASSIGNED', 'This task is assigned to you by the process');
    await store.updateTask(trx, task.id, { assignee_id: null, claimed_at: null });
    return { ...task, assignee_id: null, claimed_at: null };
  }

  /**
   * May this actor hand the task on (转办)? Throws the refusal a command would answer. `override`:
   * the caller answers for the task's work whoever holds it (decided by the domain: the process
   * administrator, the head of the task's unit).
   */
  assertMayHandOn(task: TaskRow, actor: Actor, override: boolean): void {
    const allowed = override || (task.assignee_id === actor.id && this.canWork(task, actor)) || (task.assignee_id === null && this.couldClaim(task, actor));
    if (!allowed) {
      if (!this.couldClaim(task, actor)) throw errors.notCandidate();
      if (task.status === 'open') throw errors.conflict('TASK_CLAIMED', 'Another user has claimed this task');
    }
    if (task.status !== 'open') throw errors.taskNotOpen(task.status);
    if (!task.candidate_role) throw errors.conflict('TASK_ASSIGNED', 'This task is assigned by the process and cannot be handed on');
  }

  /**
   * 转办: hands an open task of a candidate role to another holder of that role (in the task's unit,
   * when it has one). The caller is the task's assignee, a candidate while nobody has claimed it, or
   * one who answers for the task's work (`override`). A task the process assigned to a person by name is
   * not handed on. Every refusal of the target reads the same (422 `reassign-target`): the caller
   * learns nothing about why a colleague cannot take it. The case's history records who gave it to whom.
   */
  async reassign(
    trx: Trx,
    taskId: string,
    actor: Actor,
    target: Actor & { displayName: string },
    opts: { reason: string; override?: boolean },
  ): Promise<{ task: TaskRow; fromId: number | null }> {
    const { task, instance } = await this.lockedTask(trx, taskId);
    this.assertMayHandOn(task, actor, !!opts.override);
    if (!instance || instance.status === 'suspended') throw errors.instanceNotActive(instance?.status ?? 'absent');
    if (target.id === task.assignee_id || !this.couldClaim(task, target)) throw reassignTargetRefused();
    const now = iso(this.opts.clock.now());
    const patch = { assignee_id: target.id, claimed_at: now };
    await store.updateTask(trx, task.id, patch);
    await store.insertHistory(trx, [
      {
        instance_id: task.instance_id,
        element_id: task.element_id,
        element_type: 'bpmn:UserTask',
        element_name: task.name,
        event: 'reassign',
        execution_id: task.execution_id,
        actor_id: actor.id,
        at: now,
        detail: JSON.stringify({ taskId: task.id, fromId: task.assignee_id, toId: target.id, toName: target.displayName, reason: opts.reason }),
      },
    ]);
    const moved = { ...task, ...patch };
    await this.opts.hooks.emit(trx, 'taskReassigned', { task: moved, fromId: task.assignee_id, actor, instanceId: task.instance_id });
    return { task: moved, fromId: task.assignee_id };
  }

  async complete(
    trx: Trx,
    taskId: string,
    actor: Actor,
    variables: Record<string, unknown>,
  ): Promise<{ task: TaskRow; instance: { id: string; status: string; activeElements: string[] } }> {
    const { task, instance } = await this.lockedTask(trx, taskId);
    this.checkOpenAndAllowed(task, actor);
    if (!instance) throw errors.notFound('Process instance');
    // The forms of the case's own version: a case started before a form changed keeps its form.
    this.checkForm(await this.definitions.load(trx, instance.deployment_id), task.form_key, variables, true);

    // The completion's instant is the command's first: the steps it reaches and the case's end come
    // after the decision that caused them, in every timeline sorted by time.
    const now = iso(this.opts.clock.now());
    const run = await this.open(trx, task.instance_id, actor, instance);
    const api = run.postponedTask(task.element_id, task.execution_id);
    if (!api) throw errors.taskNotOpen('not waiting');
    const decision = typeof variables.decision === 'string' ? variables.decision : null;
    const comment = typeof variables.comment === 'string' ? variables.comment : null;
    run.completion = { executionId: task.execution_id, detail: { decision, by: actor.username } };
    const patch: Partial<TaskRow> = {
      status: 'completed',
      completed_at: now,
      completed_by: actor.id,
      assignee_id: task.assignee_id ?? actor.id,
      claimed_at: task.claimed_at ?? now,
      outcome: decision,
      comment: comment?.slice(0, 2000) ?? null,
    };
    let status: string;
    try {
      Object.assign(api.environment.variables.dangan, variables);
      api.signal(variables);
      await run.settle();
      // The task is written completed before the steps it reaches are persisted, so that their
      // taskCreated listeners see who did it (workflow/bars.ts: who did one level is not offered the
      // next). A fault rolls the command back, this write with it.
      await store.updateTask(trx, task.id, patch);
      ({ status } = await run.persist({ completedTaskId: task.id }));
    } catch (e) {
      throw this.faulted(trx, e, run, task.instance_id, { elementId: task.element_id, executionId: task.execution_id });
    }
    // A step that failed before (an incident) has now moved on: its incident is closed. A case with
    // an open command incident is 'incident' (commands are refused while suspended), so a running
    // case skips the write.
    if (instance.status === 'incident') status = await closeIncidentsOf(trx, this.opts.clock, task.instance_id, task.execution_id, status);
    await this.opts.hooks.emit(trx, 'taskCompleted', { task: { ...task, ...patch }, actor, variables });
    return {
      task: { ...task, ...patch },
      instance: { id: task.instance_id, status, activeElements: run.activeElementIds() },
    };
  }

  // -- messages and timers ---------------------------------------------------------------------------

  /** What the domain would refuse on this open task's form (ServiceRegistry.checksChoices). */
  async blockedChoices(q: Q, task: TaskRow): Promise<BlockedChoice[]> {
    const check = task.status === 'open' && task.form_key ? this.opts.services.choiceCheck(task.form_key) : undefined;
    return check ? check(q, task) : [];
  }

  /** Delivers a message to a waiting receive task or message catch event (e.g. a transfer receipt). */
  async deliver(trx: Trx, instanceId: string, elementId: string, payload: Record<string, unknown>, actor: Actor | null) {
    const run = await this.open(trx, instanceId, actor);
    const info = run.def.meta.elements.get(elementId);
    const receives = info && (info.type === 'bpmn:ReceiveTask' || (info.events ?? []).includes('message'));
    if (!receives) throw errors.conflict('NOT_A_MESSAGE_EVENT', `${elementId} does not receive messages`);
    if (!this.opts.services.delivers(elementId)) throw new Error(`${elementId} is not a registered message step (ServiceRegistry.receives)`);
    const api = run.execution.getPostponed().find((a: any) => a.id === elementId);
    if (!api) throw errors.conflict('NOT_WAITING', `The case is not waiting at ${elementId}`);
    const executionId = String(api.content?.executionId ?? elementId);
    let status: string;
    try {
      Object.assign(api.environment.variables.dangan, payload);
      api.signal(payload);
      await run.settle();
      ({ status } = await run.persist());
    } catch (e) {
      throw this.faulted(trx, e, run, instanceId, { elementId, executionId });
    }
    if (run.instance.status === 'incident') status = await closeIncidentsOf(trx, this.opts.clock, instanceId, executionId, status);
    return { id: instanceId, status, activeElements: run.activeElementIds() };
  }

  /**
   * Fires one due timer job: exactly once, because the job is closed in the same transaction as the
   * state change. A job whose timer is no longer active is closed as cancelled.
   */
  async fireJob(trx: Trx, jobId: string): Promise<'fired' | 'skipped' | 'stale'> {
    const pre = await store.findJob(trx, jobId);
    if (!pre) return 'skipped';
    await store.lockInstance(trx, pre.instance_id);
    const job = await store.findJob(trx, jobId);
    if (!job || job.status !== 'pending') return 'skipped';
    const now = iso(this.opts.clock.now());
    const inst = await store.findInstance(trx, job.instance_id);
    if (!inst || (inst.status !== 'running' && inst.status !== 'incident')) {
      if (inst?.status === 'suspended') return 'skipped';
      await store.updateJob(trx, job.id, { status: 'cancelled', done_at: now });
      return 'stale';
    }
    const run = await this.open(trx, job.instance_id, null);
    const waiting = run.execution
      .getPostponed()
      .some((a: any) => a.id === job.element_id);
    if (!waiting) {
      await store.updateJob(trx, job.id, { status: 'cancelled', done_at: now });
      return 'stale';
    }
    run.execution.cancelActivity({ id: job.element_id, executionId: job.execution_id });
    try {
      await run.settle();
      await run.persist({ firingJobId: job.id });
    } catch (e) {
      if (!isDiagramFault(e)) throw e;
      // Told in both languages at the element that failed (the step after the timer), not the timer's.
      const site = run.faultSite?.elementId ?? job.element_id;
      throw new JobFault(incidentMessage(e, site, run.def.meta.elements.get(site)?.name ?? null), site, e);
    }
    await store.updateJob(trx, job.id, { status: 'done', done_at: now, lock_owner: null, locked_until: null, attempts: job.attempts + 1 });
    return 'fired';
  }

  /** Ends a case without running it further: open tasks and timers are cancelled. `by`: who ended it. */
  async terminate(trx: Trx, instanceId: string, reason: string, by: number | null = null): Promise<void> {
    const inst = await store.lockInstance(trx, instanceId);
    if (!inst) throw errors.notFound('Process instance');
    if (inst.status === 'completed' || inst.status === 'terminated') {
      throw errors.instanceNotActive(inst.status);
    }
    const now = iso(this.opts.clock.now());
    for (const t of await store.openTasksOf(trx, instanceId)) {
      await store.updateTask(trx, t.id, { status: 'cancelled', completed_at: now });
    }
    for (const j of await store.pendingJobsOf(trx, instanceId)) {
      await store.updateJob(trx, j.id, { status: 'cancelled', done_at: now });
    }
    // A failed command's incident ends with its case (nothing is left to fail).
    await trx('jobs').where({ instance_id: instanceId, type: 'command', status: 'incident' }).update({ status: 'cancelled', done_at: now });
    const ok = await store.saveInstance(trx, instanceId, inst.rev, { status: 'terminated', ended_at: now, end_reason: reason.slice(0, 500) });
    if (!ok) throw errors.conflict('CONCURRENT_MODIFICATION', 'The case was changed by someone else');
    const def = await this.definitions.load(trx, inst.deployment_id);
    await this.opts.hooks.emit(trx, 'instanceEnded', {
      instanceId,
      processKey: inst.process_key,
      status: 'terminated',
      endedBy: by,
      variables: parseJson<Record<string, unknown>>(inst.variables, {}),
      case: { businessKey: inst.business_key, processName: def.deployment.name },
    });
  }

  // -- reads ----------------------------------------------------------------------------------------

  async instanceView(q: Q, instanceId: string) {
    const inst = await store.findInstance(q, instanceId);
    if (!inst) throw errors.notFound('Process instance');
    const [history, tasks] = await Promise.all([store.historyOf(q, instanceId), store.tasksOfInstance(q, instanceId)]);
    // A case that ended (withdrawn, terminated) waits nowhere, whatever step it stopped at.
    const activeElements = store.isLive(inst.status) ? parseJson<string[]>(inst.active_elements, []) : [];
    return { instance: inst, history, tasks, activeElements };
  }
}
