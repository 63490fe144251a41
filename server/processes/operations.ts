// 运行监控: how the cases of each version run, for the process administrator — counts per element
// on the diagram, the instance list, one case's diagram, timeline, jobs and tasks — and the
// operations on a case: retry an incident, suspend, resume, cancel with a reason. Each operation is
// audited in its own transaction; so is opening a case.
//
// Least privilege (DOMAIN.md §4): the process administrator keeps cases running but does not read
// what they are about. A case shows its variables' names and types, and values only for what the
// diagram itself reads to route the case (conditions, timers, assignees, due dates, decision
// inputs), and only when that value is a plain scalar: enough to see why a case took a path or
// waits, not the application's content. No subject, comment, attachment or free text; the
// requester appears as a unit, not a person.
import type { Db } from '../db.ts';
import { parseJson } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { WorkflowEngine } from '../engine/index.ts';
import * as engineStore from '../engine/store.ts';
import * as ops from '../engine/operations.ts';
import type { SessionUser } from '../people/sessions.ts';
import { routingPaths, visibleVariables } from './routing.ts';
import * as store from './store.ts';

/** History events written by the operations below (their actor is a process administrator). */
const OPS_EVENTS = new Set(['suspend', 'resume', 'retry', 'cancel', 'reassign']);
const DAY_MS = 86_400_000;
/** 'YYYY-MM-DD' in Beijing → the UTC instant that day starts. */
const beijingStart = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`));

export interface InstanceQuery {
  processKey?: string;
  version?: number;
  status?: engineStore.InstanceStatus;
  startedFrom?: string;
  startedTo?: string;
  elementId?: string;
  q?: string;
  offset: number;
  limit: number;
}

export class OperationsService {
  constructor(
    private readonly db: Db,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly jobMaxRetries: number,
  ) {}

  /** The diagram of one version with, per element, the cases waiting there and the incidents. */
  async versionStats(key: string, version: number) {
    const row = await store.findVersion(this.db, key, version);
    if (!row) throw errors.notFound('Process version');
    const [active, incidents, counts] = await Promise.all([
      store.activeElementsOf(this.db, row.id),
      store.incidentsPerElement(this.db, row.id),
      store.caseCounts(this.db, row.id),
    ]);
    const perElement = new Map<string, { active: number; incidents: number }>();
    const at = (id: string) => perElement.get(id) ?? perElement.set(id, { active: 0, incidents: 0 }).get(id)!;
    for (const r of active) for (const id of new Set(parseJson<string[]>(r.active_elements, []))) at(id).active++;
    for (const [id, n] of incidents) at(id).incidents += n;
    const totals = counts.get(row.id) ?? store.noCases();
    return {
      key,
      version,
      name: row.name,
      xml: row.xml,
      totals,
      elements: [...perElement.entries()].map(([elementId, v]) => ({ elementId, ...v })).sort((a, b) => a.elementId.localeCompare(b.elementId)),
    };
  }

  /** The steps a case waits at, named; timers armed on a step's border are not steps of their own. */
  private async stepNames(deploymentId: string, ids: string[]) {
    const def = await this.engine.definitions.load(this.db, deploymentId);
    return ids.filter((id) => def.meta.elements.get(id)?.type !== 'bpmn:BoundaryEvent').map((id) => ({ id, name: def.meta.elements.get(id)?.name ?? id }));
  }

  async instances(qy: InstanceQuery) {
    const filter: store.InstanceFilter = {
      processKey: qy.processKey,
      version: qy.version,
      status: qy.status,
      elementId: qy.elementId,
      businessKey: qy.q || undefined,
      startedFrom: qy.startedFrom ? iso(beijingStart(qy.startedFrom)) : undefined,
      startedBefore: qy.startedTo ? iso(new Date(beijingStart(qy.startedTo).getTime() + DAY_MS)) : undefined,
    };
    const { rows, total } = await store.instances(this.db, filter, qy.offset, qy.limit);
    const incidents = await store.incidentCounts(this.db, rows.map((r) => r.id));
    const items = await Promise.all(
      rows.map(async (r) => ({
        id: r.id,
        processKey: r.process_key,
        processName: r.process_name,
        version: r.version,
        businessKey: r.business_key,
        status: r.status,
        startedAt: r.started_at,
        endedAt: r.ended_at,
        initiatorOrgName: r.initiator_org_name,
        activeSteps: engineStore.isLive(r.status) ? await this.stepNames(r.deployment_id, parseJson<string[]>(r.active_elements, [])) : [],
        incidents: incidents.get(r.id) ?? 0,
      })),
    );
    return { items, total };
  }

  /** One case for operations (audited as a view). */
  async instance(user: SessionUser, ip: string, id: string) {
    const inst = await engineStore.findInstance(this.db, id);
    if (!inst) throw errors.notFound('Process instance');
    const def = await this.engine.definitions.load(this.db, inst.deployment_id);
    const [history, jobs, tasks, orgName, decisions] = await Promise.all([
      store.historyWithNames(this.db, id),
      store.jobsOf(this.db, id),
      store.tasksWithNames(this.db, id),
      store.initiatorOrgName(this.db, inst.started_by),
      this.engine.decisions(),
    ]);
    const active = parseJson<string[]>(inst.active_elements, []);
    const done = [...new Set(history.filter((h: any) => h.event === 'end').map((h: any) => h.element_id as string))].filter((x) => !active.includes(x));
    const paths = routingPaths(def.deployment.xml, (ref) => decisions.get(ref)?.inputs.map((i) => i.expression) ?? []);
    const name = (elementId: string) => def.meta.elements.get(elementId)?.name ?? null;
    // Where an incident's case failed: its latest timeline row (a timer job's fault is recorded at
    // the step after the timer that failed, engine/jobs.ts), else the job's own element.
    const failedAt = (j: any): string =>
      history.filter((h: any) => h.event === 'incident' && h.execution_id === j.execution_id).at(-1)?.element_id ?? j.element_id;
    await this.audit.record(null, { actor: user, ip, action: 'instance.inspect', objectType: 'process_instance', objectId: id });
    return {
      id: inst.id,
      processKey: inst.process_key,
      processName: def.deployment.name,
      version: inst.version,
      businessKey: inst.business_key,
      status: inst.status,
      startedAt: inst.started_at,
      endedAt: inst.ended_at,
      endReason: inst.end_reason,
      initiatorOrgName: orgName,
      activeSteps: engineStore.isLive(inst.status) ? await this.stepNames(inst.deployment_id, active) : [],
      incidents: jobs.filter((j: any) => j.status === 'incident').length,
      xml: def.deployment.xml,
      activeElements: engineStore.isLive(inst.status) ? active : [],
      doneElements: done,
      incidentElements: [...new Set(jobs.filter((j: any) => j.status === 'incident').map((j: any) => failedAt(j)))],
      variables: visibleVariables(parseJson<Record<string, unknown>>(inst.variables, {}), await paths),
      timeline: history.map((h: any) => {
        const detail = parseJson<Record<string, unknown> | null>(h.detail, null);
        return {
          at: h.at,
          elementId: h.element_id,
          // The case's own rows (suspend, resume, cancel) name the process, not its key.
          elementName: h.element_type === 'process' ? def.deployment.name : (h.element_name ?? name(h.element_id)),
          elementType: h.element_type,
          event: h.event,
          // Who completed a step or acted on the case; the rows a command writes on the way carry
          // its caller (often the applicant), who is not named here.
          actorName: h.event === 'end' && h.element_type === 'bpmn:UserTask' ? (h.actor_name ?? null) : OPS_EVENTS.has(h.event) ? (h.actor_name ?? null) : null,
          // The decision of a step (approve / reject) routes the case; comments are not shown.
          outcome: typeof detail?.decision === 'string' ? detail.decision : null,
          // The reason the process administrator gave for an operation (theirs, not the application's).
          reason: OPS_EVENTS.has(h.event) && typeof detail?.reason === 'string' ? detail.reason : null,
        };
      }),
      jobs: jobs.map((j: any) => ({
        id: j.id,
        elementId: j.element_id,
        elementName: name(j.element_id),
        type: j.type,
        dueAt: j.due_at,
        status: j.status,
        attempts: j.attempts,
        retriesLeft: j.retries_left,
        lastError: j.last_error ? String(j.last_error).slice(0, 500) : null,
      })),
      tasks: tasks.map((t: any) => ({
        id: t.id,
        elementId: t.element_id,
        name: t.name,
        status: t.status,
        candidateRole: t.candidate_role,
        candidateOrgName: t.candidate_org_name ?? null,
        assigneeName: t.assignee_name ?? null,
        createdAt: t.created_at,
        dueAt: t.due_at,
        completedAt: t.completed_at,
      })),
    };
  }

  private record(trx: any, user: SessionUser, ip: string, action: string, id: string, detail: Record<string, unknown>) {
    return this.audit.record(trx, { actor: user, ip, action, objectType: 'process_instance', objectId: id, detail });
  }

  async suspend(user: SessionUser, ip: string, id: string, reason?: string) {
    return this.db.transaction(async (trx) => {
      const inst = await ops.suspend(trx, id, user.id, this.clock.now(), reason);
      await this.record(trx, user, ip, 'instance.suspend', id, { processKey: inst.process_key, version: inst.version, reason: reason ?? null });
      return { id, status: inst.status };
    });
  }

  async resume(user: SessionUser, ip: string, id: string, reason?: string) {
    return this.db.transaction(async (trx) => {
      const inst = await ops.resume(trx, id, user.id, this.clock.now(), reason);
      await this.record(trx, user, ip, 'instance.resume', id, { processKey: inst.process_key, version: inst.version, reason: reason ?? null });
      return { id, status: inst.status };
    });
  }

  /** Ends the case: open tasks and timers are cancelled; the applicant sees it terminated with the reason. */
  async cancel(user: SessionUser, ip: string, id: string, reason: string) {
    return this.db.transaction(async (trx) => {
      const inst = await engineStore.lockInstance(trx, id);
      if (!inst) throw errors.notFound('Process instance');
      await this.engine.terminate(trx, id, `流程管理员取消：${reason}`, user.id);
      await engineStore.insertHistory(trx, [
        { instance_id: id, element_id: inst.process_key, element_type: 'process', element_name: null, event: 'cancel', execution_id: null, actor_id: user.id, at: iso(this.clock.now()), detail: JSON.stringify({ reason }) },
      ]);
      await this.record(trx, user, ip, 'instance.cancel', id, { processKey: inst.process_key, version: inst.version, reason });
      return { id, status: 'terminated' as const };
    });
  }

  async retryJob(user: SessionUser, ip: string, jobId: string) {
    return this.db.transaction(async (trx) => {
      const { job, instance } = await ops.retryJob(trx, jobId, user.id, this.clock.now(), this.jobMaxRetries);
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'job.retry',
        objectType: 'job',
        objectId: job.id,
        detail: { instanceId: instance.id, elementId: job.element_id, attempts: job.attempts },
      });
      return { jobId: job.id, instanceId: instance.id, status: instance.status, jobStatus: job.status };
    });
  }
}
