// The object graph of the server: every service built once from config, db, clock and logger.
// No listening, no timers started here: main.ts and tests decide that.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import { AuditLog, auditLogFor } from './audit/service.ts';
import { AuditConsole } from './audit/console.ts';
import { Sessions } from './people/sessions.ts';
import { PeopleService } from './people/service.ts';
import { SecretBox } from './people/secret-box.ts';
import { CredentialsService } from './people/credentials.ts';
import { LoginThrottle } from './people/throttle.ts';
import { SettingsService } from './admin/settings.ts';
import { UserAdminService } from './admin/users.ts';
import { SecurityMaintenance } from './admin/maintenance.ts';
import { WorkflowEngine, ServiceRegistry, EngineHooks } from './engine/index.ts';
import { FormRegistry } from './engine/forms.ts';
import { JobRunner } from './engine/jobs.ts';
import { WorkflowService } from './workflow/service.ts';
import { InboxService } from './workflow/inbox.ts';
import { CaseService, registerCaseHooks } from './workflow/cases.ts';
import { AttachmentService } from './workflow/attachments.ts';
import { registerRequestServices, RequestsService } from './requests/service.ts';
import { RequestRecords } from './requests/records.ts';
import { BUSINESS_ROLES } from './http/policy.ts';
import type { Q, Trx } from './db.ts';
import type { IncidentListener } from './engine/incidents.ts';
import { caseRefOf } from './notify/service.ts';
import { oneLine } from './notify/templates.ts';
import { NotifyService } from './notify/service.ts';
import { NotificationSettings } from './notify/settings.ts';
import { OutboxAdmin } from './notify/outbox.ts';
import { MailWorker } from './notify/worker.ts';
import { OverdueTasks } from './notify/overdue.ts';
import { CampaignReminders } from './reviews/campaign-reminders.ts';
import { DeadlineService } from './deadlines/service.ts';
import { registerDeadlineServices } from './deadlines/process-services.ts';
import { AccessRules } from './access/rules.ts';
import { AvoidanceService } from './access/service.ts';
import { ArchivesService } from './archives/service.ts';
import { XlsxReadSlots } from './archives/import-slots.ts';
import { ArchiveViews } from './archives/views.ts';
import { Scans } from './archives/scans.ts';
import { MaterialsService } from './materials/service.ts';
import { IntakeScans } from './materials/scans.ts';
import { CorrectionsService } from './corrections/service.ts';
import { TransferService } from './transfers/service.ts';
import { registerTransferServices } from './transfers/process.ts';
import { ProcessAdminService } from './processes/service.ts';
import { OperationsService } from './processes/operations.ts';
import { ReadingRoom } from './reading/service.ts';
import { QualityService } from './quality/service.ts';
import { ReportsService } from './reports/service.ts';
import { StockChecks } from './inventory/service.ts';
import { CopiesService } from './copies/service.ts';
import { DigitisationService } from './digitisation/service.ts';
import { ArchiveReviews } from './reviews/service.ts';
import { ReviewCampaigns } from './reviews/campaigns.ts';
import { ReviewStandards } from './reviews/standards.ts';

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
  auditConsole: AuditConsole;
  settings: SettingsService;
  sessions: Sessions;
  people: PeopleService;
  credentials: CredentialsService;
  /** Encrypts TOTP secrets at rest (key file outside the database). */
  secrets: SecretBox;
  throttle: LoginThrottle;
  users: UserAdminService;
  /** Periodic audit checkpoints and clean-up; main.ts starts it, tests call runOnce(). */
  maintenance: SecurityMaintenance;
  engine: WorkflowEngine;
  workflow: WorkflowService;
  inbox: InboxService;
  cases: CaseService;
  attachments: AttachmentService;
  jobs: JobRunner;
  notify: NotifyService;
  notifySettings: NotificationSettings;
  outbox: OutboxAdmin;
  mailer: MailWorker;
  /** 待办逾期提醒: tells once of each task past its due time; main.ts starts it, tests call pollOnce(). */
  overdue: OverdueTasks;
  deadlines: DeadlineService;
  /** 流程管理: versions, forms, deployments and their approval, diffs (the process administrator). */
  processes: ProcessAdminService;
  /** 运行监控: counts per element, the case list, suspend/resume/cancel, incident retry. */
  operations: OperationsService;
  // Domain services are added here, one line each (archives, access, notify, …).
  access: AccessRules;
  avoidance: AvoidanceService;
  archives: ArchivesService;
  archiveViews: ArchiveViews;
  materials: MaterialsService;
  corrections: CorrectionsService;
  transfers: TransferService;
  requests: RequestsService;
  /** 阅档室: watermarked pages inside a grant's window (server/reading/). */
  reading: ReadingRoom;
  /** 扫描质检: records every scan check, lists the failing materials (server/quality/). */
  quality: QualityService;
  /** 统计分析: holdings and a year's work of the caller's archive offices (server/reports/). */
  reports: ReportsService;
  /** 库房核对: the registers checked against the shelves (server/inventory/). */
  stockChecks: StockChecks;
  /** 复制件 PDFs: made once per register row, downloads audited (server/copies/). */
  copies: CopiesService;
  /** 数字化出库/回库: the batches of archives taken to the scanners and back (server/digitisation/). */
  digitisation: DigitisationService;
  /** 专项审核: archives scored against the review standard, confirmed by the chief (server/reviews/). */
  reviews: ArchiveReviews;
  /** 专项审核工作: an office's campaigns of reviews with their progress (server/reviews/). */
  reviewCampaigns: ReviewCampaigns;
  /** 审核标准: the review standard's versions, published by the process administrator (server/reviews/standards.ts). */
  reviewStandards: ReviewStandards;
}

