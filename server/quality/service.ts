// Scan quality control (扫描质检, DOMAIN.md §3): records every check of a material's scans (at
// filing through 材料收集归档, on upload, on demand for a material or a whole archive) and lists the
// materials whose newest check failed, for the archive offices in the caller's scope. The checks
// themselves are the archive's own (Scans.checkScans): page count against 页数, gaps, duplicates,
// resolution ≥ SCAN_MIN_DPI, sha256, and that each image decodes at its recorded size.
// It also moves an archive's digital status (数字化进度): 已数字化 and 已验收 only after a fresh check
// of every current material has passed, and back to 部分数字化 when a recorded check of one fails.
// An archivist marks a page failing by eye (标为不合格, markPage): recorded as such a check.
import type { Db, Q, Trx } from '../db.ts';
import * as people from '../people/store.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { AccessRules } from '../access/rules.ts';
import type { SessionUser } from '../people/sessions.ts';
import { digitalStatusAfter, type ArchivesService } from '../archives/service.ts';
import type { ScanCheck, ScanFinding } from '../archives/scans.ts';
import * as catalog from '../archives/catalog-store.ts';
import * as archiveStore from '../archives/archive-store.ts';
import { assertDigitalMove, assertKept, changeDigitalStatus, withdrawDigitisedForFailingCheck } from '../archives/archives.ts';
import { DIGITAL_STATUSES, DIGITAL_TRANSITIONS, DIGITISED_STATUSES, type DigitalStatus } from '../archives/codes.ts';
import * as store from './store.ts';

type CheckResult = { materialId: number; seqNo: string; title: string; passed: boolean; findings: ScanFinding[] };

