// One command's life with bpmn-engine: build an engine from the cached definition, recover the
// saved state (or start fresh), act, run until every token waits, and collect what happened
// (history, new and finished tasks, timers) for the caller to write in the same transaction.
// The engine object is dropped afterwards: nothing of an instance stays in memory.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Engine as BpmnEngine } from 'bpmn-engine';
import { Timers } from 'bpmn-elements';
import type { Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { AppError } from '../errors.ts';
import { createExpressions, evalFeel, feelContext, refuseScripts, VARS } from './expressions.ts';
import { constantText, cycleProblem, dueDateProblem, durationSeconds } from './lint/rules.ts';
import { moddleOptions } from './moddle.ts';
import type { LoadedDefinition } from './definitions.ts';
import type { HistoryRow, InstanceRow, JobRow, TaskRow } from './store.ts';
import * as store from './store.ts';
import type { Actor, EngineDeps, ServiceContext } from './types.ts';

/** bpmn-engine's default logger (debug) costs ~7 % per command even when disabled. */
const silent = { debug() {}, error() {}, warn() {} };
const SilentLogger = () => silent;

/** A diagram that runs more steps than this in one command is stopped (a loop with no wait). */
const MAX_STEPS_PER_COMMAND = 5000;
/** The prefix of a fault the engine itself raised (an expression, a parse): its detail follows in English. */
export const PROCESS_FAILED = '流程执行出错 / The process failed: ';
/** How often a short timer may be armed at one element of a case within the minimum cycle (refuseSpinningTimer). */
const SPINNING_TIMER = 10;
/** Sort key of tasks without a due date: after every real date. */
export const NO_DUE = '9999-12-31T23:59:59.999Z';

interface TimerRef {
  owner?: { id: string; executionId: string; timerType?: string; timeCycle?: string; expireAt?: Date | string };
  delay: number;
}

/** A bpmn-engine for one command on a cached, parsed definition: no scripts, our expressions and timers. */
export function bpmnEngine(name: string, sourceContext: unknown, expressions: unknown, timers?: unknown): any {
  return new BpmnEngine({
    name,
    sourceContext: sourceContext as any,
    moddleOptions,
    expressions: expressions as any,
    scripts: refuseScripts as any,
    ...(timers ? { timers: timers as any } : {}),
    settings: { enableDummyService: false },
    Logger: SilentLogger,
  });
}

/** bpmn-engine's state without the serialised definition (the definition cache has it). */
export function leanState(engine: any): any {
  const execution = engine.execution;
  return {
    name: engine.name,
    state: execution.state,
    stopped: execution.stopped,
    environment: execution.environment.getState(),
    definitions: execution.definitions.map((d: any) => d.getState()),
  };
}

export class ProcessError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(422, 'PROCESS_ERROR', message, cause instanceof Error ? { cause: cause.message } : undefined);
  }
}

/** Where a command's fault happened: the element and its execution (for the incident). */
export interface FaultSite {
  elementId: string;
  executionId: string | null;
}

export class Run {
  readonly engine: any;
  readonly listener = new EventEmitter();
  readonly history: HistoryRow[] = [];
  readonly newTasks: TaskRow[] = [];
  /** Execution ids of user tasks that left during this command. */
  readonly leftUserTasks = new Set<string>();
  private readonly timers = new Timers({ setTimeout: (() => null) as any, clearTimeout: (() => undefined) as any });
  private readonly pending = new Set<Promise<unknown>>();
  private failure: unknown = null;
  /** The element the engine was at when the command failed (the last one started, or the one that said so). */
  faultSite: FaultSite | null = null;
  private lastStarted: FaultSite | null = null;
  private resuming = false;
  private steps = 0;
  ended = false;
  /** Detail attached to the end row of the task being completed. */
  completion?: { executionId: string; detail: Record<string, unknown> };

  constructor(
    readonly trx: Trx,
    readonly def: LoadedDefinition,
    readonly instance: InstanceRow,
    readonly actor: Actor | null,
    private readonly deps: EngineDeps,
  ) {
    // Timers compute their remaining time against our clock (timer-definition.ts).
    (this.timers as unknown as { now: () => Date }).now = () => deps.clock.now();
    const expressions = createExpressions({
      service: (name) => this.serviceFunction(name),
      params: deps.params,
    });
    this.engine = bpmnEngine(instance.id, def.sourceContext, expressions, this.timers);
    this.engine.on('error', (err: unknown) => this.fail(err));
    this.engine.on('end', () => {
      this.ended = true;
    });
    this.wireListener();
  }

