// The object graph of the server: every service built once from config, db, clock and logger.
// No listening, no timers started here: main.ts and tests decide that.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import { AuditLog } from './audit/service.ts';
import { Sessions } from './people/sessions.ts';
import { PeopleService } from './people/service.ts';
import { WorkflowEngine, ServiceRegistry, EngineHooks } from './engine/index.ts';
import { FormRegistry } from './engine/forms.ts';
import { JobRunner } from './engine/jobs.ts';
import { WorkflowService } from './workflow/service.ts';
import { registerRequestServices } from './requests/services.ts';
import { ALL_ROLES } from './http/policy.ts';
import { AccessRules } from './access/rules.ts';
import { AvoidanceService } from './access/service.ts';
import { ArchivesService } from './archives/service.ts';
import { ArchiveViews } from './archives/views.ts';
import { Scans } from './archives/scans.ts';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const processesDir = path.join(projectRoot, 'processes');

export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
}

export interface Services extends Deps {
  audit: AuditLog;
  sessions: Sessions;
  people: PeopleService;
  engine: WorkflowEngine;
  workflow: WorkflowService;
  jobs: JobRunner;
  // Domain services are added here, one line each (archives, access, notify, …).
  access: AccessRules;
  avoidance: AvoidanceService;
  archives: ArchivesService;
  archiveViews: ArchiveViews;
}

/** The org unit whose holders of a role are a task's candidates: set by each process's start service. */
function candidateOrg(role: string, variables: Record<string, unknown>): number | null {
  const scopes = variables.orgScopes as Record<string, unknown> | undefined;
  const v = scopes?.[role];
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

export function createServices(deps: Deps): Services {
  const { config, db, clock, log } = deps;
  const audit = new AuditLog(db, clock);
  const sessions = new Sessions(db, clock, config.session);
  const people = new PeopleService(db, clock, config.session, sessions, audit);

  // Domains register the named services their diagrams call, and listen to engine events.
  const registry = new ServiceRegistry();
  const hooks = new EngineHooks();
  registerRequestServices(registry);

  const engine = new WorkflowEngine({
    clock,
    hooks,
    services: registry,
    params: config.params,
    candidateOrg,
    jobMaxRetries: config.engine.jobMaxRetries,
    timerMinCycleSeconds: config.engine.timerMinCycleSeconds,
    timerMaxRepetitions: config.engine.timerMaxRepetitions,
    forms: new FormRegistry(path.join(processesDir, 'forms')),
    roles: [...ALL_ROLES],
  });
  const workflow = new WorkflowService(db, engine, audit);
  const jobs = new JobRunner(db, clock, log.child({ module: 'jobs' }), (id) => workflow.fireJob(id), {
    pollMs: config.engine.jobPollMs,
    lockSeconds: config.engine.jobLockSeconds,
  });
  const access = new AccessRules(clock);
  const scans = new Scans(config.dataDir, clock);
  const archives = new ArchivesService(db, clock, audit, access, scans);
  const archiveViews = new ArchiveViews(db, audit, access, scans);
  const avoidance = new AvoidanceService(db, clock, audit);
  return { ...deps, audit, sessions, people, engine, workflow, jobs, access, avoidance, archives, archiveViews };
}
