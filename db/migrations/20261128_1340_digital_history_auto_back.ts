// 数字化记录: a move back the scan check made on its own keeps its material and findings as data
// (`auto_back`), beside the note in both languages, so that a page words it in its reader's language
// without reading the note (which a person could have written the same way). Rows the check wrote
// before are filled in from their note: the system's own line, on a move to 部分数字化 it counted as
// one checked material.
import type { Knex } from 'knex';

const AUTO_BACK = /^扫描质检未通过，自动退回：材料 ([0-9-]+)（([A-Z_、]+)）/;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('archive_digital_history', (t) => {
    /** JSON { seqNo, codes } of a move back the scan check made; null for a move a person made. */
    t.text('auto_back');
  });
  const rows: Array<{ id: number; note: string }> = await knex('archive_digital_history')
    .where({ to_status: 'partial', checked: 1 })
    .whereLike('note', '扫描质检未通过，自动退回：%')
    .select('id', 'note');
  for (const row of rows) {
    const m = AUTO_BACK.exec(row.note);
    if (m) await knex('archive_digital_history').where({ id: row.id }).update({ auto_back: JSON.stringify({ seqNo: m[1], codes: m[2].split('、') }) });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE archive_digital_history DROP COLUMN auto_back');
}
