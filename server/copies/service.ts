// 复制件 as certified PDFs (DOMAIN.md §1.4, §6.3, §1.7): for a row of the 复制登记 (one certified copy
// of one approved material, registered by the copy-request process's 逐份登记 step), the archivist
// of the custodian office makes the PDF once — exactly the approved pages, each watermarked in its
// pixels with the request number, purpose and copy serial, plus the 核证页 — and it is kept under the
// data folder with its sha256. Downloads serve those bytes, audited, to the office's staff and to
// the applicants on the request until they report the copies filed or destroyed. A 摘录件 (extract)
// is no copy: its PDF is drawn from the text the archivist entered and checked (DOMAIN.md §1.4:
// "normally only 摘抄"), citing the material and pages, never from page images.
// Nothing outside the approval is exported: the request must be approved, the material one the
// chief approved and of the request's archive, the pages within the register row; every refusal is
// audited (outcome denied, the rule only).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { AccessRules } from '../access/rules.ts';
import type { SessionUser } from '../people/sessions.ts';
import type { Scans } from '../archives/scans.ts';
import * as catalog from '../archives/catalog-store.ts';
import { beijingDay } from '../notify/beijing.ts';
import { PURPOSES } from '../requests/checks.ts';
import type { RequestRow } from '../requests/store.ts';
import type { RequestRecords } from '../requests/records.ts';
import { watermarkPage } from '../reading/watermark.ts';
import { buildCopyPdf, CERT_DPI, palettePng, renderCertification, renderExtractPages, type CopyPage } from './pdf.ts';
import * as store from './store.ts';
import type { CopyPdfRow } from './store.ts';

/** Requests whose approval has been recorded (the copy process sets copied, then closed). */
const APPROVED = ['approved', 'copied', 'closed'];
const KIND_LABEL = { copy: '复制件', extract: '摘录件' } as const;
/** A case registers (approved materials × at most 5 copies) rows; its page lists them all up to this. */
const CASE_ROWS = 500;

/** The watermark of every page of a copy: request number, purpose, serial and day (DOMAIN.md §6.3). */
export function copyWatermarkLines(row: Pick<CopyPdfRow, 'serial_no' | 'certified_at' | 'kind'>, request: Pick<RequestRow, 'case_no' | 'purpose'>): string[] {
  return [`申请号 ${request.case_no}`, `用途 ${PURPOSES[request.purpose] ?? request.purpose}`, `${KIND_LABEL[row.kind]} ${row.serial_no} ${beijingDay(new Date(row.certified_at))}`];
}

/** What making a PDF answers (CopyPdf in the API). */
interface CopyPdfMade {
  copyId: number;
  serialNo: string;
  pages: { from: number; to: number };
  sha256: string;
  bytes: number;
  madeAt: string;
  created: boolean;
}
/** A row cleared for its PDF: in the user's office, of the path's kind, within the approval. */
interface Certifiable {
  row: CopyPdfRow;
  request: RequestRow;
  pages: number[];
  /** Whether a PDF made meanwhile was made from this very ask (its text and pages): checked again under the lock. */
  same: (row: CopyPdfRow) => boolean;
}

/** A PDF was made already, from another text or other pages: it stays as it is. */
function pdfExists(kind: CopyPdfRow['kind']) {
  return errors.conflict('PDF_EXISTS', `该${KIND_LABEL[kind]}的 PDF 已制作，${kind === 'extract' ? '文字和' : ''}页码不能再改 / The PDF of this ${kind} exists; it cannot change`);
}

class Refused {
  constructor(
    readonly reason: string,
    readonly error: Error,
  ) {}
}

