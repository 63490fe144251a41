// Who may not work a step of a case because of what they are in that case (办理回避) — the second
// half of the rule that keeps people tied to the cadre away from its tasks (档案人员回避, see
// WorkflowService.assertNotAvoiding): both go through the same checks, so the inbox, the offers
// (task_offered), claim, complete, 转办 and the task page agree, and a step nobody is left to work is
// told as unstaffed (task_unstaffed).
//
// THE RULE
// - The initiator and the co-applicants (同行查档人员, request_applicants) of a case work only the steps
//   the process assigns to them by name (camunda:assignee, e.g. =initiator). They are never candidates
//   of a group step of their own case: an applicant who is also the unit head does not 审核 their own
//   request. The role they filed it in is the exception: a case an archivist opens for the office
//   (转出, 更正, 数字化出库 — processes whose starters are archivists) is worked on by that archivist
//   in the archivist's steps, as by any archivist; only the steps of another role are closed to them.
// - A person who has completed a step of a case in one candidate role may not work a step of that case
//   in another candidate role: two levels of approval need two people (档案管理员受理审查 then 档案室
//   负责人审批 by one archivist who is also the chief is refused). Consecutive steps of the same role by
//   the same person stay allowed (an archivist's 受理审查 then 出借登记).
// A refusal answers as the avoidance does (404 NOT_FOUND, a denied audit row naming the reason). The
// archive chief who answers for the step (转办, 督办) and its holder (who may give it back) read its
// task page instead, told why they cannot work it (TaskDetail.bar), offered neither claim nor complete.
// The rule is written twice, side by side: in JS for one task (barredFromTask, one query) and in SQL
// for the inbox pages and counts (withoutBarredTasks).
import type { Knex } from 'knex';
import type { Q } from '../db.ts';
import type { TaskRow } from '../engine/store.ts';

/** `own_request`: initiator or co-applicant; `other_level`: completed a step of the case in another role. */
export type Bar = 'own_request' | 'other_level';

const startersOfDeployment = new Map<string, string[]>();

/**
 * The roles named by the process's candidateStarterGroups, as the engine reads them (definitions.ts
 * `meta.starters`), whatever the prefixes the XML binds its namespaces to (bpmn:, bpmn2:, none; the
 * camunda attribute under any prefix) and either quote. The deployed XML passed the engine's parse.
 */
