// 材料催收 (collection-notice.bpmn): the archive office tells a producing unit that a material it
// formed is owed (DOMAIN.md §1.2 "联系制度", §6.5 trigger; the Hebei system's 材料催收). The case
// opens a 督办 hand-over deadline (openHandoverDeadline: formation + MATERIAL_HANDOVER_MONTHS),
// mails the unit's producers (notifyHandoverDue), reminds them once more when the deadline passes,
// and waits: the material's registration (registerMaterial) delivers `materialArrived`, or the
// office withdraws the notice (`noticeWithdrawn`, POST /api/collection-notices/:id/withdraw).
// An answered notice waits for the material's filing (`materialFiled`); a hand-over withdrawn,
// terminated or refused before it is filed delivers `handoverUndone`: the notice opens again
// (reopenCollectionNotice), with a new 督办 deadline and a mail to the unit.
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { ServiceContext } from '../engine/types.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as people from '../people/store.ts';
import * as cadreStore from '../archives/store.ts';
import * as archiveStore from '../archives/archive-store.ts';
import * as catalog from '../archives/catalog-store.ts';
import { caseNumber } from '../shared/sequences.ts';
import { beijingDay, endOfBeijingDay } from '../notify/beijing.ts';
import { actorOf, addCalendarMonths, assertStartNotAvoided, str, type MaterialsDeps } from './deps.ts';
import * as store from './store.ts';

/**
 * The last day a collection notice gives: the rule's day (formation + the hand-over period) while
 * it has not passed on the day the notice is sent, else the notice day + one more period.
 */
export function noticeDueDay(formed: string, noticeDay: string, months: number): string {
  const ruleDay = addCalendarMonths(formed, months);
  return ruleDay >= noticeDay ? ruleDay : addCalendarMonths(noticeDay, months);
}

