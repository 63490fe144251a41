// The reading room (阅档室): an approved reader consults the granted categories of one archive
// through one of their archive_grants rows, only inside its window by the SERVICE's clock. Every
// page image is rendered here with the reader's watermark (watermark.ts) from a cached clean
// derivative (derivatives.ts); each view writes an audit row and a page_views row in one
// transaction before the bytes leave. A refused read is audited (`*.view_denied`, reason only)
// and answers 404 exactly like an absent page. 结束阅档 completes the reader's 电子阅档 task
// (the process then revokes every grant of the case) or, for a co-applicant, ends their own grant.
import path from 'node:path';
import type { Db, Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { parseJson } from '../db.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as people from '../people/store.ts';
import { categoryCovered, grantStillHeld, type AccessRules } from '../access/rules.ts';
import * as catalog from '../archives/catalog-store.ts';
import type { PageImageRow } from '../archives/catalog-store.ts';
import type { Scans } from '../archives/scans.ts';
import type { WorkflowService } from '../workflow/service.ts';
import { beijingDay, formatInstant } from '../notify/beijing.ts';
import { Derivatives } from './derivatives.ts';
import { watermarkPage } from './watermark.ts';
import * as store from './store.ts';
import type { ReadingGrantRow } from './store.ts';

export type ReadingDenial = 'absent' | 'not_grantee' | 'revoked' | 'before_window' | 'after_window' | 'self' | 'relative' | 'avoided' | 'other_archive' | 'category' | 'no_page' | 'gone' | 'withheld';

class Denied {
  constructor(readonly reason: ReadingDenial) {}
}

export interface ReadingDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  access: AccessRules;
  scans: Scans;
  workflow: WorkflowService;
  dataDir: string;
  pageWidth: number;
  thumbWidth: number;
}

const remaining = (g: ReadingGrantRow, now: Date) => Math.max(0, Math.floor((Date.parse(g.valid_until) - now.getTime()) / 1000));

export class ReadingRoom {
  readonly derivatives: Derivatives;
  constructor(private readonly d: ReadingDeps) {
    this.derivatives = new Derivatives(d.dataDir);
  }

  /** The grant, if it is the user's, open now, and its archive still held and not one they must avoid. */
  private async openGrant(q: Q, user: SessionUser, grantId: number): Promise<ReadingGrantRow | Denied> {
    const g = await store.findGrant(q, grantId);
    if (!g) return new Denied('absent');
    if (g.grantee_user_id !== user.id) return new Denied('not_grantee');
    if (g.revoked_at) return new Denied('revoked');
    const now = iso(this.d.clock.now());
    if (now < g.valid_from) return new Denied('before_window');
    if (now >= g.valid_until) return new Denied('after_window');
    // The archive is being sent, has left the office (已转出, 已移交档案馆) or belongs to another
    // office now: its digital copy goes with the paper, and the grant was that office's to give.
    if (!grantStillHeld(g)) return new Denied('gone');
    const relation = await this.d.access.relationTo(q, user.id, g.cadre_id);
    return relation ? new Denied(relation) : g;
  }

  private async denied(user: SessionUser, ip: string, action: string, objectType: string, objectId: string | number, grantId: number, reason: ReadingDenial, what: string): Promise<never> {
    await this.d.audit.record(null, { actor: user, ip, action, objectType, objectId, outcome: 'denied', detail: { reason, grantId } });
    throw errors.notFound(what);
  }

  /** The session: the grant, the server's time left, and the catalogue of the granted categories. */
  async session(user: SessionUser, ip: string, grantId: number) {
    const out = await this.d.db.transaction(async (trx) => {
      const g = await this.openGrant(trx, user, grantId);
      if (g instanceof Denied) return g;
      const granted = parseJson<string[]>(g.categories, []);
      const cats = (await catalog.listCategories(trx)).filter((c) => categoryCovered(granted, c.code));
      const materials = await catalog.currentMaterials(trx, g.archive_id, cats.map((c) => c.code));
      const scanned = await catalog.pageCounts(trx, materials.map((m) => m.id));
      const withheld = await catalog.markedPages(trx, materials.map((m) => m.id));
      const now = this.d.clock.now();
      await this.d.audit.record(trx, { actor: user, ip, action: 'catalog.view', objectType: 'archive', objectId: g.archive_id, detail: { grantId, via: 'reading_room', materials: materials.length } });
      return {
        grant: {
          id: g.id,
          requestId: g.request_id,
          caseNo: g.case_no,
          archiveId: g.archive_id,
          archiveNo: g.archive_no,
          cadre: { id: g.cadre_id, name: g.cadre_name },
          categories: granted,
          validFrom: g.valid_from,
          validUntil: g.valid_until,
        },
        now: iso(now),
        remainingSeconds: remaining(g, now),
        readingTaskId: g.instance_id ? await store.openReadingTask(trx, g.instance_id, user.id) : null,
        categories: cats
          .map((c) => ({
            code: c.code,
            numeral: c.numeral,
            name: c.name,
            parentCode: c.parent_code,
            materials: materials
              .filter((m) => m.category_code === c.code)
              .map((m) => ({ id: m.id, seqNo: m.seq_no, title: m.title, formedDate: m.formed_date, pages: m.pages, scannedPages: scanned.get(m.id) ?? 0, withheldPages: withheld.get(m.id) ?? [] })),
          })),
      };
    });
    if (out instanceof Denied) return this.denied(user, ip, 'catalog.view_denied', 'archive', `grant:${grantId}`, grantId, out.reason, 'Reading session');
    return out;
  }

