// SQL of 专项审核工作 (review campaigns): the campaigns of an office, the archives each listed when it
// opened, and the newest review made for it of each archive.
import type { Q } from '../db.ts';
import { forUpdate, nullableBool, nullableNum } from '../db.ts';
import { idOf } from '../archives/store.ts';

export interface CampaignRow {
  id: number;
  custodian_org_id: number;
  title: string;
  management_levels: string[];
  due_date: string;
  status: 'open' | 'closed';
  started_by: number;
  started_at: string;
  closed_by: number | null;
  closed_at: string | null;
  close_note: string | null;
  deadline_id: string | null;
  /** The 审核标准 version its reviews are scored on: the one in force when it opened. */
  standard_version: number;
  /** When its chief was told the due day nears (campaign-reminders.ts); null until then. */
  reminded_at?: string | null;
}

export type NamedCampaignRow = CampaignRow & { office_name: string; started_by_name: string | null; closed_by_name: string | null };

const campaign = (r: any): any => ({ ...r, management_levels: JSON.parse(r.management_levels) });

export async function lockCampaign(q: Q, id: number): Promise<CampaignRow | undefined> {
  const r = await forUpdate(q, q('review_campaigns').where({ id }).first());
  return r ? campaign(r) : undefined;
}

/** Campaigns with the office's and the people's names: of these offices (newest first; those listing an archive), or the one of this id. */
export async function namedCampaigns(q: Q, where: { offices: number[]; archiveId?: number } | { id: number }): Promise<NamedCampaignRow[]> {
  const qb = q('review_campaigns as c')
    .join('org_units as o', 'o.id', 'c.custodian_org_id')
    .leftJoin('users as s', 's.id', 'c.started_by')
    .leftJoin('users as e', 'e.id', 'c.closed_by')
    .orderBy('c.id', 'desc')
    .select('c.*', 'o.name as office_name', 's.display_name as started_by_name', 'e.display_name as closed_by_name');
  if ('id' in where) qb.where('c.id', where.id);
  else {
    qb.whereIn('c.custodian_org_id', where.offices.length ? where.offices : [-1]);
    if (where.archiveId !== undefined) qb.whereIn('c.id', q('review_campaign_items').where({ archive_id: where.archiveId }).select('campaign_id'));
  }
  return (await qb).map(campaign);
}

/**
 * Opens a campaign: one item per archive the office holds now (not gone elsewhere) whose cadre is of
 * one of `levels` (all when empty). Returns the new id and how many archives it lists.
 */
export async function insertCampaign(
  q: Q,
  row: Omit<CampaignRow, 'id' | 'status' | 'closed_by' | 'closed_at' | 'close_note' | 'deadline_id'>,
  gone: readonly string[],
): Promise<{ id: number; archives: number; overlapping?: { id: number; title: string; shared: number } }> {
  const held = q('archives as a').join('cadres as c', 'c.id', 'a.cadre_id').where('a.custodian_org_id', row.custodian_org_id).whereNotIn('a.status', gone);
  if (row.management_levels.length) held.whereIn('c.management_level', row.management_levels);
  const archiveIds: number[] = (await held.orderBy('a.id').select('a.id')).map((r: any) => Number(r.id));
  if (!archiveIds.length) return { id: 0, archives: 0 };
  const overlapping = await openCampaignOver(q, row.custodian_org_id, archiveIds);
  if (overlapping) return { id: 0, archives: archiveIds.length, overlapping };
  const [ret] = await q('review_campaigns').insert({ ...row, management_levels: JSON.stringify(row.management_levels), status: 'open' }).returning('id');
  const id = idOf(ret);
  for (let i = 0; i < archiveIds.length; i += 200) {
    await q('review_campaign_items').insert(archiveIds.slice(i, i + 200).map((archive_id) => ({ campaign_id: id, archive_id })));
  }
  return { id, archives: archiveIds.length };
}

/**
 * Serialises the opening of campaigns of one office (a row lock on the office; SQLite runs one
 * transaction at a time anyway), so that two requests at once cannot both find no open campaign
 * over the same archives.
 */
export async function lockOffice(q: Q, officeId: number): Promise<void> {
  await forUpdate(q, q('org_units').where({ id: officeId }).first('id'));
}

/** The open campaign of the office (the oldest) that already lists one of these archives, with how many it shares. */
export async function openCampaignOver(q: Q, officeId: number, archiveIds: number[]): Promise<{ id: number; title: string; shared: number } | undefined> {
  const shared = new Map<number, number>();
  for (let i = 0; i < archiveIds.length; i += 500) {
    const rows = await q('review_campaign_items as i')
      .join('review_campaigns as c', 'c.id', 'i.campaign_id')
      .where({ 'c.custodian_org_id': officeId, 'c.status': 'open' })
      .whereIn('i.archive_id', archiveIds.slice(i, i + 500))
      .groupBy('c.id')
      .select('c.id')
      .count({ n: '*' });
    for (const r of rows as any[]) shared.set(Number(r.id), (shared.get(Number(r.id)) ?? 0) + Number(r.n));
  }
  if (!shared.size) return undefined;
  const id = Math.min(...shared.keys());
  const c = await q('review_campaigns').where({ id }).first('title');
  return { id, title: c.title, shared: shared.get(id)! };
}

