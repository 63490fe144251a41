// 数字化记录: a move back the scan check made on its own keeps its material and findings as data
// (`auto_back`), beside the note in both languages, so that a page words it in its reader's language
// without reading the note (which a person could have written the same way). The rows written
// before are filled in by the next migration (20261128_1341).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('archive_digital_history', (t) => {
    /** JSON { seqNo, codes } of a move back the scan check made; null for a move a person made. */
    t.text('auto_back');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE archive_digital_history DROP COLUMN auto_back');
}
