// The archive domain's service: the transaction-level functions the processes call (inside the
// engine's transaction: updateCadreField, changeArchiveStatus, changeArchiveCustodian,
// fileMaterial, supersedeMaterial, addPageScans, checkScans, custodianFor) and the archivist's
// own writes over HTTP, each one transaction with its audit row. Reads are in views.ts.
import { createHash } from 'node:crypto';
import type { Db, Q, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { Actor, AuditLog } from '../audit/service.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as people from '../people/store.ts';
import type { AccessRules } from '../access/rules.ts';
import type { NotifyService } from '../notify/service.ts';
import { cadresTiedByNumber, releaseFamilyTies } from '../workflow/held-tasks.ts';
import * as cadres from './cadres.ts';
import * as archives from './archives.ts';
import * as catalogue from './catalogue.ts';
import * as store from './store.ts';
import * as archiveStore from './archive-store.ts';
import * as catalog from './catalog-store.ts';
import type { Scans } from './scans.ts';
import { custodyDto, materialDto, pageDto } from './dto.ts';
import { DIGITAL_STATUSES, DIGITISED_STATUSES, type ArchiveKind, type DigitalStatus } from './codes.ts';
import { readImportFile } from './import-read.ts';
import { XlsxReadSlots } from './import-slots.ts';
import { runImport } from './import.ts';

/** The archive's digital status now, and the one it had before (`from`) when a check moved it back. */
export async function digitalStatusAfter(q: Q, before: { id: number; digital_status: string }) {
  const now = (await archiveStore.findArchive(q, before.id))!.digital_status;
  return { status: now, label: DIGITAL_STATUSES[now as keyof typeof DIGITAL_STATUSES]?.zh ?? now, from: now === before.digital_status ? null : before.digital_status };
}

const actorRef = (u: SessionUser) => ({ id: u.id, username: u.username, displayName: u.displayName });

/** A write the caller may not make on this archive: why (absent, out_of_scope, self, relative, avoided, gone). */
class WriteRefused extends Error {
  constructor(
    readonly reason: string,
    /** Throws the answer other than 404 (an archive gone answers its rule). */
    readonly answer?: () => void,
  ) {
    super(`write refused: ${reason}`);
  }
}

const NOT_FOUND_NAME = { archive: 'Archive', material: 'Material', cadre: 'Cadre' } as const;

export class ArchivesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly access: AccessRules,
    readonly scans: Scans,
    /** Tells the group of a task given back when a new family member ties its holder to the case's cadre (addFamily). */
    private readonly notify: Pick<NotifyService, 'notify' | 'onTaskReleased'>,
    /** XLSX import files read at once (IMPORT_MAX_XLSX_READS); one more is refused with 503 IMPORT_BUSY. */
    readonly xlsxReads = new XlsxReadSlots(1),
  ) {}

  // -- the domain API for processes (call inside your transaction) --------------------------
  createCadre = (trx: Q, input: cadres.CadreInput) => cadres.createCadre(trx, this.clock, input);
  /**
   * A new ID number may name a cadre's relative (a 家庭成员 row by ID number): the accounts linked to
   * either cadre give back, in this transaction, the tasks they hold on the other's cases, as when
   * the relative is recorded (addFamily; audit `task.release` by `by`, reason `relative`). So a change
   * of the number says who makes it, and is refused without (a caller that would release nothing).
   */
  async updateCadreField(trx: Trx, change: cadres.FieldChange, by?: { actor: Actor; ip: string | null }) {
    const h = await cadres.updateCadreField(trx, this.clock, change);
    if (h.field === 'id_number') {
      if (!by) throw new Error('updateCadreField: an ID number is changed on behalf of someone (by), who gives back the claims it ties');
      await releaseFamilyTies(trx, { clock: this.clock, audit: this.audit, notify: this.notify }, by, await cadresTiedByNumber(trx, change.cadreId, String(h.new_value)));
    }
    return h;
  }
  createArchive = (trx: Q, input: archives.ArchiveInput, actor: cadres.ActorRef | null) => archives.createArchive(trx, this.clock, input, actor);
  changeArchiveStatus = (trx: Trx, change: archives.StatusChange) => archives.changeArchiveStatus(trx, this.clock, change);
  changeArchiveCustodian = (trx: Trx, change: Parameters<typeof archives.changeArchiveCustodian>[2]) => archives.changeArchiveCustodian(trx, this.clock, change);
  custodianFor = (q: Q, orgUnitId: number, level: string) => archives.custodianFor(q, orgUnitId, level);
  shelveArchive = (trx: Trx, input: Parameters<typeof archives.shelveArchive>[2]) => archives.shelveArchive(trx, this.clock, input);

  /**
   * Files a new catalogue row in the caller's transaction, with its page images when it has them
   * (`scans`: images or stored paths). The filing rule of 扫描质检 lives here, so no caller can miss it:
   * scans given are added and checked (trigger `filing`), and a finding refuses the filing (the pages
   * counted must be the pages scanned); a row filed without them goes through checkUnscannedInDigitised.
   */
  async fileMaterial(trx: Trx, input: catalogue.MaterialInput & { scans?: Array<Buffer | string> }) {
    const { scans, ...row } = input;
    const m = await catalogue.fileMaterial(trx, this.clock, row);
    const actorId = input.actor?.id ?? null;
    if (!scans?.length) {
      await this.checkUnscannedInDigitised(trx, [m], actorId);
      return m;
    }
    await this.scans.addPageScans(trx, m.id, scans, actorId);
    const findings = await this.scans.checkScans(trx, m.id, { trigger: 'filing', actorId });
    if (findings.length) throw errors.rule('scan_check', '扫描件与归档页数不符 / The scans do not match the filed material', { findings });
    return m;
  }

  /** A corrected row replacing one (第三十九条: the old row stays, superseded); its pages follow, as for fileMaterial. */
  async supersedeMaterial(trx: Trx, input: Parameters<typeof catalogue.supersedeMaterial>[2]) {
    const m = await catalogue.supersedeMaterial(trx, this.clock, input);
    await this.checkUnscannedInDigitised(trx, [m], input.actor?.id ?? null);
    return m;
  }
  addPageScans = (trx: Q, materialId: number, pages: Array<Buffer | string>, actorId: number | null = null) => this.scans.addPageScans(trx, materialId, pages, actorId);
  checkScans = (materialId: number, q: Q = this.db, record?: Parameters<Scans['checkScans']>[2]) => this.scans.checkScans(q, materialId, record);

  // -- archivists' writes over HTTP -----------------------------------------------------------

  /**
   * The archive, if the user is an archivist or chief of the office that holds it and has no tie to
   * the cadre (self, relative, avoidance list); else a WriteRefused, which `write` audits and answers
   * as 404 — the same answer as for an absent object. One that has left the office (已转出,
   * 已移交档案馆) is refused as a rule (archives.assertKept, 422), audited as 'gone'.
   * With `lock`, the row is read locked for the rest of the transaction (archiveStore.lockArchive).
   */
  private async writableArchive(trx: Q, user: SessionUser, archiveId: number, lock = false) {
    const check = await this.access.checkArchive(trx, user, archiveId, { register: true });
    if (!check.ok) throw new WriteRefused(check.reason);
    const archive = await (lock ? archiveStore.lockArchive : archiveStore.findArchive)(trx, archiveId);
    if (check.via !== 'custody' || !archive || archive.custodian_org_id !== user.orgUnitId) throw new WriteRefused(archive ? 'out_of_scope' : 'absent');
    if (check.gone) throw new WriteRefused('gone', () => archives.assertKept(archive));
    return archive;
  }

  /**
   * Runs an archivist's write in one transaction. A refusal of scope (WriteRefused) rolls it back,
   * is audited as `action` with outcome 'denied' and the reason — after the rollback, in a
   * transaction of its own, as the other refused requests are — and answers 404 naming `object`'s
   * kind (or the rule of an archive gone).
   */
  private async write<T>(user: SessionUser, ip: string, action: string, object: { type: 'archive' | 'material' | 'cadre'; id: number }, fn: (trx: Trx) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn);
    } catch (e) {
      if (!(e instanceof WriteRefused)) throw e;
      await this.audit.record(null, { actor: user, ip, action, objectType: object.type, objectId: object.id, outcome: 'denied', detail: { reason: e.reason } });
      e.answer?.();
      throw errors.notFound(NOT_FOUND_NAME[object.type]);
    }
  }

  /** A new cadre with a 正本 archive held by the caller's own office. */
  async registerCadre(user: SessionUser, ip: string, input: cadres.CadreInput & { archive: { archiveNo?: string; volumes: number; storeRoom?: string; cabinet?: string; shelf?: string } }) {
    return this.db.transaction(async (trx) => {
      const office = await people.findOrgUnit(trx, user.orgUnitId);
      if (!office?.is_custodian) throw errors.rule('custodian_office', '只有管档单位的档案管理员可以建档 / Only archivists of a custodian office set up archives');
      const cadreId = await cadres.createCadre(trx, this.clock, input);
      const archive = await archives.createArchive(trx, this.clock, { cadreId, kind: 'original', custodianOrgId: office.id, ...input.archive }, actorRef(user));
      await this.audit.record(trx, { actor: user, ip, action: 'cadre.create', objectType: 'cadre', objectId: cadreId, detail: { archiveId: archive.id } });
      return { cadreId, archiveId: archive.id, archiveNo: archive.archive_no };
    });
  }

  async addFamily(user: SessionUser, ip: string, input: cadres.FamilyInput) {
    return this.write(user, ip, 'cadre.family_add', { type: 'cadre', id: input.cadreId }, async (trx) => {
      const held = await archiveStore.archivesOfCadre(trx, input.cadreId);
      const mine = held.find((a) => a.custodian_org_id === user.orgUnitId);
      if (!mine) throw new WriteRefused(held.length || (await store.findCadre(trx, input.cadreId)) ? 'out_of_scope' : 'absent');
      await this.writableArchive(trx, user, mine.id);
      const id = await cadres.addFamilyMember(trx, this.clock, input);
      // The cadre and the relative (by the row's cadre link or its ID number) are now tied to each
      // other's accounts: the tasks such an account holds on the other's cases go back, as for an
      // avoidance entry (workflow/held-tasks.ts) — before this change's audit row: the cases' locks
      // come before the audit chain's (lockCases).
      const row = await trx('family_members').where({ id }).first('related_cadre_id', 'id_number');
      const byNumber = row?.id_number ? ((await store.findCadreByIdNumber(trx, row.id_number))?.id ?? null) : null;
      await releaseFamilyTies(trx, { clock: this.clock, audit: this.audit, notify: this.notify }, { actor: user, ip }, [input.cadreId, row?.related_cadre_id, byNumber]);
      await this.audit.record(trx, { actor: user, ip, action: 'cadre.family_add', objectType: 'cadre', objectId: input.cadreId, detail: { familyMemberId: id } });
      return { id };
    });
  }

  async fileMaterialAs(user: SessionUser, ip: string, input: Omit<catalogue.MaterialInput, 'actor'>) {
    return this.write(user, ip, 'material.file', { type: 'archive', id: input.archiveId }, async (trx) => {
      await this.writableArchive(trx, user, input.archiveId);
      const m = await this.fileMaterial(trx, { ...input, actor: actorRef(user) });
      await this.audit.record(trx, { actor: user, ip, action: 'material.file', objectType: 'material', objectId: m.id, detail: { archiveId: m.archive_id, seqNo: m.seq_no } });
      return materialDto(m);
    });
  }

  async supersedeAs(user: SessionUser, ip: string, input: Omit<Parameters<typeof catalogue.supersedeMaterial>[2], 'actor'>) {
    return this.write(user, ip, 'material.supersede', { type: 'material', id: input.materialId }, async (trx) => {
      const old = await catalog.findMaterial(trx, input.materialId);
      if (!old) throw new WriteRefused('absent');
      await this.writableArchive(trx, user, old.archive_id);
      const m = await this.supersedeMaterial(trx, { ...input, actor: actorRef(user) });
      await this.audit.record(trx, { actor: user, ip, action: 'material.supersede', objectType: 'material', objectId: m.id, detail: { supersedes: old.id, seqNo: m.seq_no } });
      return materialDto(m);
    });
  }

  /**
   * A row filed or corrected without page images (they are uploaded to it afterwards: a row filed by
   * hand, the 认定表 a 信息更正 files), so in an archive 已数字化 or 已验收 it
   * is a current material that fails 扫描质检. The filing is not refused — the pages can only follow
   * the row — but the claim no longer holds: the check is recorded (trigger `filing`, listed on
   * /quality) and, as for any failing check, moves the archive back to 部分数字化 with a note naming
   * the material (server/quality, audited {auto}). `actorId` is who filed it. Rows filed together
   * (the import: runImport's `filed`) are taken as if filed one after another, their archives' status
   * read once: the first row into such an archive moves it back, the rest find it 部分数字化.
   */
  async checkUnscannedInDigitised(trx: Trx, filed: Array<Pick<catalog.MaterialRow, 'id' | 'archive_id'>>, actorId: number | null) {
    const digitised = await archiveStore.archivesInDigitalStatus(trx, [...new Set(filed.map((m) => m.archive_id))], DIGITISED_STATUSES);
    for (const m of filed) {
      if (!digitised.has(m.archive_id)) continue;
      await this.scans.checkScans(trx, m.id, { trigger: 'filing', actorId });
      if (!DIGITISED_STATUSES.includes((await archiveStore.findArchive(trx, m.archive_id))!.digital_status as DigitalStatus)) digitised.delete(m.archive_id);
    }
  }

  /**
   * Adds scanned pages to a material and checks them (扫描质检, recorded). An archive 已验收 takes no
   * new pages: 验收 closed it, and a rescan starts with the chief withdrawing the 验收 (a move back
   * with a note). On an archive 已数字化, pages whose check fails move it back to 部分数字化
   * (server/quality), and the answer says so in `digitalStatus`.
   */
  async uploadPages(user: SessionUser, ip: string, materialId: number, pages: Buffer[], pageNo?: number) {
    return this.write(user, ip, 'page.upload', { type: 'material', id: materialId }, async (trx) => {
      const m = await catalog.findMaterial(trx, materialId);
      if (!m) throw new WriteRefused('absent');
      // Under the archive's lock, so a retry racing its own first attempt sees the page it wrote.
      const archive = await this.writableArchive(trx, user, m.archive_id, true);
      if (pageNo !== undefined) {
        const replay = await this.samePageAgain(trx, m, pageNo, pages);
        if (replay) return { ...replay, digitalStatus: await digitalStatusAfter(trx, archive), replayed: true };
      }
      archives.assertOpenForScans(archive);
      const rows = await this.scans.appendPages(trx, { material: m, archive }, pages, user.id);
      await this.audit.record(trx, { actor: user, ip, action: 'page.upload', objectType: 'material', objectId: materialId, detail: { pages: rows.map((r) => r.page_no) } });
      const findings = await this.scans.checkScansOf(trx, m, { trigger: 'upload', actorId: user.id });
      return { pages: rows.map(pageDto), findings, digitalStatus: await digitalStatusAfter(trx, archive), replayed: false };
    });
  }

  /**
   * An upload that names the page it creates (`pageNo`) is safe to retry: the page already there
   * with the same sha256 is the answer (nothing written, the findings of a check not recorded);
   * another image there is 409 PAGE_EXISTS (重扫此页 replaces a page); a number past the next one
   * is 409 PAGE_NOT_NEXT. Null when `pageNo` is the next page, to be appended.
   */
  private async samePageAgain(trx: Q, material: catalog.MaterialRow, pageNo: number, pages: Buffer[]) {
    const existing = await catalog.pagesOf(trx, material.id);
    const next = existing.reduce((n, p) => Math.max(n, p.page_no), 0) + 1;
    if (pageNo === next) return null;
    if (pageNo > next) {
      throw errors.conflict('PAGE_NOT_NEXT', `下一页应为第 ${next} 页，不能上传第 ${pageNo} 页 / The next page is page ${next}, not page ${pageNo}`, { pageNo, next });
    }
    const row = existing.find((p) => p.page_no === pageNo)!;
    if (pages.length !== 1 || createHash('sha256').update(pages[0]).digest('hex') !== row.sha256) {
      throw errors.conflict('PAGE_EXISTS', `第 ${pageNo} 页已有另一幅图像；如需替换，请用“重扫此页” / Page ${pageNo} already holds another image; use Rescan this page to replace it`, { pageNo, next });
    }
    return { pages: [pageDto(row)], findings: await this.scans.checkScansOf(trx, material) };
  }

  /**
   * 重扫此页: replaces page `pageNo` of a material with a new image and checks the material again
   * (recorded). Refused on an archive 已验收, as an upload is; the old image's file and sha256 are
   * in the audit row (page.replace); a failing check moves an archive 已数字化 back to 部分数字化.
   */
  async replacePage(user: SessionUser, ip: string, materialId: number, pageNo: number, page: Buffer) {
    return this.write(user, ip, 'page.replace', { type: 'material', id: materialId }, async (trx) => {
      const m = await catalog.findMaterial(trx, materialId);
      if (!m) throw new WriteRefused('absent');
      // Locked as an upload and a mark (标为不合格) lock it: a mark made meanwhile is cleared, not left on the new image.
      const archive = await this.writableArchive(trx, user, m.archive_id, true);
      archives.assertOpenForScans(archive);
      const { old, row } = await this.scans.replacePageScan(trx, { material: m, archive }, pageNo, page, user.id);
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'page.replace',
        objectType: 'material',
        objectId: materialId,
        detail: { pageNo, oldSha256: old.sha256, oldFile: old.file, oldDpi: old.dpi, sha256: row.sha256, dpi: row.dpi },
      });
      const findings = await this.scans.checkScansOf(trx, m, { trigger: 'upload', actorId: user.id });
      return { page: pageDto(row), findings, digitalStatus: await digitalStatusAfter(trx, archive) };
    });
  }

  /**
   * 撤下多余页: withdraws the last page of a material scanned past its 页数 (a page uploaded by
   * mistake) and checks the material again (recorded, trigger `withdraw`), so PAGE_COUNT clears once
   * the counts match. Same scope and 404s as 重扫此页; refused on an archive 已验收. The row stays
   * marked withdrawn and its file stays on disk; the audit row (page.withdraw) names file, sha256 and
   * the reason.
   */
  async withdrawPage(user: SessionUser, ip: string, materialId: number, pageNo: number, reason: string) {
    return this.write(user, ip, 'page.withdraw', { type: 'material', id: materialId }, async (trx) => {
      const m = await catalog.findMaterial(trx, materialId);
      if (!m) throw new WriteRefused('absent');
      const archive = await this.writableArchive(trx, user, m.archive_id, true);
      archives.assertOpenForScans(archive);
      const row = await this.scans.withdrawPageScan(trx, { material: m, archive }, pageNo, reason, user.id);
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'page.withdraw',
        objectType: 'material',
        objectId: materialId,
        detail: { pageNo, reason, file: row.file, sha256: row.sha256, declaredPages: m.pages },
      });
      const findings = await this.scans.checkScansOf(trx, m, { trigger: 'withdraw', actorId: user.id });
      const scannedPages = (await catalog.pagesOf(trx, materialId)).length;
      return { materialId, seqNo: m.seq_no, pageNo, scannedPages, declaredPages: m.pages, findings, digitalStatus: await digitalStatusAfter(trx, archive) };
    });
  }

  /**
   * 历史数据迁移 over HTTP: into the caller's own office only; a dry run writes nothing but its audit row.
   * An XLSX file takes one of the server's read slots while it is read (503 IMPORT_BUSY when none is
   * free); `signal` (the client gone) ends its read.
   */
  async importFile(user: SessionUser, ip: string, file: Buffer, dryRun: boolean, xlsx = false, signal?: AbortSignal) {
    const office = await people.findOrgUnit(this.db, user.orgUnitId);
    if (!office?.is_custodian) throw errors.rule('custodian_office', '只有管档单位的档案管理员可以导入 / Only archivists of a custodian office import');
    const sheets = await readImportFile(file, 'CSV', { xlsx, slots: this.xlsxReads, signal });
    const audit = (report: { imported: boolean; counts: object; errors: unknown[]; errorCount: number }) => ({
      actor: user,
      ip,
      action: dryRun ? 'import.dry_run' : 'import.run',
      objectType: 'org_unit',
      objectId: office.id,
      outcome: report.errors.length ? ('failure' as const) : ('success' as const),
      detail: { imported: report.imported, counts: report.counts, problems: report.errorCount },
    });
    const report = await runImport(this.db, this.clock, sheets, { dryRun, onlyOffice: office.id, actor: actorRef(user), maxErrors: 1000, filed: (trx, rows) => this.checkUnscannedInDigitised(trx, rows, user.id) }, (trx, r) => this.audit.record(trx, audit(r)).then(() => undefined));
    if (!report.imported) await this.audit.record(null, audit(report));
    return report;
  }

  // -- custody ranges (archive chief of the office) ---------------------------------------------

  async listCustodyRanges() {
    return (await store.listCustodyRanges(this.db)).map(custodyDto);
  }

  async addCustodyRange(user: SessionUser, ip: string, input: { rootOrgId: number; managementLevels: string[]; archiveKind: ArchiveKind; note?: string }) {
    return this.db.transaction(async (trx) => {
      const office = await people.findOrgUnit(trx, user.orgUnitId);
      if (!office?.is_custodian) throw errors.rule('custodian_office', '只有管档单位的档案室负责人可以设定管档范围 / Only the chief of a custodian office sets its ranges');
      if (!(await people.findOrgUnit(trx, input.rootOrgId))) throw errors.validation([{ field: 'rootOrgId', message: '单位不存在 / no such unit' }]);
      const id = await store.insertCustodyRange(trx, {
        custodian_org_id: office.id,
        root_org_id: input.rootOrgId,
        management_levels: JSON.stringify([...new Set(input.managementLevels)]),
        archive_kind: input.archiveKind,
        note: input.note ?? null,
        created_at: iso(this.clock.now()),
      });
      await this.audit.record(trx, { actor: user, ip, action: 'custody.add', objectType: 'custody_range', objectId: id });
      return custodyDto((await store.findCustodyRange(trx, id))!);
    });
  }

  async removeCustodyRange(user: SessionUser, ip: string, id: number) {
    await this.db.transaction(async (trx) => {
      const r = await store.findCustodyRange(trx, id);
      if (!r || r.custodian_org_id !== user.orgUnitId) throw errors.notFound('Custody range');
      await store.deleteCustodyRange(trx, id);
      await this.audit.record(trx, { actor: user, ip, action: 'custody.remove', objectType: 'custody_range', objectId: id });
    });
    return { ok: true as const };
  }
}
