// The code lists of the archive domain, with their Chinese and English labels: management
// levels, archive kinds and statuses (with the transition table), digital statuses, genders.
// Codes are what the database and the API carry; labels are for people.

export const MANAGEMENT_LEVELS = {
  central: { zh: '中管', en: 'Central' },
  provincial: { zh: '省管', en: 'Provincial' },
  municipal: { zh: '市管', en: 'Municipal' },
  county: { zh: '县管', en: 'County' },
  unit: { zh: '单位管', en: 'Unit' },
} as const;
export type ManagementLevel = keyof typeof MANAGEMENT_LEVELS;
export const MANAGEMENT_LEVEL_CODES = Object.keys(MANAGEMENT_LEVELS) as [ManagementLevel, ...ManagementLevel[]];

export const ARCHIVE_KINDS = { original: { zh: '正本', en: 'Original' }, copy: { zh: '副本', en: 'Copy' } } as const;
export type ArchiveKind = keyof typeof ARCHIVE_KINDS;
export const ARCHIVE_KIND_CODES = Object.keys(ARCHIVE_KINDS) as [ArchiveKind, ...ArchiveKind[]];

export const ARCHIVE_STATUSES = {
  in_stock: { zh: '在库', en: 'In stock' },
  on_loan: { zh: '借出', en: 'On loan' },
  digitizing: { zh: '数字化中', en: 'Being digitised' },
  transferring: { zh: '转出中', en: 'Being transferred' },
  transferred: { zh: '已转出', en: 'Transferred out' },
  retired: { zh: '离退', en: 'Retired' },
  deceased: { zh: '死亡', en: 'Deceased' },
  archived_state: { zh: '已移交档案馆', en: 'Handed to the state archives' },
} as const;
export type ArchiveStatus = keyof typeof ARCHIVE_STATUSES;
export const ARCHIVE_STATUS_CODES = Object.keys(ARCHIVE_STATUSES) as [ArchiveStatus, ...ArchiveStatus[]];

/**
 * Allowed status changes. A loan, a digitisation batch or a transfer returns the archive to the
 * shelf; a transfer that arrives sets the receiving office as custodian and puts it in stock
 * (changeArchiveCustodian). 离退 archives can still be lent, digitised or transferred; a
 * deceased cadre's archive may go to the state archives (已移交档案馆), which is final.
 */
export const STATUS_TRANSITIONS: Record<ArchiveStatus, readonly ArchiveStatus[]> = {
  in_stock: ['on_loan', 'digitizing', 'transferring', 'retired', 'deceased'],
  on_loan: ['in_stock'],
  digitizing: ['in_stock'],
  transferring: ['transferred', 'in_stock'],
  transferred: ['in_stock'],
  retired: ['on_loan', 'digitizing', 'transferring', 'deceased', 'archived_state', 'in_stock'],
  deceased: ['on_loan', 'digitizing', 'archived_state'],
  archived_state: [],
};

/** The register says these stand on the shelf (在库, 离退, 去世): 库房核对 checks them; a 数字化出库 takes them. */
export const ON_SHELF: readonly string[] = ['in_stock', 'retired', 'deceased'] satisfies ArchiveStatus[];
/** No longer in the office's keeping (已转出, 已移交档案馆): not counted as held, not reviewed. */
export const GONE: readonly string[] = ['transferred', 'archived_state'] satisfies ArchiveStatus[];
/** Leaving or gone (转出中, 已转出, 已移交档案馆): a grant opens nothing, a use counts the archive as left. */
export const LEAVING_OR_GONE: readonly string[] = ['transferring', ...GONE];
/** The register says these are away from the shelf (借出, 数字化中, 转出中). */
export const AWAY: readonly string[] = ['on_loan', 'digitizing', 'transferring'] satisfies ArchiveStatus[];

export const DIGITAL_STATUSES = {
  none: { zh: '未数字化', en: 'Not digitised' },
  partial: { zh: '部分数字化', en: 'Partly digitised' },
  done: { zh: '已数字化', en: 'Digitised' },
  verified: { zh: '已验收', en: 'Verified' },
} as const;
export type DigitalStatus = keyof typeof DIGITAL_STATUSES;
export const DIGITAL_STATUS_CODES = Object.keys(DIGITAL_STATUSES) as [DigitalStatus, ...DigitalStatus[]];

