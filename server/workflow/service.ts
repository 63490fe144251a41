// The workflow API's rules: who may deploy, start, read and work what; each command is one
// transaction with its audit row.
import type { Db, Q } from '../db.ts';
import type { AccessRules, Relation } from '../access/rules.ts';
import { parseJson } from '../db.ts';
import { AppError, errors, isAppError, notFoundMessage } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import { reassignTargetRefused, type WorkflowEngine } from '../engine/index.ts';
import type { Actor } from '../engine/types.ts';
import type { HistoryRow, TaskRow } from '../engine/store.ts';
import type { LoadedDefinition } from '../engine/definitions.ts';
import * as engineStore from '../engine/store.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as store from './store.ts';
import { taskDto } from './dto.ts';
import { indexStartedCase } from './cases.ts';
import * as casesStore from './cases-store.ts';
import { assertReadsCase, caseRead } from './case-reads.ts';
import { canReadCase } from './scope.ts';
import { fillParams, formWithParams, processSummary } from './summary.ts';
import type { DueState } from './store.ts';
import { valueFields, type FormComponent } from '../../shared/forms.ts';
import { startHash } from './start-hash.ts';
import { AvoidedCadre } from '../materials/deps.ts';
import { barOf, barredFromTask, type Bar } from './bars.ts';

/** The fields of a form that hold a value, keyed as the page keys its data (the page's own valueFields). */
const fieldKeys = (cs: FormComponent[]): string[] => valueFields(cs).map((c) => (c.key ?? c.path)!);

export const actorOf = (u: SessionUser): Actor => ({ id: u.id, username: u.username, roles: u.roles, orgUnitId: u.orgUnitId });

export { taskDto };

/**
 * A task refused because its case concerns a cadre the user must avoid, or because of what the user
 * is in the case (initiator, co-applicant, another level done: ./bars.ts); answers 404 like absent.
 */
class Avoidance extends AppError {
  constructor(readonly relation: Relation | Bar) {
    super(404, 'NOT_FOUND', notFoundMessage('Task'));
  }
}

export class WorkflowService {
  constructor(
    private readonly db: Db,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditLog,
    private readonly dueState: (dueAt: string | null) => DueState,
    private readonly access: AccessRules,
    /** The installation's archive parameters, filled into the processes' documentation. */
    private readonly params: Record<string, number>,
  ) {}

  /**
   * 档案人员回避: nobody opens, claims or completes a task of a case about themselves, a relative or
   * a cadre on their avoidance list (the case's cadre is the process variable `cadreId`). The inbox
   * leaves such tasks out; this guards the task routes themselves.
   * 办理回避 goes the same way (./bars.ts, where the rule is written): the initiator and the
   * co-applicants are never candidates of a group step of their own case (but for the role they filed
   * it in), and who completed a step of the case in one role works no step of it in another — two
   * levels of approval need two people. A step the user completed stays theirs to read. The bar is
   * on working the step, not on answering for it: the archive chief who approved the case still hands
   * on (转办, 督办) its later archivist steps, and the process administrator any step (`handOn`).
   */
  /**
   * `view` (the task page): the chief who answers for the task reads it, and its holder too, so that
   * a barred one sees why and gives it back; the bar is answered (`bar` of the page), not thrown.
   * `holder`: giving back (unclaim) is the holder's whatever their bar — it is what the bar asks —
   * and whatever their tie to the cadre: a claim the tie's own write did not release (a tie that
   * came some other way: a relative recorded by an import or a correction) must not stay stuck with
   * someone who may no longer open it. Nothing else is excused the avoidance of the cadre.
   */
  private async assertNotAvoiding(q: Q, user: SessionUser, taskId: string, handOn: 'self' | 'head' | 'operator' | 'holder' | 'view' = 'self'): Promise<Bar | null> {
    const cadreId = await casesStore.cadreOfTask(q, taskId);
    const relation = cadreId ? await this.access.relationTo(q, user.id, cadreId) : null;
    const task = await engineStore.findTask(q, taskId);
    if (relation) {
      if (handOn === 'holder' && task?.status === 'open' && task.assignee_id === user.id) return null;
      throw new Avoidance(relation);
    }
    if (!task || task.completed_by === user.id) return null;
    const open = task.status === 'open';
    const heads = (handOn === 'head' || (handOn === 'view' && open)) && this.headsUnitOf(task, user);
    const holds = (handOn === 'holder' || (handOn === 'view' && open)) && task.assignee_id === user.id;
    const excused = handOn === 'operator' || heads || holds;
    if (excused && handOn !== 'view') return null;
    const bar = await barOf(q, user.id, task);
    if (bar && !excused) throw new Avoidance(bar);
    return bar;
  }

