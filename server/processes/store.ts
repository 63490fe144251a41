// SQL of process administration: versions with who deployed them and how many cases run on each,
// deployment proposals, and the operations queries (counts per element, the instance list).
import type { Q } from '../db.ts';
import { forUpdate, likeEscape } from '../db.ts';
import { LIVE_STATUSES, type InstanceStatus } from '../engine/store.ts';

export interface VersionRow {
  id: string;
  process_key: string;
  version: number;
  name: string;
  sha256: string;
  deployed_at: string;
  deployed_by_name: string | null;
  note: string | null;
}

/** Every version of every process (without the XML), newest first within a key. */
export const allVersions = (q: Q): Promise<VersionRow[]> =>
  q('process_deployments as d')
    .leftJoin('users as u', 'u.id', 'd.deployed_by')
    .select('d.id', 'd.process_key', 'd.version', 'd.name', 'd.sha256', 'd.deployed_at', 'd.note', 'u.display_name as deployed_by_name')
    .orderBy([{ column: 'd.process_key' }, { column: 'd.version', order: 'desc' }]);

export const findVersion = (q: Q, key: string, version: number) =>
  q('process_deployments as d')
    .leftJoin('users as u', 'u.id', 'd.deployed_by')
    .where({ 'd.process_key': key, 'd.version': version })
    .first('d.*', 'u.display_name as deployed_by_name');

export type CaseCounts = Record<InstanceStatus, number>;
export const noCases = (): CaseCounts => ({ running: 0, incident: 0, suspended: 0, completed: 0, terminated: 0 });

/** Cases per deployment by status (every status present, zero when none). */
export async function caseCounts(q: Q, deploymentId?: string): Promise<Map<string, CaseCounts>> {
  const qb = q('process_instances').select('deployment_id', 'status').count({ n: '*' }).groupBy('deployment_id', 'status');
  if (deploymentId) qb.where({ deployment_id: deploymentId });
  const rows = (await qb) as unknown as Array<{ deployment_id: string; status: InstanceStatus; n: number | string }>;
  const out = new Map<string, CaseCounts>();
  for (const r of rows) {
    const c = out.get(r.deployment_id) ?? noCases();
    c[r.status] = Number(r.n);
    out.set(r.deployment_id, c);
  }
  return out;
}

// Proposals ------------------------------------------------------------------------------------

export interface ProposalRow {
  id: string;
  process_key: string;
  name: string;
  base_version: number | null;
  xml: string;
  sha256: string;
  forms: string;
  note: string;
  proposed_by: number;
  proposed_at: string;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  decided_by: number | null;
  decided_at: string | null;
  decision_note: string | null;
  deployment_id: string | null;
}

export type ProposalListRow = Omit<ProposalRow, 'xml' | 'forms'> & { proposed_by_name: string | null; decided_by_name: string | null; version: number | null };

export async function insertProposal(q: Q, row: ProposalRow): Promise<void> {
  await q('deployment_proposals').insert(row);
}

export const lockProposal = (q: Q, id: string): Promise<ProposalRow | undefined> => forUpdate(q, q('deployment_proposals').where({ id }).first());

export async function updateProposal(q: Q, id: string, patch: Partial<ProposalRow>): Promise<void> {
  await q('deployment_proposals').where({ id }).update(patch);
}

export function proposals(q: Q, opts: { status?: 'pending'; id?: string }): Promise<ProposalListRow[]> {
  const qb = q('deployment_proposals as p')
    .leftJoin('users as a', 'a.id', 'p.proposed_by')
    .leftJoin('users as b', 'b.id', 'p.decided_by')
    .leftJoin('process_deployments as d', 'd.id', 'p.deployment_id')
    .select(
      'p.id', 'p.process_key', 'p.name', 'p.base_version', 'p.sha256', 'p.note', 'p.proposed_by', 'p.proposed_at', 'p.status',
      'p.decided_by', 'p.decided_at', 'p.decision_note', 'p.deployment_id',
      'a.display_name as proposed_by_name', 'b.display_name as decided_by_name', 'd.version as version',
    )
    .orderBy('p.proposed_at', 'desc')
    .limit(200);
  if (opts.status) qb.where('p.status', opts.status);
  if (opts.id) qb.where('p.id', opts.id);
  return qb;
}

export async function pendingByKey(q: Q): Promise<Map<string, number>> {
  const rows: Array<{ process_key: string; n: number | string }> = await q('deployment_proposals')
    .where({ status: 'pending' })
    .select('process_key')
    .count({ n: '*' })
    .groupBy('process_key');
  return new Map(rows.map((r) => [r.process_key, Number(r.n)]));
}

// Operations -----------------------------------------------------------------------------------

