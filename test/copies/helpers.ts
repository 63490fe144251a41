// A copy request certified and registered, for the certified-copy tests and screenshots: two named
// materials with page scans, the chief approving the first, the archivist certifying two copies.
import sharp from 'sharp';
import { PDFDocument, PDFDict, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import type { TestSystem } from '../helpers/server.ts';
import { completeAt } from '../helpers/workflow.ts';
import { approveStep, copyVariables, demoCadre } from '../helpers/cases.ts';

export const SEAL = { made: true, sealText: '中共乌海市委组织部干部档案室（印）', certification: '经核对与原件一致。' };

export interface CertifiedCase {
  instanceId: string;
  requestId: number;
  approved: any;
  other: any;
  rows: any[];
}

/** A distinct page scan at 200 dpi (A5 size keeps the test quick). */
export async function scan(n: number) {
  return sharp({ create: { width: 1169, height: 1654, channels: 3, background: { r: 250 - n * 7, g: 245, b: 235 } } })
    .toColourspace('b-w')
    .jpeg()
    .withMetadata({ density: 200 })
    .toBuffer();
}

export interface CaseOptions {
  /** Copies per approved material (the process allows 1–5; default 2). */
  copies?: number;
  /** File a new material of this many pages into the cadre's archive first and ask for it (approved) instead of the first one. */
  pages?: number;
  /** Each page's scan (default: `scan`, an A5 page at 200 dpi). */
  scanOf?: (n: number) => Promise<Buffer>;
  /** 复制 (default) or 摘录: an extract registers one row per approved material. */
  kind?: 'copy' | 'extract';
}

/**
 * A copy request for two materials of the nth clean county cadre, the chief approving the first,
 * the archivist certifying the copies (2 by default). The certified-copy tests, the browser test and
 * `npm run bench -- copies` share it.
 */
export async function certifiedCase(sys: TestSystem, nth = 3, opts: CaseOptions = {}): Promise<CertifiedCase> {
  const s = sys.services;
  const cadre = await demoCadre(sys, 'county', nth);
  const over: Record<string, unknown> = { copies: opts.copies ?? 2, kind: opts.kind ?? 'copy' };
  if (opts.pages) {
    const filed = await s.db.transaction((trx) =>
      s.archives.fileMaterial(trx, { archiveId: cadre.archiveId, categoryCode: '3', title: '干部考察材料', formedDate: '2020-06-18', pages: opts.pages!, isCopy: false, actor: null }),
    );
    const first = await s.db('materials').where({ archive_id: cadre.archiveId }).orderBy('id').first('seq_no');
    over.materials = [filed.seq_no, first.seq_no];
  }
  const c = await sys.as('applicant1');
  const started = await c.post('/api/process-instances', { processKey: 'copy-request', variables: await copyVariables(sys, 'applicant1', cadre, over) });
  if (started.status !== 201) throw new Error(JSON.stringify(started.body));
  const instanceId = started.body.id;
  const req = await s.db('utilization_requests').where({ instance_id: instanceId }).first();
  const asked = JSON.parse(req.materials);
  const [approved, other] = await Promise.all(asked.map((m: any) => s.db('materials').where({ id: m.materialId }).first()));
  for (const m of [approved, other]) {
    const pages: Buffer[] = [];
    for (let n = 1; n <= m.pages; n++) pages.push(await (opts.scanOf ?? scan)(n + m.id));
    await s.db.transaction((trx) => s.archives.addPageScans(trx, m.id, pages));
  }
  await approveStep(sys, 'unithead1', instanceId, 'unitHeadReview');
  await approveStep(sys, 'chief1', instanceId, 'chiefApproval', '同意复制第一份。', { approvedMaterials: [approved.seq_no] });
  const made = await completeAt(await sys.as('archivist1'), instanceId, 'makeCopies', SEAL);
  if (made.status !== 200) throw new Error(JSON.stringify(made.body));
  const rows = await s.db('copy_records').where({ request_id: req.id }).orderBy('id');
  return { instanceId, requestId: req.id, approved, other, rows };
}

/** Each page's image XObjects: size, filter and raw stream bytes (JPEG bytes for DCTDecode). */
export async function pdfImages(pdf: Buffer) {
  const doc = await PDFDocument.load(pdf);
  return doc.getPages().map((p) => {
    const xobjects = p.node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
    return xobjects.entries().map(([, ref]) => {
      const s = doc.context.lookup(ref) as PDFRawStream;
      const n = (k: string) => (s.dict.lookup(PDFName.of(k)) as PDFNumber).asNumber();
      return { width: n('Width'), height: n('Height'), filter: String(s.dict.lookup(PDFName.of('Filter'))), bytes: Buffer.from(s.contents) };
    });
  });
}
