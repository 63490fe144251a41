// Gap-free yearly running numbers, taken inside the caller's transaction: a rolled-back case does
// not use up a number, and two concurrent cases never get the same one.
import type { Q } from '../db.ts';
import { isPg } from '../db.ts';

export async function nextNumber(q: Q, name: string, year: number): Promise<number> {
  if (isPg(q)) {
    const r = await q.raw(
      `INSERT INTO sequences (name, year, value) VALUES (?, ?, 1)
       ON CONFLICT (name, year) DO UPDATE SET value = sequences.value + 1 RETURNING value`,
      [name, year],
    );
    return Number(r.rows[0].value);
  }
  const updated = await q('sequences').where({ name, year }).increment('value', 1);
  if (!updated) await q('sequences').insert({ name, year, value: 1 });
  const row = await q('sequences').where({ name, year }).first('value');
  return Number(row.value);
}

/** 查借-2026-0007: a prefix, the year (Asia/Shanghai), and the number padded to four digits. */
export async function caseNumber(q: Q, prefix: string, at: Date): Promise<string> {
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(at));
  const n = await nextNumber(q, prefix, year);
  return `${prefix}-${year}-${String(n).padStart(4, '0')}`;
}