  /**
   * The server's time for the countdown: no record content, so no audit row; others' grants are
   * absent. `endedReason` tells the reader why their own grant closed early: `archive_transferred`
   * (the archive left the office: 档案已转出，阅档已终止), else null.
   */
  async clock(user: SessionUser, grantId: number) {
    const g = await store.findGrant(this.d.db, grantId);
    if (!g || g.grantee_user_id !== user.id) throw errors.notFound('Reading session');
    const now = this.d.clock.now();
    const transferred = g.revoke_reason === 'archive_transferred' || (!g.revoked_at && !grantStillHeld(g));
    const open = !g.revoked_at && !transferred && iso(now) >= g.valid_from && iso(now) < g.valid_until;
    return { open, now: iso(now), validUntil: g.valid_until, remainingSeconds: open ? remaining(g, now) : 0, endedReason: transferred ? ('archive_transferred' as const) : null };
  }

  private async readablePage(q: Q, user: SessionUser, grantId: number, materialId: number, pageNo: number): Promise<{ g: ReadingGrantRow; page: PageImageRow } | Denied> {
    const g = await this.openGrant(q, user, grantId);
    if (g instanceof Denied) return g;
    const m = await catalog.findMaterial(q, materialId);
    if (!m) return new Denied('absent');
    if (m.archive_id !== g.archive_id) return new Denied('other_archive');
    if (!categoryCovered(parseJson<string[]>(g.categories, []), m.category_code)) return new Denied('category');
    const page = await catalog.findPage(q, materialId, pageNo);
    if (!page) return new Denied('no_page');
    // A page the office marked failing (illegible, or another material's) is withheld until rescanned.
    if ((await catalog.markedPages(q, [materialId])).get(materialId)?.includes(pageNo)) return new Denied('withheld');
    return { g, page };
  }

  /** What the watermark says: who reads, for which request, when (Beijing time, to the minute). */
  async watermarkLines(q: Q, user: SessionUser, g: ReadingGrantRow): Promise<{ lines: string[]; tileLines: string[] }> {
    const unit = (await people.findOrgUnit(q, user.orgUnitId))?.name ?? '';
    const who = [`查阅人 ${user.displayName} ${unit}`.trim(), g.case_no ?? `授权 ${g.id}`];
    const now = this.d.clock.now();
    // The tiles carry the day (drawn once a day per reader), the bottom line the minute.
    return { lines: [...who, formatInstant(now)], tileLines: [...who, beijingDay(now)] };
  }

  /**
   * One page (or its thumbnail) with the reader's watermark. The image is rendered outside any
   * transaction (no lock held while sharp works); the view is recorded before the bytes are sent.
   */
  async page(user: SessionUser, ip: string, grantId: number, materialId: number, pageNo: number, size: 'page' | 'thumbnail') {
    const objectId = `${materialId}/${pageNo}`;
    const found = await this.readablePage(this.d.db, user, grantId, materialId, pageNo);
    if (found instanceof Denied) return this.denied(user, ip, 'page.view_denied', 'page', objectId, grantId, found.reason, 'Page');
    const { g, page } = found;
    const width = size === 'page' ? this.d.pageWidth : this.d.thumbWidth;
    const clean = await this.derivatives.get(path.join(this.d.scans.root, page.file), page.sha256, width);
    const { lines, tileLines } = await this.watermarkLines(this.d.db, user, g);
    const image = await watermarkPage(clean, lines, { tileLines, quality: size === 'page' ? 82 : 70 });
    await this.d.db.transaction(async (trx) => {
      const at = iso(this.d.clock.now());
      await this.d.audit.record(trx, {
        actor: user,
        ip,
        action: size === 'page' ? 'page.view' : 'page.thumbnail',
        objectType: 'page',
        objectId,
        detail: { materialId, pageNo, grantId, via: 'reading_room' },
      });
      if (size === 'page') {
        await store.insertPageView(trx, { user_id: user.id, grant_id: g.id, request_id: g.request_id, archive_id: g.archive_id, material_id: materialId, page_no: pageNo, page_image_id: page.id, viewed_at: at });
      }
    });
    return {
      raw: image.data,
      contentType: image.contentType,
      // No cache anywhere, shown inline only: the bytes carry one reader's name and the minute.
      headers: { 'Cache-Control': 'no-store, private', Pragma: 'no-cache', 'Content-Disposition': 'inline' },
    };
  }

  /** 结束阅档: completes the reader's 电子阅档 task when they hold it, else ends their own grant. */
  async end(user: SessionUser, ip: string, grantId: number, body: { confirmed: boolean; comment?: string }) {
    const g = await store.findGrant(this.d.db, grantId);
    if (!g || g.grantee_user_id !== user.id) throw errors.notFound('Reading session');
    if (body.confirmed !== true) {
      throw errors.rule('reading-confirmation', '结束阅档须确认遵守查阅纪律 / Ending the reading needs the confirmation of the reading rules');
    }
    const taskId = g.instance_id ? await store.openReadingTask(this.d.db, g.instance_id, user.id) : null;
    if (taskId) {
      await this.d.workflow.complete(user, ip, taskId, { confirmed: true, ...(body.comment ? { comment: body.comment } : {}) });
      return { ended: true, taskCompleted: true };
    }
    await this.d.db.transaction(async (trx) => {
      const note = body.comment?.trim() ? body.comment.trim().slice(0, 1000) : null;
      if (!(await store.revokeGrant(trx, grantId, iso(this.d.clock.now()), note))) {
        throw errors.conflict('READING_ENDED', '本次阅档已经结束 / This reading has already ended');
      }
      await this.d.audit.record(trx, { actor: user, ip, action: 'reading.end', objectType: 'grant', objectId: grantId, detail: { archiveId: g.archive_id } });
    });
    return { ended: true, taskCompleted: false };
  }
}
