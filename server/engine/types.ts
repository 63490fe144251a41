// Types shared by the engine's parts and by the domains that register services with it.
import type { Trx } from '../db.ts';
import type { Clock } from '../clock.ts';

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
  /** A copy of the process variables; return an object to merge new values in. */
  variables: Record<string, unknown>;
  params: Record<string, number>;
  setBusinessKey(key: string): void;
}

/** A named domain service; the returned object is merged into the process variables. */
export type DomainService = (ctx: ServiceContext) => Promise<Record<string, unknown> | void>;

export class ServiceRegistry {
  private readonly services = new Map<string, DomainService>();

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
}

export interface EngineDeps {
  clock: Clock;
  services: ServiceRegistry;
  params: Record<string, number>;
  /** The org unit whose holders of `role` are the candidates of a task (domain rule). */
  candidateOrg(role: string, variables: Record<string, unknown>): number | null;
  jobMaxRetries: number;
  timerMinCycleSeconds: number;
  timerMaxRepetitions: number;
}
