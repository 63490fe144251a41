// SQL of 专项审核: the review standard's versions, the reviews of archives and their marks (one per item of
// the standard the reviewer found wanting).
import type { Q } from '../db.ts';
import { bool, forUpdate, nullableBool, nullableNum, whereContains } from '../db.ts';
import { idOf } from '../archives/store.ts';
import { roleHolders } from '../people/store.ts';
import { OPEN_REVIEW, type ReviewStatus } from './codes.ts';

export interface StandardItemRow {
  no: number;
  criterion: string;
  deduction_rule: string;
  max_score: number;
  veto: boolean;
  category_codes: string[];
}

export interface ReviewRow {
  id: number;
  archive_id: number;
  custodian_org_id: number;
  status: ReviewStatus;
  reviewer_id: number;
  started_at: string;
  submitted_at: string | null;
  summary: string | null;
  score: number | null;
  vetoed: boolean | null;
  pass_score: number | null;
  decided_by: number | null;
  decided_at: string | null;
  decision_note: string | null;
  passed: boolean | null;
  returns: number;
  campaign_id: number | null;
  standard_version: number;
}

export interface MarkRow {
  id: number;
  review_id: number;
  item_no: number;
  deduction: number;
  veto: boolean;
  note: string;
  material_ids: number[];
  marked_by: number;
  marked_at: string;
}


const review = (r: any): ReviewRow => ({ ...r, score: nullableNum(r.score), pass_score: nullableNum(r.pass_score), vetoed: nullableBool(r.vetoed), passed: nullableBool(r.passed) });
const mark = (r: any): MarkRow => ({ ...r, deduction: Number(r.deduction), veto: bool(r.veto), material_ids: JSON.parse(r.material_ids) });

const item = (r: any): StandardItemRow => ({ no: r.no, criterion: r.criterion, deduction_rule: r.deduction_rule, max_score: Number(r.max_score), veto: bool(r.veto), category_codes: JSON.parse(r.category_codes) });

/** The items of a version of the standard, by number. */
export async function standard(q: Q, version: number): Promise<StandardItemRow[]> {
  return (await q('review_standard_items').where({ version }).orderBy('no')).map(item);
}

/** The points of the standard's items together (100 for the seeded standard). */
export const totalPoints = (items: readonly StandardItemRow[]): number => items.reduce((a, i) => a + i.max_score, 0);

/** Each version's points, items and veto items. */
export async function versionTotals(q: Q): Promise<Map<number, { points: number; items: number; vetoes: number }>> {
  const rows = await q('review_standard_items')
    .groupBy('version')
    .select('version', q.raw('SUM(max_score) AS points'), q.raw('COUNT(*) AS items'), q.raw('SUM(CASE WHEN veto THEN 1 ELSE 0 END) AS vetoes'));
  return new Map(rows.map((r: any) => [Number(r.version), { points: Number(r.points), items: Number(r.items), vetoes: Number(r.vetoes) }]));
}

/** The points of every version, for pages that list reviews made on several. */
export async function maxScores(q: Q): Promise<Map<number, number>> {
  return new Map([...(await versionTotals(q))].map(([v, t]) => [v, t.points]));
}

export interface VersionRow {
  version: number;
  basis: string;
  published_by: number | null;
  published_by_name: string | null;
  published_at: string;
}

/** The newest version: the one new reviews are made on. */
export async function currentVersion(q: Q): Promise<number> {
  const r = await q('review_standards').max({ v: 'version' }).first();
  return Number(r?.v ?? 0);
}

const namedVersions = (q: Q) => q('review_standards as s').leftJoin('users as u', 'u.id', 's.published_by').select('s.*', 'u.display_name as published_by_name');

/** Every version, newest first. */
export async function versions(q: Q): Promise<VersionRow[]> {
  return namedVersions(q).orderBy('s.version', 'desc');
}

export async function findVersion(q: Q, version: number): Promise<VersionRow | undefined> {
  return namedVersions(q).where('s.version', version).first();
}

/** How many reviews each version was used by. */
export async function reviewsPerVersion(q: Q): Promise<Map<number, number>> {
  const rows = await q('archive_reviews').groupBy('standard_version').select('standard_version', q.raw('COUNT(*) AS n'));
  return new Map(rows.map((r: any) => [Number(r.standard_version), Number(r.n)]));
}

export async function insertVersion(q: Q, v: { version: number; basis: string; published_by: number; published_at: string }, items: StandardItemRow[]): Promise<void> {
  await q('review_standards').insert(v);
  await q('review_standard_items').insert(items.map((i) => ({ version: v.version, no: i.no, criterion: i.criterion, deduction_rule: i.deduction_rule, max_score: i.max_score, veto: i.veto, category_codes: JSON.stringify(i.category_codes) })));
}

export async function openReviewOf(q: Q, archiveId: number): Promise<ReviewRow | undefined> {
  const r = await q('archive_reviews').where({ archive_id: archiveId }).whereIn('status', OPEN_REVIEW).first();
  return r ? review(r) : undefined;
}