export function startersIn(xml: string): string[] {
  const m = /<(?:[\w.-]+:)?process\b[^>]*?\s(?:[\w.-]+:)?candidateStarterGroups\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(xml);
  return (m?.[1] ?? m?.[2] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * `process_key:role` for each role that may start a process (any deployed version): the roles an
 * initiator keeps working in their own case. A deployment never changes, so each is read once.
 */
export async function starterPairs(q: Q): Promise<string[]> {
  const rows: Array<{ id: string; process_key: string }> = await q('process_deployments').select('id', 'process_key');
  await learnStarters(q, rows.map((r) => r.id));
  const out = new Set<string>();
  for (const r of rows) for (const role of startersOfDeployment.get(r.id) ?? []) out.add(`${r.process_key}:${role}`);
  return [...out];
}

/** The deployments' starter roles not read yet (each once: a deployment never changes). */
async function learnStarters(q: Q, deploymentIds: string[]): Promise<void> {
  const unknown = deploymentIds.filter((id) => !startersOfDeployment.has(id));
  if (!unknown.length) return;
  for (const d of await q('process_deployments').whereIn('id', unknown).select('id', 'xml')) startersOfDeployment.set(d.id, startersIn(d.xml));
}

/**
 * The users who may not work this task for what they are in its case (see THE RULE), with why.
 * One query (it runs on every open, claim, complete and 转办 of a task): the people who completed a
 * step of the case in another candidate role, the initiator, the co-applicants, and the deployments
 * of the task's process, whose starter roles are read once each (startersOfDeployment).
 */
export async function barredFromTask(q: Q, task: Pick<TaskRow, 'instance_id' | 'process_key' | 'candidate_role'>): Promise<Map<number, Bar>> {
  const out = new Map<number, Bar>();
  const role = task.candidate_role;
  if (!role) return out; // a step assigned by name is its person's
  // Literals, not bound parameters, name the kinds: PostgreSQL cannot type a parameter across UNION ALL.
  const kind = (k: 'done' | 'start' | 'co' | 'dep') => q.raw(`'${k}' as k`);
  const asText = (col: string) => q.raw('cast(?? as text) as v', [col]);
  const rows: Array<{ k: 'done' | 'start' | 'co' | 'dep'; v: string | null }> = await q('tasks as d')
    .where({ 'd.instance_id': task.instance_id, 'd.status': 'completed' })
    .whereNotNull('d.completed_by')
    .whereNotNull('d.candidate_role')
    .whereNot('d.candidate_role', role)
    .select(kind('done'), asText('d.completed_by'))
    .unionAll([
      q('process_instances as si').where('si.id', task.instance_id).whereNotNull('si.started_by').select(kind('start'), asText('si.started_by')),
      q('request_applicants as ap').join('utilization_requests as ur', 'ur.id', 'ap.request_id').where('ur.instance_id', task.instance_id).select(kind('co'), asText('ap.user_id')),
      q('process_deployments as pd').where('pd.process_key', task.process_key).select(kind('dep'), asText('pd.id')),
    ]);
  const ofKind = (k: string) => rows.filter((r) => r.k === k && r.v !== null).map((r) => r.v!);
  const deployments = ofKind('dep');
  await learnStarters(q, deployments);
  const starter = deployments.some((id) => (startersOfDeployment.get(id) ?? []).includes(role));
  for (const v of ofKind('done')) out.set(Number(v), 'other_level');
  if (!starter) for (const v of [...ofKind('co'), ...ofKind('start')]) out.set(Number(v), 'own_request');
  return out;
}

/** Why this user may not work the task, or null. */
export async function barOf(q: Q, userId: number, task: Pick<TaskRow, 'instance_id' | 'process_key' | 'candidate_role'>): Promise<Bar | null> {
  return (await barredFromTask(q, task)).get(userId) ?? null;
}

/**
 * barredFromTask as a WHERE clause on `tasks as t` for one user (the inbox pages and counts in SQL).
 * `starters`: starterPairs. A task the user holds stays listed (我的) though they became barred
 * after claiming it: its page says why and offers 退回 (unclaim), which is theirs whatever the bar.
 */
export function withoutBarredTasks<T extends Knex.QueryBuilder>(qb: T, userId: number, starters: readonly string[]): T {
  return qb.where((w: Knex.QueryBuilder) =>
    w.whereNull('t.candidate_role').orWhere('t.assignee_id', userId).orWhere((g: Knex.QueryBuilder) => {
      g.whereNotExists((d: Knex.QueryBuilder) =>
        d
          .select('d.id')
          .from('tasks as d')
          .whereRaw('d.instance_id = t.instance_id')
          .where('d.completed_by', userId)
          .where('d.status', 'completed')
          .whereNotNull('d.candidate_role')
          .whereRaw('d.candidate_role <> t.candidate_role'),
      );
      g.where((own: Knex.QueryBuilder) => {
        if (starters.length) own.whereRaw(`t.process_key || ':' || t.candidate_role in (${starters.map(() => '?').join(',')})`, [...starters]);
        own.orWhere((n: Knex.QueryBuilder) =>
          n
            .whereNotExists((s: Knex.QueryBuilder) => s.select('si.id').from('process_instances as si').whereRaw('si.id = t.instance_id').where('si.started_by', userId))
            .whereNotExists((s: Knex.QueryBuilder) =>
              s
                .select('ap.id')
                .from('request_applicants as ap')
                .join('utilization_requests as ur', 'ur.id', 'ap.request_id')
                .whereRaw('ur.instance_id = t.instance_id')
                .where('ap.user_id', userId),
            ),
        );
      });
    }),
  ) as T;
}
