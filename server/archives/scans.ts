// Page scans: one image file per page under <DANGAN_DATA_DIR>/scans/<archive>/<material>/, a
// page_images row each (sha256, dpi, colour mode, size, bytes read with sharp), and checkScans —
// the findings of a material's pages against its catalogue row: page count, gaps, duplicates,
// resolution (SCAN_MIN_DPI), integrity (sha256) and whether each image still decodes at its
// recorded size, and the pages an archivist marked failing by eye until they are rescanned. A
// listener (server/quality) records the checks made at filing, upload, on demand or with a mark.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import type { Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import * as catalog from './catalog-store.ts';
import type { MaterialRow, PageImageRow, PageMarkRow } from './catalog-store.ts';
import type { ColourMode } from './codes.ts';
import { assertKept } from './archives.ts';

export const FORMATS: Record<string, { ext: string; type: string }> = {
  jpeg: { ext: 'jpg', type: 'image/jpeg' },
  png: { ext: 'png', type: 'image/png' },
  tiff: { ext: 'tif', type: 'image/tiff' },
};

export const MAX_PAGE_BYTES = 20 * 1024 * 1024;

export interface ScanFinding {
  code: 'PAGE_COUNT' | 'PAGE_MISSING' | 'PAGE_DUPLICATE' | 'DUPLICATE_ELSEWHERE' | 'LOW_DPI' | 'NO_DPI' | 'FILE_MISSING' | 'FILE_CHANGED' | 'UNREADABLE' | 'SIZE_MISMATCH' | 'MARKED_FAILING';
  pageNo?: number;
  message: string;
  /** MARKED_FAILING: the archivist's words, for a client that shows them apart from `message`. */
  reason?: string;
  /** DUPLICATE_ELSEWHERE, on /quality only: the other archives as this reader may be told of them. */
  elsewhere?: { archiveNos: string[] };
}

export interface ImageFacts {
  format: string;
  dpi: number | null;
  colourMode: ColourMode;
  width: number;
  height: number;
}

/** Reads what the file says about itself; refuses anything that is not a JPEG, PNG or TIFF image. */
export async function imageFacts(buf: Buffer): Promise<ImageFacts> {
  let meta: Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: 100_000_000 }).metadata();
  } catch {
    throw errors.validation([{ field: 'page', message: '不是可识别的图像 / not a readable image' }]);
  }
  if (!meta.format || !FORMATS[meta.format] || !meta.width || !meta.height) {
    throw errors.validation([{ field: 'page', message: '只接受 JPEG、PNG、TIFF 图像 / only JPEG, PNG or TIFF images' }]);
  }
  const channels = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0);
  const bw = channels === 1 && (meta as { bitsPerSample?: number }).bitsPerSample === 1;
  return {
    format: meta.format,
    dpi: meta.density ? Math.round(meta.density) : null,
    colourMode: channels >= 3 ? 'color' : bw ? 'bw' : 'gray',
    width: meta.width,
    height: meta.height,
  };
}

/** What a stored image file is: where (relative to the root), its hash and what it says about itself. */
export interface StoredImage {
  file: string;
  format: string;
  sha256: string;
  dpi: number | null;
  colour_mode: ColourMode;
  width: number;
  height: number;
  bytes: number;
}

/**
 * Checks and writes one page image as <root>/<dir>/<NNN>-<sha12>.<ext> — a name of ids and the
 * hash only, so a rolled-back transaction leaves at worst an unreferenced file and never
 * overwrites a file a committed row points at.
 */
export async function writeImage(root: string, dir: string, n: number, buf: Buffer): Promise<StoredImage> {
  // The routes read at most this much (RouteDef.binaryBody), so this holds for images given in-process (filing, the demo).
  if (buf.length > MAX_PAGE_BYTES) throw errors.payloadTooLarge(MAX_PAGE_BYTES);
  const facts = await imageFacts(buf);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const file = path.posix.join(dir, `${String(n).padStart(3, '0')}-${sha256.slice(0, 12)}.${FORMATS[facts.format].ext}`);
  const abs = path.join(root, file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, buf, { mode: 0o600 });
  return { file, format: facts.format, sha256, dpi: facts.dpi, colour_mode: facts.colourMode, width: facts.width, height: facts.height, bytes: buf.length };
}

export const contentTypeOf = (format: string): string => FORMATS[format]?.type ?? 'application/octet-stream';

/** Why a check ran: a material filed through 材料收集归档, pages uploaded, or an archivist asking. */
/** `mark`: an archivist marked a page failing by eye (标为不合格). */
/** `withdraw`: a surplus page was withdrawn (撤下多余页). */
export type ScanCheckTrigger = 'filing' | 'upload' | 'material' | 'archive' | 'mark' | 'withdraw';

