// 历史数据迁移: cadres + their archives (sheets with a0101 …) and catalogue rows (sheets with
// e01z211 …). plan() checks EVERY row against the data and the database and numbers the materials;
// nothing is written unless every row is valid, and then all of it in one transaction (a failure
// anywhere rolls back everything). A dry run is plan() alone. Each sheet's header row is checked
// first (import-columns.ts: a column the import does not read is refused, not dropped), and cadre
// sheets are planned before catalogue sheets, whatever their order in the workbook.
//
// A file may hold 50,000 rows a sheet, so the work is kept small and shared: plan() reads what it
// compares against once, set-based (existing ID numbers, the archives named, the importer's ties
// (回避), the catalogues of the archives they may file into), checks the rows in memory and lets
// the event loop serve other requests between batches of rows.
// The write transaction takes SQLite's writer lock first, reads the same state again (a few
// set-based queries), and when nothing it depends on moved since plan(), writes with multi-row
// inserts; otherwise it plans again inside the transaction, on that state and the catalogue.
import type { Db, Q, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { beijingDay } from '../notify/beijing.ts';
import { bool, parseJson, takeWriterLock } from '../db.ts';
import { errors } from '../errors.ts';
import { ARCHIVE_KINDS, MANAGEMENT_LEVELS, categoryCodeOf, type ArchiveKind } from './codes.ts';
import { cadreProblems, cadreRow, type ActorRef, type CadreInput } from './cadres.ts';
import { archiveRow, deepestRange, firstStatusRow } from './archives.ts';
import { materialProblems, seqNo } from './catalogue.ts';
import * as store from './store.ts';
import * as archiveStore from './archive-store.ts';
import * as catalog from './catalog-store.ts';
import * as io from './import-store.ts';
import { nameKeys } from './pinyin.ts';
import { isCalendarDate, normaliseDate } from './validate.ts';
import type { Sheet } from './import-read.ts';
import { CADRE_COLUMNS, columnProblems } from './import-columns.ts';

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
  /** The problems, by sheet and row; the first `maxErrors` when the caller set a bound. */
  errors: ImportProblem[];
  /** How many problems there are in all (more than errors.length when they were cut). */
  errorCount: number;
}

export interface ImportOptions {
  /** API imports: every archive goes to this office and must be held by it. */
  onlyOffice?: number;
  /** CLI default office when neither a custodian_code column nor a custody range names one. */
  defaultOffice?: number;
  actor: ActorRef | null;
  /**
   * Called now and then while rows are checked (the CLI prints it), and once when the check is done,
   * before anything is written. A promise it returns is waited for.
   */
  onProgress?: (checked: number, total: number) => void | Promise<void>;
  /** Report at most this many problems (the API: a file of 40,000 bad rows is not answered with 100,000 lines). */
  maxErrors?: number;
  /**
   * The filing rule of 扫描质检 for the catalogue rows written (ArchivesService.checkUnscannedInDigitised),
   * in the write transaction: a row filed without scans into an archive 已数字化 or 已验收 records a
   * failing check and moves it back to 部分数字化, as filing by hand does.
   */
  filed: (trx: Trx, rows: Array<{ id: number; archive_id: number }>) => Promise<void>;
}

const LEVEL_BY_LABEL = Object.fromEntries(Object.entries(MANAGEMENT_LEVELS).flatMap(([code, l]) => [[code, code], [l.zh, code]]));
const KIND_BY_LABEL = Object.fromEntries(Object.entries(ARCHIVE_KINDS).flatMap(([code, l]) => [[code, code], [l.zh, code]])) as Record<string, ArchiveKind>;
const GENDER_BY_LABEL: Record<string, string> = { '1': '1', '2': '2', 男: '1', 女: '2' };
const YES: Record<string, boolean> = { 是: true, 否: false, '1': true, '0': false, true: true, false: false, y: true, n: false, '': false };


