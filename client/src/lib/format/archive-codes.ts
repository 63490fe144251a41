// The archive domain's codes as words in the user's language (the tables of server/archives/codes.ts,
// copied into the dictionaries): gender, management level, archive kind, status, digital status.
// An unknown code reads as the server's Chinese label when there is one, else as the code itself.
import { i18n } from '../i18n/index.svelte.ts';
import { formatCalendarDate } from './dates.ts';
import { GONE } from '../../../../server/archives/codes.ts';

/** An archive that has left the office (已转出, 已移交档案馆): its register record only, no new work. */
export const isGone = (status: string): boolean => GONE.includes(status);

export type CodeTable = 'gender' | 'level' | 'kind' | 'status' | 'digital';

export function codeLabel(table: CodeTable, code: string | null | undefined, serverLabel?: string): string {
  if (!code) return '—';
  return i18n.tx(`codes.${table}.${code}`, undefined, serverLabel ?? code);
}

/** 库房 / 柜 / 格, whichever are recorded. */
export function shelfMark(loc: { storeRoom: string | null; cabinet: string | null; shelf: string | null }): string {
  const parts = [loc.storeRoom, loc.cabinet, loc.shelf].filter((p): p is string => !!p);
  return parts.length ? parts.join(' / ') : '—';
}

const DATE_FIELDS = new Set(['birth_date', 'party_join_date', 'work_start_date']);

/** A value of a cadre's record field (A01 column: birth_date, gender, …) as the user reads it. */
export function fieldValueText(field: string, v: string | null): string {
  if (v === null || v === '') return '—';
  if (DATE_FIELDS.has(field)) return formatCalendarDate(v);
  if (field === 'gender') return codeLabel('gender', v);
  if (field === 'management_level') return codeLabel('level', v);
  return v;
}
