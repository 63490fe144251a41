// Inbox and instance-scope queries over the tasks table. The inbox is a UNION of one indexed
// "ORDER BY <sort> LIMIT n" per access key (assignee; each role × org), which stays fast at a
// million tasks where a single OR query does not (ENGINE-NOTES "Cost"). The access keys of one user
// are disjoint (a task has one assignee or one candidate role), so counts simply add up.
import type { Knex } from 'knex';
import { isPg, type Q } from '../db.ts';
import type { TaskRow } from '../engine/store.ts';
import { NO_DUE } from '../engine/run.ts';
import { withoutCasesAbout } from './cases-store.ts';
import { withoutBarredTasks } from './bars.ts';
import { roleHolders } from '../people/store.ts';

export interface InboxKey {
  userId: number;
  roles: string[];
  orgUnitId: number;
  /** Cadres whose cases the user must not work on (self, relatives, avoidance list). */
  excludedCadres?: number[];
  /**
   * Set: leave out the group steps the user may not work for what they are in the case (initiator,
   * co-applicant, another level done: ./bars.ts), given the processes' starter roles (starterPairs).
   */
  barredBy?: string[];
}

export type DueState = 'overdue' | 'soon' | 'later' | 'none';

/** Filters of the inbox. Instants are ISO text: `now` and `soonUntil` come from the service's clock. */
export interface InboxFilter {
  processKey?: string;
  due?: DueState;
  /** Materialised path of a unit: cases started in that unit or below it. */
  unitPath?: string;
  /** Lower-cased search text. */
  text?: string;
  /** 已办 only: the rows the text and unit filters may match — the cases the user may still read. */
  readable?: CompletedReadable;
  now: string;
  soonUntil: string;
}

/**
 * Which of a user's completed steps are on cases he may still read (scope.ts readableCases, in
 * SQL): the step itself still his to be offered (whereStillEntitled) on a case about a cadre he is
 * not tied to, or one of `also`, the cases readableCases found readable among the rest (started
 * by him, a co-applicant's, another step still his).
 */
export interface CompletedReadable {
  key: InboxKey;
  tied: number[];
  also: string[];
}

/** Restricts a 已办 query (tasks t, workflow_cases c joined) to the rows of cases the user may still read. */
function whereCompletedReadable(qb: Knex.QueryBuilder, r: CompletedReadable): Knex.QueryBuilder {
  return qb.andWhere((w) =>
    w
      .where((a) => whereStillEntitled(a, r.key).andWhere((c) => c.whereNull('c.cadre_id').orWhereNotIn('c.cadre_id', r.tied.length ? r.tied : [-1])))
      .orWhereIn('t.instance_id', r.also.length ? r.also : ['-']),
  );
}

/** A user's completed steps whose case he may no longer read, or may not read without a further check (the `also` of CompletedReadable). */
export function completedInDoubt(q: Q, key: InboxKey, tied: number[]): Promise<string[]> {
  return q('tasks as t')
    .leftJoin('workflow_cases as c', 'c.instance_id', 't.instance_id')
    .where('t.completed_by', key.userId)
    .whereNot((w) => whereCompletedReadable(w, { key, tied, also: [] }))
    .distinct()
    .pluck('t.instance_id');
}

export type InboxRow = TaskRow & {
  business_key: string | null;
  process_name: string | null;
  subject: string | null;
  initiator_name: string | null;
  initiator_org_name: string | null;
  assignee_name: string | null;
};

type Part = (q: Q) => Knex.QueryBuilder;

/** LIKE pattern for a user's text, with the wildcards of the text itself escaped. */
export const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Filters on the task row itself: process and due state. */
function applyTaskFilter(qb: Knex.QueryBuilder, f: InboxFilter): Knex.QueryBuilder {
  if (f.processKey) qb.andWhere('t.process_key', f.processKey);
  switch (f.due) {
    case 'overdue':
      qb.andWhere('t.sort_due', '<', f.now);
      break;
    case 'soon':
      qb.andWhere('t.sort_due', '>=', f.now).andWhere('t.sort_due', '<', f.soonUntil);
      break;
    case 'later':
      qb.andWhere('t.sort_due', '>=', f.soonUntil).andWhere('t.sort_due', '<', NO_DUE);
      break;
    case 'none':
      qb.andWhere('t.sort_due', NO_DUE);
      break;
  }
  return qb;
}

