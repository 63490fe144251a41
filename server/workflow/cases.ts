// The requester's side of a case: the case index kept by engine hooks, "my applications",
// withdrawal while nobody has decided yet, comments, and the diagram with done and active steps.
import type { Db, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { EngineHooks, WorkflowEngine } from '../engine/index.ts';
import type { CaseFacts } from '../engine/types.ts';
import type { StartResult } from '../engine/index.ts';
import * as engineStore from '../engine/store.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as store from './cases-store.ts';
import type { ApplicationRow, CaseRow } from './cases-store.ts';
import { assertMayContribute, canReadCase } from './scope.ts';
import { assertReadsCase, caseRead } from './case-reads.ts';


/** What the inbox search box matches for a case. */
function searchText(parts: Array<string | null | undefined>): string {
  return parts.filter(Boolean).join(' ').toLowerCase().slice(0, 1000);
}

/** A process may say what a case is about by setting the variable `caseSubject` (shown in lists). */
function subjectOf(variables: Record<string, unknown>): string | null {
  const s = variables.caseSubject;
  return typeof s === 'string' && s.trim() ? s.trim().slice(0, 300) : null;
}

/** The cadre a case concerns: the process variable `cadreId` the start services set. */
export function cadreOf(variables: Record<string, unknown>): number | null {
  const n = Number(variables.cadreId);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * Creates or refreshes the case row of an instance. Idempotent; called by the engine hooks (with the
 * event's facts, so an existing row needs no join) and after a start (indexStartedCase).
 */
export async function syncCase(trx: Trx, instanceId: string, variables: Record<string, unknown>, facts?: CaseFacts): Promise<void> {
  const existing = await store.findCase(trx, instanceId);
  const subject = subjectOf(variables) ?? existing?.subject ?? null;
  const cadreId = cadreOf(variables) ?? existing?.cadre_id ?? null;
  if (existing && facts) {
    // The initiator and their unit are fixed when the row is made; the event brings the rest.
    const text = searchText([facts.processName, facts.businessKey, subject, existing.initiator_name, existing.initiator_org_name]);
    if (existing.subject !== subject || existing.search_text !== text || existing.cadre_id !== cadreId) {
      await store.updateCase(trx, instanceId, { subject, search_text: text, cadre_id: cadreId });
    }
    return;
  }
  const src = await store.caseSource(trx, instanceId);
  if (!src) return;
  const text = searchText([src.process_name, src.business_key, subject, src.initiator_name, src.org_name]);
  if (!existing) {
    const row: CaseRow = {
      instance_id: instanceId,
      process_key: src.process_key,
      process_name: src.process_name,
      subject,
      initiator_id: src.started_by,
      initiator_name: src.initiator_name,
      initiator_org_id: src.org_id,
      initiator_org_name: src.org_name,
      initiator_org_path: src.org_path,
      search_text: text,
      started_at: src.started_at,
      ended_at: null,
      outcome: null,
      outcome_element_id: null,
      cadre_id: cadreId,
    };
    await store.insertCase(trx, row);
  } else if (existing.subject !== subject || existing.search_text !== text || existing.cadre_id !== cadreId) {
    await store.updateCase(trx, instanceId, { subject, search_text: text, cadre_id: cadreId });
  }
}

/**
 * After a start: the case row. The hooks have made it when the start created a task; a start that
 * waits for a timer or a message first has none yet.
 */
export function indexStartedCase(trx: Trx, started: StartResult): Promise<void> {
  return syncCase(trx, started.id, started.variables, { businessKey: started.businessKey, processName: started.processName });
}

/** Keeps workflow_cases in step with the engine, inside the engine's own transactions. */
export function registerCaseHooks(hooks: EngineHooks, clock: Clock): void {
  hooks.on('taskCreated', (trx, ev) => syncCase(trx, ev.task.instance_id, ev.variables, ev.case));
  hooks.on('instanceEnded', async (trx, ev) => {
    await syncCase(trx, ev.instanceId, ev.variables, ev.case);
    let outcome: string | null = null;
    let element: string | null = null;
    if (ev.status === 'terminated') outcome = 'terminated';
    else if (typeof ev.variables.outcome === 'string' && ev.variables.outcome) outcome = ev.variables.outcome.slice(0, 200);
    const end = ev.status === 'completed' ? await store.lastEndEvent(trx, ev.instanceId) : undefined;
    if (end) {
      element = end.element_id;
      outcome ??= end.element_name ?? end.element_id;
    }
    await store.updateCase(trx, ev.instanceId, { ended_at: iso(clock.now()), outcome, outcome_element_id: element });
  });
}

export class CaseService {
  constructor(
    private readonly db: Db,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  private application(r: ApplicationRow, userId: number, steps: Map<string, string[]>, decided: Set<string>) {
    const mine = r.initiator_id === userId;
    return {
      id: r.instance_id,
      processKey: r.process_key,
      processName: r.process_name,
      version: r.version,
      businessKey: r.business_key,
      subject: r.subject,
      status: r.status,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      outcome: r.outcome,
      currentSteps: steps.get(r.instance_id) ?? [],
      coApplicant: !mine,
      initiatorName: r.initiator_name,
      canWithdraw: mine && engineStore.isLive(r.status) && !decided.has(r.instance_id),
    };
  }

  async applications(user: SessionUser, state: 'open' | 'closed' | 'all', offset: number, limit: number) {
    const { rows, total } = await store.applicationsOf(this.db, user.id, state, offset, limit);
    const ids = rows.map((r) => r.instance_id);
    const [steps, decided] = await Promise.all([store.openStepsOf(this.db, ids), store.decidedInstances(this.db, ids)]);
    return { items: rows.map((r) => this.application(r, user.id, steps, decided)), total };
  }

  /** May the caller withdraw this case now? (Only the initiator, only while nobody has decided.) */
  async withdrawable(user: SessionUser, instanceId: string, inst?: { started_by: number | null; status: string }): Promise<boolean> {
    const i = inst ?? (await engineStore.findInstance(this.db, instanceId));
    if (!i || i.started_by !== user.id || !engineStore.isLive(i.status)) return false;
    return !(await store.decidedInstances(this.db, [instanceId])).has(instanceId);
  }

  /**
   * 撤回: ends the case with the applicant's reason. Under the instance lock, so it cannot cross an
   * approver's decision: whichever commits first wins, the other gets 409.
   */
  async withdraw(user: SessionUser, ip: string, instanceId: string, reason: string) {
    return this.db.transaction(async (trx) => {
      const inst = await engineStore.lockInstance(trx, instanceId);
      if (!inst || !(await canReadCase(trx, user, instanceId))) throw errors.notFound('Process instance');
      if (inst.started_by !== user.id) throw errors.forbidden('只有申请人可以撤回申请 / Only the applicant may withdraw');
      if (!engineStore.isLive(inst.status)) throw errors.instanceNotActive(inst.status);
      if ((await store.decidedInstances(trx, [instanceId])).has(instanceId)) {
        throw errors.conflict('ALREADY_DECIDED', '已有审批人作出决定，不能撤回 / An approver has already decided');
      }
      await this.engine.terminate(trx, instanceId, reason, user.id);
      await store.updateCase(trx, instanceId, { outcome: 'withdrawn' });
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'instance.withdraw',
        objectType: 'process_instance',
        objectId: instanceId,
        detail: { processKey: inst.process_key },
      });
      return { id: instanceId, status: 'terminated', outcome: 'withdrawn' };
    });
  }

  /** Audited `case.comments` with the count only (a 404 as denied). */
  async comments(user: SessionUser, ip: string | null, instanceId: string) {
    await assertReadsCase(this.db, this.audit, user, ip, instanceId, 'case.comments');
    const rows = await store.commentsOf(this.db, instanceId);
    await caseRead(this.audit, user, ip, instanceId, 'case.comments', { returned: rows.length });
    return rows.map((r) => ({ id: r.id, authorId: r.author_id, authorName: r.author_name, body: r.body, createdAt: r.created_at }));
  }

  async addComment(user: SessionUser, ip: string, instanceId: string, body: string) {
    return this.db.transaction(async (trx) => {
      const inst = await engineStore.lockInstance(trx, instanceId);
      if (!inst) throw errors.notFound('Process instance');
      await assertMayContribute(trx, user, instanceId);
      if (!engineStore.isLive(inst.status)) throw errors.instanceNotActive(inst.status);
      const createdAt = iso(this.clock.now());
      const id = await store.insertComment(trx, { instance_id: instanceId, author_id: user.id, body, created_at: createdAt });
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'case.comment',
        objectType: 'process_instance',
        objectId: instanceId,
        detail: { commentId: id },
      });
      return { id, authorId: user.id, authorName: user.displayName, body, createdAt };
    });
  }

  /** The BPMN of the instance's own version, with the steps done and the steps waiting. */
  async diagram(user: SessionUser, ip: string | null, instanceId: string) {
    await assertReadsCase(this.db, this.audit, user, ip, instanceId, 'case.diagram');
    const view = await this.engine.instanceView(this.db, instanceId);
    const dep = await engineStore.findDeployment(this.db, view.instance.deployment_id);
    const done = [...new Set(view.history.filter((h) => h.event === 'end').map((h) => h.element_id))];
    return {
      processKey: view.instance.process_key,
      version: view.instance.version,
      xml: dep!.xml,
      activeElements: view.activeElements,
      doneElements: done.filter((id) => !view.activeElements.includes(id)),
    };
  }

  /** The latest version's diagram, for the start page ("how will my application go?"). */
  async definitionDiagram(user: SessionUser, processKey: string) {
    const row = await engineStore.latestDeployment(this.db, processKey);
    if (!row) throw errors.notFound('Process');
    const def = await this.engine.definitions.load(this.db, row.id);
    const isProcessAdmin = user.roles.includes('process_admin');
    if (!isProcessAdmin && !def.meta.starters.some((r) => user.roles.includes(r))) throw errors.notFound('Process');
    return { processKey, version: row.version, xml: row.xml, activeElements: [] as string[], doneElements: [] as string[] };
  }
}