export function noticeServices(d: MaterialsDeps) {
  async function openCollectionNotice(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const v = ctx.variables;
    const cadreId = Number(v.cadreId);
    // Only the office that holds the cadre's 正本 chases materials for it; anyone else learns
    // nothing about the cadre (404, as for a cadre that does not exist).
    const archive = (await archiveStore.archivesOfCadre(ctx.trx, cadreId)).find((a) => a.kind === 'original');
    if (!archive || archive.custodian_org_id !== actor.orgUnitId) throw errors.notFound('Cadre');
    await assertStartNotAvoided(ctx.trx, d.access, actor, cadreId);
    const cadre = (await cadreStore.findCadre(ctx.trx, cadreId))!;
    const unit = await people.findOrgUnit(ctx.trx, Number(v.producerOrgId));
    if (!unit) throw errors.validation([{ field: 'producerOrgId', message: '单位不存在 / no such unit' }]);
    // The same rule as the form's unit list (GET /api/lookups/org-units?producer=true).
    if (unit.is_custodian || unit.kind === 'region') {
      throw errors.rule('producer_unit', '催收对象须为材料形成单位，不能是地区或管档单位 / Chase the unit that formed the material, not a region or an archive office');
    }
    const formed = String(v.formedDate);
    if (formed > beijingDay(d.clock.now())) throw errors.rule('formed_date_future', '材料形成时间晚于今天 / The formation date is in the future');
    const category = (await catalog.listCategories(ctx.trx)).find((c) => c.code === v.categoryCode);
    if (!category || !category.active || category.divided) throw errors.validation([{ field: 'categoryCode', message: '无此类别 / unknown category' }]);

    const now = d.clock.now();
    // The hand-over is due at the end of the last Beijing day of the period after formation. A
    // notice sent when that day has passed gives the unit one more period from the day it is sent
    // (the start form and the diagram say so). openHandoverDeadline takes this instant
    // (handoverDueAt), so the notice, the 督办 deadline, its mail and the reminder all agree.
    const dueDay = noticeDueDay(formed, beijingDay(now), ctx.params.materialHandoverMonths);
    const due = endOfBeijingDay(dueDay);
    const noticeNo = await caseNumber(ctx.trx, '催收', now);
    ctx.setBusinessKey(noticeNo);
    const title = String(v.title).trim();
    const noticeId = await store.insertNotice(ctx.trx, {
      notice_no: noticeNo,
      instance_id: ctx.instanceId,
      custodian_org_id: archive.custodian_org_id,
      producer_org_id: unit.id,
      cadre_id: cadreId,
      title,
      category_code: category.code,
      formed_date: formed,
      due_at: iso(due),
      note: str(v.note),
      status: 'open',
      intake_id: null,
      created_by: actor.id,
      created_at: iso(now),
      closed_at: null,
      closed_reason: null,
    });
    await d.audit.record(ctx.trx, { actor, action: 'collection_notice.send', objectType: 'collection_notice', objectId: noticeId, detail: { noticeNo, producerOrgId: unit.id } });
    // The reminder comes when the deadline passes (never before the end of today: see noticeDueDay).
    // A duration from the service clock, not a timeDate: bpmn-elements measures dates against the
    // wall clock, durations are ours (server/engine/run.ts timerDueAt).
    const left = Math.max(1, Math.ceil((due.getTime() - now.getTime()) / 1000));
    return {
      reminderAfter: `PT${left}S`,
      handoverDueAt: iso(due),
      noticeId,
      noticeNo,
      producerOrgId: unit.id,
      custodianOrgId: archive.custodian_org_id,
      caseSubject: `材料催收：${title.length > 30 ? `${title.slice(0, 30)}…` : title}（${cadre.name}，${unit.name}）`,
    };
  }

  /** The hand-over that answered the notice is gone: the material is owed again, chased as before. */
  async function reopenCollectionNotice(ctx: ServiceContext) {
    const notice = await store.noticeOfInstance(ctx.trx, ctx.instanceId);
    if (!notice) throw errors.notFound('Collection notice');
    await store.updateNotice(ctx.trx, notice.id, { status: 'open', intake_id: null, closed_at: null, closed_reason: null });
    await d.audit.record(ctx.trx, { actor: ctx.actor ?? undefined, action: 'collection_notice.reopen', objectType: 'collection_notice', objectId: notice.id, detail: { noticeNo: notice.notice_no, undoneBy: ctx.variables.undoneBy ?? null } });
    // The reminder comes when the (unchanged) deadline passes; one already past reminds at once.
    const left = Math.max(1, Math.ceil((Date.parse(notice.due_at) - d.clock.now().getTime()) / 1000));
    return { reminderAfter: `PT${left}S` };
  }

  /** The office takes a notice back (sent in error, material no longer expected): the case ends, the deadline is cancelled. */
  async function withdrawNotice(user: SessionUser, ip: string, noticeId: number, reason: string) {
    return d.db.transaction(async (trx) => {
      const notice = await store.lockNotice(trx, noticeId);
      if (!notice || notice.custodian_org_id !== user.orgUnitId || !(user.roles.includes('archivist') || user.roles.includes('archive_chief'))) {
        throw errors.notFound('Collection notice');
      }
      if (notice.status !== 'open') throw errors.conflict('NOTICE_CLOSED', `催收通知已${notice.status === 'answered' ? '办结' : '撤回'} / The notice is ${notice.status}`);
      const at = iso(d.clock.now());
      await store.updateNotice(trx, notice.id, { status: 'withdrawn', closed_at: at, closed_reason: reason.trim().slice(0, 500) });
      // No longer owed: cancelled, not met (the ending case would otherwise close it as met).
      await d.deadlines.closeDeadline(trx, { instanceId: notice.instance_id, kind: 'handover' }, 'cancelled');
      await d.engine.deliver(trx, notice.instance_id, 'noticeWithdrawn', { withdrawReason: reason.trim().slice(0, 500) }, { id: user.id, username: user.username, roles: user.roles, orgUnitId: user.orgUnitId });
      await d.audit.record(trx, { actor: user, ip, action: 'collection_notice.withdraw', objectType: 'collection_notice', objectId: notice.id, detail: { noticeNo: notice.notice_no } });
      return { ok: true as const };
    });
  }

  return { openCollectionNotice, reopenCollectionNotice, withdrawNotice };
}
