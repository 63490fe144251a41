// The engine services of 查阅/借阅 (processes/borrowing.bpmn) up to the loan: the start check,
// the approved categories, approval and rejection, electronic viewing (grants per applicant for the
// approved categories inside the window, revoked when the reader ends or the window runs out) and
// on-site reading; each use ends with its 查阅登记簿 entry. The loan steps are in loans.ts.
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { ServiceContext, ServiceRegistry } from '../engine/types.ts';
import { categoryCovered } from '../access/rules.ts';
import { formatInstant } from '../notify/beijing.ts';
import { caseVars } from '../notify/notices.ts';
import type { NotifyService } from '../notify/service.ts';
import * as notifyStore from '../notify/store.ts';
import { oneLine } from '../notify/templates.ts';
import * as accessStore from '../access/store.ts';
import type { RequestDeps } from './deps.ts';
import { checkApplicants, checkCategories, checkPurpose, checkRelations, fileRequest, jsonList, resolveTarget, type Applicant } from './checks.ts';
import { checkElectronicReadable, electronicGrantable, readableCategories } from './digitisation.ts';
import { assertOnShelf, assertStillHeld } from './availability.ts';
import { APPROVERS_WORDS_END, beijingDay, beijingTime, durationUntil, endOfBeijingDay, isDay, MODES, plannedDayPassed, plusDays, requestOf, short, startOfBeijingDay, today } from './kit.ts';
import * as store from './store.ts';
import type { RequestRow } from './store.ts';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** Whole days from a form field: a positive integer, else 0 (then the rule refuses it). */
const days = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0);

export async function applicantsOfRequest(ctx: ServiceContext, req: RequestRow): Promise<Applicant[]> {
  return (await store.applicantsOf(ctx.trx, [req.id])).map((a) => ({ id: a.user_id, name: a.display_name, isInitiator: !!a.is_initiator }));
}

export interface ReaderSignature {
  userId: number;
  name: string;
  signedAt: string;
  note: string | null;
}

/**
 * Each reader who ended their electronic reading (结束阅档, grant `finished`): who, when, their own
 * note — the initiator's and every co-applicant's, in the order they ended.
 */
async function readerSignatures(ctx: ServiceContext, req: RequestRow): Promise<ReaderSignature[]> {
  const names = new Map((await applicantsOfRequest(ctx, req)).map((a) => [a.id, a.name]));
  return (await store.grantsOfInstance(ctx.trx, ctx.instanceId))
    .filter((g) => g.revoke_reason === 'finished' && g.revoked_at)
    .sort((a, b) => a.revoked_at!.localeCompare(b.revoked_at!) || a.id - b.id)
    .map((g) => ({ userId: g.grantee_user_id, name: names.get(g.grantee_user_id) ?? '', signedAt: g.revoked_at!, note: g.end_note ?? null }));
}

/** Writes the 查阅登记簿 entry that closes a use, and closes the request. */
export async function closeWithRegisterEntry(
  ctx: ServiceContext,
  req: RequestRow,
  entry: {
    mode: string;
    startedAt: string;
    endedAt: string;
    endReason: string;
    signedBy: number | null;
    signedAt: string | null;
    recordedBy: number | null;
    note: string | null;
    categories?: string[];
    signatures?: ReaderSignature[];
  },
): Promise<void> {
  const readers = (await applicantsOfRequest(ctx, req)).map((a) => ({ id: a.id, name: a.name }));
  const now = iso(ctx.clock.now());
  await store.insertRegisterEntry(ctx.trx, {
    request_id: req.id,
    custodian_org_id: req.custodian_org_id,
    archive_id: req.archive_id,
    cadre_id: req.cadre_id,
    mode: entry.mode,
    readers: JSON.stringify(readers),
    purpose: req.purpose,
    categories: JSON.stringify(entry.categories ?? jsonList(req.granted_categories ?? req.categories)),
    started_at: entry.startedAt,
    ended_at: entry.endedAt,
    end_reason: entry.endReason,
    signed_by: entry.signedBy,
    signed_at: entry.signedAt,
    recorded_by: entry.recordedBy,
    note: entry.note ? entry.note.slice(0, 1000) : null,
    signatures: entry.signatures ? JSON.stringify(entry.signatures) : null,
    created_at: now,
  });
  await store.updateRequest(ctx.trx, req.id, { status: 'closed', closed_at: now });
}

