// 数字化出库/回库: an archive of an approved batch that is no longer on the shelf at the 出库交接 (lent
// meanwhile) may be left out of the batch — the row stays, marked with when and why, and no longer
// holds the archive; the rest of the batch goes out (server/digitisation/process.ts).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('digitisation_batch_items', (t) => {
    t.string('left_out_at', 30).nullable();
    t.string('left_out_reason', 500).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  // A plain DROP COLUMN on both: knex's dropColumn rebuilds SQLite's table.
  await knex.raw('ALTER TABLE digitisation_batch_items DROP COLUMN left_out_reason');
  await knex.raw('ALTER TABLE digitisation_batch_items DROP COLUMN left_out_at');
}