interface PlannedCadre { line: number; sheet: string; input: CadreInput; nameKeys: ReturnType<typeof nameKeys>; archive: { archiveNo: string | null; kind: ArchiveKind; volumes: number; custodianOrgId: number; storeRoom: string | null; cabinet: string | null; shelf: string | null } }
interface PlannedMaterial { line: number; sheet: string; seqColumn: string; archiveNo: string; categoryCode: string; itemNo: number | null; row: Omit<catalog.MaterialRow, 'id' | 'archive_id' | 'item_no' | 'seq_no' | 'filed_at' | 'filed_by'> }

/** A cadre row whose ID number or 档案号 is on record already, wherever and whoever: neither names an office. */
const TAKEN_ID = '该身份证号已登记，不能重复导入；如有疑问请与管档单位核实 / this ID number is registered already and cannot be imported again; if in doubt, check with the custodian office';
const TAKEN_NO = '档案号已被使用（各管档单位的档案号均不能重复），请另填或留空由系统编号 / this archive number is in use (numbers are unique across all offices): give another or leave it blank to have one assigned';

/** Rows checked between two turns of the event loop (other requests are served in between). */
const ROWS_PER_TURN = 500;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** 材料名称 as compared for duplicates: outer and repeated (also full-width) spaces do not count. */
const titleKey = (t: string) => t.replace(/[\s\u3000]+/g, ' ').trim();
/**
 * The same material (DOMAIN.md §2: one row of the catalogue is one document): same archive,
 * category, title, date formed and pages. The 序号 is not part of it: it is the office's numbering,
 * which a re-run may leave blank.
 */
const sameMaterial = (archiveNo: string, category: string, title: string, formed: string, pages: number) => [archiveNo, category, titleKey(title), formed, pages].join('\u0000');

/** What plan() compares the file against, read set-based once. */
interface State {
  orgs: Map<string, { id: number; is_custodian: boolean; name: string; path: string }>;
  categories: catalog.CategoryRow[];
  ranges: Array<{ levels: string[]; rootOrgId: number; custodianOrgId: number }>;
  takenIds: Set<string>;
  /** Every archive the file names (档案号 are unique across offices: a cadre row may not reuse one). */
  archives: Map<string, io.ArchiveRef>;
  /** Those of them the importer may file into (catalogue rows); any other is answered as absent. */
  open: Set<string>;
  /** ID numbers of the importer's relatives (their family record): an archive a cadre row of the file sets up for one is not theirs to file into either. */
  tiedIdNumbers: Set<string>;
  /** The ids of the open archives, ascending. */
  targetIds: number[];
  /** The catalogues of the open archives (empty in a state read only to compare: withCatalogue). */
  catalogue: io.CatalogueKeyRow[];
  /** By prefix (`<office code>-`): the highest serial in the database of offices that number archives the file leaves without one. */
  serials: Map<string, number>;
  /** Changes when anything plan() depends on changes (compared inside the write transaction). */
  mark: string;
}

/** The ID numbers and archive numbers a file names (before any check). */
function keysOf(sheets: Sheet[]) {
  const ids = new Set<string>();
  const nos = new Set<string>();
  for (const sh of sheets) {
    const cadres = sh.headers.has('a0101');
    if (!cadres && !sh.headers.has('e01z211')) continue;
    for (const r of sh.rows) {
      if (cadres && r.values.a0184) ids.add(r.values.a0184.toUpperCase());
      if (r.values.archive_no) nos.add(r.values.archive_no);
    }
  }
  return { ids: [...ids], nos: [...nos] };
}

/**
 * An archive the importer may file catalogue rows into: held by their office (API imports) and of
 * no cadre tied to them — the rule of every read and write (server/access: avoidance list, self,
 * relatives both ways). The CLI runs as the operator, with no user and so no ties.
 */
const openTo = (a: io.ArchiveRef, opts: ImportOptions, tied: Set<number>) => (!opts.onlyOffice || a.custodian_org_id === opts.onlyOffice) && !tied.has(a.cadre_id);