/**
 * An approved 现场查阅 that will not take place: the request is closed as not read (status closed,
 * no register entry, so the transfer rule archive_in_use no longer counts it), the archivist's reason
 * is an opinion of the 审批表 (decision not_held, written by the taskCompleted hook in service.ts), and the applicant gets application_decided with
 * outcome not_read — under its own key, the approval mail having used the case's decision key. The
 * mail does not carry the reason (typed text stays in the system): the applicant reads it there.
 */
async function onsiteNotHeld(ctx: ServiceContext, notify: NotifyService, reason: string): Promise<Record<string, unknown>> {
  if (reason.length < 2) {
    throw errors.rule('onsite-not-held-reason', '未查阅须写明原因（如查档人员未到场、档案室取消） / Say why the reading did not take place (the applicants did not come, the office cancelled)');
  }
  const req = await requestOf(ctx);
  const now = iso(ctx.clock.now());
  await store.updateRequest(ctx.trx, req.id, { status: 'closed', closed_at: now });
  const officeName = oneLine((await notifyStore.orgName(ctx.trx, req.custodian_org_id)) ?? '档案室');
  await notify.notify(ctx.trx, {
    event: 'application_decided',
    recipients: [{ userId: req.initiator_id }],
    vars: { ...(await caseVars(ctx)), outcome: 'not_read', officeName, nextStep: 'onsite_not_held' },
    link: { application: ctx.instanceId },
    instanceId: ctx.instanceId,
    key: `decided:${ctx.instanceId}:not_read`,
  });
  return { readingHeld: 'not_held' };
}

/**
 * 现场查阅 and 借阅: the applicant has no task of their own after the approval (电子查阅 has its
 * 电子阅档 task, which mails them), so they are told at once where to go and when — the office by
 * name, the planned day (or that it has passed), the loan's days. Under the case's decision key, so
 * the end of the case does not say 已批准 again (NotifyService.onInstanceEnded). Never the cadre.
 */
async function tellApproved(ctx: ServiceContext, notify: NotifyService, req: RequestRow): Promise<void> {
  const officeName = oneLine((await notifyStore.orgName(ctx.trx, req.custodian_org_id)) ?? '档案室');
  const late = plannedDayPassed(req.view_from, ctx.clock.now());
  const next: Record<string, string> =
    req.mode === 'loan'
      ? { nextStep: 'loan', loanDays: String(req.loan_days ?? ctx.params.maxLoanDays) }
      : { nextStep: late ? 'onsite_late' : 'onsite', readOn: req.view_from ?? today(ctx.clock.now()) };
  await notify.notify(ctx.trx, {
    event: 'application_decided',
    recipients: [{ userId: req.initiator_id }],
    vars: { ...(await caseVars(ctx)), outcome: 'approved', officeName, ...next },
    link: { application: ctx.instanceId },
    instanceId: ctx.instanceId,
    key: `decided:${ctx.instanceId}`,
  });
}

