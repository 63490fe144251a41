// 数字化出库/回库: each 回库登记 of a batch kept as a row — who registered it and when, which archives
// came back, and for a 部分回库 the note on those still out and the expected return date before and
// after it (a date moved stays visible: the batch row keeps only the latest).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('digitisation_batch_returns', (t) => {
    t.increments('id');
    t.integer('batch_id').notNullable().references('id').inTable('digitisation_batches');
    t.integer('returned_by').notNullable().references('id').inTable('users');
    t.string('returned_at', 30).notNullable();
    /** JSON array of the archive numbers registered back in this round. */
    t.text('archive_nos').notNullable();
    /** JSON array of the archive numbers still out after it (empty: the batch is back). */
    t.text('still_out_nos').notNullable();
    /** Where the archives still out are and why (部分回库). */
    t.string('note', 500);
    /** YYYY-MM-DD: the expected return date before this round, and after it (the same when not moved). */
    t.string('expected_before', 10).notNullable();
    t.string('expected_after', 10).notNullable();
    t.index(['batch_id'], 'digitisation_batch_returns_batch');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('digitisation_batch_returns');
}