export class QualityService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly access: AccessRules,
    private readonly archives: ArchivesService,
  ) {
    archives.scans.onChecked = (q, check) => this.record(q, check);
  }

  private async record(q: Q, c: ScanCheck): Promise<void> {
    await store.insertCheck(q, {
      material_id: c.materialId,
      archive_id: c.archiveId,
      trigger: c.trigger,
      checked_at: iso(this.clock.now()),
      checked_by: c.actorId,
      min_dpi: c.minDpi,
      pages_declared: c.declaredPages,
      pages_scanned: c.scannedPages,
      passed: c.findings.length === 0,
      findings: JSON.stringify(c.findings),
    });
    if (c.findings.length) await this.withdrawDigitised(q, c);
  }

  /**
   * A failing check of a material in an archive marked 已数字化 or 已验收 moves it back to 部分数字化
   * (archives.withdrawDigitisedForFailingCheck), in the caller's transaction — or in its own when the
   * check is committed on its own (an archive check) — audited as archive.digital_status {auto}.
   */
  private async withdrawDigitised(q: Q, c: ScanCheck): Promise<void> {
    const archive = await archiveStore.findArchive(q, c.archiveId);
    if (!archive || !DIGITISED_STATUSES.includes(archive.digital_status as DigitalStatus)) return;
    const codes = codesOf(c.findings);
    const run = async (trx: Trx) => {
      const from = await withdrawDigitisedForFailingCheck(trx, this.clock, { archiveId: c.archiveId, actorId: c.actorId, seqNo: c.seqNo, codes });
      if (!from) return;
      const user = c.actorId === null ? undefined : await people.findUser(trx, c.actorId);
      const actor = user ? { id: user.id, username: user.username, roles: await people.rolesOf(trx, user.id), orgUnitId: user.org_unit_id } : null;
      await this.audit.record(trx, {
        actor,
        actorName: actor ? undefined : 'system',
        action: 'archive.digital_status',
        objectType: 'archive',
        objectId: c.archiveId,
        detail: { from, to: 'partial', auto: true, materialId: c.materialId, trigger: c.trigger, codes },
      });
    };
    if ((q as Trx).isTransaction) await run(q as Trx);
    else await this.db.transaction(run);
  }

  /**
   * The archive if the user's office holds it (archivist or chief, no avoidance tie); else a denial,
   * audited: 404 out of scope, or the rule 'archive_gone' (422) when it has left the office
   * (已转出, 已移交档案馆) — nothing is checked or moved on it any more.
   */
  private async heldArchive(user: SessionUser, ip: string, archiveId: number | undefined, object: { type: string; id: number }, action = 'scan_check.run') {
    const check = archiveId === undefined ? { ok: false as const, reason: 'absent' as const } : await this.access.checkArchive(this.db, user, archiveId, { register: true });
    if (check.ok && check.via === 'custody' && !check.gone) return;
    const reason = !check.ok ? check.reason : check.via !== 'custody' ? 'out_of_scope' : 'gone';
    await this.audit.record(null, { actor: user, ip, action, objectType: object.type, objectId: object.id, outcome: 'denied', detail: { reason } });
    if (reason === 'gone') assertKept((await archiveStore.findArchive(this.db, archiveId!))!);
    throw errors.notFound(object.type === 'archive' ? 'Archive' : 'Material');
  }

  /** Checks one material now and records the result. */
  async checkMaterial(user: SessionUser, ip: string, materialId: number) {
    const material = await catalog.findMaterial(this.db, materialId);
    await this.heldArchive(user, ip, material?.archive_id, { type: 'material', id: materialId });
    return this.db.transaction(async (trx) => {
      const findings = await this.archives.checkScans(materialId, trx, { trigger: 'material', actorId: user.id });
      await this.audit.record(trx, { actor: user, ip, action: 'scan_check.run', objectType: 'material', objectId: materialId, detail: { passed: !findings.length, codes: codesOf(findings) } });
      return { materialId, seqNo: material!.seq_no, passed: !findings.length, findings };
    });
  }

  /**
   * Checks every scanned material of an archive (every material, when the archive is marked
   * digitised). Each check is committed on its own: decoding a whole archive's pages takes seconds,
   * and the embedded database must not be held for that long.
   */
  async checkArchive(user: SessionUser, ip: string, archiveId: number) {
    await this.heldArchive(user, ip, archiveId, { type: 'archive', id: archiveId });
    const archive = (await archiveStore.findArchive(this.db, archiveId))!;
    const { results, notScanned } = await this.runChecks(user, archiveId, DIGITISED_STATUSES.includes(archive.digital_status as DigitalStatus));
    const failing = results.filter((r) => !r.passed).length;
    await this.audit.record(null, { actor: user, ip, action: 'scan_check.run', objectType: 'archive', objectId: archiveId, detail: { checked: results.length, failing } });
    return { archiveId, checked: results.length, notScanned, failing, results };
  }

  /** Checks the scanned materials of an archive, or all of its current materials; each check commits on its own. */
  private async runChecks(user: SessionUser, archiveId: number, everyMaterial: boolean) {
    const all = await store.materialsWithScanCounts(this.db, archiveId);
    const due = everyMaterial ? all : all.filter((m) => m.scanned > 0);
    const results: CheckResult[] = [];
    for (const m of due) {
      const findings = await this.archives.checkScans(m.id, this.db, { trigger: 'archive', actorId: user.id });
      results.push({ materialId: m.id, seqNo: m.seq_no, title: m.title, passed: !findings.length, findings });
    }
    return { results, notScanned: all.length - due.length };
  }

  /**
   * Moves an archive's digital status (DIGITAL_TRANSITIONS). To 部分数字化: some material has scans.
   * To 已数字化 or 已验收: every current material is checked now (each check committed on its own, as
   * above), and the move commits only if the newest check of every current material passed — read
   * again under the archive's lock, so a page uploaded meanwhile counts. A move down needs a note.
   */
  async changeDigitalStatus(user: SessionUser, ip: string, archiveId: number, body: { to: DigitalStatus; note?: string }) {
    await this.heldArchive(user, ip, archiveId, { type: 'archive', id: archiveId }, 'archive.digital_status');
    const from = (await archiveStore.findArchive(this.db, archiveId))!.digital_status;
    const note = body.note?.trim() || null;
    assertDigitalMove(from, body.to, user.roles, note);
    const up = !DIGITAL_TRANSITIONS[from as DigitalStatus]![body.to]!.down;
    const fullCheck = up && DIGITISED_STATUSES.includes(body.to);
    const { results } = fullCheck ? await this.runChecks(user, archiveId, true) : { results: [] };
    return this.db.transaction(async (trx) => {
      await archiveStore.lockArchive(trx, archiveId);
      if (up) {
        const state = await store.currentCheckState(trx, archiveId);
        const failing = fullCheck ? state.filter((m) => !m.passed) : [];
        if (fullCheck && (!state.length || failing.length)) {
          throw errors.rule('digital_scans', `${failing.length} 份材料的扫描件未通过检查，不能标记为“${DIGITAL_STATUSES[body.to].zh}” / ${failing.length === 1 ? '1 material does' : `${failing.length} materials do`} not pass the scan check`, {
            checked: results.length,
            notScanned: state.filter((m) => m.scanned === 0).length,
            failing: failing.map((m) => ({ materialId: m.id, seqNo: m.seq_no, title: m.title, findings: m.findings })),
            // A failing check moves an archive marked 已数字化 back to 部分数字化 (withdrawDigitised).
            digitalStatus: (await archiveStore.findArchive(trx, archiveId))!.digital_status,
          });
        }
        if (!fullCheck && !state.some((m) => m.scanned > 0)) {
          throw errors.rule('digital_scans', '该档案还没有扫描件 / The archive has no scanned pages yet', { checked: 0, notScanned: state.length, failing: [] });
        }
      }
      const actor = { id: user.id, username: user.username, roles: user.roles };
      const archive = await changeDigitalStatus(trx, this.clock, { archiveId, from, to: body.to, note, actor, checked: results.length });
      await this.audit.record(trx, { actor: user, ip, action: 'archive.digital_status', objectType: 'archive', objectId: archiveId, detail: { from, to: body.to, checked: results.length } });
      return { archiveId, fromStatus: from, toStatus: archive.digital_status, toStatusLabel: DIGITAL_STATUSES[body.to].zh, checked: results.length, results };
    });
  }

  /**
   * 标为不合格: an archivist or chief of the holding office marks page `pageNo` of a material failing
   * by eye (illegible, skewed, the wrong material), with a reason. The mark is recorded as a check of
   * the material (trigger `mark`, finding MARKED_FAILING), so it is what an automatic failing check
   * is: /quality lists it, 电子查阅 refuses its category, and an archive 已数字化 or 已验收 moves back
   * to 部分数字化 (record → withdrawDigitised). It stands in every later check until 重扫此页 replaces
   * the page. Another office, a cadre to avoid, an absent material or page: 404. Marked already: 409.
   */
  async markPage(user: SessionUser, ip: string, materialId: number, pageNo: number, reason: string) {
    const material = await catalog.findMaterial(this.db, materialId);
    await this.heldArchive(user, ip, material?.archive_id, { type: 'material', id: materialId }, 'page.mark_failing');
    return this.db.transaction(async (trx) => {
      const before = (await archiveStore.lockArchive(trx, material!.archive_id))!;
      if (!(await catalog.findPage(trx, materialId, pageNo))) throw errors.notFound('Page');
      // A corrected row is out of the catalogue and of /quality: a mark there would move the archive back unseen.
      if (await catalog.isSuperseded(trx, materialId)) {
        throw errors.conflict('MATERIAL_SUPERSEDED', '该材料已被更正，请在最新的一条上标记 / This material was corrected; mark the pages of the newest row');
      }
      if ((await catalog.standingMarks(trx, materialId)).some((k) => k.page_no === pageNo)) {
        throw errors.conflict('PAGE_MARKED', `第 ${pageNo} 页已标为不合格，重扫此页后才能再标 / Page ${pageNo} is already marked failing; rescan it first`, { pageNo });
      }
      await catalog.insertPageMark(trx, { material_id: materialId, page_no: pageNo, reason, marked_by: user.id, marked_at: iso(this.clock.now()) });
      const findings = await this.archives.checkScans(materialId, trx, { trigger: 'mark', actorId: user.id });
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'page.mark_failing',
        objectType: 'material',
        objectId: materialId,
        detail: { archiveId: material!.archive_id, seqNo: material!.seq_no, pageNo, reason, codes: codesOf(findings) },
      });
      return { materialId, seqNo: material!.seq_no, pageNo, passed: false, findings, digitalStatus: await digitalStatusAfter(trx, before) };
    });
  }

  /** 质检不合格清单: materials whose newest check failed, in the archive offices the user reads by role. */
  async failing(user: SessionUser, ip: string, f: { archiveId?: number; custodianOrgId?: number; limit: number; offset: number }) {
    const offices = await this.access.custodianOffices(this.db, user);
    if (f.custodianOrgId !== undefined && !offices.includes(f.custodianOrgId)) throw errors.notFound('Archive office');
    const excludedCadreIds = await this.access.excludedCadreIds(this.db, user.id);
    const { rows, total } = await store.listFailing(this.db, { offices, excludedCadreIds }, f, f);
    for (const row of rows) row.findings = await this.sayWhereElse(row.materialId, row.findings, offices, excludedCadreIds);
    await this.audit.record(null, { actor: user, ip, action: 'scan_check.list', objectType: 'scan_check', detail: { total, returned: rows.length } });
    return { total, items: rows };
  }

  /**
   * DUPLICATE_ELSEWHERE for this reader: the 档案号 of the other archives holding the page's image
   * that the reader's scope covers (an office they read, no cadre they must avoid). Of the others
   * nothing, not even that they exist — a count would tell an archivist whether an image is on file
   * with a cadre he must avoid; with none he may see, the finding is not his. Read now, so a page
   * withdrawn or rescanned since the check is no longer named.
   */
  private async sayWhereElse(materialId: number, findings: ScanFinding[], offices: number[], excludedCadreIds: number[]): Promise<ScanFinding[]> {
    if (!findings.some((x) => x.code === 'DUPLICATE_ELSEWHERE')) return findings;
    const out: ScanFinding[] = [];
    for (const x of findings) {
      if (x.code !== 'DUPLICATE_ELSEWHERE' || x.pageNo === undefined) {
        out.push(x);
        continue;
      }
      const others = await catalog.archivesSharingPages(this.db, materialId, x.pageNo);
      const seen = others.filter((o) => offices.includes(o.custodian_org_id) && !excludedCadreIds.includes(o.cadre_id));
      const archiveNos = [...new Set(seen.map((o) => o.archive_no))];
      if (archiveNos.length) out.push({ ...x, message: elsewhereMessage(x.pageNo, archiveNos), elsewhere: { archiveNos } });
    }
    return out;
  }
}

const codesOf = (findings: ScanFinding[]) => [...new Set(findings.map((x) => x.code))];

/** Where else a page's image is, as the reader may be told: archives he may see only. */
function elsewhereMessage(n: number, archiveNos: string[]): string {
  return `第 ${n} 页的图像与档案 ${archiveNos.join('、')} 中的页相同 / page ${n}: the same image is a page of archive${archiveNos.length === 1 ? '' : 's'} ${archiveNos.join(', ')}`;
}
