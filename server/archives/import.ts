// 历史数据迁移: cadres + their archives (sheets with a0101 …) and catalogue rows (sheets with
// e01z211 …). plan() checks EVERY row against the data and the database and numbers the materials;
// nothing is written unless every row is valid, and then all of it in one transaction (a failure
// anywhere rolls back everything). A dry run is plan() alone.
import type { Db, Q, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { beijingDay } from '../notify/beijing.ts';
import { bool } from '../db.ts';
import { ARCHIVE_KINDS, MANAGEMENT_LEVELS, type ArchiveKind } from './codes.ts';
import { cadreProblems, createCadre, type ActorRef, type CadreInput } from './cadres.ts';
import { createArchive, custodianFor } from './archives.ts';
import { materialProblems, seqNo } from './catalogue.ts';
import * as store from './store.ts';
import * as archiveStore from './archive-store.ts';
import * as catalog from './catalog-store.ts';
import { normaliseDate } from './validate.ts';
import type { Sheet } from './import-read.ts';

export interface ImportProblem {
  sheet: string;
  row: number;
  column: string | null;
  problem: string;
}

export interface ImportReport {
  dryRun: boolean;
  imported: boolean;
  counts: { cadres: number; archives: number; materials: number };
  errors: ImportProblem[];
}

export interface ImportOptions {
  /** API imports: every archive goes to this office and must be held by it. */
  onlyOffice?: number;
  /** CLI default office when neither a custodian_code column nor a custody range names one. */
  defaultOffice?: number;
  actor: ActorRef | null;
}

const CADRE_COLUMNS: Record<string, string> = {
  name: 'a0101', gender: 'a0104', birth_date: 'a0107', native_place: 'a0111a', ethnicity: 'a0117', work_start_date: 'a0134',
  political_status: 'a0141', party_join_date: 'a0144', id_number: 'a0184', education: 'education', degree: 'degree', post: 'post', management_level: 'management_level',
};
const LEVEL_BY_LABEL = Object.fromEntries(Object.entries(MANAGEMENT_LEVELS).flatMap(([code, l]) => [[code, code], [l.zh, code]]));
const KIND_BY_LABEL = Object.fromEntries(Object.entries(ARCHIVE_KINDS).flatMap(([code, l]) => [[code, code], [l.zh, code]])) as Record<string, ArchiveKind>;
const GENDER_BY_LABEL: Record<string, string> = { '1': '1', '2': '2', 男: '1', 女: '2' };
const YES: Record<string, boolean> = { 是: true, 否: false, '1': true, '0': false, true: true, false: false, y: true, n: false, '': false };

/** '41' / '4-1' / '4.1' → '4-1'; '99' → '10' (十类, DOMAIN.md §2.1). */
export function normaliseCategory(v: string): string {
  const t = v.trim();
  if (t === '99') return '10';
  const m = /^(\d)[-.]?(\d)$/.exec(t);
  if (m && (m[1] === '4' || m[1] === '9')) return `${m[1]}-${m[2]}`;
  return t;
}

interface PlannedCadre { line: number; sheet: string; input: CadreInput; archive: { archiveNo: string | null; kind: ArchiveKind; volumes: number; custodianOrgId: number; storeRoom: string | null; cabinet: string | null; shelf: string | null } }
interface PlannedMaterial { line: number; sheet: string; seqColumn: string; archiveNo: string; categoryCode: string; itemNo: number | null; row: Omit<catalog.MaterialRow, 'id' | 'archive_id' | 'item_no' | 'seq_no' | 'filed_at' | 'filed_by'> }

export async function plan(q: Q, clock: Clock, sheets: Sheet[], opts: ImportOptions) {
  const problems: ImportProblem[] = [];
  const today = beijingDay(clock.now());
  const cadres: PlannedCadre[] = [];
  const materials: PlannedMaterial[] = [];
  const orgs = new Map<string, { id: number; is_custodian: boolean; name: string }>();
  for (const o of await q('org_units').select('id', 'code', 'name', 'is_custodian')) orgs.set(o.code, { id: o.id, name: o.name, is_custodian: bool(o.is_custodian) });
  const orgByName = new Map([...orgs.values()].map((o) => [o.name, o]));
  const categories = await catalog.listCategories(q);
  const seenIds = new Map<string, number>();
  const seenNos = new Map<string, number>();
  const fileArchives = new Set<string>();

  for (const sheet of sheets) {
    const col = (c: string) => sheet.headers.get(c) ?? c;
    const isCadres = sheet.headers.has('a0101');
    const isCatalogue = sheet.headers.has('e01z211');
    if (!isCadres && !isCatalogue) {
      problems.push({ sheet: sheet.name, row: 1, column: null, problem: '无法识别的表：需要 a0101（干部）或 e01z211（目录）列 / unknown sheet: needs an a0101 (cadres) or e01z211 (catalogue) column' });
      continue;
    }
    for (const r of sheet.rows) {
      const v = r.values;
      const bad = (column: string | null, problem: string) => problems.push({ sheet: sheet.name, row: r.line, column: column && col(column), problem });
      if (isCadres) {
        const c: Record<string, string | null> = {};
        for (const [field, header] of Object.entries(CADRE_COLUMNS)) c[field] = v[header] || null;
        for (const f of ['birth_date', 'work_start_date', 'party_join_date']) if (c[f]) c[f] = normaliseDate(c[f]!) ?? c[f];
        if (c.gender) c.gender = GENDER_BY_LABEL[c.gender] ?? c.gender;
        if (c.management_level) c.management_level = LEVEL_BY_LABEL[c.management_level] ?? c.management_level;
        if (c.id_number) c.id_number = c.id_number.toUpperCase();
        const before = problems.length;
        for (const p of cadreProblems(c, today)) bad(CADRE_COLUMNS[p.field] ?? p.field, p.message);
        const unit = v.unit_code ? orgs.get(v.unit_code) : undefined;
        if (!unit) bad('unit_code', v.unit_code ? `单位代码 ${v.unit_code} 不存在 / no unit with this code` : '必填 / required');
        if (c.id_number) {
          if (seenIds.has(c.id_number)) bad('a0184', `与第 ${seenIds.get(c.id_number)} 行身份证号重复 / same ID number as row ${seenIds.get(c.id_number)}`);
          else if (await store.findCadreByIdNumber(q, c.id_number)) bad('a0184', '该身份证号的干部已存在 / a cadre with this ID number exists');
          seenIds.set(c.id_number, r.line);
        }
        const kind = KIND_BY_LABEL[v.archive_kind || '正本'];
        if (!kind) bad('archive_kind', '档案类型应为 正本 或 副本 / must be 正本 (original) or 副本 (copy)');
        const volumes = v.volumes ? Number(v.volumes) : 1;
        if (!Number.isInteger(volumes) || volumes < 1 || volumes > 50) bad('volumes', '卷数应为1–50的整数 / volumes must be a whole number 1–50');
        const archiveNo = v.archive_no || null;
        if (archiveNo) {
          if (archiveNo.length > 40 || !/^[\w\-\u4e00-\u9fa5（）()〔〕]+$/.test(archiveNo)) bad('archive_no', '档案号格式不正确 / malformed archive number');
          else if (seenNos.has(archiveNo)) bad('archive_no', `与第 ${seenNos.get(archiveNo)} 行档案号重复 / same archive number as row ${seenNos.get(archiveNo)}`);
          else if (await archiveStore.findArchiveByNo(q, archiveNo)) bad('archive_no', '档案号已被使用 / archive number taken');
          seenNos.set(archiveNo, r.line);
          fileArchives.add(archiveNo);
        }
        let office: number | undefined;
        if (v.custodian_code) {
          const o = orgs.get(v.custodian_code);
          if (!o || !o.is_custodian) bad('custodian_code', '不是管档单位 / not a custodian office');
          else office = o.id;
        } else if (opts.onlyOffice) office = opts.onlyOffice;
        else if (unit && c.management_level) office = (await custodianFor(q, unit.id, c.management_level))?.custodianOrgId ?? opts.defaultOffice;
        else office = opts.defaultOffice;
        if (opts.onlyOffice && office !== undefined && office !== opts.onlyOffice) bad('custodian_code', '只能导入本档案室保管的档案 / you can import only into your own office');
        if (office === undefined && problems.length === before) bad('custodian_code', '无法确定管档单位 / no custodian office for this cadre');
        if (problems.length === before) {
          cadres.push({
            line: r.line,
            sheet: sheet.name,
            input: { ...(c as unknown as CadreInput), org_unit_id: unit!.id },
            archive: { archiveNo, kind, volumes, custodianOrgId: office!, storeRoom: v.store_room || null, cabinet: v.cabinet || null, shelf: v.shelf || null },
          });
        }
      } else {
        const archiveNo = v.archive_no ?? '';
        const categoryCode = normaliseCategory(v.e01z211 ?? '');
        const before = problems.length;
        if (!archiveNo) bad('archive_no', '必填 / required');
        else if (!fileArchives.has(archiveNo)) {
          const a = await archiveStore.findArchiveByNo(q, archiveNo);
          if (!a || (opts.onlyOffice && a.custodian_org_id !== opts.onlyOffice)) bad('archive_no', `档案号 ${archiveNo} 不存在 / no such archive`);
        }
        const formed = normaliseDate(v.e01z227 ?? '') ?? (v.e01z227 || '');
        const copy = YES[(v.is_copy ?? '').toLowerCase()];
        if (copy === undefined) bad('is_copy', '复印件应填 是 或 否 / must be 是 or 否');
        const copyDate = v.copy_date ? (normaliseDate(v.copy_date) ?? v.copy_date) : null;
        const pages = /^\d+$/.test(v.e01z224 ?? '') ? Number(v.e01z224) : NaN;
        const m = { categoryCode, title: v.e01z211a ?? '', formedDate: formed, pages, isCopy: !!copy, copyDate, remark: v.remark || null };
        const fieldCol: Record<string, string> = { categoryCode: 'e01z211', title: 'e01z211a', formedDate: 'e01z227', pages: 'e01z224', copyDate: 'copy_date', remark: 'remark' };
        for (const p of materialProblems(m, categories, today)) bad(fieldCol[p.field] ?? p.field, p.message);
        let itemNo: number | null = null;
        if (v.e01z212) {
          const sm = new RegExp(`^${categoryCode.replace('-', '\\-')}-(\\d{1,4})$`).exec(v.e01z212);
          if (!sm || Number(sm[1]) < 1) bad('e01z212', `序号应为 ${categoryCode}-n / 序号 must read ${categoryCode}-n`);
          else itemNo = Number(sm[1]);
        }
        let producer: number | null = null;
        if (v.e01z0001) {
          const o = orgs.get(v.e01z0001) ?? orgByName.get(v.e01z0001);
          if (!o) bad('e01z0001', '形成单位不存在（填单位代码或全称） / unknown unit (give its code or full name)');
          else producer = o.id;
        }
        if (problems.length === before) {
          materials.push({
            line: r.line,
            sheet: sheet.name,
            seqColumn: col('e01z212'),
            archiveNo,
            categoryCode,
            itemNo,
            row: { category_code: categoryCode, revision: 0, title: m.title.trim(), title_code: v.e01z211b || null, formed_date: formed, pages, is_copy: !!copy, copy_date: copy ? copyDate : null, remark: m.remark, producer_org_id: producer, instance_id: null, supersedes_material_id: null, supersede_reason: null },
          });
        }
      }
    }
  }
  // 序号: explicit numbers must be free (in the file and in the database); the rest follow them.
  const used = new Map<string, Set<number>>();
  const key = (no: string, cat: string) => `${no}\u0000${cat}`;
  for (const m of materials) {
    const k = key(m.archiveNo, m.categoryCode);
    if (!used.has(k)) {
      const a = await archiveStore.findArchiveByNo(q, m.archiveNo);
      const taken = new Set<number>();
      if (a) for (const r of await q('materials').where({ archive_id: a.id, category_code: m.categoryCode }).select('item_no')) taken.add(r.item_no);
      used.set(k, taken);
    }
  }
  for (const m of materials.filter((x) => x.itemNo !== null)) {
    const taken = used.get(key(m.archiveNo, m.categoryCode))!;
    if (taken.has(m.itemNo!)) problems.push({ sheet: m.sheet, row: m.line, column: m.seqColumn, problem: `序号 ${seqNo(m.categoryCode, m.itemNo!)} 已被使用 / already used` });
    taken.add(m.itemNo!);
  }
  for (const m of materials.filter((x) => x.itemNo === null)) {
    const taken = used.get(key(m.archiveNo, m.categoryCode))!;
    m.itemNo = Math.max(0, ...taken) + 1;
    taken.add(m.itemNo);
  }
  problems.sort((a, b) => (a.sheet === b.sheet ? a.row - b.row : a.sheet < b.sheet ? -1 : 1));
  return { problems, cadres, materials };
}

/** Validates everything; unless dryRun and only when there is no problem, imports all of it. */
export async function runImport(db: Db, clock: Clock, sheets: Sheet[], opts: ImportOptions & { dryRun: boolean }, onCommit?: (trx: Trx, report: ImportReport) => Promise<void>): Promise<ImportReport> {
  const first = await plan(db, clock, sheets, opts);
  const report = (imported: boolean, p = first): ImportReport => ({
    dryRun: opts.dryRun,
    imported,
    counts: { cadres: p.cadres.length, archives: p.cadres.length, materials: p.materials.length },
    errors: p.problems,
  });
  if (opts.dryRun || first.problems.length) return report(false);
  return db.transaction(async (trx) => {
    // Lock the archives that receive materials, then plan again inside the transaction: the
    // numbers are taken against what is committed now, and concurrent filings wait for us.
    const targets = new Set(sheets.flatMap((sh) => (sh.headers.has('e01z211') ? sh.rows.map((r) => r.values.archive_no).filter(Boolean) : [])));
    for (const no of [...targets].sort()) {
      const a = await archiveStore.findArchiveByNo(trx, no);
      if (a) await archiveStore.lockArchive(trx, a.id);
    }
    const p = await plan(trx, clock, sheets, opts);
    if (p.problems.length) return report(false, p);
    const archiveIds = new Map<string, number>();
    for (const c of p.cadres) {
      const cadreId = await createCadre(trx, clock, c.input);
      const a = await createArchive(trx, clock, { cadreId, ...c.archive, archiveNo: c.archive.archiveNo ?? undefined }, opts.actor, '历史数据迁移 / imported');
      if (c.archive.archiveNo) archiveIds.set(c.archive.archiveNo, a.id);
    }
    const now = iso(clock.now());
    const rows = [];
    for (const m of p.materials) {
      let id = archiveIds.get(m.archiveNo);
      if (id === undefined) {
        id = (await archiveStore.findArchiveByNo(trx, m.archiveNo))!.id;
        archiveIds.set(m.archiveNo, id);
      }
      rows.push({ ...m.row, archive_id: id, item_no: m.itemNo!, seq_no: seqNo(m.categoryCode, m.itemNo!), filed_by: opts.actor?.id ?? null, filed_at: now });
    }
    await catalog.insertMaterials(trx, rows);
    const done = report(true, p);
    await onCommit?.(trx, done);
    return done;
  });
}

