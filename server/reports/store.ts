// The counts behind 统计分析: grouped reads of archives, requests, transfer orders and material
// intakes for a set of archive offices. Each answers rows of (group keys…, n).
import type { Q } from '../db.ts';
import { OPEN_REVIEW } from '../reviews/codes.ts';

export interface Keyed {
  key: string;
  n: number;
}

/** Rows of a grouped count with their keys as strings and `n` as a number (PostgreSQL counts are strings). */
function counted<K extends string>(rows: Array<Record<string, unknown>>, keys: readonly K[]): Array<Record<K, string> & { n: number }> {
  return rows.map((r) => {
    const out = { n: Number(r.n) } as Record<K, string> & { n: number };
    for (const k of keys) (out as Record<string, unknown>)[k] = String(r[k]);
    return out;
  });
}

/**
 * Archives of the offices by status and by the cadre's management level; those still held (status
 * not in `gone`) by digital status.
 */
export async function archiveCounts(q: Q, offices: number[], gone: readonly string[]): Promise<{ byStatus: Keyed[]; byDigital: Keyed[]; byLevel: Keyed[] }> {
  const base = () => q('archives as a').whereIn('a.custodian_org_id', offices);
  const byStatus = await base().select('a.status as key').count({ n: '*' }).groupBy('a.status');
  const byDigital = await base().whereNotIn('a.status', gone).select('a.digital_status as key').count({ n: '*' }).groupBy('a.digital_status');
  const byLevel = await base().join('cadres as c', 'c.id', 'a.cadre_id').select('c.management_level as key').count({ n: '*' }).groupBy('c.management_level');
  return { byStatus: counted(byStatus, ['key']), byDigital: counted(byDigital, ['key']), byLevel: counted(byLevel, ['key']) };
}

/** Requests to use an archive of the offices, filed in [from, to), by kind and status. */
export async function requestCounts(q: Q, offices: number[], from: string, to: string) {
  const rows = await q('utilization_requests')
    .whereIn('custodian_org_id', offices)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .select('kind', 'status')
    .count({ n: '*' })
    .groupBy('kind', 'status');
  return counted(rows, ['kind', 'status'] as const);
}

/** Transfer orders of the offices opened in [from, to): outgoing ones by the sender, incoming by the receiver. */
export async function transferCounts(q: Q, offices: number[], from: string, to: string) {
  const rows = await q('transfer_orders')
    .where((w) => w.where((o) => o.where({ direction: 'out' }).whereIn('from_org_id', offices)).orWhere((i) => i.where({ direction: 'in' }).whereIn('to_org_id', offices)))
    .where('opened_at', '>=', from)
    .where('opened_at', '<', to)
    .select('direction', 'status')
    .count({ n: '*' })
    .groupBy('direction', 'status');
  return counted(rows, ['direction', 'status'] as const);
}

/** Materials handed over to the offices, registered in [from, to), by status and lateness. */
export async function intakeCounts(q: Q, offices: number[], from: string, to: string) {
  const rows = await q('material_intakes')
    .whereIn('custodian_org_id', offices)
    .where('registered_at', '>=', from)
    .where('registered_at', '<', to)
    .select('status', 'late')
    .count({ n: '*' })
    .groupBy('status', 'late');
  return rows.map((r: Record<string, unknown>) => ({ status: String(r.status), late: r.late === true || r.late === 1, n: Number(r.n) }));
}

/** Reviews (专项审核) of the offices confirmed in [from, to) by result and veto, with their scores summed; and those under way now. */
export async function reviewCounts(q: Q, offices: number[], from: string, to: string) {
  // Points on a 100-point scale: each score against the total of the 审核标准 version it was made on
  // — the exact percent of reviews/percent.ts (scorePercent: score × 100 / total), summed in SQL.
  const totals = q('review_standard_items').groupBy('version').select('version', q.raw('SUM(max_score) AS total')).as('v');
  const rows = await q('archive_reviews as r')
    .join(totals, 'v.version', 'r.standard_version')
    .whereIn('r.custodian_org_id', offices)
    .where({ 'r.status': 'confirmed' })
    .where('r.decided_at', '>=', from)
    .where('r.decided_at', '<', to)
    .select('r.passed', 'r.vetoed', q.raw('COUNT(*) AS n'), q.raw('SUM(r.score * 100.0 / v.total) AS points'))
    .groupBy('r.passed', 'r.vetoed');
  const [{ n: underWay }] = await q('archive_reviews').whereIn('custodian_org_id', offices).whereIn('status', OPEN_REVIEW).count({ n: '*' });
  const truthy = (v: unknown) => v === true || v === 1;
  return {
    confirmed: rows.map((r: Record<string, unknown>) => ({ passed: truthy(r.passed), vetoed: truthy(r.vetoed), n: Number(r.n), points: Number(r.points) })),
    underWay: Number(underWay),
  };
}

export async function officeNames(q: Q, ids: number[]): Promise<Array<{ id: number; name: string }>> {
  if (!ids.length) return [];
  return q('org_units').whereIn('id', ids).orderBy('path').select('id', 'name');
}
