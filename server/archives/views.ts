// Reading the archive over HTTP: every read checks scope on the server and writes an audit row in
// the same request — `<kind>.view` on success, `<kind>.view_denied` (outcome 'denied', with a reason
// code only) when out of scope or absent, which then answers 404 exactly as absent does. An archive
// that has left the office (已转出, 已移交档案馆) shows the office that held it its register record
// only (number, status, history): its catalogue, materials, pages and thumbnails are denied ('gone').
import type { Db, Q } from '../db.ts';
import { bool } from '../db.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as people from '../people/store.ts';
import { categoryCovered, type AccessRules, type DenyReason } from '../access/rules.ts';
import * as store from './store.ts';
import * as archiveStore from './archive-store.ts';
import * as catalog from './catalog-store.ts';
import path from 'node:path';
import type { Scans } from './scans.ts';
import type { Derivatives } from '../reading/derivatives.ts';
import { contentTypeOf } from './scans.ts';
import { searchCadres, type SearchParams } from './search.ts';
import { archiveDto, cadreDto, digitalHistoryDto, familyDto, historyDto, materialDto, pageDto, statusHistoryDto } from './dto.ts';
import { digitalTargets } from './archives.ts';
import { materialChanges } from './catalogue.ts';
import type { FieldHistoryRow } from './store.ts';
import { readableCases } from '../workflow/scope.ts';

type Kind = 'cadre' | 'archive' | 'catalog' | 'material' | 'page';
const NOUN: Record<Kind, string> = { cadre: 'Cadre', archive: 'Archive', catalog: 'Archive', material: 'Material', page: 'Page' };
class Denied {
  constructor(readonly reason: DenyReason) {}
}

/** An archive as a reader through a grant sees it: where the file is kept stays the office's. */
function readerView<T extends { location: { storeRoom: string | null; cabinet: string | null; shelf: string | null } }>(dto: T, via: 'custody' | 'grant'): T {
  return via === 'grant' ? { ...dto, location: { storeRoom: null, cabinet: null, shelf: null } } : dto;
}