  private get clock(): Clock {
    return this.deps.clock;
  }

  private fail(err: unknown, site?: FaultSite): void {
    if (this.failure) return;
    this.failure = err;
    this.faultSite = site ?? this.lastStarted;
  }

  // -- engine events → rows --------------------------------------------------------------------

  private wireListener(): void {
    const l = this.listener;
    const historyRow = (api: any, event: string, detail?: Record<string, unknown>) => {
      const info = this.def.meta.elements.get(api.id);
      this.history.push({
        instance_id: this.instance.id,
        element_id: api.id,
        element_type: api.type ?? info?.type ?? 'unknown',
        element_name: info?.name ?? api.name ?? null,
        event,
        execution_id: api.content?.executionId ?? null,
        actor_id: this.actor?.id ?? null,
        at: iso(this.clock.now()),
        detail: detail ? JSON.stringify(detail) : null,
      });
    };
    l.on('activity.start', (api: any) => {
      if (this.resuming) return;
      this.lastStarted = { elementId: api.id, executionId: api.content?.executionId ?? null };
      if (++this.steps > MAX_STEPS_PER_COMMAND) {
        this.fail(new ProcessError(`一次办理中执行了超过 ${MAX_STEPS_PER_COMMAND} 个环节，流程中有不等待的循环 / More than ${MAX_STEPS_PER_COMMAND} steps without a wait state`));
        this.engine.stop();
        return;
      }
      historyRow(api, 'start');
    });
    l.on('activity.end', (api: any) => {
      if (this.resuming) return;
      const detail =
        this.completion && this.completion.executionId === api.content?.executionId ? this.completion.detail : undefined;
      historyRow(api, 'end', detail);
    });
    l.on('activity.timeout', (api: any) => {
      if (!this.resuming) historyRow(api, 'timeout');
    });
    l.on('activity.wait', (api: any) => {
      if (this.resuming || api.content?.isRecovered) return;
      if (api.type === 'bpmn:UserTask') {
        try {
          this.newTasks.push(this.taskFromWait(api));
        } catch (e) {
          this.fail(e, { elementId: api.id, executionId: api.content?.executionId ?? null });
        }
      }
    });
    l.on('activity.leave', (api: any) => {
      if (api.type === 'bpmn:UserTask' && api.content?.executionId) this.leftUserTasks.add(api.content.executionId);
    });
  }

  private resolveText(value: string | undefined, vars: Record<string, unknown>): unknown {
    if (value === undefined || value === null || value === '') return undefined;
    const t = String(value).trim();
    if (t.startsWith('=')) return evalFeel(t.slice(1), feelContext(vars, this.deps.params));
    return t;
  }

  private taskFromWait(api: any): TaskRow {
    const info = this.def.meta.elements.get(api.id);
    const vars = (api.environment?.variables?.[VARS] ?? {}) as Record<string, unknown>;
    const assigneeValue = this.resolveText(info?.assignee, vars);
    const assignee = assigneeValue === undefined || assigneeValue === null ? null : Number(assigneeValue);
    if (assignee !== null && !Number.isInteger(assignee)) {
      throw new ProcessError(`环节 ${api.id} 的办理人“${String(assigneeValue)}”不是用户编号 / Task ${api.id}: assignee "${String(assigneeValue)}" is not a user id`);
    }
    const role = this.resolveText(info?.candidateGroups, vars) as string | undefined;
    const roleCode = role === undefined || role === null || role === '' ? null : String(role).trim();
    // A role nobody may work tasks with (process_admin, the 三员) or no role at all: the task would
    // wait unseen for ever. A fault of the diagram: the command fails and the case gets an incident.
    if (assignee === null && (roleCode === null || (this.deps.roles && !this.deps.roles.includes(roleCode)))) {
      throw new ProcessError(
        `环节 ${api.id} 的候选角色“${roleCode ?? ''}”不是可办理业务的角色 / Task ${api.id}: candidate role "${roleCode ?? ''}" is not a role that works tasks`,
      );
    }
    const formKey = this.formKey(info?.formKey, vars, api.id);
    const dueAt = this.dueAt(info?.dueDate, vars, api.id);
    return {
      id: randomUUID(),
      instance_id: this.instance.id,
      process_key: this.instance.process_key,
      element_id: api.id,
      execution_id: api.content.executionId,
      name: info?.name ?? api.id,
      assignee_id: assignee,
      candidate_role: roleCode,
      candidate_org_id: roleCode ? this.deps.candidateOrg(roleCode, vars) : null,
      form_key: formKey ?? null,
      due_at: dueAt,
      sort_due: dueAt ?? NO_DUE,
      status: 'open',
      created_at: iso(this.clock.now()),
      claimed_at: assignee !== null ? iso(this.clock.now()) : null,
      completed_at: null,
      completed_by: null,
      outcome: null,
      comment: null,
    };
  }