/** Filters that need the case row (applying unit, text): the join is made only for them. */
const needsCase = (f?: InboxFilter) => !!(f?.unitPath || f?.text);

function applyCaseFilter(qb: Knex.QueryBuilder, f: InboxFilter): Knex.QueryBuilder {
  qb.leftJoin('workflow_cases as c', 'c.instance_id', 't.instance_id');
  // In 已办, a case the user may no longer read (moved away, role taken) matches no search term nor
  // unit: its step is listed unnamed, and a filter that found it would name its cadre or unit.
  if (f.readable) whereCompletedReadable(qb, f.readable);
  if (f.unitPath) qb.andWhere('c.initiator_org_path', 'like', `${f.unitPath}%`);
  if (f.text) {
    const p = likePattern(f.text);
    // The case's cadre by name or 档案号 (any of the cadre's archives): the inbox lists only the
    // caller's own tasks, whose cases they read with the cadre named, less the cadres they avoid.
    qb.andWhere((w) =>
      w
        .whereRaw("c.search_text like ? escape '\\'", [p])
        .orWhereRaw("lower(t.name) like ? escape '\\'", [p])
        .orWhereExists((e) => e.select('cd.id').from('cadres as cd').whereRaw('cd.id = c.cadre_id').andWhereRaw("lower(cd.name) like ? escape '\\'", [p]))
        .orWhereExists((e) => e.select('ar.id').from('archives as ar').whereRaw('ar.cadre_id = c.cadre_id').andWhereRaw("lower(ar.archive_no) like ? escape '\\'", [p])),
    );
  }
  return qb;
}

function applyFilter(qb: Knex.QueryBuilder, f: InboxFilter): Knex.QueryBuilder {
  applyTaskFilter(qb, f);
  return needsCase(f) ? applyCaseFilter(qb, f) : qb;
}

/**
 * Of the tasks a user holds, those they may still work: assigned by the process (no candidate
 * role), or of a role they hold now, in their unit now (engine canWork). A claim made before a
 * role was taken away or the user moved is not theirs to see (admin/users.ts releases it).
 */
function whereStillEntitled(qb: Knex.QueryBuilder, k: InboxKey, col = 't.'): Knex.QueryBuilder {
  return qb.andWhere((w) =>
    w.whereNull(`${col}candidate_role`).orWhere((c) =>
      c.whereIn(`${col}candidate_role`, k.roles.length ? k.roles : ['-']).andWhere((o) => o.whereNull(`${col}candidate_org_id`).orWhere(`${col}candidate_org_id`, k.orgUnitId)),
    ),
  );
}

function parts(filter: 'mine' | 'candidate' | 'open', k: InboxKey, f?: InboxFilter): Part[] {
  const base = (q: Q) => {
    const qb = withoutCasesAbout(q('tasks as t').where('t.status', 'open'), 't.instance_id', k.excludedCadres);
    if (k.barredBy) withoutBarredTasks(qb, k.userId, k.barredBy);
    return f ? applyFilter(qb, f) : qb;
  };
  const out: Part[] = [];
  if (filter === 'mine' || filter === 'open') out.push((q) => whereStillEntitled(base(q).andWhere('t.assignee_id', k.userId), k));
  if (filter === 'candidate' || filter === 'open') {
    for (const role of k.roles) {
      out.push((q) => base(q).andWhere({ 't.candidate_role': role, 't.candidate_org_id': k.orgUnitId }).whereNull('t.assignee_id'));
      out.push((q) => base(q).andWhere('t.candidate_role', role).whereNull('t.candidate_org_id').whereNull('t.assignee_id'));
    }
  }
  return out;
}

const CASE_COLUMNS = ['c.process_name', 'c.subject', 'c.initiator_name', 'c.initiator_org_name'];

/** A page of tasks (`tasks as t`) as lists show them: with its case, business key and assignee's name. */
function pageColumns(qb: Knex.QueryBuilder, caseJoined = false): Knex.QueryBuilder {
  if (!caseJoined) qb.leftJoin('workflow_cases as c', 'c.instance_id', 't.instance_id');
  return qb
    .join('process_instances as pi', 'pi.id', 't.instance_id')
    .leftJoin('users as au', 'au.id', 't.assignee_id')
    .select('t.*', ...CASE_COLUMNS, 'pi.business_key', 'au.display_name as assignee_name');
}