export function registerBorrowingServices(registry: ServiceRegistry, deps: RequestDeps): void {
  const { access, deadlines, notify } = deps;

  /** 申请检查: every rule of DOMAIN.md §6.1 step 2 and §6.2, then the request row and the case number. */
  registry.register('checkBorrowingRequest', async (ctx) => {
    const actor = ctx.actor;
    if (!actor) throw errors.rule('applicant', '申请须由查档人员提交 / A request is filed by an applicant');
    const v = ctx.variables;
    const mode = str(v.mode);
    if (!MODES[mode]) throw errors.rule('mode', '利用方式须为电子查阅、现场查阅或借出 / The mode must be electronic, on-site or loan', { mode });
    const purpose = checkPurpose(v.purpose);
    const categories = await checkCategories(ctx.trx, v.categories);
    const applicants = await checkApplicants(ctx.trx, actor.id, v.coApplicants);
    const target = await resolveTarget(ctx.trx, v.cadreName, v.cadreIdNumber);
    await checkRelations(ctx.trx, access, applicants, target.cadre.id);
    // 电子查阅 reads page images: none in the requested categories would open an empty reading room
    // (《条例》第二十三条, DOMAIN.md §1.4 and §6.1 step 6; server/requests/digitisation.ts).
    if (mode === 'electronic') await checkElectronicReadable(ctx.trx, target.archive.id, categories);

    const now = ctx.clock.now();
    let viewFrom: string | null = null;
    if (mode === 'loan') {
      const n = days(v.loanDays);
      if (!n || n > ctx.params.maxLoanDays) {
        throw errors.rule('loan-days', `借阅天数须为 1 至 ${ctx.params.maxLoanDays} 天 / A loan lasts 1 to ${ctx.params.maxLoanDays} days`, { field: 'loanDays', max: ctx.params.maxLoanDays, loanDays: v.loanDays ?? null });
      }
    } else {
      viewFrom = str(v.viewFrom);
      if (!isDay(viewFrom) || viewFrom < today(now)) {
        throw errors.rule('viewing-date', '拟查阅日期须为今天或以后的日期 / The reading date must be today or later', { field: 'viewFrom', viewFrom: viewFrom || null });
      }
      // A date far ahead would hold an approved grant for months; the request is filed when the reading is near.
      const latest = plusDays(today(now), ctx.params.maxViewingLeadDays);
      if (viewFrom > latest) {
        throw errors.rule('viewing-date', `拟查阅日期须在今后 ${ctx.params.maxViewingLeadDays} 天之内（不晚于 ${latest}） / The reading date must be within ${ctx.params.maxViewingLeadDays} days (by ${latest})`, { field: 'viewFrom', viewFrom, latest });
      }
      if (mode === 'electronic') {
        const n = days(v.viewDays);
        if (!n || n > ctx.params.maxViewingDays) {
          throw errors.rule('viewing-days', `电子查阅时限须为 1 至 ${ctx.params.maxViewingDays} 天 / An electronic viewing window lasts 1 to ${ctx.params.maxViewingDays} days`, { field: 'viewDays', max: ctx.params.maxViewingDays, viewDays: v.viewDays ?? null });
        }
      }
    }

    const filed = await fileRequest(ctx, {
      prefix: '查借',
      actor,
      applicants,
      target,
      reason: v.reason,
      row: {
        kind: mode === 'loan' ? 'loan' : 'consult',
        mode,
        purpose,
        categories: JSON.stringify(categories),
        materials: null,
        copies: null,
        view_from: viewFrom,
        view_days: mode === 'electronic' ? days(v.viewDays) : null,
        loan_days: mode === 'loan' ? days(v.loanDays) : null,
      },
    });
    return {
      ...filed,
      borrowerId: actor.id,
      borrowerOrgId: actor.orgUnitId,
      caseSubject: `${MODES[mode]}：${short(v.reason)}`,
      // The unit head of the applying unit; the archive office's archivists and chief; the leaders
      // of the organisation department above the office (干部管理权限).
      orgScopes: { unit_head: actor.orgUnitId, archivist: target.custodianOrgId, archive_chief: target.custodianOrgId, auth_leader: target.leaderOrgId },
    };
  });

  /** 核定准予查阅的类别: the chief may narrow the request, never widen it. */
  registry.register('fixGrantedCategories', async (ctx) => {
    const req = await requestOf(ctx);
    const requested = jsonList(req.categories);
    const chosen = Array.isArray(ctx.variables.grantedCategories) ? ctx.variables.grantedCategories.map(String) : [];
    const granted = chosen.length ? [...new Set(chosen)] : requested;
    const wider = granted.filter((g) => !categoryCovered(requested, g));
    if (wider.length) {
      throw errors.rule('granted-within-request', `准予查阅的类别超出了申请的类别：${wider.join('、')} / Categories beyond the request: ${wider.join(', ')}`, { categories: wider });
    }
    // Electronic viewing: only categories with page images (digitisation.ts); left empty, the
    // requested ones that have them.
    const fixed = req.mode === 'electronic' ? await electronicGrantable(ctx.trx, req.archive_id, requested, chosen.length ? granted : null) : granted;
    await store.updateRequest(ctx.trx, req.id, { granted_categories: JSON.stringify(fixed) });
    return { grantedCategories: fixed };
  });

  registry.register('approveBorrowingRequest', async (ctx) => {
    const req = await requestOf(ctx);
    await assertStillHeld(ctx.trx, req);
    await store.updateRequest(ctx.trx, req.id, {
      status: 'approved',
      decided_at: iso(ctx.clock.now()),
      route: JSON.stringify(ctx.variables.route ?? null),
      granted_categories: req.granted_categories ?? req.categories,
    });
    if (req.mode === 'onsite' || req.mode === 'loan') await tellApproved(ctx, notify, req);
    return { outcome: 'approved', ...APPROVERS_WORDS_END };
  });

  /** Both processes: the request ends rejected (the opinions are in request_approvals). */
  registry.register('rejectRequest', async (ctx) => {
    const req = await requestOf(ctx);
    const now = iso(ctx.clock.now());
    await store.updateRequest(ctx.trx, req.id, { status: 'rejected', decided_at: now, closed_at: now, granted_categories: null, route: JSON.stringify(ctx.variables.route ?? null) });
    return { outcome: 'rejected' };
  });

  /**
   * 授予电子查阅权限: one grant per applicant for the approved categories, from the requested day
   * (or now, if approval came later) to the end of the window's last Beijing day.
   */
  registry.register('grantViewing', async (ctx) => {
    const req = await requestOf(ctx);
    const now = ctx.clock.now();
    const from = req.view_from && req.view_from > today(now) ? req.view_from : today(now);
    const start = new Date(Math.max(now.getTime(), startOfBeijingDay(from).getTime()));
    const end = endOfBeijingDay(plusDays(from, (req.view_days ?? 1) - 1));
    // Scans may have been withdrawn since the chief's approval (a superseding catalogue row without
    // pages), or started failing 扫描质检 (server/quality/facts.ts): the grant keeps the categories
    // that still have page images passing their checks, and none is refused — a grant of nothing
    // readable never happens (digitisation.ts).
    const approvedCategories = jsonList(req.granted_categories ?? req.categories);
    const { failing, readable } = await readableCategories(ctx.trx, req.archive_id, approvedCategories);
    if (!readable.length && failing.length) {
      throw errors.rule(
        'electronic-scans-failing',
        `准予查阅的类别的扫描件现未通过扫描质检，不能授予电子查阅权限：${failing.join('、')}。请不予同意，由申请单位改为到档案室查阅，或待重扫后重新申请 / The scans of the approved categories now fail the scan check, so no electronic viewing can be granted: ${failing.join(', ')} — reject it and let the applicants read on site, or apply again once rescanned`,
        { categories: approvedCategories, failing },
      );
    }
    if (!readable.length) {
      throw errors.rule(
        'electronic-not-digitised',
        '准予查阅的类别现已没有数字化档案材料，不能授予电子查阅权限：请不予同意，由申请单位改为到档案室查阅 / The approved categories no longer have page images, so no electronic viewing can be granted: reject it and let the applicants ask to read on site',
        { categories: approvedCategories },
      );
    }
    const categories = JSON.stringify(readable);
    if (readable.length !== approvedCategories.length) await store.updateRequest(ctx.trx, req.id, { granted_categories: categories });
    for (const a of await applicantsOfRequest(ctx, req)) {
      await accessStore.insertGrant(ctx.trx, {
        grantee_user_id: a.id,
        archive_id: req.archive_id,
        categories,
        valid_from: iso(start),
        valid_until: iso(end),
        revoked_at: null,
        instance_id: ctx.instanceId,
        created_by: ctx.actor?.id ?? null,
        created_at: iso(now),
      });
    }
    await store.updateRequest(ctx.trx, req.id, { status: 'authorized', window_start: iso(start), window_end: iso(end) });
    await deadlines.openDeadline(ctx.trx, {
      kind: 'viewing_window',
      subject: { code: 'loan', params: { caseNo: req.case_no } },
      instanceId: ctx.instanceId,
      dueAt: end,
      orgUnitId: req.requester_org_id,
      custodianOrgId: req.custodian_org_id,
    });
    return { grant: { validFrom: iso(start), validUntil: iso(end) }, viewingEndsIn: durationUntil(now, end) };
  });

  /** 收回权限并登记: the reader ended (and signs), or the window ran out (nobody signs). */
  registry.register('closeViewing', async (ctx) => {
    const req = await requestOf(ctx);
    const confirmed = ctx.variables.confirmed;
    if (confirmed === false) {
      throw errors.rule('reading-confirmation', '结束阅档须确认遵守查阅纪律 / Ending the reading needs the confirmation of the reading rules');
    }
    const now = iso(ctx.clock.now());
    const finished = confirmed === true;
    // Nothing can have been read before the window opens: ending then would throw away an approved
    // use and write a register entry that ends before it starts. The task stays open.
    if (finished && req.window_start && now < req.window_start) {
      const opens = formatInstant(req.window_start);
      throw errors.rule(
        'reading-not-started',
        `查阅时限自 ${opens} 起，尚未开始，不能结束阅档。届时请进入阅档室查阅，查阅完毕再结束；如不再查阅，无需操作，时限届满后系统自动收回权限 / The viewing window opens at ${opens} (Beijing): the reading cannot end before it; read then and end it, or leave it to close by itself`,
        { windowStart: req.window_start },
      );
    }
    // The archive was sent away while the window was open: the reading ended then (sendTransfer
    // revoked the grants), whoever closes the case now — the reader signing, or the timer.
    const transferredAt = await store.transferRevocationOfInstance(ctx.trx, ctx.instanceId);
    const initiatorNote = finished ? str(ctx.variables.comment).trim().slice(0, 1000) || null : null;
    // The initiator signs their own reading; a co-applicant who ended theirs signed it then (the
    // reading room's 结束阅档 kept their note on the grant); the rest end with the case.
    if (finished) await store.finishGrantOf(ctx.trx, ctx.instanceId, req.initiator_id, now, initiatorNote);
    await store.revokeGrantsOfInstance(ctx.trx, ctx.instanceId, now, finished ? 'reading_closed' : 'window_expired');
    await deadlines.closeDeadline(ctx.trx, { instanceId: ctx.instanceId, kind: 'viewing_window' });
    const endReason = transferredAt ? 'transferred' : finished ? 'finished' : 'window_expired';
    const signatures = await readerSignatures(ctx, req);
    await closeWithRegisterEntry(ctx, req, {
      mode: 'electronic',
      startedAt: req.window_start ?? now,
      endedAt: transferredAt ?? (finished || !req.window_end || req.window_end > now ? now : req.window_end),
      endReason,
      signedBy: finished ? req.initiator_id : null,
      signedAt: finished ? now : null,
      recordedBy: null,
      signatures,
      note: finished
        ? initiatorNote
        : transferredAt
          ? '档案已转出，阅档已终止 / the archive was transferred out; the reading ended'
          : '查阅时限届满，系统自动收回权限 / the window ran out; access withdrawn',
    });
    return { readingEnded: endReason };
  });

  /** 现场查阅登记: identities checked, accompanied, the readers signed; the times of the reading. */
  registry.register('registerOnsiteReading', async (ctx) => {
    const v = ctx.variables;
    // 未查阅: the applicants did not come, or the office cancelled. The case ends without a 查阅登记簿
    // entry (the register records readings that took place, signed by the readers — DOMAIN.md §6.1
    // step 8), the reason is kept as the archivist's opinion on the 审批表, and the applicant is told.
    // A form of an earlier version has no readingHeld: that is a reading, as before.
    if (v.readingHeld === 'not_held') return onsiteNotHeld(ctx, notify, str(v.notHeldReason).trim());
    if (v.identityChecked !== true || v.accompanied !== true || v.readersSigned !== true) {
      throw errors.rule('onsite-checks', '须核验身份、全程陪同并由查档人员在登记簿签字 / Check identities, accompany the reading and have the readers sign the register');
    }
    const req = await requestOf(ctx);
    // The register records a reading of the archive on this office's shelf: not one lent out, being
    // scanned, being sent or gone (availability.ts; the task page warns before the archivist tries).
    await assertOnShelf(ctx.trx, req, 'onsite');
    const now = ctx.clock.now();
    const day = str(v.readingDate);
    const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
    const start = isDay(day) && hhmm.test(str(v.readingStartedAt)) ? beijingTime(day, str(v.readingStartedAt)) : null;
    const end = isDay(day) && hhmm.test(str(v.readingEndedAt)) ? beijingTime(day, str(v.readingEndedAt)) : null;
    // The approval sets the day the applicants may come from: the planned day (viewFrom), or the
    // approval's own day when it came later (the applicant was told to agree another day then).
    const approvedDay = req.decided_at ? beijingDay(new Date(req.decided_at)) : null;
    const earliest = [req.view_from, approvedDay].filter((d): d is string => !!d).sort().at(-1) ?? null;
    if (isDay(day) && earliest && day < earliest) {
      const [zh, en] =
        earliest === req.view_from
          ? [`早于批准的查阅日期 ${earliest}`, `before the approved reading day, ${earliest}`]
          : [`早于批准之日 ${earliest}`, `before the approval on ${earliest}`];
      throw errors.rule('reading-date', `查阅日期 ${day} ${zh}：只能登记批准的日期当天或以后进行的查阅 / The reading date ${day} is ${en}: only a reading held on or after that day can be registered`, {
        field: 'readingDate',
        readingDate: day,
        earliest,
      });
    }
    if (!start || !end || end.getTime() <= start.getTime() || end.getTime() > now.getTime()) {
      throw errors.rule('reading-times', '查阅时间须在批准之后、已经结束，且结束晚于开始 / The reading must lie after the approval, be over, and end after it began', {
        readingDate: day || null,
      });
    }
    await closeWithRegisterEntry(ctx, req, {
      mode: 'onsite',
      startedAt: iso(start),
      endedAt: iso(end),
      endReason: 'onsite',
      signedBy: req.initiator_id,
      signedAt: iso(end),
      recordedBy: ctx.actor?.id ?? null,
      note: str(v.comment) || null,
    });
  });
}