/** The waiting elements of every unfinished case of a deployment (counted per element by the caller). */
export const activeElementsOf = (q: Q, deploymentId: string): Promise<Array<{ active_elements: string }>> =>
  q('process_instances').where({ deployment_id: deploymentId }).whereIn('status', LIVE_STATUSES).select('active_elements');

export async function incidentsPerElement(q: Q, deploymentId: string): Promise<Map<string, number>> {
  const rows: Array<{ element_id: string; n: number | string }> = await q('jobs as j')
    .join('process_instances as i', 'i.id', 'j.instance_id')
    .where({ 'i.deployment_id': deploymentId, 'j.status': 'incident' })
    .select('j.element_id')
    .count({ n: '*' })
    .groupBy('j.element_id');
  return new Map(rows.map((r) => [r.element_id, Number(r.n)]));
}

export interface InstanceFilter {
  processKey?: string;
  version?: number;
  status?: InstanceStatus;
  /** ISO instants (inclusive lower, exclusive upper). */
  startedFrom?: string;
  startedBefore?: string;
  elementId?: string;
  /** A part of the case number (编号), any case. */
  businessKey?: string;
}

export interface AdminInstanceRow {
  id: string;
  process_key: string;
  process_name: string;
  version: number;
  business_key: string | null;
  status: InstanceStatus;
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
  active_elements: string;
  deployment_id: string;
  initiator_org_name: string | null;
}

function filtered(q: Q, f: InstanceFilter) {
  const qb = q('process_instances as i').join('process_deployments as d', 'd.id', 'i.deployment_id');
  if (f.processKey) qb.where('i.process_key', f.processKey);
  if (f.version) qb.where('i.version', f.version);
  if (f.status) qb.where('i.status', f.status);
  if (f.startedFrom) qb.where('i.started_at', '>=', f.startedFrom);
  if (f.startedBefore) qb.where('i.started_at', '<', f.startedBefore);
  // active_elements is a JSON array of ids: '"<id>"' within it is that id exactly.
  if (f.elementId) qb.whereRaw(`i.active_elements LIKE ? ESCAPE '\\'`, [`%${likeEscape(JSON.stringify(f.elementId))}%`]);
  if (f.businessKey) qb.whereRaw(`lower(i.business_key) LIKE ? ESCAPE '\\'`, [`%${likeEscape(f.businessKey.toLowerCase())}%`]);
  return qb;
}

export async function instances(q: Q, f: InstanceFilter, offset: number, limit: number): Promise<{ rows: AdminInstanceRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    filtered(q, f)
      .leftJoin('users as u', 'u.id', 'i.started_by')
      .leftJoin('org_units as o', 'o.id', 'u.org_unit_id')
      .select(
        'i.id', 'i.process_key', 'd.name as process_name', 'i.version', 'i.business_key', 'i.status', 'i.started_at', 'i.ended_at',
        'i.end_reason', 'i.active_elements', 'i.deployment_id', 'o.name as initiator_org_name',
      )
      .orderBy([{ column: 'i.started_at', order: 'desc' }, { column: 'i.id' }])
      .offset(offset)
      .limit(limit),
    filtered(q, f).count({ n: '*' }).first(),
  ]);
  return { rows: rows as AdminInstanceRow[], total: Number((total as { n?: number | string } | undefined)?.n ?? 0) };
}

export async function incidentCounts(q: Q, instanceIds: string[]): Promise<Map<string, number>> {
  if (!instanceIds.length) return new Map();
  const rows: Array<{ instance_id: string; n: number | string }> = await q('jobs')
    .whereIn('instance_id', instanceIds)
    .where({ status: 'incident' })
    .select('instance_id')
    .count({ n: '*' })
    .groupBy('instance_id');
  return new Map(rows.map((r) => [r.instance_id, Number(r.n)]));
}

export const jobsOf = (q: Q, instanceId: string) => q('jobs').where({ instance_id: instanceId }).orderBy('created_at');

export const tasksWithNames = (q: Q, instanceId: string) =>
  q('tasks as t')
    .leftJoin('users as u', 'u.id', 't.assignee_id')
    .leftJoin('org_units as o', 'o.id', 't.candidate_org_id')
    .where('t.instance_id', instanceId)
    .select('t.*', 'u.display_name as assignee_name', 'o.name as candidate_org_name')
    .orderBy('t.created_at');

export const historyWithNames = (q: Q, instanceId: string) =>
  q('history as h').leftJoin('users as u', 'u.id', 'h.actor_id').where('h.instance_id', instanceId).select('h.*', 'u.display_name as actor_name').orderBy('h.id');

export const initiatorOrgName = async (q: Q, userId: number | null): Promise<string | null> => {
  if (!userId) return null;
  const row = await q('users as u').join('org_units as o', 'o.id', 'u.org_unit_id').where('u.id', userId).first('o.name');
  return row?.name ?? null;
};