export async function inbox(
  q: Q,
  filter: 'mine' | 'candidate' | 'open',
  key: InboxKey,
  f: InboxFilter,
  sort: 'due' | 'age',
  offset: number,
  limit: number,
): Promise<{ rows: InboxRow[]; total: number }> {
  const ps = parts(filter, key, f);
  if (!ps.length) return { rows: [], total: 0 };
  const n = offset + limit;
  const order = sort === 'due' ? 't.sort_due' : 't.created_at';
  const subs = ps.map((p, i) => q.select('*').from(p(q).select('t.*').orderBy(order).limit(n).as(`k${i}`)));
  const union = subs.length === 1 ? subs[0] : subs[0].unionAll(subs.slice(1), false);
  const outerOrder =
    sort === 'due'
      ? [{ column: 'u.sort_due' }, { column: 'u.created_at' }, { column: 'u.id' }]
      : [{ column: 'u.created_at' }, { column: 'u.id' }];
  // The case, instance and assignee are joined to the page's rows only, not to every candidate.
  const page = await q
    .select('u.*', ...CASE_COLUMNS, 'pi.business_key', 'au.display_name as assignee_name')
    .from(union.as('u'))
    .join('process_instances as pi', 'pi.id', 'u.instance_id')
    .leftJoin('workflow_cases as c', 'c.instance_id', 'u.instance_id')
    .leftJoin('users as au', 'au.id', 'u.assignee_id')
    .orderBy(outerOrder)
    .limit(limit)
    .offset(offset);
  const counts = await Promise.all(ps.map((p) => p(q).count<{ n: number | string }[]>({ n: '*' })));
  const total = counts.reduce((s, c) => s + Number(c[0].n), 0);
  return { rows: page, total };
}

/**
 * 督办: the open tasks of one unit's roles (candidate_org_id = the unit), claimed or not, soonest due
 * first, less the cases about cadres the reader must avoid.
 */
export async function unitTasks(q: Q, orgUnitId: number, excludedCadres: number[], f: Pick<InboxFilter, 'due' | 'now' | 'soonUntil'>, offset: number, limit: number): Promise<{ rows: InboxRow[]; total: number }> {
  const base = () => applyTaskFilter(withoutCasesAbout(q('tasks as t').where({ 't.status': 'open', 't.candidate_org_id': orgUnitId }), 't.instance_id', excludedCadres), f as InboxFilter);
  const rows = await pageColumns(base())
    .orderBy([{ column: 't.sort_due' }, { column: 't.created_at' }, { column: 't.id' }])
    .limit(limit)
    .offset(offset);
  const [{ n }] = await base().count<{ n: number | string }[]>({ n: '*' });
  return { rows, total: Number(n) };
}

export async function completedBy(
  q: Q,
  userId: number,
  f: Omit<InboxFilter, 'due'> | undefined,
  offset: number,
  limit: number,
): Promise<{ rows: InboxRow[]; total: number }> {
  const base = () => {
    const b = q('tasks as t').where('t.completed_by', userId);
    return f ? applyFilter(b, { ...f, due: undefined }) : b;
  };
  const withCase = needsCase(f);
  const rows = await pageColumns(base(), withCase)
    .orderBy([{ column: 't.completed_at', order: 'desc' }, { column: 't.id' }])
    .limit(limit)
    .offset(offset);
  const [{ n }] = await base().count<{ n: number | string }[]>({ n: '*' });
  return { rows, total: Number(n) };
}

/** The open candidate tasks a user holds on cases about these cadres, oldest claim first (InboxService.avoidedHolds). */
export async function heldOnCasesAbout(q: Q, userId: number, cadreIds: number[]): Promise<Array<Pick<TaskRow, 'id' | 'name' | 'process_key' | 'claimed_at'> & { process_name: string | null }>> {
  if (!cadreIds.length) return [];
  return q('tasks as t')
    .join('workflow_cases as c', 'c.instance_id', 't.instance_id')
    .where({ 't.assignee_id': userId, 't.status': 'open' })
    .whereNotNull('t.candidate_role')
    .whereIn('c.cadre_id', cadreIds)
    .orderBy([{ column: 't.claimed_at' }, { column: 't.id' }])
    .select('t.id', 't.name', 't.process_key', 't.claimed_at', 'c.process_name');
}

