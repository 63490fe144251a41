// Page scans handed over with a material, before it is filed: one file per page under
// <DANGAN_DATA_DIR>/intake-scans/<intake id>/<seq>-<sha12>.<ext> (ids and the hash only, never user
// text), a material_intake_scans row each. The producer may withdraw a scan until the material is
// accepted (the row and the file stay on record); at filing the scans not withdrawn become the
// material's pages (addPageScans) and are checked with the archive's checkScans.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Q } from '../db.ts';
import { errors } from '../errors.ts';
import { scanFindings, writeImage, type ScanFinding } from '../archives/scans.ts';
import * as store from './store.ts';
import type { IntakeRow, IntakeScanRow } from './store.ts';

export class IntakeScans {
  readonly root: string;
  constructor(
    dataDir: string,
    private readonly minDpi: number,
  ) {
    this.root = path.join(dataDir, 'intake-scans');
  }

  pathOf(row: Pick<IntakeScanRow, 'file'>): string {
    return path.join(this.root, row.file);
  }

  /** Appends one page after the intake's last upload. A rolled-back upload leaves at worst an unreferenced file. */
  async add(trx: Q, intake: IntakeRow, buf: Buffer, actorId: number, at: string): Promise<IntakeScanRow> {
    if (!buf.length) throw errors.validation([{ field: 'page', message: '没有上传文件 / no file' }]);
    const seq = (await store.maxScanSeq(trx, intake.id)) + 1;
    const image = await writeImage(this.root, String(intake.id), seq, buf);
    return store.insertScan(trx, { intake_id: intake.id, seq, ...image, created_by: actorId, created_at: at, withdrawn_at: null, withdrawn_by: null });
  }

  /** The bytes of one scan, checked against its recorded sha256 (a changed file is not served). */
  read(row: IntakeScanRow): Buffer | null {
    const abs = this.pathOf(row);
    if (!fs.existsSync(abs)) return null;
    const data = fs.readFileSync(abs);
    if (createHash('sha256').update(data).digest('hex') !== row.sha256) throw errors.conflict('SCAN_CHANGED', '图像文件与登记的校验值不符 / The image file does not match its recorded hash');
    return data;
  }

  /**
   * What is wrong with the scans of an intake before anything is filed, by the archive's own measures
   * (checkScans): the page count against the pages declared, gaps, duplicates, resolution, integrity.
   */
  precheck(intake: Pick<IntakeRow, 'pages'>, active: IntakeScanRow[]): ScanFinding[] {
    return scanFindings(this.root, intake.pages, active.map((s, i) => ({ page_no: i + 1, sha256: s.sha256, dpi: s.dpi, file: s.file })), this.minDpi);
  }
}
