// 材料收集归档 for people and processes: registers the engine services of material-collection.bpmn
// and collection-notice.bpmn (intake.ts, notices.ts), and answers the ledger (台账), an intake's
// record, its page scans and the collection notices over HTTP — each read scoped on the server
// (the archive office's staff and leaders; a producing unit for its own hand-overs) and audited.
import type { Q } from '../db.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { EngineHooks, ServiceRegistry } from '../engine/types.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as cadreStore from '../archives/store.ts';
import { readableCases } from '../workflow/scope.ts';
import { contentTypeOf } from '../archives/scans.ts';
import { keyFieldMismatches } from './codes.ts';
import type { MaterialsDeps } from './deps.ts';
import { intakeServices, materialReviewChoices, undoNoticeAnswer } from './intake.ts';
import { noticeServices } from './notices.ts';
import { eventDto, intakeDto, ledgerItemDto, noticeDto, scanList, type View } from './dto.ts';
import * as store from './store.ts';
import type { IntakeRow, IntakeStatus, NoticeStatus } from './store.ts';

/** More uploads than this to one intake (withdrawn ones included) are refused. */
const MAX_SCANS_PER_INTAKE = 1000;

export class MaterialsService {
  private readonly notices: ReturnType<typeof noticeServices>;

  constructor(private readonly d: MaterialsDeps) {
    this.notices = noticeServices(d);
  }

  register(registry: ServiceRegistry, hooks: EngineHooks): void {
    for (const [name, fn] of Object.entries(intakeServices(this.d))) registry.register(name, fn);
    registry.register('openCollectionNotice', this.notices.openCollectionNotice);
    registry.register('reopenCollectionNotice', this.notices.reopenCollectionNotice);
    registry.checksChoices('material-review', materialReviewChoices(this.d));
    registry.receives('materialArrived', '材料登记 / registering the material (intake.ts)');
    registry.receives('noticeWithdrawn', '撤回征集通知 / withdrawing the notice (notices.ts)');
    registry.receives('materialFiled', '材料归档 / filing the material (intake.ts)');
    registry.receives('handoverUndone', '移交撤回、终止或拒收 / the hand-over withdrawn, terminated or refused (intake.ts undoNoticeAnswer)');
    // A case ended from outside (the producer's 撤回 before any review, an administrator's
    // termination) leaves no intake waiting in the ledger and no notice open.
    hooks.on('instanceEnded', async (trx, ev) => {
      if (ev.status !== 'terminated') return;
      const at = iso(this.d.clock.now());
      if (ev.processKey === 'material-collection') {
        const intake = await store.intakeOfInstance(trx, ev.instanceId);
        if (!intake || intake.status === 'filed' || intake.status === 'withdrawn' || intake.status === 'refused') return;
        await store.updateIntake(trx, intake.id, { status: 'withdrawn', updated_at: at });
        await store.insertEvent(trx, { intake_id: intake.id, round: intake.round, kind: 'withdrawn', actor_id: null, at, comment: null, detail: null });
        await undoNoticeAnswer(trx, this.d, intake, null);
      } else if (ev.processKey === 'collection-notice') {
        const notice = await store.noticeOfInstance(trx, ev.instanceId);
        if (notice?.status === 'open') await store.updateNotice(trx, notice.id, { status: 'withdrawn', closed_at: at, closed_reason: '流程已终止 / case ended' });
      }
    });
  }

  // -- scope ----------------------------------------------------------------------------------

  private async scope(q: Q, user: SessionUser) {
    return {
      custodianOrgIds: await this.d.access.custodianOffices(q, user),
      producerOrgId: user.roles.includes('producer') ? user.orgUnitId : null,
      excludedCadreIds: await this.d.access.excludedCadreIds(q, user.id),
    };
  }

  /** How the user sees this intake, or null (out of scope answers 404 like absent). */
  private async viewOf(q: Q, user: SessionUser, row: { custodian_org_id: number; producer_org_id: number; cadre_id: number }): Promise<View | null> {
    const s = await this.scope(q, user);
    if (s.custodianOrgIds.includes(row.custodian_org_id) && !s.excludedCadreIds.includes(row.cadre_id)) return 'archive';
    if (s.producerOrgId === row.producer_org_id) return 'producer';
    return null;
  }

  // -- the ledger and an intake's record ---------------------------------------------------------

