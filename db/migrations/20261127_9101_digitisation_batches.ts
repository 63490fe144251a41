// 数字化出库/回库 (DOMAIN.md §3: retrieval from the 库房 needs a 出库申请 approved by the responsible
// person): one row per batch case — the office, purpose, expected return, the chief's decision, who
// handed the archives over and who registered their return — and one row per archive of the batch
// with its number at the start and when it left and came back.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('digitisation_batches', (t) => {
    t.increments('id');
    /** 数字化-2026-0001; the case's business key. */
    t.string('case_no', 30).notNullable().unique();
    t.string('instance_id', 36).notNullable().unique().references('id').inTable('process_instances');
    /** The archive office that holds every archive of the batch (the starter's own). */
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    /** scan 扫描 | rescan 补扫 | repair 修裱 */
    t.string('purpose', 10).notNullable();
    /** YYYY-MM-DD (Beijing): the 回库登记 task is due at the end of that day. */
    t.string('expected_return_date', 10).notNullable();
    t.string('note', 500);
    t.integer('started_by').notNullable().references('id').inTable('users');
    /** review | approved | out | returned | rejected | withdrawn */
    t.string('status', 10).notNullable();
    t.integer('chief_id').references('id').inTable('users');
    t.string('chief_decision', 10);
    t.text('chief_comment');
    t.string('decided_at', 30);
    t.integer('handed_over_by').references('id').inTable('users');
    t.string('out_at', 30);
    t.integer('returned_by').references('id').inTable('users');
    t.string('returned_at', 30);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['custodian_org_id', 'status'], 'digitisation_batches_office');
  });
  await knex.schema.createTable('digitisation_batch_items', (t) => {
    t.increments('id');
    t.integer('batch_id').notNullable().references('id').inTable('digitisation_batches');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    /** The archive's number when the batch was registered. */
    t.string('archive_no', 40).notNullable();
    /** The status the archive left the shelf from (在库, 离退, 死亡), set at the hand-over. */
    t.string('status_before', 20);
    t.string('out_at', 30);
    t.string('back_at', 30);
    t.unique(['batch_id', 'archive_id'], { indexName: 'digitisation_batch_items_archive' });
    /** "Is this archive in an open batch?" at every start. */
    t.index(['archive_id'], 'digitisation_batch_items_by_archive');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('digitisation_batch_items');
  await knex.schema.dropTable('digitisation_batches');
}