export async function insertReview(q: Q, row: { archive_id: number; custodian_org_id: number; reviewer_id: number; started_at: string; campaign_id: number | null; standard_version: number }): Promise<number> {
  const [ret] = await q('archive_reviews').insert({ ...row, status: 'draft', returns: 0 }).returning('id');
  return idOf(ret);
}

export async function lockReview(q: Q, id: number): Promise<ReviewRow | undefined> {
  const r = await forUpdate(q, q('archive_reviews').where({ id }).first());
  return r ? review(r) : undefined;
}

export async function updateReview(q: Q, id: number, patch: Partial<Omit<ReviewRow, 'id'>>): Promise<void> {
  await q('archive_reviews').where({ id }).update(patch);
}

export type NamedReviewRow = ReviewRow & {
  archive_no: string;
  cadre_id: number;
  cadre_name: string;
  office_name: string;
  reviewer_name: string | null;
  decided_by_name: string | null;
  campaign_title: string | null;
};

function named(q: Q) {
  return q('archive_reviews as r')
    .join('archives as a', 'a.id', 'r.archive_id')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .join('org_units as o', 'o.id', 'r.custodian_org_id')
    .leftJoin('users as u', 'u.id', 'r.reviewer_id')
    .leftJoin('users as d', 'd.id', 'r.decided_by')
    .leftJoin('review_campaigns as k', 'k.id', 'r.campaign_id');
}
const NAMED_COLUMNS = ['r.*', 'a.archive_no', 'a.cadre_id', 'c.name as cadre_name', 'o.name as office_name', 'u.display_name as reviewer_name', 'd.display_name as decided_by_name', 'k.title as campaign_title'];

export async function namedReview(q: Q, id: number): Promise<NamedReviewRow | undefined> {
  const r = await named(q).where('r.id', id).first(NAMED_COLUMNS);
  return r ? (review(r) as NamedReviewRow) : undefined;
}

export interface ListFilter {
  offices: number[];
  excludedCadreIds: number[];
  archiveId?: number;
  status?: ReviewStatus;
  result?: 'passed' | 'failed';
  /** 档案号 or the cadre's name, contains. */
  q?: string;
  campaignId?: number;
}

/** Reviews of these offices, newest first, without the cadres the caller must avoid. */
export async function listReviews(q: Q, f: ListFilter, page: { offset: number; limit: number }): Promise<{ total: number; rows: NamedReviewRow[] }> {
  const filtered = () => {
    const qb = named(q).whereIn('r.custodian_org_id', f.offices.length ? f.offices : [-1]);
    if (f.excludedCadreIds.length) qb.whereNotIn('a.cadre_id', f.excludedCadreIds);
    if (f.archiveId !== undefined) qb.where('r.archive_id', f.archiveId);
    if (f.status) qb.where('r.status', f.status);
    if (f.result) qb.where({ 'r.status': 'confirmed', 'r.passed': f.result === 'passed' });
    if (f.q) whereContains(qb, ['a.archive_no', 'c.name'], f.q);
    if (f.campaignId !== undefined) qb.where('r.campaign_id', f.campaignId);
    return qb;
  };
  const [{ n }] = await filtered().count({ n: '*' });
  const rows = await filtered().orderBy('r.id', 'desc').offset(page.offset).limit(page.limit).select(NAMED_COLUMNS);
  return { total: Number(n), rows: rows.map((r: any) => review(r) as NamedReviewRow) };
}

/** For the 工作台: the user's own reviews being made, and (for a chief) the office's reviews awaiting confirmation by someone other than their reviewer. */
/**
 * The office's reviews 待复核 (submitted, not yet decided), without the cadres the reader must avoid;
 * `notBy`: not submitted by this reviewer (谁审核、谁负责: nobody confirms his own). The 工作台 tile
 * counts it, the chief's 待办 and the office's 在办事项 list it (awaiting).
 */
function awaitingQuery(q: Q, f: { officeId: number; excludedCadreIds: number[]; notBy?: number }) {
  const qb = q('archive_reviews as r').join('archives as a', 'a.id', 'r.archive_id').where({ 'r.custodian_org_id': f.officeId, 'r.status': 'submitted' });
  if (f.notBy !== undefined) qb.whereNot('r.reviewer_id', f.notBy);
  if (f.excludedCadreIds.length) qb.whereNotIn('a.cadre_id', f.excludedCadreIds);
  return qb;
}

export async function counts(q: Q, user: { id: number; orgUnitId: number; chief: boolean }, excludedCadreIds: number[]): Promise<{ mine: number; toConfirm: number }> {
  const [{ n: mine }] = await q('archive_reviews').where({ reviewer_id: user.id, status: 'draft' }).count({ n: '*' });
  if (!user.chief) return { mine: Number(mine), toConfirm: 0 };
  const [{ n: toConfirm }] = await awaitingQuery(q, { officeId: user.orgUnitId, excludedCadreIds, notBy: user.id }).count({ n: '*' });
  return { mine: Number(mine), toConfirm: Number(toConfirm) };
}

