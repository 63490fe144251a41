// Who may start a process, said in words: a start refused for want of a starter role names the
// roles (their names from the roles table) and the process, in Chinese and English.
import type { Q } from '../db.ts';
import { errors, type AppError } from '../errors.ts';

const withArticle = (name: string) => `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name.charAt(0).toLowerCase()}${name.slice(1)}`;

/** 403 "只有档案管理员可以发起“…” / Only an archivist may start “…”". */
export async function notStarter(q: Q, starters: string[], processName: string): Promise<AppError> {
  const rows: Array<{ code: string; name_zh: string; name_en: string }> = await q('roles').whereIn('code', starters).select('code', 'name_zh', 'name_en');
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const zh = starters.map((c) => byCode.get(c)?.name_zh ?? c).join('或');
  const en = starters.map((c) => withArticle(byCode.get(c)?.name_en ?? c)).join(' or ');
  return errors.forbidden(`只有${zh}可以发起“${processName}” / Only ${en} may start “${processName}”`);
}