  /** The processes one may file an application on: the latest version of each, without those withdrawn (停用). */
  async listDefinitions() {
    const [all, retired] = await Promise.all([engineStore.latestDeployments(this.db), engineStore.retiredProcesses(this.db)]);
    const rows = all.filter((r) => !retired.has(r.process_key));
    return Promise.all(
      rows.map(async (r) => {
        const def = await this.engine.definitions.load(this.db, r.id);
        return {
          key: r.process_key,
          version: r.version,
          name: r.name,
          deployedAt: r.deployed_at,
          startFormKey: def.meta.startFormKey ?? null,
          starters: def.meta.starters,
          description: processSummary(def.meta.documentation, this.params),
        };
      }),
    );
  }

  /** Markdown for the OpenAPI description: each process's start variables and task outcomes. */
  async processDocs(): Promise<string> {
    const rows = await engineStore.latestDeployments(this.db);
    const fields = (def: LoadedDefinition, key: string | undefined | null) => {
      const form = key ? this.engine.formOf(def, key) : undefined;
      if (!form) return '  (no input)';
      const flat = (cs: any[]): any[] => cs.flatMap((c) => (c.components ? flat(c.components) : [c]));
      return flat(form.components)
        .filter((c) => c.key || c.path)
        .map((c) => {
          const opts = c.values ? ` one of ${c.values.map((v: any) => `\`${v.value}\` (${v.label})`).join(', ')}` : '';
          return `  - \`${c.key ?? c.path}\` ${c.type}${c.validate?.required ? ', required' : ''}: ${c.label ?? ''}${opts}`;
        })
        .join('\n');
    };
    const parts: string[] = ['## Processes'];
    for (const r of rows) {
      const def = await this.engine.definitions.load(this.db, r.id);
      parts.push(`### \`${r.process_key}\` ${r.name} (v${r.version}); started by ${def.meta.starters.join(', ')}`);
      if (def.meta.documentation) parts.push(fillParams(def.meta.documentation, this.params));
      parts.push(`Start variables:\n${fields(def, def.meta.startFormKey)}`);
      for (const el of def.meta.elements.values()) {
        if (el.type !== 'bpmn:UserTask') continue;
        parts.push(`Task \`${el.id}\` ${el.name} (${el.candidateGroups ?? el.assignee ?? ''}):\n${fields(def, el.formKey)}`);
      }
    }
    return parts.join('\n\n');
  }

  /**
   * Files an application. `idempotencyKey` (the start page makes one when the form opens): the
   * same user sending the same key again — a retry after an answer lost on the network — is
   * answered the case that key filed, `replayed: true`, and nothing new is started; the same key
   * with a different application (another process, other variables, another form version) is 409
   * IDEMPOTENCY_KEY_REUSED, so a changed application is never silently dropped. `version`: the
   * process version whose start form the caller filled; when the latest version's start form
   * differs (deployed while the form was open), 409 FORM_CHANGED, so the page can show the new
   * form keeping what was typed rather than fail on a field the user never saw.
   */
  async start(user: SessionUser, ip: string, processKey: string, variables: Record<string, unknown>, opts: { idempotencyKey?: string; version?: number } = {}) {
    const key = opts.idempotencyKey;
    const hash = key ? startHash(processKey, variables, opts.version) : null;
    try {
      return (key && (await this.filedWith(user, processKey, key, hash))) || (await this.startIn(user, ip, processKey, variables, opts, hash));
    } catch (e) {
      // Two sends of one key at once: the second meets the first's row in the unique index once
      // the first has committed, and answers its case.
      if (key && casesStore.isStartKeyTaken(e)) {
        const filed = await this.filedWith(user, processKey, key, hash);
        if (filed) return filed;
      }
      // A start refused by a rule of the field (e.g. a consultation naming a cadre no office holds)
      // leaves nothing behind but this row: repeated refusals are visible to the auditor. Only the
      // rule's name is kept, never what was typed.
      // A cadre the starter must avoid answers as absent (404) but is audited as the refusal it is.
      if (isAppError(e) && (e.code === 'RULE_VIOLATION' || e instanceof AvoidedCadre)) {
        const rule = e instanceof AvoidedCadre ? e.rule : (e.details as { rule?: unknown } | undefined)?.rule;
        await this.audit.record(null, { actor: user, ip, action: 'instance.start', outcome: 'denied', objectType: 'process', objectId: processKey, detail: { rule: typeof rule === 'string' ? rule : null } });
      }
      throw e;
    }
  }

  /**
   * The case this user already filed with this key, answered as its start was (`replayed`), when
   * the request is the one that filed it; a case filed before hashes were kept (NULL) replays.
   */
  private async filedWith(user: SessionUser, processKey: string, key: string, hash: string | null) {
    const c = await casesStore.caseOfStartKey(this.db, user.id, key);
    if (!c) return null;
    if (c.process_key !== processKey) {
      throw errors.conflict('IDEMPOTENCY_KEY_REUSED', '该提交标识已用于另一项申请 / This idempotency key was used for another application', { instanceId: c.id });
    }
    if (c.start_hash !== null && c.start_hash !== hash) {
      throw errors.conflict(
        'IDEMPOTENCY_KEY_REUSED',
        '这张申请表已提交过一份内容不同的申请，本次修改未提交；请在“我的申请”中查看已提交的申请 / An application with different content was already filed from this form; this change was not filed. See My applications for the one filed',
        { instanceId: c.id },
      );
    }
    const { id, process_key, version, status, business_key } = c;
    return { id, processKey: process_key, version, status, businessKey: business_key, activeElements: parseJson<string[]>(c.active_elements, []), replayed: true };
  }

  /**
   * 409 FORM_CHANGED when the start form of the version the caller filled is not the latest
   * version's. A new version that leaves the start form as it was takes the application as ever.
   */
  private async assertStartFormUnchanged(q: Q, processKey: string, filledVersion: number): Promise<void> {
    // The cached definitions: the latest version's id is one small query, its form no read at all.
    const latestId = await engineStore.latestDeploymentId(q, processKey);
    if (!latestId) return; // the start answers that there is no such process
    const latestDef = await this.engine.definitions.load(q, latestId);
    if (latestDef.deployment.version === filledVersion) return;
    const latest = latestDef.deployment;
    const startForm = (def: typeof latestDef) => (def.meta.startFormKey ? (this.engine.formOf(def, def.meta.startFormKey) ?? null) : null);
    const filled = await store.deploymentAt(q, processKey, filledVersion);
    const before = filled ? startForm(await this.engine.definitions.load(q, filled.id)) : undefined;
    const now = startForm(latestDef);
    if (filled && JSON.stringify(before) === JSON.stringify(now)) return;
    const had = new Set(before ? fieldKeys(before.components) : []);
    throw errors.conflict(
      'FORM_CHANGED',
      `申请表已更新为第 ${latest.version} 版，请按新表补填后重新提交 / The application form changed (version ${latest.version}): complete the new form and submit again`,
      { version: latest.version, added: now ? fieldKeys(now.components).filter((k) => !had.has(k)) : [] },
    );
  }

  private async startIn(user: SessionUser, ip: string, processKey: string, variables: Record<string, unknown>, opts: { idempotencyKey?: string; version?: number }, hash: string | null) {
    return this.db.transaction(async (trx) => {
      // A process withdrawn from 发起申请 takes no new application; cases a service starts (a
      // transfer-in after a transfer-out) and the cases already running go on.
      if (await engineStore.retiredProcess(trx, processKey)) {
        throw errors.conflict('PROCESS_RETIRED', '该流程已停用，不再受理新的申请 / This process is withdrawn: it takes no new applications');
      }
      if (opts.version !== undefined) await this.assertStartFormUnchanged(trx, processKey, opts.version);
      const result = await this.engine.start(trx, { processKey, variables, actor: actorOf(user) });
      await indexStartedCase(trx, result);
      if (opts.idempotencyKey) await casesStore.updateCase(trx, result.id, { start_key: opts.idempotencyKey, start_hash: hash });
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'instance.start',
        objectType: 'process_instance',
        objectId: result.id,
        detail: { processKey, version: result.version },
      });
      const { id, processKey: key, version, status, businessKey, activeElements } = result;
      return { id, processKey: key, version, status, businessKey, activeElements, replayed: false };
    });
  }

  /** The case page's read: audited `case.view` (a 404 as denied); it names the cadre. */
  async getInstance(user: SessionUser, ip: string | null, id: string) {
    await assertReadsCase(this.db, this.audit, user, ip, id, 'case.view');
    const view = await this.engine.instanceView(this.db, id);
    const i = view.instance;
    const [names, kase, def, coApplied] = await Promise.all([
      store.usernames(this.db, [
        ...view.history.map((h) => h.actor_id!),
        ...view.tasks.flatMap((t) => [t.assignee_id!, t.completed_by!]),
      ]),
      casesStore.findCase(this.db, id),
      this.engine.definitions.load(this.db, i.deployment_id),
      i.started_by === user.id ? [] : store.coApplicantCases(this.db, [id], user.id),
    ]);
    const name = (uid: number | null) => (uid ? (names.get(uid) ?? null) : null);
    const active = engineStore.isLive(i.status);
    const outcomeLabels = await this.outcomeLabels(i.deployment_id, view.tasks);
    await caseRead(this.audit, user, ip, id, 'case.view', { processKey: i.process_key, businessKey: i.business_key });
    return {
      id: i.id,
      processKey: i.process_key,
      processName: def.deployment.name,
      version: i.version,
      businessKey: i.business_key,
      subject: kase?.subject ?? null,
      status: i.status,
      outcome: kase?.outcome ?? null,
      endReason: i.end_reason,
      startedBy: i.started_by,
      initiatorName: kase?.initiator_name ?? null,
      initiatorOrgName: kase?.initiator_org_name ?? null,
      startedAt: i.started_at,
      endedAt: i.ended_at,
      startFormKey: def.meta.startFormKey ?? null,
      // The start form's cadre field reads as a name, for readers who cannot search cadres.
      cadre: kase?.cadre_id ? await store.cadreDisplay(this.db, kase.cadre_id) : null,
      canWithdraw: active && i.started_by === user.id && !view.tasks.some((t) => t.status === 'completed'),
      coApplicant: coApplied.length > 0,
      activeElements: view.activeElements,
      variables: parseJson<Record<string, unknown>>(i.variables, {}),
      history: view.history.map((h: HistoryRow) => ({
        elementId: h.element_id,
        elementType: h.element_type,
        elementName: h.element_name,
        event: h.event,
        caught: this.caught(def, h.element_id),
        actor: name(h.actor_id),
        at: h.at,
        detail: this.historyDetail(h, user, view.tasks),
      })),
      tasks: view.tasks.map((t) => ({
        ...taskDto({ ...t, business_key: i.business_key }),
        assigneeName: name(t.assignee_id),
        completedByName: name(t.completed_by),
        comment: t.comment,
        outcomeLabel: outcomeLabels.get(t.id) ?? null,
      })),
    };
  }

  /** What a boundary or catch event caught ('message', 'timer'): the diagram says, not the row's type. */
  private caught(def: LoadedDefinition, elementId: string): string | null {
    const el = def.meta.elements.get(elementId);
    return el && /CatchEvent|BoundaryEvent/.test(el.type) ? (el.events?.[0] ?? null) : null;
  }

  /** A decision as its task's form words it ("与转递单、目录相符，签退回执"), for the timeline. */
  private async outcomeLabels(deploymentId: string, tasks: TaskRow[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const forms = new Map<string, Awaited<ReturnType<WorkflowEngine['formFor']>>>();
    for (const t of tasks) {
      if (!t.outcome || !t.form_key) continue;
      if (!forms.has(t.form_key)) forms.set(t.form_key, await this.engine.formFor(this.db, deploymentId, t.form_key).catch(() => undefined));
      const decision = forms.get(t.form_key)?.components.find((c) => c.key === 'decision');
      const label = decision?.values?.find((v) => v.value === t.outcome)?.label;
      if (label) out.set(t.id, label);
    }
    return out;
  }

  /**
   * A history row's detail as this reader may see it. The reason given for a 转办 is the staff's
   * business (it may say why someone stands aside): it is shown to the people of that hand-over and
   * to the holders of the task's role, not to the applicant.
   * A claim given back because its holder must avoid the case's cadre (`release`/`stranded`, reason
   * `avoidance`) names nobody to any reader: who must avoid the cadre tells of a personal tie (a
   * relative, an avoidance entry). The audit row keeps the name, for the auditor.
   */
  private historyDetail(h: HistoryRow, user: SessionUser, tasks: TaskRow[]): Record<string, unknown> | null {
    const detail = parseJson<Record<string, unknown> | null>(h.detail, null);
    if ((h.event === 'release' || h.event === 'stranded') && detail?.reason === 'avoidance') {
      const { fromId: _id, fromName: _name, ...rest } = detail;
      return rest;
    }
    if (h.event !== 'reassign' || !detail) return detail;
    const task = tasks.find((t) => t.id === detail.taskId);
    const staff = [h.actor_id, detail.fromId, detail.toId].includes(user.id) || (!!task?.candidate_role && user.roles.includes(task.candidate_role));
    if (staff) return detail;
    const { reason: _reason, ...rest } = detail;
    return rest;
  }

  /**
   * Who may know that a task exists: whoever may work it, who completed it, a holder of its role in
   * its unit (whatever its state: a colleague sees a task another has claimed or finished), and for
   * the commands the archive chief of the task's office (督办 lists it). Anyone else gets 404 from
   * every task route, the same as for a task that does not exist, so an id tells nothing; 403 is
   * kept for a task the caller knows of but may not act on.
   */
  private seesTask(t: TaskRow, user: SessionUser): boolean {
    const actor = actorOf(user);
    const inGroup = !!t.candidate_role && this.engine.canWork({ ...t, assignee_id: null }, actor);
    return this.engine.canWork(t, actor) || t.completed_by === user.id || inGroup;
  }

  /** The task for a command, or 404 when the caller may not know of it (see `seesTask`). */
  private async assertKnowsTask(q: Q, user: SessionUser, taskId: string): Promise<void> {
    const t = await engineStore.findTask(q, taskId);
    if (!t || !(this.seesTask(t, user) || (t.status === 'open' && this.headsUnitOf(t, user)))) throw errors.notFound('Task');
  }

  /** Why a task is no longer to be done, in the facts the caller may know (no case content). */
  private closedReason(t: TaskRow, user: SessionUser, inst: { status: string } | undefined, outcome: string | null | undefined) {
    if (t.status === 'open') return null;
    if (t.status === 'completed') return t.completed_by === user.id ? ('done' as const) : ('doneByOther' as const);
    if (inst?.status === 'terminated') return outcome === 'withdrawn' ? ('withdrawn' as const) : ('terminated' as const);
    return 'stepCancelled' as const;
  }

  /**
   * A step the case came back to (申请续借 interrupts 归还核对 and re-creates it once decided): the
   * open task at the same step that the caller may know of, so an old link leads to it.
   */
  private async reopenedAs(t: TaskRow, user: SessionUser): Promise<string | null> {
    if (t.status !== 'cancelled') return null;
    const again = (await engineStore.openTasksOf(this.db, t.instance_id)).find((o) => o.element_id === t.element_id && o.id !== t.id && this.seesTask(o, user));
    return again?.id ?? null;
  }

  /**
   * Who handed the open task to its assignee (转办), so a colleague reads "陈立新 转交 王晓梅"
   * rather than "王晓梅 认领"; null when the assignee took it by claiming (or got it otherwise).
   */
  private async handedOn(t: TaskRow): Promise<{ byName: string; toName: string; at: string } | null> {
    if (t.assignee_id === null) return null;
    const last = await store.lastHandOn(this.db, t.instance_id, t.id);
    if (!last || last.toId !== t.assignee_id || last.actorId === null) return null;
    const names = await store.usernames(this.db, [last.actorId, last.toId]);
    const byName = names.get(last.actorId);
    const toName = names.get(last.toId);
    return byName && toName ? { byName, toName, at: last.at } : null;
  }

  /**
   * The task page. Who may know of the task reads it (`seesTask`), and so does the archive chief
   * who may hand the open task on (督办, 转办) though it is not his role's. Whoever is barred from
   * working it (./bars.ts) and neither answers for it nor holds it gets 404, as on the commands;
   * the chief or holder who is barred reads it with `bar` (why) and neither claim nor complete
   * offered — the commands refuse them anyway.
   */
  async getTask(user: SessionUser, id: string) {
    const t = await engineStore.findTask(this.db, id);
    if (!t || !(this.seesTask(t, user) || (t.status === 'open' && this.headsUnitOf(t, user)))) throw errors.notFound('Task');
    const actor = actorOf(user);
    const bar = await this.denied(user, null, 'task.view', id, () => this.assertNotAvoiding(this.db, user, id, 'view'));
    const open = t.status === 'open';
    const works = open && !bar && this.engine.canWork(t, actor);
    const couldClaim = open && !bar && !!t.candidate_role && this.engine.canWork({ ...t, assignee_id: null }, actor);
    const [inst, kase, names, caseReadable] = await Promise.all([
      engineStore.findInstance(this.db, t.instance_id),
      casesStore.findCase(this.db, t.instance_id),
      store.usernames(this.db, [t.assignee_id!, t.completed_by!]),
      canReadCase(this.db, user, t.instance_id),
    ]);
    // A task no longer to be done whose case the caller may no longer read (a candidate of a
    // withdrawn case): the page says why, and nothing of what the case was about.
    return {
      ...taskDto({ ...t, business_key: inst?.business_key ?? null }),
      processName: kase?.process_name ?? t.process_key,
      subject: caseReadable ? (kase?.subject ?? null) : null,
      assigneeName: t.assignee_id ? (names.get(t.assignee_id) ?? null) : null,
      completedByName: t.completed_by ? (names.get(t.completed_by) ?? null) : null,
      comment: caseReadable ? t.comment : null,
      dueState: open ? this.dueState(t.due_at) : ('none' as DueState),
      canComplete: works,
      canClaim: couldClaim && t.assignee_id === null,
      canUnclaim: open && t.assignee_id === user.id && !!t.candidate_role,
      canReassign: this.mayHandOn(t, user),
      caseReadable,
      closedReason: this.closedReason(t, user, inst, kase?.outcome),
      reopenedAs: await this.reopenedAs(t, user),
      handedOn: open && caseReadable ? await this.handedOn(t) : null,
      form: caseReadable && t.form_key && inst ? this.withParams((await this.engine.formFor(this.db, inst.deployment_id, t.form_key)) ?? null) : null,
      blockedChoices: works ? await this.engine.blockedChoices(this.db, t) : [],
      bar: open ? bar : null,
    };
  }

  /**
   * A form-js schema for the start page (`processKey`: the latest version's copy) and read-only
   * summaries (`instanceId`: the copy of the case's own version); without either, the
   * installation's file, else the most recently deployed copy.
   */
  async form(user: SessionUser, ip: string | null, key: string, at: { processKey?: string; instanceId?: string } = {}) {
    let form;
    if (at.instanceId) {
      await assertReadsCase(this.db, this.audit, user, ip, at.instanceId, 'case.form');
      const inst = await engineStore.findInstance(this.db, at.instanceId);
      form = inst ? await this.engine.formFor(this.db, inst.deployment_id, key) : undefined;
    } else if (at.processKey) {
      const latest = await engineStore.latestDeployment(this.db, at.processKey);
      form = latest ? await this.engine.formFor(this.db, latest.id, key) : undefined;
    } else {
      const deployed = (await engineStore.newestDeployedForms(this.db)).find((f) => f.form_key === key);
      form = this.engine.forms.get(key) ?? (deployed ? JSON.parse(deployed.schema) : undefined);
    }
    if (!form) throw errors.notFound('Form');
    return this.withParams(form);
  }

  /** A form with the installation's values in its texts ({params.maxViewingDays} → 5). */
  private withParams<T>(form: T): T {
    return form ? formWithParams(form, this.params) : form;
  }

  /** Runs `fn`; an avoidance refusal leaves a denied audit row (naming the relation, nothing else). */
  private async denied<T>(user: SessionUser, ip: string | null, action: string, taskId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof Avoidance) {
        await this.audit.record(null, { actor: user, ip, action, outcome: 'denied', objectType: 'task', objectId: taskId, detail: { reason: e.relation } });
      }
      throw e;
    }
  }

  private taskCommand<T>(user: SessionUser, ip: string, action: string, taskId: string, fn: (trx: any) => Promise<T>, detail?: (r: T) => Record<string, unknown>) {
    return this.denied(user, ip, action, taskId, () => this.db.transaction(async (trx) => {
      // The process administrator acts from 运行监控, which lists every task.
      if (action !== 'task.reassign_operator') await this.assertKnowsTask(trx, user, taskId);
      // The case's lock before the tie is read (PostgreSQL, READ COMMITTED): a new avoidance entry or
      // cadre link takes the locks of the cadre's open cases before it gives back their claims
      // (held-tasks.ts releaseTiedTasks), so a claim either commits first and is given back, or
      // waits and then sees the tie.
      await engineStore.lockInstanceOfTask(trx, taskId);
      const excuse = action === 'task.reassign_operator' ? 'operator' : action === 'task.reassign' ? 'head' : action === 'task.unclaim' ? 'holder' : 'self';
      await this.assertNotAvoiding(trx, user, taskId, excuse);
      const result = await fn(trx);
      await this.audit.record(trx, {
        actor: user,
        ip,
        action,
        objectType: 'task',
        objectId: taskId,
        detail: detail?.(result),
      });
      return result;
    }));
  }

  claim(user: SessionUser, ip: string, taskId: string) {
    return this.taskCommand(user, ip, 'task.claim', taskId, async (trx) => taskDto(await this.engine.claim(trx, taskId, actorOf(user))));
  }

  unclaim(user: SessionUser, ip: string, taskId: string) {
    return this.taskCommand(user, ip, 'task.unclaim', taskId, async (trx) => taskDto(await this.engine.unclaim(trx, taskId, actorOf(user))));
  }

  /** 转办 by authority: the archive chief answers for the work of the office's tasks, whoever holds them. */
  private headsUnitOf(task: TaskRow, user: SessionUser): boolean {
    return user.roles.includes('archive_chief') && task.candidate_org_id !== null && task.candidate_org_id === user.orgUnitId;
  }

  private mayHandOn(task: TaskRow, user: SessionUser): boolean {
    try {
      this.engine.assertMayHandOn(task, actorOf(user), this.headsUnitOf(task, user));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The task, if this caller may hand it on (转办); else the refusal a command would answer.
   * `asHead`: the chief hands on a task that is neither theirs nor free for them to take.
   */
  private async handOnTask(q: Q, user: SessionUser, taskId: string, asOperator: boolean): Promise<{ task: TaskRow; override: boolean; asHead: boolean }> {
    const task = await engineStore.findTask(q, taskId);
    if (!task) throw errors.notFound('Task');
    const actor = actorOf(user);
    const override = asOperator || this.headsUnitOf(task, user);
    this.engine.assertMayHandOn(task, actor, override);
    const own = task.assignee_id === user.id || (task.assignee_id === null && this.engine.canWork(task, actor));
    return { task, override, asHead: override && !asOperator && !own };
  }

  /**
   * Whether this user must stay away from the task: the case's cadre ties them to it (self, relative,
   * avoidance list), or they are barred from it for what they are in the case (`barred`: ./bars.ts).
   */
  private async tiedToCase(q: Q, userId: number, cadreId: number | null, barred: Map<number, Bar>): Promise<boolean> {
    return barred.has(userId) || (cadreId !== null && (await this.access.relationTo(q, userId, cadreId)) !== null);
  }

  /**
   * Whom the task may be handed to (转办): the active holders of its role in its unit, but not the
   * caller, the assignee, or anyone who must avoid the case's cadre or is barred from the step for
   * what they are in the case (./bars.ts) — they are left out silently.
   */
  async reassignCandidates(user: SessionUser, taskId: string, asOperator = false) {
    return this.denied(user, null, 'task.view', taskId, async () => {
      if (!asOperator) await this.assertKnowsTask(this.db, user, taskId);
      await this.assertNotAvoiding(this.db, user, taskId, asOperator ? 'operator' : 'head');
      const { task } = await this.handOnTask(this.db, user, taskId, asOperator);
      const cadreId = await casesStore.cadreOfTask(this.db, taskId);
      const barred = await barredFromTask(this.db, task);
      const holders = await store.holdersOf(this.db, task.candidate_role!, task.candidate_org_id, [user.id, task.assignee_id]);
      const items = [];
      for (const h of holders) if (!(await this.tiedToCase(this.db, h.id, cadreId, barred))) items.push({ id: h.id, name: h.display_name, orgName: h.org_name, noAddress: !h.email });
      return { items };
    });
  }

  /**
   * 转办: the task goes to a colleague who holds its role, with the reason in the case history and
   * the audit log, and a notice to the colleague. The task's assignee hands it on, a candidate
   * while nobody has claimed it, the archive chief of the task's office (督办), or the process
   * administrator from 运行监控 (`asOperator`).
   * A colleague who cannot take it (no such role or unit, disabled, tied to the cadre, barred from
   * the step for what they are in the case: ./bars.ts) is refused
   * with one answer for every reason.
   */
  reassign(user: SessionUser, ip: string, taskId: string, body: { userId: number; reason: string }, asOperator = false) {
    return this.taskCommand(
      user,
      ip,
      asOperator ? 'task.reassign_operator' : 'task.reassign',
      taskId,
      async (trx) => {
        const { task, override, asHead } = await this.handOnTask(trx, user, taskId, asOperator);
        const target = await store.targetUser(trx, body.userId);
        if (!target || target.disabled || (await this.tiedToCase(trx, target.id, await casesStore.cadreOfTask(trx, taskId), await barredFromTask(trx, task)))) throw reassignTargetRefused();
        const to = { id: target.id, username: target.username, roles: target.roles, orgUnitId: target.org_unit_id, displayName: target.display_name };
        const r = await this.engine.reassign(trx, taskId, actorOf(user), to, { reason: body.reason, override });
        return { task: taskDto(r.task), fromId: r.fromId, asHead };
      },
      (r) => ({ fromId: r.fromId, toId: r.task.assigneeId, ...(r.asHead ? { asHead: true } : {}) }),
    ).then((r) => r.task);
  }

  complete(user: SessionUser, ip: string, taskId: string, variables: Record<string, unknown>) {
    return this.taskCommand(
      user,
      ip,
      'task.complete',
      taskId,
      async (trx) => {
        const r = await this.engine.complete(trx, taskId, actorOf(user), variables);
        return { task: taskDto(r.task), instance: r.instance };
      },
      (r) => ({ instanceId: r.instance.id, outcome: r.task.outcome }),
    );
  }

  /** The job poller's entry: one transaction per due timer. */
  fireJob(jobId: string) {
    return this.db.transaction((trx) => this.engine.fireJob(trx, jobId));
  }
}