  /**
   * The form of a task. The lint refuses a key computed from variables; one forced past it (or
   * deployed before) must name a form of this version or of the installation, else the task could
   * never be completed (400 未知表单) and nobody would be told: a fault of the diagram, an incident.
   */
  private formKey(text: string | undefined, vars: Record<string, unknown>, elementId: string): string | undefined {
    const value = this.resolveText(text, vars);
    if (value === undefined || value === null || value === '') return undefined;
    const key = String(value).trim();
    if (typeof value !== 'string' || !(this.def.forms.has(key) || this.deps.forms?.get(key))) {
      throw new ProcessError(`环节 ${elementId} 的表单“${String(value).slice(0, 100)}”不存在，任务无法办理 / Task ${elementId}: form "${String(value).slice(0, 100)}" does not exist, so the task could never be completed`);
    }
    return key;
  }

  /**
   * A due date is a positive ISO duration from now (P3D, at most ten years) or an ISO date /
   * date-time (at most ten years ahead; one FEEL computed may have passed). A value that is neither
   * — FEEL that resolved to nonsense or failed (a variable the case does not have), or a literal
   * deployed before the lint refused it — is a fault of the diagram: the command fails and the case
   * gets an incident the process administrators see. Giving the task no due date instead dropped
   * the deadline unseen (no 督办, no escalation), with only a log line. FEEL that gives null: no deadline.
   */
  private dueAt(text: string | undefined, vars: Record<string, unknown>, elementId: string): string | null {
    let value: unknown;
    try {
      value = this.resolveText(text, vars);
    } catch (e) {
      throw new ProcessError(`环节 ${elementId} 的办理期限“${text}”无法计算 / Task ${elementId}: due date "${text}" cannot be computed`, e);
    }
    if (value === undefined || value === null || value === '') return null;
    const now = this.clock.now().getTime();
    const s = constantText(value);
    const problem = dueDateProblem(s, now, true);
    if (problem) {
      const cut = problem.indexOf(' / ');
      throw new ProcessError(`环节 ${elementId} 的办理期限 ${String(text).slice(0, 100)}：${problem.slice(0, cut)} / Task ${elementId}, due date ${String(text).slice(0, 100)}: ${problem.slice(cut + 3)}`);
    }
    const secs = /^P/.test(s) ? durationSeconds(s) : null;
    return iso(new Date(secs !== null ? now + secs * 1000 : Date.parse(s)));
  }

  // -- services --------------------------------------------------------------------------------

  private serviceFunction(name: string): Function | undefined {
    const service = this.deps.services.get(name);
    if (!service) return undefined;
    const run = this;
    return function danganService(this: any, _scope: unknown, callback: (err: unknown, out?: unknown) => void) {
      const activity = this;
      const vars = activity.environment.variables[VARS] as Record<string, unknown>;
      const ctx: ServiceContext = {
        trx: run.trx,
        clock: run.clock,
        actor: run.actor,
        instanceId: run.instance.id,
        processKey: run.instance.process_key,
        elementId: activity.id,
        element: run.def.meta.elements.get(activity.id) ?? { id: activity.id, type: activity.type, name: activity.name ?? activity.id },
        variables: structuredClone(vars),
        params: run.deps.params,
        setBusinessKey: (key: string) => {
          run.instance.business_key = key;
        },
        get businessKey() {
          return run.instance.business_key;
        },
      };
      const p = Promise.resolve()
        .then(() => service(ctx))
        .then(
          (out) => {
            if (out && typeof out === 'object') Object.assign(vars, out);
            callback(null, out ?? {});
          },
          (err) => {
            run.fail(err);
            callback(err);
          },
        )
        .finally(() => run.pending.delete(p));
      run.pending.add(p);
    };
  }

  // -- driving the engine ----------------------------------------------------------------------

  async startFresh(variables: Record<string, unknown>): Promise<void> {
    await this.engine.execute({ listener: this.listener, variables: { [VARS]: variables } });
    await this.settle();
  }

  async recover(): Promise<void> {
    const state = JSON.parse(this.instance.state);
    this.resuming = true;
    this.engine.recover(state);
    await this.engine.resume({ listener: this.listener });
    await this.settle();
    this.resuming = false;
  }