  async ledger(user: SessionUser, ip: string, f: { status?: IntakeStatus; late?: boolean; cadreId?: number; q?: string; from?: string; to?: string; limit: number; offset: number }) {
    const scope = await this.scope(this.d.db, user);
    const { total, rows } = await store.listIntakes(this.d.db, { ...scope, ...f }, f);
    await this.d.audit.record(null, { actor: user, ip, action: 'material_intake.list', objectType: 'material_intake', detail: { total, returned: rows.length } });
    const readable = await readableCases(this.d.db, user, rows.map((r) => r.instance_id));
    return { total, items: rows.map((r) => ({ ...ledgerItemDto(r), caseReadable: readable.has(r.instance_id) })) };
  }

  private async recordOf(q: Q, intake: IntakeRow, view: View, userId: number) {
    // One after another: q may be a transaction (one connection; pg refuses overlapping queries).
    const events = await store.eventsOf(q, intake.id);
    const scans = await store.scansOf(q, intake.id);
    const cadre = await cadreStore.findCadre(q, intake.cadre_id);
    const users = await store.namesOf(q, 'users', [intake.handler_id, intake.receiver_id, intake.filed_by, ...events.map((e) => e.actor_id)]);
    const orgs = await store.namesOf(q, 'org_units', [intake.custodian_org_id, intake.producer_org_id]);
    const notice = intake.notice_id ? await store.findNotice(q, intake.notice_id) : undefined;
    const categoryLabel = await store.categoryLabel(q, intake.category_code);
    const active = scans.filter((s) => !s.withdrawn_at);
    const open = intake.status === 'received' || intake.status === 'returned';
    // Archive view: the same material already handed over or filed (filed meanwhile, or registered
    // with the producer's "not the same material"), for the reviewer and the filer to weigh.
    const same =
      view === 'archive'
        ? await store.sameMaterials(q, { cadreId: intake.cadre_id, archiveId: intake.archive_id, categoryCode: intake.category_code, formedDate: intake.formed_date, title: intake.title, exceptIntakeId: intake.id })
        : null;
    return {
      ...intakeDto(intake, { view, names: { users, orgs }, cadreName: cadre!.name, mismatches: view === 'archive' ? keyFieldMismatches(intake, cadre!) : null, noticeNo: notice?.notice_no ?? null }),
      /** The category as people read it (the code when the catalogue does not know it). */
      categoryLabel: categoryLabel ?? intake.category_code,
      view,
      events: events.map((e) => eventDto(e, view, users)),
      scans: scanList(scans),
      /** What the archive's checks would find in the scans now (until the material is filed). */
      scanFindings: intake.status === 'filed' || !active.length ? [] : this.d.scans.precheck(intake, active),
      /** Only the producer who handed it over, until it is accepted. */
      canUpload: open && view === 'producer' && intake.handler_id === userId,
      /** Archive view only: other intakes or catalogue rows of the same material (title, category, formation date). */
      sameMaterials: same,
    };
  }

  private async readIntake(user: SessionUser, ip: string, find: (q: Q) => Promise<IntakeRow | undefined>, ref: string | number) {
    const out = await this.d.db.transaction(async (trx) => {
      const intake = await find(trx);
      const view = intake ? await this.viewOf(trx, user, intake) : null;
      await this.d.audit.record(trx, {
        actor: user,
        ip,
        action: view ? 'material_intake.view' : 'material_intake.view_denied',
        objectType: 'material_intake',
        objectId: intake?.id ?? ref,
        outcome: view ? 'success' : 'denied',
        detail: view ? { view, intakeNo: intake!.intake_no } : intake ? { reason: 'out_of_scope', intakeNo: intake.intake_no } : { reason: 'absent' },
      });
      if (!intake || !view) return null;
      return this.recordOf(trx, intake, view, user.id);
    });
    if (!out) throw errors.notFound('Material intake');
    return out;
  }

  intake(user: SessionUser, ip: string, id: number) {
    return this.readIntake(user, ip, (q) => store.findIntake(q, id), id);
  }

  intakeOfCase(user: SessionUser, ip: string, instanceId: string) {
    return this.readIntake(user, ip, (q) => store.intakeOfInstance(q, instanceId), instanceId);
  }

  // -- page scans -------------------------------------------------------------------------------

  /** The intake for a change by its 经手人 (the producer who registered it), while it is not yet accepted. */
  private async forHandler(trx: Q, user: SessionUser, id: number): Promise<IntakeRow> {
    const intake = await store.lockIntake(trx, id);
    const view = intake ? await this.viewOf(trx, user, intake) : null;
    if (!intake || !view) throw errors.notFound('Material intake');
    if (intake.handler_id !== user.id) throw errors.forbidden('只有移交经办人可以更改扫描件 / Only the producer who handed the material over changes its scans');
    if (intake.status !== 'received' && intake.status !== 'returned') {
      throw errors.conflict('INTAKE_STATE', '材料已入台账，扫描件不能再更改 / The material is accepted; its scans can no longer change');
    }
    return intake;
  }