/**
 * The moves of an archive's digital status (数字化进度) and who makes each. Up to 已数字化 needs every
 * current material scanned with a passing check; 已验收 (数据验收) is the archive chief's, and never by
 * the person who marked the archive 已数字化. A move down (a defect found after the fact) needs a note.
 */
export const DIGITAL_TRANSITIONS: Record<DigitalStatus, Partial<Record<DigitalStatus, { roles: readonly string[]; down?: true }>>> = {
  none: { partial: { roles: ['archivist', 'archive_chief'] }, done: { roles: ['archivist', 'archive_chief'] } },
  partial: { done: { roles: ['archivist', 'archive_chief'] } },
  done: { verified: { roles: ['archive_chief'] }, partial: { roles: ['archivist', 'archive_chief'], down: true } },
  verified: { done: { roles: ['archive_chief'], down: true }, partial: { roles: ['archive_chief'], down: true } },
};

/** The catalogue fields a correction (更正) may change, as the API names them. */
export const CORRECTED_FIELDS = ['title', 'titleCode', 'formedDate', 'pages', 'isCopy', 'copyDate', 'remark', 'producerOrgId'] as const;
export type CorrectedField = (typeof CORRECTED_FIELDS)[number];

/** The statuses whose archive claims every material is scanned. */
export const DIGITISED_STATUSES: readonly DigitalStatus[] = ['done', 'verified'];

/** GB/T 2261.1: 1 男, 2 女. */
export const GENDERS = { '1': { zh: '男', en: 'Male' }, '2': { zh: '女', en: 'Female' } } as const;
export type Gender = keyof typeof GENDERS;

export const COLOUR_MODES = ['color', 'gray', 'bw'] as const;
export type ColourMode = (typeof COLOUR_MODES)[number];

/** Minimum scan resolution of DOMAIN.md §3 (≥ 200 dpi; unverified for the cadre standard): the default of SCAN_MIN_DPI. */
export const MIN_SCAN_DPI = 200;

/** An archive in stock with no place recorded: received, not yet 入库上架. */
export const awaitingShelving = (a: { status: string; store_room: string | null; cabinet: string | null; shelf: string | null }): boolean =>
  a.status === 'in_stock' && !a.store_room && !a.cabinet && !a.shelf;

const NUMERALS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const DIVIDED = ['4', '9'];

/**
 * A category as people write it, as the catalogue's code: the 类号 in Arabic ('10', '4-1') or in
 * Chinese numerals as the printed catalogue heads it (一 … 十, DOMAIN.md §2.2), with or without
 * 第…类; a sub-category of 四 or 九 as '4-1', '4.1', '41', '四-1' or '四之一'; '99', the A01 code of
 * 十类, as '10'; full-width digits and dashes as half-width. Anything else comes back trimmed, for
 * the caller to refuse as an unknown category.
 */
export function categoryCodeOf(text: string): string {
  const t = text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[－—–‐·．]/g, (c) => (c === '·' || c === '．' ? '.' : '-'));
  const bare = t.replace(/^第\s*/, '').replace(/\s*类$/, '');
  const part = (p: string) => (/^\d{1,2}$/.test(p) ? String(Number(p)) : NUMERALS[p] ? String(NUMERALS[p]) : null);
  if (bare === '99') return '10';
  const whole = part(bare);
  if (whole && Number(whole) >= 1 && Number(whole) <= 10) return whole;
  const sub = /^([0-9一二三四五六七八九十]{1,2}?)\s*(?:[-.]|之)\s*([0-9一二三四五六七八九十]{1,2})$/.exec(bare) ?? /^([49])([1-9])$/.exec(bare);
  if (sub) {
    const [main, n] = [part(sub[1]), part(sub[2])];
    if (main && n && DIVIDED.includes(main)) return `${main}-${n}`;
  }
  return t;
}