export interface InboxCounts {
  open: number;
  mine: number;
  candidate: number;
  overdue: number;
  soon: number;
  none: number;
}

/** Counts of the open inbox by access path and due state, one aggregate query per access key. */
export async function inboxCounts(q: Q, key: InboxKey, now: string, soonUntil: string): Promise<InboxCounts> {
  const out: InboxCounts = { open: 0, mine: 0, candidate: 0, overdue: 0, soon: 0, none: 0 };
  const run = async (p: Part, kind: 'mine' | 'candidate') => {
    const [r] = await p(q).select({
      n: q.raw('count(*)'),
      overdue: q.raw('sum(case when t.sort_due < ? then 1 else 0 end)', [now]),
      soon: q.raw('sum(case when t.sort_due >= ? and t.sort_due < ? then 1 else 0 end)', [now, soonUntil]),
      none: q.raw('sum(case when t.sort_due = ? then 1 else 0 end)', [NO_DUE]),
    });
    const n = Number(r?.n ?? 0);
    out.open += n;
    out[kind] += n;
    out.overdue += Number(r?.overdue ?? 0);
    out.soon += Number(r?.soon ?? 0);
    out.none += Number(r?.none ?? 0);
  };
  const mine = parts('mine', key);
  const cand = parts('candidate', key);
  await Promise.all([...mine.map((p) => run(p, 'mine')), ...cand.map((p) => run(p, 'candidate'))]);
  return out;
}

export interface Facet {
  id: string;
  name: string;
  count: number;
}

/** The processes and applying units present in a user's open inbox or completed list, with counts. */
export async function inboxFacets(
  q: Q,
  filter: 'mine' | 'candidate' | 'open' | 'completed',
  key: InboxKey,
  readable?: CompletedReadable,
): Promise<{ processes: Facet[]; units: Facet[] }> {
  const withCase = (qb: Knex.QueryBuilder) => qb.leftJoin('workflow_cases as c', 'c.instance_id', 't.instance_id');
  const ps: Part[] =
    filter === 'completed'
      ? [(qq) => withCase(qq('tasks as t').where('t.completed_by', key.userId))]
      : parts(filter, key).map((p) => (qq: Q) => withCase(p(qq)));
  const processes = new Map<string, Facet>();
  const units = new Map<string, Facet>();
  const add = (m: Map<string, Facet>, id: unknown, name: unknown, n: unknown) => {
    if (id === null || id === undefined) return;
    const k = String(id);
    const f = m.get(k) ?? { id: k, name: String(name ?? k), count: 0 };
    f.count += Number(n);
    m.set(k, f);
  };
  await Promise.all(
    ps.map(async (p) => {
      const [byProcess, byUnit] = await Promise.all([
        p(q).select('t.process_key', q.raw('max(c.process_name) as name'), q.raw('count(*) as n')).groupBy('t.process_key'),
        // 已办's units: of the cases the user may still read only (a case's unit names part of it).
        (filter === 'completed' && readable ? whereCompletedReadable(p(q), readable) : p(q))
          .select('c.initiator_org_id', q.raw('max(c.initiator_org_name) as name'), q.raw('count(*) as n'))
          .groupBy('c.initiator_org_id'),
      ]);
      for (const r of byProcess) add(processes, r.process_key, r.name, r.n);
      for (const r of byUnit) add(units, r.initiator_org_id, r.name, r.n);
    }),
  );
  const sorted = (m: Map<string, Facet>) => [...m.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'zh'));
  return { processes: sorted(processes), units: sorted(units) };
}

/**
 * The cases a user is an applicant of: they started it, or a 利用 request (查阅/借阅, 复制/摘录)
 * names them among its applicants (同行查档人员, `request_applicants`). As a where-clause on a query
 * with `instanceColumn`, so that lists filter and count in SQL (我的申请's paging).
 */