export interface ScanCheck {
  materialId: number;
  /** The material's 序号, for a note that names it (server/quality withdrawDigitised). */
  seqNo: string;
  archiveId: number;
  trigger: ScanCheckTrigger;
  actorId: number | null;
  declaredPages: number;
  scannedPages: number;
  minDpi: number;
  findings: ScanFinding[];
}

/** Who asked for a check to be recorded, and why. */
export type ScanCheckRecord = { trigger: ScanCheckTrigger; actorId: number | null };

/** A material and the status of its archive: what a page write checks before it writes (assertKept). */
export interface ScannedMaterial {
  material: MaterialRow;
  archive: { id: number; status: string };
}

/** Told of every recorded check, inside the caller's transaction (server/quality keeps them). */
export type ScanCheckListener = (q: Q, check: ScanCheck) => Promise<void>;

export class Scans {
  readonly root: string;
  /** Set by server/quality: records a check when checkScans is asked to. */
  onChecked: ScanCheckListener | null = null;
  constructor(
    dataDir: string,
    private readonly clock: Clock,
    readonly minDpi: number,
  ) {
    this.root = path.join(dataDir, 'scans');
  }

  /**
   * Appends pages (buffers or file paths) after the material's last page. Files are written
   * under names that include their hash, so a rolled-back transaction leaves at worst an
   * unreferenced file and never overwrites a page that a committed row points at.
   */
  async addPageScans(trx: Q, materialId: number, pages: Array<Buffer | string>, actorId: number | null = null): Promise<PageImageRow[]> {
    return this.appendPages(trx, await this.scanned(trx, materialId), pages, actorId);
  }

  /** The material and its archive's id and status, read for addPageScans. */
  private async scanned(q: Q, materialId: number): Promise<ScannedMaterial> {
    const material = await catalog.findMaterial(q, materialId);
    if (!material) throw errors.notFound('Material');
    return { material, archive: (await q('archives').where({ id: material.archive_id }).first('id', 'status'))! };
  }

  /** addPageScans for a caller that has read the material and its archive already (ArchivesService.uploadPages). */
  async appendPages(trx: Q, { material, archive }: ScannedMaterial, pages: Array<Buffer | string>, actorId: number | null): Promise<PageImageRow[]> {
    assertKept(archive);
    if (!pages.length) throw errors.validation([{ field: 'pages', message: '没有页面 / no pages' }]);
    const existing = await catalog.pagesOf(trx, material.id);
    let pageNo = existing.reduce((m, p) => Math.max(m, p.page_no), 0);
    const out: PageImageRow[] = [];
    for (const page of pages) {
      pageNo += 1;
      const image = await writeImage(this.root, path.posix.join(String(material.archive_id), String(material.id)), pageNo, typeof page === 'string' ? fs.readFileSync(page) : page);
      out.push(await catalog.insertPageImage(trx, { material_id: material.id, page_no: pageNo, ...image, created_by: actorId, created_at: iso(this.clock.now()) }));
    }
    return out;
  }

  /**
   * 重扫此页: page `pageNo` of a material gets a new image. The row keeps its page number and points
   * at the new file; the old file stays on disk under its own name (ids and its hash), named with
   * its sha256 in the caller's audit row, so a replaced page can always be produced again. The
   * caller has read the material and its archive (ArchivesService.replacePage).
   */
  async replacePageScan(trx: Q, { material, archive }: ScannedMaterial, pageNo: number, page: Buffer, actorId: number | null): Promise<{ old: PageImageRow; row: PageImageRow }> {
    assertKept(archive);
    const materialId = material.id;
    const old = await catalog.findPage(trx, materialId, pageNo);
    if (!old) throw errors.notFound('Page');
    const image = await writeImage(this.root, path.posix.join(String(material.archive_id), String(material.id)), pageNo, page);
    const fields = { ...image, created_by: actorId, created_at: iso(this.clock.now()) };
    await catalog.replacePageImage(trx, old.id, fields);
    // A page marked failing by eye is judged again on its new image: the rescan clears the mark.
    await catalog.clearPageMarks(trx, materialId, pageNo, fields.created_at, actorId);
    return { old, row: { ...old, ...fields } };
  }