export class CopiesService {
  readonly root: string;
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly access: AccessRules,
    private readonly scans: Scans,
    /** The 复制登记's rows, read the register's way (the case view checks its reader itself). */
    private readonly records: RequestRecords,
    dataDir: string,
    private readonly maxPx: number,
  ) {
    this.root = path.join(dataDir, 'copies');
  }

  /**
   * The 复制登记 rows of one copy-request case, for its case page, with their PDF state: exactly what
   * the register shows the same user (the holding office's staff, the leaders above it; never about a
   * cadre they must avoid), and to the applicants on the request their own request's rows, which
   * they download until they report the copies filed or destroyed. `viewer` says which. Absent, not
   * a copy case, or out of scope answers 404 alike; both audited (the row count, never content).
   */
  async ofCase(user: SessionUser, ip: string, instanceId: string) {
    const request = await store.findRequestOfInstance(this.db, instanceId);
    const entry = { actor: user, ip, objectType: 'process_instance', objectId: instanceId };
    let reason: string | null = 'absent';
    let viewer: 'office' | 'applicant' = 'office';
    if (request && request.kind in KIND_LABEL) {
      reason = await this.access.relationTo(this.db, user.id, request.cadre_id);
      if (!reason && !(await this.access.custodianOffices(this.db, user)).includes(request.custodian_org_id)) {
        const applicant = user.roles.includes('applicant') && (await store.isApplicant(this.db, request.id, user.id));
        if (applicant) viewer = 'applicant';
        else reason = 'out_of_scope';
      }
    }
    if (reason || !request) {
      await this.audit.record(null, { ...entry, action: 'copy.case_list_denied', outcome: 'denied', detail: { reason: reason ?? 'absent' } });
      throw errors.notFound('Copy request');
    }
    // Checked above for either reader: every row of the request is about its one cadre, in its office.
    const list = await this.records.copyRowsOfRequest(request, { limit: CASE_ROWS, offset: 0 });
    await this.audit.record(null, { ...entry, action: 'copy.case_list', detail: { requestId: request.id, rows: list.total, viewer } });
    return { ...list, viewer };
  }

  /** Audits a refusal about a row: why, and the row's kind when it was read (the console reads 制作摘录件 PDF 被拒 by it). */
  private async refuse(user: SessionUser, ip: string, action: string, copyId: number, r: Refused, kind?: CopyPdfRow['kind']): Promise<never> {
    await this.audit.record(null, { actor: user, ip, action, objectType: 'copy_record', objectId: copyId, outcome: 'denied', detail: kind ? { reason: r.reason, kind } : { reason: r.reason } });
    throw r.error;
  }

  /** The row, if the user is on the staff of the office that holds it and not tied to the cadre. */
  private async officeRow(user: SessionUser, copyId: number): Promise<CopyPdfRow | Refused> {
    const row = await store.findCopy(this.db, copyId);
    if (!row) return new Refused('absent', errors.notFound('Copy'));
    const check = await this.access.checkArchive(this.db, user, row.archive_id);
    if (!check.ok || check.via !== 'custody' || user.orgUnitId !== row.custodian_org_id) return new Refused(check.ok ? 'out_of_scope' : check.reason, errors.notFound('Copy'));
    return row;
  }

  /** Checks the row against the request's approval and the catalogue: what the PDF may contain. */
  private async approvedPages(row: CopyPdfRow, range: { pageFrom?: number; pageTo?: number }): Promise<{ request: RequestRow; pages: number[] } | Refused> {
    const request = await store.findRequest(this.db, row.request_id);
    if (!request || !['copy', 'extract'].includes(request.kind) || !APPROVED.includes(request.status)) {
      return new Refused('not_approved', errors.rule('copy-not-approved', '申请尚未批准或已驳回，不能制作复制件 / The request is not approved', { status: request?.status ?? null }));
    }
    const approved = JSON.parse(request.approved_materials ?? '[]') as string[];
    const material = await catalog.findMaterial(this.db, row.material_id);
    if (!material || row.archive_id !== request.archive_id || material.archive_id !== request.archive_id || material.seq_no !== row.seq_no || !approved.includes(row.seq_no)) {
      return new Refused('material_not_approved', errors.rule('copy-outside-approval', '该材料不在批准复制的范围内 / This material is not among the approved ones'));
    }
    const from = range.pageFrom ?? row.page_from;
    const to = range.pageTo ?? row.page_to;
    if (from > to) {
      return new Refused('pages_reversed', errors.rule('pages-reversed', `起始页（第 ${from} 页）不能在结束页（第 ${to} 页）之后 / The first page (${from}) comes after the last (${to})`, { field: 'pageFrom' }));
    }
    if (from < Math.max(1, row.page_from) || to > Math.min(row.page_to, material.pages)) {
      return new Refused('pages_not_approved', errors.rule('pages-outside-approval', `页码须在批准的第 ${row.page_from}–${row.page_to} 页之内 / Pages must lie within the approved ${row.page_from}–${row.page_to}`, { approved: { from: row.page_from, to: row.page_to } }));
    }
    return { request, pages: Array.from({ length: to - from + 1 }, (_, i) => from + i) };
  }

  /**
   * What every certified PDF needs before it is drawn: the row in the user's office, of the kind the
   * path makes (a copy's pages, an extract's text), its pages within the approval. A PDF already made
   * is answered again when `same` says the ask is the one it was made from, else 409. None comes into
   * being once the using unit has reported the copies filed or destroyed. Refusals audited.
   */
  private async certifiable(
    user: SessionUser,
    ip: string,
    copyId: number,
    kind: CopyPdfRow['kind'],
    range: { pageFrom?: number; pageTo?: number },
    same: (row: CopyPdfRow) => boolean,
  ): Promise<{ made: CopyPdfMade } | Certifiable> {
    const row = await this.officeRow(user, copyId);
    if (row instanceof Refused) return this.refuse(user, ip, 'copy.pdf_denied', copyId, row);
    if (row.kind !== kind) {
      const wrong =
        row.kind === 'extract'
          ? new Refused('extract_from_text', errors.rule('extract-from-text', '摘录件由档案管理员录入并核对的摘录文字制作，不复制档案页面 / An extract is made from its checked text, never from page images', { kind: row.kind }))
          : new Refused('not_extract', errors.rule('not-an-extract', '这是复制件，不是摘录件：请从页面制作 PDF / This is a copy, not an extract: make its PDF from the pages', { kind: row.kind }));
      return this.refuse(user, ip, 'copy.pdf_denied', copyId, wrong, row.kind);
    }
    const ok = await this.approvedPages(row, range);
    if (ok instanceof Refused) return this.refuse(user, ip, 'copy.pdf_denied', copyId, ok, row.kind);
    if (row.pdf_file) {
      if (!same(row)) throw pdfExists(kind);
      return { made: { ...this.pdfInfo(row), created: false } };
    }
    // Once the using unit has reported the copies filed or destroyed (the case is closed), no new
    // certified copy comes into being: one made before stays what it was.
    if (row.disposition || ok.request.status === 'closed') {
      return this.refuse(user, ip, 'copy.pdf_denied', copyId, new Refused('disposed', errors.rule('copy-disposed', '使用单位已报告复制件存档或销毁，本案已办结，不能再制作电子复制件 / The using unit has reported the copies filed or destroyed and the case is closed: no new PDF', { disposition: row.disposition })), row.kind);
    }
    return { row, ...ok, same };
  }

  /** Makes the certified PDF of a copy's register row from its pages, once; asked again, answers the one made. */
  async produce(user: SessionUser, ip: string, copyId: number, range: { pageFrom?: number; pageTo?: number }): Promise<CopyPdfMade> {
    const samePages = (r: CopyPdfRow) => (range.pageFrom ?? r.page_from) === r.page_from && (range.pageTo ?? r.page_to) === r.page_to;
    const ok = await this.certifiable(user, ip, copyId, 'copy', range, samePages);
    if ('made' in ok) return ok.made;
    const { row, request, pages } = ok;
    // A page marked failing (illegible, or another material's page) is not certified 与原件一致 until rescanned.
    const marked = ((await catalog.markedPages(this.db, [row.material_id])).get(row.material_id) ?? []).filter((n) => pages.includes(n));
    if (marked.length) {
      return this.refuse(user, ip, 'copy.pdf_denied', copyId, new Refused('pages_marked', errors.rule('pages-marked', `第 ${marked.join('、')} 页已被标为不合格，重扫后才能制作复制件 / Page ${marked.join(', ')} is marked failing: rescan it before copying`, { pages: marked })), row.kind);
    }
    const lines = copyWatermarkLines(row, request);
    const rendered: CopyPage[] = [];
    for (const pageNo of pages) {
      const scan = await this.scans.readPage(this.db, row.material_id, pageNo);
      if (!scan) throw errors.rule('scans-missing', `第 ${pageNo} 页没有扫描件，不能制作电子复制件 / Page ${pageNo} has no scan`, { pageNo });
      const wm = await watermarkPage(scan.data, lines, { format: 'jpeg', quality: 85, maxWidth: this.maxPx || undefined });
      rendered.push({ data: wm.data, format: 'jpeg', width: wm.width, height: wm.height, dpi: (scan.row.dpi ?? 200) * (wm.width / scan.row.width) });
    }
    return this.keep(user, ip, ok, rendered, {});
  }

  /**
   * Makes the certified PDF of an extract's register row (摘录件) from the text the archivist entered
   * and checked against the material, citing its pages: the text's pages, watermarked as a copy's,
   * and the 核证页. No page image of the archive enters it. Once; asked again with the same text and
   * pages, answers the one made.
   */
  async extract(user: SessionUser, ip: string, copyId: number, body: { text: string; pageFrom: number; pageTo: number }): Promise<CopyPdfMade> {
    const same = (r: CopyPdfRow) => r.extract_text === body.text && r.page_from === body.pageFrom && r.page_to === body.pageTo;
    const ok = await this.certifiable(user, ip, copyId, 'extract', body, same);
    if ('made' in ok) return ok.made;
    const { row, request, pages } = ok;
    const head = await this.head(row, request, pages);
    const drawn = await renderExtractPages({ title: '干部人事档案摘录件', rows: head.rows, text: body.text, continued: `干部人事档案摘录件（续） ${row.serial_no}` });
    const lines = copyWatermarkLines(row, request);
    const rendered: CopyPage[] = [];
    for (const png of drawn) {
      const wm = await watermarkPage(png, lines, { format: 'png' });
      rendered.push({ data: await palettePng(wm.data), format: 'png', width: wm.width, height: wm.height, dpi: CERT_DPI });
    }
    return this.keep(user, ip, ok, rendered, { extract_text: body.text }, { chars: body.text.length });
  }

  /** The rows a 核证页 and an extract's head cite: serial, request, purpose, cadre, material, pages, recipient, office. */
  private async head(row: CopyPdfRow, request: RequestRow, pages: number[]) {
    const names = await store.certificationNames(this.db, row, request);
    const kind = KIND_LABEL[row.kind];
    const rows: Array<[string, string]> = [
      [`${kind}编号`, `${row.serial_no}（第 ${row.copy_no} 份，共 ${row.copies} 份）`],
      ['申请号', request.case_no],
      ['用途', PURPOSES[request.purpose] ?? request.purpose],
      ['干部', `${names.cadreName}（档案号 ${names.archiveNo}）`],
      ['材料', `${row.seq_no}　${row.title}`],
      [row.kind === 'extract' ? '摘自' : '页码', `第 ${pages[0]}–${pages.at(-1)} 页，共 ${pages.length} 页`],
      ['接收单位', names.recipientName],
      ['管档单位', names.officeName],
    ];
    return { names, kind, rows };
  }

  /** The 核证页 after the pages, the file kept under its hash, the row and the audit: once per row. */
  private async keep(user: SessionUser, ip: string, ok: Certifiable, rendered: CopyPage[], extra: { extract_text?: string }, detail: Record<string, unknown> = {}): Promise<CopyPdfMade> {
    const { row, request, pages } = ok;
    const copyId = row.id;
    const { names, kind, rows } = await this.head(row, request, pages);
    const certification = await renderCertification({
      title: `干部人事档案材料${kind}核证页`,
      rows,
      certification: row.certification,
      sealText: row.seal_text,
      certifiedBy: names.certifiedByName,
      certifiedDay: beijingDay(new Date(row.certified_at)),
      footer: `本${kind}经核对与档案原件一致，须与本核证页一并使用；用后由使用单位存档或登记销毁。`,
    });
    const pdf = await buildCopyPdf(rendered, certification, { title: `${kind} ${row.serial_no}`, subject: request.case_no, at: new Date(row.certified_at) });
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    // Ids and the hash only in the name: a rolled-back or losing attempt leaves at worst an unreferenced file.
    const file = path.posix.join(String(row.request_id), `${row.id}-${sha256.slice(0, 12)}.pdf`);
    fs.mkdirSync(path.join(this.root, String(row.request_id)), { recursive: true });
    fs.writeFileSync(path.join(this.root, file), pdf, { mode: 0o600 });

    const made = await this.db.transaction(async (trx) => {
      const locked = (await store.findCopy(trx, copyId, true))!;
      // Another archivist's request won meanwhile: its PDF is the answer only if made from the same
      // text and pages (as certifiable checks before drawing), else this ask is refused as it would be now.
      if (locked.pdf_file) return { row: locked, created: false, same: ok.same(locked) };
      const at = iso(this.clock.now());
      const v = { pdf_file: file, pdf_sha256: sha256, pdf_bytes: pdf.length, pdf_made_by: user.id, pdf_made_at: at, page_from: pages[0], page_to: pages.at(-1)!, ...extra };
      await store.setPdf(trx, copyId, v);
      await this.audit.record(trx, { actor: user, ip, action: 'copy.pdf_create', objectType: 'copy_record', objectId: copyId, detail: { serialNo: row.serial_no, requestId: row.request_id, kind: row.kind, pages: pages.length, sha256, ...detail } });
      return { row: { ...locked, ...v }, created: true };
    });
    if (!made.created && made.row.pdf_file !== file) fs.rmSync(path.join(this.root, file), { force: true });
    if ('same' in made && !made.same) throw pdfExists(row.kind);
    return { ...this.pdfInfo(made.row), created: made.created };
  }

  private pdfInfo(row: CopyPdfRow) {
    return { copyId: row.id, serialNo: row.serial_no, pages: { from: row.page_from, to: row.page_to }, sha256: row.pdf_sha256!, bytes: row.pdf_bytes!, madeAt: row.pdf_made_at! };
  }

  /** The PDF's bytes for the office's staff, or for an applicant on the request until the copies are disposed of. */
  async download(user: SessionUser, ip: string, copyId: number) {
    const row = await store.findCopy(this.db, copyId);
    let reason: string | null = row ? null : 'absent';
    if (row) {
      const office = await this.officeRow(user, copyId);
      if (office instanceof Refused) {
        const applicant = user.roles.includes('applicant') && (await store.isApplicant(this.db, row.request_id, user.id));
        const related = applicant ? await this.access.relationTo(this.db, user.id, (await store.findRequest(this.db, row.request_id))!.cadre_id) : null;
        if (!applicant || related) reason = related ?? office.reason;
        else if (row.disposition) reason = 'disposed';
      }
      if (!reason && !row.pdf_file) reason = 'no_pdf';
    }
    if (reason || !row) return this.refuse(user, ip, 'copy.pdf_download_denied', copyId, new Refused(reason ?? 'absent', errors.notFound('Copy')), row?.kind);
    const data = fs.existsSync(path.join(this.root, row.pdf_file!)) ? fs.readFileSync(path.join(this.root, row.pdf_file!)) : null;
    if (!data || createHash('sha256').update(data).digest('hex') !== row.pdf_sha256) {
      await this.audit.record(null, { actor: user, ip, action: 'copy.pdf_download', objectType: 'copy_record', objectId: copyId, outcome: 'failure', detail: { reason: data ? 'changed' : 'missing' } });
      throw errors.conflict('PDF_CHANGED', '复制件 PDF 与登记的校验值不符 / The PDF does not match its recorded hash');
    }
    await this.audit.record(null, { actor: user, ip, action: 'copy.pdf_download', objectType: 'copy_record', objectId: copyId, detail: { serialNo: row.serial_no, kind: row.kind, sha256: row.pdf_sha256 } });
    const name = `${row.serial_no}.pdf`;
    return {
      raw: data,
      contentType: 'application/pdf',
      headers: {
        'Cache-Control': 'no-store',
        'Content-Disposition': `attachment; filename="copy-${row.id}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
        'X-Content-SHA256': row.pdf_sha256!,
      },
    };
  }
}