async function readState(q: Q, sheets: Sheet[], full: boolean, opts: ImportOptions): Promise<State> {
  const { ids, nos } = keysOf(sheets);
  const orgs = new Map<string, { id: number; is_custodian: boolean; name: string; path: string }>();
  for (const o of await q('org_units').orderBy('id').select('id', 'code', 'name', 'is_custodian', 'path')) orgs.set(o.code, { id: Number(o.id), name: o.name, path: o.path, is_custodian: bool(o.is_custodian) });
  const categories = await catalog.listCategories(q);
  const ranges = (await store.listCustodyRanges(q)).map((r) => ({ levels: parseJson<string[]>(r.management_levels, []), rootOrgId: Number(r.root_org_id), custodianOrgId: Number(r.custodian_org_id) }));
  const takenIds = new Set(await io.existingIdNumbers(q, ids));
  const archives = new Map((await io.archivesByNo(q, nos)).map((a) => [a.archive_no, { id: Number(a.id), archive_no: a.archive_no, cadre_id: Number(a.cadre_id), custodian_org_id: Number(a.custodian_org_id), birth_date: a.birth_date }]));
  const ties = opts.actor ? await io.importerTies(q, opts.actor.id) : { cadreIds: [], relativeIdNumbers: [] };
  const tied = new Set(ties.cadreIds);
  const reachable = [...archives.values()].filter((a) => openTo(a, opts, tied));
  // Only the archives the importer may file into: another office's catalogue, or an avoided one's, is not read.
  const targetIds = reachable.map((a) => a.id).sort((a, b) => a - b);
  const catalogue = full ? await io.catalogueOf(q, targetIds) : [];
  const marks = full ? marksOf(catalogue) : await io.catalogueMarks(q, targetIds);
  const mark = JSON.stringify([
    [...orgs.entries()],
    categories,
    ranges,
    [...takenIds].sort(),
    [...archives.values()].sort((a, b) => a.id - b.id),
    ties,
    marks.sort((a, b) => a.archive_id - b.archive_id),
    await io.maxId(q, 'cadres'),
    await io.maxId(q, 'archives'),
  ]);
  return { orgs, categories, ranges, takenIds, archives, open: new Set(reachable.map((a) => a.archive_no)), tiedIdNumbers: new Set(ties.relativeIdNumbers), targetIds, catalogue, serials: new Map(), mark };
}

/** A state read without the catalogue (to compare marks), completed for plan(). */
async function withCatalogue(q: Q, state: State): Promise<State> {
  return { ...state, catalogue: await io.catalogueOf(q, state.targetIds) };
}

function marksOf(rows: io.CatalogueKeyRow[]) {
  const by = new Map<number, { archive_id: number; n: number; m: number }>();
  for (const r of rows) {
    const k = by.get(r.archive_id) ?? { archive_id: r.archive_id, n: 0, m: 0 };
    k.n++;
    k.m = Math.max(k.m, Number(r.id));
    by.set(r.archive_id, k);
  }
  return [...by.values()];
}