  /**
   * 撤下多余页: the LAST page of a material that has more pages than its 页数 is withdrawn — its row
   * marked (who, when, why), its file left on disk under its own name; every page read skips it, so
   * the next check counts one page fewer. Refused (422 page_withdraw) for a page that is not the last
   * or when the pages left would be fewer than the catalogue's 页数; on an archive 已验收 by the
   * caller (assertOpenForScans). A standing 标为不合格 mark on the page is cleared with it.
   */
  async withdrawPageScan(trx: Q, { material, archive }: ScannedMaterial, pageNo: number, reason: string, actorId: number): Promise<PageImageRow> {
    assertKept(archive);
    const pages = await catalog.pagesOf(trx, material.id);
    const row = pages.find((p) => p.page_no === pageNo);
    if (!row) throw errors.notFound('Page');
    const last = pages[pages.length - 1].page_no;
    if (pageNo !== last) {
      throw errors.rule('page_withdraw', `只能撤下最后一页（第 ${last} 页），第 ${pageNo} 页不是最后一页 / Only the last page (page ${last}) can be withdrawn; page ${pageNo} is not the last`, { pageNo, last, kind: 'not_last' });
    }
    if (pages.length - 1 < material.pages) {
      throw errors.rule(
        'page_withdraw',
        `扫描页数 ${pages.length} 未超过目录页数 ${material.pages}，撤下后将少于目录页数；如页面有误，请用“重扫此页” / ${pages.length} pages scanned and the catalogue says ${material.pages}: withdrawing one would leave too few — rescan the page instead if it is wrong`,
        { pageNo, scanned: pages.length, declared: material.pages, kind: 'too_few' },
      );
    }
    const at = iso(this.clock.now());
    await catalog.withdrawPageImage(trx, row.id, at, actorId, reason);
    await catalog.clearPageMarks(trx, material.id, pageNo, at, actorId);
    return row;
  }

  /** Of these page numbers, those whose image is not blank (one flat colour); an unreadable file is left to the other findings. */
  private async notBlank(pages: Array<Pick<PageImageRow, 'page_no' | 'file'>>, pageNos: number[]): Promise<number[]> {
    const out: number[] = [];
    for (const n of new Set(pageNos)) {
      const p = pages.find((x) => x.page_no === n);
      if (!p) continue;
      try {
        const { channels } = await sharp(path.join(this.root, p.file), { limitInputPixels: 100_000_000 }).stats();
        if (channels.some((c) => c.min !== c.max)) out.push(n);
      } catch {
        // Missing or undecodable: FILE_MISSING / UNREADABLE say so.
      }
    }
    return out;
  }

  /** The bytes of one page, checked against the recorded sha256 (a changed file is not served). */
  async readPage(q: Q, materialId: number, pageNo: number): Promise<{ row: PageImageRow; data: Buffer } | null> {
    const row = await catalog.findPage(q, materialId, pageNo);
    if (!row) return null;
    const abs = path.join(this.root, row.file);
    if (!fs.existsSync(abs)) return null;
    const data = fs.readFileSync(abs);
    if (createHash('sha256').update(data).digest('hex') !== row.sha256) throw errors.conflict('SCAN_CHANGED', '图像文件与登记的校验值不符 / The image file does not match its recorded hash');
    return { row, data };
  }

  /**
   * Findings for a material's scans: page count against 页数, gaps, duplicates, dpi, integrity, and
   * whether every image decodes at its recorded size. With `record`, the check is handed to the
   * listener (server/quality) in the same transaction, so a rolled-back filing records nothing.
   */
  async checkScans(q: Q, materialId: number, record?: ScanCheckRecord): Promise<ScanFinding[]> {
    const material = await catalog.findMaterial(q, materialId);
    if (!material) throw errors.notFound('Material');
    return this.checkScansOf(q, material, record);
  }

  /** checkScans for a caller that has read the material already (its row never changes: materials are append-only). */
  async checkScansOf(q: Q, material: MaterialRow, record?: ScanCheckRecord): Promise<ScanFinding[]> {
    const materialId = material.id;
    const pages = await catalog.pagesOf(q, materialId);
    const findings = [
      ...scanFindings(this.root, material.pages, pages, this.minDpi),
      ...(await imageFindings(this.root, pages)),
      ...elsewhereFindings(await this.notBlank(pages, await catalog.pagesElsewhere(q, materialId))),
      ...markFindings(await catalog.standingMarks(q, materialId)),
    ];
    if (record && this.onChecked) {
      await this.onChecked(q, {
        materialId,
        seqNo: material.seq_no,
        archiveId: material.archive_id,
        trigger: record.trigger,
        actorId: record.actorId,
        declaredPages: material.pages,
        scannedPages: pages.length,
        minDpi: this.minDpi,
        findings,
      });
    }
    return findings;
  }
}

/**
 * Pages whose image (sha256) is also a page of another cadre's archive: a scan filed into the wrong
 * archive, or the wrong image uploaded. A blank page (one flat colour, as a generated placeholder is)
 * says nothing of anyone and looks the same everywhere: it is not counted. Only an archive of the same
 * office counts (catalog.pagesElsewhere): the check answers whoever uploaded. The finding names no
 * other archive — it is stored, and the check's answers go to whoever checked; /quality names the
 * other archive to a reader whose scope covers it (server/quality/service.ts) and to no one else.
 */
