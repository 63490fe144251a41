// Notifications: turn an event into outbox rows, in the caller's transaction, so that a message
// exists exactly when the change it tells of was committed. Recipients are user ids or a role within
// an org unit, resolved against the directory here and nowhere else: no address ever comes from a
// request. Each row passes the envelope checks before it is written; a refused one is kept (status
// `refused`, visible to the system administrator) and audited, and does not block the event.
import { createHash, randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { AuditLog } from '../audit/service.ts';
import type { Logger } from '../logger.ts';
import type { EngineEvents, EngineHooks } from '../engine/types.ts';
import * as engineStore from '../engine/store.ts';
import type { TaskRow } from '../engine/store.ts';
import { cadreOf } from '../workflow/cases.ts';
import { barredFromTask } from '../workflow/bars.ts';
import { checkAddress, checkSubject } from './envelope.ts';
import { IMMEDIATE_EVENTS, MANDATORY_EVENTS, linkUrl, oneLine, render, type Lang, type LinkSpec, type NoticeEvent } from './templates.ts';
import { formatInstant, nextDigestAt } from './beijing.ts';
import * as store from './store.ts';
import type { MailRow, Recipient } from './store.ts';

/** A value that reads differently per language (a role's name, an outcome). */
export type VarValue = string | number | { zh: string; en: string };

export type RecipientSpec = { userId: number } | { role: string; orgUnitId: number | null };

export interface Notice {
  event: NoticeEvent;
  recipients: RecipientSpec[];
  vars: Record<string, VarValue>;
  link: LinkSpec;
  instanceId?: string | null;
  /**
   * The task a task notice is about: the worker drops the message (status `obsolete`) when, at send
   * or digest time, the task is no longer open or no longer offered to the recipient.
   */
  taskId?: string | null;
  /** Names this notice; one message per key and recipient, however often it is enqueued. */
  key: string;
  /**
   * 档案人员回避: recipients tied to this cadre (self, relative, avoidance list) get nothing, named
   * or by role. Unset, holders of a role are still left out when the case `instanceId` is about a
   * cadre they must avoid; users named by id are not (an initiator hears of their own case).
   */
  avoidCadreId?: number | null;
  /**
   * 办理回避, the same way: users barred from the task for what they are in its case (its initiator or
   * a co-applicant, or who did another level of it: workflow/bars.ts) get nothing, named or by role.
   */
  barredUserIds?: ReadonlySet<number>;
}

export interface NotifyResult {
  queued: number;
  held: number;
  muted: number;
  refused: number;
  /** Left out because they must avoid the case's cadre. */
  avoided: number;
  /** Left out because they may not work the task for what they are in its case (Notice.barredUserIds). */
  barred: number;
  /** Told already: a message with this notice's key exists for them. */
  already: number;
}

/** '<hash>@domain': the same key always gives the same Message-ID, so a resend is recognisably the same mail. */
export function messageIdFor(key: string, from: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}.dangan@${from.slice(from.lastIndexOf('@') + 1)}>`;
}

const keyFit = (key: string) => (key.length <= 200 ? key : `${key.slice(0, 130)}#${createHash('sha256').update(key).digest('hex')}`);

/** A short case number for mails when the process set no business key. */
export const caseRefOf = (instanceId: string, businessKey: string | null | undefined) =>
  businessKey ? oneLine(businessKey, 100) : instanceId.slice(0, 8).toUpperCase();

/** What a task notice says of its task: the step, the process, the case number and the due time. */
function taskVars(task: TaskRow, processName: string, businessKey: string | null | undefined): Record<string, VarValue> {
  return { taskName: oneLine(task.name), processName: oneLine(processName), caseRef: caseRefOf(task.instance_id, businessKey), dueAt: formatInstant(task.due_at) };
}

export class NotifyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'publicUrl' | 'mail'>,
    private readonly audit: AuditLog,
    /** The cadres a user is tied to (AccessRules.exclusions). */
    private readonly tiesOf: (q: Trx, userId: number) => Promise<Map<number, unknown>>,
    readonly log?: Logger,
  ) {}

  /** Writes the notice's messages in `trx`. Never throws for one bad recipient: that one is refused. */
  async notify(trx: Trx, notice: Notice): Promise<NotifyResult> {
    const result: NotifyResult = { queued: 0, held: 0, muted: 0, refused: 0, avoided: 0, barred: 0, already: 0 };
    const recipients: Recipient[] = [];
    const avoid = await this.cadreToAvoid(trx, notice);
    for (const user of await this.resolve(trx, notice.recipients)) {
      const applies = avoid !== null && (avoid.everyone || user.byRole);
      if (applies && (await this.tiesOf(trx, user.id)).has(avoid.cadreId)) result.avoided++;
      else if (notice.barredUserIds?.has(user.id)) result.barred++;
      else recipients.push(user);
    }
    const settings = await store.settingsOf(trx, recipients.map((r) => r.id));
    const now = this.clock.now();
    const url = linkUrl(this.config.publicUrl, notice.link);
    for (const user of recipients) {
      const s = settings.get(user.id);
      if (s?.muted_events.includes(notice.event) && !MANDATORY_EVENTS.includes(notice.event)) {
        result.muted++;
        continue;
      }
      const lang: Lang = user.language === 'en' ? 'en' : 'zh';
      const vars: Record<string, string> = { recipientName: oneLine(user.display_name, 100) };
      for (const [k, v] of Object.entries(notice.vars)) vars[k] = typeof v === 'object' ? v[lang] : String(v);
      const { subject, body } = render(notice.event, lang, vars, url);
      const key = keyFit(`${notice.key}:u${user.id}`);
      const problem = checkAddress(user.email, this.config.mail.allowedDomains) ?? checkSubject(subject);
      const hold = !problem && s?.digest && !IMMEDIATE_EVENTS.includes(notice.event) ? nextDigestAt(now, s.digest_hour ?? this.config.mail.digestHour) : null;
      const row: MailRow = {
        id: randomUUID(),
        idempotency_key: key,
        message_id: messageIdFor(key, this.config.mail.from),
        event: notice.event,
        recipient_id: user.id,
        to_address: user.email?.slice(0, 200) ?? null,
        language: lang,
        // A refused subject is stored folded, so that nothing downstream ever sees the break.
        subject: problem ? oneLine(subject, 300) : subject,
        body,
        link: url,
        instance_id: notice.instanceId ?? null,
        task_id: notice.taskId ?? null,
        status: problem ? 'refused' : hold ? 'held' : 'pending',
        hold_until: hold ? iso(hold) : null,
        digest_id: null,
        attempts: 0,
        next_attempt_at: iso(now),
        last_error: problem,
        lock_owner: null,
        locked_until: null,
        created_at: iso(now),
        sent_at: null,
      };
      if (!(await store.insertMessage(trx, row))) {
        result.already++;
        continue;
      }
      if (problem) {
        result.refused++;
        await this.audit.record(trx, {
          actorName: 'system',
          action: 'mail.refused',
          objectType: 'mail',
          objectId: row.id,
          outcome: 'denied',
          detail: { event: notice.event, recipientId: user.id, problem },
        });
      } else if (hold) result.held++;
      else result.queued++;
    }
    return result;
  }

  /** User ids and role-in-unit specs → active directory users, each once (`byRole`: reached through a role only). */
  async resolve(trx: Trx, specs: RecipientSpec[]): Promise<Array<Recipient & { byRole: boolean }>> {
    const seen = new Map<number, Recipient & { byRole: boolean }>();
    const ids = specs.filter((s): s is { userId: number } => 'userId' in s).map((s) => s.userId);
    for (const u of await store.activeUsers(trx, ids)) seen.set(u.id, { ...u, byRole: false });
    for (const s of specs) {
      if (!('role' in s)) continue;
      for (const u of await store.holdersOf(trx, s.role, s.orgUnitId)) if (!seen.has(u.id)) seen.set(u.id, { ...u, byRole: true });
    }
    return [...seen.values()];
  }

  /** The cadre whose ties keep recipients out (see Notice.avoidCadreId), read once per notice. */
  private async cadreToAvoid(trx: Trx, notice: Notice): Promise<{ cadreId: number; everyone: boolean } | null> {
    if (notice.avoidCadreId !== undefined) return notice.avoidCadreId === null ? null : { cadreId: notice.avoidCadreId, everyone: true };
    if (!notice.instanceId || !notice.recipients.some((r) => 'role' in r)) return null;
    const cadreId = await store.caseCadre(trx, notice.instanceId);
    return cadreId === null ? null : { cadreId, everyone: false };
  }

  // -- engine events ----------------------------------------------------------------------------------

  register(hooks: EngineHooks): void {
    hooks.on('taskCreated', (trx, ev) => this.onTaskCreated(trx, ev));
    hooks.on('taskReassigned', (trx, ev) => this.onTaskReassigned(trx, ev));
    hooks.on('instanceEnded', (trx, ev) => this.onInstanceEnded(trx, ev));
  }

  /**
   * "A task assigned to me or offered to my role." A step the case comes back to after an
   * interruption (申请续借 cancels 归还核对 and re-creates it once decided) is the same offer: its key
   * is the first task's, so whoever was told then is not told again; a holder added since is.
   */
  private async onTaskCreated(trx: Trx, { task, case: facts, variables }: EngineEvents['taskCreated']): Promise<void> {
    const vars = taskVars(task, facts.processName, facts.businessKey);
    const offer = await store.firstOfResumedStep(trx, task);
    // Whoever must avoid the case's cadre cannot see or work the task (WorkflowService): no notice either.
    const avoidCadreId = cadreOf(variables);
    const notice = { vars, link: { task: task.id }, instanceId: task.instance_id, key: `task:${offer}`, avoidCadreId };
    const told = await this.tellTaskHolders(trx, task, notice, { assigned: 'task_assigned', offered: 'task_offered' });
    await this.unstaffedUnlessReached(trx, task, vars, told, avoidCadreId, offer, store.custodianIn(variables));
  }

  /**
   * A claimed task back with its group because its holder's account changed (disabled, roles or unit:
   * workflow/held-tasks.ts): told as a new task of the group is (task_offered), to whoever holds the
   * role in the task's unit now — those told when it was new too, since it was someone's meanwhile.
   * Nobody there to tell: task_unstaffed, as for a new task. `claim` names the claim released
   * (holder and claim time), so each release is told once.
   */
  async onTaskReleased(trx: Trx, task: TaskRow, claim: string): Promise<void> {
    const info = await store.caseInfo(trx, task.instance_id);
    const vars = taskVars(task, info?.process_name ?? task.process_key, info?.business_key);
    const avoidCadreId = await store.caseCadre(trx, task.instance_id);
    const offer = `released:${task.id}:${claim}`;
    const notice = { vars, link: { task: task.id }, instanceId: task.instance_id, key: `task:${offer}`, avoidCadreId };
    const told = await this.tellTaskHolders(trx, { ...task, assignee_id: null }, notice, { assigned: 'task_assigned', offered: 'task_offered' });
    await this.unstaffedUnlessReached(trx, task, vars, told, avoidCadreId, offer, await store.caseCustodian(trx, task.instance_id));
  }

  /**
   * Nobody a task notice went to may take the task: all must avoid the cadre, nobody active holds
   * the role there, or the assignee's account is disabled. The case would wait unseen.
   */
  private async unstaffedUnlessReached(
    trx: Trx,
    task: TaskRow,
    vars: Record<string, VarValue>,
    told: { sent: NotifyResult; assigned: boolean; roleName: VarValue } | null,
    avoidCadreId: number | null,
    offer: string,
    custodianOrgId: number | null,
  ): Promise<void> {
    if (!told) return;
    const { sent, assigned, roleName } = told;
    const reached = sent.queued + sent.held + sent.muted + sent.refused + sent.already;
    if (reached > 0) return;
    // `barred`: some holders are barred from the step (their own request, another level done), the
    // others, if any, must avoid the cadre.
    const why = sent.barred > 0 ? 'barred' : sent.avoided > 0 ? 'avoided' : assigned ? 'assignee_gone' : 'vacant';
    const orgId = assigned ? await store.orgOfUser(trx, task.assignee_id!) : task.candidate_org_id;
    await this.onUnstaffed(trx, task, { ...vars, roleName, why }, orgId, avoidCadreId, offer, custodianOrgId);
  }

  /**
   * 待办逾期: the task's due time has passed and it is still open (overdue.ts finds it and marks it
   * told in `trx`, so this runs once per task). Told as the new task was (tellTaskHolders), to whoever
   * holds it now, so a task handed on before its due time tells the new holder, not the old. When
   * nobody can be reached (a vacant role, all must avoid, the assignee's account disabled) nothing
   * more goes out: task_unstaffed told the chief and the process administrators of that.
   * The key names the step's first task and the due time: a step the case comes back to with the same
   * due time is not told again; a later due time is news.
   */
  async onTaskOverdue(trx: Trx, task: TaskRow): Promise<NotifyResult | null> {
    const info = await store.caseInfo(trx, task.instance_id);
    const vars = taskVars(task, info?.process_name ?? task.process_key, info?.business_key);
    const offer = await store.firstOfResumedStep(trx, task);
    // The case index keeps the case's cadre in step with its variables (workflow/cases.ts syncCase).
    const avoidCadreId = await store.caseCadre(trx, task.instance_id);
    const notice = { vars, link: { task: task.id }, instanceId: task.instance_id, key: `overdue:${offer}:${task.due_at}`, avoidCadreId };
    const told = await this.tellTaskHolders(trx, task, notice, { assigned: 'task_overdue', offered: 'task_overdue' });
    return told?.sent ?? null;
  }

  /**
   * A notice about a task to whoever may work it: its assignee when someone holds it, otherwise the
   * holders of its role in its unit (`vars.roleName` names it). Never to anyone who must avoid the
   * case's cadre: the notice names that cadre (`avoidCadreId`, null for none); nor to a holder barred
   * from the step for what they are in the case (workflow/bars.ts: their own request, another level done). Null when the task has
   * neither assignee nor role; `roleName` (指定办理人 for an assignee) is for task_unstaffed.
   */
  private async tellTaskHolders(
    trx: Trx,
    task: TaskRow,
    base: Omit<Notice, 'event' | 'recipients' | 'avoidCadreId'> & { avoidCadreId: number | null },
    events: { assigned: NoticeEvent; offered: NoticeEvent },
  ): Promise<{ sent: NotifyResult; assigned: boolean; roleName: VarValue } | null> {
    const notice = { ...base, taskId: task.id };
    if (task.assignee_id !== null && task.assignee_id !== undefined) {
      const sent = await this.notify(trx, { ...notice, event: events.assigned, recipients: [{ userId: task.assignee_id }] });
      return { sent, assigned: true, roleName: { zh: '指定办理人', en: 'assignee' } };
    }
    if (!task.candidate_role) return null;
    const role = await store.roleName(trx, task.candidate_role);
    const roleName = { zh: role?.name_zh ?? task.candidate_role, en: role?.name_en ?? task.candidate_role };
    const recipients = [{ role: task.candidate_role, orgUnitId: task.candidate_org_id }];
    const barredUserIds = new Set((await barredFromTask(trx, task)).keys());
    const sent = await this.notify(trx, { ...notice, vars: { ...notice.vars, roleName }, event: events.offered, recipients, barredUserIds });
    return { sent, assigned: false, roleName };
  }

  /**
   * 转办: the colleague who now holds the task is told, as for a task assigned to them; the one who
   * held it is told too when someone else (the process administrator) took it from them.
   */
  private async onTaskReassigned(trx: Trx, { task, fromId, actor }: EngineEvents['taskReassigned']): Promise<void> {
    const info = await store.caseInfo(trx, task.instance_id);
    const vars = taskVars(task, info?.process_name ?? task.process_key, info?.business_key);
    const key = `task:${task.id}:to:${task.assignee_id}:${task.claimed_at}`;
    await this.notify(trx, { event: 'task_assigned', vars, link: { task: task.id }, instanceId: task.instance_id, taskId: task.id, key, recipients: [{ userId: task.assignee_id! }] });
    if (fromId === null || fromId === actor.id) return;
    const names = new Map((await store.activeUsers(trx, [task.assignee_id!, actor.id])).map((u) => [u.id, oneLine(u.display_name, 100)]));
    const taken = { ...vars, toName: names.get(task.assignee_id!) ?? '—', byName: names.get(actor.id) ?? '—' };
    await this.notify(trx, { event: 'task_taken', vars: taken, link: { inbox: true }, instanceId: task.instance_id, key: `${key}:from:${fromId}`, recipients: [{ userId: fromId }] });
  }

  /**
   * Nobody may work a new task (`why`: everyone who could must avoid the case's cadre, nobody active
   * holds the role in the task's unit, or the assignee's account is disabled), so the case would wait
   * unseen: the archive chief of that unit (who can find a colleague), when there is one, and the
   * process administrators (who watch the running cases) are told. The cadre is never named; a chief
   * who must avoid them is not told.
   * A leaders' step (auth_leader: the approval of a 借阅 by a leader with authority over the cadre)
   * falls to a unit above the archive office, which has no archive chief: the chief of the office
   * that holds the archive (`custodianOrgId`) is told too — the one who can get it moved (转办 once
   * a leader who need not avoid holds the role, or report it up) — with the case and why (无可办理的领导).
   */
  private async onUnstaffed(
    trx: Trx,
    task: TaskRow,
    vars: Record<string, VarValue>,
    orgId: number | null,
    avoidCadreId: number | null,
    offer: string,
    custodianOrgId: number | null,
  ): Promise<void> {
    const orgName = oneLine((await store.orgName(trx, orgId)) ?? '—');
    const notice = { event: 'task_unstaffed' as const, vars: { ...vars, orgName }, instanceId: task.instance_id, avoidCadreId };
    if (orgId !== null && task.candidate_role !== 'archive_chief') {
      await this.notify(trx, { ...notice, recipients: [{ role: 'archive_chief', orgUnitId: orgId }], link: { deadlines: true }, key: `unstaffed:${offer}:chief` });
    }
    if (task.candidate_role === 'auth_leader' && ['avoided', 'barred', 'vacant'].includes(String(vars.why)) && custodianOrgId !== null && custodianOrgId !== orgId) {
      const officeName = oneLine((await store.orgName(trx, custodianOrgId)) ?? '—');
      await this.notify(trx, {
        ...notice,
        vars: { ...notice.vars, audience: 'custodian', officeName },
        recipients: [{ role: 'archive_chief', orgUnitId: custodianOrgId }],
        link: { application: task.instance_id },
        key: `unstaffed:${offer}:custodian`,
      });
    }
    await this.notify(trx, { ...notice, recipients: [{ role: 'process_admin', orgUnitId: null }], link: { instance: task.instance_id }, key: `unstaffed:${offer}:admin` });
  }

  /**
   * "My application decided": the initiator learns how the case ended. The outcome is the variable
   * `outcome` ('approved' | 'rejected') when the process sets one; otherwise the end event reached,
   * when its id is `approved` or `rejected` (the shipped diagrams' convention); otherwise 'completed'.
   * A terminated case is 'terminated'.
   */
  private async onInstanceEnded(trx: Trx, ev: EngineEvents['instanceEnded']): Promise<void> {
    const initiator = ev.variables.initiator;
    if (typeof initiator !== 'number' || !Number.isInteger(initiator)) return;
    // The applicant withdrew it (撤回): they know, and "已终止，审批意见请登录查看" would be wrong.
    if (ev.status === 'terminated' && ev.endedBy === initiator) return;
    let outcome = 'completed';
    if (ev.status === 'terminated') outcome = 'terminated';
    else if (ev.variables.outcome === 'approved' || ev.variables.outcome === 'rejected') outcome = ev.variables.outcome;
    else {
      const ends = (await engineStore.historyOf(trx, ev.instanceId))
        .filter((h) => h.element_type === 'bpmn:EndEvent' && h.event === 'end')
        .map((h) => h.element_id);
      const last = ends.at(-1);
      if (last === 'approved' || last === 'rejected') outcome = last;
    }
    await this.notify(trx, {
      event: 'application_decided',
      recipients: [{ userId: initiator }],
      vars: { processName: oneLine(ev.case.processName), caseRef: caseRefOf(ev.instanceId, ev.case.businessKey), outcome },
      link: { application: ev.instanceId },
      instanceId: ev.instanceId,
      // One decision mail per case: a process that told the applicant of the approval when it was
      // given (现场查阅, 借阅: server/requests/borrowing.ts) used this key, and the end says nothing
      // new. A termination is news, and has its own.
      key: outcome === 'terminated' ? `decided:${ev.instanceId}:terminated` : `decided:${ev.instanceId}`,
    });
  }
}
