// Types shared by the engine's parts and by the domains that register services with it.
import type { Q, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { TaskRow } from './store.ts';

export interface Actor {
  id: number;
  username: string;
  roles: string[];
  orgUnitId: number;
}

/** What a domain service sees when a service task calls it, inside the command's transaction. */
export interface ServiceContext {
  trx: Trx;
  clock: Clock;
  /** Who caused this step (null when a timer fired it). */
  actor: Actor | null;
  instanceId: string;
  processKey: string;
  elementId: string;
  /** What the diagram says about the calling element (name, decisionRef, …). */
  element: { id: string; type: string; name: string; decisionRef?: string; resultVariable?: string };
  /** A copy of the process variables; return an object to merge new values in. */
  variables: Record<string, unknown>;
  params: Record<string, number>;
  setBusinessKey(key: string): void;
  /** The case number as this command has it: set by an earlier service of the same command, before the row is saved. */
  readonly businessKey?: string | null;
}

/** A named domain service; the returned object is merged into the process variables. */
export type DomainService = (ctx: ServiceContext) => Promise<Record<string, unknown> | void>;

/** A choice on a task's form that the domain's service would refuse, known before the user submits. */
export interface BlockedChoice {
  field: string;
  value: string;
  /** The refusal the service would give (bilingual, like its error). */
  message: string;
}

/** What a domain can tell in advance about a task with a given form: the choices it would refuse. */
export type ChoiceCheck = (q: Q, task: TaskRow) => Promise<BlockedChoice[]>;

/**
 * What the domains offer the engine: the named services a diagram may call, the steps they
 * deliver messages to, and the choices on task forms they would refuse. A receive task or message
 * event that no domain delivers to would wait for ever, so the lint refuses it (rule
 * deliverable-waits) and `deliver` refuses an unregistered step.
 */
export class ServiceRegistry {
  private readonly services = new Map<string, DomainService>();
  /** Element id of a receive task or message catch event → who delivers to it. */
  private readonly messages = new Map<string, string>();
  private readonly choiceChecks = new Map<string, ChoiceCheck>();

  register(name: string, fn: DomainService): this {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Invalid service name ${name}`);
    if (this.services.has(name)) throw new Error(`Service ${name} registered twice`);
    this.services.set(name, fn);
    return this;
  }

  get(name: string): DomainService | undefined {
    return this.services.get(name);
  }

  names(): string[] {
    return [...this.services.keys()].sort();
  }

  /** Declares that a domain delivers messages to the step `elementId` (`engine.deliver`). */
  receives(elementId: string, deliveredBy: string): this {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(elementId)) throw new Error(`Invalid message step ${elementId}`);
    if (this.messages.has(elementId)) throw new Error(`Message step ${elementId} registered twice`);
    this.messages.set(elementId, deliveredBy);
    return this;
  }

  delivers(elementId: string): boolean {
    return this.messages.has(elementId);
  }

  messageSteps(): string[] {
    return [...this.messages.keys()].sort();
  }

  /** Declares what the domain would refuse on tasks whose form is `formKey` (shown before submitting). */
  checksChoices(formKey: string, check: ChoiceCheck): this {
    if (this.choiceChecks.has(formKey)) throw new Error(`Choice check for form ${formKey} registered twice`);
    this.choiceChecks.set(formKey, check);
    return this;
  }

  choiceCheck(formKey: string): ChoiceCheck | undefined {
    return this.choiceChecks.get(formKey);
  }
}

/** What every listener would otherwise read back from the instance and its deployment. */
export interface CaseFacts {
  businessKey: string | null;
  /** The deployment's process name. */
  processName: string;
}

/** Things that happened in a command, for domains that react in the same transaction (mail, 督办). */
export interface EngineEvents {
  taskCreated: { task: TaskRow; variables: Record<string, unknown>; case: CaseFacts };
  taskCompleted: { task: TaskRow; actor: Actor; variables: Record<string, unknown> };
  /** 转办: the task has a new assignee (`fromId`: the one before, null when it was unclaimed). */
  taskReassigned: { task: TaskRow; fromId: number | null; actor: Actor; instanceId: string };
  instanceEnded: {
    instanceId: string;
    processKey: string;
    status: 'completed' | 'terminated';
    variables: Record<string, unknown>;
    case: CaseFacts;
    /** Who terminated the case (the applicant withdrawing it, an administrator); absent when it ran to its end. */
    endedBy?: number | null;
  };
}

type Listener<K extends keyof EngineEvents> = (trx: Trx, event: EngineEvents[K]) => Promise<void>;

/** Listeners run inside the command's transaction: if one throws, the whole command rolls back. */
export class EngineHooks {
  private readonly listeners: { [K in keyof EngineEvents]: Listener<K>[] } = {
    taskCreated: [],
    taskCompleted: [],
    taskReassigned: [],
    instanceEnded: [],
  };

  on<K extends keyof EngineEvents>(event: K, fn: Listener<K>): this {
    this.listeners[event].push(fn);
    return this;
  }

  async emit<K extends keyof EngineEvents>(trx: Trx, event: K, payload: EngineEvents[K]): Promise<void> {
    for (const fn of this.listeners[event]) await fn(trx, payload);
  }
}

export interface EngineDeps {
  hooks: EngineHooks;
  clock: Clock;
  services: ServiceRegistry;
  params: Record<string, number>;
  /** The org unit whose holders of `role` are the candidates of a task (domain rule). */
  candidateOrg(role: string, variables: Record<string, unknown>): number | null;
  jobMaxRetries: number;
  timerMinCycleSeconds: number;
  timerMaxRepetitions: number;
  /**
   * The roles a task may be offered to (the business roles). A FEEL candidate role that resolves
   * to another is a fault of the diagram (an incident), not a task nobody may see. Unset: any.
   */
  roles?: readonly string[];
  /** Whether a user may work tasks (holds a business role): a FEEL assignee who may not is a fault. Unset: anyone. */
  mayWorkTasks?(q: Q, userId: number): Promise<boolean>;
  /** The ids of the enabled users who may work tasks: the literal assignees a diagram may name (lint). Unset: none. */
  assignableUsers?(q: Q): Promise<number[]>;
  /** Where the runtime tells of what it notices on its own. */
  warn?(facts: Record<string, unknown>, message: string): void;
  /** The installation's forms (processes/forms/): a form key FEEL computes must name one of them or one the version carries. */
  forms?: { get(key: string): unknown };
}