export class ArchiveViews {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly access: AccessRules,
    private readonly scans: Scans,
    /** Scaled-down clean copies of the scans (shared with the reading room's cache). */
    private readonly thumbs: { derivatives: Derivatives; width: number },
  ) {}

  /** Runs a read in one transaction with its audit row; a denial is audited, committed, then 404. */
  private async view<T>(user: SessionUser, ip: string, kind: Kind, objectId: string | number, read: (trx: Q) => Promise<T | Denied>, detail?: (v: T) => Record<string, unknown>): Promise<T> {
    const result = await this.db.transaction(async (trx) => {
      const r = await read(trx);
      const denied = r instanceof Denied;
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: denied ? `${kind}.view_denied` : `${kind}.view`,
        objectType: kind === 'catalog' ? 'archive' : kind,
        objectId,
        outcome: denied ? 'denied' : 'success',
        detail: denied ? { reason: r.reason } : detail?.(r as T),
      });
      return r;
    });
    if (result instanceof Denied) throw errors.notFound(NOUN[kind]);
    return result;
  }

  async search(user: SessionUser, ip: string, params: SearchParams) {
    const scope = await this.access.scopeFilter(this.db, user);
    const { items, total, totalExact } = await searchCadres(this.db, scope, params);
    await this.audit.record(null, { actor: user, ip, action: 'cadre.search', objectType: 'cadre', detail: { total, returned: items.length } });
    return {
      total,
      totalExact,
      offset: params.offset,
      limit: params.limit,
      items: items.map((h) => ({
        id: h.id,
        name: h.name,
        gender: h.gender,
        birthDate: h.birth_date,
        unitId: h.org_unit_id,
        unitName: h.unit_name,
        post: h.post,
        managementLevel: h.management_level,
        archiveNos: h.archive_nos,
      })),
    };
  }

  private async unitName(q: Q, id: number): Promise<string> {
    return (await this.unit(q, id)).name;
  }

  private async unit(q: Q, id: number): Promise<{ name: string; code: string }> {
    const u = await people.findOrgUnit(q, id);
    return { name: u?.name ?? '', code: u?.code ?? '' };
  }

  async cadre(user: SessionUser, ip: string, cadreId: number) {
    return this.view(user, ip, 'cadre', cadreId, async (trx) => {
      const check = await this.access.checkCadre(trx, user, cadreId);
      if (!check.ok) return new Denied(check.reason);
      const c = (await store.findCadre(trx, cadreId))!;
      const visible = [];
      for (const a of await archiveStore.archivesOfCadre(trx, cadreId)) {
        const seen = await this.access.checkArchive(trx, user, a.id, { register: true });
        if (seen.ok) visible.push(readerView(archiveDto(a, await this.unit(trx, a.custodian_org_id)), seen.via));
      }
      // A reader through a grant reads the granted materials, not the office's record of the
      // cadre's family (third persons) nor where the file is kept.
      const grantOnly = check.via === 'grant';
      return {
        ...cadreDto(c, await this.unitName(trx, c.org_unit_id)),
        family: grantOnly ? [] : (await store.familyOf(trx, cadreId)).map(familyDto),
        familyWithheld: grantOnly,
        archives: visible,
      };
    });
  }

  async cadreHistory(user: SessionUser, ip: string, cadreId: number) {
    return this.view(user, ip, 'cadre', cadreId, async (trx) => {
      const check = await this.access.checkCadre(trx, user, cadreId);
      if (!check.ok) return new Denied(check.reason);
      return { items: await this.historyBases(trx, user, await store.fieldHistory(trx, cadreId)) };
    }, () => ({ part: 'history' }));
  }

  /**
   * Each change with what it rests on as the caller may follow it: the basis material's 序号 and
   * title where its archive and category are readable to the caller, the basis case's number and
   * whether the caller may open it (server/workflow/scope.ts). The ids stay in the row either way.
   */
  private async historyBases(trx: Q, user: SessionUser, rows: FieldHistoryRow[]) {
    const materials = new Map<number, { id: number; archiveId: number; seqNo: string; title: string } | null>();
    for (const id of new Set(rows.flatMap((r) => (r.basis_material_id ? [r.basis_material_id] : [])))) {
      const r = await this.materialAccess(trx, user, id);
      materials.set(id, r instanceof Denied ? null : { id: r.material.id, archiveId: r.material.archive_id, seqNo: r.material.seq_no, title: r.material.title });
    }
    const caseIds = [...new Set(rows.flatMap((r) => (r.basis_instance_id ? [r.basis_instance_id] : [])))];
    const readable = await readableCases(trx, user, caseIds);
    const keys = new Map<string, string | null>(
      caseIds.length ? (await trx('process_instances').whereIn('id', caseIds).select('id', 'business_key')).map((r: { id: string; business_key: string | null }) => [r.id, r.business_key ?? null]) : [],
    );
    // A unit is stored by id: the row says its name (a unit renamed since reads with today's name).
    const unitIds = [...new Set(rows.filter((h) => h.field === 'org_unit_id').flatMap((h) => [h.old_value, h.new_value]).filter((v): v is string => !!v).map(Number))];
    const units = new Map<string, string>(
      unitIds.length ? (await trx('org_units').whereIn('id', unitIds).select('id', 'name')).map((u: { id: number; name: string }) => [String(u.id), u.name]) : [],
    );
    const text = (h: FieldHistoryRow, v: string | null) => (h.field === 'org_unit_id' && v ? (units.get(v) ?? null) : null);
    return rows.map((h) => ({
      ...historyDto(h),
      oldText: text(h, h.old_value),
      newText: text(h, h.new_value),
      basisMaterial: h.basis_material_id ? (materials.get(h.basis_material_id) ?? null) : null,
      basisCase: h.basis_instance_id ? { instanceId: h.basis_instance_id, caseNo: keys.get(h.basis_instance_id) ?? null, readable: readable.has(h.basis_instance_id) } : null,
    }));
  }

  async archive(user: SessionUser, ip: string, archiveId: number) {
    return this.view(user, ip, 'archive', archiveId, async (trx) => {
      const check = await this.access.checkArchive(trx, user, archiveId, { register: true });
      if (!check.ok) return new Denied(check.reason);
      const a = (await archiveStore.findArchive(trx, archiveId))!;
      const c = (await store.findCadre(trx, a.cadre_id))!;
      return {
        ...readerView(archiveDto(a, await this.unit(trx, a.custodian_org_id)), check.via),
        cadre: { id: c.id, name: c.name, unitName: await this.unitName(trx, c.org_unit_id), post: c.post },
        access: check.via,
        grantedCategories: check.categories,
        // Its reasons name the shelves (入库上架：… → 库房A/3柜/2层): the office's, like the location.
        statusHistory: check.via === 'grant' ? [] : (await archiveStore.statusHistory(trx, archiveId)).map(statusHistoryDto),
        digitalHistory: (await archiveStore.digitalHistory(trx, archiveId)).map(digitalHistoryDto),
        // The office's staff only: a reader through a grant moves nothing, nor does anyone an archive that has left.
        digitalTransitions: check.via === 'custody' && !check.gone ? digitalTargets(a.digital_status, user.roles) : [],
      };
    });
  }

  /** The catalogue grouped by category, as printed: heading rows with the materials under them. */
  async catalogue(user: SessionUser, ip: string, archiveId: number) {
    return this.view(user, ip, 'catalog', archiveId, async (trx) => {
      const check = await this.access.checkArchive(trx, user, archiveId);
      if (!check.ok) return new Denied(check.reason);
      const cats = (await catalog.listCategories(trx)).filter((c) => !check.categories || categoryCovered(check.categories, c.code));
      const materials = await catalog.currentMaterials(trx, archiveId, cats.map((c) => c.code));
      const scanned = await catalog.pageCounts(trx, materials.map((m) => m.id));
      return {
        archiveId,
        categories: cats.map((c) => ({
          code: c.code,
          numeral: c.numeral,
          name: c.name,
          parentCode: c.parent_code,
          materials: materials.filter((m) => m.category_code === c.code).map((m) => materialDto(m, scanned.get(m.id) ?? 0)),
        })),
      };
    }, (v) => ({ materials: v.categories.reduce((n, c) => n + c.materials.length, 0) }));
  }

  /** A material's row and its pages, if its archive and category are readable. */
  /** The material, and whether the caller reads it as the office keeping its archive (else by a grant). */
  private async materialAccess(q: Q, user: SessionUser, materialId: number) {
    const m = await catalog.findMaterial(q, materialId);
    if (!m) return new Denied('absent');
    const check = await this.access.checkArchive(q, user, m.archive_id, { categoryCode: m.category_code });
    return check.ok ? { material: m, custody: check.via === 'custody' } : new Denied(check.reason);
  }

  /**
   * The material if the caller's office keeps its archive: the clean scans are the office's working
   * copy; a reader holding only a grant sees the pages in the reading room (server/reading/),
   * watermarked. One access check serves both questions.
   */
  private async keptMaterial(q: Q, user: SessionUser, materialId: number) {
    const r = await this.materialAccess(q, user, materialId);
    if (r instanceof Denied) return r;
    return r.custody ? r.material : new Denied('reading_room');
  }

  async material(user: SessionUser, ip: string, materialId: number) {
    return this.view(user, ip, 'material', materialId, async (trx) => {
      const r = await this.materialAccess(trx, user, materialId);
      if (r instanceof Denied) return r;
      const m = r.material;
      const pages = await catalog.pagesOf(trx, materialId);
      // The marks are the office's quality control: a reader with a grant does not see them.
      const marks = r.custody ? await catalog.standingMarks(trx, materialId) : [];
      return {
        ...materialDto(m, pages.length),
        superseded: await catalog.isSuperseded(trx, m.id),
        corrections: r.custody ? await this.corrections(trx, m) : [],
        pageImages: pages.map(pageDto),
        pageMarks: marks.map((k) => ({ pageNo: k.page_no, reason: k.reason, markedAt: k.marked_at, markedByName: k.marked_by_name })),
      };
    });
  }

  /** The corrections of a material's 序号, oldest first: who, when, why and what changed (a unit by its name). */
  private async corrections(q: Q, m: catalog.MaterialRow) {
    const rows = await catalog.revisionsOf(q, m);
    const unitName = async (v: unknown) => (typeof v === 'number' ? ((await people.findOrgUnit(q, v))?.name ?? String(v)) : null);
    const out = [];
    for (const row of rows) {
      const before = rows.find((x) => x.id === row.supersedes_material_id);
      if (!before) continue;
      const changes = [];
      for (const c of materialChanges(before, row)) {
        changes.push(c.field === 'producerOrgId' ? { ...c, from: await unitName(c.from), to: await unitName(c.to) } : c);
      }
      out.push({ revision: row.revision, materialId: row.id, at: row.filed_at, byName: row.filed_by_name, reason: row.supersede_reason, changes });
    }
    return out;
  }

  async page(user: SessionUser, ip: string, materialId: number, pageNo: number) {
    return this.view(user, ip, 'page', `${materialId}/${pageNo}`, async (trx) => {
      const m = await this.keptMaterial(trx, user, materialId);
      if (m instanceof Denied) return m;
      const page = await this.scans.readPage(trx, materialId, pageNo);
      if (!page) return new Denied('absent');
      return { raw: page.data, contentType: contentTypeOf(page.row.format), headers: { 'X-Content-SHA256': page.row.sha256 } };
    }, () => ({ materialId, pageNo }));
  }

  /**
   * A page's thumbnail for the office's scan viewer: the same rule as the page (the custodian office,
   * no tie), a JPEG from the derivative cache. Made outside any transaction (sharp holds no lock);
   * audited as page.thumbnail once it is made, or as page.view_denied.
   */
  async thumbnail(user: SessionUser, ip: string, materialId: number, pageNo: number) {
    const objectId = `${materialId}/${pageNo}`;
    const m = await this.keptMaterial(this.db, user, materialId);
    const found = m instanceof Denied ? m : ((await catalog.findPage(this.db, materialId, pageNo)) ?? new Denied('absent'));
    if (found instanceof Denied) {
      await this.audit.record(null, { actor: user, ip, action: 'page.view_denied', objectType: 'page', objectId, outcome: 'denied', detail: { reason: found.reason, size: 'thumbnail' } });
      throw errors.notFound('Page');
    }
    const data = await this.thumbs.derivatives.get(path.join(this.scans.root, found.file), found.sha256, this.thumbs.width);
    await this.audit.record(null, { actor: user, ip, action: 'page.thumbnail', objectType: 'page', objectId, detail: { materialId, pageNo } });
    return { raw: data, contentType: 'image/jpeg', headers: { 'Cache-Control': 'no-store, private' } };
  }

  async scanFindings(user: SessionUser, ip: string, materialId: number) {
    return this.view(user, ip, 'material', materialId, async (trx) => {
      const r = await this.materialAccess(trx, user, materialId);
      if (r instanceof Denied) return r;
      const findings = await this.scans.checkScans(trx, materialId);
      // A page marked failing by eye carries the office's own words: a reader with a grant does not see them.
      return { materialId, findings: r.custody ? findings : findings.filter((f) => f.code !== 'MARKED_FAILING') };
    }, () => ({ part: 'scan_check' }));
  }

  async orgUnits() {
    const rows = await this.db('org_units').orderBy([{ column: 'path' }]).select('id', 'code', 'name', 'kind', 'parent_id', 'path', 'is_custodian', 'sort_order');
    return rows.map((r: any) => ({ id: r.id, code: r.code, name: r.name, kind: r.kind, parentId: r.parent_id, path: r.path, isCustodian: bool(r.is_custodian), sortOrder: r.sort_order }));
  }

  /** The archive offices whose holdings the user reads by role (AccessRules.custodianOffices), in tree order. */
  async myOffices(user: SessionUser) {
    const ids = await this.access.custodianOffices(this.db, user);
    const rows = ids.length ? await this.db('org_units').whereIn('id', ids).orderBy('path').select('id', 'code', 'name') : [];
    return rows.map((r: any) => ({ id: r.id, code: r.code, name: r.name, own: r.id === user.orgUnitId }));
  }

  async categories() {
    return (await catalog.listCategories(this.db)).map((c) => ({ code: c.code, numeral: c.numeral, name: c.name, parentCode: c.parent_code, divided: c.divided, active: c.active }));
  }
}