export interface AwaitingRow {
  id: number;
  archive_no: string;
  reviewer_id: number;
  reviewer_name: string | null;
  submitted_at: string;
  score: number;
  pass_score: number;
  vetoed: boolean;
  campaign_title: string | null;
  standard_version: number;
}

/** A page of awaitingQuery, the longest waiting first: the archive's number, never the cadre's name. */
export async function awaiting(q: Q, f: { officeId: number; excludedCadreIds: number[]; notBy?: number }, page: { offset: number; limit: number }): Promise<{ total: number; rows: AwaitingRow[] }> {
  const [{ n }] = await awaitingQuery(q, f).count({ n: '*' });
  const rows = await awaitingQuery(q, f)
    .leftJoin('users as u', 'u.id', 'r.reviewer_id')
    .leftJoin('review_campaigns as k', 'k.id', 'r.campaign_id')
    .orderBy('r.submitted_at')
    .orderBy('r.id')
    .offset(page.offset)
    .limit(page.limit)
    .select('r.id', 'a.archive_no', 'r.reviewer_id', 'u.display_name as reviewer_name', 'r.submitted_at', 'r.score', 'r.pass_score', 'r.vetoed', 'k.title as campaign_title', 'r.standard_version');
  return {
    total: Number(n),
    rows: rows.map((r: any) => ({ ...r, id: Number(r.id), reviewer_id: Number(r.reviewer_id), score: Number(r.score), pass_score: Number(r.pass_score), vetoed: !!r.vetoed, standard_version: Number(r.standard_version) })),
  };
}

export async function marks(q: Q, reviewId: number): Promise<Array<MarkRow & { marked_by_name: string | null }>> {
  const rows = await q('archive_review_marks as m').leftJoin('users as u', 'u.id', 'm.marked_by').where('m.review_id', reviewId).orderBy('m.item_no').select('m.*', 'u.display_name as marked_by_name');
  return rows.map((r: any) => ({ ...mark(r), marked_by_name: r.marked_by_name }));
}

/** Points taken off so far and whether a veto item failed, for each of these reviews, in one query. */
export async function tallies(q: Q, reviewIds: number[]): Promise<Map<number, { deducted: number; vetoed: boolean }>> {
  const out = new Map<number, { deducted: number; vetoed: boolean }>(reviewIds.map((id) => [id, { deducted: 0, vetoed: false }]));
  if (!reviewIds.length) return out;
  const rows = await q('archive_review_marks')
    .whereIn('review_id', reviewIds)
    .groupBy('review_id')
    .select('review_id', q.raw('SUM(deduction) AS deducted'), q.raw('SUM(CASE WHEN veto THEN 1 ELSE 0 END) AS vetoes'));
  for (const r of rows as any[]) out.set(Number(r.review_id), { deducted: Number(r.deducted), vetoed: Number(r.vetoes) > 0 });
  return out;
}

/** Sets (or replaces) the mark of an item; `null` clears it. */
export async function setMark(q: Q, reviewId: number, itemNo: number, m: Omit<MarkRow, 'id' | 'review_id' | 'item_no'> | null): Promise<void> {
  await q('archive_review_marks').where({ review_id: reviewId, item_no: itemNo }).delete();
  if (m) await q('archive_review_marks').insert({ review_id: reviewId, item_no: itemNo, ...m, material_ids: JSON.stringify(m.material_ids) });
}

export interface EventRow {
  review_id: number;
  action: 'submit' | 'withdraw' | 'return' | 'confirm' | 'cancel' | 'detach';
  actor_id: number;
  at: string;
  note: string | null;
  score: number | null;
}

export async function insertEvent(q: Q, row: EventRow): Promise<void> {
  await q('archive_review_events').insert(row);
}

export async function events(q: Q, reviewId: number): Promise<Array<EventRow & { actor_name: string | null }>> {
  const rows = await q('archive_review_events as e').leftJoin('users as u', 'u.id', 'e.actor_id').where('e.review_id', reviewId).orderBy('e.id').select('e.*', 'u.display_name as actor_name');
  return rows.map((r: any) => ({ ...r, score: nullableNum(r.score) }));
}

/** The ids among `ids` that are materials of the archive (any revision: a finding may concern an older one). */
export async function materialsOfArchive(q: Q, archiveId: number, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await q('materials').where({ archive_id: archiveId }).whereIn('id', ids).select('id');
  return new Set(rows.map((r: any) => Number(r.id)));
}

/** Active holders of a role in exactly this org unit, by id. */
export async function activeRoleHolders(q: Q, role: string, orgUnitId: number): Promise<number[]> {
  return (await roleHolders(q, role, orgUnitId).orderBy('u.id').select('u.id')).map((r: any) => Number(r.id));
}

/** The org units above this one, nearest first. */
export async function unitsAbove(q: Q, orgUnitId: number): Promise<number[]> {
  const out: number[] = [];
  let parent = (await q('org_units').where({ id: orgUnitId }).first('parent_id'))?.parent_id ?? null;
  while (parent !== null && !out.includes(Number(parent))) {
    out.push(Number(parent));
    parent = (await q('org_units').where({ id: parent }).first('parent_id'))?.parent_id ?? null;
  }
  return out;
}