/** The org unit whose holders of a role are a task's candidates: set by each process's start service. */
function candidateOrg(role: string, variables: Record<string, unknown>): number | null {
  const scopes = variables.orgScopes as Record<string, unknown> | undefined;
  const v = scopes?.[role];
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

/**
 * A user may work tasks when holding a business role (policy.ts: task.work). A disabled account
 * is not refused here: its task is told as unstaffed (notify) and can be handed on.
 */
async function mayWorkTasks(q: Q, userId: number): Promise<boolean> {
  const rows: Array<{ role: string }> = await q('user_roles').where({ user_id: userId }).whereIn('role', [...BUSINESS_ROLES]).select('role').limit(1);
  return rows.length > 0;
}

/** The enabled users holding a business role: whom a diagram's literal camunda:assignee may name. */
async function assignableUsers(q: Q): Promise<number[]> {
  const rows: Array<{ id: number }> = await q('users')
    .where('users.disabled', false)
    .whereExists((sub: any) => sub.select(1).from('user_roles').whereRaw('user_roles.user_id = users.id').whereIn('user_roles.role', [...BUSINESS_ROLES]))
    .select('users.id')
    .orderBy('users.id');
  return rows.map((r) => Number(r.id));
}

/**
 * An incident of a case (a failed command, a timer job that kept failing) is told to the process
 * administrators, once per case and element (the mail's key): the step, the process and the case
 * number, never the case's content; the error itself is on the case's page in 运行监控.
 */
function incidentNotice(notify: NotifyService, engine: () => WorkflowEngine): IncidentListener {
  return async (trx: Trx, { instanceId, elementId, trigger }) => {
    const inst = await trx('process_instances').where({ id: instanceId }).first();
    if (!inst) return;
    const def = await engine().definitions.load(trx, inst.deployment_id);
    const step = def.meta.elements.get(elementId)?.name ?? elementId;
    await notify.notify(trx, {
      event: 'process_incident',
      recipients: [{ role: 'process_admin', orgUnitId: null }],
      vars: { processName: oneLine(def.deployment.name), caseRef: caseRefOf(instanceId, inst.business_key), stepName: oneLine(step), trigger: trigger ?? 'action' },
      link: { instance: instanceId },
      instanceId,
      key: `incident:${instanceId}:${elementId}`,
      avoidCadreId: null,
    });
  };
}

/**
 * The engine as configured for this system. The domains bring the hooks, the registered services
 * and the unit a role's candidates come from; the benchmark builds one with none of them.
 */
export function createWorkflowEngine(
  config: Config,
  clock: Clock,
  wiring: {
    hooks: EngineHooks;
    services: ServiceRegistry;
    candidateOrg: (role: string, variables: Record<string, unknown>) => number | null;
    /** Faults of the diagram become incidents (written with this handle) and notices; unset, they are only answered. */
    db?: Db;
    onIncident?: IncidentListener;
    warn?: (facts: Record<string, unknown>, message: string) => void;
  },
): WorkflowEngine {
  return new WorkflowEngine({
    clock,
    ...wiring,
    mayWorkTasks,
    assignableUsers,
    params: config.params,
    jobMaxRetries: config.engine.jobMaxRetries,
    timerMinCycleSeconds: config.engine.timerMinCycleSeconds,
    timerMaxRepetitions: config.engine.timerMaxRepetitions,
    forms: new FormRegistry(path.join(processesDir, 'forms')),
    decisionsDir: path.join(processesDir, 'decisions'),
    // The three administrators (三员) and the process administrator handle no business (policy.ts
    // gives them no task.work): no step of a process may name them, nor may they start one.
    roles: [...BUSINESS_ROLES],
  });
}

export function createServices(deps: Deps): Services {
  const { config, db, clock, log } = deps;
  const audit = auditLogFor(config, db, clock);
  const auditConsole = new AuditConsole(db, audit);
  const settings = new SettingsService(db, clock, config, audit);
  const sessions = new Sessions(db, clock, settings, audit);
  const throttle = new LoginThrottle(db, clock);
  const secrets = new SecretBox(config.totpKeyFile);
  const people = new PeopleService(db, clock, settings, sessions, audit, throttle, secrets, config.passwordScryptN);
  const credentials = new CredentialsService(db, clock, settings, sessions, audit, throttle, people, secrets, config.passwordScryptN);
  const maintenance = new SecurityMaintenance(log.child({ module: 'security' }), config.audit.checkpointMinutes * 60_000, audit, throttle);

  // Domains register the named services their diagrams call, and listen to engine events.
  const registry = new ServiceRegistry();
  const hooks = new EngineHooks();
  registerCaseHooks(hooks, clock);
  const access = new AccessRules(clock);
  const notify = new NotifyService(db, clock, config, audit, (q, userId) => access.exclusions(q, userId), log.child({ module: 'notify' }));
  const users = new UserAdminService(db, clock, sessions, audit, notify, config.passwordScryptN, config.mail.allowedDomains);
  const deadlines = new DeadlineService(db, clock, config, access);
  const scans = new Scans(config.dataDir, clock, config.scans.minDpi);
  const archives = new ArchivesService(db, clock, audit, access, scans, notify, new XlsxReadSlots(config.imports.maxXlsxReads));
  const quality = new QualityService(db, clock, audit, access, archives);
  const reports = new ReportsService(db, clock, audit, access);
  const stockChecks = new StockChecks(db, clock, audit, access);
  const reviewCampaigns = new ReviewCampaigns(db, clock, audit, access, deadlines);
  const reviews = new ArchiveReviews(db, clock, audit, access, notify, reviewCampaigns, config.params.reviewPassScore);
  const reviewStandards = new ReviewStandards(db, clock, audit, config.params.reviewPassScore);
  // The use records (申请单, 查阅登记簿, 复制登记, loans) as each user may read them: one reader for all.
  const records = new RequestRecords(db, clock, access, audit);
  const copies = new CopiesService(db, clock, audit, access, scans, records, config.dataDir, config.scans.copyPdfMaxPx);
  const requestDeps = { access, archives, deadlines, notify };
  registerRequestServices(registry, hooks, requestDeps, clock);
  notify.register(hooks);
  deadlines.register(hooks);
  registerDeadlineServices(registry, deadlines, notify);
  // The engine is built below; the transfer services reach it when a case runs, never before.
  const transferDeps = { db, clock, config, audit, archives, access, notify, engine: () => engine };
  registerTransferServices(registry, transferDeps);
  const transfers = new TransferService(transferDeps);
  transfers.register(hooks);
  const notifySettings = new NotificationSettings(db, clock, config, audit);
  const outbox = new OutboxAdmin(db, clock, config, audit);
  const mailer = new MailWorker(db, clock, log.child({ module: 'mail' }), audit, config);
  // 专项审核工作 due soon: swept with the overdue tasks.
  const campaignReminders = new CampaignReminders(db, clock, notify, config);
  const overdue = new OverdueTasks(db, clock, notify, log.child({ module: 'overdue' }), { also: [{ what: 'campaign reminders', sweep: () => campaignReminders.sweep() }] });

  const engineLog = log.child({ module: 'engine' });
  const onIncident = incidentNotice(notify, () => engine);
  const engine = createWorkflowEngine(config, clock, {
    hooks,
    services: registry,
    candidateOrg,
    db,
    onIncident,
    warn: (facts, message) => engineLog.warn(facts, message),
  });
  const inbox = new InboxService(db, clock, config.inbox, access, audit);
  const workflow = new WorkflowService(db, engine, audit, (dueAt) => inbox.dueState(dueAt), access, config.params);
  const cases = new CaseService(db, engine, audit, clock);
  const attachments = new AttachmentService(db, audit, clock, config.attachments, config.dataDir);
  const processes = new ProcessAdminService(db, engine, audit, clock, config.processes.requireApproval);
  const operations = new OperationsService(db, engine, audit, clock, config.engine.jobMaxRetries);
  const jobs = new JobRunner(db, clock, log.child({ module: 'jobs' }), (id) => workflow.fireJob(id), {
    pollMs: config.engine.jobPollMs,
    lockSeconds: config.engine.jobLockSeconds,
    onIncident,
  });
  const requests = new RequestsService(db, clock, audit, engine, records, config.params);
  const avoidance = new AvoidanceService(db, clock, audit, notify);
  const reading = new ReadingRoom({ db, clock, audit, access, scans, workflow, dataDir: config.dataDir, pageWidth: config.reading.pageWidth, thumbWidth: config.reading.thumbWidth });
  const archiveViews = new ArchiveViews(db, audit, access, scans, { derivatives: reading.derivatives, width: config.reading.thumbWidth });
  // The processes' domain services need the engine (a material's arrival ends its collection
  // notice's case); they register before anything is deployed (boot.ts).
  const materials = new MaterialsService({ db, clock, audit, access, archives, engine, deadlines, scans: new IntakeScans(config.dataDir, config.scans.minDpi) });
  materials.register(registry, hooks);
  const corrections = new CorrectionsService({ db, clock, audit, access, archives, config }, processesDir);
  corrections.register(registry, hooks);
  const digitisation = new DigitisationService({ db, clock, audit, access, archives, deadlines });
  digitisation.register(registry, hooks);
  return {
    ...deps,
    audit,
    auditConsole,
    settings,
    sessions,
    people,
    credentials,
    secrets,
    throttle,
    users,
    maintenance,
    engine,
    workflow,
    inbox,
    cases,
    attachments,
    jobs,
    notify,
    notifySettings,
    outbox,
    mailer,
    overdue,
    deadlines,
    access,
    avoidance,
    archives,
    archiveViews,
    materials,
    corrections,
    transfers,
    requests,
    reading,
    quality,
    reports,
    stockChecks,
    copies,
    digitisation,
    reviews,
    reviewCampaigns,
    reviewStandards,
    processes,
    operations,
  };
}