export async function updateCampaign(q: Q, id: number, patch: Partial<Omit<CampaignRow, 'id' | 'management_levels'>>): Promise<void> {
  await q('review_campaigns').where({ id }).update(patch);
}

export async function hasItem(q: Q, campaignId: number, archiveId: number): Promise<boolean> {
  return !!(await q('review_campaign_items').where({ campaign_id: campaignId, archive_id: archiveId }).first('id'));
}

export interface ItemRow {
  archive_id: number;
  archive_no: string;
  cadre_id: number;
  cadre_name: string;
  management_level: string;
  review_id: number | null;
  review_status: string | null;
  score: number | null;
  passed: boolean | null;
  vetoed: boolean | null;
  standard_version: number | null;
}

/** The campaigns' items joined with their newest review made for the campaign (withdrawn ones do not count). */
function withLatestReview(q: Q, campaignIds: number[]) {
  const latest = q('archive_reviews').whereIn('campaign_id', campaignIds).whereNot('status', 'cancelled').groupBy('campaign_id', 'archive_id').select('campaign_id', 'archive_id').max({ id: 'id' });
  return q('review_campaign_items as i')
    .leftJoin(latest.as('l'), (j) => j.on('l.campaign_id', 'i.campaign_id').andOn('l.archive_id', 'i.archive_id'))
    .leftJoin('archive_reviews as r', 'r.id', 'l.id')
    .whereIn('i.campaign_id', campaignIds);
}

/**
 * How many archives of each campaign stand where, counted in the database: campaign id → rows of
 * (review status or null when not started, passed, n). Every archive counts, avoided cadres too.
 */
export async function stateCounts(q: Q, campaignIds: number[]): Promise<Map<number, Array<{ status: string | null; passed: boolean | null; n: number }>>> {
  const out = new Map<number, Array<{ status: string | null; passed: boolean | null; n: number }>>(campaignIds.map((id) => [id, []]));
  if (!campaignIds.length) return out;
  const rows = await withLatestReview(q, campaignIds).groupBy('i.campaign_id', 'r.status', 'r.passed').select('i.campaign_id', 'r.status', 'r.passed').count({ n: '*' });
  for (const r of rows as any[]) out.get(r.campaign_id)!.push({ status: r.status ?? null, passed: nullableBool(r.passed), n: Number(r.n) });
  return out;
}

/**
 * Every archive of a campaign with its newest review made for the campaign (withdrawn ones do not
 * count), without the cadres in `excludedCadreIds`, in 档案号 order.
 */
export async function itemsWithReviews(q: Q, campaignId: number, excludedCadreIds: number[]): Promise<ItemRow[]> {
  const qb = withLatestReview(q, [campaignId])
    .join('archives as a', 'a.id', 'i.archive_id')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .orderBy('a.archive_no')
    .select('a.id as archive_id', 'a.archive_no', 'a.cadre_id', 'c.name as cadre_name', 'c.management_level', 'r.id as review_id', 'r.status as review_status', 'r.score', 'r.passed', 'r.vetoed', 'r.standard_version');
  if (excludedCadreIds.length) qb.whereNotIn('a.cadre_id', excludedCadreIds);
  return ((await qb) as any[]).map((r) => ({
    archive_id: r.archive_id,
    archive_no: r.archive_no,
    cadre_id: r.cadre_id,
    cadre_name: r.cadre_name,
    management_level: r.management_level,
    review_id: r.review_id ?? null,
    review_status: r.review_status ?? null,
    score: nullableNum(r.score),
    passed: nullableBool(r.passed),
    vetoed: nullableBool(r.vetoed),
    standard_version: nullableNum(r.standard_version),
  }));
}

/**
 * The open campaign of the office that lists the archive (the oldest, though an archive is in one
 * open campaign at most), with whether its newest review made for the campaign was confirmed 合格.
 */