  async uploadScan(user: SessionUser, ip: string, id: number, buf: Buffer) {
    return this.d.db.transaction(async (trx) => {
      const intake = await this.forHandler(trx, user, id);
      if ((await store.maxScanSeq(trx, intake.id)) >= MAX_SCANS_PER_INTAKE) throw errors.rule('scan_limit', `每份材料至多上传 ${MAX_SCANS_PER_INTAKE} 个扫描件 / At most ${MAX_SCANS_PER_INTAKE} uploads per material`);
      const row = await this.d.scans.add(trx, intake, buf, user.id, iso(this.d.clock.now()));
      await this.d.audit.record(trx, { actor: user, ip, action: 'intake_scan.upload', objectType: 'material_intake', objectId: intake.id, detail: { intakeNo: intake.intake_no, seq: row.seq, sha256: row.sha256 } });
      return this.scanState(trx, intake);
    });
  }

  async withdrawScan(user: SessionUser, ip: string, id: number, seq: number) {
    return this.d.db.transaction(async (trx) => {
      const intake = await this.forHandler(trx, user, id);
      const scan = await store.findScan(trx, intake.id, seq);
      if (!scan) throw errors.notFound('Scan');
      if (scan.withdrawn_at) throw errors.conflict('SCAN_WITHDRAWN', '该扫描件已撤回 / The scan was withdrawn already');
      await store.withdrawScan(trx, scan.id, iso(this.d.clock.now()), user.id);
      await this.d.audit.record(trx, { actor: user, ip, action: 'intake_scan.withdraw', objectType: 'material_intake', objectId: intake.id, detail: { intakeNo: intake.intake_no, seq } });
      return this.scanState(trx, intake);
    });
  }

  private async scanState(q: Q, intake: IntakeRow) {
    const scans = await store.scansOf(q, intake.id);
    const active = scans.filter((s) => !s.withdrawn_at);
    return { scans: scanList(scans), scanFindings: active.length ? this.d.scans.precheck(intake, active) : [] };
  }

  async readScan(user: SessionUser, ip: string, id: number, seq: number) {
    const out = await this.d.db.transaction(async (trx) => {
      const intake = await store.findIntake(trx, id);
      const view = intake ? await this.viewOf(trx, user, intake) : null;
      const scan = view ? await store.findScan(trx, id, seq) : undefined;
      const data = scan ? this.d.scans.read(scan) : null;
      await this.d.audit.record(trx, {
        actor: user,
        ip,
        action: data ? 'intake_scan.view' : 'intake_scan.view_denied',
        objectType: 'material_intake',
        objectId: id,
        outcome: data ? 'success' : 'denied',
        detail: { ...(view ? { intakeNo: intake!.intake_no } : {}), seq },
      });
      return scan && data ? { raw: data, contentType: contentTypeOf(scan.format), headers: { 'X-Content-SHA256': scan.sha256 } } : null;
    });
    if (!out) throw errors.notFound('Scan');
    return out;
  }

  // -- collection notices ------------------------------------------------------------------------

  private async noticeRecord(q: Q, n: store.NoticeRow) {
    const orgs = await store.namesOf(q, 'org_units', [n.producer_org_id, n.custodian_org_id]);
    const cadre = await cadreStore.findCadre(q, n.cadre_id);
    const intake = n.intake_id ? await store.findIntake(q, n.intake_id) : undefined;
    return noticeDto(n, { cadre: cadre?.name ?? '', producerOrg: orgs.get(n.producer_org_id) ?? '', custodianOrg: orgs.get(n.custodian_org_id) ?? '', intakeNo: intake?.intake_no ?? null });
  }

  async listNotices(user: SessionUser, f: { status?: NoticeStatus; limit: number; offset: number }) {
    const scope = await this.scope(this.d.db, user);
    const { total, rows } = await store.listNotices(this.d.db, { ...scope, status: f.status }, f);
    const readable = await readableCases(this.d.db, user, rows.map((r) => r.instance_id));
    return { total, items: (await Promise.all(rows.map((r) => this.noticeRecord(this.d.db, r)))).map((n) => ({ ...n, caseReadable: readable.has(n.instanceId) })) };
  }

  async notice(user: SessionUser, id: number) {
    const n = await store.findNotice(this.d.db, id);
    if (!n || !(await this.viewOf(this.d.db, user, n))) throw errors.notFound('Collection notice');
    return this.noticeRecord(this.d.db, n);
  }

  withdrawNotice(user: SessionUser, ip: string, id: number, reason: string) {
    return this.notices.withdrawNotice(user, ip, id, reason);
  }
}