export async function plan(q: Q, clock: Clock, sheets: Sheet[], opts: ImportOptions, given?: State) {
  const state = given ?? (await readState(q, sheets, true, opts));
  const problems: ImportProblem[] = [];
  const today = beijingDay(clock.now());
  const cadres: PlannedCadre[] = [];
  const materials: PlannedMaterial[] = [];
  const { orgs, categories } = state;
  const orgByName = new Map([...orgs.values()].map((o) => [o.name, o]));
  const pathById = new Map([...orgs.values()].map((o) => [o.id, o.path]));
  const custody = new Map<string, number | undefined>();
  const seenIds = new Map<string, number>();
  const seenNos = new Map<string, number>();
  /** Archive numbers the cadre rows of the file set up; true when the cadre is the importer's relative. */
  const fileArchives = new Map<string, boolean>();
  /** The birth date of the cadre of each archive number the file sets up (a catalogue row of it is not formed before). */
  const fileBirths = new Map<string, string>();
  // The catalogue already there: by archive number, the numbers taken per category and the materials.
  const noOf = new Map([...state.archives.values()].map((a) => [a.id, a.archive_no]));
  const there = new Map<string, string>();
  const used = new Map<string, Set<number>>();
  const key = (no: string, cat: string) => `${no}\u0000${cat}`;
  for (const m of state.catalogue) {
    const no = noOf.get(m.archive_id)!;
    const k = key(no, m.category_code);
    if (!used.has(k)) used.set(k, new Set());
    used.get(k)!.add(Number(m.item_no));
    there.set(sameMaterial(no, m.category_code, m.title, m.formed_date, Number(m.pages)), m.seq_no);
  }
  const inFile = new Map<string, { line: number; itemNo: number | null }>();
  const total = sheets.reduce((n, sh) => n + sh.rows.length, 0);
  let checked = 0;

  // Cadre sheets first, whatever their order in the workbook: a catalogue sheet may file into the archives they set up.
  const ordered = [...sheets.filter((s) => s.headers.has('a0101')), ...sheets.filter((s) => !s.headers.has('a0101'))];
  for (const sheet of ordered) {
    const col = (c: string) => sheet.headers.get(c) ?? c;
    const isCadres = sheet.headers.has('a0101');
    const isCatalogue = sheet.headers.has('e01z211');
    if (!isCadres && !isCatalogue) {
      problems.push({ sheet: sheet.name, row: sheet.headerLine, column: null, problem: '无法识别的表：需要 a0101（干部）或 e01z211（目录）列 / unknown sheet: needs an a0101 (cadres) or e01z211 (catalogue) column' });
      continue;
    }
    // Unknown, doubled or unnamed columns and missing required ones: once, on the header row. A
    // missing column's problem is not repeated on every row.
    const columns = columnProblems(sheet, isCadres ? 'cadres' : 'catalogue');
    for (const p of columns.problems) problems.push({ sheet: sheet.name, row: sheet.headerLine, ...p });
    for (const r of sheet.rows) {
      if (++checked % ROWS_PER_TURN === 0) {
        await opts.onProgress?.(checked, total);
        await nextTurn();
      }
      const v = r.values;
      // A problem in a column the sheet lacks is said once, on the header row; the row is not clean all the same.
      let clean = true;
      const bad = (column: string | null, problem: string) => {
        clean = false;
        if (column === null || !columns.missing.has(column)) problems.push({ sheet: sheet.name, row: r.line, column: column && col(column), problem });
      };
      if (isCadres) {
        const c: Record<string, string | null> = {};
        for (const [field, header] of Object.entries(CADRE_COLUMNS)) c[field] = v[header] || null;
        for (const f of ['birth_date', 'work_start_date', 'party_join_date']) if (c[f]) c[f] = normaliseDate(c[f]!) ?? c[f];
        if (c.gender) c.gender = GENDER_BY_LABEL[c.gender] ?? c.gender;
        if (c.management_level) c.management_level = LEVEL_BY_LABEL[c.management_level] ?? c.management_level;
        if (c.id_number) c.id_number = c.id_number.toUpperCase();
        for (const p of cadreProblems(c, today)) bad(CADRE_COLUMNS[p.field] ?? p.field, p.message);
        const unit = v.unit_code ? orgs.get(v.unit_code) : undefined;
        if (!unit) bad('unit_code', v.unit_code ? `单位代码 ${v.unit_code} 不存在 / no unit with this code` : '必填 / required');
        if (c.id_number) {
          if (seenIds.has(c.id_number)) bad('a0184', `与第 ${seenIds.get(c.id_number)} 行身份证号重复 / same ID number as row ${seenIds.get(c.id_number)}`);
          // Uniqueness cannot be kept without saying the number is taken; the answer names no office
          // and no cadre, and is the same whoever holds the record (registration by hand: CADRE_EXISTS).
          else if (state.takenIds.has(c.id_number)) bad('a0184', TAKEN_ID);
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
          else if (state.archives.has(archiveNo)) bad('archive_no', TAKEN_NO);
          seenNos.set(archiveNo, r.line);
          // Like registration by hand, a relative's record may be set up (the importer then no longer
          // sees it); filing into it is refused below, as absent, like filing by hand afterwards.
          fileArchives.set(archiveNo, !!c.id_number && state.tiedIdNumbers.has(c.id_number));
          if (c.birth_date && isCalendarDate(c.birth_date)) fileBirths.set(archiveNo, c.birth_date);
        }
        let office: number | undefined;
        if (v.custodian_code) {
          const o = orgs.get(v.custodian_code);
          if (!o || !o.is_custodian) bad('custodian_code', '不是管档单位 / not a custodian office');
          else office = o.id;
        } else if (opts.onlyOffice) office = opts.onlyOffice;
        else if (unit && c.management_level) {
          const k = `${unit.id}\u0000${c.management_level}`;
          if (!custody.has(k)) custody.set(k, deepestRange(unit.path, c.management_level, state.ranges, (id) => pathById.get(id))?.custodianOrgId);
          office = custody.get(k) ?? opts.defaultOffice;
        } else office = opts.defaultOffice;
        if (opts.onlyOffice && office !== undefined && office !== opts.onlyOffice) bad('custodian_code', '只能导入本档案室保管的档案 / you can import only into your own office');
        if (office === undefined && clean) bad('custodian_code', '无法确定管档单位 / no custodian office for this cadre');
        if (clean) {
          cadres.push({
            line: r.line,
            sheet: sheet.name,
            input: { ...(c as unknown as CadreInput), org_unit_id: unit!.id },
            // Pinyin here, while other requests are served between rows, not in the write transaction.
            nameKeys: nameKeys(c.name!),
            archive: { archiveNo, kind, volumes, custodianOrgId: office!, storeRoom: v.store_room || null, cabinet: v.cabinet || null, shelf: v.shelf || null },
          });
        }
      } else {
        const archiveNo = v.archive_no ?? '';
        // '41', '99', 一 … 十: the category as people write it (codes.ts categoryCodeOf, as filing by hand).
        const categoryCode = categoryCodeOf(v.e01z211 ?? '');
        if (!archiveNo) bad('archive_no', '必填 / required');
        // An archive of another office or of a cadre tied to the importer answers exactly what an
        // absent number answers (README "Who sees what"): same message, row and column.
        else if (fileArchives.has(archiveNo) ? fileArchives.get(archiveNo) : !state.open.has(archiveNo)) bad('archive_no', `档案号 ${archiveNo} 不存在 / no such archive`);
        const formed = normaliseDate(v.e01z227 ?? '') ?? (v.e01z227 || '');
        const copy = YES[(v.is_copy ?? '').toLowerCase()];
        if (copy === undefined) bad('is_copy', '复印件应填 是 或 否 / must be 是 or 否');
        const copyDate = v.copy_date ? (normaliseDate(v.copy_date) ?? v.copy_date) : null;
        const pages = /^\d+$/.test(v.e01z224 ?? '') ? Number(v.e01z224) : NaN;
        const m = { categoryCode, title: v.e01z211a ?? '', formedDate: formed, pages, isCopy: !!copy, copyDate, remark: v.remark || null };
        const fieldCol: Record<string, string> = { categoryCode: 'e01z211', title: 'e01z211a', formedDate: 'e01z227', pages: 'e01z224', copyDate: 'copy_date', remark: 'remark' };
        if (!categoryCode) bad('e01z211', '材料类别不能为空：填类号，如 4-1 / the category must not be empty: give its number, such as 4-1');
        // An empty category cell is said above; materialProblems would call it an unknown category.
        // A material formed before its cadre's birth: the birth date of a cadre row of this file, else the
        // one on record — only of an archive the importer may file into (an absent one names no birth date).
        const birth = fileArchives.has(archiveNo) ? (fileArchives.get(archiveNo) ? undefined : fileBirths.get(archiveNo)) : state.open.has(archiveNo) ? state.archives.get(archiveNo)?.birth_date : undefined;
        for (const p of materialProblems(m, categories, today, birth)) if (categoryCode || p.field !== 'categoryCode') bad(fieldCol[p.field] ?? p.field, p.message);
        if (v.e01z124 && v.e01z124 !== '1') bad('e01z124', '每行登记一份材料：份数须为 1 或留空，另一份请另起一行 / one row is one document: 份数 must be 1 or blank; give another copy its own row');
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
        if (clean) {
          // A row already in the archive (a chunk imported twice) or twice in the file is refused:
          // re-running a file never doubles the catalogue. Two rows of the file that carry different
          // 序号 are two materials of the old catalogue and both go in.
          const same = sameMaterial(archiveNo, categoryCode, m.title, formed, pages);
          const seq = there.get(same);
          const twin = inFile.get(same);
          if (seq !== undefined) bad('e01z211a', `档案中已有同一份材料（序号 ${seq}，类别、名称、形成时间、页数均相同） / the archive already holds this material as ${seq} (same category, title, date formed and pages)`);
          else if (twin && !(twin.itemNo !== null && itemNo !== null && twin.itemNo !== itemNo)) bad('e01z211a', `与第 ${twin.line} 行是同一份材料（类别、名称、形成时间、页数均相同） / the same material as row ${twin.line} (same category, title, date formed and pages)`);
          else inFile.set(same, { line: r.line, itemNo });
        }
        if (clean) {
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
  await opts.onProgress?.(checked, total);
  // 序号: explicit numbers must be free (in the file and in the database); the rest follow them.
  const taken = (m: PlannedMaterial) => {
    const k = key(m.archiveNo, m.categoryCode);
    if (!used.has(k)) used.set(k, new Set());
    return used.get(k)!;
  };
  for (const m of materials) {
    if (m.itemNo === null) continue;
    const t = taken(m);
    if (t.has(m.itemNo)) problems.push({ sheet: m.sheet, row: m.line, column: m.seqColumn, problem: `序号 ${seqNo(m.categoryCode, m.itemNo)} 已被使用 / already used` });
    t.add(m.itemNo);
  }
  const highest = new Map<string, number>();
  for (const m of materials) {
    if (m.itemNo !== null) continue;
    const k = key(m.archiveNo, m.categoryCode);
    const t = taken(m);
    let top = highest.get(k);
    if (top === undefined) {
      top = 0;
      for (const n of t) if (n > top) top = n;
    }
    m.itemNo = top + 1;
    t.add(m.itemNo);
    highest.set(k, m.itemNo);
  }
  // 档案号 left blank: the office's next numbers, after those in the database and in the file.
  const offices = [...new Set(cadres.filter((c) => !c.archive.archiveNo).map((c) => c.archive.custodianOrgId))];
  for (const office of offices) {
    const code = [...orgs.entries()].find(([, o]) => o.id === office)![0];
    const prefix = `${code}-`;
    if (!state.serials.has(prefix)) state.serials.set(prefix, await archiveStore.maxArchiveSerial(q, prefix));
    let top = archiveStore.highestSerial(prefix, seenNos.keys(), state.serials.get(prefix));
    for (const c of cadres) if (!c.archive.archiveNo && c.archive.custodianOrgId === office) c.archive.archiveNo = `${prefix}${String(++top).padStart(5, '0')}`;
  }
  problems.sort((a, b) => (a.sheet === b.sheet ? a.row - b.row : a.sheet < b.sheet ? -1 : 1));
  return { problems, cadres, materials, state };
}

const BUSY = /^SQLITE_BUSY/;
const isBusy = (e: unknown) => BUSY.test(String((e as { code?: unknown })?.code ?? ''));
/** Tries of the write transaction when another process holds SQLite's writer lock (each waits busy_timeout). */
const WRITE_TRIES = 3;

/** Validates everything; unless dryRun and only when there is no problem, imports all of it. */
export async function runImport(db: Db, clock: Clock, sheets: Sheet[], opts: ImportOptions & { dryRun: boolean }, onCommit?: (trx: Trx, report: ImportReport) => Promise<void>): Promise<ImportReport> {
  const first = await plan(db, clock, sheets, opts);
  const report = (imported: boolean, p = first): ImportReport => ({
    dryRun: opts.dryRun,
    imported,
    counts: { cadres: p.cadres.length, archives: p.cadres.length, materials: p.materials.length },
    errors: opts.maxErrors === undefined ? p.problems : p.problems.slice(0, opts.maxErrors),
    errorCount: p.problems.length,
  });
  if (opts.dryRun || first.problems.length) return report(false);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (trx) => {
        // The writer lock first (SQLite: a transaction that read and then writes fails with
        // SQLITE_BUSY_SNAPSHOT when another process wrote in between), then the archives the file
        // names (PostgreSQL: concurrent filings wait for us), then the state again: when nothing
        // plan() read has moved, its numbers hold; else plan again against what is committed now
        // (the state just read, with the catalogue it left out).
        await takeWriterLock(trx);
        await io.lockArchives(trx, (await io.archivesByNo(trx, keysOf(sheets).nos)).map((a) => Number(a.id)));
        const now = await readState(trx, sheets, false, opts);
        const p = now.mark === first.state.mark ? first : await plan(trx, clock, sheets, opts, await withCatalogue(trx, now));
        if (p.problems.length) return report(false, p);
        await write(trx, clock, p, opts);
        const done = report(true, p);
        await onCommit?.(trx, done);
        return done;
      });
    } catch (e) {
      if (!isBusy(e)) throw e;
      if (attempt >= WRITE_TRIES) throw errors.conflict('DATABASE_BUSY', '服务正在写入数据库，请稍后重试 / The database is busy with other writes; try again in a moment');
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/** The planned rows, with multi-row inserts; the event loop turns between batches. */
async function write(trx: Trx, clock: Clock, p: Awaited<ReturnType<typeof plan>>, { actor, filed }: ImportOptions): Promise<void> {
  const now = iso(clock.now());
  // The cadre's only archive is its main one (archive-store syncCadreCustodian): its holder is the cadre's.
  const cadreIds = await io.insertCadres(trx, p.cadres.map((c) => cadreRow(c.input, c.archive.custodianOrgId, c.nameKeys, now)), nextTurn);
  const archiveIds = await io.insertArchives(
    trx,
    p.cadres.map((c) => archiveRow({ ...c.archive, cadreId: cadreIds.get(c.input.id_number)! }, c.archive.archiveNo!, 'in_stock', now)),
    (archiveId, a) => firstStatusRow(archiveId, a.status, '历史数据迁移 / imported', actor, now),
    nextTurn,
  );
  for (const a of p.state.archives.values()) archiveIds.set(a.archive_no, a.id);
  // The writer lock (SQLite) or the archives' locks (PostgreSQL) are held: the rows above this id in them are ours.
  const lastBefore = await io.maxId(trx, 'materials');
  await io.insertMaterials(
    trx,
    p.materials.map((m) => ({ ...m.row, archive_id: archiveIds.get(m.archiveNo)!, item_no: m.itemNo!, seq_no: seqNo(m.categoryCode, m.itemNo!), filed_by: actor?.id ?? null, filed_at: now })),
    nextTurn,
  );
  const into = [...new Set(p.materials.map((m) => archiveIds.get(m.archiveNo)!))];
  if (into.length) await filed(trx, await io.materialsSince(trx, into, lastBefore));
}