export async function openCampaignListing(q: Q, officeId: number, archiveId: number): Promise<{ id: number; title: string; standard_version: number; passed: boolean } | undefined> {
  const c = await q('review_campaign_items as i')
    .join('review_campaigns as c', 'c.id', 'i.campaign_id')
    .where({ 'c.custodian_org_id': officeId, 'c.status': 'open', 'i.archive_id': archiveId })
    .orderBy('c.id')
    .first('c.id', 'c.title', 'c.standard_version');
  if (!c) return undefined;
  const latest = await q('archive_reviews').where({ campaign_id: c.id, archive_id: archiveId }).whereNot('status', 'cancelled').orderBy('id', 'desc').first('status', 'passed');
  return { id: Number(c.id), title: c.title, standard_version: Number(c.standard_version), passed: latest?.status === 'confirmed' && !!nullableBool(latest.passed) };
}

/**
 * A campaign just opened takes the reviews under way (审核中, 待复核) of its archives that were made
 * for no campaign and are scored on its version of the standard. Returns their ids.
 */
export async function adoptOpenReviews(q: Q, campaignId: number, version: number, open: readonly string[]): Promise<number[]> {
  const listed = q('review_campaign_items').where({ campaign_id: campaignId }).select('archive_id');
  const ids: number[] = (await q('archive_reviews').whereNull('campaign_id').whereIn('status', open).where({ standard_version: version }).whereIn('archive_id', listed).orderBy('id').pluck('id')).map(Number);
  for (let i = 0; i < ids.length; i += 500) await q('archive_reviews').whereIn('id', ids.slice(i, i + 500)).update({ campaign_id: campaignId });
  return ids;
}

/**
 * A campaign closing lets go of its reviews still under way (审核中, 待复核): they continue as
 * reviews made for no campaign, so that the campaign's figures stay as they were when it closed.
 * Returns their ids.
 */
export async function detachOpenReviews(q: Q, campaignId: number, open: readonly string[]): Promise<number[]> {
  const ids: number[] = (await forUpdate(q, q('archive_reviews').where({ campaign_id: campaignId }).whereIn('status', open).orderBy('id').select('id'))).map((r: any) => Number(r.id));
  for (let i = 0; i < ids.length; i += 500) await q('archive_reviews').whereIn('id', ids.slice(i, i + 500)).whereIn('status', open).update({ campaign_id: null });
  return ids;
}

export interface OutsideReview {
  archive_id: number;
  id: number;
  status: string;
  passed: boolean | null;
  standard_version: number;
  campaign_id: number | null;
  /** The title of the other campaign it was made for (campaign_id), else null. */
  campaign_title: string | null;
  decided_at: string | null;
}

/**
 * For these archives of a campaign, the newest review not made for it that is under way, or was
 * confirmed since the campaign opened: work on the archive the campaign does not count (made for
 * another campaign, on another version of the standard, going on after the campaign closed, or a
 * 合格 archive reviewed again).
 */
export async function outsideReviews(q: Q, campaignId: number, archiveIds: number[], since: string, open: readonly string[]): Promise<Map<number, OutsideReview>> {
  const out = new Map<number, OutsideReview>();
  if (!archiveIds.length) return out;
  const rows = await q('archive_reviews as r')
    .leftJoin('review_campaigns as k', 'k.id', 'r.campaign_id')
    .whereIn('r.archive_id', archiveIds)
    .where((w) => w.whereNull('r.campaign_id').orWhereNot('r.campaign_id', campaignId))
    .where((w) => w.whereIn('r.status', open).orWhere((c) => c.where('r.status', 'confirmed').where('r.decided_at', '>=', since)))
    .orderBy('r.id', 'desc')
    .select('r.archive_id', 'r.id', 'r.status', 'r.passed', 'r.standard_version', 'r.campaign_id', 'k.title as campaign_title', 'r.decided_at');
  for (const r of rows as any[]) {
    if (out.has(Number(r.archive_id))) continue;
    out.set(Number(r.archive_id), {
      archive_id: Number(r.archive_id),
      id: Number(r.id),
      status: r.status,
      passed: nullableBool(r.passed),
      standard_version: Number(r.standard_version),
      campaign_id: r.campaign_id === null ? null : Number(r.campaign_id),
      campaign_title: r.campaign_title ?? null,
      decided_at: r.decided_at ?? null,
    });
  }
  return out;
}

/**
 * Open campaigns not yet reminded of whose due day falls from `today` to `until` (Beijing days,
 * inclusive): one already past its day is not "due soon" and is left alone.
 */
export async function campaignsToRemind(q: Q, today: string, until: string): Promise<Array<{ id: number }>> {
  return (await q('review_campaigns').where({ status: 'open' }).whereNull('reminded_at').where('due_date', '>=', today).where('due_date', '<=', until).orderBy('id').select('id')).map((r: any) => ({ id: Number(r.id) }));
}

/** Marks the campaign reminded, if it still is open and unreminded; false when another poll got there first. */
export async function markReminded(q: Q, id: number, at: string): Promise<boolean> {
  return (await q('review_campaigns').where({ id, status: 'open' }).whereNull('reminded_at').update({ reminded_at: at })) > 0;
}