  get execution(): any {
    return this.engine.execution;
  }

  /** Runs until every token waits (user task, timer, message) or the process ended. */
  async settle(): Promise<void> {
    for (let spins = 0; ; spins++) {
      if (this.failure) throw this.asError(this.failure);
      if (this.pending.size) {
        await Promise.allSettled([...this.pending]);
        continue;
      }
      // bpmn-elements runs synchronously but for our services' callbacks (tracked in `pending`):
      // an engine at rest with nothing pending needs no turn of the event loop, which cost ~1.4 ms
      // per command, V8's deferred GC work being paid there (bench/engine.ts).
      if (spins === 0 && this.engine.activityStatus !== 'executing') return;
      await new Promise((r) => setImmediate(r));
      if (this.failure) throw this.asError(this.failure);
      if (!this.pending.size && this.engine.activityStatus !== 'executing') return;
      if (spins > 100_000) throw new ProcessError('The engine did not come to rest');
    }
  }

  private asError(e: unknown): Error {
    if (e instanceof AppError) return e;
    const inner = (e as any)?.source?.error ?? (e as any)?.inner;
    if (inner instanceof AppError) return inner;
    return new ProcessError(`${PROCESS_FAILED}${(e as Error)?.message ?? String(e)}`, e);
  }

  /** Our variables as the process sees them now. */
  variables(state: any): Record<string, unknown> {
    const procs = state?.definitions?.[0]?.execution?.processes ?? [];
    for (const p of procs) {
      const v = p?.environment?.variables?.[VARS];
      if (v) return v;
    }
    return state?.definitions?.[0]?.environment?.variables?.[VARS] ?? {};
  }

  postponedTask(elementId: string, executionId: string): any | undefined {
    return this.execution
      ?.getPostponed()
      .find((a: any) => a.id === elementId && a.content?.executionId === executionId);
  }

  activeElementIds(): string[] {
    const ids = (this.execution?.getPostponed() ?? [])
      .filter((a: any) => a.type !== 'bpmn:SequenceFlow' && a.type !== 'bpmn:MessageFlow')
      .map((a: any) => a.id as string);
    return [...new Set<string>(ids)];
  }

  // -- writing ---------------------------------------------------------------------------------

  /**
   * Writes state, tasks, timers-as-jobs and history. `firingJobId` is the job being fired by this
   * command (it is closed by the caller, not reconciled away).
   */
  async persist(opts: { firingJobId?: string; completedTaskId?: string } = {}): Promise<{ status: string; variables: Record<string, unknown> }> {
    const state = leanState(this.engine);
    const variables = this.variables(state);
    const now = iso(this.clock.now());
    const trx = this.trx;

    // A FEEL assignee who may not work tasks (process_admin, a 三员): nobody would ever see the task.
    if (this.deps.mayWorkTasks) {
      for (const t of this.newTasks) {
        if (t.assignee_id !== null && !(await this.deps.mayWorkTasks(trx, t.assignee_id))) {
          this.faultSite = { elementId: t.element_id, executionId: t.execution_id };
          throw new ProcessError(`环节 ${t.element_id} 指派给了不能办理业务的用户（编号 ${t.assignee_id}） / Task ${t.element_id} is assigned to user ${t.assignee_id}, who may not work tasks`);
        }
      }
    }
    for (const t of this.newTasks) await store.insertTask(trx, t);
    // User tasks that left without being completed (an interrupting timer, the end of the case).
    const newIds = new Set(this.newTasks.map((t) => t.execution_id));
    const left = [...this.leftUserTasks].filter((x) => x !== this.completion?.executionId && !newIds.has(x));
    if (left.length || this.ended) {
      for (const t of await store.openTasksOf(trx, this.instance.id)) {
        if (t.id === opts.completedTaskId || newIds.has(t.execution_id)) continue;
        if (this.ended || this.leftUserTasks.has(t.execution_id)) {
          await store.updateTask(trx, t.id, { status: 'cancelled', completed_at: now });
        }
      }
    }

    if (this.def.meta.hasTimers || opts.firingJobId) await this.reconcileTimers(opts.firingJobId);
    await store.insertHistory(trx, this.history);

    const status = this.ended ? 'completed' : this.instance.status === 'incident' ? 'incident' : 'running';
    const saved = await store.saveInstance(trx, this.instance.id, this.instance.rev, {
      status: status as InstanceRow['status'],
      state: JSON.stringify(state),
      variables: JSON.stringify(variables),
      active_elements: JSON.stringify(this.ended ? [] : this.activeElementIds()),
      business_key: this.instance.business_key,
      ...(this.ended ? { ended_at: now } : {}),
    });
    if (!saved) throw new AppError(409, 'CONCURRENT_MODIFICATION', 'The case was changed by someone else; reload and retry');
    // Hooks run after the instance row is saved: a task's first mail names the case by the
    // business key a service of this very command has just set.
    const facts = { businessKey: this.instance.business_key, processName: this.def.deployment.name };
    for (const t of this.newTasks) await this.deps.hooks.emit(trx, 'taskCreated', { task: t, variables, case: facts });
    if (this.ended) {
      await this.deps.hooks.emit(trx, 'instanceEnded', {
        instanceId: this.instance.id,
        processKey: this.instance.process_key,
        status: 'completed',
        variables,
        case: facts,
      });
    }
    return { status, variables };
  }

