// The workflow API's rules: who may deploy, start, read and work what; each command is one
// transaction with its audit row.
import type { Db } from '../db.ts';
import { parseJson } from '../db.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { WorkflowEngine } from '../engine/index.ts';
import type { Actor } from '../engine/types.ts';
import type { HistoryRow, TaskRow } from '../engine/store.ts';
import * as engineStore from '../engine/store.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as store from './store.ts';

export const actorOf = (u: SessionUser): Actor => ({ id: u.id, username: u.username, roles: u.roles, orgUnitId: u.orgUnitId });

export function taskDto(t: TaskRow & { business_key?: string | null }) {
  return {
    id: t.id,
    name: t.name,
    instanceId: t.instance_id,
    processKey: t.process_key,
    elementId: t.element_id,
    businessKey: t.business_key ?? null,
    status: t.status,
    assigneeId: t.assignee_id,
    candidateRole: t.candidate_role,
    formKey: t.form_key,
    dueAt: t.due_at,
    createdAt: t.created_at,
    completedAt: t.completed_at,
    outcome: t.outcome,
  };
}

export class WorkflowService {
  constructor(
    private readonly db: Db,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditLog,
  ) {}

  async listDefinitions() {
    const rows = await engineStore.latestDeployments(this.db);
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
        };
      }),
    );
  }

  /** Markdown for the OpenAPI description: each process's start variables and task outcomes. */
  async processDocs(): Promise<string> {
    const rows = await engineStore.latestDeployments(this.db);
    const forms = this.engine.forms;
    const fields = (key: string | undefined | null) => {
      const form = key ? forms.get(key) : undefined;
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
      if (def.meta.documentation) parts.push(def.meta.documentation);
      parts.push(`Start variables:\n${fields(def.meta.startFormKey)}`);
      for (const el of def.meta.elements.values()) {
        if (el.type !== 'bpmn:UserTask') continue;
        parts.push(`Task \`${el.id}\` ${el.name} (${el.candidateGroups ?? el.assignee ?? ''}):\n${fields(el.formKey)}`);
      }
    }
    return parts.join('\n\n');
  }

  async deploy(user: SessionUser, ip: string, xml: string, note?: string) {
    return this.db.transaction(async (trx) => {
      const { deployment, created, warnings } = await this.engine.definitions.deploy(trx, xml, user.id, note);
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'process.deploy',
        objectType: 'deployment',
        objectId: deployment.id,
        detail: { key: deployment.process_key, version: deployment.version, sha256: deployment.sha256, created },
      });
      return {
        key: deployment.process_key,
        version: deployment.version,
        created,
        warnings: warnings.map((w) => ({ rule: w.rule, elementId: w.elementId, message: w.message })),
      };
    });
  }

  async start(user: SessionUser, ip: string, processKey: string, variables: Record<string, unknown>) {
    return this.db.transaction(async (trx) => {
      const result = await this.engine.start(trx, { processKey, variables, actor: actorOf(user) });
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'instance.start',
        objectType: 'process_instance',
        objectId: result.id,
        detail: { processKey, version: result.version },
      });
      return result;
    });
  }

  private async assertCanRead(user: SessionUser, instanceId: string): Promise<void> {
    if (user.roles.includes('process_admin')) return;
    const ok = await store.isInvolved(this.db, instanceId, { userId: user.id, roles: user.roles, orgUnitId: user.orgUnitId });
    if (!ok) throw errors.notFound('Process instance');
  }

  async getInstance(user: SessionUser, id: string) {
    await this.assertCanRead(user, id);
    const view = await this.engine.instanceView(this.db, id);
    const names = await store.usernames(this.db, view.history.map((h) => h.actor_id!).filter(Boolean));
    const i = view.instance;
    return {
      id: i.id,
      processKey: i.process_key,
      version: i.version,
      businessKey: i.business_key,
      status: i.status,
      startedBy: i.started_by,
      startedAt: i.started_at,
      endedAt: i.ended_at,
      activeElements: view.activeElements,
      variables: parseJson<Record<string, unknown>>(i.variables, {}),
      history: view.history.map((h: HistoryRow) => ({
        elementId: h.element_id,
        elementType: h.element_type,
        elementName: h.element_name,
        event: h.event,
        actor: h.actor_id ? (names.get(h.actor_id) ?? null) : null,
        at: h.at,
        detail: parseJson<Record<string, unknown> | null>(h.detail, null),
      })),
      tasks: view.tasks.map((t) => taskDto({ ...t, business_key: i.business_key })),
    };
  }

  async listTasks(user: SessionUser, filter: 'mine' | 'candidate' | 'completed' | 'open', processKey: string | undefined, offset: number, limit: number) {
    const key = { userId: user.id, roles: user.roles, orgUnitId: user.orgUnitId };
    const { rows, total } =
      filter === 'completed'
        ? await store.completedBy(this.db, user.id, processKey, offset, limit)
        : await store.inbox(this.db, filter, key, processKey, offset, limit);
    return { items: rows.map(taskDto), total };
  }

  async getTask(user: SessionUser, id: string) {
    const t = await engineStore.findTask(this.db, id);
    if (!t) throw errors.notFound('Task');
    const actor = actorOf(user);
    const visible =
      this.engine.canWork(t, actor) ||
      t.completed_by === user.id ||
      (t.status === 'open' && t.assignee_id === null && this.engine.canWork({ ...t, assignee_id: null }, actor));
    if (!visible) throw errors.notFound('Task');
    const inst = await engineStore.findInstance(this.db, t.instance_id);
    return {
      ...taskDto({ ...t, business_key: inst?.business_key ?? null }),
      form: t.form_key ? (this.engine.forms.get(t.form_key) ?? null) : null,
    };
  }

  private taskCommand<T>(user: SessionUser, ip: string, action: string, taskId: string, fn: (trx: any) => Promise<T>, detail?: (r: T) => Record<string, unknown>) {
    return this.db.transaction(async (trx) => {
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
    });
  }

  claim(user: SessionUser, ip: string, taskId: string) {
    return this.taskCommand(user, ip, 'task.claim', taskId, async (trx) => taskDto(await this.engine.claim(trx, taskId, actorOf(user))));
  }

  unclaim(user: SessionUser, ip: string, taskId: string) {
    return this.taskCommand(user, ip, 'task.unclaim', taskId, async (trx) => taskDto(await this.engine.unclaim(trx, taskId, actorOf(user))));
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
