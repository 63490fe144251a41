// 专项审核工作 (review campaigns, DOMAIN.md §6.6 "Related"): the office's chief opens a campaign — a
// title, the management levels it covers (or every archive), the day by which the reviews are to be
// confirmed. It lists the archives the office holds at that moment; each review of them started
// while it is open is made for it (ArchiveReviews.start), reviews under way on its version of the
// standard join it when it opens, and the campaign shows, archive by archive, how far the
// work has come: 未开始, 审核中, 待复核, 合格, 不合格. Its due day is a 督办 row. The chief closes it,
// with a note when archives are left unconfirmed. An archive is in one open campaign at most: a
// second one over any of the same archives is refused (409 CAMPAIGN_OPEN, naming the first), checked
// under a lock on the office so that two requests at once cannot both pass.
//
// Decision: a campaign's figures are fixed when it closes. Its reviews still under way (审核中,
// 待复核) leave it then and continue as ordinary reviews — the reviewer's marks are kept, the review
// can still be submitted, returned and confirmed, and its history says it left the campaign — so
// nothing confirmed after the close changes the campaign's progress, its close note or its 督办 row.
//
// Scope: like 库房核对 — the caller's offices read (the leaders above too); the office's chief
// opens and closes. A cadre the caller must avoid is not listed to that caller, and still counts.
import type { Db, Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { AccessRules } from '../access/rules.ts';
import type { DeadlineService } from '../deadlines/service.ts';
import type { SessionUser } from '../people/sessions.ts';
import { beijingDay } from '../notify/beijing.ts';
import { addCalendarDays } from '../materials/deps.ts';
import * as people from '../people/store.ts';
import { GONE, MANAGEMENT_LEVELS, type ManagementLevel } from '../archives/codes.ts';
import { CAMPAIGN_ITEM_STATES, OPEN_REVIEW, REVIEW_STATUSES, type CampaignItemState, type OutsideReason, type ReviewStatus } from './codes.ts';
import * as store from './campaign-store.ts';
import * as reviewStore from './store.ts';
import type { CampaignRow, ItemRow, NamedCampaignRow } from './campaign-store.ts';

/** The latest due day a campaign may name: three years ahead. */
const MAX_DAYS = 3 * 366;

/** Where an archive stands by the status and result of its newest review for the campaign (none: not started). */
const stateFrom = (status: string | null, passed: boolean | null): CampaignItemState =>
  status === null ? 'not_started' : status === 'confirmed' ? (passed ? 'passed' : 'failed') : (status as CampaignItemState);
const stateOf = (i: ItemRow): CampaignItemState => stateFrom(i.review_status, i.passed);

/** The progress from the database's counts (store.stateCounts). */
export function progressOf(counts: Array<{ status: string | null; passed: boolean | null; n: number }>) {
  const byState = Object.fromEntries(Object.keys(CAMPAIGN_ITEM_STATES).map((s) => [s, 0])) as Record<CampaignItemState, number>;
  for (const c of counts) byState[stateFrom(c.status, c.passed)] += c.n;
  const total = counts.reduce((a, c) => a + c.n, 0);
  return { total, confirmed: byState.passed + byState.failed, byState };
}

export class ReviewCampaigns {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly access: AccessRules,
    private readonly deadlines: DeadlineService,
  ) {}

  /** The campaign if one of the caller's offices runs it; else an audited 404. */
  private async readable(user: SessionUser, ip: string, id: number, action: string): Promise<NamedCampaignRow> {
    const [c] = await store.namedCampaigns(this.db, { id });
    if (c && (await this.access.custodianOffices(this.db, user)).includes(c.custodian_org_id)) return c;
    await this.audit.record(null, { actor: user, ip, action, objectType: 'review_campaign', objectId: id, outcome: 'denied', detail: { reason: c ? 'out_of_scope' : 'absent' } });
    throw errors.notFound('Review campaign');
  }

  private dto(c: NamedCampaignRow, counts: Parameters<typeof progressOf>[0], today: string, user: SessionUser) {
    const progress = progressOf(counts);
    // What the caller may do: the office's staff start reviews for an open campaign; its chief closes it.
    const staff = c.status === 'open' && c.custodian_org_id === user.orgUnitId;
    const actions: Array<'start_review' | 'close'> = [];
    if (staff && user.roles.some((r) => r === 'archivist' || r === 'archive_chief')) actions.push('start_review');
    if (staff && user.roles.includes('archive_chief')) actions.push('close');
    return {
      id: c.id,
      custodianOrgId: c.custodian_org_id,
      officeName: c.office_name,
      title: c.title,
      managementLevels: c.management_levels as ManagementLevel[],
      dueDate: c.due_date,
      overdue: c.status === 'open' && today > c.due_date && progress.confirmed < progress.total,
      status: c.status,
      startedAt: c.started_at,
      startedByName: c.started_by_name,
      closedAt: c.closed_at,
      closedByName: c.closed_by_name,
      closeNote: c.close_note,
      standardVersion: c.standard_version,
      progress,
      actions,
    };
  }

  async start(user: SessionUser, ip: string, body: { title: string; managementLevels: ManagementLevel[]; dueDate: string }) {
    const office = await people.findOrgUnit(this.db, user.orgUnitId);
    if (!office?.is_custodian) {
      await this.audit.record(null, { actor: user, ip, action: 'review_campaign.start', objectType: 'org_unit', objectId: user.orgUnitId, outcome: 'denied', detail: { reason: 'not_an_archive_office' } });
      throw errors.notFound('Archive office');
    }
    const today = beijingDay(this.clock.now());
    const latest = addCalendarDays(today, MAX_DAYS);
    if (body.dueDate < today || body.dueDate > latest) {
      throw errors.rule('due_date', `完成日期须在 ${today} 至 ${latest} 之间 / The due day must lie between ${today} and ${latest}`, { earliest: today, latest });
    }
    const levels = [...new Set(body.managementLevels)];
    const id = await this.db.transaction(async (trx) => {
      const now = iso(this.clock.now());
      await store.lockOffice(trx, office.id);
      const version = await reviewStore.currentVersion(trx);
      const made = await store.insertCampaign(
        trx,
        { custodian_org_id: office.id, title: body.title, management_levels: levels, due_date: body.dueDate, started_by: user.id, started_at: now, standard_version: version },
        GONE,
      );
      if (made.overlapping) {
        const o = made.overlapping;
        throw errors.conflict('CAMPAIGN_OPEN', `本室进行中的专项审核工作“${o.title}”（第 ${o.id} 号）已包含其中 ${o.shared} 卷档案，请在其中审核或先结束该工作 / The open campaign “${o.title}” (no. ${o.id}) already lists ${o.shared} of these archives: review them there, or close it first`, { campaignId: o.id, title: o.title, shared: o.shared });
      }
      if (!made.archives) {
        throw errors.rule('campaign_empty', '本室没有符合条件的在管档案 / The office holds no archive of these management levels', { managementLevels: levels });
      }
      const deadline = await this.deadlines.openDeadline(trx, {
        kind: 'review_campaign',
        subject: { code: 'review_campaign', params: { title: body.title, count: made.archives } },
        // No case: the ref names the campaign, so that the 督办 list can lead to it.
        ref: String(made.id),
        dueAt: body.dueDate,
        orgUnitId: office.id,
        custodianOrgId: office.id,
      });
      await store.updateCampaign(trx, made.id, { deadline_id: deadline.id });
      // Reviews of its archives already under way on its version of the standard are its work too.
      const adopted = await store.adoptOpenReviews(trx, made.id, version, OPEN_REVIEW);
      await this.audit.record(trx, { actor: user, ip, action: 'review_campaign.start', objectType: 'review_campaign', objectId: made.id, detail: { archives: made.archives, managementLevels: levels, dueDate: body.dueDate, adoptedReviews: adopted } });
      return made.id;
    });
    return this.get(user, ip, id);
  }

  async list(user: SessionUser, ip: string, f: { custodianOrgId?: number; archiveId?: number }) {
    const offices = await this.access.custodianOffices(this.db, user);
    if (f.custodianOrgId !== undefined && !offices.includes(f.custodianOrgId)) throw errors.notFound('Archive office');
    // The campaigns listing an archive (its page): none for a cadre the caller must avoid.
    const avoided = f.archiveId !== undefined && (await this.access.excludedCadreIds(this.db, user.id)).includes((await this.db('archives').where({ id: f.archiveId }).first('cadre_id'))?.cadre_id);
    const rows = avoided ? [] : await store.namedCampaigns(this.db, { offices: f.custodianOrgId !== undefined ? [f.custodianOrgId] : offices, archiveId: f.archiveId });
    const counts = await store.stateCounts(this.db, rows.map((r) => r.id));
    await this.audit.record(null, { actor: user, ip, action: 'review_campaign.list', objectType: 'review_campaign', detail: { returned: rows.length } });
    const today = beijingDay(this.clock.now());
    return { items: rows.map((r) => this.dto(r, counts.get(r.id)!, today, user)) };
  }

  async get(user: SessionUser, ip: string, id: number) {
    const c = await this.readable(user, ip, id, 'review_campaign.view');
    const counts = await store.stateCounts(this.db, [id]);
    await this.audit.record(null, { actor: user, ip, action: 'review_campaign.view', objectType: 'review_campaign', objectId: id });
    return this.dto(c, counts.get(id)!, beijingDay(this.clock.now()), user);
  }

  /** The campaign's archives with the state of each one's review, without the cadres the caller must avoid. */
  async items(user: SessionUser, ip: string, id: number, f: { state?: CampaignItemState; q?: string; offset: number; limit: number }) {
    const c = await this.readable(user, ip, id, 'review_campaign.view');
    const excluded = await this.access.excludedCadreIds(this.db, user.id);
    const all = await store.itemsWithReviews(this.db, id, excluded);
    const text = f.q?.toLowerCase();
    const matching = all.filter((i) => (!f.state || stateOf(i) === f.state) && (!text || i.archive_no.toLowerCase().includes(text) || i.cadre_name.includes(f.q!)));
    await this.audit.record(null, { actor: user, ip, action: 'review_campaign.items', objectType: 'review_campaign', objectId: id, detail: { total: matching.length } });
    const points = await reviewStore.maxScores(this.db);
    const page = matching.slice(f.offset, f.offset + f.limit);
    const outside = await store.outsideReviews(this.db, id, page.map((i) => i.archive_id), c.started_at, OPEN_REVIEW);
    return {
      total: matching.length,
      maxScore: points.get(c.standard_version) ?? 0,
      items: page.map((i) => ({
        archiveId: i.archive_id,
        archiveNo: i.archive_no,
        cadreId: i.cadre_id,
        cadreName: i.cadre_name,
        managementLevel: i.management_level,
        managementLevelLabel: MANAGEMENT_LEVELS[i.management_level as ManagementLevel]?.zh ?? i.management_level,
        state: stateOf(i),
        stateLabel: CAMPAIGN_ITEM_STATES[stateOf(i)].zh,
        reviewId: i.review_id,
        score: i.score,
        vetoed: i.vetoed,
        passed: i.review_status === 'confirmed' ? i.passed : null,
        maxScore: i.standard_version === null ? null : (points.get(i.standard_version) ?? null),
        outside: this.outsideDto(outside.get(i.archive_id), c, stateOf(i)),
      })),
    };
  }

  /** The chief closes the campaign; archives left unconfirmed need a note saying why. Its 督办 row closes. */
  async close(user: SessionUser, ip: string, id: number, body: { note?: string }) {
    const c = await this.readable(user, ip, id, 'review_campaign.close');
    if (c.custodian_org_id !== user.orgUnitId) {
      await this.audit.record(null, { actor: user, ip, action: 'review_campaign.close', objectType: 'review_campaign', objectId: id, outcome: 'denied', detail: { reason: 'not_office_staff' } });
      throw errors.notFound('Review campaign');
    }
    await this.db.transaction(async (trx) => {
      const locked = (await store.lockCampaign(trx, id))!;
      if (locked.status !== 'open') throw errors.conflict('CAMPAIGN_CLOSED', '该专项审核工作已结束 / The campaign is closed');
      // Its figures are fixed now: the reviews still under way leave it and continue as ordinary
      // reviews (the reviewers' work is kept and can still be submitted and confirmed); each one's
      // history says so. Counted after they left, as the campaign will show from now on.
      const at = iso(this.clock.now());
      const detached = await store.detachOpenReviews(trx, id, OPEN_REVIEW);
      for (const reviewId of detached) await reviewStore.insertEvent(trx, { review_id: reviewId, action: 'detach', actor_id: user.id, at, note: locked.title, score: null });
      const { total, confirmed } = progressOf((await store.stateCounts(trx, [id])).get(id)!);
      const note = body.note?.trim() || null;
      if (confirmed < total && !note) {
        throw errors.validation([{ field: 'note', message: `还有 ${total - confirmed} 份档案未认定，结束须写明原因 / ${total - confirmed} archives are not confirmed; say why` }]);
      }
      await store.updateCampaign(trx, id, { status: 'closed', closed_by: user.id, closed_at: at, close_note: note });
      if (locked.deadline_id) await this.deadlines.closeDeadline(trx, { id: locked.deadline_id }, confirmed < total ? 'cancelled' : 'closed');
      await this.audit.record(trx, { actor: user, ip, action: 'review_campaign.close', objectType: 'review_campaign', objectId: id, detail: { total, confirmed, detachedReviews: detached } });
    });
    return this.get(user, ip, id);
  }

  /**
   * A review of the archive the campaign does not count, and why: made for another campaign, scored
   * on another version of the standard, going on (or confirmed) after this campaign closed — its
   * reviews under way leave it then — or a second look at an archive it already counts 合格.
   */
  private outsideDto(o: store.OutsideReview | undefined, c: CampaignRow, state: CampaignItemState) {
    if (!o) return null;
    const status = o.status as ReviewStatus;
    const reason: OutsideReason =
      o.campaign_id !== null
        ? 'other_campaign'
        : o.standard_version !== c.standard_version
          ? 'other_version'
          : c.status === 'closed' && c.closed_at !== null && (OPEN_REVIEW.includes(status) || (o.decided_at ?? '') >= c.closed_at)
            ? 'after_close'
            : state === 'passed'
              ? 'passed_again'
              : 'other';
    return {
      reviewId: o.id,
      status,
      statusLabel: REVIEW_STATUSES[status]?.zh ?? status,
      passed: status === 'confirmed' ? o.passed : null,
      standardVersion: o.standard_version,
      campaignId: o.campaign_id,
      campaignTitle: o.campaign_title,
      reason,
    };
  }

  /**
   * The open campaign of the office that a review of the archive on `version` joins (ArchiveReviews:
   * started without naming one, or confirmed while made for none): the one listing the archive, on
   * that version of the standard, unless it already counts the archive 合格. An archive is in one
   * open campaign at most (409 CAMPAIGN_OPEN), so there is no choice to make. `version` null: any
   * (a review about to start takes the campaign's).
   */
  async joinable(trx: Q, officeId: number, archiveId: number, version: number | null): Promise<{ id: number; title: string; version: number } | null> {
    const c = await store.openCampaignListing(trx, officeId, archiveId);
    if (!c || c.passed || (version !== null && version !== c.standard_version)) return null;
    return { id: c.id, title: c.title, version: c.standard_version };
  }

  /** Refuses a review for a campaign that is closed, of another office or without the archive; else the campaign's 审核标准 version. */
  async assertOpenFor(trx: Q, campaignId: number, archiveId: number, officeId: number): Promise<number> {
    const c = await store.lockCampaign(trx, campaignId);
    if (!c || c.custodian_org_id !== officeId) throw errors.rule('not_in_campaign', '该档案不在此专项审核工作中 / The archive is not in this campaign', { campaignId });
    if (c.status !== 'open') throw errors.conflict('CAMPAIGN_CLOSED', '该专项审核工作已结束 / The campaign is closed');
    if (!(await store.hasItem(trx, campaignId, archiveId))) throw errors.rule('not_in_campaign', '该档案不在此专项审核工作中 / The archive is not in this campaign', { campaignId });
    return c.standard_version;
  }
}