export function whereApplicantOf<T extends Knex.QueryBuilder>(qb: T, startedByColumn: string, instanceColumn: string, userId: number): T {
  return qb.where((w: Knex.QueryBuilder) =>
    w.where(startedByColumn, userId).orWhereExists((sub: Knex.QueryBuilder) =>
      sub
        .select('ap.id')
        .from('request_applicants as ap')
        .join('utilization_requests as ur', 'ur.id', 'ap.request_id')
        .whereRaw('ur.instance_id = ??', [instanceColumn])
        .where('ap.user_id', userId),
    ),
  ) as T;
}

/** Of these cases, those whose 利用 request names the user as a co-applicant (not the initiator). */
export async function coApplicantCases(q: Q, instanceIds: string[], userId: number): Promise<string[]> {
  if (!instanceIds.length) return [];
  return q('request_applicants as ap')
    .join('utilization_requests as ur', 'ur.id', 'ap.request_id')
    .whereIn('ur.instance_id', instanceIds)
    .where('ap.user_id', userId)
    .where('ur.initiator_id', '<>', userId)
    .distinct()
    .pluck('ur.instance_id');
}

/**
 * Of these cases, those the user started, those whose request names them as a co-applicant, and
 * those they work or worked on while their present roles and unit cover the step: a present or
 * past assignee, who completed a step, or a candidate of an open task.
 */
export async function involvedIn(
  q: Q,
  instanceIds: string[],
  key: InboxKey,
): Promise<{ started: Set<string>; coApplied: Set<string>; worked: Set<string> }> {
  if (!instanceIds.length) return { started: new Set(), coApplied: new Set(), worked: new Set() };
  const started: string[] = await q('process_instances').whereIn('id', instanceIds).where({ started_by: key.userId }).pluck('id');
  const coApplied = await coApplicantCases(q, instanceIds.filter((id) => !started.includes(id)), key.userId);
  const rest = instanceIds.filter((id) => !started.includes(id) && !coApplied.includes(id));
  if (!rest.length) return { started: new Set(started), coApplied: new Set(coApplied), worked: new Set() };
  const tasks = await q('tasks')
    .whereIn('instance_id', rest)
    .andWhere((w) =>
      w
        // A task they hold or held, or finished, counts only while their roles and unit now would
        // offer it to them (a claim outlives no role taken away, no move to another unit; nor does
        // a step worked once: a leader moved away from the office's unit no longer reads its
        // cases, the cadre's ID number among them). A step the process gave them by name
        // (candidate_role null) stays theirs.
        .where((a) => whereStillEntitled(a.where('assignee_id', key.userId), key, ''))
        .orWhere((a) => whereStillEntitled(a.where('completed_by', key.userId), key, ''))
        .orWhere((c) =>
          c
            .where('status', 'open')
            .whereIn('candidate_role', key.roles.length ? key.roles : ['-'])
            .andWhere((o) => o.where('candidate_org_id', key.orgUnitId).orWhereNull('candidate_org_id')),
        ),
    )
    .distinct()
    .pluck('instance_id');
  return { started: new Set(started), coApplied: new Set(coApplied), worked: new Set(tasks) };
}

/** The cadre each of these cases concerns (null: none, or no case index row). */
export async function casesCadres(q: Q, instanceIds: string[]): Promise<Map<string, number | null>> {
  if (!instanceIds.length) return new Map();
  const rows = await q('workflow_cases').whereIn('instance_id', instanceIds).select('instance_id', 'cadre_id');
  const cadres = new Map<string, number | null>(rows.map((c: any) => [c.instance_id, c.cadre_id ?? null]));
  return new Map(instanceIds.map((id) => [id, cadres.get(id) ?? null]));
}

/** The office's staff roles: a case that ever had a task for them at an office is that office's case. */
const OFFICE_ROLES = ['archivist', 'archive_chief'];

/**
 * Of these cases, the user's office's: the user is an archivist or the chief of an archive office,
 * and some task of the case (open or done) was for that office's staff.
 */
export async function officeCases(q: Q, instanceIds: string[], key: InboxKey): Promise<string[]> {
  if (!instanceIds.length || !key.roles.some((r) => OFFICE_ROLES.includes(r))) return [];
  return q('tasks').whereIn('instance_id', instanceIds).where({ candidate_org_id: key.orgUnitId }).whereIn('candidate_role', OFFICE_ROLES).distinct().pluck('instance_id');
}

