// The engine services of 复制/摘录 (processes/copy-request.bpmn, DOMAIN.md §1.4, §6.3): materials
// named by 序号 in advance, copies only of approved materials, made and certified by the archivist
// (seal text and date recorded), one 复制登记 row per copy, and the using unit's report that the
// copies were filed or destroyed — with a reminder when it is late.
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import { ProcessError } from '../engine/run.ts';
import type { ServiceRegistry } from '../engine/types.ts';
import * as catalog from '../archives/catalog-store.ts';
import { registerNotice } from '../notify/notices.ts';
import { formatInstant } from '../notify/beijing.ts';
import type { RequestDeps } from './deps.ts';
import { checkApplicants, checkMaterials, checkPurpose, checkRelations, fileRequest, jsonList, resolveTarget } from './checks.ts';
import { APPROVERS_WORDS_END, isDay, KINDS, requestOf, short, today } from './kit.ts';
import { assertStillHeld } from './availability.ts';
import * as store from './store.ts';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

interface RequestedMaterial {
  seqNo: string;
  materialId: number;
  title: string;
  pages: number;
}

export function registerCopyServices(registry: ServiceRegistry, deps: RequestDeps): void {
  const { access, notify } = deps;

  registry.register('checkCopyRequest', async (ctx) => {
    const actor = ctx.actor;
    if (!actor) throw errors.rule('applicant', '申请须由查档人员提交 / A request is filed by an applicant');
    const v = ctx.variables;
    const kind = str(v.kind);
    if (!KINDS[kind]) throw errors.rule('kind', '方式须为复制或摘录 / Copy or extract', { kind });
    const purpose = checkPurpose(v.purpose);
    const applicants = await checkApplicants(ctx.trx, actor.id, v.coApplicants);
    const target = await resolveTarget(ctx.trx, v.cadreName, v.cadreIdNumber);
    await checkRelations(ctx.trx, access, applicants, target.cadre.id);
    const materials = await checkMaterials(ctx.trx, target.archive.id, v.materials);
    const copies = typeof v.copies === 'number' && Number.isInteger(v.copies) && v.copies > 0 ? v.copies : 1;

    const filed = await fileRequest(ctx, {
      prefix: '复制',
      actor,
      applicants,
      target,
      reason: v.reason,
      row: {
        kind: kind as 'copy' | 'extract',
        mode: null,
        purpose,
        categories: JSON.stringify([...new Set(materials.map((m) => m.seqNo.replace(/-\d+$/, '')))]),
        materials: JSON.stringify(materials),
        copies: kind === 'extract' ? 1 : copies,
        view_from: null,
        view_days: null,
        loan_days: null,
      },
    });
    return {
      ...filed,
      caseSubject: `${KINDS[kind]}：${short(v.reason)}`,
      orgScopes: { unit_head: actor.orgUnitId, archivist: target.custodianOrgId, archive_chief: target.custodianOrgId },
    };
  });

  /** 记录批准的材料: the chief may approve fewer materials than asked for, never others. */
  registry.register('approveCopyRequest', async (ctx) => {
    const req = await requestOf(ctx);
    await assertStillHeld(ctx.trx, req);
    const requested = (JSON.parse(req.materials ?? '[]') as RequestedMaterial[]).map((m) => m.seqNo);
    const chosen = Array.isArray(ctx.variables.approvedMaterials) ? ctx.variables.approvedMaterials.map((s) => str(s)) : [];
    const approved = chosen.length ? [...new Set(chosen)] : requested;
    const others = approved.filter((s) => !requested.includes(s));
    if (others.length) {
      throw errors.rule('approved-within-request', `准予复制的材料须在申请所列材料之内：${others.join('、')} / Only materials named in the request can be approved: ${others.join(', ')}`, { materials: others });
    }
    await store.updateRequest(ctx.trx, req.id, { status: 'approved', approved_materials: JSON.stringify(approved), decided_at: iso(ctx.clock.now()) });
    return { outcome: 'approved', approvedMaterials: approved, ...APPROVERS_WORDS_END };
  });

  /** 逐份登记: one row per copy of each approved material, certified now by the archivist. */
  registry.register('registerCopies', async (ctx) => {
    const v = ctx.variables;
    if (v.made !== true) {
      throw errors.rule('copies-not-made', '复制件须由档案管理员制作并核对无误后登记 / The archivist makes and checks the copies before they are registered');
    }
    const sealText = str(v.sealText);
    const certification = str(v.certification);
    if (!sealText || !certification) throw errors.rule('seal-required', '复制件须签注意见并加盖公章 / Copies need the certification and the seal');
    const req = await requestOf(ctx);
    if (!ctx.actor) throw new ProcessError('登记复制件须由核对的档案管理员办理 / registerCopies needs the archivist who certified');
    const current = new Map((await catalog.currentMaterials(ctx.trx, req.archive_id)).map((m) => [m.seq_no, m]));
    const now = iso(ctx.clock.now());
    const copies = req.copies ?? 1;
    const rows: Array<Omit<store.CopyRow, 'id'>> = [];
    for (const seqNo of jsonList(req.approved_materials)) {
      const m = current.get(seqNo);
      if (!m) throw errors.rule('materials-not-in-catalogue', `材料 ${seqNo} 已不在目录中 / Material ${seqNo} is no longer in the catalogue`, { seqNo });
      for (let n = 1; n <= copies; n++) {
        rows.push({
          request_id: req.id,
          serial_no: `${req.case_no}-${String(rows.length + 1).padStart(2, '0')}`,
          custodian_org_id: req.custodian_org_id,
          archive_id: req.archive_id,
          material_id: m.id,
          seq_no: seqNo,
          title: m.title,
          page_from: 1,
          page_to: m.pages,
          copy_no: n,
          copies,
          kind: req.kind === 'extract' ? 'extract' : 'copy',
          seal_text: sealText.slice(0, 60),
          certification: certification.slice(0, 200),
          certified_by: ctx.actor.id,
          certified_at: now,
          recipient_org_id: req.requester_org_id,
          purpose: req.purpose,
          disposition: null,
          disposition_date: null,
          disposition_by: null,
          disposition_note: null,
          disposition_recorded_at: null,
          pdf_file: null,
          created_at: now,
        });
      }
    }
    await store.insertCopies(ctx.trx, rows);
    await store.updateRequest(ctx.trx, req.id, { status: 'copied' });
    return { copyCount: rows.length };
  });

  /** The using unit's report is late: remind the applicant who took the copies. */
  registerNotice(registry, notify, 'notifyCopyDisposition', async (ctx) => {
    const req = await requestOf(ctx);
    const made = await store.copiesOf(ctx.trx, req.id);
    return {
      template: 'copy_disposition_due',
      recipients: [{ userId: req.initiator_id }],
      vars: { copyCount: made.length, certifiedAt: formatInstant(made[0]?.certified_at ?? null) },
    };
  });

  /** 登记存档或销毁: for every copy of the case, once. */
  registry.register('recordCopyDisposition', async (ctx) => {
    const v = ctx.variables;
    const req = await requestOf(ctx);
    const made = await store.copiesOf(ctx.trx, req.id);
    const day = str(v.dispositionDate);
    const certifiedDay = made[0] ? today(new Date(made[0].certified_at)) : day;
    if (!isDay(day) || day > today(ctx.clock.now()) || day < certifiedDay) {
      throw errors.rule('disposition-date', '处置日期须在复制之后且不晚于今天 / The disposition date lies between the copying and today', { field: 'dispositionDate', dispositionDate: day || null });
    }
    const disposition = v.disposition === 'filed' || v.disposition === 'destroyed' ? v.disposition : null;
    if (!disposition) throw errors.rule('disposition', '须说明复制件已存档或已销毁 / Say whether the copies were filed or destroyed');
    const now = iso(ctx.clock.now());
    await store.setDisposition(ctx.trx, req.id, {
      disposition,
      disposition_date: day,
      disposition_by: ctx.actor?.id ?? null,
      disposition_note: str(v.comment).slice(0, 500) || null,
      disposition_recorded_at: now,
    });
    await store.updateRequest(ctx.trx, req.id, { status: 'closed', closed_at: now });
  });
}