export function elsewhereFindings(pageNos: number[]): ScanFinding[] {
  return [...new Set(pageNos)].map((n) => ({
    code: 'DUPLICATE_ELSEWHERE' as const,
    pageNo: n,
    message: `第 ${n} 页的图像与另一份档案中的页相同 / page ${n}: the same image is a page of another archive`,
  }));
}

/**
 * The pages an archivist marked failing by eye (标为不合格). They stand in every check until the page
 * is rescanned, so a re-check, which cannot see a blur or a wrong page, does not clear them.
 */
export function markFindings(marks: Array<Pick<PageMarkRow, 'page_no' | 'reason'>>): ScanFinding[] {
  return marks.map((k) => ({
    code: 'MARKED_FAILING' as const,
    pageNo: k.page_no,
    reason: k.reason,
    message: `第 ${k.page_no} 页经人工检查不合格：${k.reason} / page ${k.page_no} marked failing on inspection: ${k.reason}`,
  }));
}

/**
 * Decodes every page that is on disk (sharp, failing on truncated or damaged data) and compares
 * its size with the recorded one: a file whose header reads but whose image does not is caught
 * here, not when a reader opens it.
 */
export async function imageFindings(root: string, pages: Array<Pick<PageImageRow, 'page_no' | 'file' | 'width' | 'height'>>): Promise<ScanFinding[]> {
  const out: ScanFinding[] = [];
  for (const p of pages) {
    const abs = path.join(root, p.file);
    if (!fs.existsSync(abs)) continue;
    let info: { width: number; height: number };
    try {
      ({ info } = await sharp(abs, { failOn: 'truncated', limitInputPixels: 100_000_000 }).raw().toBuffer({ resolveWithObject: true }));
    } catch {
      out.push({ code: 'UNREADABLE', pageNo: p.page_no, message: `第 ${p.page_no} 页图像无法读取 / page ${p.page_no} cannot be decoded` });
      continue;
    }
    if (info.width !== p.width || info.height !== p.height) {
      out.push({
        code: 'SIZE_MISMATCH',
        pageNo: p.page_no,
        message: `第 ${p.page_no} 页图像尺寸 ${info.width}×${info.height} 与登记的 ${p.width}×${p.height} 不符 / page ${p.page_no} is ${info.width}×${info.height}, recorded ${p.width}×${p.height}`,
      });
    }
  }
  return out;
}

/**
 * The findings of a set of page images against the page count they should have: gaps, duplicates,
 * resolution, and whether each file under `root` still matches its sha256. Used for filed
 * materials (checkScans) and for scans handed over with a material before it is filed.
 */
export function scanFindings(root: string, declaredPages: number, pages: Array<Pick<PageImageRow, 'page_no' | 'sha256' | 'dpi' | 'file'>>, minDpi: number): ScanFinding[] {
  const out: ScanFinding[] = [];
  if (pages.length !== declaredPages) {
    out.push({ code: 'PAGE_COUNT', message: `扫描页数 ${pages.length} 与目录页数 ${declaredPages} 不符 / ${pages.length} pages scanned, the catalogue says ${declaredPages}` });
  }
  const nos = new Set(pages.map((p) => p.page_no));
  for (let n = 1; n <= declaredPages; n++) if (!nos.has(n)) out.push({ code: 'PAGE_MISSING', pageNo: n, message: `缺第 ${n} 页 / page ${n} is missing` });
  const seen = new Map<string, number>();
  for (const p of pages) {
    const first = seen.get(p.sha256);
    if (first !== undefined) out.push({ code: 'PAGE_DUPLICATE', pageNo: p.page_no, message: `第 ${p.page_no} 页与第 ${first} 页相同 / page ${p.page_no} repeats page ${first}` });
    else seen.set(p.sha256, p.page_no);
    if (p.dpi === null) out.push({ code: 'NO_DPI', pageNo: p.page_no, message: `第 ${p.page_no} 页未记录分辨率 / page ${p.page_no} has no resolution` });
    else if (p.dpi < minDpi) out.push({ code: 'LOW_DPI', pageNo: p.page_no, message: `第 ${p.page_no} 页分辨率 ${p.dpi} dpi 低于 ${minDpi} / page ${p.page_no}: ${p.dpi} dpi, below ${minDpi} dpi` });
    const abs = path.join(root, p.file);
    if (!fs.existsSync(abs)) out.push({ code: 'FILE_MISSING', pageNo: p.page_no, message: `第 ${p.page_no} 页图像文件缺失 / page ${p.page_no}: the image file is missing` });
    else if (createHash('sha256').update(fs.readFileSync(abs)).digest('hex') !== p.sha256) {
      out.push({ code: 'FILE_CHANGED', pageNo: p.page_no, message: `第 ${p.page_no} 页图像文件已被改动 / page ${p.page_no}: the image file changed` });
    }
  }
  return out;
}
