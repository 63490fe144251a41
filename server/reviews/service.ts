// 专项审核 (DOMAIN.md §1.6, §6.6): an archive scored against the review standard (a version of it:
// standards.ts; version 1 is the Hebei system's 档案审核标准, 23 items and 100 points). A review is
// scored on the version it was opened on, whatever was published since: the newest then, or for a
// review made for a 专项审核工作 the campaign's (the one in force when the campaign opened). A member of the office that
// holds the archive opens a review and marks each item found wanting — points off, within the
// item's points, in half points, with what is wrong and the materials concerned; a failing 单项否决
// item is marked as a veto. The reviewer submits with an opinion; the score and the pass mark
// (REVIEW_PASS_SCORE, unverified local practice) are fixed then. The office's chief, not the
// reviewer (谁审核、谁负责, and a second pair of eyes), confirms — 合格 when no veto failed and the
// score reaches the pass mark, else 不合格 — or sends it back with a reason. A draft may be
// withdrawn by its reviewer or the chief. One open review per archive.
//
// 专项审核工作 (campaigns.ts): a review of an archive that an open campaign of the office lists is
// that campaign's work, however it was started — from the campaign's page (naming it) or from the
// archive's page (naming none: the server finds the campaign; an archive is in one open campaign at
// most) — and is scored on the campaign's version of the standard. Reviews under way when a campaign
// opens join it (campaigns.ts), and one made for no campaign joins when confirmed; in both cases only
// on the campaign's version (another version's score would not compare), and never once the
// campaign already counts the archive 合格 (a second look at a passed archive is its own).
//
// 回避 may leave a submission with nobody to confirm it: every chief of the office is the reviewer or
// must avoid the cadre (self, relative, avoidance list), or the office has no chief. As with a task
// nobody may work (task_unstaffed), the submission is still taken, the reviewer is told in the answer
// (`confirmable: false`), and the leaders above the office (auth_leader, who read its reviews:
// 分级负责) and the process administrators get `review_unstaffed` — the remedy is the security
// administrator giving 档案室负责人 to a colleague, who then confirms. Until someone decides, the
// reviewer may take the submission back (撤回提交: 待复核 → 审核中) and then withdraw the review, so it
// is never stuck with its author unable to act.
//
// Scope: reading, the caller's archive offices (custodianOffices: the office's staff, the leaders
// above) without the cadres the caller must avoid; writing, the staff of the office holding the
// archive. Everything else is an audited 404.
import type { Db, Q, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { AccessRules } from '../access/rules.ts';
import type { NotifyService } from '../notify/service.ts';
import type { ReviewCampaigns } from './campaigns.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as archiveStore from '../archives/archive-store.ts';
import { REVIEW_STATUSES, type ReviewStatus } from './codes.ts';
import { GONE } from '../archives/codes.ts';
import * as store from './store.ts';
import { beijingDay } from '../notify/beijing.ts';
import type { NamedReviewRow } from './store.ts';
import { passes, shownPercent } from './percent.ts';

type Action = 'mark' | 'submit' | 'withdraw' | 'cancel' | 'confirm' | 'return';

/** Points taken off and whether a veto item failed. */
const tally = (marks: Array<{ deduction: number; veto: boolean }>) => ({ deducted: marks.reduce((a, m) => a + m.deduction, 0), vetoed: marks.some((m) => m.veto) });
/** Drafts (and drafts given up) show the score as marked so far; submitted reviews the score fixed then. */
const liveScore = (status: ReviewStatus) => status === 'draft' || status === 'cancelled';

export class ArchiveReviews {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly access: AccessRules,
    private readonly notify: NotifyService,
    private readonly campaigns: ReviewCampaigns,
    private readonly passScore: number,
  ) {}

  private async deny(user: SessionUser, ip: string, action: string, object: { type: string; id?: number }, reason: string): Promise<never> {
    await this.audit.record(null, { actor: user, ip, action, objectType: object.type, objectId: object.id, outcome: 'denied', detail: { reason } });
    throw errors.notFound(object.type === 'archive' ? 'Archive' : 'Review');
  }

  /** The review if the caller reads it (one of their offices, no avoidance tie); else an audited 404. */
  private async readable(user: SessionUser, ip: string, id: number, action: string): Promise<NamedReviewRow> {
    const r = await store.namedReview(this.db, id);
    if (!r) return this.deny(user, ip, action, { type: 'archive_review', id }, 'absent');
    const relation = await this.access.relationTo(this.db, user.id, r.cadre_id);
    if (relation) return this.deny(user, ip, action, { type: 'archive_review', id }, relation);
    if (!(await this.access.custodianOffices(this.db, user)).includes(r.custodian_org_id)) return this.deny(user, ip, action, { type: 'archive_review', id }, 'out_of_scope');
    return r;
  }

  /** As readable, and the caller works in the office that holds the archive. */
  private async writable(user: SessionUser, ip: string, id: number, action: string): Promise<NamedReviewRow> {
    const r = await this.readable(user, ip, id, action);
    if (r.custodian_org_id !== user.orgUnitId) return this.deny(user, ip, action, { type: 'archive_review', id }, 'not_office_staff');
    return r;
  }

  async start(user: SessionUser, ip: string, body: { archiveId: number; campaignId?: number }) {
    // The register record answers for an archive that has left: refused below as 'archive_gone'.
    const check = await this.access.checkArchive(this.db, user, body.archiveId, { register: true });
    const archive = await archiveStore.findArchive(this.db, body.archiveId);
    if (!check.ok || check.via !== 'custody' || archive?.custodian_org_id !== user.orgUnitId) {
      return this.deny(user, ip, 'review.start', { type: 'archive', id: body.archiveId }, check.ok ? 'not_office_staff' : check.reason);
    }
    const made = await this.db.transaction(async (trx): Promise<{ id: number } | { open: store.ReviewRow; adopted: boolean; campaignId: number | null }> => {
      const locked = (await archiveStore.lockArchive(trx, body.archiveId))!;
      if (GONE.includes(locked.status)) throw errors.rule('archive_gone', '该档案已转出或移交，不能审核 / The archive is no longer held here', { status: locked.status });
      // A campaign's reviews are scored on its version of the standard; others on the newest. Named
      // or not, a review of an archive that an open campaign of the office lists (and does not yet
      // count 合格) is made for it: the archive page's 开始专项审核 counts for the campaign too.
      const campaign =
        body.campaignId !== undefined
          ? { id: body.campaignId, version: await this.campaigns.assertOpenFor(trx, body.campaignId, body.archiveId, locked.custodian_org_id) }
          : await this.campaigns.joinable(trx, locked.custodian_org_id, body.archiveId, null);
      const open = await store.openReviewOf(trx, body.archiveId);
      if (open) {
        // A review under way made for no campaign becomes the campaign's: the same work, counted
        // there — when it is scored on the campaign's version of the standard.
        const adopt = campaign !== null && open.campaign_id === null && open.standard_version === campaign.version;
        if (adopt) {
          await store.updateReview(trx, open.id, { campaign_id: campaign.id });
          await this.audit.record(trx, { actor: user, ip, action: 'review.adopt', objectType: 'archive_review', objectId: open.id, detail: { campaign: campaign.id } });
        }
        return { open, adopted: adopt, campaignId: adopt ? campaign.id : open.campaign_id };
      }
      const standardVersion = campaign?.version ?? (await store.currentVersion(trx));
      const newId = await store.insertReview(trx, { archive_id: body.archiveId, custodian_org_id: locked.custodian_org_id, reviewer_id: user.id, started_at: iso(this.clock.now()), campaign_id: campaign?.id ?? null, standard_version: standardVersion });
      await this.audit.record(trx, { actor: user, ip, action: 'review.start', objectType: 'archive_review', objectId: newId, detail: { archive: body.archiveId, campaign: campaign?.id ?? null, campaignNamed: body.campaignId !== undefined } });
      return { id: newId };
    });
    if ('open' in made) {
      throw errors.conflict('REVIEW_OPEN', `该档案已有进行中的审核（${REVIEW_STATUSES[made.open.status].zh}） / The archive already has a review under way`, {
        id: made.open.id,
        adopted: made.adopted,
        campaignId: made.campaignId,
        standardVersion: made.open.standard_version,
      });
    }
    return this.answer(user, made.id);
  }

  async list(user: SessionUser, ip: string, f: { archiveId?: number; custodianOrgId?: number; status?: ReviewStatus; result?: 'passed' | 'failed'; q?: string; campaignId?: number; offset: number; limit: number }) {
    const offices = await this.access.custodianOffices(this.db, user);
    if (f.custodianOrgId !== undefined && !offices.includes(f.custodianOrgId)) throw errors.notFound('Archive office');
    const excludedCadreIds = await this.access.excludedCadreIds(this.db, user.id);
    const scope = f.custodianOrgId !== undefined ? [f.custodianOrgId] : offices;
    const { total, rows } = await store.listReviews(this.db, { offices: scope, excludedCadreIds, archiveId: f.archiveId, status: f.status, result: f.result, q: f.q, campaignId: f.campaignId }, f);
    await this.audit.record(null, { actor: user, ip, action: 'review.list', objectType: 'archive_review', detail: { total, returned: rows.length } });
    const points = total ? await store.maxScores(this.db) : new Map<number, number>();
    // The live score of every draft on the page in one query, not one per row.
    const live = await store.tallies(this.db, rows.filter((r) => liveScore(r.status)).map((r) => r.id));
    return { total, items: rows.map((r) => this.summary(r, points.get(r.standard_version) ?? 0, live.get(r.id) ?? null)) };
  }

  /** Counts for the 工作台 (no cadre named, so not audited, like the 督办 counts). */
  async counts(user: SessionUser) {
    const excluded = await this.access.excludedCadreIds(this.db, user.id);
    return store.counts(this.db, { id: user.id, orgUnitId: user.orgUnitId, chief: user.roles.includes('archive_chief') }, excluded);
  }

  /**
   * Reviews 待复核 of the caller's office (a chief's): those he may confirm (`me`, what the 工作台
   * tile counts) or all of them (`office`, for 督办), the longest waiting first. The archive's number,
   * never the cadre's name: not audited, like the counts. Not tasks of the engine: a review is no
   * process, only the chief's work.
   */
  async awaiting(user: SessionUser, f: { for: 'me' | 'office'; offset: number; limit: number }) {
    const excludedCadreIds = await this.access.excludedCadreIds(this.db, user.id);
    const { total, rows } = await store.awaiting(this.db, { officeId: user.orgUnitId, excludedCadreIds, notBy: f.for === 'me' ? user.id : undefined }, f);
    const points = rows.length ? await store.maxScores(this.db) : new Map<number, number>();
    const today = Date.parse(beijingDay(this.clock.now()));
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        archiveNo: r.archive_no,
        reviewerName: r.reviewer_name,
        submittedAt: r.submitted_at,
        waitingDays: Math.max(0, Math.round((today - Date.parse(beijingDay(new Date(r.submitted_at)))) / 86_400_000)),
        // Out of 100, as 统计分析 counts it and the pass mark reads (percent.ts): a version published
        // before totals were held to 100 (87 of 147) shows 59.1, not 87 that would look like a pass.
        score: shownPercent(r.score, points.get(r.standard_version)),
        passScore: r.pass_score,
        vetoed: r.vetoed,
        campaignTitle: r.campaign_title,
        confirmable: r.reviewer_id !== user.id,
      })),
    };
  }

  async get(user: SessionUser, ip: string, id: number) {
    await this.readable(user, ip, id, 'review.view');
    await this.audit.record(null, { actor: user, ip, action: 'review.view', objectType: 'archive_review', objectId: id });
    return this.answer(user, id);
  }

  /**
   * Marks an item of the standard: points off (within the item's points), a veto (单项否决 items
   * only), what is wrong and the materials concerned. No deduction and no veto clears the mark.
   */
  async mark(user: SessionUser, ip: string, id: number, itemNo: number, body: { deduction: number; veto: boolean; note: string; materialIds: number[] }) {
    await this.writable(user, ip, id, 'review.mark');
    await this.db.transaction(async (trx) => {
      const r = await this.lockFor(trx, id, 'draft');
      if (r.reviewer_id !== user.id) throw errors.forbidden('只有审核人可以评分 / Only the reviewer marks the items');
      const item = (await store.standard(trx, r.standard_version)).find((i) => i.no === itemNo);
      if (!item) throw errors.notFound('Review item');
      if (body.deduction > item.max_score) throw errors.rule('deduction_max', `第 ${itemNo} 项最多扣 ${item.max_score} 分 / Item ${itemNo} is worth ${item.max_score} ${item.max_score === 1 ? 'point' : 'points'}`, { maxScore: item.max_score });
      if (body.veto && !item.veto) throw errors.rule('not_veto_item', `第 ${itemNo} 项不是单项否决项 / Item ${itemNo} is not a veto item`);
      const materialIds = [...new Set(body.materialIds)];
      const known = await store.materialsOfArchive(trx, r.archive_id, materialIds);
      const foreign = materialIds.filter((m) => !known.has(m));
      if (foreign.length) throw errors.rule('material_not_in_archive', '所选材料不属于该档案 / Materials not in this archive', { materialIds: foreign });
      const clear = body.deduction === 0 && !body.veto;
      await store.setMark(trx, id, itemNo, clear ? null : { deduction: body.deduction, veto: body.veto, note: body.note, material_ids: materialIds, marked_by: user.id, marked_at: iso(this.clock.now()) });
      await this.audit.record(trx, { actor: user, ip, action: 'review.mark', objectType: 'archive_review', objectId: id, detail: { item: itemNo, deduction: body.deduction, veto: body.veto } });
    });
    return this.answer(user, id);
  }

  /** The reviewer submits with an opinion; the score, the veto and the pass mark are fixed now. */
  async submit(user: SessionUser, ip: string, id: number, body: { summary: string }) {
    const named = await this.writable(user, ip, id, 'review.submit');
    await this.db.transaction(async (trx) => {
      const r = await this.lockFor(trx, id, 'draft');
      if (r.reviewer_id !== user.id) throw errors.forbidden('只有审核人可以提交 / Only the reviewer submits');
      const { deducted, vetoed } = (await store.tallies(trx, [id])).get(id)!;
      const score = store.totalPoints(await store.standard(trx, r.standard_version)) - deducted;
      const at = iso(this.clock.now());
      await store.updateReview(trx, id, { status: 'submitted', submitted_at: at, summary: body.summary, score, vetoed, pass_score: this.passScore });
      await store.insertEvent(trx, { review_id: id, action: 'submit', actor_id: user.id, at, note: body.summary, score });
      await this.audit.record(trx, { actor: user, ip, action: 'review.submit', objectType: 'archive_review', objectId: id, detail: { score, vetoed } });
      // The office's chiefs who may confirm it hear of it — not its reviewer (谁审核、谁负责: he may
      // not confirm his own), not one tied to the cadre; the archive number, never the cadre's name.
      const confirmers = await this.confirmers(trx, r, named.cadre_id);
      if (confirmers.length) {
        await this.notify.notify(trx, {
          event: 'review_submitted',
          recipients: confirmers.map((userId) => ({ userId })),
          vars: { caseRef: named.archive_no, reviewerName: user.displayName },
          link: { review: id },
          avoidCadreId: named.cadre_id,
          key: `review:${id}:submitted:${at}`,
        });
      } else await this.onUnstaffed(trx, named, at);
    });
    return this.answer(user, id);
  }

  /** The office's chiefs who may confirm the review: active, not its reviewer, not tied to the cadre. */
  private async confirmers(q: Q, r: { custodian_org_id: number; reviewer_id: number }, cadreId: number): Promise<number[]> {
    const out: number[] = [];
    for (const id of await store.activeRoleHolders(q, 'archive_chief', r.custodian_org_id)) {
      if (id !== r.reviewer_id && !(await this.access.relationTo(q, id, cadreId))) out.push(id);
    }
    return out;
  }

  /**
   * Nobody in the office may confirm: the leaders above the office (auth_leader of the units it
   * belongs to, who read its reviews) and the process administrators are told, as for a task nobody
   * may work. The archive's number and the office, never the cadre; a leader tied to the cadre is not told.
   */
  private async onUnstaffed(trx: Trx, r: NamedReviewRow, at: string): Promise<void> {
    const notice = { event: 'review_unstaffed' as const, vars: { caseRef: r.archive_no, orgName: r.office_name }, avoidCadreId: r.cadre_id };
    const above = await store.unitsAbove(trx, r.custodian_org_id);
    if (above.length) {
      await this.notify.notify(trx, { ...notice, recipients: above.map((orgUnitId) => ({ role: 'auth_leader', orgUnitId })), link: { review: r.id }, key: `review:${r.id}:unstaffed:${at}:leaders` });
    }
    await this.notify.notify(trx, { ...notice, recipients: [{ role: 'process_admin', orgUnitId: null }], link: { inbox: true }, key: `review:${r.id}:unstaffed:${at}:admins` });
  }

  /** 撤回提交: the reviewer takes back a submission nobody has decided yet (待复核 → 审核中), with a reason. */
  async withdraw(user: SessionUser, ip: string, id: number, body: { reason: string }) {
    await this.writable(user, ip, id, 'review.withdraw');
    await this.db.transaction(async (trx) => {
      const r = await this.lockFor(trx, id, 'submitted');
      if (r.reviewer_id !== user.id) throw errors.forbidden('只有审核人可以撤回提交 / Only the reviewer takes a submission back');
      const at = iso(this.clock.now());
      await store.updateReview(trx, id, { status: 'draft', submitted_at: null });
      await store.insertEvent(trx, { review_id: id, action: 'withdraw', actor_id: user.id, at, note: body.reason, score: null });
      await this.audit.record(trx, { actor: user, ip, action: 'review.withdraw', objectType: 'archive_review', objectId: id });
    });
    return this.answer(user, id);
  }

  /** The office's chief, not the reviewer, confirms the score (合格/不合格) or sends it back with a reason. */
  async decide(user: SessionUser, ip: string, id: number, body: { decision: 'confirm' | 'return'; note: string }) {
    const named = await this.writable(user, ip, id, 'review.decide');
    await this.db.transaction(async (trx) => {
      const r = await this.lockFor(trx, id, 'submitted');
      if (r.reviewer_id === user.id) {
        throw errors.rule(
          'four_eyes',
          body.decision === 'confirm' ? '审核人不能认定自己的审核 / The reviewer cannot confirm their own review' : '审核人不能退回自己的审核 / The reviewer cannot send back their own review',
        );
      }
      const decided = { decided_by: user.id, decided_at: iso(this.clock.now()), decision_note: body.note || null };
      await store.insertEvent(trx, { review_id: id, action: body.decision, actor_id: user.id, at: decided.decided_at, note: decided.decision_note, score: body.decision === 'confirm' ? r.score : null });
      if (body.decision === 'confirm') {
        // The pass mark is out of 100 (满分 100 分); a version published before totals were held to 100
        // (standards.ts) is read in percent of its own total, so 87 of 147 (59 %) does not pass 80.
        const total = store.totalPoints(await store.standard(trx, r.standard_version));
        const passed = passes(r.score!, total, r.pass_score!, !!r.vetoed);
        // Made for no campaign, while an open one lists the archive on the same version: it counts there.
        const joins = r.campaign_id === null ? await this.campaigns.joinable(trx, r.custodian_org_id, r.archive_id, r.standard_version) : null;
        if (joins) await this.audit.record(trx, { actor: user, ip, action: 'review.adopt', objectType: 'archive_review', objectId: id, detail: { campaign: joins.id } });
        await store.updateReview(trx, id, { ...decided, status: 'confirmed', passed, ...(joins ? { campaign_id: joins.id } : {}) });
        await this.audit.record(trx, { actor: user, ip, action: 'review.confirm', objectType: 'archive_review', objectId: id, detail: { score: r.score, vetoed: r.vetoed, passed } });
      } else {
        // Back to the reviewer: the submission's time goes (the history keeps it), the reason stays on show.
        await store.updateReview(trx, id, { ...decided, status: 'draft', returns: r.returns + 1, submitted_at: null });
        await this.audit.record(trx, { actor: user, ip, action: 'review.return', objectType: 'archive_review', objectId: id });
        await this.notify.notify(trx, {
          event: 'review_returned',
          recipients: [{ userId: r.reviewer_id }],
          vars: { caseRef: named.archive_no, chiefName: user.displayName },
          link: { review: id },
          avoidCadreId: named.cadre_id,
          key: `review:${id}:returned:${r.returns + 1}`,
        });
      }
    });
    return this.answer(user, id);
  }

  /**
   * A draft given up, by its reviewer or the office's chief, with a reason; the archive is free for a
   * new review. Withdrawn by the chief, the reviewer is told (review_cancelled), as of a return.
   */
  async cancel(user: SessionUser, ip: string, id: number, body: { reason: string }) {
    const named = await this.writable(user, ip, id, 'review.cancel');
    await this.db.transaction(async (trx) => {
      const r = await this.lockFor(trx, id, 'draft');
      if (r.reviewer_id !== user.id && !user.roles.includes('archive_chief')) throw errors.forbidden('只有审核人或档案室负责人可以撤销 / Only the reviewer or the chief withdraws a review');
      const at = iso(this.clock.now());
      await store.updateReview(trx, id, { status: 'cancelled', decided_by: user.id, decided_at: at, decision_note: body.reason });
      await store.insertEvent(trx, { review_id: id, action: 'cancel', actor_id: user.id, at, note: body.reason, score: null });
      await this.audit.record(trx, { actor: user, ip, action: 'review.cancel', objectType: 'archive_review', objectId: id });
      if (r.reviewer_id !== user.id) {
        await this.notify.notify(trx, {
          event: 'review_cancelled',
          recipients: [{ userId: r.reviewer_id }],
          vars: { caseRef: named.archive_no, chiefName: user.displayName },
          link: { review: id },
          avoidCadreId: named.cadre_id,
          key: `review:${id}:cancelled`,
        });
      }
    });
    return this.answer(user, id);
  }

  private async lockFor(trx: Q, id: number, status: ReviewStatus) {
    const r = (await store.lockReview(trx, id))!;
    if (r.status !== status) throw errors.conflict('REVIEW_STATE', `该审核当前为“${REVIEW_STATUSES[r.status].zh}” / The review is ${REVIEW_STATUSES[r.status].en.toLowerCase()}`, { status: r.status });
    return r;
  }

  private summary(r: NamedReviewRow, maxScore: number, live: { deducted: number; vetoed: boolean } | null) {
    return {
      id: r.id,
      archiveId: r.archive_id,
      archiveNo: r.archive_no,
      cadreId: r.cadre_id,
      cadreName: r.cadre_name,
      custodianOrgId: r.custodian_org_id,
      officeName: r.office_name,
      status: r.status,
      statusLabel: REVIEW_STATUSES[r.status].zh,
      reviewerId: r.reviewer_id,
      reviewerName: r.reviewer_name,
      startedAt: r.started_at,
      submittedAt: r.submitted_at,
      score: live ? maxScore - live.deducted : r.score!,
      maxScore,
      // The score out of 100 as 待复核 and 统计分析 show it and the pass mark reads (percent.ts).
      percent: shownPercent(live ? maxScore - live.deducted : r.score!, maxScore),
      vetoed: live ? live.vetoed : !!r.vetoed,
      passScore: r.pass_score ?? this.passScore,
      passed: r.status === 'confirmed' ? r.passed : null,
      decidedByName: r.decided_by_name,
      decidedAt: r.decided_at,
      decisionNote: r.decision_note,
      returns: r.returns,
      campaignId: r.campaign_id,
      campaignTitle: r.campaign_title,
      standardVersion: r.standard_version,
    };
  }

  /** The review as the caller sees it: the standard with each item's mark, and what the caller may do. */
  private async answer(user: SessionUser, id: number) {
    const r = (await store.namedReview(this.db, id))!;
    const standard = await store.standard(this.db, r.standard_version);
    const marks = new Map((await store.marks(this.db, id)).map((m) => [m.item_no, m]));
    const history = await store.events(this.db, id);
    const maxScore = store.totalPoints(standard);
    const live = liveScore(r.status) ? tally([...marks.values()]) : null;
    const staff = r.custodian_org_id === user.orgUnitId;
    const actions: Action[] = [];
    if (staff && r.status === 'draft' && r.reviewer_id === user.id) actions.push('mark', 'submit');
    if (staff && r.status === 'draft' && (r.reviewer_id === user.id || user.roles.includes('archive_chief'))) actions.push('cancel');
    if (staff && r.status === 'submitted' && r.reviewer_id === user.id) actions.push('withdraw');
    if (staff && r.status === 'submitted' && r.reviewer_id !== user.id && user.roles.includes('archive_chief')) actions.push('confirm', 'return');
    return {
      ...this.summary(r, maxScore, live),
      confirmable: r.status === 'submitted' ? (await this.confirmers(this.db, r, r.cadre_id)).length > 0 : null,
      summary: r.summary,
      items: standard.map((i) => {
        const m = marks.get(i.no);
        return {
          no: i.no,
          criterion: i.criterion,
          deductionRule: i.deduction_rule,
          maxScore: i.max_score,
          veto: i.veto,
          categoryCodes: i.category_codes,
          mark: m ? { deduction: m.deduction, veto: m.veto, note: m.note, materialIds: m.material_ids, markedByName: m.marked_by_name, markedAt: m.marked_at } : null,
        };
      }),
      actions,
      history: history.map((e) => ({ action: e.action, actorName: e.actor_name, at: e.at, note: e.note, score: e.score })),
    };
  }
}
