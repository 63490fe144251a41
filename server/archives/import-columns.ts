// The columns of an import sheet (历史数据迁移): which a cadre sheet and a catalogue sheet read, which
// they need, and what is wrong with a sheet's header row. A column the import does not read is
// refused, not ignored: its values would be lost without a word (a typo such as 备住 for 备注 or 复印
// for 复印件), and catalogue rows cannot be corrected in place afterwards (materials are
// append-only). A required column missing is named once, on the header row, not on every row.
import { CADRE_FIELDS } from './fields.ts';
import { HEADER_ALIASES, type Sheet } from './import-read.ts';

/** Cadre fields (server/archives/cadres.ts) → the column a cadre sheet gives them in. */
export const CADRE_COLUMNS: Record<string, string> = {
  name: 'a0101', gender: 'a0104', birth_date: 'a0107', native_place: 'a0111a', ethnicity: 'a0117', work_start_date: 'a0134',
  political_status: 'a0141', party_join_date: 'a0144', id_number: 'a0184', education: 'education', degree: 'degree', post: 'post', management_level: 'management_level',
};

const ARCHIVE_COLUMNS = ['unit_code', 'archive_no', 'archive_kind', 'volumes', 'store_room', 'cabinet', 'shelf', 'custodian_code'];

export type SheetKind = 'cadres' | 'catalogue';

/** Every column each kind of sheet reads. */
const KNOWN: Record<SheetKind, Set<string>> = {
  cadres: new Set([...Object.values(CADRE_COLUMNS), ...ARCHIVE_COLUMNS]),
  catalogue: new Set(['archive_no', 'e01z211', 'e01z212', 'e01z211a', 'e01z211b', 'e01z227', 'e01z224', 'e01z124', 'e01z0001', 'is_copy', 'copy_date', 'remark']),
};

/** The columns without which no row of the sheet can be imported. */
const REQUIRED: Record<SheetKind, string[]> = {
  cadres: [...Object.entries(CADRE_COLUMNS).filter(([field]) => CADRE_FIELDS.find((f) => f.column === field)?.required).map(([, column]) => column), 'unit_code'],
  catalogue: ['archive_no', 'e01z211', 'e01z211a', 'e01z227', 'e01z224'],
};

/** A column's Chinese header (the first alias), for messages: 页数 for e01z224. */
const CHINESE = new Map<string, string>();
for (const [zh, column] of Object.entries(HEADER_ALIASES)) if (!CHINESE.has(column)) CHINESE.set(column, zh);
const named = (column: string) => (CHINESE.has(column) ? `${CHINESE.get(column)}（${column}）` : column);

/** Edit distance of two short headers (a typo is one or two characters off). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return d[b.length];
}

/** The known header a typo most likely meant: one that contains it or that it contains, or one or two characters off. */
function meant(header: string, kind: SheetKind): string | null {
  const names = [...Object.entries(HEADER_ALIASES).filter(([, c]) => KNOWN[kind].has(c)).map(([zh]) => zh), ...KNOWN[kind]];
  let best: { name: string; d: number } | null = null;
  for (const name of names) {
    const d = Math.min(header.length, name.length) >= 2 && (name.includes(header) || header.includes(name)) ? 1 : distance(header, name);
    if (d <= Math.min(2, Math.max(name.length, header.length) - 1) && (!best || d < best.d)) best = { name, d };
  }
  return best?.name ?? null;
}

export interface ColumnProblem {
  /** The header as written, or null for a column that is missing or has no header. */
  column: string | null;
  problem: string;
}

/** What is wrong with the columns of a sheet of this kind, and the required columns it lacks (their per-row problems are left unsaid). */
export function columnProblems(sheet: Sheet, kind: SheetKind): { problems: ColumnProblem[]; missing: Set<string> } {
  const problems: ColumnProblem[] = [];
  const seen = new Map<string, string>();
  for (const { key, header } of sheet.columns) {
    if (!key) continue;
    if (!KNOWN[kind].has(key)) {
      const guess = meant(header, kind);
      problems.push({
        column: header,
        problem: `无法识别的列「${header}」，其中的数据不会导入：请改为正确的列名${guess ? `（是否应为「${guess}」？）` : ''}或删除该列 / unknown column "${header}": its values would not be imported; give it the right name${guess ? ` (did you mean "${guess}"?)` : ''} or remove it`,
      });
    } else if (seen.has(key)) {
      problems.push({ column: header, problem: `列「${header}」与列「${seen.get(key)}」是同一列（${key}），只能保留一列 / columns "${header}" and "${seen.get(key)}" are the same column (${key}): keep one` });
    } else seen.set(key, header);
  }
  for (const [position, line] of sheet.unnamed) {
    problems.push({ column: null, problem: `第 ${position} 列没有列名，但第 ${line} 行在该列有值：请补上列名或删除这些值 / column ${position} has no header but row ${line} has a value in it: give the column its name or remove the values` });
  }
  const missing = new Set(REQUIRED[kind].filter((c) => !seen.has(c)));
  for (const c of missing) problems.push({ column: null, problem: `缺少必填列 ${named(c)} / the required column ${c} (${CHINESE.get(c) ?? c}) is missing` });
  return { problems, missing };
}
