// SQL of the reading room: a grant with its request and archive, the reader's open 电子阅档 task,
// ending one reader's own grant, and the page views (阅档日志) with their count per request.
import type { Q } from '../db.ts';

export interface ReadingGrantRow {
  id: number;
  grantee_user_id: number;
  archive_id: number;
  categories: string;
  valid_from: string;
  valid_until: string;
  revoked_at: string | null;
  instance_id: string | null;
  request_id: number | null;
  case_no: string | null;
  archive_no: string;
  cadre_id: number;
  /** The archive's status and custodian: a grant opens nothing once it is leaving or has left the granting office (grantStillHeld). */
  archive_status: string;
  archive_custodian_org_id: number;
  /** The office whose request granted it (null for a grant without a request). */
  grant_office_id: number | null;
  /** Why it ended: `archive_transferred`, `finished` (the reader's 结束阅档), `reading_closed`, `window_expired`; null for older rows. */
  revoke_reason: string | null;
  cadre_name: string;
}

export async function findGrant(q: Q, id: number): Promise<ReadingGrantRow | undefined> {
  return q('archive_grants as g')
    .leftJoin('utilization_requests as r', 'r.instance_id', 'g.instance_id')
    .join('archives as a', 'a.id', 'g.archive_id')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where('g.id', id)
    .first('g.id', 'g.grantee_user_id', 'g.archive_id', 'g.categories', 'g.valid_from', 'g.valid_until', 'g.revoked_at', 'g.revoke_reason', 'g.instance_id', 'r.id as request_id', 'r.case_no', 'r.custodian_org_id as grant_office_id', 'a.archive_no', 'a.cadre_id', 'a.status as archive_status', 'a.custodian_org_id as archive_custodian_org_id', 'c.name as cadre_name');
}

/** The reader's own open 电子阅档 task of the grant's case, if they have one (the initiator does). */
export async function openReadingTask(q: Q, instanceId: string, userId: number): Promise<string | null> {
  const row = await q('tasks').where({ instance_id: instanceId, element_id: 'electronicReading', status: 'open', assignee_id: userId }).first('id');
  return row?.id ?? null;
}

/**
 * Ends one reader's grant (a co-applicant's 结束阅档) as `finished`, keeping their own note for the
 * 查阅登记簿 entry (closeViewing); false when it was already revoked.
 */
export async function revokeGrant(q: Q, id: number, at: string, note: string | null): Promise<boolean> {
  return (await q('archive_grants').where({ id }).whereNull('revoked_at').update({ revoked_at: at, revoke_reason: 'finished', end_note: note })) > 0;
}

export async function insertPageView(
  q: Q,
  row: { user_id: number; grant_id: number; request_id: number | null; archive_id: number; material_id: number; page_no: number; page_image_id: number; viewed_at: string },
): Promise<void> {
  await q('page_views').insert(row);
}

/** Page views per request, for the 查阅登记簿. */
export async function pageViewCounts(q: Q, requestIds: number[]): Promise<Map<number, number>> {
  if (!requestIds.length) return new Map();
  const rows = await q('page_views').whereIn('request_id', requestIds).groupBy('request_id').select('request_id').count({ n: '*' });
  return new Map(rows.map((r: any) => [Number(r.request_id), Number(r.n)]));
}