export async function usernames(q: Q, ids: number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids.filter((x) => x !== null && x !== undefined))];
  if (!unique.length) return new Map();
  const rows = await q('users').whereIn('id', unique).select('id', 'display_name');
  return new Map(rows.map((r: { id: number; display_name: string }) => [r.id, r.display_name]));
}

/** The cadre a case concerns as its readers see it named (the case subject already names them). */
export async function cadreDisplay(q: Q, id: number): Promise<{ id: number; name: string; unitName: string | null; post: string | null } | null> {
  const r = await q('cadres as c').leftJoin('org_units as u', 'u.id', 'c.org_unit_id').where('c.id', id).first('c.id', 'c.name', 'u.name as unit_name', 'c.post');
  return r ? { id: r.id, name: r.name, unitName: r.unit_name ?? null, post: r.post ?? null } : null;
}

export async function orgUnitPath(q: Q, id: number): Promise<string | undefined> {
  const r = await q('org_units').where({ id }).first('path');
  return r?.path;
}

export interface OrgUnitOption {
  id: number;
  name: string;
  code: string;
  parent_id: number | null;
  path: string;
  is_custodian: boolean | number;
}

/** The org tree for pickers (names are directory data, not case data). */
export function orgUnits(q: Q, custodianOnly: boolean, producerOnly = false): Promise<OrgUnitOption[]> {
  const b = q('org_units').select('id', 'name', 'code', 'parent_id', 'path', 'is_custodian').orderBy('id');
  if (custodianOnly) b.where('is_custodian', true);
  // Units that form materials (材料形成单位): neither a region nor an archive office (server/materials/notices.ts producer_unit).
  if (producerOnly) b.where('is_custodian', false).whereNot('kind', 'region');
  return b;
}

/** 转办 candidates: the active holders of a role (in one unit, or anywhere), by unit and name; at most 200. */
export async function holdersOf(q: Q, role: string, orgUnitId: number | null, except: Array<number | null>): Promise<Array<{ id: number; display_name: string; org_name: string; email: string | null }>> {
  return roleHolders(q, role, orgUnitId)
    .join('org_units as o', 'o.id', 'u.org_unit_id')
    .whereNotIn('u.id', except.filter((x): x is number => x !== null))
    .orderBy(['o.name', 'u.display_name', 'u.id'])
    .limit(200)
    .select('u.id', 'u.display_name', 'o.name as org_name', 'u.email');
}

/** A user as a 转办 target: the account, its roles, whether it may work at all. */
export async function targetUser(q: Q, id: number): Promise<{ id: number; username: string; display_name: string; org_unit_id: number; disabled: boolean; roles: string[] } | undefined> {
  const u = await q('users').where({ id }).first('id', 'username', 'display_name', 'org_unit_id', 'disabled');
  if (!u) return undefined;
  const roles = (await q('user_roles').where({ user_id: id }).select('role')).map((r: { role: string }) => r.role);
  return { ...u, disabled: !!u.disabled, roles };
}

/** One version of a process, by its number. */
export const deploymentAt = (q: Q, processKey: string, version: number): Promise<{ id: string } | undefined> =>
  q('process_deployments').where({ process_key: processKey, version }).first('id');

/**
 * The task's latest 转办 (who handed it on, to whom, when), from the case history; the reason is
 * left out. One row, picked in SQL by the task id inside the row's detail (JSON, as every history
 * row's: engine/index.ts reassign writes it) — the task page reads it on every view.
 */
export async function lastHandOn(q: Q, instanceId: string, taskId: string): Promise<{ actorId: number | null; toId: number | null; at: string } | undefined> {
  const taskOf = isPg(q) ? "(detail::json ->> 'taskId')" : "json_extract(detail, '$.taskId')";
  const r: { actor_id: number | null; at: string; detail: string | null } | undefined = await q('history')
    .where({ instance_id: instanceId, event: 'reassign' })
    .whereRaw(`${taskOf} = ?`, [taskId])
    .orderBy('id', 'desc')
    .first('actor_id', 'at', 'detail');
  if (!r) return undefined;
  const { toId } = JSON.parse(r.detail!) as { toId?: unknown };
  return { actorId: r.actor_id, toId: typeof toId === 'number' ? toId : null, at: r.at };
}