  /** When a new timer is due: a date as written; otherwise the engine's delay, which it computes by our clock. */
  private timerDueAt(owner: NonNullable<TimerRef['owner']>, delay: number, now: Date): Date {
    if (owner.timerType === 'timeDate' && owner.expireAt) return new Date(owner.expireAt);
    return new Date(now.getTime() + Math.max(0, delay));
  }

  /**
   * The run-time backstop of the lint's loop rule, for diagrams deployed before it: a timer due
   * sooner than the minimum cycle, armed at the same element of the case SPINNING_TIMER times within
   * that cycle already, is a loop that spins (a PT1S timer in a loop wrote a history row every
   * second for ever). The command fails; its job retries and becomes an incident.
   */
  private async refuseSpinningTimer(owner: NonNullable<TimerRef['owner']>, dueAt: Date, now: Date): Promise<void> {
    const cycleMs = this.deps.timerMinCycleSeconds * 1000;
    if (dueAt.getTime() - now.getTime() >= cycleMs) return;
    const row = await this.trx('jobs')
      .where({ instance_id: this.instance.id, element_id: owner.id, type: 'timer' })
      .where('created_at', '>=', iso(new Date(now.getTime() - cycleMs)))
      .count<{ n: number | string }[]>({ n: '*' })
      .first();
    const n = Number(row?.n ?? 0);
    if (n < SPINNING_TIMER) return;
    this.faultSite = { elementId: owner.id, executionId: owner.executionId };
    const hours = this.deps.timerMinCycleSeconds / 3600;
    throw new ProcessError(
      `定时器 ${owner.id} 在 ${hours} 小时内已启动 ${n} 次，流程在空转：请把循环中的定时器改为不少于 ${hours} 小时 / Timer ${owner.id} was armed ${n} times within ${this.deps.timerMinCycleSeconds} s: the loop spins; make the timer in the loop at least that long`,
    );
  }

  private async reconcileTimers(firingJobId?: string): Promise<void> {
    const trx = this.trx;
    const pending = await store.pendingJobsOf(trx, this.instance.id);
    const byExec = new Map(pending.map((j) => [j.execution_id, j]));
    const active = new Set<string>();
    const now = this.clock.now();
    for (const ref of this.timers.executing as TimerRef[]) {
      const owner = ref.owner;
      if (!owner?.executionId) continue;
      if (owner.timerType === 'timeCycle' && owner.timeCycle) {
        const problem = cycleProblem(String(owner.timeCycle), this.deps.timerMinCycleSeconds, this.deps.timerMaxRepetitions);
        if (problem) {
          this.faultSite = { elementId: owner.id, executionId: owner.executionId };
          throw new ProcessError(problem);
        }
      }
      active.add(owner.executionId);
      if (byExec.has(owner.executionId)) continue;
      const dueAt = this.timerDueAt(owner, ref.delay, now);
      await this.refuseSpinningTimer(owner, dueAt, now);
      const job: JobRow = {
        id: randomUUID(),
        type: 'timer',
        instance_id: this.instance.id,
        element_id: owner.id,
        execution_id: owner.executionId,
        due_at: iso(dueAt),
        status: 'pending',
        retries_left: this.deps.jobMaxRetries,
        attempts: 0,
        last_error: null,
        lock_owner: null,
        locked_until: null,
        created_at: iso(now),
        done_at: null,
      };
      await store.insertJob(trx, job);
    }
    for (const j of pending) {
      if (j.id === firingJobId || active.has(j.execution_id)) continue;
      await store.updateJob(trx, j.id, { status: 'cancelled', done_at: iso(now), lock_owner: null, locked_until: null });
    }
  }
}
